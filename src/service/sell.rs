//! Checkout and sale: the whole sale commits in one immediate transaction.

use ed25519_dalek::SigningKey;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use uuid::Uuid;

use super::fans;
use super::lottery::{lottery_bought, lottery_gate};
use super::{Pos, PosError, PosResult};
use crate::domain::basket::{self, PriceList, Quote};
use crate::domain::catalogue::{Availability, Offer, OfferKind, countdown};
use crate::domain::claim::{self, ClaimBody, FORMAT_VERSION, MAX_SERIAL};
use crate::domain::event::Event;
use crate::domain::fan::FanId;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{
    IssuedClaim, IssuedTicket, MemberLine, OrderSummary, Receipt, ReceiptNo, ReceiptTexts, Tender,
    TenderKind, check_tip, settle_split, vat_breakdown,
};
use crate::domain::payment::{PaymentQr, payment_reference};
use crate::domain::pricing::{Share, VatMode};
use crate::domain::reconcile::{self, Credit, QrOrder, Reconciliation};
use crate::store::fans::Member;
use crate::store::orders::{LineMeta, NewOrder, OrderKey, StoredReceipt};
use crate::store::{self, audit, claims, deals, events, holds, offers, orders, tickets};

/// Most units of one offer in one sale: a guard against a stuck key, not a business rule.
const MAX_QTY: u32 = 99;

/// An order about to be paid: its id and payment reference exist before the money moves, so a
/// retried "Received" can never sell twice and the fan's transfer can be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// Client-generated UUIDv7 of the order-to-be.
    pub order_id: String,
    /// Reference the fan's transfer carries.
    pub payment_ref: String,
}

/// What to sell and how it is paid.
#[derive(Debug, Clone)]
pub struct SaleRequest {
    /// From [`Pos::start_checkout`].
    pub checkout: Checkout,
    /// `(offer id, quantity)` pairs.
    pub items: Vec<(i64, u32)>,
    /// Method (for a split: the method that pays what the parts leave).
    pub tender: TenderKind,
    /// Cash handed over (cash only).
    pub tendered: Option<Money>,
    /// Split tender: parts already taken by other methods, each exactly its amount; empty for
    /// the usual one-method sale.
    pub parts: Vec<(TenderKind, Money)>,
    /// The total the fan was shown and charged; the sale is refused if prices changed since.
    pub expected_total: Option<Money>,
    /// The card terminal's transaction reference (card only, optional).
    pub terminal_ref: Option<String>,
    /// A tip on top of the total, kept apart from sales and VAT.
    pub tip: Option<Money>,
    /// `(bundle id, count)` pairs.
    pub bundles: Vec<(i64, u32)>,
    /// When the fan was shown the price (the checkout's start): discount windows are taken as
    /// they were then, so a window closing while the fan pays never changes what they owe.
    /// Ignored when older than the event's hold time.
    pub priced_at: Option<Timestamp>,
    /// Who is buying, as typed or scanned: a phone number, e-mail, @handle, member code or
    /// lottery buy code. Needed for per-fan limits, passes, credit and lottery drops.
    pub fan: Option<String>,
}

impl SaleRequest {
    /// A plain sale of `items` by one method, nothing else set.
    pub fn new(checkout: Checkout, items: Vec<(i64, u32)>, tender: TenderKind) -> SaleRequest {
        SaleRequest {
            checkout,
            items,
            tender,
            tendered: None,
            parts: Vec::new(),
            expected_total: None,
            terminal_ref: None,
            tip: None,
            bundles: Vec::new(),
            priced_at: None,
            fan: None,
        }
    }
}

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
        let now = self.now();
        let expires = now
            .saturating_add(jiff::SignedDuration::from_secs(i64::from(
                self.event.hold_secs,
            )))
            .unwrap_or(now);
        let (event_id, currency) = (self.event.id, self.event.currency);
        let station = self.station.clone();
        let tx = self.store.immediate()?;
        holds::release_expired(&tx, now)?;
        for &(offer_id, qty) in items {
            let offer = offers::get(&tx, event_id, offer_id, currency)?
                .ok_or(PosError::UnknownOffer(offer_id))?;
            check_sellable(&offer, qty, now)?;
            if !offers::take_units(&tx, offer_id, qty)? {
                return Err(not_enough(&offer));
            }
            holds::insert(&tx, &checkout.order_id, offer_id, qty, expires, &station)?;
        }
        tx.commit()?;
        Ok(expires)
    }

    /// Gives a cancelled payment's held units back; the audit log keeps its payment reference,
    /// so a transfer that arrives anyway can still be matched and refunded.
    pub fn release_hold(&mut self, checkout: &Checkout) -> PosResult<()> {
        let (now, station) = (self.now(), self.station.clone());
        let tx = self.store.immediate()?;
        holds::release(&tx, &checkout.order_id)?;
        let detail = json!({ "order": checkout.order_id, "payment_ref": checkout.payment_ref });
        audit::append(
            &tx,
            now,
            &station,
            "payment.cancel",
            &checkout.payment_ref,
            &detail,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Gives back the units of every expired hold; cheap when none expired.
    pub fn release_expired_holds(&mut self) -> PosResult<usize> {
        let now = self.now();
        if !holds::any_expired(self.store.conn(), now)? {
            return Ok(0);
        }
        let tx = self.store.immediate()?;
        let released = holds::release_expired(&tx, now)?;
        tx.commit()?;
        Ok(released)
    }

    /// The QR a fan scans to pay `amount` for this checkout.
    pub fn payment_qr(&self, amount: Money, checkout: &Checkout) -> PosResult<PaymentQr> {
        let profile = self
            .event
            .payment
            .as_ref()
            .ok_or(PosError::NoPaymentProfile)?;
        Ok(profile.payload(amount, &checkout.payment_ref)?)
    }

    /// Sells and records payment in one transaction: order, lines, stock, tender, receipt number,
    /// claim codes, queue tickets and audit entry. Retrying the same checkout returns the same receipt.
    pub fn sell(&mut self, req: &SaleRequest) -> PosResult<Receipt> {
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
        let now = self.now();
        let Pos {
            store,
            event,
            key,
            station_id,
            station,
            station_no,
            ..
        } = self;
        let (event_id, currency) = (event.id, event.currency);
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
        let tx = store.immediate()?;
        // Another station may have rotated the key: new codes use the newest.
        let (key_id, secret) = events::current_key(&tx, event_id)?;
        if key_id != key.0 {
            *key = (key_id, SigningKey::from_bytes(&secret));
        }
        let issuer = Issuer {
            event_id,
            key,
            valid_until,
            station_id: *station_id,
            station_no: *station_no,
            station,
        };
        if let Some(done) = orders::load(
            &tx,
            event_id,
            OrderKey::Id(&req.checkout.order_id),
            currency,
        )? {
            return Ok(receipt_of(event, done));
        }
        let catalogue = offers::list(&tx, event_id, currency)?;
        let bundles = if req.bundles.is_empty() {
            Vec::new()
        } else {
            deals::bundles(&tx, event_id, currency)?
        };
        let discounts = deals::discounts(&tx, event_id)?;
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
        let sold = take_units_for(&tx, event_id, currency, &req.checkout, &priced.units(), now)?;
        check_priority_addons(&sold)?;
        let fan = match req.fan.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(input) => Some(fans::identify_in(&tx, input)?),
            None => None,
        };
        if let Some((id, _)) = &fan {
            for (offer, qty) in &sold {
                fans::check_fan_limit(&tx, offer, id, *qty)?;
            }
        }
        // Lottery drops sell only to drawn fans with an open buy code, one unit each.
        let mut drawn = Vec::new();
        for (offer, qty) in &sold {
            if lottery_gate(&tx, offer.id, fan.as_ref().map(|f| &f.0), *qty, now)? {
                drawn.push(offer.id);
            }
        }
        let lines = priced.receipt_lines();
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
        let mut tenders = settle_split(due, &req.parts, req.tender, req.tendered)?;
        if let Some(last) = tenders.last_mut() {
            last.reference = req
                .terminal_ref
                .as_deref()
                .map(str::trim)
                .filter(|r| req.tender == TenderKind::Card && !r.is_empty())
                .map(|r| r.chars().take(40).collect());
        }
        let fees = events::fees(&tx, event_id)?;
        let fee = tenders
            .iter()
            .map(|t| {
                fees.iter()
                    .find(|f| f.0 == t.kind)
                    .map_or(0, |f| f.1.on(t.tendered.minor - t.change.minor))
            })
            .sum();
        let sale = Sale {
            priced: &priced,
            sold: &sold,
            total,
            tip,
            tenders: &tenders,
            fee,
            mode: event.vat_mode,
        };
        let (number, claims, tickets) = issuer.record(&tx, req, &sale, now)?;
        let order_id = req.checkout.order_id.as_str();
        let who = (fan.as_ref(), req.fan.as_deref().unwrap_or_default());
        let member = settle_fan(&tx, order_id, who, &sale, currency, now)?;
        if let Some((id, _)) = &fan {
            for offer_id in drawn {
                lottery_bought(&tx, offer_id, id, order_id)?;
            }
        }
        let printed = texts_of(event);
        orders::set_printed(&tx, order_id, &printed)?;
        tx.commit()?;
        // Built from what was written (a test checks it equals the stored receipt).
        let stored = StoredReceipt {
            order_id: req.checkout.order_id.clone(),
            number,
            payment_ref: req.checkout.payment_ref.clone(),
            paid_at: now,
            lines,
            total,
            tip,
            tenders,
            claims,
            tickets,
            vat_mode: event.vat_mode,
            printed: Some(printed),
            member,
        };
        Ok(receipt_of(event, stored))
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
        Ok(receipt_of(&self.event, stored))
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
        Ok(receipt_of(&self.event, stored))
    }

    /// Matches bank credits to this event's QR orders (read-only).
    pub fn reconcile(&self, credits: &[Credit]) -> PosResult<Reconciliation> {
        let orders: Vec<QrOrder> = orders::paid_with(
            self.store.conn(),
            self.event.id,
            TenderKind::Qr,
            self.event.currency,
        )?
        .into_iter()
        .map(|(receipt, payment_ref, total)| QrOrder {
            receipt,
            payment_ref,
            total,
        })
        .collect();
        Ok(reconcile::reconcile(credits, &orders))
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

/// Who keeps what the collaborators' shares leave, in the splits.
pub const OWNER: &str = "Creator";

/// A sale's figures, computed before anything is written.
struct Sale<'a> {
    priced: &'a Quote,
    sold: &'a [(Offer, u32)],
    total: Money,
    tip: Money,
    tenders: &'a [Tender],
    fee: i64,
    mode: VatMode,
}

/// What claim issuing needs to know about this seat.
struct Issuer<'a> {
    event_id: i64,
    key: &'a (u8, SigningKey),
    valid_until: Timestamp,
    station_id: i64,
    station_no: u8,
    station: &'a str,
}

impl Issuer<'_> {
    /// Writes the order, its lines and tenders, the claims and tickets, the collaborator
    /// splits and the audit entry.
    fn record(
        &self,
        tx: &store::Conn,
        req: &SaleRequest,
        sale: &Sale<'_>,
        now: Timestamp,
    ) -> PosResult<(ReceiptNo, Vec<IssuedClaim>, Vec<IssuedTicket>)> {
        let seq = events::take_receipt_seq(tx, self.station_id)?;
        let order_id = req.checkout.order_id.as_str();
        let order = NewOrder {
            id: order_id,
            event_id: self.event_id,
            station_id: self.station_id,
            receipt_seq: seq,
            payment_ref: &req.checkout.payment_ref,
            total: sale.total,
            tip: sale.tip,
            paid_at: now,
            vat_mode: sale.mode,
            fee: sale.fee,
        };
        let lines = sale.priced.receipt_lines();
        let meta: Vec<LineMeta> = sale
            .priced
            .lines
            .iter()
            .map(|l| LineMeta {
                discount_id: l.discount_id,
                bundle_id: l.bundle_id,
                cost: l.cost,
            })
            .collect();
        orders::insert(tx, &order, &lines, &meta, sale.tenders)?;
        let mut shares: Vec<(i64, Vec<(String, Share)>)> = Vec::new();
        for line in &lines {
            if !shares.iter().any(|s| s.0 == line.offer_id) {
                shares.push((line.offer_id, offers::splits(tx, line.offer_id)?));
            }
        }
        // Every order is shared out, the creator's own sales too, so the totals say who is owed what.
        let splits = basket::order_splits(&lines, sale.tip.minor, sale.mode, OWNER, |id| {
            shares
                .iter()
                .find(|s| s.0 == id)
                .map(|s| s.1.clone())
                .unwrap_or_default()
        });
        orders::insert_splits(tx, order_id, &splits)?;
        let (mut claims, mut tickets) = (Vec::new(), Vec::new());
        for l in &lines {
            let offer = sale
                .sold
                .iter()
                .find(|(o, _)| o.id == l.offer_id)
                .map(|(o, _)| o)
                .ok_or(PosError::UnknownOffer(l.offer_id))?;
            self.issue_claims(tx, offer, l.qty, order_id, now, (&mut claims, &mut tickets))?;
        }
        let priority: u32 = sale
            .sold
            .iter()
            .filter(|(o, _)| o.grants_priority)
            .map(|(_, q)| q)
            .sum();
        if priority > 0 {
            tickets::prioritize_order(tx, order_id, priority)?;
        }
        let number = ReceiptNo {
            station: self.station.to_string(),
            seq,
        };
        let (total, tip) = (sale.total, sale.tip);
        let detail = json!({
            "order": order_id, "total_minor": total.minor, "tip_minor": tip.minor, "currency": total.currency.code(),
            "tenders": sale.tenders.iter().map(|t| json!({ "kind": t.kind.name(), "minor": t.tendered.minor - t.change.minor })).collect::<Vec<_>>(),
            "payment_ref": req.checkout.payment_ref, "lines": req.items, "bundles": req.bundles,
            "discount_minor": sale.priced.saving().minor, "fee_minor": sale.fee,
        });
        audit::append(tx, now, self.station, "sale", &number.to_string(), &detail)?;
        Ok((number, claims, tickets))
    }

    /// One claim per unit; gig units also get a ticket in the gig's lane.
    fn issue_claims(
        &self,
        tx: &store::Conn,
        offer: &Offer,
        qty: u32,
        order_id: &str,
        now: jiff::Timestamp,
        (claims_out, tickets_out): (&mut Vec<IssuedClaim>, &mut Vec<IssuedTicket>),
    ) -> PosResult<()> {
        if !offer.kind.is_claimable() {
            return Ok(());
        }
        // A gig gets a code (and a queue ticket) per unit, one fan per session; other claimable
        // units share one code for the quantity, redeemed a unit at a time.
        let gig = matches!(offer.kind, OfferKind::Gig { .. });
        let (codes, units) = if gig { (qty, 1) } else { (1, qty) };
        let valid_until =
            claim::valid_until_hour(self.valid_until).ok_or(PosError::ClaimField {
                what: "claim validity end (hours since 2025)",
                value: self.valid_until.as_second(),
            })?;
        for _ in 0..codes {
            let serial = events::take_claim_serial(tx, self.station_id)?;
            if serial > MAX_SERIAL {
                return Err(PosError::ClaimField {
                    what: "claim serial",
                    value: i64::from(serial),
                });
            }
            let body = ClaimBody {
                version: FORMAT_VERSION,
                key_id: self.key.0,
                event: id_u16("event", self.event_id)?,
                station: self.station_no,
                serial,
                offer: id_u16("offer", offer.id)?,
                quantity: u8::try_from(units)
                    .map_err(|_| PosError::BadQuantity { max: MAX_QTY })?,
                valid_until: Some(valid_until),
            };
            let code = claim::issue(body, &self.key.1);
            let new = claims::NewClaim {
                code: &code,
                order_id,
                offer_id: offer.id,
                station_id: self.station_id,
                serial,
                quantity: units,
                key_id: self.key.0,
                valid_until: body.expires_at(),
            };
            let claim_id = claims::insert(tx, &new)?;
            claims_out.push(IssuedClaim {
                code: code.clone(),
                title: if units > 1 {
                    format!("{units}× {}", offer.title)
                } else {
                    offer.title.clone()
                },
            });
            if let (OfferKind::Gig { .. }, Some(lane)) = (&offer.kind, offer.lane) {
                let label =
                    tickets::issue(tx, self.event_id, lane, offer.id, order_id, claim_id, now)?;
                tickets_out.push(IssuedTicket {
                    label: label.to_string(),
                    title: offer.title.clone(),
                });
            }
        }
        Ok(())
    }
}

/// The event's texts as this sale prints them.
fn texts_of(event: &Event) -> ReceiptTexts {
    ReceiptTexts {
        event_name: event.name.clone(),
        venue: event.venue.clone(),
        header: event.receipt_header.clone(),
        footer: event.receipt_footer.clone(),
        terms: event.terms.clone(),
    }
}

/// Records who bought: their fan id and membership; a pass makes them a member with its
/// credit; member credit pays its tender parts; members' gig tickets are priority tickets.
/// Returns the member line for the receipt.
fn settle_fan(
    tx: &store::Conn,
    order_id: &str,
    (fan, input): (Option<&(FanId, Option<Member>)>, &str),
    sale: &Sale<'_>,
    currency: Currency,
    now: Timestamp,
) -> PosResult<Option<MemberLine>> {
    let pass_credit: i64 = sale
        .sold
        .iter()
        .map(|(o, q)| o.pass_credit * i64::from(*q))
        .sum();
    let credit_paid: i64 = sale
        .tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Credit)
        .map(|t| t.tendered.minor - t.change.minor)
        .sum();
    let Some((id, member)) = fan else {
        if pass_credit > 0 || credit_paid > 0 {
            return Err(PosError::Invalid(
                "fan: a membership pass or member credit needs the fan (member card, phone, e-mail or @handle)".into(),
            ));
        }
        return Ok(None);
    };
    let mut member_id = member.as_ref().map(|m| m.id);
    if pass_credit > 0 && member_id.is_none() {
        let name = fans::member_name(input);
        member_id = Some(fans::new_member(tx, &name, Some(id), currency, now)?);
    }
    store::fans::set_order_fan(tx, order_id, id, member_id)?;
    let Some(member_id) = member_id else {
        return Ok(None);
    };
    if credit_paid > 0 && !store::fans::move_credit(tx, member_id, -credit_paid)? {
        let credit = member
            .as_ref()
            .map_or(Money::new(0, currency), |m| m.credit);
        return Err(PosError::Invalid(format!(
            "member credit: {credit} left, not enough for {}",
            Money::new(credit_paid, currency)
        )));
    }
    if pass_credit > 0 {
        store::fans::move_credit(tx, member_id, pass_credit)?;
    }
    let gigs: u32 = sale
        .sold
        .iter()
        .filter(|(o, _)| matches!(o.kind, OfferKind::Gig { .. }))
        .map(|(_, q)| q)
        .sum();
    if gigs > 0 {
        tickets::prioritize_order(tx, order_id, gigs)?;
    }
    let m = store::fans::get(tx, member_id)?
        .ok_or_else(|| PosError::Invalid("member vanished".into()))?;
    Ok(Some(MemberLine {
        code: m.code.to_string(),
        name: m.name,
        credit: m.credit,
    }))
}

fn receipt_of(event: &Event, s: StoredReceipt) -> Receipt {
    let currency = event.currency;
    let texts = s.printed.clone().unwrap_or_else(|| texts_of(event));
    Receipt {
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
    }
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

fn check_sellable(offer: &Offer, qty: u32, now: jiff::Timestamp) -> PosResult<()> {
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

fn id_u16(what: &'static str, id: i64) -> PosResult<u16> {
    u16::try_from(id).map_err(|_| PosError::ClaimField { what, value: id })
}
