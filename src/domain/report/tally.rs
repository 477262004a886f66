//! A period's sales added up as they happen: everything a day-close needs of the sales of a
//! station's shift, kept in each sale's own transaction and corrected by each refund, so an X or
//! Z report of a long night adds up a few dozen figures instead of every sale again.
//!
//! Every figure is a sum: two tallies merge by adding, and a refund's correction is a tally with
//! negative parts. The same rules as ever make each sale's part: its tax as its receipt printed
//! it, each leg of a split where it was paid, each line's margin by the catalogue's rule.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::OrderRow;
use crate::domain::catalogue::VatRate;
use crate::domain::money::Currency;
use crate::domain::order::TenderKind;
use crate::domain::pricing::{OfferFigures, tax_breakdown};

/// The sums of a period's sales.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Receipts.
    pub receipts: i64,
    /// What the fans paid for the lines (tax included), tips apart.
    pub gross: i64,
    /// Tips.
    pub tips: i64,
    /// Discounts the lines got.
    pub discounts: i64,
    /// Tender fees the creator pays.
    pub fees: i64,
    /// Per method: payments (legs of splits apart) and what they took, change deducted.
    pub methods: Vec<MethodSum>,
    /// Per VAT rate, each receipt's tax as it printed it.
    pub vat: Vec<RateSum>,
    /// Per minute of the clock (Unix seconds / 60): receipts and what they came to.
    pub minutes: BTreeMap<i64, (i64, i64)>,
    /// Per offer, in offer order.
    pub offers: Vec<OfferSum>,
    /// Per collaborator: what their shares come to (refunds taken off).
    pub shares: Vec<(String, i64)>,
}

/// One method's payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodSum {
    /// The method.
    pub kind: TenderKind,
    /// Payments (legs) with it.
    pub payments: i64,
    /// Taken with it, change deducted.
    pub taken: i64,
}

/// One VAT rate's sales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSum {
    /// The rate.
    pub rate: VatRate,
    /// Tax included.
    pub gross: i64,
    /// The tax.
    pub vat: i64,
    /// Without the tax.
    pub net: i64,
}

/// One offer's sales, refunded units deducted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferSum {
    /// The offer.
    pub offer_id: i64,
    /// Its title as last sold (empty until a sale names it).
    pub title: String,
    /// Units kept.
    pub units: i64,
    /// Revenue without VAT.
    pub net: i64,
    /// Net − fees − cost.
    pub margin: i64,
}

impl Tally {
    /// The tally of a period's raw rows: its orders, their lines (with the units refunded
    /// since) and what each collaborator's shares came to.
    pub fn of_rows(
        orders: &[OrderRow],
        lines: &[OfferFigures],
        shares: &[(String, i64)],
        currency: Currency,
    ) -> Tally {
        let mut t = Tally::default();
        for o in orders {
            t.add_order(o, currency);
        }
        for l in lines {
            t.add_line(l, currency);
        }
        for (who, amount) in shares {
            t.add_share(who, *amount);
        }
        t
    }

    /// Adds one receipt: its totals, its tenders, its tax as printed and its minute.
    pub fn add_order(&mut self, o: &OrderRow, currency: Currency) {
        self.receipts += 1;
        self.gross = self.gross.saturating_add(o.total);
        self.tips = self.tips.saturating_add(o.tip);
        self.discounts = self.discounts.saturating_add(o.discount);
        self.fees = self.fees.saturating_add(o.fee);
        for &(kind, paid) in &o.tenders {
            self.add_method(MethodSum {
                kind,
                payments: 1,
                taken: paid,
            });
        }
        for l in tax_breakdown(&o.by_rate, o.mode, currency) {
            self.add_rate(RateSum {
                rate: l.rate,
                gross: l.gross.minor,
                vat: l.vat.minor,
                net: l.net.minor,
            });
        }
        let minute = self
            .minutes
            .entry(o.paid_at.as_second().div_euclid(60))
            .or_default();
        minute.0 += 1;
        minute.1 = minute.1.saturating_add(o.total);
    }

    /// Adds one sold line's units, net revenue and margin to its offer (the line's title
    /// becomes the offer's).
    pub fn add_line(&mut self, line: &OfferFigures, currency: Currency) {
        let m = line.margin(currency, None);
        self.add_offer(OfferSum {
            offer_id: line.offer_id,
            title: line.title.to_string(),
            units: i64::from(m.units),
            net: m.net_revenue,
            margin: m.margin,
        });
    }

    /// Corrects a line's offer for units refunded: `before` as it stood, `after` with the
    /// refund's units.
    pub fn refund_line(&mut self, before: &OfferFigures, after: &OfferFigures, c: Currency) {
        let (was, is) = (before.margin(c, None), after.margin(c, None));
        self.add_offer(OfferSum {
            offer_id: before.offer_id,
            title: String::new(),
            units: i64::from(is.units) - i64::from(was.units),
            net: is.net_revenue - was.net_revenue,
            margin: is.margin - was.margin,
        });
    }

    /// Adds `amount` to `who`'s share (negative for a refund's).
    pub fn add_share(&mut self, who: &str, amount: i64) {
        match self.shares.iter_mut().find(|(w, _)| w == who) {
            Some((_, sum)) => *sum = sum.saturating_add(amount),
            None => self.shares.push((who.to_string(), amount)),
        }
    }

    /// Adds `m` to its method's sums.
    pub fn add_method(&mut self, m: MethodSum) {
        match self.methods.iter_mut().find(|x| x.kind == m.kind) {
            Some(x) => {
                x.payments += m.payments;
                x.taken = x.taken.saturating_add(m.taken);
            }
            None => self.methods.push(m),
        }
    }

    /// Adds `r` to its rate's sums, rates ascending.
    pub fn add_rate(&mut self, r: RateSum) {
        match self.vat.binary_search_by_key(&r.rate, |x| x.rate) {
            Ok(i) => {
                let x = &mut self.vat[i];
                x.gross = x.gross.saturating_add(r.gross);
                x.vat = x.vat.saturating_add(r.vat);
                x.net = x.net.saturating_add(r.net);
            }
            Err(i) => self.vat.insert(i, r),
        }
    }

    /// Adds `o` to its offer's sums, offers in id order; a title given replaces the one kept.
    pub fn add_offer(&mut self, o: OfferSum) {
        match self
            .offers
            .binary_search_by_key(&o.offer_id, |x| x.offer_id)
        {
            Ok(i) => {
                let x = &mut self.offers[i];
                x.units += o.units;
                x.net = x.net.saturating_add(o.net);
                x.margin = x.margin.saturating_add(o.margin);
                if !o.title.is_empty() {
                    x.title = o.title;
                }
            }
            Err(i) => self.offers.insert(i, o),
        }
    }

    /// Adds another period's tally (a later one: its titles win).
    pub fn merge(&mut self, other: Tally) {
        self.receipts += other.receipts;
        self.gross = self.gross.saturating_add(other.gross);
        self.tips = self.tips.saturating_add(other.tips);
        self.discounts = self.discounts.saturating_add(other.discounts);
        self.fees = self.fees.saturating_add(other.fees);
        for m in other.methods {
            self.add_method(m);
        }
        for r in other.vat {
            self.add_rate(r);
        }
        for (minute, (receipts, gross)) in other.minutes {
            let e = self.minutes.entry(minute).or_default();
            e.0 += receipts;
            e.1 = e.1.saturating_add(gross);
        }
        for o in other.offers {
            self.add_offer(o);
        }
        for (who, amount) in other.shares {
            self.add_share(&who, amount);
        }
    }

    /// The start of each minute that had sales, with its receipts and sales.
    pub fn by_minute(&self) -> impl Iterator<Item = (Timestamp, i64, i64)> + '_ {
        self.minutes.iter().filter_map(|(m, (n, gross))| {
            Some((Timestamp::from_second(m.checked_mul(60)?).ok()?, *n, *gross))
        })
    }
}
