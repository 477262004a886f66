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
        tendered: Some(Money::new(100, Currency::Eur)),
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(shoutout, 1), (poster, 2)],
            TenderKind::Cash,
        )
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
        parts: Vec::new(),
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
        let req = SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(item, 1)],
            TenderKind::Card,
        );
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

#[test]
fn holds_expire_and_a_paid_checkout_uses_its_own_hold() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut k1 = db.pos_at("K1", &clock);
    let mut k2 = db.pos_at("K2", &clock);
    let poster = offer_id(&k1, "Signed tour poster");
    support::lift_fan_limit(&mut k1, "Signed tour poster");
    let left = |pos: &encore::service::Pos| {
        pos.offers()
            .unwrap()
            .into_iter()
            .find(|o| o.id == poster)
            .unwrap()
    };
    let fan = k1.start_checkout().unwrap();
    k1.hold(&fan, &[(poster, 25)]).unwrap();
    assert_eq!((left(&k2).remaining, left(&k2).held), (Some(0), 25));
    let req = |checkout| SaleRequest {
        checkout,
        items: vec![(poster, 25)],
        tender: TenderKind::Qr,
        tendered: None,
        parts: Vec::new(),
        expected_total: Some(Money::new(25 * 1250, Currency::Eur)),
        terminal_ref: None,
        tip: None,
        bundles: Vec::new(),
        priced_at: None,
        fan: None,
    };
    // Another station cannot sell held units.
    let other = req(k2.start_checkout().unwrap());
    assert!(matches!(
        k2.sell(&SaleRequest {
            items: vec![(poster, 1)],
            expected_total: None,
            terminal_ref: None,
            tip: None,
            ..other
        }),
        Err(PosError::SoldOut { .. })
    ));
    // The fan who holds them pays: exactly the stock is sold, nothing taken twice.
    let receipt = k1.sell(&req(fan)).unwrap();
    assert_eq!(receipt.claims.len(), 1, "one code for the 25 units");
    assert_eq!(receipt.claims[0].title, "25× Signed tour poster");
    assert_eq!((left(&k1).remaining, left(&k1).held), (Some(0), 0));

    // An abandoned hold comes back after the hold time.
    let db = TestDb::new();
    let mut k1 = db.pos_at("K1", &clock);
    let tote = offer_id(&k1, "Signed tour poster");
    k1.hold(&k1.start_checkout().unwrap(), &[(tote, 3)])
        .unwrap();
    assert_eq!(
        k1.offers()
            .unwrap()
            .into_iter()
            .find(|o| o.id == tote)
            .unwrap()
            .remaining,
        Some(22)
    );
    clock.advance_secs(299);
    assert_eq!(k1.release_expired_holds().unwrap(), 0);
    clock.advance_secs(1);
    assert_eq!(k1.release_expired_holds().unwrap(), 1);
    assert_eq!(
        k1.offers()
            .unwrap()
            .into_iter()
            .find(|o| o.id == tote)
            .unwrap()
            .remaining,
        Some(25)
    );
}

#[test]
fn a_changed_price_is_refused_rather_than_charged_differently() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let req = SaleRequest {
        expected_total: Some(Money::new(1400, Currency::Eur)),
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(offer_id(&pos, "Tour tote bag"), 1)],
            TenderKind::Qr,
        )
    };
    let err = pos.sell(&req).unwrap_err().to_string();
    assert_eq!(
        err,
        "the total is now €15.00, but the fan was charged €14.00: cancel and start again"
    );
}
