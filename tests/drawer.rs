//! The cash drawer: expected cash follows sales, refunds and moves; the count shows the difference.

mod support;

use support::AsCreator as _;

use encore::domain::money::{Currency, Money};
use encore::domain::order::TenderKind;
use encore::service::{RefundRequest, SaleRequest};
use support::{TestClock, TestDb, offer_id};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::Eur)
}

#[test]
fn expected_cash_and_the_count_at_close() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    assert!(
        pos.drawer_move(eur(500), "coins").is_err(),
        "no drawer open yet"
    );
    pos.open_drawer(eur(10_000)).unwrap();
    assert!(
        pos.open_drawer(eur(10_000)).is_err(),
        "one open drawer per station"
    );
    let sale = |pos: &mut encore::service::Pos, tender, tendered| {
        let req = SaleRequest {
            tendered,
            ..SaleRequest::new(
                pos.start_checkout().unwrap(),
                vec![(offer_id(pos, "Signed tour poster"), 1)],
                tender,
            )
        };
        pos.sell(&req).unwrap()
    };
    let cash = sale(&mut pos, TenderKind::Cash, Some(eur(2000)));
    sale(&mut pos, TenderKind::Card, None);
    pos.drawer_move(eur(-2000), "change run").unwrap();
    assert!(
        pos.drawer_move(eur(100), " ").is_err(),
        "a reason is required"
    );
    let refund = RefundRequest {
        receipt: cash.number.clone(),
        lines: None,
        reason: "broken".into(),
    };
    pos.with_pin("2468", |p, g| p.refund(&refund, g)).unwrap();
    let status = pos.drawer_status().unwrap().unwrap();
    assert_eq!(
        (status.cash_sales, status.cash_refunds, status.moves),
        (eur(1250), eur(1250), eur(-2000))
    );
    assert_eq!(status.expected, eur(8000));
    let closed = pos.close_drawer(eur(7950)).unwrap();
    assert_eq!(closed.difference, Some(eur(-50)));
    assert!(pos.drawer_status().unwrap().is_none());
}

#[test]
fn refunds_of_a_split_payment_take_only_the_cash_part_from_the_drawer() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    pos.open_drawer(eur(5000)).unwrap();
    let tote = offer_id(&pos, "Tour tote bag");
    // €30: €10 cash, €20 on the card.
    let sold = pos
        .sell(&SaleRequest {
            parts: vec![(TenderKind::Cash, eur(1000))],
            ..SaleRequest::new(
                pos.start_checkout().unwrap(),
                vec![(tote, 2)],
                TenderKind::Card,
            )
        })
        .unwrap();
    let one = |pos: &mut encore::service::Pos| {
        pos.with_pin("2468", |p, g| {
            p.refund(
                &RefundRequest {
                    receipt: sold.number.clone(),
                    lines: Some(vec![(tote, 1)]),
                    reason: "x".into(),
                },
                g,
            )
        })
        .unwrap()
    };
    // First bag: €10 cash + €5 card; second bag: all €15 on the card.
    assert_eq!(one(&mut pos).back_text(), "€10.00 cash + €5.00 by card");
    assert_eq!(one(&mut pos).back_text(), "€15.00 by card");
    let status = pos.drawer_status().unwrap().unwrap();
    assert_eq!(
        (status.cash_sales, status.cash_refunds),
        (eur(1000), eur(1000))
    );
    assert_eq!(status.expected, eur(5000));
}
