//! The catalogue editor's forms as typed, and how each becomes what the service saves (or the
//! first field that breaks its rule).

use jiff::Timestamp;

use crate::domain::catalogue::{Bundle, Offer};
use crate::domain::catalogue_file::{OfferRow, parse_percent};
use crate::domain::event::{Event, local_input, parse_local};
use crate::domain::money::parse_amount;
use crate::domain::pricing::{Discount, DiscountOff, Share, percent_label};
use crate::service::OfferEdit;

/// The offer form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferForm {
    /// None for a new offer.
    pub id: Option<i64>,
    /// A new variant of this gig.
    pub variant_of: Option<i64>,
    /// gig, drop or item.
    pub kind: String,
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

fn int<T: std::str::FromStr>(field: &str, text: &str, rule: &str) -> Result<Option<T>, String> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| format!("{field}: {rule} (not '{t}')")),
    }
}

impl OfferForm {
    /// A form for a new offer of `kind`, with the event's first rate and sensible gig defaults.
    pub fn new(kind: &'static str, event: &Event, now: Timestamp) -> OfferForm {
        let vat = event
            .vat_rates
            .last()
            .map(|r| r.label().trim_end_matches('%').to_string())
            .unwrap_or_else(|| "0".into());
        let mut form = OfferForm {
            kind: kind.into(),
            vat,
            ..OfferForm::default()
        };
        match kind {
            "gig" => {
                (form.duration, form.capacity, form.lane) = ("15".into(), "20".into(), "A".into())
            }
            "drop" => {
                form.stock = "10".into();
                form.go_live = local_input(now, &event.time_zone);
            }
            _ => {}
        }
        form
    }

    /// The form showing an offer.
    pub fn of(
        offer: &Offer,
        event: &Event,
        cross_sells: Vec<i64>,
        splits: &[(String, Share)],
    ) -> OfferForm {
        let row = OfferRow::of(offer);
        let tz = &event.time_zone;
        let text = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        let local = |t: &Option<String>| {
            t.as_deref()
                .and_then(|t| t.parse::<Timestamp>().ok())
                .map(|t| local_input(t, tz))
                .unwrap_or_default()
        };
        let partner = splits.iter().find_map(|(name, share)| match share {
            Share::Percent(bp) => Some((name.clone(), percent_label(*bp))),
            Share::Fixed(_) => None,
        });
        OfferForm {
            id: Some(offer.id),
            variant_of: offer.variant_of,
            kind: row.kind.clone(),
            title: row.title.clone(),
            price: row.price.clone(),
            vat: row.vat.clone(),
            duration: text(row.duration_mins),
            capacity: text(row.capacity),
            lane: row.lane.clone().unwrap_or_default(),
            stock: text(row.stock),
            go_live: local(&row.go_live),
            close: local(&row.close),
            limit: text(row.per_fan_limit),
            priority: row.priority_addon,
            emoji: row.emoji.clone(),
            colour: offer.look.colour,
            cost: row.cost.clone(),
            pass_credit: row.pass_credit.clone(),
            cross_sells,
            partner: partner.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            partner_percent: partner.map(|p| p.1).unwrap_or_default(),
        }
    }

    /// What the service saves, or the first field that breaks its rule.
    pub fn edit(&self, event: &Event, now: Timestamp) -> Result<OfferEdit, String> {
        let tz = &event.time_zone;
        let instant = |field: &str, text: &str| -> Result<Option<String>, String> {
            match text.trim() {
                "" => Ok(None),
                t => Ok(Some(
                    parse_local(field, t, tz, now)
                        .map_err(|e| e.to_string())?
                        .to_string(),
                )),
            }
        };
        let gig = self.kind == "gig";
        let drop = self.kind == "drop";
        let row = OfferRow {
            title: self.title.clone(),
            kind: self.kind.clone(),
            price: self.price.clone(),
            vat: self.vat.clone(),
            duration_mins: if gig {
                int("duration", &self.duration, "minutes, 1 to 240")?
            } else {
                None
            },
            capacity: if gig {
                int("capacity", &self.capacity, "a whole number of sessions")?
            } else {
                None
            },
            stock: if drop {
                int("stock", &self.stock, "a whole number of units, 0 or more")?
            } else {
                None
            },
            go_live: if drop {
                instant("go-live", &self.go_live)?
            } else {
                None
            },
            close: if drop {
                instant("close", &self.close)?
            } else {
                None
            },
            per_fan_limit: if drop {
                int("per-fan limit", &self.limit, "a whole number, or empty")?
            } else {
                None
            },
            lane: gig.then(|| self.lane.clone()),
            priority_addon: self.priority && self.kind == "item",
            emoji: self.emoji.clone(),
            colour: self.colour.map(|c| format!("#{c:06X}")).unwrap_or_default(),
            cost: self.cost.clone(),
            pass_credit: if self.kind == "item" {
                self.pass_credit.clone()
            } else {
                String::new()
            },
        };
        let mut splits = Vec::new();
        if !self.partner.trim().is_empty() {
            let percent = parse_percent("collaborator percent", &self.partner_percent, 10_000)
                .map_err(|e| e.to_string())?;
            splits.push((self.partner.trim().to_string(), Share::Percent(percent)));
        }
        let offer = row.to_offer(event.currency).map_err(|e| e.to_string())?;
        Ok(OfferEdit {
            id: self.id,
            offer,
            variant_of: self.variant_of,
            cross_sells: self.cross_sells.clone(),
            splits,
        })
    }
}

impl BundleForm {
    /// The bundle the form describes.
    pub fn bundle(&self, event: &Event) -> Result<Bundle, String> {
        let price = parse_amount(&self.price, event.currency).map_err(|e| format!("price: {e}"))?;
        let parts: Vec<(i64, u32)> = self.parts.iter().filter(|p| p.1 > 0).copied().collect();
        if parts.iter().map(|p| p.1).sum::<u32>() < 2 {
            return Err("parts: a bundle needs at least two units (tap + on the offers)".into());
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
    pub fn discount(&self, event: &Event, now: Timestamp) -> Result<Discount, String> {
        let tz = &event.time_zone;
        let off_text = self.off.trim();
        let off = match off_text.strip_suffix('%') {
            Some(p) => {
                DiscountOff::Percent(parse_percent("off", p, 10_000).map_err(|e| e.to_string())?)
            }
            None => DiscountOff::Amount(
                parse_amount(off_text, event.currency)
                    .map_err(|e| format!("off: {e}"))?
                    .minor,
            ),
        };
        Ok(Discount {
            id: 0,
            name: self.name.trim().to_string(),
            off,
            offers: self.offers.clone(),
            starts: parse_local("starts", &self.starts, tz, now).map_err(|e| e.to_string())?,
            ends: parse_local("ends", &self.ends, tz, now).map_err(|e| e.to_string())?,
            max_uses: int("cap", &self.cap, "a whole number of units, or empty")?,
            used: 0,
        })
    }
}
