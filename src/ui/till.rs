//! The till: the basket, who the fan is, and the payment from the first method tapped to the
//! confirmation, with tips and split parts.

use super::sell::TillInputs;
use super::widgets::Tone;
use super::{CONFIRM_GUARD_SECS, Kiosk, Payment};
use crate::domain::claim;
use crate::domain::money::{Money, parse_amount};
use crate::domain::order::{Cart, TenderKind, parse_tip};
use crate::service::{PosError, SaleRequest};

impl Kiosk {
    pub(super) fn add_to_cart(&mut self, id: i64) {
        match self.payment {
            // Tapping a tile after a sale starts the next fan's basket.
            Payment::Paid { .. } => self.next_fan(),
            Payment::Pending { .. } => return,
            Payment::None => {}
        }
        if let Some(offer) = self.offers.iter().find(|o| o.id == id) {
            let in_cart = self.cart.qty_of(id);
            if offer.remaining.is_some_and(|left| in_cart >= left) {
                self.notice = Some((
                    Tone::Bad,
                    format!(
                        "Only {} of {} left",
                        offer.remaining.unwrap_or(0),
                        offer.title
                    ),
                ));
                return;
            }
            if let Some(limit) = offer.per_fan_limit()
                && in_cart >= limit
            {
                self.notice = Some((Tone::Bad, format!("{}: {limit} per fan", offer.title)));
                return;
            }
            self.cart.add(offer);
            self.notice = None;
        }
    }

    /// A clean basket and an anonymous fan, after a finished sale.
    pub(super) fn next_fan(&mut self) {
        self.cart = Cart::default();
        self.payment = Payment::None;
        self.fan = None;
        self.fan_input.clear();
    }

    pub(super) fn identify(&mut self, input: &str) -> Result<(), PosError> {
        let fan = self.pos.identify(input)?;
        self.notice = Some((Tone::Good, fan.label()));
        self.fan = Some(fan);
        Ok(())
    }

    pub(super) fn add_bundle(&mut self, id: i64) {
        match self.payment {
            Payment::Paid { .. } => self.next_fan(),
            Payment::Pending { .. } => return,
            Payment::None => {}
        }
        self.cart.add_bundle(id);
        if let Err(problem) = self.quote() {
            self.cart.remove_bundle(id);
            self.notice = Some((Tone::Bad, problem));
        } else {
            self.notice = None;
        }
    }

    pub(super) fn start_payment(&mut self, method: TenderKind) -> Result<(), PosError> {
        if self.cart.is_empty() {
            return Err(PosError::EmptyCart);
        }
        let quote = self.quote().map_err(PosError::Refused)?;
        let total = quote.total;
        let fan = self.fan.as_ref().map(|f| f.input.as_str());
        self.pos.check_fan_rules(&quote.units(), fan, method)?;
        let checkout = self.pos.start_checkout()?;
        let held_until = self.pos.hold(&checkout, &quote.units())?;
        let qr = match method {
            TenderKind::Qr => {
                let payment = self.pos.payment_qr(total, &checkout)?;
                Some((payment.matrix()?, payment.caption))
            }
            TenderKind::Cash | TenderKind::Card | TenderKind::Credit => None,
        };
        self.till = TillInputs::default();
        self.payment = Payment::Pending {
            checkout,
            total,
            tip: Money::new(0, total.currency),
            parts: Vec::new(),
            method,
            qr,
            held_until,
            started_at: self.frame_time,
            priced_at: self.pos.now(),
        };
        self.notice = None;
        Ok(())
    }

    pub(super) fn confirm_paid(&mut self) -> Result<(), PosError> {
        let Payment::Pending {
            checkout,
            total,
            tip,
            parts,
            method,
            started_at,
            priced_at,
            ..
        } = &self.payment
        else {
            return Ok(());
        };
        if self.frame_time - started_at < CONFIRM_GUARD_SECS {
            return Ok(());
        }
        let tendered = if *method == TenderKind::Cash && !self.till.cash.trim().is_empty() {
            match parse_amount(&self.till.cash, total.currency) {
                Ok(m) => Some(m),
                Err(e) => {
                    self.notice = Some((Tone::Bad, format!("Cash given: {e}")));
                    return Ok(());
                }
            }
        } else {
            None
        };
        let req = SaleRequest {
            checkout: checkout.clone(),
            items: self.cart.items(),
            tender: *method,
            tendered,
            parts: parts.clone(),
            expected_total: Some(*total),
            terminal_ref: Some(self.till.card_ref.clone()),
            tip: Some(*tip),
            bundles: self.cart.bundles.clone(),
            priced_at: Some(*priced_at),
            fan: self.fan.as_ref().map(|f| f.input.clone()),
        };
        let receipt = self.pos.sell(&req)?;
        let claim_qrs = receipt
            .claims
            .iter()
            .filter_map(|c| claim::qr_matrix(&c.code).ok())
            .collect();
        self.notice = Some((
            Tone::Good,
            format!("Paid {} — receipt {}", receipt.total, receipt.number),
        ));
        self.payment = Payment::Paid {
            receipt: Box::new(receipt),
            claim_qrs,
        };
        self.till = TillInputs::default();
        Ok(())
    }

    /// The basket total of the payment in progress.
    pub(super) fn payment_total(&self) -> Option<Money> {
        match &self.payment {
            Payment::Pending { total, .. } => Some(*total),
            _ => None,
        }
    }

    /// Changes the tip or the split parts of the payment in progress; a QR payment gets a new
    /// code for what is now due by QR.
    pub(super) fn change_payment(
        &mut self,
        change: impl FnOnce(Money, &mut Money, &mut Vec<(TenderKind, Money)>),
    ) -> Result<(), PosError> {
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
            let payment = self.pos.payment_qr(due, checkout)?;
            *qr = Some((payment.matrix()?, payment.caption));
        }
        Ok(())
    }

    /// Sets the tip to the typed amount.
    pub(super) fn custom_tip(&mut self) -> Result<(), PosError> {
        let Some(total) = self.payment_total() else {
            return Ok(());
        };
        match parse_tip(&self.till.tip, total) {
            Ok(tip) => {
                self.till.tip.clear();
                self.change_payment(|_, tip_now, _| *tip_now = tip)
            }
            Err(problem) => {
                self.notice = Some((Tone::Bad, problem.to_string()));
                Ok(())
            }
        }
    }

    /// Records the typed amount as a split part paid by `kind`; the payment's method takes the rest.
    pub(super) fn add_part(&mut self, kind: TenderKind) -> Result<(), PosError> {
        let Some(due) = self.payment.due() else {
            return Ok(());
        };
        let amount = match parse_amount(&self.till.part, due.currency) {
            Ok(a) if a.minor > 0 && a.minor < due.minor => a,
            Ok(_) => {
                self.notice = Some((
                    Tone::Bad,
                    format!(
                        "Split amount: give an amount between {} and {due}, the rest is paid the other way",
                        Money::new(0, due.currency)
                    ),
                ));
                return Ok(());
            }
            Err(e) => {
                self.notice = Some((Tone::Bad, format!("Split amount: {e}")));
                return Ok(());
            }
        };
        self.till.part.clear();
        self.notice = None;
        self.change_payment(|_, _, parts| parts.push((kind, amount)))
    }
}
