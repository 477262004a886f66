//! The cash drawer panel (Settings screen): open with a float, cash in/out, close with a count.

use egui::RichText;

use super::SettingsOp;
use crate::domain::drawer::DrawerReport;
use crate::domain::money::{Money, parse_amount};
use crate::service::{Pos, PosResult};
use crate::ui::Command;
use crate::ui::ctx::Fx;
use crate::ui::widgets::{self, Tone};

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

/// The drawer as last read, and the panel's fields.
#[derive(Debug, Clone, Default)]
pub struct DrawerDraft {
    /// The open drawer's figures; None while closed.
    pub status: Option<DrawerReport>,
    /// The amount as typed.
    pub amount: String,
    /// The reason as typed.
    pub reason: String,
}

impl DrawerDraft {
    /// Runs a drawer action with the typed amount and reason.
    pub fn apply(&mut self, op: DrawerOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let currency = pos.event().currency;
        let amount = match parse_amount(&self.amount, currency) {
            Ok(m) => m,
            Err(e) => {
                fx.bad(format!("Drawer amount: {e}"));
                return Ok(());
            }
        };
        let reason = self.reason.trim().to_string();
        let done = match op {
            DrawerOp::Open => pos
                .open_drawer(amount)
                .map(|()| format!("Drawer open with {amount}")),
            DrawerOp::CashIn => pos
                .drawer_move(amount, &reason)
                .map(|()| format!("{amount} put in: {reason}")),
            DrawerOp::CashOut => {
                let out = Money::new(-amount.minor, currency);
                pos.drawer_move(out, &reason)
                    .map(|()| format!("{amount} taken out: {reason}"))
            }
            DrawerOp::Close => pos.close_drawer(amount).map(|r| {
                let diff = r.difference.unwrap_or(Money::new(0, currency));
                format!(
                    "Drawer closed: expected {}, counted {amount}, difference {diff}",
                    r.expected
                )
            }),
        }?;
        fx.good(done);
        self.amount.clear();
        self.reason.clear();
        Ok(())
    }
}

/// Draws the drawer status and its buttons.
pub fn drawer_ui(ui: &mut egui::Ui, draft: &mut DrawerDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    let status = draft.status.as_ref();
    ui.label(RichText::new("Cash drawer").strong());
    match status {
        Some(r) => ui.label(format!(
            "Open: float {} + cash sales {} - refunds {} + in/out {} = expected {}",
            r.float, r.cash_sales, r.cash_refunds, r.moves, r.expected
        )),
        None => ui.label("Closed. Count the float, type it, and open the drawer."),
    };
    ui.horizontal(|ui| {
        widgets::field(ui, "Drawer amount", &mut draft.amount, (0.0, 140.0), "");
        widgets::field(ui, "Reason", &mut draft.reason, (0.0, 260.0), "");
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
                commands.push(Command::Settings(SettingsOp::Drawer(*op)));
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
