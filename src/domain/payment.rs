//! QR payment payloads: EPC069-12 SEPA credit transfer ("GiroCode") and payment-link templates.

use iban::{Iban, IbanLike, ParseBaseIbanError, ParseIbanError};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

use super::money::{Currency, Money};
use super::qr::QrMode;

/// Characters left as they are in a link value (RFC 3986 unreserved).
const LINK_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// EPC069-12 limits.
const EPC_NAME_MAX: usize = 70;
const EPC_REMITTANCE_MAX: usize = 140;
const EPC_MAX_BYTES: usize = 331;
const EPC_MAX_MINOR: i64 = 99_999_999_999;

/// How fans pay by QR at this event; kept in the event's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "lowercase")]
pub enum PaymentProfile {
    /// SEPA credit transfer QR (EPC069-12 version 002).
    Epc {
        /// Beneficiary name as the bank knows it.
        name: String,
        /// Beneficiary IBAN.
        iban: String,
    },
    /// A payment link (Stripe, PayPal, Ko-fi …) with `{amount}` and `{ref}` placeholders.
    Link {
        /// The URL template.
        template: String,
    },
}

/// Why a payment payload cannot be made; names the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// A field breaks its rule.
    #[error("{field}: {rule}")]
    Field {
        /// The field, as the settings screen names it.
        field: &'static str,
        /// The rule it breaks.
        rule: String,
    },
}

fn field(field: &'static str, rule: impl Into<String>) -> PaymentError {
    PaymentError::Field {
        field,
        rule: rule.into(),
    }
}

/// A payload ready to be put in a QR, with the QR mode its standard requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentQr {
    /// The exact text to encode.
    pub payload: String,
    /// Byte mode for EPC (UTF-8); auto for links.
    pub mode: QrMode,
    /// One line for the operator: "SEPA transfer to Ada Artist".
    pub caption: String,
}

impl PaymentProfile {
    /// Checks the profile's own fields (IBAN checksum, name length, template shape).
    pub fn validate(&self) -> Result<(), PaymentError> {
        match self {
            PaymentProfile::Epc { name, iban } => {
                epc_name(name)?;
                parse_iban(iban).map(|_| ())
            }
            PaymentProfile::Link { template } => {
                if !(template.starts_with("https://") || template.starts_with("http://")) {
                    return Err(field("payment link", "must start with https://"));
                }
                if !template.contains("{amount}") && !template.contains("{amount_minor}") {
                    return Err(field(
                        "payment link",
                        "must contain {amount} or {amount_minor}",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The payload a fan's phone scans to pay `amount` with `reference`.
    pub fn payload(&self, amount: Money, reference: &str) -> Result<PaymentQr, PaymentError> {
        match self {
            PaymentProfile::Epc { name, iban } => Ok(PaymentQr {
                payload: epc_payload(name, iban, amount, reference)?,
                mode: QrMode::Byte,
                caption: format!("SEPA transfer to {}", name.trim()),
            }),
            PaymentProfile::Link { template } => {
                self.validate()?;
                let fill = |s: &str| utf8_percent_encode(s, LINK_VALUE).to_string();
                let payload = template
                    .replace("{amount_minor}", &amount.minor.to_string())
                    .replace("{amount}", &fill(&amount.plain()))
                    .replace("{currency}", amount.currency.code())
                    .replace("{ref}", &fill(reference));
                Ok(PaymentQr {
                    payload,
                    mode: QrMode::Auto,
                    caption: "Payment link".into(),
                })
            }
        }
    }
}

fn epc_name(name: &str) -> Result<&str, PaymentError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(field("beneficiary name", "must not be empty"));
    }
    if name.chars().count() > EPC_NAME_MAX {
        return Err(field(
            "beneficiary name",
            format!("at most {EPC_NAME_MAX} characters"),
        ));
    }
    if name.contains(['\n', '\r']) {
        return Err(field("beneficiary name", "must be one line"));
    }
    Ok(name)
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

/// Builds an EPC069-12 version 002 payload: UTF-8, SCT, no BIC, free-text remittance `reference`.
/// Fields are separated by LF and nothing follows the last used field.
pub fn epc_payload(
    name: &str,
    iban: &str,
    amount: Money,
    reference: &str,
) -> Result<String, PaymentError> {
    let name = epc_name(name)?;
    let iban = parse_iban(iban)?;
    if amount.currency != Currency::Eur {
        return Err(field(
            "amount",
            format!("SEPA QR codes are in EUR only, not {}", amount.currency),
        ));
    }
    if !(1..=EPC_MAX_MINOR).contains(&amount.minor) {
        return Err(field(
            "amount",
            "must be between EUR0.01 and EUR999999999.99",
        ));
    }
    let reference = reference.trim();
    if reference.chars().count() > EPC_REMITTANCE_MAX || reference.contains(['\n', '\r']) {
        return Err(field(
            "reference",
            format!("one line of at most {EPC_REMITTANCE_MAX} characters"),
        ));
    }
    let fields = [
        "BCD",
        "002",
        "1",
        "SCT",
        "",
        name,
        iban.electronic_str(),
        &format!("EUR{}", amount.plain()),
        "",
        "",
        reference,
    ];
    let used = fields
        .iter()
        .rposition(|f| !f.is_empty())
        .map_or(0, |i| i + 1);
    let payload = fields[..used].join("\n");
    if payload.len() > EPC_MAX_BYTES {
        return Err(field(
            "payload",
            format!("longer than {EPC_MAX_BYTES} bytes"),
        ));
    }
    Ok(payload)
}

/// A short payment reference for an order, from 30 random bits: `ENC-7F3K2Q`.
pub fn payment_reference(random: u32) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let chars: String = (0..6)
        .rev()
        .map(|i| char::from(ALPHABET[((random >> (5 * i)) & 31) as usize]))
        .collect();
    format!("ENC-{chars}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const IBAN: &str = "DE89 3704 0044 0532 0130 00";

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::Eur)
    }

    #[test]
    fn epc_payload_follows_version_002() {
        let p = epc_payload("Ada Artist", IBAN, eur(1250), "ENC-7F3K2Q").unwrap();
        assert_eq!(
            p,
            "BCD\n002\n1\nSCT\n\nAda Artist\nDE89370400440532013000\nEUR12.50\n\n\nENC-7F3K2Q"
        );
        assert!(!p.ends_with('\n'));
    }

    #[test]
    fn epc_field_layout_matches_the_standard_example() {
        // EPC069-12 v3.1 section 4.4.1 example fields (version 001 there, with BIC):
        // BCD / 001 / 1 / SCT / BPOTBEB1 / Red Cross of Belgium / BE72000000001616 / EUR1 / CHAR / "" / Urgency fund
        // Ours is version 002 without BIC, so line 5 is empty and the amount always has two decimals.
        let p = epc_payload(
            "Red Cross of Belgium",
            "BE72000000001616",
            eur(100),
            "Urgency fund",
        )
        .unwrap();
        let lines: Vec<&str> = p.split('\n').collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[5], "Red Cross of Belgium");
        assert_eq!(lines[6], "BE72000000001616");
        assert_eq!(lines[7], "EUR1.00");
        assert_eq!(lines[10], "Urgency fund");
    }

    #[test]
    fn bad_fields_are_named() {
        let err = epc_payload("Ada", "DE89370400440532013001", eur(100), "r").unwrap_err();
        assert!(err.to_string().starts_with("IBAN: check digits"), "{err}");
        let err = epc_payload("Ada", IBAN, eur(0), "r").unwrap_err();
        assert!(err.to_string().starts_with("amount:"), "{err}");
        let err = epc_payload("Ada", IBAN, eur(100_000_000_000), "r").unwrap_err();
        assert!(err.to_string().starts_with("amount:"), "{err}");
        let err = epc_payload("Ada", IBAN, Money::new(100, Currency::Gbp), "r").unwrap_err();
        assert!(err.to_string().contains("EUR only"), "{err}");
        let err = epc_payload(&"x".repeat(71), IBAN, eur(100), "r").unwrap_err();
        assert!(err.to_string().starts_with("beneficiary name:"), "{err}");
        assert!(epc_payload("Ada", "not an iban", eur(100), "r").is_err());
    }

    #[test]
    fn link_template_fills_placeholders() {
        let profile = PaymentProfile::Link {
            template: "https://pay.example/ada?amt={amount}&note={ref}".into(),
        };
        let qr = profile.payload(eur(1250), "ENC 7F3K2Q").unwrap();
        assert_eq!(
            qr.payload,
            "https://pay.example/ada?amt=12.50&note=ENC%207F3K2Q"
        );
        let bad = PaymentProfile::Link {
            template: "ftp://x/{amount}".into(),
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn references_are_short_and_unambiguous() {
        assert_eq!(payment_reference(0), "ENC-000000");
        assert_eq!(payment_reference(u32::MAX).len(), 10);
        assert!(
            payment_reference(0x3FFF_FFFF)
                .chars()
                .all(|c| c != 'I' && c != 'O')
        );
    }
}
