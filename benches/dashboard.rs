//! One dashboard refresh with 100 000 sales in the database, against the full read it replaces
//! (opening the dashboard) and against the same refresh on the demo event with no sales, all
//! in the same run. Goal: a refresh after a sale ≤ 16 ms (one frame), whatever the night holds.
//! Run: `cargo bench --bench dashboard`; read the ratios of the medians.
//!
//! The night is written by direct inserts (a bench fixture, not a sale path): 100 000 orders
//! over five and a half hours at three stations, a line each (a third of them gigs with a
//! ticket, mostly served, some no-shows, a few waiting), a fan on half of them, QR checkouts
//! paid, cancelled and expired. `ENCORE_BENCH_SALES=N` makes a smaller night.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use encore::domain::order::TenderKind;
use encore::service::{Clock, Dashboard, Pos, SaleRequest};
use encore::store::Store;
use jiff::Timestamp;
use rusqlite::params;

/// 2026-11-21 18:00 UTC, the night's start.
const START: i64 = 1_795_284_000;
/// Five and a half hours.
const LENGTH: i64 = 330 * 60;

/// The demo event in `dir`, its sales written straight into the file, and a station on it.
fn night(dir: &std::path::Path, sales: i64) -> (Pos, Clock) {
    let path = dir.join("encore.db");
    let end = START + LENGTH;
    let clock: Clock = Arc::new(move || Timestamp::from_second(end).unwrap());
    let seed_clock: Clock = Arc::new(|| Timestamp::from_second(START - 3600).unwrap());
    let mut store = Store::open(&path).unwrap();
    Pos::seed_demo_if_empty(&mut store, &seed_clock, false).unwrap();
    // The demo's drop opens five minutes after its making: open all night.
    drop(store);
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE offers SET go_live_at = ?1, close_at = NULL WHERE kind = 'drop'",
        [START - 3600],
    )
    .unwrap();
    insert_night(&mut conn, sales);
    drop(conn);
    let pos = Pos::open(Store::open(&path).unwrap(), "K1", clock.clone()).unwrap();
    (pos, clock)
}

fn insert_night(conn: &mut rusqlite::Connection, sales: i64) {
    let tx = conn.transaction().unwrap();
    let event: i64 = tx
        .query_row("SELECT id FROM events WHERE is_open = 1", [], |r| r.get(0))
        .unwrap();
    for code in ["K1", "K2", "K3"] {
        tx.execute(
            "INSERT OR IGNORE INTO stations (event_id, code) VALUES (?1, ?2)",
            params![event, code],
        )
        .unwrap();
    }
    let stations: Vec<i64> = {
        let mut s = tx
            .prepare("SELECT id FROM stations WHERE event_id = ?1 ORDER BY id")
            .unwrap();
        s.query_map([event], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let offers: Vec<OfferRow> = {
        let mut s = tx
            .prepare("SELECT id, title, price_minor, kind, lane FROM offers WHERE event_id = ?1 AND archived = 0 ORDER BY id")
            .unwrap();
        s.query_map([event], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let gigs: Vec<_> = offers.iter().filter(|o| o.3 == "gig").collect();
    let others: Vec<_> = offers.iter().filter(|o| o.3 == "item").collect();
    let numbers = insert_sales(&tx, event, &stations, (&gigs, &others), sales);
    for (lane, next) in numbers {
        tx.execute(
            "INSERT OR REPLACE INTO lane_counters (event_id, lane, next_number) VALUES (?1, ?2, ?3)",
            params![event, lane, next + 1],
        )
        .unwrap();
    }
    for (k, station) in stations.iter().enumerate() {
        let sold = (sales + 2 - k as i64) / 3;
        tx.execute(
            "UPDATE stations SET next_receipt = ?2 WHERE id = ?1",
            params![station, sold + 1],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

type OfferRow = (i64, String, i64, String, Option<String>);

/// The night's orders, lines, tickets and checkouts; returns each lane's last ticket number.
fn insert_sales(
    tx: &rusqlite::Transaction<'_>,
    event: i64,
    stations: &[i64],
    (gigs, others): (&[&OfferRow], &[&OfferRow]),
    sales: i64,
) -> std::collections::HashMap<String, i64> {
    let [mut order, mut line, mut ticket, mut checkout] = statements(tx);
    let mut numbers = std::collections::HashMap::new();
    for i in 0..sales {
        let at = START + i * LENGTH / sales.max(1);
        let station = stations[(i % 3) as usize];
        let id = format!("order-{i:08}");
        let gig = i % 3 == 0;
        let (offer_id, title, price, _, lane) = if gig {
            gigs[(i as usize / 3) % gigs.len()]
        } else {
            others[i as usize % others.len()]
        };
        let fan = (i % 2 == 0).then(|| format!("fan-{}", i % 20_011));
        order
            .execute(params![
                id,
                event,
                station,
                i / 3 + 1,
                format!("REF{i:010}"),
                price,
                at,
                fan
            ])
            .unwrap();
        line.execute(params![id, offer_id, title, price]).unwrap();
        if gig && let Some(lane) = lane {
            let n = numbers.entry(lane.clone()).or_insert(0i64);
            *n += 1;
            let waiting = i > sales - 60;
            let (state, called, finished) = if waiting {
                ("waiting", None, None)
            } else if i % 37 == 0 {
                ("no_show", Some(at + 600), Some(at + 720))
            } else {
                ("done", Some(at + 480), Some(at + 600))
            };
            ticket
                .execute(params![
                    event, lane, *n, offer_id, id, state, at, called, finished
                ])
                .unwrap();
        }
        if i % 4 == 0 {
            checkout
                .execute(params![id, event, station, price, at - 40, at, "paid"])
                .unwrap();
        }
        if i % 40 == 0 {
            let outcome = if i % 80 == 0 { "cancelled" } else { "expired" };
            checkout
                .execute(params![
                    format!("gone-{i}"),
                    event,
                    station,
                    price,
                    at - 300,
                    at,
                    outcome
                ])
                .unwrap();
        }
    }
    numbers
}

/// The inserts of a sale: order, line, ticket, checkout.
fn statements<'t>(tx: &'t rusqlite::Transaction<'_>) -> [rusqlite::Statement<'t>; 4] {
    [
        tx.prepare(
            "INSERT INTO orders (id, event_id, station_id, receipt_seq, payment_ref, total_minor, currency, paid_at, fan_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'EUR', ?7, ?8)",
        )
        .unwrap(),
        tx.prepare(
            "INSERT INTO order_lines (order_id, line_no, offer_id, title, unit_price_minor, vat_bp, qty)
                 VALUES (?1, 1, ?2, ?3, ?4, 1900, 1)",
        )
        .unwrap(),
        tx.prepare(
            "INSERT INTO tickets (event_id, lane, number, offer_id, order_id, state, paid_at, called_at, finished_at, queue_pos)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3 * 1024)",
        )
        .unwrap(),
        tx.prepare(
            "INSERT INTO checkouts (id, event_id, station_id, tender, amount_minor, started_at, ended_at, outcome)
                 VALUES (?1, ?2, ?3, 'qr', ?4, ?5, ?6, ?7)",
        )
        .unwrap(),
    ]
}

/// One more card sale of the tote bag at K1, as the kiosk makes it.
fn one_sale(pos: &mut Pos, tote: i64) {
    let req = SaleRequest::new(
        pos.start_checkout().unwrap(),
        vec![(tote, 1)],
        TenderKind::Card,
    );
    pos.sell(&req).unwrap();
}

/// Time of `iters` refreshes, each after one more sale (the sale itself not timed).
fn after_sales(pos: &mut Pos, d: &mut Dashboard, tote: i64, iters: u64) -> Duration {
    let mut spent = Duration::ZERO;
    for _ in 0..iters {
        one_sale(pos, tote);
        let start = Instant::now();
        pos.refresh_dashboard(d).unwrap();
        black_box(d.figures(pos.now()));
        spent += start.elapsed();
    }
    spent
}

fn tote(pos: &Pos) -> i64 {
    pos.offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == "Tour tote bag")
        .unwrap()
        .id
}

fn dashboard(c: &mut Criterion) {
    let sales = std::env::var("ENCORE_BENCH_SALES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let full_dir = tempfile::tempdir().unwrap();
    let empty_dir = tempfile::tempdir().unwrap();
    let (mut full, _) = night(full_dir.path(), sales);
    let (mut empty, _) = night(empty_dir.path(), 0);
    let (full_tote, empty_tote) = (tote(&full), tote(&empty));
    let opened = full.dashboard().unwrap();
    assert_eq!(
        opened.figures(full.now()).orders as i64,
        sales,
        "the night is all there"
    );

    let mut group = c.benchmark_group("dashboard");
    group.sample_size(10);
    group.bench_function("open: full read of 100k sales", |b| {
        b.iter(|| black_box(full.dashboard().unwrap()))
    });
    group.finish();

    let mut group = c.benchmark_group("dashboard");
    let mut d = full.dashboard().unwrap();
    group.bench_function("refresh, nothing new, 100k sales", |b| {
        b.iter(|| {
            full.refresh_dashboard(&mut d).unwrap();
            black_box(d.figures(full.now()))
        })
    });
    group.bench_function("refresh after a sale, 100k sales", |b| {
        b.iter_custom(|iters| after_sales(&mut full, &mut d, full_tote, iters))
    });
    let mut e = empty.dashboard().unwrap();
    group.bench_function("refresh after a sale, empty night (baseline)", |b| {
        b.iter_custom(|iters| after_sales(&mut empty, &mut e, empty_tote, iters))
    });
    group.finish();
    // The incremental figures still equal a full read after all those sales.
    let now = full.now();
    assert_eq!(d.figures(now), full.dashboard().unwrap().figures(now));
}

criterion_group!(benches, dashboard);
criterion_main!(benches);
