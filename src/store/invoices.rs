//! Invoices: the buyer an order's invoice is made out to, and how often it was printed.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::invoice::Buyer;

/// An order's invoice as stored: its buyer, when it was issued, and how often it was printed.
pub struct StoredInvoice {
    /// Who it is made out to.
    pub buyer: Buyer,
    /// First issued.
    pub issued_at: Timestamp,
    /// Prints so far.
    pub printed: u32,
}

/// The order's invoice, if one was issued.
pub fn get(conn: &Connection, order_id: &str) -> StoreResult<Option<StoredInvoice>> {
    let row: Option<(String, String, i64, u32)> = conn
        .prepare_cached(
            "SELECT buyer_name, buyer_address, issued_at, printed FROM invoices WHERE order_id = ?1",
        )?
        .query_row([order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    row.map(|(name, address, at, printed)| {
        Ok(StoredInvoice {
            buyer: Buyer { name, address },
            issued_at: Timestamp::from_second(at).map_err(|_| corrupt("issued_at", at))?,
            printed,
        })
    })
    .transpose()
}

/// Issues the order's invoice to `buyer` (not printed yet).
pub fn issue(conn: &Connection, order_id: &str, buyer: &Buyer, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO invoices (order_id, buyer_name, buyer_address, issued_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![order_id, buyer.name, buyer.address, at.as_second()])?;
    Ok(())
}

/// Counts one print of the order's invoice; gives the prints before this one.
pub fn count_print(conn: &Connection, order_id: &str) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached(
            "UPDATE invoices SET printed = printed + 1 WHERE order_id = ?1 RETURNING printed - 1",
        )?
        .query_row([order_id], |r| r.get(0))?)
}
