//! `encore lottery`: make a drop a lottery, enter fans, draw, show where offers stand, and
//! re-run a draw from its seed.

use clap::Subcommand;
use serde_json::{Value, json};

use super::Outcome;
use crate::domain::event::{local_time, parse_local};
use crate::domain::lottery::Seed;
use crate::service::{LotteryStatus, OfferState, Pos};

/// `encore lottery` and its `--json` flag.
#[derive(Debug, clap::Args)]
pub struct LotteryArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: LotteryAction,
    /// Print one JSON value.
    #[arg(long, global = true)]
    pub json: bool,
}

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
        /// The creator's PIN.
        #[arg(long)]
        pin: String,
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
        /// The creator's PIN.
        #[arg(long)]
        pin: String,
        /// Use this seed (64 hex characters) instead of a random one.
        #[arg(long, value_name = "HEX")]
        seed: Option<Seed>,
    },
    /// End a drop's lottery: what is left sells to anyone (creator PIN).
    End {
        /// The drop's offer id.
        offer: i64,
        /// The creator's PIN.
        #[arg(long)]
        pin: String,
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

impl LotteryArgs {
    /// Whether the answer is one JSON value.
    pub fn json(&self) -> bool {
        self.json
    }
}

fn refused(e: impl ToString) -> Outcome {
    let reason = e.to_string();
    Outcome::Refused(json!({ "error": reason }), reason)
}

/// Runs a lottery subcommand.
pub fn run(pos: &mut Pos, args: &LotteryArgs) -> anyhow::Result<Outcome> {
    let done = match &args.action {
        LotteryAction::Set {
            offer,
            enter_until,
            window,
            pin,
        } => set(pos, *offer, enter_until, *window, pin),
        LotteryAction::Enter { offer, contact } => enter(pos, *offer, contact),
        LotteryAction::Draw { offer, pin, seed } => draw(pos, *offer, pin, *seed),
        LotteryAction::End { offer, pin } => pos
            .unlock(pin)
            .and_then(|grant| pos.end_lottery(*offer, &grant))
            .map(|title| {
                Outcome::Done(
                    json!({ "offer": offer, "ended": true }),
                    format!("{title}: lottery ended, what is left sells to anyone"),
                )
            })
            .map_err(|e| e.to_string()),
        LotteryAction::Status => status(pos),
        LotteryAction::Verify { offer, seed } => verify(pos, *offer, seed),
    };
    Ok(done.unwrap_or_else(refused))
}

fn set(pos: &mut Pos, offer: i64, until: &str, window: u32, pin: &str) -> Result<Outcome, String> {
    let tz = pos.event().time_zone.clone();
    let enter_until =
        parse_local("--enter-until", until, &tz, pos.now()).map_err(|e| e.to_string())?;
    pos.unlock(pin)
        .and_then(|grant| pos.set_lottery(offer, enter_until, window, &grant))
        .map_err(|e| e.to_string())?;
    let title = find(pos, offer).map(|l| l.title).unwrap_or_default();
    let text = format!(
        "{title} is a lottery: entries close at {}, drawn fans have {window} min to buy",
        local_time(enter_until, &tz)
    );
    let value = json!({
        "offer_id": offer, "title": title, "enter_until": enter_until.to_string(),
        "window_mins": window,
    });
    Ok(Outcome::Done(value, text))
}

fn find(pos: &Pos, offer: i64) -> Option<LotteryStatus> {
    pos.lotteries()
        .ok()?
        .into_iter()
        .find(|l| l.offer_id == offer)
}

fn enter(pos: &mut Pos, offer: i64, contact: &str) -> Result<Outcome, String> {
    let e = pos
        .enter_lottery(offer, contact)
        .map_err(|e| e.to_string())?;
    let again = if e.again {
        " (entered before: same code)"
    } else {
        ""
    };
    let text = format!("{} — {} (fan {}){again}", e.code, e.title, e.fan.short());
    let value = json!({
        "offer_id": offer, "title": e.title, "code": e.code.as_str(), "fan": e.fan.short(),
        "again": e.again,
    });
    Ok(Outcome::Done(value, text))
}

fn draw(pos: &mut Pos, offer: i64, pin: &str, seed: Option<Seed>) -> Result<Outcome, String> {
    let d = pos
        .unlock(pin)
        .and_then(|grant| pos.draw_lottery(offer, seed, &grant))
        .map_err(|e| e.to_string())?;
    let mut text = format!(
        "drawn with seed {} ({} entries): {} fans can buy now",
        d.seed,
        d.order.len(),
        d.offered.len()
    );
    for (fan, code) in &d.offered {
        text.push_str(&format!("\n  {code}  fan {}", fan.short()));
    }
    let offered: Vec<Value> = d
        .offered
        .iter()
        .map(|(fan, code)| json!({ "code": code.as_str(), "fan": fan.short() }))
        .collect();
    let value = json!({
        "offer_id": offer, "seed": d.seed.to_string(), "entries": d.order.len(), "offered": offered,
    });
    Ok(Outcome::Done(value, text))
}

fn status(pos: &mut Pos) -> Result<Outcome, String> {
    // Nobody else may be rolling lapsed units over (no kiosk running): do it before showing.
    pos.roll_lotteries().map_err(|e| e.to_string())?;
    let tz = pos.event().time_zone.clone();
    let lotteries = pos.lotteries().map_err(|e| e.to_string())?;
    let value: Vec<Value> = lotteries.iter().map(|l| lottery_json(l, &tz)).collect();
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
    Ok(Outcome::Done(Value::Array(value), text.join("\n")))
}

fn lottery_json(l: &LotteryStatus, tz: &str) -> Value {
    let offers: Vec<Value> = l
        .offers
        .iter()
        .map(|w| {
            let (secs_left, order_id) = match &w.state {
                OfferState::Open { secs_left } => (Some(*secs_left), None),
                OfferState::Bought { order_id } => (None, Some(order_id.as_str())),
                OfferState::Lapsed => (None, None),
            };
            json!({
                "code": w.code.as_str(), "fan": w.fan.short(), "state": w.state.name(),
                "secs_left": secs_left, "order_id": order_id,
                "offered_at": w.offered_at.to_string(),
            })
        })
        .collect();
    json!({
        "offer_id": l.offer_id, "title": l.title, "entries": l.entries,
        "enter_until": l.enter_until.to_string(), "closes_at": local_time(l.enter_until, tz),
        "window_mins": l.window_mins, "drawn": l.drawn.is_some(),
        "drawn_at": l.drawn.map(|d| d.1.to_string()), "seed": l.drawn.map(|d| d.0.to_string()),
        "units": l.units, "offers": offers,
    })
}

fn verify(pos: &Pos, offer: i64, seed: &Seed) -> Result<Outcome, String> {
    let v = pos.verify_lottery(offer, seed).map_err(|e| e.to_string())?;
    let ids = |fans: &[crate::domain::fan::FanId]| -> Vec<String> {
        fans.iter().map(|f| f.0.clone()).collect()
    };
    let value = json!({
        "offer_id": offer, "seed": v.seed.to_string(), "matches": v.matches,
        "order": ids(&v.order), "recorded": ids(&v.recorded), "winners": ids(&v.winners),
    });
    let order: Vec<&str> = v.order.iter().map(|f| f.short()).collect();
    if v.matches {
        let text = format!(
            "matches: seed {} gives the recorded draw; order {}",
            v.seed,
            order.join(" ")
        );
        Ok(Outcome::Done(value, text))
    } else {
        let reason = format!(
            "does not match: seed {} gives order {}, not the recorded draw",
            v.seed,
            order.join(" ")
        );
        Ok(Outcome::Refused(value, reason))
    }
}
