//! Refunds behind the creator's PIN: money back, claim codes revoked, queue tickets cancelled,
//! unredeemed units back in stock — one transaction, one audit entry.

use crate::domain::field::FieldError;
use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::basket::{net_of_vat, share_out};
use crate::domain::money::Money;
use crate::domain::order::{Line, ReceiptNo, TenderKind, lines_total, refund_routes};
use crate::domain::refund::{self, Refund, RefundableLine};
use crate::domain::report::Tally;
use crate::store::orders::{self, OrderKey, StoredReceipt};
use crate::store::{Conn, fans, offers, refunds};

/// Longest refund or drawer reason: one line on a receipt and in the log.
pub const MAX_REASON_CHARS: usize = 120;

/// What to refund.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// The receipt.
    pub receipt: ReceiptNo,
    /// `(offer id, units)`; None refunds everything not refunded yet.
    pub lines: Option<Vec<(i64, u32)>>,
    /// Why, for the audit log and the refund receipt.
    pub reason: String,
}

impl Pos {
    /// Refunds a receipt (whole or chosen lines); creator only.
    pub fn refund(&mut self, req: &RefundRequest, grant: &Grant) -> PosResult<Refund> {
        self.require(grant)?;
        crate::domain::field::check_text("reason", req.reason.trim(), MAX_REASON_CHARS)
            .map_err(PosError::Invalid)?;
        crate::fonts::check("reason", req.reason.trim()).map_err(PosError::Invalid)?;
        let (event_id, currency, station_id) =
            (self.event.id, self.event.currency, self.station_id);
        let station = self.station.clone();
        self.write(Role::Creator, |w| {
            let (tx, now) = (w.tx(), w.at());
            let order = orders::load(tx, event_id, OrderKey::Receipt(&req.receipt), currency)?
                .ok_or_else(|| PosError::NoReceipt(req.receipt.to_string()))?;
            if order.training {
                return Err(PosError::Refused(format!(
                    "{} is a training sale: it took no money, stock or claim codes, so there is nothing to refund",
                    req.receipt
                )));
            }
            let refundable = refundable_lines(tx, &order)?;
            let plan = refund::plan(&refundable, req.lines.as_deref())?;
            let before = refunds::refunded_amount(tx, &order.order_id)?;
            let amount = refund_amount(&order, &refundable, &plan, before);
            let back = refund_routes(&order.tenders, Money::new(before, currency), amount);
            let mut part = refund_tally(tx, &order, &plan)?;
            let revoked = take_back(tx, event_id, &order, &plan, &back, now, &mut part)?;
            let seq = refunds::take_seq(tx, station_id)?;
            let counts: Vec<(u32, u32)> = plan.iter().map(|(no, l)| (*no, l.qty)).collect();
            let reason = req.reason.trim();
            let new = refunds::NewRefund {
                order_id: &order.order_id,
                cash_minor: back
                    .iter()
                    .filter(|(kind, _)| *kind == TenderKind::Cash)
                    .map(|(_, m)| m.minor)
                    .sum(),
                station_id,
                seq,
                amount_minor: amount.minor,
                reason,
                at: now,
                lines: &counts,
                approved_by: w.by(),
            };
            refunds::insert(tx, &new)?;
            crate::store::tally::add(tx, &order.order_id, &part)?;
            let number = format!("{station}-R{seq:06}");
            let detail = json!({ "receipt": req.receipt.to_string(), "amount_minor": amount.minor, "lines": counts, "revoked": revoked, "reason": reason });
            w.log("refund", &number, detail)?;
            Ok(Refund {
                number,
                original: req.receipt.clone(),
                refunded_at: now,
                lines: plan.into_iter().map(|(_, l): (u32, Line)| l).collect(),
                amount,
                back,
                reason: reason.to_string(),
                revoked_units: revoked,
            })
        })
    }
}

/// What the refund takes off the tally of the order's shift: the refunded units' revenue and
/// margin (their fee stays: it is not given back). The shares taken back are added by
/// [`take_back`].
fn refund_tally(tx: &Conn, order: &StoredReceipt, plan: &[(u32, Line)]) -> PosResult<Tally> {
    let currency = order.total.currency;
    let mut lines = orders::line_figures(tx, &order.order_id)?;
    let mut part = Tally::default();
    for (line_no, refunded) in plan {
        let at = usize::try_from(*line_no)
            .unwrap_or(usize::MAX)
            .wrapping_sub(1);
        if let Some(line) = lines.get_mut(at) {
            let before = line.clone();
            line.refunded = line.refunded.saturating_add(refunded.qty).min(line.qty);
            part.refund_line(&before, line, currency);
        }
    }
    Ok(part)
}

/// The order's lines with what was refunded of each before.
fn refundable_lines(tx: &Conn, order: &StoredReceipt) -> PosResult<Vec<RefundableLine>> {
    let done = refunds::refunded_per_line(tx, &order.order_id)?;
    Ok(order
        .lines
        .iter()
        .zip(1u32..)
        .map(|(line, line_no)| RefundableLine {
            line_no,
            line: line.clone(),
            refunded: done.iter().filter(|d| d.0 == line_no).map(|d| d.1).sum(),
        })
        .collect())
}

/// Takes back what the refunded lines gave: their claim codes (units never handed over go back
/// on sale), their collaborators' shares, and member credit (a refunded pass takes its credit
/// back, refused once spent). Returns the claim units revoked.
fn take_back(
    tx: &Conn,
    event_id: i64,
    order: &StoredReceipt,
    plan: &[(u32, Line)],
    back: &[(TenderKind, Money)],
    now: jiff::Timestamp,
    part: &mut Tally,
) -> PosResult<u32> {
    let currency = order.total.currency;
    let mut revoked = 0;
    for (_, line) in plan {
        let (_, units) = refunds::revoke_claims(tx, &order.order_id, line.offer_id, line.qty, now)?;
        revoked += units;
        // Items (no claim) are unlimited anyway.
        if units > 0 {
            offers::give_units(tx, line.offer_id, units)?;
        }
    }
    // The refund takes back its share of what was shared out when the order was sold (the
    // stored rows, so later changes to an offer's collaborators do not matter).
    let base: i64 = plan
        .iter()
        .map(|(_, l)| net_of_vat(l, order.vat_mode))
        .sum();
    let stored = orders::splits_of(tx, &order.order_id)?;
    let taken = share_out(base, &stored);
    orders::refund_splits(tx, &order.order_id, &taken)?;
    for (who, amount) in &taken {
        part.add_share(who, -amount);
    }
    let credit_back: i64 = back
        .iter()
        .filter(|(kind, _)| *kind == TenderKind::Credit)
        .map(|(_, m)| m.minor)
        .sum();
    let mut pass_credit = 0;
    for (_, line) in plan {
        if let Some(offer) = offers::get(tx, event_id, line.offer_id, currency)? {
            pass_credit += offer.pass_credit * i64::from(line.qty);
        }
    }
    if let Some(member) = fans::order_member(tx, &order.order_id)?
        && !fans::move_credit(tx, member, credit_back - pass_credit)?
    {
        return Err(PosError::Invalid(FieldError::new(
            "membership pass",
            format!(
                "its {} of credit was spent already; refund the other lines only",
                Money::new(pass_credit, currency)
            ),
        )));
    }
    Ok(revoked)
}

/// What a refund gives back: the planned lines with their tax (exclusive mode adds it, rounded per
/// rate). Refunding the last units gives back exactly what is left of the total, so refunds in
/// parts never add up to a cent more or less than the fan paid.
fn refund_amount(
    order: &StoredReceipt,
    refundable: &[RefundableLine],
    plan: &[(u32, Line)],
    before: i64,
) -> Money {
    let currency = order.total.currency;
    let left = order.total.minor - before;
    let everything = refundable.iter().all(|r| {
        let now: u32 = plan
            .iter()
            .filter(|p| p.0 == r.line_no)
            .map(|p| p.1.qty)
            .sum();
        r.refunded + now >= r.line.qty
    });
    if everything {
        return Money::new(left, currency);
    }
    let lines: Vec<Line> = plan.iter().map(|(_, l)| l.clone()).collect();
    let amount = lines_total(&lines, order.vat_mode, currency);
    Money::new(amount.minor.min(left), currency)
}
