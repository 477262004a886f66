use super::*;

const T: i64 = 1_795_291_200; // 20:00 UTC, a quarter-hour boundary

fn order(at: i64, total: i64, fan: Option<&str>) -> OrderRow {
    OrderRow {
        paid_at: at,
        total,
        fan: fan.map(str::to_string),
    }
}

fn line(offer_id: i64, qty: u32, amount: i64, at: i64) -> LineRow {
    LineRow {
        offer_id,
        title: format!("offer {offer_id}"),
        qty,
        amount,
        paid_at: at,
    }
}

#[test]
fn revenue_falls_into_quarter_hours_and_sums() {
    let mut n = Night::default();
    n.add_order(&order(T, 1000, None));
    n.add_order(&order(T + 899, 500, None));
    n.add_order(&order(T + 900, 250, None));
    n.add_order(&order(T - 1, 1, None));
    assert_eq!(n.revenue(), vec![(T - 900, 1), (T, 1500), (T + 900, 250)]);
    assert_eq!(n.totals(), (1751, 4));
    assert_eq!(bucket_of(-1), -900, "before 1970 still floors");
}

#[test]
fn repeat_rate_counts_fans_with_two_orders_or_more_of_identified_fans() {
    let mut n = Night::default();
    for fan in [
        Some("a"),
        Some("a"),
        Some("a"),
        Some("b"),
        None,
        Some("c"),
        Some("c"),
    ] {
        n.add_order(&order(T, 100, fan));
    }
    assert_eq!(
        n.repeat(),
        (2, 3),
        "a and c came back; b once; anonymous is not a fan"
    );
}

#[test]
fn top_offers_are_by_revenue_then_title() {
    let mut n = Night::default();
    n.add_line(&line(1, 2, 2000, T));
    n.add_line(&line(2, 1, 3000, T));
    n.add_line(&line(3, 1, 2000, T));
    n.add_line(&line(1, 1, 1000, T + 60));
    let top = n.top_offers(2);
    assert_eq!(top.len(), 2);
    assert_eq!(
        (top[0].title.as_str(), top[0].revenue, top[0].units),
        ("offer 1", 3000, 3)
    );
    assert_eq!(top[1].title, "offer 2", "ties go by title");
    assert_eq!((top[0].first_sale, top[0].last_sale), (T, T + 60));
}

#[test]
fn lanes_average_wait_and_fulfilment_per_quarter_hour_and_count_no_shows() {
    let mut n = Night::default();
    let ticket = |end, paid: i64, called: Option<i64>, finished: i64| TicketRow {
        lane: "A".into(),
        end,
        paid_at: paid,
        called_at: called,
        finished_at: finished,
    };
    n.add_ticket(&ticket(TicketEnd::Done, T, Some(T + 300), T + 420));
    n.add_ticket(&ticket(TicketEnd::Done, T, Some(T + 100), T + 160));
    n.add_ticket(&ticket(TicketEnd::NoShow, T, Some(T + 200), T + 320));
    n.add_ticket(&ticket(TicketEnd::Done, T + 900, Some(T + 1000), T + 1030));
    n.add_ticket(&ticket(TicketEnd::Cancelled, T, None, T + 50));
    let lanes = n.lanes(&[("A".into(), 4), ("B".into(), 1)]);
    assert_eq!(lanes.len(), 2, "a lane with only waiting tickets shows too");
    let a = &lanes[0];
    assert_eq!(a.waiting, 4);
    assert_eq!(a.wait, vec![(T, 200), (T + 900, 100)]);
    assert_eq!(a.fulfil, vec![(T, 90), (T + 900, 30)]);
    assert_eq!(a.mean_wait, Some(175));
    assert_eq!(a.no_show_bp, Some(2500), "1 of 4 called");
    assert_eq!(
        (
            lanes[1].lane.as_str(),
            lanes[1].waiting,
            lanes[1].no_show_bp
        ),
        ("B", 1, None)
    );
    assert_eq!(n.mean_wait(), Some(175));
}

#[test]
fn qr_conversion_counts_endings_and_takes_the_median_time_to_pay() {
    let mut n = Night::default();
    assert_eq!(n.qr().median_pay_secs, None);
    for secs in [30, 90, 40, 600] {
        n.add_qr(CheckoutEnd::Paid, secs);
    }
    n.add_qr(CheckoutEnd::Cancelled, 5);
    n.add_qr(CheckoutEnd::Expired, 300);
    let qr = n.qr();
    assert_eq!((qr.ended, qr.paid, qr.cancelled, qr.expired), (6, 4, 1, 1));
    assert_eq!(qr.median_pay_secs, Some(40), "lower median of 30 40 90 600");
}

#[test]
fn a_drop_sold_out_says_how_long_it_took_and_one_selling_projects_its_end() {
    let drop = DropStock {
        offer_id: 7,
        title: "Vinyl".into(),
        stock: 10,
        remaining: 0,
        go_live_at: Some(T),
    };
    let mut n = Night::default();
    n.add_line(&line(7, 4, 400, T + 60));
    n.add_line(&line(7, 6, 600, T + 600));
    let done = sell_through(&drop, n.offer(7), T + 3600);
    assert_eq!((done.sold, done.share_bp), (10, 10_000));
    assert_eq!(done.sold_out_after, Some(600));
    assert_eq!(done.projected_at, None);

    let selling = DropStock {
        remaining: 6,
        ..drop.clone()
    };
    let mut m = Night::default();
    m.add_line(&line(7, 4, 400, T + 60));
    let s = sell_through(&selling, m.offer(7), T + 1200);
    assert_eq!(s.share_bp, 4000);
    assert_eq!(s.sold_out_after, None);
    assert_eq!(
        s.projected_at,
        Some(T + 1200 + 1800),
        "4 units in 20 min: 6 more in 30"
    );

    let untouched = sell_through(&selling, None, T + 1200);
    assert_eq!(
        (untouched.sold, untouched.share_bp, untouched.projected_at),
        (0, 0, None)
    );
}

#[test]
fn share_of_nothing_is_zero() {
    assert_eq!(share_bp(0, 0), 0);
    assert_eq!(share_bp(1, 3), 3333);
}
