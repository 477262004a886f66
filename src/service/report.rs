//! Day close: the X report of this station's shift, the Z report that closes it (creator only,
//! numbered, kept as printed), and the event report over every station.
//!
//! A shift runs from the station's previous Z to now, by receipt and refund numbers (so a clock
//! that jumps cannot move a sale into the wrong shift): a second close the same day counts only
//! what came after the first. Drawer sessions belong to the shift they were closed in; a Z closes
//! the open drawer with its count, so a float is counted once.

use serde::Serialize;
use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::event::Event;
use crate::domain::money::Money;
use crate::domain::reconcile::{self, Credit, QrOrder, Reconciliation};
use crate::domain::report::{self, Header, Numbers, QrMatch, Report, ReportKind, Rows, Tally};
use crate::store::report::{self as rows, Scope};
use crate::store::{self, audit, drawer, tally};

/// An X or event report to build on a worker thread: it opens the database read-only as
/// this station and reads there, so the kiosk's frames go on while a long night is added up.
#[derive(Clone)]
pub struct ReportJob {
    db: std::path::PathBuf,
    station: String,
    clock: super::Clock,
    event_wide: bool,
}

impl ReportJob {
    /// The report, as [`Pos::x_report`] or [`Pos::event_report`] would make it now.
    pub fn run(&self) -> PosResult<Report> {
        let store = store::Store::open_read_only(&self.db)?;
        let pos = Pos::open_read_only(store, &self.station, self.clock.clone())?;
        if self.event_wide {
            pos.event_report()
        } else {
            pos.x_report()
        }
    }
}

/// A closed Z report in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZSummary {
    /// Station.
    pub station: String,
    /// Its Z number.
    pub z_no: u32,
    /// When it was closed.
    pub closed_at: jiff::Timestamp,
}

impl Pos {
    /// This station's shift so far (since its last Z), closing nothing.
    pub fn x_report(&self) -> PosResult<Report> {
        let (conn, ctx) = (self.store.conn(), self.ctx());
        // One snapshot: a sale committed meanwhile is in every figure or in none.
        store::snapshot(conn, || {
            let (scope, expected) = ctx.shift(conn)?;
            ctx.report(conn, ReportKind::X, None, scope, expected)
        })
    }

    /// [`Pos::x_report`] (or with `event_wide`, [`Pos::event_report`]) as a job for a worker
    /// thread, or None when the database is not a file another connection could open.
    pub fn report_job(&self, event_wide: bool) -> Option<ReportJob> {
        Some(ReportJob {
            db: self.store.path()?,
            station: self.station.clone(),
            clock: self.clock.clone(),
            event_wide,
        })
    }

    /// Every station of the event, from its first sale to now.
    pub fn event_report(&self) -> PosResult<Report> {
        let (conn, ctx) = (self.store.conn(), self.ctx());
        let scope = Scope::event(self.event.id, self.now().as_second());
        store::snapshot(conn, || {
            let expected = rows::stations(conn, self.event.id)?
                .into_iter()
                .map(|(_, code, last)| (code, 0, last))
                .collect();
            ctx.report(conn, ReportKind::Event, None, scope, expected)
        })
    }

    /// Closes this station's shift: the Z report, under the station's next Z number, kept as
    /// it is printed now. An open drawer is closed with `counted` in the same transaction (and
    /// needs it); a closed Z never changes and every later print of it says COPY.
    pub fn close_z(&mut self, counted: Option<Money>, grant: &Grant) -> PosResult<Report> {
        self.require(grant)?;
        if let Some(c) = counted
            && (c.currency != self.event.currency || c.minor < 0)
        {
            return Err(PosError::Invalid(crate::domain::field::FieldError::new(
                "counted cash",
                format!("an amount in {} of at least 0", self.event.currency),
            )));
        }
        let station_id = self.station_id;
        let mut this = self.ctx();
        self.write(Role::Creator, |w| {
            let (tx, now) = (w.tx(), w.at());
            this.now = now;
            let open = drawer::open_session(tx, station_id)?;
            match (open, counted) {
                (Some(_), None) => {
                    return Err(PosError::Refused(
                        "count the cash drawer first: a Z closes the drawer with its count".into(),
                    ));
                }
                (None, Some(_)) => {
                    return Err(PosError::Refused(
                        "the drawer is not open: close the Z without a count".into(),
                    ));
                }
                _ => {}
            }
            let (scope, expected) = this.shift(tx)?;
            if let (Some((id, _, _)), Some(counted)) = (open, counted) {
                let row = rows::drawers(tx, &scope)?
                    .into_iter()
                    .find(|d| d.closed_at.is_none())
                    .ok_or_else(|| PosError::Refused("the drawer is not open".into()))?;
                let expected =
                    row.float + row.cash_sales - row.cash_refunds + row.moves_in - row.moves_out;
                drawer::close(tx, id, counted.minor, expected, now)?;
                let detail = json!({ "expected_minor": expected, "counted_minor": counted.minor });
                w.log("drawer.close", &this.station, detail)?;
            }
            let z_no = rows::next_z(tx, station_id)?;
            let report = this.report(tx, ReportKind::Z, Some(z_no), scope, expected)?;
            let text = serde_json::to_string(&report)
                .map_err(|e| PosError::Refused(format!("the report could not be kept: {e}")))?;
            let z = rows::NewZ {
                event_id: this.event.id,
                station_id,
                from_at: scope.from.unwrap_or(0),
                closed_at: now.as_second(),
                upto_receipt: scope.upto_receipt,
                upto_refund: scope.upto_refund,
                upto_move: rows::last_move(tx)?,
                report: &text,
            };
            rows::insert_z(tx, &z)?;
            let detail = json!({
                "z": z_no, "receipts": report.receipts.iter().map(|r| r.count).sum::<u32>(),
                "gross_minor": report.gross.minor, "refunded_minor": report.refunded.minor,
            });
            w.log("report.z", &format!("{}-Z{z_no}", this.station), detail)?;
            Ok(report)
        })
    }

    /// A closed Z report as it was printed; the bool is true: any print after the close is a
    /// copy.
    pub fn z_report(&self, station: &str, z_no: u32) -> PosResult<(Report, bool)> {
        let conn = self.store.conn();
        let missing = || PosError::Refused(format!("there is no Z report {z_no} of {station}"));
        let station_id =
            store::events::station_id(conn, self.event.id, station)?.ok_or_else(missing)?;
        let (text, _) = rows::z_report(conn, station_id, z_no)?.ok_or_else(missing)?;
        let report: Report = serde_json::from_str(&text)
            .map_err(|e| PosError::Refused(format!("Z report {z_no} cannot be read: {e}")))?;
        Ok((report, true))
    }

    /// The event's closed Z reports, newest first.
    pub fn z_reports(&self) -> PosResult<Vec<ZSummary>> {
        rows::z_list(self.store.conn(), self.event.id)?
            .into_iter()
            .map(|(station, z_no, at)| {
                Ok(ZSummary {
                    station,
                    z_no,
                    closed_at: jiff::Timestamp::from_second(at).map_err(|_| {
                        PosError::Refused(format!("Z report {z_no} has a bad close time"))
                    })?,
                })
            })
            .collect()
    }

    /// Keeps a bank statement's credits (each once) and matches them to the event's QR orders;
    /// the reports count the QR payments every statement imported so far confirms.
    pub fn reconcile(&mut self, credits: &[Credit]) -> PosResult<Reconciliation> {
        let event_id = self.event.id;
        if !credits.is_empty() && !self.store.is_read_only() {
            self.write(Role::Helper, |w| {
                let added = rows::add_credits(w.tx(), event_id, credits, w.at().as_second())?;
                w.log(
                    "statement.import",
                    "statement",
                    json!({ "credits": credits.len(), "new": added }),
                )
            })?;
        }
        self.match_statement(credits)
    }
}

/// The receipt numbers a report's period should hold, per station: `(code, after, upto)`.
type Expected = Vec<(String, u32, u32)>;

/// What a report needs of the station, apart from the store (the gate holds that).
struct Ctx {
    event: Event,
    station: String,
    station_id: i64,
    now: jiff::Timestamp,
}

impl Pos {
    fn ctx(&self) -> Ctx {
        Ctx {
            event: self.event.clone(),
            station: self.station.clone(),
            station_id: self.station_id,
            now: self.now(),
        }
    }
}

impl Ctx {
    /// The period since this station's last Z: its scope and the receipt numbers it should hold.
    fn shift(&self, conn: &store::Conn) -> PosResult<(Scope, Expected)> {
        let last = rows::last_z(conn, self.station_id)?;
        let (upto_receipt, upto_refund) = rows::issued(conn, self.station_id)?;
        let (after_receipt, after_refund) = last.map_or((0, 0), |l| (l.2, l.3));
        let scope = Scope {
            event_id: self.event.id,
            station_id: Some(self.station_id),
            after_receipt,
            upto_receipt,
            after_refund,
            upto_refund,
            from: last.map(|l| l.1),
            to: self.now.as_second(),
        };
        let expected = vec![(self.station.clone(), after_receipt, upto_receipt)];
        Ok((scope, expected))
    }

    fn report(
        &self,
        conn: &store::Conn,
        kind: ReportKind,
        z_no: Option<u32>,
        scope: Scope,
        expected: Vec<(String, u32, u32)>,
    ) -> PosResult<Report> {
        let c = self.event.currency;
        let head = Header {
            kind,
            z_no,
            station: scope.station_id.map(|_| self.station.clone()),
            event: self.event.name.clone(),
            venue: self.event.venue.clone(),
            zone: self.event.time_zone.clone(),
            currency: c,
            from: scope
                .from
                .and_then(|s| jiff::Timestamp::from_second(s).ok()),
            to: self.now,
            expected,
            audit_head: audit::head(conn)?.map(|(id, hash)| (id, hex(&hash))),
        };
        let (tally, numbers) = self.tally(conn, &scope, &head.expected)?;
        let rows = Rows {
            numbers,
            tally,
            refunds: rows::refunds(conn, &scope, c)?,
            drawers: rows::drawers(conn, &scope)?,
            tickets: rows::tickets(conn, &scope)?,
            claims: rows::claims(conn, &scope)?,
            qr: self.qr_match(conn, &scope)?,
        };
        Ok(report::build(head, rows))
    }

    /// The scope's sales as their shifts' tallies add them up (this station's shift, or every
    /// shift of every station), and each station's receipt numbers.
    fn tally(
        &self,
        conn: &store::Conn,
        scope: &Scope,
        expected: &Expected,
    ) -> PosResult<(Tally, Vec<Numbers>)> {
        let stations: Vec<(i64, String)> = match scope.station_id {
            Some(id) => vec![(id, self.station.clone())],
            None => rows::stations(conn, self.event.id)?
                .into_iter()
                .map(|(id, code, _)| (id, code))
                .collect(),
        };
        let (mut all, mut numbers) = (Tally::default(), Vec::new());
        for (id, code) in stations {
            let shift = tally::read(conn, id, scope.station_id.map(|_| scope.after_receipt))?;
            let range = expected
                .iter()
                .find(|e| e.0 == code)
                .map_or((scope.after_receipt, scope.upto_receipt), |e| (e.1, e.2));
            numbers.push(tally::numbers(conn, (id, &code), range, shift.receipts)?);
            all.merge(shift);
        }
        Ok((all, numbers))
    }

    /// The scope's QR orders against every imported statement credit, once one was imported.
    fn qr_match(&self, conn: &store::Conn, scope: &Scope) -> PosResult<Option<QrMatch>> {
        let c = self.event.currency;
        let credits = rows::credits(conn, self.event.id, c)?;
        if credits.is_empty() {
            return Ok(None);
        }
        let orders: Vec<QrOrder> = rows::qr_orders(conn, scope, c)?
            .into_iter()
            .map(|(receipt, payment_ref, total)| QrOrder {
                receipt,
                payment_ref,
                total,
            })
            .collect();
        let matched = reconcile::reconcile(&credits, &orders);
        // Looked up, not searched per order: a long night has many QR orders.
        let unpaid: std::collections::HashSet<_> =
            matched.unpaid.iter().map(|u| u.receipt.clone()).collect();
        let unpaid = |o: &QrOrder| unpaid.contains(&o.receipt);
        let sum = |paid: bool| -> (u32, i64) {
            let of: Vec<&QrOrder> = orders.iter().filter(|o| unpaid(o) != paid).collect();
            (
                u32::try_from(of.len()).unwrap_or(u32::MAX),
                of.iter().map(|o| o.total.minor).sum(),
            )
        };
        let ((m, ma), (u, ua)) = (sum(true), sum(false));
        Ok(Some(QrMatch {
            matched: m,
            matched_amount: Money::new(ma, c),
            unmatched: u,
            unmatched_amount: Money::new(ua, c),
        }))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
