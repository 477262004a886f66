//! Queue tickets.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::queue::{Ticket, TicketLabel, TicketState};

/// Issues the next ticket in `lane` (numbers follow commit order, so payment order is service order).
pub fn issue(
    conn: &Connection,
    event_id: i64,
    lane: char,
    offer_id: i64,
    order_id: &str,
    claim_id: i64,
    paid_at: Timestamp,
) -> StoreResult<TicketLabel> {
    let number: u32 = conn
        .prepare_cached(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE event_id = ?1 AND lane = ?2",
        )?
        .query_row(params![event_id, lane.to_string()], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO tickets (event_id, lane, number, offer_id, order_id, claim_id, state, paid_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7)",
    )?
    .execute(params![
        event_id,
        lane.to_string(),
        number,
        offer_id,
        order_id,
        claim_id,
        paid_at.as_second()
    ])?;
    Ok(TicketLabel { lane, number })
}

/// Tickets of the event that are waiting or called, in lane and payment order.
pub fn open_tickets(conn: &Connection, event_id: i64) -> StoreResult<Vec<Ticket>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.lane, t.number, o.title, t.state, COALESCE(o.duration_mins, 0)
         FROM tickets t JOIN offers o ON o.id = t.offer_id
         WHERE t.event_id = ?1 AND t.state IN ('waiting', 'called')
         ORDER BY t.lane, t.number",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, u32>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (id, lane, number, title, state, duration_mins) = row?;
        Ok(Ticket {
            id,
            label: TicketLabel {
                lane: lane.chars().next().ok_or_else(|| corrupt("lane", &lane))?,
                number,
            },
            title,
            state: TicketState::from_name(&state).ok_or_else(|| corrupt("ticket state", &state))?,
            duration_mins,
        })
    })
    .collect()
}

/// The first waiting ticket in `lane`, by number.
pub fn first_waiting(conn: &Connection, event_id: i64, lane: char) -> StoreResult<Option<i64>> {
    Ok(conn.prepare_cached("SELECT id FROM tickets WHERE event_id = ?1 AND lane = ?2 AND state = 'waiting' ORDER BY number LIMIT 1")?.query_row(params![event_id, lane.to_string()],
            |r| r.get(0),
        )
        .optional()?)
}

/// A ticket's label and state.
pub fn state_of(
    conn: &Connection,
    event_id: i64,
    ticket_id: i64,
) -> StoreResult<Option<(TicketLabel, TicketState)>> {
    let row = conn
        .prepare_cached("SELECT lane, number, state FROM tickets WHERE event_id = ?1 AND id = ?2")?
        .query_row(params![event_id, ticket_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .optional()?;
    row.map(|(lane, number, state)| {
        let lane = lane.chars().next().ok_or_else(|| corrupt("lane", &lane))?;
        let state =
            TicketState::from_name(&state).ok_or_else(|| corrupt("ticket state", &state))?;
        Ok((TicketLabel { lane, number }, state))
    })
    .transpose()
}

/// Moves a ticket from `from` to `to`; false when it was not in `from` (another station moved it).
pub fn transition(
    conn: &Connection,
    ticket_id: i64,
    from: TicketState,
    to: TicketState,
    at: Timestamp,
) -> StoreResult<bool> {
    let time_col = if to == TicketState::Called {
        "called_at"
    } else {
        "finished_at"
    };
    let changed = conn
        .prepare_cached(&format!(
            "UPDATE tickets SET state = ?3, {time_col} = ?4 WHERE id = ?1 AND state = ?2"
        ))?
        .execute(params![ticket_id, from.name(), to.name(), at.as_second()])?;
    Ok(changed == 1)
}
