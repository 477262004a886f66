//! `encore lottery`: make a drop a lottery, enter fans, draw, show where offers stand, and
//! re-run a draw from its seed.

use crate::domain::event::Zone;
use clap::Subcommand;
use serde::Serialize;

use super::pin::PinArgs;
use super::{Context, Outcome, Refusal, Reply};
use crate::domain::event::{local_time, parse_local};
use crate::domain::fan::FanId;
use crate::domain::lottery::Seed;
use crate::service::{LotteryStatus, OfferState, Pos, Winner};

/// Lottery subcommands.
#[derive(Debug, Subcommand)]
pub enum LotteryAction {
    /// Make a drop a lottery, or change it until entries close (creator PIN).
    Set {
        /// The drop's offer id (see `encore offers`).
        offer: i64,
        /// When entries close: RFC 3339, or HH:MM (today, event time).
        #[arg(long, value_name = "RFC3339|HH:MM")]
        enter_until: String,
        /// Minutes a drawn fan has to buy (1–240).
        #[arg(long, value_name = "MINS")]
        window: u32,
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: PinArgs,
    },
    /// Enter a fan by phone, e-mail or @handle (kept only hashed); prints their buy code.
    Enter {
        /// The drop's offer id.
        offer: i64,
        /// The fan's phone number, e-mail or @handle.
        contact: String,
    },
    /// Draw once entries closed (creator PIN); the first fans get a unit to buy now.
    Draw {
        /// The drop's offer id.
        offer: i64,
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: PinArgs,
        /// Use this seed (64 hex characters) instead of a random one.
        #[arg(long, value_name = "HEX")]
        seed: Option<Seed>,
    },
    /// End a drop's lottery: what is left sells to anyone (creator PIN).
    End {
        /// The drop's offer id.
        offer: i64,
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: PinArgs,
    },
    /// Every lottery: entries, close time, draw and seed, and each offer's state.
    Status,
    /// Re-run a drop's draw with a seed and say whether it gives the recorded winners.
    Verify {
        /// The drop's offer id.
        offer: i64,
        /// The seed (64 hex characters).
        #[arg(long, value_name = "HEX")]
        seed: Seed,
    },
}

/// `lottery set`: the lottery as set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetAnswer {
    /// The drop.
    pub offer_id: i64,
    /// Its title.
    pub title: String,
    /// When entries close (RFC 3339, UTC).
    pub enter_until: String,
    /// Minutes a drawn fan has to buy.
    pub window_mins: u32,
}

/// `lottery enter`: the fan's buy code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnterAnswer {
    /// The drop.
    pub offer_id: i64,
    /// Its title.
    pub title: String,
    /// The code the fan keeps.
    pub code: String,
    /// The fan, shortened hash.
    pub fan: String,
    /// True when they had entered before (same code as then).
    pub again: bool,
}

/// A fan offered a unit by a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedAnswer {
    /// Their buy code.
    pub code: String,
    /// The fan, shortened hash.
    pub fan: String,
}

/// `lottery draw`: the seed and who can buy now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrawAnswer {
    /// The drop.
    pub offer_id: i64,
    /// The seed to publish.
    pub seed: String,
    /// Fans entered.
    pub entries: usize,
    /// Fans offered a unit now.
    pub offered: Vec<OfferedAnswer>,
}

/// `lottery end`: the lottery is over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndAnswer {
    /// The drop.
    pub offer: i64,
    /// Always true.
    pub ended: bool,
}

/// One unit offered by a lottery, in `lottery status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WinnerAnswer {
    /// The buy code.
    pub code: String,
    /// The fan, shortened hash.
    pub fan: String,
    /// `open`, `bought` or `lapsed`.
    pub state: &'static str,
    /// Seconds left to buy, while open.
    pub secs_left: Option<i64>,
    /// The order that bought it.
    pub order_id: Option<String>,
    /// When it was offered (RFC 3339, UTC).
    pub offered_at: String,
}

/// One lottery in `lottery status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusAnswer {
    /// The drop.
    pub offer_id: i64,
    /// Its title.
    pub title: String,
    /// Fans entered.
    pub entries: u32,
    /// When entries close (RFC 3339, UTC).
    pub enter_until: String,
    /// The same, event-local.
    pub closes_at: String,
    /// Minutes a drawn fan has to buy.
    pub window_mins: u32,
    /// Whether it was drawn.
    pub drawn: bool,
    /// When it was drawn (RFC 3339, UTC).
    pub drawn_at: Option<String>,
    /// The draw's seed.
    pub seed: Option<String>,
    /// Units the lottery gives out.
    pub units: u32,
    /// Units offered so far, in draw order.
    pub offers: Vec<WinnerAnswer>,
}

/// `lottery verify`: what the seed gives against what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyAnswer {
    /// The drop.
    pub offer_id: i64,
    /// The seed tried.
    pub seed: String,
    /// True when it gives the recorded draw.
    pub matches: bool,
    /// The order the seed gives (fan ids).
    pub order: Vec<String>,
    /// The order the draw recorded.
    pub recorded: Vec<String>,
    /// Fans offered a unit so far.
    pub winners: Vec<String>,
}

/// Runs a lottery subcommand.
pub fn run(pos: &mut Pos, action: &LotteryAction) -> Outcome {
    match action {
        LotteryAction::Set {
            offer,
            enter_until,
            window,
            pin,
        } => set(pos, *offer, enter_until, *window, pin),
        LotteryAction::Enter { offer, contact } => enter(pos, *offer, contact),
        LotteryAction::Draw { offer, pin, seed } => draw(pos, *offer, pin, *seed),
        LotteryAction::End { offer, pin } => {
            let grant = super::pin::unlock(pos, pin)?;
            let title = pos.end_lottery(*offer, &grant)?;
            Reply::new(
                &EndAnswer {
                    offer: *offer,
                    ended: true,
                },
                format!("{title}: lottery ended, what is left sells to anyone"),
            )
        }
        LotteryAction::Status => status(pos),
        LotteryAction::Verify { offer, seed } => verify(pos, *offer, seed),
    }
}

fn set(pos: &mut Pos, offer: i64, until: &str, window: u32, pin: &PinArgs) -> Outcome {
    let tz = pos.event().time_zone.clone();
    let enter_until = parse_local("--enter-until", until, &tz, pos.now())?;
    let grant = super::pin::unlock(pos, pin)?;
    pos.set_lottery(offer, enter_until, window, &grant)?;
    let title = find(pos, offer).map(|l| l.title).unwrap_or_default();
    let text = format!(
        "{title} is a lottery: entries close at {}, drawn fans have {window} min to buy",
        local_time(enter_until, &tz)
    );
    let answer = SetAnswer {
        offer_id: offer,
        title,
        enter_until: enter_until.to_string(),
        window_mins: window,
    };
    Reply::new(&answer, text)
}

fn find(pos: &Pos, offer: i64) -> Option<LotteryStatus> {
    pos.lotteries()
        .ok()?
        .into_iter()
        .find(|l| l.offer_id == offer)
}

fn enter(pos: &mut Pos, offer: i64, contact: &str) -> Outcome {
    let e = pos.enter_lottery(offer, contact)?;
    let again = if e.again {
        " (entered before: same code)"
    } else {
        ""
    };
    let text = format!("{} — {} (fan {}){again}", e.code, e.title, e.fan.short());
    let answer = EnterAnswer {
        offer_id: offer,
        code: e.code.as_str().to_string(),
        fan: e.fan.short().to_string(),
        title: e.title,
        again: e.again,
    };
    Reply::new(&answer, text)
}

fn draw(pos: &mut Pos, offer: i64, pin: &PinArgs, seed: Option<Seed>) -> Outcome {
    let grant = super::pin::unlock(pos, pin)?;
    let d = pos.draw_lottery(offer, seed, &grant)?;
    let mut text = format!(
        "drawn with seed {} ({} entries): {} fans can buy now",
        d.seed,
        d.order.len(),
        d.offered.len()
    );
    for (fan, code) in &d.offered {
        text.push_str(&format!("\n  {code}  fan {}", fan.short()));
    }
    let answer = DrawAnswer {
        offer_id: offer,
        seed: d.seed.to_string(),
        entries: d.order.len(),
        offered: d
            .offered
            .iter()
            .map(|(fan, code)| OfferedAnswer {
                code: code.as_str().to_string(),
                fan: fan.short().to_string(),
            })
            .collect(),
    };
    Reply::new(&answer, text)
}

fn status(pos: &mut Pos) -> Outcome {
    // Nobody else may be rolling lapsed units over (no kiosk running): do it before showing.
    pos.roll_lotteries()?;
    let tz = pos.event().time_zone.clone();
    let lotteries = pos.lotteries()?;
    let answer: Vec<StatusAnswer> = lotteries.iter().map(|l| status_answer(l, &tz)).collect();
    let mut text = Vec::new();
    for l in &lotteries {
        let drawn = match &l.drawn {
            Some((seed, at)) => format!("drawn at {}, seed {seed}", local_time(*at, &tz)),
            None => "not drawn".into(),
        };
        text.push(format!(
            "{:>4}  {} — {} entries, entries close at {}, {drawn}",
            l.offer_id,
            l.title,
            l.entries,
            local_time(l.enter_until, &tz)
        ));
        for w in &l.offers {
            let state = match &w.state {
                OfferState::Open { secs_left } => {
                    format!("open, {}:{:02} left", secs_left / 60, secs_left % 60)
                }
                OfferState::Bought { order_id } => format!("bought (order {order_id})"),
                OfferState::Lapsed => "lapsed".into(),
            };
            text.push(format!("      {}  fan {}  {state}", w.code, w.fan.short()));
        }
    }
    if text.is_empty() {
        text.push("no lotteries at this event".into());
    }
    Reply::new(&answer, text.join("\n"))
}

fn winner_answer(w: &Winner) -> WinnerAnswer {
    let (secs_left, order_id) = match &w.state {
        OfferState::Open { secs_left } => (Some(*secs_left), None),
        OfferState::Bought { order_id } => (None, Some(order_id.clone())),
        OfferState::Lapsed => (None, None),
    };
    WinnerAnswer {
        code: w.code.as_str().to_string(),
        fan: w.fan.short().to_string(),
        state: w.state.name(),
        secs_left,
        order_id,
        offered_at: w.offered_at.to_string(),
    }
}

fn status_answer(l: &LotteryStatus, tz: &Zone) -> StatusAnswer {
    StatusAnswer {
        offer_id: l.offer_id,
        title: l.title.clone(),
        entries: l.entries,
        enter_until: l.enter_until.to_string(),
        closes_at: local_time(l.enter_until, tz),
        window_mins: l.window_mins,
        drawn: l.drawn.is_some(),
        drawn_at: l.drawn.map(|d| d.1.to_string()),
        seed: l.drawn.map(|d| d.0.to_string()),
        units: l.units,
        offers: l.offers.iter().map(winner_answer).collect(),
    }
}

fn verify(pos: &Pos, offer: i64, seed: &Seed) -> Outcome {
    let v = pos.verify_lottery(offer, seed)?;
    let ids = |fans: &[FanId]| -> Vec<String> { fans.iter().map(|f| f.0.clone()).collect() };
    let order: Vec<&str> = v.order.iter().map(|f| f.short()).collect();
    let answer = VerifyAnswer {
        offer_id: offer,
        seed: v.seed.to_string(),
        matches: v.matches,
        order: ids(&v.order),
        recorded: ids(&v.recorded),
        winners: ids(&v.winners),
    };
    if v.matches {
        let text = format!(
            "matches: seed {} gives the recorded draw; order {}",
            v.seed,
            order.join(" ")
        );
        Reply::new(&answer, text)
    } else {
        let reason = format!(
            "does not match: seed {} gives order {}, not the recorded draw",
            v.seed,
            order.join(" ")
        );
        Err(Refusal::with(reason, Context::Lottery(answer)))
    }
}
