//! Exports of a whole event, read back with independent readers (the csv crate, calamine) and
//! checked against the database recomputed with plain SQL: totals, tips, refunds per method,
//! training sales left out, no contact hash, and no file left behind by a cancel.

mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use calamine::{Data, Reader, Xlsx, open_workbook};
use encore::domain::money::{Currency, Money};
use encore::domain::order::TenderKind;
use encore::service::export::{Finished, Format, Summary, Unwatched, Watch};
use encore::service::{Pos, RefundRequest, SaleRequest};
use support::{AsCreator as _, PIN, TestClock, TestDb, offer_id, sell};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::Eur)
}

/// A night with cash, card, a QR sale with a tip, a split, a partial refund of the split, a
/// redemption, a member's order, and one training order that must stay out of everything.
fn night(pos: &mut Pos) {
    sell(pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    sell(pos, &[("5-minute meet & greet", 1)], TenderKind::Card);
    let tote = offer_id(pos, "Tour tote bag");
    let tipped = SaleRequest {
        tip: Some(eur(250)),
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(tote, 1)],
            TenderKind::Qr,
        )
    };
    pos.sell(&tipped).unwrap();
    let split = SaleRequest {
        tendered: Some(eur(5000)),
        parts: vec![(TenderKind::Card, eur(1000))],
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(tote, 2)],
            TenderKind::Cash,
        )
    };
    let split = pos.sell(&split).unwrap();
    let refund = RefundRequest {
        receipt: split.number.clone(),
        lines: Some(vec![(tote, 1)]),
        reason: "torn, \"sorry\"".into(),
    };
    pos.with_pin(PIN, |p, g| p.refund(&refund, g)).unwrap();
    let poster = sell(pos, &[("Signed tour poster", 1)], TenderKind::Card);
    let held = pos.redeem_claim(&poster.claims[0].code, 1).unwrap();
    pos.hand_over(held.id).unwrap();
    pos.add_member("Ada, \"the\" fan", Some("ada@example.org"))
        .unwrap();
    // A practice sale, made in training mode: it stays out of every export.
    pos.with_pin(PIN, |p, g| p.set_training(true, g)).unwrap();
    sell(pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    pos.with_pin(PIN, |p, g| p.set_training(false, g)).unwrap();
}

/// The figures recomputed from the database with plain SQL (training orders left out).
struct Expected {
    orders: i64,
    gross: i64,
    tips: i64,
    refunded: i64,
    /// `(method, taken)`.
    taken: Vec<(String, i64)>,
    /// Refunded cash (the store keeps each refund's cash part).
    refunded_cash: i64,
}

fn expected(db: &TestDb) -> Expected {
    let conn = db.conn();
    let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT t.kind, sum(t.tendered_minor - t.change_minor) FROM tenders t
             JOIN orders o ON o.id = t.order_id WHERE o.training = 0 GROUP BY t.kind ORDER BY t.kind",
        )
        .unwrap();
    let taken = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    Expected {
        orders: one("SELECT count(*) FROM orders WHERE training = 0"),
        gross: one("SELECT sum(total_minor) FROM orders WHERE training = 0"),
        tips: one("SELECT sum(tip_minor) FROM orders WHERE training = 0"),
        refunded: one(
            "SELECT sum(r.amount_minor) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.training = 0",
        ),
        refunded_cash: one(
            "SELECT sum(r.cash_minor) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.training = 0",
        ),
        taken,
    }
}

fn export(pos: &mut Pos, format: Format, target: &Path) -> encore::service::export::Exported {
    let job = pos
        .with_pin(PIN, |p, g| p.export_job(format, Some(target), g))
        .unwrap();
    match job.run(&Unwatched).unwrap() {
        Finished::Done(exported) => *exported,
        Finished::Cancelled => panic!("not cancelled"),
    }
}

/// "12.50" → 1250, refusing anything but a plain decimal with two digits and a dot.
fn minor(text: &str) -> i64 {
    let (whole, cents) = text.split_once('.').unwrap_or_else(|| panic!("{text}"));
    assert_eq!(cents.len(), 2, "{text}");
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    let whole: i64 = whole.trim_start_matches('-').parse().unwrap();
    sign * (whole * 100 + cents.parse::<i64>().unwrap())
}

fn summary_value(rows: &[(String, String)], figure: &str) -> String {
    rows.iter()
        .find(|(f, _)| f == figure)
        .unwrap_or_else(|| panic!("no {figure} in the summary"))
        .1
        .clone()
}

fn check_summary(summary: &Summary, want: &Expected) {
    assert_eq!(summary.orders as i64, want.orders);
    assert_eq!(summary.gross.minor, want.gross);
    assert_eq!(summary.tips.minor, want.tips);
    assert_eq!(summary.refunded.minor, want.refunded);
    assert_eq!(summary.net.minor, want.gross - want.refunded);
    for (kind, taken) in &want.taken {
        let m = summary
            .methods
            .iter()
            .find(|m| m.method.name() == kind)
            .unwrap();
        assert_eq!(m.taken.minor, *taken, "{kind}");
    }
    let cash = summary
        .methods
        .iter()
        .find(|m| m.method == TenderKind::Cash)
        .unwrap();
    assert_eq!(cash.refunded.minor, want.refunded_cash);
    let refunded: i64 = summary.methods.iter().map(|m| m.refunded.minor).sum();
    assert_eq!(
        refunded, want.refunded,
        "every refund went back by some method"
    );
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// A money cell back to minor units: the number the spreadsheet holds, printed with two
/// decimals (as the cell's format shows it).
fn cell_minor(cell: &Data) -> i64 {
    match cell {
        Data::Float(f) => minor(&format!("{f:.2}")),
        Data::Int(n) => n * 100,
        other => panic!("not an amount: {other:?}"),
    }
}

#[test]
fn an_xlsx_export_reads_back_with_the_totals_the_database_has() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    night(&mut pos);
    let want = expected(&db);
    let path = db.dir.path().join("night.xlsx");
    let exported = export(&mut pos, Format::Xlsx, &path);
    check_summary(&exported.summary, &want);
    let fresh = pos.with_pin(PIN, |p, g| p.export_summary(g)).unwrap();
    assert_eq!(
        fresh, exported.summary,
        "the service's figures are the file's"
    );

    let book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Orders",
            "Lines",
            "Payments",
            "Refunds",
            "Redemptions",
            "Tickets",
            "Members"
        ]
    );
    let orders = sheet(&path, "Orders");
    assert_eq!(
        orders.len() as i64 - 1,
        want.orders,
        "training order left out"
    );
    let total = column(&orders, "total");
    let sum: i64 = orders[1..].iter().map(|r| cell_minor(&r[total])).sum();
    assert_eq!(sum, want.gross);
    let tip = column(&orders, "tip");
    let tips: i64 = orders[1..].iter().map(|r| cell_minor(&r[tip])).sum();
    assert_eq!(tips, want.tips);
    let zone = column(&orders, "time_zone");
    assert_eq!(orders[1][zone].to_string(), "Europe/Berlin");
    let (local, utc) = (column(&orders, "paid_local"), column(&orders, "paid_utc"));
    assert_eq!(orders[1][local].to_string(), "2026-11-21 21:00:00");
    assert_eq!(orders[1][utc].to_string(), "2026-11-21T20:00:00Z");

    let payments = sheet(&path, "Payments");
    let (method, amount) = (column(&payments, "method"), column(&payments, "amount"));
    for (kind, taken) in &want.taken {
        let sum: i64 = payments[1..]
            .iter()
            .filter(|r| r[method].to_string() == *kind)
            .map(|r| cell_minor(&r[amount]))
            .sum();
        assert_eq!(sum, *taken, "{kind}");
    }
    let refunds = sheet(&path, "Refunds");
    let cash = column(&refunds, "cash");
    let sum: i64 = refunds[1..].iter().map(|r| cell_minor(&r[cash])).sum();
    assert_eq!(sum, want.refunded_cash);

    let summary: Vec<(String, String)> = sheet(&path, "Summary")[1..]
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(summary_value(&summary, "orders"), want.orders.to_string());
    let gross: f64 = summary_value(&summary, "gross").parse().unwrap();
    assert_eq!(minor(&format!("{gross:.2}")), want.gross);

    let members = sheet(&path, "Members");
    assert!(members[0].iter().all(|c| *c != "fan_id"));
    assert_eq!(
        members[1][column(&members, "name")].to_string(),
        "Ada, \"the\" fan"
    );
    let fan_id: String = db
        .conn()
        .query_row("SELECT fan_id FROM members", [], |r| r.get(0))
        .unwrap();
    for name in book_sheets(&path) {
        for row in sheet(&path, &name) {
            assert!(
                row.iter().all(|c| !c.to_string().contains(&fan_id)),
                "{name}"
            );
        }
    }
    let redemptions = sheet(&path, "Redemptions");
    assert_eq!(redemptions.len(), 2);
    libreoffice_reads(&path);
}

fn book_sheets(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
}

/// When LibreOffice is installed, it must open the workbook and convert its first sheet.
fn libreoffice_reads(path: &Path) {
    let Ok(which) = std::process::Command::new("which")
        .arg("libreoffice")
        .output()
    else {
        return;
    };
    if !which.status.success() {
        // CI installs it (.ci/run): there a missing LibreOffice is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install libreoffice-calc-nogui"
        );
        eprintln!("libreoffice is not installed: the workbook was read by calamine only");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("libreoffice")
        // Comma-separated, quoted, UTF-8 (76), first sheet: the filter's options.
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
        ])
        .arg("--outdir")
        .arg(out.path())
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
    let mut summary = csv::Reader::from_path(out.path().join("night.csv")).unwrap();
    assert_eq!(
        summary.headers().unwrap(),
        vec!["figure", "value", "currency"]
    );
    let rows: Vec<csv::StringRecord> = summary.records().map(Result::unwrap).collect();
    let figure = |name: &str| {
        rows.iter()
            .find(|r| &r[0] == name)
            .map(|r| r[1].to_string())
    };
    // What LibreOffice read is what calamine read.
    let book = sheet(path, "Summary");
    let calamine = |name: &str| book.iter().find(|r| r[0] == name).map(|r| r[1].to_string());
    for name in ["event", "orders", "gross", "net", "cash_taken"] {
        let (lo, ca) = (figure(name), calamine(name));
        assert!(lo.is_some(), "{name} missing from LibreOffice's reading");
        let (lo, ca) = (lo.unwrap(), ca.unwrap());
        assert!(
            lo == ca || lo.parse::<f64>().ok() == ca.parse::<f64>().ok(),
            "{name}: {lo} vs {ca}"
        );
    }
}

fn read_csv(dir: &Path, table: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn a_csv_export_is_one_rfc4180_file_per_table_with_the_same_totals() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    night(&mut pos);
    let want = expected(&db);
    let dir = db.dir.path().join("night-csv");
    let exported = export(&mut pos, Format::Csv, &dir);
    check_summary(&exported.summary, &want);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "lines.csv",
            "members.csv",
            "orders.csv",
            "payments.csv",
            "redemptions.csv",
            "refunds.csv",
            "summary.csv",
            "tickets.csv"
        ]
    );
    assert_eq!(exported.files, 8);

    let (header, orders) = read_csv(&dir, "orders");
    assert_eq!(
        header[..8],
        [
            "receipt",
            "order_id",
            "station",
            "paid_local",
            "time_zone",
            "paid_utc",
            "total",
            "tip"
        ]
    );
    assert_eq!(orders.len() as i64, want.orders);
    let (total, currency) = (col(&header, "total"), col(&header, "currency"));
    assert_eq!(
        orders.iter().map(|r| minor(&r[total])).sum::<i64>(),
        want.gross
    );
    assert!(orders.iter().all(|r| r[currency] == "EUR"));
    assert_eq!(orders[0][total], "12.50", "a plain decimal with a dot");

    let (header, payments) = read_csv(&dir, "payments");
    let (method, amount) = (col(&header, "method"), col(&header, "amount"));
    for (kind, taken) in &want.taken {
        let sum: i64 = payments
            .iter()
            .filter(|r| r[method] == *kind)
            .map(|r| minor(&r[amount]))
            .sum();
        assert_eq!(sum, *taken, "{kind}");
    }
    let (header, refunds) = read_csv(&dir, "refunds");
    assert_eq!(refunds[0][col(&header, "reason")], "torn, \"sorry\"");
    let per_method: i64 = ["cash", "qr", "card", "credit"]
        .iter()
        .map(|m| {
            refunds
                .iter()
                .map(|r| minor(&r[col(&header, m)]))
                .sum::<i64>()
        })
        .sum();
    assert_eq!(per_method, want.refunded);

    // RFC 4180: CRLF line ends, quotes doubled inside a quoted field; UTF-8 without a BOM.
    let raw = std::fs::read(dir.join("members.csv")).unwrap();
    let text = String::from_utf8(raw).unwrap();
    assert!(text.starts_with("member,name,credit,currency,"), "{text}");
    assert!(
        text.contains("\r\n") && text.contains("\"Ada, \"\"the\"\" fan\""),
        "{text}"
    );
    assert!(!text.contains("fan_id"));

    let summary = read_csv(&dir, "summary").1;
    let figures: Vec<(String, String)> = summary
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(minor(&summary_value(&figures, "tips")), want.tips);
    assert_eq!(
        minor(&summary_value(&figures, "card_taken")),
        want_taken(&want, "card")
    );
}

fn want_taken(want: &Expected, kind: &str) -> i64 {
    want.taken
        .iter()
        .find(|(k, _)| k == kind)
        .map_or(0, |(_, m)| *m)
}

/// Cancels once `after` progress reports have come.
struct CancelAfter {
    seen: std::sync::atomic::AtomicU32,
    after: u32,
    cancelled: AtomicBool,
}

impl Watch for CancelAfter {
    fn progress(&self, _done: u64, _total: u64, _what: &str) {
        if self.seen.fetch_add(1, Ordering::SeqCst) + 1 >= self.after {
            self.cancelled.store(true, Ordering::SeqCst);
        }
    }
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".encore-export")
        })
        .collect()
}

#[test]
fn a_cancelled_export_leaves_no_file_and_no_temp_file() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    night(&mut pos);
    for format in [Format::Xlsx, Format::Csv, Format::Pdf] {
        let target = db.dir.path().join(format!("cancelled-{format:?}"));
        let job = pos
            .with_pin(PIN, |p, g| p.export_job(format, Some(&target), g))
            .unwrap();
        let watch = CancelAfter {
            seen: Default::default(),
            after: 2,
            cancelled: AtomicBool::new(false),
        };
        assert!(
            matches!(job.run(&watch).unwrap(), Finished::Cancelled),
            "{format:?}"
        );
        assert!(!target.exists(), "{format:?}");
        assert_eq!(
            leftovers(db.dir.path()),
            Vec::<PathBuf>::new(),
            "{format:?}"
        );
    }
}

#[test]
fn all_receipts_as_pdfs_one_file_per_receipt_training_left_out() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    night(&mut pos);
    let want = expected(&db);
    let dir = db.dir.path().join("receipts-pdf");
    let exported = export(&mut pos, Format::Pdf, &dir);
    assert_eq!(exported.files as i64, want.orders);
    let training: String = db
        .conn()
        .query_row(
            "SELECT s.code || '-' || printf('%06d', o.receipt_seq) FROM orders o
             JOIN stations s ON s.id = o.station_id WHERE o.training = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for seq in 1..=want.orders as u32 + 1 {
        let file = dir.join(format!("K1-{seq:06}.pdf"));
        assert_eq!(
            file.exists(),
            seq <= want.orders as u32,
            "{}",
            file.display()
        );
    }
    assert!(!dir.join(format!("{training}.pdf")).exists(), "{training}");
    let first = std::fs::read(dir.join("K1-000001.pdf")).unwrap();
    assert!(first.starts_with(b"%PDF"));
}

#[test]
fn an_export_never_replaces_a_file_and_needs_the_creator_pin() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    let there = db.dir.path().join("there.xlsx");
    std::fs::write(&there, b"keep me").unwrap();
    let err = pos
        .with_pin(PIN, |p, g| p.export_job(Format::Xlsx, Some(&there), g))
        .unwrap_err();
    assert!(
        err.to_string().contains("there.xlsx: it exists already"),
        "{err}"
    );
    assert_eq!(std::fs::read(&there).unwrap(), b"keep me");
    let err = pos
        .with_pin("1111", |p, g| p.export_job(Format::Xlsx, None, g))
        .unwrap_err();
    assert!(err.to_string().starts_with("wrong creator PIN"), "{err}");
    // Without a path: a new name in `exports` beside the database, twice in one second too.
    let first = export_default(&mut pos);
    let second = export_default(&mut pos);
    assert_eq!(first.parent().unwrap(), db.dir.path().join("exports"));
    assert_ne!(first, second);
    assert!(first.exists() && second.exists());
}

fn export_default(pos: &mut Pos) -> PathBuf {
    let job = pos
        .with_pin(PIN, |p, g| p.export_job(Format::Xlsx, None, g))
        .unwrap();
    let target = job.target.clone();
    assert!(matches!(job.run(&Unwatched).unwrap(), Finished::Done(_)));
    target
}

#[test]
fn encore_export_writes_the_workbook_and_answers_with_its_figures() {
    let db = TestDb::new();
    let clock = TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    night(&mut pos);
    drop(pos);
    let want = expected(&db);
    let path = db.dir.path().join("cli.xlsx");
    let out = support::encore_in(
        &db.path,
        &[
            "export",
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
            "--pin-stdin",
            "--json",
        ],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "no progress bar off a terminal: {out:?}"
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["path"], path.to_str().unwrap());
    assert_eq!(answer["summary"]["orders"], want.orders);
    assert_eq!(answer["summary"]["gross"]["minor"], want.gross);
    assert_eq!(book_sheets(&path).len(), 8);
    // The same target again: refused, the file kept.
    let again = support::encore_in(
        &db.path,
        &[
            "export",
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
            "--pin-stdin",
        ],
        &format!("{PIN}\n"),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

/// The workbook, read back by calamine, adds up to what the event report says: sales, tips,
/// refunds and every method's money in and out.
#[test]
fn the_workbook_adds_up_to_the_event_report() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    night(&mut pos);
    let path = db.dir.path().join("night.xlsx");
    let exported = export(&mut pos, Format::Xlsx, &path);
    let report = pos.event_report().unwrap();
    let s = &exported.summary;
    assert_eq!(s.gross, report.gross);
    assert_eq!(s.tips, report.tips);
    assert_eq!(s.refunded, report.refunded);
    assert_eq!(s.net, report.net_sales);
    for m in &report.methods {
        let e = s.methods.iter().find(|e| e.method == m.kind).unwrap();
        assert_eq!((e.taken, e.refunded), (m.taken, m.refunded), "{:?}", m.kind);
    }
    let orders = sheet(&path, "Orders");
    let total = column(&orders, "total");
    let sum: i64 = orders[1..].iter().map(|r| cell_minor(&r[total])).sum();
    assert_eq!(
        sum, report.gross.minor,
        "the orders sheet's totals are the report's sales"
    );
    let receipts: u32 = report.receipts.iter().map(|r| r.count).sum();
    assert_eq!(orders.len() - 1, receipts as usize);
}
