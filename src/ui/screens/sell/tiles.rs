//! The offer and bundle tiles of the Sell screen: title with emoji, price (the list price struck
//! through under a deal), what is left or when it opens, in the tile's colour.

use egui::vec2;
use jiff::Timestamp;

use super::SellOp;
use crate::domain::basket::Quote;
use crate::domain::catalogue::{Availability, Bundle, Offer, countdown};
use crate::domain::money::Money;
use crate::domain::pricing::{Discount, VatMode, best_discount};
use crate::service::Fan;
use crate::ui::Command;
use crate::ui::theme;
use crate::ui::widgets;

/// What the Sell screen shows: the catalogue, the deals running, and the basket's price.
#[derive(Clone, Copy)]
pub struct Shelf<'a> {
    /// Offers (archived ones are not shown).
    pub offers: &'a [Offer],
    /// Bundles.
    pub bundles: &'a [Bundle],
    /// Discount windows.
    pub discounts: &'a [Discount],
    /// `(offer, suggestion)` pairs.
    pub cross_sells: &'a [(i64, i64)],
    /// The basket priced now (None when empty), or why it cannot be.
    pub quote: Option<&'a Result<Quote, crate::domain::basket::BasketError>>,
    /// Tax mode.
    pub mode: VatMode,
    /// The fan at the table, if identified.
    pub fan: Option<&'a Fan>,
}

const TILE_W: f32 = 210.0;
const TILE_H: f32 = 128.0;

/// One tile: what it sells, how it reads, whether it can be tapped.
struct Tile {
    title: String,
    price: String,
    was: Option<String>,
    status: String,
    status_color: egui::Color32,
    colour: Option<u32>,
    enabled: bool,
    op: SellOp,
}

pub(super) fn tiles_ui(
    ui: &mut egui::Ui,
    shelf: Shelf<'_>,
    now: Timestamp,
    locked: bool,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let text_color = ui.visuals().text_color();
    let mut tiles: Vec<Tile> = shelf
        .offers
        .iter()
        .filter(|o| !o.archived)
        .map(|offer| {
            let look = widgets::emoji(ui, &offer.look.emoji);
            offer_tile(offer, look, shelf.discounts, now, text_color)
        })
        .collect();
    tiles.extend(shelf.bundles.iter().filter(|b| !b.archived).map(|b| {
        bundle_tile(
            b,
            widgets::emoji(ui, &b.emoji),
            shelf.offers,
            now,
            text_color,
        )
    }));
    let spacing = ui.spacing().item_spacing.x;
    let per_row = ((ui.available_width() + spacing) / (TILE_W + spacing))
        .floor()
        .max(1.0) as usize;
    let tile_w = (ui.available_width() - spacing * (per_row as f32 - 1.0)) / per_row as f32;
    let panel = ui.visuals().panel_fill;
    for row in tiles.chunks(per_row) {
        ui.horizontal(|ui| {
            for tile in row {
                let mut button = egui::Button::new(tile_text(ui, tile, tile_w))
                    .min_size(vec2(tile_w, TILE_H))
                    .wrap();
                if let Some(rgb) = tile.colour {
                    button = button.fill(tint(panel, rgb));
                }
                // Exactly one tile wide: a long status wraps inside instead of widening the row.
                let clicked = ui
                    .add_enabled_ui(tile.enabled && !locked, |ui| {
                        ui.add_sized(vec2(tile_w, TILE_H), button).clicked()
                    })
                    .inner;
                if clicked {
                    commands.push(Command::Sell(tile.op.clone()));
                }
            }
        });
    }
    commands
}

/// The tile colour mixed into the panel, light enough to keep the text readable.
fn tint(panel: egui::Color32, rgb: u32) -> egui::Color32 {
    let [_, r, g, b] = rgb.to_be_bytes();
    let mix = |p: u8, c: u8| ((u16::from(p) * 3 + u16::from(c)) / 4) as u8;
    egui::Color32::from_rgb(mix(panel.r(), r), mix(panel.g(), g), mix(panel.b(), b))
}

pub(super) fn with_emoji(emoji: &str, title: &str) -> String {
    if emoji.is_empty() {
        title.to_string()
    } else {
        format!("{emoji} {title}")
    }
}

fn offer_tile(
    offer: &Offer,
    emoji: &str,
    discounts: &[Discount],
    now: Timestamp,
    text_color: egui::Color32,
) -> Tile {
    let availability = offer.availability(now);
    let deal = best_discount(discounts, offer.id, offer.price.minor, now);
    let mut status = match (availability, offer.held) {
        (Availability::Unlimited, _) if offer.grants_priority => {
            "add to a gig: called ahead".to_string()
        }
        (Availability::Unlimited, _) => offer.kind.name().to_string(),
        (Availability::SoldOut, held) if held > 0 => format!("{held} held for payment"),
        (other, 0) => other.tile_text(),
        (other, held) => format!("{} · {held} held", other.tile_text()),
    };
    let mut status_color = match availability {
        Availability::Left(n) if n <= 5 => theme::WAIT,
        Availability::Left(_) | Availability::Unlimited => text_color,
        Availability::OpensIn { .. } => theme::WAIT,
        Availability::SoldOut | Availability::Closed => theme::BAD,
    };
    let (price, was) = match deal {
        Some(d) if availability.can_sell() => {
            let off = d.unit_off(offer.price.minor);
            status = format!(
                "{} {} · ends in {}",
                d.name,
                d.label(offer.price.currency),
                countdown(d.ends_in_secs(now))
            );
            status_color = theme::GOOD;
            (
                Money::new(offer.price.minor - off, offer.price.currency).to_string(),
                Some(offer.price.to_string()),
            )
        }
        _ => (offer.price.to_string(), None),
    };
    Tile {
        title: with_emoji(emoji, &offer.title),
        price,
        was,
        status,
        status_color,
        colour: offer.look.colour,
        enabled: availability.can_sell(),
        op: SellOp::Add(offer.id),
    }
}

fn bundle_tile(
    bundle: &Bundle,
    emoji: &str,
    offers: &[Offer],
    now: Timestamp,
    text_color: egui::Color32,
) -> Tile {
    let availability = bundle.availability(offers, now);
    let list = bundle.list_total(offers).unwrap_or(bundle.price.minor);
    let saving = Money::new(list - bundle.price.minor, bundle.price.currency);
    let status = match availability {
        Availability::Unlimited | Availability::Left(_) => {
            let mut parts = vec!["bundle".to_string()];
            if saving.minor > 0 {
                parts.push(format!("save {saving}"));
            }
            let left = availability.tile_text();
            if !left.is_empty() {
                parts.push(left);
            }
            parts.join(" · ")
        }
        other => other.tile_text(),
    };
    Tile {
        title: with_emoji(emoji, &bundle.title),
        price: bundle.price.to_string(),
        was: (saving.minor > 0).then(|| Money::new(list, bundle.price.currency).to_string()),
        status,
        status_color: if availability.can_sell() {
            text_color
        } else {
            theme::BAD
        },
        colour: None,
        enabled: availability.can_sell(),
        op: SellOp::AddBundle(bundle.id),
    }
}

/// Title, price (with the list price struck through under a deal) and status on three lines.
fn tile_text(ui: &egui::Ui, tile: &Tile, width: f32) -> egui::text::LayoutJob {
    let text_color = ui.visuals().text_color();
    let mut job = egui::text::LayoutJob::default();
    // Every tile of a row is the same width: long titles wrap instead of pushing the row wider.
    job.wrap.max_width = width - 2.0 * ui.spacing().button_padding.x;
    let mut line = |text: &str, font: egui::FontId, color: egui::Color32, strike: bool| {
        let mut format = egui::TextFormat::simple(font, color);
        if strike {
            format.strikethrough = egui::Stroke::new(1.5, color);
        }
        job.append(text, 0.0, format);
    };
    line(
        &format!("{}\n", tile.title),
        theme::bold(19.0),
        text_color,
        false,
    );
    line(&tile.price, theme::bold(22.0), text_color, false);
    if let Some(was) = &tile.was {
        line(
            &format!("  {was}"),
            egui::FontId::proportional(17.0),
            theme::MUTED,
            true,
        );
    }
    line("\n", egui::FontId::proportional(17.0), text_color, false);
    line(
        &tile.status,
        egui::FontId::proportional(17.0),
        tile.status_color,
        false,
    );
    job
}
