//! The back office through the kiosk, as a creator and a helper use it: the catalogue editor
//! behind the creator PIN, a new event set up from nothing, and deals at the Sell screen.

mod support;

use support::AsCreator as _;

use egui_kittest::kittest::Queryable as _;
use encore::domain::pricing::VatMode;
use encore::ui::{Payment, Screen};
use support::{TestClock, TestDb, kiosk_harness, type_into, wait};

type H = egui_kittest::Harness<'static, encore::ui::Kiosk>;

fn goto(h: &mut H, screen: &str) {
    h.get_by_label(screen).click();
    h.run();
}

/// Pays the basket by card: the method, then (after the double-tap guard) the confirmation.
fn pay_by_card(h: &mut H) {
    h.get_by_label("Card").click();
    h.run();
    wait(h, 1.0);
    h.get_by_label("Card approved").click();
    h.run();
}

fn unlock(h: &mut H, pin: &str) {
    type_into(h, "Creator PIN", pin);
    h.get_by_label("Unlock").click();
    h.run();
}

fn paid_total(h: &H) -> String {
    match &h.state().payment() {
        Payment::Paid { receipt, .. } => receipt.total.to_string(),
        other => panic!("not paid: {other:?}"),
    }
}

#[test]
fn the_creator_adds_and_reprices_an_offer_while_helpers_only_read() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    goto(&mut h, "Catalogue");
    assert_eq!(h.state().screen, Screen::Catalogue);
    assert!(
        h.query_all_by_label_contains("Signed postcard")
            .next()
            .is_some(),
        "helpers read the list"
    );
    assert!(
        h.query_by_label("Edit Signed postcard").is_none(),
        "but cannot edit"
    );
    assert!(h.query_by_label("New item").is_none());

    type_into(&mut h, "Creator PIN", "1111");
    h.get_by_label("Unlock").click();
    h.run();
    assert_eq!(
        h.state().notice(),
        Some("wrong creator PIN (4 more before a wait)")
    );
    type_into(&mut h, "Creator PIN", "2468");
    h.get_by_label("Unlock").click();
    h.run();
    assert!(h.query_by_label("Edit Signed postcard").is_some());

    h.get_by_label("New item").click();
    h.run();
    type_into(&mut h, "Title", "Signed photo");
    type_into(&mut h, "Price", "abc");
    h.get_by_label("Save offer").click();
    h.run();
    assert!(
        h.state().notice().unwrap().starts_with("price:"),
        "the field is named: {:?}",
        h.state().notice()
    );
    type_into(&mut h, "Price", "8.00");
    h.get_by_label("Green").click();
    h.get_by_label("Save offer").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Saved Signed photo"));

    goto(&mut h, "Sell");
    h.get_by_label_contains("Signed photo\n€8.00").click();
    h.run();
    pay_by_card(&mut h);
    assert_eq!(paid_total(&h), "€8.00");
    let first = match &h.state().payment() {
        Payment::Paid { receipt, .. } => receipt.number.clone(),
        _ => unreachable!(),
    };

    goto(&mut h, "Catalogue");
    assert!(
        h.query_by_label("Edit Signed photo").is_none(),
        "leaving the catalogue locked it: the next person at the kiosk only reads"
    );
    unlock(&mut h, "2468");
    // The new offer is at the end of the list, below the fold: the creator scrolls to it.
    h.get_by_label("Edit Signed photo").scroll_to_me();
    h.run();
    h.get_by_label("Edit Signed photo").click();
    h.run();
    type_into(&mut h, "Price", "9.50");
    h.get_by_label("Save offer").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Saved Signed photo"));
    goto(&mut h, "Sell");
    assert!(h.query_by_label_contains("Signed photo\n€9.50").is_some());
    let old = h.state().pos().receipt(&first).unwrap();
    assert_eq!(
        old.total.to_string(),
        "€8.00",
        "a printed receipt never changes"
    );

    goto(&mut h, "Catalogue");
    unlock(&mut h, "2468");
    h.get_by_label("Archive Signed photo").scroll_to_me();
    h.run();
    h.get_by_label("Archive Signed photo").click();
    h.run();
    goto(&mut h, "Sell");
    assert!(h.query_by_label_contains("Signed photo\n€9.50").is_none());
    goto(&mut h, "Catalogue");
    unlock(&mut h, "2468");
    assert!(h.query_by_label("Restore Signed photo").is_some());
    h.get_by_label("Lock").click();
    h.run();
    assert!(h.query_by_label("Restore Signed photo").is_none());
}

#[test]
fn a_fan_pack_and_a_happy_hour_postcard_sell_with_the_saving_shown() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    assert!(
        h.query_by_label_contains(
            "Signed postcard\n€2.40  €3.00\nHappy hour -20% · ends in 1:50:00"
        )
        .is_some(),
        "the tile shows the deal, the list price struck through and the countdown"
    );
    assert!(
        h.query_by_label_contains("Fan pack: poster + tote\n€24.00  €27.50\nbundle · save €3.50")
            .is_some()
    );
    h.get_by_label_contains("Fan pack: poster + tote").click(); // tap 1
    h.run();
    h.get_by_label_contains("Signed postcard\n€2.40").click();
    h.run();
    assert!(h.query_by_label("The fan saves €4.10").is_some());
    assert!(h.query_by_label("€26.40").is_some(), "total in the basket");
    pay_by_card(&mut h); // taps 2 and 3
    assert_eq!(paid_total(&h), "€26.40");
    let Payment::Paid { receipt, .. } = &h.state().payment() else {
        unreachable!()
    };
    let notes: Vec<&str> = receipt.lines.iter().map(|l| l.note.as_str()).collect();
    assert_eq!(
        notes,
        [
            "Happy hour -20%",
            "in Fan pack: poster + tote",
            "in Fan pack: poster + tote"
        ]
    );
    assert_eq!(receipt.discounts().to_string(), "€4.10");
    assert_eq!(
        receipt.claims.len(),
        1,
        "the poster in the pack is a drop: one claim code"
    );
}

#[test]
fn a_suggestion_in_the_basket_adds_the_postcard_in_one_tap() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    h.get_by_label_contains("60-second shoutout\n€5.00").click();
    h.run();
    h.get_by_label_contains("+ ✉ Signed postcard").click();
    h.run();
    assert_eq!(h.state().cart().items().len(), 2);
    assert!(
        h.query_by_label_contains("+ ✉ Signed postcard").is_none(),
        "a suggestion already in the basket is not offered again"
    );
}

#[test]
fn a_new_creator_sets_up_their_own_event_and_sells_with_tax_on_top() {
    let db = TestDb::new();
    let clock = TestClock::new();
    // A tall window: the whole set-up form without scrolling.
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 1200.0));
    goto(&mut h, "Event");
    h.get_by_label("Set up a new event…").click();
    h.run();
    type_into(&mut h, "Event name", "Juno Park Live");
    type_into(&mut h, "Venue", "The Loft, Brooklyn");
    type_into(&mut h, "Time zone", "America/New_York");
    h.get_by_label("USD $").click();
    h.get_by_label("Tax added at checkout").click();
    type_into(&mut h, "VAT rates (%)", "8.25");
    type_into(&mut h, "Receipt footer", "Thanks for coming out!");
    type_into(&mut h, "New event's PIN", "135799");
    type_into(&mut h, "Creator PIN", "2468");
    h.get_by_label("Create and open").click();
    h.run();
    let event = h.state().pos().event().clone();
    assert_eq!(event.name, "Juno Park Live");
    assert_eq!(event.vat_mode, VatMode::Exclusive);
    assert!(h.query_by_label_contains("Juno Park Live · K1").is_some());
    assert!(
        h.query_by_label("Mara Vey — After-show (demo)").is_some(),
        "the demo stays listed"
    );

    goto(&mut h, "Catalogue");
    type_into(&mut h, "Creator PIN", "135799");
    h.get_by_label("Unlock").click();
    h.run();
    h.get_by_label("New gig").click();
    h.run();
    type_into(&mut h, "Title", "Polaroid with Juno");
    type_into(&mut h, "Price", "20.00");
    h.get_by_label("30").click();
    type_into(&mut h, "Sessions for sale", "12");
    h.get_by_label("Save offer").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Saved Polaroid with Juno"));

    goto(&mut h, "Sell");
    h.get_by_label_contains("Polaroid with Juno\n$20.00")
        .click(); // tap 1
    h.run();
    assert!(h.query_by_label("Tax 8.25%").is_some());
    assert!(h.query_by_label("$21.65").is_some());
    pay_by_card(&mut h); // taps 2 and 3
    assert_eq!(paid_total(&h), "$21.65");
    let Payment::Paid { receipt, .. } = &h.state().payment() else {
        unreachable!()
    };
    assert_eq!(receipt.number.to_string(), "K1-000001");
    assert_eq!(receipt.tickets[0].label, "A-001");
    assert_eq!(receipt.footer, "Thanks for coming out!");
}

#[test]
fn unlocked_editing_ends_after_five_idle_minutes() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    goto(&mut h, "Catalogue");
    unlock(&mut h, "2468");
    assert!(h.query_by_label("Edit Signed postcard").is_some());
    // Four idle minutes: still unlocked.
    let start = h.ctx.input(|i| i.time);
    h.input_mut().time = Some(start + 240.0);
    h.run();
    assert!(h.query_by_label("Edit Signed postcard").is_some());
    // A fifth and a bit: locked, and the screen says why.
    h.input_mut().time = Some(start + 301.0);
    h.run();
    assert!(h.query_by_label("Edit Signed postcard").is_none());
    assert_eq!(
        h.state().notice(),
        Some("Catalogue locked again after five minutes without a tap")
    );
}

#[test]
fn another_event_opening_gives_every_screen_a_fresh_start() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    support::sell(
        &mut pos,
        &[("Signed tour poster", 1)],
        encore::domain::order::TenderKind::Card,
    );
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    goto(&mut h, "Receipts");
    h.get_by_label("Refund K1-000001").click();
    h.run();
    assert!(
        h.query_by_label("Keep the sale").is_some(),
        "a refund draft is open"
    );
    goto(&mut h, "Sell");
    h.get_by_label_contains("Signed tour poster").click();
    h.run();
    assert_eq!(h.state().cart().items().len(), 1);

    // Another station opens a new event.
    let mut other = db.pos_at("K2", &clock);
    let setup = encore::domain::event::EventSetup {
        name: "Second night".into(),
        venue: "Dock 4, Hamburg".into(),
        time_zone: "Europe/Berlin".into(),
        currency: "EUR".into(),
        vat_mode: VatMode::Inclusive,
        vat_rates: "19".into(),
        ..Default::default()
    };
    other
        .with_pin("2468", |p, g| p.create_event(&setup, "135799", Some(g)))
        .unwrap();
    wait(&mut h, 1.1);
    assert_eq!(
        h.state().notice(),
        Some("Another station opened Second night")
    );
    assert!(h.state().cart().is_empty(), "the basket is gone");
    goto(&mut h, "Receipts");
    assert!(
        h.query_by_label("Keep the sale").is_none(),
        "the refund draft of the old event is gone"
    );
}

#[test]
fn an_offer_opened_in_the_editor_saves_back_unchanged() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    let before = h.state().pos().offers().unwrap();
    goto(&mut h, "Catalogue");
    unlock(&mut h, "2468");
    for title in [
        "60-second shoutout",
        "Vinyl test pressing",
        "Fan club pass (€10 credit)",
    ] {
        h.get_by_label(&format!("Edit {title}")).scroll_to_me();
        h.run();
        h.get_by_label(&format!("Edit {title}")).click();
        h.run();
        h.get_by_label("Save offer").click();
        h.run();
        assert_eq!(h.state().notice(), Some(format!("Saved {title}").as_str()));
    }
    assert_eq!(h.state().pos().offers().unwrap(), before);
}
