//! Refunds: behind the creator PIN, revoking the refunded units' claim codes and tickets.

mod support;

use support::AsCreator as _;

use encore::domain::order::TenderKind;
use encore::service::{PinError, PosError, RefundRequest};
use support::{TestClock, TestDb, offer_id, remaining, sell};

const PIN: &str = "2468";

fn request(
    receipt: &encore::domain::order::ReceiptNo,
    lines: Option<Vec<(i64, u32)>>,
) -> RefundRequest {
    RefundRequest {
        receipt: receipt.clone(),
        lines,
        reason: "test".into(),
    }
}

#[test]
fn a_refund_revokes_codes_cancels_tickets_and_returns_unredeemed_units() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let r = sell(
        &mut pos,
        &[("5-minute meet & greet", 1), ("Signed tour poster", 2)],
        TenderKind::Qr,
    );
    // One code per gig session; the two posters share one code for two units.
    assert_eq!(r.claims.len(), 2);
    let (gig_code, posters) = (r.claims[0].code.clone(), r.claims[1].code.clone());
    assert_eq!(r.claims[1].title, "2× Signed tour poster");
    let held = pos.redeem_claim(&posters, 1).unwrap();
    assert!(held.held, "a drop unit is held for the fan first");
    pos.hand_over(held.id).unwrap();
    assert_eq!(pos.queue().unwrap()[0].waiting.len(), 1);

    // Wrong PIN: nothing happens.
    let err = pos
        .with_pin("1111", |p, g| p.refund(&request(&r.number, None), g))
        .unwrap_err();
    assert_eq!(err.to_string(), "wrong creator PIN (4 more before a wait)");
    assert!(pos.check_claim(&gig_code).is_ok());

    // One poster: the unit not handed over is revoked and goes back on sale; the code is done.
    let poster = offer_id(&pos, "Signed tour poster");
    let one = pos
        .with_pin(PIN, |p, g| {
            p.refund(&request(&r.number, Some(vec![(poster, 1)])), g)
        })
        .unwrap();
    assert_eq!(
        (one.number.as_str(), one.amount.minor, one.revoked_units),
        ("K1-R000001", 1250, 1)
    );
    assert!(matches!(
        pos.check_claim(&posters),
        Err(PosError::Revoked { .. })
    ));
    assert!(matches!(
        pos.redeem_claim(&posters, 1),
        Err(PosError::Revoked { .. })
    ));
    assert_eq!(remaining(&pos, "Signed tour poster"), Some(24));

    // The rest: the gig's ticket leaves the queue; the handed-over poster stays out of stock.
    let rest = pos
        .with_pin(PIN, |p, g| p.refund(&request(&r.number, None), g))
        .unwrap();
    assert_eq!((rest.amount.minor, rest.revoked_units), (2500 + 1250, 1));
    assert!(pos.queue().unwrap()[0].waiting.is_empty());
    assert!(matches!(
        pos.redeem_claim(&gig_code, 1),
        Err(PosError::Revoked { .. })
    ));
    assert_eq!(remaining(&pos, "Signed tour poster"), Some(24));
    let again = pos
        .with_pin(PIN, |p, g| p.refund(&request(&r.number, None), g))
        .unwrap_err();
    assert_eq!(
        again.to_string(),
        "everything on this receipt has been refunded already"
    );
}

#[test]
fn pins_are_changed_only_with_the_creator_pin_and_new_ones_have_six_digits() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    assert!(
        pos.with_pin("0000", |p, g| p.set_pin("135799", Some(g)))
            .is_err()
    );
    assert!(matches!(
        pos.set_pin("135799", None).unwrap_err(),
        PosError::Pin(PinError::Needed)
    ));
    for short in ["12", "97531", "12345a"] {
        assert_eq!(
            pos.with_pin(PIN, |p, g| p.set_pin(short, Some(g)))
                .unwrap_err()
                .to_string(),
            "new creator PIN: 6 to 12 digits",
            "{short}"
        );
    }
    pos.with_pin(PIN, |p, g| p.set_pin("975310", Some(g)))
        .unwrap();
    assert!(pos.unlock(PIN).is_err());
    pos.unlock("975310").unwrap();
}

#[test]
fn a_changed_creator_pin_ends_every_grant_made_with_the_old_one() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    // Another station unlocked with the old PIN and keeps its grant.
    let mut other = db.pos_at("K2", &clock);
    let kept = other.unlock(PIN).unwrap();
    let rules = other.event().queue;
    other.set_queue_rules(rules, 48, &kept).unwrap();

    pos.with_pin(PIN, |p, g| p.set_pin("975310", Some(g)))
        .unwrap();
    let err = other.set_queue_rules(rules, 48, &kept).unwrap_err();
    assert!(matches!(err, PosError::Pin(_)), "{err}");
    assert_eq!(
        err.to_string(),
        "the creator PIN was changed: type the new one"
    );
    let fresh = other.unlock("975310").unwrap();
    other.set_queue_rules(rules, 48, &fresh).unwrap();
}
