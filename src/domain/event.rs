//! An event (one pop-up) and how its instants read in local time.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::money::Currency;
use super::payment::PaymentProfile;

/// One pop-up: everything else hangs off it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Store id (also inside claim codes).
    pub id: i64,
    /// Name on tiles and receipts.
    pub name: String,
    /// Venue line.
    pub venue: String,
    /// IANA time zone, e.g. Europe/Berlin.
    pub time_zone: String,
    /// Currency of every price.
    pub currency: Currency,
    /// How fans pay by QR, if set up.
    pub payment: Option<PaymentProfile>,
    /// How long units stay reserved while a fan pays.
    pub hold_secs: u32,
    /// How many hours a claim code stays valid after the sale.
    pub claim_valid_hours: u32,
    /// How the queue runs.
    pub queue: super::queue::QueueRules,
}

/// `2026-11-21 21:05 CET` in the event's zone; falls back to UTC for an unknown zone name.
pub fn local_time(at: Timestamp, time_zone: &str) -> String {
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    at.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// `21:05:33` in the event's zone, for "redeemed at" messages.
pub fn local_clock(at: Timestamp, time_zone: &str) -> String {
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    at.to_zoned(tz).strftime("%H:%M:%S").to_string()
}

/// Whether `name` is a time zone this build knows.
pub fn known_time_zone(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_shows_the_zone() {
        let at: Timestamp = "2026-11-21T20:05:00Z".parse().unwrap();
        assert_eq!(local_time(at, "Europe/Berlin"), "2026-11-21 21:05 CET");
        assert_eq!(local_time(at, "Nowhere/City"), "2026-11-21 20:05 UTC");
        assert_eq!(local_clock(at, "Asia/Kolkata"), "01:35:00");
        assert!(known_time_zone("America/Sao_Paulo"));
    }
}
