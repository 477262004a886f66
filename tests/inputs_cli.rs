//! Bounded input through the real binary: text read back from an old database is printed
//! escaped, a helper name with controls is refused, and cash tendered has a ceiling.

mod support;

use std::process::{Command, Output};

use serde_json::Value;
use support::TestDb;

fn run(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_encore"))
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .output()
        .unwrap()
}

fn json(db: &TestDb, args: &[&str], code: i32) -> Value {
    let out = run(db, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn demo() -> TestDb {
    let db = TestDb::new();
    assert_eq!(run(&db, &["demo"]).status.code(), Some(0));
    db
}

fn poster(db: &TestDb) -> String {
    let offers = json(db, &["offers", "--json"], 0);
    offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == "Signed tour poster")
        .unwrap()["id"]
        .to_string()
}

/// True when `bytes` hold ESC, a C1 control (as UTF-8) or a direction override.
fn steers(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .chars()
        .any(|c| c != '\n' && encore::domain::field::is_steering(c))
}

#[test]
fn text_from_an_old_database_is_printed_escaped_never_raw() {
    let db = demo();
    let raw = "Vinyl\u{1b}[2J\u{9b}31m\u{202E}gnp";
    {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.execute(
            "UPDATE offers SET title = ?1 WHERE title = 'Signed tour poster'",
            [raw],
        )
        .unwrap();
    }
    let text = run(&db, &["offers"]);
    assert_eq!(text.status.code(), Some(0));
    assert!(!steers(&text.stdout), "{:?}", String::from_utf8_lossy(&text.stdout));
    assert!(String::from_utf8_lossy(&text.stdout).contains("Vinyl\\u{1b}[2J\\u{9b}31m\\u{202e}gnp"));

    let out = run(&db, &["offers", "--json"]);
    assert!(!steers(&out.stdout), "{:?}", String::from_utf8_lossy(&out.stdout));
    let offers: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        offers.as_array().unwrap().iter().any(|o| o["title"] == raw),
        "JSON still reads back the stored title"
    );
}

#[test]
fn a_helper_name_with_control_characters_is_refused_naming_the_helper() {
    let db = demo();
    let refused = json(&db, &["--helper", "Sam\u{1b}[2J", "offers", "--json"], 1);
    assert_eq!(refused["field"], "helper");
    let long = "x".repeat(41);
    assert_eq!(json(&db, &["--helper", &long, "offers", "--json"], 1)["field"], "helper");
    json(&db, &["--helper", "Sam", "offers", "--json"], 0);
}

#[test]
fn cash_tendered_has_a_ceiling_and_other_methods_take_no_tendered_amount() {
    let db = demo();
    let poster = poster(&db);
    let sell = |pay: &str, tendered: &str, code| {
        json(
            &db,
            &["sell", "--offer", &poster, "--pay", pay, "--tendered", tendered, "--json"],
            code,
        )
    };
    let fortune = sell("cash", "999999999.99", 1);
    assert_eq!(fortune["field"], "tendered");
    assert_eq!(
        fortune["error"],
        "tendered: at most €512.50 for a total of €12.50 (change of at most €500.00)"
    );
    for method in ["qr", "card"] {
        let refused = sell(method, "20", 1);
        assert_eq!(refused["field"], "tendered", "{method}");
        assert!(refused["error"].as_str().unwrap().contains("only cash"), "{refused}");
    }
    // Nothing was sold by the refusals; a €500 note for €12.50 is still fine.
    let fine = sell("cash", "512.50", 0);
    assert_eq!((fine["receipt"].as_str(), fine["change_minor"].as_i64()), (Some("K1-000001"), Some(50000)));
}
