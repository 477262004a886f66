//! The 80 mm receipt: header, lines in aligned columns, VAT per rate, total, tender, payment
//! reference, queue tickets, and every claim code as a vector QR with its text beneath.

use crate::domain::event::Zone;
use printpdf::{Mm, Pt};

use super::canvas::{Canvas, Weight};
use super::{PdfError, fonts};
use crate::domain::claim::{grouped, qr_matrix};
use crate::domain::event::local_time;
use crate::domain::fan::{MemberCode, member_qr_payload};
use crate::domain::money::Money;
use crate::domain::order::{Receipt, TenderKind};
use crate::domain::pricing::VatMode;
use crate::domain::qr::{QrMatrix, QrMode};
use crate::domain::refund::Refund;

const WIDTH: Mm = Mm(80.0);
const MARGIN: Mm = Mm(4.0);
const BODY: Pt = Pt(8.5);
const SMALL: Pt = Pt(7.0);
const TITLE: Pt = Pt(12.0);
/// 0.9 mm modules: a version-5 claim QR is 40 mm wide with its quiet zone, easy for any phone or scanner.
const QR_MODULE: Mm = Mm(0.9);
/// Claim code text: groups of four, eight groups a line.
const GROUPS_PER_LINE: usize = 8;

/// Renders a receipt to PDF bytes.
pub fn receipt_pdf(r: &Receipt) -> Result<Vec<u8>, PdfError> {
    let mut c = Canvas::new(fonts()?, WIDTH, MARGIN);
    training(&mut c, r);
    copy(&mut c, r);
    header(&mut c, r);
    lines(&mut c, r);
    totals(&mut c, r);
    member(&mut c, r)?;
    tickets_and_claims(&mut c, r)?;
    fan_page(&mut c, r)?;
    c.advance(Mm(2.0));
    if r.footer.trim().is_empty() {
        c.centered("Thank you!", BODY, Weight::Bold);
    } else {
        c.left_right(r.footer.trim(), "", BODY, Weight::Bold);
    }
    if !r.terms.trim().is_empty() {
        c.advance(Mm(1.0));
        c.left_right(r.terms.trim(), "", SMALL, Weight::Regular);
    }
    training(&mut c, r);
    copy(&mut c, r);
    c.finish(&format!("Receipt {}", r.number))
}

/// A later print says so at the top and at the foot: it is not a second receipt.
fn copy(c: &mut Canvas<'_>, r: &Receipt) {
    if r.copy {
        c.centered("*** COPY ***", TITLE, Weight::Bold);
    }
}

/// A practice sale says so at the top and at the foot, where a torn-off part still shows it.
fn training(c: &mut Canvas<'_>, r: &Receipt) {
    if !r.training {
        return;
    }
    c.rule();
    c.centered("TRAINING", TITLE, Weight::Bold);
    c.centered(
        "Practice sale: not a receipt, nothing to collect",
        SMALL,
        Weight::Regular,
    );
    c.rule();
}

fn header(c: &mut Canvas<'_>, r: &Receipt) {
    c.centered(&r.event_name, TITLE, Weight::Bold);
    c.centered(&r.venue, BODY, Weight::Regular);
    if !r.header.trim().is_empty() {
        c.left_right(r.header.trim(), "", SMALL, Weight::Regular);
    }
    c.advance(Mm(1.5));
    c.left_right(
        &format!("Receipt {}", r.number),
        &format!("Station {}", r.station),
        BODY,
        Weight::Bold,
    );
    c.text(&local_time(r.paid_at, &r.time_zone), BODY, Weight::Regular);
    c.rule();
    c.columns(
        &[(Mm(0.0), "Qty"), (Mm(8.0), "Item")],
        "Amount",
        SMALL,
        Weight::Bold,
    );
}

fn lines(c: &mut Canvas<'_>, r: &Receipt) {
    for l in &r.lines {
        let qty = format!("{}×", l.qty);
        c.columns(
            &[(Mm(0.0), &qty), (Mm(8.0), &l.title)],
            &l.amount().to_string(),
            BODY,
            Weight::Regular,
        );
        if l.qty > 1 {
            c.columns(
                &[(Mm(8.0), &format!("@ {} each", l.unit_price))],
                "",
                SMALL,
                Weight::Regular,
            );
        }
        if !l.note.is_empty() {
            let off = if l.discount > 0 {
                format!("-{}", Money::new(l.discount, l.unit_price.currency))
            } else {
                String::new()
            };
            c.columns(&[(Mm(8.0), &l.note)], &off, SMALL, Weight::Regular);
        }
    }
    c.rule();
}

fn totals(c: &mut Canvas<'_>, r: &Receipt) {
    let saving = r.discounts();
    if saving.minor > 0 {
        c.left_right("You saved", &saving.to_string(), BODY, Weight::Regular);
    }
    match r.vat_mode {
        VatMode::Inclusive => {
            c.left_right("TOTAL", &r.total.to_string(), TITLE, Weight::Bold);
            for v in &r.vat {
                let label = format!(
                    "incl. VAT {} on {} (net {})",
                    v.rate.label(),
                    v.gross,
                    v.net
                );
                c.left_right(&label, &v.vat.to_string(), SMALL, Weight::Regular);
            }
        }
        VatMode::Exclusive => {
            let net = Money::new(r.vat.iter().map(|v| v.net.minor).sum(), r.total.currency);
            c.left_right("Subtotal", &net.to_string(), BODY, Weight::Regular);
            for v in &r.vat {
                let label = format!("Tax {} on {}", v.rate.label(), v.net);
                c.left_right(&label, &v.vat.to_string(), BODY, Weight::Regular);
            }
            c.left_right("TOTAL", &r.total.to_string(), TITLE, Weight::Bold);
        }
    }
    if r.tip.minor > 0 {
        c.left_right(
            "Tip (no VAT, thank you!)",
            &r.tip.to_string(),
            BODY,
            Weight::Regular,
        );
    }
    c.advance(Mm(1.0));
    for t in &r.tenders {
        c.left_right(
            &format!("Paid by {}", t.kind.label()),
            &t.tendered.to_string(),
            BODY,
            Weight::Regular,
        );
        if t.kind == TenderKind::Cash && t.change.minor > 0 {
            c.left_right("Change", &t.change.to_string(), BODY, Weight::Regular);
        }
        if let Some(reference) = &t.reference {
            c.left_right("Terminal reference", reference, BODY, Weight::Regular);
        }
    }
    c.left_right("Payment reference", &r.payment_ref, BODY, Weight::Regular);
}

/// The member who bought: their code as text and QR (scanned at the next visit), credit left.
fn member(c: &mut Canvas<'_>, r: &Receipt) -> Result<(), PdfError> {
    let Some(m) = &r.member else {
        return Ok(());
    };
    c.rule();
    c.left_right(&format!("Member {}", m.name), &m.code, BODY, Weight::Bold);
    c.left_right("Credit left", &m.credit.to_string(), BODY, Weight::Regular);
    if let Ok(code) = MemberCode::parse(&m.code) {
        let qr = QrMatrix::encode(&member_qr_payload(&code), QrMode::Auto)?;
        c.qr(&qr, QR_MODULE);
    }
    Ok(())
}

/// The fan's own page on the table's hub: their place in line, live, and their codes.
fn fan_page(c: &mut Canvas<'_>, r: &Receipt) -> Result<(), PdfError> {
    let Some(url) = &r.fan_url else {
        return Ok(());
    };
    c.rule();
    let what = if r.tickets.is_empty() {
        "Your codes and receipt on your phone"
    } else {
        "Follow your place in line on your phone"
    };
    c.centered(what, BODY, Weight::Bold);
    c.qr(&QrMatrix::encode(url, QrMode::Byte)?, QR_MODULE);
    c.centered("(on the table's Wi-Fi)", SMALL, Weight::Regular);
    Ok(())
}

fn tickets_and_claims(c: &mut Canvas<'_>, r: &Receipt) -> Result<(), PdfError> {
    if !r.tickets.is_empty() {
        c.rule();
        c.text("Your place in the queue", BODY, Weight::Bold);
        for t in &r.tickets {
            c.left_right(&t.title, &t.label, TITLE, Weight::Bold);
        }
    }
    if r.claims.is_empty() {
        return Ok(());
    }
    c.rule();
    let n = r.claims.len();
    c.centered("Show this code at the table to collect", BODY, Weight::Bold);
    for (i, claim) in r.claims.iter().enumerate() {
        let qr = qr_matrix(&claim.code)?;
        c.centered(
            &format!("{} ({} of {n})", claim.title, i + 1),
            BODY,
            Weight::Regular,
        );
        c.qr(&qr, QR_MODULE);
        let text = grouped(&claim.code);
        let groups: Vec<&str> = text.split('-').collect();
        for chunk in groups.chunks(GROUPS_PER_LINE) {
            c.centered(&chunk.join("-"), SMALL, Weight::Regular);
        }
        c.advance(Mm(2.0));
    }
    Ok(())
}

/// Renders a refund receipt: what was given back, against which receipt, and that the refunded
/// units' claim codes no longer work.
pub fn refund_pdf(
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
        (TITLE, BODY, SMALL),
    );
    c.finish(&format!("Refund {}", r.number))
}

/// The refund receipt's content on any page width, in `(title, body, small)` sizes.
pub(super) fn refund_body(
    c: &mut Canvas<'_>,
    r: &Refund,
    (event_name, venue, time_zone): (&str, &str, &Zone),
    (title, body, small): (Pt, Pt, Pt),
) {
    c.centered(event_name, title, Weight::Bold);
    c.centered(venue, body, Weight::Regular);
    c.advance(Mm(1.5));
    c.centered("REFUND", title, Weight::Bold);
    c.left_right(
        &format!("Refund {}", r.number),
        &format!("for {}", r.original),
        body,
        Weight::Bold,
    );
    c.text(&local_time(r.refunded_at, time_zone), body, Weight::Regular);
    c.rule();
    for l in &r.lines {
        let qty = format!("{}×", l.qty);
        c.columns(
            &[(Mm(0.0), &qty), (Mm(8.0), &l.title)],
            &format!("-{}", l.amount()),
            body,
            Weight::Regular,
        );
    }
    c.rule();
    c.left_right("REFUNDED", &r.amount.to_string(), title, Weight::Bold);
    for (kind, amount) in &r.back {
        let how = match kind {
            TenderKind::Cash => "Cash back".to_string(),
            other => format!("Back by {}", other.label().to_lowercase()),
        };
        c.left_right(&how, &amount.to_string(), body, Weight::Regular);
    }
    if !r.reason.is_empty() {
        c.text(&format!("Reason: {}", r.reason), small, Weight::Regular);
    }
    if r.revoked_units > 0 {
        c.text(
            &format!(
                "{} unit(s) revoked: their claim codes no longer cover them.",
                r.revoked_units
            ),
            small,
            Weight::Regular,
        );
    }
}
