//! The basket priced at the moment of sale: list prices, the best discount window of each line
//! (within its cap), bundles sold as their parts, and tax in the event's mode. The kiosk shows
//! exactly this quote and the sale recomputes it inside its transaction.

use jiff::Timestamp;

use super::catalogue::{Bundle, Offer};
use super::money::{Currency, Money};
use super::order::{Line, VatLine, vat_breakdown};
use super::pricing::{self, Discount, Share, VatMode};

/// An order line with what it was sold under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    /// What the receipt shows.
    pub line: Line,
    /// The discount window applied, if any.
    pub discount_id: Option<i64>,
    /// The bundle this line is part of, if any.
    pub bundle_id: Option<i64>,
    /// The offer's cost per unit at the time.
    pub cost: i64,
}

/// A priced basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Lines in basket order: single offers first, then each bundle's parts.
    pub lines: Vec<PricedLine>,
    /// Tax per rate.
    pub vat: Vec<VatLine>,
    /// What the fan pays (before any tip).
    pub total: Money,
}

/// Why a basket cannot be priced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BasketError {
    /// No such offer at this event.
    #[error("there is no offer {0} at this event")]
    UnknownOffer(i64),
    /// No such bundle at this event.
    #[error("there is no bundle {0} at this event")]
    UnknownBundle(i64),
    /// A bundle whose parts no longer add up.
    #[error("{title}: {reason}")]
    Bundle {
        /// Bundle title.
        title: String,
        /// What is wrong.
        reason: String,
    },
}

impl Quote {
    /// Units per offer over all lines, in first-appearance order: what stock must cover.
    pub fn units(&self) -> Vec<(i64, u32)> {
        let mut out: Vec<(i64, u32)> = Vec::new();
        for l in &self.lines {
            match out.iter_mut().find(|(id, _)| *id == l.line.offer_id) {
                Some((_, qty)) => *qty += l.line.qty,
                None => out.push((l.line.offer_id, l.line.qty)),
            }
        }
        out
    }

    /// The receipt lines.
    pub fn receipt_lines(&self) -> Vec<Line> {
        self.lines.iter().map(|l| l.line.clone()).collect()
    }

    /// What the discounts and bundles take off in total.
    pub fn saving(&self) -> Money {
        Money::new(
            self.lines.iter().map(|l| l.line.discount).sum(),
            self.total.currency,
        )
    }
}

/// What the event sells and under which rules, for pricing.
#[derive(Debug, Clone, Copy)]
pub struct PriceList<'a> {
    /// Offers (archived ones too: the sale checks sellability).
    pub offers: &'a [Offer],
    /// Bundles.
    pub bundles: &'a [Bundle],
    /// Discount windows.
    pub discounts: &'a [Discount],
    /// Tax mode.
    pub mode: VatMode,
    /// Currency.
    pub currency: Currency,
}

/// Prices `items` (`(offer id, units)`) and `bundles` (`(bundle id, count)`) at `now`.
pub fn quote(
    list: PriceList<'_>,
    items: &[(i64, u32)],
    bundles: &[(i64, u32)],
    now: Timestamp,
) -> Result<Quote, BasketError> {
    let mut lines: Vec<PricedLine> = Vec::new();
    // Discounted units taken in this basket, per discount: caps count them too.
    let mut taken: Vec<(i64, u32)> = Vec::new();
    for &(offer_id, qty) in items {
        let offer = list
            .offers
            .iter()
            .find(|o| o.id == offer_id)
            .ok_or(BasketError::UnknownOffer(offer_id))?;
        let best = pricing::best_discount(list.discounts, offer.id, offer.price.minor, now);
        let Some(d) = best else {
            lines.push(plain(offer, qty));
            continue;
        };
        let used = taken.iter().find(|t| t.0 == d.id).map_or(0, |t| t.1);
        let left = d
            .max_uses
            .map_or(qty, |cap| cap.saturating_sub(d.used).saturating_sub(used));
        let discounted = qty.min(left);
        if discounted > 0 {
            let mut l = plain(offer, discounted);
            l.line.discount = d.unit_off(offer.price.minor) * i64::from(discounted);
            l.line.note = format!("{} {}", d.name, d.label(list.currency));
            l.discount_id = Some(d.id);
            lines.push(l);
            match taken.iter_mut().find(|t| t.0 == d.id) {
                Some(t) => t.1 += discounted,
                None => taken.push((d.id, discounted)),
            }
        }
        if qty > discounted {
            lines.push(plain(offer, qty - discounted));
        }
    }
    for &(bundle_id, count) in bundles {
        lines.extend(bundle_lines(&list, bundle_id, count)?);
    }
    let receipt: Vec<Line> = lines.iter().map(|l| l.line.clone()).collect();
    let vat = vat_breakdown(&receipt, list.mode, list.currency);
    let total = pricing::total_of(&vat, list.currency);
    Ok(Quote { lines, vat, total })
}

/// The lines of `count` of a bundle: each part at its share of the bundle price.
fn bundle_lines(
    list: &PriceList<'_>,
    bundle_id: i64,
    count: u32,
) -> Result<Vec<PricedLine>, BasketError> {
    let bundle = list
        .bundles
        .iter()
        .find(|b| b.id == bundle_id)
        .ok_or(BasketError::UnknownBundle(bundle_id))?;
    let parts = bundle
        .parts
        .iter()
        .map(|&(offer_id, qty)| {
            list.offers
                .iter()
                .find(|o| o.id == offer_id)
                .ok_or(BasketError::UnknownOffer(offer_id))
                .and_then(|o| {
                    qty.checked_mul(count)
                        .map(|units| (o, units))
                        .ok_or_else(|| BasketError::Bundle {
                            title: bundle.title.clone(),
                            reason: "too many at once".into(),
                        })
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let listed: Vec<(u32, i64)> = parts.iter().map(|(o, q)| (*q, o.price.minor)).collect();
    let price = bundle.price.minor * i64::from(count);
    let off = pricing::bundle_discounts(price, &listed, list.currency).map_err(|reason| {
        BasketError::Bundle {
            title: bundle.title.clone(),
            reason: reason.to_string(),
        }
    })?;
    Ok(parts
        .into_iter()
        .zip(off)
        .map(|((offer, qty), discount)| {
            let mut l = plain(offer, qty);
            l.line.discount = discount;
            l.line.note = format!("in {}", bundle.title);
            l.bundle_id = Some(bundle.id);
            l
        })
        .collect())
}

fn plain(offer: &Offer, qty: u32) -> PricedLine {
    PricedLine {
        line: Line::of(offer, qty),
        discount_id: None,
        bundle_id: None,
        cost: offer.cost,
    }
}

/// The part of a line amount that is the creator's revenue: without VAT.
pub fn net_of_vat(line: &Line, mode: VatMode) -> i64 {
    let amount = line.amount().minor;
    match mode {
        VatMode::Exclusive => amount,
        VatMode::Inclusive => {
            let vat = vat_breakdown(std::slice::from_ref(line), mode, line.unit_price.currency);
            amount - vat.iter().map(|v| v.vat.minor).sum::<i64>()
        }
    }
}

/// Who gets what of one order: each line's revenue without VAT split by its offer's shares
/// (`shares_of(offer id)`), and the tip shared in the same proportions. The creator (`owner`)
/// keeps the rest. Sums are exact: every minor unit goes to someone.
pub fn order_splits(
    lines: &[Line],
    tip: i64,
    mode: VatMode,
    owner: &str,
    shares_of: impl Fn(i64) -> Vec<(String, Share)>,
) -> Vec<(String, i64)> {
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut add = |name: &str, amount: i64| match totals.iter_mut().find(|t| t.0 == name) {
        Some(t) => t.1 += amount,
        None => totals.push((name.to_string(), amount)),
    };
    for line in lines {
        let shares = shares_of(line.offer_id);
        let net = net_of_vat(line, mode);
        if shares.is_empty() {
            add(owner, net);
            continue;
        }
        for (name, amount) in pricing::split(net, line.qty, &shares, owner) {
            add(&name, amount);
        }
    }
    if tip > 0 {
        for (name, amount) in share_out(tip, &totals.clone()) {
            match totals.iter_mut().find(|t| t.0 == name) {
                Some(t) => t.1 += amount,
                None => totals.push((name, amount)),
            }
        }
    }
    totals.retain(|t| t.1 != 0);
    totals
}

/// Shares `amount` in proportion to `weights` by the largest-remainder method (ties to the
/// earlier name); all of it goes to the first name when the weights add up to nothing.
pub fn share_out(amount: i64, weights: &[(String, i64)]) -> Vec<(String, i64)> {
    let total: i64 = weights.iter().map(|w| w.1.max(0)).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if total <= 0 {
        return vec![(weights[0].0.clone(), amount)];
    }
    let (amount_w, total_w) = (i128::from(amount), i128::from(total));
    let mut parts: Vec<(String, i64, i128)> = weights
        .iter()
        .map(|(name, w)| {
            let exact = amount_w * i128::from((*w).max(0));
            let floor = i64::try_from(exact / total_w).unwrap_or(0);
            (name.clone(), floor, exact % total_w)
        })
        .collect();
    let mut left = amount - parts.iter().map(|p| p.1).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].2.cmp(&parts[*a].2).then(a.cmp(b)));
    for i in order.into_iter().cycle().take(parts.len() * 2) {
        if left <= 0 {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    parts.into_iter().map(|(n, a, _)| (n, a)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::{OfferKind, VatRate};
    use crate::domain::pricing::DiscountOff;

    fn offer(id: i64, price: i64, vat: u32) -> Offer {
        Offer {
            id,
            title: format!("Offer {id}"),
            price: Money::new(price, Currency::Eur),
            vat: VatRate(vat),
            kind: OfferKind::Item,
            remaining: None,
            lane: None,
            held: 0,
            grants_priority: false,
            look: Default::default(),
            variant_of: None,
            cost: 100,
            archived: false,
            pass_credit: 0,
            key: String::new(),
        }
    }

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    fn happy_hour(cap: Option<u32>, used: u32) -> Discount {
        Discount {
            id: 7,
            name: "Happy hour".into(),
            off: DiscountOff::Percent(2000),
            offers: vec![1],
            starts: at(1_000),
            ends: at(2_000),
            max_uses: cap,
            used,
        }
    }

    #[test]
    fn a_discount_window_prices_its_offers_and_its_cap_splits_the_line() {
        let offers = [offer(1, 1000, 1900), offer(2, 500, 700)];
        let discounts = [happy_hour(Some(5), 3)];
        let list = PriceList {
            offers: &offers,
            bundles: &[],
            discounts: &discounts,
            mode: VatMode::Inclusive,
            currency: Currency::Eur,
        };
        let q = quote(list, &[(1, 3), (2, 1)], &[], at(1_500)).unwrap();
        // Two uses left of the cap: two units at −20 %, the third at the list price.
        assert_eq!(q.lines.len(), 3);
        assert_eq!((q.lines[0].line.qty, q.lines[0].line.discount), (2, 400));
        assert_eq!(q.lines[0].line.note, "Happy hour -20%");
        assert_eq!(q.lines[0].discount_id, Some(7));
        assert_eq!((q.lines[1].line.qty, q.lines[1].line.discount), (1, 0));
        assert_eq!(q.total.minor, 1600 + 1000 + 500);
        assert_eq!(q.units(), vec![(1, 3), (2, 1)]);
        assert_eq!(q.saving().minor, 400);
        // Outside the window: list prices.
        let later = quote(list, &[(1, 3)], &[], at(2_000)).unwrap();
        assert_eq!(later.total.minor, 3000);
    }

    #[test]
    fn a_bundle_sells_its_parts_at_the_bundle_price_with_tax_per_part() {
        let offers = [offer(1, 1500, 1900), offer(2, 1000, 700)];
        let bundles = [Bundle {
            id: 3,
            title: "Fan pack".into(),
            price: Money::new(2000, Currency::Eur),
            parts: vec![(1, 1), (2, 1)],
            emoji: String::new(),
            archived: false,
        }];
        let list = PriceList {
            offers: &offers,
            bundles: &bundles,
            discounts: &[],
            mode: VatMode::Inclusive,
            currency: Currency::Eur,
        };
        let q = quote(list, &[], &[(3, 2)], at(0)).unwrap();
        assert_eq!(q.total.minor, 4000);
        assert_eq!(q.lines.len(), 2);
        assert_eq!(
            q.lines[0].line.amount().minor + q.lines[1].line.amount().minor,
            4000
        );
        assert_eq!(q.lines[0].line.note, "in Fan pack");
        assert_eq!(q.vat.len(), 2);
        assert_eq!(q.units(), vec![(1, 2), (2, 2)]);
        assert_eq!(
            quote(list, &[], &[(9, 1)], at(0)),
            Err(BasketError::UnknownBundle(9))
        );
    }

    #[test]
    fn exclusive_mode_adds_tax_to_the_quote() {
        let offers = [offer(1, 1000, 825)];
        let list = PriceList {
            offers: &offers,
            bundles: &[],
            discounts: &[],
            mode: VatMode::Exclusive,
            currency: Currency::Usd,
        };
        let q = quote(list, &[(1, 1)], &[], at(0)).unwrap();
        assert_eq!(q.total.minor, 1083);
    }

    #[test]
    fn splits_share_net_revenue_and_the_tip_exactly() {
        let lines = vec![
            Line::of(&offer(1, 1190, 1900), 1),
            Line::of(&offer(2, 500, 0), 1),
        ];
        let splits = order_splits(&lines, 101, VatMode::Inclusive, "Creator", |id| {
            if id == 1 {
                vec![("Jo".to_string(), Share::Percent(5000))]
            } else {
                Vec::new()
            }
        });
        let total: i64 = splits.iter().map(|s| s.1).sum();
        assert_eq!(total, 1000 + 500 + 101);
        let jo = splits.iter().find(|s| s.0 == "Jo").unwrap().1;
        assert_eq!(jo, 500 + 34, "half of €10.00 net, and a third of the tip");
    }

    #[test]
    fn share_out_never_loses_a_cent() {
        let w = vec![
            ("a".to_string(), 1),
            ("b".to_string(), 1),
            ("c".to_string(), 1),
        ];
        let parts = share_out(100, &w);
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 100);
        assert_eq!(parts[0].1, 34);
        assert_eq!(share_out(5, &[("x".into(), 0)]), vec![("x".to_string(), 5)]);
    }
}
