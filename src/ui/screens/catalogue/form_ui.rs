//! The catalogue editor's forms as drawn: an offer (its kind's fields, its tile, its
//! suggestions and shares), a bundle, a discount window.

use egui::{RichText, vec2};

use super::forms::Kind;
use super::{BundleForm, CatalogueOp, CatalogueView, DiscountForm, OfferForm};
use crate::domain::catalogue::TILE_COLOURS;
use crate::domain::money::Money;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets::{self, Tone};

/// Width of a form's label column.
const LABEL_W: f32 = 150.0;

/// Emoji a creator picks from with one tap (any other can be typed).
const EMOJI: [&str; 12] = [
    "📣", "👋", "🎸", "🎤", "🖼", "💿", "✉", "👜", "👕", "⭐", "🎁", "📸",
];

/// A form's heading with its buttons beside it, always in view however long the form is.
fn form_head(
    ui: &mut egui::Ui,
    heading: &str,
    (save, save_op): (&str, CatalogueOp),
    extra: Option<(&str, CatalogueOp)>,
    op: &mut impl FnMut(CatalogueOp),
) {
    ui.horizontal(|ui| {
        ui.heading(heading);
        if widgets::button(ui, RichText::new(save).strong(), 160.0) {
            op(save_op);
        }
        if widgets::button(ui, "Cancel", 110.0) {
            op(CatalogueOp::Cancel);
        }
        if let Some((label, extra_op)) = extra
            && widgets::button(ui, label, 170.0)
        {
            op(extra_op);
        }
    });
    ui.separator();
}

pub(super) fn offer_form_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    form: &mut OfferForm,
    op: &mut impl FnMut(CatalogueOp),
) {
    let heading = match (form.id, form.variant_of) {
        (Some(_), _) => format!("Edit {}", form.title),
        (None, Some(_)) => "New variant".to_string(),
        (None, None) => format!("New {}", form.kind.name()),
    };
    let variant = match (form.id, form.kind) {
        (Some(id), Kind::Gig) => Some(("Add a variant", CatalogueOp::NewVariant(id))),
        _ => None,
    };
    form_head(
        ui,
        &heading,
        ("Save offer", CatalogueOp::SaveOffer),
        variant,
        op,
    );
    let w = |width: f32| (LABEL_W, width);
    widgets::field(ui, "Title", &mut form.title, w(340.0), "60-second shoutout");
    widgets::field(ui, "Price", &mut form.price, w(140.0), "5.00");
    ui.horizontal_wrapped(|ui| {
        let current = form.vat.trim_end_matches('%').to_string();
        let rates = view.event.vat_rates.iter().map(|rate| {
            let text = rate.label().trim_end_matches('%').to_string();
            (text, rate.label())
        });
        if let Some(text) = widgets::choices(ui, Some(("VAT", LABEL_W)), &current, rates, 64.0) {
            form.vat = text;
        }
    });
    kind_fields_ui(ui, form);
    let hint = "what one unit costs you";
    widgets::field(ui, "Cost per unit", &mut form.cost, w(140.0), hint);
    look_ui(ui, form);
    ui.label(RichText::new("Suggest in the basket with this offer").strong());
    ui.horizontal_wrapped(|ui| {
        for other in view
            .offers
            .iter()
            .filter(|o| Some(o.id) != form.id && !o.archived)
        {
            let mut on = form.cross_sells.contains(&other.id);
            if ui.checkbox(&mut on, &other.title).changed() {
                if on {
                    form.cross_sells.push(other.id);
                } else {
                    form.cross_sells.retain(|id| *id != other.id);
                }
            }
        }
    });
    ui.horizontal(|ui| {
        widgets::field(
            ui,
            "Revenue shared with",
            &mut form.partner,
            w(180.0),
            "collaborator",
        );
        widgets::field(ui, "percent", &mut form.partner_percent, (0.0, 70.0), "50");
    });
    if form.id.is_some() {
        ui.label(
            RichText::new(
                "Receipts already printed keep the title, price and VAT they were sold with.",
            )
            .color(theme::MUTED),
        );
    }
}

/// The fields only this kind of offer has.
fn kind_fields_ui(ui: &mut egui::Ui, form: &mut OfferForm) {
    let w = |width: f32| (LABEL_W, width);
    match form.kind {
        Kind::Gig => {
            ui.horizontal(|ui| {
                let lengths = ["15", "30", "60"].map(|m| (m, m));
                let label = Some(("Length (min)", LABEL_W));
                if let Some(mins) =
                    widgets::choices(ui, label, &form.duration.as_str(), lengths, 64.0)
                {
                    form.duration = mins.into();
                }
                ui.add_sized(
                    [70.0, TOUCH],
                    egui::TextEdit::singleline(&mut form.duration),
                )
                .on_hover_text("Any length from 1 to 240 minutes");
            });
            widgets::field(ui, "Sessions for sale", &mut form.capacity, w(100.0), "20");
            widgets::field(ui, "Queue lane", &mut form.lane, w(60.0), "A");
        }
        Kind::Drop => {
            widgets::field(ui, "Units", &mut form.stock, w(100.0), "25");
            widgets::field(ui, "Goes live", &mut form.go_live, w(220.0), "21:30");
            widgets::field(ui, "Closes", &mut form.close, w(220.0), "empty = never");
            let hint = "empty = no limit";
            widgets::field(ui, "Most per fan", &mut form.limit, w(100.0), hint);
        }
        Kind::Item => {
            let (label, hint) = ("Membership pass credit", "empty = not a pass");
            widgets::field(ui, label, &mut form.pass_credit, w(140.0), hint);
            ui.checkbox(
                &mut form.priority,
                "Priority place: goes with a gig, its ticket is called ahead",
            );
        }
    }
}

/// How the tile looks: an emoji (one tap, or typed) and a colour.
fn look_ui(ui: &mut egui::Ui, form: &mut OfferForm) {
    ui.horizontal_wrapped(|ui| {
        let drawable: Vec<(&str, &str)> = EMOJI
            .into_iter()
            .filter(|e| !widgets::emoji(ui, e).is_empty())
            .map(|e| (e, e))
            .collect();
        let current = form.emoji.as_str();
        if let Some(e) = widgets::choices(ui, Some(("Tile", LABEL_W)), &current, drawable, 64.0) {
            form.emoji = e.into();
        }
        ui.add_sized([60.0, TOUCH], egui::TextEdit::singleline(&mut form.emoji))
            .on_hover_text("One emoji, or empty");
        if !form.emoji.is_empty() && widgets::emoji(ui, &form.emoji).is_empty() {
            ui.label(
                RichText::new("this screen cannot draw that one: the tile shows none")
                    .color(theme::WAIT),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let none = [(None, "None")];
        if let Some(c) = widgets::choices(ui, Some(("Colour", LABEL_W)), &form.colour, none, 64.0) {
            form.colour = c;
        }
        for (name, rgb) in TILE_COLOURS {
            let [_, r, g, b] = rgb.to_be_bytes();
            let swatch = egui::Button::selectable(
                form.colour == Some(rgb),
                RichText::new(name).color(egui::Color32::BLACK),
            )
            .fill(egui::Color32::from_rgb(r, g, b))
            .min_size(vec2(64.0, TOUCH));
            if ui.add(swatch).clicked() {
                form.colour = Some(rgb);
            }
        }
    });
}

pub(super) fn bundle_form_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    form: &mut BundleForm,
    op: &mut impl FnMut(CatalogueOp),
) {
    let heading = if form.id == 0 {
        "New bundle"
    } else {
        "Edit bundle"
    };
    form_head(
        ui,
        heading,
        ("Save bundle", CatalogueOp::SaveBundle),
        None,
        op,
    );
    widgets::field(ui, "Title", &mut form.title, (LABEL_W, 340.0), "Fan pack");
    widgets::field(
        ui,
        "Bundle price",
        &mut form.price,
        (LABEL_W, 140.0),
        "24.00",
    );
    widgets::field(ui, "Emoji", &mut form.emoji, (LABEL_W, 60.0), "🎁");
    ui.label(RichText::new("What is in it").strong());
    let mut list_total = 0;
    for offer in view.offers.iter().filter(|o| !o.archived) {
        let qty = form
            .parts
            .iter()
            .find(|p| p.0 == offer.id)
            .map_or(0, |p| p.1);
        list_total += offer.price.minor * i64::from(qty);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(qty > 0, egui::Button::new("–").min_size(vec2(TOUCH, TOUCH)))
                .accessible_name(format!("One less {} in the bundle", offer.title))
                .clicked()
            {
                set_part(&mut form.parts, offer.id, qty - 1);
            }
            ui.label(RichText::new(qty.to_string()).strong());
            if ui
                .add(egui::Button::new("+").min_size(vec2(TOUCH, TOUCH)))
                .accessible_name(format!("One more {} in the bundle", offer.title))
                .clicked()
            {
                set_part(&mut form.parts, offer.id, qty + 1);
            }
            ui.label(format!("{} ({})", offer.title, offer.price));
        });
    }
    ui.label(format!(
        "Bought one by one: {}",
        Money::new(list_total, view.event.currency)
    ));
    ui.checkbox(&mut form.archived, "Archived (off the Sell screen)");
}

fn set_part(parts: &mut Vec<(i64, u32)>, offer_id: i64, qty: u32) {
    match parts.iter_mut().find(|p| p.0 == offer_id) {
        Some(p) => p.1 = qty,
        None => parts.push((offer_id, qty)),
    }
    parts.retain(|p| p.1 > 0);
}

pub(super) fn discount_form_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    form: &mut DiscountForm,
    op: &mut impl FnMut(CatalogueOp),
) {
    form_head(
        ui,
        "New discount window",
        ("Save discount", CatalogueOp::SaveDiscount),
        None,
        op,
    );
    widgets::field(ui, "Name", &mut form.name, (LABEL_W, 260.0), "Happy hour");
    widgets::field(ui, "Off", &mut form.off, (LABEL_W, 120.0), "20% or 2.00");
    widgets::field(ui, "Starts", &mut form.starts, (LABEL_W, 220.0), "21:30");
    widgets::field(ui, "Ends", &mut form.ends, (LABEL_W, 220.0), "22:30");
    widgets::field(
        ui,
        "Cap (units)",
        &mut form.cap,
        (LABEL_W, 100.0),
        "empty = no cap",
    );
    ui.label(RichText::new("On which offers").strong());
    ui.horizontal_wrapped(|ui| {
        for offer in view.offers.iter().filter(|o| !o.archived) {
            let mut on = form.offers.contains(&offer.id);
            if ui.checkbox(&mut on, &offer.title).changed() {
                if on {
                    form.offers.push(offer.id);
                } else {
                    form.offers.retain(|id| *id != offer.id);
                }
            }
        }
    });
    widgets::banner(
        ui,
        Tone::Info,
        "Tiles show the deal and its countdown while it runs; receipts show the discount line.",
        16.0,
    );
}
