//! Payment-link templates (Stripe, PayPal, Ko-fi …): `{amount}`, `{amount_minor}`, `{currency}`
//! and `{ref}` are filled in, percent-encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{PaymentError, field};
use crate::domain::money::Money;

const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Checks that the template is a web link with an amount placeholder.
pub fn validate(template: &str) -> Result<(), PaymentError> {
    if !(template.starts_with("https://") || template.starts_with("http://")) {
        return Err(field("payment link", "must start with https://"));
    }
    if !template.contains("{amount}") && !template.contains("{amount_minor}") {
        return Err(field(
            "payment link",
            "must contain {amount} or {amount_minor}",
        ));
    }
    if template.chars().any(char::is_whitespace) {
        return Err(field("payment link", "must not contain spaces"));
    }
    Ok(())
}

/// Fills the placeholders.
pub fn fill(template: &str, amount: Money, reference: &str) -> Result<String, PaymentError> {
    validate(template)?;
    let enc = |s: &str| utf8_percent_encode(s, VALUE).to_string();
    Ok(template
        .replace("{amount_minor}", &amount.minor.to_string())
        .replace("{amount}", &enc(&amount.plain()))
        .replace("{currency}", amount.currency.code())
        .replace("{ref}", &enc(reference)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn placeholders_are_filled_and_encoded() {
        let t = "https://pay.example/ada?amt={amount}&c={currency}&m={amount_minor}&note={ref}";
        let filled = fill(t, Money::new(1250, Currency::Eur), "ENC 7F3K2Q").unwrap();
        assert_eq!(
            filled,
            "https://pay.example/ada?amt=12.50&c=EUR&m=1250&note=ENC%207F3K2Q"
        );
        assert!(validate("ftp://x/{amount}").is_err());
        assert!(validate("https://x/").is_err());
    }
}
