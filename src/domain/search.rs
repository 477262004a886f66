//! Finding a receipt from one typed query: a receipt number (`K1-000042`, `K1-42` or `42`), a
//! payment or terminal reference, an amount (`12.50`, `12,50`, `€12.50`), a piece of an offer
//! title, or a local time or range (`21:04`, `21:00-21:30`). A query may mean several of these
//! (`42` is receipt 42 and 42.00); a receipt matching any of them is found.

use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};

use super::event::Zone;
use super::field::{FieldError, FieldResult, check_text};
use super::money::{Currency, parse_amount};
use super::order::OrderSummary;

/// Longest query: a title piece, a reference or a range all fit.
pub const MAX_QUERY_CHARS: usize = 60;
/// Most receipts one search lists; the rest are counted.
pub const SEARCH_LIMIT: u32 = 200;
/// Most local days a time search looks at (a festival is days, not years).
pub const MAX_DAYS: usize = 400;

/// What a typed query can mean; every part present is tried, a receipt matching any is found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiptQuery {
    /// A receipt number: the station when it was typed (`K1-42`), and the sequence.
    pub number: Option<(Option<String>, u32)>,
    /// A total in minor units.
    pub amount: Option<i64>,
    /// Local minutes of the day, first and last, both included (a range past midnight wraps).
    pub minutes: Option<(u16, u16)>,
    /// Payment or terminal references it may be: upper-cased, as typed, and `7F3K2Q` also as
    /// `ENC-7F3K2Q`.
    pub references: Vec<String>,
    /// A piece of an offer title, lower-cased.
    pub title: Option<String>,
}

/// The receipts found: the newest ones listed and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    /// Newest first, at most [`SEARCH_LIMIT`].
    pub orders: Vec<OrderSummary>,
    /// Every match, listed or not.
    pub total: u64,
}

impl Found {
    /// How many matched beyond those listed.
    pub fn more(&self) -> u64 {
        self.total.saturating_sub(self.orders.len() as u64)
    }
}

/// What the search box says when the query means nothing it can look for.
const RULE: &str = "a receipt number (K1-000042 or 42), a payment reference, an amount (12.50), an offer title or a time (21:04, 21:00-21:30)";

/// Reads a query; refuses an empty one or one with control characters, naming the field.
pub fn parse_query(input: &str, currency: Currency) -> FieldResult<ReceiptQuery> {
    let q = input.trim();
    check_text("search", q, MAX_QUERY_CHARS)?;
    if q.is_empty() {
        return Err(FieldError::new("search", RULE));
    }
    if let Some(minutes) = time_range(q) {
        return Ok(ReceiptQuery {
            minutes: Some(minutes),
            ..ReceiptQuery::default()
        });
    }
    let mut query = ReceiptQuery::default();
    if q.chars().all(|c| c.is_ascii_digit()) {
        query.number = q.parse().ok().filter(|n| *n > 0).map(|n| (None, n));
    } else if let Some((station, seq)) = q.rsplit_once('-')
        && !station.is_empty()
        && station.chars().all(|c| c.is_ascii_alphanumeric())
        && !seq.is_empty()
        && seq.chars().all(|c| c.is_ascii_digit())
    {
        query.number = seq
            .parse()
            .ok()
            .map(|n| (Some(station.to_ascii_uppercase()), n));
    }
    if let Ok(amount) = parse_amount(q, currency) {
        query.amount = Some(amount.minor);
        return Ok(query);
    }
    let upper = q.to_uppercase();
    if !upper.contains(' ') {
        if !upper.starts_with("ENC-") && upper.chars().all(|c| c.is_ascii_alphanumeric()) {
            query.references.push(format!("ENC-{upper}"));
        }
        query.references.push(upper.clone());
        // A terminal reference is kept as the card terminal printed it.
        if upper != q {
            query.references.push(q.to_string());
        }
    }
    if query.number.is_none() {
        query.title = Some(q.to_lowercase());
    }
    Ok(query)
}

/// `21:04` (that minute) or `21:00-21:30` (from the first minute to the end of the last).
fn time_range(q: &str) -> Option<(u16, u16)> {
    let one = |s: &str| -> Option<u16> {
        let (h, m) = s.trim().split_once(':')?;
        let ok = |p: &str, n: usize| {
            p.len() <= n && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        };
        if !ok(h, 2) || m.len() != 2 || !ok(m, 2) {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some(h * 60 + m)
    };
    match q.split_once(['-', '–']) {
        Some((from, to)) => Some((one(from)?, one(to)?)),
        None => one(q).map(|m| (m, m)),
    }
}

/// The instants `minutes` covers on every local day from `first` to `last` (the event's
/// receipts), as `[start, end)` pairs, oldest first; at most [`MAX_DAYS`] days.
pub fn time_windows(
    (from, to): (u16, u16),
    first: Timestamp,
    last: Timestamp,
    zone: &Zone,
) -> Vec<(Timestamp, Timestamp)> {
    let at = |day: Date, minute: u16| {
        let time = Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).ok()?;
        zone.instant(day.to_datetime(time))
    };
    // A range past midnight starts the day before the last receipt's day too.
    let start = zone.at(first).date().yesterday().ok();
    let end = zone.at(last).date();
    let mut windows = Vec::new();
    let mut day = start;
    while let Some(d) = day.filter(|d| *d <= end && windows.len() < MAX_DAYS) {
        let to_day = if to < from {
            d.tomorrow().ok()
        } else {
            Some(d)
        };
        let window =
            to_day.and_then(|t| Some((at(d, from)?, at(t, to)?.checked_add(1.minute()).ok()?)));
        if let Some(w) = window {
            windows.push(w);
        }
        day = d.tomorrow().ok();
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> ReceiptQuery {
        parse_query(s, Currency::Eur).unwrap()
    }

    #[test]
    fn a_number_alone_is_a_receipt_and_an_amount() {
        let got = q(" 42 ");
        assert_eq!(got.number, Some((None, 42)));
        assert_eq!(got.amount, Some(4200));
        assert_eq!(got.title, None);
        assert!(got.references.is_empty());
    }

    #[test]
    fn a_full_receipt_number_names_its_station() {
        assert_eq!(q("k1-0042").number, Some((Some("K1".into()), 42)));
        assert_eq!(q("K1-000042").number, Some((Some("K1".into()), 42)));
        assert_eq!(q("K1-000042").amount, None);
    }

    #[test]
    fn amounts_with_a_point_or_a_comma() {
        for typed in ["12.50", "12,50", "€12.50", "12.5"] {
            let got = q(typed);
            assert_eq!(got.amount, Some(1250), "{typed}");
            assert_eq!(got.number, None, "{typed}");
            assert_eq!(got.title, None, "{typed}");
        }
    }

    #[test]
    fn a_payment_reference_with_or_without_its_prefix() {
        assert_eq!(
            q("enc-7f3k2q").references,
            vec!["ENC-7F3K2Q".to_string(), "enc-7f3k2q".to_string()]
        );
        assert_eq!(
            q("7F3K2Q").references,
            vec!["ENC-7F3K2Q".to_string(), "7F3K2Q".to_string()]
        );
    }

    #[test]
    fn words_are_an_offer_title() {
        let got = q("Tour Poster");
        assert_eq!(got.title.as_deref(), Some("tour poster"));
        assert!(got.references.is_empty(), "a reference has no spaces");
        assert_eq!((got.number, got.amount, got.minutes), (None, None, None));
    }

    #[test]
    fn times_and_ranges() {
        assert_eq!(q("21:04").minutes, Some((1264, 1264)));
        assert_eq!(q("9:05").minutes, Some((545, 545)));
        assert_eq!(q("21:00-21:30").minutes, Some((1260, 1290)));
        assert_eq!(q("23:30 – 00:15").minutes, Some((1410, 15)));
        assert_eq!(q("21:04").amount, None);
        // Not a time: read as words instead.
        assert_eq!(q("25:00").minutes, None);
        assert_eq!(q("21:4").minutes, None);
    }

    #[test]
    fn empty_and_steering_queries_are_refused_by_name() {
        for bad in ["", "   ", "K1\u{1b}[2J", &"x".repeat(61)] {
            let e = parse_query(bad, Currency::Eur).unwrap_err();
            assert_eq!(e.field, "search", "{bad:?}");
        }
    }

    #[test]
    fn windows_cover_each_local_day_in_the_event_zone() {
        let zone = Zone::named("Europe/Berlin").unwrap();
        // 2026-11-21 20:00 and 2026-11-22 01:00 in Berlin (UTC+1).
        let first: Timestamp = "2026-11-21T19:00:00Z".parse().unwrap();
        let last: Timestamp = "2026-11-22T00:00:00Z".parse().unwrap();
        let w = time_windows((1264, 1264), first, last, &zone);
        let on_21st = (
            "2026-11-21T20:04:00Z".parse().unwrap(),
            "2026-11-21T20:05:00Z".parse().unwrap(),
        );
        assert!(w.contains(&on_21st), "{w:?}");
        assert_eq!(w.len(), 3, "the day before, the 21st and the 22nd");
        let wrap = time_windows((1410, 15), first, last, &zone);
        let night = (
            "2026-11-21T22:30:00Z".parse().unwrap(),
            "2026-11-21T23:16:00Z".parse().unwrap(),
        );
        assert!(wrap.contains(&night), "{wrap:?}");
    }
}
