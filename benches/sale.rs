//! A durable sale against a bare one-row insert with the same PRAGMAs on the same disk, a sale
//! in a catalogue of 100 000 offers against one of ten, and one receipt PDF. Goals: sale ≤ 1.5×
//! the bare insert; the large catalogue's sale ≤ 1.2× the small one's; a receipt ≤ 5 ms and
//! ≤ 15 KB. Run: `cargo bench --bench sale`; read the ratios of the medians from the same run.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use encore::domain::catalogue::{Offer, OfferKind, VatRate};
use encore::domain::money::{Currency, Money};
use encore::domain::order::TenderKind;
use encore::pdf::receipt_pdf;
use encore::service::{Pos, SaleRequest};
use encore::store::events::{NewEvent, insert as insert_event};
use encore::store::{Store, configure, offers};
use jiff::Timestamp;

/// An event with a gig that never sells out, so every iteration is a full sale with a claim
/// code (Ed25519 signature) and a queue ticket.
fn bench_pos(dir: &std::path::Path) -> (Pos, i64) {
    bench_pos_with(dir, "sale.db", 0)
}

/// The bench event in `file`, with `extra` plain items in its catalogue after the gig.
fn bench_pos_with(dir: &std::path::Path, file: &str, extra: usize) -> (Pos, i64) {
    let mut store = Store::open(&dir.join(file)).unwrap();
    let public_key = store.new_claim_key().unwrap();
    let tx = store.immediate().unwrap();
    let event = NewEvent {
        name: "Bench",
        venue: "Disk",
        time_zone: "Europe/Berlin",
        currency: Currency::Eur,
        payment: None,
        public_key,
        is_demo: false,
        created_at: 0,
    };
    let event_id = insert_event(&tx, &event).unwrap();
    let gig = Offer {
        id: 0,
        title: "60-second shoutout".into(),
        price: Money::new(500, Currency::Eur),
        vat: VatRate(1900),
        kind: OfferKind::Gig {
            duration_mins: 1,
            capacity: 100_000_000,
        },
        remaining: Some(100_000_000),
        held: 0,
        grants_priority: false,
        look: Default::default(),
        variant_of: None,
        cost: 0,
        archived: false,
        pass_credit: 0,
        key: String::new(),
        lane: Some('A'),
    };
    let offer_id = offers::insert(&tx, event_id, &gig, 0).unwrap();
    for n in 0..extra {
        let item = Offer {
            title: format!("Sticker {n}"),
            kind: OfferKind::Item,
            remaining: None,
            lane: None,
            ..gig.clone()
        };
        offers::insert(&tx, event_id, &item, 1 + n as i64).unwrap();
    }
    tx.commit().unwrap();
    let pos = Pos::open(store, "K1", Arc::new(Timestamp::now)).unwrap();
    (pos, offer_id)
}

fn durable_writes(c: &mut Criterion) {
    // On the build's own disk, not a tmpfs: fsync is what a sale waits for.
    std::fs::create_dir_all("target").unwrap();
    let dir = tempfile::tempdir_in("target").unwrap();
    let bare = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
    configure(&bare).unwrap();
    bare.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        .unwrap();
    let (mut pos, offer_id) = bench_pos(dir.path());

    let mut group = c.benchmark_group("durable_write");
    group.sample_size(40);
    group.bench_function("bare_insert", |b| {
        b.iter(|| {
            bare.execute("INSERT INTO t (v) VALUES (?1)", [black_box(1)])
                .unwrap()
        })
    });
    group.bench_function("sale", |b| {
        b.iter(|| {
            let req = SaleRequest::new(
                pos.start_checkout().unwrap(),
                vec![(offer_id, 1)],
                TenderKind::Qr,
            );
            black_box(pos.sell(&req).unwrap())
        })
    });
    group.finish();
}

/// One sale's cost must not grow with the catalogue: the same sale with ten offers and with
/// 100 000, measured in the same run on the same disk.
fn catalogue_size(c: &mut Criterion) {
    std::fs::create_dir_all("target").unwrap();
    let dir = tempfile::tempdir_in("target").unwrap();
    let mut group = c.benchmark_group("sale_by_catalogue_size");
    group.sample_size(40);
    for (name, extra) in [("10_offers", 9), ("100000_offers", 99_999)] {
        let (mut pos, offer_id) = bench_pos_with(dir.path(), &format!("{name}.db"), extra);
        group.bench_function(name, |b| {
            b.iter(|| {
                let req = SaleRequest::new(
                    pos.start_checkout().unwrap(),
                    vec![(offer_id, 1)],
                    TenderKind::Qr,
                );
                black_box(pos.sell(&req).unwrap())
            })
        });
    }
    group.finish();
}

fn receipt(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut pos, offer_id) = bench_pos(dir.path());
    let req = SaleRequest {
        tendered: Some(Money::new(2000, Currency::Eur)),
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(offer_id, 2)],
            TenderKind::Cash,
        )
    };
    let r = pos.sell(&req).unwrap();
    let bytes = receipt_pdf(&r).unwrap();
    eprintln!(
        "receipt PDF with {} claim QR codes: {} bytes",
        r.claims.len(),
        bytes.len()
    );
    c.bench_function("receipt_pdf", |b| {
        b.iter(|| black_box(receipt_pdf(black_box(&r)).unwrap()))
    });
}

criterion_group!(benches, durable_writes, catalogue_size, receipt);
criterion_main!(benches);
