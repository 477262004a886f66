//! A member card: the fan's name, their member code as text and as a QR a scanner reads at
//! any Encore kiosk, on a page the size of a bank card.

use printpdf::{Mm, Pt};

use super::canvas::{Canvas, Weight};
use super::{PdfError, fonts};
use crate::domain::fan::{MemberCode, member_qr_payload};
use crate::domain::qr::{QrMatrix, QrMode};

/// ISO/IEC 7810 ID-1 width.
const WIDTH: Mm = Mm(85.6);
const MARGIN: Mm = Mm(4.0);
const MODULE: Mm = Mm(1.0);

/// Renders the member card of `name` with `code`, headed by the creator's name.
pub fn member_card_pdf(name: &str, code: &MemberCode, issuer: &str) -> Result<Vec<u8>, PdfError> {
    let mut c = Canvas::new(fonts()?, WIDTH, MARGIN);
    c.centered(issuer, Pt(9.0), Weight::Regular);
    c.centered("MEMBER", Pt(14.0), Weight::Bold);
    c.centered(name, Pt(12.0), Weight::Bold);
    let qr = QrMatrix::encode(&member_qr_payload(code), QrMode::Auto)?;
    c.qr(&qr, MODULE);
    c.centered(code.as_str(), Pt(12.0), Weight::Bold);
    c.centered(
        "Show this card at the table: priority and credit",
        Pt(7.0),
        Weight::Regular,
    );
    c.finish(&format!("Member card {code}"))
}
