//! `encore catalogue export|import`: the catalogue as JSON (versioned) or CSV (with a header).

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::{CliError, Context, Outcome, Refusal, Reply};
use crate::domain::catalogue_file::{from_csv, from_json, to_csv, to_json};
use crate::service::Pos;

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON with a versioned envelope.
    Json,
    /// CSV with a header row.
    Csv,
}

/// Catalogue subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogueAction {
    /// Write the open event's catalogue (to stdout, or a file with -o).
    Export {
        /// json or csv.
        #[arg(long, default_value = "json")]
        format: Format,
        /// Write here instead of printing.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check every row of a file and add its offers to the open event (all or nothing).
    Import {
        /// The file: .csv is CSV, anything else JSON.
        file: PathBuf,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some are bad.
        #[arg(long)]
        skip_bad: bool,
    },
}

/// `catalogue export`: the file written, or (to stdout) the file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    /// How many offers.
    pub offers: usize,
    /// `json` or `csv`.
    pub format: Format,
    /// The file written, with `-o`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// The catalogue itself, without `-o`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// Runs a catalogue subcommand.
pub fn run(pos: &mut Pos, action: &CatalogueAction) -> Outcome {
    match action {
        CatalogueAction::Export { format, output } => export(pos, *format, output.as_deref()),
        CatalogueAction::Import {
            file,
            dry_run,
            skip_bad,
        } => import(pos, file, *dry_run, *skip_bad),
    }
}

fn export(pos: &Pos, format: Format, output: Option<&Path>) -> Outcome {
    let offers = pos.offers()?;
    let text = match format {
        Format::Json => to_json(&offers, pos.event().currency),
        Format::Csv => {
            to_csv(&offers).map_err(|e| CliError::Input(format!("cannot write CSV: {e}")))?
        }
    };
    let mut answer = Exported {
        offers: offers.len(),
        format,
        file: None,
        content: None,
    };
    match output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| CliError::write(path, e))?;
            let said = format!("{} offers written to {}", offers.len(), path.display());
            answer.file = Some(path.to_path_buf());
            Reply::new(&answer, said)
        }
        None => {
            let shown = text.trim_end().to_string();
            answer.content = Some(text);
            Reply::new(&answer, shown)
        }
    }
}

fn import(pos: &mut Pos, file: &Path, dry_run: bool, skip_bad: bool) -> Outcome {
    let text =
        crate::files::read_text_capped("catalogue file", file, crate::files::MAX_CATALOGUE_BYTES)?;
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let rows = if is_csv {
        from_csv(&text)
    } else {
        from_json(&text, pos.event().currency)
            .map(|rows| rows.into_iter().map(|(line, r)| (line, Ok(r))).collect())
    };
    let rows = rows?;
    let report = pos.import_catalogue(rows, dry_run, skip_bad)?;
    let mut lines: Vec<String> = report
        .errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.reason))
        .collect();
    if !report.errors.is_empty() && !skip_bad {
        let head = format!(
            "{} bad row(s), nothing imported (fix them, or --skip-bad)",
            report.errors.len()
        );
        // People read every bad line on stderr; scripts read them in `errors`.
        return Err(CliError::Refused(Box::new(Refusal {
            context: Some(Context::Import(report)),
            notes: lines,
            ..Refusal::new(head)
        })));
    }
    let head = if dry_run {
        format!("{} row(s) would be imported", report.valid)
    } else {
        format!("{} offer(s) imported", report.imported)
    };
    lines.insert(0, head);
    Reply::new(&report, lines.join("\n"))
}
