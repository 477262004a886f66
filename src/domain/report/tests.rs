//! Unit tests of the day-close arithmetic.

use super::*;
use crate::domain::catalogue::VatRate;
use crate::domain::order::Tender;
use crate::domain::pricing::{VatMode, tax_breakdown};

const EUR: Currency = Currency::Eur;

fn order(station: &str, seq: u32, total: i64, tenders: Vec<(TenderKind, i64)>) -> OrderRow {
    OrderRow {
        station: station.into(),
        seq,
        paid_at: Timestamp::from_second(1_795_000_000 + i64::from(seq) * 60).unwrap(),
        total,
        tip: 0,
        fee: 0,
        discount: 0,
        mode: VatMode::Inclusive,
        by_rate: vec![(VatRate(1900), total)],
        tenders,
    }
}

fn tally(orders: &[OrderRow]) -> Tally {
    Tally::of_rows(orders, &[], &[], EUR)
}

fn head(expected: Vec<(String, u32, u32)>) -> Header {
    Header {
        kind: ReportKind::X,
        z_no: None,
        station: Some("K1".into()),
        event: "E".into(),
        venue: "V".into(),
        zone: Zone::utc(),
        currency: EUR,
        from: None,
        to: Timestamp::from_second(1_796_000_000).unwrap(),
        expected,
        audit_head: None,
    }
}

fn tender(kind: TenderKind, minor: i64) -> Tender {
    Tender {
        kind,
        tendered: Money::new(minor, EUR),
        change: Money::new(0, EUR),
        reference: None,
    }
}

#[test]
fn missing_receipt_numbers_are_named_as_ranges_up_to_the_last_issued() {
    let numbers = Numbers {
        station: "K1".into(),
        count: 3,
        first: Some(4),
        last: Some(8),
        present: vec![4, 5, 8],
    };
    let r = receipt_ranges(&[("K1".into(), 3, 10)], std::slice::from_ref(&numbers));
    assert_eq!(r[0].count, 3);
    assert_eq!(r[0].first.as_ref().unwrap().seq, 4);
    assert_eq!(r[0].missing, vec![(6, 7), (9, 10)]);
    let none = receipt_ranges(&[("K1".into(), 3, 3)], &[]);
    assert_eq!((none[0].count, none[0].missing.clone()), (0, vec![]));
    // Every number of the range there: none missing, and none had to be read.
    let whole = Numbers {
        count: 7,
        first: Some(4),
        last: Some(10),
        present: Vec::new(),
        ..numbers
    };
    assert!(
        receipt_ranges(&[("K1".into(), 3, 10)], &[whole])[0]
            .missing
            .is_empty()
    );
}

#[test]
fn a_refund_of_a_split_goes_back_cash_first_and_the_rest_to_the_card() {
    let orders = vec![order(
        "K1",
        1,
        3000,
        vec![(TenderKind::Cash, 1000), (TenderKind::Card, 2000)],
    )];
    let refund = RefundRow {
        number: "K1-R000001".into(),
        receipt: "K1-000001".into(),
        at: Timestamp::from_second(1_795_001_000).unwrap(),
        amount: 1500,
        reason: "r".into(),
        approved_by: "creator".into(),
        tenders: vec![
            tender(TenderKind::Card, 2000),
            tender(TenderKind::Cash, 1000),
        ],
        before: 0,
    };
    let lines = methods(&tally(&orders), &[refund], EUR);
    let cash = lines.iter().find(|l| l.kind == TenderKind::Cash).unwrap();
    let card = lines.iter().find(|l| l.kind == TenderKind::Card).unwrap();
    assert_eq!((cash.taken.minor, cash.refunded.minor), (1000, 1000));
    assert_eq!((card.taken.minor, card.refunded.minor), (2000, 500));
    assert_eq!(card.net.minor, 1500);
}

#[test]
fn tax_is_rounded_per_receipt_as_each_receipt_printed_it() {
    // 1.03 at 19% inclusive is 0.16 tax on each receipt (0.1644); summed first, 2.06 would
    // give 0.33: the report adds what the receipts said.
    let orders = vec![order("K1", 1, 103, vec![]), order("K1", 2, 103, vec![])];
    let v = vat(&tally(&orders), EUR);
    assert_eq!(
        (v[0].gross.minor, v[0].vat.minor, v[0].net.minor),
        (206, 32, 174)
    );
    let at_once = tax_breakdown(&[(VatRate(1900), 206)], VatMode::Inclusive, EUR);
    assert_eq!(at_once[0].vat.minor, 33);
}

#[test]
fn a_day_with_no_sales_and_a_drawer_counted_right_shows_no_difference() {
    let d = DrawerRow {
        station: "K1".into(),
        opened_at: Timestamp::from_second(1_795_000_000).unwrap(),
        closed_at: Some(Timestamp::from_second(1_795_003_600).unwrap()),
        float: 10_000,
        cash_sales: 0,
        cash_refunds: 0,
        moves_in: 0,
        moves_out: 0,
        counted: Some(10_000),
    };
    let r = build(
        head(vec![("K1".into(), 0, 0)]),
        Rows {
            drawers: vec![d],
            ..Rows::default()
        },
    );
    let line = &r.drawers[0];
    assert_eq!(line.expected.minor, 10_000, "the float once, nothing else");
    assert_eq!(line.difference.map(|d| d.minor), Some(0));
    assert_eq!(r.gross.minor, 0);
    assert!(r.methods.is_empty());
}

#[test]
fn percentiles_are_nearest_rank() {
    let v: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&v, 50), Some(5));
    assert_eq!(percentile(&v, 90), Some(9));
    assert_eq!(percentile(&[7], 90), Some(7));
    assert_eq!(percentile(&[], 50), None);
}

#[test]
fn hours_are_local_and_in_time_order() {
    let zone = Zone::named("Europe/Berlin").unwrap();
    let at = |s: i64| Timestamp::from_second(s).unwrap();
    let mut a = order("K1", 1, 100, vec![]);
    a.paid_at = at(1_795_289_400); // 2026-11-21 19:30 UTC = 20:30 Berlin
    let mut b = order("K1", 2, 250, vec![]);
    b.paid_at = at(1_795_293_000); // 20:30 UTC = 21:30 Berlin
    let mut c = a.clone();
    c.seq = 3;
    let h = hours(&tally(&[b, a, c]), &zone, EUR);
    assert_eq!(h.len(), 2);
    assert_eq!(
        (h[0].hour.as_str(), h[0].receipts, h[0].gross.minor),
        ("20:00", 2, 200)
    );
    assert_eq!((h[1].hour.as_str(), h[1].gross.minor), ("21:00", 250));
}

fn line(offer_id: i64, qty: u32, refunded: u32) -> crate::domain::pricing::OfferFigures {
    crate::domain::pricing::OfferFigures {
        offer_id,
        title: "Tote".into(),
        unit_price: 1190,
        vat_bp: 1900,
        qty,
        discount: 0,
        cost: 300,
        vat_mode: VatMode::Inclusive,
        order_fee: 40,
        order_lines_sum: 1190 * i64::from(qty),
        refunded,
    }
}

#[test]
fn two_periods_tallied_apart_and_merged_are_the_two_tallied_at_once() {
    let first = vec![order("K1", 1, 103, vec![(TenderKind::Card, 103)])];
    let mut second = vec![order("K1", 2, 250, vec![(TenderKind::Cash, 250)])];
    second[0].tip = 50;
    let shares = [("Venue".to_string(), 20)];
    let mut merged = Tally::of_rows(&first, &[line(7, 1, 0)], &shares, EUR);
    merged.merge(Tally::of_rows(&second, &[line(7, 2, 0)], &shares, EUR));
    let both: Vec<OrderRow> = first.into_iter().chain(second).collect();
    let lines = [line(7, 1, 0), line(7, 2, 0)];
    let at_once = Tally::of_rows(&both, &lines, &[shares.clone(), shares].concat(), EUR);
    assert_eq!(merged, at_once);
    assert_eq!(
        (merged.receipts, merged.tips, merged.offers[0].units),
        (2, 50, 3)
    );
    assert_eq!(merged.shares, vec![("Venue".to_string(), 40)]);
}

#[test]
fn a_refunded_line_takes_its_units_and_revenue_off_but_not_its_fee() {
    let mut t = Tally::default();
    t.add_line(&line(7, 2, 0), EUR);
    t.refund_line(&line(7, 2, 0), &line(7, 2, 2), EUR);
    let o = &t.offers[0];
    assert_eq!((o.units, o.net), (0, 0));
    assert_eq!(o.margin, -40, "the fee is not given back");
    assert_eq!(o.title, "Tote", "a correction keeps the title");
    // What a refund leaves is what a line sold with those units refunded adds.
    let mut kept = Tally::default();
    kept.add_line(&line(7, 2, 2), EUR);
    assert_eq!(kept.offers, t.offers);
}
