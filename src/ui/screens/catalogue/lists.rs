//! The catalogue's lists: offers (with their buttons once unlocked), bundles and discount
//! windows.

use egui::{RichText, vec2};

use super::{CatalogueOp, CatalogueView};
use crate::domain::catalogue::OfferKind;
use crate::domain::event::local_input;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

pub(super) fn lists_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    unlocked: bool,
    op: &mut impl FnMut(CatalogueOp),
) {
    if view.offers.is_empty() {
        ui.label(if unlocked {
            "No offers yet: tap New gig, New drop or New item."
        } else {
            "No offers yet. The creator unlocks editing with the PIN to add some."
        });
    }
    egui::Grid::new("offers")
        .spacing([18.0, 6.0])
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for (at, offer) in view.offers.iter().enumerate() {
                let mut title = RichText::new(format!(
                    "{} {}",
                    widgets::emoji(ui, &offer.look.emoji),
                    offer.title
                ));
                if offer.archived {
                    title = title.color(theme::MUTED).strikethrough();
                }
                ui.label(title);
                let kind = match &offer.kind {
                    OfferKind::Gig { duration_mins, .. } => format!("gig · {duration_mins} min"),
                    other => other.name().to_string(),
                };
                let kind = match offer.variant_of {
                    Some(_) => format!("{kind} · variant"),
                    None => kind,
                };
                ui.label(kind);
                ui.label(offer.price.to_string());
                ui.label(offer.availability(view.now).tile_text());
                if unlocked {
                    offer_buttons_ui(ui, view, at, offer, op);
                }
                ui.end_row();
            }
        });
    bundles_ui(ui, view, unlocked, op);
    discounts_ui(ui, view, unlocked, op);
}

/// Up, Down, Edit and Archive (or Restore) for one offer.
fn offer_buttons_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    at: usize,
    offer: &crate::domain::catalogue::Offer,
    op: &mut impl FnMut(CatalogueOp),
) {
    ui.horizontal(|ui| {
        if ui
            .add_enabled(at > 0, egui::Button::new("Up").min_size(vec2(TOUCH, TOUCH)))
            .on_hover_text("Move up")
            .clicked()
        {
            op(CatalogueOp::Move(offer.id, -1));
        }
        if ui
            .add_enabled(
                at + 1 < view.offers.len(),
                egui::Button::new("Down").min_size(vec2(TOUCH, TOUCH)),
            )
            .on_hover_text("Move down")
            .clicked()
        {
            op(CatalogueOp::Move(offer.id, 1));
        }
        if ui
            .add(egui::Button::new("Edit").min_size(vec2(70.0, TOUCH)))
            .accessible_name(format!("Edit {}", offer.title))
            .clicked()
        {
            op(CatalogueOp::Edit(offer.id));
        }
        let (label, to) = if offer.archived {
            ("Restore", false)
        } else {
            ("Archive", true)
        };
        if ui
            .add(egui::Button::new(label).min_size(vec2(90.0, TOUCH)))
            .accessible_name(format!("{label} {}", offer.title))
            .clicked()
        {
            op(CatalogueOp::Archive(offer.id, to));
        }
    });
}

fn bundles_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    unlocked: bool,
    op: &mut impl FnMut(CatalogueOp),
) {
    ui.add_space(12.0);
    ui.label(RichText::new("Bundles").strong());
    if view.bundles.is_empty() {
        ui.label("None yet.");
    }
    for bundle in view.bundles {
        ui.horizontal(|ui| {
            let parts: Vec<String> = bundle
                .parts
                .iter()
                .filter_map(|(id, qty)| {
                    view.offers
                        .iter()
                        .find(|o| o.id == *id)
                        .map(|o| format!("{qty}× {}", o.title))
                })
                .collect();
            let mut text = RichText::new(format!(
                "{} {} — {} ({})",
                widgets::emoji(ui, &bundle.emoji),
                bundle.title,
                bundle.price,
                parts.join(" + ")
            ));
            if bundle.archived {
                text = text.color(theme::MUTED).strikethrough();
            }
            ui.label(text);
            if unlocked && widgets::button(ui, "Edit", 70.0) {
                op(CatalogueOp::EditBundle(bundle.id));
            }
        });
    }
}

fn discounts_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    unlocked: bool,
    op: &mut impl FnMut(CatalogueOp),
) {
    ui.add_space(12.0);
    ui.label(RichText::new("Discount windows").strong());
    if view.discounts.is_empty() {
        ui.label("None running or planned.");
    }
    for d in view.discounts {
        ui.horizontal(|ui| {
            let names: Vec<&str> = d
                .offers
                .iter()
                .filter_map(|id| {
                    view.offers
                        .iter()
                        .find(|o| o.id == *id)
                        .map(|o| o.title.as_str())
                })
                .collect();
            let when = if d.is_active(view.now) {
                format!(
                    "running, ends in {}",
                    crate::domain::catalogue::countdown(d.ends_in_secs(view.now))
                )
            } else if view.now < d.starts {
                format!("from {}", local_input(d.starts, &view.event.time_zone))
            } else {
                "over".to_string()
            };
            let cap = d
                .max_uses
                .map(|c| format!(" · {} of {c} used", d.used))
                .unwrap_or_default();
            ui.label(format!(
                "{} {} on {} — {when}{cap}",
                d.name,
                d.label(view.event.currency),
                names.join(", ")
            ));
            if unlocked && widgets::button(ui, "End now", 110.0) {
                op(CatalogueOp::EndDiscount(d.id));
            }
        });
    }
}
