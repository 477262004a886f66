//! The Redeem screen: type or scan a claim code; the result is shown big.

use egui::RichText;

use super::Command;
use super::theme::{self, TOUCH};
use super::widgets::{self, Tone};

/// Draws the code field and the last result.
pub fn redeem_ui(
    ui: &mut egui::Ui,
    input: &mut String,
    last: Option<&(Tone, String)>,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Redeem a claim code");
    ui.label("Scan the fan's QR code anywhere in Encore, or type the code (dashes, spaces and case do not matter).");
    let mut submit = false;
    ui.horizontal(|ui| {
        let label = ui.label("Claim code");
        let field = egui::TextEdit::singleline(input)
            .font(theme::bold(22.0))
            .hint_text("e.g. 0K4M-7QX2-…");
        let response = ui
            .add_sized([ui.available_width() - 160.0, TOUCH], field)
            .labelled_by(label.id);
        submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if widgets::button(ui, "Redeem code", 130.0) {
            submit = true;
        }
    });
    if submit && !input.trim().is_empty() {
        commands.push(Command::Redeem(input.trim().to_string()));
    }
    if let Some((tone, text)) = last {
        ui.add_space(16.0);
        widgets::banner(ui, *tone, text, 34.0);
    }
    ui.add_space(8.0);
    ui.label(
        RichText::new("A code works once. A second scan says when and where it was redeemed.")
            .weak(),
    );
    commands
}
