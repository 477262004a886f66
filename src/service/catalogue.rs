//! Catalogue import: every row is checked first; by default nothing is written when any row is
//! bad. A row with the key of an offer of the event updates that offer in place (units already
//! sold stay sold); the others are added. The import is one transaction with one audit entry.

use serde::Serialize;
use serde_json::{Value, json};

use super::setup::check_change;
use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::catalogue::Offer;
use crate::domain::catalogue_file::{MAX_ROWS, NumberedRow, OfferRow, RowError, check_rows};
use crate::domain::claim::MAX_OFFER_ID;
use crate::domain::field::FieldError;
use crate::domain::money::Currency;
use crate::store::{self, offers};

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Rows that passed every check.
    pub valid: usize,
    /// Offers written, added or changed (0 for a dry run, or when a bad row stopped it).
    pub imported: usize,
    /// Bad rows with their line and reason.
    pub errors: Vec<RowError>,
    /// How many rows are (or would be) new offers.
    pub added: usize,
    /// How many rows change the offer with their key.
    pub changed: usize,
    /// How many rows match their offer exactly: nothing to write.
    pub unchanged: usize,
    /// Titles of the rows added, in file order.
    pub added_titles: Vec<String>,
    /// Titles of the offers changed (as the file has them).
    pub changed_titles: Vec<String>,
    /// Titles of the offers left as they are.
    pub unchanged_titles: Vec<String>,
}

/// The good rows sorted into what they do to the catalogue.
#[derive(Debug, Default)]
struct Plan {
    /// New offers.
    add: Vec<Offer>,
    /// `(before, after)` of each offer a row changes; `after` carries the offer's id.
    change: Vec<(Offer, Offer)>,
    /// Offers a row matches exactly.
    same: Vec<Offer>,
    errors: Vec<RowError>,
}

impl Plan {
    fn report(&self) -> ImportReport {
        ImportReport {
            valid: self.add.len() + self.change.len() + self.same.len(),
            imported: 0,
            errors: self.errors.clone(),
            added: self.add.len(),
            changed: self.change.len(),
            unchanged: self.same.len(),
            added_titles: titles(&self.add),
            changed_titles: self.change.iter().map(|c| c.1.title.clone()).collect(),
            unchanged_titles: titles(&self.same),
        }
    }

    /// Nothing to write, or bad rows and no leave to skip them.
    fn blocked(&self, skip_bad: bool) -> bool {
        (self.add.is_empty() && self.change.is_empty()) || (!self.errors.is_empty() && !skip_bad)
    }
}

impl Pos {
    /// Checks a catalogue file's rows (each with its line number, or why it could not be read)
    /// against the open event and says what an import would add, change and leave alone.
    /// Writes nothing, so it needs no PIN.
    pub fn check_catalogue(&self, rows: Vec<NumberedRow>) -> PosResult<ImportReport> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        let parsed = parse(rows, currency)?;
        Ok(plan(self.store.conn(), event_id, currency, parsed)?.report())
    }

    /// Imports rows into the open event (creator grant): rows with the key of an offer of the
    /// event update it, the others are added after its offers. With `skip_bad` the good rows go
    /// in even when some are bad.
    pub fn import_catalogue(
        &mut self,
        rows: Vec<NumberedRow>,
        skip_bad: bool,
        grant: &Grant,
    ) -> PosResult<ImportReport> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        let parsed = parse(rows, currency)?;
        self.require(grant)?;
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            // Planned under the write lock: another station may have edited the catalogue.
            let plan = plan(tx, event_id, currency, parsed)?;
            let mut report = plan.report();
            if plan.blocked(skip_bad) {
                return Ok(report);
            }
            let first_sort = offers::next_sort(tx, event_id)?;
            let mut added = Vec::with_capacity(plan.add.len());
            for (sort, offer) in (first_sort..).zip(&plan.add) {
                let id = offers::insert(tx, event_id, offer, sort)?;
                check_claimable(offer, id)?;
                added.push(OfferRow::of(offer));
            }
            let mut changed = Vec::with_capacity(plan.change.len());
            for (before, after) in &plan.change {
                offers::update(tx, event_id, after)?;
                let saved = offers::get(tx, event_id, after.id, currency)?
                    .ok_or(PosError::UnknownOffer(after.id))?;
                changed.push(json!({
                    "offer": after.id,
                    "before": described(before),
                    "after": described(&saved),
                }));
            }
            let detail = json!({
                "added": added, "changed": changed, "unchanged": report.unchanged_titles,
            });
            w.log("catalogue.import", "event", detail)?;
            report.imported = plan.add.len() + plan.change.len();
            Ok(report)
        })
    }
}

fn titles(offers: &[Offer]) -> Vec<String> {
    offers.iter().map(|o| o.title.clone()).collect()
}

/// An offer as the audit log keeps it: its row, and what is left of it.
fn described(offer: &Offer) -> Value {
    json!({ "row": OfferRow::of(offer), "remaining": offer.remaining, "held": offer.held })
}

/// Each row's offer, or the row's error; refused as a whole past [`MAX_ROWS`] rows.
fn parse(
    rows: Vec<NumberedRow>,
    currency: Currency,
) -> PosResult<Vec<(usize, Result<Offer, FieldError>)>> {
    if check_rows(rows.len()).is_err() {
        let rule = format!("at most {MAX_ROWS} offers in one file (split it and import each part)");
        return Err(PosError::Invalid(FieldError::new("rows", rule)));
    }
    Ok(rows
        .into_iter()
        .map(|(line, row)| {
            // What the kiosk accepts, the receipt draws: a title no bundled font has is refused.
            let printable = |o: Offer| crate::fonts::check("title", &o.title).map(|()| o);
            (
                line,
                row.and_then(|r| r.to_offer(currency)).and_then(printable),
            )
        })
        .collect())
}

/// Sorts the parsed rows into new, changed and unchanged offers, and refuses what cannot be
/// right: a key twice in the file, a changed stock below the units already sold or held, a
/// kind changed, a claimable offer whose id a claim code cannot hold.
fn plan(
    conn: &store::Conn,
    event_id: i64,
    currency: Currency,
    rows: Vec<(usize, Result<Offer, FieldError>)>,
) -> PosResult<Plan> {
    let mut plan = Plan::default();
    let mut keys: Vec<(String, usize)> = Vec::new();
    for (line, offer) in rows {
        let offer = match offer {
            Ok(offer) => offer,
            Err(e) => {
                plan.errors.push(RowError::new(line, &e));
                continue;
            }
        };
        if !offer.key.is_empty() {
            if let Some((_, first)) = keys.iter().find(|(k, _)| *k == offer.key) {
                let e = FieldError::new("key", format!("the same key as line {first}"));
                plan.errors.push(RowError::new(line, &e));
                continue;
            }
            keys.push((offer.key.clone(), line));
        }
        let old = match offer.key.as_str() {
            "" => None,
            key => offers::by_key(conn, event_id, key, currency)?,
        };
        let Some(old) = old else {
            plan.add.push(offer);
            continue;
        };
        if OfferRow::of(&old) == OfferRow::of(&offer) {
            plan.same.push(old);
            continue;
        }
        match check_change(&old, &offer) {
            Ok(()) => {
                let after = Offer {
                    id: old.id,
                    ..offer
                };
                plan.change.push((old, after));
            }
            Err(PosError::Invalid(e)) => plan.errors.push(RowError::new(line, &e)),
            Err(other) => return Err(other),
        }
    }
    // New offers get the ids after the highest one; a gig or drop past a claim code's offer
    // field could be listed but never sold.
    let next = offers::max_id(conn)?;
    for (n, offer) in (1..).zip(&plan.add) {
        check_claimable(offer, next.saturating_add(n))?;
    }
    Ok(plan)
}

/// A gig or a drop sells with a claim code, which holds offer ids up to [`MAX_OFFER_ID`].
fn check_claimable(offer: &Offer, id: i64) -> PosResult<()> {
    if offer.kind.is_claimable() && id > MAX_OFFER_ID {
        return Err(PosError::ClaimField {
            what: "offer",
            value: id,
        });
    }
    Ok(())
}
