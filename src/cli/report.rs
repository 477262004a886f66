//! `encore report x|z|event`: the day close on the terminal, as JSON, or as a PDF for the
//! receipt printer (80 mm) or the accountant (A4).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::pin::{self, PinArgs};
use super::reply::CliError;
use super::values::{self, TypedAmount};
use super::{Outcome, Reply};
use crate::domain::report::Report;
use crate::domain::report::text::plain_lines;
use crate::pdf::{self, report_pdf};
use crate::service::Pos;

/// Which report.
#[derive(Debug, Subcommand)]
pub enum ReportAction {
    /// This station's shift so far (since its last Z); closes nothing.
    X(Paper),
    /// Close this station's shift (creator PIN): numbered, kept, never changed.
    Z(ZArgs),
    /// Every station of the event.
    Event(Paper),
}

/// Where the report goes besides the terminal.
#[derive(Debug, Args)]
pub struct Paper {
    /// Write the report as a PDF here.
    #[arg(long, short = 'o', value_name = "FILE.pdf")]
    pub output: Option<PathBuf>,
    /// A4 pages instead of the 80 mm roll.
    #[arg(long)]
    pub a4: bool,
}

/// `encore report z`.
#[derive(Debug, Args)]
pub struct ZArgs {
    /// The PDF.
    #[command(flatten)]
    pub paper: Paper,
    /// The cash counted in the open drawer (the Z closes it).
    #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
    pub counted: Option<TypedAmount>,
    /// Print closed Z report N of this station again (a COPY; needs no PIN).
    #[arg(long, value_name = "N", conflicts_with = "counted")]
    pub reprint: Option<u32>,
    /// The creator PIN (to close).
    #[command(flatten)]
    pub pin: PinArgs,
}

impl ReportAction {
    /// X, event and reprints only read.
    pub fn reads_only(&self) -> bool {
        !matches!(self, ReportAction::Z(z) if z.reprint.is_none())
    }
}

/// The answer: the report, whether it is a copy, and the PDF written.
#[derive(Debug, Serialize)]
pub struct ReportAnswer {
    /// Every figure.
    pub report: Report,
    /// A reprint of a closed Z.
    pub copy: bool,
    /// The PDF, when one was asked for.
    pub file: Option<PathBuf>,
}

/// Runs `encore report`.
pub fn run(pos: &mut Pos, action: &ReportAction) -> Outcome {
    let (report, copy, paper) = match action {
        ReportAction::X(paper) => (pos.x_report()?, false, paper),
        ReportAction::Event(paper) => (pos.event_report()?, false, paper),
        ReportAction::Z(z) => match z.reprint {
            Some(n) => {
                let (report, copy) = pos.z_report(pos.station(), n)?;
                (report, copy, &z.paper)
            }
            None => {
                let currency = pos.event().currency;
                let counted = z
                    .counted
                    .as_ref()
                    .map(|c| c.in_currency("counted", currency))
                    .transpose()?;
                let grant = pin::unlock(pos, &z.pin)?;
                (pos.close_z(counted, &grant)?, false, &z.paper)
            }
        },
    };
    let mut text = plain_lines(&report, copy, 64).join("\n");
    if let Some(path) = &paper.output {
        let size = if paper.a4 {
            pdf::Paper::A4
        } else {
            pdf::Paper::Roll80
        };
        let bytes = report_pdf(&report, size, copy)?;
        std::fs::write(path, &bytes).map_err(|e| CliError::write(path, e))?;
        text.push_str(&format!(
            "\n\nwritten to {} ({} bytes)",
            path.display(),
            bytes.len()
        ));
    }
    Reply::new(
        &ReportAnswer {
            report,
            copy,
            file: paper.output.clone(),
        },
        text,
    )
}
