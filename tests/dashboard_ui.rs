//! The Dashboard screen in the kiosk at 1024×600, light and dark: a sale made at another station
//! shows in its figures with no tap (it refreshes by itself); the margins and the Tour view show
//! only after the creator PIN and hide again when the creator leaves the screen.

mod support;

use egui_kittest::kittest::Queryable as _;
use encore::domain::order::TenderKind;
use encore::ui::Screen;
use support::{PIN, TestClock, TestDb, kiosk_harness_themed, run_jobs, sell, type_into, wait};

type H = egui_kittest::Harness<'static, encore::ui::Kiosk>;

/// Asserts the widget with this label is drawn inside the window.
fn on_screen(h: &H, label: &str) {
    let rect = h.get_by_label_contains(label).rect();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 600.0));
    assert!(
        window.contains_rect(rect),
        "{label} at {rect:?} is off the 1024×600 screen"
    );
}

#[test]
fn the_dashboard_follows_sales_by_itself_in_both_themes() {
    for theme in [egui::Theme::Light, egui::Theme::Dark] {
        let db = TestDb::new();
        let clock = TestClock::new();
        let mut h = kiosk_harness_themed(db.demo_pos(&clock), (1024.0, 600.0), theme);
        h.get_by_label("Dashboard").click();
        run_jobs(&mut h);
        assert_eq!(h.state().screen, Screen::Dashboard);
        assert!(
            h.query_by_label("Revenue €0.00 · 0 orders").is_some(),
            "{theme:?}"
        );
        on_screen(&h, "Revenue per 15 minutes");
        on_screen(&h, "QR shown 0");

        // Another station sells; this kiosk is left alone.
        let mut k2 = db.pos_at("K2", &clock);
        sell(&mut k2, &[("Tour tote bag", 1)], TenderKind::Card);
        sell(&mut k2, &[("Signed tour poster", 2)], TenderKind::Cash);
        sell(&mut k2, &[("60-second shoutout", 1)], TenderKind::Card);
        wait(&mut h, 1.5);
        assert!(
            h.query_by_label("Revenue €45.00 · 3 orders").is_some(),
            "{theme:?}: the figures moved without a tap"
        );
        assert!(
            h.query_by_label_contains("Signed tour poster 2/25")
                .is_some()
        );
        assert!(
            h.query_by_label_contains("Tour tote bag €15.00 (1)")
                .is_some()
        );
        assert!(
            h.query_by_label("Lane A: 1 waiting now · wait – · no-show –")
                .is_some()
        );
        on_screen(&h, "Signed tour poster 2/25");
        on_screen(&h, "Lane A: 1 waiting now");
        assert!(
            h.query_by_label_contains("Margin per gig-minute").is_none(),
            "helpers see no margins"
        );
        assert!(h.query_by_label("Tour").is_none());
    }
}

#[test]
fn margins_and_the_tour_are_the_creators_and_lock_on_leaving() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("5-minute meet & greet", 2)], TenderKind::Card);
    let mut h = kiosk_harness_themed(pos, (1024.0, 600.0), egui::Theme::Dark);
    h.get_by_label("Dashboard").click();
    run_jobs(&mut h);
    type_into(&mut h, "Creator PIN", PIN);
    h.get_by_label("Unlock").click();
    h.run();
    assert!(h.query_by_label_contains("Margin per gig-minute").is_some());
    assert!(
        h.query_by_label_contains("5-minute meet & greet: €")
            .is_some()
    );

    h.get_by_label("Tour").click();
    h.run();
    assert!(
        h.query_by_label("Average wait").is_some(),
        "the Tour view's rows"
    );
    assert!(h.query_by_label("Tonight").is_some(), "and the way back");

    h.get_by_label("Sell").click();
    h.run();
    h.get_by_label("Dashboard").click();
    h.run();
    assert!(
        h.query_by_label_contains("Margin per gig-minute").is_none(),
        "locked on leaving"
    );
    assert!(h.query_by_label("Unlock").is_some());
}

#[test]
fn the_night_is_read_on_the_worker_and_its_figures_show_when_it_is_done() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Cash);
    let mut h = kiosk_harness_themed(pos, (1024.0, 600.0), egui::Theme::Light);
    h.get_by_label("Dashboard").click();
    // The click's frame opens the screen and hands the full read to the worker; the next frame
    // is drawn before its result is taken, so it shows the screen still reading.
    h.step();
    h.step();
    assert!(
        h.query_by_label("Reading the night…").is_some(),
        "the frame did not wait for the full read"
    );
    assert!(h.query_by_label_contains("Revenue").is_none());
    run_jobs(&mut h);
    assert!(!h.state().busy(), "the worker is done");
    assert!(
        h.query_by_label("Revenue €30.00 · 2 orders").is_some(),
        "the figures of the full read"
    );
    // The one-second refresh carries on from there, in the frame.
    let mut k2 = db.pos_at("K2", &clock);
    sell(&mut k2, &[("Tour tote bag", 1)], TenderKind::Card);
    wait(&mut h, 1.5);
    assert!(h.query_by_label("Revenue €45.00 · 3 orders").is_some());
    assert!(!h.state().busy(), "a refresh is no job");
}
