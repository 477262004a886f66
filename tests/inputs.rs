//! Every free-text input is bounded: control characters and direction overrides are refused
//! wherever text comes in, naming the field, and the CLI never prints them raw.

mod support;

use encore::domain::catalogue::Bundle;
use encore::domain::event::EventSetup;
use encore::domain::money::{Currency, Money};
use encore::domain::order::ReceiptNo;
use encore::domain::order::TenderKind;
use encore::domain::payment::{EpcProfile, PaymentProfile};
use encore::domain::pricing::{Discount, DiscountOff, Share};
use encore::service::{Pos, PosError, RefundRequest};
use jiff::SignedDuration;
use support::AsCreator as _;
use support::{TestClock, TestDb, edit_of, offer_id, sell};

const PIN: &str = "2468";
const ESC_CLEAR: &str = "Vinyl\u{1b}[2J";
const BIDI: &str = "Poster\u{202E}gnp.exe";

/// The field a refusal names, or a failure when it was not a field refusal.
fn field_of<T: std::fmt::Debug>(result: Result<T, PosError>) -> String {
    match result {
        Err(PosError::Invalid(f)) | Err(PosError::Payment(f)) => f.field.to_string(),
        other => panic!("expected a field refusal, got {other:?}"),
    }
}

/// The words each sort of text field is tried with: escapes, NUL, BEL, a line feed, bidi.
const BAD: [&str; 5] = [ESC_CLEAR, BIDI, "a\u{0}b", "bell\u{7}", "two\nlines"];

/// Offer and bundle titles, collaborator and discount names refuse `bad`.
fn catalogue_refuses(pos: &mut Pos, bad: &str) {
    let mut edit = edit_of(pos, "Signed tour poster");
    edit.offer.title = bad.into();
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.save_offer(&edit, g))),
        "title"
    );

    let mut edit = edit_of(pos, "Signed tour poster");
    edit.splits = vec![(bad.into(), Share::Percent(1000))];
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.save_offer(&edit, g))),
        "collaborator name"
    );

    let mut setup = EventSetup::of(pos.event());
    setup.name = bad.into();
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.update_event(&setup, g))),
        "name"
    );
    let mut setup = EventSetup::of(pos.event());
    setup.venue = bad.into();
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.update_event(&setup, g))),
        "venue"
    );

    let discount = Discount {
        id: 0,
        name: bad.into(),
        off: DiscountOff::Percent(1000),
        offers: vec![offer_id(pos, "Signed tour poster")],
        starts: pos.now(),
        ends: pos.now() + SignedDuration::from_hours(1),
        max_uses: None,
        used: 0,
    };
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.save_discount(&discount, g))),
        "name"
    );

    let bundle = Bundle {
        id: 0,
        title: bad.into(),
        price: Money::new(100, Currency::Eur),
        parts: vec![(offer_id(pos, "Signed tour poster"), 2)],
        emoji: String::new(),
        archived: false,
    };
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.save_bundle(&bundle, g))),
        "title"
    );
}

/// Event texts, member and helper names, refund reasons and payment names refuse `bad`.
fn people_and_event_refuse(pos: &mut Pos, receipt: &ReceiptNo, bad: &str) {
    assert_eq!(field_of(pos.add_member(bad, None)), "name");
    assert_eq!(field_of(pos.set_helper(bad)), "helper");

    let refund = RefundRequest {
        receipt: receipt.clone(),
        lines: None,
        reason: bad.into(),
    };
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.refund(&refund, g))),
        "reason"
    );

    let profile = PaymentProfile::Epc(EpcProfile::new(bad, "DE89370400440532013000"));
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.set_payment_profile(profile, g))),
        "name"
    );
    let upi = PaymentProfile::Upi {
        vpa: "artist@okaxis".into(),
        name: bad.into(),
    };
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.set_payment_profile(upi, g))),
        "UPI name"
    );
}

#[test]
fn every_free_text_field_refuses_control_and_direction_characters_naming_itself() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let r = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    for bad in BAD {
        catalogue_refuses(&mut pos, bad);
        people_and_event_refuse(&mut pos, &r.number, bad);
    }
    let mut edit = edit_of(&pos, "Signed tour poster");
    edit.offer.look.emoji = "🎸\u{1b}".into();
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.save_offer(&edit, g))),
        "emoji"
    );
    let bundle = Bundle {
        id: 0,
        title: "Fan pack".into(),
        price: Money::new(100, Currency::Eur),
        parts: vec![(offer_id(&pos, "Signed tour poster"), 2)],
        emoji: "🎁\u{202E}".into(),
        archived: false,
    };
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.save_bundle(&bundle, g))),
        "emoji"
    );

    let poster = offer_id(&pos, "Signed tour poster");
    let card = encore::service::SaleRequest {
        terminal_ref: Some("TX\u{1b}]0;pwned\u{7}".into()),
        ..encore::service::SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(poster, 1)],
            TenderKind::Card,
        )
    };
    assert_eq!(field_of(pos.sell(&card)), "terminal reference");
}

#[test]
fn receipt_texts_keep_line_feeds_and_lengths_are_capped() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let r = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    // Receipt texts keep their line feeds; a carriage return or an escape is refused.
    let mut setup = EventSetup::of(pos.event());
    setup.receipt_footer = "Thank you!\nSee you next time".into();
    pos.with_pin(PIN, |p, g| p.update_event(&setup, g)).unwrap();
    for (bad, field) in [
        ("Thanks\r\nfor coming", "receipt footer"),
        ("\u{1b}[5m", "receipt header"),
        ("\u{2066}x", "terms"),
    ] {
        let mut setup = EventSetup::of(pos.event());
        match field {
            "receipt footer" => setup.receipt_footer = bad.into(),
            "receipt header" => setup.receipt_header = bad.into(),
            _ => setup.terms = bad.into(),
        }
        assert_eq!(
            field_of(pos.with_pin(PIN, |p, g| p.update_event(&setup, g))),
            field
        );
    }

    // Lengths are capped too: a 121-character refund reason, a 41-character helper name.
    let refund = RefundRequest {
        receipt: r.number.clone(),
        lines: None,
        reason: "x".repeat(121),
    };
    assert_eq!(
        field_of(pos.with_pin(PIN, |p, g| p.refund(&refund, g))),
        "reason"
    );
    assert_eq!(field_of(pos.set_helper(&"x".repeat(41))), "helper");
    pos.open_drawer(Money::new(5000, Currency::Eur)).unwrap();
    assert_eq!(
        field_of(pos.drawer_move(Money::new(-100, Currency::Eur), "float\u{1b}[2J")),
        "reason"
    );
    // Nothing refused was written.
    assert_eq!(
        support::offer(&pos, "Signed tour poster").title,
        "Signed tour poster"
    );
    assert_eq!(pos.helper(), "");
}

#[test]
fn the_kiosk_cash_entry_refuses_a_fortune_and_does_not_take_it() {
    use egui_kittest::kittest::Queryable as _;
    use encore::ui::Payment;
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = support::kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    h.get_by_label_contains("Signed tour poster\n€12.50")
        .click();
    h.run();
    h.get_by_label("Cash").click();
    h.run();
    support::type_into(&mut h, "Cash given", "999999999.99");
    let rule = "tendered: at most €512.50 for a total of €12.50 (change of at most €500.00)";
    assert!(h.query_by_label(rule).is_some(), "no {rule}");
    support::wait(&mut h, 1.0);
    h.get_by_label("Cash taken").click();
    h.run();
    assert!(
        matches!(h.state().payment(), Payment::Pending { .. }),
        "a fortune in change was not taken"
    );
}

#[test]
fn the_kiosk_lists_a_bad_statement_entry_and_still_matches_the_rest() {
    use egui_kittest::kittest::Queryable as _;
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let paid = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Qr);
    let xml = format!(
        r#"<Document><BkToCstmrStmt><Stmt>
        <Ntry><Amt Ccy="EUR">8.855</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>
        <Ntry><Amt Ccy="EUR">12.500</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <NtryDtls><TxDtls><RmtInf><Ustrd>{}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
        </Stmt></BkToCstmrStmt></Document>"#,
        paid.payment_ref
    );
    let file = db.dir.path().join("statement.xml");
    std::fs::write(&file, xml).unwrap();
    let mut h = support::kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Receipts").click();
    h.run();
    h.get_by_label("Match a bank statement").click();
    h.run();
    support::type_into(&mut h, "Separator", "é");
    support::type_into(&mut h, "File", file.to_str().unwrap());
    h.get_by_label("Match").click();
    support::run_jobs(&mut h);
    assert!(
        h.query_by_label("1 credits: 1 matched, 0 to look at; 0 QR orders not paid")
            .is_some()
    );
    assert!(h.query_by_label("entry 1").is_some());
    let reason = "amount '8.855': EUR has 2 decimals; the digits past them must be zeros";
    assert!(h.query_by_label(reason).is_some(), "no {reason}");

    // A CSV with a separator that is not one ASCII character is refused naming the field.
    let csv = db.dir.path().join("statement.csv");
    std::fs::write(&csv, "Amount,Reference\n12.50,x\n").unwrap();
    support::type_into(&mut h, "File", csv.to_str().unwrap());
    h.get_by_label("Match").click();
    support::run_jobs(&mut h);
    assert_eq!(
        h.state().notice(),
        Some("Separator: one ASCII character such as , ; | or a tab (not 'é')")
    );
}
