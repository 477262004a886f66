//! `encore receipts QUERY` (finding receipts), `encore invoice` (an A4 invoice) and
//! `encore training` (a station selling for practice).

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::pin::PinArgs;
use super::{CliError, Outcome, Reply};
use crate::domain::event::local_time;
use crate::domain::order::{OrderSummary, ReceiptNo, methods_label};
use crate::pdf::invoice_pdf;
use crate::service::Pos;

/// The `encore invoice` flags.
#[derive(Debug, clap::Args)]
pub struct InvoiceArgs {
    /// Receipt number, e.g. K1-000001; the invoice has the same number.
    pub number: ReceiptNo,
    /// The buyer's name or company (needed for the first print; a copy keeps it).
    #[arg(long)]
    pub name: Option<String>,
    /// One line of the buyer's address; repeat for each line.
    #[arg(long = "address", value_name = "LINE")]
    pub address: Vec<String>,
    /// Output file [default: invoice-NUMBER.pdf].
    #[arg(short, long, value_name = "FILE.pdf")]
    pub output: Option<PathBuf>,
}

/// Training mode subcommands.
#[derive(Debug, Subcommand)]
pub enum TrainingAction {
    /// Sell for practice at this station (creator PIN): no stock, claims, tickets or figures.
    On {
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: PinArgs,
    },
    /// Sell for real again (creator PIN).
    Off {
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: PinArgs,
    },
    /// Say whether this station sells for practice.
    Status,
}

/// `encore receipts`: what a query found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchAnswer {
    /// The query as typed.
    pub query: String,
    /// Every receipt that matched.
    pub total: u64,
    /// Matches beyond those listed.
    pub more: u64,
    /// Newest first.
    pub receipts: Vec<OrderSummary>,
}

/// `encore invoice`: the file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceAnswer {
    /// The invoice (and receipt) number.
    pub invoice: ReceiptNo,
    /// A later print: the PDF says COPY.
    pub copy: bool,
    /// Who it is made out to.
    pub buyer: String,
    /// The PDF.
    pub file: PathBuf,
}

/// `encore training`: this station's mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingAnswer {
    /// Station code.
    pub station: String,
    /// Selling for practice.
    pub training: bool,
    /// Whether this command changed it.
    pub changed: bool,
}

/// Finds receipts by number, payment reference, amount, offer title or local time.
pub fn search(pos: &Pos, query: &str) -> Outcome {
    let found = pos.search_receipts(query)?;
    let zone = &pos.event().time_zone;
    let mut text: Vec<String> = found
        .orders
        .iter()
        .map(|o| {
            format!(
                "{}{}  {}  {} · {}  {}",
                o.number,
                if o.training { " TRAINING" } else { "" },
                local_time(o.paid_at, zone),
                o.total,
                methods_label(o.tenders.iter().copied()),
                o.summary
            )
        })
        .collect();
    match (found.total, found.more()) {
        (0, _) => text.push(format!("no receipt matches '{}'", query.trim())),
        (_, 0) => {}
        (_, more) => text.push(format!("… and {more} more: narrow the search")),
    }
    let answer = SearchAnswer {
        query: query.trim().to_string(),
        total: found.total,
        more: found.more(),
        receipts: found.orders,
    };
    Reply::new(&answer, text.join("\n"))
}

/// Writes the A4 invoice of a receipt; the first print is the original, later ones say COPY.
pub fn invoice(pos: &mut Pos, args: &InvoiceArgs) -> Outcome {
    let address = args.address.join("\n");
    let buyer = args.name.as_deref().map(|name| (name, address.as_str()));
    let inv = pos.invoice(&args.number, buyer)?;
    let bytes = invoice_pdf(&inv)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("invoice-{}.pdf", args.number)));
    std::fs::write(&output, &bytes).map_err(|e| CliError::write(&output, e))?;
    let text = format!(
        "invoice {}{} for {} written to {} ({} bytes)",
        args.number,
        if inv.copy { " (COPY)" } else { "" },
        inv.buyer.name,
        output.display(),
        bytes.len()
    );
    let answer = InvoiceAnswer {
        invoice: args.number.clone(),
        copy: inv.copy,
        buyer: inv.buyer.name,
        file: output,
    };
    Reply::new(&answer, text)
}

/// Turns training mode on or off, or says whether it is on.
pub fn training(pos: &mut Pos, action: &TrainingAction) -> Outcome {
    let (on, changed) = match action {
        TrainingAction::Status => (pos.training()?, false),
        TrainingAction::On { pin } | TrainingAction::Off { pin } => {
            let on = matches!(action, TrainingAction::On { .. });
            let grant = super::pin::unlock(pos, pin)?;
            (on, pos.set_training(on, &grant)?)
        }
    };
    let station = pos.station().to_string();
    let text = match on {
        true => format!(
            "{station} sells for practice (TRAINING): receipts {}, no stock, claim codes, tickets or figures",
            crate::service::ledger_code(station_no(&station))
        ),
        false => format!("{station} sells for real"),
    };
    Reply::new(
        &TrainingAnswer {
            station,
            training: on,
            changed,
        },
        text,
    )
}

/// The number of a station code (K1 → 1), as Pos accepted it.
fn station_no(code: &str) -> u8 {
    code.trim_start_matches('K').parse().unwrap_or(0)
}
