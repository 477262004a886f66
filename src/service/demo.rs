//! The demo event seeded on first start: three gigs, two drops (one going live soon), two items.

use jiff::{SignedDuration, Timestamp};

use super::PosResult;
use crate::domain::catalogue::{Offer, OfferKind, VatRate};
use crate::domain::money::{Currency, Money};
use crate::domain::payment::{EpcProfile, PaymentProfile};
use crate::domain::queue::lane_letter;
use crate::store::events::{self, NewEvent};
use crate::store::{Store, audit, offers, refunds};

/// German VAT: services and merch at the standard rate, printed matter reduced.
const STANDARD: VatRate = VatRate(1900);
const REDUCED: VatRate = VatRate(700);
/// The demo event's creator PIN (refunds, PIN changes).
pub const DEMO_CREATOR_PIN: &str = "2468";
/// The demo's priority add-on: bought with a gig, its ticket is called ahead (fairly).
const PRIORITY_ADDON: &str = "Priority place (add-on)";

/// Adds the demo event (and makes it the open one) unless a demo exists. True when added now.
pub fn seed(store: &mut Store, now: Timestamp) -> PosResult<bool> {
    let tx = store.immediate()?;
    if events::has_demo(&tx)? {
        return Ok(false);
    }
    let payment = PaymentProfile::Epc(EpcProfile::new("Mara Vey Music", "DE89370400440532013000"));
    let event_id = events::insert(
        &tx,
        &NewEvent {
            name: "Mara Vey — After-show",
            venue: "Club Lindenhof, Berlin",
            time_zone: "Europe/Berlin",
            currency: Currency::Eur,
            payment: Some(&payment),
            signing_key: rand::random(),
            is_demo: true,
            created_at: now.as_second(),
        },
    )?;
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
            kind,
            lane,
        };
        offers::insert(
            &tx,
            event_id,
            &offer,
            i64::try_from(sort).unwrap_or(i64::MAX),
        )?;
    }
    // The demo's creator PIN is printed in the README; a real event sets its own.
    refunds::set_pin(
        &tx,
        event_id,
        "creator",
        &super::refund::hash_pin(DEMO_CREATOR_PIN)?,
    )?;
    audit::append(
        &tx,
        now,
        "-",
        "event.demo",
        &event_id.to_string(),
        &serde_json::json!({}),
    )?;
    tx.commit()?;
    Ok(true)
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
    ]
}
