//! What the dashboard reads: only rows newer than the marks it has seen (orders and lines by
//! rowid, finished tickets by `finished_at`, checkouts by rowid) and the few live things
//! (tickets waiting, drops' stock). Training orders never come out of here. The joins are
//! CROSS (the new rows drive) and `+event_id` keeps the planner off the event's indexes: either
//! would read the whole night to find a handful of rows.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;
use crate::domain::dashboard::{DropStock, LineRow, OrderRow, TicketEnd, TicketRow};

/// The newest rowid of the tables read by rowid: `(orders, order lines, checkouts, refunds)`.
/// Rows at or below a mark read now are committed, so reading up to it never half-reads a sale.
pub fn marks(conn: &Connection) -> StoreResult<[i64; 4]> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE((SELECT max(rowid) FROM orders), 0),
                    COALESCE((SELECT max(rowid) FROM order_lines), 0),
                    COALESCE((SELECT max(rowid) FROM checkouts), 0),
                    COALESCE((SELECT max(rowid) FROM refunds), 0)",
        )?
        .query_row([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))?)
}

/// The event's paid orders with rowid in `(after, upto]`.
pub fn orders(
    conn: &Connection,
    event_id: i64,
    after: i64,
    upto: i64,
) -> StoreResult<Vec<OrderRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT paid_at, total_minor, COALESCE(fan_id, 'member ' || member_id) FROM orders
         WHERE rowid > ?2 AND rowid <= ?3 AND +event_id = ?1 AND training = 0",
    )?;
    let rows = stmt.query_map(params![event_id, after, upto], |r| {
        Ok(OrderRow {
            paid_at: r.get(0)?,
            total: r.get(1)?,
            fan: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The event's sold lines with rowid in `(after, upto]`.
pub fn lines(conn: &Connection, event_id: i64, after: i64, upto: i64) -> StoreResult<Vec<LineRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.offer_id, l.title, l.qty, l.unit_price_minor * l.qty - l.discount_minor, o.paid_at
         FROM order_lines l CROSS JOIN orders o ON o.id = l.order_id
         WHERE l.rowid > ?2 AND l.rowid <= ?3 AND o.event_id = ?1 AND o.training = 0",
    )?;
    let rows = stmt.query_map(params![event_id, after, upto], |r| {
        Ok(LineRow {
            offer_id: r.get(0)?,
            title: r.get(1)?,
            qty: r.get(2)?,
            amount: r.get(3)?,
            paid_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The event's tickets finished at `since` or later, oldest first, with their ids (a ticket
/// finished in the second of the last mark comes again; the caller skips the ones it has).
pub fn tickets_finished(
    conn: &Connection,
    event_id: i64,
    since: i64,
) -> StoreResult<Vec<(i64, TicketRow)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.lane, t.state, t.paid_at, t.called_at, t.finished_at
         FROM tickets t CROSS JOIN orders o ON o.id = t.order_id
         WHERE t.event_id = ?1 AND t.finished_at >= ?2 AND o.training = 0
           AND t.state IN ('done', 'no_show', 'cancelled')
         ORDER BY t.finished_at, t.id",
    )?;
    let rows = stmt.query_map(params![event_id, since], |r| {
        let state: String = r.get(2)?;
        let end = match state.as_str() {
            "done" => TicketEnd::Done,
            "no_show" => TicketEnd::NoShow,
            _ => TicketEnd::Cancelled,
        };
        Ok((
            r.get(0)?,
            TicketRow {
                lane: r.get(1)?,
                end,
                paid_at: r.get(3)?,
                called_at: r.get(4)?,
                finished_at: r.get(5)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Tickets waiting now, per lane. Only unfinished tickets are read: by `tickets_finished`'s
/// NULLs, named because the planner would rather walk the lane index for the GROUP BY.
pub fn waiting(conn: &Connection, event_id: i64) -> StoreResult<Vec<(String, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.lane, count(*) FROM tickets t INDEXED BY tickets_finished
         CROSS JOIN orders o ON o.id = t.order_id
         WHERE t.event_id = ?1 AND t.finished_at IS NULL AND t.state = 'waiting' AND o.training = 0
         GROUP BY t.lane ORDER BY t.lane",
    )?;
    let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The event's drops with stock, as they stand.
pub fn drops(conn: &Connection, event_id: i64) -> StoreResult<Vec<DropStock>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, stock, COALESCE(remaining, 0), go_live_at FROM offers
         WHERE event_id = ?1 AND kind = 'drop' AND stock > 0 AND archived = 0 ORDER BY sort, id",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok(DropStock {
            offer_id: r.get(0)?,
            title: r.get(1)?,
            stock: r.get(2)?,
            remaining: r.get(3)?,
            go_live_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A QR checkout as the log has it: `(id, started_at, ended_at, outcome)`.
pub type CheckoutLine = (String, i64, Option<i64>, Option<String>);

/// The event's QR checkouts with rowid in `(after, upto]`, leaving out training sales and
/// training stations.
pub fn qr_checkouts(
    conn: &Connection,
    event_id: i64,
    after: i64,
    upto: i64,
) -> StoreResult<Vec<CheckoutLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.started_at, c.ended_at, c.outcome FROM checkouts c
         WHERE c.rowid > ?2 AND c.rowid <= ?3 AND +c.event_id = ?1 AND c.tender = 'qr'
           AND NOT EXISTS (SELECT 1 FROM stations s WHERE s.id = c.station_id AND s.training = 1)
           AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.id AND o.training = 1)",
    )?;
    let rows = stmt.query_map(params![event_id, after, upto], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One checkout again (one still open at the last refresh).
pub fn checkout(conn: &Connection, id: &str) -> StoreResult<Option<CheckoutLine>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id, c.started_at, c.ended_at, c.outcome FROM checkouts c WHERE c.id = ?1
               AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.id AND o.training = 1)",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?)
}
