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
            TicketState::Done,
            TicketState::NoShow,
            TicketState::Cancelled,
        ]
        .into_iter()
        .find(|t| t.name() == s)
    }

    /// Whether a move from `self` to `next` is allowed.
    pub fn can_become(self, next: TicketState) -> bool {
        matches!(
            (self, next),
            (TicketState::Waiting, TicketState::Called)
                | (TicketState::Called, TicketState::Done)
                | (TicketState::Called, TicketState::NoShow)
        )
    }
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
}

/// Minutes until the ticket at `position` (0 = next) is likely called, given the tickets ahead
/// and whoever is being served now. For now: everyone ahead takes the planned duration.
pub fn wait_estimate_mins(ahead_durations: &[u32], in_service_mins: u32) -> u32 {
    in_service_mins + ahead_durations.iter().sum::<u32>()
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
        for s in [Waiting, Called, Done, NoShow, Cancelled] {
            assert_eq!(TicketState::from_name(s.name()), Some(s));
        }
    }

    #[test]
    fn wait_is_position_times_duration() {
        assert_eq!(wait_estimate_mins(&[5, 5, 5], 0), 15);
        assert_eq!(wait_estimate_mins(&[], 5), 5);
        assert_eq!(lane_letter(0), 'A');
        assert_eq!(lane_letter(2), 'C');
    }
}
