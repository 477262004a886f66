//! Claim codes: a compact body signed with the event's Ed25519 key, written in Crockford base32
//! (uppercase digits and letters, so the QR uses alphanumeric mode and people can type it).

use data_encoding::Encoding;
use data_encoding_macro::new_encoding;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::qr::{QrMatrix, QrMode, QrTooLong};

/// Crockford's alphabet; typed input forgives case, O for 0, I and L for 1, spaces and dashes.
const CROCKFORD: Encoding = new_encoding! {
    symbols: "0123456789ABCDEFGHJKMNPQRSTVWXYZ",
    translate_from: "abcdefghjkmnpqrstvwxyzOoIiLl",
    translate_to: "ABCDEFGHJKMNPQRSTVWXYZ001111",
    ignore: " -\t",
};

/// The body layout this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// Signed together with the body so an Encore signature can never be replayed for another use.
const DOMAIN: &[u8] = b"encore/claim/v1";
/// 10 bytes of body + 64 of signature = 119 characters: QR version 5 at ECC level M holds 122
/// alphanumeric characters, so every field is as narrow as a pop-up allows.
const BODY_LEN: usize = 10;
const CODE_BYTES: usize = BODY_LEN + 64;
/// Serials are 24-bit.
pub const MAX_SERIAL: u32 = (1 << 24) - 1;

/// What a claim code says: which unit of which offer, issued where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimBody {
    /// Layout version ([`FORMAT_VERSION`]).
    pub version: u8,
    /// Event id.
    pub event: u16,
    /// Number of the issuing station (K1 → 1).
    pub station: u8,
    /// Serial of the code at that station (24 bits, at most [`MAX_SERIAL`]).
    pub serial: u32,
    /// Offer id.
    pub offer: u16,
    /// Units this code is good for.
    pub quantity: u8,
}

impl ClaimBody {
    fn to_bytes(self) -> [u8; BODY_LEN] {
        let mut b = [0u8; BODY_LEN];
        b[0] = self.version;
        b[1..3].copy_from_slice(&self.event.to_be_bytes());
        b[3] = self.station;
        b[4..7].copy_from_slice(&(self.serial & MAX_SERIAL).to_be_bytes()[1..]);
        b[7..9].copy_from_slice(&self.offer.to_be_bytes());
        b[9] = self.quantity;
        b
    }

    fn from_bytes(b: &[u8; BODY_LEN]) -> ClaimBody {
        ClaimBody {
            version: b[0],
            event: u16::from_be_bytes([b[1], b[2]]),
            station: b[3],
            serial: u32::from_be_bytes([0, b[4], b[5], b[6]]),
            offer: u16::from_be_bytes([b[7], b[8]]),
            quantity: b[9],
        }
    }
}

/// Why a code is not a valid Encore claim code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    /// Wrong characters or length: a typo, or not a claim code at all.
    #[error("not a claim code: {0}")]
    Malformed(String),
    /// Written by a newer Encore.
    #[error("claim code format {0} is not supported by this version of Encore")]
    UnsupportedVersion(u8),
    /// The signature does not match: forged or mistyped.
    #[error("invalid claim code: the signature does not match (forged or mistyped)")]
    BadSignature,
}

/// Signs `body` with the event key and returns the printable code.
pub fn issue(body: ClaimBody, key: &SigningKey) -> String {
    let body_bytes = body.to_bytes();
    let signature = key.sign(&signed_message(&body_bytes));
    let mut bytes = Vec::with_capacity(CODE_BYTES);
    bytes.extend_from_slice(&body_bytes);
    bytes.extend_from_slice(&signature.to_bytes());
    CROCKFORD.encode(&bytes)
}

/// Turns typed or scanned text into the canonical code, forgiving case, spaces, dashes, O/0, I/L/1.
pub fn normalize(input: &str) -> Result<String, ClaimError> {
    decode(input).map(|bytes| CROCKFORD.encode(&bytes))
}

/// Checks format and signature with the public key alone; says nothing about redemption.
pub fn verify(input: &str, key: &VerifyingKey) -> Result<ClaimBody, ClaimError> {
    let bytes = decode(input)?;
    let (body_bytes, sig_bytes) = bytes.split_at(BODY_LEN);
    let body_arr: [u8; BODY_LEN] = body_bytes
        .try_into()
        .map_err(|_| ClaimError::Malformed("wrong length".into()))?;
    let body = ClaimBody::from_bytes(&body_arr);
    if body.version != FORMAT_VERSION {
        return Err(ClaimError::UnsupportedVersion(body.version));
    }
    let sig = Signature::from_slice(sig_bytes).map_err(|_| ClaimError::BadSignature)?;
    // Strict verification also refuses weak keys and malleable signatures.
    key.verify_strict(&signed_message(&body_arr), &sig)
        .map_err(|_| ClaimError::BadSignature)?;
    Ok(body)
}

/// Whether the text looks like an attempt at a claim code (for routing scanner input).
pub fn looks_like_code(input: &str) -> bool {
    decode(input).is_ok()
}

fn decode(input: &str) -> Result<Vec<u8>, ClaimError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ClaimError::Malformed("nothing was entered".into()));
    }
    let bytes = CROCKFORD.decode(trimmed.as_bytes()).map_err(|e| {
        ClaimError::Malformed(match e.kind {
            data_encoding::DecodeKind::Symbol => {
                let bad = trimmed.chars().nth(e.position).unwrap_or('?');
                format!("'{bad}' is not a claim-code character")
            }
            _ => format!("expected {} characters", CROCKFORD.encode_len(CODE_BYTES)),
        })
    })?;
    if bytes.len() != CODE_BYTES {
        return Err(ClaimError::Malformed(format!(
            "expected {} characters",
            CROCKFORD.encode_len(CODE_BYTES)
        )));
    }
    Ok(bytes)
}

fn signed_message(body: &[u8; BODY_LEN]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(DOMAIN.len() + BODY_LEN);
    msg.extend_from_slice(DOMAIN);
    msg.extend_from_slice(body);
    msg
}

/// The code's QR symbol: one alphanumeric segment, version 5 or below at ECC level M.
pub fn qr_matrix(code: &str) -> Result<QrMatrix, QrTooLong> {
    QrMatrix::encode(code, QrMode::Alphanumeric)
}

/// Splits a code into groups of four for people to read: `0K4M-7QX2-…`.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn body() -> ClaimBody {
        ClaimBody {
            version: 1,
            event: 7,
            station: 1,
            serial: 42,
            offer: 3,
            quantity: 1,
        }
    }

    #[test]
    fn issued_codes_verify_with_the_public_key_only() {
        let code = issue(body(), &key(1));
        assert_eq!(verify(&code, &key(1).verifying_key()), Ok(body()));
        assert_eq!(
            verify(&code, &key(2).verifying_key()),
            Err(ClaimError::BadSignature)
        );
    }

    #[test]
    fn every_single_character_change_is_rejected() {
        let code = issue(body(), &key(1));
        let vk = key(1).verifying_key();
        let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        for i in 0..code.len() {
            for c in alphabet.chars() {
                let mut mutated: Vec<char> = code.chars().collect();
                if mutated[i] == c {
                    continue;
                }
                mutated[i] = c;
                let mutated: String = mutated.into_iter().collect();
                assert!(verify(&mutated, &vk).is_err(), "accepted mutation at {i}");
            }
        }
    }

    #[test]
    fn typed_entry_is_forgiven() {
        let code = issue(body(), &key(1));
        let vk = key(1).verifying_key();
        let sloppy = grouped(&code)
            .to_lowercase()
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(normalize(&sloppy), Ok(code.clone()));
        assert_eq!(verify(&format!("  {sloppy} "), &vk), Ok(body()));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let vk = key(1).verifying_key();
        for input in [
            "",
            "U",
            "HELLO",
            "!!!!",
            &"Z".repeat(119),
            &"Z".repeat(128),
            &"0".repeat(500),
        ] {
            assert!(matches!(
                verify(input, &vk),
                Err(ClaimError::Malformed(_)
                    | ClaimError::BadSignature
                    | ClaimError::UnsupportedVersion(_))
            ));
        }
    }

    proptest::proptest! {
        #[test]
        fn verify_never_panics_and_never_accepts_noise(input in "\\PC{0,200}") {
            proptest::prop_assert!(verify(&input, &key(1).verifying_key()).is_err());
        }
    }

    #[test]
    fn code_fits_qr_version_5_in_alphanumeric_mode() {
        let code = issue(
            ClaimBody {
                version: 1,
                event: u16::MAX,
                station: u8::MAX,
                serial: MAX_SERIAL,
                offer: u16::MAX,
                quantity: 255,
            },
            &key(9),
        );
        assert!(
            code.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_eq!(code.len(), 119);
        let qr = QrMatrix::encode(&code, QrMode::Alphanumeric).unwrap();
        assert!(qr.version <= 5, "version {}", qr.version);
        // The real encoder, left to choose its own segments, lands there too.
        let auto = QrMatrix::encode(&code, QrMode::Auto).unwrap();
        assert!(auto.version <= 5, "auto version {}", auto.version);
    }
}
