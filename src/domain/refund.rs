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
/// An offer on several lines (a capped discount, a bundle part) is refunded from its lines in
/// receipt order. Each returned line carries the refunded units and their share of its discount.
pub fn plan(
    lines: &[RefundableLine],
    wanted: Option<&[(i64, u32)]>,
) -> Result<Vec<(u32, Line)>, RefundError> {
    let left = |l: &RefundableLine| l.line.qty.saturating_sub(l.refunded);
    let mut taken: Vec<u32> = vec![0; lines.len()];
    match wanted {
        None => {
            for (t, l) in taken.iter_mut().zip(lines) {
                *t = left(l);
            }
        }
        Some(wanted) => {
            for &(offer_id, qty) in wanted.iter().filter(|w| w.1 > 0) {
                let of_offer: Vec<usize> = (0..lines.len())
                    .filter(|i| lines[*i].line.offer_id == offer_id)
                    .collect();
                let Some(first) = of_offer.first() else {
                    return Err(RefundError::NotOnReceipt(offer_id));
                };
                let free: u32 = of_offer.iter().map(|i| left(&lines[*i]) - taken[*i]).sum();
                if qty > free {
                    return Err(RefundError::TooMany {
                        title: lines[*first].line.title.clone(),
                        left: free,
                    });
                }
                let mut need = qty;
                for i in of_offer {
                    let take = need.min(left(&lines[i]) - taken[i]);
                    taken[i] += take;
                    need -= take;
                }
            }
        }
    }
    let picked: Vec<(u32, Line)> = lines
        .iter()
        .zip(taken)
        .filter(|(_, t)| *t > 0)
        .map(|(l, t)| (l.line_no, l.line.units(l.refunded, t)))
        .collect();
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
    fn an_offer_on_two_lines_is_refunded_from_both() {
        let mut discounted = line(1, 7, 2, 0);
        discounted.line.discount = 200;
        let lines = [discounted, line(2, 7, 1, 0), line(3, 8, 1, 0)];
        let plan = plan(&lines, Some(&[(7, 1), (7, 2)])).unwrap();
        let got: Vec<(u32, u32, i64)> = plan.iter().map(|(n, l)| (*n, l.qty, l.discount)).collect();
        assert_eq!(got, vec![(1, 2, 200), (2, 1, 0)]);
        let all = super::plan(&lines, None).unwrap();
        assert_eq!(
            all.iter().map(|(_, l)| l.amount().minor).sum::<i64>(),
            800 + 500 + 500
        );
        assert!(matches!(
            super::plan(&lines, Some(&[(7, 4)])),
            Err(RefundError::TooMany { left: 3, .. })
        ));
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
