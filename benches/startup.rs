//! Start-up with a night of 100 000 sales against the same event with none: everything the
//! kiosk does before its first frame (`Store::open`, the first-start seed check, `Pos::open`,
//! `Kiosk::new` with its first reads of catalogue, lanes, receipts and settings). Goal: at most
//! 1.2× the empty database. Also measured apart: the store and the service alone, without the
//! kiosk's reads and its one PIN hash check (the same cost on both databases).
//! Run: `cargo bench --bench startup`; it prints the ratios of the medians from the same run.

mod fixture;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use encore::service::{Clock, Pos};
use encore::store::Store;
use encore::ui::Kiosk;

/// Opens the database as `encore` with no subcommand does, up to the kiosk's first frame.
fn kiosk_start(db: &Path, clock: &Clock) -> Kiosk {
    let mut store = Store::open(db).unwrap();
    Pos::seed_demo_if_empty(&mut store, clock, false).unwrap();
    let mut pos = Pos::open(store, "K1", clock.clone()).unwrap();
    pos.set_helper("").unwrap();
    Kiosk::new(pos, db.with_file_name("receipts"))
}

/// The store and the service alone.
fn pos_open(db: &Path, clock: &Clock) -> Pos {
    Pos::open(Store::open(db).unwrap(), "K1", clock.clone()).unwrap()
}

/// The median of `runs` timings of `f`, for the ratio printed at the end.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn startup(c: &mut Criterion) {
    let (empty, night) = (fixture::empty(), fixture::night());
    // Copies: opening writes the station's row and the mark.
    let (empty_copy, night_copy) = (empty.scratch(), night.scratch());
    let cases = [
        ("empty", &empty, &empty_copy.db),
        ("night", &night, &night_copy.db),
    ];
    let mut group = c.benchmark_group("startup_kiosk");
    group.sample_size(30);
    for (name, f, db) in cases {
        let clock = f.clock();
        group.bench_function(name, |b| b.iter(|| black_box(kiosk_start(db, &clock))));
    }
    group.finish();
    let mut group = c.benchmark_group("startup_pos_open");
    group.sample_size(30);
    for (name, f, db) in cases {
        let clock = f.clock();
        group.bench_function(name, |b| b.iter(|| black_box(pos_open(db, &clock))));
    }
    group.finish();
    // The ratios from this run, read off the same process (criterion keeps its own estimates
    // in target/criterion; these are medians of fresh runs, interleaved).
    let (ce, cn) = (empty.clock(), night.clock());
    let mut kiosk = [Duration::ZERO; 2];
    let mut pos = [Duration::ZERO; 2];
    for _ in 0..3 {
        kiosk[0] += median(11, || drop(kiosk_start(&empty_copy.db, &ce)));
        kiosk[1] += median(11, || drop(kiosk_start(&night_copy.db, &cn)));
        pos[0] += median(11, || drop(pos_open(&empty_copy.db, &ce)));
        pos[1] += median(11, || drop(pos_open(&night_copy.db, &cn)));
    }
    let ratio = |t: [Duration; 2]| t[1].as_secs_f64() / t[0].as_secs_f64();
    eprintln!(
        "startup: kiosk {:.2} ms empty, {:.2} ms with {} sales: {:.2}× (goal ≤ 1.2×); \
         store+service {:.2} ms vs {:.2} ms: {:.2}×",
        kiosk[0].as_secs_f64() * 1000.0 / 3.0,
        kiosk[1].as_secs_f64() * 1000.0 / 3.0,
        night.sales,
        ratio(kiosk),
        pos[0].as_secs_f64() * 1000.0 / 3.0,
        pos[1].as_secs_f64() * 1000.0 / 3.0,
        ratio(pos),
    );
}

criterion_group!(benches, startup);
criterion_main!(benches);
