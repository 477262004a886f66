//! `encore queue`: list, next, serve, noshow, requeue, undo, priority, stats.

use clap::Subcommand;
use serde_json::json;

use super::Outcome;
use crate::domain::queue::{TicketState, wait_text};
use crate::service::Pos;

/// Queue subcommands.
#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// Tickets at the table, called and waiting, per lane, with wait ranges.
    List {
        /// Only this lane.
        #[arg(long)]
        lane: Option<char>,
        /// Print one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Call the next ticket of a lane (priority fairness applies); exit 1 when nobody waits.
    Next {
        /// Lane letter.
        #[arg(long)]
        lane: char,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The fan is at the table (called → serving).
    Start {
        /// Ticket label, e.g. B-012.
        label: String,
    },
    /// Served (called or serving → done).
    Serve {
        /// Ticket label.
        label: String,
    },
    /// Did not come (after the grace time).
    Noshow {
        /// Ticket label.
        label: String,
    },
    /// Put a no-show back in the queue, once, some places back.
    Requeue {
        /// Ticket label.
        label: String,
    },
    /// Take the ticket's last move back (within 10 seconds).
    Undo {
        /// Ticket label.
        label: String,
    },
    /// Make a ticket priority (loyalty member) or, with --off, regular again.
    Priority {
        /// Ticket label.
        label: String,
        /// Back to regular.
        #[arg(long)]
        off: bool,
    },
    /// Show the queue rules, or change them (creator PIN).
    Rules {
        /// Regular tickets called per priority ticket.
        #[arg(long)]
        fairness: Option<u32>,
        /// Seconds after the call before a no-show.
        #[arg(long)]
        grace: Option<u32>,
        /// Places back for a re-queued no-show.
        #[arg(long)]
        requeue: Option<u32>,
        /// Hours new claim codes stay valid.
        #[arg(long)]
        code_hours: Option<u32>,
        /// Creator PIN (needed to change).
        #[arg(long)]
        pin: Option<String>,
    },
    /// Wait, service time and no-shows per lane and hour.
    Stats {
        /// Only this lane.
        #[arg(long)]
        lane: Option<char>,
        /// Print one JSON array.
        #[arg(long)]
        json: bool,
    },
}

impl QueueAction {
    /// Whether the answer is one JSON value.
    pub fn json(&self) -> bool {
        matches!(
            self,
            QueueAction::List { json: true, .. }
                | QueueAction::Next { json: true, .. }
                | QueueAction::Stats { json: true, .. }
        )
    }
}

fn refused(reason: String) -> Outcome {
    Outcome::Refused(json!({ "error": reason }), reason)
}

fn same_lane(want: Option<char>, lane: char) -> bool {
    want.is_none_or(|w| w.eq_ignore_ascii_case(&lane))
}

/// Runs a queue subcommand.
pub fn run(pos: &mut Pos, action: &QueueAction) -> anyhow::Result<Outcome> {
    let moved = |pos: &mut Pos, label: &str, to: TicketState, word: &str| match pos
        .ticket(label)
        .and_then(|t| pos.move_ticket(t.id, to))
    {
        Ok(l) => Outcome::Done(
            json!({ "ticket": l.to_string(), "state": to.name() }),
            format!("{l} {word}"),
        ),
        Err(e) => refused(e.to_string()),
    };
    Ok(match action {
        QueueAction::List { lane, .. } => {
            let lanes: Vec<_> = pos
                .queue()?
                .into_iter()
                .filter(|l| same_lane(*lane, l.lane))
                .collect();
            let mut text = Vec::new();
            for l in &lanes {
                text.push(format!(
                    "lane {} — {} (a ticket now: {})",
                    l.lane,
                    l.title,
                    wait_text(l.wait_now)
                ));
                for t in l.serving.iter().chain(&l.called) {
                    text.push(format!("  {} {}", t.label, t.state.name()));
                }
                for (t, range) in &l.waiting {
                    let star = if t.priority { " priority" } else { "" };
                    text.push(format!(
                        "  {} waiting{star}, {}",
                        t.label,
                        wait_text(*range)
                    ));
                }
            }
            Outcome::Done(json!(lanes), text.join("\n"))
        }
        QueueAction::Next { lane, .. } => match pos.call_next(lane.to_ascii_uppercase())? {
            Some(label) => Outcome::Done(json!({ "ticket": label.to_string() }), label.to_string()),
            None => refused(format!(
                "nobody is waiting in lane {}",
                lane.to_ascii_uppercase()
            )),
        },
        QueueAction::Start { label } => moved(pos, label, TicketState::Serving, "at the table"),
        QueueAction::Serve { label } => moved(pos, label, TicketState::Done, "served"),
        QueueAction::Noshow { label } => moved(pos, label, TicketState::NoShow, "marked no-show"),
        QueueAction::Requeue { label } => {
            moved(pos, label, TicketState::Waiting, "back in the queue")
        }
        QueueAction::Undo { label } => {
            match pos.ticket(label).and_then(|t| pos.undo_ticket(t.id)) {
                Ok(l) => Outcome::Done(
                    json!({ "ticket": l.to_string() }),
                    format!("{l}: last move undone"),
                ),
                Err(e) => refused(e.to_string()),
            }
        }
        QueueAction::Priority { label, off } => {
            match pos.ticket(label).and_then(|t| pos.set_priority(t.id, !off)) {
                Ok(l) => Outcome::Done(
                    json!({ "ticket": l.to_string(), "priority": !off }),
                    format!("{l} is {} now", if *off { "regular" } else { "priority" }),
                ),
                Err(e) => refused(e.to_string()),
            }
        }
        QueueAction::Rules {
            fairness,
            grace,
            requeue,
            code_hours,
            pin,
        } => {
            let event = pos.event();
            let mut rules = event.queue;
            let mut hours = event.claim_valid_hours;
            let change =
                fairness.is_some() || grace.is_some() || requeue.is_some() || code_hours.is_some();
            if change {
                rules.fairness = fairness.unwrap_or(rules.fairness);
                rules.grace_secs = grace.unwrap_or(rules.grace_secs);
                rules.requeue_places = requeue.unwrap_or(rules.requeue_places);
                hours = code_hours.unwrap_or(hours);
                let pin = pin.as_deref().unwrap_or("");
                let saved = pos
                    .unlock(pin)
                    .and_then(|grant| pos.set_queue_rules(rules, hours, &grant));
                if let Err(e) = saved {
                    return Ok(refused(e.to_string()));
                }
            }
            Outcome::Done(
                json!({ "rules": rules, "claim_valid_hours": hours }),
                format!(
                    "one priority ticket per {} regular; no-show after {} s; re-queue {} places back; claim codes valid {} h",
                    rules.fairness, rules.grace_secs, rules.requeue_places, hours
                ),
            )
        }
        QueueAction::Stats { lane, .. } => {
            let stats: Vec<_> = pos
                .queue_stats()?
                .into_iter()
                .filter(|s| same_lane(*lane, s.lane))
                .collect();
            let mins = |s: Option<u32>| {
                s.map_or("–".to_string(), |s| {
                    format!("{:.1} min", f64::from(s) / 60.0)
                })
            };
            let text = stats
                .iter()
                .map(|s| {
                    format!(
                        "{} {}: {} tickets, {} served, {} no-show, median wait {}, median service {}",
                        s.lane,
                        s.hour,
                        s.tickets,
                        s.served,
                        s.no_shows,
                        mins(s.median_wait_secs),
                        mins(s.median_service_secs)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Outcome::Done(json!(stats), text)
        }
    })
}
