//! UPI (India) `upi://pay` links as the NPCI linking specification defines them.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::{PaymentError, field};
use crate::domain::field::FieldError;
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

/// A UPI link that does not decode: the parameter at fault and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("UPI parameter {param}: {rule}")]
pub struct UpiError {
    /// The parameter as the link names it (`am`, `pa`), or `link` for the whole.
    pub param: String,
    /// What is wrong.
    pub rule: String,
}

/// The parameters of the NPCI UPI linking specification, with what each holds.
const PARAMS: [(&str, &str); 12] = [
    ("pa", "payee address"),
    ("pn", "payee name"),
    ("mc", "merchant code"),
    ("tid", "transaction id"),
    ("tr", "transaction reference"),
    ("tn", "transaction note"),
    ("am", "amount"),
    ("mam", "minimum amount"),
    ("cu", "currency"),
    ("url", "reference URL"),
    ("mode", "mode"),
    ("purpose", "purpose"),
];

/// Longest link read: a QR code holds at most 2953 bytes anyway.
const MAX_LINK_BYTES: usize = 2953;

/// Decodes a `upi://pay?…` link into named parameters in link order, checking what the
/// builder guarantees: `pa` and `pn` present and valid, amounts in rupees with at most two
/// decimals, `cu` INR, every value percent-decoded to text without control characters, no
/// parameter twice. Parameters the specification does not name are refused.
pub fn parse(link: &str) -> Result<Vec<(String, String)>, UpiError> {
    let err = |param: &str, rule: &str| UpiError {
        param: param.to_string(),
        rule: rule.to_string(),
    };
    if link.len() > MAX_LINK_BYTES {
        return Err(err("link", "longer than a QR code holds (2953 bytes)"));
    }
    let query = link
        .get(..10)
        .filter(|head| head.eq_ignore_ascii_case("upi://pay?"))
        .map(|_| &link[10..])
        .ok_or_else(|| err("link", "must start with upi://pay?"))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair
            .split_once('=')
            .ok_or_else(|| err(pair, "has no = and value"))?;
        let (key, what) = PARAMS
            .iter()
            .find(|(k, _)| *k == key)
            .copied()
            .ok_or_else(|| err(key, "not a parameter of the UPI linking specification"))?;
        if seen.contains(&key) {
            return Err(err(key, "given twice"));
        }
        seen.push(key);
        let value = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| err(key, "percent-encoding that is not UTF-8 text"))?;
        crate::domain::field::check_text(key, &value, 512).map_err(|e| err(key, &e.rule))?;
        check_param(key, &value).map_err(|e| err(key, &e.rule))?;
        fields.push((format!("{key} {what}"), value.into_owned()));
    }
    for required in ["pa", "pn"] {
        if !seen.contains(&required) {
            return Err(err(required, "missing; a UPI link names its payee"));
        }
    }
    Ok(fields)
}

/// The rule of one parameter's value, or why it breaks it.
fn check_param(key: &str, value: &str) -> Result<(), FieldError> {
    let broke = |rule: String| FieldError::new(key.to_string(), rule);
    match key {
        "pa" => validate(value, "x").map_err(|e| broke(e.rule)),
        "pn" => validate("ab@okaxis", value).map_err(|e| broke(e.rule)),
        "am" | "mam" => rupees(key, value).map(|_| ()),
        "cu" if value != "INR" => Err(broke(format!("UPI takes INR, not '{value}'"))),
        "mc" if !(value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit())) => {
            Err(broke("four digits (a merchant category code)".into()))
        }
        _ => Ok(()),
    }
}

/// An amount as UPI writes it: rupees with at most two decimals, more than zero.
fn rupees(key: &str, value: &str) -> Result<Money, FieldError> {
    let rule = || {
        let rule = format!("rupees with at most two decimals, like 149.50 (not '{value}')");
        FieldError::new(key.to_string(), rule)
    };
    let (int_part, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() || !digits(int_part) || !digits(frac) || frac.len() > 2 {
        return Err(rule());
    }
    let money = crate::domain::money::parse_amount(value, Currency::Inr).map_err(|_| rule())?;
    if money.minor <= 0 {
        return Err(FieldError::new(key.to_string(), "more than zero"));
    }
    Ok(money)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_back_what_build_makes() {
        let link = build(
            "mara.vey@okaxis",
            "Mara Vey & Co — Café",
            Money::new(14950, Currency::Inr),
            "Order 42 / poster",
            "ENC-7F3K2Q",
        )
        .unwrap();
        assert_eq!(
            parse(&link).unwrap(),
            vec![
                ("pa payee address".into(), "mara.vey@okaxis".into()),
                ("pn payee name".into(), "Mara Vey & Co — Café".into()),
                ("am amount".into(), "149.50".into()),
                ("cu currency".into(), "INR".into()),
                ("tn transaction note".into(), "Order 42 / poster".into()),
                ("tr transaction reference".into(), "ENC-7F3K2Q".into()),
            ]
        );
        let bare = build("ab@okaxis", "A", Money::new(100, Currency::Inr), "", "").unwrap();
        assert_eq!(parse(&bare).unwrap().len(), 4);
    }

    #[test]
    fn parse_names_the_parameter_at_fault() {
        let param = |link: &str| parse(link).unwrap_err().param;
        assert_eq!(param("upi://pay?pn=A&am=5"), "pa");
        assert_eq!(param("upi://pay?pa=ab@okaxis"), "pn");
        assert_eq!(param("upi://pay?pa=nope&pn=A"), "pa");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&am=8.855"), "am");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&am=-5"), "am");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&am=0.00"), "am");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&cu=EUR"), "cu");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&tn=x%1B%5B2J"), "tn");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&tn=%FF"), "tn");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&pn=B"), "pn");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn=A&evil=1"), "evil");
        assert_eq!(param("upi://pay?pa=ab@okaxis&pn"), "pn");
        assert_eq!(param("https://pay?pa=ab@okaxis&pn=A"), "link");
        assert_eq!(
            parse("upi://pay?pa=ab@okaxis&pn=A&am=5.555")
                .unwrap_err()
                .to_string(),
            "UPI parameter am: rupees with at most two decimals, like 149.50 (not '5.555')"
        );
    }

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
