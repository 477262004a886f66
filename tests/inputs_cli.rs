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
    assert!(
        !steers(&text.stdout),
        "{:?}",
        String::from_utf8_lossy(&text.stdout)
    );
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("Vinyl\\u{1b}[2J\\u{9b}31m\\u{202e}gnp")
    );

    let out = run(&db, &["offers", "--json"]);
    assert!(
        !steers(&out.stdout),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
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
    assert_eq!(
        json(&db, &["--helper", &long, "offers", "--json"], 1)["field"],
        "helper"
    );
    json(&db, &["--helper", "Sam", "offers", "--json"], 0);
}

#[test]
fn cash_tendered_has_a_ceiling_and_other_methods_take_no_tendered_amount() {
    let db = demo();
    let poster = poster(&db);
    let sell = |pay: &str, tendered: &str, code| {
        json(
            &db,
            &[
                "sell",
                "--offer",
                &poster,
                "--pay",
                pay,
                "--tendered",
                tendered,
                "--json",
            ],
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
        assert!(
            refused["error"].as_str().unwrap().contains("only cash"),
            "{refused}"
        );
    }
    // Nothing was sold by the refusals; a €500 note for €12.50 is still fine.
    let fine = sell("cash", "512.50", 0);
    assert_eq!(
        (fine["receipt"].as_str(), fine["change_minor"].as_i64()),
        (Some("K1-000001"), Some(50000))
    );
}

/// A file of `len` bytes that takes no room (its size is what the check reads).
fn sparse(db: &TestDb, name: &str, len: u64) -> String {
    let path = db.dir.path().join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn files_over_their_cap_are_refused_naming_the_file_and_the_cap() {
    let db = demo();
    let statement = sparse(&db, "statement.xml", 33 * 1024 * 1024);
    let refused = json(&db, &["reconcile", &statement, "--json"], 1);
    assert_eq!(
        refused["error"],
        format!("statement: {statement} is 33 MB; the most read is 32 MB")
    );
    let catalogue = sparse(&db, "catalogue.json", 5 * 1024 * 1024);
    let refused = json(
        &db,
        &["catalogue", "import", &catalogue, "--dry-run", "--json"],
        1,
    );
    assert_eq!(
        refused["error"],
        format!("catalogue file: {catalogue} is 5 MB; the most read is 4 MB")
    );
    let keys = sparse(&db, "keys.json", 1024 * 1024);
    let out = Command::new(env!("CARGO_BIN_EXE_encore"))
        .args(["claim", "verify", "--pubkey", &keys, "0000", "--json"])
        .env("XDG_DATA_HOME", db.dir.path().join("nowhere"))
        .output()
        .unwrap();
    let refused: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        refused["error"],
        format!("pubkey: {keys} is 1 MB; the most read is 64 KB")
    );
    // A device that reports no size and never ends is cut at the cap, not read forever.
    let endless = json(
        &db,
        &["reconcile", "/dev/zero", "--format", "csv", "--json"],
        1,
    );
    assert!(
        endless["error"] == "statement: /dev/zero is over 32 MB; the most read is 32 MB",
        "{endless}"
    );
}

#[test]
fn a_non_ascii_delimiter_is_bad_usage_not_a_byte() {
    let db = demo();
    let file = db.dir.path().join("statement.csv");
    std::fs::write(&file, "Amount\u{e9}Reference\n12.50\u{e9}ENC-AAAAAA\n").unwrap();
    let file = file.to_str().unwrap();
    let out = run(&db, &["reconcile", file, "--delimiter", "é", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let refused: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(refused["field"], "--delimiter");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("one ASCII character"),
        "{refused}"
    );
    json(&db, &["reconcile", file, "--delimiter", ";", "--json"], 1);
}

#[test]
fn one_bad_statement_entry_is_listed_and_the_rest_still_matched() {
    let db = demo();
    let poster = poster(&db);
    let sale = json(
        &db,
        &["sell", "--offer", &poster, "--pay", "qr", "--json"],
        0,
    );
    let reference = sale["payment_ref"].as_str().unwrap();
    let entry = |amt: &str, text: &str| {
        format!(
            r#"<Ntry><Amt Ccy="EUR">{amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
            <NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"#
        )
    };
    let xml = format!(
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>{}{}</Stmt></BkToCstmrStmt></Document>"#,
        entry("8.855", "rent"),
        entry("12.500", reference),
    );
    let file = db.dir.path().join("statement.xml");
    std::fs::write(&file, xml).unwrap();
    let r = json(&db, &["reconcile", file.to_str().unwrap(), "--json"], 0);
    assert_eq!(
        r["credits"][0]["match"],
        serde_json::json!({ "status": "matched", "receipt": sale["receipt"] }),
        "12.500 is €12.50"
    );
    assert_eq!(r["credits"].as_array().unwrap().len(), 1);
    assert_eq!(
        r["bad"],
        serde_json::json!([{
            "at": "entry 1",
            "reason": "amount '8.855': EUR has 2 decimals; the digits past them must be zeros"
        }])
    );
    assert_eq!(r["unpaid"].as_array().unwrap().len(), 0);

    let csv = db.dir.path().join("statement.csv");
    std::fs::write(
        &csv,
        format!("Amount;Reference\ntwelve;x\n12,50;{reference}\n"),
    )
    .unwrap();
    let r = json(
        &db,
        &[
            "reconcile",
            csv.to_str().unwrap(),
            "--delimiter",
            ";",
            "--json",
        ],
        0,
    );
    assert_eq!(r["credits"][0]["match"]["status"], "matched");
    assert_eq!(r["bad"][0]["at"], "line 2");
}

#[test]
fn payload_parse_reads_back_a_upi_link_and_names_a_bad_parameter() {
    let db = TestDb::new();
    let made = json(
        &db,
        &[
            "payload",
            "--scheme",
            "upi",
            "--vpa",
            "mara.vey@okaxis",
            "--name",
            "Mara Vey",
            "--amount",
            "149.5",
            "--ref",
            "ENC-7F3K2Q",
            "--json",
        ],
        0,
    );
    let link = made["payload"].as_str().unwrap();
    assert_eq!(
        link,
        "upi://pay?pa=mara.vey@okaxis&pn=Mara%20Vey&am=149.50&cu=INR&tn=ENC-7F3K2Q&tr=ENC-7F3K2Q"
    );
    let parsed = json(&db, &["payload", "--parse", link, "--json"], 0);
    assert_eq!(parsed["scheme"], "upi");
    let field = |name: &str| {
        parsed["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["value"].clone())
    };
    assert_eq!(field("pa payee address"), Some("mara.vey@okaxis".into()));
    assert_eq!(field("pn payee name"), Some("Mara Vey".into()));
    assert_eq!(field("am amount"), Some("149.50".into()));
    assert_eq!(field("tr transaction reference"), Some("ENC-7F3K2Q".into()));

    let bad = json(
        &db,
        &[
            "payload",
            "--parse",
            "upi://pay?pa=mara@okaxis&pn=Mara&am=8.855&cu=INR",
            "--json",
        ],
        1,
    );
    assert_eq!(bad["field"], "am");
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .starts_with("UPI parameter am: "),
        "{bad}"
    );
    let missing = json(
        &db,
        &["payload", "--parse", "upi://pay?pn=Mara&am=5", "--json"],
        1,
    );
    assert_eq!(missing["field"], "pa");
}
