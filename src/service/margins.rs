//! Margins per offer: net revenue (without VAT), tender fees, cost, and minutes of the
//! creator's time, folded from the sold lines. The Event screen's table, the dashboard (new
//! lines only) and the day-close reports (one period's lines) share the one fold.

use super::PosResult;
use super::setup::Margin;
use crate::domain::catalogue::OfferKind;
use crate::store::{offers, orders};

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
        let minutes = catalogue
            .iter()
            .find(|o| o.id == f.offer_id)
            .and_then(|o| match o.kind {
                OfferKind::Gig { duration_mins, .. } => Some(duration_mins),
                _ => None,
            });
        let add = f.margin(currency, minutes);
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
