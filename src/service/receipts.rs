//! Finding receipts and issuing invoices: read the receipt, lay it out elsewhere.

use super::{Pos, PosResult};
use crate::domain::search::{Found, SEARCH_LIMIT, parse_query, time_windows};
use crate::store::search;

impl Pos {
    /// The event's receipts matching a typed query (a receipt number, payment reference, amount,
    /// offer title or local time or range), newest first, at most [`SEARCH_LIMIT`] listed.
    pub fn search_receipts(&self, query: &str) -> PosResult<Found> {
        let q = parse_query(query, self.event.currency)?;
        let conn = self.store.conn();
        let windows = match (q.minutes, search::paid_span(conn, self.event.id)?) {
            (Some(minutes), Some((first, last))) => {
                time_windows(minutes, first, last, &self.event.time_zone)
            }
            _ => Vec::new(),
        };
        Ok(search::find(
            conn,
            self.event.id,
            &q,
            &windows,
            SEARCH_LIMIT,
            self.event.currency,
        )?)
    }
}
