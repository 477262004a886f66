//! What the lottery use-cases return: the status the kiosk and the CLI show, an entry, a draw
//! and a re-run of one.

use jiff::Timestamp;

use crate::domain::fan::FanId;
use crate::domain::lottery::{BuyCode, Seed};

/// Where a drawn fan's offer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferState {
    /// They can buy for this many more seconds.
    Open {
        /// Whole seconds left, rounded up.
        secs_left: i64,
    },
    /// They bought their unit.
    Bought {
        /// With this order.
        order_id: String,
    },
    /// The window closed unused; the unit rolled on.
    Lapsed,
}

impl OfferState {
    /// `open`, `bought` or `lapsed` (the CLI's JSON uses these words).
    pub fn name(&self) -> &'static str {
        match self {
            OfferState::Open { .. } => "open",
            OfferState::Bought { .. } => "bought",
            OfferState::Lapsed => "lapsed",
        }
    }
}

/// A unit offered to a drawn fan, as the kiosk and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Winner {
    /// Their buy code.
    pub code: BuyCode,
    /// Who (show `fan.short()`).
    pub fan: FanId,
    /// When their window started.
    pub offered_at: Timestamp,
    /// Where it stands now.
    pub state: OfferState,
}

/// One drop's lottery, as the kiosk and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotteryStatus {
    /// The drop.
    pub offer_id: i64,
    /// Its title.
    pub title: String,
    /// Fans entered.
    pub entries: u32,
    /// When entries close.
    pub enter_until: Timestamp,
    /// Minutes a drawn fan has to buy.
    pub window_mins: u32,
    /// The seed and the instant of the draw, once drawn.
    pub drawn: Option<(Seed, Timestamp)>,
    /// Units the lottery gives out: left, held by a payment, or bought through it.
    pub units: u32,
    /// Units offered so far, in draw order.
    pub offers: Vec<Winner>,
}

impl LotteryStatus {
    /// Whether fans can still enter at `now`.
    pub fn open_at(&self, now: Timestamp) -> bool {
        now < self.enter_until
    }
}

/// A fan entered in a lottery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entered {
    /// The drop's title.
    pub title: String,
    /// The code the fan keeps (photo or paper) to buy if drawn.
    pub code: BuyCode,
    /// Who, as hashed.
    pub fan: FanId,
    /// True when they had entered before (same code as then).
    pub again: bool,
}

/// What a draw did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The seed, to publish: anyone can re-run the draw with it.
    pub seed: Seed,
    /// Every entered fan, in draw order.
    pub order: Vec<FanId>,
    /// The fans offered a unit now, with their buy codes.
    pub offered: Vec<(FanId, BuyCode)>,
}

/// A re-run of a recorded draw with a given seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The seed tried.
    pub seed: Seed,
    /// True when the seed gives the recorded order and the winners are its first fans.
    pub matches: bool,
    /// The order the seed gives for the stored entries.
    pub order: Vec<FanId>,
    /// The order the draw recorded.
    pub recorded: Vec<FanId>,
    /// Fans offered a unit so far, in draw order.
    pub winners: Vec<FanId>,
}
