//! The Receipts screen's search box and invoice panel, and training mode from Settings, as an
//! operator uses them in the kiosk.

mod support;

use egui_kittest::kittest::Queryable as _;
use encore::domain::order::TenderKind;
use support::{PIN, TestClock, TestDb, kiosk_harness, sell, type_into, wait};

type H = egui_kittest::Harness<'static, encore::ui::Kiosk>;

fn goto(h: &mut H, screen: &str) {
    h.get_by_label(screen).click();
    h.run();
}

/// Scrolls down to the training section, as a person would, types the PIN and taps `button`.
fn training_button(h: &mut H, pin: &str, button: &str) {
    h.get_by_label("Creator PIN for training").scroll_to_me();
    h.run();
    type_into(h, "Creator PIN for training", pin);
    h.get_by_label(button).scroll_to_me();
    h.run();
    h.get_by_label(button).click();
    h.run();
}

#[test]
fn the_search_box_finds_a_receipt_by_amount_and_shows_recent_again() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Card);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Cash);
    let mut h = kiosk_harness(pos, (1024.0, 600.0));
    goto(&mut h, "Receipts");
    assert!(h.query_by_label("PDF K1-000001").is_some());
    type_into(&mut h, "Find a receipt", "12,50");
    h.get_by_label("Find").click();
    h.run();
    assert!(h.query_by_label("1 receipt found.").is_some());
    assert!(h.query_by_label("PDF K1-000002").is_some());
    assert!(h.query_by_label("PDF K1-000001").is_none());
    assert!(h.query_by_label("PDF K1-000003").is_none());
    h.get_by_label("Show recent").click();
    h.run();
    assert!(h.query_by_label("PDF K1-000001").is_some());
    assert!(h.query_by_label("PDF K1-000003").is_some());
}

#[test]
fn an_invoice_is_written_from_the_receipts_screen_and_a_reprint_is_a_copy() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Card);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    goto(&mut h, "Receipts");
    // Nothing typed and never issued: refused by field, the panel stays.
    h.get_by_label("Invoice K1-000001…").click();
    h.run();
    h.get_by_label("Print a copy").click();
    h.run();
    assert!(
        h.state().notice().unwrap().starts_with("buyer name:"),
        "{:?}",
        h.state().notice()
    );
    assert!(h.query_by_label("Buyer name").is_some());
    type_into(&mut h, "Buyer name", "Ada Lovelace GmbH");
    type_into(&mut h, "Buyer address", "Hafenstraße 1");
    h.get_by_label("Write the invoice").click();
    support::run_jobs(&mut h);
    let notice = h.state().notice().unwrap().to_string();
    let path = notice
        .strip_prefix("The invoice is saved: ")
        .unwrap_or_else(|| panic!("{notice}"));
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    h.get_by_label("Invoice K1-000001…").click();
    h.run();
    h.get_by_label("Print a copy").click();
    support::run_jobs(&mut h);
    let notice = h.state().notice().unwrap().to_string();
    assert!(
        notice.starts_with("The copy of the invoice is saved: "),
        "{notice}"
    );
    let issued: (String, i64) = db
        .conn()
        .query_row("SELECT buyer_name, printed FROM invoices", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(issued, ("Ada Lovelace GmbH".to_string(), 2));
}

#[test]
fn training_from_settings_takes_the_pin_and_shows_the_banner_until_it_is_off() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    let banner = "TRAINING — practice sales only: no stock, no claim codes, no figures";
    assert!(h.query_by_label(banner).is_none());
    goto(&mut h, "Settings");
    training_button(&mut h, "1111", "Start training");
    assert!(h.state().notice().unwrap().starts_with("wrong creator PIN"));
    assert!(!h.state().pos().training().unwrap());
    training_button(&mut h, PIN, "Start training");
    assert!(h.state().pos().training().unwrap());
    assert!(h.query_by_label(banner).is_some());
    goto(&mut h, "Sell");
    assert!(h.query_by_label(banner).is_some(), "on every screen");
    // A practice sale at the Sell screen: it says so, and the tile keeps its units.
    h.get_by_label_contains("Signed tour poster\n€12.50")
        .click();
    h.run();
    h.get_by_label("Card").click();
    h.run();
    assert!(
        h.query_by_label_contains("Signed tour poster\n€12.50\n25 left")
            .is_some(),
        "nothing held"
    );
    wait(&mut h, 1.0);
    h.get_by_label("Card approved").click();
    h.run();
    assert!(
        h.query_by_label("TRAINING — practice sale T1-000001: nothing to collect")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Signed tour poster\n€12.50\n25 left")
            .is_some()
    );
    h.get_by_label("Next fan").click();
    h.run();
    goto(&mut h, "Settings");
    training_button(&mut h, PIN, "Stop training: sell for real");
    assert!(!h.state().pos().training().unwrap());
    assert!(h.query_by_label(banner).is_none());
}
