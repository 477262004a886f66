//! `encore reconcile`: match a bank statement's credits to QR orders.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{Outcome, Reply};
use crate::domain::field::FieldError;
use crate::domain::money::Currency;
use crate::domain::reconcile::{
    BadEntry, Credit, CsvColumns, Outcome as Match, QrOrder, parse_camt053, parse_csv,
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
    /// CSV: field separator, one ASCII character (`;`, `|`, a tab).
    #[arg(long, default_value = ",", value_parser = super::values::delimiter)]
    pub delimiter: u8,
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
    /// Entries of the statement that could not be read (the others were matched).
    pub bad: Vec<BadEntry>,
}

/// Runs the reconciliation and reports every credit and every unpaid QR order.
pub fn run(pos: &mut Pos, args: &ReconcileArgs) -> Outcome {
    let text =
        crate::files::read_text_capped("statement", &args.file, crate::files::MAX_STATEMENT_BYTES)?;
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
            delimiter: args.delimiter,
            currency,
        };
        parse_csv(&text, &cols)
    } else {
        parse_camt053(&text)
    };
    let statement = credits?;
    let r = pos.reconcile(&statement.credits)?;
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
    for b in &statement.bad {
        lines.push(format!("not read: {}: {}", b.at, b.reason));
    }
    let answer = ReconcileAnswer {
        credits: r
            .credits
            .into_iter()
            .map(|(credit, matched)| CreditAnswer { credit, matched })
            .collect(),
        unpaid: r.unpaid,
        bad: statement.bad,
    };
    Reply::new(&answer, lines.join("\n"))
}
