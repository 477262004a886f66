//! One receipt PDF with the content of the fpdf2 peer (`shared/peers/fpdf2_receipt.py`: the
//! same 80 mm page, the same four lines and total, one vector QR claim code, one embedded
//! subset font), made by Encore's writer and, in the same run, by fpdf2. Goal: Encore at least
//! 20× faster. Encore's receipt also prints what every Encore receipt prints (VAT, how it was
//! paid, the code as text, the thanks); the peer prints less.
//!
//! The peer needs python3 with fpdf2 and segno (`pip install fpdf2 segno`); `FPDF2_PYTHON`
//! names another interpreter (a virtualenv's), `FPDF2_RECEIPT` another copy of the script.
//! Without them the comparison is skipped, said so, and Encore is measured alone.
//! Run: `cargo bench --bench receipt_pdf`; it prints the medians and the ratio.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use encore::domain::catalogue::VatRate;
use encore::domain::event::Zone;
use encore::domain::money::{Currency, Money};
use encore::domain::order::{
    IssuedClaim, Line, Receipt, ReceiptNo, Tender, TenderKind, vat_breakdown,
};
use encore::domain::pricing::VatMode;
use encore::pdf::receipt_pdf;

/// The peer's claim code, encoded the same way (alphanumeric QR).
const CODE: &str = "ENC1-7F3KQ9XMA2B4C6D8E0G2H4J6K8M0N2P4Q6R8S0T2V4W6X8Y0Z2A4B6C8D0E2F4G6H8J0K2M4N6P8Q0R2S4T6V8W0X2Y4Z6";
/// Receipts the peer writes per run; it prints the time per receipt.
const PEER_RECEIPTS: u32 = 50;

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::Eur)
}

/// The peer's receipt as an Encore receipt: K1-000000, 22:41 in Berlin, four lines, 19 % VAT
/// included, paid by card, one claim code.
fn peer_receipt() -> Receipt {
    let lines: Vec<Line> = [
        ("60-second shoutout", 1, 1500),
        ("Signed postcard (drop #3)", 2, 800),
        ("Meet & greet 5 min", 1, 2500),
        ("Tour tee — size M", 1, 3000),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (title, qty, price))| Line {
        offer_id: i as i64 + 1,
        title: title.into(),
        unit_price: eur(price),
        vat: VatRate(1900),
        qty,
        discount: 0,
        note: String::new(),
    })
    .collect();
    let total = eur(lines.iter().map(|l| l.amount().minor).sum());
    Receipt {
        event_name: "Encore pop-up".into(),
        venue: "Afterparty at Kantine".into(),
        time_zone: Zone::named("Europe/Berlin").unwrap(),
        station: "K1".into(),
        number: ReceiptNo {
            station: "K1".into(),
            seq: 0,
        },
        paid_at: "2026-11-21T21:41:00Z".parse().unwrap(),
        vat: vat_breakdown(&lines, VatMode::Inclusive, Currency::Eur),
        lines,
        total,
        tip: eur(0),
        tenders: vec![Tender {
            kind: TenderKind::Card,
            tendered: total,
            change: eur(0),
            reference: None,
        }],
        payment_ref: "RF18 0000 0000 0000 0000 0000 1".into(),
        claims: vec![IssuedClaim {
            code: CODE.into(),
            title: "60-second shoutout".into(),
        }],
        tickets: Vec::new(),
        vat_mode: VatMode::Inclusive,
        header: String::new(),
        footer: String::new(),
        terms: String::new(),
        member: None,
        training: false,
        copy: false,
        fan_url: None,
    }
}

/// The median of `runs` timings of one Encore receipt.
fn encore_median(r: &Receipt, runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(receipt_pdf(black_box(r)).unwrap());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// The peer's time per receipt in milliseconds, or why it could not run.
fn peer_ms(out: &std::path::Path) -> Result<f64, String> {
    let python = std::env::var("FPDF2_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = std::env::var_os("FPDF2_RECEIPT").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/fpdf2_receipt.py"),
        PathBuf::from,
    );
    if !script.exists() {
        return Err(format!("no peer script at {}", script.display()));
    }
    let has = Command::new(&python)
        .args(["-c", "import fpdf, segno"])
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !has.status.success() {
        return Err(format!(
            "{python} has no fpdf2 or segno (pip install fpdf2 segno, or set FPDF2_PYTHON)"
        ));
    }
    let run = Command::new(&python)
        .arg(&script)
        .arg(PEER_RECEIPTS.to_string())
        .arg(out)
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    let text = String::from_utf8_lossy(&run.stdout);
    text.split_whitespace()
        .find_map(|w| w.strip_prefix("per_receipt_ms="))
        .and_then(|ms| ms.parse().ok())
        .ok_or_else(|| {
            format!(
                "the peer said: {text}{}",
                String::from_utf8_lossy(&run.stderr)
            )
        })
}

fn receipt(c: &mut Criterion) {
    let r = peer_receipt();
    let pdf = receipt_pdf(&r).unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("encore.pdf"), &pdf).unwrap();
    c.bench_function("receipt_pdf_like_fpdf2", |b| {
        b.iter(|| black_box(receipt_pdf(black_box(&r)).unwrap()))
    });
    // Encore, the peer, Encore again: the ratio takes the better of Encore's two medians and
    // the peer's median of three runs, all in this process's minute.
    let first = encore_median(&r, 200);
    let mut peer: Vec<f64> = Vec::new();
    for _ in 0..3 {
        match peer_ms(out.path()) {
            Ok(ms) => peer.push(ms),
            Err(why) => {
                eprintln!("receipt_pdf: fpdf2 comparison skipped: {why}");
                break;
            }
        }
    }
    let encore_ms = first.min(encore_median(&r, 200)).as_secs_f64() * 1000.0;
    eprintln!(
        "receipt_pdf: Encore {encore_ms:.3} ms per receipt, {} bytes",
        pdf.len()
    );
    if peer.len() == 3 {
        peer.sort_by(f64::total_cmp);
        let peer_ms = peer[1];
        let peer_bytes = std::fs::metadata(out.path().join("r0.pdf")).map_or(0, |m| m.len());
        eprintln!(
            "receipt_pdf: fpdf2 {peer_ms:.2} ms per receipt, {peer_bytes} bytes: Encore is {:.1}× faster (goal ≥ 20×)",
            peer_ms / encore_ms
        );
    }
}

criterion_group!(benches, receipt);
criterion_main!(benches);
