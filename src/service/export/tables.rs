//! The tables of an export, row by row, in their stable columns: every instant as local time
//! (`*_local`, in the event's `time_zone`) and as an ISO instant (`*_utc`); every amount as a
//! decimal in the row's `currency`.

use std::path::Path;

use jiff::Timestamp;

use super::{Stop, Summary, Watch, order_tenders};
use crate::domain::catalogue::VatRate;
use crate::domain::event::{Event, Zone};
use crate::domain::fan::MemberCode;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{Receipt, ReceiptNo, TenderKind, refund_routes};
use crate::domain::queue::TicketLabel;
use crate::export::{Cell, Sink, Table};
use crate::store::{self, Conn};

/// Rows between two progress reports.
const REPORT_EVERY: u64 = 250;

/// The summary: one figure a row.
pub const SUMMARY: Table = Table {
    name: "summary",
    columns: &["figure", "value", "currency"],
};
/// One row per order.
pub const ORDERS: Table = Table {
    name: "orders",
    columns: &[
        "receipt",
        "order_id",
        "station",
        "paid_local",
        "time_zone",
        "paid_utc",
        "total",
        "tip",
        "paid",
        "fee",
        "refunded",
        "currency",
        "vat_mode",
        "methods",
        "units",
        "member",
        "payment_ref",
    ],
};
/// One row per order line.
pub const LINES: Table = Table {
    name: "lines",
    columns: &[
        "receipt",
        "order_id",
        "line",
        "offer_id",
        "title",
        "qty",
        "unit_price",
        "discount",
        "amount",
        "vat_rate",
        "cost",
        "bundle",
        "note",
        "refunded_qty",
        "currency",
        "paid_local",
        "time_zone",
        "paid_utc",
    ],
};
/// One row per tender (a split order has several).
pub const PAYMENTS: Table = Table {
    name: "payments",
    columns: &[
        "receipt",
        "order_id",
        "method",
        "amount",
        "tendered",
        "change",
        "currency",
        "reference",
        "paid_local",
        "time_zone",
        "paid_utc",
    ],
};
/// One row per refund, with how it went back per method.
pub const REFUNDS: Table = Table {
    name: "refunds",
    columns: &[
        "refund",
        "receipt",
        "order_id",
        "station",
        "refunded_local",
        "time_zone",
        "refunded_utc",
        "amount",
        "cash",
        "qr",
        "card",
        "credit",
        "currency",
        "units",
        "reason",
        "approved_by",
    ],
};
/// One row per redemption (never the claim code).
pub const REDEMPTIONS: Table = Table {
    name: "redemptions",
    columns: &[
        "redemption",
        "receipt",
        "order_id",
        "offer",
        "units",
        "state",
        "station",
        "helper",
        "time_zone",
        "redeemed_local",
        "redeemed_utc",
        "handed_local",
        "handed_utc",
        "undone_local",
        "undone_utc",
    ],
};
/// One row per queue ticket.
pub const TICKETS: Table = Table {
    name: "tickets",
    columns: &[
        "ticket",
        "lane",
        "number",
        "offer",
        "state",
        "priority",
        "requeued",
        "receipt",
        "order_id",
        "time_zone",
        "paid_local",
        "paid_utc",
        "called_local",
        "called_utc",
        "serving_local",
        "serving_utc",
        "finished_local",
        "finished_utc",
    ],
};
/// One row per member (never the contact hash).
pub const MEMBERS: Table = Table {
    name: "members",
    columns: &[
        "member",
        "name",
        "credit",
        "currency",
        "joined_local",
        "time_zone",
        "joined_utc",
        "orders_here",
    ],
};

/// Counts rows written, tells the watch now and then, and stops when it cancels.
struct Rows<'a> {
    sink: &'a mut dyn Sink,
    watch: &'a dyn Watch,
    done: u64,
    total: u64,
    what: &'static str,
}

impl Rows<'_> {
    fn table(&mut self, table: &Table) -> Result<(), Stop> {
        self.what = table.name;
        self.watch.progress(self.done, self.total, table.name);
        Ok(self.sink.table(table)?)
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), Stop> {
        if self.watch.cancelled() {
            return Err(Stop::Cancelled);
        }
        self.sink.row(cells)?;
        self.done += 1;
        if self.done.is_multiple_of(REPORT_EVERY) {
            self.watch.progress(self.done, self.total, self.what);
        }
        Ok(())
    }
}

/// `2026-11-21 21:00:00` in the zone and `2026-11-21T20:00:00Z`.
fn when(at: Timestamp, zone: &Zone) -> (Cell, Cell) {
    (
        Cell::Text(zone.at(at).strftime("%Y-%m-%d %H:%M:%S").to_string()),
        Cell::Text(at.to_string()),
    )
}

fn when_opt(at: Option<Timestamp>, zone: &Zone) -> (Cell, Cell) {
    at.map_or((Cell::Empty, Cell::Empty), |at| when(at, zone))
}

fn receipt((station, seq): (String, u32)) -> Cell {
    Cell::Text(ReceiptNo { station, seq }.to_string())
}

fn member_code(number: i64) -> Cell {
    Cell::Text(MemberCode::from_number(u64::try_from(number).unwrap_or(0)).to_string())
}

/// The Summary and every table, in this order, through `sink`.
pub fn write_all(
    conn: &Conn,
    event: &Event,
    summary: &Summary,
    sink: &mut dyn Sink,
    watch: &dyn Watch,
) -> Result<(), Stop> {
    let total = summary.orders
        + store::export::totals(conn, event.id)?.lines
        + summary.payments
        + summary.refunds
        + summary.redemptions
        + summary.tickets
        + summary.members;
    let mut rows = Rows {
        sink,
        watch,
        done: 0,
        total,
        what: SUMMARY.name,
    };
    rows.sink.table(&SUMMARY)?;
    for cells in summary_rows(summary, &event.time_zone) {
        rows.sink.row(&cells)?;
    }
    orders(conn, event, &mut rows)?;
    lines(conn, event, &mut rows)?;
    payments(conn, event, &mut rows)?;
    refunds(conn, event, &mut rows)?;
    redemptions(conn, event, &mut rows)?;
    tickets(conn, event, &mut rows)?;
    members(conn, event, &mut rows)?;
    watch.progress(rows.done, total, "done");
    Ok(())
}

/// The Summary sheet's rows: `figure, value, currency` (currency only for amounts).
fn summary_rows(s: &Summary, zone: &Zone) -> Vec<Vec<Cell>> {
    let text = |figure: &str, value: String| vec![figure.into(), value.into(), Cell::Empty];
    let count = |figure: &str, n: u64| {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        vec![figure.into(), Cell::Int(n), Cell::Empty]
    };
    let money =
        |figure: String, m: Money| vec![figure.into(), Cell::Money(m), m.currency.code().into()];
    let (first_local, first_utc) = when_opt(s.first_sale, zone);
    let (last_local, last_utc) = when_opt(s.last_sale, zone);
    let mut out = vec![
        text("event", s.event.clone()),
        text("venue", s.venue.clone()),
        text("time_zone", s.time_zone.clone()),
        vec!["first_sale_local".into(), first_local, Cell::Empty],
        vec!["first_sale_utc".into(), first_utc, Cell::Empty],
        vec!["last_sale_local".into(), last_local, Cell::Empty],
        vec!["last_sale_utc".into(), last_utc, Cell::Empty],
        count("orders", s.orders),
        vec!["units".into(), Cell::Int(s.units), Cell::Empty],
        count("payments", s.payments),
        count("refunds", s.refunds),
        count("redemptions", s.redemptions),
        count("tickets", s.tickets),
        count("members", s.members),
        money("gross".into(), s.gross),
        money("tips".into(), s.tips),
        money("fees".into(), s.fees),
        money("refunded".into(), s.refunded),
        money("net".into(), s.net),
    ];
    for m in &s.methods {
        let name = m.method.name();
        out.push(money(format!("{name}_taken"), m.taken));
        out.push(money(format!("{name}_refunded"), m.refunded));
        out.push(money(format!("{name}_net"), m.net));
    }
    out
}

fn orders(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&ORDERS)?;
    let (zone, money) = (&event.time_zone, money_of(event.currency));
    store::export::orders(conn, event.id, |o| {
        let (local, utc) = when(o.paid_at, zone);
        rows.row(&[
            receipt(o.receipt.clone()),
            o.order_id.into(),
            o.receipt.0.into(),
            local,
            zone.name().into(),
            utc,
            money(o.total),
            money(o.tip),
            money(o.total + o.tip),
            money(o.fee),
            money(o.refunded),
            event.currency.code().into(),
            o.vat_mode.into(),
            o.methods.into(),
            Cell::Int(o.units),
            o.member.map_or(Cell::Empty, member_code),
            o.payment_ref.into(),
        ])
    })
}

fn money_of(currency: Currency) -> impl Fn(i64) -> Cell {
    move |minor| Cell::Money(Money::new(minor, currency))
}

fn lines(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&LINES)?;
    let (zone, money) = (&event.time_zone, money_of(event.currency));
    store::export::lines(conn, event.id, |l| {
        let (local, utc) = when(l.paid_at, zone);
        let rate = VatRate(l.vat_bp).label();
        rows.row(&[
            receipt(l.receipt),
            l.order_id.into(),
            Cell::Int(i64::from(l.line_no)),
            Cell::Int(l.offer_id),
            l.title.into(),
            Cell::Int(l.qty),
            money(l.unit_price),
            money(l.discount),
            money(l.unit_price * l.qty - l.discount),
            rate.trim_end_matches('%').into(),
            money(l.cost),
            l.bundle.into(),
            l.note.into(),
            Cell::Int(l.refunded_qty),
            event.currency.code().into(),
            local,
            zone.name().into(),
            utc,
        ])
    })
}

fn payments(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&PAYMENTS)?;
    let (zone, money) = (&event.time_zone, money_of(event.currency));
    store::export::tenders(conn, event.id, |t| {
        let (local, utc) = when(t.paid_at, zone);
        rows.row(&[
            receipt(t.receipt),
            t.order_id.into(),
            t.kind.into(),
            money(t.tendered - t.change),
            money(t.tendered),
            money(t.change),
            event.currency.code().into(),
            t.reference.into(),
            local,
            zone.name().into(),
            utc,
        ])
    })
}

fn refunds(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&REFUNDS)?;
    let (zone, currency) = (&event.time_zone, event.currency);
    let money = money_of(currency);
    store::export::refunds(conn, event.id, |r| {
        let tenders = order_tenders(conn, &r.order_id, currency)?;
        let back = refund_routes(
            &tenders,
            Money::new(r.before, currency),
            Money::new(r.amount, currency),
        );
        let part = |kind: TenderKind| {
            let minor = back
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, m)| m.minor);
            money(minor.sum())
        };
        let (local, utc) = when(r.refunded_at, zone);
        let (station, seq) = r.refund;
        rows.row(&[
            format!("{station}-R{seq:06}").into(),
            receipt(r.receipt.clone()),
            r.order_id.into(),
            station.into(),
            local,
            zone.name().into(),
            utc,
            money(r.amount),
            part(TenderKind::Cash),
            part(TenderKind::Qr),
            part(TenderKind::Card),
            part(TenderKind::Credit),
            currency.code().into(),
            Cell::Int(r.units),
            r.reason.into(),
            r.approved_by.into(),
        ])
    })
}

fn redemptions(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&REDEMPTIONS)?;
    let zone = &event.time_zone;
    store::export::redemptions(conn, event.id, |r| {
        let (redeemed_local, redeemed_utc) = when(r.redeemed_at, zone);
        let (handed_local, handed_utc) = when_opt(r.handed_at, zone);
        let (undone_local, undone_utc) = when_opt(r.undone_at, zone);
        rows.row(&[
            Cell::Int(r.id),
            receipt(r.receipt),
            r.order_id.into(),
            r.offer.into(),
            Cell::Int(r.units),
            r.state.into(),
            r.station.into(),
            r.helper.into(),
            zone.name().into(),
            redeemed_local,
            redeemed_utc,
            handed_local,
            handed_utc,
            undone_local,
            undone_utc,
        ])
    })
}

fn tickets(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&TICKETS)?;
    let zone = &event.time_zone;
    store::export::tickets(conn, event.id, |t| {
        let label = match t.lane.chars().next() {
            Some(lane) => TicketLabel {
                lane,
                number: t.number,
            }
            .to_string(),
            None => t.number.to_string(),
        };
        let (paid_local, paid_utc) = when(t.paid_at, zone);
        let (called_local, called_utc) = when_opt(t.called_at, zone);
        let (serving_local, serving_utc) = when_opt(t.serving_at, zone);
        let (finished_local, finished_utc) = when_opt(t.finished_at, zone);
        let yes_no = |b: bool| Cell::from(if b { "yes" } else { "no" });
        rows.row(&[
            label.into(),
            t.lane.into(),
            Cell::Int(i64::from(t.number)),
            t.offer.into(),
            t.state.into(),
            yes_no(t.priority),
            yes_no(t.requeued),
            receipt(t.receipt),
            t.order_id.into(),
            zone.name().into(),
            paid_local,
            paid_utc,
            called_local,
            called_utc,
            serving_local,
            serving_utc,
            finished_local,
            finished_utc,
        ])
    })
}

fn members(conn: &Conn, event: &Event, rows: &mut Rows<'_>) -> Result<(), Stop> {
    rows.table(&MEMBERS)?;
    let zone = &event.time_zone;
    store::export::members(conn, event.id, |m| {
        let credit = match Currency::from_code(&m.currency) {
            Some(currency) => Cell::Money(Money::new(m.credit, currency)),
            None => return Err(store::corrupt("member currency", &m.currency).into()),
        };
        let (local, utc) = when(m.joined_at, zone);
        rows.row(&[
            member_code(m.code_number),
            m.name.into(),
            credit,
            m.currency.into(),
            local,
            zone.name().into(),
            utc,
            Cell::Int(m.orders),
        ])
    })
}

/// Every receipt of the event as `<receipt>.pdf` in `dir`, oldest first; `(files, bytes)`.
pub fn write_receipts(
    conn: &Conn,
    event: &Event,
    total: u64,
    dir: &Path,
    watch: &dyn Watch,
) -> Result<(u64, u64), Stop> {
    let (mut done, mut bytes) = (0u64, 0u64);
    watch.progress(0, total, "receipts");
    store::export::orders(conn, event.id, |o| -> Result<(), Stop> {
        if watch.cancelled() {
            return Err(Stop::Cancelled);
        }
        let key = store::orders::OrderKey::Id(&o.order_id);
        let stored = store::orders::load(conn, event.id, key, event.currency)?
            .ok_or_else(|| store::corrupt("order", &o.order_id))?;
        // An export is the file's copy, never the fan's original.
        let receipt = Receipt {
            copy: true,
            ..crate::service::sell::receipt_of(event, stored)
        };
        let pdf = crate::pdf::receipt_pdf(&receipt).map_err(|e| {
            crate::service::PosError::Refused(format!("receipt {}: {e}", receipt.number))
        })?;
        let path = dir.join(format!("{}.pdf", receipt.number));
        std::fs::write(&path, &pdf).map_err(|e| crate::export::ExportError::io(&path, e))?;
        done += 1;
        bytes += pdf.len() as u64;
        watch.progress(done, total, "receipts");
        Ok(())
    })?;
    Ok((done, bytes))
}
