//! The till's use-cases: starting a payment for a priced basket (fan rules, checkout, hold and,
//! for QR, the payment code) in one call, and the sale request a finished payment becomes.

use jiff::Timestamp;

use super::{Checkout, Pos, PosResult, SaleRequest};
use crate::domain::basket::Quote;
use crate::domain::money::Money;
use crate::domain::order::{Cart, TenderKind};
use crate::domain::qr::QrMatrix;

/// A payment under way: the order-to-be, what is due, until when the units are held.
#[derive(Debug, Clone)]
pub struct StartedPayment {
    /// Order id and payment reference.
    pub checkout: Checkout,
    /// The basket total the fan was shown (before any tip).
    pub total: Money,
    /// The method the fan pays by.
    pub method: TenderKind,
    /// Until when the basket's units are reserved.
    pub held_until: Timestamp,
    /// When the fan was shown the price: the sale prices discount windows as of then.
    pub priced_at: Timestamp,
    /// The payment QR and its caption (QR method only).
    pub qr: Option<(QrMatrix, String)>,
}

/// What the till adds to a started payment once the money is there.
#[derive(Debug, Clone, Default)]
pub struct TillExtras {
    /// Cash handed over (cash only; None = exact).
    pub tendered: Option<Money>,
    /// Split parts taken by other methods.
    pub parts: Vec<(TenderKind, Money)>,
    /// The tip on top of the total.
    pub tip: Option<Money>,
    /// The card terminal's reference.
    pub terminal_ref: Option<String>,
    /// Who is buying, as typed or scanned.
    pub fan: Option<String>,
}

impl Pos {
    /// Prices `(offer, units)` pairs now, as the sale will price them (the phones' basket).
    pub fn quote(&self, items: &[(i64, u32)]) -> PosResult<Quote> {
        let max = super::checkout::MAX_QTY;
        if items.is_empty() {
            return Err(super::PosError::EmptyCart);
        }
        if items.iter().any(|(_, q)| !(1..=max).contains(q)) {
            return Err(super::PosError::BadQuantity { max });
        }
        let catalogue = self.catalogue()?;
        let list = crate::domain::basket::PriceList {
            offers: &catalogue.offers,
            bundles: &catalogue.bundles,
            discounts: &catalogue.discounts,
            mode: self.event.vat_mode,
            currency: self.event.currency,
        };
        Ok(crate::domain::basket::quote(list, items, &[], self.now())?)
    }

    /// Starts paying for `quote` by `method`: checks what only the fan decides, opens the
    /// checkout, holds the units and, for QR, makes the payment code for the total.
    pub fn start_payment(
        &mut self,
        quote: &Quote,
        fan: Option<&str>,
        method: TenderKind,
    ) -> PosResult<StartedPayment> {
        let units = quote.units();
        // Nothing is held for a QR payment that cannot be shown.
        if method == TenderKind::Qr && self.event.payment.is_none() {
            return Err(super::PosError::NoPaymentProfile);
        }
        self.check_fan_rules(&units, fan, method)?;
        let checkout = self.start_checkout()?;
        let held_until = self.hold_for(&checkout, &units, Some((method, quote.total)))?;
        let qr = match method {
            TenderKind::Qr => {
                let payment = self.payment_qr(quote.total, &checkout)?;
                Some((payment.matrix()?, payment.caption))
            }
            TenderKind::Cash | TenderKind::Card | TenderKind::Credit => None,
        };
        Ok(StartedPayment {
            checkout,
            total: quote.total,
            method,
            held_until,
            priced_at: self.now(),
            qr,
        })
    }
}

/// The sale request for a started payment of `cart`, with what the till added.
pub fn sale_request(started: &StartedPayment, cart: &Cart, extras: TillExtras) -> SaleRequest {
    SaleRequest {
        checkout: started.checkout.clone(),
        items: cart.items(),
        tender: started.method,
        tendered: extras.tendered,
        parts: extras.parts,
        expected_total: Some(started.total),
        terminal_ref: extras.terminal_ref,
        tip: extras.tip,
        bundles: cart.bundles.clone(),
        priced_at: Some(started.priced_at),
        fan: extras.fan,
    }
}
