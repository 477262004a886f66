//! The Catalogue screen: offers, bundles and discount windows. Everyone reads it; the creator
//! unlocks it with the PIN to create, edit, reorder and archive (each change audit-logged).

use egui::{RichText, vec2};
use jiff::Timestamp;

mod forms;

pub use forms::{BundleForm, DiscountForm, OfferForm};

use super::Command;
use super::theme::{self, TOUCH};
use super::widgets::{self, Tone};
use crate::domain::catalogue::{Bundle, Offer, OfferKind, TILE_COLOURS};
use crate::domain::event::{Event, local_input};
use crate::domain::money::Money;
use crate::domain::pricing::Discount;

/// Emoji a creator picks from with one tap (any other can be typed).
const EMOJI: [&str; 12] = [
    "📣", "👋", "🎸", "🎤", "🖼", "💿", "✉", "👜", "👕", "⭐", "🎁", "📸",
];

/// What the editor asks the kiosk to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorOp {
    /// Check the typed PIN and unlock editing.
    Unlock,
    /// Back to read-only.
    Lock,
    /// Start a new offer of this kind (gig, drop, item).
    NewOffer(&'static str),
    /// Edit an offer.
    Edit(i64),
    /// Start a variant of a gig (another length, another price).
    NewVariant(i64),
    /// Save the offer form.
    SaveOffer,
    /// Archive (true) or restore an offer.
    Archive(i64, bool),
    /// Move an offer up (-1) or down (1).
    Move(i64, i32),
    /// Start a new bundle.
    NewBundle,
    /// Edit a bundle.
    EditBundle(i64),
    /// Save the bundle form.
    SaveBundle,
    /// Start a new discount window.
    NewDiscount,
    /// Save the discount form.
    SaveDiscount,
    /// End a discount window now.
    EndDiscount(i64),
    /// Close the form without saving.
    Cancel,
}

/// Which form is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Form {
    /// None: the lists only.
    #[default]
    None,
    /// An offer.
    Offer(Box<OfferForm>),
    /// A bundle.
    Bundle(BundleForm),
    /// A discount window.
    Discount(DiscountForm),
}

/// The editor's state between frames.
#[derive(Debug, Clone, Default)]
pub struct EditorDraft {
    /// The PIN as typed in the unlock field.
    pub pin: String,
    /// The creator's grant once the PIN was checked: editing is unlocked while it is set.
    pub unlocked: Option<crate::service::Grant>,
    /// The open form.
    pub form: Form,
}

/// What the screen shows.
#[derive(Clone, Copy)]
pub struct CatalogueView<'a> {
    /// Offers, archived too.
    pub offers: &'a [Offer],
    /// Bundles.
    pub bundles: &'a [Bundle],
    /// Discount windows.
    pub discounts: &'a [Discount],
    /// The open event.
    pub event: &'a Event,
    /// Now.
    pub now: Timestamp,
}

fn field(ui: &mut egui::Ui, label: &str, value: &mut String, width: f32, hint: &str) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([150.0, TOUCH], egui::Label::new(label));
        ui.add_sized(
            [width, TOUCH],
            egui::TextEdit::singleline(value).hint_text(hint),
        )
        .labelled_by(l.id);
    });
}

/// A form's heading with its buttons beside it, always in view however long the form is.
fn form_head(
    ui: &mut egui::Ui,
    heading: &str,
    (save, save_op): (&str, EditorOp),
    extra: Option<(&str, EditorOp)>,
    op: &mut impl FnMut(EditorOp),
) {
    ui.horizontal(|ui| {
        ui.heading(heading);
        if widgets::button(ui, RichText::new(save).strong(), 160.0) {
            op(save_op);
        }
        if widgets::button(ui, "Cancel", 110.0) {
            op(EditorOp::Cancel);
        }
        if let Some((label, extra_op)) = extra
            && widgets::button(ui, label, 170.0)
        {
            op(extra_op);
        }
    });
    ui.separator();
}

fn choice(ui: &mut egui::Ui, selected: bool, label: &str) -> bool {
    ui.add(egui::Button::selectable(selected, label).min_size(vec2(64.0, TOUCH)))
        .clicked()
}

/// Draws the screen.
pub fn catalogue_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    draft: &mut EditorDraft,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut op = |o: EditorOp| commands.push(Command::Editor(o));
    let unlocked = draft.unlocked.is_some();
    ui.horizontal(|ui| {
        ui.heading("Catalogue");
        if unlocked {
            ui.label(RichText::new("Editing as creator").color(theme::GOOD));
            for (label, kind) in [
                ("New gig", "gig"),
                ("New drop", "drop"),
                ("New item", "item"),
            ] {
                if widgets::button(ui, label, 0.0) {
                    op(EditorOp::NewOffer(kind));
                }
            }
            if widgets::button(ui, "New bundle", 0.0) {
                op(EditorOp::NewBundle);
            }
            if widgets::button(ui, "New discount", 0.0) {
                op(EditorOp::NewDiscount);
            }
            if widgets::button(ui, "Lock", 0.0) {
                op(EditorOp::Lock);
            }
        } else {
            ui.label("Read-only. The creator unlocks editing:");
            let label = ui.label("Creator PIN");
            let pin = ui
                .add_sized(
                    [120.0, TOUCH],
                    egui::TextEdit::singleline(&mut draft.pin).password(true),
                )
                .labelled_by(label.id);
            let entered = pin.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if widgets::button(ui, "Unlock", 0.0) || entered {
                op(EditorOp::Unlock);
            }
        }
    });
    ui.separator();
    // While a form is open it has the screen; the lists come back when it is saved or cancelled.
    // Each scrolls on its own, so a form opens at its top whatever the list's scroll.
    let salt = match &draft.form {
        Form::None => "catalogue_lists",
        _ => "catalogue_form",
    };
    egui::ScrollArea::vertical()
        .id_salt(salt)
        .show(ui, |ui| match &mut draft.form {
            Form::Offer(form) => offer_form_ui(ui, view, form, &mut op),
            Form::Bundle(form) => bundle_form_ui(ui, view, form, &mut op),
            Form::Discount(form) => discount_form_ui(ui, view, form, &mut op),
            Form::None => lists_ui(ui, view, unlocked, &mut op),
        });
    commands
}

fn lists_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    unlocked: bool,
    op: &mut impl FnMut(EditorOp),
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
                ui.horizontal(|ui| {
                    if !unlocked {
                        return;
                    }
                    if ui
                        .add_enabled(at > 0, egui::Button::new("Up").min_size(vec2(TOUCH, TOUCH)))
                        .on_hover_text("Move up")
                        .clicked()
                    {
                        op(EditorOp::Move(offer.id, -1));
                    }
                    if ui
                        .add_enabled(
                            at + 1 < view.offers.len(),
                            egui::Button::new("Down").min_size(vec2(TOUCH, TOUCH)),
                        )
                        .on_hover_text("Move down")
                        .clicked()
                    {
                        op(EditorOp::Move(offer.id, 1));
                    }
                    if ui
                        .add(egui::Button::new("Edit").min_size(vec2(70.0, TOUCH)))
                        .accessible_name(format!("Edit {}", offer.title))
                        .clicked()
                    {
                        op(EditorOp::Edit(offer.id));
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
                        op(EditorOp::Archive(offer.id, to));
                    }
                });
                ui.end_row();
            }
        });
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
                op(EditorOp::EditBundle(bundle.id));
            }
        });
    }
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
                op(EditorOp::EndDiscount(d.id));
            }
        });
    }
}

fn offer_form_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    form: &mut OfferForm,
    op: &mut impl FnMut(EditorOp),
) {
    let heading = match (form.id, form.variant_of) {
        (Some(_), _) => format!("Edit {}", form.title),
        (None, Some(_)) => "New variant".to_string(),
        (None, None) => format!("New {}", form.kind),
    };
    let variant = match (form.id, form.kind.as_str()) {
        (Some(id), "gig") => Some(("Add a variant", EditorOp::NewVariant(id))),
        _ => None,
    };
    form_head(
        ui,
        &heading,
        ("Save offer", EditorOp::SaveOffer),
        variant,
        op,
    );
    field(ui, "Title", &mut form.title, 340.0, "60-second shoutout");
    field(ui, "Price", &mut form.price, 140.0, "5.00");
    ui.horizontal_wrapped(|ui| {
        ui.add_sized([150.0, TOUCH], egui::Label::new("VAT"));
        for rate in &view.event.vat_rates {
            let text = rate.label().trim_end_matches('%').to_string();
            if choice(ui, form.vat.trim_end_matches('%') == text, &rate.label()) {
                form.vat = text;
            }
        }
    });
    match form.kind.as_str() {
        "gig" => {
            ui.horizontal(|ui| {
                ui.add_sized([150.0, TOUCH], egui::Label::new("Length (min)"));
                for mins in ["15", "30", "60"] {
                    if choice(ui, form.duration == mins, mins) {
                        form.duration = mins.into();
                    }
                }
                ui.add_sized(
                    [70.0, TOUCH],
                    egui::TextEdit::singleline(&mut form.duration),
                )
                .on_hover_text("Any length from 1 to 240 minutes");
            });
            field(ui, "Sessions for sale", &mut form.capacity, 100.0, "20");
            field(ui, "Queue lane", &mut form.lane, 60.0, "A");
        }
        "drop" => {
            field(ui, "Units", &mut form.stock, 100.0, "25");
            field(ui, "Goes live", &mut form.go_live, 220.0, "21:30");
            field(ui, "Closes", &mut form.close, 220.0, "empty = never");
            field(
                ui,
                "Most per fan",
                &mut form.limit,
                100.0,
                "empty = no limit",
            );
        }
        _ => {
            field(
                ui,
                "Membership pass credit",
                &mut form.pass_credit,
                140.0,
                "empty = not a pass",
            );
            ui.checkbox(
                &mut form.priority,
                "Priority place: goes with a gig, its ticket is called ahead",
            );
        }
    }
    field(
        ui,
        "Cost per unit",
        &mut form.cost,
        140.0,
        "what one unit costs you",
    );
    ui.horizontal_wrapped(|ui| {
        ui.add_sized([150.0, TOUCH], egui::Label::new("Tile"));
        let drawable: Vec<&str> = EMOJI
            .into_iter()
            .filter(|e| !widgets::emoji(ui, e).is_empty())
            .collect();
        for e in drawable {
            if choice(ui, form.emoji == e, e) {
                form.emoji = e.into();
            }
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
        ui.add_sized([150.0, TOUCH], egui::Label::new("Colour"));
        if choice(ui, form.colour.is_none(), "None") {
            form.colour = None;
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
        let l = ui.add_sized([150.0, TOUCH], egui::Label::new("Revenue shared with"));
        ui.add_sized(
            [180.0, TOUCH],
            egui::TextEdit::singleline(&mut form.partner).hint_text("collaborator"),
        )
        .labelled_by(l.id);
        let p = ui.label("percent");
        ui.add_sized(
            [70.0, TOUCH],
            egui::TextEdit::singleline(&mut form.partner_percent).hint_text("50"),
        )
        .labelled_by(p.id);
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

fn bundle_form_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    form: &mut BundleForm,
    op: &mut impl FnMut(EditorOp),
) {
    let heading = if form.id == 0 {
        "New bundle"
    } else {
        "Edit bundle"
    };
    form_head(ui, heading, ("Save bundle", EditorOp::SaveBundle), None, op);
    field(ui, "Title", &mut form.title, 340.0, "Fan pack");
    field(ui, "Bundle price", &mut form.price, 140.0, "24.00");
    field(ui, "Emoji", &mut form.emoji, 60.0, "🎁");
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

fn discount_form_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    form: &mut DiscountForm,
    op: &mut impl FnMut(EditorOp),
) {
    form_head(
        ui,
        "New discount window",
        ("Save discount", EditorOp::SaveDiscount),
        None,
        op,
    );
    field(ui, "Name", &mut form.name, 260.0, "Happy hour");
    field(ui, "Off", &mut form.off, 120.0, "20% or 2.00");
    field(ui, "Starts", &mut form.starts, 220.0, "21:30");
    field(ui, "Ends", &mut form.ends, 220.0, "22:30");
    field(ui, "Cap (units)", &mut form.cap, 100.0, "empty = no cap");
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
