//! The queue at the service: fairness, grace time, re-queue, undo, serving, wait ranges,
//! statistics, and a property test that no ticket is ever lost or duplicated.

mod support;

use support::AsCreator as _;

use std::collections::BTreeSet;

use encore::domain::order::TenderKind;
use encore::domain::queue::TicketState;
use encore::service::{Pos, PosError, RefundRequest};
use proptest::prelude::*;
use support::{TestClock, TestDb, sell};

fn id(pos: &Pos, label: &str) -> i64 {
    pos.ticket(label).unwrap().id
}

fn waiting_labels(pos: &Pos, lane: usize) -> Vec<String> {
    pos.queue().unwrap()[lane]
        .waiting
        .iter()
        .map(|(t, _)| t.label.to_string())
        .collect()
}

#[test]
fn one_priority_ticket_per_three_regular_ones_and_the_screen_shows_that_order() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 8)], TenderKind::Card);
    for label in ["A-006", "A-007"] {
        pos.set_priority(id(&pos, label), true).unwrap();
    }
    let predicted = waiting_labels(&pos, 0);
    let mut called = Vec::new();
    while let Some(label) = pos.call_next('A').unwrap() {
        called.push(label.to_string());
        pos.move_ticket(id(&pos, &label.to_string()), TicketState::Done)
            .unwrap();
    }
    assert_eq!(
        called,
        [
            "A-006", "A-001", "A-002", "A-003", "A-007", "A-004", "A-005", "A-008"
        ]
    );
    assert_eq!(predicted, called, "the waiting list is the call order");
}

#[test]
fn no_show_after_the_grace_time_then_one_requeue_three_places_back() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 6)], TenderKind::Card);
    let first = pos.call_next('A').unwrap().unwrap().to_string();
    let t = id(&pos, &first);
    let early = pos.move_ticket(t, TicketState::NoShow).unwrap_err();
    assert_eq!(
        early.to_string(),
        "A-001 was called just now: no-show is possible in 120 s (grace time)"
    );
    clock.advance_secs(120);
    pos.move_ticket(t, TicketState::NoShow).unwrap();
    assert_eq!(pos.queue().unwrap()[0].no_shows.len(), 1);
    pos.move_ticket(t, TicketState::Waiting).unwrap();
    assert_eq!(
        waiting_labels(&pos, 0),
        ["A-002", "A-003", "A-004", "A-001", "A-005", "A-006"]
    );
    // Called again, no-show again: no second re-queue.
    for _ in 0..4 {
        let l = pos.call_next('A').unwrap().unwrap().to_string();
        if l != "A-001" {
            pos.move_ticket(id(&pos, &l), TicketState::Done).unwrap();
        }
    }
    clock.advance_secs(120);
    pos.move_ticket(t, TicketState::NoShow).unwrap();
    assert!(matches!(
        pos.move_ticket(t, TicketState::Waiting),
        Err(PosError::RequeuedOnce(_))
    ));
}

#[test]
fn every_move_can_be_undone_for_ten_seconds() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 2)], TenderKind::Card);
    let t = id(&pos, "A-001");
    pos.call_next('A').unwrap();
    pos.move_ticket(t, TicketState::Serving).unwrap();
    clock.advance_secs(9);
    pos.undo_ticket(t).unwrap();
    assert_eq!(pos.ticket("A-001").unwrap().state, TicketState::Called);
    assert!(
        matches!(pos.undo_ticket(t), Err(PosError::UndoTooLate { .. })),
        "one step only"
    );
    pos.move_ticket(t, TicketState::Done).unwrap();
    clock.advance_secs(11);
    assert!(matches!(
        pos.undo_ticket(t),
        Err(PosError::UndoTooLate { .. })
    ));
    assert_eq!(pos.ticket("a1").unwrap().state, TicketState::Done);
}

#[test]
fn waits_are_ranges_recomputed_from_observed_service_times_and_stats_add_up() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    // Lane A: Mara's 5-minute meet & greets (her shoutouts share the lane; none sold here).
    sell(&mut pos, &[("5-minute meet & greet", 6)], TenderKind::Card);
    let lane = |pos: &Pos| pos.queue().unwrap()[0].clone();
    assert_eq!(lane(&pos).wait_now, (24, 36), "six ahead × 5 min ± 20 %");
    assert_eq!(lane(&pos).waiting[2].1, (8, 12));
    // The first two take only 2 minutes each: estimates come down.
    for _ in 0..2 {
        let l = pos.call_next('A').unwrap().unwrap().to_string();
        clock.advance_secs(120);
        pos.move_ticket(id(&pos, &l), TicketState::Done).unwrap();
    }
    let view = lane(&pos);
    assert_eq!(view.waiting.len(), 4);
    // Observed 2 of 5 planned minutes (0.4), blended with the plan: 0.6 × 5 = 3 min a session.
    assert_eq!(view.wait_now, (9, 15), "four ahead × 3 min ± 20 %");
    // One no-show.
    let l = pos.call_next('A').unwrap().unwrap().to_string();
    clock.advance_secs(130);
    pos.move_ticket(id(&pos, &l), TicketState::NoShow).unwrap();
    let stats = pos.queue_stats().unwrap();
    let b = stats.iter().find(|s| s.lane == 'A').unwrap();
    assert_eq!(b.hour, "2026-11-21 21:00 CET");
    assert_eq!((b.tickets, b.served, b.no_shows), (6, 2, 1));
    assert_eq!(b.median_service_secs, Some(120));
    assert_eq!(
        b.median_wait_secs,
        Some(120),
        "paid at 21:00, called at 21:00, 21:02, 21:04"
    );
}

#[derive(Debug, Clone)]
enum Op {
    Sell(u32),
    Next,
    Start,
    Serve,
    NoShow,
    Requeue,
    Undo,
    Priority,
    Refund,
    Wait(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u32..4).prop_map(Op::Sell),
        Just(Op::Next),
        Just(Op::Start),
        Just(Op::Serve),
        Just(Op::NoShow),
        Just(Op::Requeue),
        Just(Op::Undo),
        Just(Op::Priority),
        Just(Op::Refund),
        (1i64..200).prop_map(Op::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the helpers do, every ticket sold exists once, with one state, and every open
    /// ticket shows up exactly once on the Queue screen.
    #[test]
    fn no_ticket_is_lost_or_duplicated(ops in proptest::collection::vec(op(), 1..40)) {
        let db = TestDb::new();
        let clock = TestClock::new();
        let mut pos = db.demo_pos(&clock);
        let mut sold = 0usize;
        let mut receipts = Vec::new();
        let mut last = None;
        for op in ops {
            let pick = |pos: &Pos, state: TicketState| {
                pos.all_tickets().unwrap().into_iter().find(|t| t.state == state).map(|t| t.id)
            };
            match op {
                Op::Sell(n) => {
                    receipts.push(sell(&mut pos, &[("60-second shoutout", n)], TenderKind::Card).number);
                    sold += n as usize;
                }
                Op::Next => {
                    if let Some(l) = pos.call_next('A').unwrap() {
                        last = Some(pos.ticket(&l.to_string()).unwrap().id);
                    }
                }
                Op::Start | Op::Serve | Op::NoShow | Op::Requeue => {
                    let (from, to) = match op {
                        Op::Start => (TicketState::Called, TicketState::Serving),
                        Op::Serve => (TicketState::Serving, TicketState::Done),
                        Op::NoShow => (TicketState::Called, TicketState::NoShow),
                        _ => (TicketState::NoShow, TicketState::Waiting),
                    };
                    if let Some(t) = pick(&pos, from) {
                        // Refusals (grace time, second re-queue) are fine; nothing may break.
                        if pos.move_ticket(t, to).is_ok() {
                            last = Some(t);
                        }
                    }
                }
                Op::Undo => {
                    if let Some(t) = last {
                        let _ = pos.undo_ticket(t);
                    }
                }
                Op::Priority => {
                    if let Some(t) = pick(&pos, TicketState::Waiting) {
                        pos.set_priority(t, true).unwrap();
                    }
                }
                Op::Refund => {
                    if let Some(r) = receipts.pop() {
                        let req = RefundRequest { receipt: r, lines: None, reason: "x".into() };
                        let _ = pos.with_pin("2468", |p, g| p.refund(&req, g));
                    }
                }
                Op::Wait(s) => clock.advance_secs(s),
            }
            let all = pos.all_tickets().unwrap();
            prop_assert_eq!(all.len(), sold);
            let labels: BTreeSet<String> = all.iter().map(|t| t.label.to_string()).collect();
            prop_assert_eq!(labels.len(), sold, "labels are unique");
            let lane = &pos.queue().unwrap()[0];
            let mut shown: Vec<i64> = lane.serving.iter().chain(&lane.called).chain(&lane.no_shows).map(|t| t.id).collect();
            shown.extend(lane.waiting.iter().map(|(t, _)| t.id));
            let unique: BTreeSet<i64> = shown.iter().copied().collect();
            prop_assert_eq!(unique.len(), shown.len(), "no ticket shown twice");
            let open: BTreeSet<i64> = all
                .iter()
                .filter(|t| t.state.is_open() || (t.state == TicketState::NoShow && !t.requeued))
                .map(|t| t.id)
                .collect();
            prop_assert_eq!(unique, open, "every open ticket is on the screen");
        }
    }
}

#[test]
fn undo_is_for_the_station_that_moved_and_never_revives_a_refunded_ticket() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut k1 = db.pos_at("K1", &clock);
    let mut k2 = db.pos_at("K2", &clock);
    let sold = sell(&mut k1, &[("60-second shoutout", 1)], TenderKind::Card);
    let t = id(&k1, "A-001");
    k1.call_next('A').unwrap();
    assert!(
        matches!(k2.undo_ticket(t), Err(PosError::TicketMoved { .. })),
        "K2 cannot take back K1's call"
    );
    k1.with_pin("2468", |p, g| {
        p.refund(
            &RefundRequest {
                receipt: sold.number,
                lines: None,
                reason: "x".into(),
            },
            g,
        )
    })
    .unwrap();
    assert!(k1.undo_ticket(t).is_err());
    assert_eq!(k1.ticket("A-001").unwrap().state, TicketState::Cancelled);
}

#[test]
fn a_priority_add_on_bought_with_a_gig_makes_its_ticket_priority() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 2)], TenderKind::Card);
    let fan = sell(
        &mut pos,
        &[("60-second shoutout", 2), ("Priority place (add-on)", 1)],
        TenderKind::Card,
    );
    assert_eq!(fan.tickets.len(), 2);
    let flags: Vec<(String, bool)> = pos
        .all_tickets()
        .unwrap()
        .into_iter()
        .map(|t| (t.label.to_string(), t.priority))
        .collect();
    assert_eq!(
        flags,
        [
            ("A-001".to_string(), false),
            ("A-002".to_string(), false),
            ("A-003".to_string(), true),
            ("A-004".to_string(), false)
        ]
    );
    // First call: the priority ticket, then the fairness rule takes over.
    assert_eq!(pos.call_next('A').unwrap().unwrap().to_string(), "A-003");
    // Without a gig in the basket the add-on is refused, and nothing is sold.
    let alone = support::try_sell(
        &mut pos,
        &[("Priority place (add-on)", 1)],
        TenderKind::Card,
    );
    assert_eq!(
        alone.unwrap_err().to_string(),
        "Priority place (add-on): one per gig ticket, and this basket has 0"
    );
}

/// Marks the lane's next `n` calls as no-shows, a minute apart.
fn no_shows(pos: &mut Pos, clock: &TestClock, n: usize) {
    for _ in 0..n {
        let called = pos.call_next('A').unwrap().unwrap().to_string();
        clock.advance_secs(120);
        pos.move_ticket(id(pos, &called), TicketState::NoShow)
            .unwrap();
    }
}

#[test]
fn a_lane_shows_its_latest_no_shows_and_counts_the_earlier_ones_which_come_back_by_number() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 8)], TenderKind::Card);
    no_shows(&mut pos, &clock, 7);
    let lane = &pos.queue().unwrap()[0];
    let shown: Vec<String> = lane.no_shows.iter().map(|t| t.label.to_string()).collect();
    assert_eq!(
        shown,
        ["A-007", "A-006", "A-005", "A-004", "A-003"],
        "latest first"
    );
    assert_eq!(lane.earlier_no_shows, 2);
    // A-001 comes back an hour later: found by the number on their ticket.
    clock.advance_secs(3600);
    let back = pos.ticket("a-001").unwrap();
    pos.move_ticket(back.id, TicketState::Waiting).unwrap();
    let lane = &pos.queue().unwrap()[0];
    assert_eq!((lane.no_shows.len(), lane.earlier_no_shows), (5, 1));
    assert_eq!(waiting_labels(&pos, 0), ["A-008", "A-001"]);
    // Taken back: A-001 is the latest no-show again, first in the list.
    pos.undo_ticket(back.id).unwrap();
    let lane = &pos.queue().unwrap()[0];
    assert_eq!(lane.no_shows[0].label.to_string(), "A-001");
    assert_eq!((lane.no_shows.len(), lane.earlier_no_shows), (5, 2));
}

#[test]
fn the_queue_screen_re_queues_an_earlier_no_show_by_the_number_typed() {
    use egui_kittest::kittest::Queryable as _;
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 7)], TenderKind::Card);
    no_shows(&mut pos, &clock, 6);
    let mut h = support::kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Queue").click();
    h.run();
    assert!(h.query_by_label("Re-queue A-006").is_some());
    assert!(
        h.query_by_label("Re-queue A-001").is_none(),
        "older ones have no button each"
    );
    assert!(h.query_by_label_contains("+1 earlier no-show:").is_some());
    // A served ticket is not a no-show: said so, nothing moves.
    support::type_into(&mut h, "No-show back later? Ticket number", "A-007");
    h.get_by_label("Re-queue").click();
    h.run();
    assert_eq!(
        h.state().notice(),
        Some("A-007 is not a no-show to re-queue: it is waiting")
    );
    support::type_into(&mut h, "No-show back later? Ticket number", "a-001");
    h.get_by_label("Re-queue").click();
    support::wait(&mut h, 0.2);
    assert_eq!(h.state().notice(), Some("A-001 back in the queue"));
    assert!(h.query_by_label_contains("earlier no-show").is_none());
}
