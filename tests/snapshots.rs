//! Image snapshots of the kiosk at both target sizes, dark and light. They need the wgpu build
//! and a Vulkan driver: `cargo test --features snapshots` (references: UPDATE_SNAPSHOTS=1).
#![cfg(feature = "snapshots")]

mod support;

use egui_kittest::kittest::Queryable as _;
use support::{TestClock, TestDb, kiosk_harness_themed};

#[test]
fn sell_screen_at_both_sizes_in_both_themes() {
    for (size, theme, name) in [
        ((1280.0, 800.0), egui::Theme::Dark, "sell_1280x800_dark"),
        ((1024.0, 600.0), egui::Theme::Dark, "sell_1024x600_dark"),
        ((1280.0, 800.0), egui::Theme::Light, "sell_1280x800_light"),
        ((1024.0, 600.0), egui::Theme::Light, "sell_1024x600_light"),
    ] {
        let db = TestDb::new();
        let mut h = kiosk_harness_themed(db.demo_pos(&TestClock::new()), size, theme);
        h.get_by_label_contains("5-minute meet & greet\n").click();
        h.run();
        h.get_by_label("Pay by QR").click();
        h.run();
        h.snapshot(name);
    }
}

#[test]
fn queue_screen_with_a_night_of_no_shows() {
    use encore::domain::order::TenderKind;
    use encore::domain::queue::TicketState;
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    support::sell(&mut pos, &[("60-second shoutout", 12)], TenderKind::Card);
    for _ in 0..8 {
        let called = pos.call_next('A').unwrap().unwrap().to_string();
        clock.advance_secs(120);
        let id = pos.ticket(&called).unwrap().id;
        pos.move_ticket(id, TicketState::NoShow).unwrap();
    }
    pos.call_next('A').unwrap();
    let mut h = kiosk_harness_themed(pos, (1024.0, 600.0), egui::Theme::Dark);
    h.get_by_label("Queue").click();
    h.run();
    h.snapshot("queue_1024x600_dark");
}
