//! The demo event seeded on first start: three gigs, two drops (one going live soon), two items.

use jiff::{SignedDuration, Timestamp};

use super::PosResult;
use super::gate::{self, Stamp};
use crate::domain::catalogue::{Bundle, Offer, OfferKind, TileLook, VatRate};
use crate::domain::event::CheckedSetup;
use crate::domain::money::{Currency, Money};
use crate::domain::order::TenderKind;
use crate::domain::payment::{EpcProfile, PaymentProfile};
use crate::domain::pricing::{Discount, DiscountOff, Fee, Share, VatMode};
use crate::domain::queue::lane_letter;
use crate::store::events::{self, NewEvent};
use crate::store::{self, Store, deals, offers};

/// German VAT: services and merch at the standard rate, printed matter reduced.
const STANDARD: VatRate = VatRate(1900);
const REDUCED: VatRate = VatRate(700);
/// The demo event's creator PIN (refunds, PIN changes).
pub const DEMO_CREATOR_PIN: &str = "2468";
/// The demo's membership pass: the fan becomes a member with €10.00 of credit.
const FAN_PASS: &str = "Fan club pass (€10 credit)";
/// The demo's priority add-on: bought with a gig, its ticket is called ahead (fairly).
const PRIORITY_ADDON: &str = "Priority place (add-on)";

/// Adds the demo event (and makes it the open one) unless a demo exists. True when added now.
pub fn seed(store: &mut Store, now: Timestamp) -> PosResult<bool> {
    let stamp = Stamp {
        at: now,
        station: "-".into(),
        by: "demo".into(),
    };
    if events::has_demo(store.conn())? {
        return Ok(false);
    }
    let public_key = store.new_claim_key()?;
    gate::write(store, &stamp, |w| {
        let tx = w.tx();
        if events::has_demo(tx)? {
            return Ok(false);
        }
        let payment =
            PaymentProfile::Epc(EpcProfile::new("Mara Vey Music", "DE89370400440532013000"));
        let event_id = events::insert(
            tx,
            &NewEvent {
                name: "Mara Vey — After-show",
                venue: "Club Lindenhof, Berlin",
                time_zone: "Europe/Berlin",
                currency: Currency::Eur,
                payment: Some(&payment),
                public_key,
                is_demo: true,
                created_at: now.as_second(),
            },
        )?;
        events::set_setup(tx, event_id, &demo_setup())?;
        let mut ids = Vec::new();
        for (sort, (title, price_minor, vat, kind)) in catalogue(now).into_iter().enumerate() {
            // One lane per host: Mara runs the shoutouts and the meet & greets in lane A, her
            // support act Jo the song lessons in lane B.
            let lane = match (&kind, title) {
                (OfferKind::Gig { .. }, "15-minute song lesson") => Some(lane_letter(1)),
                (OfferKind::Gig { .. }, _) => Some(lane_letter(0)),
                _ => None,
            };
            let offer = Offer {
                id: 0,
                title: title.into(),
                price: Money::new(price_minor, Currency::Eur),
                vat,
                remaining: kind.initial_units(),
                held: 0,
                grants_priority: title == PRIORITY_ADDON,
                look: look(title),
                variant_of: None,
                cost: cost(title),
                archived: false,
                pass_credit: if title == FAN_PASS { 1000 } else { 0 },
                key: String::new(),
                kind,
                lane,
            };
            let id = offers::insert(
                tx,
                event_id,
                &offer,
                i64::try_from(sort * 10).unwrap_or(i64::MAX),
            )?;
            ids.push((title, id, offer));
        }
        deals_and_variants(tx, event_id, now, &ids)?;
        // The demo's creator PIN is printed in the README; a real event sets its own.
        store::pins::set_pin(
            tx,
            event_id,
            "creator",
            &super::pins::hash_pin(DEMO_CREATOR_PIN)?,
        )?;
        w.log("event.demo", &event_id.to_string(), serde_json::json!({}))?;
        Ok(true)
    })
}

/// The demo's set-up: German VAT included in prices, and receipt texts a creator would print.
fn demo_setup() -> CheckedSetup {
    CheckedSetup {
        name: "Mara Vey — After-show".into(),
        venue: "Club Lindenhof, Berlin".into(),
        time_zone: "Europe/Berlin".into(),
        currency: Currency::Eur,
        vat_mode: VatMode::Inclusive,
        vat_rates: vec![REDUCED, STANDARD],
        receipt_header: "Mara Vey Music · Kastanienallee 12, 10435 Berlin · USt-IdNr. DE000000000"
            .into(),
        receipt_footer: "Thank you for staying! Follow @maravey for the next pop-up.".into(),
        terms: "Claim codes are valid for 48 hours and for one fan each. Refunds at the table \
                with this receipt while the event runs."
            .into(),
    }
}

fn look(title: &str) -> TileLook {
    let (emoji, colour) = match title {
        "60-second shoutout" => ("📣", Some(0xE69F00)),
        "5-minute meet & greet" => ("👋", Some(0xE69F00)),
        "15-minute song lesson" => ("🎸", Some(0x56B4E9)),
        "Signed tour poster" => ("🖼", Some(0xCC79A7)),
        "Vinyl test pressing" => ("💿", Some(0xCC79A7)),
        "Signed postcard" => ("✉", Some(0x009E73)),
        "Tour tote bag" => ("👜", Some(0x009E73)),
        FAN_PASS => ("🎟", Some(0x0072B2)),
        _ => ("⭐", Some(0xF0E442)),
    };
    TileLook {
        emoji: emoji.into(),
        colour,
    }
}

/// What one unit costs Mara: printing, pressing, the bags.
fn cost(title: &str) -> i64 {
    match title {
        "Signed tour poster" => 210,
        "Vinyl test pressing" => 900,
        "Signed postcard" => 40,
        "Tour tote bag" => 480,
        _ => 0,
    }
}

/// A half-hour song lesson next to the 15-minute one (lane B, 70 % to Jo who teaches them), a
/// fan pack bundle, a happy hour on postcards, suggestions in the basket and the card fee.
fn deals_and_variants(
    tx: &crate::store::Conn,
    event_id: i64,
    now: Timestamp,
    ids: &[(&str, i64, Offer)],
) -> PosResult<()> {
    let id = |title: &str| ids.iter().find(|i| i.0 == title).map(|i| i.1).unwrap_or(0);
    let lesson = id("15-minute song lesson");
    let jo = vec![("Jo Lind".to_string(), Share::Percent(7000))];
    offers::set_splits(tx, lesson, &jo)?;
    if let Some((_, _, base)) = ids.iter().find(|i| i.1 == lesson) {
        let longer = Offer {
            title: "30-minute song lesson".into(),
            price: Money::new(11_000, Currency::Eur),
            kind: OfferKind::Gig {
                duration_mins: 30,
                capacity: 4,
            },
            remaining: Some(4),
            variant_of: Some(lesson),
            ..base.clone()
        };
        let longer_id = offers::insert(tx, event_id, &longer, 25)?;
        offers::set_splits(tx, longer_id, &jo)?;
    }
    deals::save_bundle(
        tx,
        event_id,
        &Bundle {
            id: 0,
            title: "Fan pack: poster + tote".into(),
            price: Money::new(2400, Currency::Eur),
            parts: vec![(id("Signed tour poster"), 1), (id("Tour tote bag"), 1)],
            emoji: "🎁".into(),
            archived: false,
        },
    )?;
    let at = |mins: i64| {
        now.saturating_add(SignedDuration::from_mins(mins))
            .unwrap_or(now)
    };
    deals::save_discount(
        tx,
        event_id,
        &Discount {
            id: 0,
            name: "Happy hour".into(),
            off: DiscountOff::Percent(2000),
            offers: vec![id("Signed postcard")],
            starts: at(-10),
            ends: at(110),
            max_uses: Some(100),
            used: 0,
        },
    )?;
    for gig in ["60-second shoutout", "5-minute meet & greet"] {
        offers::set_cross_sells(tx, id(gig), &[id("Signed postcard"), id(PRIORITY_ADDON)])?;
    }
    events::set_fee(
        tx,
        event_id,
        TenderKind::Card,
        &Fee {
            percent_bp: 139,
            fixed: 0,
        },
    )?;
    Ok(())
}

fn catalogue(now: Timestamp) -> Vec<(&'static str, i64, VatRate, OfferKind)> {
    let at = |mins: i64| {
        now.saturating_add(SignedDuration::from_mins(mins))
            .unwrap_or(now)
    };
    vec![
        (
            "60-second shoutout",
            500,
            STANDARD,
            OfferKind::Gig {
                duration_mins: 1,
                capacity: 120,
            },
        ),
        (
            "5-minute meet & greet",
            2500,
            STANDARD,
            OfferKind::Gig {
                duration_mins: 5,
                capacity: 40,
            },
        ),
        (
            "15-minute song lesson",
            6000,
            STANDARD,
            OfferKind::Gig {
                duration_mins: 15,
                capacity: 8,
            },
        ),
        (
            "Signed tour poster",
            1250,
            STANDARD,
            OfferKind::Drop {
                stock: 25,
                go_live: at(-10),
                close: Some(at(6 * 60)),
                per_fan_limit: Some(2),
            },
        ),
        (
            "Vinyl test pressing",
            3500,
            STANDARD,
            OfferKind::Drop {
                stock: 5,
                go_live: at(5),
                close: Some(at(6 * 60)),
                per_fan_limit: Some(1),
            },
        ),
        ("Signed postcard", 300, REDUCED, OfferKind::Item),
        ("Tour tote bag", 1500, STANDARD, OfferKind::Item),
        (PRIORITY_ADDON, 300, STANDARD, OfferKind::Item),
        (FAN_PASS, 1500, STANDARD, OfferKind::Item),
    ]
}
