//! The dashboard in the service: the checkout log written where payments start and end, the
//! aggregates brought up to date from new rows only (equal to a full read), training orders
//! left out, the lanes' waits, and margins and the Tour view behind the creator grant.

mod support;

use support::AsCreator as _;

use encore::domain::basket::{PriceList, quote};
use encore::domain::order::{Cart, TenderKind};
use encore::domain::queue::TicketState;
use encore::service::{Pos, PosError, RefundRequest, SaleRequest, TillExtras, sale_request};
use support::{PIN, TestClock, TestDb, offer_id, sell};

/// Starts a payment of one `title` by `method`, as the till does.
fn start(
    pos: &mut Pos,
    title: &str,
    method: TenderKind,
) -> (encore::service::StartedPayment, Cart) {
    let mut cart = Cart::default();
    cart.add(&support::offer(pos, title));
    let catalogue = pos.catalogue().unwrap();
    let event = pos.event().clone();
    let list = PriceList {
        offers: &catalogue.offers,
        bundles: &catalogue.bundles,
        discounts: &catalogue.discounts,
        mode: event.vat_mode,
        currency: event.currency,
    };
    let q = quote(list, &cart.items(), &cart.bundles, pos.now()).unwrap();
    (pos.start_payment(&q, None, method).unwrap(), cart)
}

/// The checkout log, oldest first.
/// One row of the checkout log: `(outcome, started_at, ended_at, tender, amount)`.
type Logged = (Option<String>, i64, Option<i64>, String, i64);

fn log(db: &TestDb) -> Vec<Logged> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT outcome, started_at, ended_at, tender, amount_minor FROM checkouts ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn sell_to(pos: &mut Pos, title: &str, fan: &str) {
    let mut req = SaleRequest::new(
        pos.start_checkout().unwrap(),
        vec![(offer_id(pos, title), 1)],
        TenderKind::Card,
    );
    req.fan = Some(fan.to_string());
    pos.sell(&req).unwrap();
}

#[test]
fn the_checkout_log_records_each_payment_started_and_how_it_ended() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let t0 = clock.now().as_second();

    let (paid, cart) = start(&mut pos, "60-second shoutout", TenderKind::Qr);
    assert_eq!(
        log(&db),
        vec![(None, t0, None, "qr".into(), 500)],
        "open while the fan pays"
    );
    clock.advance_secs(40);
    pos.sell(&sale_request(&paid, &cart, TillExtras::default()))
        .unwrap();

    let (cancelled, _) = start(&mut pos, "Tour tote bag", TenderKind::Qr);
    clock.advance_secs(5);
    pos.release_hold(&cancelled.checkout).unwrap();

    let (_expired, _) = start(&mut pos, "Signed postcard", TenderKind::Card);
    let hold = i64::from(pos.event().hold_secs);
    clock.advance_secs(hold);
    assert_eq!(pos.release_expired_holds().unwrap(), 1);

    // A sale made without a started payment (the command line) logs nothing.
    sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    assert_eq!(
        log(&db),
        vec![
            (Some("paid".into()), t0, Some(t0 + 40), "qr".into(), 500),
            (
                Some("cancelled".into()),
                t0 + 40,
                Some(t0 + 45),
                "qr".into(),
                1500
            ),
            (
                Some("expired".into()),
                t0 + 45,
                Some(t0 + 45 + hold),
                "card".into(),
                240
            ),
        ]
    );
}

#[test]
fn a_payment_refused_at_the_start_logs_nothing_and_a_late_sale_still_counts_as_paid() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let catalogue = pos.catalogue().unwrap();
    let vinyl = support::offer(&pos, "Vinyl test pressing");
    let mut cart = Cart::default();
    cart.add(&vinyl);
    let event = pos.event().clone();
    let list = PriceList {
        offers: &catalogue.offers,
        bundles: &catalogue.bundles,
        discounts: &catalogue.discounts,
        mode: event.vat_mode,
        currency: event.currency,
    };
    let q = quote(list, &cart.items(), &cart.bundles, pos.now()).unwrap();
    let refused = pos.start_payment(&q, None, TenderKind::Qr);
    assert!(
        matches!(refused, Err(PosError::NotOpenYet { .. })),
        "{refused:?}"
    );
    assert!(log(&db).is_empty(), "the refused start rolled back whole");

    // The fan's transfer came after the hold ran out: the money is there, the sale is made.
    let (late, cart) = start(&mut pos, "Tour tote bag", TenderKind::Qr);
    clock.advance_secs(i64::from(pos.event().hold_secs) + 10);
    pos.release_expired_holds().unwrap();
    assert_eq!(log(&db)[0].0.as_deref(), Some("expired"));
    pos.sell(&sale_request(&late, &cart, TillExtras::default()))
        .unwrap();
    assert_eq!(log(&db)[0].0.as_deref(), Some("paid"));
}

#[test]
fn a_refresh_reads_only_new_rows_and_ends_where_a_full_read_does() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let mut dash = pos.dashboard().unwrap();
    let before = dash.figures(pos.now());
    assert_eq!((before.total, before.orders), (1500, 1));

    clock.advance_secs(900);
    sell(&mut pos, &[("Signed tour poster", 2)], TenderKind::Cash);
    let (qr, cart) = start(&mut pos, "Signed postcard", TenderKind::Qr);
    pos.refresh_dashboard(&mut dash).unwrap();
    assert_eq!(
        dash.figures(pos.now()).qr.ended,
        0,
        "a QR still open is not counted yet"
    );
    clock.advance_secs(30);
    pos.sell(&sale_request(&qr, &cart, TillExtras::default()))
        .unwrap();
    sell_to(&mut pos, "Signed postcard", "@mara_fan");
    sell_to(&mut pos, "Signed postcard", "@Mara_Fan");
    sell_to(&mut pos, "Signed postcard", "@jo");
    pos.refresh_dashboard(&mut dash).unwrap();
    pos.refresh_dashboard(&mut dash).unwrap();

    let now = pos.now();
    let after = dash.figures(now);
    assert_eq!(
        after,
        pos.dashboard().unwrap().figures(now),
        "incremental = full"
    );
    assert_eq!(after.orders, 6);
    assert_eq!(after.total, 1500 + 2500 + 4 * 240);
    let t0 = support::T0;
    assert_eq!(after.revenue, vec![(t0, 1500), (t0 + 900, 2500 + 4 * 240)]);
    assert_eq!(after.repeat, (1, 2), "one fan came back, of two identified");
    assert_eq!(
        (after.qr.ended, after.qr.paid, after.qr.median_pay_secs),
        (1, 1, Some(30))
    );
    let poster = after
        .drops
        .iter()
        .find(|d| d.title == "Signed tour poster")
        .unwrap();
    assert_eq!((poster.sold, poster.stock, poster.share_bp), (2, 25, 800));
    assert!(poster.projected_at.is_some_and(|at| at > now.as_second()));
    assert_eq!(after.top[0].title, "Signed tour poster");
}

#[test]
fn training_orders_stay_out_of_every_figure() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let mut dash = pos.dashboard().unwrap();
    pos.with_pin(PIN, |p, g| p.set_training(true, g)).unwrap();
    sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card);
    pos.with_pin(PIN, |p, g| p.set_training(false, g)).unwrap();
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    pos.refresh_dashboard(&mut dash).unwrap();
    let f = dash.figures(pos.now());
    assert_eq!((f.total, f.orders), (1500, 1));
    assert!(f.top.iter().all(|t| t.title != "60-second shoutout"));
    assert!(
        f.lanes.iter().all(|l| l.waiting == 0),
        "its ticket waits in no figure"
    );
    let margins = pos
        .with_pin(PIN, |pos, grant| pos.dashboard_margins(&dash, grant))
        .unwrap();
    assert!(margins.is_empty(), "{margins:?}");
    assert!(
        pos.margins()
            .unwrap()
            .iter()
            .all(|m| m.title != "60-second shoutout"),
        "nor in the Event screen's margins, which share the reading"
    );
}

#[test]
fn lanes_show_who_waits_now_and_how_long_waits_and_gigs_took() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("60-second shoutout", 3)], TenderKind::Card);
    let mut dash = pos.dashboard().unwrap();
    let lane_a = |d: &encore::service::Dashboard, pos: &Pos| {
        d.figures(pos.now())
            .lanes
            .into_iter()
            .find(|l| l.lane == "A")
            .unwrap()
    };
    assert_eq!(lane_a(&dash, &pos).waiting, 3);

    clock.advance_secs(120);
    let first = pos.call_next('A').unwrap().unwrap();
    clock.advance_secs(60);
    let id = pos.ticket(&first.to_string()).unwrap().id;
    pos.move_ticket(id, TicketState::Done).unwrap();
    let second = pos.call_next('A').unwrap().unwrap();
    clock.advance_secs(600);
    let id = pos.ticket(&second.to_string()).unwrap().id;
    pos.move_ticket(id, TicketState::NoShow).unwrap();
    pos.refresh_dashboard(&mut dash).unwrap();

    let a = lane_a(&dash, &pos);
    assert_eq!(a.waiting, 1);
    assert_eq!(a.wait, vec![(support::T0, 150)], "120 s and 180 s");
    assert_eq!(a.fulfil, vec![(support::T0, 60)]);
    assert_eq!(a.no_show_bp, Some(5000));
    // Re-queued, called again and served: the ticket's first ending is the one counted.
    pos.move_ticket(id, TicketState::Waiting).unwrap();
    pos.refresh_dashboard(&mut dash).unwrap();
    assert_eq!(lane_a(&dash, &pos).waiting, 2);
    assert_eq!(lane_a(&dash, &pos).no_show_bp, Some(5000));
}

#[test]
fn margins_and_the_tour_need_the_creator_and_follow_refunds() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let mut dash = pos.dashboard().unwrap();
    let sold = sell(
        &mut pos,
        &[("5-minute meet & greet", 2), ("Tour tote bag", 1)],
        TenderKind::Card,
    );
    pos.refresh_dashboard(&mut dash).unwrap();
    let gigs = pos
        .with_pin(PIN, |pos, grant| pos.dashboard_margins(&dash, grant))
        .unwrap();
    let event_screen = pos.margins().unwrap();
    let same = event_screen
        .iter()
        .find(|m| m.title == "5-minute meet & greet")
        .unwrap();
    assert_eq!(
        gigs,
        vec![same.clone()],
        "the Event screen's figures, gigs only"
    );
    assert_eq!(gigs[0].figures.minutes, 10);

    pos.with_pin(PIN, |pos, grant| {
        let req = RefundRequest {
            receipt: sold.number.clone(),
            lines: Some(vec![(offer_id(pos, "5-minute meet & greet"), 1)]),
            reason: "left early".into(),
        };
        pos.refund(&req, grant)
    })
    .unwrap();
    pos.refresh_dashboard(&mut dash).unwrap();
    let after = pos
        .with_pin(PIN, |pos, grant| pos.dashboard_margins(&dash, grant))
        .unwrap();
    assert_eq!(
        after[0].figures.units, 1,
        "the refunded unit left the margin"
    );
    assert_eq!(
        after,
        pos.with_pin(PIN, |p, g| p.dashboard_margins(&p.dashboard()?, g))
            .unwrap()
    );

    let tour = pos.with_pin(PIN, |pos, grant| pos.tour(grant)).unwrap();
    assert_eq!(tour.len(), 1);
    assert_eq!(tour[0].revenue, sold.total.minor);
    let margin: i64 = pos
        .margins()
        .unwrap()
        .iter()
        .map(|m| m.figures.margin)
        .sum();
    assert_eq!(tour[0].margin, margin);

    let other = TestDb::new();
    let mut elsewhere = other.demo_pos(&clock);
    let foreign = elsewhere.unlock(PIN).unwrap();
    // A grant of another database's event is refused (its PIN hash differs by its salt).
    assert!(pos.tour(&foreign).is_err());
    assert!(pos.dashboard_margins(&dash, &foreign).is_err());
}
