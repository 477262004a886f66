//! One station's shift, read as ranges of schema 8's shift indexes: the orders by (station,
//! receipt number), and their lines, tenders, tickets, claims and shares by the sale's station
//! and receipt number kept on each row, so a shift of 100 000 sales reads each index once in
//! order, never one look-up per order by its id. Practice sales carry no shift number, so they
//! are never in a range. The orders are read through `orders_shift` by name: the unique
//! (station, receipt number) key matches the same range, but reads each order's row. Reports
//! read a shift's tickets and claims here; its orders, lines and shares are the raw rows
//! [`super::tally::recount`] adds up again.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::{Connection, params};

use super::orders::OfferFigures;
use super::report::{Scope, instant, ticket_row};
use super::{StoreResult, corrupt};
use crate::domain::catalogue::VatRate;
use crate::domain::order::TenderKind;
use crate::domain::report::{ClaimFigures, OrderRow, TicketRow};

/// The rows of a shift: ?1 station, ?2/?3 the receipt numbers after and up to.
const IN_SHIFT: &str = "shift_station = ?1 AND shift_seq > ?2 AND shift_seq <= ?3";

fn range(s: &Scope, station: i64) -> (i64, u32, u32) {
    (station, s.after_receipt, s.upto_receipt)
}

/// The shift's orders in receipt order, with their amounts per VAT rate and their tenders, and
/// its sold lines as the margins fold takes them (in offer order, as the event's scope reads
/// them): one read of each index serves both.
pub fn orders(
    conn: &Connection,
    s: &Scope,
    station: i64,
) -> StoreResult<(Vec<OrderRow>, Vec<OfferFigures>)> {
    let (st, after, upto) = range(s, station);
    let code: String = conn
        .prepare_cached("SELECT code FROM stations WHERE id = ?1")?
        .query_row([st], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT receipt_seq, paid_at, total_minor, tip_minor, fee_minor, vat_mode FROM orders INDEXED BY orders_shift
         WHERE station_id = ?1 AND receipt_seq > ?2 AND receipt_seq <= ?3 AND training = 0
           AND event_id = ?4
         ORDER BY receipt_seq",
    )?;
    let mut rows = stmt.query(params![st, after, upto, s.event_id])?;
    let mut out: Vec<OrderRow> = Vec::new();
    while let Some(r) = rows.next()? {
        let mode = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
        out.push(OrderRow {
            station: code.clone(),
            seq: r.get(0)?,
            paid_at: instant(r.get(1)?)?,
            total: r.get(2)?,
            tip: r.get(3)?,
            fee: r.get(4)?,
            discount: 0,
            mode: mode.parse().unwrap_or_default(),
            by_rate: Vec::new(),
            tenders: Vec::new(),
        });
    }
    let mut figures = add_lines(conn, (st, after, upto), &mut out)?;
    add_tenders(conn, (st, after, upto), &mut out)?;
    // In offer order, as the event's scope reads them (the fold lists offers as it meets them).
    figures.sort_by_key(|f| f.offer_id);
    Ok((out, figures))
}

/// The position of receipt `seq` in `orders` (sorted by receipt number), moving `at` forward:
/// the rows come in receipt order too, so the walk is one pass.
fn find(orders: &[OrderRow], at: &mut usize, seq: u32) -> Option<usize> {
    while orders.get(*at).is_some_and(|o| o.seq < seq) {
        *at += 1;
    }
    orders.get(*at).filter(|o| o.seq == seq).map(|_| *at)
}

/// Each order's line amounts summed per VAT rate and its discounts; and each line's raw
/// figures for the margins, with its order's tax mode, fee, lines' sum and refunded units.
fn add_lines(
    conn: &Connection,
    p: (i64, u32, u32),
    out: &mut [OrderRow],
) -> StoreResult<Vec<OfferFigures>> {
    let refunded = refunded_units(conn, p)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT shift_seq, vat_bp, unit_price_minor, qty, discount_minor, offer_id, line_no,
                cost_minor, title
         FROM order_lines WHERE {IN_SHIFT} ORDER BY shift_seq, vat_bp"
    ))?;
    let mut rows = stmt.query(params![p.0, p.1, p.2])?;
    let mut figures: Vec<OfferFigures> = Vec::new();
    // Each offer's title as last read: the lines that repeat it share it instead of a copy each.
    let mut titles: Vec<(i64, Rc<str>)> = Vec::new();
    // The lines of one order come together: their sum shares the order's fee.
    let (mut at, mut first) = (0, 0);
    let mut current: Option<u32> = None;
    while let Some(r) = rows.next()? {
        let (seq, bp, unit_price, qty, discount): (u32, u32, i64, u32, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if current != Some(seq) {
            close_order(&mut figures[first..]);
            first = figures.len();
            current = Some(seq);
        }
        let Some(i) = find(out, &mut at, seq) else {
            continue;
        };
        let o = &mut out[i];
        let amount = unit_price
            .saturating_mul(i64::from(qty))
            .saturating_sub(discount);
        match o.by_rate.last_mut() {
            Some((rate, sum)) if rate.0 == bp => *sum = sum.saturating_add(amount),
            _ => o.by_rate.push((VatRate(bp), amount)),
        }
        o.discount = o.discount.saturating_add(discount);
        let (offer_id, line_no): (i64, i64) = (r.get(5)?, r.get(6)?);
        let title = r.get_ref(8)?.as_str().map_err(rusqlite::Error::from)?;
        let title = match titles.iter_mut().find(|(id, _)| *id == offer_id) {
            Some((_, known)) if &**known == title => known.clone(),
            Some((_, known)) => {
                *known = Rc::from(title);
                known.clone()
            }
            None => {
                titles.push((offer_id, Rc::from(title)));
                titles[titles.len() - 1].1.clone()
            }
        };
        figures.push(OfferFigures {
            offer_id,
            title,
            unit_price,
            vat_bp: bp,
            qty,
            discount,
            cost: r.get(7)?,
            vat_mode: o.mode,
            order_fee: o.fee,
            order_lines_sum: 0,
            refunded: refunded.get(&(seq, line_no)).copied().unwrap_or(0),
        });
    }
    close_order(&mut figures[first..]);
    Ok(figures)
}

/// Each order's tenders: what each leg paid, change deducted.
fn add_tenders(conn: &Connection, p: (i64, u32, u32), out: &mut [OrderRow]) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT shift_seq, kind, tendered_minor - change_minor FROM tenders WHERE {IN_SHIFT}
         ORDER BY shift_seq"
    ))?;
    let mut rows = stmt.query(params![p.0, p.1, p.2])?;
    let mut at = 0;
    while let Some(r) = rows.next()? {
        let seq: u32 = r.get(0)?;
        let kind = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let kind: TenderKind = kind.parse().map_err(|_| corrupt("tender kind", kind))?;
        let paid: i64 = r.get(2)?;
        if let Some(i) = find(out, &mut at, seq) {
            out[i].tenders.push((kind, paid));
        }
    }
    Ok(())
}

/// The queue tickets of the shift's orders.
pub fn tickets(conn: &Connection, s: &Scope, station: i64) -> StoreResult<Vec<TicketRow>> {
    let p = range(s, station);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT state, paid_at, called_at, serving_at, finished_at FROM tickets WHERE {IN_SHIFT}"
    ))?;
    let rows = stmt.query_map(params![p.0, p.1, p.2], ticket_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claim codes of the shift's orders: issued, redeemed (each claim's running count, kept by
/// schema 9's triggers), taken back, in units.
pub fn claims(conn: &Connection, s: &Scope, station: i64) -> StoreResult<ClaimFigures> {
    let p = range(s, station);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*), COALESCE(sum(quantity), 0), COALESCE(sum(revoked_units), 0),
                    COALESCE(sum(redeemed_units), 0)
             FROM claims WHERE {IN_SHIFT}"
        ))?
        .query_row(params![p.0, p.1, p.2], |r| {
            Ok(ClaimFigures {
                codes: r.get(0)?,
                issued: r.get(1)?,
                revoked: r.get(2)?,
                redeemed: r.get(3)?,
            })
        })?)
}

/// What each collaborator's shares of the shift's orders come to. Added up here from the
/// index range: a night has a handful of collaborators, and grouping in SQL would sort every
/// share row first.
pub fn shares(conn: &Connection, s: &Scope, station: i64) -> StoreResult<Vec<(String, i64)>> {
    let p = range(s, station);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT collaborator, amount_minor FROM order_splits WHERE {IN_SHIFT}"
    ))?;
    let mut rows = stmt.query(params![p.0, p.1, p.2])?;
    let mut sums = crate::domain::report::Tally::default();
    while let Some(r) = rows.next()? {
        let who = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        sums.add_share(who, r.get(1)?);
    }
    Ok(sums.shares)
}

/// Gives each line of one order the sum of the order's line amounts.
fn close_order(lines: &mut [OfferFigures]) {
    let sum = lines.iter().fold(0i64, |sum, l| {
        sum.saturating_add(
            l.unit_price
                .saturating_mul(i64::from(l.qty))
                .saturating_sub(l.discount),
        )
    });
    for l in lines {
        l.order_lines_sum = sum;
    }
}

/// Units refunded per line of the shift's orders: `(receipt number, line number) → units`.
/// Read from the refunds (any station's) to their orders: a night has few refunds.
fn refunded_units(
    conn: &Connection,
    (st, after, upto): (i64, u32, u32),
) -> StoreResult<HashMap<(u32, i64), u32>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.receipt_seq, rl.line_no, sum(rl.qty)
         FROM refunds r CROSS JOIN orders o ON o.id = r.order_id
              CROSS JOIN refund_lines rl ON rl.refund_id = r.id
         WHERE o.station_id = ?1 AND o.receipt_seq > ?2 AND o.receipt_seq <= ?3 AND o.training = 0
         GROUP BY o.receipt_seq, rl.line_no",
    )?;
    let rows = stmt.query_map(params![st, after, upto], |r| {
        Ok(((r.get(0)?, r.get(1)?), r.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
