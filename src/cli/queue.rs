//! `encore queue`: list, next, serve, noshow, requeue, undo, priority, stats.

use clap::Subcommand;
use serde::Serialize;

use super::pin::PinArgs;
use super::{CliError, Outcome, Reply};
use crate::domain::queue::{QueueRules, TicketState, wait_text};
use crate::service::Pos;

/// Queue subcommands.
#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// Tickets at the table, called and waiting, per lane, with wait ranges, and the latest
    /// no-shows that can come back.
    List {
        /// Only this lane.
        #[arg(long)]
        lane: Option<char>,
    },
    /// Call the next ticket of a lane (priority fairness applies); exit 1 when nobody waits.
    Next {
        /// Lane letter.
        #[arg(long)]
        lane: char,
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
        /// How the creator PIN is read (needed to change).
        #[command(flatten)]
        pin: PinArgs,
    },
    /// Wait, service time and no-shows per lane and hour.
    Stats {
        /// Only this lane.
        #[arg(long)]
        lane: Option<char>,
    },
}

/// A ticket after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketAnswer {
    /// Its label, `A-007`.
    pub ticket: String,
    /// Its state after the move (`serving`, `done`…), when the move set one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    /// Whether it is priority now, after `queue priority`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<bool>,
}

/// `queue rules`: the rules in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesAnswer {
    /// Fairness, grace and re-queue places.
    pub rules: QueueRules,
    /// Hours new claim codes stay valid.
    pub claim_valid_hours: u32,
}

fn same_lane(want: Option<char>, lane: char) -> bool {
    want.is_none_or(|w| w.eq_ignore_ascii_case(&lane))
}

fn ticket(label: impl ToString) -> TicketAnswer {
    TicketAnswer {
        ticket: label.to_string(),
        state: None,
        priority: None,
    }
}

/// Runs a queue subcommand.
pub fn run(pos: &mut Pos, action: &QueueAction) -> Outcome {
    match action {
        QueueAction::List { lane } => list(pos, *lane),
        QueueAction::Next { lane } => {
            let lane = lane.to_ascii_uppercase();
            let label = pos
                .call_next(lane)?
                .ok_or_else(|| CliError::Input(format!("nobody is waiting in lane {lane}")))?;
            Reply::new(&ticket(label), label.to_string())
        }
        QueueAction::Start { label } => moved(pos, label, TicketState::Serving, "at the table"),
        QueueAction::Serve { label } => moved(pos, label, TicketState::Done, "served"),
        QueueAction::Noshow { label } => moved(pos, label, TicketState::NoShow, "marked no-show"),
        QueueAction::Requeue { label } => {
            moved(pos, label, TicketState::Waiting, "back in the queue")
        }
        QueueAction::Undo { label } => {
            let l = pos.ticket(label).and_then(|t| pos.undo_ticket(t.id))?;
            Reply::new(&ticket(l), format!("{l}: last move undone"))
        }
        QueueAction::Priority { label, off } => {
            let l = pos
                .ticket(label)
                .and_then(|t| pos.set_priority(t.id, !off))?;
            let word = if *off { "regular" } else { "priority" };
            let answer = TicketAnswer {
                priority: Some(!off),
                ..ticket(l)
            };
            Reply::new(&answer, format!("{l} is {word} now"))
        }
        QueueAction::Rules {
            fairness,
            grace,
            requeue,
            code_hours,
            pin,
        } => {
            let change = RulesChange {
                fairness: *fairness,
                grace_secs: *grace,
                requeue_places: *requeue,
                code_hours: *code_hours,
            };
            rules(pos, change, pin)
        }
        QueueAction::Stats { lane } => stats(pos, *lane),
    }
}

fn moved(pos: &mut Pos, label: &str, to: TicketState, word: &str) -> Outcome {
    let l = pos.ticket(label).and_then(|t| pos.move_ticket(t.id, to))?;
    let answer = TicketAnswer {
        state: Some(to.name()),
        ..ticket(l)
    };
    Reply::new(&answer, format!("{l} {word}"))
}

fn list(pos: &Pos, lane: Option<char>) -> Outcome {
    let lanes: Vec<_> = pos
        .queue()?
        .into_iter()
        .filter(|l| same_lane(lane, l.lane))
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
        for t in &l.no_shows {
            text.push(format!(
                "  {} no-show (back? encore queue requeue {})",
                t.label, t.label
            ));
        }
        if l.earlier_no_shows > 0 {
            text.push(format!(
                "  +{} earlier no-shows: re-queue by number",
                l.earlier_no_shows
            ));
        }
    }
    Reply::new(&lanes, text.join("\n"))
}

/// The rule flags of `queue rules`; none given shows the rules.
struct RulesChange {
    fairness: Option<u32>,
    grace_secs: Option<u32>,
    requeue_places: Option<u32>,
    code_hours: Option<u32>,
}

fn rules(pos: &mut Pos, change: RulesChange, pin: &PinArgs) -> Outcome {
    let event = pos.event();
    let mut rules = event.queue;
    let mut hours = event.claim_valid_hours;
    let changes = change.fairness.is_some()
        || change.grace_secs.is_some()
        || change.requeue_places.is_some()
        || change.code_hours.is_some();
    if changes {
        rules.fairness = change.fairness.unwrap_or(rules.fairness);
        rules.grace_secs = change.grace_secs.unwrap_or(rules.grace_secs);
        rules.requeue_places = change.requeue_places.unwrap_or(rules.requeue_places);
        hours = change.code_hours.unwrap_or(hours);
        let grant = super::pin::unlock(pos, pin)?;
        pos.set_queue_rules(rules, hours, &grant)?;
    }
    let text = format!(
        "one priority ticket per {} regular; no-show after {} s; re-queue {} places back; claim codes valid {} h",
        rules.fairness, rules.grace_secs, rules.requeue_places, hours
    );
    let answer = RulesAnswer {
        rules,
        claim_valid_hours: hours,
    };
    Reply::new(&answer, text)
}

fn stats(pos: &Pos, lane: Option<char>) -> Outcome {
    let stats: Vec<_> = pos
        .queue_stats()?
        .into_iter()
        .filter(|s| same_lane(lane, s.lane))
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
    Reply::new(&stats, text)
}
