//! Claim codes and their redemptions.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};

/// A claim as stored.
pub struct NewClaim<'a> {
    /// Canonical code.
    pub code: &'a str,
    /// Order.
    pub order_id: &'a str,
    /// Offer.
    pub offer_id: i64,
    /// Issuing station row.
    pub station_id: i64,
    /// Serial at that station.
    pub serial: u32,
    /// Units.
    pub quantity: u32,
}

/// Inserts a claim and returns its row id.
pub fn insert(conn: &Connection, c: &NewClaim<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO claims (code, order_id, offer_id, station_id, serial, quantity) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![c.code, c.order_id, c.offer_id, c.station_id, c.serial, c.quantity])?;
    Ok(conn.last_insert_rowid())
}

/// A stored claim with its redemption, if any.
pub struct ClaimRecord {
    /// Row id.
    pub id: i64,
    /// Offer title.
    pub title: String,
    /// Units.
    pub quantity: u32,
    /// When and where it was redeemed.
    pub redeemed: Option<(Timestamp, String)>,
    /// When a refund revoked it.
    pub revoked: Option<Timestamp>,
}

/// Looks a canonical code up.
pub fn find(conn: &Connection, code: &str) -> StoreResult<Option<ClaimRecord>> {
    let row = conn
        .prepare_cached(
            "SELECT c.id, o.title, c.quantity, r.redeemed_at, r.station, c.revoked_at
             FROM claims c JOIN offers o ON o.id = c.offer_id
             LEFT JOIN redemptions r ON r.claim_id = c.id WHERE c.code = ?1",
        )?
        .query_row([code], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })
        .optional()?;
    let Some((id, title, quantity, at, station, revoked)) = row else {
        return Ok(None);
    };
    let redeemed = match (at, station) {
        (Some(at), Some(station)) => Some((
            Timestamp::from_second(at).map_err(|_| corrupt("redeemed_at", at))?,
            station,
        )),
        _ => None,
    };
    let revoked = revoked
        .map(|s| Timestamp::from_second(s).map_err(|_| corrupt("revoked_at", s)))
        .transpose()?;
    Ok(Some(ClaimRecord {
        revoked,
        id,
        title,
        quantity,
        redeemed,
    }))
}

/// Records the redemption; false when the claim was redeemed already (the primary key holds).
pub fn redeem(conn: &Connection, claim_id: i64, at: Timestamp, station: &str) -> StoreResult<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO redemptions (claim_id, redeemed_at, station) VALUES (?1, ?2, ?3)
         ON CONFLICT (claim_id) DO NOTHING",
        )?
        .execute(params![claim_id, at.as_second(), station])?;
    Ok(inserted == 1)
}
