//! The live dashboard: aggregates kept in memory and brought up to date from the rows newer
//! than what was last seen (orders and lines by rowid, finished tickets by `finished_at`,
//! checkouts by rowid, the few still open by id) plus the live counts (waiting now, drops'
//! stock). A full read happens once, when the dashboard opens. Margins are the creator's:
//! they come out only with a grant, as does the Tour view of every event.

use std::collections::HashSet;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use super::margins::add_margins;
use super::{Grant, Margin, Pos, PosResult};
use crate::domain::dashboard::{
    CheckoutEnd, DropStock, LaneFigures, Night, OfferTally, QrConversion, SellThrough, sell_through,
};
use crate::domain::money::Currency;
use crate::store::{Conn, Store, dashboard as rows, events};

/// How many offers the top list shows.
pub const TOP_OFFERS: usize = 5;

/// The night's aggregates for one event, as of the last refresh.
#[derive(Debug, Clone)]
pub struct Dashboard {
    event_id: i64,
    currency: Currency,
    /// Newest rowid folded in: orders, order lines, checkouts, refunds.
    marks: [i64; 4],
    /// `finished_at` of the newest ticket folded in, and every ticket folded (a re-queued or
    /// undone ticket that finishes again counts once).
    ticket_mark: i64,
    tickets_seen: HashSet<i64>,
    /// QR checkouts still open at the last refresh.
    open_qr: Vec<String>,
    night: Night,
    margins: Vec<Margin>,
    waiting: Vec<(String, u32)>,
    drops: Vec<DropStock>,
}

/// What the dashboard shows (margins apart: [`Pos::dashboard_margins`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashboardFigures {
    /// Revenue per quarter hour: `(bucket start, minor units)`.
    pub revenue: Vec<(i64, i64)>,
    /// Revenue so far, minor units.
    pub total: i64,
    /// Orders so far.
    pub orders: u32,
    /// Each drop's sell-through.
    pub drops: Vec<SellThrough>,
    /// QR payments shown and how they ended.
    pub qr: QrConversion,
    /// The lanes.
    pub lanes: Vec<LaneFigures>,
    /// `(fans with two orders or more, identified fans)`.
    pub repeat: (u32, u32),
    /// The offers that brought the most.
    pub top: Vec<OfferTally>,
}

/// One event of the Tour view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TourRow {
    /// Event name.
    pub name: String,
    /// Its currency.
    pub currency: Currency,
    /// When it was created (unix seconds).
    pub created_at: i64,
    /// Revenue, minor units.
    pub revenue: i64,
    /// Orders.
    pub orders: u32,
    /// Margin (net of VAT, fees and cost), minor units.
    pub margin: i64,
    /// `(fans with two orders or more, identified fans)`.
    pub repeat: (u32, u32),
    /// Average wait paid → called, seconds.
    pub mean_wait: Option<i64>,
}

impl Dashboard {
    /// Reads the event's night from the start (the one full read).
    fn build(conn: &Conn, event_id: i64, currency: Currency) -> PosResult<Dashboard> {
        let mut d = Dashboard {
            event_id,
            currency,
            marks: [0; 4],
            ticket_mark: i64::MIN,
            tickets_seen: HashSet::new(),
            open_qr: Vec::new(),
            night: Night::default(),
            margins: Vec::new(),
            waiting: Vec::new(),
            drops: Vec::new(),
        };
        d.catch_up(conn)?;
        Ok(d)
    }

    /// Folds in what is new since the last refresh and re-reads the live counts.
    fn catch_up(&mut self, conn: &Conn) -> PosResult<()> {
        let marks = rows::marks(conn)?;
        let [orders, lines, checkouts, refunds] = marks;
        let [seen_orders, seen_lines, seen_checkouts, seen_refunds] = self.marks;
        let event = self.event_id;
        for o in rows::orders(conn, event, seen_orders, orders)? {
            self.night.add_order(&o);
        }
        for l in rows::lines(conn, event, seen_lines, lines)? {
            self.night.add_line(&l);
        }
        // A refund changes lines already folded in: margins are read again (refunds are rare).
        let margin_from = if refunds == seen_refunds {
            seen_lines
        } else {
            self.margins.clear();
            0
        };
        add_margins(
            conn,
            (event, self.currency),
            (margin_from, lines),
            &mut self.margins,
        )?;
        self.catch_up_tickets(conn)?;
        self.catch_up_checkouts(conn, seen_checkouts, checkouts)?;
        self.waiting = rows::waiting(conn, event)?;
        self.drops = rows::drops(conn, event)?;
        self.marks = marks;
        Ok(())
    }

    fn catch_up_tickets(&mut self, conn: &Conn) -> PosResult<()> {
        for (id, t) in rows::tickets_finished(conn, self.event_id, self.ticket_mark)? {
            self.ticket_mark = self.ticket_mark.max(t.finished_at);
            if self.tickets_seen.insert(id) {
                self.night.add_ticket(&t);
            }
        }
        Ok(())
    }

    fn catch_up_checkouts(&mut self, conn: &Conn, after: i64, upto: i64) -> PosResult<()> {
        let mut still_open = Vec::new();
        for id in std::mem::take(&mut self.open_qr) {
            if let Some(line) = rows::checkout(conn, &id)?
                && !self.fold_checkout(&line)
            {
                still_open.push(id);
            }
        }
        for line in rows::qr_checkouts(conn, self.event_id, after, upto)? {
            if !self.fold_checkout(&line) {
                still_open.push(line.0.clone());
            }
        }
        self.open_qr = still_open;
        Ok(())
    }

    /// Folds an ended checkout in; false while it is open.
    fn fold_checkout(&mut self, (_, started, ended, outcome): &rows::CheckoutLine) -> bool {
        let end = match outcome.as_deref() {
            Some("paid") => CheckoutEnd::Paid,
            Some("cancelled") => CheckoutEnd::Cancelled,
            Some("expired") => CheckoutEnd::Expired,
            _ => return false,
        };
        self.night.add_qr(end, ended.unwrap_or(*started) - started);
        true
    }

    /// The figures at `now` (projections need it).
    pub fn figures(&self, now: Timestamp) -> DashboardFigures {
        let (total, orders) = self.night.totals();
        let now = now.as_second();
        DashboardFigures {
            revenue: self.night.revenue(),
            total,
            orders,
            drops: self
                .drops
                .iter()
                .map(|d| sell_through(d, self.night.offer(d.offer_id), now))
                .collect(),
            qr: self.night.qr(),
            lanes: self.night.lanes(&self.waiting),
            repeat: self.night.repeat(),
            top: self.night.top_offers(TOP_OFFERS),
        }
    }

    /// The event these aggregates are of.
    pub fn event_id(&self) -> i64 {
        self.event_id
    }
}

/// The dashboard's one full read, made off the kiosk's frame: it opens its own read-only
/// connection to the database file, so a worker thread can run it while the kiosk sells on.
#[derive(Debug, Clone)]
pub struct DashboardJob {
    db: PathBuf,
    event_id: i64,
    currency: Currency,
}

impl DashboardJob {
    /// Reads the event's night from the start; [`Pos::refresh_dashboard`] carries it on.
    pub fn run(&self) -> PosResult<Dashboard> {
        let store = Store::open_read_only(&self.db)?;
        Dashboard::build(store.conn(), self.event_id, self.currency)
    }
}

impl Pos {
    /// Opens the dashboard of the open event: the one full read of its night.
    pub fn dashboard(&self) -> PosResult<Dashboard> {
        Dashboard::build(self.store.conn(), self.event.id, self.event.currency)
    }

    /// The full read of [`Pos::dashboard`] as a job for a worker thread, or None when the
    /// database is not a file another connection could open (then read it with `dashboard`).
    pub fn dashboard_job(&self) -> Option<DashboardJob> {
        Some(DashboardJob {
            db: self.store.path()?,
            event_id: self.event.id,
            currency: self.event.currency,
        })
    }

    /// Brings `dashboard` up to date, reading only what is new since its last refresh; a
    /// dashboard of another event (the kiosk switched) is read afresh.
    pub fn refresh_dashboard(&self, dashboard: &mut Dashboard) -> PosResult<()> {
        if dashboard.event_id != self.event.id {
            *dashboard = self.dashboard()?;
            return Ok(());
        }
        dashboard.catch_up(self.store.conn())
    }

    /// The margins of the dashboard's gigs (offers that take the creator's time), best first;
    /// the creator's figures, so they need the grant.
    pub fn dashboard_margins(
        &self,
        dashboard: &Dashboard,
        grant: &Grant,
    ) -> PosResult<Vec<Margin>> {
        self.require(grant)?;
        let mut gigs: Vec<Margin> = dashboard
            .margins
            .iter()
            .filter(|m| m.figures.minutes > 0)
            .cloned()
            .collect();
        gigs.sort_by(|a, b| {
            b.figures
                .margin
                .cmp(&a.figures.margin)
                .then(a.title.cmp(&b.title))
        });
        Ok(gigs)
    }

    /// Every event side by side (revenue, margin, repeat rate, average wait), oldest first, so
    /// the next one can be priced from the last; the creator's figures, so it needs the grant.
    /// Reads each event in full: made when the Tour view opens, not every refresh.
    pub fn tour(&self, grant: &Grant) -> PosResult<Vec<TourRow>> {
        self.require(grant)?;
        let conn = self.store.conn();
        let mut out = Vec::new();
        for row in events::list(conn)? {
            let e = &row.event;
            let d = Dashboard::build(conn, e.id, e.currency)?;
            let (revenue, orders) = d.night.totals();
            out.push(TourRow {
                name: e.name.clone(),
                currency: e.currency,
                created_at: row.created_at,
                revenue,
                orders,
                margin: d.margins.iter().map(|m| m.figures.margin).sum(),
                repeat: d.night.repeat(),
                mean_wait: d.night.mean_wait(),
            });
        }
        out.sort_by_key(|r| r.created_at);
        Ok(out)
    }
}
