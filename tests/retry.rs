//! A sale retried with its order id: the first sale's receipt comes back and nothing is sold
//! twice; the same order id with other terms is refused. Through the service and the binary.

mod support;

use std::process::{Command, Output};

use encore::domain::money::Money;
use encore::domain::order::TenderKind;
use encore::service::{PosError, SaleRequest};
use serde_json::Value;
use support::{TestClock, TestDb, offer_id, remaining};

#[test]
fn the_service_answers_a_retried_order_id_with_its_first_sale() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let poster = offer_id(&pos, "Signed tour poster");
    let req = SaleRequest::new(
        pos.start_checkout().unwrap(),
        vec![(poster, 2)],
        TenderKind::Card,
    );
    let first = pos.sell_once(&req).unwrap();
    assert!(!first.replayed);
    let again = pos.sell_once(&req).unwrap();
    assert!(again.replayed);
    assert_eq!(again.receipt.number, first.receipt.number);
    assert_eq!(again.receipt.claims, first.receipt.claims);
    assert_eq!(remaining(&pos, "Signed tour poster"), Some(23));
    // A retry from a fresh process makes a new payment reference: still the same sale.
    let retried = SaleRequest {
        checkout: encore::service::Checkout {
            payment_ref: pos.start_checkout().unwrap().payment_ref,
            ..req.checkout.clone()
        },
        ..req.clone()
    };
    assert_eq!(
        pos.sell_once(&retried).unwrap().receipt.number,
        first.receipt.number
    );
    assert_eq!(remaining(&pos, "Signed tour poster"), Some(23));
    assert_eq!(pos.recent_orders(10).unwrap().len(), 1);
}

#[test]
fn the_same_order_id_with_other_terms_is_refused_never_answered_with_the_other_sale() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let poster = offer_id(&pos, "Signed tour poster");
    let req = SaleRequest::new(
        pos.start_checkout().unwrap(),
        vec![(poster, 2)],
        TenderKind::Card,
    );
    let first = pos.sell(&req).unwrap();
    let other_terms = [
        SaleRequest {
            items: vec![(poster, 1)],
            ..req.clone()
        },
        SaleRequest {
            items: vec![(offer_id(&pos, "Signed postcard"), 2)],
            ..req.clone()
        },
        SaleRequest {
            tender: TenderKind::Cash,
            ..req.clone()
        },
        SaleRequest {
            tip: Some(Money::new(100, pos.event().currency)),
            ..req.clone()
        },
        SaleRequest {
            fan: Some("+49 170 1234567".into()),
            ..req.clone()
        },
    ];
    for other in &other_terms {
        match pos.sell(other) {
            Err(PosError::Invalid(f)) => {
                assert_eq!(f.field, "order id");
                assert!(f.rule.contains(&first.number.to_string()), "{f}");
            }
            got => panic!("another sale under the same order id: {got:?}"),
        }
    }
    assert_eq!(remaining(&pos, "Signed tour poster"), Some(23));
    assert_eq!(pos.recent_orders(10).unwrap().len(), 1);
}

struct Cli {
    db: TestDb,
}

impl Cli {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_encore"))
            .arg("--db")
            .arg(&self.db.path)
            .args(args)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str], code: i32) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db.path).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

#[test]
fn a_cli_sale_retried_with_its_order_id_returns_the_same_receipt() {
    let cli = Cli { db: TestDb::new() };
    assert_eq!(cli.run(&["demo"]).status.code(), Some(0));
    // 5-minute meet & greet: a gig, so the sale has a claim code and a queue ticket.
    let id = "0192f4c8-7b1e-7c3a-9d5e-2f4a6b8c0d1e";
    let first = cli.json(&sell("2", "card", id), 0);
    assert_eq!(
        (first["replayed"].as_bool(), first["order_id"].as_str()),
        (Some(false), Some(id))
    );
    // The same id typed in capitals is the same order.
    let upper = id.to_uppercase();
    let second = cli.json(&sell("2", "card", &upper), 0);
    assert_eq!(second["replayed"], true);
    for key in [
        "receipt",
        "claims",
        "tickets",
        "total_minor",
        "tenders",
        "payment_ref",
        "order_id",
    ] {
        assert_eq!(second[key], first[key], "{key}");
    }
    assert_eq!(first["claims"].as_array().unwrap().len(), 2);
    assert_eq!(cli.count("SELECT remaining FROM offers WHERE id = 2"), 38);
    assert_eq!(cli.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(
        cli.count("SELECT count(*) FROM audit_log WHERE action = 'sale'"),
        1
    );
    assert_eq!(cli.count("SELECT count(*) FROM tickets"), 2);
    // The same id with other content is refused, naming the flag; nothing changes.
    for other in [sell("1", "card", id), sell("2", "cash", id)] {
        let refused = cli.json(&other, 1);
        assert_eq!(refused["field"], "--order-id", "{refused}");
        assert!(
            refused["error"].as_str().unwrap().contains("K1-000001"),
            "{refused}"
        );
    }
    let mut postcard = sell("2", "card", id);
    postcard[2] = "6";
    assert_eq!(cli.json(&postcard, 1)["field"], "--order-id");
    assert_eq!(cli.count("SELECT remaining FROM offers WHERE id = 2"), 38);
    assert_eq!(cli.count("SELECT count(*) FROM orders"), 1);
    // A new id is a new sale.
    let next = cli.json(
        &sell("2", "card", "0192f4c8-7b1e-7c3a-9d5e-2f4a6b8c0d1f"),
        0,
    );
    assert_eq!(
        (next["receipt"].as_str(), next["replayed"].as_bool()),
        (Some("K1-000002"), Some(false))
    );
}

/// `encore sell` of the meet & greet (offer 2) under `order`.
fn sell<'a>(qty: &'a str, pay: &'a str, order: &'a str) -> Vec<&'a str> {
    vec![
        "sell",
        "--offer",
        "2",
        "--qty",
        qty,
        "--pay",
        pay,
        "--order-id",
        order,
        "--json",
    ]
}

#[test]
fn a_malformed_order_id_is_bad_usage_naming_the_flag() {
    let cli = Cli { db: TestDb::new() };
    assert_eq!(cli.run(&["demo"]).status.code(), Some(0));
    for bad in [
        "42",
        "0192f4c8-7b1e-7c3a-9d5e",
        "00000000-0000-0000-0000-000000000000",
    ] {
        let refused = cli.json(
            &[
                "sell",
                "--offer",
                "1",
                "--pay",
                "card",
                "--order-id",
                bad,
                "--json",
            ],
            2,
        );
        assert_eq!(refused["field"], "--order-id", "{refused}");
        assert!(
            refused["error"].as_str().unwrap().contains("UUID"),
            "{refused}"
        );
    }
    assert_eq!(cli.count("SELECT count(*) FROM orders"), 0);
}
