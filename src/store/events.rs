//! Events and stations.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, StoreResult, corrupt};
use crate::domain::catalogue::VatRate;
use crate::domain::event::{CheckedSetup, Event, Zone};
use crate::domain::money::Currency;
use crate::domain::order::TenderKind;
use crate::domain::payment::PaymentProfile;
use crate::domain::pricing::{Fee, VatMode};
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
    /// The public half of the event's first claim key (the secret is in the key file).
    pub public_key: [u8; 32],
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
    conn.prepare_cached(
        "INSERT INTO events (name, venue, time_zone, currency, payment_profile, is_open, is_demo, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, NOT EXISTS (SELECT 1 FROM events WHERE is_open = 1), ?6, ?7)",
    )?
    .execute(params![
        e.name,
        e.venue,
        e.time_zone,
        e.currency.code(),
        payment,
        e.is_demo,
        e.created_at
    ])?;
    let id = conn.last_insert_rowid();
    super::keys::add_key(conn, id, 0, &e.public_key, e.created_at)?;
    Ok(id)
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

const EVENT_COLUMNS: &str = "id, name, venue, time_zone, currency, payment_profile, hold_secs,
    claim_valid_hours, queue_fairness, queue_grace_secs, queue_requeue_places,
    prices_include_vat, vat_rates, receipt_header, receipt_footer, terms";

fn read_event(r: &rusqlite::Row<'_>) -> StoreResult<Event> {
    let currency: String = r.get(4)?;
    let currency = Currency::from_code(&currency).ok_or_else(|| corrupt("currency", &currency))?;
    let payment = match r.get::<_, Option<String>>(5)? {
        Some(json) => Some(serde_json::from_str(&json).map_err(|e| corrupt("payment profile", e))?),
        None => None,
    };
    let rates: String = r.get(12)?;
    let vat_rates = rates
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse()
                .map(VatRate)
                .map_err(|_| corrupt("vat_rates", &rates))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let inclusive: bool = r.get(11)?;
    let zone: String = r.get(3)?;
    Ok(Event {
        id: r.get(0)?,
        name: r.get(1)?,
        venue: r.get(2)?,
        time_zone: Zone::named(&zone).map_err(|_| corrupt("time zone", &zone))?,
        currency,
        payment,
        hold_secs: r.get(6)?,
        claim_valid_hours: r.get(7)?,
        queue: QueueRules {
            fairness: r.get(8)?,
            grace_secs: r.get(9)?,
            requeue_places: r.get(10)?,
        },
        vat_mode: if inclusive {
            VatMode::Inclusive
        } else {
            VatMode::Exclusive
        },
        vat_rates,
        receipt_header: r.get(13)?,
        receipt_footer: r.get(14)?,
        terms: r.get(15)?,
    })
}

/// The event open at the kiosk, if any.
pub fn open_event(conn: &Connection) -> StoreResult<Option<Event>> {
    conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE is_open = 1 ORDER BY id DESC LIMIT 1"
    ))?
    .query_row([], |r| Ok(read_event(r)))
    .optional()?
    .transpose()
}

/// One event of the list on the Events screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event.
    pub event: Event,
    /// Open at the kiosk now.
    pub open: bool,
    /// The demo event.
    pub demo: bool,
    /// Orders sold.
    pub orders: u32,
    /// Sales total (tips apart), minor units.
    pub sales_minor: i64,
    /// When it was created.
    pub created_at: i64,
}

/// Every event, newest first, with its sales so far.
pub fn list(conn: &Connection) -> StoreResult<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS}, is_open, is_demo, created_at,
             (SELECT count(*) FROM orders o WHERE o.event_id = events.id AND o.training = 0),
             (SELECT COALESCE(sum(total_minor), 0) FROM orders o WHERE o.event_id = events.id AND o.training = 0)
         FROM events ORDER BY id DESC"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(read_event(r).map(|event| {
            Ok::<_, rusqlite::Error>(EventRow {
                event,
                open: r.get(16)?,
                demo: r.get(17)?,
                created_at: r.get(18)?,
                orders: r.get(19)?,
                sales_minor: r.get(20)?,
            })
        }))
    })?;
    rows.map(|row| row?.and_then(|r| r.map_err(StoreError::from)))
        .collect()
}

/// Writes the set-up fields of an event (new events get them right after [`insert`]).
pub fn set_setup(conn: &Connection, event_id: i64, s: &CheckedSetup) -> StoreResult<()> {
    let rates = s
        .vat_rates
        .iter()
        .map(|r| r.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    conn.prepare_cached(
        "UPDATE events SET name = ?2, venue = ?3, time_zone = ?4, currency = ?5,
             prices_include_vat = ?6, vat_rates = ?7, receipt_header = ?8, receipt_footer = ?9,
             terms = ?10
         WHERE id = ?1",
    )?
    .execute(params![
        event_id,
        s.name,
        s.venue,
        s.time_zone,
        s.currency.code(),
        s.vat_mode == VatMode::Inclusive,
        rates,
        s.receipt_header,
        s.receipt_footer,
        s.terms
    ])?;
    Ok(())
}

/// Makes `event_id` the event open at the kiosk; the one open before is closed (it stays
/// readable). False when there is no such event.
pub fn open(conn: &Connection, event_id: i64, now: i64) -> StoreResult<bool> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE id = ?1)")?
        .query_row([event_id], |r| r.get(0))?;
    if !exists {
        return Ok(false);
    }
    conn.prepare_cached(
        "UPDATE events SET is_open = 0, closed_at = ?2 WHERE is_open = 1 AND id <> ?1",
    )?
    .execute(params![event_id, now])?;
    conn.prepare_cached("UPDATE events SET is_open = 1, closed_at = NULL WHERE id = ?1")?
        .execute([event_id])?;
    Ok(true)
}

/// Whether an order was ever sold at the event (its currency is then fixed).
pub fn has_orders(conn: &Connection, event_id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM orders WHERE event_id = ?1)")?
        .query_row([event_id], |r| r.get(0))?)
}

/// The fee of each tender method at the event (methods without a row cost nothing).
pub fn fees(conn: &Connection, event_id: i64) -> StoreResult<Vec<(TenderKind, Fee)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, percent_bp, fixed_minor FROM tender_fees WHERE event_id = ?1 ORDER BY kind",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, percent_bp, fixed) = row?;
        let kind: TenderKind = kind.parse().map_err(|_| corrupt("fee kind", &kind))?;
        Ok((kind, Fee { percent_bp, fixed }))
    })
    .collect()
}

/// Sets the fee of one tender method.
pub fn set_fee(conn: &Connection, event_id: i64, kind: TenderKind, fee: &Fee) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO tender_fees (event_id, kind, percent_bp, fixed_minor) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (event_id, kind) DO UPDATE SET percent_bp = ?3, fixed_minor = ?4",
    )?
    .execute(params![event_id, kind.name(), fee.percent_bp, fee.fixed])?;
    Ok(())
}

/// The codes of the event's stations, in order of first use.
pub fn stations(conn: &Connection, event_id: i64) -> StoreResult<Vec<String>> {
    let mut stmt =
        // Training ledgers (T1 for K1) number practice sales; they are no seats.
        conn.prepare_cached(&format!("SELECT code FROM stations WHERE event_id = ?1 AND NOT {} ORDER BY id", super::training::IS_LEDGER))?;
    let rows = stmt.query_map([event_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a demo event exists already.
pub fn has_demo(conn: &Connection) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE is_demo = 1)")?
        .query_row([], |r| r.get(0))?)
}

/// The station row id for `code` at this event, created on first use.
/// True when the event is in the file.
pub fn event_exists(conn: &Connection, event_id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE id = ?1)")?
        .query_row([event_id], |r| r.get(0))?)
}

/// The station's row id, made on first use.
pub fn ensure_station(conn: &Connection, event_id: i64, code: &str) -> StoreResult<i64> {
    conn.prepare_cached("INSERT INTO stations (event_id, code) VALUES (?1, ?2) ON CONFLICT (event_id, code) DO NOTHING")?.execute(params![event_id, code],
    )?;
    Ok(conn
        .prepare_cached("SELECT id FROM stations WHERE event_id = ?1 AND code = ?2")?
        .query_row(params![event_id, code], |r| r.get(0))?)
}

/// The station row id for `code` at this event, if it has one (nothing is created).
pub fn station_id(conn: &Connection, event_id: i64, code: &str) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM stations WHERE event_id = ?1 AND code = ?2")?
        .query_row(params![event_id, code], |r| r.get(0))
        .optional()?)
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
