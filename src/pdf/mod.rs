//! The only place that knows printpdf. Input: domain values. Output: PDF bytes.

mod a4;
mod canvas;
mod member;
mod receipt;
mod report;
mod shape;

use std::sync::OnceLock;

use shape::Fonts;

pub use a4::{invoice_pdf, refund_a4_pdf};
pub use member::member_card_pdf;
pub use receipt::{receipt_pdf, refund_pdf};
pub use report::{Paper, report_pdf};

/// Why a PDF could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    /// A bundled font did not parse (a broken build).
    #[error("the receipt font could not be loaded: {0}")]
    Font(String),
    /// A QR code did not fit.
    #[error(transparent)]
    Qr(#[from] crate::domain::qr::QrTooLong),
}

/// Reads the bundled fonts once per process: shaping tables and parses cost far more than a
/// receipt.
fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();
    FONTS
        .get_or_init(Fonts::load)
        .as_ref()
        .map_err(Clone::clone)
}
