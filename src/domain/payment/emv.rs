//! EMVCo Merchant-Presented Mode: TLV encoding with the CRC-16/CCITT-FALSE trailer, and a
//! strict parser. IDs are two digits, lengths two digits counted in characters (not bytes).

use crc::{CRC_16_IBM_3740, Crc};

use super::{PaymentError, field};

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), catalogued as CRC-16/IBM-3740.
const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);

/// One data object: two-digit ID and its value.
pub type Tlv = (u8, String);

/// The CRC of `data` as four uppercase hex digits.
pub fn crc_hex(data: &str) -> String {
    format!("{:04X}", CRC16.checksum(data.as_bytes()))
}

/// Encodes objects in the order given; `what` names the field for a too-long value.
pub fn encode(objects: &[Tlv]) -> Result<String, PaymentError> {
    let mut out = String::new();
    for (id, value) in objects {
        let len = value.chars().count();
        if len > 99 {
            return Err(field(
                "EMV field",
                format!("{id:02} is {len} characters long; at most 99"),
            ));
        }
        out.push_str(&format!("{id:02}{len:02}{value}"));
    }
    Ok(out)
}

/// Encodes a whole payload: `00` first, the objects, then `63` with the CRC over everything
/// before it including `6304`.
pub fn payload(objects: &[Tlv]) -> Result<String, PaymentError> {
    let mut out = encode(&[(0, "01".into())])?;
    out.push_str(&encode(objects)?);
    out.push_str("6304");
    let crc = crc_hex(&out);
    out.push_str(&crc);
    Ok(out)
}

/// What is wrong with a payload, as exactly as can be said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmvError {
    /// The TLV structure breaks at a character offset.
    #[error("malformed TLV at offset {offset}: {reason}")]
    Malformed {
        /// Character offset where the problem starts.
        offset: usize,
        /// What is wrong there.
        reason: String,
    },
    /// The CRC field does not match the content.
    #[error("CRC mismatch: the payload says {found}, its content gives {expected}")]
    CrcMismatch {
        /// CRC computed over the content.
        expected: String,
        /// CRC written in the payload.
        found: String,
    },
    /// A field the specification requires is absent.
    #[error("missing mandatory field {0}")]
    Missing(&'static str),
}

/// Splits TLV text into objects, failing on any length that does not add up.
pub fn split(text: &str, base_offset: usize) -> Result<Vec<Tlv>, EmvError> {
    let chars: Vec<char> = text.chars().collect();
    let mut objects = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let offset = base_offset + i;
        let head: String = chars
            .get(i..i + 4)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        if head.len() < 4 || !head.chars().all(|c| c.is_ascii_digit()) {
            let reason = "expected a two-digit ID and a two-digit length".to_string();
            return Err(EmvError::Malformed { offset, reason });
        }
        let id: u8 = head[..2].parse().unwrap_or(0);
        let len: usize = head[2..].parse().unwrap_or(0);
        let Some(value) = chars.get(i + 4..i + 4 + len) else {
            let reason = format!(
                "field {id:02} says {len} characters but only {} remain",
                chars.len() - i - 4
            );
            return Err(EmvError::Malformed { offset, reason });
        };
        objects.push((id, value.iter().collect()));
        i += 4 + len;
    }
    Ok(objects)
}

/// Parses and checks a payload: structure, `00` first, `63` last with a matching CRC.
pub fn parse(payload: &str) -> Result<Vec<Tlv>, EmvError> {
    let objects = split(payload, 0)?;
    if objects.first().map(|o| (o.0, o.1.as_str())) != Some((0, "01")) {
        return Err(EmvError::Missing(
            "00 (payload format indicator \"01\", first)",
        ));
    }
    let Some((63, found)) = objects.last() else {
        return Err(EmvError::Missing("63 (CRC, last)"));
    };
    let content_len = payload.chars().count() - found.chars().count();
    let content: String = payload.chars().take(content_len).collect();
    let expected = crc_hex(&content);
    if found.len() != 4 || !found.eq_ignore_ascii_case(&expected) {
        return Err(EmvError::CrcMismatch {
            expected,
            found: found.clone(),
        });
    }
    for (id, name) in [
        (52, "52 (merchant category code)"),
        (53, "53 (currency)"),
        (58, "58 (country)"),
        (59, "59 (merchant name)"),
        (60, "60 (merchant city)"),
    ] {
        if !objects.iter().any(|o| o.0 == id) {
            return Err(EmvError::Missing(name));
        }
    }
    if !objects.iter().any(|o| (2..=51).contains(&o.0)) {
        return Err(EmvError::Missing("02-51 (merchant account information)"));
    }
    Ok(objects)
}

/// The specification's name of a root data object.
fn name(id: u8) -> &'static str {
    match id {
        0 => "payload format indicator",
        1 => "point of initiation",
        2..=25 => "merchant account (card network)",
        26..=51 => "merchant account",
        52 => "merchant category code",
        53 => "currency",
        54 => "amount",
        55 => "tip or convenience indicator",
        56 => "convenience fee (fixed)",
        57 => "convenience fee (percent)",
        58 => "country",
        59 => "merchant name",
        60 => "merchant city",
        61 => "postal code",
        62 => "additional data",
        63 => "CRC",
        64 => "language template",
        _ => "other",
    }
}

/// Whether object `id` is a template of nested objects.
fn is_template(id: u8) -> bool {
    matches!(id, 26..=51 | 62 | 64 | 80..=99)
}

/// Names every object, and the objects inside templates as `26.01`, for people to read.
pub fn describe(objects: &[Tlv]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, value) in objects {
        out.push((format!("{id:02} {}", name(*id)), value.clone()));
        if is_template(*id) {
            for (sub, sub_value) in split(value, 0).unwrap_or_default() {
                out.push((format!("{id:02}.{sub:02}"), sub_value));
            }
        }
    }
    out
}

/// The value of object `id`, if present.
pub fn get(objects: &[Tlv], id: u8) -> Option<&str> {
    objects.iter().find(|o| o.0 == id).map(|o| o.1.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_catalogue_check_value() {
        // CRC-16/CCITT-FALSE check value over "123456789" is 0x29B1 (reveng catalogue).
        assert_eq!(crc_hex("123456789"), "29B1");
    }

    #[test]
    fn parses_the_emvco_annex_example_with_cjk_characters() {
        // EMV QRCPS Merchant-Presented Mode v1.0, Annex B.7 (from its hex dump); CRC A13A over UTF-8.
        let annex = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";
        let objects = parse(annex).unwrap();
        assert_eq!(get(&objects, 54), Some("23.72"));
        let described = describe(&objects);
        assert!(described.contains(&("64.01".to_string(), "最佳运输".to_string())));
    }

    #[test]
    fn promptpay_examples_have_good_crcs_but_lack_mandatory_fields() {
        // dtinth/promptpay-qr index.test.js: valid CRC 6197, but no 52/59/60, which EMVCo requires.
        let promptpay =
            "00020101021129370016A000000677010111011300668012345675802TH530376463046197";
        assert!(split(promptpay, 0).is_ok());
        assert_eq!(
            parse(promptpay),
            Err(EmvError::Missing("52 (merchant category code)"))
        );
    }

    #[test]
    fn a_good_crc_does_not_excuse_a_wrong_length() {
        // gist matheusb-comp/1efa205b: "6208" claims 8 characters where 7 follow; CRC 170E matches.
        let mut body = "00020126360014br.gov.bcb.pix0114+55619876543215204000053039865802BR5913Fulano de Tal6008BRASILIA62080503***".to_string();
        body.push_str("6304");
        let crc = crc_hex(&body);
        body.push_str(&crc);
        assert!(matches!(parse(&body), Err(EmvError::Malformed { .. })));
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert_eq!(encode(&[(59, "São".into())]).unwrap(), "5903São");
    }

    #[test]
    fn a_payload_round_trips_and_tampering_is_caught() {
        let p = payload(&[
            (
                26,
                encode(&[(0, "br.gov.bcb.pix".into()), (1, "a@b.co".into())]).unwrap(),
            ),
            (52, "0000".into()),
            (53, "986".into()),
            (58, "BR".into()),
            (59, "ANA".into()),
            (60, "RIO".into()),
        ])
        .unwrap();
        assert!(p.starts_with("000201") && p[p.len() - 8..].starts_with("6304"));
        let objects = parse(&p).unwrap();
        assert_eq!(get(&objects, 59), Some("ANA"));
        let tampered = p.replace("ANA", "ANO");
        assert!(matches!(
            parse(&tampered),
            Err(EmvError::CrcMismatch { .. })
        ));
    }

    #[test]
    fn lengths_that_do_not_add_up_are_malformed_even_with_a_good_crc() {
        // "5904ANA" claims 4 characters; re-sign so only the structure is wrong.
        let mut body = "0002015204000053039865802BR5904ANA6003RIO".to_string();
        body.push_str("6304");
        let crc = crc_hex(&body);
        body.push_str(&crc);
        assert!(matches!(
            parse(&body),
            Err(EmvError::Malformed { .. }) | Err(EmvError::Missing(_))
        ));
        assert!(matches!(
            split("00020", 0),
            Err(EmvError::Malformed { offset: 0, .. })
        ));
        assert!(matches!(
            split("000201X", 0),
            Err(EmvError::Malformed { offset: 6, .. })
        ));
    }
}
