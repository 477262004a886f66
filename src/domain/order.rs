//! The basket, its totals and VAT breakdown, tenders and change, and what a receipt says.

use crate::domain::field::{FieldError, FieldResult};
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalogue::{Offer, VatRate};
use super::money::{Currency, Money, parse_amount};
pub use super::pricing::VatLine;
use super::pricing::{self, VatMode};
pub use tender::{MAX_CHANGE_MAJOR, check_tendered, settle, settle_split};

/// One line of a basket: an offer's title, price and VAT frozen at the moment of sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The offer sold.
    pub offer_id: i64,
    /// Title as sold.
    pub title: String,
    /// VAT-inclusive unit price as sold.
    pub unit_price: Money,
    /// VAT rate as sold.
    pub vat: VatRate,
    /// Units.
    pub qty: u32,
    /// Taken off the whole line (a discount window, or the line's share of a bundle's saving).
    #[serde(default)]
    pub discount: i64,
    /// Why the price differs, for the receipt: "Happy hour -20%", "in Fan pack".
    #[serde(default)]
    pub note: String,
}

impl Line {
    /// A line of `offer` at its list price, no discount.
    pub fn of(offer: &Offer, qty: u32) -> Line {
        Line {
            offer_id: offer.id,
            title: offer.title.clone(),
            unit_price: offer.price,
            vat: offer.vat,
            qty,
            discount: 0,
            note: String::new(),
        }
    }

    /// Price × quantity less the discount (in the event's tax mode: with or without VAT).
    pub fn amount(&self) -> Money {
        Money::new(
            self.unit_price.minor * i64::from(self.qty) - self.discount,
            self.unit_price.currency,
        )
    }

    /// Units `from..from + qty` of this line, with their exact share of the discount: shares
    /// are cut at running totals, so refunding a line in parts gives back exactly the line.
    pub fn units(&self, from: u32, qty: u32) -> Line {
        let cut = |units: u32| {
            let whole = i128::from(self.discount) * i128::from(units);
            i64::try_from(whole / i128::from(self.qty.max(1))).unwrap_or(0)
        };
        let to = from.saturating_add(qty).min(self.qty);
        Line {
            qty: to.saturating_sub(from),
            discount: cut(to) - cut(from),
            ..self.clone()
        }
    }
}

/// VAT per rate of `lines` in the event's tax mode: VAT is rounded once per rate, so lines,
/// breakdown and total always agree to the minor unit (see [`pricing::tax_breakdown`]).
pub fn vat_breakdown(lines: &[Line], mode: VatMode, currency: Currency) -> Vec<VatLine> {
    let amounts: Vec<(VatRate, i64)> = lines.iter().map(|l| (l.vat, l.amount().minor)).collect();
    pricing::tax_breakdown(&amounts, mode, currency)
}

/// What the fan pays for `lines`: their sum, plus the tax on top in exclusive mode.
pub fn lines_total(lines: &[Line], mode: VatMode, currency: Currency) -> Money {
    pricing::total_of(&vat_breakdown(lines, mode, currency), currency)
}

/// A basket being built at the Sell screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cart {
    /// Lines in the order they were added; one line per offer.
    pub lines: Vec<Line>,
    /// `(bundle id, count)` in the order added.
    pub bundles: Vec<(i64, u32)>,
}

impl Cart {
    /// Adds one unit of `offer`, merging with its existing line.
    pub fn add(&mut self, offer: &Offer) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.offer_id == offer.id) {
            line.qty += 1;
            return;
        }
        self.lines.push(Line::of(offer, 1));
    }

    /// Removes one unit of the offer; drops the line at zero.
    pub fn remove_one(&mut self, offer_id: i64) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.offer_id == offer_id) {
            line.qty = line.qty.saturating_sub(1);
        }
        self.lines.retain(|l| l.qty > 0);
    }

    /// Units of this offer already in the basket.
    pub fn qty_of(&self, offer_id: i64) -> u32 {
        self.lines
            .iter()
            .filter(|l| l.offer_id == offer_id)
            .map(|l| l.qty)
            .sum()
    }

    /// True when nothing is in the basket.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.bundles.is_empty()
    }

    /// `(offer id, units)` of the single offers.
    pub fn items(&self) -> Vec<(i64, u32)> {
        self.lines.iter().map(|l| (l.offer_id, l.qty)).collect()
    }

    /// One more of a bundle.
    pub fn add_bundle(&mut self, bundle_id: i64) {
        match self.bundles.iter_mut().find(|b| b.0 == bundle_id) {
            Some(b) => b.1 += 1,
            None => self.bundles.push((bundle_id, 1)),
        }
    }

    /// One fewer of a bundle.
    pub fn remove_bundle(&mut self, bundle_id: i64) {
        if let Some(b) = self.bundles.iter_mut().find(|b| b.0 == bundle_id) {
            b.1 = b.1.saturating_sub(1);
        }
        self.bundles.retain(|b| b.1 > 0);
    }
}

/// How the fan paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenderKind {
    /// Notes and coins.
    Cash,
    /// A QR bank transfer or payment link, confirmed by a helper.
    Qr,
    /// An external card terminal.
    Card,
    /// A member's credit (from a membership pass).
    Credit,
}

impl TenderKind {
    /// The word used in the CLI, JSON and the store.
    pub fn name(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Qr => "qr",
            TenderKind::Card => "card",
            TenderKind::Credit => "credit",
        }
    }

    /// What the receipt calls it.
    pub fn label(self) -> &'static str {
        match self {
            TenderKind::Cash => "Cash",
            TenderKind::Qr => "QR transfer",
            TenderKind::Card => "Card",
            TenderKind::Credit => "Member credit",
        }
    }
}

impl FromStr for TenderKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "cash" => Ok(TenderKind::Cash),
            "qr" => Ok(TenderKind::Qr),
            "card" => Ok(TenderKind::Card),
            "credit" => Ok(TenderKind::Credit),
            other => Err(FieldError::new(
                format!("unknown payment method '{other}'"),
                "use cash, qr, card or credit",
            )),
        }
    }
}

/// A payment applied to an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tender {
    /// Method.
    pub kind: TenderKind,
    /// What the fan handed over (cash) or paid (other methods).
    pub tendered: Money,
    /// Cash given back.
    pub change: Money,
    /// The card terminal's transaction reference, when the helper typed it.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Why a tender cannot settle an order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenderError {
    /// A negative or implausible tip.
    #[error("tip: {}", tip_rule(*tip))]
    Tip {
        /// The tip asked for.
        tip: Money,
    },
    /// Less cash than the total.
    #[error("tendered {tendered} is less than the total {total}")]
    TooLittle {
        /// What was handed over.
        tendered: Money,
        /// What is owed.
        total: Money,
    },
    /// A split part that is zero, negative, or leaves nothing for the last method.
    #[error("split: {0}")]
    Split(String),
    /// A tendered amount the till refuses (too much cash, or an amount for QR or card).
    #[error(transparent)]
    Field(#[from] FieldError),
    /// Cash in another currency.
    #[error("tendered amount is in {got}, the order is in {want}")]
    Currency {
        /// The order's currency.
        want: Currency,
        /// The tendered currency.
        got: Currency,
    },
}

fn no_tip() -> Money {
    Money::new(0, Currency::Eur)
}

/// A tip of `percent` of `total`, rounded half up to the minor unit.
pub fn tip_percent(total: Money, percent: u32) -> Money {
    let minor = (i128::from(total.minor) * i128::from(percent) + 50) / 100;
    Money::new(i64::try_from(minor).unwrap_or(0), total.currency)
}

/// Checks a tip against the order total: not negative, and no more than ten times the total
/// (or 1,000.00 in the order's currency on small orders): a guard against a mistyped amount.
pub fn check_tip(tip: Money, total: Money) -> Result<(), TenderError> {
    let scale = 10_i64.pow(total.currency.minor_digits());
    let most = total.minor.saturating_mul(10).max(1000 * scale);
    if tip.currency != total.currency || !(0..=most).contains(&tip.minor) {
        return Err(TenderError::Tip { tip });
    }
    Ok(())
}

/// Why a tip is refused.
fn tip_rule(tip: Money) -> String {
    format!("{tip} is not a tip this order can take (at most ten times the total)")
}

/// A tip typed by the helper: an amount ("2.50") or a percentage of the total ("12%").
pub fn parse_tip(input: &str, total: Money) -> FieldResult<Money> {
    let input = input.trim();
    let tip = match input.strip_suffix('%') {
        Some(percent) => {
            let percent: u32 = percent
                .trim()
                .parse()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or_else(|| {
                    FieldError::new(
                        "tip",
                        format!("'{input}' is not a percentage from 0% to 100%"),
                    )
                })?;
            tip_percent(total, percent)
        }
        None => parse_amount(input, total.currency)
            .map_err(|e| FieldError::new("tip", e.to_string()))?,
    };
    check_tip(tip, total).map_err(|_| FieldError::new("tip", tip_rule(tip)))?;
    Ok(tip)
}

/// How a refund of `amount` goes back over an order's tenders, after `before` was refunded
/// already: cash first, up to the cash that stayed in the drawer, then the other methods in the
/// order they were taken. Allocating the running total keeps several partial refunds consistent.
pub fn refund_routes(tenders: &[Tender], before: Money, amount: Money) -> Vec<(TenderKind, Money)> {
    let mut order: Vec<&Tender> = tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Cash)
        .collect();
    order.extend(tenders.iter().filter(|t| t.kind != TenderKind::Cash));
    let (mut start, end) = (before.minor, before.minor + amount.minor);
    let mut floor = 0;
    let mut out: Vec<(TenderKind, Money)> = Vec::new();
    for t in order {
        let ceil = floor + (t.tendered.minor - t.change.minor);
        let share = end.min(ceil) - start.max(floor);
        if share > 0 {
            match out.iter_mut().find(|(k, _)| *k == t.kind) {
                Some((_, m)) => m.minor += share,
                None => out.push((t.kind, Money::new(share, amount.currency))),
            }
            start += share;
        }
        floor = ceil;
    }
    out
}

/// A receipt number, gap-free per station: `K1-000042` (also in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ReceiptNo {
    /// Station code.
    pub station: String,
    /// Sequence number at that station, from 1.
    pub seq: u32,
}

impl fmt::Display for ReceiptNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:06}", self.station, self.seq)
    }
}

impl From<ReceiptNo> for String {
    fn from(n: ReceiptNo) -> String {
        n.to_string()
    }
}

/// Text that is not a receipt number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a receipt number; they look like K1-000042")]
pub struct NotAReceiptNo(pub String);

impl TryFrom<String> for ReceiptNo {
    type Error = NotAReceiptNo;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for ReceiptNo {
    type Err = NotAReceiptNo;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || NotAReceiptNo(s.to_string());
        let (station, seq) = s.trim().rsplit_once('-').ok_or_else(bad)?;
        if station.is_empty() || !seq.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        Ok(ReceiptNo {
            station: station.to_ascii_uppercase(),
            seq,
        })
    }
}

/// A claim code issued with an order, with what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedClaim {
    /// The code as printed and encoded in the QR.
    pub code: String,
    /// Offer title.
    pub title: String,
}

/// A queue ticket issued with an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedTicket {
    /// Label the fan listens for: `A-007`.
    pub label: String,
    /// Gig title.
    pub title: String,
}

/// The event's texts as a receipt prints them; kept with the order, so a reprint after the
/// creator edits the event says what the original said.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReceiptTexts {
    /// Event name.
    pub event_name: String,
    /// Venue line.
    pub venue: String,
    /// Header (the creator's name, address, tax number).
    pub header: String,
    /// Footer.
    pub footer: String,
    /// Terms.
    pub terms: String,
}

/// The member an order was sold to, as the receipt shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLine {
    /// Member code, M-XXXX-XXXX.
    pub code: String,
    /// Name or handle.
    pub name: String,
    /// Credit left now.
    pub credit: Money,
}

/// Everything a receipt shows about a completed sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Event name.
    pub event_name: String,
    /// Venue line.
    pub venue: String,
    /// IANA time zone of the event, for local times.
    pub time_zone: super::event::Zone,
    /// Station code.
    pub station: String,
    /// Receipt number.
    pub number: ReceiptNo,
    /// When the sale committed.
    pub paid_at: Timestamp,
    /// Lines as sold.
    pub lines: Vec<Line>,
    /// VAT per rate.
    pub vat: Vec<VatLine>,
    /// Sum of the lines.
    pub total: Money,
    /// Tip on top of the total: not a sale, no VAT.
    #[serde(default = "no_tip")]
    pub tip: Money,
    /// How it was paid: one tender, or several for a split.
    pub tenders: Vec<Tender>,
    /// The reference the fan's transfer carries.
    pub payment_ref: String,
    /// Claim codes, one per claimable unit.
    pub claims: Vec<IssuedClaim>,
    /// Queue tickets for gigs.
    pub tickets: Vec<IssuedTicket>,
    /// Whether the prices include VAT or tax was added on top.
    #[serde(default)]
    pub vat_mode: VatMode,
    /// The creator's header text.
    #[serde(default)]
    pub header: String,
    /// The creator's footer text.
    #[serde(default)]
    pub footer: String,
    /// Terms printed at the end.
    #[serde(default)]
    pub terms: String,
    /// The member who bought, if the fan was a member (or became one with a pass).
    #[serde(default)]
    pub member: Option<MemberLine>,
    /// A practice sale of a station in training mode: not a valid receipt.
    #[serde(default)]
    pub training: bool,
    /// A later print of the receipt (or an export's): it says COPY.
    #[serde(default)]
    pub copy: bool,
    /// The fan's own page on the table's hub (place in line, codes, receipt), when a hub has
    /// served; printed as a QR.
    #[serde(default)]
    pub fan_url: Option<String>,
}

impl Receipt {
    /// What the discounts and bundles took off, in total.
    pub fn discounts(&self) -> Money {
        Money::new(
            self.lines.iter().map(|l| l.discount).sum(),
            self.total.currency,
        )
    }

    /// Cash given back (only the last tender of a split can give change).
    pub fn change(&self) -> Money {
        Money::new(
            self.tenders.iter().map(|t| t.change.minor).sum(),
            self.total.currency,
        )
    }

    /// The methods, as the receipt and the kiosk name them: "Card + Cash".
    pub fn methods(&self) -> String {
        methods_label(self.tenders.iter().map(|t| t.kind))
    }
}

/// Tender kinds joined for display: "Card + Cash".
pub fn methods_label(kinds: impl IntoIterator<Item = TenderKind>) -> String {
    kinds
        .into_iter()
        .map(TenderKind::label)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A line in the list of recent orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// Order id.
    pub order_id: String,
    /// Receipt number.
    pub number: ReceiptNo,
    /// Commit instant.
    pub paid_at: Timestamp,
    /// Total.
    pub total: Money,
    /// Tender kinds, in the order taken (several for a split).
    pub tenders: Vec<TenderKind>,
    /// Titles joined for display.
    pub summary: String,
    /// A practice sale of a station in training mode.
    #[serde(default)]
    pub training: bool,
}

mod tender;
#[cfg(test)]
mod tests;
