//! Commands that only read open the database read-only: they work on a read-only file in a
//! read-only folder, and answer at once while another station holds the write lock.
//! Also `encore backup`, which only reads too.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::TestDb;

/// The binary on `db`. As root (who may write anything) it runs as `nobody`, so a read-only
/// file really is one for it.
fn encore(db: &Path, args: &[&str]) -> Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"]);
        c.arg(env!("CARGO_BIN_EXE_encore"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_encore"))
    };
    cmd.arg("--db").arg(db).args(args).output().unwrap()
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

fn json(out: &Output, what: &str) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what}: not JSON ({e})"))
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The demo with one QR sale (a receipt and a claim code), the file closed; the claim code.
fn sold(db: &TestDb) -> String {
    // Readable for `nobody` while it is still writable for the set-up.
    chmod(db.dir.path(), 0o777);
    let demo = encore(&db.path, &["demo", "--json"]);
    json(&demo, "demo");
    let offers = json(&encore(&db.path, &["offers", "--json"]), "offers");
    let gig = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == "5-minute meet & greet")
        .unwrap()["id"]
        .to_string();
    let sale = json(
        &encore(
            &db.path,
            &["sell", "--offer", &gig, "--pay", "qr", "--json"],
        ),
        "sell",
    );
    sale["claims"][0].as_str().unwrap().to_string()
}

/// Every read-only command, each must answer with exit 0; `out` is a folder it may write in.
fn read_everything(db: &Path, code: &str, out: &Path) -> Vec<(String, Duration)> {
    let keys = out.join("keys.json");
    let keys = keys.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["offers", "--json"],
        vec!["claim", "verify", code, "--json"],
        vec!["claim", "pubkey", "--json"],
        vec!["claim", "pubkey", "-o", keys, "--json"],
        vec!["claim", "verify", code, "--pubkey", keys, "--json"],
        vec!["queue", "list", "--json"],
    ];
    commands
        .iter()
        .map(|args| {
            let started = Instant::now();
            let out = encore(db, args);
            let took = started.elapsed();
            json(&out, &args.join(" "));
            (args.join(" "), took)
        })
        .collect()
}

fn writable_folder() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    chmod(out.path(), 0o777);
    out
}

#[test]
fn read_only_commands_work_on_a_read_only_file_in_a_read_only_folder() {
    let db = TestDb::new();
    let code = sold(&db);
    // Closed cleanly: no -wal or -shm beside the file, and none can be made.
    assert!(!db.dir.path().join("encore.db-wal").exists());
    let files = || {
        let mut names: Vec<_> = std::fs::read_dir(db.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    // The database, its key file and its high-water mark (with their lock files).
    let before = files();
    chmod(&db.path, 0o444);
    chmod(db.dir.path(), 0o555);
    let out = writable_folder();
    read_everything(&db.path, &code, out.path());
    let valid = json(
        &encore(&db.path, &["claim", "verify", &code, "--json"]),
        "verify",
    );
    assert_eq!(valid["title"], "5-minute meet & greet", "{valid}");
    // A receipt off a file that cannot be written: the print cannot be counted, so it is a COPY.
    let pdf = out.path().join("r.pdf");
    let args = ["receipt", "latest", "-o", pdf.to_str().unwrap(), "--json"];
    let printed = json(&encore(&db.path, &args), "receipt");
    assert_eq!(
        (printed["receipt"].as_str(), printed["copy"].as_bool()),
        (Some("K1-000001"), Some(true))
    );
    // A change is still refused, in words, and nothing appeared in the folder.
    let sell = encore(
        &db.path,
        &["sell", "--offer", "1", "--pay", "cash", "--json"],
    );
    assert_eq!(sell.status.code(), Some(1));
    assert_eq!(files(), before);
    chmod(db.dir.path(), 0o755);
}

#[test]
fn read_only_commands_answer_at_once_while_another_station_holds_the_write_lock() {
    let db = TestDb::new();
    let code = sold(&db);
    let station = rusqlite::Connection::open(&db.path).unwrap();
    station.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = writable_folder();
    for (what, took) in read_everything(&db.path, &code, out.path()) {
        assert!(took < Duration::from_secs(3), "{what} waited {took:?}");
    }
    let backup = out.path().join("copy.db");
    let made = json(
        &encore(
            &db.path,
            &["backup", "-o", backup.to_str().unwrap(), "--json"],
        ),
        "backup",
    );
    assert_eq!(made["integrity"], "ok");
    station.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_read_only_open_refuses_a_schema_that_is_not_this_builds() {
    let db = TestDb::new();
    drop(encore::store::Store::open(&db.path).unwrap());
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.pragma_update(None, "user_version", 2).unwrap();
    drop(conn);
    let old = encore::store::Store::open_read_only(&db.path)
        .err()
        .unwrap();
    assert!(old.to_string().contains("older than this build"), "{old}");
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.pragma_update(None, "user_version", encore::store::SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let new = encore::store::Store::open_read_only(&db.path)
        .err()
        .unwrap();
    assert!(new.to_string().contains("newer Encore"), "{new}");
    // Nothing was migrated back or forth.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let v: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, encore::store::SCHEMA_VERSION + 1);
    let missing = encore::store::Store::open_read_only(&db.dir.path().join("none.db"))
        .err()
        .unwrap();
    assert!(
        missing.to_string().contains("no Encore database"),
        "{missing}"
    );
    assert!(!db.dir.path().join("none.db").exists());
}

#[test]
fn backup_writes_a_checked_copy_beside_the_database_and_never_overwrites() {
    let db = TestDb::new();
    sold(&db);
    let made = json(&encore(&db.path, &["backup", "--json"]), "backup");
    let file = Path::new(made["file"].as_str().unwrap()).to_path_buf();
    assert_eq!(file.parent().unwrap(), db.dir.path().join("backups"));
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("encore-mara-vey-after-show-2"), "{name}");
    assert!(name.ends_with("Z.backup.db"), "{name}");
    assert_eq!(made["integrity"], "ok");
    assert_eq!(made["schema_version"], encore::store::SCHEMA_VERSION);
    assert_eq!(made["bytes"], std::fs::metadata(&file).unwrap().len());
    // The copy is a whole database on its own: the sale is in it.
    let copy = rusqlite::Connection::open(&file).unwrap();
    let orders: i64 = copy
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orders, 1);
    // A second one within the same second gets a name of its own.
    let again = json(&encore(&db.path, &["backup", "--json"]), "backup again");
    assert_ne!(again["file"], made["file"]);
    // An existing file is never overwritten.
    let out = writable_folder();
    let mine = out.path().join("mine.db");
    std::fs::write(&mine, "precious").unwrap();
    let refused = encore(
        &db.path,
        &["backup", "-o", mine.to_str().unwrap(), "--json"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let body: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("exists already"),
        "{body}"
    );
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "precious");
    let text = encore(
        &db.path,
        &["backup", "-o", out.path().join("b.db").to_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    let schema = format!("schema {}", encore::store::SCHEMA_VERSION);
    assert!(text.contains(&schema), "{text}");
    assert!(text.contains("integrity check: ok"), "{text}");
}

#[test]
fn a_backup_made_while_another_station_sells_is_whole_and_checks_out() {
    use encore::domain::order::TenderKind;
    let (db, clock) = (TestDb::new(), support::TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let seller = {
        let mut other = db.pos_at("K2", &clock);
        std::thread::spawn(move || {
            for _ in 0..40 {
                support::sell(&mut other, &[("Tour tote bag", 1)], TenderKind::Cash);
            }
        })
    };
    let out = tempfile::tempdir().unwrap();
    let mut made = 0;
    while !seller.is_finished() || made == 0 {
        let file = out.path().join(format!("copy-{made}.db"));
        let info = encore::store::Store::open_read_only(&db.path)
            .unwrap()
            .backup_to(&file)
            .unwrap();
        assert_eq!(info.integrity, "ok");
        // Each copy holds whole sales only: every order has its lines.
        let copy = rusqlite::Connection::open(&file).unwrap();
        let bare: i64 = copy
            .query_row(
                "SELECT count(*) FROM orders o WHERE NOT EXISTS
                     (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bare, 0);
        made += 1;
    }
    seller.join().unwrap();
    support::sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Cash);
    assert!(made >= 1);
}

#[test]
fn a_backup_ends_while_another_station_commits_without_a_pause() {
    let (db, clock) = (TestDb::new(), support::TestClock::new());
    drop(db.demo_pos(&clock));
    // Enough pages that the copy takes many steps.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch(
        "CREATE TABLE ballast (x BLOB);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO ballast SELECT randomblob(1000) FROM n;",
    )
    .unwrap();
    // Commits as fast as the disk allows, like many stations at once.
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut commits = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                conn.execute("INSERT INTO ballast VALUES (randomblob(100))", [])
                    .unwrap();
                commits += 1;
            }
            commits
        })
    };
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let info = encore::store::Store::open_read_only(&db.path)
        .unwrap()
        .backup_to(&out.path().join("copy.db"));
    let took = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let commits = writer.join().unwrap();
    assert_eq!(info.unwrap().integrity, "ok");
    assert!(commits > 0, "the other station went on writing");
    assert!(took < Duration::from_secs(20), "the copy took {took:?}");
}

#[test]
fn a_read_only_folder_with_changes_left_in_the_wal_is_refused_in_words() {
    let db = TestDb::new();
    sold(&db);
    // A kiosk that stopped before its last changes reached the main file: they are in -wal.
    let copy = tempfile::tempdir().unwrap();
    let kiosk = rusqlite::Connection::open(&db.path).unwrap();
    kiosk.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    kiosk
        .execute_batch("CREATE TABLE late (x); INSERT INTO late VALUES (1);")
        .unwrap();
    let file = copy.path().join("encore.db");
    std::fs::copy(&db.path, &file).unwrap();
    std::fs::copy(
        db.dir.path().join("encore.db-wal"),
        copy.path().join("encore.db-wal"),
    )
    .unwrap();
    drop(kiosk);
    chmod(copy.path(), 0o555);
    let out = encore(&file, &["offers", "--json"]);
    chmod(copy.path(), 0o755);
    assert_eq!(out.status.code(), Some(1));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("-wal file"), "{error}");
    assert!(error.contains("copy the file with its -wal"), "{error}");
}
