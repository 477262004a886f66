//! The table's hub over loopback when the line rushes: four paired phones sell the last 100
//! units of a drop at the same moment. Goals: exactly 100 sold every round, p99 of a sale
//! (hold + paid, both requests, end to end) ≤ 50 ms, and a fan's page updated ≤ 1 s after its
//! ticket is called. Criterion compares one phone sale over HTTP with the same sale made in
//! process through the service (the baseline, same run). Run: `cargo bench --bench hub`.

use std::io::{BufRead, BufReader};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use encore::domain::catalogue::OfferKind;
use encore::domain::order::TenderKind;
use encore::service::{OfferEdit, Pos, SaleRequest, system_clock};
use encore::store::Store;
use encore::web::Server;
use serde_json::{Value, json};

const PIN: &str = encore::service::DEMO_CREATOR_PIN;
const ROUNDS: usize = 5;
const LAST_UNITS: u32 = 100;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

struct Phone {
    agent: ureq::Agent,
    url: String,
    token: String,
}

impl Phone {
    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let mut res = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {}", self.token))
            .send_json(body)
            .unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_json().unwrap_or(Value::Null),
        )
    }

    /// One sale as the phone makes it: hold, then paid.
    fn sell(&self, offer: i64) -> Option<Value> {
        let (status, started) = self.post(
            "/api/checkout",
            json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[offer, 1]], "method": "card" }),
        );
        if status != 200 {
            return None;
        }
        let (status, sold) = self.post("/api/sell", started);
        assert_eq!(status, 200, "{sold}");
        Some(sold)
    }
}

fn pair(pos: &mut Pos, url: &str, name: &str) -> Phone {
    let grant = pos.unlock(PIN).unwrap();
    let token = pos.pairing_token(&grant).unwrap().token;
    let agent = agent();
    let mut res = agent
        .post(format!("{url}/api/pair"))
        .send_json(json!({ "token": token, "name": name }))
        .unwrap();
    let paired: Value = res.body_mut().read_json().unwrap();
    Phone {
        agent,
        url: url.to_string(),
        token: paired["token"].as_str().unwrap().to_string(),
    }
}

/// A fresh drop of `stock` units, no per-fan limit, on sale now.
fn new_drop(pos: &mut Pos, stock: u32, n: usize) -> i64 {
    let poster = pos
        .offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == "Signed tour poster")
        .unwrap();
    let mut edit = OfferEdit::new(poster);
    edit.offer.title = format!("Last units {n}");
    edit.offer.remaining = Some(stock);
    edit.offer.key = String::new();
    if let OfferKind::Drop {
        stock: s,
        per_fan_limit,
        ..
    } = &mut edit.offer.kind
    {
        *s = stock;
        *per_fan_limit = None;
    }
    let grant = pos.unlock(PIN).unwrap();
    pos.save_offer(&edit, &grant).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Four phones race for the last units, `ROUNDS` times; prints what each round sold and the
/// sale latencies over all rounds.
fn race(pos: &mut Pos, phones: &[Phone]) {
    let mut all = Vec::new();
    for round in 0..ROUNDS {
        let offer = new_drop(pos, LAST_UNITS, round);
        let start = Arc::new(Barrier::new(phones.len()));
        let results: Vec<(usize, Vec<Duration>)> = std::thread::scope(|s| {
            let runs: Vec<_> = phones
                .iter()
                .map(|phone| {
                    let start = start.clone();
                    s.spawn(move || {
                        start.wait();
                        let (mut sold, mut took) = (0, Vec::new());
                        loop {
                            let t = Instant::now();
                            match phone.sell(offer) {
                                Some(_) => {
                                    took.push(t.elapsed());
                                    sold += 1;
                                }
                                None => break,
                            }
                        }
                        (sold, took)
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let sold: usize = results.iter().map(|r| r.0).sum();
        let per_phone: Vec<usize> = results.iter().map(|r| r.0).collect();
        println!(
            "hub race round {}: {sold} of {LAST_UNITS} sold (per phone {per_phone:?})",
            round + 1
        );
        assert_eq!(
            sold, LAST_UNITS as usize,
            "exactly the last units, never one more"
        );
        all.extend(results.into_iter().flat_map(|r| r.1));
    }
    all.sort();
    println!(
        "hub race: {} sales, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal p99 <= 50 ms)",
        all.len(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().unwrap().as_secs_f64() * 1e3
    );
}

/// Time from a phone's "call next" to the fan's page event that says "your turn".
fn fan_updates(pos: &mut Pos, phone: &Phone) {
    let gig = pos
        .offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == "60-second shoutout")
        .unwrap();
    let mut took = Vec::new();
    for n in 0..20 {
        let sold = phone.sell(gig.id).unwrap();
        let fan = sold["fan_url"].as_str().unwrap().to_string();
        let res = agent().get(format!("{fan}/events")).call().unwrap();
        let mut lines = BufReader::new(res.into_body().into_reader()).lines();
        // The page's first state: this fan waits.
        lines
            .find(|l| l.as_ref().is_ok_and(|l| l.starts_with("data:")))
            .unwrap()
            .unwrap();
        let t = Instant::now();
        let (status, called) = phone.post(
            "/api/queue/call",
            json!({ "client_id": format!("call-{n}"), "lane": "A" }),
        );
        assert_eq!(status, 200, "{called}");
        let turn = lines
            .find(|l| l.as_ref().is_ok_and(|l| l.contains("Your turn")))
            .unwrap();
        assert!(turn.is_ok());
        took.push(t.elapsed());
        // Served, so the next sale's fan is the next one called.
        let queue: Value = {
            let mut r = phone
                .agent
                .get(format!("{}/api/queue", phone.url))
                .header("Authorization", format!("Bearer {}", phone.token))
                .call()
                .unwrap();
            r.body_mut().read_json().unwrap()
        };
        let id = queue["lanes"][0]["called"][0]["id"].as_i64().unwrap();
        phone.post(
            "/api/queue/move",
            json!({ "client_id": format!("done-{n}"), "ticket": id, "to": "done" }),
        );
    }
    took.sort();
    println!(
        "fan page: 'your turn' {:.0} ms median, {:.0} ms worst after the call (goal <= 1000 ms)",
        percentile(&took, 0.5).as_secs_f64() * 1e3,
        took.last().unwrap().as_secs_f64() * 1e3
    );
}

fn hub(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let mut store = Store::open(&db).unwrap();
    Pos::seed_demo_if_empty(&mut store, &system_clock(), false).unwrap();
    let mut pos = Pos::open(store, "K1", system_clock()).unwrap();
    let server = Server::start(
        &db,
        "K1",
        system_clock(),
        ("127.0.0.1:0".parse().unwrap(), false),
    )
    .unwrap();
    let url = server.url().to_string();
    let phones: Vec<Phone> = ["Sam", "Kim", "Ada", "Lou"]
        .iter()
        .map(|n| pair(&mut pos, &url, n))
        .collect();
    race(&mut pos, &phones);
    fan_updates(&mut pos, &phones[0]);

    let offer = new_drop(&mut pos, 10_000_000, 99);
    let mut group = c.benchmark_group("hub");
    group.sample_size(30);
    group.bench_function("baseline: the sale in process (service)", |b| {
        b.iter(|| {
            let checkout = pos.start_checkout().unwrap();
            pos.sell(&SaleRequest::new(
                checkout,
                vec![(offer, 1)],
                TenderKind::Card,
            ))
            .unwrap()
        })
    });
    group.bench_function("one phone sale over loopback (hold + paid)", |b| {
        b.iter(|| phones[0].sell(offer).unwrap())
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, hub);
criterion_main!(benches);
