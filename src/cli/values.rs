//! Typed flag values. Clap runs these parsers, so a malformed value is bad usage (exit 2) that
//! names the flag and the rule; what needs the event (an amount's scale) is checked after opening.

use std::str::FromStr;

use crate::domain::field::FieldError;
use crate::domain::money::{AmountError, Currency, Money, parse_amount};
use crate::domain::order::{NotAReceiptNo, ReceiptNo, TenderKind};

/// An amount as the operator typed it: digits, separators, maybe a currency sign, checked for
/// shape. How many decimals it may have depends on the event's currency, so scaling waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedAmount {
    /// What was typed, trimmed.
    text: String,
    /// A leading minus (only flags that take one let it through).
    negative: bool,
}

impl TypedAmount {
    /// The amount in `currency`; the error names `field` and keeps the rule it broke.
    pub fn in_currency(
        &self,
        field: &'static str,
        currency: Currency,
    ) -> Result<Money, FieldError> {
        let money = parse_amount(&self.text, currency)
            .map_err(|e| FieldError::new(field, e.to_string()))?;
        Ok(if self.negative {
            Money::new(-money.minor, currency)
        } else {
            money
        })
    }
}

/// Clap parser for a CSV separator: one ASCII character (`--delimiter é` is bad usage).
pub fn delimiter(input: &str) -> Result<u8, FieldError> {
    crate::domain::reconcile::delimiter("--delimiter", input)
}

/// Clap parser for an amount that is never negative (`--tendered`, `--tip`, `--float`).
pub fn amount(input: &str) -> Result<TypedAmount, AmountError> {
    let text = input.trim();
    check_shape(text)?;
    Ok(TypedAmount {
        text: text.to_string(),
        negative: false,
    })
}

/// Clap parser for an amount that may take cash out: `-20` (`drawer move --amount`).
pub fn signed_amount(input: &str) -> Result<TypedAmount, AmountError> {
    let text = input.trim();
    match text.strip_prefix('-') {
        Some(rest) => amount(rest).map(|a| TypedAmount {
            negative: true,
            ..a
        }),
        None => amount(text),
    }
}

/// The rules that hold in every currency: something typed, only digits and separators besides
/// a currency sign or code, at least one digit, no minus.
fn check_shape(text: &str) -> Result<(), AmountError> {
    let body = strip_any_currency(text);
    crate::domain::money::check_digits(body)?;
    if !body.chars().any(|c| c.is_ascii_digit()) {
        return Err(AmountError::Empty);
    }
    Ok(())
}

/// Drops one leading or trailing sign or code of any currency Encore knows; whether it is the
/// event's currency is the second step's business.
fn strip_any_currency(text: &str) -> &str {
    let mut markers: Vec<&str> = Currency::ALL
        .iter()
        .flat_map(|c| [c.code(), c.symbol()])
        .collect();
    // "R$" and "S$" before "$".
    markers.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for marker in markers {
        let n = marker.len();
        if text.len() >= n {
            if text.is_char_boundary(n) && text[..n].eq_ignore_ascii_case(marker) {
                return text[n..].trim();
            }
            let at = text.len() - n;
            if text.is_char_boundary(at) && text[at..].eq_ignore_ascii_case(marker) {
                return text[..at].trim();
            }
        }
    }
    text
}

/// One part of a split tender, `METHOD=AMOUNT`, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitPart {
    /// The payment method's name; checked with the rest of the sale, since scripts read that
    /// refusal (exit 1, `split: unknown payment method …`).
    method: String,
    /// The part's amount.
    amount: TypedAmount,
}

impl SplitPart {
    /// The method and the amount in `currency`, or what is wrong, under the field `split`.
    pub fn resolve(&self, currency: Currency) -> Result<(TenderKind, Money), FieldError> {
        let kind = TenderKind::from_str(self.method.trim())
            .map_err(|e| FieldError::new("split", e.to_string()))?;
        Ok((kind, self.amount.in_currency("split", currency)?))
    }
}

/// Why a `METHOD=AMOUNT` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// No `=` in it.
    #[error("'{0}' should look like card=10.00")]
    Shape(String),
    /// The amount after the `=`.
    #[error(transparent)]
    Amount(#[from] AmountError),
}

/// Clap parser for `--split METHOD=AMOUNT`.
pub fn split_part(input: &str) -> Result<SplitPart, SplitError> {
    let (method, value) = input
        .split_once('=')
        .ok_or_else(|| SplitError::Shape(input.to_string()))?;
    Ok(SplitPart {
        method: method.trim().to_string(),
        amount: amount(value)?,
    })
}

/// Units of one offer to refund, `OFFER=QTY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundLine {
    /// The offer id.
    pub offer: i64,
    /// How many of its units.
    pub qty: u32,
}

/// Why an `OFFER=QTY` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not OFFER=QTY, e.g. 4=1")]
pub struct RefundLineError(String);

/// Clap parser for `refund --line OFFER=QTY`.
pub fn refund_line(input: &str) -> Result<RefundLine, RefundLineError> {
    let bad = || RefundLineError(input.to_string());
    let (offer, qty) = input.split_once('=').ok_or_else(bad)?;
    Ok(RefundLine {
        offer: offer.trim().parse().map_err(|_| bad())?,
        qty: qty.trim().parse().map_err(|_| bad())?,
    })
}

/// Why an `--order-id` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderIdError {
    /// Not a UUID at all.
    #[error("'{0}' is not a UUID, e.g. 0192f4c8-7b1e-7c3a-9d5e-2f4a6b8c0d1e (uuidgen makes one)")]
    Shape(String),
    /// The all-zero UUID: a placeholder, never one sale's own id.
    #[error("the nil UUID is a placeholder, not an order's own id")]
    Nil,
}

/// Clap parser for `sell --order-id UUID`: any UUID version, written the canonical way
/// (lower case, hyphenated), so the same id typed in capitals is the same order.
pub fn order_id(input: &str) -> Result<String, OrderIdError> {
    let id =
        uuid::Uuid::try_parse(input.trim()).map_err(|_| OrderIdError::Shape(input.to_string()))?;
    if id.is_nil() {
        return Err(OrderIdError::Nil);
    }
    Ok(id.hyphenated().to_string())
}

/// Which receipt: a number, or the station's latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptPick {
    /// The newest receipt of this station.
    Latest,
    /// This receipt.
    Number(ReceiptNo),
}

/// Clap parser for a receipt number or `latest`.
pub fn receipt_pick(input: &str) -> Result<ReceiptPick, NotAReceiptNo> {
    if input.trim().eq_ignore_ascii_case("latest") {
        return Ok(ReceiptPick::Latest);
    }
    input.parse().map(ReceiptPick::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_their_shape_and_scale_with_the_currency() {
        let tip = amount(" €1,50 ").unwrap();
        assert_eq!(tip.in_currency("tip", Currency::Eur).unwrap().minor, 150);
        assert_eq!(amount("12x"), Err(AmountError::BadCharacter('x')));
        assert_eq!(amount("€"), Err(AmountError::Empty));
        assert_eq!(amount("-5"), Err(AmountError::Negative));
        // Whether 1.250 is ambiguous depends on the currency: decided after opening.
        let typed = amount("1.250").unwrap();
        let e = typed.in_currency("tendered", Currency::Eur).unwrap_err();
        assert_eq!(e.field, "tendered");
        assert!(
            e.to_string().starts_with("tendered: '1.250' is ambiguous"),
            "{e}"
        );
        let dollars = amount("$5").unwrap();
        assert!(dollars.in_currency("tip", Currency::Eur).is_err());
        assert_eq!(
            dollars.in_currency("tip", Currency::Usd).unwrap().minor,
            500
        );
        assert_eq!(
            amount("R$ 5")
                .unwrap()
                .in_currency("tip", Currency::Brl)
                .unwrap()
                .minor,
            500
        );
    }

    #[test]
    fn a_signed_amount_takes_cash_out() {
        let out = signed_amount("-20").unwrap();
        assert_eq!(
            out.in_currency("amount", Currency::Eur).unwrap().minor,
            -2000
        );
        assert!(signed_amount("--20").is_err());
        assert!(amount("-20").is_err());
    }

    #[test]
    fn split_parts_and_refund_lines_parse_once() {
        let part = split_part("card=10").unwrap();
        assert_eq!(
            part.resolve(Currency::Eur).unwrap(),
            (TenderKind::Card, Money::new(1000, Currency::Eur))
        );
        assert!(matches!(split_part("card"), Err(SplitError::Shape(_))));
        assert!(matches!(split_part("card=ten"), Err(SplitError::Amount(_))));
        let cheque = split_part("cheque=5")
            .unwrap()
            .resolve(Currency::Eur)
            .unwrap_err();
        assert_eq!(
            cheque.to_string(),
            "split: unknown payment method 'cheque': use cash, qr, card or credit"
        );
        assert_eq!(
            refund_line(" 4 = 1 ").unwrap(),
            RefundLine { offer: 4, qty: 1 }
        );
        assert!(refund_line("4").is_err() && refund_line("x=1").is_err());
        assert_eq!(receipt_pick("LATEST").unwrap(), ReceiptPick::Latest);
        assert!(receipt_pick("K1-000001").is_ok() && receipt_pick("nope").is_err());
    }

    #[test]
    fn an_order_id_is_a_uuid_written_one_way() {
        let id = "0192F4C8-7B1E-7C3A-9D5E-2F4A6B8C0D1E";
        assert_eq!(
            order_id(id).unwrap(),
            "0192f4c8-7b1e-7c3a-9d5e-2f4a6b8c0d1e"
        );
        assert_eq!(
            order_id("0192f4c87b1e7c3a9d5e2f4a6b8c0d1e").unwrap(),
            order_id(id).unwrap()
        );
        assert_eq!(
            order_id("not-a-uuid"),
            Err(OrderIdError::Shape("not-a-uuid".into()))
        );
        assert!(order_id("0192f4c8-7b1e-7c3a-9d5e-2f4a6b8c0d1").is_err());
        assert_eq!(
            order_id("00000000-0000-0000-0000-000000000000"),
            Err(OrderIdError::Nil)
        );
    }
}
