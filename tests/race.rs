//! Two `encore` processes race for the last units of a drop on the same file: exactly the stock
//! is sold, never more. Drives the real binary.

mod support;

use std::process::{Command, Stdio};

use support::TestDb;

#[test]
fn two_processes_never_oversell_a_drop() {
    let db = TestDb::new();
    let bin = env!("CARGO_BIN_EXE_encore");
    let dbp = db.path.to_str().unwrap();
    assert!(
        Command::new(bin)
            .args(["--db", dbp, "demo"])
            .status()
            .unwrap()
            .success()
    );
    // Signed tour poster: 25 in stock and live. Each process tries 20 single sales.
    let poster = "4";
    let children: Vec<_> = ["K1", "K2"]
        .iter()
        .map(|station| {
            let script = format!(
                "ok=0; for i in $(seq 1 20); do {bin} --db {dbp} --station {station} sell --offer {poster} --pay card --json >/dev/null 2>&1 && ok=$((ok+1)); done; echo $ok"
            );
            Command::new("sh").arg("-c").arg(script).stdout(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let sold: u32 = children
        .into_iter()
        .map(|c| {
            String::from_utf8(c.wait_with_output().unwrap().stdout)
                .unwrap()
                .trim()
                .parse::<u32>()
                .unwrap()
        })
        .sum();
    assert_eq!(sold, 25, "exactly the stock is sold");
    let out = Command::new(bin)
        .args(["--db", dbp, "offers", "--json"])
        .output()
        .unwrap();
    let offers: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let left = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == 4)
        .unwrap()["available"]
        .as_i64();
    assert_eq!(left, Some(0));
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let (orders, claims): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM claims)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((orders, claims), (25, 25));
}

#[test]
fn two_processes_calling_next_never_call_the_same_ticket() {
    let db = TestDb::new();
    // The binary below reads the real clock: the sale must be made on the same clock, or
    // its tickets and claim codes are judged at a time far from when they were issued.
    let clock = support::TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    support::sell(
        &mut pos,
        &[("60-second shoutout", 20)],
        encore::domain::order::TenderKind::Card,
    );
    drop(pos);
    let bin = env!("CARGO_BIN_EXE_encore");
    let dbp = db.path.to_str().unwrap();
    // Each station calls until the lane is empty (exit 1), printing every label it got.
    let children: Vec<_> = ["K1", "K2"]
        .iter()
        .map(|station| {
            let script = format!(
                "while {bin} --db {dbp} --station {station} queue next --lane A; do :; done 2>/dev/null"
            );
            Command::new("sh").arg("-c").arg(script).stdout(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let mut called: Vec<String> = children
        .into_iter()
        .flat_map(|c| {
            String::from_utf8(c.wait_with_output().unwrap().stdout)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    called.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("A-{n:03}")).collect();
    assert_eq!(called, expected, "every ticket called exactly once");
}

#[test]
fn two_processes_redeeming_the_same_code_at_once_only_one_succeeds() {
    let db = TestDb::new();
    // The binary below reads the real clock: the sale must be made on the same clock, or
    // its tickets and claim codes are judged at a time far from when they were issued.
    let clock = support::TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    let sold = support::sell(
        &mut pos,
        &[("60-second shoutout", 12)],
        encore::domain::order::TenderKind::Card,
    );
    drop(pos);
    let bin = env!("CARGO_BIN_EXE_encore");
    let dbp = db.path.to_str().unwrap();
    for claim in &sold.claims {
        let children: Vec<_> = ["K1", "K2"]
            .iter()
            .map(|station| {
                Command::new(bin)
                    .args([
                        "--db",
                        dbp,
                        "--station",
                        station,
                        "claim",
                        "redeem",
                        &claim.code,
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let ok = children
            .into_iter()
            .map(|mut c| c.wait().unwrap().success())
            .filter(|s| *s)
            .count();
        assert_eq!(ok, 1, "exactly one station redeems {}", claim.code);
    }
}
