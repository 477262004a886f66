//! Refunds behind the creator's PIN: money back, claim codes revoked, queue tickets cancelled,
//! unredeemed units back in stock — one transaction, one audit entry.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde_json::json;

use super::{Pos, PosError, PosResult};
use crate::domain::basket::{net_of_vat, share_out};
use crate::domain::money::Money;
use crate::domain::order::{Line, ReceiptNo, TenderKind, lines_total, refund_routes};
use crate::domain::payment::PaymentProfile;
use crate::domain::refund::{self, Refund, RefundableLine};
use crate::store::orders::{self, OrderKey, StoredReceipt};
use crate::store::{audit, events, fans, offers, refunds};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Can do everything.
    Creator,
    /// Sells, runs the queue and redeems; no price edits, no refunds.
    Helper,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Creator => "creator",
            Role::Helper => "helper",
        }
    }
}

/// What to refund.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// The receipt.
    pub receipt: ReceiptNo,
    /// `(offer id, units)`; None refunds everything not refunded yet.
    pub lines: Option<Vec<(i64, u32)>>,
    /// Why, for the audit log and the refund receipt.
    pub reason: String,
    /// The creator's PIN.
    pub pin: String,
}

/// PINs are 4 to 12 digits: typed on a touch screen, hashed with Argon2id.
fn check_pin_shape(pin: &str) -> PosResult<()> {
    if (4..=12).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PosError::Pin("PIN: 4 to 12 digits".into()))
    }
}

/// An Argon2id PHC string for a PIN, with a fresh random salt.
pub(super) fn hash_pin(pin: &str) -> PosResult<String> {
    check_pin_shape(pin)?;
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| PosError::Pin(e.to_string()))?;
    let hash = Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| PosError::Pin(e.to_string()))?;
    Ok(hash.to_string())
}

impl Pos {
    /// Sets the PIN of `role`; once a creator PIN exists, changing any PIN needs it.
    pub fn set_pin(&mut self, role: Role, pin: &str, creator_pin: Option<&str>) -> PosResult<()> {
        check_pin_shape(pin)?;
        if refunds::pin(self.store.conn(), self.event.id, Role::Creator.name())?.is_some() {
            self.check_pin(Role::Creator, creator_pin.unwrap_or_default())?;
        }
        let hash = hash_pin(pin)?;
        let (now, station, event_id) = (self.now(), self.station.clone(), self.event.id);
        let tx = self.store.immediate()?;
        refunds::set_pin(&tx, event_id, role.name(), &hash)?;
        audit::append(&tx, now, &station, "pin.set", role.name(), &json!({}))?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the event's QR payment profile (creator only); the change is audit-logged with
    /// the profile before and after.
    pub fn set_payment_profile(
        &mut self,
        profile: PaymentProfile,
        creator_pin: &str,
    ) -> PosResult<()> {
        profile.validate()?;
        self.check_pin(Role::Creator, creator_pin)?;
        let (now, station, event_id) = (self.now(), self.station.clone(), self.event.id);
        let detail = json!({ "before": self.event.payment, "after": profile });
        let tx = self.store.immediate()?;
        events::set_payment(&tx, event_id, Some(&profile))?;
        audit::append(
            &tx,
            now,
            &station,
            "event.payment",
            &event_id.to_string(),
            &detail,
        )?;
        tx.commit()?;
        self.event.payment = Some(profile);
        Ok(())
    }

    /// Checks `pin` against the role's stored hash.
    pub fn check_pin(&self, role: Role, pin: &str) -> PosResult<()> {
        let stored =
            refunds::pin(self.store.conn(), self.event.id, role.name())?.ok_or_else(|| {
                PosError::Pin(format!(
                    "no {} PIN is set: set one with `encore pin set {}`",
                    role.name(),
                    role.name()
                ))
            })?;
        let hash = PasswordHash::new(&stored)
            .map_err(|e| PosError::Pin(format!("stored PIN unreadable: {e}")))?;
        Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .map_err(|_| PosError::Pin(format!("wrong {} PIN", role.name())))
    }

    /// Refunds a receipt (whole or chosen lines) after checking the creator's PIN.
    pub fn refund(&mut self, req: &RefundRequest) -> PosResult<Refund> {
        // The slow hash runs before the write lock is taken.
        self.check_pin(Role::Creator, &req.pin)?;
        let now = self.now();
        let (event_id, currency, station_id) =
            (self.event.id, self.event.currency, self.station_id);
        let station = self.station.clone();
        let tx = self.store.immediate()?;
        let order = orders::load(&tx, event_id, OrderKey::Receipt(&req.receipt), currency)?
            .ok_or_else(|| PosError::NoReceipt(req.receipt.to_string()))?;
        let done = refunds::refunded_per_line(&tx, &order.order_id)?;
        let refundable: Vec<RefundableLine> = order
            .lines
            .iter()
            .zip(1u32..)
            .map(|(line, line_no)| RefundableLine {
                line_no,
                line: line.clone(),
                refunded: done.iter().filter(|d| d.0 == line_no).map(|d| d.1).sum(),
            })
            .collect();
        let plan = refund::plan(&refundable, req.lines.as_deref())?;
        let before = refunds::refunded_amount(&tx, &order.order_id)?;
        let amount = refund_amount(&order, &refundable, &plan, before);
        let back = refund_routes(&order.tenders, Money::new(before, currency), amount);
        let mut revoked = 0;
        for (_, line) in &plan {
            let (_, units) =
                refunds::revoke_claims(&tx, &order.order_id, line.offer_id, line.qty, now)?;
            revoked += units;
            // Units never handed over go back on sale; items (no claim) are unlimited anyway.
            if units > 0 {
                offers::give_units(&tx, line.offer_id, units)?;
            }
        }
        let refunded_lines: Vec<Line> = plan.iter().map(|(_, l)| l.clone()).collect();
        // The refund takes back its share of what was shared out when the order was sold (the
        // stored rows, so later changes to an offer's collaborators do not matter).
        let base: i64 = refunded_lines
            .iter()
            .map(|l| net_of_vat(l, order.vat_mode))
            .sum();
        let stored = orders::splits_of(&tx, &order.order_id)?;
        orders::refund_splits(&tx, &order.order_id, &share_out(base, &stored))?;
        let member = fans::order_member(&tx, &order.order_id)?;
        let credit_back: i64 = back
            .iter()
            .filter(|(kind, _)| *kind == TenderKind::Credit)
            .map(|(_, m)| m.minor)
            .sum();
        // A refunded membership pass takes its credit back; refused once the credit is spent.
        let mut pass_credit = 0;
        for line in &refunded_lines {
            if let Some(offer) = offers::get(&tx, event_id, line.offer_id, currency)? {
                pass_credit += offer.pass_credit * i64::from(line.qty);
            }
        }
        if let Some(member) = member
            && !fans::move_credit(&tx, member, credit_back - pass_credit)?
        {
            return Err(PosError::Invalid(format!(
                "membership pass: its {} of credit was spent already; refund the other lines only",
                Money::new(pass_credit, currency)
            )));
        }
        let seq = refunds::take_seq(&tx, station_id)?;
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
        };
        refunds::insert(&tx, &new)?;
        let number = format!("{station}-R{seq:06}");
        let detail = json!({ "receipt": req.receipt.to_string(), "amount_minor": amount.minor, "lines": counts, "revoked": revoked, "reason": reason });
        audit::append(&tx, now, &station, "refund", &number, &detail)?;
        tx.commit()?;
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
    }
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
