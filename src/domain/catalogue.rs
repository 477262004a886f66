//! The catalogue: offers of kind gig, drop and item, and what a tile should say about each.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::field::{FieldError, FieldResult};
use super::money::Money;

/// Highest price of one unit, in major units: a guard against a mistyped price.
pub const MAX_PRICE_MAJOR: i64 = 100_000;
/// Highest VAT rate, in basis points.
pub const MAX_VAT_BP: u32 = 3_000;

/// A VAT rate in basis points (1900 = 19.00 %), so no floats touch money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VatRate(pub u32);

impl VatRate {
    /// The rate as people write it: `19%`, `7.5%`.
    pub fn label(self) -> String {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => format!("{whole}%"),
            f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
            f => format!("{whole}.{f:02}%"),
        }
    }
}

/// What kind of thing an offer is, with the fields only that kind has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OfferKind {
    /// A timed experience: one fan, `duration_mins` long, at most `capacity` sold at this event.
    Gig {
        /// Planned length of one session.
        duration_mins: u32,
        /// How many can be sold at this event.
        capacity: u32,
    },
    /// Limited stock that goes on sale at `go_live` and stops at `close`.
    Drop {
        /// Units the drop started with.
        stock: u32,
        /// When sales open.
        go_live: Timestamp,
        /// When sales stop, if ever.
        close: Option<Timestamp>,
        /// Most units one fan may buy (enforced once fans are identified).
        per_fan_limit: Option<u32>,
    },
    /// Plain merch, handed over at the table.
    Item,
}

impl OfferKind {
    /// Checks the kind's own fields: a gig's length and sessions, a drop's window and limit.
    pub fn check(&self) -> FieldResult<()> {
        match self {
            OfferKind::Gig {
                duration_mins,
                capacity,
            } => {
                if !(1..=240).contains(duration_mins) {
                    return Err(FieldError::new(
                        "duration_mins",
                        "a gig lasts 1 to 240 minutes",
                    ));
                }
                if !(1..=100_000).contains(capacity) {
                    return Err(FieldError::new("capacity", "1 to 100000 sessions"));
                }
            }
            OfferKind::Drop {
                go_live,
                close,
                per_fan_limit,
                ..
            } => {
                if close.is_some_and(|c| c <= *go_live) {
                    return Err(FieldError::new("close", "must be after go_live"));
                }
                if *per_fan_limit == Some(0) {
                    return Err(FieldError::new(
                        "per_fan_limit",
                        "1 or more, or empty for no limit",
                    ));
                }
            }
            OfferKind::Item => {}
        }
        Ok(())
    }

    /// The short name used by the CLI and JSON: gig, drop or item.
    pub fn name(&self) -> &'static str {
        match self {
            OfferKind::Gig { .. } => "gig",
            OfferKind::Drop { .. } => "drop",
            OfferKind::Item => "item",
        }
    }

    /// Gig and drop units get a claim code; items are handed over on the spot.
    pub fn is_claimable(&self) -> bool {
        !matches!(self, OfferKind::Item)
    }

    /// The units this offer starts with, or None when unlimited.
    pub fn initial_units(&self) -> Option<u32> {
        match self {
            OfferKind::Gig { capacity, .. } => Some(*capacity),
            OfferKind::Drop { stock, .. } => Some(*stock),
            OfferKind::Item => None,
        }
    }
}

/// One thing in the catalogue, as the store holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// Store id.
    pub id: i64,
    /// What the fan reads on the tile and the receipt.
    pub title: String,
    /// VAT-inclusive unit price.
    pub price: Money,
    /// VAT rate that applies to the price.
    pub vat: VatRate,
    /// Kind and kind-specific fields.
    pub kind: OfferKind,
    /// Units still sellable, None when unlimited.
    pub remaining: Option<u32>,
    /// Queue lane letter for gigs (A, B, …).
    pub lane: Option<char>,
    /// Units reserved by payments in progress (already not in `remaining`).
    #[serde(default)]
    pub held: u32,
    /// A priority add-on: each unit makes one gig ticket of the same order a priority ticket.
    #[serde(default)]
    pub grants_priority: bool,
    /// Emoji and colour of the tile.
    #[serde(default)]
    pub look: TileLook,
    /// The offer this one is a variant of (a 30-minute version of a 15-minute gig).
    #[serde(default)]
    pub variant_of: Option<i64>,
    /// What one unit costs the creator (materials, printing), in minor units: for margins.
    #[serde(default)]
    pub cost: i64,
    /// Archived offers are off the Sell screen; their orders stay as they were.
    #[serde(default)]
    pub archived: bool,
    /// A membership pass: selling it makes the fan a member with this much credit (minor units).
    #[serde(default)]
    pub pass_credit: i64,
    /// The offer's stable key (a UUID) in catalogue files: an edited export finds its offer by
    /// it. Empty until the store gives the offer one.
    #[serde(default)]
    pub key: String,
}

/// How a tile looks, so a helper finds it at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TileLook {
    /// One emoji (or none).
    pub emoji: String,
    /// `0xRRGGBB`, or None for the theme's colour.
    pub colour: Option<u32>,
}

/// The colours the editor offers for tiles: distinct on a bright screen and for common colour
/// blindness (Okabe–Ito palette).
pub const TILE_COLOURS: [(&str, u32); 7] = [
    ("Orange", 0xE69F00),
    ("Sky", 0x56B4E9),
    ("Green", 0x009E73),
    ("Yellow", 0xF0E442),
    ("Blue", 0x0072B2),
    ("Red", 0xD55E00),
    ("Pink", 0xCC79A7),
];

impl TileLook {
    /// Checks the look: at most one emoji-sized grapheme (8 characters), a 24-bit colour.
    pub fn check(&self) -> FieldResult<()> {
        super::field::check_text("emoji", &self.emoji, 8)?;
        if self.emoji.chars().any(char::is_alphanumeric) {
            return Err(FieldError::new("emoji", "one emoji, or leave it empty"));
        }
        if self.colour.is_some_and(|c| c > 0xFF_FFFF) {
            return Err(FieldError::new("colour", "a colour like #E69F00"));
        }
        Ok(())
    }
}

/// A fixed set of offers sold together at one price; stock, claims and tickets follow the parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// Store id.
    pub id: i64,
    /// Tile and receipt title, 1–80 characters.
    pub title: String,
    /// What the whole bundle costs.
    pub price: Money,
    /// `(offer id, units)` of each part.
    pub parts: Vec<(i64, u32)>,
    /// Tile emoji.
    pub emoji: String,
    /// Off the Sell screen.
    pub archived: bool,
}

impl Bundle {
    /// A bundle can be sold as often as its scarcest part allows; a part that cannot be sold
    /// (not live yet, closed, archived, gone) makes the bundle unsellable.
    pub fn availability(&self, offers: &[Offer], now: Timestamp) -> Availability {
        let mut most: Option<u32> = None;
        for (offer_id, qty) in &self.parts {
            let Some(offer) = offers.iter().find(|o| o.id == *offer_id && !o.archived) else {
                return Availability::Closed;
            };
            match offer.availability(now) {
                Availability::Unlimited => {}
                Availability::Left(n) => {
                    let times = n / (*qty).max(1);
                    if times == 0 {
                        return Availability::SoldOut;
                    }
                    most = Some(most.map_or(times, |m| m.min(times)));
                }
                other => return other,
            }
        }
        most.map_or(Availability::Unlimited, Availability::Left)
    }

    /// The parts' list prices added up: what the bundle saves against.
    pub fn list_total(&self, offers: &[Offer]) -> Option<i64> {
        self.parts.iter().try_fold(0_i64, |sum, (offer_id, qty)| {
            let offer = offers.iter().find(|o| o.id == *offer_id)?;
            Some(sum + offer.price.minor * i64::from(*qty))
        })
    }
}

/// What a tile says about whether an offer can be sold right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Sellable without limit.
    Unlimited,
    /// Sellable, this many left.
    Left(u32),
    /// Nothing left.
    SoldOut,
    /// A drop that opens in this many seconds.
    OpensIn {
        /// Seconds until go-live.
        secs: i64,
    },
    /// A drop past its close time.
    Closed,
}

impl Availability {
    /// Whether a unit can be added to the cart now.
    pub fn can_sell(self) -> bool {
        matches!(self, Availability::Unlimited | Availability::Left(_))
    }

    /// Text for the tile: "7 left", "Sold out", "Opens in 04:12".
    pub fn tile_text(self) -> String {
        match self {
            Availability::Unlimited => String::new(),
            Availability::Left(n) => format!("{n} left"),
            Availability::SoldOut => "Sold out".into(),
            Availability::OpensIn { secs } => format!("Opens in {}", countdown(secs)),
            Availability::Closed => "Closed".into(),
        }
    }
}

/// `mm:ss` under an hour, `h:mm:ss` above.
pub fn countdown(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// The most a price or a pass's credit may be: [`MAX_PRICE_MAJOR`] in `currency`.
pub fn most_amount(currency: super::money::Currency) -> Money {
    Money::new(
        MAX_PRICE_MAJOR * 10_i64.pow(currency.minor_digits()),
        currency,
    )
}

impl Offer {
    /// Checks the rules every offer keeps, however it was made (the editor, a file): the first
    /// broken one, naming its field.
    pub fn check(&self) -> FieldResult<()> {
        let chars = self.title.chars().count();
        if !(1..=80).contains(&chars) {
            return Err(FieldError::new(
                "title",
                format!("1 to 80 characters (has {chars})"),
            ));
        }
        super::field::check_text("title", &self.title, 80)?;
        let most = most_amount(self.price.currency);
        if self.price.minor > most.minor {
            return Err(FieldError::new("price", format!("at most {most}")));
        }
        if self.price.minor < 0 {
            return Err(FieldError::new("price", "0 or more"));
        }
        if self.vat.0 > MAX_VAT_BP {
            return Err(FieldError::new("vat", "at most 30 %"));
        }
        if self.cost < 0 {
            return Err(FieldError::new("cost", "0 or more"));
        }
        if self.pass_credit < 0 {
            return Err(FieldError::new("pass_credit", "0 or more"));
        }
        // Credit is money a fan can spend: the same guard as a price against a mistyped amount.
        if self.pass_credit > most.minor {
            return Err(FieldError::new("pass_credit", format!("at most {most}")));
        }
        self.kind.check()?;
        match (&self.kind, self.lane) {
            (OfferKind::Gig { .. }, Some('A'..='Z')) | (_, None) => {}
            (OfferKind::Gig { .. }, Some(l)) => {
                return Err(FieldError::new(
                    "lane",
                    format!("one letter A to Z (not '{l}')"),
                ));
            }
            (_, Some(_)) => return Err(FieldError::new("lane", "only gigs have a queue lane")),
        }
        let item = matches!(self.kind, OfferKind::Item);
        if self.grants_priority && !item {
            return Err(FieldError::new(
                "priority_addon",
                "only an item can be a priority add-on",
            ));
        }
        self.look.check()?;
        if self.pass_credit > 0 && !item {
            return Err(FieldError::new(
                "pass_credit",
                "only an item can be a membership pass",
            ));
        }
        Ok(())
    }

    /// Most units one fan may buy: a drop's per-fan limit, if it has one.
    pub fn per_fan_limit(&self) -> Option<u32> {
        match self.kind {
            OfferKind::Drop { per_fan_limit, .. } => per_fan_limit,
            _ => None,
        }
    }

    /// Whether and how much of this offer can be sold at `now`.
    pub fn availability(&self, now: Timestamp) -> Availability {
        if self.archived {
            return Availability::Closed;
        }
        if let OfferKind::Drop { go_live, close, .. } = &self.kind {
            if now < *go_live {
                let secs = go_live.as_second() - now.as_second();
                return Availability::OpensIn { secs: secs.max(1) };
            }
            if close.is_some_and(|c| now >= c) {
                return Availability::Closed;
            }
        }
        match self.remaining {
            None => Availability::Unlimited,
            Some(0) => Availability::SoldOut,
            Some(n) => Availability::Left(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn drop_offer(remaining: u32, go_live: i64, close: Option<i64>) -> Offer {
        Offer {
            id: 1,
            title: "Poster".into(),
            price: Money::new(1250, Currency::Eur),
            vat: VatRate(1900),
            kind: OfferKind::Drop {
                stock: 10,
                go_live: Timestamp::from_second(go_live).unwrap(),
                close: close.map(|c| Timestamp::from_second(c).unwrap()),
                per_fan_limit: Some(2),
            },
            remaining: Some(remaining),
            lane: None,
            held: 0,
            grants_priority: false,
            look: Default::default(),
            variant_of: None,
            cost: 0,
            archived: false,
            pass_credit: 0,
            key: String::new(),
        }
    }

    #[test]
    fn a_bundle_sells_as_often_as_its_scarcest_part() {
        let now = Timestamp::from_second(2_000).unwrap();
        let poster = drop_offer(5, 1_000, None);
        let mut tote = drop_offer(4, 1_000, None);
        tote.id = 2;
        let bundle = Bundle {
            id: 1,
            title: "Fan pack".into(),
            price: Money::new(2000, Currency::Eur),
            parts: vec![(1, 1), (2, 2)],
            emoji: String::new(),
            archived: false,
        };
        let offers = vec![poster.clone(), tote.clone()];
        assert_eq!(bundle.availability(&offers, now), Availability::Left(2));
        assert_eq!(bundle.list_total(&offers), Some(1250 * 3));
        tote.remaining = Some(1);
        assert_eq!(
            bundle.availability(&[poster.clone(), tote.clone()], now),
            Availability::SoldOut
        );
        tote.archived = true;
        assert_eq!(
            bundle.availability(&[poster, tote], now),
            Availability::Closed
        );
        let early = Timestamp::from_second(900).unwrap();
        assert!(!bundle.availability(&offers, early).can_sell());
    }

    #[test]
    fn drop_before_go_live_counts_down() {
        let offer = drop_offer(5, 1_000, None);
        let now = Timestamp::from_second(1_000 - 252).unwrap();
        assert_eq!(offer.availability(now), Availability::OpensIn { secs: 252 });
        assert_eq!(offer.availability(now).tile_text(), "Opens in 04:12");
        assert!(!offer.availability(now).can_sell());
    }

    #[test]
    fn drop_live_sold_out_and_closed() {
        let now = Timestamp::from_second(2_000).unwrap();
        assert_eq!(
            drop_offer(3, 1_000, None).availability(now),
            Availability::Left(3)
        );
        assert_eq!(
            drop_offer(0, 1_000, None).availability(now).tile_text(),
            "Sold out"
        );
        assert_eq!(
            drop_offer(3, 1_000, Some(2_000)).availability(now),
            Availability::Closed
        );
    }

    #[test]
    fn vat_labels() {
        assert_eq!(VatRate(1900).label(), "19%");
        assert_eq!(VatRate(750).label(), "7.5%");
        assert_eq!(VatRate(1225).label(), "12.25%");
    }

    #[test]
    fn countdown_formats() {
        assert_eq!(countdown(59), "00:59");
        assert_eq!(countdown(3_725), "1:02:05");
    }
}
