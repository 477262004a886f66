//! PIN hashes and the count of wrong PINs, per event and role, shared by every process and
//! station on the file.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreResult;

/// Stores the PIN hash of a role at the event.
pub fn set_pin(conn: &Connection, event_id: i64, role: &str, hash: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO pins (event_id, role, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (event_id, role) DO UPDATE SET hash = excluded.hash",
    )?
    .execute(params![event_id, role, hash])?;
    Ok(())
}

/// The PIN hash of a role, if one is set.
pub fn pin(conn: &Connection, event_id: i64, role: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM pins WHERE event_id = ?1 AND role = ?2")?
        .query_row(params![event_id, role], |r| r.get(0))
        .optional()?)
}

/// Attempts since the last right PIN, and until when (unix seconds) typing is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    /// Attempts counted since the last right PIN (an attempt counts before it is checked).
    pub failures: u32,
    /// No attempt is taken before this instant.
    pub locked_until: Option<i64>,
}

/// The attempts of a role at the event.
pub fn attempts(conn: &Connection, event_id: i64, role: &str) -> StoreResult<Attempts> {
    Ok(conn
        .prepare_cached(
            "SELECT failures, locked_until FROM pin_attempts WHERE event_id = ?1 AND role = ?2",
        )?
        .query_row(params![event_id, role], |r| {
            Ok(Attempts {
                failures: r.get(0)?,
                locked_until: r.get(1)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Stores the attempts of a role at the event.
pub fn set_attempts(conn: &Connection, event_id: i64, role: &str, a: Attempts) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO pin_attempts (event_id, role, failures, locked_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (event_id, role) DO UPDATE
             SET failures = excluded.failures, locked_until = excluded.locked_until",
    )?
    .execute(params![event_id, role, a.failures, a.locked_until])?;
    Ok(())
}
