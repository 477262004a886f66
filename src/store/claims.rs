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
    /// Key that signed it.
    pub key_id: u8,
    /// End of validity.
    pub valid_until: Option<Timestamp>,
}

/// Inserts a claim and returns its row id.
pub fn insert(conn: &Connection, c: &NewClaim<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO claims (code, order_id, offer_id, station_id, serial, quantity, key_id, valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        c.code,
        c.order_id,
        c.offer_id,
        c.station_id,
        c.serial,
        c.quantity,
        c.key_id,
        c.valid_until.map(|t| t.as_second())
    ])?;
    Ok(conn.last_insert_rowid())
}

/// One redemption of a claim (some of its units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionRow {
    /// Row id.
    pub id: i64,
    /// Claim row.
    pub claim_id: i64,
    /// A drop: held for the fan first, then handed over.
    pub two_step: bool,
    /// The claim's canonical code.
    pub code: String,
    /// Offer title.
    pub title: String,
    /// Units taken.
    pub units: u32,
    /// Held for the fan, not yet handed over (drops).
    pub held: bool,
    /// When.
    pub at: Timestamp,
    /// Station code.
    pub station: String,
    /// Helper's name, if the station has one set.
    pub helper: String,
    /// When it was handed over.
    pub handed_at: Option<Timestamp>,
    /// When it was undone.
    pub undone_at: Option<Timestamp>,
}

/// A stored claim with what happened to it.
pub struct ClaimRecord {
    /// Row id.
    pub id: i64,
    /// Offer title.
    pub title: String,
    /// Whether the offer is a drop (two-step hand-over).
    pub is_drop: bool,
    /// Units the code was issued for.
    pub quantity: u32,
    /// Units refunded.
    pub revoked_units: u32,
    /// When a refund revoked the whole remainder.
    pub revoked: Option<Timestamp>,
    /// End of validity.
    pub valid_until: Option<Timestamp>,
    /// Live (not undone) redemptions, oldest first.
    pub redemptions: Vec<RedemptionRow>,
}

impl ClaimRecord {
    /// Units still to redeem.
    pub fn units_left(&self) -> u32 {
        let used: u32 = self.redemptions.iter().map(|r| r.units).sum();
        self.quantity.saturating_sub(used + self.revoked_units)
    }
}

fn ts(name: &str, secs: Option<i64>) -> StoreResult<Option<Timestamp>> {
    secs.map(|s| Timestamp::from_second(s).map_err(|_| corrupt(name, s)))
        .transpose()
}

/// Looks a canonical code up.
pub fn find(conn: &Connection, code: &str) -> StoreResult<Option<ClaimRecord>> {
    let row = conn
        .prepare_cached(
            "SELECT c.id, o.title, o.kind = 'drop', c.quantity, c.revoked_units, c.revoked_at, c.valid_until
             FROM claims c JOIN offers o ON o.id = c.offer_id WHERE c.code = ?1",
        )?
        .query_row([code], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })
        .optional()?;
    let Some((id, title, is_drop, quantity, revoked_units, revoked, valid_until)) = row else {
        return Ok(None);
    };
    let redemptions = log(conn, &LogFilter::Claim(id))?
        .into_iter()
        .filter(|r| r.undone_at.is_none())
        .collect();
    Ok(Some(ClaimRecord {
        id,
        title,
        is_drop,
        quantity,
        revoked_units,
        revoked: ts("revoked_at", revoked)?,
        valid_until: ts("valid_until", valid_until)?,
        redemptions,
    }))
}

/// A redemption as written.
pub struct NewRedemption<'a> {
    /// Claim row.
    pub claim_id: i64,
    /// Units taken.
    pub units: u32,
    /// Held for the fan (drops) rather than handed over at once.
    pub held: bool,
    /// When.
    pub at: Timestamp,
    /// Station code.
    pub station: &'a str,
    /// Helper's name.
    pub helper: &'a str,
}

/// Records a redemption and returns its id. The caller checked the units left in the same
/// immediate transaction.
pub fn redeem(conn: &Connection, r: &NewRedemption<'_>) -> StoreResult<i64> {
    conn.prepare_cached(
        "INSERT INTO redemptions (claim_id, units, state, redeemed_at, station, helper, handed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?3 = 'handed' THEN ?4 END)",
    )?
    .execute(params![
        r.claim_id,
        r.units,
        if r.held { "held" } else { "handed" },
        r.at.as_second(),
        r.station,
        r.helper
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Marks a held redemption handed over; false when it was not held (or was undone).
pub fn hand_over(conn: &Connection, redemption_id: i64, at: Timestamp) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE redemptions SET state = 'handed', handed_at = ?2
             WHERE id = ?1 AND state = 'held' AND undone_at IS NULL
               AND (SELECT revoked_at FROM claims WHERE id = claim_id) IS NULL",
        )?
        .execute(params![redemption_id, at.as_second()])?
        == 1)
}

/// Takes a hand-over back: the units are held for the fan again.
pub fn undo_hand_over(conn: &Connection, redemption_id: i64) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE redemptions SET state = 'held', handed_at = NULL
             WHERE id = ?1 AND state = 'handed' AND undone_at IS NULL",
        )?
        .execute([redemption_id])?
        == 1)
}

/// Undoes a live redemption; false when it was undone already.
pub fn undo(conn: &Connection, redemption_id: i64, at: Timestamp) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE redemptions SET undone_at = ?2 WHERE id = ?1 AND undone_at IS NULL",
        )?
        .execute(params![redemption_id, at.as_second()])?
        == 1)
}

/// What the redemption log shows.
pub enum LogFilter<'a> {
    /// Every redemption of one claim.
    Claim(i64),
    /// One redemption.
    Id(i64),
    /// The event's redemptions whose code contains the fragment, or whose offer title does,
    /// at or after `since`, newest first.
    Search {
        /// Event id.
        event_id: i64,
        /// Code fragment or offer title fragment (case-insensitive); empty for all.
        text: &'a str,
        /// Earliest instant.
        since: Option<Timestamp>,
        /// Most rows.
        limit: u32,
    },
}

/// Redemptions, undone ones included.
pub fn log(conn: &Connection, filter: &LogFilter<'_>) -> StoreResult<Vec<RedemptionRow>> {
    let select = "SELECT r.id, c.code, o.title, r.units, r.state = 'held', r.redeemed_at, r.station,
                         r.helper, r.handed_at, r.undone_at, r.claim_id, o.kind = 'drop'
                  FROM redemptions r JOIN claims c ON c.id = r.claim_id JOIN offers o ON o.id = c.offer_id";
    let map = |r: &rusqlite::Row<'_>| {
        Ok((
            (
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, bool>(4)?,
            ),
            (
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<i64>>(8)?,
                r.get::<_, Option<i64>>(9)?,
            ),
            (r.get::<_, i64>(10)?, r.get::<_, bool>(11)?),
        ))
    };
    let rows: Vec<_> = match filter {
        LogFilter::Claim(id) => conn
            .prepare_cached(&format!("{select} WHERE r.claim_id = ?1 ORDER BY r.id"))?
            .query_map([id], map)?
            .collect::<Result<_, _>>()?,
        LogFilter::Id(id) => conn
            .prepare_cached(&format!("{select} WHERE r.id = ?1"))?
            .query_map([id], map)?
            .collect::<Result<_, _>>()?,
        LogFilter::Search {
            event_id,
            text,
            since,
            limit,
        } => {
            let pattern = format!("%{}%", text.trim());
            conn.prepare_cached(&format!(
                "{select} WHERE o.event_id = ?1 AND (c.code LIKE ?2 OR o.title LIKE ?2) AND r.redeemed_at >= ?3
                 ORDER BY r.id DESC LIMIT ?4"
            ))?
            .query_map(
                params![event_id, pattern, since.map_or(0, |t| t.as_second()), limit],
                map,
            )?
            .collect::<Result<_, _>>()?
        }
    };
    rows.into_iter()
        .map(
            |(
                (id, code, title, units, held),
                (at, station, helper, handed, undone),
                (claim_id, two_step),
            )| {
                Ok(RedemptionRow {
                    id,
                    claim_id,
                    two_step,
                    code,
                    title,
                    units,
                    held,
                    at: Timestamp::from_second(at).map_err(|_| corrupt("redeemed_at", at))?,
                    station,
                    helper,
                    handed_at: ts("handed_at", handed)?,
                    undone_at: ts("undone_at", undone)?,
                })
            },
        )
        .collect()
}
