//! Training mode: a station sells for practice. A practice sale is priced like a real one and
//! written as an order marked `training`, numbered on the station's own training ledger
//! (`T1-000001` for K1, a station row of its own), so the real receipt numbers stay gap-free.
//! It takes no stock and no holds, issues no claim code and no queue ticket, records no fan,
//! shares nothing out, and every figure leaves it out.

use jiff::Timestamp;
use serde_json::json;

use super::checkout::{MAX_QTY, SaleRequest};
use super::gate::Write;
use super::sell::{check_sellable, tenders_for, texts_of};
use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::basket::{self, PriceList, Quote};
use crate::domain::event::Event;
use crate::domain::field::FieldError;
use crate::domain::money::Money;
use crate::domain::order::{ReceiptNo, Tender, TenderKind, check_tip};
use crate::store::orders::{LineMeta, NewOrder, StoredReceipt};
use crate::store::{self, deals, events, holds, offers, orders, training};

/// The code of the training ledger of station number `station_no`: K1 practises as T1.
pub fn ledger_code(station_no: u8) -> String {
    format!("T{station_no}")
}

impl Pos {
    /// Whether this station sells for practice now.
    pub fn training(&self) -> PosResult<bool> {
        Ok(training::is_on(self.store.conn(), self.station_id)?)
    }

    /// Turns this station's training mode on or off (creator only); true when it changed.
    /// The audit log records each change.
    pub fn set_training(&mut self, on: bool, grant: &Grant) -> PosResult<bool> {
        self.require(grant)?;
        let (station_id, station) = (self.station_id, self.station.clone());
        self.write(Role::Creator, |w| {
            let changed = training::set(w.tx(), station_id, on)?;
            if changed {
                let action = if on { "training.on" } else { "training.off" };
                w.log(action, &station, json!({ "station": station }))?;
            }
            Ok(changed)
        })
    }
}

/// Writes a practice sale inside the sale's gate: priced as the fan was shown it, its units
/// only checked (never taken), the receipt numbered on the training ledger.
pub(super) fn record_practice_sale(
    w: &Write,
    event: &Event,
    station_no: u8,
    req: &SaleRequest,
    priced_at: Timestamp,
) -> PosResult<StoredReceipt> {
    let (tx, now, currency) = (w.tx(), w.at(), event.currency);
    if req.tender == TenderKind::Credit || req.parts.iter().any(|p| p.0 == TenderKind::Credit) {
        return Err(PosError::Invalid(FieldError::new(
            "payment",
            "member credit is not taken in training mode: practise with cash, QR or card",
        )));
    }
    // Units held for this checkout before training was turned on go back.
    holds::release(tx, &req.checkout.order_id)?;
    let priced = price_practice(tx, event, req, priced_at, now)?;
    let total = priced.total;
    if let Some(charged) = req.expected_total.filter(|e| *e != total) {
        return Err(PosError::TotalChanged { charged, total });
    }
    let tip = req.tip.unwrap_or(Money::new(0, currency));
    check_tip(tip, total)?;
    let due = Money::new(total.minor + tip.minor, currency);
    let (tenders, _fee) = tenders_for(tx, event.id, req, due)?;
    write_practice(w, event, station_no, req, (priced, tenders, tip))
}

/// The practice basket priced as the fan was shown it; every unit must be sellable now, as in
/// a real sale, but none is taken.
fn price_practice(
    tx: &store::Conn,
    event: &Event,
    req: &SaleRequest,
    priced_at: Timestamp,
    now: Timestamp,
) -> PosResult<Quote> {
    let currency = event.currency;
    let bundle_ids: Vec<i64> = req.bundles.iter().map(|b| b.0).collect();
    let bundles = deals::bundles_by_id(tx, event.id, &bundle_ids, currency)?;
    let offer_ids: Vec<i64> = (req.items.iter().map(|i| i.0))
        .chain(bundles.iter().flat_map(|b| b.parts.iter().map(|p| p.0)))
        .collect();
    let catalogue = offers::get_many(tx, event.id, &offer_ids, currency)?;
    let discounts = deals::discounts_for(tx, event.id, &offer_ids)?;
    let list = PriceList {
        offers: &catalogue,
        bundles: &bundles,
        discounts: &discounts,
        mode: event.vat_mode,
        currency,
    };
    let priced = basket::quote(list, &req.items, &req.bundles, priced_at)?;
    for (offer_id, qty) in priced.units() {
        if qty > MAX_QTY {
            return Err(PosError::BadQuantity { max: MAX_QTY });
        }
        let offer = offers::get(tx, event.id, offer_id, currency)?
            .ok_or(PosError::UnknownOffer(offer_id))?;
        // A practice sale is refused where a real one would be, and takes nothing.
        check_sellable(&offer, qty, now)?;
    }
    Ok(priced)
}

/// Writes the practice order on the training ledger, marked `training`, and its audit entry.
fn write_practice(
    w: &Write,
    event: &Event,
    station_no: u8,
    req: &SaleRequest,
    (priced, tenders, tip): (Quote, Vec<Tender>, Money),
) -> PosResult<StoredReceipt> {
    let (tx, now, currency, total) = (w.tx(), w.at(), event.currency, priced.total);
    let code = ledger_code(station_no);
    let ledger = training::ledger(tx, event.id, &code)?;
    let seq = events::take_receipt_seq(tx, ledger)?;
    let order_id = req.checkout.order_id.as_str();
    let order = NewOrder {
        id: order_id,
        event_id: event.id,
        station_id: ledger,
        receipt_seq: seq,
        payment_ref: &req.checkout.payment_ref,
        total,
        tip,
        paid_at: now,
        vat_mode: event.vat_mode,
        fee: 0,
    };
    let lines = priced.receipt_lines();
    let meta = vec![LineMeta::default(); lines.len()];
    orders::insert(tx, &order, &lines, &meta, &tenders)?;
    training::mark_order(tx, order_id)?;
    let printed = texts_of(event);
    orders::set_printed(tx, order_id, &printed)?;
    let number = ReceiptNo { station: code, seq };
    // Logged as a sale, so a retry of the order id answers with this receipt (Pos::sell_once).
    let detail = json!({
        "order": order_id, "training": true, "total_minor": total.minor, "tip_minor": tip.minor,
        "currency": currency.code(), "payment_ref": req.checkout.payment_ref,
        "lines": req.items, "bundles": req.bundles,
        "terms": req.terms_digest(&store::fans::salt(tx)?),
    });
    w.log("sale", &number.to_string(), detail)?;
    Ok(StoredReceipt {
        order_id: order_id.to_string(),
        number,
        payment_ref: req.checkout.payment_ref.clone(),
        paid_at: now,
        lines,
        total,
        tip,
        tenders,
        claims: Vec::new(),
        tickets: Vec::new(),
        vat_mode: event.vat_mode,
        printed: Some(printed),
        member: None,
        training: true,
    })
}
