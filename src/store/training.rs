//! Training mode: a station's flag, and the practice orders its sales write (`training = 1`,
//! numbered on the station's training ledger, never on its own receipt counter).

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

/// SQL true for a training ledger's station row (`T1` numbers K1's practice sales): seats are
/// `K` codes only, so a `T` code is always a ledger (also one the high-water mark put back).
/// Ledger rows have `training = 1` too, for queries that read the flag.
pub const IS_LEDGER: &str = "(code LIKE 'T%')";

/// The training ledger's station row `code` of the event, made when first needed.
pub fn ledger(conn: &Connection, event_id: i64, code: &str) -> StoreResult<i64> {
    let id = super::events::ensure_station(conn, event_id, code)?;
    conn.prepare_cached("UPDATE stations SET training = 1 WHERE id = ?1 AND training = 0")?
        .execute([id])?;
    Ok(id)
}

/// Whether the station sells for practice.
pub fn is_on(conn: &Connection, station_id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT training FROM stations WHERE id = ?1")?
        .query_row([station_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Turns the station's training mode on or off; true when it changed.
pub fn set(conn: &Connection, station_id: i64, on: bool) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE stations SET training = ?2 WHERE id = ?1 AND training <> ?2")?
        .execute(params![station_id, on])?
        > 0)
}

/// Marks a just-written order as a practice sale.
pub fn mark_order(conn: &Connection, order_id: &str) -> StoreResult<()> {
    conn.prepare_cached("UPDATE orders SET training = 1 WHERE id = ?1")?
        .execute([order_id])?;
    Ok(())
}

/// Whether an order is a practice sale.
pub fn is_training_order(conn: &Connection, order_id: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT training FROM orders WHERE id = ?1")?
        .query_row([order_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}
