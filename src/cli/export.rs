//! `encore export`: the whole event for the creator, as one XLSX workbook, a folder of CSV
//! files, or a folder with every receipt as a PDF. A progress bar shows on stderr when it is a
//! terminal (hidden otherwise, so scripts and `--json` see only the answer).

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::{CliError, Outcome, Reply};
use crate::service::Pos;
use crate::service::export::{Exported, Finished, Format, Summary, Watch};

/// What `encore export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// One workbook: a Summary sheet, then Orders, Lines, Payments, Refunds, Redemptions,
    /// Tickets and Members.
    Xlsx,
    /// A folder of CSV files: summary.csv, orders.csv, lines.csv, payments.csv, refunds.csv,
    /// redemptions.csv, tickets.csv, members.csv (RFC 4180, UTF-8).
    Csv,
    /// A folder with one PDF per receipt, named like K1-000001.pdf.
    Pdf,
}

/// The `encore export` flags.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The file (xlsx) or folder (csv, pdf) to make; it must not exist yet [default: a new
    /// name after the event and the UTC time in the `exports` folder beside the database].
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// How the creator PIN is read.
    #[command(flatten)]
    pub pin: super::pin::PinArgs,
}

/// What `encore export` answers.
#[derive(Debug, Serialize)]
pub struct ExportAnswer {
    /// The file or folder written.
    #[serde(flatten)]
    pub exported: Exported,
    /// How long it took.
    pub millis: u128,
}

/// The terminal's progress bar (drawn only when stderr is a terminal).
struct Bar(ProgressBar);

impl Watch for Bar {
    fn progress(&self, done: u64, total: u64, what: &str) {
        self.0.set_length(total);
        self.0.set_position(done);
        self.0.set_message(what.to_string());
    }
    fn cancelled(&self) -> bool {
        false
    }
}

/// Checks the PIN, writes the export and says where it is.
pub fn run(pos: &mut Pos, args: &ExportArgs) -> Outcome {
    let grant = super::pin::unlock(pos, &args.pin)?;
    let format = match args.format {
        FormatArg::Xlsx => Format::Xlsx,
        FormatArg::Csv => Format::Csv,
        FormatArg::Pdf => Format::Pdf,
    };
    let job = pos.export_job(format, args.output.as_deref(), &grant)?;
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    let started = std::time::Instant::now();
    let finished = job.run(&Bar(bar.clone()));
    bar.finish_and_clear();
    let exported = match finished? {
        Finished::Done(exported) => *exported,
        Finished::Cancelled => return Err(CliError::Input("the export was cancelled".into())),
    };
    let millis = started.elapsed().as_millis();
    let text = words(&exported, &exported.summary, millis);
    Reply::new(&ExportAnswer { exported, millis }, text)
}

fn words(e: &Exported, s: &Summary, millis: u128) -> String {
    let what = match e.format {
        Format::Xlsx => "workbook",
        Format::Csv => "CSV files",
        Format::Pdf => "receipt PDFs",
    };
    format!(
        "{} orders of {} exported as {what} to {} ({} file(s), {} bytes, {millis} ms): gross {}, tips {}, refunded {}, net {}",
        s.orders,
        s.event,
        e.path.display(),
        e.files,
        e.bytes,
        s.gross,
        s.tips,
        s.refunded,
        s.net
    )
}
