//! Prices at the moment of sale: VAT modes, discount windows, bundles, collaborator splits, tender
//! fees and margins.
//!
//! Every amount is an integer count of minor units. Each rounding step is explicit, and whenever a
//! whole is cut into parts the largest-remainder method keeps the parts summing to the whole.

use crate::domain::field::{FieldError, FieldResult};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::catalogue::VatRate;
use super::money::{Currency, Money};

/// Basis points in 100 %.
const FULL_BP: i128 = 10_000;
/// Longest name a discount or a collaborator may have, in characters.
const MAX_NAME_CHARS: usize = 40;
/// Highest tender fee, in basis points (10 %).
const MAX_FEE_BP: u32 = 1_000;

/// Whether shelf prices include VAT or tax is added on top at checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VatMode {
    /// Prices include VAT; the receipt shows the VAT they contain (EU style).
    #[default]
    Inclusive,
    /// Prices are net; tax is added at checkout (US sales-tax style).
    Exclusive,
}

impl VatMode {
    /// The short name used by the CLI and JSON: inclusive or exclusive.
    pub fn name(self) -> &'static str {
        match self {
            VatMode::Inclusive => "inclusive",
            VatMode::Exclusive => "exclusive",
        }
    }

    /// What the setting means, for the event settings screen.
    pub fn label(self) -> &'static str {
        match self {
            VatMode::Inclusive => "Prices include VAT",
            VatMode::Exclusive => "Tax added at checkout",
        }
    }
}

impl FromStr for VatMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [VatMode::Inclusive, VatMode::Exclusive]
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| "VAT mode: use inclusive or exclusive".to_string())
    }
}

/// The tax of the lines of one rate: gross = net + VAT in both modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatLine {
    /// The rate.
    pub rate: VatRate,
    /// What the fan pays for the lines at this rate, VAT included.
    pub gross: Money,
    /// The VAT in `gross`.
    pub vat: Money,
    /// `gross - vat`.
    pub net: Money,
}

/// Tax per rate for line amounts as charged (after discounts), in the basis `mode` says.
///
/// One line per distinct rate, rates ascending; tax is rounded once per rate, half away from zero.
/// Inclusive: gross is the sum, VAT the part of it that is tax, net = gross − VAT (the same rule
/// as [`super::order::vat_breakdown`]). Exclusive: net is the sum, VAT = net × rate, gross = net + VAT.
pub fn tax_breakdown(
    amounts: &[(VatRate, i64)],
    mode: VatMode,
    currency: Currency,
) -> Vec<VatLine> {
    let mut sums: BTreeMap<VatRate, i128> = BTreeMap::new();
    for &(rate, minor) in amounts {
        *sums.entry(rate).or_default() += i128::from(minor);
    }
    sums.into_iter()
        .map(|(rate, sum)| {
            let r = i128::from(rate.0);
            let sum = saturate(sum);
            let (gross, vat, net) = match mode {
                VatMode::Inclusive => {
                    let vat = saturate(div_half_away(i128::from(sum) * r, FULL_BP + r));
                    (sum, vat, sum - vat)
                }
                VatMode::Exclusive => {
                    let vat = saturate(div_half_away(i128::from(sum) * r, FULL_BP));
                    (sum.saturating_add(vat), vat, sum)
                }
            };
            VatLine {
                rate,
                gross: Money::new(gross, currency),
                vat: Money::new(vat, currency),
                net: Money::new(net, currency),
            }
        })
        .collect()
}

/// What the fan pays: the sum of the breakdown's gross amounts.
pub fn total_of(breakdown: &[VatLine], currency: Currency) -> Money {
    let total: i128 = breakdown.iter().map(|l| i128::from(l.gross.minor)).sum();
    Money::new(saturate(total), currency)
}

/// How much a discount takes off each unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountOff {
    /// A share of the unit price in basis points (100 % = 10000).
    Percent(u32),
    /// A fixed amount in minor units off each unit.
    Amount(i64),
}

/// A time-limited discount on some offers, optionally capped to a number of uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    /// Store id.
    pub id: i64,
    /// What the creator calls it ("Early bird").
    pub name: String,
    /// How much comes off each unit.
    pub off: DiscountOff,
    /// The offers it applies to.
    pub offers: Vec<i64>,
    /// First instant it applies.
    pub starts: Timestamp,
    /// First instant it no longer applies.
    pub ends: Timestamp,
    /// Most units it may be used on, None when unlimited.
    pub max_uses: Option<u32>,
    /// Units it has been used on so far; counted for a capped discount only (0 when unlimited).
    pub used: u32,
}

impl Discount {
    /// Checks what a creator entered; the message names the field and the rule.
    pub fn validate(&self, currency: Currency) -> FieldResult<()> {
        super::field::required_text("name", &self.name, MAX_NAME_CHARS)?;
        match self.off {
            DiscountOff::Percent(bp) if !(1..=10_000).contains(&bp) => {
                return Err(FieldError::new("percent", "from 0.01 % to 100 %"));
            }
            DiscountOff::Amount(minor) if !(1..=currency.max_minor()).contains(&minor) => {
                let max = Money::new(currency.max_minor(), currency);
                return Err(FieldError::new(
                    "amount",
                    format!("more than 0 and at most {max}"),
                ));
            }
            _ => {}
        }
        if self.ends <= self.starts {
            return Err(FieldError::new("ends", "must be after starts"));
        }
        if self.offers.is_empty() {
            return Err(FieldError::new("offers", "choose at least one offer"));
        }
        if self.max_uses == Some(0) {
            return Err(FieldError::new("cap", "at least 1 use"));
        }
        Ok(())
    }

    /// Whether it applies at `now`: inside [starts, ends) with uses left.
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.starts <= now && now < self.ends && self.max_uses.is_none_or(|max| self.used < max)
    }

    /// Minor units off one unit of `unit_price_minor`: percent rounded half up, never more than
    /// the price, never negative.
    pub fn unit_off(&self, unit_price_minor: i64) -> i64 {
        if unit_price_minor <= 0 {
            return 0;
        }
        let off = match self.off {
            DiscountOff::Percent(bp) => saturate(div_half_away(
                i128::from(unit_price_minor) * i128::from(bp),
                FULL_BP,
            )),
            DiscountOff::Amount(minor) => minor,
        };
        off.max(0).min(unit_price_minor)
    }

    /// Whole seconds until it ends (at least 1 while it runs), 0 once it has ended.
    pub fn ends_in_secs(&self, now: Timestamp) -> i64 {
        if now >= self.ends {
            return 0;
        }
        (self.ends.as_second() - now.as_second()).max(1)
    }

    /// The badge on a tile: "−20%", "−12.5%", "-€2.00" (with a real minus sign).
    pub fn label(&self, currency: Currency) -> String {
        match self.off {
            DiscountOff::Percent(bp) => format!("-{}", percent_label(bp)),
            DiscountOff::Amount(minor) => format!("-{}", Money::new(minor, currency)),
        }
    }
}

/// The active discount covering `offer_id` that takes the most off a unit; ties go to the lowest
/// id. None when no discount takes anything off.
pub fn best_discount(
    discounts: &[Discount],
    offer_id: i64,
    unit_price_minor: i64,
    now: Timestamp,
) -> Option<&Discount> {
    discounts
        .iter()
        .filter(|d| d.is_active(now) && d.offers.contains(&offer_id))
        .map(|d| (d.unit_off(unit_price_minor), d))
        .max_by_key(|(off, d)| (*off, Reverse(d.id)))
        .filter(|(off, _)| *off > 0)
        .map(|(_, d)| d)
}

/// Line discounts that sell a bundle's parts for exactly `bundle_price`.
///
/// `parts` are (quantity, list unit price). The saving (sum of list amounts − bundle price) is
/// spread over the parts in proportion to their list amounts by largest remainder, ties to the
/// earlier part; each discount lies between 0 and its part's list amount.
pub fn bundle_discounts(
    bundle_price: i64,
    parts: &[(u32, i64)],
    currency: Currency,
) -> FieldResult<Vec<i64>> {
    let units: u64 = parts.iter().map(|&(qty, _)| u64::from(qty)).sum();
    if units < 2 {
        return Err(FieldError::new(
            "parts",
            "a bundle needs at least two offers",
        ));
    }
    if parts.iter().any(|&(_, price)| price < 0) {
        return Err(FieldError::new(
            "parts",
            "a part's price must not be negative",
        ));
    }
    if bundle_price < 0 {
        return Err(FieldError::new("price", "must not be negative"));
    }
    let amounts: Vec<i128> = parts
        .iter()
        .map(|&(qty, price)| i128::from(qty) * i128::from(price))
        .collect();
    let sum: i128 = amounts.iter().sum();
    let max = i128::from(currency.max_minor());
    if sum > max {
        let max = Money::new(currency.max_minor(), currency);
        return Err(FieldError::new(
            "parts",
            format!("together they must cost at most {max}"),
        ));
    }
    let price = i128::from(bundle_price);
    if price > sum {
        let sum = Money::new(saturate(sum), currency);
        return Err(FieldError::new(
            "price",
            format!("a bundle must not cost more than its parts bought one by one ({sum})"),
        ));
    }
    Ok(largest_remainder(sum - price, &amounts)
        .into_iter()
        .map(saturate)
        .collect())
}

/// A collaborator's cut of each sale of an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Share {
    /// A share, in basis points, of what is left after fixed shares.
    Percent(u32),
    /// Minor units per unit sold.
    Fixed(i64),
}

/// Cuts `amount` (for `units` units) among collaborators and the owner, to the minor unit.
///
/// Fixed shares come first (per unit × units, each capped at what is left), then percent shares
/// of what is left, rounded by largest remainder together with the owner's rest so nothing is
/// lost. Returns every collaborator in the given order, then the owner. The parts always sum to
/// `amount`; a negative amount (a refund) is cut like its positive and every part negated. Percent
/// shares above 100 % in total (refused by [`validate_shares`]) are scaled down to fit.
pub fn split(
    amount: i64,
    units: u32,
    shares: &[(String, Share)],
    owner: &str,
) -> Vec<(String, i64)> {
    let sign: i128 = if amount < 0 { -1 } else { 1 };
    let mut left = i128::from(amount).abs();
    let mut parts = vec![0_i128; shares.len()];
    for (part, (_, share)) in parts.iter_mut().zip(shares) {
        if let Share::Fixed(per_unit) = *share {
            *part = (i128::from(per_unit.max(0)) * i128::from(units)).min(left);
            left -= *part;
        }
    }
    let percent: Vec<(usize, i128)> = shares
        .iter()
        .enumerate()
        .filter_map(|(i, (_, share))| match *share {
            Share::Percent(bp) => Some((i, i128::from(bp))),
            Share::Fixed(_) => None,
        })
        .collect();
    let given: i128 = percent.iter().map(|&(_, bp)| bp).sum();
    let mut weights: Vec<i128> = percent.iter().map(|&(_, bp)| bp).collect();
    weights.push((FULL_BP - given).max(0));
    let cuts = largest_remainder(left, &weights);
    for (&(i, _), &cut) in percent.iter().zip(&cuts) {
        parts[i] = cut;
        left -= cut;
    }
    shares
        .iter()
        .zip(parts)
        .map(|((name, _), part)| (name.clone(), saturate(sign * part)))
        .chain(std::iter::once((owner.to_string(), saturate(sign * left))))
        .collect()
}

/// Checks collaborator shares: names of 1 to 40 characters and each once (ignoring case), fixed
/// shares 0 or more, percent shares at most 100 % together.
pub fn validate_shares(shares: &[(String, Share)]) -> FieldResult<()> {
    let mut seen: Vec<String> = Vec::with_capacity(shares.len());
    let mut percent_bp: u64 = 0;
    for (name, share) in shares {
        let name = super::field::required_text("collaborator name", name, MAX_NAME_CHARS)?;
        let key = name.to_lowercase();
        if seen.contains(&key) {
            return Err(FieldError::new(
                "collaborator name",
                format!("'{name}' is listed twice; list each collaborator once"),
            ));
        }
        seen.push(key);
        match *share {
            Share::Percent(0) => {
                return Err(FieldError::new(
                    format!("percent share of {name}"),
                    "more than 0 %",
                ));
            }
            Share::Percent(bp) => percent_bp += u64::from(bp),
            Share::Fixed(minor) if minor < 0 => {
                return Err(FieldError::new(
                    format!("fixed share of {name}"),
                    "0 or more",
                ));
            }
            Share::Fixed(_) => {}
        }
    }
    if percent_bp > 10_000 {
        let now = percent_label(u32::try_from(percent_bp).unwrap_or(u32::MAX));
        return Err(FieldError::new(
            "percent shares",
            format!("at most 100 % together (now {now})"),
        ));
    }
    Ok(())
}

/// What a payment provider keeps from a tender: a percentage plus a fixed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fee {
    /// Share of the amount in basis points.
    pub percent_bp: u32,
    /// Minor units per tender.
    pub fixed: i64,
}

impl Fee {
    /// The fee on a tender of `amount` minor units: 0 for nothing paid, else the percentage
    /// rounded half up plus the fixed part.
    pub fn on(&self, amount: i64) -> i64 {
        if amount <= 0 {
            return 0;
        }
        let percent = div_half_away(i128::from(amount) * i128::from(self.percent_bp), FULL_BP);
        saturate(percent + i128::from(self.fixed))
    }

    /// Checks what a creator entered; the message names the field and the rule.
    pub fn validate(&self) -> FieldResult<()> {
        if self.percent_bp > MAX_FEE_BP {
            return Err(FieldError::new("fee percent", "at most 10 %"));
        }
        if self.fixed < 0 {
            return Err(FieldError::new("fixed fee", "0 or more"));
        }
        Ok(())
    }
}

/// What one offer earned over a period, after tax, fees and cost, and per minute of the creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferMargin {
    /// The offer.
    pub offer_id: i64,
    /// Units sold.
    pub units: u32,
    /// Revenue without VAT, in minor units.
    pub net_revenue: i64,
    /// Tender fees attributed to the offer.
    pub fees: i64,
    /// Cost of the units sold.
    pub cost: i64,
    /// `net_revenue − fees − cost`.
    pub margin: i64,
    /// Creator minutes the units took (0 for offers that take no time).
    pub minutes: u32,
}

impl OfferMargin {
    /// Margin per creator minute, rounded half away from zero; None when it took no time.
    pub fn per_minute(&self) -> Option<i64> {
        (self.minutes > 0).then(|| {
            saturate(div_half_away(
                i128::from(self.margin),
                i128::from(self.minutes),
            ))
        })
    }
}

/// Builds an offer's margin from its sales, fees, unit cost and minutes per unit (gigs).
pub fn margin(
    offer_id: i64,
    units: u32,
    net_revenue: i64,
    fees: i64,
    cost_per_unit: i64,
    minutes_per_unit: Option<u32>,
) -> OfferMargin {
    let cost = saturate(i128::from(cost_per_unit) * i128::from(units));
    let margin = saturate(i128::from(net_revenue) - i128::from(fees) - i128::from(cost));
    let minutes = minutes_per_unit.map_or(0, |m| m.saturating_mul(units));
    OfferMargin {
        offer_id,
        units,
        net_revenue,
        fees,
        cost,
        margin,
        minutes,
    }
}

/// One sold line with its order's fee, for margins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferFigures {
    /// Offer.
    pub offer_id: i64,
    /// Title as sold (shared by the lines that sold it under the same title).
    pub title: std::rc::Rc<str>,
    /// Unit price as sold.
    pub unit_price: i64,
    /// VAT rate as sold.
    pub vat_bp: u32,
    /// Units.
    pub qty: u32,
    /// Discount on the line.
    pub discount: i64,
    /// Cost per unit as sold.
    pub cost: i64,
    /// The order's tax mode.
    pub vat_mode: VatMode,
    /// The order's tender fees.
    pub order_fee: i64,
    /// All line amounts of the order (to share the fee).
    pub order_lines_sum: i64,
    /// Units of the line refunded since.
    pub refunded: u32,
}

impl OfferFigures {
    /// What the line earned: its net revenue and cost without the refunded units (their fee is
    /// not given back), its share of the order's fee by amount, and `minutes_per_unit` of the
    /// creator's time per unit kept.
    pub fn margin(&self, currency: Currency, minutes_per_unit: Option<u32>) -> OfferMargin {
        // Only the amounts are needed of the line: no copy of its title.
        let sold = super::order::Line {
            offer_id: self.offer_id,
            title: String::new(),
            unit_price: Money::new(self.unit_price, currency),
            vat: VatRate(self.vat_bp),
            qty: self.qty,
            discount: self.discount,
            note: String::new(),
        };
        let kept = sold.units(self.refunded, self.qty.saturating_sub(self.refunded));
        let fee = if self.order_lines_sum > 0 {
            let share = i128::from(self.order_fee) * i128::from(sold.amount().minor);
            i64::try_from(share / i128::from(self.order_lines_sum)).unwrap_or(0)
        } else {
            0
        };
        margin(
            self.offer_id,
            kept.qty,
            super::basket::net_of_vat(&kept, self.vat_mode),
            fee,
            self.cost,
            minutes_per_unit,
        )
    }
}

/// Basis points as people write a percentage: `20%`, `12.5%`, `0.01%`.
/// A percentage in basis points as people write it: `20%`, `12.5%`, `33.33%`.
pub fn percent_label(bp: u32) -> String {
    // A VAT rate is a percentage in basis points too; one formatter keeps them alike.
    VatRate(bp).label()
}

/// `num / den` rounded half away from zero; `den` must be positive (0 otherwise).
fn div_half_away(num: i128, den: i128) -> i128 {
    if den <= 0 {
        return 0;
    }
    let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
    let (q, r) = (n / d, n % d);
    // 2r ≥ d without doubling, so no input can overflow.
    let q = if r >= d - r { q + 1 } else { q };
    let q = i128::try_from(q).unwrap_or(i128::MAX);
    if num < 0 { -q } else { q }
}

/// Clamps to the i64 range; amounts this large are refused long before, this only avoids panics.
fn saturate(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

/// Cuts `total` (≥ 0) in proportion to `weights` (≥ 0) so the cuts sum to `total` exactly:
/// everyone gets the floor of their exact share, and the units still missing go one each to the
/// largest remainders, ties to the earlier entry. All zero when the weights sum to 0.
fn largest_remainder(total: i128, weights: &[i128]) -> Vec<i128> {
    let sum: i128 = weights.iter().sum();
    if sum <= 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let mut cuts: Vec<i128> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // A stable sort keeps equal remainders in their given order.
    order.sort_by_key(|&i| Reverse(total * weights[i] % sum));
    let missing = total - cuts.iter().sum::<i128>();
    for &i in order.iter().take(usize::try_from(missing).unwrap_or(0)) {
        cuts[i] += 1;
    }
    cuts
}

#[cfg(test)]
mod tests;
