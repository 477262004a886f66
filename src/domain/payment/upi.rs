//! UPI (India) `upi://pay` links as the NPCI linking specification defines them.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{PaymentError, field};
use crate::domain::money::{Currency, Money};

/// RFC 3986 unreserved characters stay as they are; everything else (spaces as %20) is encoded.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Checks the payee address (`name@handle`) and name.
pub fn validate(vpa: &str, name: &str) -> Result<(), PaymentError> {
    let vpa = vpa.trim();
    let Some((user, handle)) = vpa.split_once('@') else {
        return Err(field("UPI address", "name@bank, e.g. artist@okaxis"));
    };
    let user_ok = (2..=256).contains(&user.len())
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c));
    let handle_ok =
        (2..=64).contains(&handle.len()) && handle.chars().all(|c| c.is_ascii_alphabetic());
    if !user_ok || !handle_ok {
        return Err(field("UPI address", "name@bank, e.g. artist@okaxis"));
    }
    if name.trim().is_empty() || name.trim().chars().count() > 99 {
        return Err(field("UPI name", "1 to 99 characters"));
    }
    Ok(())
}

/// `upi://pay?pa=…&pn=…&am=…&cu=INR&tn=…&tr=…` with every value percent-encoded.
pub fn build(
    vpa: &str,
    name: &str,
    amount: Money,
    note: &str,
    reference: &str,
) -> Result<String, PaymentError> {
    validate(vpa, name)?;
    if amount.currency != Currency::Inr {
        return Err(field(
            "amount",
            format!("UPI takes INR, not {}", amount.currency),
        ));
    }
    if amount.minor <= 0 {
        return Err(field("amount", "must be more than zero"));
    }
    let enc = |s: &str| utf8_percent_encode(s.trim(), VALUE).to_string();
    // The address is validated to letters, digits, `.-_` and one `@`, all allowed in a query as is.
    let mut link = format!(
        "upi://pay?pa={}&pn={}&am={}&cu=INR",
        vpa.trim(),
        enc(name),
        amount.plain()
    );
    if !note.trim().is_empty() {
        link.push_str(&format!("&tn={}", enc(note)));
    }
    if !reference.trim().is_empty() {
        link.push_str(&format!("&tr={}", enc(reference)));
    }
    Ok(link)
}

/// The link for one order: the reference is both the transaction reference and the note.
pub fn link(vpa: &str, name: &str, amount: Money, reference: &str) -> Result<String, PaymentError> {
    build(vpa, name, amount, reference, reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_a_published_link() {
        // pub.dev upi_link 0.1.1 README example.
        let expected = "upi://pay?pa=chaipoint@okaxis&pn=Chai%20Point&am=149.50&cu=INR&tn=Order%2042&tr=ORD-42";
        let built = build(
            "chaipoint@okaxis",
            "Chai Point",
            Money::new(14950, Currency::Inr),
            "Order 42",
            "ORD-42",
        );
        assert_eq!(built.unwrap(), expected);
    }

    #[test]
    fn bad_fields_are_named() {
        let inr = Money::new(100, Currency::Inr);
        assert!(
            build("no-at-sign", "A", inr, "", "")
                .unwrap_err()
                .to_string()
                .starts_with("UPI address:")
        );
        assert!(build("a@b1", "A", inr, "", "").is_err());
        assert!(
            build("ab@okaxis", " ", inr, "", "")
                .unwrap_err()
                .to_string()
                .starts_with("UPI name:")
        );
        assert!(
            build("ab@okaxis", "A", Money::new(100, Currency::Eur), "", "")
                .unwrap_err()
                .to_string()
                .contains("INR")
        );
    }
}
