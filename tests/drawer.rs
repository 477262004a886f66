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

/// Every session's cash figures summed again from the rows, as the reports define them: cash
/// legs of the station's real orders paid in the session's span, the station's cash refunds of
/// real orders in the span, and the moves.
fn recounted(db: &TestDb) -> Vec<(i64, [i64; 4])> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare(
            "SELECT d.id,
               (SELECT COALESCE(sum(t.tendered_minor - t.change_minor), 0)
                  FROM tenders t JOIN orders o ON o.id = t.order_id
                 WHERE t.kind = 'cash' AND o.station_id = d.station_id AND o.training = 0
                   AND o.paid_at >= d.opened_at AND o.paid_at <= COALESCE(d.closed_at, 1 << 62)),
               (SELECT COALESCE(sum(r.cash_minor), 0) FROM refunds r JOIN orders o ON o.id = r.order_id
                 WHERE r.station_id = d.station_id AND o.training = 0
                   AND r.refunded_at >= d.opened_at AND r.refunded_at <= COALESCE(d.closed_at, 1 << 62)),
               (SELECT COALESCE(sum(max(amount_minor, 0)), 0) FROM drawer_moves WHERE session_id = d.id),
               (SELECT COALESCE(sum(max(-amount_minor, 0)), 0) FROM drawer_moves WHERE session_id = d.id)
             FROM drawer_sessions d ORDER BY d.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The running totals each session keeps.
fn kept(db: &TestDb) -> Vec<(i64, [i64; 4])> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare(
            "SELECT id, cash_sales_minor, cash_refunds_minor, moves_in_minor, moves_out_minor
             FROM drawer_sessions ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The open drawer's status as the kiosk shows it, against the recount.
fn assert_status_is_recounted(db: &TestDb, pos: &encore::service::Pos) {
    assert_eq!(kept(db), recounted(db), "running totals against the rows");
    let open = pos.drawer_status().unwrap().unwrap();
    let (_, [sales, refunds, moves_in, moves_out]) = *recounted(db).last().unwrap();
    assert_eq!(
        (
            open.cash_sales.minor,
            open.cash_refunds.minor,
            open.moves.minor
        ),
        (sales, refunds, moves_in - moves_out)
    );
}

#[test]
fn the_drawer_running_totals_equal_the_recounted_sums_through_sales_refunds_moves_and_a_restore() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let poster = offer_id(&pos, "Signed tour poster");
    let sale = |pos: &mut encore::service::Pos, tender, tendered| {
        let req = SaleRequest {
            tendered,
            ..SaleRequest::new(pos.start_checkout().unwrap(), vec![(poster, 2)], tender)
        };
        pos.sell(&req).unwrap()
    };
    // A sale before the drawer opens is not in it.
    sale(&mut pos, TenderKind::Cash, Some(eur(5000)));
    clock.advance_secs(60);
    pos.open_drawer(eur(10_000)).unwrap();
    let cash = sale(&mut pos, TenderKind::Cash, Some(eur(5000)));
    sale(&mut pos, TenderKind::Card, None);
    pos.drawer_move(eur(-3000), "to the safe").unwrap();
    pos.drawer_move(eur(700), "coins").unwrap();
    let refund = RefundRequest {
        receipt: cash.number.clone(),
        lines: Some(vec![(poster, 1)]),
        reason: "torn".into(),
    };
    pos.with_pin("2468", |p, g| p.refund(&refund, g)).unwrap();
    assert_status_is_recounted(&db, &pos);
    let before = pos.drawer_status().unwrap().unwrap().expected;
    let saved = db.dir.path().join("saved.db");
    pos.backup_now(Some(&saved)).unwrap();
    clock.advance_secs(60);
    sale(&mut pos, TenderKind::Cash, Some(eur(2500)));
    assert_status_is_recounted(&db, &pos);
    drop(pos);
    encore::service::restore_file(&db.path, &saved, clock.now()).unwrap();
    let mut pos = db.demo_pos(&clock);
    assert_eq!(pos.drawer_status().unwrap().unwrap().expected, before);
    assert_status_is_recounted(&db, &pos);
    clock.advance_secs(60);
    sale(&mut pos, TenderKind::Cash, Some(eur(2500)));
    pos.drawer_move(eur(-100), "float for K2").unwrap();
    assert_status_is_recounted(&db, &pos);
    pos.close_drawer(eur(1)).unwrap();
    clock.advance_secs(60);
    // A sale after the close goes to the next session only.
    sale(&mut pos, TenderKind::Cash, Some(eur(2500)));
    pos.open_drawer(eur(2000)).unwrap();
    sale(&mut pos, TenderKind::Cash, Some(eur(2500)));
    assert_status_is_recounted(&db, &pos);
    assert_eq!(kept(&db).len(), 2);
}
