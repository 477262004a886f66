//! The use-cases. `Pos` owns the store; each state change is ONE immediate transaction that also
//! appends to the audit log, and returns domain values. The kiosk, the CLI and the tests call this.

mod backup;
mod catalogue;
mod checkout;
mod claims;
mod dashboard;
mod demo;
mod drawer;
mod durability;
pub mod export;
mod fans;
mod fees;
mod gate;
mod issue;
mod lottery;
mod margins;
mod network;
mod payments;
mod pins;
mod queue;
mod receipts;
mod refund;
mod report;
mod sell;
mod setup;
mod start;
mod till;
mod training;

use std::sync::Arc;

use ed25519_dalek::{SigningKey, VerifyingKey};
use jiff::Timestamp;

/// An event with its sales, as the event list shows it.
pub use crate::store::events::EventRow;
/// A member with their credit and orders.
pub use crate::store::fans::Member;
pub use backup::{BackupJob, default_folder as default_backup_folder};
pub use catalogue::ImportReport;
pub use checkout::{Checkout, SaleRequest, Sold};
pub use claims::{ClaimStatus, LogLine, LogStatus, Redeemed, UNDO_SECS};
pub use dashboard::{Dashboard, DashboardFigures, DashboardJob, TOP_OFFERS, TourRow};
pub use demo::DEMO_CREATOR_PIN;
pub use durability::{Restored, restore_file};
pub use fans::Fan;
pub use issue::OWNER;
pub use lottery::{Drawn, Entered, LotteryStatus, OfferState, Verification, WINDOW_MINS, Winner};
pub use network::{FanPage, MAX_CLIENT_ID, MAX_PHONES, PAIRING_SECS, Paired, PairingToken, Phone};
pub use pins::{FREE_ATTEMPTS, Grant, MAX_LOCK_SECS, NEW_PIN_MIN, PinError, Role};
pub use queue::LaneView;
pub use refund::RefundRequest;
pub use report::ZSummary;
pub use setup::{Catalogue, Margin, OfferEdit};
pub use till::{StartedPayment, TillExtras, sale_request};
pub use training::ledger_code;

use crate::domain::catalogue::Offer;
use crate::domain::claim::ClaimError;
use crate::domain::event::Event;
use crate::domain::order::TenderError;
use crate::domain::payment::PaymentError;
use crate::store::{self, Store, StoreError};

/// Where `now` comes from: the system clock in the kiosk, a fixed instant in tests.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

/// A refused or failed use-case, worded for the operator.
#[derive(Debug, thiserror::Error)]
pub enum PosError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No event is open.
    #[error("no event is open: run `encore demo` to load the demo event")]
    NoEvent,
    /// The station code is not usable.
    #[error(
        "station '{0}': use K and a number from 1 to 199, like K1 or K2 (phones pair as P1, P2 …)"
    )]
    BadStation(String),
    /// An id too large for a claim code.
    #[error("{what} {value} is too large for a claim code")]
    ClaimField {
        /// Which field.
        what: &'static str,
        /// Its value.
        value: i64,
    },
    /// Offer id not in this event.
    #[error("there is no offer {0} at this event")]
    UnknownOffer(i64),
    /// Nothing to sell.
    #[error("the basket is empty: tap an offer first")]
    EmptyCart,
    /// Quantity zero or absurd.
    #[error("quantity: must be between 1 and {max}")]
    BadQuantity {
        /// Largest accepted.
        max: u32,
    },
    /// Not enough units left.
    #[error("{title} is sold out")]
    SoldOut {
        /// Offer title.
        title: String,
    },
    /// Fewer units left than asked for.
    #[error("only {left} of {title} left")]
    NotEnough {
        /// Offer title.
        title: String,
        /// Units left.
        left: u32,
    },
    /// A drop before go-live.
    #[error("{title} is not on sale yet: opens in {opens_in}")]
    NotOpenYet {
        /// Offer title.
        title: String,
        /// Countdown text.
        opens_in: String,
    },
    /// A drop past its close time.
    #[error("{title} is closed")]
    Closed {
        /// Offer title.
        title: String,
    },
    /// Prices changed between showing the total and taking the money.
    #[error("the total is now {total}, but the fan was charged {charged}: cancel and start again")]
    TotalChanged {
        /// What the fan was shown and paid.
        charged: crate::domain::money::Money,
        /// What the basket costs now.
        total: crate::domain::money::Money,
    },
    /// Tender does not settle the total.
    #[error(transparent)]
    Tender(#[from] TenderError),
    /// The payment profile cannot make a payload.
    #[error("payment settings: {0}")]
    Payment(PaymentError),
    /// No QR payment is set up.
    #[error("QR payment is not set up for this event")]
    NoPaymentProfile,
    /// Not a valid claim code.
    #[error(transparent)]
    Claim(#[from] ClaimError),
    /// Signed for another event.
    #[error("invalid claim code: it belongs to another event")]
    OtherEvent,
    /// Valid signature but not in this database.
    #[error("unknown claim code: not issued in this database (sold at another kiosk?)")]
    UnknownClaim,
    /// Revoked by a refund.
    #[error("this claim code was refunded and revoked at {at} ({title})")]
    Revoked {
        /// Local time of the refund.
        at: String,
        /// What it was for.
        title: String,
    },
    /// A refund that cannot be made.
    #[error(transparent)]
    Refund(#[from] crate::domain::refund::RefundError),
    /// The PIN did not match, none is set, or a grant is for another event.
    #[error(transparent)]
    Pin(#[from] PinError),
    /// Every unit was redeemed before.
    #[error("already redeemed at {at} on station {station}{by} ({title})")]
    AlreadyRedeemed {
        /// Local time of the last redemption.
        at: String,
        /// Station that redeemed it.
        station: String,
        /// " by Sam" when the helper's name was set, else empty.
        by: String,
        /// What it was for.
        title: String,
    },
    /// Past its validity end.
    #[error("this claim code expired at {at} ({title})")]
    Expired {
        /// Local end of validity.
        at: String,
        /// What it was for.
        title: String,
    },
    /// More units than the code has left.
    #[error("units: this code has {left} left ({title})")]
    TooManyUnits {
        /// Units left.
        left: u32,
        /// What it is for.
        title: String,
    },
    /// Hand-over of something not held.
    #[error("nothing is held for this fan: it was handed over, undone or refunded")]
    NotHeld,
    /// Undo of a redemption whose code a refund touched since.
    #[error("this code was refunded since: the redemption stands")]
    RefundedSince,
    /// Undo asked too late.
    #[error("too late to undo: a step can be undone for {secs} seconds")]
    UndoTooLate {
        /// The window.
        secs: i64,
    },
    /// Sixteen keys used.
    #[error("this event has rotated its claim key 15 times already; start a new event")]
    KeysExhausted,
    /// Ticket not in this event.
    #[error("there is no ticket {0}")]
    UnknownTicket(i64),
    /// Ticket not in a state that allows the move.
    #[error("ticket {label} is {state} now; refresh and try again")]
    TicketMoved {
        /// Ticket label.
        label: String,
        /// Its state.
        state: &'static str,
    },
    /// No such receipt.
    #[error("no receipt {0} at this event")]
    NoReceipt(String),
    /// No ticket with this label.
    #[error("there is no ticket {0}")]
    NoTicket(String),
    /// No-show asked before the grace time is over.
    #[error("{label} was called just now: no-show is possible in {secs} s (grace time)")]
    GraceTime {
        /// Ticket label.
        label: String,
        /// Seconds to go.
        secs: i64,
    },
    /// A second re-queue.
    #[error("{0} was re-queued once already")]
    RequeuedOnce(String),
    /// More priority add-ons than gig tickets in the basket.
    #[error("{title}: one per gig ticket, and this basket has {gigs}")]
    AddOnWithoutGig {
        /// Add-on title.
        title: String,
        /// Gig tickets in the basket.
        gigs: u32,
    },
    /// A basket that cannot be priced.
    #[error(transparent)]
    Basket(#[from] crate::domain::basket::BasketError),
    /// A value that breaks its field's rule (names the field).
    #[error(transparent)]
    Invalid(#[from] crate::domain::field::FieldError),
    /// A change asked of a station opened only to read.
    #[error("this command only reads: the database was opened read-only")]
    ReadOnly,
    /// A phone's request that was done before (its client id is known): not done again.
    #[error("this request was done already")]
    Repeated,
    /// A rule of the business refused the operation; the words name what and why
    /// ("nobody entered Vinyl test pressing: nothing to draw").
    #[error("{0}")]
    Refused(String),
}

/// Shorthand for service results.
pub type PosResult<T> = Result<T, PosError>;

/// One kiosk seat at the open event, with the store behind it.
pub struct Pos {
    store: Store,
    event: Event,
    /// The key new codes are signed with: `(key id, key)`.
    key: (u8, SigningKey),
    /// Every known verifying key: `(event id, key id, key, retired)`.
    keys: Vec<(i64, u8, VerifyingKey, bool)>,
    /// The helper's name at this station, recorded with redemptions and queue moves.
    helper: String,
    station_id: i64,
    station: String,
    station_no: u8,
    clock: Clock,
    /// What the operator should know about this database (see `durability.rs`).
    alerts: Vec<String>,
    /// The client id of the phone's request being served: the next write records it in its
    /// own transaction (see `network.rs`, `Pos::once`).
    request: Option<String>,
}

impl Pos {
    /// Opens the service on the event open in `store`, as `station` (e.g. K1).
    pub fn open(store: Store, station: &str, clock: Clock) -> PosResult<Pos> {
        let (station, station_no) = parse_station(station)?;
        let event = store::events::open_event(store.conn())?.ok_or(PosError::NoEvent)?;
        let mut pos = Pos {
            store,
            event,
            key: (0, SigningKey::from_bytes(&[0; 32])),
            keys: Vec::new(),
            helper: String::new(),
            station_id: 0,
            station,
            station_no,
            clock,
            alerts: Vec::new(),
            request: None,
        };
        pos.catch_up()?;
        pos.reload()?;
        pos.check_health()?;
        Ok(pos)
    }

    /// Opens the service to read only (a store from [`Store::open_read_only`]): the station is
    /// looked up, never created, and every change is refused before it reaches the store.
    pub fn open_read_only(store: Store, station: &str, clock: Clock) -> PosResult<Pos> {
        let (station, station_no) = parse_station(station)?;
        let event = store::events::open_event(store.conn())?.ok_or(PosError::NoEvent)?;
        let (key_id, _) = store::keys::current_key(store.conn(), event.id)?;
        // A station that never sold has no row; it has nothing of its own to show either.
        let station_id = store::events::station_id(store.conn(), event.id, &station)?.unwrap_or(0);
        let mut pos = Pos {
            store,
            event,
            // Never signs: the gate refuses every change on a read-only store, so the secret
            // (in the key file, maybe not on this computer) is not needed.
            key: (key_id, SigningKey::from_bytes(&[0; 32])),
            keys: Vec::new(),
            helper: String::new(),
            station_id,
            station,
            station_no,
            clock,
            alerts: Vec::new(),
            request: None,
        };
        pos.load_keys()?;
        Ok(pos)
    }

    /// Re-reads the open event (after set-up changes or another event was opened): its station
    /// row, its newest claim key and every verifying key.
    fn reload(&mut self) -> PosResult<()> {
        let event = store::events::open_event(self.store.conn())?.ok_or(PosError::NoEvent)?;
        let stamp = self.stamp(Role::Helper);
        let (station_id, (key_id, public)) = gate::write(&mut self.store, &stamp, |w| {
            let station_id = store::events::ensure_station(w.tx(), event.id, &self.station)?;
            Ok((station_id, store::keys::current_key(w.tx(), event.id)?))
        })?;
        self.event = event;
        self.station_id = station_id;
        self.load_keys()?;
        match self.store.key_file().load()?.remove(&public) {
            Some(secret) => self.key = (key_id, secret),
            // The file came without its key file (a backup restored on another computer, a
            // copied database): codes issued before still verify; new ones need a new key.
            None => {
                let id = self.new_key(Role::Helper, "the signing key is not on this computer")?;
                self.alerts.push(format!(
                    "claim key {key_id} of this event is not on this computer (its key file stayed behind): codes issued before still check; new codes use key {id}"
                ));
            }
        }
        Ok(())
    }

    /// Follows changes another station made: the event's set-up edited, or another event opened.
    /// True when the open event is now a different one.
    pub fn sync_event(&mut self) -> PosResult<bool> {
        let open = store::events::open_event(self.store.conn())?;
        if open.as_ref() == Some(&self.event) {
            return Ok(false);
        }
        let before = self.event.id;
        self.reload()?;
        Ok(self.event.id != before)
    }

    fn load_keys(&mut self) -> PosResult<()> {
        self.keys = store::keys::all_keys(self.store.conn())?
            .into_iter()
            .map(|(event, id, public, retired)| {
                VerifyingKey::from_bytes(&public)
                    .map(|key| (event, id, key, retired))
                    .map_err(|_| store::corrupt("claim key of event", event).into())
            })
            .collect::<PosResult<_>>()?;
        Ok(())
    }

    /// Sets the helper's name recorded with this station's redemptions and queue moves
    /// (empty for none); a name with control characters or over 40 characters is refused.
    pub fn set_helper(&mut self, name: &str) -> PosResult<()> {
        let name = name.trim();
        crate::domain::field::check_text("helper", name, 40).map_err(PosError::Invalid)?;
        self.helper = name.to_string();
        Ok(())
    }

    /// The helper's name at this station (empty when not set).
    pub fn helper(&self) -> &str {
        &self.helper
    }

    /// Seeds the demo event when asked (`always`) or when no event is open yet (first start).
    /// Never adds a second demo; true when it was added now.
    pub fn seed_demo_if_empty(store: &mut Store, clock: &Clock, always: bool) -> PosResult<bool> {
        if !always && store::events::open_event(store.conn())?.is_some() {
            return Ok(false);
        }
        demo::seed(store, clock())
    }

    /// The open event.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// This station's code.
    pub fn station(&self) -> &str {
        &self.station
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// The catalogue with remaining units.
    pub fn offers(&self) -> PosResult<Vec<Offer>> {
        Ok(store::offers::list(
            self.store.conn(),
            self.event.id,
            self.event.currency,
        )?)
    }
}

/// Station codes are K and a number 1–255 (the number goes into claim codes): `K1`, `K12`.
fn parse_station(code: &str) -> PosResult<(String, u8)> {
    let code = code.trim().to_ascii_uppercase();
    let number = |prefix: char, max: u8| {
        code.strip_prefix(prefix)
            .filter(|n| !n.starts_with('0') && n.chars().all(|c| c.is_ascii_digit()))
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=max).contains(n))
    };
    // Claim codes carry the station as one byte: kiosks take 1–199, paired phones 200–255.
    match (number('K', MAX_KIOSK), number('P', u8::MAX - MAX_KIOSK)) {
        (Some(n), _) => Ok((format!("K{n}"), n)),
        (_, Some(n)) => Ok((format!("P{n}"), MAX_KIOSK + n)),
        _ => Err(PosError::BadStation(code)),
    }
}

/// The highest kiosk station number (K199); phones follow it in claim codes.
const MAX_KIOSK: u8 = 199;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn station_codes() {
        assert_eq!(parse_station(" k2 ").unwrap(), ("K2".to_string(), 2));
        assert_eq!(parse_station("K199").unwrap().1, 199);
        assert_eq!(parse_station("p1").unwrap(), ("P1".to_string(), 200));
        assert_eq!(parse_station("P56").unwrap().1, 255);
        for bad in [
            "K", "12", "K1X", "K-1", "K0", "K01", "K200", "K256", "S1", "P0", "P57",
        ] {
            assert!(parse_station(bad).is_err(), "{bad}");
        }
    }
}
