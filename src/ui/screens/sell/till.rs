//! Applying the till's ops: the basket, who the fan is, and the payment from the first method
//! tapped to the confirmation, with tips and split parts.

use super::{CONFIRM_GUARD_SECS, Payment, SellScreen, TillInputs, quote};
use crate::domain::claim;
use crate::domain::money::{Money, parse_amount};
use crate::domain::order::{Cart, TenderKind, parse_tip, tip_percent};
use crate::service::{Pos, PosError, PosResult, StartedPayment, TillExtras, sale_request};
use crate::ui::ctx::Fx;

impl SellScreen {
    pub(super) fn add_to_cart(&mut self, id: i64, fx: &mut Fx<'_>) {
        match self.payment {
            // Tapping a tile after a sale starts the next fan's basket.
            Payment::Paid { .. } => self.next_fan(),
            Payment::Pending { .. } => return,
            Payment::None => {}
        }
        if let Some(offer) = fx.shared.offers.iter().find(|o| o.id == id) {
            let in_cart = self.cart.qty_of(id);
            if offer.remaining.is_some_and(|left| in_cart >= left) {
                let left = offer.remaining.unwrap_or(0);
                fx.bad(format!("Only {left} of {} left", offer.title));
                return;
            }
            if let Some(limit) = offer.per_fan_limit()
                && in_cart >= limit
            {
                fx.bad(format!("{}: {limit} per fan", offer.title));
                return;
            }
            self.cart.add(offer);
            fx.clear();
        }
    }

    /// A clean basket and an anonymous fan, after a finished sale.
    fn next_fan(&mut self) {
        self.cart = Cart::default();
        self.payment = Payment::None;
        self.forget_fan();
    }

    pub(super) fn identify(&mut self, input: &str, pos: &Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let fan = pos.identify(input)?;
        fx.good(fan.label());
        self.fan = Some(fan);
        Ok(())
    }

    pub(super) fn scanned_member(
        &mut self,
        code: &str,
        pos: &Pos,
        fx: &mut Fx<'_>,
    ) -> PosResult<()> {
        match self.payment {
            Payment::Pending { .. } => Err(PosError::Refused(
                "a payment is under way: finish or cancel it, then scan the card".into(),
            )),
            Payment::Paid { .. } => {
                // The card of the next fan in line: a fresh basket for them.
                self.next_fan();
                self.identify(code, pos, fx)
            }
            Payment::None => self.identify(code, pos, fx),
        }
    }

    pub(super) fn add_bundle(&mut self, id: i64, pos: &Pos, fx: &mut Fx<'_>) {
        match self.payment {
            Payment::Paid { .. } => self.next_fan(),
            Payment::Pending { .. } => return,
            Payment::None => {}
        }
        self.cart.add_bundle(id);
        if let Err(problem) = quote(&self.cart, fx.shared, pos.event(), pos.now()) {
            self.cart.remove_bundle(id);
            fx.bad(problem.to_string());
        } else {
            fx.clear();
        }
    }

    pub(super) fn start_payment(
        &mut self,
        method: TenderKind,
        pos: &mut Pos,
        fx: &mut Fx<'_>,
    ) -> PosResult<()> {
        if self.cart.is_empty() {
            return Err(PosError::EmptyCart);
        }
        let quote = quote(&self.cart, fx.shared, pos.event(), pos.now())?;
        let fan = self.fan.as_ref().map(|f| f.input.as_str());
        let StartedPayment {
            checkout,
            total,
            method,
            held_until,
            priced_at,
            qr,
        } = pos.start_payment(&quote, fan, method)?;
        self.till = TillInputs::default();
        self.payment = Payment::Pending {
            checkout,
            total,
            tip: Money::new(0, total.currency),
            parts: Vec::new(),
            method,
            qr,
            held_until,
            started_at: fx.frame_time,
            priced_at,
        };
        fx.clear();
        Ok(())
    }

    /// The payment under way as the service started it, and its frame time.
    fn started(&self) -> Option<(StartedPayment, f64, TillExtras)> {
        let Payment::Pending {
            checkout,
            total,
            tip,
            parts,
            method,
            started_at,
            priced_at,
            held_until,
            ..
        } = &self.payment
        else {
            return None;
        };
        let started = StartedPayment {
            checkout: checkout.clone(),
            total: *total,
            method: *method,
            held_until: *held_until,
            priced_at: *priced_at,
            qr: None,
        };
        let extras = TillExtras {
            tendered: None,
            parts: parts.clone(),
            tip: Some(*tip),
            terminal_ref: Some(self.till.card_ref.clone()),
            fan: self.fan.as_ref().map(|f| f.input.clone()),
        };
        Some((started, *started_at, extras))
    }

    pub(super) fn confirm_paid(&mut self, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let Some((started, started_at, mut extras)) = self.started() else {
            return Ok(());
        };
        if fx.frame_time - started_at < CONFIRM_GUARD_SECS {
            return Ok(());
        }
        if started.method == TenderKind::Cash && !self.till.cash.trim().is_empty() {
            match parse_amount(&self.till.cash, started.total.currency) {
                Ok(m) => extras.tendered = Some(m),
                Err(e) => {
                    fx.bad(format!("Cash given: {e}"));
                    return Ok(());
                }
            }
        }
        let receipt = pos.sell(&sale_request(&started, &self.cart, extras))?;
        let claim_qrs = receipt
            .claims
            .iter()
            .filter_map(|c| claim::qr_matrix(&c.code).ok())
            .collect();
        fx.good(format!(
            "Paid {} — receipt {}",
            receipt.total, receipt.number
        ));
        self.payment = Payment::Paid {
            receipt: Box::new(receipt),
            claim_qrs,
        };
        self.till = TillInputs::default();
        Ok(())
    }

    /// Cancel (the units go back) or, after a sale, a clean till for the next fan.
    pub(super) fn end_payment(&mut self, pos: &mut Pos, fx: &mut Fx<'_>) {
        if matches!(self.payment, Payment::Paid { .. }) {
            self.cart = Cart::default();
            self.forget_fan();
        }
        if let Payment::Pending { checkout, .. } = &self.payment
            && let Err(e) = pos.release_hold(checkout)
        {
            fx.bad(e.to_string());
        }
        self.payment = Payment::None;
        self.till = TillInputs::default();
    }

    /// The basket total of the payment in progress.
    fn payment_total(&self) -> Option<Money> {
        match &self.payment {
            Payment::Pending { total, .. } => Some(*total),
            _ => None,
        }
    }

    pub(super) fn set_tip(&mut self, percent: u32, pos: &Pos) -> PosResult<()> {
        let tip = self.payment_total().map(|t| tip_percent(t, percent));
        self.change_payment(pos, |_, tip_now, _| {
            if let Some(tip) = tip {
                *tip_now = tip;
            }
        })
    }

    /// Changes the tip or the split parts of the payment in progress; a QR payment gets a new
    /// code for what is now due by QR.
    pub(super) fn change_payment(
        &mut self,
        pos: &Pos,
        change: impl FnOnce(Money, &mut Money, &mut Vec<(TenderKind, Money)>),
    ) -> PosResult<()> {
        let Payment::Pending {
            total, tip, parts, ..
        } = &mut self.payment
        else {
            return Ok(());
        };
        change(*total, tip, parts);
        let Some(due) = self.payment.due() else {
            return Ok(());
        };
        if let Payment::Pending {
            method: TenderKind::Qr,
            checkout,
            qr,
            ..
        } = &mut self.payment
        {
            let payment = pos.payment_qr(due, checkout)?;
            *qr = Some((payment.matrix()?, payment.caption));
        }
        Ok(())
    }

    /// Sets the tip to the typed amount.
    pub(super) fn custom_tip(&mut self, pos: &Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let Some(total) = self.payment_total() else {
            return Ok(());
        };
        match parse_tip(&self.till.tip, total) {
            Ok(tip) => {
                self.till.tip.clear();
                self.change_payment(pos, |_, tip_now, _| *tip_now = tip)
            }
            Err(problem) => {
                fx.bad(problem.to_string());
                Ok(())
            }
        }
    }

    /// Records the typed amount as a split part paid by `kind`; the payment's method takes the rest.
    pub(super) fn add_part(
        &mut self,
        kind: TenderKind,
        pos: &Pos,
        fx: &mut Fx<'_>,
    ) -> PosResult<()> {
        let Some(due) = self.payment.due() else {
            return Ok(());
        };
        let amount = match parse_amount(&self.till.part, due.currency) {
            Ok(a) if a.minor > 0 && a.minor < due.minor => a,
            Ok(_) => {
                fx.bad(format!(
                    "Split amount: give an amount between {} and {due}, the rest is paid the other way",
                    Money::new(0, due.currency)
                ));
                return Ok(());
            }
            Err(e) => {
                fx.bad(format!("Split amount: {e}"));
                return Ok(());
            }
        };
        self.till.part.clear();
        fx.clear();
        self.change_payment(pos, |_, _, parts| parts.push((kind, amount)))
    }
}
