//! The Sell screen: offer tiles on the left, basket and payment on the right. The common sale
//! is three taps: a tile, a payment method, the confirmation.

mod basket;
mod fan;
mod pay;
mod tiles;
mod till;
mod view;

use jiff::Timestamp;

use crate::domain::basket::{BasketError, PriceList, Quote};
use crate::domain::event::Event;
use crate::domain::money::Money;
use crate::domain::order::{Cart, Receipt, TenderKind};
use crate::domain::qr::QrMatrix;
use crate::service::{Checkout, Fan, Pos, PosResult};
use crate::ui::ctx::{Fx, Shared};
use crate::ui::widgets::forget_typed;

/// Taps on a confirm button this soon after the payment started are taken as a double tap.
const CONFIRM_GUARD_SECS: f64 = 0.8;

/// What the Sell screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SellOp {
    /// One more unit of an offer in the basket.
    Add(i64),
    /// One unit fewer.
    RemoveOne(i64),
    /// One more of a bundle in the basket.
    AddBundle(i64),
    /// One fewer of a bundle.
    RemoveBundle(i64),
    /// Identify the fan from the basket's fan field (contact, member code, buy code).
    IdentifyFan,
    /// Identify the fan from a scanned member card.
    ScannedMember(String),
    /// Forget the identified fan.
    ForgetFan,
    /// Empty the basket.
    Clear,
    /// Start a payment with this method.
    Pay(TenderKind),
    /// The helper confirms the money arrived (QR seen in the banking app, card approved, cash taken).
    ConfirmPaid,
    /// Back out of the payment, keeping the basket.
    CancelPayment,
    /// Clear the finished sale for the next fan.
    NextFan,
    /// Set the tip to this percent of the total (0 = no tip).
    SetTip(u32),
    /// Set the tip to the amount typed in the tip field.
    CustomTip,
    /// Split tender: record the amount typed in the split field as paid by this method.
    AddPart(TenderKind),
    /// Take back a split part (by its position).
    RemovePart(usize),
    /// An offer was archived: it leaves a basket being built (not a payment in progress).
    Withdraw(i64),
    /// A scanned code was also typed into a till field: take it back out.
    ForgetTyped(String),
}

/// Where the current fan's payment stands.
#[derive(Debug, Clone)]
pub enum Payment {
    /// Building the basket.
    None,
    /// Waiting for the money by one method.
    Pending {
        /// Order id and payment reference.
        checkout: Checkout,
        /// Amount due.
        total: Money,
        /// Method.
        method: TenderKind,
        /// The payment QR (QR method only).
        qr: Option<(QrMatrix, String)>,
        /// Tip on top of the total (0 unless the fan chose one).
        tip: Money,
        /// Split tender: parts taken by other methods, each exactly its amount.
        parts: Vec<(TenderKind, Money)>,
        /// Until when the basket's units are reserved.
        held_until: jiff::Timestamp,
        /// Frame time the payment started; confirming is ignored just after, so a double tap
        /// on a pay button can never also tap the confirm button that takes its place.
        started_at: f64,
        /// When the fan was shown the price: the sale prices discount windows as of then.
        priced_at: jiff::Timestamp,
    },
    /// Committed: the receipt and a QR per claim code.
    Paid {
        /// What was sold.
        receipt: Box<Receipt>,
        /// QR of each claim code, in receipt order.
        claim_qrs: Vec<QrMatrix>,
    },
}

impl Payment {
    /// What the fan pays by the payment's method now: the total plus any tip, less the split
    /// parts already taken another way.
    pub fn due(&self) -> Option<Money> {
        match self {
            Payment::Pending {
                total, tip, parts, ..
            } => {
                let taken: i64 = parts.iter().map(|p| p.1.minor).sum();
                Some(Money::new(total.minor + tip.minor - taken, total.currency))
            }
            _ => None,
        }
    }
}

/// What the helper is typing at the till; cleared for each payment.
#[derive(Debug, Default)]
pub struct TillInputs {
    /// Cash handed over.
    pub cash: String,
    /// Card terminal reference.
    pub card_ref: String,
    /// Split tender: the amount of the next part.
    pub part: String,
    /// A custom tip: amount or percentage.
    pub tip: String,
}

/// The Sell screen's state: the basket, the fan, the payment.
#[derive(Debug)]
pub struct SellScreen {
    cart: Cart,
    payment: Payment,
    till: TillInputs,
    /// The fan at the table, once identified, and the field to identify them.
    fan: Option<Fan>,
    fan_input: String,
}

impl Default for SellScreen {
    fn default() -> Self {
        SellScreen {
            cart: Cart::default(),
            payment: Payment::None,
            till: TillInputs::default(),
            fan: None,
            fan_input: String::new(),
        }
    }
}

impl SellScreen {
    /// The basket.
    pub fn cart(&self) -> &Cart {
        &self.cart
    }

    /// The payment.
    pub fn payment(&self) -> &Payment {
        &self.payment
    }

    /// True while a fan pays (the event must not change under them).
    pub fn paying(&self) -> bool {
        matches!(self.payment, Payment::Pending { .. })
    }

    /// Applies one of the screen's ops.
    pub fn apply(&mut self, op: SellOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            SellOp::Add(id) => self.add_to_cart(id, fx),
            SellOp::RemoveOne(id) => self.cart.remove_one(id),
            SellOp::AddBundle(id) => self.add_bundle(id, pos, fx),
            SellOp::RemoveBundle(id) => self.cart.remove_bundle(id),
            SellOp::IdentifyFan => {
                let input = self.fan_input.clone();
                return self.identify(&input, pos, fx);
            }
            SellOp::ScannedMember(code) => return self.scanned_member(&code, pos, fx),
            SellOp::ForgetFan => self.forget_fan(),
            SellOp::Clear => {
                self.cart = Cart::default();
                self.forget_fan();
            }
            SellOp::Pay(method) => return self.start_payment(method, pos, fx),
            SellOp::ConfirmPaid => return self.confirm_paid(pos, fx),
            SellOp::CancelPayment | SellOp::NextFan => self.end_payment(pos, fx),
            SellOp::SetTip(percent) => return self.set_tip(percent, pos),
            SellOp::CustomTip => return self.custom_tip(pos, fx),
            SellOp::AddPart(kind) => return self.add_part(kind, pos, fx),
            SellOp::RemovePart(at) => {
                return self.change_payment(pos, |_, _, parts| {
                    if at < parts.len() {
                        parts.remove(at);
                    }
                });
            }
            SellOp::Withdraw(id) => {
                if matches!(self.payment, Payment::None) {
                    while self.cart.qty_of(id) > 0 {
                        self.cart.remove_one(id);
                    }
                }
            }
            SellOp::ForgetTyped(code) => {
                for field in [&mut self.till.cash, &mut self.till.part, &mut self.till.tip] {
                    forget_typed(field, &code);
                }
            }
        }
        Ok(())
    }

    fn forget_fan(&mut self) {
        self.fan = None;
        self.fan_input.clear();
    }
}

/// The basket priced as the sale will price it (same function, same data).
fn quote(
    cart: &Cart,
    shared: &Shared,
    event: &Event,
    now: Timestamp,
) -> Result<Quote, BasketError> {
    let list = PriceList {
        offers: &shared.offers,
        bundles: &shared.bundles,
        discounts: &shared.discounts,
        mode: event.vat_mode,
        currency: event.currency,
    };
    crate::domain::basket::quote(list, &cart.items(), &cart.bundles, now)
}
