//! A report as titled sections of rows: the one layout the PDF, the terminal and the kiosk
//! print, so each shows every line the others do.

use super::{Report, ReportKind};
use crate::domain::event::{Zone, local_time};
use crate::domain::money::Money;
use crate::domain::pricing::percent_label;

/// One row: a label on the left, figures right-aligned in columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The label.
    pub label: String,
    /// The figures, left to right.
    pub cells: Vec<String>,
}

/// A titled block of rows; `columns` names the figures' columns (empty for label–value rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Title.
    pub title: String,
    /// Column heads of the figures.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Row>,
}

fn row(label: impl Into<String>, cells: &[String]) -> Row {
    Row {
        label: label.into(),
        cells: cells.to_vec(),
    }
}

fn one(label: impl Into<String>, value: impl Into<String>) -> Row {
    Row {
        label: label.into(),
        cells: vec![value.into()],
    }
}

fn section(title: &str, columns: &[&str], rows: Vec<Row>) -> Section {
    Section {
        title: title.to_string(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// `4 min 05 s`, `58 s`, `1 h 02 min`; a dash when there is nothing to measure.
pub fn duration(secs: Option<i64>) -> String {
    match secs {
        None => "–".to_string(),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) if s < 3600 => format!("{} min {:02} s", s / 60, s % 60),
        Some(s) => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// The report's title line: `Z report 3 · K1`, `X report · K1`, `Event report`.
pub fn title(r: &Report) -> String {
    match (r.kind, r.z_no, &r.station) {
        (ReportKind::Z, Some(z), Some(s)) => format!("Z report {z} · {s}"),
        (_, _, Some(s)) => format!("{} · {s}", r.kind.title()),
        _ => r.kind.title().to_string(),
    }
}

/// The period in the event's local time.
pub fn period(r: &Report) -> String {
    let zone = Zone::named(&r.time_zone).unwrap_or_else(|_| Zone::utc());
    match r.from {
        Some(from) => format!("{} to {}", local_time(from, &zone), local_time(r.to, &zone)),
        None => format!("from the first sale to {}", local_time(r.to, &zone)),
    }
}

/// Every section of the report, in print order.
pub fn sections(r: &Report) -> Vec<Section> {
    let zone = Zone::named(&r.time_zone).unwrap_or_else(|_| Zone::utc());
    let m = |x: &Money| x.plain();
    let mut out = vec![
        receipts(r),
        section(
            "Sales",
            &[],
            vec![
                one("Gross sales (VAT included)", m(&r.gross)),
                one("Discounts given", m(&r.discounts)),
                one("Refunds", m(&r.refunded)),
                one("Net sales", m(&r.net_sales)),
                one("Tips (apart from sales)", m(&r.tips)),
                one("Payment fees", m(&r.fees)),
            ],
        ),
        section(
            "Payments by method",
            &["Taken", "Back", "Net"],
            r.methods
                .iter()
                .map(|l| {
                    row(
                        format!("{} ({})", l.kind.label(), l.payments),
                        &[m(&l.taken), m(&l.refunded), m(&l.net)],
                    )
                })
                .collect(),
        ),
        section(
            "VAT",
            &["Net", "VAT", "Gross"],
            r.vat
                .iter()
                .map(|v| {
                    row(
                        percent_label(v.rate.0),
                        &[m(&v.net), m(&v.vat), m(&v.gross)],
                    )
                })
                .collect(),
        ),
    ];
    out.push(refunds(r, &zone));
    out.extend(offers_and_hours(r));
    out.push(section(
        "Shares owed",
        &[],
        r.shares
            .iter()
            .map(|(who, a)| one(who.clone(), m(a)))
            .collect(),
    ));
    out.push(drawers(r, &zone));
    out.extend(after_the_money(r));
    out
}

/// QR payments, claim codes, the queue and the audit chain.
fn after_the_money(r: &Report) -> Vec<Section> {
    let mut out = vec![section("QR payments", &[], qr_rows(r))];
    out.push(section(
        "Claim codes",
        &[],
        vec![
            one(
                "Issued",
                format!("{} codes, {} units", r.claims.codes, r.claims.issued),
            ),
            one("Redeemed", format!("{} units", r.claims.redeemed)),
            one("Refunded", format!("{} units", r.claims.revoked)),
            one("Still owed to fans", format!("{} units", r.claims.owed())),
        ],
    ));
    let q = &r.queue;
    out.push(section(
        "Queue",
        &["Median", "90th pct"],
        vec![
            row(
                format!(
                    "{} tickets: {} served, {} no-shows",
                    q.tickets, q.served, q.no_shows
                ),
                &[],
            ),
            row(
                "Wait: paid to called",
                &[duration(q.wait_median), duration(q.wait_p90)],
            ),
            row(
                "Service: called to served",
                &[duration(q.service_median), duration(q.service_p90)],
            ),
        ],
    ));
    out.push(section(
        "Audit log",
        &[],
        match &r.audit_head {
            Some((id, hash)) => vec![
                one("Head entry", id.to_string()),
                one(hash[..32.min(hash.len())].to_string(), ""),
                one(hash[32.min(hash.len())..].to_string(), ""),
            ],
            None => vec![one("No entries yet", "")],
        },
    ));
    out
}

/// Each offer's units, net and margin, and the sales of each local hour.
fn offers_and_hours(r: &Report) -> Vec<Section> {
    let m = |x: &Money| x.plain();
    let mut out = Vec::new();
    out.push(section(
        "By offer",
        &["Units", "Net", "Margin"],
        r.offers
            .iter()
            .map(|o| {
                let c = r.currency;
                row(
                    o.title.clone(),
                    &[
                        o.units.to_string(),
                        Money::new(o.net, c).plain(),
                        Money::new(o.margin, c).plain(),
                    ],
                )
            })
            .collect(),
    ));
    out.push(section(
        "By hour",
        &["Receipts", "Gross"],
        r.hours
            .iter()
            .map(|h| row(h.hour.clone(), &[h.receipts.to_string(), m(&h.gross)]))
            .collect(),
    ));
    out
}

fn receipts(r: &Report) -> Section {
    let mut rows = Vec::new();
    for range in &r.receipts {
        let span = match (&range.first, &range.last) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ => "none".to_string(),
        };
        rows.push(one(
            format!("{}: {} receipts", range.station, range.count),
            span,
        ));
        if range.missing.is_empty() {
            rows.push(one("  every number present", ""));
        }
        for (a, b) in &range.missing {
            let text = if a == b {
                format!("{}-{a:06}", range.station)
            } else {
                format!("{}-{a:06} to {}-{b:06}", range.station, range.station)
            };
            rows.push(one("  MISSING", text));
        }
    }
    section("Receipts", &[], rows)
}

fn refunds(r: &Report, zone: &Zone) -> Section {
    let mut rows = Vec::new();
    for f in &r.refunds {
        rows.push(one(
            format!("{} of {}", f.number, f.receipt),
            f.amount.plain(),
        ));
        rows.push(one(
            format!(
                "  {} · {} · {}",
                crate::domain::event::local_hhmm(f.at, zone),
                f.approved_by,
                f.reason
            ),
            "",
        ));
    }
    if rows.is_empty() {
        rows.push(one("No refunds", ""));
    }
    section("Refunds", &[], rows)
}

fn drawers(r: &Report, zone: &Zone) -> Section {
    let mut rows = Vec::new();
    for d in &r.drawers {
        let when = match d.closed_at {
            Some(c) => format!(
                "{} {} to {}",
                d.station,
                crate::domain::event::local_hhmm(d.opened_at, zone),
                crate::domain::event::local_hhmm(c, zone)
            ),
            None => format!(
                "{} open since {}",
                d.station,
                crate::domain::event::local_hhmm(d.opened_at, zone)
            ),
        };
        rows.push(one(when, ""));
        rows.push(one("  Float", d.float.plain()));
        rows.push(one("  Cash sales", d.cash_sales.plain()));
        rows.push(one("  Cash refunds", minus(&d.cash_refunds)));
        rows.push(one("  Cash in", d.cash_in.plain()));
        rows.push(one("  Cash out", minus(&d.cash_out)));
        rows.push(one("  Expected", d.expected.plain()));
        match (d.counted, d.difference) {
            (Some(c), Some(diff)) => {
                rows.push(one("  Counted", c.plain()));
                rows.push(one("  Difference", diff.plain()));
            }
            _ => rows.push(one("  Not counted yet", "")),
        }
    }
    if rows.is_empty() {
        rows.push(one("No cash drawer", ""));
    }
    section("Cash drawer", &[], rows)
}

/// Money going out, shown with its minus (none on zero).
fn minus(m: &Money) -> String {
    Money::new(-m.minor, m.currency).plain()
}

fn qr_rows(r: &Report) -> Vec<Row> {
    match &r.qr {
        Some(q) => vec![
            one(
                format!("Matched on a statement ({})", q.matched),
                q.matched_amount.plain(),
            ),
            one(
                format!("Not on a statement yet ({})", q.unmatched),
                q.unmatched_amount.plain(),
            ),
        ],
        None => vec![one("No bank statement imported", "")],
    }
}

/// The report as plain text lines (the terminal's answer), `width` characters wide.
pub fn plain_lines(r: &Report, copy: bool, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    if copy {
        out.push("*** COPY ***".to_string());
    }
    out.push(title(r));
    out.push(format!("{} · {}", r.event, r.venue));
    out.push(period(r));
    out.push(format!("Amounts in {}", r.currency.code()));
    for s in sections(r) {
        out.push(String::new());
        let mut head = s.title.to_uppercase();
        if !s.columns.is_empty() {
            head = fit(&head, &s.columns, width);
        }
        out.push(head);
        for row in &s.rows {
            out.push(fit(&row.label, &row.cells, width));
        }
    }
    out
}

/// A label and right-aligned cells of 11 characters on one line of `width`.
fn fit(label: &str, cells: &[String], width: usize) -> String {
    let cells: String = cells.iter().map(|c| format!("{c:>11}")).collect();
    let room = width.saturating_sub(cells.chars().count()).max(1);
    let label_len = label.chars().count();
    let line = if label_len < room {
        format!("{label}{}{cells}", " ".repeat(room - label_len))
    } else {
        format!("{label} {cells}")
    };
    line.trim_end().to_string()
}
