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
