//! `kill -9` during a burst of sales and refunds by the real binary, two stations at once on one
//! file. Every sale is retried with its `--order-id` until it answers, every refund until it
//! answers; then the database must hold exactly the answered sales, each complete, with
//! gap-free receipt numbers, stock conserved, refunds within what was paid and an intact file.
//!
//! The kill moments come from a seeded RNG (the seed is printed; `ENCORE_CRASH_SEED=N` runs
//! with it again). Where a kill lands still depends on timing, the assertions never do.
#![cfg(unix)]

#[path = "crash/checks.rs"]
mod checks;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_encore");
/// The demo event's creator PIN (src/service/demo.rs).
const CREATOR_PIN: &str = "2468";
const STATIONS: [&str; 2] = ["K1", "K2"];
/// Intended sales per station; with the kills and retries about 150 kills in all.
const SALES_PER_STATION: usize = 60;
/// The chance that a run is killed; after `MAX_KILLS` kills an operation runs to its answer.
const KILL_CHANCE: f64 = 0.75;
const MAX_KILLS: u32 = 6;
/// A refund's PIN attempt cut short by a kill counts as a wrong PIN (a kill must not dodge the
/// count), and five in a row on any station lock typing for the event: refunds are made at one
/// station only, killed at most four times in a row.
const MAX_REFUND_KILLS: u32 = 4;
/// The chance that a sale is followed by a whole refund of one of the station's receipts.
const REFUND_CHANCE: f64 = 0.2;
/// The station that refunds (see `MAX_REFUND_KILLS`).
const REFUND_STATION: &str = "K1";
/// What the burst sells: gigs (claims and tickets), a drop (stock that runs out) and items.
const TITLES: [&str; 5] = [
    "60-second shoutout",
    "5-minute meet & greet",
    "Signed tour poster",
    "Signed postcard",
    "Tour tote bag",
];

/// One offer as `encore offers` lists it before the burst.
#[derive(Debug, Clone)]
struct Shelf {
    id: i64,
    kind: String,
    initial: Option<i64>,
}

/// What one intended sale asks for; its retries ask for exactly the same.
#[derive(Debug, Clone)]
struct Ask {
    order_id: String,
    offer: i64,
    qty: u32,
    args: Vec<String>,
    /// Runs of it so far.
    runs: u32,
}

/// A sale that answered (exit 0), with its JSON.
struct Answered {
    ask: Ask,
    body: Value,
}

/// What the kills did.
#[derive(Debug, Default)]
struct Tally {
    kills: u32,
    /// Kills drawn that came after the run had exited.
    late: u32,
    /// Intended sales whose killed run had committed without answering: the retry replayed.
    committed_unanswered: u32,
    /// Of those, sales a fresh reader did not see right after the kill: the run was killed
    /// after writing its commit to the WAL and before indexing it, and the sale surfaced when
    /// the next connection recovered the WAL.
    surfaced_later: u32,
    /// Of those, runs killed after printing their answer (before they exited).
    printed_then_killed: u32,
    refused_sales: u32,
    refund_kills: u32,
    /// Refunds whose killed run had committed: the retry was refused as refunded already.
    refunds_committed_unanswered: u32,
}

/// How one run of the binary ended.
enum Run {
    Killed {
        stdout: Vec<u8>,
    },
    Exited {
        code: i32,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
}

/// One station's share of the burst.
struct Worker<'a> {
    station: &'static str,
    db: &'a Path,
    shelf: &'a [Shelf],
    rng: StdRng,
    /// How long runs that were not killed took, in ms, per command (`sell`, `refund`): a kill
    /// waits a random part of a typical run, so kills land all over it, the commit included.
    lives: BTreeMap<String, Vec<u64>>,
    tally: Tally,
    sales: Vec<Answered>,
    /// Order ids of the intended sales that were refused (a drop sold out).
    refused: Vec<String>,
    /// Receipt → refund number, for the refunds that answered.
    refunds: BTreeMap<String, String>,
}

impl Worker<'_> {
    /// Runs `args` at this station; with `kill`, SIGKILLs it after a random part of a run.
    fn run(&mut self, args: &[String], stdin: Option<&str>, kill: bool) -> Run {
        // Half the kills anywhere in a run, half near its end, where the commit is.
        let life = self.typical_life(&args[0]);
        let delay = if self.rng.gen_bool(0.5) {
            self.rng.gen_range(0..=life)
        } else {
            self.rng.gen_range(life * 3 / 5..=life * 11 / 10)
        };
        let started = Instant::now();
        let mut child = Command::new(BIN)
            .arg("--db")
            .arg(self.db)
            .args(["--station", self.station])
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // A child killed before it reads its stdin closes the pipe: nothing to report.
            let _ = pipe.write_all(text.as_bytes());
        }
        if kill {
            std::thread::sleep(Duration::from_millis(delay));
            // On Unix this is SIGKILL; a child that exited already is not killed.
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        match (out.status.signal(), out.status.code()) {
            (Some(_), _) => Run::Killed { stdout: out.stdout },
            (None, Some(code)) => {
                let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                self.lives.entry(args[0].clone()).or_default().push(ms);
                Run::Exited {
                    code,
                    stdout: out.stdout,
                    stderr: out.stderr,
                }
            }
            (None, None) => panic!("{args:?}: neither an exit code nor a signal"),
        }
    }

    /// The median of the last runs of `command` that were not killed (40 ms before any).
    fn typical_life(&self, command: &str) -> u64 {
        let Some(lives) = self.lives.get(command) else {
            return 40;
        };
        let mut last: Vec<u64> = lives.iter().rev().take(9).copied().collect();
        last.sort_unstable();
        last[last.len() / 2]
    }

    /// A new intended sale: a fresh order id, an offer, 1–2 units, a way to pay.
    fn ask(&mut self) -> Ask {
        let order_id = uuid::Uuid::now_v7().to_string();
        let shelf = &self.shelf[self.rng.gen_range(0..self.shelf.len())];
        let qty: u32 = self.rng.gen_range(1..=2);
        let mut args: Vec<String> = ["sell", "--offer", &shelf.id.to_string()]
            .into_iter()
            .map(String::from)
            .collect();
        args.extend(["--qty".into(), qty.to_string(), "--pay".into()]);
        match self.rng.gen_range(0..3) {
            0 => args.extend(["cash".into(), "--tendered".into(), "50".into()]),
            1 => args.push("card".into()),
            _ => args.push("qr".into()),
        }
        if self.rng.gen_bool(0.25) {
            args.extend(["--tip".into(), "1".into()]);
        }
        args.extend(["--order-id".into(), order_id.clone(), "--json".into()]);
        Ask {
            order_id,
            offer: shelf.id,
            qty,
            args,
            runs: 0,
        }
    }

    /// Runs one intended sale until it answers: killed runs are retried with the same order
    /// id. A sale seen in the file must come back as a replay, never as a refusal or a second
    /// sale; the first run of an order id is never a replay.
    fn sell(&mut self, mut ask: Ask, may_kill: bool) {
        let (mut kills, mut seen, mut printed) = (0, false, false);
        loop {
            let first_run = ask.runs == 0;
            ask.runs += 1;
            let kill = may_kill && kills < MAX_KILLS && self.rng.gen_bool(KILL_CHANCE);
            let run = self.run(&ask.args, None, kill);
            self.tally.late += u32::from(kill && matches!(run, Run::Exited { .. }));
            let (code, stdout, stderr) = match run {
                Run::Killed { stdout } => {
                    kills += 1;
                    self.tally.kills += 1;
                    printed |= !stdout.is_empty();
                    seen |= order_exists(self.db, &ask.order_id);
                    continue;
                }
                Run::Exited {
                    code,
                    stdout,
                    stderr,
                } => (code, stdout, stderr),
            };
            let body: Value = serde_json::from_slice(&stdout)
                .unwrap_or_else(|_| panic!("{:?}: {}", ask.args, String::from_utf8_lossy(&stderr)));
            let id = &ask.order_id;
            match code {
                0 => {
                    let replayed = body["replayed"].as_bool().unwrap();
                    assert!(
                        !(first_run && replayed),
                        "{id}: a first run replayed: {body}"
                    );
                    assert!(replayed || !seen, "{id}: sold twice: {body}");
                    if replayed && kills > 0 {
                        self.tally.committed_unanswered += 1;
                        self.tally.surfaced_later += u32::from(!seen);
                        self.tally.printed_then_killed += u32::from(printed);
                    }
                    self.sales.push(Answered { ask, body });
                }
                1 => {
                    assert!(!seen, "{id}: sold, then refused on retry: {body}");
                    self.tally.refused_sales += 1;
                    self.refused.push(ask.order_id);
                }
                _ => panic!("{:?}: exit {code}: {body}", ask.args),
            }
            return;
        }
    }

    /// Refunds one of this station's answered, unrefunded receipts in whole, retried until it
    /// answers: after a killed run that committed, the retry is refused as refunded already,
    /// and a refund seen in the file is never made twice.
    fn refund(&mut self) {
        let open: Vec<(String, String)> = self
            .sales
            .iter()
            .map(|s| {
                (
                    s.body["receipt"].as_str().unwrap().to_string(),
                    s.ask.order_id.clone(),
                )
            })
            .filter(|(receipt, _)| !self.refunds.contains_key(receipt))
            .collect();
        if open.is_empty() {
            return;
        }
        let (receipt, order_id) = open[self.rng.gen_range(0..open.len())].clone();
        let args: Vec<String> = vec![
            "refund".into(),
            receipt.clone(),
            "--pin-stdin".into(),
            "--json".into(),
        ];
        let pin_line = format!("{CREATOR_PIN}\n");
        let stdin = Some(pin_line.as_str());
        let mut kills = 0;
        loop {
            let before = refunds_of(self.db, &order_id).len();
            let kill = kills < MAX_REFUND_KILLS && self.rng.gen_bool(KILL_CHANCE);
            let run = self.run(&args, stdin, kill);
            self.tally.late += u32::from(kill && matches!(run, Run::Exited { .. }));
            let Run::Exited {
                code,
                stdout,
                stderr,
            } = run
            else {
                kills += 1;
                self.tally.kills += 1;
                self.tally.refund_kills += 1;
                continue;
            };
            let body: Value = serde_json::from_slice(&stdout)
                .unwrap_or_else(|_| panic!("{args:?}: {}", String::from_utf8_lossy(&stderr)));
            let error = body["error"].as_str().unwrap_or_default();
            let number = match code {
                0 => {
                    assert_eq!(before, 0, "{receipt}: refunded twice: {body}");
                    body["refund"].as_str().unwrap().to_string()
                }
                // A killed run had refunded it (perhaps unseen until the WAL was recovered).
                1 if kills > 0 && error.contains("refunded already") => {
                    self.tally.refunds_committed_unanswered += 1;
                    refunds_of(self.db, &order_id).remove(0)
                }
                _ => panic!("{receipt}: exit {code} after {kills} kill(s): {body}"),
            };
            self.refunds.insert(receipt, number);
            return;
        }
    }

    /// The station's burst: one sale run to its answer and once more (a retry that replays,
    /// whatever the kills below do); then the sales and refunds, killed at random.
    fn burst(&mut self) {
        // The first answered sale (a random ask may be refused: a drop not live yet).
        let first = loop {
            let ask = self.ask();
            self.sell(ask.clone(), false);
            if !self.sales.is_empty() {
                break ask;
            }
        };
        self.sell(Ask { runs: 1, ..first }, false);
        let (again, sold) = (self.sales.pop().unwrap(), &self.sales[0]);
        assert_eq!(again.body["replayed"], true, "a second run replays");
        for key in ["receipt", "claims", "tickets", "tenders", "total_minor"] {
            assert_eq!(
                again.body[key], sold.body[key],
                "the replay answers with the sale"
            );
        }
        for _ in 1..SALES_PER_STATION {
            let ask = self.ask();
            self.sell(ask, true);
            if self.station == REFUND_STATION && self.rng.gen_bool(REFUND_CHANCE) {
                self.refund();
            }
        }
    }
}

/// Whether the order is in the file. Each look opens its own connection and closes it: a
/// connection kept open would stop the binary from checkpointing when it closes the store,
/// as it does when it is the file's only user, and that checkpoint is part of what a kill hits.
fn order_exists(db: &Path, order_id: &str) -> bool {
    let conn = Connection::open(db).unwrap();
    conn.query_row("SELECT 1 FROM orders WHERE id = ?1", [order_id], |_| Ok(()))
        .optional()
        .unwrap()
        .is_some()
}

/// The refund numbers of an order (`K1-R000001`), oldest first.
fn refunds_of(db: &Path, order_id: &str) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT s.code, r.refund_seq FROM refunds r JOIN stations s ON s.id = r.station_id
             WHERE r.order_id = ?1 ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([order_id], |r| {
        Ok(format!(
            "{}-R{:06}",
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The demo event made by the binary, and its shelf before any sale.
fn demo(db: &Path) -> Vec<Shelf> {
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    run(&["demo"]);
    let offers: Value = serde_json::from_slice(&run(&["offers", "--json"])).unwrap();
    TITLES
        .iter()
        .map(|title| {
            let o = offers
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["title"] == *title)
                .unwrap();
            Shelf {
                id: o["id"].as_i64().unwrap(),
                kind: o["kind"].as_str().unwrap().to_string(),
                initial: o["available"].as_i64(),
            }
        })
        .collect()
}

#[test]
fn sales_and_refunds_killed_at_random_leave_a_whole_database() {
    let seed = std::env::var("ENCORE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| u64::from(jiff::Timestamp::now().subsec_nanosecond().unsigned_abs()));
    println!("crash test seed {seed} (ENCORE_CRASH_SEED={seed} runs it again)");
    let started = Instant::now();
    let db = support::TestDb::new();
    let shelf = demo(&db.path);
    let mut workers: Vec<Worker<'_>> = STATIONS
        .iter()
        .zip(0u64..)
        .map(|(station, n)| Worker {
            station,
            db: &db.path,
            shelf: &shelf,
            rng: StdRng::seed_from_u64(seed.wrapping_add(n)),
            lives: BTreeMap::new(),
            tally: Tally::default(),
            sales: Vec::new(),
            refused: Vec::new(),
            refunds: BTreeMap::new(),
        })
        .collect();
    std::thread::scope(|s| {
        for w in &mut workers {
            s.spawn(|| w.burst());
        }
    });
    for w in &workers {
        let typical = ["sell", "refund"].map(|c| w.typical_life(c));
        println!(
            "{}: sell/refund runs {typical:?} ms, {:?}",
            w.station, w.tally
        );
    }
    let kills: u32 = workers.iter().map(|w| w.tally.kills).sum();
    let mid: u32 = workers.iter().map(|w| w.tally.committed_unanswered).sum();
    println!("{kills} kills, {mid} after a sale committed and before it answered");
    let conn = Connection::open(&db.path).unwrap();
    checks::file(&conn);
    let sales: Vec<&Answered> = workers.iter().flat_map(|w| &w.sales).collect();
    let refused: BTreeSet<&String> = workers.iter().flat_map(|w| &w.refused).collect();
    let surfaced = checks::answered(&conn, &sales, &refused);
    println!("{surfaced} refused retries whose killed run's sale surfaced afterwards");
    checks::orders_whole(&conn, &shelf);
    checks::numbers(&conn);
    checks::stock(&conn, &shelf);
    let refunds: BTreeMap<&String, &String> = workers.iter().flat_map(|w| &w.refunds).collect();
    checks::refunds(&conn, &refunds);
    println!(
        "burst and checks took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
