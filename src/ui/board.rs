//! The now-serving board: a fan-facing window, readable from three metres, with per lane who is
//! being served, the next five, and the wait for a ticket bought now.

use egui::RichText;

use super::theme;
use crate::domain::queue::wait_text;
use crate::service::LaneView;

/// Draws the board.
pub fn board_ui(ui: &mut egui::Ui, event_name: &str, lanes: &[LaneView]) {
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(event_name).font(theme::bold(36.0)));
    });
    ui.separator();
    if lanes.is_empty() {
        ui.label(RichText::new("No queue tonight.").size(40.0));
        return;
    }
    ui.columns(lanes.len(), |columns| {
        for (ui, lane) in columns.iter_mut().zip(lanes) {
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(format!("Lane {}", lane.lane)).font(theme::bold(44.0)));
                ui.add(egui::Label::new(RichText::new(&lane.title).size(24.0)).truncate());
                ui.add_space(12.0);
                ui.label(RichText::new("Now serving").size(26.0));
                let now: Vec<String> = lane
                    .serving
                    .iter()
                    .chain(&lane.called)
                    .map(|t| t.label.to_string())
                    .collect();
                let now_text = if now.is_empty() {
                    "–".to_string()
                } else {
                    now.join("  ")
                };
                ui.label(
                    RichText::new(now_text)
                        .font(theme::bold(72.0))
                        .color(theme::GOOD),
                );
                ui.add_space(12.0);
                ui.label(RichText::new("Next").size(26.0));
                let next: Vec<String> = lane
                    .waiting
                    .iter()
                    .take(5)
                    .map(|(t, _)| t.label.to_string())
                    .collect();
                if next.is_empty() {
                    ui.label(RichText::new("nobody waiting").size(28.0));
                } else {
                    // Wraps onto a second line in a narrow column, so five always fit.
                    ui.add(
                        egui::Label::new(RichText::new(next.join("   ")).font(theme::bold(40.0)))
                            .wrap(),
                    );
                }
                ui.add_space(16.0);
                ui.label(
                    RichText::new(format!("Buy now: {}", wait_text(lane.wait_now)))
                        .font(theme::bold(32.0))
                        .color(theme::WAIT),
                );
            });
        }
    });
}
