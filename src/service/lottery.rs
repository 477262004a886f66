//! Lottery drops: the creator turns a drop into a lottery, helpers enter fans at the table (each
//! gets a buy code), the draw records a seed anyone can re-run, drawn fans get a window to buy
//! and lapsed units roll to the next drawn fans. The sale asks [`lottery_gate`] before selling a
//! unit and calls [`lottery_bought`] after.

use crate::domain::event::Zone;
use crate::domain::event::local_hhmm;
use crate::domain::field::FieldError;
use jiff::Timestamp;
use serde_json::json;

#[cfg(test)]
mod tests;
mod views;

pub use views::{Drawn, Entered, LotteryStatus, OfferState, Verification, Winner};

use super::gate;
use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::catalogue::{Offer, OfferKind};
use crate::domain::fan::{FanId, fan_id, normalize_contact};
use crate::domain::lottery::{self, BuyCode, Seed, WinnerState, next_offers, window_left};
use crate::domain::money::Currency;
use crate::store::lottery::{LotteryRow, OfferRow};
use crate::store::{self, fans, offers};

/// Shortest and longest buy window, in minutes.
pub const WINDOW_MINS: std::ops::RangeInclusive<u32> = 1..=240;
/// Fresh buy codes tried before giving up (30 bits: a clash is already rare).
const CODE_TRIES: usize = 16;

/// The open event's id and currency, as the catalogue reads take them.
type EventKey = (i64, Currency);

fn window_secs(lottery: &LotteryRow) -> i64 {
    i64::from(lottery.window_mins) * 60
}

fn state_of(offer: &OfferRow, window_secs: i64, now: Timestamp) -> OfferState {
    match (
        &offer.order_id,
        window_left(offer.offered_at, window_secs, now),
    ) {
        (Some(order_id), _) => OfferState::Bought {
            order_id: order_id.clone(),
        },
        (None, Some(secs_left)) => OfferState::Open { secs_left },
        (None, None) => OfferState::Lapsed,
    }
}

fn winner_states(offered: &[OfferRow]) -> Vec<WinnerState> {
    offered
        .iter()
        .map(|o| WinnerState {
            fan: o.fan.clone(),
            offered_at: o.offered_at,
            bought: o.order_id.is_some(),
        })
        .collect()
}

/// Units the lottery gives out: those left and held by payments, plus those bought through it
/// (a refund puts a unit back, and it rolls on).
fn units_of(
    conn: &store::Conn,
    event: EventKey,
    offer_id: i64,
    offered: &[OfferRow],
) -> PosResult<u32> {
    let offer =
        offers::get(conn, event.0, offer_id, event.1)?.ok_or(PosError::UnknownOffer(offer_id))?;
    let bought = offered.iter().filter(|o| o.order_id.is_some()).count();
    Ok(offer
        .remaining
        .unwrap_or(0)
        .saturating_add(offer.held)
        .saturating_add(u32::try_from(bought).unwrap_or(u32::MAX)))
}

/// The lottery of one of the event's drops, or a refusal naming the drop.
fn lottery_of(conn: &store::Conn, event: EventKey, offer_id: i64) -> PosResult<LotteryRow> {
    let offer =
        offers::get(conn, event.0, offer_id, event.1)?.ok_or(PosError::UnknownOffer(offer_id))?;
    store::lottery::get(conn, offer_id)?
        .ok_or_else(|| PosError::Refused(format!("{} is not a lottery drop", offer.title)))
}

impl Pos {
    /// Makes a drop a lottery (creator PIN): fans enter until `enter_until`, drawn fans have
    /// `window_mins` to buy. Can change until entries close; refused once units were sold.
    pub fn set_lottery(
        &mut self,
        offer_id: i64,
        enter_until: Timestamp,
        window_mins: u32,
        grant: &Grant,
    ) -> PosResult<()> {
        if !WINDOW_MINS.contains(&window_mins) {
            return Err(PosError::Invalid(FieldError::new(
                "buy window",
                format!(
                    "{} to {} minutes (not {window_mins})",
                    WINDOW_MINS.start(),
                    WINDOW_MINS.end()
                ),
            )));
        }
        self.require(grant)?;
        let (now, event_id, tz) = (self.now(), self.event.id, self.event.time_zone.clone());
        let currency = self.event.currency;
        self.write(Role::Creator, |w| {
        let tx = w.tx();
        let offer = offers::get(tx, event_id, offer_id, currency)?
            .ok_or(PosError::UnknownOffer(offer_id))?;
        let title = &offer.title;
        let OfferKind::Drop { close, .. } = offer.kind else {
            return Err(PosError::Refused(format!(
                "{title} is not a drop: only drops can be lotteries"
            )));
        };
        let before = store::lottery::get(tx, offer_id)?;
        if let Some(old) = &before
            && now >= old.enter_until
        {
            return Err(PosError::Refused(format!(
                "entries for {title} closed at {}: the lottery cannot change now",
                local_hhmm(old.enter_until, &tz)
            )));
        }
        if enter_until <= now {
            return Err(PosError::Invalid(FieldError::new("entries close at", format!("{} has passed; pick a later time",
                local_hhmm(enter_until, &tz)))));
        }
        if let Some(close) = close.filter(|c| enter_until >= *c) {
            return Err(PosError::Invalid(FieldError::new("entries close at", format!("must be before {title} closes at {}",
                local_hhmm(close, &tz)))));
        }
        if store::lottery::units_sold(tx, offer_id)? > 0 {
            return Err(PosError::Refused(format!(
                "{title} has sold units already: a lottery must start before the first sale"
            )));
        }
        if offer.held > 0 {
            return Err(PosError::Refused(format!("a fan is paying for {title} right now: try again when the payment is done")));
        }
        store::lottery::set(tx, offer_id, enter_until, window_mins)?;
        let as_json = |until: Timestamp, mins: u32| json!({ "enter_until": until.to_string(), "window_mins": mins });
        let before = before.map(|b| as_json(b.enter_until, b.window_mins));
        let after = as_json(enter_until, window_mins);
        w.log("lottery.set", &offer_id.to_string(), json!({ "before": before, "after": after }),
        )?;
        Ok(())
        })
    }

    /// Enters a fan (phone, e-mail or @handle, kept only as a salted hash) in a drop's lottery
    /// and gives their buy code; a fan who entered before gets the same code again.
    pub fn enter_lottery(&mut self, offer_id: i64, contact: &str) -> PosResult<Entered> {
        let normalized = normalize_contact(contact).map_err(PosError::Invalid)?;
        let (now, event) = (self.now(), (self.event.id, self.event.currency));
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let lottery = lottery_of(tx, event, offer_id)?;
            let fan = fan_id(&fans::salt(tx)?, &normalized);
            if let Some(code) = store::lottery::entry_code(tx, offer_id, &fan)? {
                return Ok(Entered {
                    title: lottery.title,
                    code,
                    fan,
                    again: true,
                });
            }
            if now >= lottery.enter_until {
                return Err(PosError::Refused(format!(
                    "entries for {} closed at {}",
                    lottery.title,
                    local_hhmm(lottery.enter_until, &lottery.time_zone)
                )));
            }
            let mut tries = 0;
            let code = loop {
                let code = BuyCode::from_number(rand::random());
                if store::lottery::insert_entry(tx, offer_id, &fan, &code, now)? {
                    break code;
                }
                tries += 1;
                if tries >= CODE_TRIES {
                    return Err(PosError::Refused(
                        "no free buy code was found: enter the fan again".into(),
                    ));
                }
            };
            w.log(
                "lottery.enter",
                &offer_id.to_string(),
                json!({ "fan": fan.0, "code": code.as_str() }),
            )?;
            Ok(Entered {
                title: lottery.title,
                code,
                fan,
                again: false,
            })
        })
    }

    /// Draws a lottery once its entries closed (creator PIN), with a fresh random seed or the
    /// one given; the first fans in the order get a unit each now.
    pub fn draw_lottery(
        &mut self,
        offer_id: i64,
        seed: Option<Seed>,
        grant: &Grant,
    ) -> PosResult<Drawn> {
        self.require(grant)?;
        let (now, event) = (self.now(), (self.event.id, self.event.currency));
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let lottery = lottery_of(tx, event, offer_id)?;
            let (title, tz) = (&lottery.title, &lottery.time_zone);
            if let Some((seed, at)) = &lottery.drawn {
                return Err(PosError::Refused(format!(
                    "{title} was drawn at {} already (seed {seed})",
                    local_hhmm(*at, tz)
                )));
            }
            if now < lottery.enter_until {
                return Err(PosError::Refused(format!(
                    "entries for {title} close at {}: draw after that",
                    local_hhmm(lottery.enter_until, tz)
                )));
            }
            let offer = offers::get(tx, event.0, offer_id, event.1)?
                .ok_or(PosError::UnknownOffer(offer_id))?;
            check_on_sale(&offer, tz, now)?;
            let entries = store::lottery::entries(tx, offer_id)?;
            if entries.is_empty() {
                return Err(PosError::Refused(format!(
                    "nobody entered {title}: nothing to draw"
                )));
            }
            let seed = seed.unwrap_or_else(|| Seed(rand::random()));
            let order = lottery::draw(&seed, &entries);
            if !store::lottery::record_draw(tx, offer_id, &seed, now, &order)? {
                return Err(PosError::Refused(format!("{title} was drawn already")));
            }
            let units = units_of(tx, event, offer_id, &[])?;
            let first = next_offers(&order, &[], units, window_secs(&lottery), now);
            let mut offered = Vec::with_capacity(first.len());
            for fan in first {
                store::lottery::insert_offer(tx, offer_id, &fan, now)?;
                let code = store::lottery::entry_code(tx, offer_id, &fan)?.ok_or_else(|| {
                    PosError::Refused(format!("{title}: a drawn fan has no entry"))
                })?;
                offered.push((fan, code));
            }
            let order_ids: Vec<&str> = order.iter().map(|f| f.0.as_str()).collect();
            let offered_ids: Vec<&str> = offered.iter().map(|(f, _)| f.0.as_str()).collect();
            w.log(
                "lottery.draw",
                &offer_id.to_string(),
                json!({
                    "seed": seed.to_string(), "units": units, "order": order_ids,
                    "offered": offered_ids,
                }),
            )?;
            Ok(Drawn {
                seed,
                order,
                offered,
            })
        })
    }

    /// Ends a drop's lottery (creator PIN), for units left once every drawn fan had their chance
    /// or when the creator changes plans: from now on the drop sells to anyone, one order at a
    /// time within its per-fan limit. Buy codes already bought stay bought.
    pub fn end_lottery(&mut self, offer_id: i64, grant: &Grant) -> PosResult<String> {
        self.require(grant)?;
        let (now, event) = (self.now(), (self.event.id, self.event.currency));
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let lottery = lottery_of(tx, event, offer_id)?;
            store::lottery::end(tx, offer_id, now)?;
            w.log(
                "lottery.end",
                &offer_id.to_string(),
                json!({ "entries": lottery.entries, "drawn": lottery.drawn.is_some() }),
            )?;
            Ok(lottery.title)
        })
    }

    /// Offers units whose window lapsed (or that came back) to the next drawn fans; returns how
    /// many offers were made. Only reads when nothing is due, so the kiosk calls it every second.
    pub fn roll_lotteries(&mut self) -> PosResult<usize> {
        let (now, event) = (self.now(), (self.event.id, self.event.currency));
        let conn = self.store.conn();
        let mut due = false;
        for offer_id in store::lottery::rollable(conn, event.0)? {
            if !due_offers(conn, event, offer_id, now)?.1.is_empty() {
                due = true;
                break;
            }
        }
        if !due {
            return Ok(0);
        }
        let mut stamp = self.stamp(Role::Helper);
        stamp.by = "roll-over".into();
        gate::write(&mut self.store, &stamp, |w| {
            let tx = w.tx();
            let mut made = 0;
            // Re-read under the write lock: another station may have rolled meanwhile.
            for offer_id in store::lottery::rollable(tx, event.0)? {
                let (units, next) = due_offers(tx, event, offer_id, now)?;
                if next.is_empty() {
                    continue;
                }
                for fan in &next {
                    store::lottery::insert_offer(tx, offer_id, fan, now)?;
                }
                made += next.len();
                let fans: Vec<&str> = next.iter().map(|f| f.0.as_str()).collect();
                let detail = json!({ "offered": fans, "units": units });
                w.log("lottery.offer", &offer_id.to_string(), detail)?;
            }
            Ok(made)
        })
    }

    /// Every lottery of the open event with its entries and offers as of now.
    pub fn lotteries(&self) -> PosResult<Vec<LotteryStatus>> {
        let (now, event) = (self.now(), (self.event.id, self.event.currency));
        let conn = self.store.conn();
        store::lottery::list(conn, event.0)?
            .into_iter()
            .map(|l| {
                let offered = store::lottery::offers(conn, l.offer_id)?;
                let units = units_of(conn, event, l.offer_id, &offered)?;
                let secs = window_secs(&l);
                let offers = offered
                    .iter()
                    .map(|o| Winner {
                        code: o.code.clone(),
                        fan: o.fan.clone(),
                        offered_at: o.offered_at,
                        state: state_of(o, secs, now),
                    })
                    .collect();
                Ok(LotteryStatus {
                    offer_id: l.offer_id,
                    title: l.title,
                    entries: l.entries,
                    enter_until: l.enter_until,
                    window_mins: l.window_mins,
                    drawn: l.drawn,
                    units,
                    offers,
                })
            })
            .collect()
    }

    /// Re-runs a recorded draw with `seed` over the stored entries and says whether it gives
    /// the recorded order and winners.
    pub fn verify_lottery(&self, offer_id: i64, seed: &Seed) -> PosResult<Verification> {
        let conn = self.store.conn();
        let lottery = lottery_of(conn, (self.event.id, self.event.currency), offer_id)?;
        if lottery.drawn.is_none() {
            return Err(PosError::Refused(format!(
                "{} has not been drawn yet: nothing to verify",
                lottery.title
            )));
        }
        let order = lottery::draw(seed, &store::lottery::entries(conn, offer_id)?);
        let recorded = store::lottery::drawn_order(conn, offer_id)?;
        let winners: Vec<FanId> = store::lottery::offers(conn, offer_id)?
            .into_iter()
            .map(|o| o.fan)
            .collect();
        let matches = order == recorded && order.starts_with(&winners);
        Ok(Verification {
            seed: *seed,
            matches,
            order,
            recorded,
            winners,
        })
    }
}

/// Winners can only buy a drop that is on sale: the draw waits for go-live and not past close.
fn check_on_sale(offer: &Offer, tz: &Zone, now: Timestamp) -> PosResult<()> {
    let title = &offer.title;
    if let OfferKind::Drop { go_live, close, .. } = offer.kind {
        if now < go_live {
            return Err(PosError::Refused(format!(
                "{title} goes on sale at {}: draw then, so the winners can buy",
                local_hhmm(go_live, tz)
            )));
        }
        if close.is_some_and(|c| now >= c) {
            return Err(PosError::Refused(format!(
                "{title} is closed: winners could not buy"
            )));
        }
    }
    Ok(())
}

/// A drawn lottery's units and the fans who should be offered one now.
fn due_offers(
    conn: &store::Conn,
    event: EventKey,
    offer_id: i64,
    now: Timestamp,
) -> PosResult<(u32, Vec<FanId>)> {
    let Some(lottery) = store::lottery::get(conn, offer_id)? else {
        return Ok((0, Vec::new()));
    };
    let offered = store::lottery::offers(conn, offer_id)?;
    let units = units_of(conn, event, offer_id, &offered)?;
    let secs = window_secs(&lottery);
    let taken = offered
        .iter()
        .filter(|o| o.order_id.is_some() || window_left(o.offered_at, secs, now).is_some())
        .count();
    // Most seconds nothing is free: skip reading the whole draw order then.
    if usize::try_from(units).unwrap_or(usize::MAX) <= taken {
        return Ok((units, Vec::new()));
    }
    let order = store::lottery::drawn_order(conn, offer_id)?;
    let next = next_offers(&order, &winner_states(&offered), units, secs, now);
    Ok((units, next))
}

/// Whether `fan` may buy `qty` units of `offer_id` now. Ok(false): the offer is no lottery drop
/// (nothing to check). Ok(true): it is, and this fan holds an open offer and buys one unit.
/// Otherwise the refusal in words. Call inside the sale's transaction.
pub(crate) fn lottery_gate(
    tx: &crate::store::Conn,
    offer_id: i64,
    fan: Option<&crate::domain::fan::FanId>,
    qty: u32,
    now: jiff::Timestamp,
) -> super::PosResult<bool> {
    let Some(lottery) = store::lottery::get(tx, offer_id)? else {
        return Ok(false);
    };
    let title = &lottery.title;
    let only_drawn = format!("{title} is a lottery drop: only drawn fans can buy it");
    let Some(fan) = fan else {
        return Err(PosError::Refused(format!(
            "{only_drawn} — type their buy code"
        )));
    };
    let Some(offer) = store::lottery::offer_of(tx, offer_id, fan)? else {
        return Err(PosError::Refused(format!(
            "{only_drawn}, and this fan has no offer (not drawn, or not yet)"
        )));
    };
    match state_of(&offer, window_secs(&lottery), now) {
        OfferState::Bought { order_id } => Err(PosError::Refused(format!(
            "one unit per drawn fan: this buy code was used (order {order_id})"
        ))),
        OfferState::Lapsed => {
            let closed = offer
                .offered_at
                .checked_add(jiff::SignedDuration::from_secs(window_secs(&lottery)))
                .unwrap_or(Timestamp::MAX);
            Err(PosError::Refused(format!(
                "this buy code's window closed at {}",
                local_hhmm(closed, &lottery.time_zone)
            )))
        }
        OfferState::Open { .. } if qty != 1 => {
            Err(PosError::Refused("one unit per drawn fan".into()))
        }
        OfferState::Open { .. } => Ok(true),
    }
}

/// Marks the fan's offer bought with `order_id` (inside the sale's transaction, after
/// [`lottery_gate`] said yes).
pub(crate) fn lottery_bought(
    tx: &crate::store::Conn,
    offer_id: i64,
    fan: &crate::domain::fan::FanId,
    order_id: &str,
) -> super::PosResult<()> {
    if store::lottery::mark_bought(tx, offer_id, fan, order_id)? {
        Ok(())
    } else {
        Err(PosError::Refused(
            "one unit per drawn fan: this fan has no open offer for the drop".into(),
        ))
    }
}
