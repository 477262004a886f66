//! Day close: the X report (a station's shift so far), the Z report (the same, closed and
//! numbered) and the event report (every station). Pure: the store hands over the period's
//! tally of sales (see [`tally`]) and its raw refunds, drawers and tickets; this module adds
//! them up.
//!
//! Every figure is derived from the rows as sold: payments from the tenders (each leg of a
//! split where it was paid), tax from each receipt's lines per rate (rounded per receipt, as the
//! receipt printed it), refunds routed back to the methods the way the refund paid them.

mod rows;
pub mod tally;
pub mod text;

pub use rows::{DrawerRow, Numbers, OrderRow, RefundRow, TicketRow};
pub use tally::Tally;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::event::Zone;
use super::money::{Currency, Money};
use super::order::{ReceiptNo, TenderKind, refund_routes};
use super::pricing::VatLine;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// A station's shift so far; closes nothing.
    X,
    /// A station's shift, closed: numbered, stored, never changed.
    Z,
    /// Every station of the event.
    Event,
}

impl ReportKind {
    /// The title printed on the report.
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::X => "X report",
            ReportKind::Z => "Z report",
            ReportKind::Event => "Event report",
        }
    }
}

/// Claim codes of the period's orders, in units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClaimFigures {
    /// Codes issued.
    pub codes: u32,
    /// Units the codes stand for.
    pub issued: u32,
    /// Units redeemed (held or handed over).
    pub redeemed: u32,
    /// Units taken back by refunds.
    pub revoked: u32,
}

impl ClaimFigures {
    /// Units fans are still owed: issued, not redeemed, not refunded.
    pub fn owed(&self) -> u32 {
        self.issued
            .saturating_sub(self.redeemed)
            .saturating_sub(self.revoked)
    }
}

/// QR payments of the period against the imported bank statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrMatch {
    /// QR orders whose credit is on a statement.
    pub matched: u32,
    /// Their amount.
    pub matched_amount: Money,
    /// QR orders with no credit on any statement yet.
    pub unmatched: u32,
    /// Their amount.
    pub unmatched_amount: Money,
}

/// Everything a report is made of, as the store found it.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Each station's receipt numbers in the period.
    pub numbers: Vec<Numbers>,
    /// The period's sales added up (training orders never among them).
    pub tally: Tally,
    /// Refunds made in the period.
    pub refunds: Vec<RefundRow>,
    /// Drawer sessions of the period.
    pub drawers: Vec<DrawerRow>,
    /// Queue tickets of the period's orders.
    pub tickets: Vec<TicketRow>,
    /// Claim codes of the period's orders.
    pub claims: ClaimFigures,
    /// QR payments against statements, when a statement was imported.
    pub qr: Option<QrMatch>,
}

/// Receipt numbers of one station in the period, and whether any is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRange {
    /// Station code.
    pub station: String,
    /// Receipts in the period.
    pub count: u32,
    /// The first.
    pub first: Option<ReceiptNo>,
    /// The last.
    pub last: Option<ReceiptNo>,
    /// Numbers between the first expected and the last issued that are not in the file, as
    /// inclusive ranges of sequence numbers.
    pub missing: Vec<(u32, u32)>,
}

/// Money taken and given back with one payment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodLine {
    /// The method.
    pub kind: TenderKind,
    /// Payments (legs) with it.
    pub payments: u32,
    /// Taken with it (tips included), change deducted.
    pub taken: Money,
    /// Given back with it by refunds.
    pub refunded: Money,
    /// `taken − refunded`.
    pub net: Money,
}

/// One refund as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    /// Refund number.
    pub number: String,
    /// Receipt refunded.
    pub receipt: String,
    /// When.
    pub at: Timestamp,
    /// Given back.
    pub amount: Money,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
}

/// One offer's figures in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferLine {
    /// Title.
    pub title: String,
    /// Units sold (refunded units deducted).
    pub units: u32,
    /// Net revenue (without VAT), in minor units.
    pub net: i64,
    /// Net − fees − cost, in minor units.
    pub margin: i64,
}

/// Sales of one local hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourLine {
    /// `21:00`, the hour's start in the event's zone (`2026-11-21 21:00` across days).
    pub hour: String,
    /// Receipts.
    pub receipts: u32,
    /// What they came to (without tips).
    pub gross: Money,
}

/// One drawer session on the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerLine {
    /// Station code.
    pub station: String,
    /// Opened.
    pub opened_at: Timestamp,
    /// Closed, or None while it is open.
    pub closed_at: Option<Timestamp>,
    /// Opening float.
    pub float: Money,
    /// Cash sales.
    pub cash_sales: Money,
    /// Cash refunds.
    pub cash_refunds: Money,
    /// Put in by hand.
    pub cash_in: Money,
    /// Taken out by hand.
    pub cash_out: Money,
    /// What should be in the drawer.
    pub expected: Money,
    /// Counted at close.
    pub counted: Option<Money>,
    /// counted − expected, once counted.
    pub difference: Option<Money>,
}

/// The queue for the period's orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueueFigures {
    /// Tickets of the period.
    pub tickets: u32,
    /// Served.
    pub served: u32,
    /// No-shows.
    pub no_shows: u32,
    /// Median wait (paid → called), seconds.
    pub wait_median: Option<i64>,
    /// 90th percentile wait.
    pub wait_p90: Option<i64>,
    /// Median service time (called → served), seconds.
    pub service_median: Option<i64>,
    /// 90th percentile service time.
    pub service_p90: Option<i64>,
}

/// A day-close report: every figure as it is printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// X, Z or event.
    pub kind: ReportKind,
    /// The Z number at the station, for a Z.
    pub z_no: Option<u32>,
    /// The station, or None for the event report.
    pub station: Option<String>,
    /// Event name.
    pub event: String,
    /// Venue.
    pub venue: String,
    /// The event's time zone, for local times.
    pub time_zone: String,
    /// Currency of every amount.
    pub currency: Currency,
    /// The period: after this instant (None: from the start) …
    pub from: Option<Timestamp>,
    /// … up to this one.
    pub to: Timestamp,
    /// Receipt numbers per station.
    pub receipts: Vec<ReceiptRange>,
    /// Sales (tax included, tips apart).
    pub gross: Money,
    /// Tips.
    pub tips: Money,
    /// Discounts given.
    pub discounts: Money,
    /// Tender fees.
    pub fees: Money,
    /// Per payment method.
    pub methods: Vec<MethodLine>,
    /// Net, tax and gross per VAT rate of the sales.
    pub vat: Vec<VatLine>,
    /// Refunds made in the period.
    pub refunds: Vec<RefundLine>,
    /// Their total.
    pub refunded: Money,
    /// Sales minus refunds.
    pub net_sales: Money,
    /// Per offer.
    pub offers: Vec<OfferLine>,
    /// Per local hour.
    pub hours: Vec<HourLine>,
    /// Shares owed per creator and collaborator.
    pub shares: Vec<(String, Money)>,
    /// Drawer sessions.
    pub drawers: Vec<DrawerLine>,
    /// QR payments against statements, when one was imported.
    pub qr: Option<QrMatch>,
    /// Claim codes.
    pub claims: ClaimFigures,
    /// The queue.
    pub queue: QueueFigures,
    /// The audit chain's head when the report was made: entry id and hash (hex).
    pub audit_head: Option<(i64, String)>,
}

/// What a report is about besides its rows.
#[derive(Debug, Clone)]
pub struct Header {
    /// X, Z or event.
    pub kind: ReportKind,
    /// The Z number, for a Z.
    pub z_no: Option<u32>,
    /// The station, None for the event.
    pub station: Option<String>,
    /// Event name.
    pub event: String,
    /// Venue.
    pub venue: String,
    /// Time zone.
    pub zone: Zone,
    /// Currency.
    pub currency: Currency,
    /// The period's start (exclusive), None from the start.
    pub from: Option<Timestamp>,
    /// The period's end.
    pub to: Timestamp,
    /// The receipt numbers the period should hold, per station: `(code, after, upto)`.
    pub expected: Vec<(String, u32, u32)>,
    /// The audit head.
    pub audit_head: Option<(i64, String)>,
}

/// Adds the rows up into the report.
pub fn build(head: Header, rows: Rows) -> Report {
    let c = head.currency;
    let m = |minor: i64| Money::new(minor, c);
    let t = &rows.tally;
    let refunded: i64 = rows.refunds.iter().map(|r| r.amount).sum();
    let mut shares = t.shares.clone();
    // Largest first, then by name.
    shares.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Report {
        kind: head.kind,
        z_no: head.z_no,
        station: head.station.clone(),
        event: head.event.clone(),
        venue: head.venue.clone(),
        time_zone: head.zone.name().to_string(),
        currency: c,
        from: head.from,
        to: head.to,
        receipts: receipt_ranges(&head.expected, &rows.numbers),
        gross: m(t.gross),
        tips: m(t.tips),
        discounts: m(t.discounts),
        fees: m(t.fees),
        methods: methods(t, &rows.refunds, c),
        vat: vat(t, c),
        refunds: rows
            .refunds
            .iter()
            .map(|r| RefundLine {
                number: r.number.clone(),
                receipt: r.receipt.clone(),
                at: r.at,
                amount: m(r.amount),
                reason: r.reason.clone(),
                approved_by: r.approved_by.clone(),
            })
            .collect(),
        refunded: m(refunded),
        net_sales: m(t.gross - refunded),
        offers: t
            .offers
            .iter()
            .map(|o| OfferLine {
                title: o.title.clone(),
                units: u32::try_from(o.units.max(0)).unwrap_or(u32::MAX),
                net: o.net,
                margin: o.margin,
            })
            .collect(),
        hours: hours(t, &head.zone, c),
        shares: shares.into_iter().map(|(who, a)| (who, m(a))).collect(),
        drawers: rows.drawers.iter().map(|d| drawer_line(d, c)).collect(),
        qr: rows.qr,
        claims: rows.claims,
        queue: queue(&rows.tickets),
        audit_head: head.audit_head,
    }
}

/// Receipt numbers per station: count, first, last, and the numbers missing from the range the
/// period should hold (after the previous close up to the station's last number).
fn receipt_ranges(expected: &[(String, u32, u32)], numbers: &[Numbers]) -> Vec<ReceiptRange> {
    expected
        .iter()
        .map(|(station, after, upto)| {
            let none = Numbers::default();
            let n = numbers
                .iter()
                .find(|n| n.station == *station)
                .unwrap_or(&none);
            let no = |seq: u32| ReceiptNo {
                station: station.clone(),
                seq,
            };
            let mut missing = Vec::new();
            // Numbers are unique per station: as many as the range holds means none is missing.
            if n.count != upto.saturating_sub(*after) {
                let mut next = after + 1;
                for &s in n.present.iter().chain(std::iter::once(&(upto + 1))) {
                    if s > next {
                        missing.push((next, s - 1));
                    }
                    next = next.max(s + 1);
                }
            }
            ReceiptRange {
                station: station.clone(),
                count: n.count,
                first: n.first.map(no),
                last: n.last.map(no),
                missing,
            }
        })
        .collect()
}

/// The order methods appear in on a report.
const METHODS: [TenderKind; 4] = [
    TenderKind::Cash,
    TenderKind::Card,
    TenderKind::Qr,
    TenderKind::Credit,
];

/// Money per method: each leg of a split where it was paid; each refund back the way the refund
/// paid it (cash first, then the other legs in order — the refund's own rule).
fn methods(t: &Tally, refunds: &[RefundRow], c: Currency) -> Vec<MethodLine> {
    let mut out: Vec<MethodLine> = Vec::new();
    let line = |out: &mut Vec<MethodLine>, kind: TenderKind| -> usize {
        match out.iter().position(|l| l.kind == kind) {
            Some(i) => i,
            None => {
                let zero = Money::new(0, c);
                out.push(MethodLine {
                    kind,
                    payments: 0,
                    taken: zero,
                    refunded: zero,
                    net: zero,
                });
                out.len() - 1
            }
        }
    };
    for s in &t.methods {
        let i = line(&mut out, s.kind);
        out[i].payments = u32::try_from(s.payments.max(0)).unwrap_or(u32::MAX);
        out[i].taken.minor += s.taken;
    }
    for r in refunds {
        let routes = refund_routes(&r.tenders, Money::new(r.before, c), Money::new(r.amount, c));
        for (kind, back) in routes {
            let i = line(&mut out, kind);
            out[i].refunded.minor += back.minor;
        }
    }
    for l in &mut out {
        l.net.minor = l.taken.minor - l.refunded.minor;
    }
    out.sort_by_key(|l| METHODS.iter().position(|k| *k == l.kind));
    out
}

/// Tax per rate: each receipt's tax rounded per rate as it printed it, then summed.
fn vat(t: &Tally, c: Currency) -> Vec<VatLine> {
    t.vat
        .iter()
        .map(|r| VatLine {
            rate: r.rate,
            gross: Money::new(r.gross, c),
            vat: Money::new(r.vat, c),
            net: Money::new(r.net, c),
        })
        .collect()
}

/// Receipts and sales per local hour, in time order. Time zones move on whole minutes, so each
/// minute of sales lies in one local hour.
fn hours(t: &Tally, zone: &Zone, c: Currency) -> Vec<HourLine> {
    // "%F %H" sorts in time order; the label drops the day when the period has one.
    let mut by: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for (minute, receipts, gross) in t.by_minute() {
        let e = by
            .entry(zone.at(minute).strftime("%F %H:00").to_string())
            .or_default();
        e.0 += receipts;
        e.1 += gross;
    }
    let days: std::collections::BTreeSet<&str> = by.keys().map(|k| day_of(k)).collect();
    let one_day = days.len() <= 1;
    by.into_iter()
        .map(|(key, (receipts, gross))| HourLine {
            hour: if one_day {
                key.split(' ').nth(1).unwrap_or(&key).to_string()
            } else {
                key
            },
            receipts: u32::try_from(receipts.max(0)).unwrap_or(u32::MAX),
            gross: Money::new(gross, c),
        })
        .collect()
}

/// The local day of an hour's key (`2026-11-21` of `2026-11-21 21:00`).
fn day_of(key: &str) -> &str {
    key.split(' ').next().unwrap_or(key)
}

fn drawer_line(d: &DrawerRow, c: Currency) -> DrawerLine {
    let m = |minor: i64| Money::new(minor, c);
    let expected = d.float + d.cash_sales - d.cash_refunds + d.moves_in - d.moves_out;
    DrawerLine {
        station: d.station.clone(),
        opened_at: d.opened_at,
        closed_at: d.closed_at,
        float: m(d.float),
        cash_sales: m(d.cash_sales),
        cash_refunds: m(d.cash_refunds),
        cash_in: m(d.moves_in),
        cash_out: m(d.moves_out),
        expected: m(expected),
        counted: d.counted.map(m),
        difference: d.counted.map(|n| m(n - expected)),
    }
}

fn queue(tickets: &[TicketRow]) -> QueueFigures {
    let mut waits: Vec<i64> = tickets.iter().filter_map(|t| t.wait).collect();
    let mut services: Vec<i64> = tickets.iter().filter_map(|t| t.service).collect();
    waits.sort_unstable();
    services.sort_unstable();
    QueueFigures {
        tickets: count(tickets.len()),
        served: count(tickets.iter().filter(|t| t.served).count()),
        no_shows: count(tickets.iter().filter(|t| t.no_show).count()),
        wait_median: percentile(&waits, 50),
        wait_p90: percentile(&waits, 90),
        service_median: percentile(&services, 50),
        service_p90: percentile(&services, 90),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p`% of the
/// values at or below it.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests;
