//! Fans and members: the salt for hashing contacts, member rows and their credit, and what a
//! fan bought before (for per-fan limits and "welcome back").

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::fan::{FanId, MemberCode};
use crate::domain::money::{Currency, Money};

/// The database's salt for fan ids.
pub fn salt(conn: &Connection) -> StoreResult<Vec<u8>> {
    Ok(conn
        .prepare_cached("SELECT fan_salt FROM house WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

/// A member as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Row id.
    pub id: i64,
    /// The code on their card.
    pub code: MemberCode,
    /// Name or handle.
    pub name: String,
    /// Hashed contact, if given.
    pub fan_id: Option<FanId>,
    /// Credit left to spend.
    pub credit: Money,
    /// When they joined.
    pub joined_at: Timestamp,
    /// Orders bought as this member (at any event).
    pub orders: u32,
}

/// A member with their order count (kept by the `members_order_count_*` triggers).
pub(super) const MEMBER: &str =
    "SELECT m.id, m.code_number, m.name, m.fan_id, m.credit_minor, m.currency, m.joined_at,
        m.order_count FROM members m";

fn read(r: &rusqlite::Row<'_>) -> StoreResult<Member> {
    let number: i64 = r.get(1)?;
    let currency: String = r.get(5)?;
    let joined: i64 = r.get(6)?;
    Ok(Member {
        id: r.get(0)?,
        code: MemberCode::from_number(
            u64::try_from(number).map_err(|_| corrupt("member code", number))?,
        ),
        name: r.get(2)?,
        fan_id: r.get::<_, Option<String>>(3)?.map(FanId),
        credit: Money::new(
            r.get(4)?,
            Currency::from_code(&currency).ok_or_else(|| corrupt("currency", &currency))?,
        ),
        joined_at: Timestamp::from_second(joined).map_err(|_| corrupt("joined_at", joined))?,
        orders: r.get(7)?,
    })
}

/// The member with this code.
pub fn by_code(conn: &Connection, code: &MemberCode) -> StoreResult<Option<Member>> {
    let number = i64::try_from(code.number()).unwrap_or(i64::MAX);
    conn.prepare_cached(&format!("{MEMBER} WHERE m.code_number = ?1"))?
        .query_row([number], |r| Ok(read(r)))
        .optional()?
        .transpose()
}

/// The member with this hashed contact.
pub fn by_fan(conn: &Connection, fan: &FanId) -> StoreResult<Option<Member>> {
    conn.prepare_cached(&format!("{MEMBER} WHERE m.fan_id = ?1"))?
        .query_row([&fan.0], |r| Ok(read(r)))
        .optional()?
        .transpose()
}

/// The member with this id.
pub fn get(conn: &Connection, id: i64) -> StoreResult<Option<Member>> {
    conn.prepare_cached(&format!("{MEMBER} WHERE m.id = ?1"))?
        .query_row([id], |r| Ok(read(r)))
        .optional()?
        .transpose()
}

/// Every member, newest first.
pub fn list(conn: &Connection) -> StoreResult<Vec<Member>> {
    let mut stmt = conn.prepare_cached(&format!("{MEMBER} ORDER BY m.id DESC"))?;
    let rows = stmt.query_map([], |r| Ok(read(r)))?;
    rows.map(|r| r?).collect()
}

/// Adds a member; false when the code number is taken (the caller draws another).
pub fn insert(
    conn: &Connection,
    code: &MemberCode,
    name: &str,
    fan: Option<&FanId>,
    currency: Currency,
    at: Timestamp,
) -> StoreResult<Option<i64>> {
    let number = i64::try_from(code.number()).unwrap_or(i64::MAX);
    let changed = conn
        .prepare_cached(
            "INSERT INTO members (code_number, name, fan_id, currency, joined_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (code_number) DO NOTHING",
        )?
        .execute(params![number, name, fan.map(|f| &f.0), currency.code(), at.as_second()])?;
    Ok((changed == 1).then(|| conn.last_insert_rowid()))
}

/// Adds credit (or takes it, with a negative amount) if the balance stays at 0 or more;
/// false when it would not.
pub fn move_credit(conn: &Connection, member_id: i64, by_minor: i64) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE members SET credit_minor = credit_minor + ?2
             WHERE id = ?1 AND credit_minor + ?2 >= 0",
        )?
        .execute(params![member_id, by_minor])?;
    Ok(changed == 1)
}

/// Units of an offer this fan bought before and kept (refunded units do not count).
pub fn units_bought(conn: &Connection, fan: &FanId, offer_id: i64) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(sum(l.qty - COALESCE((SELECT sum(rl.qty) FROM refund_lines rl
                     JOIN refunds r ON r.id = rl.refund_id
                     WHERE r.order_id = l.order_id AND rl.line_no = l.line_no), 0)), 0)
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.fan_id = ?1 AND l.offer_id = ?2",
        )?
        .query_row(params![&fan.0, offer_id], |r| r.get(0))?)
}

/// Orders this fan bought before, at any event.
pub fn orders_of(conn: &Connection, fan: &FanId) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM orders WHERE fan_id = ?1")?
        .query_row([&fan.0], |r| r.get(0))?)
}

/// Records who bought an order.
pub fn set_order_fan(
    conn: &Connection,
    order_id: &str,
    fan: &FanId,
    member_id: Option<i64>,
) -> StoreResult<()> {
    conn.prepare_cached("UPDATE orders SET fan_id = ?2, member_id = ?3 WHERE id = ?1")?
        .execute(params![order_id, &fan.0, member_id])?;
    Ok(())
}

/// The member who bought an order, if any.
pub fn order_member(conn: &Connection, order_id: &str) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT member_id FROM orders WHERE id = ?1")?
        .query_row([order_id], |r| r.get(0))
        .optional()?
        .flatten())
}
