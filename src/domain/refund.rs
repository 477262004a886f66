//! Refunds: which units of a receipt may still be refunded, and what a refund gives back.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::order::{Line, ReceiptNo, TenderKind};

/// An order line with how much of it was refunded before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundableLine {
    /// Line number on the receipt, from 1.
    pub line_no: u32,
    /// The line as sold.
    pub line: Line,
    /// Units refunded already.
    pub refunded: u32,
}

/// Why a refund cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// Everything was refunded before.
    #[error("everything on this receipt has been refunded already")]
    NothingLeft,
    /// More units than are left to refund.
    #[error("only {left} of {title} can still be refunded")]
    TooMany {
        /// Offer title.
        title: String,
        /// Units still refundable.
        left: u32,
    },
    /// The offer is not on this receipt.
    #[error("offer {0} is not on this receipt")]
    NotOnReceipt(i64),
}

/// The lines to refund: the whole remainder when `wanted` is None, else `(offer id, units)`.
/// Each returned line carries the refunded quantity.
pub fn plan(
    lines: &[RefundableLine],
    wanted: Option<&[(i64, u32)]>,
) -> Result<Vec<(u32, Line)>, RefundError> {
    let left = |l: &RefundableLine| l.line.qty.saturating_sub(l.refunded);
    let picked: Vec<(u32, Line)> = match wanted {
        None => lines
            .iter()
            .filter(|l| left(l) > 0)
            .map(|l| {
                (
                    l.line_no,
                    Line {
                        qty: left(l),
                        ..l.line.clone()
                    },
                )
            })
            .collect(),
        Some(wanted) => {
            let mut out = Vec::new();
            for &(offer_id, qty) in wanted.iter().filter(|w| w.1 > 0) {
                let l = lines
                    .iter()
                    .find(|l| l.line.offer_id == offer_id)
                    .ok_or(RefundError::NotOnReceipt(offer_id))?;
                if qty > left(l) {
                    return Err(RefundError::TooMany {
                        title: l.line.title.clone(),
                        left: left(l),
                    });
                }
                out.push((l.line_no, l.line.units(l.refunded, qty)));
            }
            out
        }
    };
    if picked.is_empty() {
        return Err(RefundError::NothingLeft);
    }
    Ok(picked)
}

/// A committed refund, as its receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// Refund number, gap-free per station: `K1-R000001`.
    pub number: String,
    /// The receipt refunded.
    pub original: ReceiptNo,
    /// When.
    pub refunded_at: Timestamp,
    /// Lines with the refunded quantities.
    pub lines: Vec<Line>,
    /// Money given back.
    pub amount: Money,
    /// How it goes back: cash from the drawer first, then the other methods the fan paid with.
    pub back: Vec<(TenderKind, Money)>,
    /// Why.
    pub reason: String,
    /// Claim units revoked by this refund (never handed over; their codes no longer cover them).
    pub revoked_units: u32,
}

impl Refund {
    /// How the money goes back, for the helper: "€20.00 cash + €10.00 by card".
    pub fn back_text(&self) -> String {
        self.back
            .iter()
            .map(|(kind, m)| match kind {
                TenderKind::Cash => format!("{m} cash"),
                other => format!("{m} by {}", other.label().to_lowercase()),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::VatRate;
    use crate::domain::money::Currency;

    fn line(no: u32, offer_id: i64, qty: u32, refunded: u32) -> RefundableLine {
        RefundableLine {
            line_no: no,
            line: Line {
                offer_id,
                title: format!("offer {offer_id}"),
                unit_price: Money::new(500, Currency::Eur),
                vat: VatRate(1900),
                qty,
                discount: 0,
                note: String::new(),
            },
            refunded,
        }
    }

    #[test]
    fn whole_order_takes_what_is_left() {
        let plan = plan(&[line(1, 7, 3, 1), line(2, 8, 1, 1)], None).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!((plan[0].0, plan[0].1.qty), (1, 2));
    }

    #[test]
    fn chosen_lines_are_checked() {
        let lines = [line(1, 7, 3, 1)];
        assert_eq!(plan(&lines, Some(&[(7, 2)])).unwrap()[0].1.qty, 2);
        assert_eq!(
            plan(&lines, Some(&[(7, 3)])),
            Err(RefundError::TooMany {
                title: "offer 7".into(),
                left: 2
            })
        );
        assert_eq!(
            plan(&lines, Some(&[(9, 1)])),
            Err(RefundError::NotOnReceipt(9))
        );
        assert_eq!(
            plan(&[line(1, 7, 1, 1)], None),
            Err(RefundError::NothingLeft)
        );
    }
}
