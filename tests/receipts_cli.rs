//! `encore receipts`, `encore invoice`, `encore training` and `encore refund -o` through the
//! real binary.

mod support;

use std::process::Command;

use serde_json::Value;
use support::{PIN, TestDb, encore_in};

fn demo() -> TestDb {
    let db = TestDb::new();
    assert_eq!(encore_in(&db.path, &["demo"], "").status.code(), Some(0));
    db
}

/// Runs the binary with `stdin`, expects `code`, and gives the one JSON value it printed.
fn json(db: &TestDb, args: &[&str], stdin: &str, code: i32) -> Value {
    let out = encore_in(&db.path, &[args, &["--json"]].concat(), stdin);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn offer(db: &TestDb, title: &str) -> String {
    let offers = json(db, &["offers"], "", 0);
    offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == title)
        .unwrap()["id"]
        .to_string()
}

fn pdf_text(path: &std::path::Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(path).arg("-").output().ok()?;
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn receipts_finds_by_amount_and_title_and_says_when_nothing_matches() {
    let db = demo();
    let poster = offer(&db, "Signed tour poster");
    let postcard = offer(&db, "Signed postcard");
    json(&db, &["sell", "--offer", &poster, "--pay", "card"], "", 0);
    json(&db, &["sell", "--offer", &postcard, "--pay", "cash"], "", 0);
    let found = json(&db, &["receipts", "12,50"], "", 0);
    assert_eq!(found["total"], 1);
    assert_eq!(found["more"], 0);
    assert_eq!(found["receipts"][0]["number"], "K1-000001");
    let found = json(&db, &["receipts", "signed"], "", 0);
    let numbers: Vec<&str> = found["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["K1-000002", "K1-000001"]);
    let out = encore_in(&db.path, &["receipts", "nothing like it"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no receipt matches"));
    let refused = json(&db, &["receipts", " "], "", 1);
    assert_eq!(refused["field"], "search");
}

#[test]
fn invoice_writes_the_original_then_copies() {
    let db = demo();
    let poster = offer(&db, "Signed tour poster");
    json(&db, &["sell", "--offer", &poster, "--pay", "cash"], "", 0);
    let file = db.dir.path().join("inv.pdf");
    let f = file.to_str().unwrap();
    let args = [
        "invoice",
        "K1-000001",
        "--name",
        "Ada Lovelace",
        "--address",
        "Hafenstraße 1",
        "--address",
        "20457 Hamburg",
        "-o",
        f,
    ];
    let first = json(&db, &args, "", 0);
    assert_eq!(first["copy"], false);
    assert_eq!(first["buyer"], "Ada Lovelace");
    let original = pdf_text(&file);
    let again = json(&db, &["invoice", "K1-000001", "-o", f], "", 0);
    assert_eq!(again["copy"], true);
    let refused = json(
        &db,
        &["invoice", "K1-000001", "--name", "Bob", "-o", f],
        "",
        1,
    );
    assert_eq!(refused["field"], "buyer name");
    let bad = json(&db, &["invoice", "K1-000001", "--name", "A\u{7}"], "", 1);
    assert_eq!(bad["field"], "buyer name");
    if let (Some(original), Some(copy)) = (original, pdf_text(&file)) {
        assert!(original.contains("20457 Hamburg") && !original.contains("COPY"));
        assert!(copy.contains("COPY") && copy.contains("Ada Lovelace"));
    }
}

#[test]
fn training_on_sells_on_the_training_ledger_and_off_sells_for_real() {
    let db = demo();
    let postcard = offer(&db, "Signed postcard");
    let on = json(
        &db,
        &["training", "on", "--pin-stdin"],
        &format!("{PIN}\n"),
        0,
    );
    assert_eq!(
        (on["training"].clone(), on["changed"].clone()),
        (true.into(), true.into())
    );
    assert_eq!(json(&db, &["training", "status"], "", 0)["training"], true);
    let sale = json(&db, &["sell", "--offer", &postcard, "--pay", "cash"], "", 0);
    assert_eq!(sale["receipt"], "T1-000001", "{sale}");
    assert_eq!(sale["training"], true);
    assert_eq!(sale["claims"], serde_json::json!([]));
    let found = json(&db, &["receipts", "T1-1"], "", 0);
    assert_eq!(found["receipts"][0]["training"], true);
    let refund = json(
        &db,
        &["refund", "T1-000001", "--pin-stdin"],
        &format!("{PIN}\n"),
        1,
    );
    assert!(
        refund["error"].as_str().unwrap().contains("training sale"),
        "{refund}"
    );
    json(
        &db,
        &["training", "off", "--pin-stdin"],
        &format!("{PIN}\n"),
        0,
    );
    let sale = json(&db, &["sell", "--offer", &postcard, "--pay", "cash"], "", 0);
    assert_eq!(sale["receipt"], "K1-000001");
    assert_eq!(sale["training"], false);
}

#[test]
fn refund_writes_its_receipt_at_80_mm_or_a4() {
    let db = demo();
    let tote = offer(&db, "Tour tote bag");
    json(&db, &["sell", "--offer", &tote, "--pay", "cash"], "", 0);
    json(&db, &["sell", "--offer", &tote, "--pay", "cash"], "", 0);
    let small = db.dir.path().join("r80.pdf");
    let a4 = db.dir.path().join("ra4.pdf");
    let pin = format!("{PIN}\n");
    let done = json(
        &db,
        &[
            "refund",
            "K1-000001",
            "--pin-stdin",
            "-o",
            small.to_str().unwrap(),
        ],
        &pin,
        0,
    );
    assert_eq!(done["file"], small.to_str().unwrap());
    let args = [
        "refund",
        "K1-000002",
        "--pin-stdin",
        "-o",
        a4.to_str().unwrap(),
        "--a4",
    ];
    json(&db, &args, &pin, 0);
    let size = |p: &std::path::Path| std::fs::metadata(p).unwrap().len();
    assert!(size(&small) > 1000 && size(&a4) > 1000);
    if let Some(text) = pdf_text(&a4) {
        assert!(
            text.contains("REFUND") && text.contains("for K1-000002"),
            "{text}"
        );
    }
    let usage = encore_in(
        &db.path,
        &["refund", "K1-000001", "--a4", "--pin-stdin"],
        &pin,
    );
    assert_eq!(usage.status.code(), Some(2), "--a4 needs -o");
}
