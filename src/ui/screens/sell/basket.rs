//! The basket: its lines with their deals, bundles with their parts, suggestions to add in one
//! tap, the tax and total as the sale will charge them, and who the fan is.

use egui::{RichText, vec2};

use super::SellOp;
use super::tiles::{Shelf, with_emoji};
use crate::domain::basket::Quote;
use crate::domain::money::Money;
use crate::domain::order::Cart;
use crate::domain::pricing::VatMode;
use crate::service::Fan;
use crate::ui::Command;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets::{self, Tone};

/// A "one less" button named for what it takes out.
fn minus_ui(ui: &mut egui::Ui, name: String) -> bool {
    let button = egui::Button::new(RichText::new("–").size(24.0)).min_size(vec2(TOUCH, TOUCH));
    ui.add(button).accessible_name(name).clicked()
}

pub(super) fn basket_ui(ui: &mut egui::Ui, shelf: Shelf<'_>, cart: &Cart) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Basket");
    if cart.is_empty() {
        ui.label("Tap an offer to start a sale.");
    }
    let quote = match shelf.quote {
        Some(Ok(q)) => Some(q),
        Some(Err(problem)) => {
            widgets::banner(ui, Tone::Bad, &problem.to_string(), 18.0);
            None
        }
        None => None,
    };
    for line in &cart.lines {
        let priced: Vec<_> = quote
            .map(|q| {
                q.lines
                    .iter()
                    .filter(|l| l.bundle_id.is_none() && l.line.offer_id == line.offer_id)
                    .collect()
            })
            .unwrap_or_default();
        let amount = if priced.is_empty() {
            line.amount()
        } else {
            Money::new(
                priced.iter().map(|l| l.line.amount().minor).sum(),
                line.unit_price.currency,
            )
        };
        ui.horizontal(|ui| {
            if minus_ui(ui, format!("One less {}", line.title)) {
                commands.push(Command::Sell(SellOp::RemoveOne(line.offer_id)));
            }
            ui.label(format!("{}× {}", line.qty, line.title));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(RichText::new(amount.to_string()).strong());
            });
        });
        for deal in priced.iter().filter(|l| l.line.discount > 0) {
            let off = Money::new(deal.line.discount, line.unit_price.currency);
            ui.label(
                RichText::new(format!(
                    "   {} on {}: -{off}",
                    deal.line.note, deal.line.qty
                ))
                .color(theme::GOOD),
            );
        }
    }
    bundle_lines_ui(ui, shelf, cart, &mut commands);
    commands.extend(suggestions_ui(ui, shelf, cart));
    if let Some(q) = quote {
        totals_ui(ui, shelf.mode, q);
    }
    commands
}

/// The bundles in the basket, each with its parts.
fn bundle_lines_ui(ui: &mut egui::Ui, shelf: Shelf<'_>, cart: &Cart, commands: &mut Vec<Command>) {
    for (bundle_id, count) in &cart.bundles {
        let Some(bundle) = shelf.bundles.iter().find(|b| b.id == *bundle_id) else {
            continue;
        };
        ui.horizontal(|ui| {
            if minus_ui(ui, format!("One less {}", bundle.title)) {
                commands.push(Command::Sell(SellOp::RemoveBundle(bundle.id)));
            }
            ui.label(format!("{count}× {}", bundle.title));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let amount = Money::new(
                    bundle.price.minor * i64::from(*count),
                    bundle.price.currency,
                );
                ui.label(RichText::new(amount.to_string()).strong());
            });
        });
        let parts: Vec<String> = bundle
            .parts
            .iter()
            .filter_map(|(id, qty)| {
                let offer = shelf.offers.iter().find(|o| o.id == *id)?;
                Some(format!("{}× {}", qty.saturating_mul(*count), offer.title))
            })
            .collect();
        ui.label(RichText::new(format!("   {}", parts.join(" + "))).color(theme::MUTED));
    }
}

/// The tax (when it comes on top), the saving and the total, as the sale will charge them.
fn totals_ui(ui: &mut egui::Ui, mode: VatMode, q: &Quote) {
    ui.separator();
    if mode == VatMode::Exclusive {
        for v in &q.vat {
            ui.horizontal(|ui| {
                ui.label(format!("Tax {}", v.rate.label()));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(v.vat.to_string());
                });
            });
        }
    }
    let saving = q.saving();
    if saving.minor > 0 {
        ui.label(RichText::new(format!("The fan saves {saving}")).color(theme::GOOD));
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("Total").font(theme::bold(26.0)));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(q.total.to_string()).font(theme::bold(30.0)));
        });
    });
}

/// One-tap additions configured for what is in the basket (not already in it, sellable now).
fn suggestions_ui(ui: &mut egui::Ui, shelf: Shelf<'_>, cart: &Cart) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut shown: Vec<i64> = Vec::new();
    for line in &cart.lines {
        for (_, suggest) in shelf.cross_sells.iter().filter(|c| c.0 == line.offer_id) {
            if shown.contains(suggest) || cart.qty_of(*suggest) > 0 {
                continue;
            }
            let Some(offer) = shelf
                .offers
                .iter()
                .find(|o| o.id == *suggest && !o.archived)
            else {
                continue;
            };
            shown.push(*suggest);
            let label = format!(
                "+ {} {}",
                with_emoji(&offer.look.emoji, &offer.title),
                offer.price
            );
            if ui
                .add(egui::Button::new(label).min_size(vec2(ui.available_width(), TOUCH)))
                .on_hover_text("Suggested with what is in the basket")
                .clicked()
            {
                commands.push(Command::Sell(SellOp::Add(offer.id)));
            }
        }
    }
    commands
}

/// Who is buying: optional for a plain sale; needed for per-fan limits, passes, member credit
/// and lottery drops. A scanned member card fills it too.
pub(super) fn fan_ui(ui: &mut egui::Ui, fan: Option<&Fan>, input: &mut String) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.separator();
    if let Some(fan) = fan {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(fan.label()).strong());
            if ui
                .add(egui::Button::new("Forget").min_size(vec2(80.0, TOUCH)))
                .accessible_name("Forget the fan")
                .clicked()
            {
                commands.push(Command::Sell(SellOp::ForgetFan));
            }
        });
        return commands;
    }
    ui.horizontal(|ui| {
        let label = ui.label("Fan");
        let field = egui::TextEdit::singleline(input)
            .hint_text("phone, e-mail, @handle, member or buy code");
        let response = ui.add_sized([230.0, TOUCH], field).labelled_by(label.id);
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let ready = !input.trim().is_empty();
        if (ui
            .add_enabled(
                ready,
                egui::Button::new("Identify").min_size(vec2(90.0, TOUCH)),
            )
            .clicked()
            || entered)
            && ready
        {
            commands.push(Command::Sell(SellOp::IdentifyFan));
        }
    });
    commands
}
