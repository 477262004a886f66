//! Checkout and sale: the whole sale commits in one immediate transaction.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use uuid::Uuid;

use super::checkout::{Checkout, MAX_QTY, SaleRequest, Sold};
use super::fans;
use super::gate::{self, Write};
use super::issue::{Issuer, Sale, settle_fan};
use super::lottery::lottery_bought;
use super::training;
use super::{Pos, PosError, PosResult, Role};
use crate::domain::basket::{self, PriceList, Quote};
use crate::domain::catalogue::{Availability, Offer, OfferKind, countdown};
use crate::domain::event::Event;
use crate::domain::fan::FanId;
use crate::domain::field::FieldError;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{
    OrderSummary, Receipt, ReceiptNo, ReceiptTexts, Tender, TenderKind, check_tip, settle_split,
    vat_breakdown,
};
use crate::domain::payment::{PaymentQr, payment_reference};
use crate::store::fans::Member;
use crate::store::orders::{OrderKey, StoredReceipt};
use crate::store::{self, audit, checkouts, deals, events, holds, keys, offers, orders};

impl Pos {
    /// Reserves a fresh order id and a payment reference not used at this event.
    pub fn start_checkout(&self) -> PosResult<Checkout> {
        let mut payment_ref = payment_reference(rand::random());
        while orders::payment_ref_taken(self.store.conn(), &payment_ref)? {
            payment_ref = payment_reference(rand::random());
        }
        Ok(Checkout {
            order_id: Uuid::now_v7().to_string(),
            payment_ref,
        })
    }

    /// Reserves the basket's units for this checkout until the hold expires (the event's
    /// `hold_secs`), so a fan paying by QR never loses the last unit to the next fan.
    pub fn hold(&mut self, checkout: &Checkout, items: &[(i64, u32)]) -> PosResult<Timestamp> {
        self.hold_for(checkout, items, None)
    }

    /// [`Pos::hold`], logging the payment started (`method`, the total shown) in the same
    /// transaction, for the dashboard's conversion figures.
    pub(super) fn hold_for(
        &mut self,
        checkout: &Checkout,
        items: &[(i64, u32)],
        payment: Option<(TenderKind, Money)>,
    ) -> PosResult<Timestamp> {
        let now = self.now();
        let station_id = self.station_id;
        let expires = now
            .saturating_add(jiff::SignedDuration::from_secs(i64::from(
                self.event.hold_secs,
            )))
            .unwrap_or(now);
        let (event_id, currency) = (self.event.id, self.event.currency);
        let station = self.station.clone();
        // A practice sale holds nothing: it takes no stock.
        if self.training()? {
            return Ok(expires);
        }
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            holds::release_expired(tx, now)?;
            for &(offer_id, qty) in items {
                let offer = offers::get(tx, event_id, offer_id, currency)?
                    .ok_or(PosError::UnknownOffer(offer_id))?;
                check_sellable(&offer, qty, now)?;
                if !offers::take_units(tx, offer_id, qty)? {
                    return Err(not_enough(&offer));
                }
                holds::insert(tx, &checkout.order_id, offer_id, qty, expires, &station)?;
            }
            if let Some((method, total)) = payment {
                let started = checkouts::Started {
                    id: &checkout.order_id,
                    event_id,
                    station_id,
                    tender: method.name(),
                    amount_minor: total.minor,
                };
                checkouts::start(tx, &started, now)?;
            }
            Ok(expires)
        })
    }

    /// Gives a cancelled payment's held units back; the audit log keeps its payment reference,
    /// so a transfer that arrives anyway can still be matched and refunded.
    pub fn release_hold(&mut self, checkout: &Checkout) -> PosResult<()> {
        let event_id = self.event.id;
        self.write(Role::Helper, |w| {
            // A payment whose answer was lost may have been sold meanwhile: a cancel then must
            // not read as "not sold", or the fan is sold to twice.
            if let Some((station, seq, _)) =
                store::network::order_receipt(w.tx(), event_id, &checkout.order_id)?
            {
                let number = crate::domain::order::ReceiptNo { station, seq };
                return Err(PosError::Refused(format!(
                    "this payment was completed already: receipt {number}"
                )));
            }
            holds::release(w.tx(), &checkout.order_id)?;
            checkouts::cancelled(w.tx(), &checkout.order_id, w.at())?;
            let detail = json!({ "order": checkout.order_id, "payment_ref": checkout.payment_ref });
            w.log("payment.cancel", &checkout.payment_ref, detail)
        })
    }

    /// Gives back the units of every expired hold; cheap when none expired.
    pub fn release_expired_holds(&mut self) -> PosResult<usize> {
        let now = self.now();
        if !holds::any_expired(self.store.conn(), now)? {
            return Ok(0);
        }
        self.write(Role::Helper, |w| Ok(holds::release_expired(w.tx(), now)?))
    }

    /// The QR a fan scans to pay `amount` for this checkout.
    pub fn payment_qr(&self, amount: Money, checkout: &Checkout) -> PosResult<PaymentQr> {
        let profile = self
            .event
            .payment
            .as_ref()
            .ok_or(PosError::NoPaymentProfile)?;
        profile
            .payload(amount, &checkout.payment_ref)
            .map_err(PosError::Payment)
    }

    /// Sells and records payment in one transaction: order, lines, stock, tender, receipt number,
    /// claim codes, queue tickets and audit entry. Retrying the same checkout returns the same
    /// receipt (see [`Pos::sell_once`]).
    pub fn sell(&mut self, req: &SaleRequest) -> PosResult<Receipt> {
        self.sell_once(req).map(|sold| sold.receipt)
    }

    /// [`Pos::sell`], saying whether the order id had been sold already. A retry of a sold order
    /// id (a sale whose answer was lost: a killed command, a crash after the commit) writes
    /// nothing and answers with the first sale's receipt; the same order id with other terms
    /// (offers, quantities, payment, tip, fan) is refused, never answered with the other sale.
    pub fn sell_once(&mut self, req: &SaleRequest) -> PosResult<Sold> {
        check_quantities(req)?;
        let stamp = self.stamp(Role::Helper);
        let now = stamp.at;
        let Pos {
            store,
            event,
            key,
            station_id,
            station,
            station_no,
            ..
        } = self;
        let key_file = store.key_file().clone();
        let valid_until = now
            .saturating_add(SignedDuration::from_hours(i64::from(
                event.claim_valid_hours,
            )))
            .unwrap_or(now);
        let priced_at = req
            .priced_at
            .filter(|at| {
                *at <= now && now.as_second() - at.as_second() <= i64::from(event.hold_secs)
            })
            .unwrap_or(now);
        let mut sold = gate::write(store, &stamp, |w| {
            let tx = w.tx();
            // Another station may have rotated the key: new codes use the newest.
            let (key_id, public) = keys::current_key(tx, event.id)?;
            if key_id != key.0 {
                let secret = key_file.load()?.remove(&public).ok_or_else(|| {
                    PosError::Refused(format!(
                        "claim key {key_id} was made on another computer and is not in {}: \
                         restart Encore here to start a key of its own",
                        key_file.path().display()
                    ))
                })?;
                *key = (key_id, secret);
            }
            let issuer = Issuer {
                event_id: event.id,
                key,
                valid_until,
                station_id: *station_id,
                station_no: *station_no,
                station,
            };
            let order_id = req.checkout.order_id.as_str();
            if let Some(done) = orders::load(tx, event.id, OrderKey::Id(order_id), event.currency)?
            {
                check_same_terms(tx, req, &done)?;
                return Ok(Sold {
                    receipt: receipt_of(event, done),
                    replayed: true,
                });
            }
            if orders::exists(tx, order_id)? {
                return Err(order_id_refused(order_id, "already sold at another event"));
            }
            if store::training::is_on(tx, *station_id)? {
                let practice =
                    training::record_practice_sale(w, event, *station_no, req, priced_at)?;
                return Ok(Sold {
                    receipt: receipt_of(event, practice),
                    replayed: false,
                });
            }
            let receipt = record_sale(w, event, &issuer, req, priced_at)?;
            Ok(Sold {
                receipt,
                replayed: false,
            })
        })?;
        if !sold.receipt.training {
            // Committed already: a link that cannot be made is left off, never an error.
            sold.receipt.fan_url = self.fan_url(&req.checkout.order_id).ok().flatten();
        }
        Ok(sold)
    }

    /// The receipt with this number.
    pub fn receipt(&self, number: &ReceiptNo) -> PosResult<Receipt> {
        let stored = orders::load(
            self.store.conn(),
            self.event.id,
            OrderKey::Receipt(number),
            self.event.currency,
        )?
        .ok_or_else(|| PosError::NoReceipt(number.to_string()))?;
        self.linked(stored)
    }

    /// The newest receipt of the event.
    pub fn latest_receipt(&self) -> PosResult<Receipt> {
        let stored = orders::load(
            self.store.conn(),
            self.event.id,
            OrderKey::Latest,
            self.event.currency,
        )?
        .ok_or_else(|| PosError::NoReceipt("(none yet)".into()))?;
        self.linked(stored)
    }

    /// The newest orders, newest first.
    pub fn recent_orders(&self, limit: u32) -> PosResult<Vec<OrderSummary>> {
        Ok(orders::recent(
            self.store.conn(),
            self.event.id,
            limit,
            self.event.currency,
        )?)
    }
}

/// A retried order id must ask for what its sale sold: the terms digest its audit entry keeps
/// (entries from before digests were kept: the offers and bundles asked for).
fn check_same_terms(tx: &store::Conn, req: &SaleRequest, done: &StoredReceipt) -> PosResult<()> {
    let same = match audit::sale_detail(tx, &done.order_id, &done.number.to_string())? {
        Some(detail) => match detail.get("terms").and_then(|t| t.as_str()) {
            Some(terms) => terms == req.terms_digest(&store::fans::salt(tx)?),
            None => {
                detail.get("lines") == Some(&json!(req.items))
                    && detail.get("bundles") == Some(&json!(req.bundles))
            }
        },
        None => false,
    };
    if same {
        return Ok(());
    }
    let rule = format!(
        "already sold as receipt {} with other offers, quantities or payment; a new sale needs a new order id",
        done.number
    );
    Err(order_id_refused(&done.order_id, &rule))
}

/// The order id's refusal, naming the id.
fn order_id_refused(order_id: &str, rule: &str) -> PosError {
    PosError::Invalid(FieldError::new("order id", format!("{order_id} {rule}")))
}

/// The event's texts as this sale prints them.
pub(super) fn texts_of(event: &Event) -> ReceiptTexts {
    ReceiptTexts {
        event_name: event.name.clone(),
        venue: event.venue.clone(),
        header: event.receipt_header.clone(),
        footer: event.receipt_footer.clone(),
        terms: event.terms.clone(),
    }
}

pub(super) fn receipt_of(event: &Event, s: StoredReceipt) -> Receipt {
    let currency = event.currency;
    let texts = s.printed.clone().unwrap_or_else(|| texts_of(event));
    Receipt {
        copy: false,
        header: texts.header,
        footer: texts.footer,
        terms: texts.terms,
        member: s.member,
        vat_mode: s.vat_mode,
        event_name: texts.event_name,
        venue: texts.venue,
        time_zone: event.time_zone.clone(),
        station: s.number.station.clone(),
        vat: vat_breakdown(&s.lines, s.vat_mode, currency),
        number: s.number,
        paid_at: s.paid_at,
        lines: s.lines,
        total: s.total,
        tip: s.tip,
        tenders: s.tenders,
        payment_ref: s.payment_ref,
        claims: s.claims,
        tickets: s.tickets,
        training: s.training,
        fan_url: None,
    }
}

/// A basket priced and its units taken, with the fan and the lottery drops they buy.
struct TakenBasket {
    priced: Quote,
    sold: Vec<(Offer, u32)>,
    fan: Option<(FanId, Option<Member>)>,
    drawn: Vec<i64>,
}

/// Prices the basket as the fan was shown it, takes its units, and checks what depends on the
/// fan: per-fan limits and lottery buy codes.
fn take_basket(
    tx: &store::Conn,
    event: &Event,
    req: &SaleRequest,
    priced_at: Timestamp,
    now: Timestamp,
) -> PosResult<TakenBasket> {
    let (event_id, currency) = (event.id, event.currency);
    // Only what this basket touches: its offers, its bundles and their parts, and the discount
    // windows as they apply to those offers. A sale costs the same with ten offers or 100 000.
    let bundle_ids: Vec<i64> = req.bundles.iter().map(|b| b.0).collect();
    let bundles = deals::bundles_by_id(tx, event_id, &bundle_ids, currency)?;
    let offer_ids: Vec<i64> = req
        .items
        .iter()
        .map(|i| i.0)
        .chain(bundles.iter().flat_map(|b| b.parts.iter().map(|p| p.0)))
        .collect();
    let catalogue = offers::get_many(tx, event_id, &offer_ids, currency)?;
    let discounts = deals::discounts_for(tx, event_id, &offer_ids)?;
    let list = PriceList {
        offers: &catalogue,
        bundles: &bundles,
        discounts: &discounts,
        mode: event.vat_mode,
        currency,
    };
    let priced = basket::quote(list, &req.items, &req.bundles, priced_at)?;
    if priced.units().iter().any(|(_, q)| *q > MAX_QTY) {
        return Err(PosError::BadQuantity { max: MAX_QTY });
    }
    let sold = take_units_for(tx, event_id, currency, &req.checkout, &priced.units(), now)?;
    check_priority_addons(&sold)?;
    let fan = match req.fan.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(input) => Some(fans::identify_in(tx, input)?),
        None => None,
    };
    for (offer, qty) in &sold {
        fans::check_order_limit(offer, *qty)?;
        if let Some((id, _)) = &fan {
            fans::check_fan_limit(tx, offer, id, *qty)?;
        }
    }
    // Lottery drops sell only to drawn fans with an open buy code, one unit each.
    let mut drawn = Vec::new();
    // Its window is judged when the fan was shown the price, so paying never makes them late.
    for (offer, qty) in &sold {
        let id = fan.as_ref().map(|f| &f.0);
        if fans::check_lottery(tx, offer.id, id, req.fan.as_deref(), *qty, priced_at)? {
            drawn.push(offer.id);
        }
    }
    Ok(TakenBasket {
        priced,
        sold,
        fan,
        drawn,
    })
}

/// The tenders that settle `due` (split parts, then the method of the sale) and what they cost
/// the creator in fees.
pub(super) fn tenders_for(
    tx: &store::Conn,
    event_id: i64,
    req: &SaleRequest,
    due: Money,
) -> PosResult<(Vec<Tender>, i64)> {
    let mut tenders = settle_split(due, &req.parts, req.tender, req.tendered)?;
    if let Some(last) = tenders.last_mut() {
        last.reference = req
            .terminal_ref
            .as_deref()
            .map(str::trim)
            .filter(|r| req.tender == TenderKind::Card && !r.is_empty())
            .map(str::to_string);
    }
    let fees = events::fees(tx, event_id)?;
    let fee = tenders
        .iter()
        .map(|t| {
            fees.iter()
                .find(|f| f.0 == t.kind)
                .map_or(0, |f| f.1.on(t.tendered.minor - t.change.minor))
        })
        .sum();
    Ok((tenders, fee))
}

/// Takes the units of a sale (`units` per offer): what this checkout holds is already taken,
/// the rest must still be free; held units the basket no longer needs go back.
fn take_units_for(
    tx: &store::Conn,
    event_id: i64,
    currency: Currency,
    checkout: &Checkout,
    units: &[(i64, u32)],
    now: Timestamp,
) -> PosResult<Vec<(Offer, u32)>> {
    holds::release_expired(tx, now)?;
    let held = holds::take(tx, &checkout.order_id)?;
    let qty_in = |list: &[(i64, u32)], offer_id: i64| -> u32 {
        list.iter().filter(|h| h.0 == offer_id).map(|h| h.1).sum()
    };
    let mut sold = Vec::with_capacity(units.len());
    for &(offer_id, qty) in units {
        let offer = offers::get(tx, event_id, offer_id, currency)?
            .ok_or(PosError::UnknownOffer(offer_id))?;
        let missing = qty.saturating_sub(qty_in(&held, offer_id));
        if missing > 0 {
            check_sellable(&offer, missing, now)?;
            if !offers::take_units(tx, offer_id, missing)? {
                return Err(not_enough(&offer));
            }
        }
        sold.push((offer, qty));
    }
    for &(offer_id, qty) in &held {
        let unused = qty.saturating_sub(qty_in(units, offer_id));
        if unused > 0 {
            offers::give_units(tx, offer_id, unused)?;
        }
    }
    Ok(sold)
}

/// A priority add-on goes with a gig ticket of the same order: one per ticket at most.
fn check_priority_addons(sold: &[(Offer, u32)]) -> PosResult<()> {
    let count =
        |f: fn(&Offer) -> bool| -> u32 { sold.iter().filter(|(o, _)| f(o)).map(|(_, q)| q).sum() };
    let addons = count(|o| o.grants_priority);
    let gigs = count(|o| matches!(o.kind, OfferKind::Gig { .. }) && o.lane.is_some());
    if addons > gigs {
        let title = sold
            .iter()
            .find(|(o, _)| o.grants_priority)
            .map(|(o, _)| o.title.clone())
            .unwrap_or_default();
        return Err(PosError::AddOnWithoutGig { title, gigs });
    }
    Ok(())
}

pub(super) fn check_sellable(offer: &Offer, qty: u32, now: jiff::Timestamp) -> PosResult<()> {
    match offer.availability(now) {
        Availability::OpensIn { secs } => Err(PosError::NotOpenYet {
            title: offer.title.clone(),
            opens_in: countdown(secs),
        }),
        Availability::Closed => Err(PosError::Closed {
            title: offer.title.clone(),
        }),
        Availability::SoldOut => Err(PosError::SoldOut {
            title: offer.title.clone(),
        }),
        Availability::Left(n) if n < qty => Err(not_enough(offer)),
        Availability::Left(_) | Availability::Unlimited => Ok(()),
    }
}

fn not_enough(offer: &Offer) -> PosError {
    match offer.remaining {
        Some(0) | None => PosError::SoldOut {
            title: offer.title.clone(),
        },
        Some(left) => PosError::NotEnough {
            title: offer.title.clone(),
            left,
        },
    }
}

/// The sale's refusals that need no database: an empty basket, an absurd quantity.
fn check_quantities(req: &SaleRequest) -> PosResult<()> {
    if req.items.is_empty() && req.bundles.is_empty() {
        return Err(PosError::EmptyCart);
    }
    if req
        .items
        .iter()
        .chain(&req.bundles)
        .any(|(_, q)| !(1..=MAX_QTY).contains(q))
    {
        return Err(PosError::BadQuantity { max: MAX_QTY });
    }
    if let Some(r) = &req.terminal_ref {
        crate::domain::field::check_text("terminal reference", r.trim(), 40)
            .map_err(PosError::Invalid)?;
    }
    Ok(())
}

/// The writing side of a sale, inside the gate: the basket priced as of `priced_at` and taken
/// from stock, the tenders, the order with its claims and tickets, the fan's part, the texts
/// the receipt was printed with.
fn record_sale(
    w: &Write,
    event: &Event,
    issuer: &Issuer,
    req: &SaleRequest,
    priced_at: Timestamp,
) -> PosResult<Receipt> {
    let (tx, now, currency) = (w.tx(), w.at(), event.currency);
    let basket = take_basket(tx, event, req, priced_at, now)?;
    let (priced, sold, fan) = (&basket.priced, &basket.sold, &basket.fan);
    let total = priced.total;
    if let Some(expected) = req.expected_total
        && expected != total
    {
        return Err(PosError::TotalChanged {
            charged: expected,
            total,
        });
    }
    let tip = req.tip.unwrap_or(Money::new(0, currency));
    check_tip(tip, total)?;
    let due = Money::new(total.minor + tip.minor, currency);
    let (tenders, fee) = tenders_for(tx, event.id, req, due)?;
    let sale = Sale {
        priced,
        sold,
        total,
        tip,
        tenders: &tenders,
        fee,
        mode: event.vat_mode,
    };
    let (number, claims, tickets) = issuer.record(w, req, &sale)?;
    let order_id = req.checkout.order_id.as_str();
    checkouts::paid(tx, order_id, now)?;
    let who = (fan.as_ref(), req.fan.as_deref().unwrap_or_default());
    let member = settle_fan(tx, order_id, who, &sale, currency, now)?;
    if let Some((id, _)) = fan {
        for offer_id in &basket.drawn {
            lottery_bought(tx, *offer_id, id, order_id)?;
        }
    }
    let printed = texts_of(event);
    orders::set_printed(tx, order_id, &printed)?;
    // Built from what was written (a test checks it equals the stored receipt).
    let stored = StoredReceipt {
        order_id: req.checkout.order_id.clone(),
        number,
        payment_ref: req.checkout.payment_ref.clone(),
        paid_at: now,
        lines: priced.receipt_lines(),
        total,
        tip,
        tenders,
        claims,
        tickets,
        vat_mode: event.vat_mode,
        printed: Some(printed),
        member,
        training: false,
    };
    Ok(receipt_of(event, stored))
}
