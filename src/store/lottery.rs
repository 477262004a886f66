//! Lottery drops: the lottery of a drop, its entries with their buy codes and draw places, and
//! the offers made to drawn fans.

use crate::domain::event::Zone;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{StoreResult, corrupt};
use crate::domain::fan::FanId;
use crate::domain::lottery::{BuyCode, Seed};

/// A drop's lottery as the store keeps it, with what the service needs around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotteryRow {
    /// The drop.
    pub offer_id: i64,
    /// The drop's title.
    pub title: String,
    /// The time zone of the drop's event (for times in messages).
    pub time_zone: Zone,
    /// Entries close at this instant.
    pub enter_until: Timestamp,
    /// Minutes a drawn fan has to buy.
    pub window_mins: u32,
    /// The seed and instant of the draw, once drawn.
    pub drawn: Option<(Seed, Timestamp)>,
    /// Fans entered.
    pub entries: u32,
}

const LOTTERY: &str =
    "SELECT l.offer_id, o.title, e.time_zone, l.enter_until, l.window_mins, l.seed,
        l.drawn_at, (SELECT count(*) FROM lottery_entries n WHERE n.offer_id = l.offer_id)
    FROM lotteries l JOIN offers o ON o.id = l.offer_id JOIN events e ON e.id = o.event_id";

fn instant(secs: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(secs).map_err(|_| corrupt("instant", secs))
}

fn read_lottery(r: &Row<'_>) -> StoreResult<LotteryRow> {
    let seed: Option<String> = r.get(5)?;
    let drawn_at: Option<i64> = r.get(6)?;
    let drawn = match (seed, drawn_at) {
        (Some(seed), Some(at)) => Some((
            seed.parse::<Seed>()
                .map_err(|_| corrupt("lottery seed", &seed))?,
            instant(at)?,
        )),
        _ => None,
    };
    Ok(LotteryRow {
        offer_id: r.get(0)?,
        title: r.get(1)?,
        time_zone: {
            let zone: String = r.get(2)?;
            Zone::named(&zone).map_err(|_| corrupt("time zone", &zone))?
        },
        enter_until: instant(r.get(3)?)?,
        window_mins: r.get(4)?,
        drawn,
        entries: r.get(7)?,
    })
}

/// The lottery of a drop, if it has one.
pub fn get(conn: &Connection, offer_id: i64) -> StoreResult<Option<LotteryRow>> {
    conn.prepare_cached(&format!(
        "{LOTTERY} WHERE l.offer_id = ?1 AND l.ended_at IS NULL"
    ))?
    .query_row([offer_id], |r| Ok(read_lottery(r)))
    .optional()?
    .transpose()
}

/// The lotteries of an event, in catalogue order.
pub fn list(conn: &Connection, event_id: i64) -> StoreResult<Vec<LotteryRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{LOTTERY} WHERE o.event_id = ?1 AND l.ended_at IS NULL ORDER BY o.sort, o.id"
    ))?;
    let rows = stmt.query_map([event_id], |r| Ok(read_lottery(r)))?;
    rows.map(|r| r?).collect()
}

/// Makes a drop a lottery, or changes when entries close and the buy window (before the draw).
pub fn set(
    conn: &Connection,
    offer_id: i64,
    enter_until: Timestamp,
    window_mins: u32,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO lotteries (offer_id, enter_until, window_mins) VALUES (?1, ?2, ?3)
         ON CONFLICT (offer_id) DO UPDATE SET enter_until = ?2, window_mins = ?3, ended_at = NULL",
    )?
    .execute(params![offer_id, enter_until.as_second(), window_mins])?;
    Ok(())
}

/// Units of an offer on paid orders (refunded ones included): a drop that sold is no lottery.
pub fn units_sold(conn: &Connection, offer_id: i64) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(sum(qty), 0) FROM order_lines WHERE offer_id = ?1")?
        .query_row([offer_id], |r| r.get(0))?)
}

fn code_of(number: i64) -> StoreResult<BuyCode> {
    u32::try_from(number)
        .map(BuyCode::from_number)
        .map_err(|_| corrupt("buy code", number))
}

fn code_number(code: &BuyCode) -> i64 {
    i64::from(code.number())
}

/// The buy code this fan got when they entered this drop's lottery.
pub fn entry_code(conn: &Connection, offer_id: i64, fan: &FanId) -> StoreResult<Option<BuyCode>> {
    conn.prepare_cached(
        "SELECT code_number FROM lottery_entries WHERE offer_id = ?1 AND fan_id = ?2",
    )?
    .query_row(params![offer_id, &fan.0], |r| r.get::<_, i64>(0))
    .optional()?
    .map(code_of)
    .transpose()
}

/// Enters a fan with a buy code; false when the code is taken (the caller draws another).
pub fn insert_entry(
    conn: &Connection,
    offer_id: i64,
    fan: &FanId,
    code: &BuyCode,
    at: Timestamp,
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO lottery_entries (offer_id, fan_id, code_number, entered_at)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code_number) DO NOTHING",
        )?
        .execute(params![offer_id, &fan.0, code_number(code), at.as_second()])?;
    Ok(changed == 1)
}

/// Every fan entered in a drop's lottery, in the order they entered.
pub fn entries(conn: &Connection, offer_id: i64) -> StoreResult<Vec<FanId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fan_id FROM lottery_entries WHERE offer_id = ?1 ORDER BY entered_at, rowid",
    )?;
    let rows = stmt.query_map([offer_id], |r| r.get(0).map(FanId))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The draw order as recorded by the draw (empty before it).
pub fn drawn_order(conn: &Connection, offer_id: i64) -> StoreResult<Vec<FanId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fan_id FROM lottery_entries WHERE offer_id = ?1 AND draw_rank IS NOT NULL
         ORDER BY draw_rank",
    )?;
    let rows = stmt.query_map([offer_id], |r| r.get(0).map(FanId))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records the draw: its seed and instant, and each entered fan's place in `order`. False when
/// the lottery was drawn before.
pub fn record_draw(
    conn: &Connection,
    offer_id: i64,
    seed: &Seed,
    at: Timestamp,
    order: &[FanId],
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE lotteries SET seed = ?2, drawn_at = ?3 WHERE offer_id = ?1 AND drawn_at IS NULL",
        )?
        .execute(params![offer_id, seed.to_string(), at.as_second()])?;
    if changed != 1 {
        return Ok(false);
    }
    let mut stmt = conn.prepare_cached(
        "UPDATE lottery_entries SET draw_rank = ?3 WHERE offer_id = ?1 AND fan_id = ?2",
    )?;
    for (rank, fan) in (0_i64..).zip(order) {
        stmt.execute(params![offer_id, &fan.0, rank])?;
    }
    Ok(true)
}

/// A unit offered to a drawn fan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRow {
    /// Who.
    pub fan: FanId,
    /// The buy code they got when they entered.
    pub code: BuyCode,
    /// When their window started.
    pub offered_at: Timestamp,
    /// The order they bought it with, if they did.
    pub order_id: Option<String>,
}

const OFFERS: &str = "SELECT f.fan_id, e.code_number, f.offered_at, f.order_id
    FROM lottery_offers f JOIN lottery_entries e ON e.offer_id = f.offer_id AND e.fan_id = f.fan_id";

fn read_offer(r: &Row<'_>) -> StoreResult<OfferRow> {
    Ok(OfferRow {
        fan: FanId(r.get(0)?),
        code: code_of(r.get(1)?)?,
        offered_at: instant(r.get(2)?)?,
        order_id: r.get(3)?,
    })
}

/// The offers made in a drop's lottery, in draw order.
pub fn offers(conn: &Connection, offer_id: i64) -> StoreResult<Vec<OfferRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{OFFERS} WHERE f.offer_id = ?1 ORDER BY e.draw_rank"
    ))?;
    let rows = stmt.query_map([offer_id], |r| Ok(read_offer(r)))?;
    rows.map(|r| r?).collect()
}

/// The offer made to this fan in a drop's lottery, if any.
pub fn offer_of(conn: &Connection, offer_id: i64, fan: &FanId) -> StoreResult<Option<OfferRow>> {
    conn.prepare_cached(&format!("{OFFERS} WHERE f.offer_id = ?1 AND f.fan_id = ?2"))?
        .query_row(params![offer_id, &fan.0], |r| Ok(read_offer(r)))
        .optional()?
        .transpose()
}

/// Offers a unit to a drawn fan now.
pub fn insert_offer(
    conn: &Connection,
    offer_id: i64,
    fan: &FanId,
    at: Timestamp,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO lottery_offers (offer_id, fan_id, offered_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![offer_id, &fan.0, at.as_second()])?;
    Ok(())
}

/// Marks a fan's offer bought with an order; false when there is no such offer or it was
/// bought before.
pub fn mark_bought(
    conn: &Connection,
    offer_id: i64,
    fan: &FanId,
    order_id: &str,
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE lottery_offers SET order_id = ?3
             WHERE offer_id = ?1 AND fan_id = ?2 AND order_id IS NULL",
        )?
        .execute(params![offer_id, &fan.0, order_id])?;
    Ok(changed == 1)
}

/// Ends a drop's lottery: from now on it sells like any drop. Entries, the draw and its offers
/// stay for the record (and `encore lottery verify`).
pub fn end(conn: &Connection, offer_id: i64, at: Timestamp) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE lotteries SET ended_at = ?2 WHERE offer_id = ?1 AND ended_at IS NULL",
        )?
        .execute(params![offer_id, at.as_second()])?
        == 1)
}

/// Drawn lotteries of an event with an entered fan not offered a unit yet: the only ones a
/// lapsed window can roll over in.
pub fn rollable(conn: &Connection, event_id: i64) -> StoreResult<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.offer_id FROM lotteries l JOIN offers o ON o.id = l.offer_id
         WHERE o.event_id = ?1 AND l.drawn_at IS NOT NULL AND l.ended_at IS NULL AND EXISTS (
             SELECT 1 FROM lottery_entries e WHERE e.offer_id = l.offer_id AND NOT EXISTS (
                 SELECT 1 FROM lottery_offers f WHERE f.offer_id = e.offer_id AND f.fan_id = e.fan_id))
         ORDER BY l.offer_id",
    )?;
    let rows = stmt.query_map([event_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which drop and fan a typed buy code belongs to: `(offer id, fan)`.
pub fn fan_of_code(conn: &Connection, code: &BuyCode) -> StoreResult<Option<(i64, FanId)>> {
    Ok(conn
        .prepare_cached("SELECT offer_id, fan_id FROM lottery_entries WHERE code_number = ?1")?
        .query_row([code_number(code)], |r| Ok((r.get(0)?, FanId(r.get(1)?))))
        .optional()?)
}
