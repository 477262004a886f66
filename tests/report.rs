//! Day close: every figure of the X, Z and event reports equals a recomputation from the raw
//! tables (and the receipts as printed), and the day-close mistakes other systems made are
//! refused here.

mod support;

use encore::domain::money::Money;
use encore::domain::order::TenderKind;
use encore::domain::report::Report;
use encore::service::{Pos, RefundRequest, SaleRequest};
use proptest::prelude::*;
use support::{AsCreator, PIN, TestClock, TestDb, offer_id, sell};

const OFFERS: [&str; 5] = [
    "Signed postcard",
    "60-second shoutout",
    "5-minute meet & greet",
    "Signed tour poster",
    "Tour tote bag",
];

fn eur(minor: i64) -> Money {
    Money::new(minor, encore::domain::money::Currency::Eur)
}

/// One sale of the random night.
#[derive(Debug, Clone)]
struct Sale {
    offer: usize,
    qty: u32,
    tender: TenderKind,
    /// Part paid by card first (a split), in cents of the total's share.
    split_card: Option<u8>,
    tip: i64,
    refund: Option<bool>,
}

fn sale() -> impl Strategy<Value = Sale> {
    (
        0..OFFERS.len(),
        1u32..3,
        prop_oneof![
            Just(TenderKind::Cash),
            Just(TenderKind::Card),
            Just(TenderKind::Qr)
        ],
        proptest::option::of(1u8..100),
        prop_oneof![Just(0i64), 1i64..300],
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(offer, qty, tender, split_card, tip, refund)| Sale {
            offer,
            qty,
            tender,
            split_card,
            tip,
            refund,
        })
}

/// Makes the sale through the service; returns its receipt number.
fn make(pos: &mut Pos, s: &Sale) -> Option<String> {
    let id = offer_id(pos, OFFERS[s.offer]);
    let mut req = SaleRequest::new(pos.start_checkout().ok()?, vec![(id, s.qty)], s.tender);
    if s.tip > 0 {
        req.tip = Some(eur(s.tip));
    }
    if let Some(share) = s.split_card {
        let price = pos.offers().ok()?.into_iter().find(|o| o.id == id)?.price;
        let part = price.minor * i64::from(s.qty) * i64::from(share) / 100;
        if part > 0 && s.tender != TenderKind::Card {
            req.parts = vec![(TenderKind::Card, eur(part))];
        }
    }
    // A sold-out drop refuses the sale: that is a night too.
    let receipt = pos.sell(&req).ok()?;
    Some(receipt.number.to_string())
}

/// The figures recomputed from the raw tables with plain SQL, and from each receipt as printed.
struct Recomputed {
    gross: i64,
    tips: i64,
    receipts: u32,
    refunded: i64,
    cash_refunded: i64,
    taken: Vec<(String, i64)>,
    vat: Vec<(u32, i64, i64)>,
    drawer_expected: Option<i64>,
    units: i64,
    discounts: i64,
    shares: i64,
    claim_units: i64,
}

fn recompute(db: &TestDb, pos: &Pos) -> Recomputed {
    let conn = db.conn();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let mut taken = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT kind, sum(tendered_minor - change_minor) FROM tenders GROUP BY kind ORDER BY kind",
        )
        .unwrap();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
    {
        taken.push(row.unwrap());
    }
    let mut vat: Vec<(u32, i64, i64)> = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT s.code, o.receipt_seq FROM orders o JOIN stations s ON s.id = o.station_id",
        )
        .unwrap();
    let numbers: Vec<(String, u32)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (station, seq) in &numbers {
        let no = encore::domain::order::ReceiptNo {
            station: station.clone(),
            seq: *seq,
        };
        for l in pos.receipt(&no).unwrap().vat {
            match vat.iter_mut().find(|v| v.0 == l.rate.0) {
                Some(v) => {
                    v.1 += l.vat.minor;
                    v.2 += l.gross.minor;
                }
                None => vat.push((l.rate.0, l.vat.minor, l.gross.minor)),
            }
        }
    }
    vat.sort();
    let drawer_expected = conn
        .query_row(
            "SELECT float_minor FROM drawer_sessions WHERE closed_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )
        .ok()
        .map(|float| {
            float
                + one("SELECT COALESCE(sum(tendered_minor - change_minor), 0) FROM tenders WHERE kind = 'cash'")
                - one("SELECT COALESCE(sum(cash_minor), 0) FROM refunds")
                + one("SELECT COALESCE(sum(amount_minor), 0) FROM drawer_moves")
        });
    Recomputed {
        gross: one("SELECT COALESCE(sum(total_minor), 0) FROM orders"),
        tips: one("SELECT COALESCE(sum(tip_minor), 0) FROM orders"),
        receipts: u32::try_from(one("SELECT count(*) FROM orders")).unwrap(),
        refunded: one("SELECT COALESCE(sum(amount_minor), 0) FROM refunds"),
        cash_refunded: one("SELECT COALESCE(sum(cash_minor), 0) FROM refunds"),
        taken,
        vat,
        drawer_expected,
        units: one("SELECT COALESCE(sum(qty), 0) FROM order_lines")
            - one("SELECT COALESCE(sum(qty), 0) FROM refund_lines"),
        discounts: one("SELECT COALESCE(sum(discount_minor), 0) FROM order_lines"),
        shares: one("SELECT COALESCE(sum(amount_minor), 0) FROM order_splits"),
        claim_units: one("SELECT COALESCE(sum(quantity), 0) FROM claims"),
    }
}

fn check(report: &Report, want: &Recomputed) {
    assert_eq!(report.gross.minor, want.gross, "gross");
    assert_eq!(report.tips.minor, want.tips, "tips");
    assert_eq!(
        report.receipts.iter().map(|r| r.count).sum::<u32>(),
        want.receipts
    );
    assert!(
        report.receipts.iter().all(|r| r.missing.is_empty()),
        "{:?}",
        report.receipts
    );
    assert_eq!(report.refunded.minor, want.refunded, "refunds");
    assert_eq!(report.net_sales.minor, want.gross - want.refunded);
    let mut taken: Vec<(String, i64)> = report
        .methods
        .iter()
        .map(|m| (m.kind.name().to_string(), m.taken.minor))
        .collect();
    taken.sort();
    assert_eq!(taken, want.taken, "taken per method");
    let back: i64 = report.methods.iter().map(|m| m.refunded.minor).sum();
    assert_eq!(back, want.refunded, "refunds routed to methods");
    let cash_back = report
        .methods
        .iter()
        .find(|m| m.kind == TenderKind::Cash)
        .map_or(0, |m| m.refunded.minor);
    assert_eq!(
        cash_back, want.cash_refunded,
        "cash back as the refund paid it"
    );
    let vat: Vec<(u32, i64, i64)> = report
        .vat
        .iter()
        .map(|v| (v.rate.0, v.vat.minor, v.gross.minor))
        .collect();
    assert_eq!(vat, want.vat, "VAT per rate as the receipts printed it");
    let hours: i64 = report.hours.iter().map(|h| h.gross.minor).sum();
    assert_eq!(hours, want.gross, "the hours add up to the sales");
    let units: i64 = report.offers.iter().map(|o| i64::from(o.units)).sum();
    assert_eq!(units, want.units, "units per offer, refunds deducted");
    assert_eq!(report.discounts.minor, want.discounts, "discounts given");
    let shares: i64 = report.shares.iter().map(|(_, m)| m.minor).sum();
    assert_eq!(shares, want.shares, "shares owed");
    assert_eq!(
        i64::from(report.claims.issued),
        want.claim_units,
        "claim units"
    );
    let open = report.drawers.iter().find(|d| d.closed_at.is_none());
    assert_eq!(open.map(|d| d.expected.minor), want.drawer_expected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn every_figure_equals_a_recomputation_from_the_raw_rows(
        sales in proptest::collection::vec(sale(), 1..14),
        float in 0i64..20_000,
        moves in proptest::collection::vec(-2_000i64..5_000, 0..3),
    ) {
        let (db, clock) = (TestDb::new(), TestClock::new());
        let mut pos = db.demo_pos(&clock);
        pos.open_drawer(eur(float)).unwrap();
        for m in moves.iter().filter(|m| **m != 0) {
            // Taking out more than is in the drawer is refused; that is fine.
            let _ = pos.drawer_move(eur(*m), "change run");
        }
        for s in &sales {
            clock.advance_secs(97);
            let Some(number) = make(&mut pos, s) else { continue };
            if let Some(whole) = s.refund {
                let id = offer_id(&pos, OFFERS[s.offer]);
                let req = RefundRequest {
                    receipt: number.parse().unwrap(),
                    lines: (!whole).then(|| vec![(id, 1)]),
                    reason: "test".into(),
                };
                pos.with_pin(PIN, |p, g| p.refund(&req, g)).unwrap();
            }
        }
        let want = recompute(&db, &pos);
        check(&pos.x_report().unwrap(), &want);
        check(&pos.event_report().unwrap(), &want);
    }
}

fn counted(pos: &Pos) -> Option<Money> {
    pos.drawer_status().unwrap().map(|d| d.expected)
}

#[test]
fn a_second_close_the_same_day_counts_only_what_came_after_the_first() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    for _ in 0..3 {
        sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    }
    let z1 = pos.with_pin(PIN, |p, g| p.close_z(None, g)).unwrap();
    assert_eq!((z1.z_no, z1.receipts[0].count), (Some(1), 3));
    clock.advance_secs(600);
    for _ in 0..2 {
        sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    }
    let z2 = pos.with_pin(PIN, |p, g| p.close_z(None, g)).unwrap();
    assert_eq!(z2.z_no, Some(2));
    assert_eq!(z2.receipts[0].count, 2);
    assert_eq!(z2.receipts[0].first.as_ref().unwrap().seq, 4);
    assert_eq!(
        z2.gross.minor * 3,
        z1.gross.minor * 2,
        "two sales, not five"
    );
    assert_eq!(z2.from, Some(z1.to));
    // An X now is an empty shift, and the event report has all five.
    assert_eq!(pos.x_report().unwrap().gross.minor, 0);
    assert_eq!(pos.event_report().unwrap().receipts[0].count, 5);
}

#[test]
fn an_opening_float_is_counted_once_and_a_day_without_sales_shows_no_difference() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    pos.open_drawer(eur(10_000)).unwrap();
    // No count while a drawer is open: the Z closes it.
    let refused = pos.with_pin(PIN, |p, g| p.close_z(None, g)).unwrap_err();
    assert!(
        refused.to_string().contains("count the cash drawer"),
        "{refused}"
    );
    let z1 = pos
        .with_pin(PIN, |p, g| p.close_z(Some(eur(10_000)), g))
        .unwrap();
    assert_eq!(z1.gross.minor, 0);
    let d = &z1.drawers[0];
    assert_eq!((d.float.minor, d.expected.minor), (10_000, 10_000));
    assert_eq!(
        d.difference.map(|m| m.minor),
        Some(0),
        "nothing sold, nothing off"
    );
    // The next shift opens with a new float; the first one is not counted again.
    clock.advance_secs(3600);
    pos.open_drawer(eur(5_000)).unwrap();
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Cash);
    let expected = counted(&pos).unwrap();
    let z2 = pos
        .with_pin(PIN, |p, g| p.close_z(Some(expected), g))
        .unwrap();
    assert_eq!(z2.drawers.len(), 1, "{:?}", z2.drawers);
    assert_eq!(z2.drawers[0].float.minor, 5_000);
    assert_eq!(z2.drawers[0].difference.map(|m| m.minor), Some(0));
    // A station with no drawer and no sales: no drawer lines, no difference at all.
    let z3 = pos.with_pin(PIN, |p, g| p.close_z(None, g)).unwrap();
    assert!(z3.drawers.is_empty());
    assert_eq!(z3.gross.minor, 0);
}

#[test]
fn a_refund_of_a_split_payment_goes_back_to_the_methods_it_was_paid_with() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    pos.open_drawer(eur(0)).unwrap();
    let id = offer_id(&pos, "5-minute meet & greet");
    let mut req = SaleRequest::new(
        pos.start_checkout().unwrap(),
        vec![(id, 1)],
        TenderKind::Cash,
    );
    req.parts = vec![(TenderKind::Card, eur(1_500))];
    let receipt = pos.sell(&req).unwrap();
    let total = receipt.total.minor;
    let refund = RefundRequest {
        receipt: receipt.number.clone(),
        lines: None,
        reason: "show cancelled".into(),
    };
    pos.with_pin(PIN, |p, g| p.refund(&refund, g)).unwrap();
    let x = pos.x_report().unwrap();
    let method = |k: TenderKind| x.methods.iter().find(|m| m.kind == k).unwrap();
    assert_eq!(method(TenderKind::Card).taken.minor, 1_500);
    assert_eq!(method(TenderKind::Card).refunded.minor, 1_500);
    assert_eq!(method(TenderKind::Cash).taken.minor, total - 1_500);
    assert_eq!(method(TenderKind::Cash).refunded.minor, total - 1_500);
    assert_eq!(x.drawers[0].cash_refunds.minor, total - 1_500);
    assert_eq!(
        x.drawers[0].expected.minor, 0,
        "the cash went back out of the drawer"
    );
    let listed = &x.refunds[0];
    assert_eq!(
        (listed.reason.as_str(), listed.approved_by.as_str()),
        ("show cancelled", "creator")
    );
}

#[test]
fn a_closed_z_never_changes_and_every_later_print_is_a_copy() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Tour tote bag", 2)], TenderKind::Card);
    let z = pos.with_pin(PIN, |p, g| p.close_z(None, g)).unwrap();
    // Sales after the close do not change it.
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let (again, copy) = pos.z_report("K1", 1).unwrap();
    assert!(copy);
    assert_eq!(again, z);
    let conn = db.conn();
    let edit = conn.execute("UPDATE z_reports SET report = '{}'", []);
    assert!(edit.unwrap_err().to_string().contains("never changes"));
    assert!(conn.execute("DELETE FROM z_reports", []).is_err());
    // The Z needs the creator.
    assert!(pos.with_pin("999999", |p, g| p.close_z(None, g)).is_err());
    assert_eq!(pos.z_reports().unwrap().len(), 1);
}

#[test]
fn training_orders_and_missing_numbers_show_as_such() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    for _ in 0..2 {
        sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    }
    // A practice order never counts; a number lost (a file that went back in time) is named.
    pos.with_pin(PIN, |p, g| p.set_training(true, g)).unwrap();
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    pos.with_pin(PIN, |p, g| p.set_training(false, g)).unwrap();
    let conn = db.conn();
    conn.execute("UPDATE stations SET next_receipt = 6 WHERE code = 'K1'", [])
        .unwrap();
    let x = pos.x_report().unwrap();
    assert_eq!(x.receipts[0].count, 2);
    assert_eq!(x.receipts[0].missing, vec![(3, 5)]);
    let text = encore::domain::report::text::plain_lines(&x, false, 64).join("\n");
    assert!(
        text.contains("MISSING") && text.contains("K1-000003 to K1-000005"),
        "{text}"
    );
}

fn tool(name: &str) -> bool {
    std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok()
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(|w| w.to_lowercase()).collect()
}

/// Closes a Z from the command line into an 80 mm PDF and reprints it on A4: both pass
/// `qpdf --check`, and every word of every line the terminal printed is in each PDF's text.
#[test]
fn the_cli_closes_a_z_into_a_pdf_that_shows_every_line_and_reprints_it_as_a_copy() {
    if !tool("qpdf") || !tool("pdftotext") {
        panic!("qpdf and pdftotext are needed (apt-get install qpdf poppler-utils)");
    }
    let (db, clock) = (TestDb::new(), TestClock::from_real_now());
    let mut pos = db.demo_pos(&clock);
    pos.open_drawer(eur(5_000)).unwrap();
    sell(&mut pos, &[("Tour tote bag", 2)], TenderKind::Cash);
    sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card);
    drop(pos);
    let pdf = db.dir.path().join("z.pdf");
    let out = support::encore_in(
        &db.path,
        &[
            "report",
            "z",
            "--counted",
            "80.00",
            "--pin-stdin",
            "-o",
            pdf.to_str().unwrap(),
        ],
        &format!("{PIN}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with("Z report 1 · K1"), "{printed}");
    let check_pdf = |path: &std::path::Path, copy: bool| {
        let qpdf = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(path)
            .output()
            .unwrap();
        assert!(
            qpdf.status.success(),
            "{}",
            String::from_utf8_lossy(&qpdf.stdout)
        );
        let text = std::process::Command::new("pdftotext")
            .arg(path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        let have = words(&text);
        for line in printed.lines().filter(|l| !l.starts_with("written to")) {
            for w in words(line) {
                assert!(
                    have.contains(&w),
                    "'{w}' of '{line}' is not in the PDF:\n{text}"
                );
            }
        }
        assert_eq!(text.contains("COPY"), copy);
    };
    check_pdf(&pdf, false);
    let a4 = db.dir.path().join("z-a4.pdf");
    let out = support::encore_in(
        &db.path,
        &[
            "report",
            "z",
            "--reprint",
            "1",
            "--a4",
            "-o",
            a4.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["copy"], true);
    assert_eq!(v["report"]["z_no"], 1);
    assert_eq!(v["report"]["drawers"][0]["difference"]["minor"], 0, "{v}");
    check_pdf(&a4, true);
    // Without the PIN nothing closes.
    let out = support::encore_in(&db.path, &["report", "z", "--pin-stdin"], "000000\n");
    assert!(!out.status.success());
    let out = support::encore_in(&db.path, &["report", "event", "--json"], "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["report"]["receipts"][0]["count"], 2, "{v}");
}

#[test]
fn the_reports_screen_shows_the_shift_and_closes_it_with_the_creator_pin() {
    use egui_kittest::kittest::Queryable as _;
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Card);
    let mut h = support::kiosk_harness(pos, (1024.0, 600.0));
    h.get_by_label("Reports").click();
    h.run();
    h.get_by_label("X report (this shift)").click();
    // Added up on the kiosk's worker, then shown.
    support::run_jobs(&mut h);
    assert_eq!(h.state().report().unwrap().receipts[0].count, 1);
    assert!(h.query_by_label("Payments by method").is_some());
    // A wrong PIN closes nothing.
    support::type_into(&mut h, "Creator PIN", "000000");
    h.get_by_label("Close the shift").click();
    h.run();
    assert!(h.state().report().unwrap().z_no.is_none());
    support::type_into(&mut h, "Creator PIN", PIN);
    h.get_by_label("Close the shift").click();
    h.run();
    let z = h.state().report().unwrap();
    assert_eq!((z.z_no, z.receipts[0].count), (Some(1), 1));
    assert_eq!(h.state().notice(), Some("Z report 1 · K1 closed"));
    h.get_by_label("Save PDF (A4)").click();
    support::run_jobs(&mut h);
    assert!(
        h.state().notice().unwrap().starts_with("Report saved to"),
        "{:?}",
        h.state().notice()
    );
    h.get_by_label("K1 Z 1").click();
    h.run();
    assert!(h.query_by_label("COPY of a closed Z report").is_some());
}

#[test]
fn qr_payments_are_matched_against_every_statement_imported_so_far() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    assert!(pos.x_report().unwrap().qr.is_none(), "no statement yet");
    // A split: €10 on the card, the rest by QR; the bank sees only the QR part.
    let id = offer_id(&pos, "5-minute meet & greet");
    let mut req = SaleRequest::new(pos.start_checkout().unwrap(), vec![(id, 1)], TenderKind::Qr);
    req.parts = vec![(TenderKind::Card, eur(1_000))];
    let split = pos.sell(&req).unwrap();
    let unpaid = sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Qr);
    let credit = encore::domain::reconcile::Credit {
        amount: eur(split.total.minor - 1_000),
        remittance: split.payment_ref.clone(),
        date: "2026-11-22".into(),
        debtor: "A FAN".into(),
    };
    pos.reconcile(std::slice::from_ref(&credit)).unwrap();
    // Importing the same statement again adds nothing.
    pos.reconcile(&[credit]).unwrap();
    let qr = pos.x_report().unwrap().qr.unwrap();
    assert_eq!(
        (qr.matched, qr.matched_amount.minor),
        (1, split.total.minor - 1_000)
    );
    assert_eq!(
        (qr.unmatched, qr.unmatched_amount.minor),
        (1, unpaid.total.minor)
    );
    let kept: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM statement_credits", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
}
