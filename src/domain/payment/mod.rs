//! QR payment payloads, each following its published specification: EPC069-12 SEPA credit
//! transfer, EMVCo merchant-presented mode (PIX and generic national schemes), UPI links and
//! payment-link templates. Every payload is validated before it is shown.

pub mod emv;
pub mod epc;
mod link;
pub mod pix;
pub mod rf;
mod upi;

use crate::domain::field::FieldError;
use serde::{Deserialize, Serialize};

pub use emv::EmvError;
pub use epc::{EpcProfile, Remittance};
pub use pix::PixProfile;
pub use upi::UpiError;

use super::money::Money;
use super::qr::QrMode;

/// A payment setting that breaks its rule, naming the field as the settings screen and the CLI
/// name it.
pub type PaymentError = FieldError;

/// Longest text in any field of a payment profile (a payment link is the longest).
const MAX_PROFILE_TEXT: usize = 512;

/// Shorthand for a field error.
pub(crate) fn field(field: &'static str, rule: impl Into<String>) -> PaymentError {
    FieldError::new(field, rule)
}

/// A generic EMV merchant-presented profile for schemes built on it (PayNow, PromptPay, DuitNow …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmvProfile {
    /// Merchant account template ID, 26–51.
    pub tag: u8,
    /// Globally unique identifier of the scheme (sub-field 00).
    pub guid: String,
    /// Further sub-fields of the template: `(id, value)`.
    pub fields: Vec<(u8, String)>,
    /// Merchant category code, four digits.
    pub mcc: String,
    /// ISO 4217 numeric currency code, three digits.
    pub currency_num: String,
    /// ISO 3166 alpha-2 country code.
    pub country: String,
    /// Merchant name, at most 25 characters.
    pub name: String,
    /// Merchant city, at most 15 characters.
    pub city: String,
}

/// How fans pay by QR at this event; kept in the event's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "lowercase")]
pub enum PaymentProfile {
    /// SEPA credit transfer QR (EPC069-12).
    Epc(EpcProfile),
    /// PIX BR Code (Banco Central do Brasil).
    Pix(PixProfile),
    /// Another EMVCo merchant-presented scheme.
    Emv(EmvProfile),
    /// UPI (India) `upi://pay` link.
    Upi {
        /// The payee's virtual payment address, e.g. `artist@okbank`.
        vpa: String,
        /// The payee's name.
        name: String,
    },
    /// A payment link (Stripe, PayPal, Ko-fi …) with `{amount}`, `{amount_minor}`, `{currency}`
    /// and `{ref}` placeholders.
    Link {
        /// The URL template.
        template: String,
    },
}

/// A payload ready to be put in a QR, with the QR mode its standard requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentQr {
    /// The exact text to encode.
    pub payload: String,
    /// The QR encoding the standard asks for.
    pub mode: QrMode,
    /// One line for the operator: "SEPA transfer to Ada Artist".
    pub caption: String,
}

impl PaymentQr {
    /// The QR symbol for the payload, in the mode its standard requires.
    pub fn matrix(&self) -> Result<super::qr::QrMatrix, PaymentError> {
        super::qr::QrMatrix::encode(&self.payload, self.mode)
            .map_err(|e| field("payload", e.to_string()))
    }
}

impl PaymentProfile {
    /// Checks the profile's own fields, as the settings screen does before saving.
    pub fn validate(&self) -> Result<(), PaymentError> {
        for (name, value) in self.texts() {
            crate::domain::field::check_text(name, value.trim(), MAX_PROFILE_TEXT)?;
        }
        match self {
            PaymentProfile::Epc(p) => p.validate(),
            PaymentProfile::Pix(p) => p.validate(),
            PaymentProfile::Emv(p) => pix::validate_generic(p),
            PaymentProfile::Upi { vpa, name } => upi::validate(vpa, name),
            PaymentProfile::Link { template } => link::validate(template),
        }
    }

    /// Every free-text field of the profile, named as the settings screen names it, so none
    /// skips the shared text check.
    fn texts(&self) -> Vec<(&'static str, &str)> {
        match self {
            PaymentProfile::Epc(p) => {
                let mut t = vec![("name", p.name.as_str()), ("IBAN", p.iban.as_str())];
                t.extend(p.bic.as_deref().map(|b| ("BIC", b)));
                t.extend(p.purpose.as_deref().map(|b| ("purpose", b)));
                t
            }
            PaymentProfile::Pix(p) => {
                let mut t = vec![
                    ("PIX key", p.key.as_str()),
                    ("name", p.name.as_str()),
                    ("city", p.city.as_str()),
                ];
                t.extend(p.description.as_deref().map(|d| ("description", d)));
                t
            }
            PaymentProfile::Emv(p) => {
                let mut t = vec![
                    ("GUID", p.guid.as_str()),
                    ("MCC", p.mcc.as_str()),
                    ("currency", p.currency_num.as_str()),
                    ("country", p.country.as_str()),
                    ("name", p.name.as_str()),
                    ("city", p.city.as_str()),
                ];
                t.extend(p.fields.iter().map(|(_, v)| ("merchant field", v.as_str())));
                t
            }
            PaymentProfile::Upi { vpa, name } => {
                vec![("UPI address", vpa.as_str()), ("UPI name", name.as_str())]
            }
            PaymentProfile::Link { template } => vec![("payment link", template.as_str())],
        }
    }

    /// The payload a fan's phone scans to pay `amount` with `reference`.
    pub fn payload(&self, amount: Money, reference: &str) -> Result<PaymentQr, PaymentError> {
        let (payload, mode, caption) = match self {
            PaymentProfile::Epc(p) => (
                epc::payload(p, amount, Remittance::Text(reference))?,
                QrMode::Byte,
                format!("SEPA transfer to {}", p.name.trim()),
            ),
            PaymentProfile::Pix(p) => {
                let payload = p.payload(Some(amount), reference)?;
                (payload, QrMode::Byte, format!("PIX to {}", p.name.trim()))
            }
            PaymentProfile::Emv(p) => {
                let payload = pix::generic_payload(p, Some(amount), reference)?;
                (
                    payload,
                    QrMode::Byte,
                    format!("QR payment to {}", p.name.trim()),
                )
            }
            PaymentProfile::Upi { vpa, name } => (
                upi::link(vpa, name, amount, reference)?,
                QrMode::Auto,
                format!("UPI to {}", name.trim()),
            ),
            PaymentProfile::Link { template } => (
                link::fill(template, amount, reference)?,
                QrMode::Auto,
                "Payment link".into(),
            ),
        };
        // EMV requires byte mode; a UTF-8 ECI only when a non-ASCII character is present.
        let mode = if mode == QrMode::Byte
            && !payload.is_ascii()
            && !matches!(self, PaymentProfile::Epc(_))
        {
            QrMode::Utf8Eci
        } else {
            mode
        };
        Ok(PaymentQr {
            payload,
            mode,
            caption,
        })
    }
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

/// A decoded payload: which standard, and its fields in order as `(name, value)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// `epc`, `emv` or `upi`.
    pub scheme: &'static str,
    /// Field names and values.
    pub fields: Vec<(String, String)>,
}

/// Decodes an EPC or EMV payload or a UPI link, or says exactly what is wrong with it.
pub fn decode(payload: &str) -> Result<Decoded, DecodeError> {
    if payload
        .get(..4)
        .is_some_and(|s| s.eq_ignore_ascii_case("upi:"))
    {
        Ok(Decoded {
            scheme: "upi",
            fields: upi::parse(payload)?,
        })
    } else if payload.starts_with("BCD") {
        Ok(Decoded {
            scheme: "epc",
            fields: epc::parse(payload)?,
        })
    } else if payload.starts_with("0002") {
        let objects = emv::parse(payload)?;
        Ok(Decoded {
            scheme: "emv",
            fields: emv::describe(&objects),
        })
    } else {
        Err(DecodeError::Unknown)
    }
}

/// Why a payload does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A broken EPC payload.
    #[error(transparent)]
    Epc(#[from] epc::EpcError),
    /// A broken EMV payload.
    #[error(transparent)]
    Emv(#[from] emv::EmvError),
    /// A broken UPI link.
    #[error(transparent)]
    Upi(#[from] UpiError),
    /// None of them.
    #[error(
        "not an EPC (starts with BCD), EMV (starts with 000201) or UPI (starts with upi://pay?) payload"
    )]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

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

    #[test]
    fn profiles_stored_before_versions_and_bic_existed_still_load() {
        let json = r#"{"scheme":"epc","name":"Mara Vey Music","iban":"DE89370400440532013000"}"#;
        let profile: PaymentProfile = serde_json::from_str(json).unwrap();
        let qr = profile
            .payload(Money::new(500, Currency::Eur), "ENC-1")
            .unwrap();
        assert!(
            qr.payload
                .starts_with("BCD\n002\n1\nSCT\n\nMara Vey Music\n")
        );
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(input in "\\PC{0,400}") {
            let _ = decode(&input);
            let _ = decode(&format!("BCD\n{input}"));
            let _ = decode(&format!("000201{input}"));
            let _ = decode(&format!("upi://pay?{input}"));
            let _ = rf::validate(&format!("RF{input}"));
        }
    }

    #[test]
    fn decode_names_the_standard() {
        let epc = "BCD\n002\n1\nSCT\n\nAda\nDE89370400440532013000\nEUR1.00";
        assert_eq!(decode(epc).unwrap().scheme, "epc");
        assert!(decode("hello").is_err());
    }
}
