//! Finding a receipt from one query: by number, payment reference, terminal reference, amount,
//! offer title and local time; newest first, capped, the rest counted; fast over 20,000.

mod support;

use std::time::Instant;

use encore::domain::order::TenderKind;
use encore::domain::search::SEARCH_LIMIT;
use encore::service::{PosError, SaleRequest};
use support::{TestClock, TestDb, offer_id, sell};

fn numbers(found: &encore::domain::search::Found) -> Vec<String> {
    found.orders.iter().map(|o| o.number.to_string()).collect()
}

#[test]
fn one_box_finds_by_number_reference_amount_title_and_time() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    // 21:00 Berlin: a postcard (€3.00).
    let postcard = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    clock.advance_secs(4 * 60);
    // 21:04: a poster (€12.50), by card with a terminal reference.
    let checkout = pos.start_checkout().unwrap();
    let mut req = SaleRequest::new(
        checkout,
        vec![(offer_id(&pos, "Signed tour poster"), 1)],
        TenderKind::Card,
    );
    req.terminal_ref = Some("tx-88812".into());
    let poster = pos.sell(&req).unwrap();
    clock.advance_secs(40 * 60);
    // 21:44: a tote (€15.00).
    let tote = sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Qr);

    let find = |q: &str| numbers(&pos.search_receipts(q).unwrap());
    assert_eq!(find("K1-000002"), ["K1-000002"]);
    assert_eq!(find("k1-2"), ["K1-000002"]);
    assert_eq!(find("2"), ["K1-000002"], "receipt 2 (no total is 2.00)");
    assert_eq!(find(&poster.payment_ref), ["K1-000002"]);
    assert_eq!(
        find(&poster.payment_ref[4..].to_lowercase()),
        ["K1-000002"],
        "without ENC-"
    );
    assert_eq!(find("tx-88812"), ["K1-000002"], "the terminal reference");
    assert_eq!(find("12.50"), ["K1-000002"]);
    assert_eq!(find("12,50"), ["K1-000002"]);
    assert_eq!(find("15"), ["K1-000003"], "15.00");
    assert_eq!(find("tour"), ["K1-000003", "K1-000002"], "newest first");
    assert_eq!(find("POSTCARD"), [postcard.number.to_string()]);
    assert_eq!(find("21:04"), ["K1-000002"]);
    assert_eq!(find("21:00-21:30"), ["K1-000002", "K1-000001"]);
    assert_eq!(find("21:30-23:59"), [tote.number.to_string()]);
    assert!(find("22:15").is_empty());
    assert!(find("nothing like this").is_empty());
    let e = pos.search_receipts("  ").unwrap_err();
    assert!(
        matches!(&e, PosError::Invalid(f) if f.field == "search"),
        "{e:?}"
    );
}

/// Writes `n` more orders like the first one in one transaction, two seconds apart and with
/// totals from €1.00 to €50.99, as fast as SQLite can.
fn bulk_orders(db: &TestDb, first: &str, n: u32) {
    let mut conn = db.conn();
    let tx = conn.transaction().unwrap();
    let numbers =
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})");
    tx.execute(
        &format!(
            "{numbers} INSERT INTO orders (id, event_id, station_id, receipt_seq, payment_ref,
                 total_minor, tip_minor, currency, paid_at, vat_mode, fee_minor)
             SELECT 'bulk-' || i, o.event_id, o.station_id, o.receipt_seq + i, 'BULK-' || i,
                 100 + i % 5000, 0, o.currency, o.paid_at + 2 * i, o.vat_mode, 0
             FROM n, orders o WHERE o.id = ?1"
        ),
        [first],
    )
    .unwrap();
    tx.execute(
        &format!(
            "{numbers} INSERT INTO order_lines (order_id, line_no, offer_id, title, unit_price_minor, vat_bp, qty)
             SELECT 'bulk-' || i, l.line_no, l.offer_id, l.title, 100 + i % 5000, l.vat_bp, 1
             FROM n, order_lines l WHERE l.order_id = ?1"
        ),
        [first],
    )
    .unwrap();
    tx.execute(
        &format!(
            "{numbers} INSERT INTO tenders (order_id, kind, tendered_minor, change_minor)
             SELECT 'bulk-' || i, 'cash', 100 + i % 5000, 0 FROM n"
        ),
        [],
    )
    .unwrap();
    tx.execute(
        "UPDATE stations SET next_receipt = next_receipt + ?1 WHERE code = 'K1'",
        [n],
    )
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_search_over_twenty_thousand_receipts_is_capped_counted_and_fast() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let first = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    let order_id: String = db
        .conn()
        .query_row("SELECT id FROM orders", [], |r| r.get(0))
        .unwrap();
    bulk_orders(&db, &order_id, 20_000);
    assert_eq!(first.number.seq, 1);
    let queries = [
        "K1-012345",
        "12345",
        "BULK-777",
        "12.34",
        "postcard",
        "21:30-22:30",
        "no such thing",
    ];
    let mut slowest = 0.0f64;
    for q in queries {
        // Five runs: the median is the figure, the first pays for preparing the statement.
        let mut times = Vec::new();
        let mut found = pos.search_receipts(q).unwrap();
        for _ in 0..5 {
            let start = Instant::now();
            found = pos.search_receipts(q).unwrap();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let ms = times[2];
        slowest = slowest.max(ms);
        eprintln!(
            "search {q:>14}: {:>5} found, {:>3} listed, median {ms:.2} ms, max {:.2} ms",
            found.total,
            found.orders.len(),
            times[4]
        );
        if q == "postcard" {
            assert_eq!(found.total, 20_001);
            assert_eq!(found.orders.len() as u32, SEARCH_LIMIT);
            assert_eq!(found.more(), 20_001 - u64::from(SEARCH_LIMIT));
            let newest = &found.orders[0];
            assert_eq!(newest.number.seq, 20_001, "newest first");
            assert!(
                found
                    .orders
                    .windows(2)
                    .all(|w| w[0].paid_at >= w[1].paid_at)
            );
        }
        if q == "K1-012345" {
            assert_eq!(numbers(&found), ["K1-012345"]);
        }
        if q == "21:30-22:30" {
            // Orders every 2 s from 21:00: 21:30:00 to 22:30:59 holds 1830 of them.
            assert_eq!(found.total, 1830);
        }
    }
    // Generous for a debug build on a shared machine; the figure is printed above.
    assert!(
        slowest < 1500.0,
        "slowest median search took {slowest:.1} ms"
    );
}
