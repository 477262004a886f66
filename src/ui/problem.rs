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
    /// A file that cannot be read.
    #[error("{what}: cannot read {path}: {reason}")]
    Unreadable {
        /// What the file was for ("Photo", "Statement file").
        what: &'static str,
        /// The path as typed.
        path: String,
        /// The system's words.
        reason: String,
    },
    /// A file larger than the kiosk reads.
    #[error("{what}: {path} is {mb} MB; the most read is {max_mb} MB")]
    TooBig {
        /// What the file was for.
        what: &'static str,
        /// The path as typed.
        path: String,
        /// Its size, rounded up.
        mb: u64,
        /// The cap.
        max_mb: u64,
    },
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

impl Problem {
    /// A file at `path` that could not be read for `what`.
    pub fn unreadable(what: &'static str, path: &str, e: &std::io::Error) -> Problem {
        Problem::Unreadable {
            what,
            path: path.to_string(),
            reason: e.to_string(),
        }
    }
}

impl From<crate::pdf::PdfError> for Problem {
    fn from(e: crate::pdf::PdfError) -> Problem {
        Problem::Pdf(e.to_string())
    }
}
