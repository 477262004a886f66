//! What a copied database file cannot do, and what a database that went back in time never
//! does: the audit log refuses edits and shows any made around it, the secret claim keys are
//! not in the file, and a restored backup never hands out again a receipt number, ticket or
//! claim code issued after it was made.

mod support;

use std::path::Path;
use std::process::Command;

use encore::domain::order::TenderKind;
use encore::service::{Pos, PosError};
use encore::store::Store;
use serde_json::Value;
use support::{PIN, TestClock, TestDb, encore_in, sell};

fn backup(db: &Path, to: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.backup(
        rusqlite::MAIN_DB,
        to,
        None::<fn(rusqlite::backup::Progress)>,
    )
    .unwrap();
}

fn encore(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_encore"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_database_refuses_to_change_the_audit_log_and_verify_names_an_entry_edited_around_it() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    for _ in 0..3 {
        sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    }
    drop(pos);
    let conn = db.conn();
    for sql in [
        "DELETE FROM audit_log WHERE action = 'sale'",
        "UPDATE audit_log SET detail = '{}' WHERE id = 2",
    ] {
        let e = conn.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("the audit log is append-only"), "{sql}: {e}");
    }
    let ok = encore(&db.path, &["audit", "verify", "--json"]);
    assert_eq!(ok.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["intact"], true);
    let entries = v["entries"].as_u64().unwrap();
    assert!(entries >= 4, "{v}");

    // Someone drops the seal and edits one entry.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET detail = '{\"total\":0}' WHERE id = 3;",
    )
    .unwrap();
    drop(conn);
    let broken = encore(&db.path, &["audit", "verify", "--json"]);
    assert_eq!(broken.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("the audit log is broken at entry 3:"),
        "{v}"
    );
    // Checking only reads; the next station to open the file says the seal was removed, and
    // puts it back.
    let reopened = db.demo_pos(&clock);
    assert!(
        reopened
            .alerts()
            .iter()
            .any(|a| a.contains("protection had been removed")),
        "{:?}",
        reopened.alerts()
    );
    drop(reopened);
    let conn = db.conn();
    assert!(conn.execute("UPDATE audit_log SET at = 0", []).is_err());

    // An entry removed from the middle is named too.
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2;")
        .unwrap();
    drop(conn);
    let v: Value =
        serde_json::from_slice(&encore(&db.path, &["audit", "verify", "--json"]).stdout).unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("entry 3: entries 2 to 2 are missing"),
        "{v}"
    );
}

#[test]
fn the_database_file_holds_no_secret_key_and_a_copy_alone_cannot_sign() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let before = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash);
    drop(pos);
    let keys = encore::store::keyfile::KeyFile::beside(&db.path);
    let secrets = keys.load().unwrap();
    assert!(!secrets.is_empty());
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("encore.db");
    backup(&db.path, &copy);
    for file in [&db.path, &copy] {
        let bytes = std::fs::read(file).unwrap();
        for secret in secrets.values() {
            let s = secret.to_bytes();
            assert!(
                !bytes.windows(32).any(|w| w == s),
                "{} holds a secret key",
                file.display()
            );
        }
    }

    // The copy on another computer: old codes still check, new codes use a key of its own.
    let mut elsewhere = Pos::open(Store::open(&copy).unwrap(), "K1", clock.clock()).unwrap();
    assert!(
        elsewhere
            .alerts()
            .iter()
            .any(|a| a.contains("is not on this computer")),
        "{:?}",
        elsewhere.alerts()
    );
    elsewhere.check_claim(&before.claims[0].code).unwrap();
    let after = sell(
        &mut elsewhere,
        &[("60-second shoutout", 1)],
        TenderKind::Cash,
    );
    let keys = elsewhere.public_keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys[0].2, "the key whose secret stayed behind is retired");
    elsewhere.check_claim(&after.claims[0].code).unwrap();
}

#[test]
fn a_restored_backup_never_hands_out_again_a_number_ticket_or_code_issued_after_it() {
    let db = TestDb::new();
    let clock = TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    for _ in 0..3 {
        sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash);
    }
    let saved = db.dir.path().join("saved.db");
    backup(&db.path, &saved);
    let lost: Vec<_> = (0..2)
        .map(|_| sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash))
        .collect();
    assert_eq!(lost[1].number.to_string(), "K1-000005");
    drop(pos);

    // A wrong PIN restores nothing.
    let path = db.path.to_str().unwrap();
    let saved_arg = saved.to_str().unwrap();
    let wrong = encore_in(
        &db.path,
        &["restore", saved_arg, "--pin-stdin", "--json"],
        "1111\n",
    );
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    let out = encore_in(
        &db.path,
        &["restore", saved_arg, "--pin-stdin", "--json"],
        &format!("{PIN}\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let aside = v["kept_aside"].as_str().unwrap();
    assert!(aside.starts_with(&format!("{path}.before-restore-")), "{v}");
    assert!(Path::new(aside).exists());
    let alerts = v["alerts"].to_string();
    assert!(alerts.contains("went back in time"), "{alerts}");
    assert!(alerts.contains("2 receipt numbers on K1"), "{alerts}");

    let mut pos = db.demo_pos(&clock);
    let next = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash);
    assert_eq!(
        next.number.to_string(),
        "K1-000006",
        "numbers 4 and 5 were handed out"
    );
    let lost_codes: Vec<&str> = lost.iter().map(|r| r.claims[0].code.as_str()).collect();
    let lost_tickets: Vec<&str> = lost.iter().map(|r| r.tickets[0].label.as_str()).collect();
    assert!(!lost_codes.contains(&next.claims[0].code.as_str()));
    assert!(
        !lost_tickets.contains(&next.tickets[0].label.as_str()),
        "{lost_tickets:?}"
    );
    // A fan holding a code from a lost sale is told it is not in this file, never someone
    // else's order.
    assert!(matches!(
        pos.check_claim(lost_codes[0]).unwrap_err(),
        PosError::UnknownClaim
    ));
    // Opening again says nothing more: the file caught up.
    drop(pos);
    let again = db.demo_pos(&clock);
    assert!(
        !again.alerts().iter().any(|a| a.contains("back in time")),
        "{:?}",
        again.alerts()
    );
}

#[test]
fn a_file_that_lost_its_latest_sales_is_caught_on_open() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    drop(pos);
    let older = db.dir.path().join("older.db");
    backup(&db.path, &older);
    let mut pos = db.demo_pos(&clock);
    for _ in 0..3 {
        sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    }
    drop(pos);
    // As when a -wal file is deleted: the file is back where it was.
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.path.display()));
    }
    std::fs::copy(&older, &db.path).unwrap();
    let mut pos = db.demo_pos(&clock);
    assert!(
        pos.alerts()
            .iter()
            .any(|a| a.contains("3 receipt numbers on K1")),
        "{:?}",
        pos.alerts()
    );
    let next = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    assert_eq!(next.number.to_string(), "K1-000005");
}

#[test]
fn an_offline_check_says_the_key_fingerprint_and_refuses_a_key_file_that_does_not_match() {
    let db = TestDb::new();
    let clock = TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    let code = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash).claims[0]
        .code
        .clone();
    drop(pos);
    let file = db.dir.path().join("keys.json");
    let out = encore(
        &db.path,
        &["claim", "pubkey", "-o", file.to_str().unwrap(), "--json"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fp = v["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp.len(), 24, "{fp}");
    let verify = |file: &Path, fp: &str| {
        let out = encore(
            &db.path,
            &[
                "claim",
                "verify",
                &code,
                "--pubkey",
                file.to_str().unwrap(),
                "--fingerprint",
                fp,
                "--json",
            ],
        );
        (
            out.status.code(),
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        )
    };
    let (status, ok) = verify(&file, &fp);
    assert_eq!(status, Some(0), "{ok}");
    assert_eq!(ok["fingerprint"], fp.as_str());
    let (status, refused) = verify(&file, "0000-0000-0000-0000-0000");
    assert_eq!(status, Some(1));
    assert_eq!(refused["field"], "--fingerprint", "{refused}");

    // A key file with someone else's key in it (and its own fingerprint) is not the one trusted.
    let mut forged: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    forged["keys"][0]["public_key"] = Value::String("11".repeat(32));
    let forged_file = db.dir.path().join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).unwrap();
    let (status, refused) = verify(&forged_file, &fp);
    assert_eq!(status, Some(1));
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("the file was edited"),
        "{refused}"
    );
}

#[test]
fn a_trigger_of_the_same_name_that_does_nothing_is_no_seal() {
    let db = TestDb::new();
    drop(db.demo_pos(&TestClock::new()));
    db.conn()
        .execute_batch(
            "DROP TRIGGER audit_log_no_delete;
             CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END;",
        )
        .unwrap();
    let out = encore(&db.path, &["audit", "verify", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("protection was removed"),
        "{v}"
    );
}

#[test]
fn a_second_restore_still_hands_out_no_ticket_number_twice() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let gig = [("60-second shoutout", 1)];
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &gig, TenderKind::Cash);
    let first = db.dir.path().join("first.db");
    backup(&db.path, &first);
    let mut handed: Vec<String> = (0..3)
        .map(|_| {
            sell(&mut pos, &gig, TenderKind::Cash).tickets[0]
                .label
                .clone()
        })
        .collect();
    drop(pos);
    encore::service::restore_file(&db.path, &first, clock.now()).unwrap();
    let mut pos = db.demo_pos(&clock);
    handed.push(
        sell(&mut pos, &gig, TenderKind::Cash).tickets[0]
            .label
            .clone(),
    );
    let second = db.dir.path().join("second.db");
    backup(&db.path, &second);
    for _ in 0..2 {
        handed.push(
            sell(&mut pos, &gig, TenderKind::Cash).tickets[0]
                .label
                .clone(),
        );
    }
    drop(pos);
    clock.advance_secs(60);
    encore::service::restore_file(&db.path, &second, clock.now()).unwrap();
    let mut pos = db.demo_pos(&clock);
    let next = sell(&mut pos, &gig, TenderKind::Cash).tickets[0]
        .label
        .clone();
    assert!(
        !handed.contains(&next),
        "{next} was handed out before: {handed:?}"
    );
}
