//! Exports of a whole event for the creator: every table as an XLSX workbook or a folder of CSV
//! files, or every receipt as a PDF in a folder. An [`ExportJob`] opens its own read-only
//! connection (the kiosk runs it on its worker while the station sells), reads one snapshot,
//! reports progress, stops when cancelled, and writes beside the target, renaming into place
//! only when complete: a cancelled or failed export leaves no half-written file.

mod tables;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use super::{Grant, Pos, PosError, PosResult};
use crate::domain::event::Event;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{Tender, TenderKind, refund_routes};
use crate::export::{CsvFolder, ExportError, Sink, XlsxBook};
use crate::store::{self, Store, StoreError};

/// Name of the default exports folder beside the database.
pub const DEFAULT_FOLDER: &str = "exports";

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One workbook: a Summary sheet and one sheet per table.
    Xlsx,
    /// A folder with one CSV file per table and `summary.csv`.
    Csv,
    /// A folder with one PDF per receipt.
    Pdf,
}

impl Format {
    /// What the default name ends with: `.xlsx`, `-csv`, `-receipts`.
    fn suffix(self) -> &'static str {
        match self {
            Format::Xlsx => ".xlsx",
            Format::Csv => "-csv",
            Format::Pdf => "-receipts",
        }
    }
}

/// Follows an export: told how far it got, asked whether to stop.
pub trait Watch {
    /// `done` of `total` steps are written; `what` is the table or file at hand.
    fn progress(&self, done: u64, total: u64, what: &str);
    /// True when the operator cancelled: the export stops and removes what it wrote.
    fn cancelled(&self) -> bool;
}

/// A watch that shows nothing and never cancels.
pub struct Unwatched;

impl Watch for Unwatched {
    fn progress(&self, _done: u64, _total: u64, _what: &str) {}
    fn cancelled(&self) -> bool {
        false
    }
}

/// One method's money: taken (tendered less change, tips included), refunded and what stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodTotals {
    /// The method.
    pub method: TenderKind,
    /// Taken at the sales.
    pub taken: Money,
    /// Given back by refunds (cash first, as the refund was made).
    pub refunded: Money,
    /// Taken less refunded.
    pub net: Money,
}

/// The figures of an event's export (training orders left out): the Summary sheet, and what
/// a report can be checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The event's name.
    pub event: String,
    /// Its venue.
    pub venue: String,
    /// Its time zone (local times in the export are in it).
    pub time_zone: String,
    /// Its currency.
    pub currency: Currency,
    /// The first sale.
    pub first_sale: Option<Timestamp>,
    /// The last sale.
    pub last_sale: Option<Timestamp>,
    /// Orders.
    pub orders: u64,
    /// Units sold.
    pub units: i64,
    /// Payments (tenders; a split order has several).
    pub payments: u64,
    /// Refunds.
    pub refunds: u64,
    /// Redemptions.
    pub redemptions: u64,
    /// Queue tickets.
    pub tickets: u64,
    /// Members in the database.
    pub members: u64,
    /// Sales: the orders' totals (VAT as sold, tips not included).
    pub gross: Money,
    /// Tips, on top of the sales.
    pub tips: Money,
    /// What the tender methods cost (estimated from the event's fees).
    pub fees: Money,
    /// Given back by refunds.
    pub refunded: Money,
    /// Sales less refunds (tips apart).
    pub net: Money,
    /// Per method, in the order cash, QR, card, member credit.
    pub methods: Vec<MethodTotals>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    /// The format.
    pub format: Format,
    /// The file (XLSX) or folder (CSV, PDF).
    pub path: PathBuf,
    /// Files written.
    pub files: u64,
    /// Bytes written, all files together.
    pub bytes: u64,
    /// The figures of the export.
    pub summary: Summary,
}

/// How an export ended: written, or stopped by the operator with nothing left behind.
#[derive(Debug, Clone)]
pub enum Finished {
    /// Written and in place.
    Done(Box<Exported>),
    /// Cancelled; nothing was kept.
    Cancelled,
}

/// Why rows stopped coming: cancelled, or a failure.
pub(super) enum Stop {
    /// The operator cancelled.
    Cancelled,
    /// Something failed.
    Failed(PosError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Stop {
        Stop::Failed(e.into())
    }
}

impl From<ExportError> for Stop {
    fn from(e: ExportError) -> Stop {
        Stop::Failed(PosError::Refused(format!("export to {e}")))
    }
}

impl From<PosError> for Stop {
    fn from(e: PosError) -> Stop {
        Stop::Failed(e)
    }
}

/// One export to make: which database and event, what, and where.
#[derive(Debug, Clone)]
pub struct ExportJob {
    /// The database file (opened read-only by the job).
    pub db: PathBuf,
    /// The event exported.
    pub event: Event,
    /// What is written.
    pub format: Format,
    /// The file or folder to make; it must not exist yet.
    pub target: PathBuf,
}

impl ExportJob {
    /// Writes the export, reporting to `watch`; on cancel or failure nothing is left behind.
    pub fn run(&self, watch: &dyn Watch) -> PosResult<Finished> {
        check_target(&self.target)?;
        let parent = parent_of(&self.target);
        std::fs::create_dir_all(parent).map_err(|e| io_refused(parent, &e))?;
        let store = Store::open_read_only(&self.db)?;
        let snapshot = store::export::snapshot(store.conn())?;
        let summary = summary(&snapshot, &self.event)?;
        let written = match self.format {
            Format::Xlsx => self.write_file(|tmp| {
                let mut book = XlsxBook::new(tmp);
                tables::write_all(&snapshot, &self.event, &summary, &mut book, watch)?;
                Ok(book.finish()?)
            }),
            Format::Csv => self.write_folder(|dir| {
                let mut csv = CsvFolder::new(dir);
                tables::write_all(&snapshot, &self.event, &summary, &mut csv, watch)?;
                Ok(csv.finish()?)
            }),
            Format::Pdf => self.write_folder(|dir| {
                tables::write_receipts(&snapshot, &self.event, summary.orders, dir, watch)
                    .map(|_| ())
            }),
        };
        match written {
            Ok((files, bytes)) => Ok(Finished::Done(Box::new(Exported {
                format: self.format,
                path: self.target.clone(),
                files,
                bytes,
                summary,
            }))),
            Err(Stop::Cancelled) => Ok(Finished::Cancelled),
            Err(Stop::Failed(e)) => Err(e),
        }
    }

    /// Writes a temp file beside the target and renames it into place when `write` is done.
    fn write_file(
        &self,
        write: impl FnOnce(&Path) -> Result<(), Stop>,
    ) -> Result<(u64, u64), Stop> {
        let parent = parent_of(&self.target);
        let tmp = tempfile::Builder::new()
            .prefix(".encore-export-")
            .tempfile_in(parent)
            .map_err(|e| Stop::Failed(io_refused(parent, &e)))?;
        write(tmp.path())?;
        let bytes = std::fs::metadata(tmp.path()).map(|m| m.len()).unwrap_or(0);
        // No clobbering: a file that appeared meanwhile under the name stays as it was.
        tmp.persist_noclobber(&self.target)
            .map_err(|e| Stop::Failed(io_refused(&self.target, &e.error)))?;
        Ok((1, bytes))
    }

    /// Writes into a temp folder beside the target and renames it into place when done.
    fn write_folder(
        &self,
        write: impl FnOnce(&Path) -> Result<(), Stop>,
    ) -> Result<(u64, u64), Stop> {
        let parent = parent_of(&self.target);
        let tmp = tempfile::Builder::new()
            .prefix(".encore-export-")
            .tempdir_in(parent)
            .map_err(|e| Stop::Failed(io_refused(parent, &e)))?;
        write(tmp.path())?;
        let (files, bytes) = folder_size(tmp.path());
        check_target(&self.target)?;
        std::fs::rename(tmp.path(), &self.target)
            .map_err(|e| Stop::Failed(io_refused(&self.target, &e)))?;
        // Renamed: nothing is left for the temp folder's guard to remove.
        let _ = tmp.keep();
        Ok((files, bytes))
    }
}

impl Pos {
    /// The figures of the event's export (creator): what the Summary sheet shows.
    pub fn export_summary(&self, grant: &Grant) -> PosResult<Summary> {
        self.require(grant)?;
        let snapshot = store::export::snapshot(self.store.conn())?;
        summary(&snapshot, &self.event)
    }

    /// An export of the open event (creator) to `target`, or under a new name in the
    /// `exports` folder beside the database. Run it with [`ExportJob::run`].
    pub fn export_job(
        &self,
        format: Format,
        target: Option<&Path>,
        grant: &Grant,
    ) -> PosResult<ExportJob> {
        self.require(grant)?;
        let db = self.store.path().ok_or_else(|| {
            PosError::Refused("this database is not a file: nothing to export".into())
        })?;
        let target = match target {
            Some(path) => path.to_path_buf(),
            None => free_name(&default_folder(&db), &self.event.name, format, self.now())?,
        };
        check_target(&target)?;
        Ok(ExportJob {
            db,
            event: self.event.clone(),
            format,
            target,
        })
    }
}

/// The `exports` folder beside the database.
pub fn default_folder(db: &Path) -> PathBuf {
    parent_of(db).join(DEFAULT_FOLDER)
}

/// `<folder>/<event>-<UTC stamp><suffix>`, with `-1`, `-2` … when taken.
pub fn free_name(folder: &Path, event: &str, format: Format, at: Timestamp) -> PosResult<PathBuf> {
    let stem = format!(
        "{}-{}",
        crate::domain::backup::slug(event),
        at.strftime("%Y%m%d-%H%M%S")
    );
    (0..100)
        .map(|n| match n {
            0 => folder.join(format!("{stem}{}", format.suffix())),
            n => folder.join(format!("{stem}-{n}{}", format.suffix())),
        })
        .find(|path| !path.exists())
        .ok_or_else(|| {
            PosError::Refused(format!(
                "export to {}: too many exports within one second",
                folder.display()
            ))
        })
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// An export never replaces a file or folder: the target must not exist yet.
fn check_target(target: &Path) -> PosResult<()> {
    if target.exists() {
        return Err(PosError::Refused(format!(
            "export to {}: it exists already; name a new file or folder",
            target.display()
        )));
    }
    Ok(())
}

fn io_refused(path: &Path, e: &std::io::Error) -> PosError {
    PosError::Refused(format!("export to {}: {e}", path.display()))
}

/// Files and bytes in a folder (one level: exports write no subfolders).
fn folder_size(dir: &Path) -> (u64, u64) {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.metadata().ok())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.len()))
}

/// The summary of the event from one snapshot: counts and sums from the store, refunds split
/// over the methods as each refund went back (cash first, `refund_routes`).
fn summary(conn: &rusqlite::Connection, event: &Event) -> PosResult<Summary> {
    let currency = event.currency;
    let money = |minor| Money::new(minor, currency);
    let totals = store::export::totals(conn, event.id)?;
    let mut back: Vec<(TenderKind, i64)> = Vec::new();
    store::export::refunds(conn, event.id, |r| -> PosResult<()> {
        let tenders = order_tenders(conn, &r.order_id, currency)?;
        for (kind, amount) in refund_routes(&tenders, money(r.before), money(r.amount)) {
            match back.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, sum)) => *sum += amount.minor,
                None => back.push((kind, amount.minor)),
            }
        }
        Ok(())
    })?;
    let kinds = [
        TenderKind::Cash,
        TenderKind::Qr,
        TenderKind::Card,
        TenderKind::Credit,
    ];
    let methods = kinds
        .into_iter()
        .filter_map(|kind| {
            let taken = totals
                .taken
                .iter()
                .find(|(k, _)| k == kind.name())
                .map_or(0, |(_, m)| *m);
            let refunded = back.iter().find(|(k, _)| *k == kind).map_or(0, |(_, m)| *m);
            (taken != 0 || refunded != 0).then(|| MethodTotals {
                method: kind,
                taken: money(taken),
                refunded: money(refunded),
                net: money(taken - refunded),
            })
        })
        .collect();
    Ok(Summary {
        event: event.name.clone(),
        venue: event.venue.clone(),
        time_zone: event.time_zone.name().to_string(),
        currency,
        first_sale: totals.first,
        last_sale: totals.last,
        orders: totals.orders,
        units: totals.units,
        payments: totals.tenders,
        refunds: totals.refunds,
        redemptions: totals.redemptions,
        tickets: totals.tickets,
        members: totals.members,
        gross: money(totals.gross),
        tips: money(totals.tips),
        fees: money(totals.fees),
        refunded: money(totals.refunded),
        net: money(totals.gross - totals.refunded),
        methods,
    })
}

/// An order's tenders as domain values.
pub(super) fn order_tenders(
    conn: &rusqlite::Connection,
    order_id: &str,
    currency: Currency,
) -> PosResult<Vec<Tender>> {
    store::export::order_tenders(conn, order_id)?
        .into_iter()
        .map(|(kind, tendered, change)| {
            Ok(Tender {
                kind: kind
                    .parse()
                    .map_err(|_| store::corrupt("tender kind", &kind))?,
                tendered: Money::new(tendered, currency),
                change: Money::new(change, currency),
                reference: None,
            })
        })
        .collect()
}
