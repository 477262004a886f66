//! The raw rows of a report's period, and the closed Z reports. Training orders are never
//! read here: they stay out of every figure.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::money::{Currency, Money};
use crate::domain::order::ReceiptNo;
use crate::domain::report::{ClaimFigures, DrawerRow, RefundRow, TicketRow};

/// Which orders and refunds a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The event.
    pub event_id: i64,
    /// One station, or every station of the event.
    pub station_id: Option<i64>,
    /// Receipts after this sequence number …
    pub after_receipt: u32,
    /// … up to this one (at the station; every number for the event).
    pub upto_receipt: u32,
    /// Refunds after this sequence number …
    pub after_refund: u32,
    /// … up to this one.
    pub upto_refund: u32,
    /// Drawer sessions closed after this instant (None: from the start) …
    pub from: Option<i64>,
    /// … up to this one, and the open ones.
    pub to: i64,
}

impl Scope {
    /// Every order and refund of the event.
    pub fn event(event_id: i64, to: i64) -> Scope {
        Scope {
            event_id,
            station_id: None,
            after_receipt: 0,
            upto_receipt: u32::MAX,
            after_refund: 0,
            upto_refund: u32::MAX,
            from: None,
            to,
        }
    }
}

/// The orders of a scope, by alias `o`: ?1 event, ?2 station, ?3/?4 receipt range. A station's
/// shift is found through its (station, receipt number) key, never by reading the whole night.
fn orders_in(s: &Scope) -> &'static str {
    match s.station_id {
        Some(_) => {
            "o.station_id = ?2 AND o.receipt_seq > ?3 AND o.receipt_seq <= ?4
             AND o.event_id = ?1 AND o.training = 0"
        }
        None => {
            "o.event_id = ?1 AND o.training = 0 AND ?2 IS NULL
             AND o.receipt_seq > ?3 AND o.receipt_seq <= ?4"
        }
    }
}

fn order_params(s: &Scope) -> (i64, Option<i64>, u32, u32) {
    (s.event_id, s.station_id, s.after_receipt, s.upto_receipt)
}

/// `read` of the scope's station, or of each station of its event: the event's scope is each
/// station's whole range of receipt numbers, read as a shift is, so the event report reads no
/// order by its id.
fn per_station<T>(
    conn: &Connection,
    s: &Scope,
    read: fn(&Connection, &Scope, i64) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let stations: Vec<i64> = match s.station_id {
        Some(station) => vec![station],
        None => conn
            .prepare_cached("SELECT id FROM stations WHERE event_id = ?1 ORDER BY id")?
            .query_map([s.event_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?,
    };
    stations.into_iter().map(|st| read(conn, s, st)).collect()
}

/// The refunds made in the scope (at its station, in its refund range) of non-training orders.
pub fn refunds(conn: &Connection, s: &Scope, currency: Currency) -> StoreResult<Vec<RefundRow>> {
    // Read from the refunds (by station and number) to their orders, never the other way
    // round: a night has a few refunds and many orders.
    let stations = match s.station_id {
        Some(_) => "r.station_id = ?2",
        None => "?2 IS NULL AND r.station_id IN (SELECT id FROM stations WHERE event_id = ?1)",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT rs.code, r.refund_seq, r.order_id, os.code, o.receipt_seq, r.refunded_at,
                r.amount_minor, r.reason, r.approved_by,
                (SELECT COALESCE(sum(p.amount_minor), 0) FROM refunds p
                  WHERE p.order_id = r.order_id AND p.id < r.id)
         FROM refunds r CROSS JOIN orders o ON o.id = r.order_id
              JOIN stations rs ON rs.id = r.station_id JOIN stations os ON os.id = o.station_id
         WHERE {stations} AND r.refund_seq > ?3 AND r.refund_seq <= ?4
           AND o.event_id = ?1 AND o.training = 0
         ORDER BY r.refunded_at, r.id"
    ))?;
    let rows = stmt.query_map(
        params![s.event_id, s.station_id, s.after_refund, s.upto_refund],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, i64>(9)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (code, seq, order_id, station, receipt_seq, at, amount, reason, by, before) = row?;
        out.push(RefundRow {
            number: format!("{code}-R{seq:06}"),
            receipt: ReceiptNo {
                station,
                seq: receipt_seq,
            }
            .to_string(),
            at: instant(at)?,
            amount,
            reason,
            approved_by: by,
            tenders: super::orders::tenders(conn, &order_id, currency)?,
            before,
        });
    }
    Ok(out)
}

/// Drawer sessions closed in the scope's period, and the open ones.
pub fn drawers(conn: &Connection, s: &Scope) -> StoreResult<Vec<DrawerRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT st.code, d.opened_at, d.closed_at, d.float_minor, d.counted_minor,
                d.cash_sales_minor, d.cash_refunds_minor, d.moves_in_minor, d.moves_out_minor
         FROM drawer_sessions d JOIN stations st ON st.id = d.station_id
         WHERE st.event_id = ?1 AND (?2 IS NULL OR st.id = ?2)
           AND (d.closed_at IS NULL OR ((?3 IS NULL OR d.closed_at > ?3) AND d.closed_at <= ?4))
         ORDER BY d.opened_at, d.id",
    )?;
    // The cash figures are the session's running totals (schema 8's triggers keep them).
    let rows = stmt.query_map(params![s.event_id, s.station_id, s.from, s.to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<i64>>(4)?,
            [r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?],
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (station, opened, closed, float, counted, cash) = row?;
        let [cash_sales, cash_refunds, moves_in, moves_out] = cash;
        out.push(DrawerRow {
            station,
            opened_at: instant(opened)?,
            closed_at: closed.map(instant).transpose()?,
            float,
            cash_sales,
            cash_refunds,
            moves_in,
            moves_out,
            counted,
        });
    }
    Ok(out)
}

/// The queue tickets of the scope's orders.
pub fn tickets(conn: &Connection, s: &Scope) -> StoreResult<Vec<TicketRow>> {
    let parts = per_station(conn, s, super::shift::tickets)?;
    Ok(parts.into_iter().flatten().collect())
}

/// One ticket as a report counts it, from `state, paid_at, called_at, serving_at, finished_at`.
pub(super) fn ticket_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TicketRow> {
    let state = r.get_ref(0)?.as_str()?;
    let (served, no_show) = (state == "done", state == "no_show");
    let paid: i64 = r.get(1)?;
    let called: Option<i64> = r.get(2)?;
    let serving: Option<i64> = r.get(3)?;
    let finished: Option<i64> = r.get(4)?;
    Ok(TicketRow {
        served,
        no_show,
        wait: called.map(|c| c - paid),
        service: served
            .then(|| finished.zip(serving.or(called)).map(|(f, s)| f - s))
            .flatten(),
    })
}

/// Claim codes of the scope's orders: issued, redeemed, taken back, in units.
pub fn claims(conn: &Connection, s: &Scope) -> StoreResult<ClaimFigures> {
    let mut all = ClaimFigures::default();
    for c in per_station(conn, s, super::shift::claims)? {
        all.codes += c.codes;
        all.issued += c.issued;
        all.revoked += c.revoked;
        all.redeemed += c.redeemed;
    }
    Ok(all)
}

/// The scope's QR orders not refunded in full: receipt, payment reference, and what the QR
/// part of the payment came to (the credit a bank statement should show).
pub fn qr_orders(
    conn: &Connection,
    s: &Scope,
    currency: Currency,
) -> StoreResult<Vec<(ReceiptNo, String, Money)>> {
    let p = order_params(s);
    let within = orders_in(s);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT st.code, o.receipt_seq, o.payment_ref, sum(t.tendered_minor - t.change_minor)
         FROM orders o JOIN stations st ON st.id = o.station_id JOIN tenders t ON t.order_id = o.id
         WHERE {within} AND t.kind = 'qr'
           AND o.total_minor > COALESCE((SELECT sum(r.amount_minor) FROM refunds r WHERE r.order_id = o.id), 0)
         GROUP BY o.id ORDER BY o.rowid"
    ))?;
    let rows = stmt.query_map(params![p.0, p.1, p.2, p.3], |r| {
        Ok((
            ReceiptNo {
                station: r.get(0)?,
                seq: r.get(1)?,
            },
            r.get(2)?,
            Money::new(r.get(3)?, currency),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The columns of [`super::orders::OfferFigures`] for lines `l` of orders `o`.
pub(super) const OFFER_FIGURES: &str =
    "SELECT l.offer_id, l.title, l.unit_price_minor, l.vat_bp, l.qty, l.discount_minor,
            l.cost_minor, o.vat_mode, o.fee_minor,
            (SELECT COALESCE(sum(rl.qty), 0) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
              WHERE r.order_id = l.order_id AND rl.line_no = l.line_no),
            (SELECT sum(x.unit_price_minor * x.qty - x.discount_minor) FROM order_lines x WHERE x.order_id = o.id)";

/// One row of [`OFFER_FIGURES`].
pub(super) fn offer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<super::orders::OfferFigures> {
    Ok(super::orders::OfferFigures {
        offer_id: r.get(0)?,
        title: r.get::<_, String>(1)?.into(),
        unit_price: r.get(2)?,
        vat_bp: r.get(3)?,
        qty: r.get(4)?,
        discount: r.get(5)?,
        cost: r.get(6)?,
        vat_mode: r.get_ref(7)?.as_str()?.parse().unwrap_or_default(),
        order_fee: r.get(8)?,
        refunded: r.get(9)?,
        order_lines_sum: r.get(10)?,
    })
}

/// Where a station's last Z left off: `(z number, closed at, last receipt, last refund)`.
pub fn last_z(conn: &Connection, station_id: i64) -> StoreResult<Option<(u32, i64, u32, u32)>> {
    Ok(conn
        .prepare_cached(
            "SELECT z_no, closed_at, upto_receipt, upto_refund FROM z_reports
             WHERE station_id = ?1 ORDER BY z_no DESC LIMIT 1",
        )?
        .query_row([station_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?)
}

/// The station's last receipt and refund numbers issued.
pub fn issued(conn: &Connection, station_id: i64) -> StoreResult<(u32, u32)> {
    Ok(conn
        .prepare_cached("SELECT next_receipt - 1, next_refund - 1 FROM stations WHERE id = ?1")?
        .query_row([station_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Every station of the event with its last receipt number: `(id, code, last)`. A station in
/// training mode is still a station (its real receipts stay checked); the training ledgers it
/// numbers practice sales on (T1 for K1) are not.
pub fn stations(conn: &Connection, event_id: i64) -> StoreResult<Vec<(i64, String, u32)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, code, next_receipt - 1 FROM stations WHERE event_id = ?1 AND NOT {} ORDER BY code",
        super::training::IS_LEDGER
    ))?;
    let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A Z report to keep.
pub struct NewZ<'a> {
    /// Event.
    pub event_id: i64,
    /// Station.
    pub station_id: i64,
    /// The period's start (the previous close, or the first sale).
    pub from_at: i64,
    /// The close.
    pub closed_at: i64,
    /// Last receipt covered.
    pub upto_receipt: u32,
    /// Last refund covered.
    pub upto_refund: u32,
    /// Last drawer move covered.
    pub upto_move: i64,
    /// The report, as JSON.
    pub report: &'a str,
}

/// Takes the station's next Z number and keeps the report under it.
pub fn insert_z(conn: &Connection, z: &NewZ<'_>) -> StoreResult<u32> {
    let z_no: u32 = conn
        .prepare_cached(
            "UPDATE stations SET next_z = next_z + 1 WHERE id = ?1 RETURNING next_z - 1",
        )?
        .query_row([z.station_id], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO z_reports (event_id, station_id, z_no, from_at, closed_at, upto_receipt,
                                upto_refund, upto_move, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        z.event_id,
        z.station_id,
        z_no,
        z.from_at,
        z.closed_at,
        z.upto_receipt,
        z.upto_refund,
        z.upto_move,
        z.report
    ])?;
    Ok(z_no)
}

/// The next Z number the station will take.
pub fn next_z(conn: &Connection, station_id: i64) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached("SELECT next_z FROM stations WHERE id = ?1")?
        .query_row([station_id], |r| r.get(0))?)
}

/// The newest drawer move id, for the record of what a Z covered.
pub fn last_move(conn: &Connection) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(max(id), 0) FROM drawer_moves")?
        .query_row([], |r| r.get(0))?)
}

/// A kept Z report's JSON, and whether it was printed before (a reprint says COPY).
pub fn z_report(
    conn: &Connection,
    station_id: i64,
    z_no: u32,
) -> StoreResult<Option<(String, bool)>> {
    Ok(conn
        .prepare_cached(
            "SELECT report, printed FROM z_reports WHERE station_id = ?1 AND z_no = ?2",
        )?
        .query_row(params![station_id, z_no], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Marks a kept Z as printed: every later print is a copy.
pub fn set_z_printed(conn: &Connection, station_id: i64, z_no: u32) -> StoreResult<()> {
    conn.prepare_cached("UPDATE z_reports SET printed = 1 WHERE station_id = ?1 AND z_no = ?2")?
        .execute(params![station_id, z_no])?;
    Ok(())
}

/// The event's closed Z reports, newest first: `(station, z number, closed at)`.
pub fn z_list(conn: &Connection, event_id: i64) -> StoreResult<Vec<(String, u32, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT st.code, z.z_no, z.closed_at FROM z_reports z JOIN stations st ON st.id = z.station_id
         WHERE z.event_id = ?1 ORDER BY z.closed_at DESC, z.id DESC",
    )?;
    let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Keeps the credits of an imported statement (each once); returns how many were new.
pub fn add_credits(
    conn: &Connection,
    event_id: i64,
    credits: &[crate::domain::reconcile::Credit],
    at: i64,
) -> StoreResult<usize> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO statement_credits (event_id, amount_minor, remittance, booked, debtor, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut added = 0;
    for c in credits {
        added += stmt.execute(params![
            event_id,
            c.amount.minor,
            c.remittance,
            c.date,
            c.debtor,
            at
        ])?;
    }
    Ok(added)
}

/// Every credit imported for the event.
pub fn credits(
    conn: &Connection,
    event_id: i64,
    currency: Currency,
) -> StoreResult<Vec<crate::domain::reconcile::Credit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT amount_minor, remittance, booked, debtor FROM statement_credits WHERE event_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok(crate::domain::reconcile::Credit {
            amount: Money::new(r.get(0)?, currency),
            remittance: r.get(1)?,
            date: r.get(2)?,
            debtor: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn instant(second: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(second).map_err(|_| corrupt("instant", second))
}
