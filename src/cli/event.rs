//! `encore event new|list|open|show`: a creator scripts an event's set-up. `new` works on an
//! empty database too, so a catalogue can be imported right after it.

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::pin::{PinArgs, read_pins};
use super::{CliError, Outcome, Reply};
use crate::domain::event::EventSetup;
use crate::domain::field::FieldError;
use crate::domain::pricing::VatMode;
use crate::service::{Clock, EventRow, Pos};
use crate::store::Store;

/// Shortest creator PIN a new event takes from the command line.
const MIN_NEW_PIN: usize = 6;

/// Event subcommands.
#[derive(Debug, Subcommand)]
pub enum EventAction {
    /// Create an event and open it. Asks the open event's creator PIN (when it has one), then
    /// the new event's creator PIN twice (6 to 12 digits); with --pin-stdin, one a line.
    New(Box<NewEventArgs>),
    /// Every event with its id, whether it is open, and its sales.
    List,
    /// Open another event at this kiosk (the open event's creator PIN).
    Open {
        /// The event's id (see `encore event list`).
        id: i64,
        /// The creator PIN.
        #[command(flatten)]
        pin: PinArgs,
    },
    /// The open event's set-up.
    Show,
}

/// How the shelf prices read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Prices include VAT.
    Inclusive,
    /// Tax is added at checkout.
    Exclusive,
}

/// The `encore event new` flags: the set-up form's fields.
#[derive(Debug, clap::Args)]
pub struct NewEventArgs {
    /// Name on tiles and receipts, 1–80 characters.
    #[arg(long)]
    pub name: String,
    /// Venue line.
    #[arg(long, default_value = "")]
    pub venue: String,
    /// IANA time zone, e.g. Europe/Berlin.
    #[arg(long)]
    pub time_zone: String,
    /// ISO 4217 code: EUR, GBP, USD, BRL or INR.
    #[arg(long)]
    pub currency: String,
    /// inclusive (EU style) or exclusive (tax added at checkout).
    #[arg(long, value_enum, default_value = "inclusive")]
    pub vat_mode: ModeArg,
    /// VAT rates in percent, e.g. "19, 7".
    #[arg(long)]
    pub vat_rates: String,
    /// Printed above the lines of every receipt.
    #[arg(long, default_value = "")]
    pub receipt_header: String,
    /// Printed under the totals.
    #[arg(long, default_value = "")]
    pub receipt_footer: String,
    /// Terms shown on receipts.
    #[arg(long, default_value = "")]
    pub terms: String,
    /// Read the PINs from stdin instead of the terminal.
    #[command(flatten)]
    pub pin: PinArgs,
}

impl NewEventArgs {
    fn setup(&self) -> EventSetup {
        EventSetup {
            name: self.name.clone(),
            venue: self.venue.clone(),
            time_zone: self.time_zone.clone(),
            currency: self.currency.clone(),
            vat_mode: match self.vat_mode {
                ModeArg::Inclusive => VatMode::Inclusive,
                ModeArg::Exclusive => VatMode::Exclusive,
            },
            vat_rates: self.vat_rates.clone(),
            receipt_header: self.receipt_header.clone(),
            receipt_footer: self.receipt_footer.clone(),
            terms: self.terms.clone(),
        }
    }
}

/// One event of `encore event list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventAnswer {
    /// Event id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Open at the kiosk now.
    pub open: bool,
    /// The demo event.
    pub demo: bool,
    /// Orders sold.
    pub orders: u32,
    /// Sales (tips apart), minor units.
    pub sales_minor: i64,
    /// ISO 4217 code.
    pub currency: &'static str,
}

/// `encore event new|open|show`: the open event and its set-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupAnswer {
    /// Event id.
    pub id: i64,
    /// The set-up as the form shows it.
    #[serde(flatten)]
    pub setup: EventSetup,
}

/// Runs an event subcommand at the open event.
pub fn run(pos: &mut Pos, action: &EventAction) -> Outcome {
    match action {
        EventAction::New(args) => {
            let has_pin = pos.has_creator_pin()?;
            let (grant, new_pin) = if has_pin {
                let mut pins = read_pins(&args.pin, &NEEDS_GRANT)?;
                let grant = pos.unlock(&pins.remove(0))?;
                (Some(grant), new_pin(pins)?)
            } else {
                (None, new_pin(read_pins(&args.pin, &FIRST)?)?)
            };
            pos.create_event(&args.setup(), &new_pin, grant.as_ref())?;
            shown(pos, "created and opened")
        }
        EventAction::List => list(pos),
        EventAction::Open { id, pin } => {
            let grant = super::pin::unlock(pos, pin)?;
            pos.open_event(*id, &grant)?;
            shown(pos, "opened")
        }
        EventAction::Show => shown(pos, "open"),
    }
}

/// `encore event new` on a database with no open event: the first event, no grant needed.
pub fn new_first(store: Store, clock: Clock, station: &str, args: &NewEventArgs) -> Outcome {
    let new_pin = new_pin(read_pins(&args.pin, &FIRST)?)?;
    let pos = Pos::create_first_event(store, station, clock, &args.setup(), &new_pin)?;
    shown(&pos, "created and opened")
}

const FIRST: [&str; 2] = ["new creator PIN", "new creator PIN again"];
const NEEDS_GRANT: [&str; 3] = ["creator PIN", "new creator PIN", "new creator PIN again"];

/// The new PIN typed twice, the same both times, 6 to 12 digits.
fn new_pin(pins: Vec<String>) -> Result<String, CliError> {
    let field = "new creator PIN";
    let (Some(pin), Some(again)) = (pins.first(), pins.get(1)) else {
        return Err(CliError::Input(format!("{field}: type it twice")));
    };
    let digits = pin.chars().all(|c| c.is_ascii_digit());
    if !digits || !(MIN_NEW_PIN..=12).contains(&pin.len()) {
        let rule = format!("{MIN_NEW_PIN} to 12 digits");
        return Err(crate::service::PosError::Invalid(FieldError::new(field, rule)).into());
    }
    if pin != again {
        let rule = "typed twice the same (the second one differs)";
        return Err(crate::service::PosError::Invalid(FieldError::new(field, rule)).into());
    }
    Ok(pin.clone())
}

fn list(pos: &Pos) -> Outcome {
    let rows: Vec<EventRow> = pos.events()?;
    let body: Vec<EventAnswer> = rows
        .iter()
        .map(|r| EventAnswer {
            id: r.event.id,
            name: r.event.name.clone(),
            open: r.open,
            demo: r.demo,
            orders: r.orders,
            sales_minor: r.sales_minor,
            currency: r.event.currency.code(),
        })
        .collect();
    let text = rows
        .iter()
        .map(|r| {
            let sales = crate::domain::money::Money::new(r.sales_minor, r.event.currency);
            format!(
                "{:>4}  {:<4} {:<32} {:>4} orders  {}",
                r.event.id,
                if r.open { "open" } else { "" },
                r.event.name,
                r.orders,
                sales
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Reply::new(&body, text)
}

fn shown(pos: &Pos, how: &str) -> Outcome {
    let event = pos.event();
    let setup = EventSetup::of(event);
    let mut text = vec![format!("event {} {how}: {}", event.id, setup.name)];
    for (label, value) in [
        ("venue", &setup.venue),
        ("time zone", &setup.time_zone),
        ("currency", &setup.currency),
        ("VAT mode", &setup.vat_mode.name().to_string()),
        ("VAT rates", &setup.vat_rates),
        ("receipt header", &setup.receipt_header),
        ("receipt footer", &setup.receipt_footer),
        ("terms", &setup.terms),
    ] {
        if !value.is_empty() {
            text.push(format!("  {label}: {value}"));
        }
    }
    let answer = SetupAnswer {
        id: event.id,
        setup,
    };
    Reply::new(&answer, text.join("\n"))
}
