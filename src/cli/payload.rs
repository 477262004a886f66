//! `encore payload`: make or decode a QR payment payload without a database.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::values::{self, TypedAmount};
use super::{CliError, Outcome, Reply};
use crate::domain::field::FieldError;
use crate::domain::money::{Currency, Money};
use crate::domain::payment::{
    self, EmvProfile, EpcProfile, PaymentProfile, PixProfile, Remittance, epc, pix,
};
use crate::domain::qr::{QrMatrix, QrMode};

/// Which standard to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheme {
    /// EPC069-12 SEPA credit transfer.
    Epc,
    /// PIX BR Code.
    Pix,
    /// Generic EMVCo merchant-presented mode.
    Emv,
    /// UPI link.
    Upi,
    /// Payment-link template.
    Link,
}

/// Flags of `encore payload`; each scheme uses its own.
#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// Decode this EPC or EMV payload instead of making one.
    #[arg(long, conflicts_with = "scheme")]
    pub parse: Option<String>,
    /// The standard.
    #[arg(long, required_unless_present = "parse")]
    pub scheme: Option<Scheme>,
    /// Amount, e.g. 12.50 (optional for pix and emv: the payer types it).
    #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
    pub amount: Option<TypedAmount>,
    /// Reference placed in the scheme's reference field.
    #[arg(long = "ref", default_value = "")]
    pub reference: String,
    /// Also write the QR code as a PNG image.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Beneficiary / merchant / payee name (epc, pix, emv, upi).
    #[arg(long)]
    pub name: Option<String>,
    /// IBAN (epc).
    #[arg(long)]
    pub iban: Option<String>,
    /// BIC (epc; required for version 1).
    #[arg(long)]
    pub bic: Option<String>,
    /// EPC version, 1 or 2.
    #[arg(long, default_value_t = 2)]
    pub version: u8,
    /// Free remittance text (epc).
    #[arg(long, conflicts_with = "reference_rf")]
    pub text: Option<String>,
    /// Structured RF creditor reference (epc).
    #[arg(long = "reference", id = "reference_rf")]
    pub reference_rf: Option<String>,
    /// Purpose code (epc), e.g. GDDS.
    #[arg(long)]
    pub purpose: Option<String>,
    /// PIX key.
    #[arg(long)]
    pub key: Option<String>,
    /// City (pix, emv).
    #[arg(long)]
    pub city: Option<String>,
    /// PIX txid (default: the reference).
    #[arg(long)]
    pub txid: Option<String>,
    /// PIX description.
    #[arg(long)]
    pub description: Option<String>,
    /// EMV merchant account template tag, 26–51.
    #[arg(long)]
    pub tag: Option<u8>,
    /// EMV scheme GUID.
    #[arg(long)]
    pub guid: Option<String>,
    /// EMV template sub-field, ID=VALUE; repeat for more.
    #[arg(long = "field", value_name = "ID=VALUE")]
    pub fields: Vec<String>,
    /// EMV merchant category code.
    #[arg(long, default_value = "0000")]
    pub mcc: String,
    /// EMV ISO 4217 numeric currency, e.g. 702.
    #[arg(long)]
    pub currency_num: Option<String>,
    /// EMV country code, e.g. SG.
    #[arg(long)]
    pub country: Option<String>,
    /// UPI payee address.
    #[arg(long)]
    pub vpa: Option<String>,
    /// Link template with {amount}, {amount_minor}, {currency}, {ref}.
    #[arg(long)]
    pub template: Option<String>,
    /// Currency of a link amount (link only).
    #[arg(long, default_value = "EUR")]
    pub currency: String,
}

/// `encore payload`: the payload made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayloadAnswer {
    /// The text to put in the QR code.
    pub payload: String,
}

/// A field of a decoded payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldAnswer {
    /// Its name (`26.01`, `BIC`…).
    pub name: String,
    /// Its value.
    pub value: String,
}

/// `encore payload --parse`: what a payload says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedAnswer {
    /// `epc` or `emv`.
    pub scheme: String,
    /// Its fields in order.
    pub fields: Vec<FieldAnswer>,
}

/// A flag the chosen scheme needs (bad usage, exit 2).
fn need<'a>(value: &'a Option<String>, flag: &str, scheme: &str) -> Result<&'a str, CliError> {
    value
        .as_deref()
        .ok_or_else(|| CliError::Usage(format!("--{flag} is required for --scheme {scheme}")))
}

fn amount(
    args: &PayloadArgs,
    currency: Currency,
    required: bool,
) -> Result<Option<Money>, CliError> {
    match &args.amount {
        None if required => Err(CliError::Usage(
            "--amount is required for this scheme".into(),
        )),
        None => Ok(None),
        Some(a) => Ok(Some(a.in_currency("amount", currency)?)),
    }
}

/// The payment profile the flags describe (no amount needed).
fn profile_of(args: &PayloadArgs, scheme: Scheme) -> Result<PaymentProfile, CliError> {
    Ok(match scheme {
        Scheme::Epc => PaymentProfile::Epc(EpcProfile {
            name: need(&args.name, "name", "epc")?.into(),
            iban: need(&args.iban, "iban", "epc")?.into(),
            bic: args.bic.clone(),
            version: args.version,
            purpose: args.purpose.clone(),
        }),
        Scheme::Pix => PaymentProfile::Pix(PixProfile {
            key: need(&args.key, "key", "pix")?.into(),
            name: need(&args.name, "name", "pix")?.into(),
            city: need(&args.city, "city", "pix")?.into(),
            description: args.description.clone(),
        }),
        Scheme::Emv => PaymentProfile::Emv(emv_profile(args)?),
        Scheme::Upi => PaymentProfile::Upi {
            vpa: need(&args.vpa, "vpa", "upi")?.into(),
            name: need(&args.name, "name", "upi")?.into(),
        },
        Scheme::Link => PaymentProfile::Link {
            template: need(&args.template, "template", "link")?.into(),
        },
    })
}

/// `encore payment set`: the profile from the flags, validated.
pub fn profile_from_flags(args: &PayloadArgs) -> Result<PaymentProfile, CliError> {
    let scheme = args
        .scheme
        .ok_or_else(|| CliError::Usage("--scheme is required".into()))?;
    let profile = profile_of(args, scheme)?;
    profile.validate()?;
    Ok(profile)
}

fn make(args: &PayloadArgs, scheme: Scheme) -> Result<(String, QrMode), CliError> {
    let reference = args.reference.as_str();
    let profile = profile_of(args, scheme)?;
    let payload = match (&profile, scheme) {
        (PaymentProfile::Epc(p), _) => {
            let money = amount(args, Currency::Eur, true)?.unwrap_or(Money::new(0, Currency::Eur));
            let remittance = match (&args.reference_rf, &args.text) {
                (Some(rf), _) => Remittance::Reference(rf),
                (None, Some(text)) => Remittance::Text(text),
                (None, None) => Remittance::Text(reference),
            };
            return Ok((epc::payload(p, money, remittance)?, QrMode::Byte));
        }
        (PaymentProfile::Pix(p), _) => {
            let txid = args.txid.as_deref().unwrap_or(reference);
            p.payload(amount(args, Currency::Brl, false)?, txid)?
        }
        (PaymentProfile::Emv(p), _) => {
            let currency = Currency::from_numeric(&p.currency_num).ok_or_else(|| {
                FieldError::new(
                    "currency",
                    format!(
                        "'{}' is not an ISO 4217 numeric code Encore sells in",
                        p.currency_num
                    ),
                )
            })?;
            pix::generic_payload(p, amount(args, currency, false)?, reference)?
        }
        (PaymentProfile::Upi { .. }, _) => {
            let money = amount(args, Currency::Inr, true)?.unwrap_or(Money::new(0, Currency::Inr));
            return Ok((profile.payload(money, reference)?.payload, QrMode::Auto));
        }
        (PaymentProfile::Link { .. }, _) => {
            let currency = Currency::from_code(&args.currency).ok_or_else(|| {
                FieldError::new(
                    "currency",
                    format!("'{}' is not a currency Encore sells in", args.currency),
                )
            })?;
            let money = amount(args, currency, true)?.unwrap_or(Money::new(0, currency));
            return Ok((profile.payload(money, reference)?.payload, QrMode::Auto));
        }
    };
    let mode = if payload.is_ascii() {
        QrMode::Byte
    } else {
        QrMode::Utf8Eci
    };
    Ok((payload, mode))
}

fn emv_profile(args: &PayloadArgs) -> Result<EmvProfile, CliError> {
    let fields =
        args.fields
            .iter()
            .map(|f| {
                let (id, value) = f
                    .split_once('=')
                    .ok_or_else(|| FieldError::new("field", format!("'{f}' is not ID=VALUE")))?;
                let id: u8 = id.trim().parse().map_err(|_| {
                    FieldError::new("field", format!("'{id}' is not a two-digit ID"))
                })?;
                Ok((id, value.to_string()))
            })
            .collect::<Result<Vec<_>, FieldError>>()?;
    Ok(EmvProfile {
        tag: args
            .tag
            .ok_or_else(|| CliError::Usage("--tag is required for --scheme emv".into()))?,
        guid: need(&args.guid, "guid", "emv")?.into(),
        fields,
        mcc: args.mcc.clone(),
        currency_num: need(&args.currency_num, "currency-num", "emv")?.into(),
        country: need(&args.country, "country", "emv")?.into(),
        name: need(&args.name, "name", "emv")?.into(),
        city: need(&args.city, "city", "emv")?.into(),
    })
}

/// A QR symbol as a greyscale PNG: 8 pixels a module, four-module quiet zone.
fn qr_png(matrix: &QrMatrix) -> Result<Vec<u8>, png::EncodingError> {
    let (side, pixels) = matrix.greyscale(8);
    let mut out = Vec::new();
    let side = u32::try_from(side).unwrap_or(u32::MAX);
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&pixels)?;
    Ok(out)
}

/// Runs `encore payload`.
pub fn run(args: &PayloadArgs) -> Outcome {
    if let Some(text) = &args.parse {
        let decoded = payment::decode(text)?;
        let lines: Vec<String> = decoded
            .fields
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        let answer = DecodedAnswer {
            scheme: decoded.scheme.to_string(),
            fields: decoded
                .fields
                .into_iter()
                .map(|(name, value)| FieldAnswer {
                    name: name.to_string(),
                    value: value.to_string(),
                })
                .collect(),
        };
        return Reply::new(&answer, lines.join("\n"));
    }
    let scheme = args
        .scheme
        .ok_or_else(|| CliError::Usage("--scheme or --parse is required".into()))?;
    let (payload, mode) = make(args, scheme)?;
    if let Some(path) = &args.png {
        let matrix = QrMatrix::encode(&payload, mode)?;
        std::fs::write(path, qr_png(&matrix)?).map_err(|e| CliError::write(path, e))?;
    }
    Reply::new(
        &PayloadAnswer {
            payload: payload.clone(),
        },
        payload,
    )
}
