//! Queue tickets.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::queue::{Ticket, TicketLabel, TicketState};

/// Spacing of queue positions, leaving room to re-queue between two tickets.
const POS_STEP: i64 = 1024;

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
    let number = take_ticket_number(conn, event_id, lane)?;
    let pos: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(MAX(queue_pos), 0) FROM tickets WHERE event_id = ?1 AND lane = ?2",
        )?
        .query_row(params![event_id, lane.to_string()], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO tickets (event_id, lane, number, offer_id, order_id, claim_id, state, paid_at, queue_pos)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting', ?7, ?8)",
    )?
    .execute(params![
        event_id,
        lane.to_string(),
        number,
        offer_id,
        order_id,
        claim_id,
        paid_at.as_second(),
        pos + POS_STEP
    ])?;
    Ok(TicketLabel { lane, number })
}

pub(super) const TICKET_SELECT: &str =
    "SELECT t.id, t.lane, t.number, o.title, t.state, COALESCE(o.duration_mins, 0),
        t.priority, t.requeued, t.called_at
     FROM tickets t JOIN offers o ON o.id = t.offer_id";

fn ticket_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Ticket, String, String)> {
    Ok((
        Ticket {
            id: r.get(0)?,
            label: TicketLabel {
                lane: 'A',
                number: r.get(2)?,
            },
            title: r.get(3)?,
            state: TicketState::Waiting,
            duration_mins: r.get(5)?,
            priority: r.get(6)?,
            requeued: r.get(7)?,
            called_at: r.get(8)?,
        },
        r.get(1)?,
        r.get(4)?,
    ))
}

fn finish(row: (Ticket, String, String)) -> StoreResult<Ticket> {
    let (mut t, lane, state) = row;
    t.label.lane = lane.chars().next().ok_or_else(|| corrupt("lane", &lane))?;
    t.state = TicketState::from_name(&state).ok_or_else(|| corrupt("ticket state", &state))?;
    Ok(t)
}

/// Tickets of the event still in the queue (waiting, called, serving), in lane and service
/// order.
pub fn open_tickets(conn: &Connection, event_id: i64) -> StoreResult<Vec<Ticket>> {
    let mut stmt = conn.prepare_cached(&format!("{TICKET_SELECT}{OPEN}"))?;
    let rows = stmt.query_map([event_id], ticket_of)?;
    rows.map(|r| finish(r?)).collect()
}

/// The tickets still in the queue (read through the partial index `tickets_in_queue`).
pub(super) const OPEN: &str = " WHERE t.event_id = ?1
   AND t.state IN ('waiting', 'called', 'serving')
 ORDER BY t.lane, t.queue_pos, t.number";

/// The lane's no-shows that can still be re-queued (through `tickets_no_shows`).
pub(super) const NO_SHOWS: &str = " WHERE t.event_id = ?1 AND t.lane = ?2
   AND t.state = 'no_show' AND t.requeued = 0";

/// [`TICKET_SELECT`] through `tickets_no_shows` by name: ordered by number, the lane's whole
/// (number) index would otherwise be walked for a no-show that is not there.
pub(super) fn no_show_select() -> String {
    TICKET_SELECT.replacen(
        "FROM tickets t",
        "FROM tickets t INDEXED BY tickets_no_shows",
        1,
    )
}

/// The lane's latest `limit` no-shows that can still be re-queued, latest first, and how many
/// there are in all.
pub fn no_shows(
    conn: &Connection,
    event_id: i64,
    lane: char,
    limit: u32,
) -> StoreResult<(Vec<Ticket>, u32)> {
    let lane = lane.to_string();
    // A re-queue taken back leaves its no-show without a time: it was touched last, so first.
    let mut latest = Vec::new();
    for order in [
        " AND t.finished_at IS NULL ORDER BY t.number DESC LIMIT ?3",
        " AND t.finished_at IS NOT NULL ORDER BY t.finished_at DESC, t.number DESC LIMIT ?3",
    ] {
        let left = limit.saturating_sub(u32::try_from(latest.len()).unwrap_or(u32::MAX));
        let mut stmt = conn.prepare_cached(&format!("{}{NO_SHOWS}{order}", no_show_select()))?;
        for r in stmt.query_map(params![event_id, lane, left], ticket_of)? {
            latest.push(finish(r?)?);
        }
    }
    let all: u32 = conn
        .prepare_cached(&format!("SELECT count(*) FROM tickets t{NO_SHOWS}"))?
        .query_row(params![event_id, lane], |r| r.get(0))?;
    Ok((latest, all))
}

/// Takes the lane's next ticket number; gap-free because it rolls back with the sale.
fn take_ticket_number(conn: &Connection, event_id: i64, lane: char) -> StoreResult<u32> {
    let lane = lane.to_string();
    conn.prepare_cached(
        "INSERT INTO lane_counters (event_id, lane, next_number) VALUES (?1, ?2, 1)
         ON CONFLICT (event_id, lane) DO NOTHING",
    )?
    .execute(params![event_id, lane])?;
    let number: i64 = conn
        .prepare_cached(
            "UPDATE lane_counters SET next_number = next_number + 1
             WHERE event_id = ?1 AND lane = ?2 RETURNING next_number - 1",
        )?
        .query_row(params![event_id, lane], |r| r.get(0))?;
    u32::try_from(number).map_err(|_| super::corrupt("ticket number", number))
}

/// Every ticket of the event, by lane and number.
pub fn all_tickets(conn: &Connection, event_id: i64) -> StoreResult<Vec<Ticket>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{TICKET_SELECT} WHERE t.event_id = ?1 ORDER BY t.lane, t.number"
    ))?;
    let rows = stmt.query_map([event_id], ticket_of)?;
    rows.map(|r| finish(r?)).collect()
}

/// One ticket of the event by label.
pub fn by_label(
    conn: &Connection,
    event_id: i64,
    label: &TicketLabel,
) -> StoreResult<Option<Ticket>> {
    let row = conn
        .prepare_cached(&format!(
            "{TICKET_SELECT} WHERE t.event_id = ?1 AND t.lane = ?2 AND t.number = ?3"
        ))?
        .query_row(
            params![event_id, label.lane.to_string(), label.number],
            ticket_of,
        )
        .optional()?;
    row.map(finish).transpose()
}

/// One ticket of the event by id.
pub fn by_id(conn: &Connection, event_id: i64, ticket_id: i64) -> StoreResult<Option<Ticket>> {
    let row = conn
        .prepare_cached(&format!(
            "{TICKET_SELECT} WHERE t.event_id = ?1 AND t.id = ?2"
        ))?
        .query_row(params![event_id, ticket_id], ticket_of)
        .optional()?;
    row.map(finish).transpose()
}

/// A lane's waiting tickets (through `tickets_waiting`).
pub(super) const WAITING: &str = "SELECT id, priority, queue_pos FROM tickets
 WHERE event_id = ?1 AND lane = ?2 AND state = 'waiting' ORDER BY queue_pos, number";

/// Waiting tickets of a lane in service order: `(id, priority, queue position)`.
pub fn waiting(conn: &Connection, event_id: i64, lane: char) -> StoreResult<Vec<(i64, bool, i64)>> {
    let mut stmt = conn.prepare_cached(WAITING)?;
    let rows = stmt.query_map(params![event_id, lane.to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A lane's last calls (through `tickets_calls`).
pub(super) const RECENT_CALLS: &str = "SELECT priority FROM tickets
 WHERE event_id = ?1 AND lane = ?2 AND call_seq IS NOT NULL ORDER BY call_seq DESC LIMIT 64";

/// The priority flags of the lane's calls, newest first (for the fairness rule).
pub fn recent_calls(conn: &Connection, event_id: i64, lane: char) -> StoreResult<Vec<bool>> {
    let mut stmt = conn.prepare_cached(RECENT_CALLS)?;
    let rows = stmt.query_map(params![event_id, lane.to_string()], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A lane's last finished tickets (through `tickets_done`).
pub(super) const RECENT_SERVICE: &str =
    "SELECT t.finished_at - t.called_at, COALESCE(o.duration_mins, 1)
 FROM tickets t JOIN offers o ON o.id = t.offer_id
 WHERE t.event_id = ?1 AND t.lane = ?2 AND t.state = 'done' AND t.called_at IS NOT NULL
 ORDER BY t.finished_at DESC LIMIT 20";

/// The lane's last 20 served tickets: `(seconds from call to done, planned minutes)`.
pub fn recent_service(
    conn: &Connection,
    event_id: i64,
    lane: char,
) -> StoreResult<Vec<(u32, u32)>> {
    let mut stmt = conn.prepare_cached(RECENT_SERVICE)?;
    let rows = stmt.query_map(params![event_id, lane.to_string()], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, u32>(1)?))
    })?;
    rows.map(|r| {
        let (secs, planned) = r?;
        Ok((u32::try_from(secs.max(0)).unwrap_or(u32::MAX), planned))
    })
    .collect()
}

/// Moves a ticket from `from` to `to`, remembering the move for undo; false when it was not in
/// `from` (another station moved it).
pub fn transition(
    conn: &Connection,
    ticket_id: i64,
    (from, to): (TicketState, TicketState),
    at: Timestamp,
    by: &str,
) -> StoreResult<bool> {
    let time_col = match to {
        TicketState::Called => {
            "call_seq = (SELECT COALESCE(MAX(call_seq), 0) + 1 FROM tickets), called_at"
        }
        TicketState::Serving => "serving_at",
        TicketState::Waiting => "moved_at",
        _ => "finished_at",
    };
    let changed = conn
        .prepare_cached(&format!(
            "UPDATE tickets SET state = ?3, {time_col} = ?4, prev_state = ?2, moved_at = ?4, moved_by = ?5
             WHERE id = ?1 AND state = ?2"
        ))?
        .execute(params![ticket_id, from.name(), to.name(), at.as_second(), by])?;
    Ok(changed == 1)
}

/// Spreads the waiting tickets of a lane 1024 positions apart, keeping their order.
pub fn spread(conn: &Connection, event_id: i64, lane: char) -> StoreResult<()> {
    let ids: Vec<i64> = waiting(conn, event_id, lane)?
        .into_iter()
        .map(|w| w.0)
        .collect();
    let mut stmt = conn.prepare_cached("UPDATE tickets SET queue_pos = ?2 WHERE id = ?1")?;
    for (i, id) in ids.iter().enumerate() {
        stmt.execute(params![id, (i as i64 + 1) * POS_STEP])?;
    }
    Ok(())
}

/// Puts a no-show back in the queue at `queue_pos`, once.
pub fn requeue(
    conn: &Connection,
    ticket_id: i64,
    queue_pos: i64,
    at: Timestamp,
    by: &str,
) -> StoreResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE tickets SET state = 'waiting', requeued = 1, queue_pos = ?2, called_at = NULL,
                    finished_at = NULL, prev_state = 'no_show', moved_at = ?3, moved_by = ?4
             WHERE id = ?1 AND state = 'no_show' AND requeued = 0",
        )?
        .execute(params![ticket_id, queue_pos, at.as_second(), by])?;
    Ok(changed == 1)
}

/// Makes the first `n` tickets of an order priority tickets (a priority add-on bought with them).
pub fn prioritize_order(conn: &Connection, order_id: &str, n: u32) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE tickets SET priority = 1
         WHERE id IN (SELECT id FROM tickets WHERE order_id = ?1 ORDER BY id LIMIT ?2)",
    )?
    .execute(params![order_id, n])?;
    Ok(())
}

/// Marks a ticket priority or not.
pub fn set_priority(conn: &Connection, ticket_id: i64, priority: bool) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE tickets SET priority = ?2 WHERE id = ?1")?
        .execute(params![ticket_id, priority])?
        == 1)
}

/// The last move of a ticket: `(previous state, when, by which station)`, if it can be undone.
pub fn last_move(
    conn: &Connection,
    ticket_id: i64,
) -> StoreResult<Option<(TicketState, i64, String)>> {
    let row: Option<(Option<String>, Option<i64>, Option<String>)> = conn
        .prepare_cached("SELECT prev_state, moved_at, moved_by FROM tickets WHERE id = ?1")?
        .query_row([ticket_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match row {
        Some((Some(prev), Some(at), by)) => {
            let prev =
                TicketState::from_name(&prev).ok_or_else(|| corrupt("ticket state", &prev))?;
            Ok(Some((prev, at, by.unwrap_or_default())))
        }
        _ => Ok(None),
    }
}

/// Undoes the last move: back to `prev` (the time of the undone step cleared); one step only.
pub fn undo(
    conn: &Connection,
    ticket_id: i64,
    current: TicketState,
    prev: TicketState,
) -> StoreResult<bool> {
    let clear = match current {
        TicketState::Called => ", called_at = NULL, call_seq = NULL",
        TicketState::Serving => ", serving_at = NULL",
        TicketState::Done | TicketState::NoShow => ", finished_at = NULL",
        // An undone re-queue goes back to no-show and may be re-queued again.
        TicketState::Waiting => ", requeued = 0",
        // A refund is not undone from the queue.
        TicketState::Cancelled => return Ok(false),
    };
    let changed = conn
        .prepare_cached(&format!(
            "UPDATE tickets SET state = ?3, prev_state = NULL, moved_at = NULL{clear}
             WHERE id = ?1 AND state = ?2 AND prev_state = ?3"
        ))?
        .execute(params![ticket_id, current.name(), prev.name()])?;
    Ok(changed == 1)
}

/// One ticket's timing: `(lane, paid_at, called_at, finished_at, state)`.
pub type Timing = (char, i64, Option<i64>, Option<i64>, TicketState);

/// Raw figures for queue statistics.
pub fn timings(conn: &Connection, event_id: i64) -> StoreResult<Vec<Timing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lane, paid_at, called_at, finished_at, state FROM tickets WHERE event_id = ?1 ORDER BY lane, paid_at",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (lane, paid, called, finished, state) = row?;
        Ok((
            lane.chars().next().ok_or_else(|| corrupt("lane", &lane))?,
            paid,
            called,
            finished,
            TicketState::from_name(&state).ok_or_else(|| corrupt("ticket state", &state))?,
        ))
    })
    .collect()
}
