//! `encore catalogue export|import`: the catalogue as JSON (versioned) or CSV (with a header).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use super::Outcome;
use crate::domain::catalogue_file::{from_csv, from_json, to_csv, to_json};
use crate::service::Pos;

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

impl CatalogueAction {
    /// Whether the answer is one JSON value.
    pub fn json(&self) -> bool {
        matches!(self, CatalogueAction::Import { json: true, .. })
    }
}

fn refused(reason: String) -> Outcome {
    Outcome::Refused(json!({ "error": reason }), reason)
}

/// Runs a catalogue subcommand.
pub fn run(pos: &mut Pos, action: &CatalogueAction) -> anyhow::Result<Outcome> {
    let currency = pos.event().currency;
    Ok(match action {
        CatalogueAction::Export { format, output } => {
            let offers = pos.offers()?;
            let text = match format {
                Format::Json => to_json(&offers, currency),
                Format::Csv => match to_csv(&offers) {
                    Ok(t) => t,
                    Err(e) => return Ok(refused(format!("cannot write CSV: {e}"))),
                },
            };
            match output {
                Some(path) => {
                    std::fs::write(path, &text)?;
                    Outcome::Done(
                        json!({ "file": path, "offers": offers.len() }),
                        format!("{} offers written to {}", offers.len(), path.display()),
                    )
                }
                None => Outcome::Done(json!({}), text.trim_end().to_string()),
            }
        }
        CatalogueAction::Import {
            file,
            dry_run,
            skip_bad,
            ..
        } => {
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                Err(e) => return Ok(refused(format!("cannot read {}: {e}", file.display()))),
            };
            let is_csv = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let rows = if is_csv {
                from_csv(&text)
            } else {
                from_json(&text, currency)
                    .map(|rows| rows.into_iter().map(|(line, r)| (line, Ok(r))).collect())
            };
            let rows = match rows {
                Ok(r) => r,
                Err(e) => return Ok(refused(e.to_string())),
            };
            let report = pos.import_catalogue(rows, *dry_run, *skip_bad)?;
            let mut lines: Vec<String> = report
                .errors
                .iter()
                .map(|e| format!("line {}: {}", e.line, e.reason))
                .collect();
            let value = json!(report);
            if !report.errors.is_empty() && !skip_bad {
                lines.insert(
                    0,
                    format!(
                        "{} bad row(s), nothing imported (fix them, or --skip-bad)",
                        report.errors.len()
                    ),
                );
                let reason = lines.join("\n");
                let mut value = value;
                value["error"] = json!(lines[0]);
                return Ok(Outcome::Refused(value, reason));
            }
            let head = if *dry_run {
                format!("{} row(s) would be imported", report.valid)
            } else {
                format!("{} offer(s) imported", report.imported)
            };
            lines.insert(0, head);
            Outcome::Done(value, lines.join("\n"))
        }
    })
}
