//! The checkout log: every payment started at a till and how it ended (paid, cancelled,
//! expired), for the dashboard's QR conversion. Rows are added when a payment starts and
//! closed once; a sale closes its checkout as paid whatever happened to its hold before.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

/// How a checkout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The sale was made.
    Paid,
    /// The payment was cancelled at the till.
    Cancelled,
    /// The hold ran out before the money came.
    Expired,
}

impl Outcome {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Cancelled => "cancelled",
            Outcome::Expired => "expired",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Outcome> {
        match name {
            "paid" => Some(Outcome::Paid),
            "cancelled" => Some(Outcome::Cancelled),
            "expired" => Some(Outcome::Expired),
            _ => None,
        }
    }
}

/// A payment started: what the sale's order id will be, where, by what and for how much.
pub struct Started<'a> {
    /// The checkout id (the order id-to-be).
    pub id: &'a str,
    /// The open event.
    pub event_id: i64,
    /// The station it started at.
    pub station_id: i64,
    /// `cash`, `qr`, `card` or `credit`.
    pub tender: &'a str,
    /// The total shown, minor units.
    pub amount_minor: i64,
}

/// Logs a payment started at `at`; a checkout id logged before keeps its first row.
pub fn start(conn: &Connection, s: &Started<'_>, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO checkouts (id, event_id, station_id, tender, amount_minor, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        s.id,
        s.event_id,
        s.station_id,
        s.tender,
        s.amount_minor,
        at.as_second()
    ])?;
    Ok(())
}

/// Closes the checkout as paid (even one whose hold had expired: the money came).
pub fn paid(conn: &Connection, id: &str, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE checkouts SET outcome = 'paid', ended_at = ?2
         WHERE id = ?1 AND outcome IS NOT 'paid'",
    )?
    .execute(params![id, at.as_second()])?;
    Ok(())
}

/// Closes a checkout still open as cancelled.
pub fn cancelled(conn: &Connection, id: &str, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE checkouts SET outcome = 'cancelled', ended_at = ?2 WHERE id = ?1 AND outcome IS NULL",
    )?
    .execute(params![id, at.as_second()])?;
    Ok(())
}

/// Closes as expired every open checkout whose hold expired at `now`; call before the holds
/// are released (they are what says so).
pub fn expire_held(conn: &Connection, now: Timestamp) -> StoreResult<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE checkouts SET outcome = 'expired', ended_at = ?1
             WHERE outcome IS NULL
               AND id IN (SELECT checkout_id FROM holds WHERE expires_at <= ?1)",
        )?
        .execute([now.as_second()])?)
}

/// The outcome of one checkout: None while it is open or when it was never logged.
pub fn outcome(conn: &Connection, id: &str) -> StoreResult<Option<Outcome>> {
    let name: Option<Option<String>> = conn
        .prepare_cached("SELECT outcome FROM checkouts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(name.flatten().as_deref().and_then(Outcome::parse))
}
