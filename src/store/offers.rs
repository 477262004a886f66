//! The catalogue's offers and their remaining units.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{StoreError, StoreResult, corrupt};
use crate::domain::catalogue::{Offer, OfferKind, VatRate};
use crate::domain::money::{Currency, Money};

const COLUMNS: &str =
    "id, title, kind, price_minor, vat_bp, duration_mins, capacity, stock, go_live_at,
    close_at, per_fan_limit, remaining, lane,
    (SELECT COALESCE(sum(qty), 0) FROM holds WHERE holds.offer_id = offers.id), grants_priority";

/// Inserts an offer with all its units remaining; returns its id.
pub fn insert(conn: &Connection, event_id: i64, offer: &Offer, sort: i64) -> StoreResult<i64> {
    let (duration, capacity, stock, go_live, close, limit) = match &offer.kind {
        OfferKind::Gig {
            duration_mins,
            capacity,
        } => (
            Some(*duration_mins),
            Some(*capacity),
            None,
            None,
            None,
            None,
        ),
        OfferKind::Drop {
            stock,
            go_live,
            close,
            per_fan_limit,
        } => (
            None,
            None,
            Some(*stock),
            Some(go_live.as_second()),
            close.map(|c| c.as_second()),
            *per_fan_limit,
        ),
        OfferKind::Item => (None, None, None, None, None, None),
    };
    conn.prepare_cached("INSERT INTO offers (event_id, title, kind, price_minor, vat_bp, duration_mins, capacity, stock,
             go_live_at, close_at, per_fan_limit, remaining, lane, sort, grants_priority)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")?.execute(params![
            event_id,
            offer.title,
            offer.kind.name(),
            offer.price.minor,
            offer.vat.0,
            duration,
            capacity,
            stock,
            go_live,
            close,
            limit,
            offer.kind.initial_units(),
            offer.lane.map(String::from),
            sort,
            offer.grants_priority
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every offer of the event, in catalogue order.
pub fn list(conn: &Connection, event_id: i64, currency: Currency) -> StoreResult<Vec<Offer>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM offers WHERE event_id = ?1 ORDER BY sort, id"
    ))?;
    let rows = stmt.query_map([event_id], |r| Ok(read(r, currency)))?;
    rows.map(|r| r.map_err(StoreError::from).and_then(|o| o))
        .collect()
}

/// One offer of the event.
pub fn get(
    conn: &Connection,
    event_id: i64,
    offer_id: i64,
    currency: Currency,
) -> StoreResult<Option<Offer>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM offers WHERE event_id = ?1 AND id = ?2"
    ))?;
    stmt.query_row(params![event_id, offer_id], |r| Ok(read(r, currency)))
        .optional()?
        .transpose()
}

/// Takes `qty` units if that many remain; false when fewer are left. Unlimited offers always succeed.
pub fn take_units(conn: &Connection, offer_id: i64, qty: u32) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE offers SET remaining = remaining - ?2
         WHERE id = ?1 AND (remaining IS NULL OR remaining >= ?2)",
        )?
        .execute(params![offer_id, qty])?;
    Ok(changed == 1)
}

fn read(r: &Row<'_>, currency: Currency) -> StoreResult<Offer> {
    let id: i64 = r.get(0)?;
    let kind: String = r.get(2)?;
    let ts = |col: usize| -> StoreResult<Option<Timestamp>> {
        r.get::<_, Option<i64>>(col)?
            .map(|s| Timestamp::from_second(s).map_err(|_| corrupt("instant", s)))
            .transpose()
    };
    let need = |v: Option<u32>, what: &str| {
        v.ok_or_else(|| corrupt(what, format!("missing on offer {id}")))
    };
    let kind = match kind.as_str() {
        "gig" => OfferKind::Gig {
            duration_mins: need(r.get(5)?, "duration_mins")?,
            capacity: need(r.get(6)?, "capacity")?,
        },
        "drop" => OfferKind::Drop {
            stock: need(r.get(7)?, "stock")?,
            go_live: ts(8)?
                .ok_or_else(|| corrupt("go_live_at", format!("missing on offer {id}")))?,
            close: ts(9)?,
            per_fan_limit: r.get(10)?,
        },
        "item" => OfferKind::Item,
        other => return Err(corrupt("offer kind", other)),
    };
    let lane: Option<String> = r.get(12)?;
    Ok(Offer {
        id,
        title: r.get(1)?,
        price: Money::new(r.get(3)?, currency),
        vat: VatRate(r.get(4)?),
        kind,
        remaining: r.get(11)?,
        lane: lane.and_then(|l| l.chars().next()),
        held: r.get(13)?,
        grants_priority: r.get(14)?,
    })
}

/// The sort position after the event's last offer.
pub fn next_sort(conn: &Connection, event_id: i64) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(sort), -1) + 1 FROM offers WHERE event_id = ?1")?
        .query_row([event_id], |r| r.get(0))?)
}

/// Gives `qty` units back (a hold released or not used); unlimited offers stay unlimited.
pub fn give_units(conn: &Connection, offer_id: i64, qty: u32) -> StoreResult<()> {
    conn.prepare_cached("UPDATE offers SET remaining = remaining + ?2 WHERE id = ?1")?
        .execute(params![offer_id, qty])?;
    Ok(())
}
