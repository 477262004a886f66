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
