//! Paying at the till: the tip, split parts, and what each method shows while the fan pays
//! (the payment QR, the cash given with its change, the card terminal's reference).

use egui::{RichText, vec2};

use super::{SellOp, TillInputs};
use crate::domain::money::{Money, parse_amount};
use crate::domain::order::TenderKind;
use crate::domain::qr::QrMatrix;
use crate::ui::Command;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

/// Tip buttons: none or a share of the total, or a typed amount or percentage; kept apart
/// from the sale and its VAT.
pub(super) fn tip_ui(
    ui: &mut egui::Ui,
    total: Money,
    tip: Money,
    typed: &mut String,
) -> Vec<Command> {
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
                commands.push(Command::Sell(SellOp::SetTip(percent)));
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
            commands.push(Command::Sell(SellOp::CustomTip));
        }
    });
    if tip.minor > 0 {
        ui.label(format!("{total} + tip {tip}"));
    }
    commands
}

/// Split tender: take part of the amount another way (cash or card); the payment's own method
/// takes what is left. Parts already taken are listed with a button to take them back.
pub(super) fn split_ui(
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
                commands.push(Command::Sell(SellOp::RemovePart(at)));
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
                commands.push(Command::Sell(SellOp::AddPart(kind)));
            }
        }
    });
    commands
}

/// Why the cash typed so far is not enough to take.
#[derive(Debug, thiserror::Error)]
pub(super) enum CashError {
    /// Not an amount.
    #[error(transparent)]
    Amount(#[from] crate::domain::money::AmountError),
    /// Less than what is due.
    #[error("{0} more needed")]
    Short(Money),
    /// More than the till takes for this total (the rule the sale itself keeps).
    #[error(transparent)]
    TooMuch(#[from] crate::domain::field::FieldError),
}

/// The change for the cash typed so far (empty = exact), or what is wrong with it.
pub(super) fn cash_change(total: Money, cash_input: &str) -> Result<Money, CashError> {
    if cash_input.trim().is_empty() {
        return Ok(Money::new(0, total.currency));
    }
    let given = parse_amount(cash_input, total.currency)?;
    if given.minor < total.minor {
        let short = Money::new(total.minor - given.minor, total.currency);
        return Err(CashError::Short(short));
    }
    crate::domain::order::check_tendered(given, total)?;
    Ok(Money::new(given.minor - total.minor, total.currency))
}

pub(super) fn pending_ui(
    ui: &mut egui::Ui,
    total: Money,
    method: TenderKind,
    qr: Option<&(QrMatrix, String)>,
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
            ui.label(
                RichText::new(problem.to_string())
                    .size(22.0)
                    .color(theme::BAD),
            );
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

    #[test]
    fn the_cash_entry_keeps_the_sale_s_tendered_ceiling() {
        let total = Money::new(1250, Currency::Eur);
        assert_eq!(
            cash_change(total, "512.50").unwrap(),
            Money::new(50_000, Currency::Eur)
        );
        assert_eq!(
            cash_change(total, "999999999.99").unwrap_err().to_string(),
            "tendered: at most €512.50 for a total of €12.50 (change of at most €500.00)"
        );
    }
}
