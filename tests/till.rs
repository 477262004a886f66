//! The till's use-cases in the service: starting a payment in one call, the sale request it
//! becomes, and saving every tender fee at once or none of them.

mod support;

use support::AsCreator as _;

use encore::domain::basket::{PriceList, quote};
use encore::domain::order::{Cart, TenderKind};
use encore::domain::pricing::Fee;
use encore::service::{Pos, PosError, TillExtras, sale_request};
use support::{TestClock, TestDb};

const CREATOR_PIN: &str = "2468";

fn fee_entries(db: &TestDb) -> i64 {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.query_row(
        "SELECT count(*) FROM audit_log WHERE action = 'fee.set'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn cart_of(pos: &Pos, title: &str) -> Cart {
    let mut cart = Cart::default();
    cart.add(&support::offer(pos, title));
    cart
}

#[test]
fn a_qr_payment_starts_in_one_call_and_sells_as_started() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let cart = cart_of(&pos, "60-second shoutout");
    let catalogue = pos.catalogue().unwrap();
    let event = pos.event().clone();
    let list = PriceList {
        offers: &catalogue.offers,
        bundles: &catalogue.bundles,
        discounts: &catalogue.discounts,
        mode: event.vat_mode,
        currency: event.currency,
    };
    let quote = quote(list, &cart.items(), &cart.bundles, pos.now()).unwrap();
    let started = pos.start_payment(&quote, None, TenderKind::Qr).unwrap();
    assert_eq!(started.total, quote.total);
    assert!(started.held_until > started.priced_at, "the units are held");
    let (matrix, caption) = started.qr.as_ref().expect("a QR for the QR method");
    assert!(
        matrix
            .scan()
            .unwrap()
            .contains(&started.checkout.payment_ref)
    );
    assert_eq!(caption, "SEPA transfer to Mara Vey Music");
    let receipt = pos
        .sell(&sale_request(&started, &cart, TillExtras::default()))
        .unwrap();
    assert_eq!(receipt.total, quote.total);
    let card = pos.start_payment(&quote, None, TenderKind::Card).unwrap();
    assert!(card.qr.is_none(), "no QR for a card payment");
}

#[test]
fn fees_save_together_or_not_at_all() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let before = pos.fees().unwrap();
    let entries = fee_entries(&db);
    let fee = |percent_bp, fixed| Fee { percent_bp, fixed };
    let with_a_bad_one = [
        (TenderKind::Card, fee(150, 10)),
        (TenderKind::Qr, fee(5_000, 0)),
        (TenderKind::Cash, fee(0, 5)),
    ];
    let refused = pos
        .with_pin(CREATOR_PIN, |p, g| p.save_fees(&with_a_bad_one, g))
        .unwrap_err();
    assert!(matches!(refused, PosError::Invalid(_)), "{refused}");
    assert_eq!(
        pos.fees().unwrap(),
        before,
        "the first fee is not saved either"
    );
    assert_eq!(fee_entries(&db), entries);

    let good = [
        (TenderKind::Card, fee(150, 10)),
        (TenderKind::Qr, fee(0, 0)),
        (TenderKind::Cash, fee(0, 5)),
    ];
    assert!(matches!(
        pos.with_pin("1111", |p, g| p.save_fees(&good, g)),
        Err(PosError::Pin(_))
    ));
    assert_eq!(pos.fees().unwrap(), before);
    pos.with_pin(CREATOR_PIN, |p, g| p.save_fees(&good, g))
        .unwrap();
    let saved = pos.fees().unwrap();
    for (kind, fee) in good {
        assert_eq!(saved.iter().find(|f| f.0 == kind).map(|f| f.1), Some(fee));
    }
    assert_eq!(fee_entries(&db), entries + 3, "one audit entry per fee");
}
