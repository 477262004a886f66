//! The cash drawer panel (Settings screen): open with a float, cash in/out, close with a count.

use egui::RichText;

use super::Command;
use super::theme::TOUCH;
use super::widgets::{self, Tone};
use crate::domain::drawer::DrawerReport;

/// What the drawer buttons ask for; the amount and reason come from the panel's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawerOp {
    /// Open with the amount as float.
    Open,
    /// Put the amount in.
    CashIn,
    /// Take the amount out.
    CashOut,
    /// Close with the amount as the count.
    Close,
}

/// Draws the drawer status and its buttons.
pub fn drawer_ui(
    ui: &mut egui::Ui,
    status: Option<&DrawerReport>,
    amount: &mut String,
    reason: &mut String,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Cash drawer").strong());
    match status {
        Some(r) => ui.label(format!(
            "Open: float {} + cash sales {} - refunds {} + in/out {} = expected {}",
            r.float, r.cash_sales, r.cash_refunds, r.moves, r.expected
        )),
        None => ui.label("Closed. Count the float, type it, and open the drawer."),
    };
    ui.horizontal(|ui| {
        let label = ui.label("Drawer amount");
        ui.add_sized([140.0, TOUCH], egui::TextEdit::singleline(amount))
            .labelled_by(label.id);
        let label = ui.label("Reason");
        ui.add_sized([260.0, TOUCH], egui::TextEdit::singleline(reason))
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let ops: &[(DrawerOp, &str)] = if status.is_some() {
            &[
                (DrawerOp::CashIn, "Cash in"),
                (DrawerOp::CashOut, "Cash out"),
                (DrawerOp::Close, "Close with count"),
            ]
        } else {
            &[(DrawerOp::Open, "Open drawer")]
        };
        for (op, label) in ops {
            if widgets::button(ui, *label, 170.0) {
                commands.push(Command::Drawer(*op));
            }
        }
    });
    if let Some(r) = status.filter(|r| r.expected.minor < 0) {
        widgets::banner(
            ui,
            Tone::Bad,
            &format!(
                "Expected cash is negative ({}): check the moves",
                r.expected
            ),
            18.0,
        );
    }
    commands
}
