//! Events and stations.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::event::Event;
use crate::domain::money::Currency;
use crate::domain::payment::PaymentProfile;
use crate::domain::queue::QueueRules;

/// What a new event is made of.
pub struct NewEvent<'a> {
    /// Name.
    pub name: &'a str,
    /// Venue.
    pub venue: &'a str,
    /// IANA zone.
    pub time_zone: &'a str,
    /// Currency.
    pub currency: Currency,
    /// QR payment profile.
    pub payment: Option<&'a PaymentProfile>,
    /// The event's Ed25519 secret key.
    pub signing_key: [u8; 32],
    /// Whether this is the demo event.
    pub is_demo: bool,
    /// Creation instant, unix seconds.
    pub created_at: i64,
}

/// Inserts an event and returns its id. It becomes the open event only when no other is open,
/// so loading the demo never takes over a creator's own event (or its payment details).
pub fn insert(conn: &Connection, e: &NewEvent<'_>) -> StoreResult<i64> {
    let payment = e
        .payment
        .map(serde_json::to_string)
        .transpose()
        .map_err(|err| corrupt("payment profile", err))?;
    conn.prepare_cached("INSERT INTO events (name, venue, time_zone, currency, payment_profile, signing_key, is_open, is_demo, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NOT EXISTS (SELECT 1 FROM events WHERE is_open = 1), ?7, ?8)")?.execute(params![e.name, e.venue, e.time_zone, e.currency.code(), payment, &e.signing_key[..], e.is_demo, e.created_at],
    )?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO claim_keys (event_id, key_id, signing_key, created_at) VALUES (?1, 0, ?2, ?3)",
    )?
    .execute(params![id, &e.signing_key[..], e.created_at])?;
    Ok(id)
}

/// The event's newest claim key: `(key id, secret)`; new codes are signed with it.
pub fn current_key(conn: &Connection, event_id: i64) -> StoreResult<(u8, [u8; 32])> {
    let (id, bytes): (u8, Vec<u8>) = conn
        .prepare_cached(
            "SELECT key_id, signing_key FROM claim_keys WHERE event_id = ?1 ORDER BY key_id DESC LIMIT 1",
        )?
        .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let secret = bytes
        .try_into()
        .map_err(|_| corrupt("signing key of event", event_id))?;
    Ok((id, secret))
}

/// A claim key: `(event id, key id, secret, retired)`.
pub type KeyRow = (i64, u8, [u8; 32], bool);

/// Every claim key of every event: codes signed with a retired key still verify.
pub fn all_keys(conn: &Connection) -> StoreResult<Vec<KeyRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, key_id, signing_key, retired_at IS NOT NULL FROM claim_keys ORDER BY event_id, key_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, u8>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (event, id, bytes, retired) = row?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| corrupt("signing key of event", event))?;
        Ok((event, id, secret, retired))
    })
    .collect()
}

/// How many claim keys the file holds (cheap: tells a station a rotation happened).
pub fn key_count(conn: &Connection) -> StoreResult<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM claim_keys")?
        .query_row([], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Adds key `key_id` and retires the older ones.
pub fn add_key(
    conn: &Connection,
    event_id: i64,
    key_id: u8,
    secret: &[u8; 32],
    at: i64,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE claim_keys SET retired_at = ?2 WHERE event_id = ?1 AND retired_at IS NULL",
    )?
    .execute(params![event_id, at])?;
    conn.prepare_cached(
        "INSERT INTO claim_keys (event_id, key_id, signing_key, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![event_id, key_id, &secret[..], at])?;
    Ok(())
}

/// Sets the queue rules of the event and how long its new claim codes stay valid.
pub fn set_queue_rules(
    conn: &Connection,
    event_id: i64,
    rules: &QueueRules,
    claim_valid_hours: u32,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE events SET queue_fairness = ?2, queue_grace_secs = ?3, queue_requeue_places = ?4,
                claim_valid_hours = ?5 WHERE id = ?1",
    )?
    .execute(params![
        event_id,
        rules.fairness,
        rules.grace_secs,
        rules.requeue_places,
        claim_valid_hours
    ])?;
    Ok(())
}

/// The event open at the kiosk, if any.
pub fn open_event(conn: &Connection) -> StoreResult<Option<Event>> {
    let row = conn
        .prepare_cached(
            "SELECT id, name, venue, time_zone, currency, payment_profile, hold_secs,
                    claim_valid_hours, queue_fairness, queue_grace_secs, queue_requeue_places
             FROM events WHERE is_open = 1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, u32>(6)?,
                (
                    r.get::<_, u32>(7)?,
                    QueueRules {
                        fairness: r.get(8)?,
                        grace_secs: r.get(9)?,
                        requeue_places: r.get(10)?,
                    },
                ),
            ))
        })
        .optional()?;
    let Some((
        id,
        name,
        venue,
        time_zone,
        currency,
        payment,
        hold_secs,
        (claim_valid_hours, queue),
    )) = row
    else {
        return Ok(None);
    };
    let currency = Currency::from_code(&currency).ok_or_else(|| corrupt("currency", &currency))?;
    let payment = match payment {
        Some(json) => Some(serde_json::from_str(&json).map_err(|e| corrupt("payment profile", e))?),
        None => None,
    };
    Ok(Some(Event {
        hold_secs,
        claim_valid_hours,
        queue,
        id,
        name,
        venue,
        time_zone,
        currency,
        payment,
    }))
}

/// Whether a demo event exists already.
pub fn has_demo(conn: &Connection) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE is_demo = 1)")?
        .query_row([], |r| r.get(0))?)
}

/// The station row id for `code` at this event, created on first use.
pub fn ensure_station(conn: &Connection, event_id: i64, code: &str) -> StoreResult<i64> {
    conn.prepare_cached("INSERT INTO stations (event_id, code) VALUES (?1, ?2) ON CONFLICT (event_id, code) DO NOTHING")?.execute(params![event_id, code],
    )?;
    Ok(conn
        .prepare_cached("SELECT id FROM stations WHERE event_id = ?1 AND code = ?2")?
        .query_row(params![event_id, code], |r| r.get(0))?)
}

/// Takes the station's next receipt number; gap-free because it rolls back with the sale.
pub fn take_receipt_seq(conn: &Connection, station_id: i64) -> StoreResult<u32> {
    let seq: i64 = conn.prepare_cached("UPDATE stations SET next_receipt = next_receipt + 1 WHERE id = ?1 RETURNING next_receipt - 1")?.query_row([station_id],
        |r| r.get(0),
    )?;
    u32::try_from(seq).map_err(|_| corrupt("receipt number", seq))
}

/// Takes the station's next claim serial.
pub fn take_claim_serial(conn: &Connection, station_id: i64) -> StoreResult<u32> {
    let serial: i64 = conn
        .prepare_cached(
            "UPDATE stations SET next_claim_serial = next_claim_serial + 1 WHERE id = ?1
         RETURNING next_claim_serial - 1",
        )?
        .query_row([station_id], |r| r.get(0))?;
    u32::try_from(serial).map_err(|_| corrupt("claim serial", serial))
}

/// The station code for a station id (for "redeemed at K2").
pub fn station_code(conn: &Connection, station_id: i64) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT code FROM stations WHERE id = ?1")?
        .query_row([station_id], |r| r.get(0))
        .optional()?)
}

/// Replaces the event's payment profile.
pub fn set_payment(
    conn: &Connection,
    event_id: i64,
    profile: Option<&PaymentProfile>,
) -> StoreResult<()> {
    let json = profile
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| corrupt("payment profile", e))?;
    conn.prepare_cached("UPDATE events SET payment_profile = ?2 WHERE id = ?1")?
        .execute(params![event_id, json])?;
    Ok(())
}
