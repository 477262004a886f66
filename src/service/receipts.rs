//! Finding receipts and issuing invoices: read the receipt, lay it out elsewhere.

use serde_json::json;

use super::{Pos, PosError, PosResult, Role};
use crate::domain::field::FieldError;
use crate::domain::invoice::{Invoice, check_buyer};
use crate::domain::order::{Receipt, ReceiptNo};
use crate::domain::search::{Found, SEARCH_LIMIT, parse_query, time_windows};
use crate::fonts;
use crate::store::orders::{self, OrderKey};
use crate::store::{invoices, search};

impl Pos {
    /// The receipt to print: the first print of it is the original, every later one a COPY
    /// (counted in one gated write, with an audit entry). Read-only, nothing can be counted, so
    /// it prints as a COPY.
    pub fn print_receipt(&mut self, number: &ReceiptNo) -> PosResult<Receipt> {
        let mut receipt = self.receipt(number)?;
        if self.store.is_read_only() {
            receipt.copy = true;
            return Ok(receipt);
        }
        let (event_id, currency) = (self.event.id, self.event.currency);
        let before = self.write(Role::Helper, |w| {
            let order = orders::load(w.tx(), event_id, OrderKey::Receipt(number), currency)?
                .ok_or_else(|| PosError::NoReceipt(number.to_string()))?;
            let before = orders::count_print(w.tx(), &order.order_id)?;
            w.log(
                "receipt.print",
                &number.to_string(),
                json!({ "print": before + 1, "copy": before > 0 }),
            )?;
            Ok(before)
        })?;
        receipt.copy = before > 0;
        Ok(receipt)
    }

    /// The event's receipts matching a typed query (a receipt number, payment reference, amount,
    /// offer title or local time or range), newest first, at most [`SEARCH_LIMIT`] listed.
    pub fn search_receipts(&self, query: &str) -> PosResult<Found> {
        let q = parse_query(query, self.event.currency)?;
        let conn = self.store.conn();
        let windows = match q.minutes {
            Some(minutes) => match search::paid_span(conn, self.event.id)? {
                Some((first, last)) => time_windows(minutes, first, last, &self.event.time_zone),
                None => Vec::new(),
            },
            None => Vec::new(),
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

impl Pos {
    /// The invoice for a receipt, counted as printed: the first print issues it to `buyer`
    /// (required then) and is the original; every later print is a COPY made out to the buyer
    /// it was issued to (typing another buyer is refused). A training sale gets none.
    pub fn invoice(
        &mut self,
        number: &ReceiptNo,
        buyer: Option<(&str, &str)>,
    ) -> PosResult<Invoice> {
        let receipt = self.receipt(number)?;
        if receipt.training {
            return Err(PosError::Refused(format!(
                "{number} is a training sale: it gets no invoice"
            )));
        }
        let buyer = match buyer {
            Some((name, address)) => {
                let b = check_buyer(name, address)?;
                fonts::check("buyer name", &b.name)?;
                fonts::check("buyer address", &b.address)?;
                Some(b)
            }
            None => None,
        };
        let (event_id, currency) = (self.event.id, self.event.currency);
        self.write(Role::Helper, |w| {
            let (tx, now) = (w.tx(), w.at());
            let order = orders::load(tx, event_id, OrderKey::Receipt(number), currency)?
                .ok_or_else(|| PosError::NoReceipt(number.to_string()))?;
            let (buyer, issued_at) = match (invoices::get(tx, &order.order_id)?, buyer) {
                (Some(done), Some(typed)) if typed != done.buyer => {
                    return Err(PosError::Invalid(FieldError::new(
                        "buyer name",
                        format!(
                            "the invoice for {number} was issued to {}; a copy keeps its buyer",
                            done.buyer.name
                        ),
                    )));
                }
                (Some(done), _) => (done.buyer, done.issued_at),
                (None, Some(typed)) => {
                    invoices::issue(tx, &order.order_id, &typed, now)?;
                    (typed, now)
                }
                (None, None) => {
                    return Err(PosError::Invalid(FieldError::new(
                        "buyer name",
                        format!("{number} has no invoice yet: type the buyer's name and address"),
                    )));
                }
            };
            let before = invoices::count_print(tx, &order.order_id)?;
            let action = if before == 0 {
                "invoice"
            } else {
                "invoice.copy"
            };
            let detail =
                json!({ "receipt": number.to_string(), "buyer": buyer.name, "print": before + 1 });
            w.log(action, &number.to_string(), detail)?;
            Ok(Invoice {
                receipt,
                buyer,
                issued_at,
                copy: before > 0,
            })
        })
    }
}
