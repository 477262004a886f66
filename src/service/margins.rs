//! Margins per offer: net revenue (without VAT), tender fees, cost, and minutes of the
//! creator's time, folded from the sold lines. The Event screen's table, the dashboard (new
//! lines only) and the day-close reports (one period's lines) share the one fold.

use super::PosResult;
use super::setup::Margin;
use crate::domain::basket::net_of_vat;
use crate::domain::catalogue::{OfferKind, VatRate};
use crate::domain::money::Money;
use crate::domain::order::Line;
use crate::domain::pricing;
use crate::store::{self, offers, orders};

/// The margins of one report's lines (as `store::report::orders` reads them).
pub(super) fn margins_of(
    conn: &store::Conn,
    event: &crate::domain::event::Event,
    figures: Vec<orders::OfferFigures>,
) -> PosResult<Vec<Margin>> {
    let mut out = Vec::new();
    fold_margins(conn, (event.id, event.currency), figures, &mut out)?;
    Ok(out)
}

/// Folds the margins of the event's lines with rowid in `(after, upto]` into `out`: the Event
/// screen's table takes them all, the dashboard adds what is new since its last refresh.
pub(super) fn add_margins(
    conn: &crate::store::Conn,
    (event_id, currency): (i64, crate::domain::money::Currency),
    (after, upto): (i64, i64),
    out: &mut Vec<Margin>,
) -> PosResult<()> {
    let figures = orders::offer_figures_between(conn, event_id, after, upto)?;
    fold_margins(conn, (event_id, currency), figures, out)
}

/// Adds each sold line's net revenue, fee share, cost and minutes to its offer's margin.
fn fold_margins(
    conn: &crate::store::Conn,
    (event_id, currency): (i64, crate::domain::money::Currency),
    figures: Vec<orders::OfferFigures>,
    out: &mut Vec<Margin>,
) -> PosResult<()> {
    let mut ids: Vec<i64> = figures.iter().map(|f| f.offer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let catalogue = offers::get_many(conn, event_id, &ids, currency)?;
    for f in figures {
        // Only the amounts are needed of the line: no copy of its title.
        let sold = Line {
            offer_id: f.offer_id,
            title: String::new(),
            unit_price: Money::new(f.unit_price, currency),
            vat: VatRate(f.vat_bp),
            qty: f.qty,
            discount: f.discount,
            note: String::new(),
        };
        // Refunded units are neither revenue nor cost (their fee is not given back).
        let line = sold.units(f.refunded, f.qty.saturating_sub(f.refunded));
        let mode = f.vat_mode;
        let amount = sold.amount().minor;
        let fee = if f.order_lines_sum > 0 {
            let share = i128::from(f.order_fee) * i128::from(amount);
            i64::try_from(share / i128::from(f.order_lines_sum)).unwrap_or(0)
        } else {
            0
        };
        let minutes = catalogue
            .iter()
            .find(|o| o.id == f.offer_id)
            .and_then(|o| match o.kind {
                OfferKind::Gig { duration_mins, .. } => Some(duration_mins),
                _ => None,
            });
        let add = pricing::margin(
            f.offer_id,
            line.qty,
            net_of_vat(&line, mode),
            fee,
            f.cost,
            minutes,
        );
        match out.iter_mut().find(|m| m.figures.offer_id == f.offer_id) {
            Some(m) => {
                let g = &mut m.figures;
                g.units += add.units;
                g.net_revenue += add.net_revenue;
                g.fees += add.fees;
                g.cost += add.cost;
                g.margin += add.margin;
                g.minutes += add.minutes;
                if *m.title != *f.title {
                    m.title = f.title.to_string();
                }
            }
            None => out.push(Margin {
                title: f.title.to_string(),
                figures: add,
            }),
        }
    }
    Ok(())
}
