//! Who a fan is, without keeping who they are.
//!
//! A fan types a phone number, an e-mail or a social handle once; it is normalised so different
//! spellings of the same contact agree, then hashed with the database's salt into a [`FanId`]. Only
//! the id is kept: the contact itself is never stored or shown. A fan who wants a card gets a
//! [`MemberCode`] instead, short enough to read aloud and carrying a check symbol against typos.

use crate::domain::field::{FieldError, FieldResult};
use std::fmt;

use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What every contact error starts with: the field and what it accepts.
const CONTACT_RULE: &str = "type a phone number, an e-mail or an @handle";
/// ITU-T E.164 allows at most 15 digits; fewer than 6 is no phone number anywhere.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 6..=15;
/// Handle length without the `@`.
const HANDLE_CHARS: std::ops::RangeInclusive<usize> = 2..=30;
/// The longest address SMTP can carry.
const MAX_EMAIL_CHARS: usize = 254;

/// Turns what a fan typed into one canonical contact: `+` and digits for a phone number (digits
/// only when typed without `+`), a lower-case e-mail, or a lower-case `@handle`.
pub fn normalize_contact(input: &str) -> FieldResult<String> {
    let text = input.trim();
    super::field::check_text("fan", text, MAX_EMAIL_CHARS)?;
    if let Some(name) = text.strip_prefix('@') {
        normalize_handle(name)
    } else if text.contains('@') {
        normalize_email(text)
    } else {
        normalize_phone(text)
    }
}

fn normalize_handle(name: &str) -> FieldResult<String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !ok_chars || !HANDLE_CHARS.contains(&name.chars().count()) {
        return Err(FieldError::new(
            "fan",
            format!("{CONTACT_RULE} (an @handle is 2 to 30 letters, digits, _ or .)"),
        ));
    }
    Ok(format!("@{}", name.to_ascii_lowercase()))
}

fn normalize_email(text: &str) -> FieldResult<String> {
    let email = text.to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && email.chars().count() <= MAX_EMAIL_CHARS
        }
        None => false,
    };
    if !valid {
        return Err(FieldError::new(
            "fan",
            format!(
                "{CONTACT_RULE} (an e-mail has one @ with text either side and a dot in the domain)"
            ),
        ));
    }
    Ok(email)
}

fn normalize_phone(text: &str) -> FieldResult<String> {
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '[' | ']' => {}
            // Letters or a second `+`: not something we recognise at all.
            _ => return Err(FieldError::new("fan", CONTACT_RULE)),
        }
    }
    if digits.is_empty() && !plus {
        return Err(FieldError::new("fan", CONTACT_RULE));
    }
    if !PHONE_DIGITS.contains(&digits.len()) {
        return Err(FieldError::new(
            "fan",
            format!("{CONTACT_RULE} (a phone number has 6 to 15 digits)"),
        ));
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

/// A fan as Encore knows them: 32 lower-case hex characters, a salted hash of their contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FanId(pub String);

impl FanId {
    /// The first 6 hex characters, enough to tell fans apart in a log line.
    pub fn short(&self) -> &str {
        self.0.get(..6).unwrap_or(&self.0)
    }
}

impl fmt::Display for FanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of a normalised contact: the first 16 bytes of SHA-256(salt, 0x00, contact) in hex. The
/// salt is made once per database (so a member is recognised at every event on it); it keeps
/// ids from being looked up in a precomputed table, but whoever holds the database file and its
/// salt can still test guesses, so the file itself must be kept safe.
pub fn fan_id(salt: &[u8], normalized: &str) -> FanId {
    let digest = Sha256::new()
        .chain_update(salt)
        .chain_update([0u8])
        .chain_update(normalized.as_bytes())
        .finalize();
    FanId(HEXLOWER.encode(&digest[..16]))
}

/// Crockford's base32 symbols: digits and capitals without I, L, O and U.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Crockford's check symbols: the 32 above and five more for the values 32–36 (mod 37).
const CROCKFORD_CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// `n` as `len` Crockford symbols, most significant first (bits above `5 × len` are dropped).
pub(crate) fn crockford_encode(n: u64, len: usize) -> String {
    (0..len)
        .rev()
        .map(|i| char::from(CROCKFORD[((n >> (5 * i)) & 31) as usize]))
        .collect()
}

/// The value of one typed symbol, forgiving case and the look-alikes O (0), I and L (1).
pub(crate) fn crockford_value(c: char) -> Option<u64> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    CROCKFORD
        .iter()
        .position(|s| char::from(*s) == c)
        .map(|v| v as u64)
}

/// The symbols of a typed or scanned code with spaces and dashes gone and the one-letter
/// `prefix` dropped if present. None when the count is not `len` (with or without the prefix).
pub(crate) fn code_symbols(input: &str, prefix: char, len: usize) -> Option<Vec<char>> {
    let text = input.trim();
    let mut chars = text.chars();
    // The prefix letter is also a code symbol: only a separator after it says it is the prefix.
    let explicit = chars
        .next()
        .is_some_and(|c| c.eq_ignore_ascii_case(&prefix))
        && chars.next().is_some_and(|c| matches!(c, '-' | ' '));
    let body = if explicit { chars.as_str() } else { text };
    let mut symbols: Vec<char> = body
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\t'))
        .collect();
    if !explicit && symbols.len() == len + 1 && symbols.first()?.eq_ignore_ascii_case(&prefix) {
        symbols.remove(0);
    }
    (symbols.len() == len).then_some(symbols)
}

/// What a scanner reads from a printed member card, before the code.
const MEMBER_PAYLOAD_PREFIX: &str = "ENCORE-MEMBER:";
/// Data symbols in a member code: 7 × 5 = 35 bits.
const MEMBER_DATA: usize = 7;
const MEMBER_BITS: u64 = (1 << (5 * MEMBER_DATA)) - 1;

/// A loyalty card number, `M-XXXX-XXXX`: 7 Crockford symbols for a 35-bit number and a check
/// symbol (the number mod 37), so any one mistyped symbol, or two neighbouring data symbols
/// swapped, is caught.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemberCode(String);

impl MemberCode {
    /// The code for a (random) number; only its low 35 bits are used.
    pub fn from_number(n: u64) -> MemberCode {
        let n = n & MEMBER_BITS;
        let check = char::from(CROCKFORD_CHECK[(n % 37) as usize]);
        let body = format!("{}{check}", crockford_encode(n, MEMBER_DATA));
        MemberCode(format!("M-{}-{}", &body[..4], &body[4..]))
    }

    /// Reads a typed or scanned member code: any case, dashes and spaces optional, `M` optional,
    /// O for 0, I and L for 1, or the whole card payload ([`member_qr_payload`]).
    pub fn parse(input: &str) -> FieldResult<MemberCode> {
        let text = input.trim();
        let text = match text.get(..MEMBER_PAYLOAD_PREFIX.len()) {
            Some(head) if head.eq_ignore_ascii_case(MEMBER_PAYLOAD_PREFIX) => {
                text.get(MEMBER_PAYLOAD_PREFIX.len()..).unwrap_or_default()
            }
            _ => text,
        };
        let symbols = code_symbols(text, 'M', MEMBER_DATA + 1).ok_or_else(|| {
            FieldError::new("member code", "M- and 8 characters, like M-XXXX-XXXX")
        })?;
        let mut n = 0u64;
        for &c in &symbols[..MEMBER_DATA] {
            let v = crockford_value(c).ok_or_else(|| {
                FieldError::new("member code", format!("'{c}' is not a code character"))
            })?;
            n = (n << 5) | v;
        }
        let last = symbols[MEMBER_DATA];
        let check = check_value(last).ok_or_else(|| {
            FieldError::new("member code", format!("'{last}' is not a check character"))
        })?;
        if check != n % 37 {
            return Err(FieldError::new(
                "member code",
                "check character does not match — typo?",
            ));
        }
        Ok(MemberCode::from_number(n))
    }

    /// The canonical text, `M-XXXX-XXXX`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 35-bit number behind the code (what the store keeps).
    pub fn number(&self) -> u64 {
        self.0
            .chars()
            .filter_map(crockford_value)
            .skip(1) // the M
            .take(MEMBER_DATA)
            .fold(0, |n, v| (n << 5) | v)
    }
}

impl fmt::Display for MemberCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_value(c: char) -> Option<u64> {
    crockford_value(c).or_else(|| {
        let c = c.to_ascii_uppercase();
        CROCKFORD_CHECK[32..]
            .iter()
            .position(|s| char::from(*s) == c)
            .map(|v| 32 + v as u64)
    })
}

/// What the QR on a printed member card holds: `ENCORE-MEMBER:M-XXXX-XXXX`.
pub fn member_qr_payload(code: &MemberCode) -> String {
    format!("{MEMBER_PAYLOAD_PREFIX}{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_lose_their_punctuation() {
        assert_eq!(
            normalize_contact(" +49 (170) 123-45.67 ").unwrap(),
            "+491701234567"
        );
        assert_eq!(
            normalize_contact("+49 170 1234567").unwrap(),
            "+491701234567"
        );
        // Without + the digits are kept as typed: we do not guess a country.
        assert_eq!(normalize_contact("0170 123 4567").unwrap(), "01701234567");
        assert_eq!(normalize_contact("123456").unwrap(), "123456");
        assert_eq!(
            normalize_contact("+123456789012345").unwrap(),
            "+123456789012345"
        );
    }

    #[test]
    fn e_mails_and_handles_are_lower_cased() {
        assert_eq!(
            normalize_contact("  Ada.Lovelace@Example.ORG ").unwrap(),
            "ada.lovelace@example.org"
        );
        assert_eq!(normalize_contact("@Night_Owl.42").unwrap(), "@night_owl.42");
        assert_eq!(normalize_contact("@ab").unwrap(), "@ab");
        assert_eq!(
            normalize_contact(&format!("@{}", "x".repeat(30))).unwrap(),
            format!("@{}", "x".repeat(30))
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_rule() {
        for bad in [
            "",
            "   ",
            "hello",
            "12345",
            "+",
            "+1234567890123456",
            "12ab3456",
            "+49+170123456",
            "@",
            "@a",
            "@has space",
            "@dash-not-ok",
            "@émile",
            &format!("@{}", "x".repeat(31)),
            "a@b",
            "@b.com@",
            "a@@b.com",
            "a@b@c.com",
            "a@.com",
            "a@com.",
            "a b@c.com",
            "ann@",
        ] {
            let err = normalize_contact(bad).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("fan: {CONTACT_RULE}")),
                "{bad:?}: {err}"
            );
        }
        assert!(
            normalize_contact("12345")
                .unwrap_err()
                .to_string()
                .contains("6 to 15 digits")
        );
        assert!(
            normalize_contact("a@b")
                .unwrap_err()
                .to_string()
                .contains("a dot in the domain")
        );
        assert!(
            normalize_contact("@a")
                .unwrap_err()
                .to_string()
                .contains("2 to 30")
        );
    }

    #[test]
    fn the_same_contact_typed_differently_is_the_same_fan() {
        let salt = b"event-7";
        let id = |s: &str| fan_id(salt, &normalize_contact(s).unwrap());
        assert_eq!(id("+49 170 1234567"), id("+49-170-123 45 67"));
        assert_eq!(id("Ada@Example.org"), id(" ada@example.ORG"));
        assert_eq!(id("@NightOwl"), id("@nightowl"));
        assert_ne!(id("+49 170 1234567"), id("0170 1234567"));
        let other_event = fan_id(b"event-8", &normalize_contact("+49 170 1234567").unwrap());
        assert_ne!(id("+49 170 1234567"), other_event);
    }

    #[test]
    fn fan_ids_are_32_hex_characters_and_stable() {
        let id = fan_id(b"salt", "+491701234567");
        assert_eq!(id.0.len(), 32);
        assert!(
            id.0.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(id.short(), &id.0[..6]);
        assert_eq!(id.to_string(), id.0);
        // The salt and the contact are separated, so moving a byte across the line changes the id.
        assert_ne!(fan_id(b"salt+", "49"), fan_id(b"salt", "+49"));
        // A change to the hashing would orphan every stored fan: pin one value.
        assert_eq!(id.0, "4863195fb9620b096efc1fb2fc713845");
        assert_eq!(FanId("ab".into()).short(), "ab");
    }

    #[test]
    fn member_codes_look_right_and_round_trip() {
        let code = MemberCode::from_number(0);
        assert_eq!(code.as_str(), "M-0000-0000");
        let code = MemberCode::from_number(u64::MAX);
        // 2^36 ≡ 1 (mod 37), so 2^35 − 1 ≡ 19 − 1 = 18 → 'J'.
        assert_eq!(code.as_str(), "M-ZZZZ-ZZZJ");
        assert_eq!(code.number(), MEMBER_BITS);
        for n in [1, 36, 37, 1234567, 31_000_000_001, MEMBER_BITS] {
            let code = MemberCode::from_number(n);
            assert_eq!(code.number(), n);
            assert_eq!(code.to_string().len(), 11);
            assert_eq!(MemberCode::parse(code.as_str()), Ok(code.clone()));
            assert_eq!(
                MemberCode::parse(&member_qr_payload(&code)),
                Ok(code.clone())
            );
        }
    }

    #[test]
    fn check_symbols_above_31_are_used() {
        // n mod 37 = 32..36 → * ~ $ = U
        let ends: Vec<char> = (32..37)
            .map(|n| MemberCode::from_number(n).as_str().chars().last().unwrap())
            .collect();
        assert_eq!(ends, ['*', '~', '$', '=', 'U']);
        assert_eq!(MemberCode::parse("m00000-1 4u").unwrap().number(), 36);
    }

    #[test]
    fn typed_member_codes_are_forgiven() {
        let code = MemberCode::from_number(0b10101_00001_00000_11111_01010_00001_00000);
        let canonical = code.as_str();
        let sloppy = canonical.to_lowercase().replace('0', "o").replace('1', "l");
        assert_eq!(MemberCode::parse(&sloppy), Ok(code.clone()));
        assert_eq!(
            MemberCode::parse(&canonical.replace('-', "")),
            Ok(code.clone())
        );
        assert_eq!(MemberCode::parse(&canonical[2..]), Ok(code.clone()));
        assert_eq!(
            MemberCode::parse(&format!("  encore-member:{}\n", &canonical[2..])),
            Ok(code.clone())
        );
    }

    #[test]
    fn any_one_changed_symbol_is_caught() {
        for n in [0, 7, 123_456_789, 31_000_000_001, MEMBER_BITS] {
            let code = MemberCode::from_number(n);
            let original: Vec<char> = code.as_str().chars().filter(|c| *c != '-').collect();
            for at in 1..original.len() {
                let alphabet: &[u8] = if at == original.len() - 1 {
                    CROCKFORD_CHECK
                } else {
                    CROCKFORD
                };
                for &s in alphabet {
                    let mut typo = original.clone();
                    if typo[at] == char::from(s) {
                        continue;
                    }
                    typo[at] = char::from(s);
                    let typo: String = typo.into_iter().collect();
                    assert!(
                        MemberCode::parse(&typo).is_err(),
                        "{typo} accepted for {code}"
                    );
                }
            }
        }
        let err = MemberCode::parse("M-0000-0001").unwrap_err().to_string();
        assert_eq!(err, "member code: check character does not match — typo?");
    }

    #[test]
    fn neighbour_swaps_are_caught() {
        let code = MemberCode::from_number(0b00001_00010_00011_00100_00101_00110_00111);
        let original: Vec<char> = code.as_str().chars().filter(|c| *c != '-').collect();
        for at in 1..MEMBER_DATA {
            let mut swapped = original.clone();
            swapped.swap(at, at + 1);
            let swapped: String = swapped.into_iter().collect();
            assert!(MemberCode::parse(&swapped).is_err(), "{swapped}");
        }
    }

    #[test]
    fn malformed_member_codes_say_what_is_wrong() {
        assert!(
            MemberCode::parse("")
                .unwrap_err()
                .to_string()
                .contains("8 characters")
        );
        assert!(
            MemberCode::parse("M-1234-567")
                .unwrap_err()
                .to_string()
                .contains("8 characters")
        );
        assert!(
            MemberCode::parse("X-1234-5678")
                .unwrap_err()
                .to_string()
                .contains("8 characters")
        );
        assert!(
            MemberCode::parse("M-12U4-5678")
                .unwrap_err()
                .to_string()
                .contains("'U'")
        );
        assert!(
            MemberCode::parse("M-1234-567!")
                .unwrap_err()
                .to_string()
                .contains("'!'")
        );
        assert!(
            MemberCode::parse("M-*234-5678")
                .unwrap_err()
                .to_string()
                .contains("'*'")
        );
        assert!(MemberCode::parse("ENCORE-MEMBER:").is_err());
    }

    proptest::proptest! {
        #[test]
        fn contact_and_member_parsing_never_panic(input in "\\PC{0,80}") {
            let _ = normalize_contact(&input);
            let _ = MemberCode::parse(&input);
        }

        #[test]
        fn every_member_code_round_trips(n in proptest::num::u64::ANY) {
            let code = MemberCode::from_number(n);
            proptest::prop_assert_eq!(code.number(), n & MEMBER_BITS);
            let typed = code.as_str().to_lowercase().replace('-', " ");
            proptest::prop_assert_eq!(MemberCode::parse(&typed), Ok(code));
        }
    }
}
