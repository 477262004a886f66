//! Catalogue import: every row is checked first; by default nothing is written when any row is
//! bad. The import is one transaction with one audit entry.

use serde::Serialize;
use serde_json::json;

use super::{Pos, PosResult, Role};
use crate::domain::catalogue::Offer;
use crate::domain::catalogue_file::{NumberedRow, RowError};
use crate::store::offers;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Rows that passed every check.
    pub valid: usize,
    /// Rows written (0 for a dry run, or when a bad row stopped the import).
    pub imported: usize,
    /// Bad rows with their line and reason.
    pub errors: Vec<RowError>,
}

impl Pos {
    /// Imports rows (each with its line number, or why it could not be read) into the open
    /// event, after its offers. With `skip_bad` the good rows go in even when some are bad.
    pub fn import_catalogue(
        &mut self,
        rows: Vec<NumberedRow>,
        dry_run: bool,
        skip_bad: bool,
    ) -> PosResult<ImportReport> {
        let currency = self.event.currency;
        let mut good = Vec::new();
        let mut errors = Vec::new();
        for (line, row) in rows {
            let printable = |o: Offer| crate::fonts::check("title", &o.title).map(|()| o);
            match row.and_then(|r| r.to_offer(currency)).and_then(printable) {
                Ok(offer) => good.push(offer),
                Err(reason) => errors.push(RowError::new(line, &reason)),
            }
        }
        let mut report = ImportReport {
            valid: good.len(),
            imported: 0,
            errors,
        };
        if dry_run || good.is_empty() || (!report.errors.is_empty() && !skip_bad) {
            return Ok(report);
        }
        let event_id = self.event.id;
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let first_sort = offers::next_sort(tx, event_id)?;
            for (i, offer) in good.iter().enumerate() {
                offers::insert(tx, event_id, offer, first_sort + i as i64)?;
            }
            let titles: Vec<&str> = good.iter().map(|o| o.title.as_str()).collect();
            w.log("catalogue.import", "event", json!({ "offers": titles }))
        })?;
        report.imported = good.len();
        Ok(report)
    }
}
