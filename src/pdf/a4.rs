//! A4 documents: the invoice (seller, buyer, lines, net / VAT / gross per rate, payments) and
//! the refund receipt at A4. Both flow onto further pages when long.

use printpdf::{Mm, Pt};

use super::canvas::{Canvas, Weight};
use super::receipt::refund_body;
use super::{PdfError, fonts};
use crate::domain::event::{Zone, local_time};
use crate::domain::invoice::Invoice;
use crate::domain::money::Money;
use crate::domain::order::{Receipt, TenderKind};
use crate::domain::pricing::VatMode;
use crate::domain::refund::Refund;

const WIDTH: Mm = Mm(210.0);
const HEIGHT: Mm = Mm(297.0);
const MARGIN: Mm = Mm(18.0);
const BODY: Pt = Pt(10.0);
const SMALL: Pt = Pt(8.5);
const TITLE: Pt = Pt(14.0);
const HEADING: Pt = Pt(20.0);
/// Right ends of the number columns, from the left margin (the content is 174 mm wide).
const UNIT_END: Mm = Mm(118.0);
const RATE_END: Mm = Mm(140.0);
const AMOUNT_END: Mm = Mm(174.0);

/// Renders an invoice on A4; a later print says COPY at the top.
pub fn invoice_pdf(inv: &Invoice) -> Result<Vec<u8>, PdfError> {
    let r = &inv.receipt;
    let mut c = Canvas::new(fonts()?, WIDTH, MARGIN);
    if inv.copy {
        c.centered("COPY", HEADING, Weight::Bold);
        c.centered(
            &format!(
                "A copy of invoice {}, first issued {}",
                r.number,
                local_time(inv.issued_at, &r.time_zone)
            ),
            SMALL,
            Weight::Regular,
        );
        c.advance(Mm(4.0));
    }
    c.left_right(
        "INVOICE",
        &format!("No. {}", r.number),
        HEADING,
        Weight::Bold,
    );
    c.advance(Mm(4.0));
    c.text("From", SMALL, Weight::Bold);
    c.text(&r.event_name, BODY, Weight::Bold);
    c.text(&r.venue, BODY, Weight::Regular);
    block(&mut c, &r.header, BODY);
    c.advance(Mm(4.0));
    c.text("To", SMALL, Weight::Bold);
    c.text(&inv.buyer.name, BODY, Weight::Bold);
    block(&mut c, &inv.buyer.address, BODY);
    c.advance(Mm(4.0));
    let facts = [
        ("Invoice number", r.number.to_string()),
        ("Invoice date", local_time(inv.issued_at, &r.time_zone)),
        ("Date of sale", local_time(r.paid_at, &r.time_zone)),
        ("Receipt", format!("{} (station {})", r.number, r.station)),
    ];
    for (label, value) in &facts {
        c.table_row(
            &[(Mm(0.0), label), (Mm(40.0), value)],
            &[],
            BODY,
            Weight::Regular,
        );
    }
    c.rule();
    lines(&mut c, r);
    c.rule();
    vat_table(&mut c, r);
    c.rule();
    payments(&mut c, r);
    for text in [&r.footer, &r.terms] {
        if !text.trim().is_empty() {
            c.advance(Mm(3.0));
            block(&mut c, text, SMALL);
        }
    }
    c.finish_pages(&format!("Invoice {}", r.number), HEIGHT)
}

/// Renders a refund receipt on A4: the same content as the 80 mm one, larger.
pub fn refund_a4_pdf(
    r: &Refund,
    event_name: &str,
    venue: &str,
    time_zone: &Zone,
) -> Result<Vec<u8>, PdfError> {
    let mut c = Canvas::new(fonts()?, WIDTH, MARGIN);
    refund_body(
        &mut c,
        r,
        (event_name, venue, time_zone),
        (HEADING, BODY, SMALL),
    );
    c.finish_pages(&format!("Refund {}", r.number), HEIGHT)
}

/// Text the person typed over several lines, one PDF line each (long ones wrap).
fn block(c: &mut Canvas<'_>, text: &str, size: Pt) {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        c.left_right(line, "", size, Weight::Regular);
    }
}

fn lines(c: &mut Canvas<'_>, r: &Receipt) {
    let amount_head = match r.vat_mode {
        VatMode::Inclusive => "Amount (gross)",
        VatMode::Exclusive => "Amount (net)",
    };
    c.table_row(
        &[(Mm(0.0), "Qty"), (Mm(14.0), "Item")],
        &[
            (UNIT_END, "Unit price"),
            (RATE_END, "VAT"),
            (AMOUNT_END, amount_head),
        ],
        SMALL,
        Weight::Bold,
    );
    for l in &r.lines {
        let (qty, unit, rate) = (l.qty.to_string(), l.unit_price.to_string(), l.vat.label());
        let amount = l.amount().to_string();
        c.table_row(
            &[(Mm(0.0), &qty), (Mm(14.0), &l.title)],
            &[(UNIT_END, &unit), (RATE_END, &rate), (AMOUNT_END, &amount)],
            BODY,
            Weight::Regular,
        );
        if !l.note.is_empty() {
            let off = if l.discount > 0 {
                format!("-{}", Money::new(l.discount, l.unit_price.currency))
            } else {
                String::new()
            };
            c.table_row(
                &[(Mm(14.0), &l.note)],
                &[(AMOUNT_END, &off)],
                SMALL,
                Weight::Regular,
            );
        }
    }
}

/// Net, VAT and gross per rate, then the totals.
fn vat_table(c: &mut Canvas<'_>, r: &Receipt) {
    c.table_row(
        &[(Mm(0.0), "VAT rate")],
        &[(UNIT_END, "Net"), (RATE_END, "VAT"), (AMOUNT_END, "Gross")],
        SMALL,
        Weight::Bold,
    );
    for v in &r.vat {
        let (net, vat, gross) = (v.net.to_string(), v.vat.to_string(), v.gross.to_string());
        c.table_row(
            &[(Mm(0.0), &v.rate.label())],
            &[(UNIT_END, &net), (RATE_END, &vat), (AMOUNT_END, &gross)],
            BODY,
            Weight::Regular,
        );
    }
    let currency = r.total.currency;
    let sum = |f: fn(&crate::domain::pricing::VatLine) -> i64| {
        Money::new(r.vat.iter().map(f).sum(), currency).to_string()
    };
    let (net, vat, gross) = (
        sum(|v| v.net.minor),
        sum(|v| v.vat.minor),
        sum(|v| v.gross.minor),
    );
    c.table_row(
        &[(Mm(0.0), "Total")],
        &[(UNIT_END, &net), (RATE_END, &vat), (AMOUNT_END, &gross)],
        BODY,
        Weight::Bold,
    );
    c.advance(Mm(2.0));
    c.left_right("TOTAL", &r.total.to_string(), TITLE, Weight::Bold);
    if r.tip.minor > 0 {
        c.left_right("Tip (no VAT)", &r.tip.to_string(), BODY, Weight::Regular);
    }
}

fn payments(c: &mut Canvas<'_>, r: &Receipt) {
    c.text("Paid", SMALL, Weight::Bold);
    for t in &r.tenders {
        let paid = Money::new(t.tendered.minor - t.change.minor, t.tendered.currency);
        c.left_right(
            &format!("by {}", t.kind.label()),
            &paid.to_string(),
            BODY,
            Weight::Regular,
        );
        if let Some(reference) = t
            .reference
            .as_deref()
            .filter(|_| t.kind == TenderKind::Card)
        {
            c.left_right("Terminal reference", reference, SMALL, Weight::Regular);
        }
    }
    c.left_right("Payment reference", &r.payment_ref, SMALL, Weight::Regular);
}
