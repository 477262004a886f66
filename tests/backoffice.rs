//! The back office through the service: several events, the catalogue editor behind the creator
//! PIN, discount windows, bundles, tax added on top, fees, margins and collaborator splits.

mod support;

use support::AsCreator as _;

use encore::domain::catalogue::{Bundle, OfferKind, VatRate};
use encore::domain::catalogue_file::OfferRow;
use encore::domain::event::EventSetup;
use encore::domain::money::{Currency, Money};
use encore::domain::order::{Receipt, TenderKind};
use encore::domain::pricing::{Discount, DiscountOff, VatMode};
use encore::service::{OfferEdit, Pos, PosError, RefundRequest, SaleRequest};
use jiff::SignedDuration;
use serde_json::Value;
use support::{TestClock, TestDb, edit_of, offer_id, remaining, sell, try_sell};

/// The demo event's creator PIN (printed in the README).
const DEMO_PIN: &str = "2468";
/// The creator PIN of the events the tests set up.
const NEW_PIN: &str = "135790";

/// Audit entries of changes (a wrong PIN is audited too, but changes nothing).
const AUDITED: &str = "audit_log WHERE action <> 'pin.wrong'";

fn count(db: &TestDb, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// The detail of every audit entry with this action, oldest first.
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

fn setup(name: &str, currency: &str, mode: VatMode, rates: &str) -> EventSetup {
    EventSetup {
        name: name.into(),
        venue: "Dock 4, Hamburg".into(),
        time_zone: "Europe/Berlin".into(),
        currency: currency.into(),
        vat_mode: mode,
        vat_rates: rates.into(),
        ..EventSetup::default()
    }
}

/// A new plain item for the editor.
fn item(title: &str, price: &str, vat: &str) -> OfferEdit {
    item_in(Currency::Eur, title, price, vat)
}

/// A new plain item for the editor of an event selling in `currency`.
fn item_in(currency: Currency, title: &str, price: &str, vat: &str) -> OfferEdit {
    let row = OfferRow {
        title: title.into(),
        kind: "item".into(),
        price: price.into(),
        vat: vat.into(),
        ..OfferRow::default()
    };
    OfferEdit::new(row.to_offer(currency).unwrap())
}

fn offer_ids(pos: &Pos) -> Vec<i64> {
    pos.catalogue()
        .unwrap()
        .offers
        .iter()
        .map(|o| o.id)
        .collect()
}

/// A card sale of `items` and `bundles`, priced as the fan saw it at `priced_at`.
fn card_sale(
    pos: &mut Pos,
    items: Vec<(i64, u32)>,
    bundles: Vec<(i64, u32)>,
    priced_at: Option<jiff::Timestamp>,
) -> Result<Receipt, PosError> {
    let req = SaleRequest {
        bundles,
        priced_at,
        ..SaleRequest::new(pos.start_checkout().unwrap(), items, TenderKind::Card)
    };
    pos.sell(&req)
}

#[test]
fn a_new_event_opens_with_its_own_pin_and_the_demo_stays_reopenable() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let demo = pos.event().id;
    sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Card);

    // Bad fields: refused with the field named, and nothing is written.
    let rows = (count(&db, "events"), count(&db, AUDITED));
    let mut yen = setup("Rooftop pop-up", "JPY", VatMode::Inclusive, "19, 7");
    let err = pos
        .with_pin(DEMO_PIN, |p, g| p.create_event(&yen, NEW_PIN, Some(g)))
        .unwrap_err();
    assert!(err.to_string().starts_with("currency 'JPY'"), "{err}");
    yen.currency = "EUR".into();
    yen.time_zone = "Mars/Olympus".into();
    let err = pos
        .with_pin(DEMO_PIN, |p, g| p.create_event(&yen, NEW_PIN, Some(g)))
        .unwrap_err();
    assert!(err.to_string().starts_with("time zone"), "{err}");
    let ok = setup("Rooftop pop-up", "EUR", VatMode::Inclusive, "19, 7");
    let err = pos
        .with_pin("1111", |p, g| p.create_event(&ok, NEW_PIN, Some(g)))
        .unwrap_err();
    assert!(matches!(err, PosError::Pin(_)), "{err}");
    assert_eq!((count(&db, "events"), count(&db, AUDITED)), rows);
    assert_eq!(pos.event().id, demo);

    let new = pos
        .with_pin(DEMO_PIN, |p, g| p.create_event(&ok, NEW_PIN, Some(g)))
        .unwrap();
    assert_eq!(
        (pos.event().id, pos.event().name.as_str()),
        (new, "Rooftop pop-up")
    );
    let events = pos.events().unwrap();
    let row = |id: i64| events.iter().find(|e| e.event.id == id).unwrap();
    assert_eq!((row(new).open, row(new).orders), (true, 0));
    assert_eq!(
        (row(demo).open, row(demo).orders, row(demo).sales_minor),
        (false, 1, 240)
    );

    // The station sells in the new event from its first receipt number; the demo's offers are
    // not in its catalogue.
    assert!(pos.offers().unwrap().is_empty());
    pos.with_pin(NEW_PIN, |p, g| {
        p.save_offer(&item("Rooftop tee", "25.00", "19"), g)
    })
    .unwrap();
    let receipt = sell(&mut pos, &[("Rooftop tee", 1)], TenderKind::Card);
    assert_eq!(receipt.number.to_string(), "K1-000001");
    assert_eq!(receipt.event_name, "Rooftop pop-up");

    // Reopening the demo takes the open event's PIN, not the demo's.
    let err = pos
        .with_pin(DEMO_PIN, |p, g| p.open_event(demo, g))
        .unwrap_err();
    assert!(matches!(err, PosError::Pin(_)), "{err}");
    pos.with_pin(NEW_PIN, |p, g| p.open_event(demo, g)).unwrap();
    assert_eq!(pos.event().id, demo);
    assert_eq!(pos.recent_orders(10).unwrap().len(), 1);
    let next = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Card);
    assert_eq!(next.number.to_string(), "K1-000002");
}

#[test]
fn event_settings_need_the_pin_keep_the_currency_and_show_on_the_next_receipt() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let mut changed = EventSetup::of(pos.event());
    changed.name = "Mara Vey — Late show".into();
    changed.receipt_footer = "See you in Leipzig!".into();
    let err = pos
        .with_pin("1111", |p, g| p.update_event(&changed, g))
        .unwrap_err();
    assert!(matches!(err, PosError::Pin(_)), "{err}");
    assert_eq!(pos.event().name, "Mara Vey — After-show");

    let first = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Card);
    let dollars = EventSetup {
        currency: "USD".into(),
        ..changed.clone()
    };
    let err = pos
        .with_pin(DEMO_PIN, |p, g| p.update_event(&dollars, g))
        .unwrap_err();
    assert!(err.to_string().starts_with("currency:"), "{err}");
    assert_eq!(pos.event().currency, Currency::Eur);
    assert!(audit(&db, "event.setup").is_empty());

    pos.with_pin(DEMO_PIN, |p, g| p.update_event(&changed, g))
        .unwrap();
    let next = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Card);
    assert_eq!(next.event_name, "Mara Vey — Late show");
    assert_eq!(next.footer, "See you in Leipzig!");
    assert_ne!(first.footer, next.footer);
    let entry = &audit(&db, "event.setup")[0];
    assert_eq!(entry["before"]["name"], "Mara Vey — After-show");
    assert_eq!(entry["after"]["receipt_footer"], "See you in Leipzig!");
}

#[test]
fn a_new_item_sells_and_a_new_price_leaves_earlier_receipts_alone() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let id = pos
        .with_pin(DEMO_PIN, |p, g| {
            p.save_offer(&item("Sticker sheet", "4.00", "19"), g)
        })
        .unwrap();
    let listed = pos.catalogue().unwrap().offers;
    let sticker = listed.iter().find(|o| o.id == id).unwrap();
    assert_eq!(
        (sticker.title.as_str(), sticker.price.minor),
        ("Sticker sheet", 400)
    );
    let first = sell(&mut pos, &[("Sticker sheet", 2)], TenderKind::Card);
    assert_eq!(first.total.minor, 800);

    let mut dearer = edit_of(&pos, "Sticker sheet");
    dearer.offer.price = Money::new(500, Currency::Eur);
    pos.with_pin(DEMO_PIN, |p, g| p.save_offer(&dearer, g))
        .unwrap();
    let again = pos.receipt(&first.number).unwrap();
    assert_eq!(
        (again.lines[0].unit_price.minor, again.total.minor),
        (400, 800)
    );
    let next = sell(&mut pos, &[("Sticker sheet", 1)], TenderKind::Card);
    assert_eq!(next.total.minor, 500);
    let edits = audit(&db, "offer.edit");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["before"]["offer"]["price"], "4.00");
    assert_eq!(edits[0]["after"]["offer"]["price"], "5.00");
    assert_eq!(edits[0]["by"], "creator");
}

#[test]
fn more_gig_sessions_add_to_what_is_left() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("5-minute meet & greet", 2)], TenderKind::Card);
    assert_eq!(remaining(&pos, "5-minute meet & greet"), Some(38));
    let mut more = edit_of(&pos, "5-minute meet & greet");
    let OfferKind::Gig { capacity, .. } = &mut more.offer.kind else {
        panic!("a gig")
    };
    assert_eq!(*capacity, 40);
    *capacity = 45;
    pos.with_pin(DEMO_PIN, |p, g| p.save_offer(&more, g))
        .unwrap();
    assert_eq!(remaining(&pos, "5-minute meet & greet"), Some(43));
}

#[test]
fn the_editor_refuses_a_new_kind_and_a_wrong_pin_without_writing() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let before = (pos.catalogue().unwrap(), count(&db, AUDITED));

    // A valid gig row, but the postcard was created as an item.
    let mut gig = edit_of(&pos, "Signed postcard");
    gig.offer.kind = OfferKind::Gig {
        duration_mins: 5,
        capacity: 10,
    };
    let err = pos
        .with_pin(DEMO_PIN, |p, g| p.save_offer(&gig, g))
        .unwrap_err();
    assert!(err.to_string().starts_with("kind:"), "{err}");

    let mut cheaper = edit_of(&pos, "Signed postcard");
    cheaper.offer.price = Money::new(100, Currency::Eur);
    let err = pos
        .with_pin("1111", |p, g| p.save_offer(&cheaper, g))
        .unwrap_err();
    assert!(matches!(err, PosError::Pin(_)), "{err}");
    let err = pos.with_pin("1111", |p, g| {
        p.save_offer(&item("Free poster", "0.50", "19"), g)
    });
    assert!(matches!(err, Err(PosError::Pin(_))));
    let postcard = offer_id(&pos, "Signed postcard");
    assert!(matches!(
        pos.with_pin("1111", |p, g| p.archive_offer(postcard, true, g)),
        Err(PosError::Pin(_))
    ));
    assert_eq!((pos.catalogue().unwrap(), count(&db, AUDITED)), before);
}

#[test]
fn an_archived_offer_cannot_be_sold_until_restored_and_moves_reorder_the_catalogue() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let tote = offer_id(&pos, "Tour tote bag");
    pos.with_pin(DEMO_PIN, |p, g| p.archive_offer(tote, true, g))
        .unwrap();
    let err = try_sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card).unwrap_err();
    assert!(matches!(err, PosError::Closed { .. }), "{err}");
    assert!(pos.recent_orders(10).unwrap().is_empty());
    pos.with_pin(DEMO_PIN, |p, g| p.archive_offer(tote, false, g))
        .unwrap();
    let receipt = sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    assert_eq!(receipt.total.minor, 1500);

    let ids = offer_ids(&pos);
    pos.with_pin(DEMO_PIN, |p, g| p.move_offer(ids[1], -1, g))
        .unwrap();
    let moved = offer_ids(&pos);
    assert_eq!((moved[0], moved[1]), (ids[1], ids[0]));
    assert_eq!(moved[2..], ids[2..]);
}

#[test]
fn happy_hour_takes_20_percent_off_postcards() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let receipt = sell(&mut pos, &[("Signed postcard", 2)], TenderKind::Card);
    assert_eq!(receipt.lines.len(), 1);
    assert_eq!(receipt.lines[0].discount, 120);
    assert!(
        receipt.lines[0].note.contains("Happy hour"),
        "{:?}",
        receipt.lines[0].note
    );
    assert_eq!(receipt.total.minor, 480);
}

#[test]
fn the_price_shown_before_happy_hour_ended_is_the_price_paid() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let postcard = offer_id(&pos, "Signed postcard");
    // The window ends 110 minutes after the demo was made; the fan is still paying 30 s later.
    clock.advance_secs(110 * 60 + 30);
    let shown = pos.now() - SignedDuration::from_mins(5);
    let kept = card_sale(&mut pos, vec![(postcard, 1)], Vec::new(), Some(shown)).unwrap();
    assert_eq!((kept.lines[0].discount, kept.total.minor), (60, 240));
    let late = card_sale(&mut pos, vec![(postcard, 1)], Vec::new(), None).unwrap();
    assert_eq!((late.lines[0].discount, late.total.minor), (0, 300));
}

#[test]
fn a_capped_discount_covers_only_its_units_and_splits_the_line() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let tote = offer_id(&pos, "Tour tote bag");
    let launch = Discount {
        id: 0,
        name: "Tote launch".into(),
        off: DiscountOff::Percent(1000),
        offers: vec![tote],
        starts: pos.now(),
        ends: pos.now() + SignedDuration::from_hours(1),
        max_uses: Some(3),
        used: 0,
    };
    pos.with_pin(DEMO_PIN, |p, g| p.save_discount(&launch, g))
        .unwrap();
    let first = card_sale(&mut pos, vec![(tote, 2)], Vec::new(), None).unwrap();
    let shape =
        |r: &Receipt| -> Vec<(u32, i64)> { r.lines.iter().map(|l| (l.qty, l.discount)).collect() };
    assert_eq!(shape(&first), [(2, 300)]);
    let second = card_sale(&mut pos, vec![(tote, 2)], Vec::new(), None).unwrap();
    assert_eq!(shape(&second), [(1, 150), (1, 0)]);
    assert!(second.lines[0].note.contains("Tote launch"));
    assert_eq!(second.lines[1].note, "");
    assert_eq!(second.total.minor, 1350 + 1500);
    let third = card_sale(&mut pos, vec![(tote, 1)], Vec::new(), None).unwrap();
    assert_eq!(shape(&third), [(1, 0)]);
}

#[test]
fn the_fan_pack_sells_its_parts_for_24_euros() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let pack = pos.catalogue().unwrap().bundles[0].clone();
    assert_eq!(pack.title, "Fan pack: poster + tote");
    let receipt = card_sale(&mut pos, Vec::new(), vec![(pack.id, 1)], None).unwrap();
    assert_eq!(receipt.total.minor, 2400);
    assert_eq!(receipt.lines.len(), 2);
    let amounts: i64 = receipt.lines.iter().map(|l| l.amount().minor).sum();
    assert_eq!(amounts, 2400);
    assert_eq!(remaining(&pos, "Signed tour poster"), Some(24));
    let claimed: Vec<&str> = receipt.claims.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(claimed, ["Signed tour poster"]);

    // €12.50 + €15.00 = €27.50 bought one by one: a pack at €28.00 is refused.
    let dear = Bundle {
        id: 0,
        title: "Dear pack".into(),
        price: Money::new(2800, Currency::Eur),
        ..pack
    };
    let err = pos
        .with_pin(DEMO_PIN, |p, g| p.save_bundle(&dear, g))
        .unwrap_err();
    assert!(err.to_string().starts_with("price:"), "{err}");
    assert_eq!(pos.catalogue().unwrap().bundles.len(), 1);
}

#[test]
fn tax_added_on_top_is_charged_and_refunded() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let us = setup("Brooklyn pop-up", "USD", VatMode::Exclusive, "8.25");
    let us = EventSetup {
        time_zone: "America/New_York".into(),
        ..us
    };
    pos.with_pin(DEMO_PIN, |p, g| p.create_event(&us, NEW_PIN, Some(g)))
        .unwrap();
    pos.with_pin(NEW_PIN, |p, g| {
        p.save_offer(&item_in(Currency::Usd, "Tour cap", "10.00", "8.25"), g)
    })
    .unwrap();
    let receipt = sell(&mut pos, &[("Tour cap", 1)], TenderKind::Card);
    let usd = |minor| Money::new(minor, Currency::Usd);
    assert_eq!(receipt.total, usd(1083));
    assert_eq!(receipt.vat.len(), 1);
    let vat = &receipt.vat[0];
    assert_eq!(
        (vat.rate, vat.net, vat.vat),
        (VatRate(825), usd(1000), usd(83))
    );

    let refund = pos
        .with_pin(NEW_PIN, |p, g| {
            p.refund(
                &RefundRequest {
                    receipt: receipt.number.clone(),
                    lines: None,
                    reason: "wrong size".into(),
                },
                g,
            )
        })
        .unwrap();
    assert_eq!(refund.amount, usd(1083));
    assert_eq!(refund.back, [(TenderKind::Card, usd(1083))]);
}

/// The VAT inside a VAT-inclusive amount, rounded half up.
fn vat_in(gross: i64, rate_bp: i64) -> i64 {
    (gross * rate_bp + (10_000 + rate_bp) / 2) / (10_000 + rate_bp)
}

#[test]
fn a_song_lesson_is_split_with_jo_and_margins_count_fees_and_cost() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let lesson = offer_id(&pos, "15-minute song lesson");
    let tote = offer_id(&pos, "Tour tote bag");
    let receipt = sell(&mut pos, &[("15-minute song lesson", 1)], TenderKind::Card);
    assert_eq!(receipt.total.minor, 6000);

    // €60.00 with 19 % VAT inside: €50.42 net. Jo gets 70 % of it (3529.4, rounded down: the
    // creator's 1512.6 has the larger remainder and takes the spare cent).
    let net = 6000 - vat_in(6000, 1900);
    assert_eq!(net, 5042);
    let jo = net * 70 / 100;
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut stmt = conn
        .prepare("SELECT collaborator, amount_minor FROM order_splits ORDER BY collaborator")
        .unwrap();
    let stored: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        stored,
        [
            ("Creator".to_string(), net - jo),
            ("Jo Lind".to_string(), jo)
        ]
    );
    assert_eq!(
        pos.split_totals().unwrap(),
        [("Jo Lind".to_string(), 3529), ("Creator".to_string(), 1513)]
    );

    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let margins = pos.margins().unwrap();
    let of = |id: i64| {
        margins
            .iter()
            .find(|m| m.figures.offer_id == id)
            .unwrap()
            .figures
    };
    let card_fee = |amount: i64| (amount * 139 + 5_000) / 10_000;
    let l = of(lesson);
    assert_eq!(
        (l.units, l.net_revenue, l.fees, l.cost),
        (1, net, card_fee(6000), 0)
    );
    assert_eq!((l.fees, l.margin, l.minutes), (83, net - 83, 15));
    let t = of(tote);
    let tote_net = 1500 - vat_in(1500, 1900);
    assert_eq!(
        (t.net_revenue, t.fees, t.cost),
        (tote_net, card_fee(1500), 480)
    );
    assert_eq!(t.margin, tote_net - card_fee(1500) - 480);
}

#[test]
fn split_totals_count_what_the_creator_sold_alone() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("15-minute song lesson", 1)], TenderKind::Card);
    // No collaborator on the tote bag: all of its €12.61 net is the creator's.
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let tote_net = 1500 - vat_in(1500, 1900);
    assert_eq!(
        pos.split_totals().unwrap(),
        [
            ("Jo Lind".to_string(), 3529),
            ("Creator".to_string(), 1513 + tote_net)
        ]
    );
}

#[test]
fn a_refunded_lesson_is_no_longer_owed_to_jo() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let receipt = sell(&mut pos, &[("15-minute song lesson", 1)], TenderKind::Card);
    pos.with_pin(DEMO_PIN, |p, g| {
        p.refund(
            &RefundRequest {
                receipt: receipt.number.clone(),
                lines: None,
                reason: "Jo is ill".into(),
            },
            g,
        )
    })
    .unwrap();
    let owed: Vec<(String, i64)> = pos
        .split_totals()
        .unwrap()
        .into_iter()
        .filter(|s| s.1 != 0)
        .collect();
    assert_eq!(owed, []);
}

#[test]
fn an_earlier_receipt_reprints_with_the_texts_it_was_sold_with() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let first = sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Card);
    let mut changed = EventSetup::of(pos.event());
    changed.name = "Mara Vey — Late show".into();
    changed.receipt_header = "Mara Vey Music · new address".into();
    pos.with_pin(DEMO_PIN, |p, g| p.update_event(&changed, g))
        .unwrap();
    let reprint = pos.receipt(&first.number).unwrap();
    assert_eq!(
        (reprint.event_name.as_str(), reprint.header.as_str()),
        (first.event_name.as_str(), first.header.as_str())
    );
}
