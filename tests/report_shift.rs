//! A station's shift is read through the sale's station and receipt number kept on each of its
//! rows: a sale marked as practice after it was written leaves every figure of the shift, and
//! comes back when the mark is taken off.

mod support;

use encore::domain::order::TenderKind;
use encore::domain::report::Report;
use support::{TestClock, TestDb, sell};

#[test]
fn a_sale_marked_as_practice_leaves_every_figure_of_the_shift_and_comes_back_unmarked() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let before = pos.x_report().unwrap();
    sell(&mut pos, &[("60-second shoutout", 2)], TenderKind::Cash);
    let both = pos.x_report().unwrap();
    let conn = db.conn();
    let mark = |training: i64| {
        conn.execute(
            "UPDATE orders SET training = ?1 WHERE receipt_seq = 2",
            [training],
        )
        .unwrap();
    };
    mark(1);
    let x = pos.x_report().unwrap();
    let figures = |r: &Report| {
        (
            r.gross,
            r.methods.clone(),
            r.vat.clone(),
            r.offers.clone(),
            r.queue,
            r.claims,
            r.shares.clone(),
        )
    };
    assert_eq!(figures(&x), figures(&before), "the practice sale is out");
    assert_eq!(x.receipts[0].missing, vec![(2, 2)]);
    mark(0);
    assert_eq!(figures(&pos.x_report().unwrap()), figures(&both));
}

#[test]
fn the_redeemed_units_a_report_counts_follow_every_redemption_hand_over_undo_and_refund() {
    use encore::service::RefundRequest;
    use support::AsCreator as _;
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    support::lift_fan_limit(&mut pos, "Signed tour poster");
    // What the redemptions themselves say: units redeemed and not undone, of real orders.
    let recount = || -> u32 {
        db.conn()
            .query_row(
                "SELECT COALESCE(sum(d.units), 0) FROM redemptions d JOIN claims c ON c.id = d.claim_id
                 JOIN orders o ON o.id = c.order_id WHERE d.undone_at IS NULL AND o.training = 0",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let check = |pos: &encore::service::Pos, want: u32| {
        let counted = pos.x_report().unwrap().claims.redeemed;
        assert_eq!((counted, recount()), (want, want));
    };
    let posters = sell(&mut pos, &[("Signed tour poster", 3)], TenderKind::Cash);
    let code = posters.claims[0].code.clone();
    check(&pos, 0);
    let first = pos.redeem_claim(&code, 2).unwrap();
    check(&pos, 2);
    pos.hand_over(first.id).unwrap();
    check(&pos, 2);
    let second = pos.redeem_claim(&code, 1).unwrap();
    check(&pos, 3);
    clock.advance_secs(3);
    pos.undo_redemption(second.id).unwrap();
    check(&pos, 2);
    // A held unit given back by a refund is redeemed no more.
    let gig = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Card);
    pos.redeem_claim(&gig.claims[0].code, 1).unwrap();
    check(&pos, 3);
    pos.with_pin(support::PIN, |p, g| {
        p.refund(
            &RefundRequest {
                receipt: gig.number.clone(),
                lines: None,
                reason: "changed their mind".into(),
            },
            g,
        )
    })
    .unwrap();
    check(&pos, 2);
}

/// A tally with its figures in one order, to compare two made in different orders.
fn sorted(mut t: encore::domain::report::Tally) -> encore::domain::report::Tally {
    t.methods.sort_by_key(|m| m.kind.name());
    t.shares.sort();
    t
}

const OFFERS: [&str; 4] = [
    "Tour tote bag",
    "Signed tour poster",
    "60-second shoutout",
    "5-minute meet & greet",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 8, ..Default::default() })]

    /// What each sale and refund added to its shift's tally is what the shift's raw orders,
    /// lines, tenders, refunds and shares add up to, over Z closes and refunds of sales of
    /// shifts closed already.
    #[test]
    fn every_shift_s_tally_is_what_its_raw_rows_add_up_to(
        steps in proptest::collection::vec((0..4usize, 1u32..3, 0..3usize, 0..5u8), 1..16),
    ) {
        use encore::service::{RefundRequest, SaleRequest};
        use support::AsCreator as _;
        let (db, clock) = (TestDb::new(), TestClock::new());
        let mut pos = db.demo_pos(&clock);
        let mut sold = Vec::new();
        for (offer, qty, tender, then) in steps {
            clock.advance_secs(61);
            let id = support::offer_id(&pos, OFFERS[offer]);
            let kind = [TenderKind::Card, TenderKind::Qr, TenderKind::Card][tender];
            let mut req = SaleRequest::new(pos.start_checkout().unwrap(), vec![(id, qty)], kind);
            if tender == 2 {
                req.tip = Some(encore::domain::money::Money::new(150, encore::domain::money::Currency::Eur));
                req.parts = vec![(TenderKind::Qr, encore::domain::money::Money::new(100, encore::domain::money::Currency::Eur))];
            }
            // A sold-out drop refuses the sale: that is a night too.
            let Ok(receipt) = pos.sell(&req) else { continue };
            sold.push((receipt.number.clone(), id));
            let refund = |lines: Option<Vec<(i64, u32)>>, receipt| RefundRequest {
                receipt,
                lines,
                reason: "test".into(),
            };
            // Refusals (nothing left to refund) are fine: the tally must not move then.
            let _ = match then {
                1 => pos.with_pin(support::PIN, |p, g| p.refund(&refund(Some(vec![(id, 1)]), receipt.number.clone()), g)).map(|_| ()),
                2 => pos.with_pin(support::PIN, |p, g| p.refund(&refund(None, sold[0].0.clone()), g)).map(|_| ()),
                3 => pos.with_pin(support::PIN, |p, g| p.close_z(None, g)).map(|_| ()),
                _ => Ok(()),
            };
        }
        let conn = db.conn();
        let shifts = encore::store::tally::shifts(&conn).unwrap();
        proptest::prop_assert!(!shifts.is_empty());
        for s in shifts {
            let kept = encore::store::tally::read(&conn, s.station, Some(s.after)).unwrap();
            let raw = encore::store::tally::recount(&conn, (s.event, s.station), (s.after, s.upto), s.currency).unwrap();
            proptest::prop_assert_eq!(sorted(kept), sorted(raw), "shift after {}", s.after);
        }
    }
}

/// The kept tally of every shift, as a recount from the raw rows finds it.
fn tallies_agree_with_recounts(db: &TestDb) -> usize {
    let conn = db.conn();
    let shifts = encore::store::tally::shifts(&conn).unwrap();
    for s in &shifts {
        let kept = encore::store::tally::read(&conn, s.station, Some(s.after)).unwrap();
        let raw = encore::store::tally::recount(
            &conn,
            (s.event, s.station),
            (s.after, s.upto),
            s.currency,
        )
        .unwrap();
        assert_eq!(sorted(kept), sorted(raw), "shift after {}", s.after);
    }
    shifts.len()
}

#[test]
fn a_stale_tally_is_written_anew_by_the_next_sale_and_a_rebuild_finds_every_shift_as_kept() {
    use support::AsCreator as _;
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Tour tote bag", 2)], TenderKind::Card);
    sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Qr);
    pos.with_pin(support::PIN, |p, g| p.close_z(None, g))
        .unwrap();
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let conn = db.conn();
    let stale = || -> i64 {
        conn.query_row(
            "SELECT count(*) FROM tallies WHERE figure = 'stale'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    // A sale of the closed shift marked as practice: that shift is stale until its station's
    // next write to it; the reports recount it meanwhile.
    conn.execute("UPDATE orders SET training = 1 WHERE receipt_seq = 2", [])
        .unwrap();
    assert_eq!(stale(), 1);
    assert_eq!(tallies_agree_with_recounts(&db), 2);
    assert_eq!(pos.event_report().unwrap().receipts[0].count, 2);
    // A refund of that shift's first sale writes its tally anew, from the raw rows.
    let refund = encore::service::RefundRequest {
        receipt: "K1-000001".parse().unwrap(),
        lines: None,
        reason: "test".into(),
    };
    pos.with_pin(support::PIN, |p, g| p.refund(&refund, g))
        .unwrap();
    assert_eq!(stale(), 0);
    tallies_agree_with_recounts(&db);
    // What the migration does: every shift added up from the raw rows, as kept.
    let table = || -> Vec<(String, String, i64, i64)> {
        conn.prepare("SELECT figure, key, a, after_receipt FROM tallies ORDER BY 4, 1, 2")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let kept = table();
    encore::store::tally::rebuild(&conn, &encore::store::keyfile::KeyFile::beside(&db.path))
        .unwrap();
    assert_eq!(kept, table());
}
