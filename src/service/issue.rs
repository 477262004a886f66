//! Writing a sale: the order, its lines and tenders, claim codes and queue tickets, the
//! collaborators' splits, who bought (member credit, passes, priority), and the audit entry —
//! all inside the sale's one transaction.

use crate::domain::field::FieldError;
use ed25519_dalek::SigningKey;
use jiff::Timestamp;
use serde_json::json;

use super::checkout::{MAX_QTY, SaleRequest};
use super::fans;
use super::gate::Write;
use super::{PosError, PosResult};
use crate::domain::basket::{self, Quote};
use crate::domain::catalogue::{Offer, OfferKind};
use crate::domain::claim::{self, ClaimBody, FORMAT_VERSION, MAX_SERIAL};
use crate::domain::fan::FanId;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{IssuedClaim, IssuedTicket, MemberLine, ReceiptNo, Tender, TenderKind};
use crate::domain::pricing::{OfferFigures, Share, VatMode};
use crate::domain::report::{OrderRow, Tally};
use crate::store::fans::Member;
use crate::store::orders::{LineMeta, NewOrder};
use crate::store::{self, claims, events, offers, orders, tickets};

/// Who keeps what the collaborators' shares leave, in the splits.
pub const OWNER: &str = "Creator";

/// A sale's figures, computed before anything is written.
pub(super) struct Sale<'a> {
    pub(super) priced: &'a Quote,
    pub(super) sold: &'a [(Offer, u32)],
    pub(super) total: Money,
    pub(super) tip: Money,
    pub(super) tenders: &'a [Tender],
    pub(super) fee: i64,
    pub(super) mode: VatMode,
}

/// What claim issuing needs to know about this seat.
pub(super) struct Issuer<'a> {
    pub(super) event_id: i64,
    pub(super) key: &'a (u8, SigningKey),
    pub(super) valid_until: Timestamp,
    pub(super) station_id: i64,
    pub(super) station_no: u8,
    pub(super) station: &'a str,
}

impl Issuer<'_> {
    /// Writes the order, its lines and tenders, the claims and tickets, the collaborator
    /// splits and the audit entry.
    pub(super) fn record(
        &self,
        w: &Write,
        req: &SaleRequest,
        sale: &Sale<'_>,
    ) -> PosResult<(ReceiptNo, Vec<IssuedClaim>, Vec<IssuedTicket>)> {
        let (tx, now) = (w.tx(), w.at());
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
        let splits = share_out_order(tx, order_id, &lines, sale)?;
        let part = tally_of(&order, (&lines, &meta), sale.tenders, &splits);
        store::tally::add(tx, order_id, &part)?;
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
            // What a retry of this order id must ask for again (Pos::sell_once).
            "terms": req.terms_digest(&store::fans::salt(tx)?),
        });
        w.log("sale", &number.to_string(), detail)?;
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

/// Records who bought: their fan id and membership; a pass makes them a member with its
/// credit; member credit pays its tender parts; members' gig tickets are priority tickets.
/// Returns the member line for the receipt.
pub(super) fn settle_fan(
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
    check_fan_pays(
        fan.map(|f| f.1.as_ref()),
        pass_credit,
        credit_paid,
        currency,
    )?;
    let Some((id, member)) = fan else {
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
        return Err(PosError::Invalid(FieldError::new(
            "member credit",
            format!(
                "{credit} left, not enough for {}",
                Money::new(credit_paid, currency)
            ),
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
        .ok_or_else(|| PosError::Refused("member vanished".into()))?;
    Ok(Some(MemberLine {
        code: m.code.to_string(),
        name: m.name,
        credit: m.credit,
    }))
}

/// Shares the order's net revenue and tip out to the collaborators of its offers. Every order
/// is shared out, the creator's own sales too, so the totals say who is owed what.
fn share_out_order(
    tx: &store::Conn,
    order_id: &str,
    lines: &[crate::domain::order::Line],
    sale: &Sale<'_>,
) -> PosResult<Vec<(String, i64)>> {
    let mut shares: Vec<(i64, Vec<(String, Share)>)> = Vec::new();
    for line in lines {
        if !shares.iter().any(|s| s.0 == line.offer_id) {
            shares.push((line.offer_id, offers::splits(tx, line.offer_id)?));
        }
    }
    let splits = basket::order_splits(lines, sale.tip.minor, sale.mode, OWNER, |id| {
        shares
            .iter()
            .find(|s| s.0 == id)
            .map(|s| s.1.clone())
            .unwrap_or_default()
    });
    orders::insert_splits(tx, order_id, &splits)?;
    Ok(splits)
}

/// What the sale adds to its shift's tally: the same rows a report would read back of it.
fn tally_of(
    order: &NewOrder<'_>,
    (lines, meta): (&[crate::domain::order::Line], &[LineMeta]),
    tenders: &[Tender],
    splits: &[(String, i64)],
) -> Tally {
    let amount = |l: &crate::domain::order::Line| l.amount().minor;
    let row = OrderRow {
        station: String::new(),
        seq: order.receipt_seq,
        paid_at: order.paid_at,
        total: order.total.minor,
        tip: order.tip.minor,
        fee: order.fee,
        discount: lines.iter().map(|l| l.discount).sum(),
        mode: order.vat_mode,
        by_rate: lines.iter().map(|l| (l.vat, amount(l))).collect(),
        tenders: tenders
            .iter()
            .map(|t| (t.kind, t.tendered.minor - t.change.minor))
            .collect(),
    };
    let lines_sum: i64 = lines.iter().map(amount).sum();
    let figures: Vec<OfferFigures> = lines
        .iter()
        .zip(meta)
        .map(|(l, m)| OfferFigures {
            offer_id: l.offer_id,
            title: l.title.as_str().into(),
            unit_price: l.unit_price.minor,
            vat_bp: l.vat.0,
            qty: l.qty,
            discount: l.discount,
            cost: m.cost,
            vat_mode: order.vat_mode,
            order_fee: order.fee,
            order_lines_sum: lines_sum,
            refunded: 0,
        })
        .collect();
    Tally::of_rows(&[row], &figures, splits, order.total.currency)
}

/// A membership pass or member credit needs an identified fan, a member to pay by credit, and
/// credit in the event's currency. `member` is None without a fan, `Some(None)` for a fan who
/// is not a member.
fn check_fan_pays(
    member: Option<Option<&Member>>,
    pass_credit: i64,
    credit_paid: i64,
    currency: Currency,
) -> PosResult<()> {
    let Some(member) = member else {
        if pass_credit > 0 || credit_paid > 0 {
            return Err(PosError::Invalid(FieldError::new(
                "fan",
                "a membership pass or member credit needs the fan (member card, phone, e-mail or @handle)",
            )));
        }
        return Ok(());
    };
    if credit_paid > 0 {
        match member {
            None => {
                return Err(PosError::Invalid(FieldError::new(
                    "member credit",
                    "this fan is not a member (scan their member card)",
                )));
            }
            Some(m) if m.credit.currency != currency => {
                return Err(PosError::Invalid(FieldError::new(
                    "member credit",
                    format!(
                        "{} is in {}, this event sells in {currency}",
                        m.name, m.credit.currency
                    ),
                )));
            }
            Some(_) => {}
        }
    }
    if pass_credit > 0 && member.is_some_and(|m| m.credit.currency != currency) {
        return Err(PosError::Invalid(FieldError::new(
            "membership pass",
            format!("this member's credit is in another currency than {currency}"),
        )));
    }
    Ok(())
}

fn id_u16(what: &'static str, id: i64) -> PosResult<u16> {
    u16::try_from(id).map_err(|_| PosError::ClaimField { what, value: id })
}
