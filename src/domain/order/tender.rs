//! Tenders and change: what one method or a split pays, and how much cash a till takes.

use super::{Tender, TenderError, TenderKind};
use crate::domain::field::{FieldError, FieldResult};
use crate::domain::money::Money;

/// Most change one cash sale gives, in major units: a large note for a small sale, never a
/// mistyped extra digit that would record a fortune in change.
pub const MAX_CHANGE_MAJOR: i64 = 500;

/// Checks cash handed over against the total: at most the total plus [`MAX_CHANGE_MAJOR`] (the
/// kiosk's cash entry and `encore sell --tendered` keep the same rule).
pub fn check_tendered(tendered: Money, total: Money) -> FieldResult<()> {
    let slack = MAX_CHANGE_MAJOR.saturating_mul(10_i64.pow(total.currency.minor_digits()));
    let most = Money::new(total.minor.saturating_add(slack), total.currency);
    if tendered.minor > most.minor {
        return Err(FieldError::new(
            "tendered",
            format!(
                "at most {most} for a total of {total} (change of at most {})",
                Money::new(slack, total.currency)
            ),
        ));
    }
    Ok(())
}

/// Settles `total` with one tender. Cash may exceed the total and gives change; QR and card pay
/// exactly the total.
pub fn settle(
    total: Money,
    kind: TenderKind,
    tendered: Option<Money>,
) -> Result<Tender, TenderError> {
    let tendered = match (kind, tendered) {
        (TenderKind::Cash, Some(t)) => t,
        (_, Some(_)) => {
            return Err(FieldError::new(
                "tendered",
                format!(
                    "only cash takes an amount handed over; {} pays exactly the total",
                    kind.label().to_lowercase()
                ),
            )
            .into());
        }
        (_, None) => total,
    };
    if tendered.currency != total.currency {
        return Err(TenderError::Currency {
            want: total.currency,
            got: tendered.currency,
        });
    }
    if tendered.minor < total.minor {
        return Err(TenderError::TooLittle { tendered, total });
    }
    check_tendered(tendered, total)?;
    Ok(Tender {
        kind,
        tendered,
        change: Money::new(tendered.minor - total.minor, total.currency),
        reference: None,
    })
}

/// Settles `total` in parts (split tender): each of `parts` pays exactly its amount, and the last
/// method pays what is left (cash may give change on that rest). The parts together must leave
/// something for the last method, so a split never records a zero tender.
pub fn settle_split(
    total: Money,
    parts: &[(TenderKind, Money)],
    last: TenderKind,
    last_tendered: Option<Money>,
) -> Result<Vec<Tender>, TenderError> {
    let mut tenders = Vec::with_capacity(parts.len() + 1);
    let mut left = total.minor;
    for &(kind, amount) in parts {
        if amount.currency != total.currency {
            return Err(TenderError::Currency {
                want: total.currency,
                got: amount.currency,
            });
        }
        if amount.minor <= 0 {
            return Err(TenderError::Split(format!(
                "a part must be more than {}",
                Money::new(0, total.currency)
            )));
        }
        if amount.minor >= left {
            return Err(TenderError::Split(format!(
                "{amount} by {} leaves nothing to pay; take the whole {} by one method",
                kind.label().to_lowercase(),
                Money::new(left, total.currency)
            )));
        }
        left -= amount.minor;
        tenders.push(Tender {
            kind,
            tendered: amount,
            change: Money::new(0, total.currency),
            reference: None,
        });
    }
    tenders.push(settle(
        Money::new(left, total.currency),
        last,
        last_tendered,
    )?);
    Ok(tenders)
}
