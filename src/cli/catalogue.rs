//! `encore catalogue export|import`: the catalogue as JSON (versioned) or CSV (with a header).

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::pin::PinArgs;
use super::{CliError, Context, Outcome, Refusal, Reply};
use crate::domain::catalogue_file::{NumberedRow, from_csv, from_json, to_csv, to_json};
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
    /// Check every row of a file and add its offers to the open event (all or nothing); a row
    /// with the key of an offer of the event updates that offer (creator PIN).
    Import {
        /// The file: .csv is CSV, anything else JSON.
        file: PathBuf,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some are bad.
        #[arg(long)]
        skip_bad: bool,
        /// The creator PIN (not needed for --dry-run).
        #[command(flatten)]
        pin: PinArgs,
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
            pin,
        } => import(pos, file, *dry_run, *skip_bad, pin),
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

/// Reads a catalogue file, refusing one past its cap before reading it whole.
fn read_rows(pos: &Pos, file: &Path) -> Result<Vec<NumberedRow>, CliError> {
    let text =
        crate::files::read_text_capped("catalogue file", file, crate::files::MAX_CATALOGUE_BYTES)?;
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let rows = if is_csv {
        from_csv(&text)?
    } else {
        from_json(&text, pos.event().currency)?
            .into_iter()
            .map(|(line, r)| (line, Ok(r)))
            .collect()
    };
    Ok(rows)
}

fn import(pos: &mut Pos, file: &Path, dry_run: bool, skip_bad: bool, pin: &PinArgs) -> Outcome {
    let rows = read_rows(pos, file)?;
    // The file is checked before the PIN is asked: a bad row is named at once.
    let mut report = pos.check_catalogue(rows.clone())?;
    let blocked = !report.errors.is_empty() && !skip_bad;
    if !dry_run && !blocked {
        let grant = super::pin::unlock(pos, pin)?;
        report = pos.import_catalogue(rows, skip_bad, &grant)?;
    }
    let mut lines: Vec<String> = report
        .errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.reason))
        .collect();
    if blocked {
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
    let verb = if dry_run { "would be " } else { "" };
    let mut said = vec![format!(
        "{} added, {} changed, {} left alone{}",
        report.added,
        report.changed,
        report.unchanged,
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    )];
    for (what, titles) in [
        ("added", &report.added_titles),
        ("changed", &report.changed_titles),
        ("left alone", &report.unchanged_titles),
    ] {
        if !titles.is_empty() {
            said.push(format!("{verb}{what}: {}", titles.join(", ")));
        }
    }
    said.append(&mut lines);
    Reply::new(&report, said.join("\n"))
}
