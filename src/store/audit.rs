//! The append-only audit log: every sale, redemption and queue move.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};

/// Appends one entry; `detail` is a JSON value with the facts of the change.
pub fn append(
    conn: &Connection,
    at: Timestamp,
    station: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, station, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        at.as_second(),
        station,
        action,
        subject,
        detail.to_string()
    ])?;
    Ok(())
}

/// How many entries carry `action` (used by tests and the status line).
pub fn count(conn: &Connection, action: &str) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )?)
}

/// The detail of the sale entry of order `order_id`. The entry's subject, the receipt number,
/// narrows the search cheaply; the order id decides, since numbers repeat across events.
pub fn sale_detail(
    conn: &Connection,
    order_id: &str,
    receipt: &str,
) -> StoreResult<Option<serde_json::Value>> {
    let detail: Option<String> = conn
        .prepare_cached(
            "SELECT detail FROM audit_log WHERE action = 'sale' AND subject = ?2
                 AND json_extract(detail, '$.order') = ?1
             ORDER BY id LIMIT 1",
        )?
        .query_row(params![order_id, receipt], |r| r.get(0))
        .optional()?;
    detail
        .map(|d| serde_json::from_str(&d).map_err(|e| corrupt("audit detail", e)))
        .transpose()
}
