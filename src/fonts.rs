//! The fonts shipped in fonts/ (Noto Sans, SIL OFL 1.1), used by the kiosk and the receipts.

/// Noto Sans Regular: Latin with accents, € £ ₹ ¥.
pub const REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
