//! The store on a real SQLite file: migrations, refusing a newer schema, atomic sales.

mod support;

use encore::domain::money::{Currency, Money};
use encore::domain::order::TenderKind;
use encore::service::{PosError, SaleRequest};
use encore::store::{SCHEMA_VERSION, Store, StoreError};
use support::{TestClock, TestDb, offer_id};

#[test]
fn a_new_file_is_migrated_with_wal_and_foreign_keys() {
    let db = TestDb::new();
    let store = Store::open(&db.path).unwrap();
    let conn = store.conn();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(
        (version, mode.as_str(), fk, sync),
        (SCHEMA_VERSION, "wal", 1, 2)
    );
    drop(store);
    Store::open(&db.path).unwrap();
}

#[test]
fn a_database_from_a_newer_encore_is_refused() {
    let db = TestDb::new();
    drop(Store::open(&db.path).unwrap());
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    match Store::open(&db.path) {
        Err(e @ StoreError::SchemaTooNew { .. }) => {
            assert!(e.to_string().contains("newer Encore"), "{e}")
        }
        Err(e) => panic!("wrong error {e}"),
        Ok(_) => panic!("a newer schema was opened"),
    }
}

fn count(db: &TestDb, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Row counts of every table a sale writes.
fn sale_rows(db: &TestDb) -> Vec<i64> {
    [
        "orders",
        "order_lines",
        "tenders",
        "claims",
        "tickets",
        "audit_log",
    ]
    .iter()
    .map(|t| count(db, t))
    .collect()
}

#[test]
fn a_failed_sale_leaves_nothing_behind() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let poster = offer_id(&pos, "Signed tour poster");
    let shoutout = offer_id(&pos, "60-second shoutout");
    let before = sale_rows(&db);
    // Passes the stock checks and takes units, then fails on too little cash: all must roll back.
    let req = SaleRequest {
        checkout: pos.start_checkout().unwrap(),
        items: vec![(shoutout, 1), (poster, 2)],
        tender: TenderKind::Cash,
        tendered: Some(Money::new(100, Currency::Eur)),
    };
    assert!(matches!(pos.sell(&req), Err(PosError::Tender(_))));
    let after = sale_rows(&db);
    assert_eq!(before, after);
    let offers = pos.offers().unwrap();
    assert_eq!(
        offers.iter().find(|o| o.id == poster).unwrap().remaining,
        Some(25)
    );
    // The receipt counter did not move either: the next sale is K1-000001.
    let ok = SaleRequest {
        tendered: None,
        ..req
    };
    assert_eq!(pos.sell(&ok).unwrap().number.to_string(), "K1-000001");
}

#[test]
fn receipt_numbers_are_gap_free_per_station_and_retries_do_not_sell_twice() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut k1 = db.pos_at("K1", &clock);
    let mut k2 = db.pos_at("K2", &clock);
    let item = offer_id(&k1, "Signed postcard");
    let sell = |pos: &mut encore::service::Pos| {
        let req = SaleRequest {
            checkout: pos.start_checkout().unwrap(),
            items: vec![(item, 1)],
            tender: TenderKind::Card,
            tendered: None,
        };
        let first = pos.sell(&req).unwrap();
        let retried = pos.sell(&req).unwrap();
        assert_eq!(
            first, retried,
            "a retried checkout must return the same receipt"
        );
        first.number.to_string()
    };
    assert_eq!(sell(&mut k1), "K1-000001");
    assert_eq!(sell(&mut k2), "K2-000001");
    assert_eq!(sell(&mut k1), "K1-000002");
    assert_eq!(count(&db, "orders"), 3);
}
