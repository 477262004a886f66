//! `encore reconcile`: match a bank statement's credits to QR orders.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::Outcome;
use crate::domain::money::Currency;
use crate::domain::reconcile::{CsvColumns, Outcome as Match, parse_camt053, parse_csv};
use crate::service::Pos;

/// Statement formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// ISO 20022 camt.053 XML.
    Camt,
    /// CSV with a header row.
    Csv,
}

/// Flags of `encore reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The statement file.
    pub file: PathBuf,
    /// camt or csv (default: by the file's ending).
    #[arg(long)]
    pub format: Option<Format>,
    /// CSV: header of the amount column.
    #[arg(long, default_value = "Amount")]
    pub amount_col: String,
    /// CSV: header of the reference / purpose column.
    #[arg(long, default_value = "Reference")]
    pub ref_col: String,
    /// CSV: header of the date column.
    #[arg(long)]
    pub date_col: Option<String>,
    /// CSV: field separator.
    #[arg(long, default_value = ",")]
    pub delimiter: char,
    /// CSV: currency of the amounts.
    #[arg(long, default_value = "EUR")]
    pub currency: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn refused(reason: String) -> Outcome {
    Outcome::Refused(json!({ "error": reason }), reason)
}

/// Runs the reconciliation and reports every credit and every unpaid QR order.
pub fn run(pos: &Pos, args: &ReconcileArgs) -> anyhow::Result<Outcome> {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => return Ok(refused(format!("cannot read {}: {e}", args.file.display()))),
    };
    let is_csv = args.format.map_or_else(
        || {
            args.file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        },
        |f| f == Format::Csv,
    );
    let credits = if is_csv {
        let Some(currency) = Currency::from_code(&args.currency) else {
            return Ok(refused(format!(
                "currency: '{}' is not a currency Encore sells in",
                args.currency
            )));
        };
        let delimiter = u8::try_from(args.delimiter).unwrap_or(b',');
        let cols = CsvColumns {
            amount: args.amount_col.clone(),
            reference: args.ref_col.clone(),
            date: args.date_col.clone(),
            delimiter,
            currency,
        };
        parse_csv(&text, &cols)
    } else {
        parse_camt053(&text)
    };
    let credits = match credits {
        Ok(c) => c,
        Err(e) => return Ok(refused(e.to_string())),
    };
    let r = pos.reconcile(&credits)?;
    let count = |f: fn(&Match) -> bool| r.credits.iter().filter(|c| f(&c.1)).count();
    let text = format!(
        "{} credits: {} matched, {} amount differs, {} paid twice, {} unmatched; {} QR orders unpaid",
        r.credits.len(),
        count(|m| matches!(m, Match::Matched { .. })),
        count(|m| matches!(m, Match::AmountDiffers { .. })),
        count(|m| matches!(m, Match::PaidTwice { .. })),
        count(|m| matches!(m, Match::Unmatched)),
        r.unpaid.len(),
    );
    let mut lines = vec![text];
    for o in &r.unpaid {
        lines.push(format!(
            "unpaid: {} {} {}",
            o.receipt, o.payment_ref, o.total
        ));
    }
    let credits: Vec<_> = r
        .credits
        .iter()
        .map(|(c, m)| json!({ "credit": c, "match": m }))
        .collect();
    Ok(Outcome::Done(
        json!({ "credits": credits, "unpaid": r.unpaid }),
        lines.join("\n"),
    ))
}
