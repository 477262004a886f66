//! Training mode at this station: the creator turns it on for practice and off again. While it
//! is on, every screen shows the TRAINING banner and every sale is a practice sale.

use egui::RichText;

use super::SettingsOp;
use crate::ui::Command;
use crate::ui::widgets;

/// The creator PIN as typed; cleared once used.
#[derive(Debug, Clone, Default)]
pub struct TrainingDraft {
    /// Creator PIN.
    pub pin: String,
}

/// Draws the switch: what training does, the PIN, and the button that turns it the other way.
pub fn training_ui(ui: &mut egui::Ui, draft: &mut TrainingDraft, on: bool) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Training mode").strong());
    ui.label(
        "A practice station: its sales take no stock, issue no claim codes or queue tickets, \
         number their receipts T1, T2… and say TRAINING, and stay out of every figure.",
    );
    ui.horizontal_wrapped(|ui| {
        let button = if on {
            "Stop training: sell for real"
        } else {
            "Start training"
        };
        if widgets::pin_and_button(ui, "Creator PIN for training", &mut draft.pin, button) {
            commands.push(Command::Settings(SettingsOp::SetTraining(!on)));
        }
    });
    commands
}
