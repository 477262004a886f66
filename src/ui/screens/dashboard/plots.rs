//! The dashboard's pictures: revenue bars per quarter hour with the discount windows shaded,
//! the lanes' waits over the night, sell-through and top-offer bars, the QR conversion bar,
//! the creator's margins per gig-minute, and the Tour view. Plots are egui_plot, fixed in
//! place (a kiosk is tapped, not zoomed); each carries its figures as text for readers.

use egui::{Color32, RichText, Sense, vec2};
use egui_plot::{Bar, BarChart, GridInput, GridMark, Legend, Line, LineStyle, Plot, Span};
use jiff::Timestamp;

use crate::domain::dashboard::{BUCKET_SECS, LaneFigures, QrConversion, SellThrough, share_bp};
use crate::domain::event::local_hhmm;
use crate::domain::money::{Currency, Money};
use crate::service::{DashboardFigures, Margin, TourRow};
use crate::ui::ctx::ScreenCtx;
use crate::ui::theme::{BAD, GOOD, MUTED, WAIT};

/// What the plots leave for the rest of the screen: the bars under them, captions, spacing.
const BESIDE_PLOTS: f32 = 250.0;
/// Bars for drops, offers and gigs: thin, so that a night's worth fits 1024×600.
const BAR_H: f32 = 24.0;
/// How far back the plots reach when the night is young.
const MIN_SPAN_SECS: i64 = 2 * 3600;

/// `part` of `whole` as a whole percentage ("–" of nothing).
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{} %", share_bp(part, whole) / 100)
}

/// A wait as people say it: `40 s` under a minute, else whole minutes (`44 min`).
fn mins(secs: i64) -> String {
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min", (secs + 30) / 60)
    }
}

/// The night: revenue and lanes side by side, then drops, QR and top offers, then (for the
/// creator) margins per gig.
pub fn night_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    f: &DashboardFigures,
    margins: Option<&Vec<Margin>>,
) {
    ui.spacing_mut().item_spacing.y = 4.0;
    let plot_h = (ui.available_height() - BESIDE_PLOTS).clamp(90.0, 320.0);
    let now = ctx.now.as_second();
    let first = f.revenue.first().map_or(now, |b| b.0);
    let range = (first.min(now - MIN_SPAN_SECS), now + BUCKET_SECS);
    ui.columns(2, |cols| {
        revenue_ui(&mut cols[0], ctx, f, (range, plot_h));
        lanes_ui(&mut cols[1], ctx, &f.lanes, (range, plot_h));
    });
    ui.separator();
    ui.columns(3, |cols| {
        drops_ui(&mut cols[0], ctx, &f.drops);
        qr_ui(&mut cols[1], &f.qr);
        top_ui(&mut cols[2], ctx.event.currency, f);
    });
    if let Some(margins) = margins {
        ui.separator();
        margins_ui(ui, ctx.event.currency, margins);
    }
}

/// A time axis in the event's zone, marks every quarter hour or hour.
fn time_plot<'a>(id: &str, ctx: &ScreenCtx<'_>, ((from, to), height): Span2) -> Plot<'a> {
    let zone = ctx.event.time_zone.clone();
    Plot::new(id)
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .include_x(from as f64)
        .include_x(to as f64)
        .include_y(0.0)
        .x_grid_spacer(quarter_hours)
        .x_axis_formatter(move |mark, _| {
            Timestamp::from_second(mark.value as i64)
                .map(|at| local_hhmm(at, &zone))
                .unwrap_or_default()
        })
}

/// Grid marks on whole quarter hours (hours when the night is long).
fn quarter_hours(input: GridInput) -> Vec<GridMark> {
    let (min, max) = input.bounds;
    let step = if max - min > 6.0 * 3600.0 {
        3600.0
    } else {
        BUCKET_SECS as f64 * 2.0
    };
    let mut at = (min / step).ceil() * step;
    let mut out = Vec::new();
    while at <= max && out.len() < 50 {
        out.push(GridMark {
            value: at,
            step_size: step,
        });
        out.push(GridMark {
            value: at + step / 2.0,
            step_size: step / 2.0,
        });
        at += step;
    }
    out
}

/// The plots' time range (unix seconds) and height.
type Span2 = ((i64, i64), f32);

fn revenue_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, f: &DashboardFigures, area: Span2) {
    let range = area.0;
    let currency = ctx.event.currency;
    let scale = 10f64.powi(currency.minor_digits() as i32);
    ui.label(RichText::new("Revenue per 15 minutes").strong());
    let bars: Vec<Bar> = f
        .revenue
        .iter()
        .map(|(at, minor)| {
            Bar::new((at + BUCKET_SECS / 2) as f64, *minor as f64 / scale)
                .width(BUCKET_SECS as f64 * 0.85)
                .name(Money::new(*minor, currency).to_string())
        })
        .collect();
    let discounts: Vec<(String, f64, f64)> = ctx
        .shared
        .discounts
        .iter()
        .filter(|d| d.ends.as_second() > range.0 && d.starts.as_second() < range.1)
        .map(|d| {
            let from = d.starts.as_second().max(range.0) as f64;
            let to = d.ends.as_second().min(range.1) as f64;
            (d.name.clone(), from, to)
        })
        .collect();
    let symbol = currency.symbol();
    time_plot("revenue_plot", ctx, area)
        .include_y(10.0)
        .y_axis_formatter(move |mark, _| format!("{symbol}{}", mark.value))
        .show(ui, |plot| {
            for (name, from, to) in discounts {
                plot.span(Span::new(name, from..=to).fill(WAIT.gamma_multiply(0.18)));
            }
            plot.bar_chart(BarChart::new("Revenue", bars).color(GOOD));
        });
    let last = f
        .revenue
        .last()
        .map(|b| Money::new(b.1, currency).to_string());
    let windows = ctx.shared.discounts.len();
    ui.label(
        RichText::new(format!(
            "Now {} a quarter hour · shaded: {windows} discount window(s)",
            last.unwrap_or_else(|| "–".into())
        ))
        .small(),
    );
}

fn lanes_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, lanes: &[LaneFigures], area: Span2) {
    ui.label(RichText::new("Lanes: wait and gig length, minutes").strong());
    let colours = [GOOD, WAIT, Color32::from_rgb(80, 140, 230), BAD];
    let half = (BUCKET_SECS / 2) as f64;
    let points = |series: &[(i64, i64)]| -> Vec<[f64; 2]> {
        series
            .iter()
            .map(|(at, secs)| [*at as f64 + half, *secs as f64 / 60.0])
            .collect()
    };
    // Before the first call there is nothing to scale to: keep a 10-minute axis, not ±4000.
    time_plot("lanes_plot", ctx, area)
        .include_y(10.0)
        .legend(Legend::default())
        .show(ui, |plot| {
            for (i, lane) in lanes.iter().enumerate() {
                let colour = colours[i % colours.len()];
                plot.line(
                    Line::new(format!("{} wait", lane.lane), points(&lane.wait))
                        .color(colour)
                        .width(2.5),
                );
                plot.line(
                    Line::new(format!("{} gig", lane.lane), points(&lane.fulfil))
                        .color(colour)
                        .style(LineStyle::dashed_loose()),
                );
            }
        });
    for lane in lanes {
        let wait = lane.mean_wait.map_or("–".into(), mins);
        let no_show = lane
            .no_show_bp
            .map_or("–".into(), |bp| format!("{} %", bp / 100));
        ui.label(format!(
            "Lane {}: {} waiting now · wait {wait} · no-show {no_show}",
            lane.lane, lane.waiting
        ));
    }
    if lanes.is_empty() {
        ui.label(RichText::new("No queue yet.").color(MUTED));
    }
}

fn drops_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, drops: &[SellThrough]) {
    ui.label(RichText::new("Sell-through per drop").strong());
    for d in drops {
        let when = match (d.sold_out_after, d.projected_at) {
            (Some(secs), _) => format!("sold out in {}", mins(secs)),
            (None, Some(at)) => Timestamp::from_second(at)
                .map(|at| {
                    format!(
                        "at this pace gone by {}",
                        local_hhmm(at, &ctx.event.time_zone)
                    )
                })
                .unwrap_or_default(),
            (None, None) => "no sales yet".into(),
        };
        let text = format!("{} {}/{}", d.title, d.sold, d.stock);
        let fill = if d.sold_out_after.is_some() {
            BAD
        } else {
            GOOD
        };
        ui.add(
            egui::ProgressBar::new(d.share_bp as f32 / 10_000.0)
                .text(text)
                .desired_height(BAR_H)
                .fill(fill.gamma_multiply(0.8)),
        );
        ui.label(RichText::new(when).small());
    }
    if drops.is_empty() {
        ui.label(RichText::new("No drops at this event.").color(MUTED));
    }
}

fn qr_ui(ui: &mut egui::Ui, qr: &QrConversion) {
    ui.label(RichText::new("QR conversion").strong());
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), BAR_H), Sense::hover());
    let text = format!(
        "QR shown {}: paid {} ({}), cancelled {}, expired {}",
        qr.ended,
        qr.paid,
        percent(qr.paid, qr.ended),
        qr.cancelled,
        qr.expired
    );
    let share = format!("QR paid {}", percent(qr.paid, qr.ended));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &share));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let mut x = rect.left();
    for (n, colour) in [(qr.paid, GOOD), (qr.cancelled, BAD), (qr.expired, WAIT)] {
        if qr.ended == 0 {
            break;
        }
        let w = rect.width() * n as f32 / qr.ended as f32;
        let part = egui::Rect::from_min_size(egui::pos2(x, rect.top()), vec2(w, rect.height()));
        painter.rect_filled(part, 0.0, colour);
        x += w;
    }
    ui.label(RichText::new(text).small());
    let median = qr.median_pay_secs.map_or("–".into(), mins);
    ui.label(RichText::new(format!("Median time to pay {median}")).small());
}

fn top_ui(ui: &mut egui::Ui, currency: Currency, f: &DashboardFigures) {
    ui.label(RichText::new("Top offers").strong());
    let best = f.top.first().map_or(1, |t| t.revenue.max(1));
    for t in &f.top {
        let text = format!(
            "{} {} ({})",
            t.title,
            Money::new(t.revenue, currency),
            t.units
        );
        let share = t.revenue.max(0) as f32 / best as f32;
        ui.add(
            egui::ProgressBar::new(share)
                .text(text)
                .desired_height(BAR_H),
        );
    }
    if f.top.is_empty() {
        ui.label(RichText::new("Nothing sold yet.").color(MUTED));
    }
}

/// The creator's margin per gig-minute, one bar per gig (net of VAT, fees and cost).
fn margins_ui(ui: &mut egui::Ui, currency: Currency, margins: &[Margin]) {
    ui.label(RichText::new("Margin per gig-minute (net of VAT, fees and cost)").strong());
    let best = margins
        .iter()
        .filter_map(|m| m.figures.per_minute())
        .max()
        .unwrap_or(1)
        .max(1);
    for m in margins {
        let f = &m.figures;
        let per = f.per_minute().unwrap_or(0);
        let text = format!(
            "{}: {}/min · {} over {} min ({} sold)",
            m.title,
            Money::new(per, currency),
            Money::new(f.margin, currency),
            f.minutes,
            f.units
        );
        let fill = if per < 0 { BAD } else { GOOD };
        let bar = egui::ProgressBar::new(per.max(0) as f32 / best as f32);
        ui.add(
            bar.text(text)
                .desired_height(BAR_H)
                .fill(fill.gamma_multiply(0.8)),
        );
    }
    if margins.is_empty() {
        ui.label(RichText::new("No gig sold yet.").color(MUTED));
    }
}

/// Every event side by side, oldest first: what the next pop-up can be priced from.
pub fn tour_ui(ui: &mut egui::Ui, rows: &[TourRow]) {
    let scale = |r: &TourRow| 10f64.powi(r.currency.minor_digits() as i32);
    // Each event a pair of bars: revenue left of its mark, margin right of it.
    let bars = |dx: f64, value: fn(&TourRow) -> i64| -> Vec<Bar> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                Bar::new(i as f64 + dx, value(r) as f64 / scale(r))
                    .width(0.35)
                    .name(&r.name)
            })
            .collect()
    };
    let revenue = bars(-0.2, |r| r.revenue);
    let margin = bars(0.2, |r| r.margin);
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    Plot::new("tour_plot")
        .height((ui.available_height() - 220.0).clamp(90.0, 320.0))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show_x(false)
        .include_y(0.0)
        .legend(Legend::default())
        .x_grid_spacer(|input| {
            let (min, max) = input.bounds;
            (min.ceil() as i64..=max.floor() as i64)
                .map(|v| GridMark {
                    value: v as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            names.get(mark.value as usize).cloned().unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Revenue", revenue).color(GOOD));
            plot.bar_chart(BarChart::new("Margin", margin).color(WAIT));
        });
    egui::Grid::new("tour_grid").striped(true).show(ui, |ui| {
        ui.label("");
        for r in rows {
            ui.label(RichText::new(&r.name).strong());
        }
        ui.end_row();
        let row = |ui: &mut egui::Ui, head: &str, cell: &dyn Fn(&TourRow) -> String| {
            ui.label(RichText::new(head).strong());
            for r in rows {
                ui.label(cell(r));
            }
            ui.end_row();
        };
        row(ui, "Revenue", &|r| {
            Money::new(r.revenue, r.currency).to_string()
        });
        row(ui, "Orders", &|r| r.orders.to_string());
        row(ui, "Margin", &|r| {
            Money::new(r.margin, r.currency).to_string()
        });
        row(ui, "Repeat fans", &|r| percent(r.repeat.0, r.repeat.1));
        row(ui, "Average wait", &|r| {
            r.mean_wait.map_or("–".into(), mins)
        });
    });
}
