//! Running the queue: call next (with the priority fairness rule), serving, served, no-show
//! after the grace time, one re-queue, undo for ten seconds, wait ranges and statistics. Each move
//! is one immediate transaction with an audit entry, so two stations never call the same ticket.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role, UNDO_SECS};
use crate::domain::catalogue::OfferKind;
use crate::domain::event::local_time;
use crate::domain::queue::{
    LaneHourStats, QueueRules, Ticket, TicketLabel, TicketState, median, pick_next,
    requeue_position, wait_range,
};
use crate::store::{events, tickets};

/// The no-shows a lane shows with a re-queue button each: a fan back minutes after the call.
/// One back later is re-queued by their ticket number.
pub const NO_SHOWS_SHOWN: u32 = 5;

/// One lane as the Queue screen and the now-serving board show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaneView {
    /// Lane letter.
    pub lane: char,
    /// Titles of the lane's gigs, joined.
    pub title: String,
    /// Planned length of the lane's shortest session.
    pub duration_mins: u32,
    /// At the table now.
    pub serving: Vec<Ticket>,
    /// Called, on their way to the table, oldest call first.
    pub called: Vec<Ticket>,
    /// The latest no-shows that can still be re-queued, latest first (at most
    /// [`NO_SHOWS_SHOWN`]).
    pub no_shows: Vec<Ticket>,
    /// The lane's other no-shows that can still be re-queued (by their number).
    pub earlier_no_shows: u32,
    /// Waiting tickets in call order (fairness applied), each with its wait range in minutes.
    pub waiting: Vec<(Ticket, (u32, u32))>,
    /// Wait range for a ticket bought now.
    pub wait_now: (u32, u32),
}

impl Pos {
    /// Every lane with its tickets and wait ranges. A lane belongs to a host: several gigs of the
    /// same host share its lane (and its line of fans).
    pub fn queue(&self) -> PosResult<Vec<LaneView>> {
        let conn = self.store.conn();
        let open = tickets::open_tickets(conn, self.event.id)?;
        let fairness = self.event.queue.fairness;
        let mut lanes: BTreeMap<char, (Vec<String>, Vec<u32>)> = BTreeMap::new();
        for offer in self.offers()? {
            if let (OfferKind::Gig { duration_mins, .. }, Some(lane)) = (offer.kind, offer.lane) {
                let entry = lanes.entry(lane).or_default();
                entry.0.push(offer.title);
                entry.1.push(duration_mins);
            }
        }
        let mut views = Vec::new();
        for (lane, (titles, durations)) in lanes {
            let in_lane: Vec<&Ticket> = open.iter().filter(|t| t.label.lane == lane).collect();
            let pick = |state| -> Vec<Ticket> {
                in_lane
                    .iter()
                    .filter(|t| t.state == state)
                    .map(|t| (*t).clone())
                    .collect()
            };
            let (serving, called) = (pick(TicketState::Serving), pick(TicketState::Called));
            let (no_shows, all) = tickets::no_shows(conn, self.event.id, lane, NO_SHOWS_SHOWN)?;
            let shown = u32::try_from(no_shows.len()).unwrap_or(u32::MAX);
            let earlier_no_shows = all.saturating_sub(shown);
            // Call order: replay the fairness rule over the waiting tickets.
            let mut left: Vec<(i64, bool)> = in_lane
                .iter()
                .filter(|t| t.state == TicketState::Waiting)
                .map(|t| (t.id, t.priority))
                .collect();
            let mut calls = tickets::recent_calls(conn, self.event.id, lane)?;
            let observed = tickets::recent_service(conn, self.event.id, lane)?;
            let at_table: Vec<u32> = serving
                .iter()
                .chain(&called)
                .map(|t| t.duration_mins)
                .collect();
            let mut ahead: Vec<u32> = Vec::new();
            let mut waiting = Vec::new();
            while let Some(id) = pick_next(&left, &calls, fairness) {
                let Some(t) = in_lane.iter().find(|t| t.id == id) else {
                    break;
                };
                waiting.push(((*t).clone(), wait_range(&ahead, &at_table, &observed)));
                ahead.push(t.duration_mins);
                left.retain(|w| w.0 != id);
                calls.insert(0, t.priority);
            }
            // A ticket bought now: the lane's typical (shortest) gig waits behind everyone.
            let wait_now = wait_range(&ahead, &at_table, &observed);
            views.push(LaneView {
                lane,
                title: titles.join(" · "),
                duration_mins: durations.iter().copied().min().unwrap_or(1),
                serving,
                called,
                no_shows,
                earlier_no_shows,
                waiting,
                wait_now,
            });
        }
        Ok(views)
    }

    /// Calls the next ticket of `lane` by the fairness rule; None when nobody is waiting.
    pub fn call_next(&mut self, lane: char) -> PosResult<Option<TicketLabel>> {
        let (event_id, fairness) = (self.event.id, self.event.queue.fairness);
        let helper = self.helper.clone();
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let waiting: Vec<(i64, bool)> = tickets::waiting(tx, event_id, lane)?
                .into_iter()
                .map(|(id, priority, _)| (id, priority))
                .collect();
            let calls = tickets::recent_calls(tx, event_id, lane)?;
            let Some(id) = pick_next(&waiting, &calls, fairness) else {
                return Ok(None);
            };
            let t = tickets::by_id(tx, event_id, id)?.ok_or(PosError::UnknownTicket(id))?;
            tickets::transition(
                tx,
                id,
                (TicketState::Waiting, TicketState::Called),
                now,
                &helper,
            )?;
            let detail = json!({ "ticket": id, "priority": t.priority });
            w.log("queue.call", &t.label.to_string(), detail)?;
            Ok(Some(t.label))
        })
    }

    /// Moves a ticket: Serving (at the table), Done (served), NoShow (after the grace time) or
    /// Waiting (re-queue a no-show, once, some places back).
    pub fn move_ticket(&mut self, ticket_id: i64, to: TicketState) -> PosResult<TicketLabel> {
        let (event_id, rules) = (self.event.id, self.event.queue);
        let station = self.station.clone();
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let t = tickets::by_id(tx, event_id, ticket_id)?
                .ok_or(PosError::UnknownTicket(ticket_id))?;
            let moved = |state: TicketState| PosError::TicketMoved {
                label: t.label.to_string(),
                state: state.name(),
            };
            if !t.state.can_become(to) || to == TicketState::Cancelled {
                return Err(moved(t.state));
            }
            if to == TicketState::NoShow {
                let ready_at = t.called_at.unwrap_or(0) + i64::from(rules.grace_secs);
                if now.as_second() < ready_at {
                    return Err(PosError::GraceTime {
                        label: t.label.to_string(),
                        secs: ready_at - now.as_second(),
                    });
                }
            }
            let done = if to == TicketState::Waiting {
                if t.requeued {
                    return Err(PosError::RequeuedOnce(t.label.to_string()));
                }
                let places = |tx: &crate::store::Conn| -> PosResult<Vec<i64>> {
                    Ok(tickets::waiting(tx, event_id, t.label.lane)?
                        .into_iter()
                        .map(|w| w.2)
                        .collect())
                };
                let pos = match requeue_position(&places(tx)?, rules.requeue_places) {
                    Some(pos) => pos,
                    None => {
                        tickets::spread(tx, event_id, t.label.lane)?;
                        requeue_position(&places(tx)?, rules.requeue_places).unwrap_or(0)
                    }
                };
                tickets::requeue(tx, ticket_id, pos, now, &station)?
            } else {
                tickets::transition(tx, ticket_id, (t.state, to), now, &station)?
            };
            if !done {
                return Err(moved(t.state));
            }
            let action = match to {
                TicketState::Waiting => "queue.requeue".to_string(),
                other => format!("queue.{}", other.name()),
            };
            let detail = json!({ "ticket": ticket_id, "from": t.state.name() });
            w.log(&action, &t.label.to_string(), detail)?;
            Ok(t.label)
        })
    }

    /// Takes a ticket's last move back within ten seconds.
    pub fn undo_ticket(&mut self, ticket_id: i64) -> PosResult<TicketLabel> {
        let event_id = self.event.id;
        let station = self.station.clone();
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let t = tickets::by_id(tx, event_id, ticket_id)?
                .ok_or(PosError::UnknownTicket(ticket_id))?;
            let Some((prev, at, by)) = tickets::last_move(tx, ticket_id)? else {
                return Err(PosError::UndoTooLate { secs: UNDO_SECS });
            };
            // Only the station that made the move takes it back: never another helper's work.
            if by != station {
                return Err(PosError::TicketMoved {
                    label: t.label.to_string(),
                    state: t.state.name(),
                });
            }
            if now.as_second() - at > UNDO_SECS || !tickets::undo(tx, ticket_id, t.state, prev)? {
                return Err(PosError::UndoTooLate { secs: UNDO_SECS });
            }
            let detail = json!({ "ticket": ticket_id, "from": t.state.name(), "to": prev.name() });
            w.log("queue.undo", &t.label.to_string(), detail)?;
            Ok(t.label)
        })
    }

    /// Makes a ticket a priority ticket (loyalty member at the table) or takes that back.
    pub fn set_priority(&mut self, ticket_id: i64, priority: bool) -> PosResult<TicketLabel> {
        let event_id = self.event.id;
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let t = tickets::by_id(tx, event_id, ticket_id)?
                .ok_or(PosError::UnknownTicket(ticket_id))?;
            tickets::set_priority(tx, ticket_id, priority)?;
            w.log(
                "queue.priority",
                &t.label.to_string(),
                json!({ "priority": priority }),
            )?;
            Ok(t.label)
        })
    }

    /// A ticket by its label (`B-012`, any case).
    pub fn ticket(&self, label: &str) -> PosResult<Ticket> {
        let parsed = parse_label(label)?;
        tickets::by_label(self.store.conn(), self.event.id, &parsed)?
            .ok_or_else(|| PosError::NoTicket(label.trim().to_uppercase()))
    }

    /// Every ticket of the event (for `encore queue list --all` and tests).
    pub fn all_tickets(&self) -> PosResult<Vec<Ticket>> {
        Ok(tickets::all_tickets(self.store.conn(), self.event.id)?)
    }

    /// Wait (paid → called), service (called → done) and no-shows per lane and local hour.
    pub fn queue_stats(&self) -> PosResult<Vec<LaneHourStats>> {
        let rows = tickets::timings(self.store.conn(), self.event.id)?;
        let tz = &self.event.time_zone;
        let mut groups: BTreeMap<(char, String), Vec<_>> = BTreeMap::new();
        for row in rows {
            let hour = Timestamp::from_second(row.1 - row.1.rem_euclid(3600))
                .map(|t| local_time(t, tz))
                .unwrap_or_default();
            groups.entry((row.0, hour)).or_default().push(row);
        }
        let secs = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        Ok(groups
            .into_iter()
            .map(|((lane, hour), rows)| {
                let waits: Vec<u32> = rows
                    .iter()
                    .filter_map(|r| r.2.map(|c| secs(c - r.1)))
                    .collect();
                let services: Vec<u32> = rows
                    .iter()
                    .filter(|r| r.4 == TicketState::Done)
                    .filter_map(|r| Some(secs(r.3? - r.2?)))
                    .collect();
                let count = |s: TicketState| rows.iter().filter(|r| r.4 == s).count() as u32;
                LaneHourStats {
                    lane,
                    hour,
                    tickets: rows.len() as u32,
                    served: count(TicketState::Done),
                    no_shows: count(TicketState::NoShow),
                    median_wait_secs: median(&waits),
                    median_service_secs: median(&services),
                }
            })
            .collect())
    }

    /// Changes the queue rules (fairness, grace time, re-queue places) and how long new claim
    /// codes stay valid (creator grant).
    pub fn set_queue_rules(
        &mut self,
        rules: QueueRules,
        claim_valid_hours: u32,
        grant: &Grant,
    ) -> PosResult<()> {
        if rules.fairness == 0 || claim_valid_hours == 0 {
            return Err(PosError::Refused(
                "fairness and code validity must be 1 or more".into(),
            ));
        }
        self.require(grant)?;
        let event_id = self.event.id;
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            events::set_queue_rules(tx, event_id, &rules, claim_valid_hours)?;
            let detail = json!({ "rules": rules, "claim_valid_hours": claim_valid_hours });
            w.log("queue.rules", "event", detail)
        })?;
        self.event.queue = rules;
        self.event.claim_valid_hours = claim_valid_hours;
        Ok(())
    }
}

/// Parses a ticket label: a lane letter, a dash (optional) and a number: `B-012`, `b12`.
fn parse_label(label: &str) -> PosResult<TicketLabel> {
    let s = label.trim().to_uppercase();
    let mut chars = s.chars();
    let lane = chars.next().filter(char::is_ascii_uppercase);
    let number = chars.as_str().trim_start_matches('-').parse::<u32>().ok();
    match (lane, number) {
        (Some(lane), Some(number)) => Ok(TicketLabel { lane, number }),
        _ => Err(PosError::NoTicket(format!("{s} (tickets look like B-012)"))),
    }
}
