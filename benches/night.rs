//! What the fan at the table waits for, with a night of 100 000 sales in the file against the
//! same event with none: a sale to a returning fan (identified by their contact, so their
//! orders are counted for the perks), and the queue as the kiosk reads it after every sale and
//! call. Goal: within 1.2× of the empty database, since nothing either reads should grow with
//! the night.
//! Run: `cargo bench --bench night`; it prints the medians and ratios from the same run.

mod fixture;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use encore::domain::catalogue::OfferKind;
use encore::domain::order::TenderKind;
use encore::service::{Pos, SaleRequest};

/// A fan who came back all night (the fixture's most frequent contact).
const RETURNING_FAN: &str = "fan1@example.org";

/// An item without a stock limit, so every iteration sells.
fn item(pos: &Pos) -> i64 {
    pos.offers()
        .unwrap()
        .into_iter()
        .find(|o| o.kind == OfferKind::Item && o.pass_credit == 0 && !o.grants_priority)
        .expect("the demo has a plain item")
        .id
}

/// One card sale to the returning fan.
fn sale(pos: &mut Pos, offer: i64) {
    let mut req = SaleRequest::new(
        pos.start_checkout().unwrap(),
        vec![(offer, 1)],
        TenderKind::Card,
    );
    req.fan = Some(RETURNING_FAN.into());
    black_box(pos.sell(&req).unwrap());
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn night(c: &mut Criterion) {
    let (empty, night) = (fixture::empty(), fixture::night());
    let (empty_copy, night_copy) = (empty.scratch(), night.scratch());
    let mut stations = [
        ("empty", empty_copy.open(&empty, "K1")),
        ("night", night_copy.open(&night, "K1")),
    ];
    let mut group = c.benchmark_group("night");
    group.sample_size(30);
    for (name, pos) in &mut stations {
        let offer = item(pos);
        group.bench_function(format!("sale_{name}"), |b| b.iter(|| sale(pos, offer)));
        group.bench_function(format!("queue_{name}"), |b| {
            b.iter(|| black_box(pos.queue().unwrap()))
        });
    }
    group.finish();
    // Interleaved fresh runs for the ratios of this run.
    let mut sales = [Vec::new(), Vec::new()];
    let mut reads = [Vec::new(), Vec::new()];
    for _ in 0..50 {
        for (i, (_, pos)) in stations.iter_mut().enumerate() {
            let offer = item(pos);
            let t = Instant::now();
            sale(pos, offer);
            sales[i].push(t.elapsed());
            let t = Instant::now();
            black_box(pos.queue().unwrap());
            reads[i].push(t.elapsed());
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let [se, sn] = sales.map(median);
    let [qe, qn] = reads.map(median);
    eprintln!(
        "night: sale to a returning fan {:.2} ms empty, {:.2} ms with {} sales ({:.2}×); \
         the queue read {:.2} ms vs {:.2} ms ({:.2}×); goal ≤ 1.2×",
        ms(se),
        ms(sn),
        night.sales,
        ms(sn) / ms(se),
        ms(qe),
        ms(qn),
        ms(qn) / ms(qe),
    );
}

criterion_group!(benches, night);
criterion_main!(benches);
