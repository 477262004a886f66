//! `encore report x|z|event`: the day close on the terminal, as JSON, or as a PDF for the
//! receipt printer (80 mm) or the accountant (A4).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::pin::{self, PinArgs};
use super::reply::CliError;
use super::values::{self, TypedAmount};
use super::{Outcome, Reply};
use crate::domain::report::Report;
use crate::domain::report::text::plain_lines;
use crate::pdf::{Paper, report_pdf};
use crate::service::Pos;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// This station's shift so far (since its last Z); closes nothing.
    X,
    /// Close this station's shift (creator PIN): numbered, kept, never changed.
    Z,
    /// Every station of the event.
    Event,
}

/// `encore report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// x, z or event.
    #[arg(value_enum)]
    pub which: Which,
    /// Write the report as a PDF here.
    #[arg(long, short = 'o', value_name = "FILE.pdf")]
    pub output: Option<PathBuf>,
    /// A4 pages instead of the 80 mm roll.
    #[arg(long)]
    pub a4: bool,
    /// Z: the cash counted in the open drawer (the Z closes it).
    #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
    pub counted: Option<TypedAmount>,
    /// Z: print closed Z report N of this station again (a COPY; needs no PIN).
    #[arg(long, value_name = "N", conflicts_with = "counted")]
    pub reprint: Option<u32>,
    /// The creator PIN (Z only).
    #[command(flatten)]
    pub pin: PinArgs,
}

impl ReportArgs {
    /// X, event and reprints only read.
    pub fn reads_only(&self) -> bool {
        self.which != Which::Z || self.reprint.is_some()
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
pub fn run(pos: &mut Pos, args: &ReportArgs) -> Outcome {
    let (report, copy) = match (args.which, args.reprint) {
        (Which::X, _) => (pos.x_report()?, false),
        (Which::Event, _) => (pos.event_report()?, false),
        (Which::Z, Some(n)) => pos.z_report(&pos.station().to_string(), n)?,
        (Which::Z, None) => {
            let currency = pos.event().currency;
            let counted = args
                .counted
                .as_ref()
                .map(|c| c.in_currency("counted", currency))
                .transpose()?;
            let grant = pin::unlock(pos, &args.pin)?;
            (pos.close_z(counted, &grant)?, false)
        }
    };
    let mut text = plain_lines(&report, copy, 64).join("\n");
    if let Some(path) = &args.output {
        let paper = if args.a4 { Paper::A4 } else { Paper::Roll80 };
        let bytes = report_pdf(&report, paper, copy)?;
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
            file: args.output.clone(),
        },
        text,
    )
}
