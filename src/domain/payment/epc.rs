//! EPC069-12 SEPA credit transfer QR ("GiroCode"): builder and parser.
//!
//! Lines: 1 `BCD`, 2 version `001`/`002`, 3 character set (`1` = UTF-8), 4 `SCT`, 5 BIC (required
//! in 001, optional in 002), 6 name ≤ 70, 7 IBAN, 8 amount `EUR0.01`–`EUR999999999.99`,
//! 9 purpose (4 letters), 10 structured RF reference ≤ 35, 11 free text ≤ 140 — never both —,
//! 12 beneficiary-to-originator information ≤ 70. LF between lines, nothing after the last
//! used line, at most 331 bytes.

use iban::{Iban, IbanLike, ParseBaseIbanError, ParseIbanError};
use serde::{Deserialize, Serialize};

use super::{PaymentError, field, rf};
use crate::domain::money::{Currency, Money};

const NAME_MAX: usize = 70;
const TEXT_MAX: usize = 140;
const REFERENCE_MAX: usize = 35;
const INFO_MAX: usize = 70;
const MAX_BYTES: usize = 331;
const MAX_MINOR: i64 = 99_999_999_999;

fn version_two() -> u8 {
    2
}

/// The beneficiary side of a SEPA QR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpcProfile {
    /// Beneficiary name as the bank knows it.
    pub name: String,
    /// Beneficiary IBAN.
    pub iban: String,
    /// Beneficiary BIC (required for version 1).
    #[serde(default)]
    pub bic: Option<String>,
    /// 1 or 2.
    #[serde(default = "version_two")]
    pub version: u8,
    /// ISO 20022 purpose code, four letters (e.g. GDDS), optional.
    #[serde(default)]
    pub purpose: Option<String>,
}

impl EpcProfile {
    /// Version 002 profile without BIC: what most creators need.
    pub fn new(name: &str, iban: &str) -> EpcProfile {
        EpcProfile {
            name: name.into(),
            iban: iban.into(),
            bic: None,
            version: 2,
            purpose: None,
        }
    }

    /// Checks name, IBAN, BIC, version and purpose.
    pub fn validate(&self) -> Result<(), PaymentError> {
        line("beneficiary name", &self.name, NAME_MAX, true)?;
        parse_iban(&self.iban)?;
        match (self.version, &self.bic) {
            (1, None) => return Err(field("BIC", "required for version 001")),
            (1 | 2, Some(bic)) => check_bic(bic)?,
            (2, None) => {}
            (v, _) => return Err(field("version", format!("{v} is not 1 or 2"))),
        }
        if let Some(p) = &self.purpose
            && (p.len() != 4 || !p.chars().all(|c| c.is_ascii_uppercase()))
        {
            return Err(field("purpose", "four capital letters, e.g. GDDS or CHAR"));
        }
        Ok(())
    }
}

/// What the remittance line carries: free text or a structured RF creditor reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remittance<'a> {
    /// Unstructured text, at most 140 characters (line 11).
    Text(&'a str),
    /// An ISO 11649 RF reference with valid check digits (line 10).
    Reference(&'a str),
}

/// Builds the payload for `amount` (EUR only).
pub fn payload(
    p: &EpcProfile,
    amount: Money,
    remittance: Remittance<'_>,
) -> Result<String, PaymentError> {
    p.validate()?;
    let iban = parse_iban(&p.iban)?;
    if amount.currency != Currency::Eur {
        return Err(field(
            "amount",
            format!("SEPA QR codes are in EUR only, not {}", amount.currency),
        ));
    }
    if !(1..=MAX_MINOR).contains(&amount.minor) {
        return Err(field(
            "amount",
            "must be between EUR0.01 and EUR999999999.99",
        ));
    }
    let (structured, text) = match remittance {
        Remittance::Text(t) => (
            String::new(),
            line("reference", t, TEXT_MAX, false)?.to_string(),
        ),
        Remittance::Reference(r) => (rf::validate(r)?, String::new()),
    };
    let version = format!("00{}", p.version);
    let amount = format!("EUR{}", amount.plain());
    let bic = p
        .bic
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_ascii_uppercase();
    let lines = [
        "BCD",
        &version,
        "1",
        "SCT",
        &bic,
        p.name.trim(),
        iban.electronic_str(),
        &amount,
        p.purpose.as_deref().unwrap_or_default(),
        &structured,
        &text,
    ];
    let used = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let payload = lines[..used].join("\n");
    if payload.len() > MAX_BYTES {
        return Err(field(
            "payload",
            format!(
                "{} bytes; EPC069-12 allows at most {MAX_BYTES}",
                payload.len()
            ),
        ));
    }
    Ok(payload)
}

/// Why an EPC payload does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("EPC line {line} ({name}): {rule}")]
pub struct EpcError {
    /// 1-based line number.
    pub line: usize,
    /// What the line holds.
    pub name: &'static str,
    /// What is wrong.
    pub rule: String,
}

const NAMES: [&str; 12] = [
    "service tag",
    "version",
    "character set",
    "identification",
    "BIC",
    "name",
    "IBAN",
    "amount",
    "purpose",
    "structured reference",
    "text",
    "information",
];

/// Parses a payload into named fields, checking every rule the builder follows.
pub fn parse(payload: &str) -> Result<Vec<(String, String)>, EpcError> {
    let err = |line: usize, rule: &str| EpcError {
        line,
        name: NAMES[line - 1],
        rule: rule.into(),
    };
    if payload.len() > MAX_BYTES {
        return Err(err(1, "payload longer than 331 bytes"));
    }
    let lines: Vec<&str> = payload
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.len() > 12 {
        return Err(err(12, "more than 12 lines"));
    }
    if lines.last().is_some_and(|l| l.is_empty()) {
        return Err(err(lines.len(), "a separator follows the last used line"));
    }
    let get = |i: usize| lines.get(i - 1).copied().unwrap_or_default();
    let checks: [(usize, bool, &str); 6] = [
        (1, get(1) == "BCD", "must be BCD"),
        (2, matches!(get(2), "001" | "002"), "must be 001 or 002"),
        (
            3,
            matches!(get(3), "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"),
            "must be 1 to 8",
        ),
        (4, get(4) == "SCT", "must be SCT"),
        (
            5,
            !(get(2) == "001" && get(5).is_empty()),
            "required in version 001",
        ),
        (
            6,
            !get(6).is_empty() && get(6).chars().count() <= NAME_MAX,
            "1 to 70 characters",
        ),
    ];
    if let Some((line, _, rule)) = checks.iter().find(|c| !c.1) {
        return Err(err(*line, rule));
    }
    if !get(5).is_empty() {
        check_bic(get(5)).map_err(|e| err(5, &e.to_string()))?;
    }
    parse_iban(get(7)).map_err(|e| err(7, &e.to_string()))?;
    check_amount(get(8)).map_err(|rule| err(8, rule))?;
    if !get(10).is_empty() && !get(11).is_empty() {
        return Err(err(
            11,
            "structured reference and text are both present; use one",
        ));
    }
    if get(10).starts_with("RF") {
        rf::validate(get(10)).map_err(|e| err(10, &e.to_string()))?;
    } else if get(10).chars().count() > REFERENCE_MAX {
        return Err(err(10, "at most 35 characters"));
    }
    if get(11).chars().count() > TEXT_MAX || get(12).chars().count() > INFO_MAX {
        return Err(err(
            11,
            "text at most 140 characters, information at most 70",
        ));
    }
    Ok(lines
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .map(|(i, v)| (NAMES[i].to_string(), v.to_string()))
        .collect())
}

fn check_amount(amount: &str) -> Result<(), &'static str> {
    if amount.is_empty() {
        return Ok(());
    }
    let digits = amount.strip_prefix("EUR").ok_or("must start with EUR")?;
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let well_formed = !int.is_empty()
        && int.len() <= 9
        && frac.len() <= 2
        && int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit());
    if !well_formed || (int.chars().all(|c| c == '0') && frac.chars().all(|c| c == '0')) {
        return Err("EUR then 0.01 to 999999999.99 with a point");
    }
    Ok(())
}

fn line<'a>(
    name: &'static str,
    value: &'a str,
    max: usize,
    required: bool,
) -> Result<&'a str, PaymentError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(field(name, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(field(name, format!("at most {max} characters")));
    }
    if value.contains(['\n', '\r']) {
        return Err(field(name, "must be one line"));
    }
    Ok(value)
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (place), optionally 3 more (branch).
fn check_bic(bic: &str) -> Result<(), PaymentError> {
    let b = bic.trim().to_ascii_uppercase();
    let ok = b.is_ascii()
        && matches!(b.len(), 8 | 11)
        && b[..6].chars().all(|c| c.is_ascii_uppercase())
        && b[6..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(field(
            "BIC",
            "8 or 11 characters: bank (4 letters), country (2), place (2), branch (3, optional)",
        ))
    }
}

fn parse_iban(iban: &str) -> Result<Iban, PaymentError> {
    iban.parse::<Iban>().map_err(|e| {
        let rule = match e {
            ParseIbanError::InvalidBaseIban {
                source: ParseBaseIbanError::InvalidChecksum,
            } => "check digits are wrong (mod-97 check failed): look for a typo".to_string(),
            ParseIbanError::InvalidBaseIban { .. } => {
                "not an IBAN: two letters, two digits, then up to 30 letters and digits".into()
            }
            ParseIbanError::InvalidBban(_) => {
                "the account part has the wrong format for its country".into()
            }
            ParseIbanError::UnknownCountry(_) => "unknown country code".into(),
        };
        field("IBAN", rule)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IBAN: &str = "DE89 3704 0044 0532 0130 00";

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::Eur)
    }

    #[test]
    fn version_002_without_bic_and_free_text() {
        let p = payload(
            &EpcProfile::new("Ada Artist", IBAN),
            eur(1250),
            Remittance::Text("ENC-7F3K2Q"),
        )
        .unwrap();
        assert_eq!(
            p,
            "BCD\n002\n1\nSCT\n\nAda Artist\nDE89370400440532013000\nEUR12.50\n\n\nENC-7F3K2Q"
        );
        assert_eq!(
            parse(&p).unwrap().last().unwrap(),
            &("text".to_string(), "ENC-7F3K2Q".to_string())
        );
    }

    #[test]
    fn the_standard_example_fields() {
        // EPC069-12 v3.1 section 4.4 example: BCD / 001 / 1 / SCT / BPOTBEB1 / Red Cross of Belgium /
        // BE72000000001616 / EUR1 / CHAR / (no reference) / Urgency fund / Sample EPC QR code
        let example = "BCD\n001\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR1\nCHAR\n\nUrgency fund\nSample EPC QR code";
        let fields = parse(example).unwrap();
        assert_eq!(fields[4], ("BIC".to_string(), "BPOTBEB1".to_string()));
        let ours = EpcProfile {
            bic: Some("BPOTBEB1".into()),
            version: 1,
            purpose: Some("CHAR".into()),
            ..EpcProfile::new("Red Cross of Belgium", "BE72000000001616")
        };
        let built = payload(&ours, eur(100), Remittance::Text("Urgency fund")).unwrap();
        // We always write two decimals; otherwise the same lines up to the text.
        assert_eq!(
            built,
            example
                .replace("EUR1\n", "EUR1.00\n")
                .replace("\nSample EPC QR code", "")
        );
    }

    #[test]
    fn structured_reference_goes_on_line_10() {
        let p = payload(
            &EpcProfile::new("Ada", IBAN),
            eur(100),
            Remittance::Reference("RF18 5390 0754 7034"),
        )
        .unwrap();
        assert!(p.ends_with("EUR1.00\n\nRF18539007547034"), "{p}");
        let bad = payload(
            &EpcProfile::new("Ada", IBAN),
            eur(100),
            Remittance::Reference("RF19539007547034"),
        );
        assert!(bad.unwrap_err().to_string().starts_with("RF reference:"));
    }

    #[test]
    fn bad_fields_are_named() {
        let ada = |iban: &str| EpcProfile::new("Ada", iban);
        let msg = |r: Result<String, PaymentError>| r.unwrap_err().to_string();
        assert!(
            msg(payload(
                &ada("DE89370400440532013001"),
                eur(100),
                Remittance::Text("r")
            ))
            .starts_with("IBAN: check digits")
        );
        assert!(msg(payload(&ada(IBAN), eur(0), Remittance::Text("r"))).starts_with("amount:"));
        assert!(
            msg(payload(
                &ada(IBAN),
                eur(100_000_000_000),
                Remittance::Text("r")
            ))
            .starts_with("amount:")
        );
        assert!(
            msg(payload(
                &ada(IBAN),
                Money::new(100, Currency::Gbp),
                Remittance::Text("r")
            ))
            .contains("EUR only")
        );
        assert!(
            msg(payload(
                &EpcProfile::new(&"x".repeat(71), IBAN),
                eur(100),
                Remittance::Text("r")
            ))
            .starts_with("beneficiary name:")
        );
        assert!(
            msg(payload(
                &ada(IBAN),
                eur(100),
                Remittance::Text(&"x".repeat(141))
            ))
            .starts_with("reference:")
        );
        let v1 = EpcProfile {
            version: 1,
            ..ada(IBAN)
        };
        assert_eq!(
            v1.validate().unwrap_err().to_string(),
            "BIC: required for version 001"
        );
        let bad_bic = EpcProfile {
            bic: Some("BPOT1EB1".into()),
            ..ada(IBAN)
        };
        assert!(
            bad_bic
                .validate()
                .unwrap_err()
                .to_string()
                .starts_with("BIC:")
        );
        let bad_purpose = EpcProfile {
            purpose: Some("char".into()),
            ..ada(IBAN)
        };
        assert!(
            bad_purpose
                .validate()
                .unwrap_err()
                .to_string()
                .starts_with("purpose:")
        );
    }

    #[test]
    fn the_parser_refuses_what_the_standard_forbids() {
        let good = "BCD\n002\n1\nSCT\n\nAda\nDE89370400440532013000\nEUR1.00";
        assert!(parse(good).is_ok());
        assert_eq!(
            parse(&format!("{good}\n")).unwrap_err().rule,
            "a separator follows the last used line"
        );
        assert_eq!(parse(&good.replace("002", "001")).unwrap_err().line, 5);
        assert_eq!(
            parse(&good.replace("EUR1.00", "EUR1.001"))
                .unwrap_err()
                .line,
            8
        );
        assert_eq!(
            parse(&good.replace("EUR1.00", "EUR0.00")).unwrap_err().line,
            8
        );
        let both = format!("{good}\n\nRF18539007547034\nhello");
        assert_eq!(parse(&both).unwrap_err().line, 11);
        assert_eq!(parse(&good.replace("DE89", "DE88")).unwrap_err().line, 7);
    }
}
