//! Changing the creator PIN: the current one, the new one (six digits or more) twice. While
//! the demo's PIN is still set, the kiosk says so in red until this is done.

use egui::RichText;

use super::SettingsOp;
use crate::ui::Command;
use crate::ui::theme::TOUCH;
use crate::ui::widgets;

/// The form as typed; every field is cleared once used.
#[derive(Debug, Clone, Default)]
pub struct PinDraft {
    /// The creator PIN now.
    pub current: String,
    /// The new PIN.
    pub new: String,
    /// The new PIN again.
    pub again: String,
}

impl PinDraft {
    /// The three fields, cleared: a PIN is never kept past its one use.
    pub fn take(&mut self) -> PinDraft {
        std::mem::take(self)
    }
}

/// Draws the PIN change.
pub fn pin_ui(ui: &mut egui::Ui, draft: &mut PinDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Change the creator PIN").strong());
    ui.horizontal_wrapped(|ui| {
        widgets::pin_field(ui, "Current creator PIN", &mut draft.current);
        widgets::pin_field(ui, "New creator PIN", &mut draft.new);
        widgets::pin_field(ui, "New creator PIN again", &mut draft.again);
        let ready = !draft.current.is_empty() && !draft.new.is_empty();
        if ui
            .add_enabled(
                ready,
                egui::Button::new("Change PIN").min_size(egui::vec2(160.0, TOUCH)),
            )
            .clicked()
        {
            commands.push(Command::Settings(SettingsOp::ChangePin));
        }
    });
    commands
}
