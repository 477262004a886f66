//! Lottery drops through the service on the demo: the creator makes the vinyl a lottery, helpers
//! enter fans, the draw is re-runnable from its seed, lapsed units roll to the next drawn fans.
//! Then the same at the kiosk's Event screen.

mod support;

use support::AsCreator as _;

use egui_kittest::kittest::Queryable as _;
use encore::domain::fan::FanId;
use encore::domain::lottery::{self, Seed};
use encore::service::{OfferState, Pos};
use encore::store::{Store, audit};
use jiff::{SignedDuration, Timestamp};
use support::{T0, TestClock, TestDb, kiosk_harness, offer_id, type_into, wait};

const PIN: &str = "2468";
const VINYL: &str = "Vinyl test pressing";

fn at_min(mins: i64) -> Timestamp {
    Timestamp::from_second(T0).unwrap() + SignedDuration::from_mins(mins)
}

fn fan(n: u32) -> String {
    format!("+49 170 44400{n:02}")
}

/// The vinyl as a lottery whose entries close at 21:10 (T0 + 10 min), 10-minute buy window,
/// with fans 1–8 entered; returns their ids in the order they entered.
fn lottery_with_eight_fans(pos: &mut Pos) -> Vec<FanId> {
    let vinyl = offer_id(pos, VINYL);
    pos.with_pin(PIN, |p, g| p.set_lottery(vinyl, at_min(10), 10, g))
        .unwrap();
    (1..=8)
        .map(|n| pos.enter_lottery(vinyl, &fan(n)).unwrap().fan)
        .collect()
}

fn audit_count(db: &TestDb, action: &str) -> i64 {
    audit::count(Store::open(&db.path).unwrap().conn(), action).unwrap()
}

#[test]
fn a_seeded_draw_offers_the_units_in_order_and_anyone_can_re_run_it() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let vinyl = offer_id(&pos, VINYL);
    let entered = lottery_with_eight_fans(&mut pos);

    // The same fan, typed another way, gets the same code back and is not entered twice.
    let first = pos.enter_lottery(vinyl, &fan(3)).unwrap();
    let again = pos.enter_lottery(vinyl, "+49-170-444 0003").unwrap();
    assert!(first.again && again.again);
    assert_eq!(first.code, again.code);
    assert_eq!(first.fan, entered[2]);
    assert!(first.code.as_str().starts_with("W-") && first.code.as_str().len() == 8);
    let status = pos.lotteries().unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!((status[0].entries, status[0].drawn), (8, None));
    assert_eq!(audit_count(&db, "lottery.enter"), 8);

    clock.advance_secs(10 * 60);
    let seed: Seed = "5eed000000000000000000000000000000000000000000000000000000000042"
        .parse()
        .unwrap();
    let drawn = pos
        .with_pin(PIN, |p, g| p.draw_lottery(vinyl, Some(seed), g))
        .unwrap();
    assert_eq!(drawn.seed, seed);
    assert_eq!(drawn.order, lottery::draw(&seed, &entered));
    let winners: Vec<FanId> = drawn.offered.iter().map(|o| o.0.clone()).collect();
    assert_eq!(winners, drawn.order[..5], "one per unit, in draw order");

    let status = pos.lotteries().unwrap().remove(0);
    assert_eq!(status.drawn.map(|d| d.0), Some(seed));
    assert_eq!(status.units, 5);
    assert_eq!(status.offers.len(), 5);
    for w in &status.offers {
        assert_eq!(w.state, OfferState::Open { secs_left: 600 });
    }
    let codes: Vec<_> = status.offers.iter().map(|w| w.code.clone()).collect();
    let offered_codes: Vec<_> = drawn.offered.iter().map(|o| o.1.clone()).collect();
    assert_eq!(codes, offered_codes);

    let check = pos.verify_lottery(vinyl, &seed).unwrap();
    assert!(check.matches);
    assert_eq!(check.recorded, drawn.order);
    assert_eq!(check.winners, winners);
    let other = pos.verify_lottery(vinyl, &Seed([1; 32])).unwrap();
    assert!(!other.matches);
    assert_ne!(other.order, drawn.order);

    // Five minutes on: nothing lapsed, nothing rolls.
    clock.advance_secs(5 * 60);
    assert_eq!(pos.roll_lotteries().unwrap(), 0);
    // Ten: the five windows closed, and the units go to the three fans never offered one.
    clock.advance_secs(5 * 60);
    assert_eq!(pos.roll_lotteries().unwrap(), 3);
    assert_eq!(pos.roll_lotteries().unwrap(), 0);
    let status = pos.lotteries().unwrap().remove(0);
    let lapsed: Vec<&FanId> = status
        .offers
        .iter()
        .filter(|w| w.state == OfferState::Lapsed)
        .map(|w| &w.fan)
        .collect();
    let open: Vec<&FanId> = status
        .offers
        .iter()
        .filter(|w| matches!(w.state, OfferState::Open { .. }))
        .map(|w| &w.fan)
        .collect();
    assert_eq!(lapsed, drawn.order[..5].iter().collect::<Vec<_>>());
    assert_eq!(open, drawn.order[5..].iter().collect::<Vec<_>>());
    assert!(pos.verify_lottery(vinyl, &seed).unwrap().matches);
    assert_eq!(audit_count(&db, "lottery.draw"), 1);
    assert_eq!(audit_count(&db, "lottery.offer"), 1);

    // Their windows lapse too; everyone was offered once, so nothing is offered again.
    clock.advance_secs(10 * 60);
    assert_eq!(pos.roll_lotteries().unwrap(), 0);
    assert_eq!(pos.lotteries().unwrap()[0].offers.len(), 8);
}

#[test]
fn entries_close_on_time_and_a_lottery_is_drawn_once() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let vinyl = offer_id(&pos, VINYL);
    let refused = pos.enter_lottery(vinyl, &fan(1)).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Vinyl test pressing is not a lottery drop"
    );
    lottery_with_eight_fans(&mut pos);

    let early = pos
        .with_pin(PIN, |p, g| p.draw_lottery(vinyl, None, g))
        .unwrap_err();
    assert_eq!(
        early.to_string(),
        "entries for Vinyl test pressing close at 21:10: draw after that"
    );
    clock.advance_secs(10 * 60);
    let late = pos.enter_lottery(vinyl, &fan(9)).unwrap_err();
    assert_eq!(
        late.to_string(),
        "entries for Vinyl test pressing closed at 21:10"
    );
    assert!(
        pos.enter_lottery(vinyl, &fan(1)).unwrap().again,
        "a fan who entered in time still gets their code back"
    );
    let changed = pos
        .with_pin(PIN, |p, g| p.set_lottery(vinyl, at_min(30), 10, g))
        .unwrap_err();
    assert!(changed.to_string().contains("closed at 21:10"), "{changed}");

    let drawn = pos
        .with_pin(PIN, |p, g| p.draw_lottery(vinyl, None, g))
        .unwrap();
    let twice = pos
        .with_pin(PIN, |p, g| p.draw_lottery(vinyl, None, g))
        .unwrap_err();
    assert_eq!(
        twice.to_string(),
        format!(
            "Vinyl test pressing was drawn at 21:10 already (seed {})",
            drawn.seed
        )
    );
    assert_eq!(pos.lotteries().unwrap()[0].offers.len(), 5);
    assert_eq!(audit_count(&db, "lottery.draw"), 1);
}

#[test]
fn a_wrong_pin_changes_nothing() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let vinyl = offer_id(&pos, VINYL);
    let wrong = pos
        .with_pin("1111", |p, g| p.set_lottery(vinyl, at_min(10), 10, g))
        .unwrap_err();
    assert_eq!(
        wrong.to_string(),
        "wrong creator PIN (4 more before a wait)"
    );
    assert!(pos.lotteries().unwrap().is_empty());

    lottery_with_eight_fans(&mut pos);
    clock.advance_secs(10 * 60);
    assert!(
        pos.with_pin("1111", |p, g| p.draw_lottery(vinyl, None, g))
            .is_err()
    );
    let status = pos.lotteries().unwrap().remove(0);
    assert_eq!((status.drawn, status.offers.len()), (None, 0));
    assert_eq!(audit_count(&db, "lottery.draw"), 0);
    assert_eq!(audit_count(&db, "lottery.set"), 1);
}

#[test]
fn only_an_unsold_drop_with_a_sensible_window_becomes_a_lottery() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let refuse = |pos: &mut Pos, title: &str, until: i64, window: u32| {
        let offer = offer_id(pos, title);
        pos.with_pin(PIN, |p, g| p.set_lottery(offer, at_min(until), window, g))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refuse(&mut pos, "Signed postcard", 10, 10),
        "Signed postcard is not a drop: only drops can be lotteries"
    );
    assert_eq!(
        refuse(&mut pos, VINYL, 10, 0),
        "buy window: 1 to 240 minutes (not 0)"
    );
    assert_eq!(
        refuse(&mut pos, VINYL, 10, 241),
        "buy window: 1 to 240 minutes (not 241)"
    );
    assert!(refuse(&mut pos, VINYL, 0, 10).contains("has passed"));
    // The demo's drops close six hours after T0 (03:00 in Berlin).
    assert_eq!(
        refuse(&mut pos, VINYL, 6 * 60, 10),
        "entries close at: must be before Vinyl test pressing closes at 03:00"
    );
    // The poster is on sale already: once a unit sold, it stays a plain drop.
    support::sell(
        &mut pos,
        &[("Signed tour poster", 1)],
        encore::domain::order::TenderKind::Cash,
    );
    assert!(
        refuse(&mut pos, "Signed tour poster", 10, 10).contains("sold units already"),
        "sold drop"
    );
    assert!(pos.lotteries().unwrap().is_empty());
}

/// Runs the real binary on the test's database; `(exit code, stdout as JSON or Null)`.
fn encore(db: &TestDb, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_encore"))
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), value)
}

#[test]
fn the_cli_enters_fans_shows_the_status_and_re_runs_a_draw() {
    let db = TestDb::new();
    // The binary reads the real clock: the demo it seeds and the close time follow it.
    assert_eq!(encore(&db, &["demo"]).0, Some(0));
    let (_, offers) = encore(&db, &["offers", "--json"]);
    let vinyl = offers
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == VINYL)
        .unwrap()["id"]
        .to_string();
    let until = (Timestamp::now() + SignedDuration::from_hours(1)).to_string();
    let set = |pin: &str| {
        let args = [
            "lottery",
            "set",
            &vinyl,
            "--enter-until",
            &until,
            "--window",
            "15",
        ];
        let out = support::encore_in(
            &db.path,
            &[&args[..], &["--pin-stdin", "--json"]].concat(),
            &format!("{pin}\n"),
        );
        (
            out.status.code(),
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null),
        )
    };
    let (code, refused) = set("1111");
    assert_eq!(code, Some(1));
    assert_eq!(refused["error"], "wrong creator PIN (4 more before a wait)");
    let (code, done) = set(PIN);
    assert_eq!(code, Some(0));
    assert_eq!(done["window_mins"], 15);
    assert_eq!(done["title"], VINYL);

    let enter = |contact: &str| encore(&db, &["lottery", "enter", &vinyl, contact, "--json"]);
    let (code, first) = enter("Ada@Example.org");
    assert_eq!(code, Some(0));
    let (_, again) = enter(" ada@example.ORG");
    assert_eq!(first["code"], again["code"]);
    assert_eq!(
        (first["again"].clone(), again["again"].clone()),
        (false.into(), true.into())
    );
    assert!(first["code"].as_str().unwrap().starts_with("W-"));
    let (code, bad) = enter("hello");
    assert_eq!(code, Some(1));
    assert!(bad["error"].as_str().unwrap().starts_with("fan: "));

    let (code, status) = encore(&db, &["lottery", "status", "--json"]);
    assert_eq!(code, Some(0));
    let l = &status[0];
    assert_eq!(l["entries"], 1);
    assert_eq!(
        (l["drawn"].clone(), l["seed"].clone()),
        (false.into(), serde_json::Value::Null)
    );
    assert_eq!(l["offers"], serde_json::json!([]));
    let out = support::encore_in(
        &db.path,
        &["lottery", "draw", &vinyl, "--pin-stdin", "--json"],
        &format!("{PIN}\n"),
    );
    let early: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(early["error"].as_str().unwrap().contains("draw after that"));
    let (code, _) = encore(&db, &["lottery", "verify", &vinyl, "--seed", "00"]);
    assert_eq!(code, Some(2), "a malformed seed is bad usage");
}

#[test]
fn the_cli_says_whether_a_seed_gives_the_recorded_draw() {
    let db = TestDb::new();
    // The binary below reads the real clock, so the lottery runs on it too: set up eleven
    // minutes ago, entries closed and drawn a minute ago, so its buy windows are open when the
    // binary looks.
    let clock = TestClock::from_real_now();
    clock.advance_secs(-11 * 60);
    let mut pos = db.demo_pos(&clock);
    let vinyl = offer_id(&pos, VINYL);
    pos.with_pin(PIN, |p, g| {
        p.set_lottery(vinyl, clock.now() + SignedDuration::from_mins(10), 10, g)
    })
    .unwrap();
    // As many fans as units: everyone is offered one at the draw.
    for n in 1..=5 {
        pos.enter_lottery(vinyl, &fan(n)).unwrap();
    }
    clock.advance_secs(10 * 60);
    let seed = pos
        .with_pin(PIN, |p, g| p.draw_lottery(vinyl, None, g))
        .unwrap()
        .seed
        .to_string();
    drop(pos);

    let vinyl = vinyl.to_string();
    let (code, ok) = encore(
        &db,
        &["lottery", "verify", &vinyl, "--seed", &seed, "--json"],
    );
    assert_eq!(code, Some(0));
    assert_eq!(ok["matches"], true);
    assert_eq!(ok["order"], ok["recorded"]);
    let other = "ff".repeat(32);
    let (code, no) = encore(
        &db,
        &["lottery", "verify", &vinyl, "--seed", &other, "--json"],
    );
    assert_eq!(
        code,
        Some(1),
        "a seed that does not give the draw is refused"
    );
    assert_eq!(no["matches"], false);
    let (_, status) = encore(&db, &["lottery", "status", "--json"]);
    assert_eq!(status[0]["seed"], seed.as_str());
    assert_eq!(status[0]["drawn"], true);
    assert_eq!(status[0]["offers"].as_array().unwrap().len(), 5);
}

type H = egui_kittest::Harness<'static, encore::ui::Kiosk>;

/// The Lotteries section is at the end of the Event screen: scroll to a widget, then tap it.
fn tap(h: &mut H, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

fn scroll_type(h: &mut H, label: &str, text: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    type_into(h, label, text);
}

#[test]
fn the_event_screen_enters_a_fan_and_shows_their_code() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let pos = db.demo_pos(&clock);
    let vinyl = offer_id(&pos, VINYL);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Event").click();
    h.run();

    // The creator makes the vinyl a lottery from the Event screen.
    type_into(&mut h, "Creator PIN", PIN);
    tap(&mut h, VINYL);
    scroll_type(&mut h, "Entries close at", "21:10");
    scroll_type(&mut h, "Buy window (minutes)", "10");
    tap(&mut h, "Make it a lottery");
    assert_eq!(
        h.state().notice(),
        Some("Vinyl test pressing is a lottery: entries close at 21:10")
    );

    // A helper enters a fan; the code is shown big, and the contact field is cleared.
    scroll_type(&mut h, "Fan to enter", "@nightowl");
    tap(&mut h, "Enter for Vinyl test pressing");
    let lottery = h.state().pos().lotteries().unwrap().remove(0);
    assert_eq!((lottery.offer_id, lottery.entries), (vinyl, 1));
    let notice = h.state().notice().unwrap().to_string();
    assert!(
        notice.starts_with("W-") && notice.contains("Vinyl test pressing"),
        "{notice}"
    );
    let code = &notice[..8];
    assert!(h.query_by_label(code).is_some(), "the code on its own, big");
    assert!(h.query_by_label_contains("1 entered").is_some());
    assert!(h.query_by_label("@nightowl").is_none(), "field cleared");

    // The same fan again: the same code.
    scroll_type(&mut h, "Fan to enter", "@NightOwl");
    tap(&mut h, "Enter for Vinyl test pressing");
    assert!(h.state().notice().unwrap().starts_with(code));

    // Entries close at 21:10; the creator draws, and the fan's code is open to buy.
    clock.advance_secs(10 * 60);
    wait(&mut h, 1.1);
    assert!(h.query_by_label("Fan to enter").is_none(), "entries closed");
    scroll_type(&mut h, "Creator PIN", PIN);
    tap(&mut h, "Draw Vinyl test pressing now");
    let notice = h.state().notice().unwrap().to_string();
    assert!(
        notice.starts_with("Vinyl test pressing drawn: 1 of 1 fans can buy now (seed "),
        "{notice}"
    );
    wait(&mut h, 1.1);
    assert!(h.query_by_label("open · 10:00 left").is_some());
    assert!(h.query_by_label("Draw Vinyl test pressing now").is_none());
}
