//! Refunds, revoked claims and role PINs.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::StoreResult;

/// Units refunded before, per order line: `(line_no, qty)`.
pub fn refunded_per_line(conn: &Connection, order_id: &str) -> StoreResult<Vec<(u32, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.line_no, sum(l.qty) FROM refund_lines l JOIN refunds r ON r.id = l.refund_id
         WHERE r.order_id = ?1 GROUP BY l.line_no",
    )?;
    let rows = stmt.query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Money refunded on an order so far, in minor units.
pub fn refunded_amount(conn: &Connection, order_id: &str) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(sum(amount_minor), 0) FROM refunds WHERE order_id = ?1")?
        .query_row([order_id], |r| r.get(0))?)
}

/// A refund as written.
pub struct NewRefund<'a> {
    /// Order refunded.
    pub order_id: &'a str,
    /// The part given back in cash from the drawer.
    pub cash_minor: i64,
    /// Station row.
    pub station_id: i64,
    /// Refund number at the station.
    pub seq: u32,
    /// Money given back.
    pub amount_minor: i64,
    /// Why.
    pub reason: &'a str,
    /// When.
    pub at: Timestamp,
    /// `(line_no, qty)`.
    pub lines: &'a [(u32, u32)],
    /// Who approved it, as the audit names them.
    pub approved_by: &'a str,
}

/// Writes a refund and its lines.
pub fn insert(conn: &Connection, r: &NewRefund<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO refunds (order_id, station_id, refund_seq, amount_minor, reason, refunded_at, cash_minor, approved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        r.order_id,
        r.station_id,
        r.seq,
        r.amount_minor,
        r.reason,
        r.at.as_second(),
        r.cash_minor,
        r.approved_by
    ])?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn
        .prepare_cached("INSERT INTO refund_lines (refund_id, line_no, qty) VALUES (?1, ?2, ?3)")?;
    for (line_no, qty) in r.lines {
        stmt.execute(params![id, line_no, qty])?;
    }
    Ok(id)
}

/// Takes the station's next refund number.
pub fn take_seq(conn: &Connection, station_id: i64) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached("UPDATE stations SET next_refund = next_refund + 1 WHERE id = ?1 RETURNING next_refund - 1")?
        .query_row([station_id], |r| r.get(0))?)
}

/// Revokes `qty` units of an order's claims for one offer. Units never redeemed go first, then
/// units only held for the fan (those holds are undone: nothing refunded can be handed over);
/// units already handed over cannot be revoked. A code with nothing left is revoked outright and
/// its queue ticket cancelled. Returns `(codes touched, units revoked)`.
pub fn revoke_claims(
    conn: &Connection,
    order_id: &str,
    offer_id: i64,
    qty: u32,
    at: Timestamp,
) -> StoreResult<(u32, u32)> {
    // Per claim: units never redeemed, units held (not handed over), units handed over.
    let claims: Vec<(i64, u32, u32, u32)> = conn
        .prepare_cached(
            "SELECT c.id,
                    c.quantity - c.revoked_units - COALESCE((SELECT sum(r.units) FROM redemptions r
                        WHERE r.claim_id = c.id AND r.undone_at IS NULL), 0) AS free,
                    COALESCE((SELECT sum(r.units) FROM redemptions r
                        WHERE r.claim_id = c.id AND r.undone_at IS NULL AND r.state = 'held'), 0) AS held,
                    COALESCE((SELECT sum(r.units) FROM redemptions r
                        WHERE r.claim_id = c.id AND r.undone_at IS NULL AND r.state = 'handed'), 0)
             FROM claims c WHERE c.order_id = ?1 AND c.offer_id = ?2 AND c.revoked_at IS NULL
             ORDER BY free + held DESC, c.id DESC",
        )?
        .query_map(params![order_id, offer_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut take_units = conn.prepare_cached(
        "UPDATE claims SET revoked_units = revoked_units + ?2,
                revoked_at = CASE WHEN ?3 THEN ?4 ELSE revoked_at END WHERE id = ?1",
    )?;
    let mut undo_holds = conn.prepare_cached(
        "UPDATE redemptions SET undone_at = ?2 WHERE claim_id = ?1 AND state = 'held' AND undone_at IS NULL",
    )?;
    let mut cancel = conn.prepare_cached(
        "UPDATE tickets SET state = 'cancelled', finished_at = ?2, prev_state = NULL, moved_at = NULL
         WHERE claim_id = ?1 AND state IN ('waiting', 'called', 'serving')",
    )?;
    let (mut need, mut touched, mut revoked) = (qty, 0, 0);
    for (id, free, held, handed) in claims {
        let take = need.min(free + held);
        if take > 0 {
            if take > free {
                // Holds are released whole; what they held beyond this refund stays claimable.
                undo_holds.execute(params![id, at.as_second()])?;
            }
            let none_left = take == free + held;
            take_units.execute(params![id, take, none_left, at.as_second()])?;
            if none_left {
                cancel.execute(params![id, at.as_second()])?;
            }
            need -= take;
            revoked += take;
            touched += 1;
        }
        // Units the fan has already are refunded as money only; the code is closed, so no undo
        // can bring a refunded unit back.
        let gone = need.min(handed);
        if gone > 0 {
            take_units.execute(params![id, 0, true, at.as_second()])?;
            need -= gone;
            touched += u32::from(take == 0);
        }
    }
    Ok((touched, revoked))
}

/// Whether a refund touched this claim (some units or all of it).
pub fn claim_refunded(conn: &Connection, claim_id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT revoked_at IS NOT NULL OR revoked_units > 0 FROM claims WHERE id = ?1",
        )?
        .query_row([claim_id], |r| r.get(0))?)
}
