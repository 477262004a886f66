//! Kiosk flows driven through egui_kittest, widgets found by their accessible labels.

mod support;

use egui_kittest::kittest::Queryable as _;
use encore::domain::order::TenderKind;
use encore::ui::{Payment, Screen};
use support::{TestClock, TestDb, kiosk_harness, sell, type_into, wait};

#[test]
fn a_gig_sells_by_qr_in_three_taps_and_its_ticket_is_in_the_queue() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));

    h.get_by_label_contains("60-second shoutout\n€5.00").click(); // tap 1
    h.run();
    h.get_by_label("Pay by QR").click(); // tap 2
    h.run();
    match &h.state().payment() {
        Payment::Pending {
            total,
            qr: Some((_, caption)),
            checkout,
            ..
        } => {
            assert_eq!(total.to_string(), "€5.00");
            assert_eq!(caption, "SEPA transfer to Mara Vey Music");
            assert!(checkout.payment_ref.starts_with("ENC-"));
        }
        other => panic!("expected a QR payment, got {other:?}"),
    }
    assert!(h.query_by_label_contains("Scan to pay €5.00").is_some());
    assert!(h.query_by_label("Units held for 05:00").is_some());
    wait(&mut h, 1.0); // the helper looks at the fan's banking app
    h.get_by_label("Received").click(); // tap 3
    h.run();
    let Payment::Paid { receipt, claim_qrs } = &h.state().payment() else {
        panic!("not paid")
    };
    assert_eq!(receipt.tickets[0].label, "A-001");
    assert_eq!(claim_qrs.len(), 1);
    assert!(h.query_by_label("Ticket A-001").is_some());

    h.get_by_label("Queue").click();
    h.run();
    assert_eq!(h.state().screen, Screen::Queue);
    assert!(
        h.query_by_label("A-001").is_some(),
        "the ticket waits in lane A"
    );
    assert!(
        h.query_by_label("now").is_some(),
        "first in line, nobody at the table"
    );
    h.get_by_label("Call next A").click();
    h.run();
    assert!(h.query_by_label("Called: A-001").is_some());
    h.get_by_label("Served A-001").click();
    h.run();
    assert!(h.query_by_label("Now: A-001").is_none());
    assert_eq!(h.state().notice(), Some("A-001 served"));
}

#[test]
fn cash_shows_change_and_the_tile_counts_down() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1024.0, 600.0));
    assert!(
        h.query_by_label_contains("Signed tour poster\n€12.50\n25 left")
            .is_some()
    );
    h.get_by_label_contains("Signed tour poster\n€12.50")
        .click();
    h.run();
    h.get_by_label("Cash").click();
    h.run();
    type_into(&mut h, "Cash given", "20");
    assert!(h.query_by_label("Change €7.50").is_some());
    assert!(
        h.query_by_label_contains("Signed tour poster\n€12.50\n24 left · 1 held")
            .is_some()
    );
    wait(&mut h, 1.0);
    h.get_by_label("Cash taken").click();
    h.run();
    let Payment::Paid { receipt, .. } = &h.state().payment() else {
        panic!("not paid")
    };
    assert_eq!(receipt.change().to_string(), "€7.50");
    assert!(
        h.query_by_label_contains("Signed tour poster\n€12.50\n24 left")
            .is_some()
    );
}

#[test]
fn a_drop_before_go_live_counts_down_and_cannot_be_added() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    let tile = h.get_by_label_contains("Vinyl test pressing\n€35.00\nOpens in 05:00");
    tile.click();
    h.run();
    assert!(
        h.state().cart().is_empty(),
        "a drop before go-live is not sellable"
    );
}

#[test]
fn a_scanned_code_redeems_once_from_any_screen() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let code = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card).claims[0]
        .code
        .clone();
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    let scan = |h: &mut egui_kittest::Harness<'static, encore::ui::Kiosk>| {
        h.event(egui::Event::Text(code.clone()));
        h.key_press(egui::Key::Enter);
        h.run();
    };
    scan(&mut h);
    assert_eq!(h.state().screen, Screen::Redeem);
    assert!(
        h.query_by_label("Redeemed: 1 × 60-second shoutout")
            .is_some()
    );
    scan(&mut h);
    assert!(
        h.query_by_label_contains("Already redeemed at 21:00:00 on station K1")
            .is_some()
    );
}

#[test]
fn a_typed_code_with_one_character_changed_is_rejected() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let mut code: Vec<char> = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Card).claims
        [0]
    .code
    .chars()
    .collect();
    code[50] = if code[50] == 'X' { 'Y' } else { 'X' };
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Redeem").click();
    h.run();
    h.get_by_label("Claim code").focus();
    h.run();
    let typed: String = code.into_iter().collect();
    h.get_by_label("Claim code")
        .type_text(&typed.to_lowercase());
    h.run();
    h.get_by_label("Redeem code").click();
    h.run();
    assert!(h.query_by_label_contains("Invalid claim code").is_some());
}

#[test]
fn a_double_tap_on_pay_does_not_confirm_the_payment() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    h.get_by_label_contains("Tour tote bag\n").click();
    h.run();
    h.get_by_label("Card").click();
    h.run();
    h.get_by_label("Card approved").click(); // the second tap of a double tap
    h.run();
    assert!(
        matches!(h.state().payment(), Payment::Pending { .. }),
        "a double tap must not record a payment"
    );
    assert!(h.state().pos().recent_orders(10).unwrap().is_empty());
    // A moment later the helper types the terminal's reference and confirms.
    wait(&mut h, 1.0);
    type_into(&mut h, "Terminal reference", "TX-4711");
    h.get_by_label("Card approved").click();
    h.run();
    let Payment::Paid { receipt, .. } = &h.state().payment() else {
        panic!("not paid")
    };
    assert_eq!(receipt.tenders[0].reference.as_deref(), Some("TX-4711"));
    let stored = h.state().pos().receipt(&receipt.number).unwrap();
    assert_eq!(stored.tenders[0].reference.as_deref(), Some("TX-4711"));
}

#[test]
fn cancelling_gives_held_units_back_and_another_station_cannot_take_them_meanwhile() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut k2 = db.pos_at("K2", &clock);
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    for _ in 0..5 {
        h.get_by_label_contains("Vinyl test pressing\n").click();
        h.run();
    }
    assert!(h.state().cart().is_empty(), "not on sale yet");
    clock.advance_secs(300);
    wait(&mut h, 1.1);
    for _ in 0..2 {
        h.get_by_label_contains("Vinyl test pressing\n").click();
        h.run();
    }
    assert_eq!(
        h.state().cart().qty_of(5),
        1,
        "one per fan: the second tap is refused"
    );
    assert_eq!(h.state().notice(), Some("Vinyl test pressing: 1 per fan"));
    h.get_by_label("Pay by QR").click();
    h.run();
    // One is held for this fan: the other station sells the other four, never that one.
    let vinyl = support::offer_id(&k2, "Vinyl test pressing");
    let sale = |k2: &mut encore::service::Pos| {
        let other = encore::service::SaleRequest::new(
            k2.start_checkout().unwrap(),
            vec![(vinyl, 1)],
            TenderKind::Card,
        );
        k2.sell(&other)
    };
    for _ in 0..4 {
        sale(&mut k2).unwrap();
    }
    assert_eq!(
        sale(&mut k2).unwrap_err().to_string(),
        "Vinyl test pressing is sold out"
    );
    h.get_by_label("Cancel payment").click();
    h.run();
    assert!(sale(&mut k2).is_ok(), "cancelling gave the unit back");
}

#[test]
fn a_scan_into_the_focused_code_field_redeems_exactly_once() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let code = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card).claims[0]
        .code
        .clone();
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Redeem").click();
    h.run();
    h.get_by_label("Claim code").focus();
    h.run();
    // The scanner types into the focused field, then presses Enter.
    h.event(egui::Event::Text(code[..60].to_string()));
    h.step();
    h.event(egui::Event::Text(code[60..].to_string()));
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        h.query_by_label("Redeemed: 1 × 60-second shoutout")
            .is_some(),
        "the fan is not turned away"
    );
    assert_eq!(h.get_by_label("Claim code").value().as_deref(), Some(""));
}

#[test]
fn a_creator_refunds_one_unit_with_the_pin_and_its_code_stops_working() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sold = sell(&mut pos, &[("Signed tour poster", 2)], TenderKind::Card);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Receipts").click();
    h.run();
    h.get_by_label("Refund K1-000001").click();
    h.run();
    h.get_by_label("Refund one less Signed tour poster").click();
    h.run();
    type_into(&mut h, "Creator PIN", "1111");
    h.get_by_label("Refund €12.50").click();
    h.run();
    assert_eq!(
        h.state().notice(),
        Some("wrong creator PIN (4 more before a wait)")
    );
    type_into(&mut h, "Creator PIN", "2468");
    h.get_by_label("Refund €12.50").click();
    support::run_jobs(&mut h);
    assert!(h.state().notice().unwrap().starts_with(
        "Refunded €12.50 (K1-R000001): give back €12.50 by card; 1 claim unit(s) revoked"
    ));
    // Both posters share one code: the refunded unit is gone from it, one is left.
    assert_eq!(sold.claims.len(), 1);
    let status = h.state().pos().check_claim(&sold.claims[0].code).unwrap();
    assert_eq!((status.quantity, status.units_left), (2, 1));
}

#[test]
fn settings_test_scan_reads_the_payment_qr_back_and_saving_needs_the_pin() {
    let db = TestDb::new();
    let mut h = kiosk_harness(db.demo_pos(&TestClock::new()), (1280.0, 800.0));
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label("Test scan").click();
    h.run();
    assert!(
        h.query_by_label("Test scan: the QR reads back as")
            .is_some()
    );
    assert!(h.query_by_label("DE89370400440532013000").is_some());
    assert!(h.query_by_label("EUR1.00").is_some());
    type_into(&mut h, "Beneficiary IBAN", "9");
    h.get_by_label("Test scan").click();
    h.run();
    assert!(h.query_by_label_contains("IBAN: ").is_some());
    h.get_by_label("Payment link").click();
    h.run();
    type_into(
        &mut h,
        "Link template",
        "https://ko-fi.example/mara?amount={amount}&note={ref}",
    );
    type_into(&mut h, "Creator PIN", "2468");
    h.get_by_label("Save payment settings").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Payment settings saved"));
    assert!(matches!(
        h.state().pos().event().payment,
        Some(encore::domain::payment::PaymentProfile::Link { .. })
    ));
}

#[test]
fn the_drawer_opens_takes_cash_out_and_closes_with_a_count() {
    let db = TestDb::new();
    let mut h = kiosk_harness(db.demo_pos(&TestClock::new()), (1280.0, 800.0));
    h.get_by_label("Settings").click();
    h.run();
    type_into(&mut h, "Drawer amount", "100");
    h.get_by_label("Open drawer").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Drawer open with €100.00"));
    type_into(&mut h, "Drawer amount", "20");
    type_into(&mut h, "Reason", "change run");
    h.get_by_label("Cash out").click();
    h.run();
    type_into(&mut h, "Drawer amount", "79.50");
    h.get_by_label("Close with count").click();
    h.run();
    assert_eq!(
        h.state().notice(),
        Some("Drawer closed: expected €80.00, counted €79.50, difference -€0.50")
    );
}

#[test]
fn a_tip_changes_the_qr_amount_but_not_the_sale_or_its_vat() {
    let db = TestDb::new();
    let mut h = kiosk_harness(db.demo_pos(&TestClock::new()), (1280.0, 800.0));
    h.get_by_label_contains("60-second shoutout\n").click();
    h.run();
    h.get_by_label("Pay by QR").click();
    h.run();
    h.get_by_label("10%").click();
    h.run();
    assert!(h.query_by_label("Scan to pay €5.50").is_some());
    let Payment::Pending {
        qr: Some((matrix, _)),
        ..
    } = &h.state().payment()
    else {
        panic!("no QR")
    };
    assert!(
        matrix.scan().unwrap().contains("\nEUR5.50\n"),
        "the payment QR asks for the tip too"
    );
    wait(&mut h, 1.0);
    h.get_by_label("Received").click();
    h.run();
    let Payment::Paid { receipt, .. } = &h.state().payment() else {
        panic!("not paid")
    };
    assert_eq!(
        (
            receipt.total.minor,
            receipt.tip.minor,
            receipt.tenders[0].tendered.minor
        ),
        (500, 50, 550)
    );
    assert_eq!(
        receipt.vat.iter().map(|v| v.gross.minor).sum::<i64>(),
        500,
        "no VAT on the tip"
    );
}

#[test]
fn the_helper_runs_the_queue_with_keys_and_undoes_a_slip() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 3)], TenderKind::Card);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Queue").click();
    h.run();
    h.key_press(egui::Key::N);
    wait(&mut h, 0.2);
    assert!(h.query_by_label("Called: A-001").is_some());
    // X before the grace time does nothing; the button says how long.
    h.key_press(egui::Key::X);
    wait(&mut h, 0.2);
    assert!(h.query_by_label_contains("No-show A-001 in").is_some());
    h.key_press(egui::Key::S);
    wait(&mut h, 0.2);
    assert_eq!(h.state().notice(), Some("A-001 served"));
    // Oops: U takes it back.
    h.key_press(egui::Key::U);
    wait(&mut h, 0.2);
    assert!(h.query_by_label("Called: A-001").is_some());
    h.get_by_label("At table A-001").click();
    h.run();
    assert!(h.query_by_label("At the table: A-001").is_some());
    h.get_by_label("Served A-001").click();
    h.run();
    // Lane B is selected by its header; N now calls there (nobody waits in B).
    h.get_by_label("Lane B").click();
    h.run();
    h.key_press(egui::Key::N);
    wait(&mut h, 0.2);
    assert!(h.query_by_label("Called: A-002").is_none());
    h.get_by_label("Priority A-003").click();
    h.run();
    assert_eq!(h.state().notice(), Some("A-003 is priority now"));
    // The board, for fans: now serving, next, and the wait for a ticket bought now.
    h.get_by_label("Board").click();
    h.run();
    assert!(h.query_all_by_label("Now serving").count() >= 1);
    assert_eq!(
        h.query_all_by_label_contains("Buy now:").count(),
        2,
        "one per lane"
    );
}

#[test]
fn a_drop_code_for_two_is_held_handed_over_one_unit_at_a_time_and_logged() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let code = sell(&mut pos, &[("Signed tour poster", 2)], TenderKind::Card).claims[0]
        .code
        .clone();
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Redeem").click();
    h.run();
    type_into(&mut h, "Claim code", &code);
    h.get_by_label("Redeem code").click();
    h.run();
    assert!(
        h.query_by_label("Redeemed: 1 × Signed tour poster — held for the fan")
            .is_some()
    );
    assert!(h.query_by_label("1 left on this code").is_some());
    h.get_by_label("Handed over").click();
    h.run();
    assert!(
        h.query_by_label("Handed over: 1 × Signed tour poster")
            .is_some()
    );
    // A slip: the hand-over is taken back (held again), then made for real.
    h.get_by_label_contains("Undo (").click();
    h.run();
    assert!(
        h.query_by_label("Back on hold: 1 × Signed tour poster")
            .is_some()
    );
    h.get_by_label("Handed over").click();
    h.run();
    // The second unit: scanned again, then undone by mistake-catcher.
    type_into(&mut h, "Claim code", &code);
    h.get_by_label("Redeem code").click();
    h.run();
    h.get_by_label_contains("Undo (").click();
    h.run();
    assert!(h.query_by_label("Undone: 1 × Signed tour poster").is_some());
    wait(&mut h, 1.1);
    type_into(&mut h, "Search", &code[..6]);
    wait(&mut h, 1.1);
    assert!(h.query_by_label_contains("undone").is_some());
    assert!(h.query_by_label_contains("handed over").is_some());
}

#[test]
fn a_screenshot_of_a_claim_code_is_read_and_redeemed() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let code = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card).claims[0]
        .code
        .clone();
    let (side, pixels) = encore::domain::claim::qr_matrix(&code)
        .unwrap()
        .greyscale(5);
    let png = db.dir.path().join("screenshot.png");
    image::GrayImage::from_raw(side as u32, side as u32, pixels)
        .unwrap()
        .save(&png)
        .unwrap();
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Redeem").click();
    h.run();
    type_into(
        &mut h,
        "Photo or screenshot (PNG/JPEG)",
        png.to_str().unwrap(),
    );
    h.get_by_label("Read image").click();
    support::run_jobs(&mut h);
    assert!(
        h.query_by_label("Redeemed: 1 × 60-second shoutout")
            .is_some()
    );
}

#[test]
fn the_creator_changes_the_queue_rules_and_a_helper_signs_their_work() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let code = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card).claims[0]
        .code
        .clone();
    let mut h = kiosk_harness(pos, (1280.0, 1600.0));
    h.get_by_label("Settings").click();
    h.run();
    type_into(&mut h, "Helper name", "Sam");
    h.get_by_label("Set helper").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Helper at this station: Sam"));
    type_into(&mut h, "No-show grace (minutes)", "soon");
    type_into(&mut h, "Creator PIN for the queue", "2468");
    h.get_by_label("Save queue settings").click();
    h.run();
    assert_eq!(
        h.state().notice(),
        Some("No-show grace: minutes from 0 to 30, like 2 or 1.5")
    );
    type_into(&mut h, "No-show grace (minutes)", "0.5");
    type_into(&mut h, "Regular tickets per priority ticket", "2");
    type_into(&mut h, "Creator PIN for the queue", "2468");
    h.get_by_label("Save queue settings").click();
    h.run();
    assert_eq!(h.state().notice(), Some("Queue settings saved"));
    let rules = h.state().pos().event().queue;
    assert_eq!((rules.fairness, rules.grace_secs), (2, 30));
    h.get_by_label("Redeem").click();
    h.run();
    type_into(&mut h, "Claim code", &code);
    h.get_by_label("Redeem code").click();
    h.run();
    wait(&mut h, 1.1);
    assert!(
        h.query_by_label("K1 · Sam").is_some(),
        "the log names the helper"
    );
}

#[test]
fn a_scan_on_the_queue_screen_does_not_fire_the_shortcut_keys_in_the_code() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let sold = sell(&mut pos, &[("60-second shoutout", 2)], TenderKind::Card);
    // A code with N, S or X in it, as a scanner types it: a key press and a character per frame.
    let code = sold
        .claims
        .iter()
        .map(|c| c.code.clone())
        .find(|c| c.contains('N') || c.contains('S') || c.contains('X'))
        .expect("one of the codes has a shortcut letter");
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Queue").click();
    h.run();
    for c in code.chars() {
        if let Some(key) = egui::Key::from_name(&c.to_string()) {
            h.event(egui::Event::Key {
                key,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.event(egui::Event::Text(c.to_string()));
        h.step();
    }
    h.key_press(egui::Key::Enter);
    wait(&mut h, 0.3);
    assert_eq!(h.state().screen, Screen::Redeem, "the scan was recognised");
    assert!(
        h.state()
            .pos()
            .all_tickets()
            .unwrap()
            .iter()
            .all(|t| t.state == encore::domain::queue::TicketState::Waiting),
        "no ticket was called or served by the letters of the code"
    );
}

#[test]
fn a_photo_too_big_to_be_a_photo_is_refused_naming_it() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    h.get_by_label("Redeem").click();
    h.run();
    let huge = db.dir.path().join("huge.png");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(21 * 1024 * 1024)
        .unwrap();
    type_into(
        &mut h,
        "Photo or screenshot (PNG/JPEG)",
        huge.to_str().unwrap(),
    );
    h.get_by_label("Read image").click();
    support::run_jobs(&mut h);
    let text = format!("Photo: {} is 21 MB; the most read is 20 MB", huge.display());
    assert!(h.query_by_label(&text).is_some(), "no {text}");

    let wide = db.dir.path().join("wide.png");
    image::GrayImage::new(8001, 2).save(&wide).unwrap();
    type_into(
        &mut h,
        "Photo or screenshot (PNG/JPEG)",
        wide.to_str().unwrap(),
    );
    h.get_by_label("Read image").click();
    support::run_jobs(&mut h);
    let text = "Photo: the image is 8001×2 pixels; the most read is 8000×8000";
    assert!(h.query_by_label(text).is_some(), "no {text}");
}
