//! Finding receipts: each meaning of a query is one indexed look-up (the receipt number by
//! station and sequence, `orders_total`, the payment reference's unique index,
//! `tenders_reference`, `order_lines_offer`, `orders_paid`), joined as a union, newest first.

use jiff::Timestamp;
use rusqlite::{Connection, ToSql};

use super::orders::{SUMMARY_COLUMNS, summary_row};
use super::{StoreResult, corrupt};
use crate::domain::money::Currency;
use crate::domain::search::{Found, ReceiptQuery};

/// The first and last sale of the event (a time search looks at the days between).
pub fn paid_span(conn: &Connection, event_id: i64) -> StoreResult<Option<(Timestamp, Timestamp)>> {
    // Two statements: SQLite answers a lone min() or max() from the index's end, both at once
    // by walking it.
    let end = |sql: &str| -> StoreResult<Option<i64>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_row([event_id], |r| r.get(0))?)
    };
    let first = end("SELECT min(paid_at) FROM orders WHERE event_id = ?1")?;
    let last = end("SELECT max(paid_at) FROM orders WHERE event_id = ?1")?;
    let at = |s: i64| Timestamp::from_second(s).map_err(|_| corrupt("paid_at", s));
    match (first, last) {
        (Some(f), Some(l)) => Ok(Some((at(f)?, at(l)?))),
        _ => Ok(None),
    }
}

/// The event's receipts matching any meaning of `query` (times as the `windows` of
/// [`crate::domain::search::time_windows`]), newest first, at most `limit`.
pub fn find(
    conn: &Connection,
    event_id: i64,
    query: &ReceiptQuery,
    windows: &[(Timestamp, Timestamp)],
    limit: u32,
    currency: Currency,
) -> StoreResult<Found> {
    let mut args: Vec<Box<dyn ToSql>> = vec![Box::new(event_id)];
    let parts = hit_parts(conn, event_id, query, windows, &mut args)?;
    if parts.is_empty() {
        return Ok(Found {
            orders: Vec::new(),
            total: 0,
        });
    }
    args.push(Box::new(limit));
    let lim = format!("?{}", args.len());
    // The hits lead (CROSS JOIN keeps them the outer loop: the planner would otherwise walk
    // every order in paid order to probe them); only the listed page is summarised.
    let sql = format!(
        "WITH hits(id) AS ({}),
         page(r) AS (SELECT o.rowid FROM hits h CROSS JOIN orders o ON o.id = h.id
                     WHERE o.event_id = ?1 ORDER BY o.paid_at DESC, o.rowid DESC LIMIT {lim})
         SELECT {SUMMARY_COLUMNS}, (SELECT count(*) FROM hits)
         FROM page CROSS JOIN orders o ON o.rowid = page.r JOIN stations s ON s.id = o.station_id
         ORDER BY o.paid_at DESC, o.rowid DESC",
        parts.join(" UNION ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
    let mut rows = stmt.query(refs.as_slice())?;
    let (mut orders, mut total) = (Vec::new(), 0i64);
    while let Some(r) = rows.next()? {
        orders.push(summary_row(r, currency)?);
        total = r.get(8)?;
    }
    Ok(Found {
        orders,
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// One indexed look-up per meaning of the query, each kept to the event (`?1`), so the hits
/// are counted as they are; the parameters are appended to `args`.
fn hit_parts(
    conn: &Connection,
    event_id: i64,
    query: &ReceiptQuery,
    windows: &[(Timestamp, Timestamp)],
    args: &mut Vec<Box<dyn ToSql>>,
) -> StoreResult<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    let mut arg = |v: Box<dyn ToSql>| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some((station, seq)) = &query.number {
        let seq = arg(Box::new(*seq));
        let stations = match station {
            Some(code) => format!("event_id = ?1 AND code = {}", arg(Box::new(code.clone()))),
            None => "event_id = ?1".to_string(),
        };
        parts.push(format!(
            "SELECT id FROM orders WHERE station_id IN (SELECT id FROM stations WHERE {stations}) AND receipt_seq = {seq}"
        ));
    }
    if let Some(amount) = query.amount {
        let a = arg(Box::new(amount));
        parts.push(format!(
            "SELECT id FROM orders WHERE event_id = ?1 AND total_minor = {a}"
        ));
    }
    for reference in &query.references {
        let r = arg(Box::new(reference.clone()));
        parts.push(format!(
            "SELECT id FROM orders WHERE payment_ref = {r} AND event_id = ?1"
        ));
        parts.push(format!(
            "SELECT t.order_id FROM tenders t JOIN orders o ON o.id = t.order_id
             WHERE t.reference IS NOT NULL AND t.reference = {r} AND o.event_id = ?1"
        ));
    }
    if let Some(piece) = &query.title {
        // Matched here, not in SQL: SQLite lower-cases ASCII only, titles are any script.
        let ids: Vec<String> = offers_titled(conn, event_id, piece)?
            .into_iter()
            .map(|id| arg(Box::new(id)))
            .collect();
        if !ids.is_empty() {
            parts.push(format!(
                "SELECT order_id FROM order_lines WHERE offer_id IN ({})",
                ids.join(", ")
            ));
        }
    }
    for (from, to) in windows {
        let (f, t) = (
            arg(Box::new(from.as_second())),
            arg(Box::new(to.as_second())),
        );
        parts.push(format!(
            "SELECT id FROM orders WHERE event_id = ?1 AND paid_at >= {f} AND paid_at < {t}"
        ));
    }
    Ok(parts)
}

/// The event's offers whose title holds `piece` (lower-cased), whatever the script.
fn offers_titled(conn: &Connection, event_id: i64, piece: &str) -> StoreResult<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT id, title FROM offers WHERE event_id = ?1")?;
    let rows = stmt.query_map([event_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, title) = row?;
        if title.to_lowercase().contains(piece) {
            ids.push(id);
        }
    }
    Ok(ids)
}
