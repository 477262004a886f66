//! The queue: tickets in lanes, their states, labels and wait estimates.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// Paid, waiting to be called.
    Waiting,
    /// Called to the table.
    Called,
    /// At the table now.
    Serving,
    /// Served.
    Done,
    /// Called but did not come.
    NoShow,
    /// Refunded: the fan will not be served.
    Cancelled,
}

impl TicketState {
    /// The word the store and CLI use.
    pub fn name(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Done => "done",
            TicketState::NoShow => "no_show",
            TicketState::Cancelled => "cancelled",
        }
    }

    /// Parses the store's word.
    pub fn from_name(s: &str) -> Option<TicketState> {
        [
            TicketState::Waiting,
            TicketState::Called,
            TicketState::Serving,
            TicketState::Done,
            TicketState::NoShow,
            TicketState::Cancelled,
        ]
        .into_iter()
        .find(|t| t.name() == s)
    }

    /// Whether a move from `self` to `next` is allowed (re-queueing a no-show is
    /// NoShow → Waiting, once; a refund cancels from any open state).
    pub fn can_become(self, next: TicketState) -> bool {
        use TicketState::*;
        matches!(
            (self, next),
            (Waiting, Called)
                | (Called, Serving)
                | (Called | Serving, Done)
                | (Called, NoShow)
                | (NoShow, Waiting)
                | (Waiting | Called | Serving, Cancelled)
        )
    }

    /// Still in the queue (waiting, called or at the table).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TicketState::Waiting | TicketState::Called | TicketState::Serving
        )
    }
}

/// The event's queue settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRules {
    /// At most one priority ticket is called for every this many regular ones.
    pub fairness: u32,
    /// Seconds after the call before a ticket may be marked no-show.
    pub grace_secs: u32,
    /// How many places back a re-queued no-show goes.
    pub requeue_places: u32,
}

impl Default for QueueRules {
    fn default() -> Self {
        QueueRules {
            fairness: 3,
            grace_secs: 120,
            requeue_places: 3,
        }
    }
}

/// Which waiting ticket to call next. `waiting` is in service order with each ticket's priority
/// flag; `recent_calls` are the lane's earlier calls, newest first, as priority flags. A priority
/// ticket goes first unless fewer than `fairness` regular tickets were called since the last
/// priority one while regular tickets wait; with only one kind waiting, the first of it goes.
pub fn pick_next(waiting: &[(i64, bool)], recent_calls: &[bool], fairness: u32) -> Option<i64> {
    let first_priority = waiting.iter().find(|t| t.1).map(|t| t.0);
    let first_regular = waiting.iter().find(|t| !t.1).map(|t| t.0);
    let regulars_since = recent_calls.iter().take_while(|p| !**p).count();
    let priority_seen = recent_calls.iter().any(|p| *p);
    let priority_due = !priority_seen || regulars_since >= fairness as usize;
    match (first_priority, first_regular) {
        (Some(p), Some(_)) if priority_due => Some(p),
        (_, Some(r)) => Some(r),
        (Some(p), None) => Some(p),
        (None, None) => None,
    }
}

/// The queue position for a re-queued ticket: `places` behind the first waiting ticket (or last
/// when fewer wait). `waiting` holds the positions of the lane's waiting tickets in order. None
/// when two neighbours left no room between them: spread the positions out and ask again.
pub fn requeue_position(waiting: &[i64], places: u32) -> Option<i64> {
    let places = places as usize;
    match (waiting.get(places.saturating_sub(1)), waiting.get(places)) {
        _ if places == 0 => Some(waiting.first().map_or(0, |p| p - 1)),
        (Some(before), Some(after)) if after - before > 1 => Some(before + (after - before) / 2),
        (Some(_), Some(_)) => None,
        _ => Some(waiting.last().map_or(0, |p| p + 1024)),
    }
}

/// Wait for a ticket with `ahead` tickets (their planned minutes) before it and `at_table` being
/// served, as a range of minutes. The plan is corrected by how long sessions really took: the
/// median ratio of observed to planned time over `observed` (seconds, planned minutes; the last
/// 20 served), blended with the plan so each observation weighs as much as the plan. The range
/// spreads ±20 % around the middle.
pub fn wait_range(ahead: &[u32], at_table: &[u32], observed: &[(u32, u32)]) -> (u32, u32) {
    let mut ratios: Vec<f64> = observed
        .iter()
        .take(20)
        .map(|&(secs, planned)| f64::from(secs) / (f64::from(planned.max(1)) * 60.0))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let ratio = match n {
        0 => 1.0,
        _ if n % 2 == 1 => ratios[n / 2],
        _ => (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0,
    };
    let blended = (1.0 + n as f64 * ratio) / (1.0 + n as f64);
    // Someone at the table is half done on average.
    let planned: f64 = ahead.iter().map(|m| f64::from(*m)).sum::<f64>()
        + 0.5 * at_table.iter().map(|m| f64::from(*m)).sum::<f64>();
    let mid = planned * blended;
    let low = (mid * 0.8).floor() as u32;
    let high = ((mid * 1.2).ceil() as u32).max(low + 1);
    (low, high)
}

/// The median of `values`, or None when empty.
pub fn median(values: &[u32]) -> Option<u32> {
    let mut v = values.to_vec();
    v.sort_unstable();
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

/// "about 10–14 min", or "now" when nobody is ahead.
pub fn wait_text((low, high): (u32, u32)) -> String {
    if high <= 1 {
        "now".to_string()
    } else {
        format!("about {low}–{high} min")
    }
}

/// Queue figures for one lane and hour (the hour the ticket was paid, local time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaneHourStats {
    /// Lane letter.
    pub lane: char,
    /// Local hour, `2026-11-21 21:00`.
    pub hour: String,
    /// Tickets paid in that hour.
    pub tickets: u32,
    /// Served.
    pub served: u32,
    /// Marked no-show (and not served after a re-queue).
    pub no_shows: u32,
    /// Median seconds from payment to the call.
    pub median_wait_secs: Option<u32>,
    /// Median seconds from the call to done.
    pub median_service_secs: Option<u32>,
}

/// A ticket's label: lane letter and number, `A-007`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TicketLabel {
    /// Lane letter.
    pub lane: char,
    /// Number within the lane, from 1.
    pub number: u32,
}

impl fmt::Display for TicketLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:03}", self.lane, self.number)
    }
}

/// A ticket as the Queue screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Store id.
    pub id: i64,
    /// Label.
    pub label: TicketLabel,
    /// Gig title.
    pub title: String,
    /// Current state.
    pub state: TicketState,
    /// Planned gig length.
    pub duration_mins: u32,
    /// A priority ticket (loyalty or priority add-on).
    pub priority: bool,
    /// Re-queued once after a no-show.
    pub requeued: bool,
    /// When it was called, unix seconds.
    pub called_at: Option<i64>,
}

/// The lane letter for the n-th gig (0 → A … 25 → Z, then wraps with a digit: A1 is not needed
/// at a pop-up table, so lanes past Z reuse letters).
pub fn lane_letter(index: usize) -> char {
    char::from(b'A' + (index % 26) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_pad_to_three_digits() {
        assert_eq!(
            TicketLabel {
                lane: 'A',
                number: 7
            }
            .to_string(),
            "A-007"
        );
        assert_eq!(
            TicketLabel {
                lane: 'B',
                number: 1234
            }
            .to_string(),
            "B-1234"
        );
    }

    #[test]
    fn only_forward_moves_are_allowed() {
        use TicketState::*;
        assert!(Waiting.can_become(Called));
        assert!(Called.can_become(Done));
        assert!(Called.can_become(NoShow));
        assert!(!Waiting.can_become(Done));
        assert!(!Done.can_become(Called));
        assert!(!NoShow.can_become(Done));
        assert!(NoShow.can_become(Waiting) && Serving.can_become(Done));
        assert!(!Done.can_become(Cancelled) && !Serving.can_become(NoShow));
        for s in [Waiting, Called, Serving, Done, NoShow, Cancelled] {
            assert_eq!(TicketState::from_name(s.name()), Some(s));
        }
    }

    #[test]
    fn fairness_calls_one_priority_per_n_regulars() {
        // Tickets 1..=6 regular, 10..=12 priority, all waiting.
        let mut waiting: Vec<(i64, bool)> = (1..=6).map(|i| (i, false)).collect();
        waiting.extend((10..=12).map(|i| (i, true)));
        let mut calls: Vec<bool> = Vec::new();
        let mut order = Vec::new();
        while let Some(id) = pick_next(&waiting, &calls, 3) {
            let priority = waiting.iter().find(|t| t.0 == id).unwrap().1;
            waiting.retain(|t| t.0 != id);
            calls.insert(0, priority);
            order.push(id);
        }
        // First priority at once, then three regulars between priorities; the rest when no
        // regular is waiting.
        assert_eq!(order, [10, 1, 2, 3, 11, 4, 5, 6, 12]);
        assert_eq!(pick_next(&[], &[], 3), None);
    }

    #[test]
    fn requeue_goes_k_places_back() {
        let waiting = [1024, 2048, 3072, 4096];
        assert_eq!(requeue_position(&waiting, 3), Some(3584));
        assert_eq!(requeue_position(&waiting, 9), Some(4096 + 1024));
        assert_eq!(requeue_position(&[], 3), Some(0));
        assert_eq!(requeue_position(&waiting, 0), Some(1023));
        // No room between two adjacent positions: spread them out first.
        assert_eq!(requeue_position(&[5, 6], 1), None);
    }

    #[test]
    fn wait_ranges_blend_plan_and_observation() {
        // Nobody ahead, nobody at the table: now.
        assert_eq!(wait_text(wait_range(&[], &[], &[])), "now");
        // Three ahead of 5 minutes, no observations: 15 min ± 20 %.
        assert_eq!(wait_range(&[5, 5, 5], &[], &[]), (12, 18));
        // Twenty observed sessions of 3 minutes pull a 5-minute plan to about 3.1 minutes.
        let (low, high) = wait_range(&[5, 5, 5], &[], &[(180, 5); 20]);
        assert_eq!((low, high), (7, 12));
        // A lane with a 1-minute and a 5-minute gig: the ratio works for both.
        // 8.5 planned minutes (half of the one at the table) × 0.67 = 5.7 min.
        assert_eq!(wait_range(&[1, 5], &[5], &[(30, 1), (150, 5)]), (4, 7));
        assert_eq!(wait_text((low, high)), "about 7–12 min");
        assert_eq!(median(&[5, 1, 3]), Some(3));
        assert_eq!(median(&[4, 2]), Some(3));
        assert_eq!(lane_letter(2), 'C');
    }
}
