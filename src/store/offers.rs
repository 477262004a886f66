//! The catalogue's offers and their remaining units.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{StoreError, StoreResult, corrupt};
use crate::domain::catalogue::{Offer, OfferKind, TileLook, VatRate};
use crate::domain::money::{Currency, Money};
use crate::domain::pricing::Share;

const COLUMNS: &str =
    "id, title, kind, price_minor, vat_bp, duration_mins, capacity, stock, go_live_at,
    close_at, per_fan_limit, remaining, lane,
    (SELECT COALESCE(sum(qty), 0) FROM holds WHERE holds.offer_id = offers.id), grants_priority,
    emoji, colour, variant_of, cost_minor, archived, pass_credit_minor, key";

type KindColumns = (
    Option<u32>,
    Option<u32>,
    Option<u32>,
    Option<i64>,
    Option<i64>,
    Option<u32>,
);

/// Duration, capacity, stock, go-live, close and per-fan limit columns of a kind.
fn kind_columns(kind: &OfferKind) -> KindColumns {
    match kind {
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
    }
}

/// Inserts an offer with all its units remaining, under its key (a fresh UUID when it has
/// none); returns its id.
pub fn insert(conn: &Connection, event_id: i64, offer: &Offer, sort: i64) -> StoreResult<i64> {
    let (duration, capacity, stock, go_live, close, limit) = kind_columns(&offer.kind);
    let key = if offer.key.is_empty() {
        uuid::Uuid::new_v4().to_string()
    } else {
        offer.key.clone()
    };
    conn.prepare_cached("INSERT INTO offers (event_id, title, kind, price_minor, vat_bp, duration_mins, capacity, stock,
             go_live_at, close_at, per_fan_limit, remaining, lane, sort, grants_priority,
             emoji, colour, variant_of, cost_minor, pass_credit_minor, key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)")?.execute(params![
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
            offer.grants_priority,
            offer.look.emoji,
            offer.look.colour,
            offer.variant_of,
            offer.cost,
            offer.pass_credit,
            key
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Rewrites an offer's catalogue fields. Units already sold stay sold: `remaining` moves by the
/// change in capacity or stock, and never below 0. Orders keep their own copy of title and price.
pub fn update(conn: &Connection, event_id: i64, offer: &Offer) -> StoreResult<bool> {
    let (duration, capacity, stock, go_live, close, limit) = kind_columns(&offer.kind);
    let changed = conn
        .prepare_cached(
            "UPDATE offers SET title = ?3, kind = ?4, price_minor = ?5, vat_bp = ?6,
                 remaining = CASE
                     WHEN ?12 IS NULL THEN NULL
                     ELSE max(0, COALESCE(remaining, 0) + ?12 - COALESCE(capacity, stock, 0)) END,
                 duration_mins = ?7, capacity = ?8, stock = ?9, go_live_at = ?10, close_at = ?11,
                 per_fan_limit = ?13, lane = ?14, grants_priority = ?15, emoji = ?16, colour = ?17,
                 cost_minor = ?18, pass_credit_minor = ?19
             WHERE event_id = ?1 AND id = ?2",
        )?
        .execute(params![
            event_id,
            offer.id,
            offer.title,
            offer.kind.name(),
            offer.price.minor,
            offer.vat.0,
            duration,
            capacity,
            stock,
            go_live,
            close,
            offer.kind.initial_units(),
            limit,
            offer.lane.map(String::from),
            offer.grants_priority,
            offer.look.emoji,
            offer.look.colour,
            offer.cost,
            offer.pass_credit
        ])?;
    Ok(changed == 1)
}

/// Archives or restores an offer.
pub fn set_archived(
    conn: &Connection,
    event_id: i64,
    offer_id: i64,
    archived: bool,
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached("UPDATE offers SET archived = ?3 WHERE event_id = ?1 AND id = ?2")?
        .execute(params![event_id, offer_id, archived])?;
    Ok(changed == 1)
}

/// Writes the catalogue order: `ids` in their new order get sort 0, 1, 2 …
pub fn reorder(conn: &Connection, event_id: i64, ids: &[i64]) -> StoreResult<()> {
    let mut stmt =
        conn.prepare_cached("UPDATE offers SET sort = ?3 WHERE event_id = ?1 AND id = ?2")?;
    for (sort, id) in ids.iter().enumerate() {
        stmt.execute(params![
            event_id,
            id,
            i64::try_from(sort).unwrap_or(i64::MAX)
        ])?;
    }
    Ok(())
}

/// `(offer, suggestion)` pairs of the event: what the basket offers as one-tap additions.
pub fn cross_sells(conn: &Connection, event_id: i64) -> StoreResult<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.offer_id, c.suggest_id FROM cross_sells c JOIN offers o ON o.id = c.offer_id
         WHERE o.event_id = ?1 ORDER BY c.offer_id, c.rowid",
    )?;
    let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One offer's suggestions.
pub fn cross_sells_of(conn: &Connection, offer_id: i64) -> StoreResult<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached("SELECT suggest_id FROM cross_sells WHERE offer_id = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([offer_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces an offer's suggestions (offers of the same event only).
pub fn set_cross_sells(conn: &Connection, offer_id: i64, suggest: &[i64]) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM cross_sells WHERE offer_id = ?1")?
        .execute([offer_id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO cross_sells (offer_id, suggest_id)
         SELECT ?1, s.id FROM offers s JOIN offers o ON o.id = ?1
         WHERE s.id = ?2 AND s.event_id = o.event_id",
    )?;
    for id in suggest.iter().filter(|id| **id != offer_id) {
        stmt.execute(params![offer_id, id])?;
    }
    Ok(())
}

/// An offer's collaborator shares.
pub fn splits(conn: &Connection, offer_id: i64) -> StoreResult<Vec<(String, Share)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT collaborator, percent_bp, fixed_minor FROM offer_splits WHERE offer_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([offer_id], |r| {
        let (name, percent, fixed): (String, Option<u32>, Option<i64>) =
            (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok((name, percent, fixed))
    })?;
    rows.map(|row| {
        let (name, percent, fixed) = row?;
        let share = match (percent, fixed) {
            (Some(p), None) => Share::Percent(p),
            (None, Some(f)) => Share::Fixed(f),
            _ => return Err(corrupt("offer split", &name)),
        };
        Ok((name, share))
    })
    .collect()
}

/// Replaces an offer's collaborator shares.
pub fn set_splits(conn: &Connection, offer_id: i64, shares: &[(String, Share)]) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM offer_splits WHERE offer_id = ?1")?
        .execute([offer_id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO offer_splits (offer_id, collaborator, percent_bp, fixed_minor) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (name, share) in shares {
        let (percent, fixed) = match share {
            Share::Percent(p) => (Some(*p), None),
            Share::Fixed(f) => (None, Some(*f)),
        };
        stmt.execute(params![offer_id, name, percent, fixed])?;
    }
    Ok(())
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

/// The offers of the event with these ids, in the order asked (each once); ids of no offer of
/// the event are left out. A sale reads only its basket's offers this way, never the catalogue.
pub fn get_many(
    conn: &Connection,
    event_id: i64,
    ids: &[i64],
    currency: Currency,
) -> StoreResult<Vec<Offer>> {
    let mut out: Vec<Offer> = Vec::with_capacity(ids.len());
    for &id in ids {
        if out.iter().any(|o| o.id == id) {
            continue;
        }
        if let Some(offer) = get(conn, event_id, id, currency)? {
            out.push(offer);
        }
    }
    Ok(out)
}

/// The event's offer with this key.
pub fn by_key(
    conn: &Connection,
    event_id: i64,
    key: &str,
    currency: Currency,
) -> StoreResult<Option<Offer>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM offers WHERE event_id = ?1 AND key = ?2"
    ))?;
    stmt.query_row(params![event_id, key], |r| Ok(read(r, currency)))
        .optional()?
        .transpose()
}

/// The highest offer id in the database (every event's), 0 when there is none: the next
/// offer inserted gets the one after it.
pub fn max_id(conn: &Connection) -> StoreResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM offers")?
        .query_row([], |r| r.get(0))?)
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
        look: TileLook {
            emoji: r.get(15)?,
            colour: r.get(16)?,
        },
        variant_of: r.get(17)?,
        cost: r.get(18)?,
        archived: r.get(19)?,
        pass_credit: r.get(20)?,
        key: r.get(21)?,
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
