//! What a sale is asked to do: the checkout reserved before the money moves, and the request
//! that sells it.

use data_encoding::HEXLOWER;
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::money::Money;
use crate::domain::order::{Receipt, TenderKind};

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

/// A sale as it answered: the receipt, and whether an earlier call had already made it.
#[derive(Debug, Clone)]
pub struct Sold {
    /// The receipt of the order id's one sale.
    pub receipt: Receipt,
    /// The order id was sold before (a retry): this is that sale's receipt, nothing was written.
    pub replayed: bool,
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

    /// What this request sells and how it is paid, as a digest keyed with the house salt (so
    /// the fan's contact in it cannot be guessed back from the audit log). A retried order id
    /// must bring the same terms; the checks (`expected_total`, `priced_at`) and the payment
    /// reference, which a retrying command line makes afresh, are not terms.
    pub(super) fn terms_digest(&self, salt: &[u8]) -> String {
        let trimmed = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let terms = json!({
            "items": merged(&self.items),
            "bundles": merged(&self.bundles),
            "tender": self.tender.name(),
            "tendered": self.tendered.map(|m| m.minor),
            "parts": self.parts.iter().map(|(k, m)| (k.name(), m.minor)).collect::<Vec<_>>(),
            "tip": self.tip.map_or(0, |m| m.minor),
            "terminal_ref": trimmed(&self.terminal_ref),
            "fan": trimmed(&self.fan),
        });
        let digest = Sha256::new()
            .chain_update(salt)
            .chain_update(terms.to_string().as_bytes())
            .finalize();
        HEXLOWER.encode(&digest)
    }
}

/// `(id, quantity)` pairs summed per id and sorted: the same basket typed in another order.
fn merged(pairs: &[(i64, u32)]) -> Vec<(i64, u32)> {
    let mut out: Vec<(i64, u32)> = Vec::with_capacity(pairs.len());
    for &(id, qty) in pairs {
        match out.iter_mut().find(|p| p.0 == id) {
            Some(p) => p.1 = p.1.saturating_add(qty),
            None => out.push((id, qty)),
        }
    }
    out.sort_unstable();
    out
}
