//! The CLI contract, through the real binary: JSON on stdout, exit 0 / 1 (refused) / 2 (usage).

mod support;

use std::process::{Command, Output};

use serde_json::Value;
use support::TestDb;

struct Cli {
    db: TestDb,
}

impl Cli {
    fn new() -> Cli {
        let cli = Cli { db: TestDb::new() };
        assert_eq!(cli.run(&["demo"]).status.code(), Some(0));
        cli
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_encore"))
            .arg("--db")
            .arg(&self.db.path)
            .args(args)
            .output()
            .unwrap()
    }
    /// Runs a creator command, the PIN(s) sent on stdin.
    fn run_in(&self, args: &[&str], stdin: &str) -> Output {
        support::encore_in(&self.db.path, args, stdin)
    }
    fn json(&self, args: &[&str], code: i32) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON value ({e})"))
    }
    /// A paid sale of one unit of the demo offer with this title, as JSON.
    fn sell(&self, title: &str, pay: &str) -> Value {
        let offer = self.offer(title);
        self.json(&["sell", "--offer", &offer, "--pay", pay, "--json"], 0)
    }

    fn offer(&self, title: &str) -> String {
        let offers = self.json(&["offers", "--json"], 0);
        offers
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["title"] == title)
            .unwrap()["id"]
            .to_string()
    }
}

#[test]
fn demo_is_idempotent_and_offers_follow_the_contract() {
    let cli = Cli::new();
    assert_eq!(cli.run(&["demo"]).status.code(), Some(0));
    let offers = cli.json(&["offers", "--json"], 0);
    let offers = offers.as_array().unwrap();
    assert_eq!(offers.len(), 10, "one demo, not two");
    let kinds: Vec<&str> = offers.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "gig").count(), 4);
    assert_eq!(kinds.iter().filter(|k| **k == "drop").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "item").count(), 4);
    for o in offers {
        assert!(o["id"].is_i64() && o["price_minor"].is_i64() && o["currency"] == "EUR");
        assert!(o["available"].is_null() == (o["kind"] == "item"));
    }
}

#[test]
fn a_qr_sale_issues_a_claim_and_a_ticket() {
    let cli = Cli::new();
    let gig = cli.offer("5-minute meet & greet");
    let sale = cli.json(&["sell", "--offer", &gig, "--pay", "qr", "--json"], 0);
    assert_eq!(sale["receipt"], "K1-000001");
    assert_eq!(
        (sale["total_minor"].as_i64(), sale["change_minor"].as_i64()),
        (Some(2500), Some(0))
    );
    assert_eq!(sale["currency"], "EUR");
    assert_eq!(sale["tickets"], serde_json::json!(["A-001"]));
    assert_eq!(sale["claims"].as_array().unwrap().len(), 1);
}

#[test]
fn cash_gives_change_and_sold_out_or_early_drops_are_refused() {
    let cli = Cli::new();
    let poster = cli.offer("Signed tour poster");
    let sale = cli.json(
        &[
            "sell",
            "--offer",
            &poster,
            "--pay",
            "cash",
            "--tendered",
            "20",
            "--json",
        ],
        0,
    );
    assert_eq!(
        (sale["total_minor"].as_i64(), sale["change_minor"].as_i64()),
        (Some(1250), Some(750))
    );
    let too_many = cli.json(
        &[
            "sell", "--offer", &poster, "--qty", "30", "--pay", "card", "--json",
        ],
        1,
    );
    assert_eq!(too_many["error"], "only 24 of Signed tour poster left");
    let over = cli.json(
        &[
            "sell", "--offer", &poster, "--qty", "3", "--pay", "card", "--json",
        ],
        1,
    );
    assert_eq!(over["error"], "Signed tour poster: 2 per fan");
    for _ in 0..12 {
        cli.json(
            &[
                "sell", "--offer", &poster, "--qty", "2", "--pay", "card", "--json",
            ],
            0,
        );
    }
    let sold_out = cli.json(&["sell", "--offer", &poster, "--pay", "card", "--json"], 1);
    assert_eq!(sold_out["error"], "Signed tour poster is sold out");
    let vinyl = cli.offer("Vinyl test pressing");
    let early = cli.json(&["sell", "--offer", &vinyl, "--pay", "card", "--json"], 1);
    assert!(
        early["error"]
            .as_str()
            .unwrap()
            .starts_with("Vinyl test pressing is not on sale yet: opens in 0")
    );
    let short = cli.json(
        &[
            "sell",
            "--offer",
            &cli.offer("Tour tote bag"),
            "--pay",
            "cash",
            "--tendered",
            "10",
            "--json",
        ],
        1,
    );
    assert_eq!(
        short["error"],
        "tendered €10.00 is less than the total €15.00"
    );
    let bad = cli.json(
        &[
            "sell",
            "--offer",
            &poster,
            "--pay",
            "cash",
            "--tendered",
            "1.250",
            "--json",
        ],
        1,
    );
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .starts_with("tendered: '1.250' is ambiguous")
    );
}

#[test]
fn a_claim_redeems_once_and_a_changed_character_is_invalid() {
    let cli = Cli::new();
    let sale = cli.sell("60-second shoutout", "card");
    let code = sale["claims"][0].as_str().unwrap().to_string();
    let valid = cli.json(&["claim", "verify", &code, "--json"], 0);
    assert_eq!(
        (valid["valid"].as_bool(), valid["title"].as_str()),
        (Some(true), Some("60-second shoutout"))
    );
    // Typed sloppily: lower case, dashes, O for 0.
    let sloppy = encore::domain::claim::grouped(&code)
        .to_lowercase()
        .replace('0', "o");
    let redeemed = cli.json(&["claim", "redeem", &sloppy, "--json"], 0);
    assert_eq!(
        (redeemed["redeemed"].as_bool(), redeemed["station"].as_str()),
        (Some(true), Some("K1"))
    );
    let again = cli.json(&["claim", "redeem", &code, "--json"], 1);
    let reason = again["error"].as_str().unwrap();
    assert!(
        reason.starts_with("already redeemed at ") && reason.contains("on station K1"),
        "{reason}"
    );
    let again = cli.run(&["claim", "verify", &code]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already redeemed at"));
    let mut chars: Vec<char> = code.chars().collect();
    chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
    let forged: String = chars.into_iter().collect();
    let invalid = cli.json(&["claim", "verify", &forged, "--json"], 1);
    assert_eq!(invalid["valid"].as_bool(), Some(false));
    assert!(
        invalid["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid claim code")
    );
}

#[test]
fn receipts_export_and_bad_usage_exits_2() {
    let cli = Cli::new();
    cli.sell("Signed postcard", "card");
    let pdf = cli.db.dir.path().join("latest.pdf");
    assert_eq!(
        cli.run(&["receipt", "latest", "-o", pdf.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    // The first print is the original, the next one a COPY.
    let again = cli.run(&["receipt", "K1-000001", "-o", pdf.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("K1-000001 (COPY) written"),
        "{again:?}"
    );
    let missing = cli.run(&["receipt", "K1-000009", "-o", pdf.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        cli.run(&["sell", "--offer", "1", "--pay", "bitcoin"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(cli.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn reconcile_matches_a_camt053_statement_to_qr_orders() {
    let cli = Cli::new();
    let paid = cli.sell("Signed tour poster", "qr");
    let unpaid = cli.sell("Tour tote bag", "qr");
    let reference = paid["payment_ref"].as_str().unwrap();
    let xml = format!(
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
        <Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-22</Dt></BookgDt>
        <NtryDtls><TxDtls><RmtInf><Ustrd>{}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
        <Ntry><Amt Ccy="EUR">9.99</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <NtryDtls><TxDtls><RmtInf><Ustrd>rent</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
        </Stmt></BkToCstmrStmt></Document>"#,
        reference.to_lowercase().replace('-', " ")
    );
    let file = cli.db.dir.path().join("statement.xml");
    std::fs::write(&file, xml).unwrap();
    let r = cli.json(&["reconcile", file.to_str().unwrap(), "--json"], 0);
    assert_eq!(
        r["credits"][0]["match"],
        serde_json::json!({ "status": "matched", "receipt": paid["receipt"] })
    );
    assert_eq!(r["credits"][1]["match"]["status"], "unmatched");
    assert_eq!(r["unpaid"].as_array().unwrap().len(), 1);
    assert_eq!(r["unpaid"][0]["receipt"], unpaid["receipt"]);
    std::fs::write(&file, "<nope/>").unwrap();
    let bad = cli.json(&["reconcile", file.to_str().unwrap(), "--json"], 1);
    assert_eq!(
        bad["error"],
        "not a camt.053 statement: no BkToCstmrStmt element"
    );
}

#[test]
fn the_creator_sets_the_payment_profile_and_the_next_qr_sale_uses_it() {
    let cli = Cli::new();
    let set = [
        "payment",
        "set",
        "--scheme",
        "epc",
        "--name",
        "Mara Vey Music",
        "--iban",
        "DE44 5001 0517 5407 3249 31",
    ];
    let wrong = cli.run_in(&[&set[..], &["--pin-stdin"]].concat(), "1111\n");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong creator PIN"));
    let bad = cli.run_in(
        &[
            "payment",
            "set",
            "--scheme",
            "epc",
            "--name",
            "M",
            "--iban",
            "DE44500105175407324932",
            "--pin-stdin",
        ],
        "2468\n",
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("IBAN: check digits are wrong"));
    assert_eq!(
        cli.run_in(&[&set[..], &["--pin-stdin"]].concat(), "2468\n")
            .status
            .code(),
        Some(0)
    );
    let shown = cli.json(&["payment", "show", "--json"], 0);
    assert_eq!(shown["payment"]["iban"], "DE44 5001 0517 5407 3249 31");
}

#[test]
fn sell_splits_the_tender_and_names_a_bad_part() {
    let cli = Cli::new();
    let tote = cli.offer("Tour tote bag");
    let sold = cli.json(
        &[
            "sell",
            "--offer",
            &tote,
            "--qty",
            "2",
            "--split",
            "card=10",
            "--pay",
            "cash",
            "--tendered",
            "50",
            "--json",
        ],
        0,
    );
    assert_eq!(sold["total_minor"], 3000);
    assert_eq!(sold["change_minor"], 3000);
    assert_eq!(
        sold["tenders"],
        serde_json::json!([
            { "method": "card", "tendered_minor": 1000, "change_minor": 0 },
            { "method": "cash", "tendered_minor": 5000, "change_minor": 3000 },
        ])
    );
    let bad = cli.json(
        &[
            "sell", "--offer", &tote, "--split", "cheque=5", "--pay", "cash", "--json",
        ],
        1,
    );
    assert_eq!(
        bad["error"],
        "split: unknown payment method 'cheque': use cash, qr, card or credit"
    );
    let whole = cli.json(
        &[
            "sell", "--offer", &tote, "--split", "card=15", "--pay", "cash", "--json",
        ],
        1,
    );
    assert!(
        whole["error"]
            .as_str()
            .unwrap()
            .contains("leaves nothing to pay"),
        "{whole}"
    );
}

#[test]
fn claim_pubkey_lets_another_machine_verify_a_code_without_the_database() {
    let cli = Cli::new();
    let sold = cli.sell("60-second shoutout", "cash");
    let code = sold["claims"][0].as_str().unwrap().to_string();
    let keys = cli.db.dir.path().join("keys.json");
    cli.json(&["claim", "pubkey", "-o", keys.to_str().unwrap()], 0);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&keys).unwrap()).unwrap();
    assert_eq!(file["format"], "encore-claim-keys/1");
    assert_eq!(file["keys"][0]["public_key"].as_str().unwrap().len(), 64);

    // No --db at all: the key file is everything this check has.
    let offline = |code: &str| {
        Command::new(env!("CARGO_BIN_EXE_encore"))
            .args([
                "claim",
                "verify",
                "--pubkey",
                keys.to_str().unwrap(),
                code,
                "--json",
            ])
            .env("XDG_DATA_HOME", cli.db.dir.path().join("nowhere"))
            .output()
            .unwrap()
    };
    let ok = offline(&code);
    assert_eq!(ok.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["title"], "60-second shoutout");
    assert_eq!(v["redemption"], "unknown");
    assert!(
        !cli.db.dir.path().join("nowhere").exists(),
        "no database was created"
    );
    let mut forged: Vec<char> = code.chars().collect();
    forged[100] = if forged[100] == 'A' { 'B' } else { 'A' };
    let bad = offline(&forged.into_iter().collect::<String>());
    assert_eq!(bad.status.code(), Some(1));

    // Redeem once, then the second attempt names when, where and who.
    let first = cli.run(&["--helper", "Sam", "claim", "redeem", &code]);
    assert_eq!(first.status.code(), Some(0));
    let again = cli.json(&["claim", "redeem", &code, "--json"], 1);
    assert!(
        again["error"]
            .as_str()
            .unwrap()
            .contains("on station K1 by Sam"),
        "{again}"
    );
    let log = cli.json(&["claim", "log", &code[..8], "--json"], 0);
    assert_eq!(log[0]["helper"], "Sam");

    // After a key rotation the old key file no longer knows new codes.
    assert_eq!(
        cli.run(&["claim", "rotate-key"]).status.code(),
        Some(1),
        "a helper cannot rotate the key"
    );
    assert_eq!(
        cli.run_in(&["claim", "rotate-key", "--pin-stdin"], "2468\n")
            .status
            .code(),
        Some(0)
    );
    let newer = cli.sell("60-second shoutout", "cash");
    let out = offline(newer["claims"][0].as_str().unwrap());
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("unknown signing key 1"),
        "{v}"
    );
}

#[test]
fn queue_commands_run_a_lane_from_the_shell() {
    let cli = Cli::new();
    let gig = cli.offer("60-second shoutout");
    cli.json(
        &[
            "sell", "--offer", &gig, "--qty", "3", "--pay", "card", "--json",
        ],
        0,
    );
    let list = cli.json(&["queue", "list", "--lane", "a", "--json"], 0);
    assert_eq!(list[0]["waiting"].as_array().unwrap().len(), 3);
    let next = cli.json(&["queue", "next", "--lane", "A", "--json"], 0);
    assert_eq!(next["ticket"], "A-001");
    assert_eq!(cli.run(&["queue", "start", "A-001"]).status.code(), Some(0));
    assert_eq!(cli.run(&["queue", "serve", "a1"]).status.code(), Some(0));
    assert_eq!(cli.run(&["queue", "undo", "A-001"]).status.code(), Some(0));
    assert_eq!(cli.run(&["queue", "serve", "A-001"]).status.code(), Some(0));
    cli.json(&["queue", "next", "--lane", "A", "--json"], 0);
    let early = cli.run(&["queue", "noshow", "A-002"]);
    assert_eq!(early.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&early.stderr).contains("grace time"));
    assert_eq!(
        cli.run(&["queue", "priority", "A-003"]).status.code(),
        Some(0)
    );
    assert_eq!(
        cli.run(&["queue", "requeue", "A-003"]).status.code(),
        Some(1)
    );
    cli.json(&["queue", "next", "--lane", "A", "--json"], 0);
    let empty = cli.json(&["queue", "next", "--lane", "A", "--json"], 1);
    assert_eq!(empty["error"], "nobody is waiting in lane A");
    let stats = cli.json(&["queue", "stats", "--json"], 0);
    let a = stats
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["lane"] == "A")
        .unwrap();
    assert_eq!(
        (a["tickets"].as_u64(), a["served"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(cli.run(&["queue", "serve", "Z-9"]).status.code(), Some(1));
    // The rules: shown to anyone, changed with the creator PIN.
    let rules = cli.run(&["queue", "rules"]);
    assert!(String::from_utf8_lossy(&rules.stdout).contains("one priority ticket per 3 regular"));
    assert_eq!(
        cli.run_in(
            &["queue", "rules", "--grace", "60", "--pin-stdin"],
            "1111\n"
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        cli.run_in(
            &["queue", "rules", "--grace", "60", "--pin-stdin"],
            "2468\n"
        )
        .status
        .code(),
        Some(0)
    );
    assert!(
        String::from_utf8_lossy(&cli.run(&["queue", "rules"]).stdout)
            .contains("no-show after 60 s")
    );
}

#[test]
fn queue_list_shows_a_lane_s_latest_no_shows_and_counts_the_earlier_ones() {
    let cli = Cli::new();
    let gig = cli.offer("60-second shoutout");
    cli.json(
        &[
            "sell", "--offer", &gig, "--qty", "8", "--pay", "card", "--json",
        ],
        0,
    );
    // No grace time, so the shell can mark no-shows at once.
    let grace = cli.run_in(&["queue", "rules", "--grace", "0", "--pin-stdin"], "2468\n");
    assert_eq!(grace.status.code(), Some(0));
    for n in 1..=7 {
        cli.json(&["queue", "next", "--lane", "A", "--json"], 0);
        let label = format!("A-{n:03}");
        assert_eq!(cli.run(&["queue", "noshow", &label]).status.code(), Some(0));
    }
    let text =
        String::from_utf8_lossy(&cli.run(&["queue", "list", "--lane", "A"]).stdout).into_owned();
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("no-show (back?"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        shown,
        ["A-007", "A-006", "A-005", "A-004", "A-003"],
        "{text}"
    );
    assert!(text.contains("A-008 waiting"), "{text}");
    assert!(text.contains("+2 earlier no-shows"), "{text}");
    let list = cli.json(&["queue", "list", "--lane", "A", "--json"], 0);
    assert_eq!(list[0]["no_shows"].as_array().unwrap().len(), 5);
    assert_eq!(list[0]["earlier_no_shows"], 2);
    // An earlier one comes back by number; the count follows.
    assert_eq!(
        cli.run(&["queue", "requeue", "A-001"]).status.code(),
        Some(0)
    );
    let list = cli.json(&["queue", "list", "--lane", "A", "--json"], 0);
    assert_eq!(list[0]["earlier_no_shows"], 1);
}

#[test]
fn catalogue_export_then_import_into_an_empty_event_gives_the_same_catalogue() {
    let cli = Cli::new();
    let dir = cli.db.dir.path();
    let json_file = dir.join("catalogue.json");
    let csv_file = dir.join("catalogue.csv");
    assert_eq!(
        cli.run(&["catalogue", "export", "-o", json_file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        cli.run(&[
            "catalogue",
            "export",
            "--format",
            "csv",
            "-o",
            csv_file.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    for file in [&json_file, &csv_file] {
        // An empty event in a new file, made as a creator scripts it.
        let empty = dir.join(format!(
            "empty-{}.db",
            file.extension().unwrap().to_str().unwrap()
        ));
        let run_with = |args: &[&str], stdin: &str| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_encore"))
                .arg("--db")
                .arg(&empty)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes());
            child.wait_with_output().unwrap()
        };
        let made = run_with(
            &[
                "event",
                "new",
                "--name",
                "New pop-up",
                "--venue",
                "Somewhere",
                "--time-zone",
                "Europe/Berlin",
                "--currency",
                "EUR",
                "--vat-rates",
                "19, 7",
                "--pin-stdin",
            ],
            "135790\n135790\n",
        );
        assert_eq!(made.status.code(), Some(0));
        let run = |args: &[&str]| run_with(args, "135790\n");
        let dry = run(&[
            "catalogue",
            "import",
            file.to_str().unwrap(),
            "--dry-run",
            "--json",
        ]);
        let dry: Value = serde_json::from_slice(&dry.stdout).unwrap();
        assert_eq!(
            (dry["valid"].as_u64(), dry["imported"].as_u64()),
            (Some(10), Some(0))
        );
        let done = run(&[
            "catalogue",
            "import",
            file.to_str().unwrap(),
            "--pin-stdin",
            "--json",
        ]);
        assert_eq!(done.status.code(), Some(0));
        let again = run(&["catalogue", "export"]);
        assert_eq!(
            String::from_utf8(again.stdout).unwrap().trim(),
            std::fs::read_to_string(&json_file).unwrap().trim(),
            "the same catalogue from {}",
            file.display()
        );
    }
}

#[test]
fn a_catalogue_with_bad_rows_names_each_line_and_imports_nothing() {
    let cli = Cli::new();
    let file = cli.db.dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "title,kind,price,vat,duration_mins,capacity,lane\n\
         Sticker,item,2.00,19,,,\n\
         Endless gig,gig,9.00,19,600,10,C\n\
         ,item,1.00,7,,,\n\
         Mug,item,abc,19,,,\n",
    )
    .unwrap();
    let before = cli.json(&["offers", "--json"], 0).as_array().unwrap().len();
    let out = cli.json(
        &["catalogue", "import", file.to_str().unwrap(), "--json"],
        1,
    );
    let lines: Vec<(u64, String)> = out["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        (3, "duration_mins: a gig lasts 1 to 240 minutes".to_string())
    );
    assert_eq!(
        lines[1],
        (4, "title: 1 to 80 characters (has 0)".to_string())
    );
    assert_eq!(lines[2].0, 5);
    assert!(lines[2].1.starts_with("price: "), "{}", lines[2].1);
    assert_eq!(
        cli.json(&["offers", "--json"], 0).as_array().unwrap().len(),
        before
    );
    // --skip-bad takes the good row (with the creator PIN: it writes).
    let mut child = Command::new(env!("CARGO_BIN_EXE_encore"))
        .arg("--db")
        .arg(&cli.db.path)
        .args([
            "catalogue",
            "import",
            file.to_str().unwrap(),
            "--skip-bad",
            "--pin-stdin",
            "--json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"2468\n").unwrap();
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0));
    let out: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(out["imported"], 1);
    assert_eq!(
        cli.json(&["offers", "--json"], 0).as_array().unwrap().len(),
        before + 1
    );
}

#[test]
fn members_are_added_listed_carded_and_recognised_when_selling() {
    let cli = Cli::new();
    let ana = cli.json(
        &[
            "member",
            "add",
            "Ana",
            "--contact",
            "+44 7700 900123",
            "--json",
        ],
        0,
    );
    let code = ana["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("M-") && code.len() == 11, "{code}");
    let twice = cli.json(
        &[
            "member",
            "add",
            "Ana",
            "--contact",
            "+447700900123",
            "--json",
        ],
        1,
    );
    assert!(
        twice["error"]
            .as_str()
            .unwrap()
            .starts_with("contact: already a member")
    );
    let poster = cli.offer("Signed tour poster");
    for expected in [0, 0, 1] {
        let out = cli.run(&[
            "sell", "--offer", &poster, "--pay", "card", "--fan", &code, "--json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(expected),
            "third poster is over the limit"
        );
    }
    let list = cli.json(&["member", "list", "--json"], 0);
    assert_eq!(list[0]["orders"], 2);
    let card = cli.db.dir.path().join("card.pdf");
    let out = cli.run(&["member", "card", &code, "-o", card.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read(&card).unwrap().starts_with(b"%PDF"));
}

/// Exactly one JSON value on stdout, whatever the exit code.
fn one_json_value(args: &[&str], out: &Output) -> Value {
    let mut values = serde_json::Deserializer::from_slice(&out.stdout).into_iter::<Value>();
    let first = values
        .next()
        .unwrap_or_else(|| panic!("{args:?}: nothing on stdout"))
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e})"));
    assert!(
        values.next().is_none(),
        "{args:?}: more than one JSON value"
    );
    first
}

#[test]
fn every_command_given_json_prints_exactly_one_json_value() {
    let cli = Cli::new();
    let dir = cli.db.dir.path();
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (pdf, card, missing) = (file("r.pdf"), file("card.pdf"), file("missing.csv"));
    let sale = cli.sell("60-second shoutout", "card");
    let code = sale["claims"][0].as_str().unwrap().to_string();
    let mut forged: Vec<char> = code.chars().collect();
    forged[40] = if forged[40] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    let poster = cli.offer("Signed tour poster");
    let epc = [
        "--scheme",
        "epc",
        "--name",
        "Mara Vey Music",
        "--iban",
        "DE44 5001 0517 5407 3249 31",
    ];
    let payload = [&["payload"][..], &epc, &["--amount", "5"]].concat();
    let payment = [&["payment", "set"][..], &epc, &["--pin-stdin"]].concat();
    // The same command with the flag first gets a wrong PIN (see `stdin` below).
    let wrong_payment = [&["payment", "set", "--pin-stdin"][..], &epc].concat();
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["demo"], 0),
        (vec!["offers"], 0),
        (vec!["sell", "--offer", &poster, "--pay", "card"], 0),
        (
            vec!["sell", "--offer", &poster, "--qty", "30", "--pay", "card"],
            1,
        ),
        (vec!["receipt", "latest", "-o", &pdf], 0),
        (vec!["receipt", "K1-000099", "-o", &pdf], 1),
        (vec!["claim", "verify", &code], 0),
        (vec!["claim", "verify", &forged], 1),
        (vec!["claim", "redeem", &code], 0),
        (vec!["claim", "redeem", &code], 1),
        (vec!["claim", "log"], 0),
        (vec!["claim", "pubkey"], 0),
        (vec!["queue", "list"], 0),
        (vec!["queue", "next", "--lane", "A"], 0),
        (vec!["queue", "start", "A-001"], 0),
        (vec!["queue", "serve", "Z-9"], 1),
        (vec!["queue", "rules"], 0),
        (vec!["queue", "stats"], 0),
        (vec!["drawer", "status"], 0),
        (vec!["drawer", "open", "--float", "100"], 0),
        (
            vec![
                "drawer",
                "move",
                "--amount",
                "-20",
                "--reason",
                "change run",
            ],
            0,
        ),
        (vec!["drawer", "close", "--counted", "80"], 0),
        (vec!["member", "add", "Ana"], 0),
        (vec!["member", "list"], 0),
        (vec!["member", "card", "M-0000-0000", "-o", &card], 1),
        (vec!["catalogue", "export"], 0),
        (vec!["catalogue", "import", &missing], 1),
        (vec!["reconcile", &missing], 1),
        (wrong_payment, 1),
        (payment, 0),
        (vec!["payment", "show"], 0),
        (vec!["lottery", "status"], 0),
        (vec!["lottery", "draw", &poster, "--pin-stdin"], 1),
        (vec!["pin", "set", "--pin-stdin"], 0),
        (vec!["refund", "K1-000001", "--pin-stdin"], 0),
        (vec!["refund", "K1-000001", "--pin-stdin"], 1),
        (payload, 0),
        (vec!["payload", "--parse", "000201265800"], 1),
    ];
    for (args, code) in cases {
        let args = [&args[..], &["--json"]].concat();
        // Creator commands read the PIN from stdin: the draw gets a wrong one, `pin set` gets
        // the new PIN and the demo's; after that the new PIN is the creator's.
        let stdin = match [args[0], args[1], args.get(2).copied().unwrap_or("")] {
            ["lottery", "draw", _] | ["payment", "set", "--pin-stdin"] => "1111\n",
            ["pin", "set", _] => "864213\n2468\n",
            ["refund", _, _] => "864213\n",
            _ => "2468\n",
        };
        let out = cli.run_in(&args, stdin);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let value = one_json_value(&args, &out);
        if code != 0 {
            assert!(value["error"].is_string(), "{args:?}: {value}");
        }
    }
}

#[test]
fn a_malformed_money_flag_is_bad_usage_naming_the_flag_and_the_rule() {
    let cli = Cli::new();
    let tote = cli.offer("Tour tote bag");
    for (flag, value) in [("--tendered", "12x"), ("--tip", "-1"), ("--split", "card")] {
        let given = format!("{flag}={value}");
        let args = ["sell", "--offer", &tote, "--pay", "cash", &given];
        let out = cli.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "no JSON was asked for");
        let args = [&args[..], &["--json"]].concat();
        let out = cli.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let refused = one_json_value(&args, &out);
        assert_eq!(refused["field"], flag, "{refused}");
    }
    let out = cli.run(&[
        "sell",
        "--offer",
        &tote,
        "--pay",
        "cash",
        "--tendered",
        "12x",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("'x' is not allowed in an amount"),
        "the rule is named"
    );
    for args in [
        ["drawer", "open", "--float", "ten"],
        ["drawer", "close", "--counted", "1,2x"],
    ] {
        assert_eq!(cli.run(&args).status.code(), Some(2), "{args:?}");
    }
    // Whether 1.250 is ambiguous depends on the event's currency: a refusal, exit 1.
    let bad = cli.json(
        &[
            "sell",
            "--offer",
            &tote,
            "--pay",
            "cash",
            "--tendered",
            "1.250",
            "--json",
        ],
        1,
    );
    assert_eq!(bad["field"], "tendered");
}
