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
