//! Cash drawer sessions and moves.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

/// The open session of a station: `(id, opened_at, float_minor)`.
pub fn open_session(conn: &Connection, station_id: i64) -> StoreResult<Option<(i64, i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT id, opened_at, float_minor FROM drawer_sessions WHERE station_id = ?1 AND closed_at IS NULL")?
        .query_row([station_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// Opens a session with a float.
pub fn open(
    conn: &Connection,
    station_id: i64,
    float_minor: i64,
    at: Timestamp,
) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO drawer_sessions (station_id, opened_at, float_minor) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![station_id, at.as_second(), float_minor])?;
    Ok(conn.last_insert_rowid())
}

/// Records cash put in (+) or taken out (−).
pub fn add_move(
    conn: &Connection,
    session_id: i64,
    amount_minor: i64,
    reason: &str,
    at: Timestamp,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO drawer_moves (session_id, at, amount_minor, reason) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![session_id, at.as_second(), amount_minor, reason])?;
    Ok(())
}

/// Cash figures of a session so far: `(cash sales, cash refunds, moves)` in minor units,
/// as the session's running totals hold them (kept by the schema's triggers in the same
/// transaction as each sale, refund and move, so reading them costs the same all night).
pub fn figures(conn: &Connection, session_id: i64) -> StoreResult<(i64, i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT cash_sales_minor, cash_refunds_minor, moves_in_minor - moves_out_minor
             FROM drawer_sessions WHERE id = ?1",
        )?
        .query_row([session_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

/// Closes a session with the count and the expected amount at that moment.
pub fn close(
    conn: &Connection,
    session_id: i64,
    counted_minor: i64,
    expected_minor: i64,
    at: Timestamp,
) -> StoreResult<()> {
    conn.prepare_cached("UPDATE drawer_sessions SET closed_at = ?2, counted_minor = ?3, expected_minor = ?4 WHERE id = ?1")?
        .execute(params![session_id, at.as_second(), counted_minor, expected_minor])?;
    Ok(())
}
