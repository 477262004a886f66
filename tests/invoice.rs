//! A4 invoices and refund receipts: the first print of an invoice is the original and every
//! later one says COPY; the buyer is checked before anything is written; a refund receipt comes
//! at 80 mm and at A4; every PDF passes qpdf and reads back with pdftotext where installed.

mod support;

use std::process::Command;

use encore::domain::order::{ReceiptNo, TenderKind};
use encore::pdf::{invoice_pdf, refund_a4_pdf, refund_pdf};
use encore::service::{PosError, RefundRequest};
use support::{AsCreator, PIN, TestClock, TestDb, sell};

fn tools() -> bool {
    let tool = |n: &str| Command::new(n).arg("-v").output().is_ok();
    if tool("qpdf") && tool("pdftotext") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install qpdf and poppler-utils"
    );
    eprintln!("skipped: qpdf/poppler-utils not installed");
    false
}

/// `qpdf --check`, then the text as pdftotext lays it out.
fn checked_text(db: &TestDb, name: &str, bytes: &[u8]) -> String {
    let path = db.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Page count and the first page's size in points.
fn pages(bytes: &[u8]) -> (usize, Vec<f32>) {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages = doc.get_pages();
    let first = doc.get_object(pages[&1]).unwrap().as_dict().unwrap();
    let media = first.get(b"MediaBox").unwrap().as_array().unwrap();
    let num = |o: &lopdf::Object| match o {
        lopdf::Object::Real(f) => *f,
        lopdf::Object::Integer(i) => *i as f32,
        _ => f32::NAN,
    };
    (pages.len(), media.iter().map(num).collect())
}

fn audited(db: &TestDb, action: &str) -> i64 {
    db.conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = ?1",
            [action],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn an_invoice_is_issued_once_and_every_later_print_says_copy() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sold = sell(
        &mut pos,
        &[("Signed tour poster", 2), ("Signed postcard", 1)],
        TenderKind::Card,
    );
    let address = "Hafenstraße 1\n20457 Hamburg";
    let first = pos
        .invoice(&sold.number, Some(("Ada Lovelace GmbH", address)))
        .unwrap();
    assert!(!first.copy);
    clock.advance_secs(3600);
    let again = pos.invoice(&sold.number, None).unwrap();
    assert!(again.copy);
    assert_eq!(again.buyer, first.buyer);
    assert_eq!(again.issued_at, first.issued_at, "issued once");
    let other = pos
        .invoice(&sold.number, Some(("Someone Else", "")))
        .unwrap_err();
    assert!(
        matches!(&other, PosError::Invalid(f) if f.field == "buyer name"),
        "{other:?}"
    );
    assert_eq!(
        (audited(&db, "invoice"), audited(&db, "invoice.copy")),
        (1, 1)
    );
    let original = invoice_pdf(&first).unwrap();
    let copy = invoice_pdf(&again).unwrap();
    eprintln!(
        "invoice PDF: {} bytes, copy {} bytes",
        original.len(),
        copy.len()
    );
    let (n, media) = pages(&original);
    assert_eq!(n, 1);
    assert!(
        (media[2] - 595.3).abs() < 1.0 && (media[3] - 841.9).abs() < 1.0,
        "A4: {media:?}"
    );
    if !tools() {
        return;
    }
    let text = checked_text(&db, "i.pdf", &original);
    for needle in [
        "INVOICE",
        "No. K1-000001",
        "Mara Vey",
        "Ada Lovelace GmbH",
        "Hafenstraße 1",
        "20457 Hamburg",
        "Invoice date",
        "2026-11-21 21:00 CET",
        "Signed tour poster",
        "Net",
        "Gross",
        "19%",
        "7%",
        "by Card",
        &sold.payment_ref,
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("COPY"), "{text}");
    let copy_text = checked_text(&db, "c.pdf", &copy);
    assert!(copy_text.contains("COPY"), "{copy_text}");
    assert!(
        copy_text.contains("first issued 2026-11-21 21:00 CET"),
        "{copy_text}"
    );
}

#[test]
fn a_long_invoice_flows_onto_a_second_page() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sold = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    let mut inv = pos
        .invoice(&sold.number, Some(("Ada", "Street 1")))
        .unwrap();
    let line = inv.receipt.lines[0].clone();
    inv.receipt.lines = (0..80).map(|_| line.clone()).collect();
    let bytes = invoice_pdf(&inv).unwrap();
    let (n, _) = pages(&bytes);
    assert!(n >= 2, "{n} page(s)");
    if tools() {
        let text = checked_text(&db, "long.pdf", &bytes);
        assert_eq!(text.matches("Signed postcard").count(), 80);
    }
}

#[test]
fn a_bad_buyer_or_a_missing_one_is_refused_and_nothing_is_written() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sold = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    let refused = |r: Result<_, PosError>| match r {
        Err(PosError::Invalid(f)) => f.field.to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(refused(pos.invoice(&sold.number, None)), "buyer name");
    assert_eq!(
        refused(pos.invoice(&sold.number, Some(("", "x")))),
        "buyer name"
    );
    assert_eq!(
        refused(pos.invoice(&sold.number, Some(("Ada", "a\u{1b}[2Jb")))),
        "buyer address"
    );
    let none: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(none, 0);
    let missing = pos.invoice(
        &"K1-000099".parse::<ReceiptNo>().unwrap(),
        Some(("Ada", "")),
    );
    assert!(matches!(missing, Err(PosError::NoReceipt(_))));
}

#[test]
fn a_training_sale_gets_no_invoice() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    let practice = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    let e = pos
        .invoice(&practice.number, Some(("Ada", "")))
        .unwrap_err();
    assert!(
        matches!(&e, PosError::Refused(w) if w.contains("training")),
        "{e:?}"
    );
}

#[test]
fn a_refund_receipt_comes_at_80_mm_and_at_a4() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sold = sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Cash);
    let req = RefundRequest {
        receipt: sold.number.clone(),
        lines: None,
        reason: "wrong size".into(),
    };
    let done = pos
        .with_pin(PIN, |pos, grant| pos.refund(&req, grant))
        .unwrap();
    let event = pos.event().clone();
    let small = refund_pdf(&done, &event.name, &event.venue, &event.time_zone).unwrap();
    let a4 = refund_a4_pdf(&done, &event.name, &event.venue, &event.time_zone).unwrap();
    eprintln!(
        "refund PDF: 80 mm {} bytes, A4 {} bytes",
        small.len(),
        a4.len()
    );
    let (_, media) = pages(&a4);
    assert!(
        (media[2] - 595.3).abs() < 1.0 && (media[3] - 841.9).abs() < 1.0,
        "A4: {media:?}"
    );
    let (_, media) = pages(&small);
    assert!((media[2] - 226.8).abs() < 1.0, "80 mm: {media:?}");
    if !tools() {
        return;
    }
    for (name, bytes) in [("r80.pdf", &small), ("ra4.pdf", &a4)] {
        let text = checked_text(&db, name, bytes);
        for needle in [
            "REFUND",
            "Refund K1-R000001",
            "for K1-000001",
            "€15.00",
            "Cash back",
            "wrong size",
        ] {
            assert!(
                text.contains(needle),
                "{name}: missing {needle:?} in:\n{text}"
            );
        }
    }
}
