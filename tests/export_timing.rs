//! How long an export of a long night takes (ignored by default: it makes 100 000 orders).

mod support;

use encore::domain::order::TenderKind;
use encore::service::export::{Finished, Format, Unwatched};
use support::{AsCreator as _, PIN, TestClock, TestDb, sell};

/// Copies the first order `n` times straight into the file, with its lines and payments.
fn many_orders(db: &TestDb, n: u32) {
    db.conn()
        .execute_batch(&format!(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
             INSERT INTO orders (id, event_id, station_id, receipt_seq, payment_ref, total_minor,
                                 tip_minor, currency, paid_at, vat_mode, fee_minor)
             SELECT 'bulk-' || i, o.event_id, o.station_id, 1000 + i, 'bulk-' || i, o.total_minor,
                    0, o.currency, o.paid_at + i, o.vat_mode, 0
             FROM k, (SELECT * FROM orders ORDER BY rowid LIMIT 1) o;
             INSERT INTO order_lines (order_id, line_no, offer_id, title, unit_price_minor, vat_bp, qty)
             SELECT o.id, l.line_no, l.offer_id, l.title, l.unit_price_minor, l.vat_bp, l.qty
             FROM orders o, (SELECT * FROM order_lines ORDER BY rowid LIMIT 1) l
             WHERE o.id LIKE 'bulk-%';
             INSERT INTO tenders (order_id, kind, tendered_minor, change_minor)
             SELECT id, 'cash', total_minor, 0 FROM orders WHERE id LIKE 'bulk-%';"
        ))
        .unwrap();
}

/// Measures an export of a long night (`EXPORT_ORDERS`, default 100 000 orders):
/// `cargo test --release --test export_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_of_a_long_night() {
    let n: u32 = std::env::var("EXPORT_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    many_orders(&db, n);
    for (format, name) in [(Format::Xlsx, "long.xlsx"), (Format::Csv, "long-csv")] {
        let target = db.dir.path().join(name);
        let started = std::time::Instant::now();
        let job = pos
            .with_pin(PIN, |p, g| p.export_job(format, Some(&target), g))
            .unwrap();
        let Finished::Done(exported) = job.run(&Unwatched).unwrap() else {
            panic!("not cancelled")
        };
        let ms = started.elapsed().as_millis();
        assert_eq!(exported.summary.orders, u64::from(n) + 1);
        eprintln!(
            "{format:?}: {} orders in {ms} ms, {} file(s), {} bytes",
            exported.summary.orders, exported.files, exported.bytes
        );
    }
}
