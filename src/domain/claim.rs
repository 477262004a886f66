//! Claim codes: a compact body signed with one of the event's Ed25519 keys, written in Crockford
//! base32 (uppercase digits and letters, so the QR uses alphanumeric mode and people can type it).
//!
//! Format 2 (written now), 12 body bytes: version (4 bits) and key id (4 bits), event (u16),
//! station (u8), serial (u24), offer (u16), quantity (u8), valid-until (u16, hours since
//! 2025-01-01 UTC). With the 64-byte signature that is 76 bytes, 122 characters: exactly what QR
//! version 5 at ECC level M holds in alphanumeric mode. Format 1 (10 bytes, no key id, no end) is
//! still read, so codes issued before the change keep working.

use data_encoding::Encoding;
use data_encoding_macro::new_encoding;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use jiff::Timestamp;

use super::qr::{QrMatrix, QrMode, QrTooLong};

/// Crockford's alphabet; typed input forgives case, O for 0, I and L for 1, spaces and dashes.
const CROCKFORD: Encoding = new_encoding! {
    symbols: "0123456789ABCDEFGHJKMNPQRSTVWXYZ",
    translate_from: "abcdefghjkmnpqrstvwxyzOoIiLl",
    translate_to: "ABCDEFGHJKMNPQRSTVWXYZ001111",
    ignore: " -\t",
};

/// The body layout this build writes.
pub const FORMAT_VERSION: u8 = 2;
/// Signed together with the body so an Encore signature can never be replayed for another use.
const DOMAIN_V1: &[u8] = b"encore/claim/v1";
const DOMAIN_V2: &[u8] = b"encore/claim/v2";
const BODY_V1: usize = 10;
const BODY_V2: usize = 12;
const SIG_LEN: usize = 64;
/// Offer ids are 16-bit: a gig or drop with a larger id cannot get a claim code.
pub const MAX_OFFER_ID: i64 = u16::MAX as i64;
/// Serials are 24-bit.
pub const MAX_SERIAL: u32 = (1 << 24) - 1;
/// Key ids are 4-bit: an event can rotate its key 15 times.
pub const MAX_KEY_ID: u8 = 15;
/// Valid-until hours count from 2025-01-01 00:00 UTC.
const HOUR_EPOCH: i64 = 1_735_689_600;

/// What a claim code says: which units of which offer, issued where, signed with which key,
/// good until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimBody {
    /// Layout version ([`FORMAT_VERSION`]).
    pub version: u8,
    /// Which of the event's keys signed it (0 for format 1).
    pub key_id: u8,
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
    /// Last valid hour (hours since 2025-01-01 UTC); None for format 1 codes.
    pub valid_until: Option<u16>,
}

impl ClaimBody {
    /// The instant the code stops being valid.
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.valid_until
            .and_then(|h| Timestamp::from_second(HOUR_EPOCH + i64::from(h) * 3600).ok())
    }

    fn to_bytes(self) -> [u8; BODY_V2] {
        let mut b = [0u8; BODY_V2];
        b[0] = (FORMAT_VERSION << 4) | (self.key_id & MAX_KEY_ID);
        b[1..3].copy_from_slice(&self.event.to_be_bytes());
        b[3] = self.station;
        b[4..7].copy_from_slice(&(self.serial & MAX_SERIAL).to_be_bytes()[1..]);
        b[7..9].copy_from_slice(&self.offer.to_be_bytes());
        b[9] = self.quantity;
        b[10..12].copy_from_slice(&self.valid_until.unwrap_or(u16::MAX).to_be_bytes());
        b
    }

    fn from_v2(b: &[u8]) -> ClaimBody {
        ClaimBody {
            version: b[0] >> 4,
            key_id: b[0] & MAX_KEY_ID,
            event: u16::from_be_bytes([b[1], b[2]]),
            station: b[3],
            serial: u32::from_be_bytes([0, b[4], b[5], b[6]]),
            offer: u16::from_be_bytes([b[7], b[8]]),
            quantity: b[9],
            valid_until: Some(u16::from_be_bytes([b[10], b[11]])),
        }
    }

    fn from_v1(b: &[u8]) -> ClaimBody {
        ClaimBody {
            version: b[0],
            key_id: 0,
            event: u16::from_be_bytes([b[1], b[2]]),
            station: b[3],
            serial: u32::from_be_bytes([0, b[4], b[5], b[6]]),
            offer: u16::from_be_bytes([b[7], b[8]]),
            quantity: b[9],
            valid_until: None,
        }
    }
}

/// The valid-until hour for an instant: the whole hour at or after it, so a code is never cut
/// short. None past what the field holds (mid-2032): the format must change before then.
pub fn valid_until_hour(at: Timestamp) -> Option<u16> {
    let hours = (at.as_second() - HOUR_EPOCH + 3599).div_euclid(3600);
    u16::try_from(hours.max(0)).ok()
}

/// Why a code is not a valid Encore claim code. The variants follow the order of the checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    /// Wrong characters or length: a typo, or not a claim code at all.
    #[error("not a claim code: {0}")]
    Malformed(String),
    /// Written by a newer Encore.
    #[error("claim code format {0} is not supported by this version of Encore")]
    UnsupportedVersion(u8),
    /// Signed with a key this event does not have (or an unknown event).
    #[error("unknown signing key {key_id} for event {event}: not issued by this event's Encore")]
    UnknownKey {
        /// Event id in the code.
        event: u16,
        /// Key id in the code.
        key_id: u8,
    },
    /// The signature does not match: forged or mistyped.
    #[error("invalid claim code: the signature does not match (forged or mistyped)")]
    BadSignature,
}

/// Signs `body` with the event key and returns the printable code (format 2).
pub fn issue(body: ClaimBody, key: &SigningKey) -> String {
    let body_bytes = body.to_bytes();
    let signature = key.sign(&signed_message(DOMAIN_V2, &body_bytes));
    let mut bytes = Vec::with_capacity(BODY_V2 + SIG_LEN);
    bytes.extend_from_slice(&body_bytes);
    bytes.extend_from_slice(&signature.to_bytes());
    CROCKFORD.encode(&bytes)
}

/// Turns typed or scanned text into the canonical code, forgiving case, spaces, dashes, O/0, I/L/1.
pub fn normalize(input: &str) -> Result<String, ClaimError> {
    decode(input).map(|bytes| CROCKFORD.encode(&bytes))
}

/// Checks format, key and signature with public keys alone; says nothing about event, expiry or
/// redemption. `keys` finds the verifying key for `(event, key id)`.
pub fn verify_with(
    input: &str,
    keys: impl Fn(u16, u8) -> Option<VerifyingKey>,
) -> Result<ClaimBody, ClaimError> {
    let bytes = decode(input)?;
    let (body, domain, body_len) = if bytes.len() == BODY_V1 + SIG_LEN {
        (ClaimBody::from_v1(&bytes), DOMAIN_V1, BODY_V1)
    } else {
        (ClaimBody::from_v2(&bytes), DOMAIN_V2, BODY_V2)
    };
    let expected = if body_len == BODY_V1 {
        1
    } else {
        FORMAT_VERSION
    };
    if body.version != expected {
        return Err(ClaimError::UnsupportedVersion(body.version));
    }
    let key = keys(body.event, body.key_id).ok_or(ClaimError::UnknownKey {
        event: body.event,
        key_id: body.key_id,
    })?;
    let (body_bytes, sig_bytes) = bytes.split_at(body_len);
    let sig = Signature::from_slice(sig_bytes).map_err(|_| ClaimError::BadSignature)?;
    // Strict verification also refuses weak keys and malleable signatures.
    key.verify_strict(&signed_message(domain, body_bytes), &sig)
        .map_err(|_| ClaimError::BadSignature)?;
    Ok(body)
}

/// [`verify_with`] for a single key that signs every event and key id (tests, benches).
pub fn verify(input: &str, key: &VerifyingKey) -> Result<ClaimBody, ClaimError> {
    verify_with(input, |_, _| Some(*key))
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
            _ => format!(
                "expected {} characters",
                CROCKFORD.encode_len(BODY_V2 + SIG_LEN)
            ),
        })
    })?;
    if bytes.len() != BODY_V1 + SIG_LEN && bytes.len() != BODY_V2 + SIG_LEN {
        return Err(ClaimError::Malformed(format!(
            "expected {} characters",
            CROCKFORD.encode_len(BODY_V2 + SIG_LEN)
        )));
    }
    Ok(bytes)
}

fn signed_message(domain: &[u8], body: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(domain.len() + body.len());
    msg.extend_from_slice(domain);
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
            version: FORMAT_VERSION,
            key_id: 2,
            event: 7,
            station: 1,
            serial: 42,
            offer: 3,
            quantity: 3,
            valid_until: valid_until_hour(Timestamp::from_second(1_795_291_200).unwrap()),
        }
    }

    /// A format-1 code, as Encore wrote them before key ids and validity ends.
    fn v1_code(key: &SigningKey) -> String {
        let b = [1u8, 0, 7, 1, 0, 0, 42, 0, 3, 1];
        let sig = key.sign(&signed_message(DOMAIN_V1, &b));
        CROCKFORD.encode(&[&b[..], &sig.to_bytes()[..]].concat())
    }

    #[test]
    fn format_1_codes_still_verify_with_key_0_and_no_end() {
        let code = v1_code(&key(1));
        assert_eq!(code.len(), 119);
        let body = verify(&code, &key(1).verifying_key()).unwrap();
        assert_eq!(
            (body.version, body.key_id, body.serial, body.valid_until),
            (1, 0, 42, None)
        );
        assert_eq!(
            verify(&code, &key(2).verifying_key()),
            Err(ClaimError::BadSignature)
        );
    }

    #[test]
    fn the_key_id_picks_the_key_and_an_unknown_one_is_said_before_the_signature() {
        let code = issue(body(), &key(1));
        let keys = |event: u16, id: u8| (event == 7 && id == 2).then(|| key(1).verifying_key());
        assert_eq!(verify_with(&code, keys), Ok(body()));
        let rotated = issue(
            ClaimBody {
                key_id: 3,
                ..body()
            },
            &key(1),
        );
        assert_eq!(
            verify_with(&rotated, keys),
            Err(ClaimError::UnknownKey {
                event: 7,
                key_id: 3
            })
        );
    }

    #[test]
    fn valid_until_rounds_up_to_the_hour() {
        let t = Timestamp::from_second(HOUR_EPOCH + 3600 * 10 + 1).unwrap();
        let h = valid_until_hour(t).unwrap();
        assert_eq!(h, 11);
        let b = ClaimBody {
            valid_until: Some(h),
            ..body()
        };
        assert_eq!(b.expires_at().unwrap().as_second(), HOUR_EPOCH + 3600 * 11);
        assert_eq!(
            valid_until_hour(Timestamp::from_second(0).unwrap()),
            Some(0)
        );
        let far = Timestamp::from_second(HOUR_EPOCH + 3600 * 65_536).unwrap();
        assert_eq!(
            valid_until_hour(far),
            None,
            "past the field: refused, not clamped"
        );
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
            &"Z".repeat(122),
            &"Z".repeat(128),
            &"0".repeat(500),
        ] {
            assert!(matches!(
                verify(input, &vk),
                Err(ClaimError::Malformed(_)
                    | ClaimError::BadSignature
                    | ClaimError::UnsupportedVersion(_)
                    | ClaimError::UnknownKey { .. })
            ));
        }
    }

    proptest::proptest! {
        #[test]
        fn verify_never_panics_and_never_accepts_noise(input in "\\PC{0,200}") {
            proptest::prop_assert!(verify(&input, &key(1).verifying_key()).is_err());
        }

        #[test]
        fn no_single_character_mutation_of_any_code_is_accepted(
            serial in 0u32..=MAX_SERIAL,
            quantity in 1u8..=255,
            hour in proptest::num::u16::ANY,
            at in 0usize..122,
            with in 0usize..32,
        ) {
            let b = ClaimBody { serial, quantity, valid_until: Some(hour), ..body() };
            let code = issue(b, &key(1));
            let vk = key(1).verifying_key();
            proptest::prop_assert_eq!(verify(&code, &vk), Ok(b));
            let symbol = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"[with];
            let mut m = code.clone().into_bytes();
            proptest::prop_assume!(m[at] != symbol);
            m[at] = symbol;
            let mutated = String::from_utf8(m).unwrap();
            proptest::prop_assert!(verify(&mutated, &vk).is_err());
        }
    }

    #[test]
    fn code_fits_qr_version_5_in_alphanumeric_mode() {
        let code = issue(
            ClaimBody {
                version: FORMAT_VERSION,
                key_id: MAX_KEY_ID,
                event: u16::MAX,
                station: u8::MAX,
                serial: MAX_SERIAL,
                offer: u16::MAX,
                quantity: 255,
                valid_until: Some(u16::MAX),
            },
            &key(9),
        );
        assert!(
            code.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_eq!(code.len(), 122);
        let qr = QrMatrix::encode(&code, QrMode::Alphanumeric).unwrap();
        assert!(qr.version <= 5, "version {}", qr.version);
        // The real encoder, left to choose its own segments, lands there too.
        let auto = QrMatrix::encode(&code, QrMode::Auto).unwrap();
        assert!(auto.version <= 5, "auto version {}", auto.version);
    }
}
