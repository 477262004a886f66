//! The Queue screen: one column per lane with who is called, who waits, and how long.

use egui::RichText;

use super::Command;
use super::theme;
use super::widgets;
use crate::domain::queue::TicketState;
use crate::service::LaneView;

/// Draws the lanes side by side.
pub fn queue_ui(ui: &mut egui::Ui, lanes: &[LaneView]) -> Vec<Command> {
    let mut commands = Vec::new();
    if lanes.is_empty() {
        ui.label("No gigs at this event, so no queue.");
        return commands;
    }
    ui.columns(lanes.len(), |columns| {
        for (ui, lane) in columns.iter_mut().zip(lanes) {
            commands.extend(lane_ui(ui, lane));
        }
    });
    commands
}

fn lane_ui(ui: &mut egui::Ui, lane: &LaneView) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new(format!("Lane {}", lane.lane)).font(theme::bold(24.0)));
    ui.label(format!("{} · {} min", lane.title, lane.duration_mins));
    let call = format!("Call next {}", lane.lane);
    if widgets::wide_button(ui, RichText::new(call).size(22.0), !lane.waiting.is_empty()) {
        commands.push(Command::CallNext(lane.lane));
    }
    for ticket in &lane.called {
        ui.separator();
        ui.label(
            RichText::new(format!("Now: {}", ticket.label))
                .font(theme::bold(30.0))
                .color(theme::GOOD),
        );
        ui.horizontal(|ui| {
            let half = (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
            if widgets::button(ui, format!("Served {}", ticket.label), half) {
                commands.push(Command::Finish(ticket.id, TicketState::Done));
            }
            if widgets::button(ui, format!("No-show {}", ticket.label), half) {
                commands.push(Command::Finish(ticket.id, TicketState::NoShow));
            }
        });
    }
    ui.separator();
    ui.label(RichText::new(format!("Waiting: {}", lane.waiting.len())).strong());
    egui::ScrollArea::vertical()
        .id_salt(("lane", lane.lane))
        .show(ui, |ui| {
            for (ticket, wait_mins) in &lane.waiting {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(ticket.label.to_string()).font(theme::bold(22.0)));
                    ui.label(format!("about {wait_mins} min"));
                });
            }
        });
    commands
}
