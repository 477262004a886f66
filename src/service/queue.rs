//! Running the queue: call next, served, no-show. Each move is one transaction with an audit entry.

use serde::Serialize;
use serde_json::json;

use super::{Pos, PosError, PosResult};
use crate::domain::catalogue::OfferKind;
use crate::domain::queue::{Ticket, TicketLabel, TicketState, wait_estimate_mins};
use crate::store::{audit, tickets};

/// One lane as the Queue screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaneView {
    /// Lane letter.
    pub lane: char,
    /// Gig title.
    pub title: String,
    /// Planned length of one session.
    pub duration_mins: u32,
    /// Called tickets, oldest first.
    pub called: Vec<Ticket>,
    /// Waiting tickets in service order, each with its wait estimate in minutes.
    pub waiting: Vec<(Ticket, u32)>,
}

impl Pos {
    /// Every gig lane with its called and waiting tickets and wait estimates.
    pub fn queue(&self) -> PosResult<Vec<LaneView>> {
        let open = tickets::open_tickets(self.store.conn(), self.event.id)?;
        let lanes = self
            .offers()?
            .into_iter()
            .filter_map(|o| match (o.kind, o.lane) {
                (OfferKind::Gig { duration_mins, .. }, Some(lane)) => {
                    Some((lane, o.title, duration_mins))
                }
                _ => None,
            });
        Ok(lanes
            .map(|(lane, title, duration_mins)| {
                let in_lane = open.iter().filter(|t| t.label.lane == lane);
                let called: Vec<Ticket> = in_lane
                    .clone()
                    .filter(|t| t.state == TicketState::Called)
                    .cloned()
                    .collect();
                let in_service = called.iter().map(|t| t.duration_mins).sum();
                let mut ahead = Vec::new();
                let waiting = in_lane
                    .filter(|t| t.state == TicketState::Waiting)
                    .map(|t| {
                        let wait = wait_estimate_mins(&ahead, in_service);
                        ahead.push(t.duration_mins);
                        (t.clone(), wait)
                    })
                    .collect();
                LaneView {
                    lane,
                    title,
                    duration_mins,
                    called,
                    waiting,
                }
            })
            .collect())
    }

    /// Calls the first waiting ticket of `lane`; None when nobody is waiting.
    pub fn call_next(&mut self, lane: char) -> PosResult<Option<TicketLabel>> {
        let now = self.now();
        let (event_id, station) = (self.event.id, self.station.clone());
        let tx = self.store.immediate()?;
        let Some(id) = tickets::first_waiting(&tx, event_id, lane)? else {
            return Ok(None);
        };
        let (label, _) =
            tickets::state_of(&tx, event_id, id)?.ok_or(PosError::UnknownTicket(id))?;
        tickets::transition(&tx, id, TicketState::Waiting, TicketState::Called, now)?;
        audit::append(
            &tx,
            now,
            &station,
            "queue.call",
            &label.to_string(),
            &json!({ "ticket": id }),
        )?;
        tx.commit()?;
        Ok(Some(label))
    }

    /// Marks a called ticket served or no-show.
    pub fn finish_ticket(
        &mut self,
        ticket_id: i64,
        outcome: TicketState,
    ) -> PosResult<TicketLabel> {
        let now = self.now();
        let (event_id, station) = (self.event.id, self.station.clone());
        let tx = self.store.immediate()?;
        let (label, state) = tickets::state_of(&tx, event_id, ticket_id)?
            .ok_or(PosError::UnknownTicket(ticket_id))?;
        if !state.can_become(outcome) || !tickets::transition(&tx, ticket_id, state, outcome, now)?
        {
            return Err(PosError::TicketMoved {
                label: label.to_string(),
                state: state.name(),
            });
        }
        let action = format!("queue.{}", outcome.name());
        audit::append(
            &tx,
            now,
            &station,
            &action,
            &label.to_string(),
            &json!({ "ticket": ticket_id }),
        )?;
        tx.commit()?;
        Ok(label)
    }
}
