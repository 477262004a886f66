//! The `encore` command line: clap subcommands over the same service the kiosk uses.
//! Exit 0 on success, 1 on a refused operation (with the reason), 2 on bad usage.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::domain::money::{Currency, Money, parse_amount};
use crate::domain::order::{ReceiptNo, TenderKind};
use crate::pdf::receipt_pdf;
use crate::service::{Pos, PosError, SaleRequest};

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
    /// What to do; without a command the kiosk opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

mod catalogue;
mod claim;
mod drawer;
mod lottery;
mod member;
pub mod payload;
mod queue;
mod reconcile;
mod refund;

pub use catalogue::CatalogueAction;
pub use claim::ClaimAction;
pub use member::MemberAction;
pub use queue::QueueAction;

pub use payload::PayloadArgs;

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a QR payment payload (EPC, PIX, EMV, UPI, link) or decode one with --parse.
    Payload(Box<PayloadArgs>),
    /// Load the demo event into the database (does nothing if it is there already).
    Demo,
    /// List the catalogue.
    Offers {
        /// Print one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Make a complete paid sale of one offer.
    Sell {
        /// Offer id (see `encore offers`).
        #[arg(long)]
        offer: i64,
        /// Units.
        #[arg(long, default_value_t = 1)]
        qty: u32,
        /// cash, qr (payment confirmed received) or card.
        #[arg(long)]
        pay: TenderKind,
        /// Cash handed over, e.g. 20 or 20.00 (cash only; default: exact).
        #[arg(long)]
        tendered: Option<String>,
        /// Card terminal transaction reference (card only).
        #[arg(long)]
        terminal_ref: Option<String>,
        /// A tip on top of the total, e.g. 2 or 1.50 (no VAT).
        #[arg(long)]
        tip: Option<String>,
        /// Split tender: a part paid another way first, as METHOD=AMOUNT (e.g. card=10);
        /// repeatable. `--pay` then pays what is left.
        #[arg(long, value_name = "METHOD=AMOUNT")]
        split: Vec<String>,
        /// The fan: phone, e-mail, @handle, member code or lottery buy code (per-fan limits,
        /// passes, member credit, lottery drops).
        #[arg(long)]
        fan: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Export a receipt to PDF.
    Receipt {
        /// Receipt number (K1-000001) or `latest`.
        number: String,
        /// Output file.
        #[arg(short, long, value_name = "FILE.pdf")]
        output: PathBuf,
    },
    /// Check or redeem claim codes.
    Claim {
        /// What to do with the code.
        #[command(subcommand)]
        action: ClaimAction,
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
    Refund {
        /// Receipt number, e.g. K1-000001.
        number: String,
        /// Refund only these units, OFFER=QTY; repeat for more (default: everything left).
        #[arg(long = "line", value_name = "OFFER=QTY")]
        lines: Vec<String>,
        /// The creator's PIN.
        #[arg(long)]
        pin: String,
        /// Why, for the audit log.
        #[arg(long, default_value = "")]
        reason: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The station's cash drawer: open, cash in/out, status, close with a count.
    Drawer {
        /// What to do.
        #[command(subcommand)]
        action: drawer::DrawerAction,
        /// Print one JSON value.
        #[arg(long, global = true)]
        json: bool,
    },
    /// Show or set how fans pay by QR at this event.
    Payment {
        /// What to do.
        #[command(subcommand)]
        action: refund::PaymentAction,
    },
    /// Match a bank statement (camt.053 XML or CSV) to QR orders.
    Reconcile(Box<reconcile::ReconcileArgs>),
    /// Lottery drops: set, enter, draw, status, verify.
    Lottery(lottery::LotteryArgs),
    /// Set PINs.
    Pin {
        /// What to do.
        #[command(subcommand)]
        action: refund::PinAction,
    },
}

/// The outcome of a command: what to print and how to exit.
enum Outcome {
    Done(Value, String),
    Refused(Value, String),
}

/// Runs one subcommand against the service and prints its result.
pub fn run(pos: &mut Pos, command: &Command) -> anyhow::Result<ExitCode> {
    let json = matches!(command, Command::Reconcile(args) if args.json)
        || matches!(command, Command::Lottery(args) if args.json())
        || matches!(command, Command::Drawer { json: true, .. })
        || matches!(
            command,
            Command::Payment {
                action: refund::PaymentAction::Show { json: true }
            }
        )
        || matches!(
            command,
            Command::Offers { json: true }
                | Command::Sell { json: true, .. }
                | Command::Refund { json: true, .. }
        )
        || matches!(command, Command::Claim { action } if action.json())
        || matches!(command, Command::Queue { action } if action.json())
        || matches!(command, Command::Catalogue { action } if action.json())
        || matches!(command, Command::Member { action } if action.json());
    if let Some(done) = run_without_db(command) {
        return done;
    }
    // Any failure, a database error included, still answers with one JSON value and exit 1.
    let outcome = outcome_of(pos, command).unwrap_or_else(|e| {
        let reason = format!("{e:#}");
        Outcome::Refused(json!({ "error": reason }), reason)
    });
    Ok(print(outcome, json))
}

/// Commands that need no database: `payload`, and `claim verify --pubkey`.
pub fn run_without_db(command: &Command) -> Option<anyhow::Result<ExitCode>> {
    match command {
        Command::Payload(args) => Some(payload::run(args)),
        Command::Claim {
            action:
                ClaimAction::Verify {
                    code,
                    pubkey: Some(file),
                    json,
                },
        } => Some(Ok(print(
            claim::verify_offline(file, code, jiff::Timestamp::now()),
            *json,
        ))),
        _ => None,
    }
}

/// Prints an outcome (one JSON value with `json`) and gives the exit code.
fn print(outcome: Outcome, json: bool) -> ExitCode {
    let (value, text, code) = match outcome {
        Outcome::Done(v, t) => (v, t, ExitCode::SUCCESS),
        Outcome::Refused(v, t) => {
            eprintln!("refused: {t}");
            (v, t, ExitCode::from(1))
        }
    };
    // A closed pipe (`encore … | head`) is not an error worth a panic.
    let mut out = std::io::stdout().lock();
    let _ = if json {
        writeln!(out, "{value}")
    } else if code == ExitCode::SUCCESS {
        writeln!(out, "{text}")
    } else {
        Ok(())
    };
    code
}

fn outcome_of(pos: &mut Pos, command: &Command) -> anyhow::Result<Outcome> {
    Ok(match command {
        Command::Payload(_) => Outcome::Done(json!({}), String::new()),
        Command::Demo => {
            Outcome::Done(json!({}), format!("demo event ready: {}", pos.event().name))
        }
        Command::Offers { .. } => offers(pos)?,
        Command::Sell {
            offer,
            qty,
            pay,
            tendered,
            terminal_ref,
            tip,
            split,
            fan,
            ..
        } => sell(
            pos,
            &SellInput {
                item: (*offer, *qty),
                pay: *pay,
                tendered: tendered.as_deref(),
                tip: tip.as_deref(),
                terminal_ref: terminal_ref.as_deref(),
                split,
                fan: fan.as_deref(),
            },
        )?,
        Command::Receipt { number, output } => receipt(pos, number, output)?,
        Command::Refund {
            number,
            lines,
            pin,
            reason,
            ..
        } => refund::refund(pos, number, lines, pin, reason),
        Command::Pin { action } => refund::pin(pos, action),
        Command::Reconcile(args) => reconcile::run(pos, args)?,
        Command::Payment { action } => refund::payment(pos, action),
        Command::Drawer { action, .. } => drawer::run(pos, action),
        Command::Claim { action } => claim::run(pos, action)?,
        Command::Queue { action } => queue::run(pos, action)?,
        Command::Catalogue { action } => catalogue::run(pos, action)?,
        Command::Member { action } => member::run(pos, action)?,
        Command::Lottery(args) => lottery::run(pos, args)?,
    })
}

/// A refusal from the service becomes exit 1 with its reason.
fn refused(err: PosError) -> anyhow::Result<Outcome> {
    let reason = err.to_string();
    Ok(Outcome::Refused(json!({ "error": reason }), reason))
}

fn offers(pos: &Pos) -> anyhow::Result<Outcome> {
    let now = pos.now();
    let list = pos.offers()?;
    let value: Vec<Value> = list
        .iter()
        .map(|o| {
            json!({
                "id": o.id, "title": o.title, "kind": o.kind.name(), "price_minor": o.price.minor,
                "currency": o.price.currency.code(), "available": o.remaining,
                "lane": o.lane.map(String::from), "grants_priority": o.grants_priority,
                "archived": o.archived, "variant_of": o.variant_of, "cost_minor": o.cost,
            })
        })
        .collect();
    let text = list
        .iter()
        .map(|o| {
            format!(
                "{:>4}  {:<5} {:<28} {:>9}  {}",
                o.id,
                o.kind.name(),
                o.title,
                o.price,
                o.availability(now).tile_text()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Outcome::Done(Value::Array(value), text))
}

/// The `encore sell` flags.
struct SellInput<'a> {
    item: (i64, u32),
    pay: TenderKind,
    tendered: Option<&'a str>,
    tip: Option<&'a str>,
    terminal_ref: Option<&'a str>,
    split: &'a [String],
    fan: Option<&'a str>,
}

/// Parses an optional amount flag; the error names the flag.
fn amount_flag(
    flag: &str,
    value: Option<&str>,
    currency: Currency,
) -> Result<Option<Money>, String> {
    value
        .map(|v| parse_amount(v, currency).map_err(|e| format!("{flag}: {e}")))
        .transpose()
}

/// Parses `--split METHOD=AMOUNT`.
fn split_part(value: &str, currency: Currency) -> Result<(TenderKind, Money), String> {
    let (kind, amount) = value
        .split_once('=')
        .ok_or_else(|| format!("split: '{value}' should look like card=10.00"))?;
    let kind: TenderKind = kind.trim().parse().map_err(|e| format!("split: {e}"))?;
    let amount = parse_amount(amount, currency).map_err(|e| format!("split: {e}"))?;
    Ok((kind, amount))
}

fn sell(pos: &mut Pos, input: &SellInput<'_>) -> anyhow::Result<Outcome> {
    let currency = pos.event().currency;
    let parsed = amount_flag("tip", input.tip, currency).and_then(|tip| {
        let tendered = amount_flag("tendered", input.tendered, currency)?;
        let parts = input
            .split
            .iter()
            .map(|v| split_part(v, currency))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((tip, tendered, parts))
    });
    let (tip, tendered, parts) = match parsed {
        Ok(p) => p,
        Err(reason) => {
            let reason = reason.to_string();
            return Ok(Outcome::Refused(json!({ "error": reason }), reason));
        }
    };
    let checkout = pos.start_checkout()?;
    let req = SaleRequest {
        checkout,
        items: vec![input.item],
        tender: input.pay,
        tendered,
        parts,
        expected_total: None,
        terminal_ref: input.terminal_ref.map(str::to_string),
        tip,
        bundles: Vec::new(),
        priced_at: None,
        fan: input.fan.map(str::to_string),
    };
    let r = match pos.sell(&req) {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let claims: Vec<&str> = r.claims.iter().map(|c| c.code.as_str()).collect();
    let tickets: Vec<&str> = r.tickets.iter().map(|t| t.label.as_str()).collect();
    let tenders: Vec<Value> = r
        .tenders
        .iter()
        .map(|t| json!({ "method": t.kind.name(), "tendered_minor": t.tendered.minor, "change_minor": t.change.minor }))
        .collect();
    let value = json!({
        "receipt": r.number.to_string(), "total_minor": r.total.minor, "currency": r.total.currency.code(),
        "change_minor": r.change().minor, "tip_minor": r.tip.minor, "tenders": tenders,
        "payment_ref": r.payment_ref, "claims": claims, "tickets": tickets,
    });
    let mut text = format!(
        "paid {} by {} — receipt {}, change {}",
        r.total,
        r.methods().to_lowercase(),
        r.number,
        r.change()
    );
    for t in &r.tickets {
        text.push_str(&format!("\nticket {} — {}", t.label, t.title));
    }
    for c in &r.claims {
        text.push_str(&format!("\nclaim {} — {}", c.code, c.title));
    }
    Ok(Outcome::Done(value, text))
}

fn receipt(pos: &Pos, number: &str, output: &PathBuf) -> anyhow::Result<Outcome> {
    let found = if number.eq_ignore_ascii_case("latest") {
        pos.latest_receipt()
    } else {
        match number.parse::<ReceiptNo>() {
            Ok(n) => pos.receipt(&n),
            Err(reason) => {
                let reason = reason.to_string();
                return Ok(Outcome::Refused(json!({ "error": reason }), reason));
            }
        }
    };
    let r = match found {
        Ok(r) => r,
        Err(e) => return refused(e),
    };
    let bytes = receipt_pdf(&r)?;
    std::fs::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    let text = format!(
        "receipt {} written to {} ({} bytes)",
        r.number,
        output.display(),
        bytes.len()
    );
    Ok(Outcome::Done(
        json!({ "receipt": r.number.to_string(), "file": output }),
        text,
    ))
}
