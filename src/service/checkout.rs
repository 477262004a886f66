//! What a sale is asked to do: the checkout reserved before the money moves, and the request
//! that sells it.

use jiff::Timestamp;

use crate::domain::money::Money;
use crate::domain::order::TenderKind;

/// Most units of one offer in one sale: a guard against a stuck key, not a business rule.
pub(super) const MAX_QTY: u32 = 99;

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
