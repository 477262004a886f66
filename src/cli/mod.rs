//! The `encore` command line: clap subcommands over the same service the kiosk uses.
//! Exit 0 on success, 1 on a refused operation (with the reason), 2 on bad usage. Every command
//! takes `--json` and then prints exactly one JSON value on stdout, answer or refusal alike:
//! commands give back a [`Reply`] or a [`CliError`], and [`emit`] alone prints them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::domain::order::TenderKind;
use crate::service::{Clock, Pos};
use crate::store::Store;

pub mod backup;
pub mod catalogue;
pub mod claim;
pub mod drawer;
pub mod event;
pub mod export;
pub mod lottery;
pub mod member;
pub mod network;
pub mod payload;
pub mod pin;
pub mod queue;
pub mod receipts;
pub mod reconcile;
pub mod refund;
pub mod reply;
pub mod report;
pub mod sell;
pub mod trust;
pub mod values;

pub use catalogue::CatalogueAction;
pub use claim::ClaimAction;
pub use drawer::DrawerAction;
pub use event::EventAction;
pub use lottery::LotteryAction;
pub use member::MemberAction;
pub use payload::PayloadArgs;
pub use queue::QueueAction;
pub use refund::{PaymentAction, PinAction};
pub use reply::{CliError, Context, Outcome, Refusal, Reply, emit, emit_failure};
use values::{RefundLine, SplitPart, TypedAmount};

/// Encore: a kiosk point of sale for pop-up events and after-show micro-gigs.
#[derive(Debug, Parser)]
#[command(name = "encore", version, about)]
pub struct Args {
    /// Database file [default: $XDG_DATA_HOME/encore/encore.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// This kiosk's station code.
    #[arg(long, global = true, default_value = "K1")]
    pub station: String,
    /// Start the kiosk full screen.
    #[arg(long)]
    pub fullscreen: bool,
    /// Helper's name, recorded with redemptions and queue moves.
    #[arg(long, global = true, env = "ENCORE_HELPER", default_value = "")]
    pub helper: String,
    /// Print exactly one JSON value on stdout: the answer, or `{"error": …}` when refused.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do; without a command the kiosk opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Parses the command line. Bad usage exits 2 here, with one JSON refusal under `--json`.
pub fn parse() -> Args {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match Args::try_parse_from(&raw) {
        Ok(args) => args,
        Err(e) => reply::usage_error(&e, &raw),
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a QR payment payload (EPC, PIX, EMV, UPI, link) or decode one with --parse.
    Payload(Box<PayloadArgs>),
    /// Load the demo event into the database (does nothing if it is there already).
    Demo,
    /// List the catalogue.
    Offers,
    /// Make a complete paid sale of one offer.
    Sell(Box<SellArgs>),
    /// Write a receipt's PDF: its first print is the original, every later one says COPY.
    Receipt {
        /// Receipt number (K1-000001) or `latest`.
        #[arg(value_parser = values::receipt_pick)]
        number: values::ReceiptPick,
        /// Output file.
        #[arg(short, long, value_name = "FILE.pdf")]
        output: PathBuf,
    },
    /// Find receipts by number (K1-000042 or 42), payment reference, amount (12.50), offer
    /// title or local time (21:04, 21:00-21:30); newest first, at most 200 listed.
    Receipts {
        /// What to look for.
        query: String,
    },
    /// Write an A4 invoice for a receipt: the buyer's name and address on the first print;
    /// every later print says COPY.
    Invoice(receipts::InvoiceArgs),
    /// Training mode: this station sells for practice (creator PIN to turn it on or off).
    Training {
        /// What to do.
        #[command(subcommand)]
        action: receipts::TrainingAction,
    },
    /// Check or redeem claim codes.
    Claim {
        /// What to do with the code.
        #[command(subcommand)]
        action: ClaimAction,
    },
    /// Events: create one (also in an empty database), list them, open one, show the open one.
    Event {
        /// What to do.
        #[command(subcommand)]
        action: EventAction,
    },
    /// Export the catalogue (JSON or CSV), or import one after checking every row.
    Catalogue {
        /// What to do.
        #[command(subcommand)]
        action: CatalogueAction,
    },
    /// Members: add, list, print a QR card.
    Member {
        /// What to do.
        #[command(subcommand)]
        action: MemberAction,
    },
    /// Run the queue: list, next, start, serve, noshow, requeue, undo, priority, stats.
    Queue {
        /// What to do.
        #[command(subcommand)]
        action: QueueAction,
    },
    /// Refund a receipt (creator PIN): money back, its claim codes revoked, tickets cancelled.
    Refund(RefundArgs),
    /// The station's cash drawer: open, cash in/out, status, close with a count.
    Drawer {
        /// What to do.
        #[command(subcommand)]
        action: DrawerAction,
    },
    /// Show or set how fans pay by QR at this event.
    Payment {
        /// What to do.
        #[command(subcommand)]
        action: PaymentAction,
    },
    /// Match a bank statement (camt.053 XML or CSV) to QR orders.
    Reconcile(Box<reconcile::ReconcileArgs>),
    /// Day close: x (this station so far), z (close the shift; creator PIN), event (every
    /// station); on the terminal, as --json, or -o FILE.pdf (80 mm, or --a4).
    Report {
        /// Which report.
        #[command(subcommand)]
        action: report::ReportAction,
    },
    /// Lottery drops: set, enter, draw, status, verify.
    Lottery {
        /// What to do.
        #[command(subcommand)]
        action: LotteryAction,
    },
    /// Copy the database to a checked backup file, safely while other stations sell.
    Backup(backup::BackupArgs),
    /// Set the creator PIN.
    Pin {
        /// What to do.
        #[command(subcommand)]
        action: PinAction,
    },
    /// Check the audit log's hash chain.
    Audit {
        /// What to do.
        #[command(subcommand)]
        action: trust::AuditAction,
    },
    /// Put a backup in place of the database (creator PIN); numbers and codes handed out
    /// after the backup are never handed out again.
    Restore(trust::RestoreArgs),
    /// Export the whole event (creator PIN): --format xlsx (one workbook), csv (a folder of
    /// CSV files) or pdf (a folder with every receipt as a PDF); training sales left out.
    Export(export::ExportArgs),
    /// Serve the table's network without a window (creator PIN): helpers' paired phones,
    /// fans' pages and the /board, on every network card at port 8470 unless --bind says.
    Serve(network::ServeArgs),
    /// Print a one-time pairing link for a phone, good for 2 minutes (creator PIN); a hub
    /// must be serving (`encore serve`, or sharing on in the kiosk).
    Pair(network::PairArgs),
}

/// The `encore sell` flags.
#[derive(Debug, clap::Args)]
pub struct SellArgs {
    /// Offer id (see `encore offers`).
    #[arg(long)]
    pub offer: i64,
    /// Units.
    #[arg(long, default_value_t = 1)]
    pub qty: u32,
    /// cash, qr (payment confirmed received) or card.
    #[arg(long)]
    pub pay: TenderKind,
    /// Cash handed over, e.g. 20 or 20.00 (cash only; default: exact).
    #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
    pub tendered: Option<TypedAmount>,
    /// Card terminal transaction reference (card only).
    #[arg(long)]
    pub terminal_ref: Option<String>,
    /// A tip on top of the total, e.g. 2 or 1.50 (no VAT).
    #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
    pub tip: Option<TypedAmount>,
    /// Split tender: a part paid another way first, as METHOD=AMOUNT (e.g. card=10);
    /// repeatable. `--pay` then pays what is left.
    #[arg(long, value_name = "METHOD=AMOUNT", value_parser = values::split_part)]
    pub split: Vec<SplitPart>,
    /// The fan: phone, e-mail, @handle, member code or lottery buy code (per-fan limits,
    /// passes, member credit, lottery drops).
    #[arg(long)]
    pub fan: Option<String>,
    /// This sale's own id (a UUID the caller makes): running the same command again with it
    /// answers with the first run's receipt instead of selling twice, so a sale whose answer
    /// was lost can be retried safely. Default: a fresh id.
    #[arg(long, value_name = "UUID", value_parser = values::order_id)]
    pub order_id: Option<String>,
}

/// The `encore refund` flags.
#[derive(Debug, clap::Args)]
pub struct RefundArgs {
    /// Receipt number, e.g. K1-000001.
    pub number: crate::domain::order::ReceiptNo,
    /// Refund only these units, OFFER=QTY; repeat for more (default: everything left).
    #[arg(long = "line", value_name = "OFFER=QTY", value_parser = values::refund_line)]
    pub lines: Vec<RefundLine>,
    /// How the creator PIN is read.
    #[command(flatten)]
    pub pin: pin::PinArgs,
    /// Why, for the audit log.
    #[arg(long, default_value = "")]
    pub reason: String,
    /// Write the refund receipt to this PDF.
    #[arg(short, long, value_name = "FILE.pdf")]
    pub output: Option<PathBuf>,
    /// The refund receipt on A4 instead of 80 mm paper.
    #[arg(long, requires = "output")]
    pub a4: bool,
}

/// Runs a command that needs no database (`payload`, `claim verify --pubkey`), if it is one.
pub fn run_without_db(args: &Args) -> Option<ExitCode> {
    let outcome = match args.command.as_ref()? {
        Command::Payload(payload) => payload::run(payload),
        Command::Claim {
            action:
                ClaimAction::Verify {
                    code,
                    pubkey: Some(file),
                    fingerprint,
                },
        } => claim::verify_offline(file, code, fingerprint.as_deref(), jiff::Timestamp::now()),
        _ => return None,
    };
    Some(emit(outcome, args.json))
}

/// True for the commands that only read the database: they open it read-only, so they work on
/// a read-only file or folder and answer at once while another station holds the write lock.
pub fn reads_only(command: &Command) -> bool {
    if let Command::Report { action } = command {
        return action.reads_only();
    }
    matches!(
        command,
        Command::Offers
            | Command::Receipts { .. }
            | Command::Training {
                action: receipts::TrainingAction::Status
            }
            | Command::Backup(_)
            | Command::Audit { .. }
            | Command::Queue {
                action: QueueAction::List { .. }
            }
            | Command::Claim {
                action: ClaimAction::Verify { .. } | ClaimAction::Pubkey { .. }
            }
    )
}

/// Runs `command` against the open store and prints its answer. Any failure, the event not
/// opening included, still answers with one JSON value under `--json`, and exit 1.
pub fn run(store: Store, clock: Clock, args: &Args, command: &Command) -> ExitCode {
    if let Command::Event {
        action: EventAction::New(new),
    } = command
    {
        // The first event of a database: there is no event to open a station on yet.
        match Pos::has_open_event(&store) {
            Ok(false) => {
                let outcome = event::new_first(store, clock, &args.station, new);
                return emit(outcome, args.json);
            }
            Ok(true) => {}
            Err(e) => return emit(Err(e.into()), args.json),
        }
    }
    let outcome = open(store, clock, args, command).and_then(|mut pos| dispatch(&mut pos, command));
    emit(outcome, args.json)
}

fn open(mut store: Store, clock: Clock, args: &Args, command: &Command) -> Result<Pos, CliError> {
    if matches!(command, Command::Demo) {
        Pos::seed_demo_if_empty(&mut store, &clock, true)?;
    }
    let mut pos = if store.is_read_only() {
        Pos::open_read_only(store, &args.station, clock)?
    } else {
        Pos::open(store, &args.station, clock)?
    };
    pos.set_helper(&args.helper)?;
    for alert in pos.alerts() {
        eprintln!("warning: {alert}");
    }
    Ok(pos)
}

fn dispatch(pos: &mut Pos, command: &Command) -> Outcome {
    match command {
        Command::Payload(args) => payload::run(args),
        Command::Demo => Reply::new(
            &sell::DemoAnswer {
                event: pos.event().name.clone(),
            },
            format!("demo event ready: {}", pos.event().name),
        ),
        Command::Offers => sell::offers(pos),
        Command::Sell(args) => sell::sell(pos, args),
        Command::Receipt { number, output } => sell::receipt(pos, number, output),
        Command::Receipts { query } => receipts::search(pos, query),
        Command::Invoice(args) => receipts::invoice(pos, args),
        Command::Training { action } => receipts::training(pos, action),
        Command::Refund(args) => refund::refund(pos, args),
        Command::Pin { action } => refund::pin(pos, action),
        Command::Reconcile(args) => reconcile::run(pos, args),
        Command::Report { action } => report::run(pos, action),
        Command::Payment { action } => refund::payment(pos, action),
        Command::Drawer { action } => drawer::run(pos, action),
        Command::Claim { action } => claim::run(pos, action),
        Command::Queue { action } => queue::run(pos, action),
        Command::Catalogue { action } => catalogue::run(pos, action),
        Command::Event { action } => event::run(pos, action),
        Command::Member { action } => member::run(pos, action),
        Command::Lottery { action } => lottery::run(pos, action),
        Command::Audit { action } => trust::audit(pos, action),
        // main.rs runs a restore before any database is opened.
        Command::Restore(_) => Err(CliError::Input("restore runs on its own".into())),
        Command::Serve(_) => Err(CliError::Input("serve runs on its own".into())),
        Command::Pair(args) => network::pair(pos, args),
        Command::Backup(args) => backup::run(pos, args),
        Command::Export(args) => export::run(pos, args),
    }
}
