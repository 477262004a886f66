//! Bundles and discount windows: what changes a price at the moment of sale.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::catalogue::Bundle;
use crate::domain::money::{Currency, Money};
use crate::domain::pricing::{Discount, DiscountOff};

/// Every bundle of the event (archived ones too), in catalogue order, with their parts.
pub fn bundles(conn: &Connection, event_id: i64, currency: Currency) -> StoreResult<Vec<Bundle>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, price_minor, emoji, archived FROM bundles WHERE event_id = ?1 ORDER BY sort, id",
    )?;
    let heads = stmt
        .query_map([event_id], |r| {
            Ok(Bundle {
                id: r.get(0)?,
                title: r.get(1)?,
                price: Money::new(r.get(2)?, currency),
                emoji: r.get(3)?,
                archived: r.get(4)?,
                parts: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut parts = conn.prepare_cached(
        "SELECT offer_id, qty FROM bundle_parts WHERE bundle_id = ?1 ORDER BY rowid",
    )?;
    heads
        .into_iter()
        .map(|mut b| {
            b.parts = parts
                .query_map([b.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            Ok(b)
        })
        .collect()
}

/// The event's bundles with these ids (archived ones too), in the order asked, with their
/// parts; ids of no bundle of the event are left out.
pub fn bundles_by_id(
    conn: &Connection,
    event_id: i64,
    ids: &[i64],
    currency: Currency,
) -> StoreResult<Vec<Bundle>> {
    let mut head = conn.prepare_cached(
        "SELECT id, title, price_minor, emoji, archived FROM bundles WHERE event_id = ?1 AND id = ?2",
    )?;
    let mut parts = conn.prepare_cached(
        "SELECT offer_id, qty FROM bundle_parts WHERE bundle_id = ?1 ORDER BY rowid",
    )?;
    let mut out: Vec<Bundle> = Vec::new();
    for &id in ids {
        if out.iter().any(|b| b.id == id) {
            continue;
        }
        let found = head
            .query_row(params![event_id, id], |r| {
                Ok(Bundle {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    price: Money::new(r.get(2)?, currency),
                    emoji: r.get(3)?,
                    archived: r.get(4)?,
                    parts: Vec::new(),
                })
            })
            .optional()?;
        if let Some(mut b) = found {
            b.parts = parts
                .query_map([b.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            out.push(b);
        }
    }
    Ok(out)
}

/// Inserts or rewrites a bundle (id 0 inserts) with its parts; returns its id.
pub fn save_bundle(conn: &Connection, event_id: i64, b: &Bundle) -> StoreResult<i64> {
    let id = if b.id == 0 {
        conn.prepare_cached(
            "INSERT INTO bundles (event_id, title, price_minor, emoji, sort)
             VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(sort), -1) + 1 FROM bundles WHERE event_id = ?1))",
        )?
        .execute(params![event_id, b.title, b.price.minor, b.emoji])?;
        conn.last_insert_rowid()
    } else {
        conn.prepare_cached(
            "UPDATE bundles SET title = ?3, price_minor = ?4, emoji = ?5, archived = ?6
             WHERE event_id = ?1 AND id = ?2",
        )?
        .execute(params![
            event_id,
            b.id,
            b.title,
            b.price.minor,
            b.emoji,
            b.archived
        ])?;
        if !of_event(conn, "bundles", event_id, b.id)? {
            return Err(corrupt("bundle of another event", b.id));
        }
        conn.prepare_cached("DELETE FROM bundle_parts WHERE bundle_id = ?1")?
            .execute([b.id])?;
        b.id
    };
    let mut stmt = conn.prepare_cached(
        "INSERT INTO bundle_parts (bundle_id, offer_id, qty) VALUES (?1, ?2, ?3)",
    )?;
    for (offer_id, qty) in &b.parts {
        stmt.execute(params![id, offer_id, qty])?;
    }
    Ok(id)
}

/// Whether row `id` of `table` (bundles or discounts) belongs to the event.
fn of_event(conn: &Connection, table: &str, event_id: i64, id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM {table} WHERE event_id = ?1 AND id = ?2)"
        ))?
        .query_row(params![event_id, id], |r| r.get(0))?)
}

/// Every discount window of the event that is not archived, with units sold under it so far.
pub fn discounts(conn: &Connection, event_id: i64) -> StoreResult<Vec<Discount>> {
    discounts_where(conn, event_id, None)
}

/// The discount windows as a sale of these offers needs them: each lists only those of
/// `offer_ids` it applies to, so a window over a large catalogue costs no more than a small one.
pub fn discounts_for(
    conn: &Connection,
    event_id: i64,
    offer_ids: &[i64],
) -> StoreResult<Vec<Discount>> {
    discounts_where(conn, event_id, Some(offer_ids))
}

/// The event's discounts with their uses so far, added up through `order_lines_discount_qty`
/// for a capped discount only: there they decide, and there are at most about as many lines as
/// the cap. An uncapped one (a night-long deal on thousands of lines) reads 0 uses, so a sale
/// never walks its lines.
pub(super) const DISCOUNTS: &str =
    "SELECT d.id, d.name, d.percent_bp, d.amount_minor, d.starts_at, d.ends_at, d.max_uses,
            CASE WHEN d.max_uses IS NULL THEN 0
                 ELSE (SELECT COALESCE(sum(l.qty), 0) FROM order_lines l WHERE l.discount_id = d.id)
            END
     FROM discounts d WHERE d.event_id = ?1 AND d.archived = 0 ORDER BY d.starts_at, d.id";

fn discounts_where(
    conn: &Connection,
    event_id: i64,
    only: Option<&[i64]>,
) -> StoreResult<Vec<Discount>> {
    let mut stmt = conn.prepare_cached(DISCOUNTS)?;
    let rows = stmt.query_map([event_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<u32>>(2)?,
            r.get::<_, Option<i64>>(3)?,
            (r.get::<_, i64>(4)?, r.get::<_, i64>(5)?),
            r.get::<_, Option<u32>>(6)?,
            r.get::<_, u32>(7)?,
        ))
    })?;
    let mut offers = conn.prepare_cached(
        "SELECT offer_id FROM discount_offers WHERE discount_id = ?1 ORDER BY offer_id",
    )?;
    let mut applies_to = conn
        .prepare_cached("SELECT 1 FROM discount_offers WHERE discount_id = ?1 AND offer_id = ?2")?;
    let ts = |s: i64| Timestamp::from_second(s).map_err(|_| corrupt("discount instant", s));
    rows.map(|row| {
        let (id, name, percent, amount, (starts, ends), max_uses, used) = row?;
        let off = match (percent, amount) {
            (Some(p), None) => DiscountOff::Percent(p),
            (None, Some(a)) => DiscountOff::Amount(a),
            _ => return Err(corrupt("discount", id)),
        };
        let offers = match only {
            None => offers
                .query_map([id], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
            Some(ids) => {
                let mut out: Vec<i64> = Vec::new();
                for &offer_id in ids {
                    if !out.contains(&offer_id) && applies_to.exists(params![id, offer_id])? {
                        out.push(offer_id);
                    }
                }
                out
            }
        };
        Ok(Discount {
            id,
            name,
            off,
            offers,
            starts: ts(starts)?,
            ends: ts(ends)?,
            max_uses,
            used,
        })
    })
    .collect()
}

/// Inserts or rewrites a discount window (id 0 inserts); returns its id.
pub fn save_discount(conn: &Connection, event_id: i64, d: &Discount) -> StoreResult<i64> {
    let (percent, amount) = match d.off {
        DiscountOff::Percent(p) => (Some(p), None),
        DiscountOff::Amount(a) => (None, Some(a)),
    };
    let id = if d.id == 0 {
        conn.prepare_cached(
            "INSERT INTO discounts (event_id, name, percent_bp, amount_minor, starts_at, ends_at, max_uses)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            event_id,
            d.name,
            percent,
            amount,
            d.starts.as_second(),
            d.ends.as_second(),
            d.max_uses
        ])?;
        conn.last_insert_rowid()
    } else {
        conn.prepare_cached(
            "UPDATE discounts SET name = ?3, percent_bp = ?4, amount_minor = ?5, starts_at = ?6,
                 ends_at = ?7, max_uses = ?8 WHERE event_id = ?1 AND id = ?2",
        )?
        .execute(params![
            event_id,
            d.id,
            d.name,
            percent,
            amount,
            d.starts.as_second(),
            d.ends.as_second(),
            d.max_uses
        ])?;
        if !of_event(conn, "discounts", event_id, d.id)? {
            return Err(corrupt("discount of another event", d.id));
        }
        conn.prepare_cached("DELETE FROM discount_offers WHERE discount_id = ?1")?
            .execute([d.id])?;
        d.id
    };
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO discount_offers (discount_id, offer_id) VALUES (?1, ?2)",
    )?;
    for offer_id in &d.offers {
        stmt.execute(params![id, offer_id])?;
    }
    Ok(id)
}

/// Ends a discount window at `now` (one not started yet is withdrawn). The window stays for the
/// orders that used it and for a fan who was shown its price just before.
pub fn end_discount(
    conn: &Connection,
    event_id: i64,
    id: i64,
    now: Timestamp,
) -> StoreResult<bool> {
    let now = now.as_second();
    Ok(conn
        .prepare_cached(
            "UPDATE discounts SET
                 archived = CASE WHEN starts_at >= ?3 THEN 1 ELSE archived END,
                 ends_at = CASE WHEN starts_at >= ?3 THEN ends_at ELSE min(ends_at, ?3) END
             WHERE event_id = ?1 AND id = ?2",
        )?
        .execute(params![event_id, id, now])?
        == 1)
}
