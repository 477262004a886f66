//! The night at a glance: revenue per quarter hour, sell-through per drop, QR conversion, the
//! lanes' waits, repeat fans and the top offers, folded from rows one at a time so a refresh
//! adds only what is new. Pure: rows and `now` come in as arguments.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// The width of a revenue bar and of a wait point: a quarter hour.
pub const BUCKET_SECS: i64 = 900;

/// The start of the quarter hour holding `at` (unix seconds).
pub fn bucket_of(at: i64) -> i64 {
    at.div_euclid(BUCKET_SECS) * BUCKET_SECS
}

/// One paid order as the dashboard counts it (training orders never come in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    /// When it was paid (unix seconds).
    pub paid_at: i64,
    /// Total without the tip, minor units.
    pub total: i64,
    /// Who bought it, when known: the fan's hashed contact or the member.
    pub fan: Option<String>,
}

/// One sold line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    /// The offer.
    pub offer_id: i64,
    /// Its title as sold.
    pub title: String,
    /// Units.
    pub qty: u32,
    /// Line amount after discount, minor units.
    pub amount: i64,
    /// When its order was paid.
    pub paid_at: i64,
}

/// How a queue ticket ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketEnd {
    /// Served.
    Done,
    /// Called and never came.
    NoShow,
    /// Cancelled (a refund): counts in no wait.
    Cancelled,
}

/// One finished queue ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRow {
    /// Lane letter.
    pub lane: String,
    /// How it ended.
    pub end: TicketEnd,
    /// Paid (joined the lane).
    pub paid_at: i64,
    /// Called, if it was.
    pub called_at: Option<i64>,
    /// Finished.
    pub finished_at: i64,
}

/// How a started QR payment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutEnd {
    /// Paid.
    Paid,
    /// Cancelled at the till.
    Cancelled,
    /// The hold ran out.
    Expired,
}

/// Units sold of one offer, for sell-through and the top list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OfferTally {
    /// Title as last sold.
    pub title: String,
    /// Units sold.
    pub units: u32,
    /// Revenue (line amounts), minor units.
    pub revenue: i64,
    /// First and last sale (unix seconds).
    pub first_sale: i64,
    /// Last sale.
    pub last_sale: i64,
}

/// A lane's waits in one quarter hour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WaitSums {
    wait: i64,
    waits: u32,
    fulfil: i64,
    fulfils: u32,
}

/// A lane over the night.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct LaneTally {
    buckets: BTreeMap<i64, WaitSums>,
    served: u32,
    no_shows: u32,
}

/// Everything folded so far. Adding the same row twice counts it twice: the caller reads
/// each row once (by rowid and finish marks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Night {
    revenue: BTreeMap<i64, i64>,
    orders: u32,
    fans: HashMap<String, u32>,
    repeat_fans: u32,
    offers: HashMap<i64, OfferTally>,
    lanes: BTreeMap<String, LaneTally>,
    qr_paid: u32,
    qr_cancelled: u32,
    qr_expired: u32,
    /// Seconds from QR shown to paid → how many: a median without keeping every payment.
    pay_secs: BTreeMap<i64, u32>,
}

/// A drop as it stands, for sell-through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropStock {
    /// The offer.
    pub offer_id: i64,
    /// Title.
    pub title: String,
    /// Units it started with.
    pub stock: u32,
    /// Units left (held ones are not left).
    pub remaining: u32,
    /// When it went on sale (unix seconds), if set.
    pub go_live_at: Option<i64>,
}

/// A drop's sell-through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SellThrough {
    /// Title.
    pub title: String,
    /// Units sold (paid, training apart).
    pub sold: u32,
    /// Units it started with.
    pub stock: u32,
    /// Share sold, basis points of the stock.
    pub share_bp: u32,
    /// Seconds from going live (or the first sale) to the last unit, once sold out.
    pub sold_out_after: Option<i64>,
    /// When the last unit goes at the pace so far (unix seconds), while some are left.
    pub projected_at: Option<i64>,
}

/// QR payments shown and how they ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QrConversion {
    /// QR codes shown that ended (paid + cancelled + expired).
    pub ended: u32,
    /// Paid.
    pub paid: u32,
    /// Cancelled.
    pub cancelled: u32,
    /// Expired.
    pub expired: u32,
    /// Median seconds from shown to paid.
    pub median_pay_secs: Option<i64>,
}

/// One lane over the night.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaneFigures {
    /// Lane letter.
    pub lane: String,
    /// Tickets waiting now.
    pub waiting: u32,
    /// Average wait paid → called per quarter hour: `(bucket start, seconds)`.
    pub wait: Vec<(i64, i64)>,
    /// Average fulfilment called → served per quarter hour.
    pub fulfil: Vec<(i64, i64)>,
    /// Average wait over the night, seconds.
    pub mean_wait: Option<i64>,
    /// No-shows, basis points of the tickets called and finished.
    pub no_show_bp: Option<u32>,
}

impl Night {
    /// Folds one paid order in.
    pub fn add_order(&mut self, o: &OrderRow) {
        *self.revenue.entry(bucket_of(o.paid_at)).or_default() += o.total;
        self.orders += 1;
        if let Some(fan) = &o.fan {
            let n = self.fans.entry(fan.clone()).or_default();
            *n += 1;
            if *n == 2 {
                self.repeat_fans += 1;
            }
        }
    }

    /// Folds one sold line in.
    pub fn add_line(&mut self, l: &LineRow) {
        let t = self.offers.entry(l.offer_id).or_insert_with(|| OfferTally {
            first_sale: l.paid_at,
            last_sale: l.paid_at,
            ..OfferTally::default()
        });
        t.title.clone_from(&l.title);
        t.units = t.units.saturating_add(l.qty);
        t.revenue += l.amount;
        t.first_sale = t.first_sale.min(l.paid_at);
        t.last_sale = t.last_sale.max(l.paid_at);
    }

    /// Folds one finished ticket in.
    pub fn add_ticket(&mut self, t: &TicketRow) {
        let lane = self.lanes.entry(t.lane.clone()).or_default();
        let Some(called) = t.called_at else {
            return;
        };
        let sums = lane.buckets.entry(bucket_of(called)).or_default();
        match t.end {
            TicketEnd::Done => {
                lane.served += 1;
                sums.wait += (called - t.paid_at).max(0);
                sums.waits += 1;
                sums.fulfil += (t.finished_at - called).max(0);
                sums.fulfils += 1;
            }
            TicketEnd::NoShow => {
                lane.no_shows += 1;
                sums.wait += (called - t.paid_at).max(0);
                sums.waits += 1;
            }
            TicketEnd::Cancelled => {}
        }
    }

    /// Folds one ended QR checkout in: how it ended and how long it took.
    pub fn add_qr(&mut self, end: CheckoutEnd, secs: i64) {
        match end {
            CheckoutEnd::Paid => {
                self.qr_paid += 1;
                *self.pay_secs.entry(secs.max(0)).or_default() += 1;
            }
            CheckoutEnd::Cancelled => self.qr_cancelled += 1,
            CheckoutEnd::Expired => self.qr_expired += 1,
        }
    }

    /// Revenue per quarter hour, `(bucket start, minor units)`, in time order.
    pub fn revenue(&self) -> Vec<(i64, i64)> {
        self.revenue.iter().map(|(b, m)| (*b, *m)).collect()
    }

    /// Revenue so far and the orders it came from.
    pub fn totals(&self) -> (i64, u32) {
        (self.revenue.values().sum(), self.orders)
    }

    /// `(fans with two orders or more, identified fans)`.
    pub fn repeat(&self) -> (u32, u32) {
        (
            self.repeat_fans,
            u32::try_from(self.fans.len()).unwrap_or(u32::MAX),
        )
    }

    /// The `n` offers that brought the most revenue, most first (ties by title).
    pub fn top_offers(&self, n: usize) -> Vec<OfferTally> {
        let mut all: Vec<&OfferTally> = self.offers.values().collect();
        all.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.title.cmp(&b.title)));
        all.into_iter().take(n).cloned().collect()
    }

    /// The offer's tally, if it sold.
    pub fn offer(&self, offer_id: i64) -> Option<&OfferTally> {
        self.offers.get(&offer_id)
    }

    /// QR conversion so far.
    pub fn qr(&self) -> QrConversion {
        QrConversion {
            ended: self.qr_paid + self.qr_cancelled + self.qr_expired,
            paid: self.qr_paid,
            cancelled: self.qr_cancelled,
            expired: self.qr_expired,
            median_pay_secs: median(&self.pay_secs),
        }
    }

    /// The lanes: their waits over the night and `waiting` now (lanes with none yet too).
    pub fn lanes(&self, waiting: &[(String, u32)]) -> Vec<LaneFigures> {
        let mut names: Vec<&String> = self
            .lanes
            .keys()
            .chain(waiting.iter().map(|w| &w.0))
            .collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let now = waiting.iter().find(|w| &w.0 == name).map_or(0, |w| w.1);
                lane_figures(name, self.lanes.get(name), now)
            })
            .collect()
    }

    /// Average wait paid → called over every lane, seconds.
    pub fn mean_wait(&self) -> Option<i64> {
        let (sum, n) = self
            .lanes
            .values()
            .flat_map(|l| l.buckets.values())
            .fold((0i64, 0i64), |(s, n), b| {
                (s + b.wait, n + i64::from(b.waits))
            });
        (n > 0).then(|| sum / n)
    }
}

fn lane_figures(name: &str, tally: Option<&LaneTally>, waiting: u32) -> LaneFigures {
    let empty = LaneTally::default();
    let t = tally.unwrap_or(&empty);
    let avg = |sum: i64, n: u32| (n > 0).then(|| sum / i64::from(n));
    let wait = t
        .buckets
        .iter()
        .filter_map(|(b, s)| avg(s.wait, s.waits).map(|w| (*b, w)));
    let fulfil = t
        .buckets
        .iter()
        .filter_map(|(b, s)| avg(s.fulfil, s.fulfils).map(|f| (*b, f)));
    let (sum, n) = t
        .buckets
        .values()
        .fold((0, 0), |(s, n), b| (s + b.wait, n + b.waits));
    let finished = t.served + t.no_shows;
    LaneFigures {
        lane: name.to_string(),
        waiting,
        wait: wait.collect(),
        fulfil: fulfil.collect(),
        mean_wait: avg(sum, n),
        no_show_bp: (finished > 0).then(|| share_bp(t.no_shows, finished)),
    }
}

/// `part / whole` in basis points, rounded down; 0 of nothing.
pub fn share_bp(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    u32::try_from(u64::from(part) * 10_000 / u64::from(whole)).unwrap_or(10_000)
}

/// The lower median of a histogram `value → count`.
fn median(hist: &BTreeMap<i64, u32>) -> Option<i64> {
    let n: u64 = hist.values().map(|c| u64::from(*c)).sum();
    if n == 0 {
        return None;
    }
    let middle = (n - 1) / 2;
    let mut seen = 0u64;
    for (value, count) in hist {
        seen += u64::from(*count);
        if seen > middle {
            return Some(*value);
        }
    }
    None
}

/// A drop's sell-through at `now` (unix seconds): share sold, how long it took to sell out,
/// or when it will at the pace since it went on sale.
pub fn sell_through(drop: &DropStock, sold: Option<&OfferTally>, now: i64) -> SellThrough {
    let units = sold.map_or(0, |t| t.units);
    // On sale since it went live; a drop without a go-live time since its first sale.
    let start = sold.map(|t| {
        drop.go_live_at
            .map_or(t.first_sale, |g| g.min(t.first_sale))
    });
    let sold_out_after = match (drop.remaining, sold, start) {
        (0, Some(t), Some(start)) => Some((t.last_sale - start).max(0)),
        _ => None,
    };
    let projected_at = match start {
        Some(start) if drop.remaining > 0 && units > 0 && now > start => {
            let per_unit = (now - start) as f64 / f64::from(units);
            // Pace is a projection shown in minutes, not money: a float is fine here.
            Some(now + (per_unit * f64::from(drop.remaining)).round() as i64)
        }
        _ => None,
    };
    SellThrough {
        title: drop.title.clone(),
        sold: units,
        stock: drop.stock,
        share_bp: share_bp(units.min(drop.stock), drop.stock),
        sold_out_after,
        projected_at,
    }
}

#[cfg(test)]
mod tests;
