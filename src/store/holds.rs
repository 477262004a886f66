//! Holds: units reserved while a fan pays, so the last unit is never sold to the next fan.
//! A hold takes its units from `offers.remaining` at once and gives them back when released.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::StoreResult;

/// Records a hold of `qty` units of `offer_id` for the checkout (units already taken).
pub fn insert(
    conn: &Connection,
    checkout_id: &str,
    offer_id: i64,
    qty: u32,
    expires_at: Timestamp,
    station: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO holds (checkout_id, offer_id, qty, expires_at, station) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![checkout_id, offer_id, qty, expires_at.as_second(), station])?;
    Ok(())
}

/// Removes the checkout's holds and returns them as `(offer_id, qty)`; the units stay taken.
pub fn take(conn: &Connection, checkout_id: &str) -> StoreResult<Vec<(i64, u32)>> {
    let mut stmt =
        conn.prepare_cached("DELETE FROM holds WHERE checkout_id = ?1 RETURNING offer_id, qty")?;
    let rows = stmt.query_map([checkout_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Gives the held units back to their offers and removes the holds; returns how many holds.
fn give_back(conn: &Connection, filter: &str, param: &dyn rusqlite::ToSql) -> StoreResult<usize> {
    conn.prepare_cached(&format!(
        "UPDATE offers SET remaining = remaining + (SELECT sum(h.qty) FROM holds h WHERE h.offer_id = offers.id AND {filter})
         WHERE id IN (SELECT offer_id FROM holds h WHERE {filter})"
    ))?
    .execute([param])?;
    Ok(conn
        .prepare_cached(&format!("DELETE FROM holds AS h WHERE {filter}"))?
        .execute([param])?)
}

/// Releases the checkout's holds (payment cancelled).
pub fn release(conn: &Connection, checkout_id: &str) -> StoreResult<usize> {
    give_back(conn, "h.checkout_id = ?1", &checkout_id)
}

/// Releases every hold that expired at `now`.
pub fn release_expired(conn: &Connection, now: Timestamp) -> StoreResult<usize> {
    // The checkout log learns which payments ran out while their holds still say so.
    super::checkouts::expire_held(conn, now)?;
    give_back(conn, "h.expires_at <= ?1", &now.as_second())
}

/// Whether any hold has expired at `now` (a cheap read before taking the write lock).
pub fn any_expired(conn: &Connection, now: Timestamp) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM holds WHERE expires_at <= ?1)")?
        .query_row([now.as_second()], |r| r.get(0))?)
}
