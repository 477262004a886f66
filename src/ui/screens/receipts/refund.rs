//! The refund panel on the Receipts screen: choose units, type the creator's PIN, confirm.

use egui::RichText;

use super::ReceiptsOp;
use crate::domain::money::Money;
use crate::domain::order::{Line, Receipt, ReceiptNo, lines_total};
use crate::domain::pricing::VatMode;
use crate::ui::Command;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

/// A refund being prepared: the units to give back and the PIN typed so far.
#[derive(Debug, Clone)]
pub struct RefundDraft {
    /// The receipt.
    pub receipt: ReceiptNo,
    /// `(offer id, title, unit price, units sold, units to refund)`.
    pub lines: Vec<(i64, String, Money, u32, u32)>,
    /// Creator PIN as typed (never stored).
    pub pin: String,
    /// Why.
    pub reason: String,
    /// The refund receipt on A4 instead of 80 mm paper.
    pub a4: bool,
    /// The lines as sold (for their discounts) and the receipt's tax mode.
    sold: (Vec<Line>, VatMode),
}

impl RefundDraft {
    /// A draft refunding everything on `receipt`.
    pub fn of(receipt: &Receipt) -> RefundDraft {
        let lines = receipt
            .lines
            .iter()
            .map(|l| (l.offer_id, l.title.clone(), l.unit_price, l.qty, l.qty))
            .collect();
        RefundDraft {
            receipt: receipt.number.clone(),
            lines,
            pin: String::new(),
            reason: String::new(),
            a4: false,
            sold: (receipt.lines.clone(), receipt.vat_mode),
        }
    }

    /// `(offer id, units)` chosen to go back.
    pub fn chosen(&self) -> Vec<(i64, u32)> {
        self.lines
            .iter()
            .filter(|l| l.4 > 0)
            .map(|l| (l.0, l.4))
            .collect()
    }

    /// The money the chosen units give back.
    pub fn amount(&self) -> Option<Money> {
        let currency = self.lines.first()?.2.currency;
        let (sold, mode) = &self.sold;
        let chosen: Vec<Line> = sold
            .iter()
            .zip(&self.lines)
            .map(|(line, l)| line.units(0, l.4))
            .collect();
        Some(lines_total(&chosen, *mode, currency))
    }
}

/// Draws the draft; edits it in place and returns Confirm/Cancel commands.
pub fn refund_ui(ui: &mut egui::Ui, draft: &mut RefundDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading(format!("Refund {}", draft.receipt));
    ui.label("Choose what goes back. The refunded units' claim codes stop working at once.");
    for (_, title, price, sold, qty) in &mut draft.lines {
        ui.horizontal(|ui| {
            let less =
                egui::Button::new(RichText::new("–").size(24.0)).min_size(egui::vec2(TOUCH, TOUCH));
            if ui
                .add_enabled(*qty > 0, less)
                .accessible_name(format!("Refund one less {title}"))
                .clicked()
            {
                *qty -= 1;
            }
            ui.label(RichText::new(format!("{qty} of {sold}")).strong());
            let more =
                egui::Button::new(RichText::new("+").size(24.0)).min_size(egui::vec2(TOUCH, TOUCH));
            if ui
                .add_enabled(*qty < *sold, more)
                .accessible_name(format!("Refund one more {title}"))
                .clicked()
            {
                *qty += 1;
            }
            ui.label(format!("{title} · {price} each"));
        });
    }
    ui.horizontal(|ui| {
        let label = ui.label("Reason");
        ui.add_sized(
            [420.0, TOUCH],
            egui::TextEdit::singleline(&mut draft.reason),
        )
        .labelled_by(label.id);
    });
    ui.checkbox(&mut draft.a4, "Refund receipt on A4 paper");
    ui.horizontal(|ui| {
        let label = ui.label("Creator PIN");
        let field = egui::TextEdit::singleline(&mut draft.pin)
            .password(true)
            .font(theme::bold(24.0));
        ui.add_sized([200.0, TOUCH], field).labelled_by(label.id);
    });
    let amount = draft.amount().filter(|a| a.minor > 0);
    ui.horizontal(|ui| {
        let text = amount.map_or("Nothing chosen".to_string(), |a| format!("Refund {a}"));
        let ready = amount.is_some() && !draft.pin.is_empty();
        if ui
            .add_enabled(
                ready,
                egui::Button::new(RichText::new(text).size(22.0))
                    .min_size(egui::vec2(260.0, TOUCH)),
            )
            .clicked()
        {
            commands.push(Command::Receipts(ReceiptsOp::ConfirmRefund));
        }
        if widgets::button(ui, "Keep the sale", 200.0) {
            commands.push(Command::Receipts(ReceiptsOp::CancelRefund));
        }
    });
    commands
}
