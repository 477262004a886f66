//! Catalogue import through the service: the creator grant, the caps on credit, rows and ids,
//! and re-importing an edited export, which updates offers in place and never touches units
//! already sold.

mod support;

use encore::domain::catalogue_file::{MAX_ROWS, NumberedRow, OfferRow};
use encore::domain::event::EventSetup;
use encore::domain::order::TenderKind;
use encore::service::{PinError, Pos, PosError};
use serde_json::Value;
use support::{AsCreator, TestClock, TestDb};

const PIN: &str = "2468";

/// The open event's catalogue as an export has it, one numbered row per offer.
fn exported(pos: &Pos) -> Vec<NumberedRow> {
    numbered(pos.offers().unwrap().iter().map(OfferRow::of).collect())
}

fn numbered(rows: Vec<OfferRow>) -> Vec<NumberedRow> {
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| (i + 2, Ok(r)))
        .collect()
}

fn row(title: &str, kind: &str) -> OfferRow {
    let mut r = OfferRow {
        title: title.into(),
        kind: kind.into(),
        price: "4.00".into(),
        vat: "19".into(),
        ..OfferRow::default()
    };
    if kind == "gig" {
        (r.duration_mins, r.capacity) = (Some(5), Some(10));
    }
    r
}

fn audit(db: &TestDb, action: &str) -> Vec<Value> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut stmt = conn
        .prepare("SELECT detail FROM audit_log WHERE action = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([action], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| serde_json::from_str(&d.unwrap()).unwrap())
        .collect()
}

#[test]
fn an_import_needs_the_grant_of_the_open_event_and_a_dry_run_needs_none() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let before = pos.offers().unwrap().len();
    let rows = numbered(vec![row("Sticker", "item")]);
    let dry = pos.check_catalogue(rows.clone()).unwrap();
    assert_eq!((dry.added, dry.imported), (1, 0));
    assert_eq!(dry.added_titles, vec!["Sticker".to_string()]);
    assert_eq!(
        pos.offers().unwrap().len(),
        before,
        "a dry run writes nothing"
    );
    // A grant made at the demo event is no grant at the event opened after it.
    let old = pos.unlock(PIN).unwrap();
    let setup = EventSetup {
        name: "Night two".into(),
        time_zone: "Europe/Berlin".into(),
        currency: "EUR".into(),
        vat_rates: "19".into(),
        ..EventSetup::default()
    };
    pos.create_event(&setup, "135790", Some(&old)).unwrap();
    let refused = pos.import_catalogue(rows.clone(), false, &old).unwrap_err();
    assert!(
        matches!(refused, PosError::Pin(PinError::OtherEvent)),
        "{refused}"
    );
    assert!(pos.offers().unwrap().is_empty(), "nothing imported");
    let done = pos
        .with_pin("135790", |p, g| p.import_catalogue(rows, false, g))
        .unwrap();
    assert_eq!(done.imported, 1);
}

#[test]
fn a_pass_with_credit_over_the_cap_is_refused_naming_the_field_in_the_editor_and_the_import() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let staff = OfferRow {
        pass_credit: "999999.00".into(),
        price: "0.00".into(),
        vat: "0".into(),
        ..row("Staff pass", "item")
    };
    let report = pos
        .with_pin(PIN, |p, g| {
            p.import_catalogue(numbered(vec![staff.clone()]), false, g)
        })
        .unwrap();
    assert_eq!(report.imported, 0);
    assert_eq!(report.errors[0].field, "pass_credit");
    assert_eq!(report.errors[0].reason, "pass_credit: at most €100000.00");
    // The editor keeps the same rule.
    let mut edit = support::edit_of(&pos, "Fan club pass (€10 credit)");
    edit.offer.pass_credit = 10_000_001;
    let refused = pos
        .with_pin(PIN, |p, g| p.save_offer(&edit, g))
        .unwrap_err();
    assert_eq!(refused.to_string(), "pass_credit: at most €100000.00");
    edit.offer.pass_credit = 10_000_000;
    pos.with_pin(PIN, |p, g| p.save_offer(&edit, g)).unwrap();
}

#[test]
fn an_edited_export_updates_its_offers_in_place_and_keeps_units_sold() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    support::lift_fan_limit(&mut pos, "Signed tour poster");
    support::sell(&mut pos, &[("Signed tour poster", 3)], TenderKind::Card);
    let poster = support::offer(&pos, "Signed tour poster");
    let (stock, left) = match poster.kind {
        encore::domain::catalogue::OfferKind::Drop { stock, .. } => (stock, poster.remaining),
        _ => unreachable!(),
    };
    assert_eq!(left, Some(stock - 3));
    let count = pos.offers().unwrap().len();
    let mut rows = exported(&pos);
    let edit = |rows: &mut Vec<NumberedRow>, title: &str, f: &dyn Fn(&mut OfferRow)| {
        let r = rows
            .iter_mut()
            .find(|r| r.1.as_ref().unwrap().title == title)
            .unwrap();
        f(r.1.as_mut().unwrap());
    };
    edit(&mut rows, "Signed postcard", &|r| r.price = "3.50".into());
    edit(&mut rows, "Signed tour poster", &|r| r.stock = Some(2));
    // A stock below the units already sold cannot be right.
    let refused = pos
        .with_pin(PIN, |p, g| p.import_catalogue(rows.clone(), false, g))
        .unwrap();
    assert_eq!(refused.imported, 0);
    assert_eq!(refused.errors[0].field, "stock");
    assert_eq!(
        refused.errors[0].reason,
        "stock: at least 3, the units already sold or held"
    );
    edit(&mut rows, "Signed tour poster", &|r| {
        r.stock = Some(stock + 10)
    });
    let dry = pos.check_catalogue(rows.clone()).unwrap();
    assert_eq!((dry.added, dry.changed, dry.unchanged), (0, 2, count - 2));
    assert_eq!(
        dry.changed_titles,
        vec!["Signed tour poster".to_string(), "Signed postcard".into()]
    );
    let done = pos
        .with_pin(PIN, |p, g| p.import_catalogue(rows.clone(), false, g))
        .unwrap();
    assert_eq!(done.imported, 2);
    assert_eq!(pos.offers().unwrap().len(), count, "no second copy");
    assert_eq!(support::offer(&pos, "Signed postcard").price.minor, 350);
    let poster_now = support::offer(&pos, "Signed tour poster");
    assert_eq!(poster_now.id, poster.id);
    assert_eq!(poster_now.remaining, Some(stock + 10 - 3), "sold stay sold");
    let logged = audit(&db, "catalogue.import");
    let changed = &logged.last().unwrap()["changed"];
    assert_eq!(changed[0]["before"]["row"]["stock"], stock);
    assert_eq!(changed[0]["after"]["row"]["stock"], stock + 10);
    assert_eq!(changed[0]["after"]["remaining"], stock + 10 - 3);
    // The same file again changes nothing.
    let again = pos.check_catalogue(rows).unwrap();
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, count));
}

#[test]
fn an_old_export_without_keys_imports_as_new_offers_and_a_key_twice_is_refused() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let count = pos.offers().unwrap().len();
    let keyless: Vec<OfferRow> = pos
        .offers()
        .unwrap()
        .iter()
        .map(|o| OfferRow {
            key: String::new(),
            ..OfferRow::of(o)
        })
        .collect();
    let done = pos
        .with_pin(PIN, |p, g| p.import_catalogue(numbered(keyless), false, g))
        .unwrap();
    assert_eq!((done.added, done.imported), (count, count));
    let offers = pos.offers().unwrap();
    assert_eq!(offers.len(), count * 2);
    let mut keys: Vec<&str> = offers.iter().map(|o| o.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), count * 2, "every offer has its own key");
    let twice = OfferRow::of(&offers[0]);
    let report = pos
        .check_catalogue(numbered(vec![twice.clone(), twice]))
        .unwrap();
    assert_eq!(report.errors[0].reason, "key: the same key as line 2");
}

#[test]
fn an_import_refuses_gigs_whose_id_a_claim_code_cannot_hold_and_files_past_the_row_cap() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let event = pos.event().id;
    // The database already holds an offer with the last id a claim code holds.
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .execute(
            "INSERT INTO offers (id, event_id, title, kind, price_minor, vat_bp, key)
             VALUES (65535, ?1, 'Last', 'item', 100, 1900, 'k-last')",
            [event],
        )
        .unwrap();
    let before = pos.offers().unwrap().len();
    let gig = numbered(vec![row("Late gig", "gig")]);
    let refused = pos.check_catalogue(gig.clone()).unwrap_err();
    assert!(
        matches!(
            refused,
            PosError::ClaimField {
                what: "offer",
                value: 65536
            }
        ),
        "{refused}"
    );
    let refused = pos
        .with_pin(PIN, |p, g| p.import_catalogue(gig, false, g))
        .unwrap_err();
    assert!(matches!(refused, PosError::ClaimField { .. }));
    assert_eq!(pos.offers().unwrap().len(), before, "nothing written");
    // An item sells without a claim code: its id may be larger.
    let item = numbered(vec![row("Late sticker", "item")]);
    let done = pos
        .with_pin(PIN, |p, g| p.import_catalogue(item, false, g))
        .unwrap();
    assert_eq!(done.imported, 1);
    let many = numbered(
        (0..=MAX_ROWS)
            .map(|i| row(&format!("Sticker {i}"), "item"))
            .collect(),
    );
    let refused = pos.check_catalogue(many).unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!("rows: at most {MAX_ROWS} offers in one file (split it and import each part)")
    );
}

#[test]
fn a_sale_reads_only_the_offers_in_its_basket() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let postcard = support::offer_id(&pos, "Signed postcard");
    let gig = support::offer_id(&pos, "5-minute meet & greet");
    // An offer no sale here touches, unreadable as a whole catalogue read would find it: a
    // sale that loaded the catalogue would fail on it (and pay for every offer it has).
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .execute(
            "INSERT INTO offers (event_id, title, kind, price_minor, vat_bp, key)
             VALUES (?1, 'Unread', 'gig', 100, 1900, 'k-unread')",
            [pos.event().id],
        )
        .unwrap();
    assert!(pos.offers().is_err(), "the catalogue cannot be read whole");
    let items = vec![(postcard, 2), (gig, 1)];
    let req =
        encore::service::SaleRequest::new(pos.start_checkout().unwrap(), items, TenderKind::Card);
    let receipt = pos.sell(&req).unwrap();
    assert_eq!(receipt.lines.len(), 2);
    assert_eq!(receipt.claims.len(), 1);
}
