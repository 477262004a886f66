//! Money as an integer count of minor units in an ISO-4217 currency, and strict parsing of typed amounts.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The largest amount Encore accepts anywhere, in major units (keeps sums far from i64 overflow).
const MAX_MAJOR: i64 = 999_999_999;

/// A currency Encore can sell in: ISO-4217 code, minor units and symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
    /// US dollar.
    Usd,
    /// Brazilian real.
    Brl,
    /// Indian rupee.
    Inr,
    /// Japanese yen (no minor unit).
    Jpy,
    /// Singapore dollar.
    Sgd,
    /// Thai baht.
    Thb,
    /// Malaysian ringgit.
    Myr,
}

impl Currency {
    /// Every supported currency, for pickers and parsing.
    pub const ALL: [Currency; 9] = [
        Currency::Eur,
        Currency::Gbp,
        Currency::Usd,
        Currency::Brl,
        Currency::Inr,
        Currency::Jpy,
        Currency::Sgd,
        Currency::Thb,
        Currency::Myr,
    ];

    /// The ISO-4217 alphabetic code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Usd => "USD",
            Currency::Brl => "BRL",
            Currency::Inr => "INR",
            Currency::Jpy => "JPY",
            Currency::Sgd => "SGD",
            Currency::Thb => "THB",
            Currency::Myr => "MYR",
        }
    }

    /// How many decimal digits the minor unit has.
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Jpy => 0,
            _ => 2,
        }
    }

    /// The symbol a fan recognises.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Gbp => "£",
            Currency::Usd => "$",
            Currency::Brl => "R$",
            Currency::Inr => "₹",
            Currency::Jpy => "¥",
            Currency::Sgd => "S$",
            Currency::Thb => "THB ",
            Currency::Myr => "RM",
        }
    }

    /// The ISO-4217 numeric code, as EMV payment QR codes carry it.
    pub fn numeric(self) -> &'static str {
        match self {
            Currency::Eur => "978",
            Currency::Gbp => "826",
            Currency::Usd => "840",
            Currency::Brl => "986",
            Currency::Inr => "356",
            Currency::Jpy => "392",
            Currency::Sgd => "702",
            Currency::Thb => "764",
            Currency::Myr => "458",
        }
    }

    /// Looks a currency up by its ISO-4217 numeric code.
    pub fn from_numeric(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.numeric() == code.trim())
    }

    /// Looks a currency up by its ISO-4217 code (case-insensitive).
    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }

    fn scale(self) -> i64 {
        10_i64.pow(self.minor_digits())
    }

    /// The largest amount in minor units.
    pub fn max_minor(self) -> i64 {
        MAX_MAJOR * self.scale() + (self.scale() - 1)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount of money: integer minor units in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Count of minor units (cents); negative only for refunds and change owed.
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// Builds an amount from minor units.
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// The amount without symbol, with the currency's decimals: `12.50`.
    pub fn plain(&self) -> String {
        let digits = self.currency.minor_digits() as usize;
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs}");
        }
        let scale = self.currency.scale().unsigned_abs();
        format!("{sign}{}.{:0digits$}", abs / scale, abs % scale)
    }
}

impl fmt::Display for Money {
    /// Symbol then amount: `€12.50`, `-€7.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.plain();
        match plain.strip_prefix('-') {
            Some(rest) => write!(f, "-{}{}", self.currency.symbol(), rest),
            None => write!(f, "{}{}", self.currency.symbol(), plain),
        }
    }
}

/// Why a typed amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was typed.
    #[error("enter an amount")]
    Empty,
    /// A character that has no place in an amount.
    #[error(
        "'{0}' is not allowed in an amount; type digits with one decimal separator, like 12.50"
    )]
    BadCharacter(char),
    /// A symbol or code of another currency.
    #[error("that amount is not in {expected}")]
    WrongCurrency {
        /// The currency the amount must be in.
        expected: Currency,
    },
    /// Negative amounts are never typed by hand.
    #[error("the amount must not be negative")]
    Negative,
    /// More decimals than the currency has, or separators that could mean two things.
    #[error(
        "'{input}' is ambiguous: {currency} amounts have {digits} decimals; type it like {example}"
    )]
    Ambiguous {
        /// What was typed.
        input: String,
        /// The currency.
        currency: Currency,
        /// Its decimals.
        digits: u32,
        /// A correctly typed example.
        example: String,
    },
    /// Larger than Encore handles.
    #[error("the amount is too large (at most {max})")]
    TooLarge {
        /// The largest accepted amount.
        max: String,
    },
}

/// The rules an amount's number part keeps in every currency: no minus, only digits and the
/// separators `.` and `,`.
pub fn check_digits(body: &str) -> Result<(), AmountError> {
    if body.starts_with('-') {
        return Err(AmountError::Negative);
    }
    match body
        .chars()
        .find(|c| !(c.is_ascii_digit() || *c == '.' || *c == ','))
    {
        Some(bad) => Err(AmountError::BadCharacter(bad)),
        None => Ok(()),
    }
}

/// Parses what a person typed ("12,50", "12.5", "€12.50", "1,234.50") strictly into minor units.
pub fn parse_amount(input: &str, currency: Currency) -> Result<Money, AmountError> {
    let body = strip_currency(input.trim(), currency)?;
    if body.is_empty() {
        return Err(AmountError::Empty);
    }
    check_digits(body)?;
    let ambiguous = || AmountError::Ambiguous {
        input: input.trim().to_string(),
        currency,
        digits: currency.minor_digits(),
        example: Money::new(1250 * currency.scale() / 100, currency).plain(),
    };
    let (int_part, frac_part) = split_decimal(body, currency).ok_or_else(ambiguous)?;
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(AmountError::Empty);
    }
    let digits = currency.minor_digits() as usize;
    if frac_part.len() > digits {
        return Err(ambiguous());
    }
    let too_large = || AmountError::TooLarge {
        max: Money::new(currency.max_minor(), currency).to_string(),
    };
    let major: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| too_large())?
    };
    if major > MAX_MAJOR {
        return Err(too_large());
    }
    let mut frac: i64 = 0;
    for i in 0..digits {
        let d = frac_part
            .as_bytes()
            .get(i)
            .map_or(0, |b| i64::from(b - b'0'));
        frac = frac * 10 + d;
    }
    Ok(Money::new(major * currency.scale() + frac, currency))
}

/// Removes a leading or trailing symbol/code of `currency`; refuses another currency's.
fn strip_currency(s: &str, currency: Currency) -> Result<&str, AmountError> {
    for marker in [currency.code(), currency.symbol()] {
        if let Some(rest) = s.strip_prefix(marker) {
            return Ok(rest.trim());
        }
        if let Some(rest) = s.strip_suffix(marker) {
            return Ok(rest.trim());
        }
        let lower = marker.to_ascii_lowercase();
        if let Some(rest) = s.strip_prefix(lower.as_str()) {
            return Ok(rest.trim());
        }
    }
    let foreign = Currency::ALL
        .iter()
        .any(|c| s.contains(c.symbol()) || s.to_ascii_uppercase().contains(c.code()));
    if foreign {
        return Err(AmountError::WrongCurrency { expected: currency });
    }
    Ok(s)
}

/// Splits into integer digits and fraction digits, allowing 3-digit thousands groups only when
/// the other separator marks the decimals. Returns None when the separators are ambiguous.
fn split_decimal(s: &str, currency: Currency) -> Option<(String, String)> {
    let seps: Vec<(usize, char)> = s
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .collect();
    match seps.as_slice() {
        [] => Some((s.to_string(), String::new())),
        [(i, _)] => {
            let (int, frac) = (&s[..*i], &s[i + 1..]);
            // "1.250" in a 2-decimal currency could be 1.25 or 1250: refuse rather than guess.
            if frac.len() > currency.minor_digits() as usize {
                return None;
            }
            Some((int.to_string(), frac.to_string()))
        }
        [.., (last_i, last_c)] => {
            let groups_sep = seps[0].1;
            let grouped = &seps[..seps.len() - 1];
            let decimal_is_other = *last_c != groups_sep;
            let all_grouping_same = grouped.iter().all(|(_, c)| *c == groups_sep);
            if !all_grouping_same || (!decimal_is_other && seps.len() > 1) {
                return None;
            }
            let int_with_groups = &s[..*last_i];
            let mut parts = int_with_groups.split(groups_sep);
            let first = parts.next()?;
            if first.is_empty() || first.len() > 3 || parts.clone().any(|p| p.len() != 3) {
                return None;
            }
            let int: String = int_with_groups
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            Some((int, s[last_i + 1..].to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Result<i64, AmountError> {
        parse_amount(s, Currency::Eur).map(|m| m.minor)
    }

    #[test]
    fn accepts_what_people_type() {
        assert_eq!(eur("12,50"), Ok(1250));
        assert_eq!(eur("12.5"), Ok(1250));
        assert_eq!(eur("€12.50"), Ok(1250));
        assert_eq!(eur("12.50 €"), Ok(1250));
        assert_eq!(eur("EUR 12.50"), Ok(1250));
        assert_eq!(eur("20"), Ok(2000));
        assert_eq!(eur(" 0,05 "), Ok(5));
        assert_eq!(eur(".50"), Ok(50));
        assert_eq!(eur("1,234.50"), Ok(123_450));
        assert_eq!(eur("1.234,50"), Ok(123_450));
        assert_eq!(eur("1,234,567.00"), Ok(123_456_700));
    }

    #[test]
    fn refuses_what_is_ambiguous_or_wrong() {
        assert!(matches!(eur("1.250"), Err(AmountError::Ambiguous { .. })));
        assert!(matches!(eur("1,25,0"), Err(AmountError::Ambiguous { .. })));
        assert!(matches!(
            eur("1.234.50"),
            Err(AmountError::Ambiguous { .. })
        ));
        assert!(matches!(
            eur("12.345,5.5"),
            Err(AmountError::Ambiguous { .. })
        ));
        assert_eq!(eur(""), Err(AmountError::Empty));
        assert_eq!(eur("€"), Err(AmountError::Empty));
        assert_eq!(eur("-5"), Err(AmountError::Negative));
        assert_eq!(eur("12a"), Err(AmountError::BadCharacter('a')));
        assert_eq!(eur("12 50"), Err(AmountError::BadCharacter(' ')));
        assert_eq!(
            eur("£12"),
            Err(AmountError::WrongCurrency {
                expected: Currency::Eur
            })
        );
        assert!(matches!(
            eur("99999999999"),
            Err(AmountError::TooLarge { .. })
        ));
    }

    #[test]
    fn yen_has_no_decimals() {
        assert_eq!(
            parse_amount("1200", Currency::Jpy).map(|m| m.minor),
            Ok(1200)
        );
        assert!(parse_amount("12.5", Currency::Jpy).is_err());
        assert_eq!(Money::new(1200, Currency::Jpy).to_string(), "¥1200");
    }

    #[test]
    fn formats_with_symbol_and_decimals() {
        assert_eq!(Money::new(1250, Currency::Eur).to_string(), "€12.50");
        assert_eq!(Money::new(-750, Currency::Eur).to_string(), "-€7.50");
        assert_eq!(Money::new(5, Currency::Inr).to_string(), "₹0.05");
        assert_eq!(Money::new(1250, Currency::Eur).plain(), "12.50");
    }

    #[test]
    fn messages_name_the_rule() {
        let err = eur("1.250").unwrap_err().to_string();
        assert!(err.contains("2 decimals"), "{err}");
    }
}
