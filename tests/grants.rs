//! Nobody gets past the creator PIN: every subcommand of the CLI is classified here as a
//! creator's or a helper's, so a new one cannot be added without deciding. Each creator
//! command takes the PIN the safe way (`--pin-stdin` or the terminal, never a flag value), and
//! is refused by the real binary without the PIN and with a wrong one, changing nothing.

mod support;

use std::process::{Command, Stdio};

use clap::CommandFactory;
use support::{TestDb, encore_in};

/// Changes prices, credit, offers, keys, PINs, payment settings, fees, rules or refunds, or
/// puts another database in place: the creator's.
const CREATOR: &[&str] = &[
    "refund",
    "pin set",
    "payment set",
    "lottery set",
    "lottery draw",
    "lottery end",
    "queue rules",
    "claim rotate-key",
    "catalogue import",
    "event new",
    "event open",
    "restore",
    "training on",
    "training off",
    "report z",
    "export",
    "serve",
    "pair",
];

/// Sells, runs the queue, redeems, reads or checks: a helper may.
const HELPER: &[&str] = &[
    "payload",
    "demo",
    "offers",
    "sell",
    "receipt",
    "claim verify",
    "claim redeem",
    "claim hand-over",
    "claim undo",
    "claim log",
    "claim pubkey",
    "catalogue export",
    "member add",
    "member list",
    "member card",
    "queue list",
    "queue next",
    "queue start",
    "queue serve",
    "queue noshow",
    "queue requeue",
    "queue undo",
    "queue priority",
    "queue stats",
    "drawer open",
    "drawer move",
    "drawer status",
    "drawer close",
    "payment show",
    "reconcile",
    "lottery enter",
    "lottery status",
    "lottery verify",
    "backup",
    "audit verify",
    "event list",
    "event show",
    "receipts",
    "invoice",
    "training status",
    "report x",
    "report event",
];

fn leaves(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, bool)>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix}{}", sub.get_name()).trim().to_string();
        if sub.has_subcommands() {
            leaves(sub, &format!("{name} "), out);
        } else {
            let takes_pin = sub.get_arguments().any(|a| a.get_id() == "pin_stdin");
            out.push((name, takes_pin));
        }
    }
}

#[test]
fn every_command_is_a_creator_s_or_a_helper_s_and_only_creator_commands_take_the_pin() {
    let mut all = Vec::new();
    leaves(&encore::cli::Args::command(), "", &mut all);
    for (name, takes_pin) in &all {
        let creator = CREATOR.contains(&name.as_str());
        assert!(
            creator || HELPER.contains(&name.as_str()),
            "`encore {name}` is new: say whether it needs the creator PIN (add it to CREATOR or HELPER)"
        );
        assert_eq!(
            *takes_pin, creator,
            "`encore {name}`: creator commands take the PIN with --pin-stdin, others take none"
        );
    }
    for name in CREATOR.iter().chain(HELPER) {
        assert!(
            all.iter().any(|(n, _)| n == name),
            "`encore {name}` is listed here but is no command"
        );
    }
}

/// A creator command with the arguments it needs to get as far as the PIN.
fn creator_args(db: &TestDb) -> Vec<Vec<String>> {
    let backup = db.dir.path().join("copy.db");
    std::fs::copy(&db.path, &backup).unwrap();
    // The pass that minted credit: a helper may not import it.
    let offers = db.dir.path().join("offers.csv");
    std::fs::write(
        &offers,
        "title,kind,price,vat,duration_mins,capacity,stock,go_live,close,per_fan_limit,lane,\
         priority_addon,emoji,colour,cost,pass_credit\n\
         Staff pass,item,0.00,0,,,,,,,,false,,,,99.00\n",
    )
    .unwrap();
    let args: &[&[&str]] = &[
        &["refund", "K1-000001"],
        &["pin", "set"],
        &[
            "payment",
            "set",
            "--scheme",
            "epc",
            "--name",
            "Someone",
            "--iban",
            "DE44 5001 0517 5407 3249 31",
        ],
        &[
            "lottery",
            "set",
            "5",
            "--enter-until",
            "23:00",
            "--window",
            "15",
        ],
        &["lottery", "draw", "5"],
        &["lottery", "end", "5"],
        &["queue", "rules", "--grace", "60"],
        &["claim", "rotate-key"],
        &["catalogue", "import", offers.to_str().unwrap()],
        &[
            "event",
            "new",
            "--name",
            "Rooftop",
            "--time-zone",
            "Europe/Berlin",
            "--currency",
            "EUR",
            "--vat-rates",
            "19",
        ],
        &["event", "open", "1"],
        &["restore", backup.to_str().unwrap()],
        &["training", "on"],
        &["training", "off"],
        &["report", "z"],
        &["export", "--format", "csv"],
        &["serve", "--bind", "127.0.0.1:0", "--no-mdns"],
        &["pair"],
    ];
    args.iter()
        .map(|a| a.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn changes(db: &TestDb) -> i64 {
    db.conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action <> 'pin.wrong'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn every_creator_command_is_refused_without_the_pin_and_with_a_wrong_one() {
    let db = TestDb::new();
    let clock = support::TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    support::sell(
        &mut pos,
        &[("Signed postcard", 1)],
        encore::domain::order::TenderKind::Cash,
    );
    let commands = creator_args(&db);
    assert_eq!(
        commands.len(),
        CREATOR.len(),
        "one line per creator command"
    );
    let before = changes(&db);
    for (n, args) in commands.iter().enumerate() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // No PIN at all: stdin is no terminal and --pin-stdin was not given.
        let out = Command::new(env!("CARGO_BIN_EXE_encore"))
            .arg("--db")
            .arg(&db.path)
            .args(&args)
            .arg("--json")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("needs the creator PIN"),
            "{args:?}: {stderr}"
        );
        // A wrong PIN.
        if n % 4 == 3 {
            // The right PIN after every four wrong ones keeps clear of the lock.
            pos.unlock(support::PIN).unwrap();
        }
        let with = [&args[..], &["--pin-stdin", "--json"]].concat();
        let out = encore_in(&db.path, &with, "135791\n135799\n135799\n");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("wrong creator PIN"), "{args:?}: {stdout}");
    }
    assert_eq!(changes(&db), before, "nothing changed");
}
