//! PIX BR Code (Banco Central do Brasil) and generic EMV merchant-presented payloads.

use deunicode::deunicode;
use serde::{Deserialize, Serialize};

use super::emv::{self, Tlv};
use super::{EmvProfile, PaymentError, field};
use crate::domain::money::{Currency, Money};

const PIX_GUID: &str = "br.gov.bcb.pix";
const NAME_MAX: usize = 25;
const CITY_MAX: usize = 15;
const TXID_MAX: usize = 25;

/// A PIX receiver: key, name and city as the bank registered them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixProfile {
    /// E-mail, +55 phone, CPF, CNPJ or random (EVP) key.
    pub key: String,
    /// Receiver name (ASCII, at most 25 characters once transliterated).
    pub name: String,
    /// Receiver city (at most 15 characters once transliterated).
    pub city: String,
    /// Optional text shown in the payer's app.
    #[serde(default)]
    pub description: Option<String>,
}

/// The kind of a PIX key, told apart by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixKey {
    /// An e-mail address.
    Email,
    /// A Brazilian phone number in E.164 form, +55…
    Phone,
    /// An individual's CPF (11 digits with two check digits).
    Cpf,
    /// A company's CNPJ (14 digits with two check digits).
    Cnpj,
    /// A random key (UUID).
    Evp,
}

/// Recognises and checks a PIX key.
pub fn key_kind(key: &str) -> Result<PixKey, PaymentError> {
    let key = key.trim();
    let digits = key.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = key.strip_prefix("+55") {
        let ok = rest.chars().all(|c| c.is_ascii_digit()) && (10..=11).contains(&rest.len());
        return if ok {
            Ok(PixKey::Phone)
        } else {
            Err(field(
                "PIX key",
                "a phone key is +55, area code and number: +5561912345678",
            ))
        };
    }
    if key.contains('@') {
        let ok = key.len() <= 77
            && key.split('@').count() == 2
            && !key.starts_with('@')
            && key.rsplit('@').next().is_some_and(|d| d.contains('.'));
        return if ok {
            Ok(PixKey::Email)
        } else {
            Err(field(
                "PIX key",
                "not a valid e-mail address (at most 77 characters)",
            ))
        };
    }
    if digits && key.len() == 11 {
        return if cpf_ok(key) {
            Ok(PixKey::Cpf)
        } else {
            Err(field("PIX key", "CPF check digits are wrong"))
        };
    }
    if digits && key.len() == 14 {
        return if cnpj_ok(key) {
            Ok(PixKey::Cnpj)
        } else {
            Err(field("PIX key", "CNPJ check digits are wrong"))
        };
    }
    if uuid::Uuid::try_parse(key).is_ok() && key.len() == 36 {
        return Ok(PixKey::Evp);
    }
    Err(field(
        "PIX key",
        "use an e-mail, +55 phone, CPF (11 digits), CNPJ (14 digits) or random key (UUID)",
    ))
}

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match sum % 11 {
        0 | 1 => 0,
        r => 11 - r,
    }
}

fn cpf_ok(cpf: &str) -> bool {
    let d: Vec<u32> = cpf.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let first = check_digit(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]);
    let second = check_digit(&d[..10], &[11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    d[9] == first && d[10] == second
}

fn cnpj_ok(cnpj: &str) -> bool {
    let d: Vec<u32> = cnpj.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let first = check_digit(&d[..12], &[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    let second = check_digit(&d[..13], &[6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    d[12] == first && d[13] == second
}

/// Plain ASCII as the BR Code asks for names and cities: "São Paulo" → "Sao Paulo".
fn ascii(name: &'static str, value: &str, max: usize) -> Result<String, PaymentError> {
    let plain = deunicode(value.trim());
    if plain.is_empty() {
        return Err(field(name, "must not be empty"));
    }
    if plain.chars().count() > max {
        return Err(field(
            name,
            format!(
                "at most {max} characters (\"{plain}\" has {})",
                plain.chars().count()
            ),
        ));
    }
    Ok(plain)
}

/// A txid from our reference: letters and digits only, at most 25, or `***` when there is none.
fn txid(reference: &str) -> String {
    let t: String = reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(TXID_MAX)
        .collect();
    if t.is_empty() { "***".into() } else { t }
}

impl PixProfile {
    /// Checks key, name, city and description against the BR Code rules.
    pub fn validate(&self) -> Result<(), PaymentError> {
        key_kind(&self.key)?;
        ascii("PIX name", &self.name, NAME_MAX)?;
        ascii("PIX city", &self.city, CITY_MAX)?;
        self.account().map(|_| ())
    }

    fn account(&self) -> Result<String, PaymentError> {
        let mut sub: Vec<Tlv> = vec![(0, PIX_GUID.into()), (1, self.key.trim().into())];
        if let Some(d) = self
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            sub.push((2, d.into()));
        }
        let account = emv::encode(&sub)?;
        if account.chars().count() > 99 {
            return Err(field(
                "PIX description",
                "key and description together are too long (field 26 holds 99 characters)",
            ));
        }
        Ok(account)
    }

    /// The BR Code for `amount` (BRL, optional) with `reference` as txid.
    pub fn payload(&self, amount: Option<Money>, reference: &str) -> Result<String, PaymentError> {
        self.validate()?;
        let amount = amount_field(amount, Currency::Brl)?;
        // With an amount the code is for one order: "12", use once. Without, the BCB manual's
        // static example leaves the optional point-of-initiation field out.
        let mut objects: Vec<Tlv> = amount.iter().map(|_| (1, "12".to_string())).collect();
        objects.push((26, self.account()?));
        objects.push((52, "0000".into()));
        objects.push((53, Currency::Brl.numeric().into()));
        objects.extend(amount.map(|a| (54, a)));
        objects.push((58, "BR".into()));
        objects.push((59, ascii("PIX name", &self.name, NAME_MAX)?));
        objects.push((60, ascii("PIX city", &self.city, CITY_MAX)?));
        objects.push((62, emv::encode(&[(5, txid(reference))])?));
        emv::payload(&objects)
    }
}

/// Amount as EMV writes it ("12.50"), in the scheme's currency only.
fn amount_field(amount: Option<Money>, currency: Currency) -> Result<Option<String>, PaymentError> {
    match amount {
        None => Ok(None),
        Some(m) if m.currency != currency => Err(field(
            "amount",
            format!("this QR scheme takes {currency}, not {}", m.currency),
        )),
        Some(m) if m.minor <= 0 => Err(field("amount", "must be more than zero")),
        Some(m) if m.plain().len() > 13 => Err(field("amount", "at most 13 characters")),
        Some(m) => Ok(Some(m.plain())),
    }
}

/// Checks a generic EMV profile.
pub fn validate_generic(p: &EmvProfile) -> Result<(), PaymentError> {
    if !(26..=51).contains(&p.tag) {
        return Err(field("template tag", "26 to 51"));
    }
    if p.guid.trim().is_empty() || p.guid.chars().count() > 32 {
        return Err(field("GUID", "1 to 32 characters"));
    }
    if p.fields.iter().any(|(id, _)| *id == 0 || *id > 99) {
        return Err(field(
            "field",
            "sub-field IDs are 01 to 99 (00 is the GUID)",
        ));
    }
    if p.mcc.len() != 4 || !p.mcc.chars().all(|c| c.is_ascii_digit()) {
        return Err(field("MCC", "four digits, e.g. 5999"));
    }
    if Currency::from_numeric(&p.currency_num).is_none() {
        return Err(field(
            "currency",
            format!(
                "'{}' is not an ISO 4217 numeric code Encore sells in",
                p.currency_num
            ),
        ));
    }
    if p.country.len() != 2 || !p.country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(field("country", "two capital letters (ISO 3166), e.g. SG"));
    }
    ascii("merchant name", &p.name, NAME_MAX)?;
    ascii("merchant city", &p.city, CITY_MAX)?;
    generic_account(p).map(|_| ())
}

fn generic_account(p: &EmvProfile) -> Result<String, PaymentError> {
    let mut sub: Vec<Tlv> = vec![(0, p.guid.trim().into())];
    sub.extend(p.fields.iter().cloned());
    emv::encode(&sub)
}

/// A generic EMV payload for `amount` with `reference` as reference label (62/05).
pub fn generic_payload(
    p: &EmvProfile,
    amount: Option<Money>,
    reference: &str,
) -> Result<String, PaymentError> {
    validate_generic(p)?;
    let currency = Currency::from_numeric(&p.currency_num).unwrap_or(Currency::Eur);
    let amount = amount_field(amount, currency)?;
    let mut objects: Vec<Tlv> = vec![(1, if amount.is_some() { "12" } else { "11" }.into())];
    objects.push((p.tag, generic_account(p)?));
    objects.push((52, p.mcc.clone()));
    objects.push((53, p.currency_num.clone()));
    objects.extend(amount.map(|a| (54, a)));
    objects.push((58, p.country.clone()));
    objects.push((59, ascii("merchant name", &p.name, NAME_MAX)?));
    objects.push((60, ascii("merchant city", &p.city, CITY_MAX)?));
    if !reference.is_empty() {
        objects.push((
            62,
            emv::encode(&[(5, reference.chars().take(25).collect())])?,
        ));
    }
    emv::payload(&objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_recognised_and_checked() {
        assert_eq!(key_kind("fulano@example.com").unwrap(), PixKey::Email);
        assert_eq!(key_kind("+5561912345678").unwrap(), PixKey::Phone);
        // Check digits computed by the published CPF/CNPJ algorithm (mod 11, weights 10..2 / 5..2,9..2).
        assert_eq!(key_kind("52998224725").unwrap(), PixKey::Cpf);
        assert!(key_kind("52998224726").is_err());
        assert_eq!(key_kind("11222333000181").unwrap(), PixKey::Cnpj);
        assert!(key_kind("11222333000182").is_err());
        assert_eq!(
            key_kind("123e4567-e12b-12d1-a456-426655440000").unwrap(),
            PixKey::Evp
        );
        assert!(key_kind("+55619").is_err());
        assert!(key_kind("hello").is_err());
        assert!(key_kind("11111111111").is_err());
    }

    #[test]
    fn names_are_transliterated_and_limited() {
        assert_eq!(ascii("PIX city", "São Paulo", 15).unwrap(), "Sao Paulo");
        assert!(
            ascii("PIX city", "Santa Rita do Passa Quatro", 15)
                .unwrap_err()
                .to_string()
                .starts_with("PIX city: at most 15")
        );
    }

    #[test]
    fn a_pix_payload_parses_back() {
        let p = PixProfile {
            key: "fulano@example.com".into(),
            name: "Mara Vey".into(),
            city: "São Paulo".into(),
            description: None,
        };
        let payload = p
            .payload(Some(Money::new(1250, Currency::Brl)), "ENC-7F3K2Q")
            .unwrap();
        let objects = emv::parse(&payload).unwrap();
        assert_eq!(emv::get(&objects, 1), Some("12"));
        assert_eq!(emv::get(&objects, 54), Some("12.50"));
        assert_eq!(emv::get(&objects, 60), Some("Sao Paulo"));
        assert_eq!(emv::get(&objects, 62), Some("0509ENC7F3K2Q"));
        assert!(
            p.payload(Some(Money::new(1250, Currency::Eur)), "x")
                .is_err()
        );
        let static_code = p.payload(None, "").unwrap();
        assert_eq!(
            emv::get(&emv::parse(&static_code).unwrap(), 62),
            Some("0503***")
        );
    }

    #[test]
    fn reproduces_the_bcb_manual_static_example() {
        // "Manual de Padrões para Iniciação do Pix" static example (EVP key, no amount), as asserted
        // by thalesog/pix-utils and others; CRC 1D3D.
        let bcb = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
        let p = PixProfile {
            key: "123e4567-e12b-12d1-a456-426655440000".into(),
            name: "Fulano de Tal".into(),
            city: "BRASILIA".into(),
            description: None,
        };
        assert_eq!(p.payload(None, "").unwrap(), bcb);
    }

    #[test]
    fn an_example_with_amount_parses_to_the_same_fields_as_ours() {
        // thalesog/pix-utils tests/emvCodes.ts STATIC_TEST_EMV (CRC 0DC6): it leaves field 01 out,
        // we write "12" (single use) because each of our codes is for one order.
        let theirs = "00020126510014br.gov.bcb.pix0115thalesog@me.com0210Pedido 123520400005303986540510.005802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***63040DC6";
        let p = PixProfile {
            key: "thalesog@me.com".into(),
            name: "THALES OGLIARI".into(),
            city: "SAO MIGUEL DO O".into(),
            description: Some("Pedido 123".into()),
        };
        let ours = p
            .payload(Some(Money::new(1000, Currency::Brl)), "")
            .unwrap();
        let strip = |objs: Vec<Tlv>| {
            objs.into_iter()
                .filter(|o| o.0 != 1 && o.0 != 63)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(emv::parse(&ours).unwrap()),
            strip(emv::parse(theirs).unwrap())
        );
    }

    #[test]
    fn reproduces_the_paynow_example() {
        // daffodilistic/pyPayNowSg tests/test_payload.py TEST_CODE_1 (CRC DF3F).
        let paynow = "00020101021126400009SG.PAYNOW010120213200002150HWCF030115204000053037025802SG5923NATIONAL HEALTHCARE GRO6009Singapore6304DF3F";
        let p = EmvProfile {
            tag: 26,
            guid: "SG.PAYNOW".into(),
            fields: vec![
                (1, "2".into()),
                (2, "200002150HWCF".into()),
                (3, "1".into()),
            ],
            mcc: "0000".into(),
            currency_num: "702".into(),
            country: "SG".into(),
            name: "NATIONAL HEALTHCARE GRO".into(),
            city: "Singapore".into(),
        };
        assert_eq!(generic_payload(&p, None, "").unwrap(), paynow);
        let with_amount =
            generic_payload(&p, Some(Money::new(1250, Currency::Sgd)), "ENC-1").unwrap();
        let objects = emv::parse(&with_amount).unwrap();
        assert_eq!(
            (emv::get(&objects, 1), emv::get(&objects, 54)),
            (Some("12"), Some("12.50"))
        );
        assert!(
            generic_payload(
                &EmvProfile {
                    tag: 52,
                    ..p.clone()
                },
                None,
                ""
            )
            .is_err()
        );
        assert!(
            generic_payload(
                &EmvProfile {
                    currency_num: "999".into(),
                    ..p
                },
                None,
                ""
            )
            .is_err()
        );
    }
}
