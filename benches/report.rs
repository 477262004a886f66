//! Day close with a night of 100 000 sales against the same event with none: the X report of
//! a station's whole night, the event report over every station, and a Z closing a shift (on a
//! private copy each time, since it writes). Goal: a Z report within 150 ms.
//! Run: `cargo bench --bench report`; it prints the medians and ratios from the same run.

mod fixture;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use encore::service::DEMO_CREATOR_PIN;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(c: &mut Criterion) {
    let (empty, night) = (fixture::empty(), fixture::night());
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    for (name, f) in [("empty", &empty), ("night", &night)] {
        let copy = f.scratch();
        let pos = copy.open(f, "K1");
        group.bench_function(format!("x_{name}"), |b| {
            b.iter(|| black_box(pos.x_report().unwrap()))
        });
        group.bench_function(format!("event_{name}"), |b| {
            b.iter(|| black_box(pos.event_report().unwrap()))
        });
        group.bench_function(format!("z_{name}"), |b| {
            b.iter_batched(
                || {
                    let copy = f.scratch();
                    let mut pos = copy.open(f, "K1");
                    let grant = pos.unlock(DEMO_CREATOR_PIN).unwrap();
                    let counted = pos.drawer_status().unwrap().map(|d| d.expected);
                    (copy, pos, grant, counted)
                },
                |(copy, mut pos, grant, counted)| {
                    black_box(pos.close_z(counted, &grant).unwrap());
                    drop(copy);
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
    // One Z per copy, timed alone, for the figures of this run.
    let mut z = [Vec::new(), Vec::new()];
    for _ in 0..5 {
        for (i, f) in [&empty, &night].into_iter().enumerate() {
            let copy = f.scratch();
            let mut pos = copy.open(f, "K1");
            let grant = pos.unlock(DEMO_CREATOR_PIN).unwrap();
            let counted = pos.drawer_status().unwrap().map(|d| d.expected);
            let t = Instant::now();
            let closed = pos.close_z(counted, &grant).unwrap();
            z[i].push(t.elapsed());
            black_box(closed);
        }
    }
    let [e, n] = z.map(median);
    eprintln!(
        "Z report at K1: {:.1} ms empty, {:.1} ms with {} sales in the file ({:.1}×; goal ≤ 150 ms)",
        e.as_secs_f64() * 1000.0,
        n.as_secs_f64() * 1000.0,
        night.sales,
        n.as_secs_f64() / e.as_secs_f64(),
    );
}

criterion_group!(benches, report);
criterion_main!(benches);
