//! Training mode: a station sells for practice. Its sales take no stock and no holds, use none
//! of the station's receipt numbers, issue no claim code and no queue ticket, say TRAINING on
//! every receipt, and stay out of every figure. Turning it on or off takes the creator PIN and
//! is audited.

mod support;

use std::process::Command;

use encore::domain::order::TenderKind;
use encore::pdf::receipt_pdf;
use encore::service::{PosError, RefundRequest, SaleRequest};
use support::{AsCreator, PIN, TestClock, TestDb, offer_id, remaining, sell};

fn count(db: &TestDb, sql: &str) -> i64 {
    db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn training_takes_the_creator_pin_and_the_audit_log_records_it() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    assert!(!pos.training().unwrap());
    let wrong = pos.with_pin("000000", |pos, grant| pos.set_training(true, grant));
    assert!(matches!(wrong, Err(PosError::Pin(_))), "{wrong:?}");
    assert!(!pos.training().unwrap());
    assert!(
        pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
            .unwrap()
    );
    assert!(pos.training().unwrap());
    assert!(
        !pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
            .unwrap(),
        "already on"
    );
    pos.with_pin(PIN, |pos, grant| pos.set_training(false, grant))
        .unwrap();
    assert!(!pos.training().unwrap());
    let on = count(
        &db,
        "SELECT count(*) FROM audit_log WHERE action = 'training.on' AND subject = 'K1'",
    );
    let off = count(
        &db,
        "SELECT count(*) FROM audit_log WHERE action = 'training.off' AND subject = 'K1'",
    );
    assert_eq!((on, off), (1, 1));
}

#[test]
fn a_training_sale_takes_no_stock_no_receipt_number_no_claim_and_no_ticket() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let first = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    assert_eq!(first.number.to_string(), "K1-000001");
    let poster = remaining(&pos, "Signed tour poster");
    let greet = remaining(&pos, "5-minute meet & greet");
    let (claims, tickets) = (
        count(&db, "SELECT count(*) FROM claims"),
        count(&db, "SELECT count(*) FROM tickets"),
    );
    let waiting: usize = pos.queue().unwrap().iter().map(|l| l.waiting.len()).sum();
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    // A QR payment holds nothing while the fan pays.
    let checkout = pos.start_checkout().unwrap();
    let items = vec![
        (offer_id(&pos, "Signed tour poster"), 2),
        (offer_id(&pos, "5-minute meet & greet"), 1),
    ];
    pos.hold(&checkout, &items).unwrap();
    assert_eq!(remaining(&pos, "Signed tour poster"), poster, "no hold");
    let practice = pos
        .sell(&SaleRequest::new(checkout, items, TenderKind::Qr))
        .unwrap();
    assert!(practice.training);
    assert_eq!(practice.number.to_string(), "T1-000001");
    assert!(practice.claims.is_empty() && practice.tickets.is_empty());
    assert_eq!(remaining(&pos, "Signed tour poster"), poster);
    assert_eq!(remaining(&pos, "5-minute meet & greet"), greet);
    assert_eq!(
        count(&db, "SELECT count(*) FROM claims"),
        claims,
        "no claim code"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM tickets"),
        tickets,
        "no ticket"
    );
    let after: usize = pos.queue().unwrap().iter().map(|l| l.waiting.len()).sum();
    assert_eq!(after, waiting, "the queue shows nothing new");
    assert_eq!(pos.receipt(&practice.number).unwrap(), practice);
    assert_eq!(
        pos.stations().unwrap(),
        vec!["K1".to_string()],
        "T1 is no seat"
    );
    pos.with_pin(PIN, |pos, grant| pos.set_training(false, grant))
        .unwrap();
    let next = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    assert_eq!(next.number.to_string(), "K1-000002", "gap-free");
    assert!(!next.training);
}

#[test]
fn no_claim_code_of_a_training_station_is_redeemable() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    let practice = sell(&mut pos, &[("60-second shoutout", 3)], TenderKind::Cash);
    assert!(practice.claims.is_empty(), "no codes to redeem");
    let issued: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM claims c JOIN orders o ON o.id = c.order_id WHERE o.training = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(issued, 0);
    let serial: i64 = db
        .conn()
        .query_row(
            "SELECT next_claim_serial FROM stations WHERE code = 'K1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(serial, 1, "no claim serial taken");
}

#[test]
fn training_sales_stay_out_of_margins_event_sales_and_reconciliation() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Qr);
    let margins = pos.margins().unwrap();
    let events = pos.events().unwrap();
    let credits = pos.reconcile(&[]).unwrap();
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    sell(
        &mut pos,
        &[("Signed tour poster", 2), ("Tour tote bag", 1)],
        TenderKind::Qr,
    );
    assert_eq!(pos.margins().unwrap(), margins);
    assert_eq!(pos.events().unwrap()[0].orders, events[0].orders);
    assert_eq!(pos.events().unwrap()[0].sales_minor, events[0].sales_minor);
    assert_eq!(
        format!("{:?}", pos.reconcile(&[]).unwrap()),
        format!("{credits:?}")
    );
}

#[test]
fn a_training_sale_is_not_refunded() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    let practice = sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Cash);
    let req = RefundRequest {
        receipt: practice.number.clone(),
        lines: None,
        reason: String::new(),
    };
    let e = pos
        .with_pin(PIN, |pos, grant| pos.refund(&req, grant))
        .unwrap_err();
    assert!(
        matches!(&e, PosError::Refused(why) if why.contains("training sale")),
        "{e:?}"
    );
}

#[test]
fn a_training_receipt_says_training_on_the_pdf() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    let practice = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    let bytes = receipt_pdf(&practice).unwrap();
    let real = sell_real(&db, &clock);
    let tool = |n: &str| Command::new(n).arg("-v").output().is_ok();
    if !(tool("qpdf") && tool("pdftotext")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install qpdf and poppler-utils"
        );
        eprintln!("skipped: qpdf/poppler-utils not installed");
        return;
    }
    let text = |bytes: &[u8], name: &str| {
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
        String::from_utf8(out.stdout).unwrap()
    };
    let practice_text = text(&bytes, "t.pdf");
    assert_eq!(
        practice_text.matches("TRAINING").count(),
        2,
        "{practice_text}"
    );
    assert!(
        practice_text.contains("Receipt T1-000001"),
        "{practice_text}"
    );
    assert!(practice_text.contains("not a receipt"), "{practice_text}");
    let real_text = text(&real, "r.pdf");
    assert!(!real_text.contains("TRAINING"), "{real_text}");
}

/// A real sale's PDF at station K2, which is not in training.
fn sell_real(db: &TestDb, clock: &TestClock) -> Vec<u8> {
    let mut k2 = db.pos_at("K2", clock);
    receipt_pdf(&sell(&mut k2, &[("Signed postcard", 1)], TenderKind::Cash)).unwrap()
}

#[test]
fn the_event_report_checks_the_real_numbers_and_never_the_training_ledger() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    pos.with_pin(PIN, |pos, grant| pos.set_training(true, grant))
        .unwrap();
    sell(&mut pos, &[("Signed postcard", 2)], TenderKind::Cash);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    // While K1 practises, its real receipts are still checked; T1 is no station of the report.
    let report = pos.event_report().unwrap();
    let stations: Vec<&str> = report.receipts.iter().map(|r| r.station.as_str()).collect();
    assert_eq!(stations, ["K1"], "{:?}", report.receipts);
    assert_eq!(report.receipts[0].count, 1);
    assert!(
        report.receipts[0].missing.is_empty(),
        "{:?}",
        report.receipts
    );
    let x = pos.x_report().unwrap();
    assert_eq!(x.receipts.iter().map(|r| r.count).sum::<u32>(), 1);
    assert!(
        x.receipts.iter().all(|r| r.missing.is_empty()),
        "{:?}",
        x.receipts
    );
}
