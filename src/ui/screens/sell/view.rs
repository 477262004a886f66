//! The Sell screen's view: tiles, the basket with the fan, the payment's pinned buttons, and the
//! finished sale.

use egui::RichText;
use jiff::Timestamp;

use super::tiles::{self, Shelf};
use super::{Payment, SellOp, SellScreen, TillInputs, basket, pay, quote};
use crate::domain::catalogue::countdown;
use crate::domain::claim::grouped;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{Cart, TenderKind};
use crate::ui::Command;
use crate::ui::ctx::ScreenCtx;
use crate::ui::theme;
use crate::ui::widgets::{self, Tone};

const PANEL_W: f32 = 390.0;

impl SellScreen {
    /// Draws the Sell screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let quote =
            (!self.cart.is_empty()).then(|| quote(&self.cart, ctx.shared, ctx.event, ctx.now));
        let shelf = Shelf {
            offers: &ctx.shared.offers,
            bundles: &ctx.shared.bundles,
            discounts: &ctx.shared.discounts,
            cross_sells: &ctx.shared.cross_sells,
            quote: quote.as_ref(),
            mode: ctx.event.vat_mode,
            fan: self.fan.as_ref(),
        };
        let (cart, payment, till, fan_input) = (
            &self.cart,
            &self.payment,
            &mut self.till,
            &mut self.fan_input,
        );
        sell_ui(ui, shelf, (cart, payment), ctx.now, (till, fan_input))
    }

    /// What the fan sees in the fan-facing window.
    pub fn fan_ui(&self, ui: &mut egui::Ui, event_name: &str) {
        super::fan::fan_ui(ui, event_name, &self.payment);
    }
}

fn sell_ui(
    ui: &mut egui::Ui,
    shelf: Shelf<'_>,
    (cart, payment): (&Cart, &Payment),
    now: Timestamp,
    (till, fan_input): (&mut TillInputs, &mut String),
) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Panel::right("basket")
        .exact_size(PANEL_W)
        .show(ui, |ui| {
            // The buttons stay in one place whatever the basket holds: the helper's hand learns them.
            egui::Panel::bottom("basket_actions").show(ui, |ui| {
                commands.extend(actions_ui(ui, shelf, cart, payment, &till.cash));
            });
            egui::ScrollArea::vertical()
                .id_salt("basket_scroll")
                .show(ui, |ui| match payment {
                    Payment::None => {
                        commands.extend(basket::basket_ui(ui, shelf, cart));
                        commands.extend(basket::fan_ui(ui, shelf.fan, fan_input));
                    }
                    Payment::Pending {
                        total,
                        tip,
                        parts,
                        method,
                        qr,
                        checkout,
                        held_until,
                        ..
                    } => {
                        let due = payment.due().unwrap_or(*total);
                        hold_ui(ui, *held_until, now);
                        commands.extend(pay::tip_ui(ui, *total, *tip, &mut till.tip));
                        pay::pending_ui(ui, due, *method, qr.as_ref(), &checkout.payment_ref, till);
                        commands.extend(pay::split_ui(ui, *method, parts, &mut till.part));
                    }
                    Payment::Paid { receipt, claim_qrs } => paid_ui(ui, receipt, claim_qrs),
                });
        });
    let locked = matches!(payment, Payment::Pending { .. });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt("tiles_scroll")
            .show(ui, |ui| {
                commands.extend(tiles::tiles_ui(ui, shelf, now, locked));
            });
    });
    commands
}

/// How long the basket's units stay reserved for this fan.
fn hold_ui(ui: &mut egui::Ui, held_until: Timestamp, now: Timestamp) {
    let secs = held_until.as_second() - now.as_second();
    if secs > 0 {
        ui.label(RichText::new(format!("Units held for {}", countdown(secs))).color(theme::WAIT));
    } else {
        let text = "Hold expired: the units may go to another fan. Received still sells them if any are left.";
        ui.label(RichText::new(text).color(theme::BAD));
    }
}

/// The pinned buttons at the bottom of the basket: pay, confirm, or next fan.
fn actions_ui(
    ui: &mut egui::Ui,
    shelf: Shelf<'_>,
    cart: &Cart,
    payment: &Payment,
    cash_input: &str,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.add_space(6.0);
    match payment {
        Payment::None => {
            let ready = !cart.is_empty();
            let total = shelf.quote.and_then(|q| q.as_ref().ok()).map(|q| q.total);
            let credit = shelf.fan.and_then(|f| f.member.as_ref()).map(|m| m.credit);
            if let (Some(total), Some(credit)) = (total, credit)
                && credit.minor >= total.minor
                && widgets::wide_button(
                    ui,
                    RichText::new(format!("Member credit ({credit})")).size(22.0),
                    ready,
                )
            {
                commands.push(Command::Sell(SellOp::Pay(TenderKind::Credit)));
            }
            for (label, method) in [
                ("Pay by QR", TenderKind::Qr),
                ("Cash", TenderKind::Cash),
                ("Card", TenderKind::Card),
            ] {
                if widgets::wide_button(ui, RichText::new(label).size(24.0), ready) {
                    commands.push(Command::Sell(SellOp::Pay(method)));
                }
            }
            if widgets::wide_button(ui, "Clear basket", ready) {
                commands.push(Command::Sell(SellOp::Clear));
            }
        }
        Payment::Pending { method, .. } => {
            let due = payment.due().unwrap_or(Money::new(0, Currency::Eur));
            let (confirm, can_confirm) = match method {
                TenderKind::Qr => ("Received", true),
                TenderKind::Cash => ("Cash taken", pay::cash_change(due, cash_input).is_ok()),
                TenderKind::Card => ("Card approved", true),
                TenderKind::Credit => ("Take from credit", true),
            };
            if widgets::wide_button(ui, RichText::new(confirm).size(26.0).strong(), can_confirm) {
                commands.push(Command::Sell(SellOp::ConfirmPaid));
            }
            if widgets::wide_button(ui, "Cancel payment", true) {
                commands.push(Command::Sell(SellOp::CancelPayment));
            }
        }
        Payment::Paid { receipt, .. } => {
            if widgets::wide_button(ui, "Receipt PDF", true) {
                commands.push(Command::ExportReceipt(receipt.number.clone()));
            }
            if widgets::wide_button(ui, RichText::new("Next fan").size(24.0), true) {
                commands.push(Command::Sell(SellOp::NextFan));
            }
        }
    }
    commands
}

fn paid_ui(
    ui: &mut egui::Ui,
    receipt: &crate::domain::order::Receipt,
    claim_qrs: &[crate::domain::qr::QrMatrix],
) {
    if receipt.training {
        let text = format!(
            "TRAINING — practice sale {}: nothing to collect",
            receipt.number
        );
        widgets::banner(ui, Tone::Bad, &text, 30.0);
    } else {
        widgets::banner(ui, Tone::Good, &format!("Paid {}", receipt.total), 30.0);
    }
    ui.label(format!(
        "Receipt {} · {}",
        receipt.number,
        receipt.methods()
    ));
    let change = receipt.change();
    if change.minor > 0 {
        ui.label(RichText::new(format!("Change {change}")).font(theme::bold(30.0)));
    }
    for ticket in &receipt.tickets {
        ui.label(RichText::new(format!("Ticket {}", ticket.label)).font(theme::bold(40.0)));
        ui.label(&ticket.title);
    }
    for (claim, matrix) in receipt.claims.iter().zip(claim_qrs) {
        ui.separator();
        ui.label(RichText::new(&claim.title).strong());
        widgets::qr_ui(ui, matrix, 300.0, "Claim QR code");
        ui.label(RichText::new(grouped(&claim.code)).size(13.0).monospace());
    }
}
