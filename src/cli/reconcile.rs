//! `encore reconcile`: match a bank statement's credits to QR orders.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{CliError, Outcome, Reply};
use crate::domain::field::FieldError;
use crate::domain::money::Currency;
use crate::domain::reconcile::{
    Credit, CsvColumns, Outcome as Match, QrOrder, parse_camt053, parse_csv,
};
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
}

/// One credit of the statement and what it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditAnswer {
    /// The credit as the statement has it.
    pub credit: Credit,
    /// What it matched.
    #[serde(rename = "match")]
    pub matched: Match,
}

/// `encore reconcile`: every credit and every QR order still unpaid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconcileAnswer {
    /// The statement's credits, matched.
    pub credits: Vec<CreditAnswer>,
    /// QR orders no credit paid.
    pub unpaid: Vec<QrOrder>,
}

/// Runs the reconciliation and reports every credit and every unpaid QR order.
pub fn run(pos: &Pos, args: &ReconcileArgs) -> Outcome {
    let text = std::fs::read_to_string(&args.file).map_err(|e| CliError::read(&args.file, e))?;
    let is_csv = args.format.map_or_else(
        || {
            args.file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        },
        |f| f == Format::Csv,
    );
    let credits = if is_csv {
        let currency = Currency::from_code(&args.currency).ok_or_else(|| {
            FieldError::new(
                "currency",
                format!("'{}' is not a currency Encore sells in", args.currency),
            )
        })?;
        let cols = CsvColumns {
            amount: args.amount_col.clone(),
            reference: args.ref_col.clone(),
            date: args.date_col.clone(),
            delimiter: u8::try_from(args.delimiter).unwrap_or(b','),
            currency,
        };
        parse_csv(&text, &cols)
    } else {
        parse_camt053(&text)
    };
    let credits = credits?;
    let r = pos.reconcile(&credits)?;
    let count = |f: fn(&Match) -> bool| r.credits.iter().filter(|c| f(&c.1)).count();
    let mut lines = vec![format!(
        "{} credits: {} matched, {} amount differs, {} paid twice, {} unmatched; {} QR orders unpaid",
        r.credits.len(),
        count(|m| matches!(m, Match::Matched { .. })),
        count(|m| matches!(m, Match::AmountDiffers { .. })),
        count(|m| matches!(m, Match::PaidTwice { .. })),
        count(|m| matches!(m, Match::Unmatched)),
        r.unpaid.len(),
    )];
    for o in &r.unpaid {
        lines.push(format!(
            "unpaid: {} {} {}",
            o.receipt, o.payment_ref, o.total
        ));
    }
    let answer = ReconcileAnswer {
        credits: r
            .credits
            .into_iter()
            .map(|(credit, matched)| CreditAnswer { credit, matched })
            .collect(),
        unpaid: r.unpaid,
    };
    Reply::new(&answer, lines.join("\n"))
}
