//! The catalogue editor's forms as typed, and how each becomes what the service saves (or the
//! first field that breaks its rule).

use jiff::Timestamp;

use crate::domain::catalogue::{Bundle, Offer, OfferKind, TileLook};
use crate::domain::catalogue_file::{
    lane_letter, money_field, optional_money, parse_percent, parse_vat,
};
use crate::domain::event::{Event, local_input, parse_local};
use crate::domain::field::{FieldError, FieldResult};
use crate::domain::money::Money;
use crate::domain::pricing::{Discount, DiscountOff, Share, percent_label};
use crate::service::OfferEdit;

/// Which kind of offer a form is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    /// A timed experience.
    Gig,
    /// Limited stock with go-live and close times.
    Drop,
    /// Plain merch.
    #[default]
    Item,
}

impl Kind {
    /// The kind of `offer`.
    pub fn of(kind: &OfferKind) -> Kind {
        match kind {
            OfferKind::Gig { .. } => Kind::Gig,
            OfferKind::Drop { .. } => Kind::Drop,
            OfferKind::Item => Kind::Item,
        }
    }

    /// gig, drop or item.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gig => "gig",
            Kind::Drop => "drop",
            Kind::Item => "item",
        }
    }
}

/// The offer form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferForm {
    /// None for a new offer.
    pub id: Option<i64>,
    /// A new variant of this gig.
    pub variant_of: Option<i64>,
    /// Gig, drop or item.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Price as typed.
    pub price: String,
    /// VAT rate as typed (percent).
    pub vat: String,
    /// Gig minutes.
    pub duration: String,
    /// Gig sessions for sale.
    pub capacity: String,
    /// Gig lane letter.
    pub lane: String,
    /// Drop units.
    pub stock: String,
    /// Drop go-live, local time.
    pub go_live: String,
    /// Drop close, local time (optional).
    pub close: String,
    /// Drop per-fan limit (optional).
    pub limit: String,
    /// Item: a priority add-on.
    pub priority: bool,
    /// Tile emoji.
    pub emoji: String,
    /// Tile colour.
    pub colour: Option<u32>,
    /// Cost per unit as typed.
    pub cost: String,
    /// Item: a membership pass with this credit, as typed.
    pub pass_credit: String,
    /// Offers suggested with this one.
    pub cross_sells: Vec<i64>,
    /// A collaborator's name.
    pub partner: String,
    /// Their percent of the revenue.
    pub partner_percent: String,
}

/// The bundle form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleForm {
    /// 0 for a new bundle.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Bundle price as typed.
    pub price: String,
    /// Emoji.
    pub emoji: String,
    /// Units of each offer.
    pub parts: Vec<(i64, u32)>,
    /// Off the Sell screen.
    pub archived: bool,
}

/// The discount form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiscountForm {
    /// Name on tiles and receipts.
    pub name: String,
    /// "20%" or "2.00".
    pub off: String,
    /// Start, local time.
    pub starts: String,
    /// End, local time.
    pub ends: String,
    /// Offers it applies to.
    pub offers: Vec<i64>,
    /// Most discounted units (optional).
    pub cap: String,
}

fn int<T: std::str::FromStr>(
    field: &'static str,
    text: &str,
    rule: &str,
) -> FieldResult<Option<T>> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| FieldError::new(field, format!("{rule} (not '{t}')"))),
    }
}

impl OfferForm {
    /// A form for a new offer of `kind`, with the event's first rate and sensible gig defaults.
    pub fn new(kind: Kind, event: &Event, now: Timestamp) -> OfferForm {
        let vat = event
            .vat_rates
            .last()
            .map(|r| r.label().trim_end_matches('%').to_string())
            .unwrap_or_else(|| "0".into());
        let mut form = OfferForm {
            kind,
            vat,
            ..OfferForm::default()
        };
        match kind {
            Kind::Gig => {
                (form.duration, form.capacity, form.lane) = ("15".into(), "20".into(), "A".into())
            }
            Kind::Drop => {
                form.stock = "10".into();
                form.go_live = local_input(now, &event.time_zone);
            }
            Kind::Item => {}
        }
        form
    }

    /// The form showing an offer, read from the typed offer.
    pub fn of(
        offer: &Offer,
        event: &Event,
        cross_sells: Vec<i64>,
        splits: &[(String, Share)],
    ) -> OfferForm {
        let tz = &event.time_zone;
        let money = |minor: i64| {
            if minor > 0 {
                Money::new(minor, offer.price.currency).plain()
            } else {
                String::new()
            }
        };
        let partner = splits.iter().find_map(|(name, share)| match share {
            Share::Percent(bp) => Some((name.clone(), percent_label(*bp))),
            Share::Fixed(_) => None,
        });
        let mut form = OfferForm {
            id: Some(offer.id),
            variant_of: offer.variant_of,
            kind: Kind::of(&offer.kind),
            title: offer.title.clone(),
            price: offer.price.plain(),
            vat: offer.vat.label().trim_end_matches('%').to_string(),
            lane: offer.lane.map(String::from).unwrap_or_default(),
            priority: offer.grants_priority,
            emoji: offer.look.emoji.clone(),
            colour: offer.look.colour,
            cost: money(offer.cost),
            pass_credit: money(offer.pass_credit),
            cross_sells,
            partner: partner.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            partner_percent: partner.map(|p| p.1).unwrap_or_default(),
            ..OfferForm::default()
        };
        match &offer.kind {
            OfferKind::Gig {
                duration_mins,
                capacity,
            } => {
                form.duration = duration_mins.to_string();
                form.capacity = capacity.to_string();
            }
            OfferKind::Drop {
                stock,
                go_live,
                close,
                per_fan_limit,
            } => {
                form.stock = stock.to_string();
                form.go_live = local_input(*go_live, tz);
                form.close = close.map(|c| local_input(c, tz)).unwrap_or_default();
                form.limit = per_fan_limit.map(|l| l.to_string()).unwrap_or_default();
            }
            OfferKind::Item => {}
        }
        form
    }

    /// What the service saves, or the first field that breaks its rule.
    pub fn edit(&self, event: &Event, now: Timestamp) -> FieldResult<OfferEdit> {
        let currency = event.currency;
        let item = self.kind == Kind::Item;
        let kind = self.offer_kind(event, now)?;
        let offer = Offer {
            id: 0,
            title: self.title.trim().to_string(),
            price: money_field("price", &self.price, currency)?,
            vat: parse_vat("vat", &self.vat)?,
            remaining: kind.initial_units(),
            lane: match kind {
                OfferKind::Gig { .. } => Some(lane_letter(&self.lane)?),
                _ => None,
            },
            kind,
            held: 0,
            grants_priority: self.priority && item,
            look: TileLook {
                emoji: self.emoji.trim().to_string(),
                colour: self.colour,
            },
            variant_of: None,
            cost: optional_money("cost", &self.cost, currency)?,
            archived: false,
            pass_credit: if item {
                optional_money("pass_credit", &self.pass_credit, currency)?
            } else {
                0
            },
            key: String::new(),
        };
        offer.check()?;
        let mut splits = Vec::new();
        if !self.partner.trim().is_empty() {
            let percent = parse_percent("collaborator percent", &self.partner_percent, 10_000)?;
            splits.push((self.partner.trim().to_string(), Share::Percent(percent)));
        }
        Ok(OfferEdit {
            id: self.id,
            offer,
            variant_of: self.variant_of,
            cross_sells: self.cross_sells.clone(),
            splits,
        })
    }

    /// The kind with its own fields, as typed.
    fn offer_kind(&self, event: &Event, now: Timestamp) -> FieldResult<OfferKind> {
        let at = |field: &'static str, text: &str| -> FieldResult<Option<Timestamp>> {
            match text.trim() {
                "" => Ok(None),
                t => parse_local(field, t, &event.time_zone, now).map(Some),
            }
        };
        let kind = match self.kind {
            Kind::Gig => OfferKind::Gig {
                duration_mins: int("duration", &self.duration, "minutes, 1 to 240")?
                    .ok_or_else(|| FieldError::new("duration", "minutes, 1 to 240"))?,
                capacity: int("capacity", &self.capacity, "a whole number of sessions")?
                    .ok_or_else(|| FieldError::new("capacity", "1 to 100000 sessions"))?,
            },
            Kind::Drop => OfferKind::Drop {
                stock: int("stock", &self.stock, "a whole number of units, 0 or more")?
                    .ok_or_else(|| {
                        FieldError::new("stock", "a drop needs its number of units (0 or more)")
                    })?,
                go_live: at("go-live", &self.go_live)?
                    .ok_or_else(|| FieldError::new("go-live", "a drop needs its go-live time"))?,
                close: at("close", &self.close)?,
                per_fan_limit: int("per-fan limit", &self.limit, "a whole number, or empty")?,
            },
            Kind::Item => OfferKind::Item,
        };
        kind.check()?;
        Ok(kind)
    }
}

impl BundleForm {
    /// The bundle the form describes.
    pub fn bundle(&self, event: &Event) -> FieldResult<Bundle> {
        let price = money_field("price", &self.price, event.currency)?;
        let parts: Vec<(i64, u32)> = self.parts.iter().filter(|p| p.1 > 0).copied().collect();
        if parts.iter().map(|p| p.1).sum::<u32>() < 2 {
            return Err(FieldError::new(
                "parts",
                "a bundle needs at least two units (tap + on the offers)",
            ));
        }
        Ok(Bundle {
            id: self.id,
            title: self.title.clone(),
            price,
            parts,
            emoji: self.emoji.trim().to_string(),
            archived: self.archived,
        })
    }
}

impl DiscountForm {
    /// A form for a window starting now and ending in an hour.
    pub fn new(event: &Event, now: Timestamp) -> DiscountForm {
        let tz = &event.time_zone;
        let hour = now
            .saturating_add(jiff::SignedDuration::from_hours(1))
            .unwrap_or(now);
        DiscountForm {
            name: "Happy hour".into(),
            off: "20%".into(),
            starts: local_input(now, tz),
            ends: local_input(hour, tz),
            ..DiscountForm::default()
        }
    }

    /// The discount the form describes (checked again by the service).
    pub fn discount(&self, event: &Event, now: Timestamp) -> FieldResult<Discount> {
        let tz = &event.time_zone;
        let off_text = self.off.trim();
        let off = match off_text.strip_suffix('%') {
            Some(p) => DiscountOff::Percent(parse_percent("off", p, 10_000)?),
            None => DiscountOff::Amount(money_field("off", off_text, event.currency)?.minor),
        };
        Ok(Discount {
            id: 0,
            name: self.name.trim().to_string(),
            off,
            offers: self.offers.clone(),
            starts: parse_local("starts", &self.starts, tz, now)?,
            ends: parse_local("ends", &self.ends, tz, now)?,
            max_uses: int("cap", &self.cap, "a whole number of units, or empty")?,
            used: 0,
        })
    }
}
