//! The only place that knows printpdf. Input: domain values. Output: PDF bytes.

mod canvas;
mod member;
mod receipt;

use std::sync::OnceLock;

use printpdf::ParsedFont;

pub use member::member_card_pdf;
pub use receipt::{receipt_pdf, refund_pdf};

/// Why a PDF could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdfError {
    /// The bundled font did not parse (a broken build).
    #[error("the receipt font could not be loaded: {0}")]
    Font(String),
    /// A QR code did not fit.
    #[error(transparent)]
    Qr(#[from] crate::domain::qr::QrTooLong),
}

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

/// Parses the bundled fonts once per process: parsing costs far more than a receipt.
fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let parse = |bytes: &[u8], name: &str| {
                let mut warnings = Vec::new();
                ParsedFont::from_bytes(bytes, 0, &mut warnings)
                    .ok_or_else(|| PdfError::Font(format!("{name}: {warnings:?}")))
            };
            Ok(Fonts {
                regular: parse(crate::fonts::REGULAR, "regular")?,
                bold: parse(crate::fonts::BOLD, "bold")?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}
