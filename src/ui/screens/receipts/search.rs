//! The search box above the receipts: one query for a receipt number, a payment reference, an
//! amount, an offer title or a local time; what it found replaces the recent list until cleared.

use super::ReceiptsOp;
use crate::domain::search::Found;
use crate::ui::Command;
use crate::ui::widgets;

/// The query as typed and what the last search found.
#[derive(Debug, Clone, Default)]
pub struct SearchDraft {
    /// As typed.
    pub query: String,
    /// The last search's receipts; None shows the recent ones.
    pub found: Option<Found>,
}

/// Draws the box, its buttons and what was found.
pub fn search_ui(ui: &mut egui::Ui, draft: &mut SearchDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal_wrapped(|ui| {
        let field = widgets::field(
            ui,
            "Find a receipt",
            &mut draft.query,
            (0.0, 340.0),
            "K1-0042, 12.50, ENC-…, poster, 21:00-21:30",
        );
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if widgets::button(ui, "Find", 100.0) || entered {
            commands.push(Command::Receipts(ReceiptsOp::Search));
        }
        if draft.found.is_some() && widgets::button(ui, "Show recent", 160.0) {
            commands.push(Command::Receipts(ReceiptsOp::ClearSearch));
        }
    });
    if let Some(found) = &draft.found {
        let text = match (found.total, found.more()) {
            (0, _) => "No receipt matches.".to_string(),
            (1, _) => "1 receipt found.".to_string(),
            (n, 0) => format!("{n} receipts found, newest first."),
            (n, more) => format!(
                "{n} receipts found: the newest {} shown, {more} more. Narrow the search.",
                found.orders.len()
            ),
        };
        ui.label(text);
    }
    commands
}
