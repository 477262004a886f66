//! The table's network: pairing tokens, paired phones (stations with a token), the hub's
//! secret and address, and the client ids of phones' writes. Tokens are kept as hashes only.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};

/// A phone paired with the hub, as Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedRow {
    /// Station row id.
    pub id: i64,
    /// Station code (P1, P2 …).
    pub code: String,
    /// The helper's name typed at pairing.
    pub helper: String,
    /// When it was paired, unix seconds.
    pub paired_at: i64,
    /// When the creator revoked it, unix seconds.
    pub revoked_at: Option<i64>,
}

fn paired_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PairedRow> {
    Ok(PairedRow {
        id: r.get(0)?,
        code: r.get(1)?,
        helper: r.get(2)?,
        paired_at: r.get(3)?,
        revoked_at: r.get(4)?,
    })
}

const PAIRED: &str = "SELECT id, code, helper_name, paired_at, revoked_at FROM stations";

/// Keeps a new pairing token's hash, good until `expires_at`.
pub fn insert_pairing(
    conn: &Connection,
    event_id: i64,
    hash: &str,
    (created_at, expires_at): (i64, i64),
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO pairing_tokens (token_hash, event_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash, event_id, created_at, expires_at],
    )?;
    Ok(())
}

/// A pairing token's `(event, expires_at, used)`, if the hash is known.
pub fn pairing(conn: &Connection, hash: &str) -> StoreResult<Option<(i64, i64, bool)>> {
    Ok(conn
        .query_row(
            "SELECT event_id, expires_at, station_id IS NOT NULL FROM pairing_tokens WHERE token_hash = ?1",
            [hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Marks a pairing token used by `station_id`; false when it was used already.
pub fn use_pairing(conn: &Connection, hash: &str, station_id: i64) -> StoreResult<bool> {
    let n = conn.execute(
        "UPDATE pairing_tokens SET station_id = ?2 WHERE token_hash = ?1 AND station_id IS NULL",
        params![hash, station_id],
    )?;
    Ok(n == 1)
}

/// The next free phone number at the event: one past the highest P station it ever had, so a
/// revoked phone's code (and its receipt series) is never given to another.
pub fn next_phone_number(conn: &Connection, event_id: i64) -> StoreResult<i64> {
    let max: i64 = conn.query_row(
        "SELECT coalesce(max(CAST(substr(code, 2) AS INTEGER)), 0) FROM stations
          WHERE event_id = ?1 AND code LIKE 'P%'",
        [event_id],
        |r| r.get(0),
    )?;
    Ok(max + 1)
}

/// Creates a phone's station row with its token hash and helper name; returns the row id.
pub fn insert_phone(
    conn: &Connection,
    event_id: i64,
    code: &str,
    (token_hash, helper): (&str, &str),
    paired_at: i64,
) -> StoreResult<i64> {
    Ok(conn.query_row(
        "INSERT INTO stations (event_id, code, token_hash, helper_name, paired_at)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        params![event_id, code, token_hash, helper, paired_at],
        |r| r.get(0),
    )?)
}

/// The paired phone whose token hashes to `hash`, revoked or not.
pub fn phone_by_token(conn: &Connection, hash: &str) -> StoreResult<Option<(i64, PairedRow)>> {
    let sql = "SELECT id, code, helper_name, paired_at, revoked_at, event_id FROM stations WHERE token_hash = ?1";
    Ok(conn
        .prepare_cached(sql)?
        .query_row([hash], |r| Ok((r.get(5)?, paired_row(r)?)))
        .optional()?)
}

/// Every phone ever paired at the event, in pairing order.
pub fn phones(conn: &Connection, event_id: i64) -> StoreResult<Vec<PairedRow>> {
    let sql = format!("{PAIRED} WHERE event_id = ?1 AND token_hash IS NOT NULL ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([event_id], paired_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes the phone `code` at the event; false when there is no such phone or it was
/// revoked before.
pub fn revoke(conn: &Connection, event_id: i64, code: &str, at: i64) -> StoreResult<bool> {
    let n = conn.execute(
        "UPDATE stations SET revoked_at = ?3
          WHERE event_id = ?1 AND code = ?2 AND token_hash IS NOT NULL AND revoked_at IS NULL",
        params![event_id, code, at],
    )?;
    Ok(n == 1)
}

/// The hub's secret for fans' links and the address it last served on.
pub fn hub(conn: &Connection) -> StoreResult<([u8; 32], String)> {
    let (secret, url): (Vec<u8>, String) = conn
        .prepare_cached("SELECT secret, url FROM hub WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let secret = <[u8; 32]>::try_from(secret.as_slice()).map_err(|_| corrupt("hub secret", 0))?;
    Ok((secret, url))
}

/// Records the address the hub serves on (printed on receipts as the fans' links).
pub fn set_hub_url(conn: &Connection, url: &str) -> StoreResult<()> {
    conn.execute("UPDATE hub SET url = ?1 WHERE id = 1", [url])?;
    Ok(())
}

/// Records a phone's client id; false when that station sent it before (a retry).
pub fn begin_request(
    conn: &Connection,
    station_id: i64,
    client_id: &str,
    at: i64,
) -> StoreResult<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO client_requests (station_id, client_id, at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![station_id, client_id, at])?;
    Ok(n == 1)
}

/// Keeps the answer to a phone's request, for its retries.
pub fn keep_reply(
    conn: &Connection,
    station_id: i64,
    client_id: &str,
    reply: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE client_requests SET reply = ?3 WHERE station_id = ?1 AND client_id = ?2",
    )?
    .execute(params![station_id, client_id, reply])?;
    Ok(())
}

/// The answer kept for a phone's request (None while the first one is not answered yet).
pub fn reply(conn: &Connection, station_id: i64, client_id: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT reply FROM client_requests WHERE station_id = ?1 AND client_id = ?2",
        )?
        .query_row(params![station_id, client_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The receipt number `(station code, seq)` and paid instant of the order `id` at the event.
pub fn order_receipt(
    conn: &Connection,
    event_id: i64,
    id: &str,
) -> StoreResult<Option<(String, u32, bool)>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.code, o.receipt_seq, o.training FROM orders o JOIN stations s ON s.id = o.station_id
              WHERE o.id = ?1 AND o.event_id = ?2",
        )?
        .query_row(params![id, event_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// A counter that changes whenever any connection commits to the file (SQLite's
/// `data_version`): live pages poll it instead of re-reading everything.
pub fn data_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}
