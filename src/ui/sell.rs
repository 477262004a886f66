//! The Sell screen: offer tiles on the left, basket and payment on the right.
//! The common sale is three taps: a tile, a payment method, the confirmation.

use egui::{RichText, vec2};
use jiff::Timestamp;

use super::theme::{self, TOUCH};
use super::tiles::{self, Shelf};
use super::widgets::{self, Tone};
use super::{Command, Payment, basket};
use crate::domain::catalogue::countdown;
use crate::domain::claim::grouped;
use crate::domain::money::{Currency, Money, parse_amount};
use crate::domain::order::{Cart, TenderKind};

const PANEL_W: f32 = 390.0;

/// What the helper is typing at the till; cleared for each payment.
#[derive(Debug, Default)]
pub struct TillInputs {
    /// Cash handed over.
    pub cash: String,
    /// Card terminal reference.
    pub card_ref: String,
    /// Split tender: the amount of the next part.
    pub part: String,
    /// A custom tip: amount or percentage.
    pub tip: String,
}

/// Draws the Sell screen.
pub fn sell_ui(
    ui: &mut egui::Ui,
    shelf: Shelf<'_>,
    cart: &Cart,
    payment: &Payment,
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
                        commands.extend(tip_ui(ui, *total, *tip, &mut till.tip));
                        pending_ui(ui, due, *method, qr.as_ref(), &checkout.payment_ref, till);
                        commands.extend(split_ui(ui, *method, parts, &mut till.part));
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

/// Tip buttons: none or a share of the total, or a typed amount or percentage; kept apart
/// from the sale and its VAT.
fn tip_ui(ui: &mut egui::Ui, total: Money, tip: Money, typed: &mut String) -> Vec<Command> {
    let mut commands = Vec::new();
    let presets = [0, 10, 15, 20];
    let preset = presets
        .iter()
        .any(|p| tip == crate::domain::order::tip_percent(total, *p));
    ui.horizontal_wrapped(|ui| {
        ui.label("Tip");
        for percent in presets {
            let chosen = tip == crate::domain::order::tip_percent(total, percent);
            let label = if percent == 0 {
                "No tip".to_string()
            } else {
                format!("{percent}%")
            };
            if ui
                .add(egui::Button::selectable(chosen, label).min_size(vec2(64.0, TOUCH)))
                .clicked()
            {
                commands.push(Command::SetTip(percent));
            }
        }
        let label = ui.label("or");
        let field = egui::TextEdit::singleline(typed).hint_text(if preset {
            "2.50/12%".to_string()
        } else {
            tip.plain()
        });
        let response = ui
            .add_sized([110.0, TOUCH], field)
            .labelled_by(label.id)
            .on_hover_text("An amount (2.50) or a percentage (12%)");
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui
            .add_enabled(
                !typed.trim().is_empty(),
                egui::Button::new("Set tip").min_size(vec2(64.0, TOUCH)),
            )
            .clicked()
            || entered)
            && !typed.trim().is_empty()
        {
            commands.push(Command::CustomTip);
        }
    });
    if tip.minor > 0 {
        ui.label(format!("{total} + tip {tip}"));
    }
    commands
}

/// Split tender: take part of the amount another way (cash or card); the payment's own method
/// takes what is left. Parts already taken are listed with a button to take them back.
fn split_ui(
    ui: &mut egui::Ui,
    method: TenderKind,
    parts: &[(TenderKind, Money)],
    typed: &mut String,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.separator();
    for (at, (kind, amount)) in parts.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!("{amount} paid by {}", kind.label().to_lowercase())).strong(),
            );
            if ui
                .add(egui::Button::new("Undo").min_size(vec2(64.0, TOUCH)))
                .accessible_name(format!(
                    "Undo the {} part of {amount}",
                    kind.label().to_lowercase()
                ))
                .clicked()
            {
                commands.push(Command::RemovePart(at));
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Split: part paid by");
        let field = egui::TextEdit::singleline(typed).hint_text("10.00");
        ui.add_sized([100.0, TOUCH], field).labelled_by(label.id);
        for kind in [TenderKind::Cash, TenderKind::Card] {
            if kind == method {
                continue;
            }
            let ready = !typed.trim().is_empty();
            if ui
                .add_enabled(
                    ready,
                    egui::Button::new(kind.label()).min_size(vec2(64.0, TOUCH)),
                )
                .clicked()
            {
                commands.push(Command::AddPart(kind));
            }
        }
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
                commands.push(Command::Pay(TenderKind::Credit));
            }
            for (label, method) in [
                ("Pay by QR", TenderKind::Qr),
                ("Cash", TenderKind::Cash),
                ("Card", TenderKind::Card),
            ] {
                if widgets::wide_button(ui, RichText::new(label).size(24.0), ready) {
                    commands.push(Command::Pay(method));
                }
            }
            if widgets::wide_button(ui, "Clear basket", ready) {
                commands.push(Command::ClearCart);
            }
        }
        Payment::Pending { method, .. } => {
            let due = payment.due().unwrap_or(Money::new(0, Currency::Eur));
            let (confirm, can_confirm) = match method {
                TenderKind::Qr => ("Received", true),
                TenderKind::Cash => ("Cash taken", cash_change(due, cash_input).is_ok()),
                TenderKind::Card => ("Card approved", true),
                TenderKind::Credit => ("Take from credit", true),
            };
            if widgets::wide_button(ui, RichText::new(confirm).size(26.0).strong(), can_confirm) {
                commands.push(Command::ConfirmPaid);
            }
            if widgets::wide_button(ui, "Cancel payment", true) {
                commands.push(Command::CancelPayment);
            }
        }
        Payment::Paid { receipt, .. } => {
            if widgets::wide_button(ui, "Receipt PDF", true) {
                commands.push(Command::ExportReceipt(receipt.number.clone()));
            }
            if widgets::wide_button(ui, RichText::new("Next fan").size(24.0), true) {
                commands.push(Command::NextFan);
            }
        }
    }
    commands
}

/// The change for the cash typed so far (empty = exact), or what is wrong with it.
fn cash_change(total: Money, cash_input: &str) -> Result<Money, String> {
    if cash_input.trim().is_empty() {
        return Ok(Money::new(0, total.currency));
    }
    let given = parse_amount(cash_input, total.currency).map_err(|e| e.to_string())?;
    if given.minor < total.minor {
        let short = Money::new(total.minor - given.minor, total.currency);
        return Err(format!("{short} more needed"));
    }
    Ok(Money::new(given.minor - total.minor, total.currency))
}

fn pending_ui(
    ui: &mut egui::Ui,
    total: Money,
    method: TenderKind,
    qr: Option<&(crate::domain::qr::QrMatrix, String)>,
    payment_ref: &str,
    till: &mut TillInputs,
) {
    match method {
        TenderKind::Qr => {
            ui.heading(format!("Scan to pay {total}"));
            if let Some((matrix, caption)) = qr {
                widgets::qr_ui(
                    ui,
                    matrix,
                    ui.available_width().min(360.0),
                    "Payment QR code",
                );
                ui.label(caption);
            }
            ui.label(RichText::new(format!("Reference {payment_ref}")).strong());
            ui.label("Tap Received once the fan's banking app shows the transfer sent.");
        }
        TenderKind::Cash => {
            ui.heading(format!("Cash — {total} due"));
            cash_ui(ui, total, &mut till.cash);
        }
        TenderKind::Card => {
            ui.heading(format!("Charge {total} on the card terminal"));
            ui.label("Tap Card approved when the terminal says so.");
            ui.horizontal(|ui| {
                let label = ui.label("Terminal reference");
                let field = egui::TextEdit::singleline(&mut till.card_ref)
                    .hint_text("optional")
                    .char_limit(40);
                ui.add_sized([180.0, TOUCH], field).labelled_by(label.id);
            });
        }
        TenderKind::Credit => {
            ui.heading(format!("{total} from the member's credit"));
            ui.label("Tap Take from credit: the balance goes down by this amount.");
        }
    }
}

/// Cash given, quick amounts and the change.
fn cash_ui(ui: &mut egui::Ui, total: Money, cash_input: &mut String) {
    ui.horizontal(|ui| {
        let label = ui.label("Cash given");
        let field = egui::TextEdit::singleline(cash_input)
            .hint_text(total.plain())
            .font(theme::bold(26.0));
        ui.add_sized([160.0, TOUCH], field).labelled_by(label.id);
    });
    ui.horizontal_wrapped(|ui| {
        if widgets::button(ui, "Exact", 80.0) {
            *cash_input = total.plain();
        }
        for note in next_notes(total) {
            if widgets::button(ui, note.to_string(), 80.0) {
                *cash_input = note.plain();
            }
        }
    });
    match cash_change(total, cash_input) {
        Ok(_) if cash_input.trim().is_empty() => {
            ui.label(RichText::new("Exact amount, no change").size(22.0));
        }
        Ok(change) => {
            ui.label(
                RichText::new(format!("Change {change}"))
                    .font(theme::bold(34.0))
                    .color(theme::GOOD),
            );
        }
        Err(problem) => {
            ui.label(RichText::new(problem).size(22.0).color(theme::BAD));
        }
    }
}

/// The next two common notes above the total (5, 10, 20, 50, 100 … in major units).
fn next_notes(total: Money) -> Vec<Money> {
    let scale = 10_i64.pow(total.currency.minor_digits());
    [5, 10, 20, 50, 100, 200]
        .into_iter()
        .map(|n| Money::new(n * scale, total.currency))
        .filter(|m| m.minor > total.minor)
        .take(2)
        .collect()
}

fn paid_ui(
    ui: &mut egui::Ui,
    receipt: &crate::domain::order::Receipt,
    claim_qrs: &[crate::domain::qr::QrMatrix],
) {
    widgets::banner(ui, Tone::Good, &format!("Paid {}", receipt.total), 30.0);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn next_notes_are_above_the_total() {
        let notes = next_notes(Money::new(1250, Currency::Eur));
        assert_eq!(
            notes,
            vec![
                Money::new(2000, Currency::Eur),
                Money::new(5000, Currency::Eur)
            ]
        );
        assert_eq!(next_notes(Money::new(50_000, Currency::Eur)).len(), 0);
    }
}
