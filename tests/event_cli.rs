//! `encore event …` and `encore catalogue import` through the real binary: a creator scripts an
//! event from an empty database, and every import that writes needs the creator PIN.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::TestDb;

const DEMO_PIN: &str = "2468";
const NEW_PIN: &str = "135790";

/// Runs the binary on `db`, with `stdin` written to it (the PIN lines).
fn run(db: &Path, args: &[&str], stdin: &str) -> Output {
    support::encore_in(db, args, stdin)
}

/// The one JSON value a `--json` run printed, after checking its exit code.
fn json(db: &Path, args: &[&str], stdin: &str, code: i32) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = run(db, &args, stdin);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e})"))
}

fn new_event(name: &str) -> Vec<String> {
    [
        "event",
        "new",
        "--name",
        name,
        "--venue",
        "Dock 4",
        "--time-zone",
        "Europe/Berlin",
        "--currency",
        "EUR",
        "--vat-rates",
        "19, 7",
        "--pin-stdin",
    ]
    .map(String::from)
    .to_vec()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn offers(db: &Path) -> Vec<Value> {
    json(db, &["offers"], "", 0).as_array().unwrap().clone()
}

fn write_csv(db: &TestDb, name: &str, text: &str) -> String {
    let file = db.dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn event_new_works_on_an_empty_database_and_a_catalogue_imports_right_after() {
    let db = TestDb::new();
    let pins = format!("{NEW_PIN}\n{NEW_PIN}\n");
    let made = json(&db.path, &strs(&new_event("Night one")), &pins, 0);
    assert_eq!(made["name"], "Night one");
    assert_eq!(made["vat_rates"], "7, 19");
    assert!(made["id"].is_i64());
    let file = write_csv(
        &db,
        "c.csv",
        "title,kind,price,vat\nSticker,item,2.00,19\nTote,item,15.00,19\n",
    );
    let pin = format!("{NEW_PIN}\n");
    let done = json(
        &db.path,
        &["catalogue", "import", &file, "--pin-stdin"],
        &pin,
        0,
    );
    assert_eq!(done["imported"], 2);
    assert_eq!(offers(&db.path).len(), 2);
    let shown = json(&db.path, &["event", "show"], "", 0);
    assert_eq!(
        (&shown["name"], &shown["venue"], &shown["time_zone"]),
        (
            &Value::from("Night one"),
            &Value::from("Dock 4"),
            &Value::from("Europe/Berlin")
        )
    );
}

#[test]
fn event_new_needs_the_open_events_pin_and_a_new_pin_of_six_digits_typed_twice() {
    let db = TestDb::new();
    assert_eq!(run(&db.path, &["demo"], "").status.code(), Some(0));
    let args = new_event("Night two");
    let wrong = json(
        &db.path,
        &strs(&args),
        &format!("1111\n{NEW_PIN}\n{NEW_PIN}\n"),
        1,
    );
    assert!(
        wrong["error"]
            .as_str()
            .unwrap()
            .starts_with("wrong creator PIN"),
        "{wrong}"
    );
    let short = json(
        &db.path,
        &strs(&args),
        &format!("{DEMO_PIN}\n1234\n1234\n"),
        1,
    );
    assert_eq!(short["error"], "new creator PIN: 6 to 12 digits");
    assert_eq!(short["field"], "new creator PIN");
    let differs = json(
        &db.path,
        &strs(&args),
        &format!("{DEMO_PIN}\n{NEW_PIN}\n135791\n"),
        1,
    );
    assert_eq!(differs["field"], "new creator PIN");
    let mut bad_zone = args.clone();
    bad_zone[7] = "Mars/Olympus".into();
    let zone = json(
        &db.path,
        &strs(&bad_zone),
        &format!("{DEMO_PIN}\n{NEW_PIN}\n{NEW_PIN}\n"),
        1,
    );
    assert!(zone["field"].is_string(), "{zone}");
    assert_eq!(
        json(&db.path, &["event", "list"], "", 0)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let made = json(
        &db.path,
        &strs(&args),
        &format!("{DEMO_PIN}\n{NEW_PIN}\n{NEW_PIN}\n"),
        0,
    );
    assert_eq!(made["name"], "Night two");
    assert!(offers(&db.path).is_empty(), "the new event is open, empty");
}

#[test]
fn event_list_shows_every_event_and_open_needs_the_creator_pin() {
    let db = TestDb::new();
    assert_eq!(run(&db.path, &["demo"], "").status.code(), Some(0));
    let demo_id = json(&db.path, &["event", "show"], "", 0)["id"].clone();
    let offer = offers(&db.path)[0]["id"].to_string();
    json(
        &db.path,
        &["sell", "--offer", &offer, "--pay", "card"],
        "",
        0,
    );
    let pins = format!("{DEMO_PIN}\n{NEW_PIN}\n{NEW_PIN}\n");
    let night = json(&db.path, &strs(&new_event("Night two")), &pins, 0)["id"].clone();
    let list = json(&db.path, &["event", "list"], "", 0);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let demo = list.iter().find(|e| e["id"] == demo_id).unwrap();
    let new = list.iter().find(|e| e["id"] == night).unwrap();
    assert_eq!(
        (&demo["open"], &new["open"]),
        (&Value::Bool(false), &Value::Bool(true))
    );
    assert_eq!(demo["orders"], 1);
    assert!(demo["sales_minor"].as_i64().unwrap() > 0);
    let id = demo_id.to_string();
    // Opening another event needs the open event's creator PIN, not the other's.
    let refused = json(&db.path, &["event", "open", &id, "--pin-stdin"], "", 1);
    assert!(refused["error"].as_str().unwrap().contains("creator PIN"));
    let wrong = json(
        &db.path,
        &["event", "open", &id, "--pin-stdin"],
        &format!("{DEMO_PIN}\n"),
        1,
    );
    assert!(
        wrong["error"]
            .as_str()
            .unwrap()
            .starts_with("wrong creator PIN"),
        "{wrong}"
    );
    let opened = json(
        &db.path,
        &["event", "open", &id, "--pin-stdin"],
        &format!("{NEW_PIN}\n"),
        0,
    );
    assert_eq!(opened["id"], demo_id);
    assert_eq!(json(&db.path, &["event", "show"], "", 0)["id"], demo_id);
    assert_eq!(offers(&db.path).len(), 10);
}

#[test]
fn a_catalogue_import_that_writes_needs_the_creator_pin_and_a_dry_run_does_not() {
    let db = TestDb::new();
    assert_eq!(run(&db.path, &["demo"], "").status.code(), Some(0));
    let before = offers(&db.path).len();
    // The review's case: a free pass with a fortune of credit, imported by whoever stands there.
    let file = write_csv(
        &db,
        "staff.csv",
        "title,kind,price,vat,pass_credit\nSticker,item,2.00,19,\n",
    );
    let import = ["catalogue", "import", file.as_str()];
    let mut with_pin = import.to_vec();
    with_pin.push("--pin-stdin");
    let no_pin = json(&db.path, &import, "", 1);
    assert!(
        no_pin["error"].as_str().unwrap().contains("creator PIN"),
        "{no_pin}"
    );
    let wrong = json(&db.path, &with_pin, "1111\n", 1);
    assert!(
        wrong["error"]
            .as_str()
            .unwrap()
            .starts_with("wrong creator PIN"),
        "{wrong}"
    );
    let empty = json(&db.path, &with_pin, "", 1);
    assert!(empty["error"].as_str().unwrap().contains("creator PIN"));
    assert_eq!(offers(&db.path).len(), before, "nothing imported");
    let mut dry = import.to_vec();
    dry.push("--dry-run");
    let checked = json(&db.path, &dry, "", 0);
    assert_eq!(
        (
            &checked["added"],
            &checked["imported"],
            &checked["added_titles"]
        ),
        (
            &Value::from(1),
            &Value::from(0),
            &serde_json::json!(["Sticker"])
        )
    );
    let done = json(&db.path, &with_pin, &format!("{DEMO_PIN}\n"), 0);
    assert_eq!(done["imported"], 1);
    assert_eq!(offers(&db.path).len(), before + 1);
    let rich = write_csv(
        &db,
        "rich.csv",
        "title,kind,price,vat,pass_credit\nStaff pass,item,0.00,0,999999.00\n",
    );
    let over = json(
        &db.path,
        &["catalogue", "import", &rich, "--pin-stdin"],
        &format!("{DEMO_PIN}\n"),
        1,
    );
    assert_eq!(over["errors"][0]["field"], "pass_credit");
    assert_eq!(
        over["errors"][0]["reason"],
        "pass_credit: at most €100000.00"
    );
}

#[test]
fn an_edited_csv_export_reimports_in_place_and_a_file_past_the_cap_is_refused_unread() {
    let db = TestDb::new();
    assert_eq!(run(&db.path, &["demo"], "").status.code(), Some(0));
    let file = db.dir.path().join("export.csv");
    let path = file.to_str().unwrap();
    json(
        &db.path,
        &["catalogue", "export", "--format", "csv", "-o", path],
        "",
        0,
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",key"));
    let edited = text.replace("Signed postcard,item,3.00", "Signed postcard,item,3.50");
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let dry = json(&db.path, &["catalogue", "import", path, "--dry-run"], "", 0);
    assert_eq!(
        (&dry["added"], &dry["changed"], &dry["unchanged"]),
        (&Value::from(0), &Value::from(1), &Value::from(9))
    );
    assert_eq!(
        dry["changed_titles"],
        serde_json::json!(["Signed postcard"])
    );
    let said = run(&db.path, &["catalogue", "import", path, "--dry-run"], "");
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(said.contains("would be changed: Signed postcard"), "{said}");
    json(
        &db.path,
        &["catalogue", "import", path, "--pin-stdin"],
        &format!("{DEMO_PIN}\n"),
        0,
    );
    let now = offers(&db.path);
    assert_eq!(now.len(), 10, "updated in place, not doubled");
    let postcard = now
        .iter()
        .find(|o| o["title"] == "Signed postcard")
        .unwrap();
    assert_eq!(postcard["price_minor"], 350);
    // A file past the cap is refused by its size, before any row is read.
    let big = db.dir.path().join("big.csv");
    let mut huge = String::from("title,kind,price,vat\n");
    while huge.len() <= encore::domain::catalogue_file::MAX_FILE_BYTES {
        huge.push_str("Sticker,item,2.00,19\n");
    }
    std::fs::write(&big, huge).unwrap();
    let refused = json(
        &db.path,
        &["catalogue", "import", big.to_str().unwrap(), "--dry-run"],
        "",
        1,
    );
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .ends_with("the most read is 4 MB"),
        "{refused}"
    );
}
