//! Settings for the queue and claim codes (creator PIN to save), and the helper's name at this
//! station (recorded with redemptions and queue moves).

use crate::domain::field::{FieldError, FieldResult};
use egui::RichText;

use super::SettingsOp;
use crate::domain::event::Event;
use crate::domain::queue::QueueRules;
use crate::ui::Command;
use crate::ui::theme::TOUCH;
use crate::ui::widgets;

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct RulesDraft {
    /// Regular tickets per priority ticket.
    pub fairness: String,
    /// Grace minutes before a no-show.
    pub grace_mins: String,
    /// Places back for a re-queued no-show.
    pub requeue: String,
    /// Hours a claim code stays valid.
    pub code_hours: String,
    /// Creator PIN.
    pub pin: String,
    /// Helper's name at this station.
    pub helper: String,
}

impl RulesDraft {
    /// A form showing the event's settings.
    pub fn of(event: &Event, helper: &str) -> RulesDraft {
        RulesDraft {
            fairness: event.queue.fairness.to_string(),
            grace_mins: format!("{}", f64::from(event.queue.grace_secs) / 60.0),
            requeue: event.queue.requeue_places.to_string(),
            code_hours: event.claim_valid_hours.to_string(),
            pin: String::new(),
            helper: helper.to_string(),
        }
    }

    /// The rules and code validity as typed, or what is wrong, naming the field.
    pub fn parse(&self) -> FieldResult<(QueueRules, u32)> {
        let number = crate::domain::field::whole_number;
        let grace: f64 = self
            .grace_mins
            .trim()
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|m: &f64| (0.0..=30.0).contains(m))
            .ok_or_else(|| {
                FieldError::new("No-show grace", "minutes from 0 to 30, like 2 or 1.5")
            })?;
        Ok((
            QueueRules {
                fairness: number(
                    "Regular tickets per priority ticket",
                    &self.fairness,
                    1..=20,
                )?,
                grace_secs: (grace * 60.0).round() as u32,
                requeue_places: number("Re-queue places back", &self.requeue, 0..=50)?,
            },
            number(
                "Claim codes valid for (hours)",
                &self.code_hours,
                1..=24 * 90,
            )?,
        ))
    }
}

/// Draws the queue and code settings and the helper's name.
pub fn rules_ui(ui: &mut egui::Ui, draft: &mut RulesDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Helper at this station").strong());
    ui.horizontal(|ui| {
        let label = ui.label("Helper name");
        ui.add_sized(
            [200.0, TOUCH],
            egui::TextEdit::singleline(&mut draft.helper).hint_text("e.g. Sam"),
        )
        .labelled_by(label.id);
        if ui
            .add(egui::Button::new("Set helper").min_size(egui::vec2(120.0, TOUCH)))
            .clicked()
        {
            commands.push(Command::Settings(SettingsOp::SetHelper));
        }
    });
    ui.separator();
    ui.label(RichText::new("Queue and claim codes").strong());
    widgets::field(
        ui,
        "Regular tickets per priority ticket",
        &mut draft.fairness,
        (0.0, 60.0),
        "",
    );
    widgets::field(
        ui,
        "No-show grace (minutes)",
        &mut draft.grace_mins,
        (0.0, 60.0),
        "",
    );
    widgets::field(
        ui,
        "Re-queue places back",
        &mut draft.requeue,
        (0.0, 60.0),
        "",
    );
    widgets::field(
        ui,
        "Claim codes valid for (hours)",
        &mut draft.code_hours,
        (0.0, 60.0),
        "",
    );
    ui.horizontal(|ui| {
        let (label, button) = ("Creator PIN for the queue", "Save queue settings");
        if widgets::pin_and_button(ui, label, &mut draft.pin, button) {
            commands.push(Command::Settings(SettingsOp::SaveRules));
        }
    });
    commands
}
