//! What the kiosk itself refuses before or after asking the service: a file it cannot read, a
//! value typed into one of its forms. Each is worded for the operator, naming what to fix.

use crate::domain::field::FieldError;
use crate::domain::qr::ScanError;
use crate::domain::reconcile::StatementError;

/// A refusal or failure of the kiosk's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A typed value that breaks its field's rule.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A file that cannot be read, or is larger than the kiosk reads.
    #[error(transparent)]
    Read(#[from] crate::files::ReadError),
    /// A photo whose QR code could not be read.
    #[error("Photo: {0}")]
    Photo(ScanError),
    /// A rendered QR code that does not read back.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// A payload too long for a QR code.
    #[error(transparent)]
    TooLong(#[from] crate::domain::qr::QrTooLong),
    /// A statement that does not parse.
    #[error("Statement: {0}")]
    Statement(#[from] StatementError),
    /// A PDF that could not be made.
    #[error("{0}")]
    Pdf(String),
    /// The payment test scan read back something else than was encoded.
    #[error("the scanned text differs from the payload")]
    ScanDiffers,
}

impl From<crate::pdf::PdfError> for Problem {
    fn from(e: crate::pdf::PdfError) -> Problem {
        Problem::Pdf(e.to_string())
    }
}
