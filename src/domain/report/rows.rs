//! The raw rows of a report's period, as the store hands them over.

use jiff::Timestamp;

use crate::domain::catalogue::VatRate;
use crate::domain::order::{Tender, TenderKind};
use crate::domain::pricing::VatMode;

/// One station's receipt numbers in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numbers {
    /// Station code.
    pub station: String,
    /// Receipts in the period.
    pub count: u32,
    /// The lowest number.
    pub first: Option<u32>,
    /// The highest.
    pub last: Option<u32>,
    /// Every number there is, ascending: read only when the count says some are missing.
    pub present: Vec<u32>,
}

/// One order of the period, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    /// Station code.
    pub station: String,
    /// Receipt number at that station.
    pub seq: u32,
    /// When it was paid.
    pub paid_at: Timestamp,
    /// What the fan paid for the lines (tax included), without the tip.
    pub total: i64,
    /// The tip on top.
    pub tip: i64,
    /// Tender fees the creator pays on it.
    pub fee: i64,
    /// Discounts the lines got.
    pub discount: i64,
    /// Tax mode of the order.
    pub mode: VatMode,
    /// Line amounts (after discounts) per VAT rate.
    pub by_rate: Vec<(VatRate, i64)>,
    /// How it was paid.
    pub tenders: Vec<(TenderKind, i64)>,
}

/// One refund of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRow {
    /// Refund number (`K1-R000003`).
    pub number: String,
    /// The receipt refunded.
    pub receipt: String,
    /// When.
    pub at: Timestamp,
    /// Money given back.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The refunded order's tenders, to route the money back as the refund did.
    pub tenders: Vec<Tender>,
    /// Refunded of the order before this refund.
    pub before: i64,
}

/// One drawer session that belongs to the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawerRow {
    /// Station code.
    pub station: String,
    /// Opened.
    pub opened_at: Timestamp,
    /// Closed, if it is.
    pub closed_at: Option<Timestamp>,
    /// Opening float.
    pub float: i64,
    /// Cash taken for sales while it was open.
    pub cash_sales: i64,
    /// Cash paid back for refunds while it was open.
    pub cash_refunds: i64,
    /// Cash put in by hand.
    pub moves_in: i64,
    /// Cash taken out by hand (a positive amount).
    pub moves_out: i64,
    /// The count at close.
    pub counted: Option<i64>,
}

/// One queue ticket of the period's orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketRow {
    /// Served (done).
    pub served: bool,
    /// Called and not there.
    pub no_show: bool,
    /// Paid → called, in seconds.
    pub wait: Option<i64>,
    /// Called (or started) → served, in seconds.
    pub service: Option<i64>,
}
