//! Exports from the kiosk's Receipts screen: behind the creator PIN, on the worker, with a
//! progress bar and a Cancel button that leaves no file behind.

mod support;

use egui_kittest::kittest::Queryable as _;
use encore::domain::order::TenderKind;
use support::{TestClock, TestDb, kiosk_harness, run_jobs, sell, type_into};

type H = egui_kittest::Harness<'static, encore::ui::Kiosk>;

fn files_in(dir: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn to_receipts(h: &mut H) {
    h.get_by_label("Receipts").click();
    h.run();
    h.get_by_label("Export the whole event").click();
    h.run();
}

/// Copies the first order `n` times straight into the file (lines and payments too), so an
/// export runs long enough to be watched and cancelled.
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

#[test]
fn the_creator_exports_a_workbook_from_the_receipts_screen() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    to_receipts(&mut h);
    let exports = db.dir.path().join("exports");
    type_into(&mut h, "Creator PIN (export)", support::PIN);
    h.get_by_label("Spreadsheet (XLSX)").click();
    h.step();
    assert!(h.state().busy(), "the export runs on the worker");
    run_jobs(&mut h);
    let notice = h.state().notice().unwrap().to_string();
    assert!(notice.starts_with("Exported 2 orders to "), "{notice}");
    let files = files_in(&exports);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with(".xlsx"), "{files:?}");
    assert!(notice.contains(&files[0]), "{notice}");
    use calamine::Reader as _;
    let book: calamine::Xlsx<_> = calamine::open_workbook(exports.join(&files[0])).unwrap();
    assert_eq!(book.sheet_names()[0], "Summary");
    assert!(h.query_by_label("Open export").is_some());

    // A wrong PIN: refused, nothing more written.
    type_into(&mut h, "Creator PIN (export)", "1111");
    h.get_by_label("CSV files").click();
    h.run();
    let notice = h.state().notice().unwrap().to_string();
    assert!(notice.starts_with("wrong creator PIN"), "{notice}");
    assert_eq!(files_in(&exports).len(), 1);
}

#[test]
fn cancelling_an_export_shows_progress_then_leaves_no_file() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    many_orders(&db, 400);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    to_receipts(&mut h);
    type_into(&mut h, "Creator PIN (export)", support::PIN);
    h.get_by_label("All receipts as PDFs").click();
    h.step();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    // The bar moves as receipts are written.
    while h.state().progress().is_none_or(|(f, _)| f <= 0.0) {
        assert!(std::time::Instant::now() < deadline, "no progress shown");
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.step();
    }
    let (fraction, text) = h.state().progress().unwrap();
    assert!(
        fraction < 1.0 && text.starts_with("receipts · "),
        "{fraction} {text}"
    );
    h.get_by_label("Cancel export").click();
    run_jobs(&mut h);
    assert_eq!(
        h.state().notice(),
        Some("Export cancelled: nothing was written")
    );
    let exports = db.dir.path().join("exports");
    assert_eq!(
        files_in(&exports),
        Vec::<String>::new(),
        "no file, no temp folder"
    );
    assert!(h.query_by_label("Cancel export").is_none());
    assert!(h.query_by_label("All receipts as PDFs").is_some());
}
