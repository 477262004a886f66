//! What the screens share: the catalogue and lanes as last read, the read-only context a view
//! draws from, and what applying an op may touch besides the screen's own state.

use std::path::Path;

use jiff::Timestamp;

use super::Command;
use super::jobs::Jobs;
use super::widgets::Tone;
use crate::domain::catalogue::{Bundle, Offer};
use crate::domain::event::Event;
use crate::domain::pricing::Discount;
use crate::service::{Catalogue, LaneView};

/// The catalogue and the queue as last read (other stations sell and call too).
#[derive(Debug, Default)]
pub struct Shared {
    /// Offers in catalogue order, archived ones too.
    pub offers: Vec<Offer>,
    /// Bundles.
    pub bundles: Vec<Bundle>,
    /// Discount windows.
    pub discounts: Vec<Discount>,
    /// `(offer, suggestion)` pairs.
    pub cross_sells: Vec<(i64, i64)>,
    /// The queue, lane by lane.
    pub lanes: Vec<LaneView>,
    /// This station sells for practice (training mode).
    pub training: bool,
}

impl Shared {
    /// Takes in a freshly read catalogue.
    pub fn set_catalogue(&mut self, catalogue: Catalogue) {
        self.offers = catalogue.offers;
        self.bundles = catalogue.bundles;
        self.discounts = catalogue.discounts;
        self.cross_sells = catalogue.cross_sells;
    }
}

/// What every view reads; nothing in it can be changed from a view, and a view never reaches
/// the service through it.
pub struct ScreenCtx<'a> {
    /// The open event.
    pub event: &'a Event,
    /// This station's code.
    pub station: &'a str,
    /// The catalogue and lanes.
    pub shared: &'a Shared,
    /// The instant the frame shows.
    pub now: Timestamp,
    /// The frame's time (seconds since start), for guards and idle timers.
    pub frame_time: f64,
}

/// What applying an op may touch besides its screen and the service.
pub struct Fx<'a> {
    /// The catalogue and lanes.
    pub shared: &'a Shared,
    /// The operator's message line.
    pub notice: &'a mut Option<(Tone, String)>,
    /// Commands to apply after this one (for other rooms, routed by the kiosk).
    pub then: Vec<Command>,
    /// The worker for slow work.
    pub jobs: &'a mut Jobs,
    /// Where PDFs go.
    pub receipts_dir: &'a Path,
    /// The frame's time.
    pub frame_time: f64,
    /// True while a fan pays at the Sell screen.
    pub paying: bool,
}

impl Fx<'_> {
    /// Tells the operator it worked.
    pub fn good(&mut self, text: impl Into<String>) {
        *self.notice = Some((Tone::Good, text.into()));
    }

    /// Tells the operator what went wrong.
    pub fn bad(&mut self, text: impl Into<String>) {
        *self.notice = Some((Tone::Bad, text.into()));
    }

    /// Tells the operator something neutral.
    pub fn info(&mut self, text: impl Into<String>) {
        *self.notice = Some((Tone::Info, text.into()));
    }

    /// Clears the message line.
    pub fn clear(&mut self) {
        *self.notice = None;
    }
}
