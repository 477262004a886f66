//! QR symbols as a plain module matrix, shared by the kiosk screens and the PDF receipt.

use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

/// How the payload is put into the symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrMode {
    /// The encoder picks the densest segments (claim codes land in alphanumeric mode).
    Auto,
    /// All bytes in byte mode, as the payment standards require for UTF-8 payloads.
    Byte,
    /// Byte mode after a UTF-8 ECI designator (26), as EMV asks when a non-ASCII character is present.
    Utf8Eci,
    /// One alphanumeric segment (0–9, A–Z and ` $%*+-./:`): the densest mode for claim codes.
    Alphanumeric,
}

/// A QR symbol at error-correction level M: `width × width` modules, dark = true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side (without quiet zone).
    pub width: usize,
    /// QR version (1–40).
    pub version: i16,
    modules: Vec<bool>,
}

/// The payload does not fit any QR symbol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the payload ({0} bytes) is too long for a QR code")]
pub struct QrTooLong(pub usize);

impl QrMatrix {
    /// Encodes `data` at ECC level M in the smallest version that fits.
    pub fn encode(data: &str, mode: QrMode) -> Result<QrMatrix, QrTooLong> {
        let too_long = |_| QrTooLong(data.len());
        let code = match mode {
            QrMode::Auto => {
                QrCode::with_error_correction_level(data, EcLevel::M).map_err(too_long)?
            }
            QrMode::Byte => single_segment(data.as_bytes(), Bits::push_byte_data)
                .ok_or(QrTooLong(data.len()))?,
            QrMode::Utf8Eci => single_segment(data.as_bytes(), |bits, data| {
                bits.push_eci_designator(26)?;
                bits.push_byte_data(data)
            })
            .ok_or(QrTooLong(data.len()))?,
            QrMode::Alphanumeric
                if !data.bytes().all(|b| {
                    b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(&b)
                }) =>
            {
                return Err(QrTooLong(data.len()));
            }
            QrMode::Alphanumeric => single_segment(data.as_bytes(), Bits::push_alphanumeric_data)
                .ok_or(QrTooLong(data.len()))?,
        };
        let version = match code.version() {
            Version::Normal(v) | Version::Micro(v) => v,
        };
        Ok(QrMatrix {
            width: code.width(),
            version,
            modules: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }

    /// The symbol as an SVG image (one path, a 4-module quiet zone), for web pages.
    pub fn svg(&self) -> String {
        let side = self.width + 8;
        let path: String = self
            .dark_runs()
            .into_iter()
            .map(|(x, y, len)| format!("M{} {}h{len}v1h-{len}z", x + 4, y + 4))
            .collect();
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges" role="img"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
        )
    }

    /// Whether the module at column `x`, row `y` is dark.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.modules[y * self.width + x]
    }

    /// Horizontal runs of dark modules per row as `(x, y, len)`: fewer rectangles to draw.
    pub fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.dark(x, y) {
                    let start = x;
                    while x < self.width && self.dark(x, y) {
                        x += 1;
                    }
                    runs.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

impl QrMatrix {
    /// The symbol as greyscale pixels (0 dark, 255 light), `scale` pixels a module, with a
    /// four-module quiet zone: `(side, pixels)` row by row.
    pub fn greyscale(&self, scale: usize) -> (usize, Vec<u8>) {
        let side = (self.width + 8) * scale;
        let pixels = (0..side * side)
            .map(|i| {
                let (x, y) = ((i % side) / scale, (i / side) / scale);
                if x >= 4 && y >= 4 && self.dark(x - 4, y - 4) {
                    0
                } else {
                    255
                }
            })
            .collect();
        (side, pixels)
    }

    /// Reads the symbol back as a phone would: rendered to pixels (4 per module, quiet zone)
    /// and decoded by an independent decoder. Used by the settings screen's "Test scan".
    pub fn scan(&self) -> Result<String, ScanError> {
        let (side, pixels) = self.greyscale(4);
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
        let grids = image.detect_grids();
        let grid = grids.first().ok_or(ScanError::NotFound)?;
        grid.decode()
            .map(|(_, text)| text)
            .map_err(|e| ScanError::Undecodable(e.to_string()))
    }
}

/// Widest and tallest photo read, in pixels: a larger one is refused before it is decoded.
pub const MAX_PHOTO_SIDE: u32 = 8000;

/// Why a QR code could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// No symbol in the rendered image.
    #[error("no QR code found in the rendered image")]
    NotFound,
    /// A symbol that does not decode.
    #[error("the QR code does not decode: {0}")]
    Undecodable(String),
    /// Not an image the decoder reads.
    #[error("not a PNG or JPEG image we can read ({0})")]
    NotImage(String),
    /// Wider or taller than [`MAX_PHOTO_SIDE`].
    #[error(
        "the image is {width}×{height} pixels; the most read is {MAX_PHOTO_SIDE}×{MAX_PHOTO_SIDE}"
    )]
    TooLarge {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
    },
    /// An image with no readable symbol.
    #[error("no readable QR code in the image: photograph it straight and sharp")]
    NoneReadable,
}

/// Reads every QR code in a photo or screenshot (PNG or JPEG bytes), refusing images larger
/// than [`MAX_PHOTO_SIDE`] on either side before decoding them.
pub fn scan_image(bytes: &[u8]) -> Result<Vec<String>, ScanError> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ScanError::NotImage(e.to_string()))
    };
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|e| ScanError::NotImage(e.to_string()))?;
    if width > MAX_PHOTO_SIDE || height > MAX_PHOTO_SIDE {
        return Err(ScanError::TooLarge { width, height });
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_PHOTO_SIDE);
    limits.max_image_height = Some(MAX_PHOTO_SIDE);
    let mut decoder = reader()?;
    decoder.limits(limits);
    let image = decoder
        .decode()
        .map_err(|e| ScanError::NotImage(e.to_string()))?
        .into_luma8();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| image.as_raw()[y * w + x]);
    let texts: Vec<String> = prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect();
    if texts.is_empty() {
        return Err(ScanError::NoneReadable);
    }
    Ok(texts)
}

/// The smallest version holding `data` as one segment pushed by `push`.
fn single_segment(
    data: &[u8],
    push: fn(&mut Bits, &[u8]) -> qrcode::types::QrResult<()>,
) -> Option<QrCode> {
    (1..=40).find_map(|v| {
        let mut bits = Bits::new(Version::Normal(v));
        push(&mut bits, data).ok()?;
        bits.push_terminator(EcLevel::M).ok()?;
        QrCode::with_bits(bits, EcLevel::M).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let m = QrMatrix::encode("HELLO", QrMode::Auto).unwrap();
        assert_eq!(m.version, 1);
        let dark = (0..m.width * m.width)
            .filter(|i| m.dark(i % m.width, i / m.width))
            .count();
        assert_eq!(m.dark_runs().iter().map(|r| r.2).sum::<usize>(), dark);
    }

    #[test]
    fn a_rendered_symbol_scans_back() {
        for (text, mode) in [
            (
                "BCD\n002\n1\nSCT\n\nMara Vey\nDE89370400440532013000\nEUR12.50",
                QrMode::Byte,
            ),
            ("Sao Paulo São", QrMode::Utf8Eci),
        ] {
            assert_eq!(
                QrMatrix::encode(text, mode).unwrap().scan().as_deref(),
                Ok(text)
            );
        }
    }

    #[test]
    fn byte_mode_picks_the_smallest_version() {
        let m = QrMatrix::encode("BCD\n002\n1\nSCT", QrMode::Byte).unwrap();
        assert_eq!(m.version, 1);
        assert!(QrMatrix::encode(&"x".repeat(3000), QrMode::Byte).is_err());
        assert!(QrMatrix::encode("lower case", QrMode::Alphanumeric).is_err());
    }
}
