//! A top-down layout helper for narrow receipt pages: lines of text, columns, rules and vector
//! QR codes are placed from the top, and the page height is known only at the end.

use printpdf::{
    Color, CurTransMat, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

use super::Fonts;
use crate::domain::qr::QrMatrix;

/// Text weight.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Regular.
    Regular,
    /// Bold.
    Bold,
}

enum Item {
    Text {
        x: Pt,
        top: Mm,
        size: Pt,
        weight: Weight,
        text: String,
    },
    /// QR modules as runs `(x, y, len)` in module units from the symbol's top-left corner.
    Qr {
        left: Mm,
        top: Mm,
        module: Mm,
        runs: Vec<(usize, usize, usize)>,
    },
    Rule {
        top: Mm,
    },
}

/// A page being laid out from the top.
pub struct Canvas<'f> {
    fonts: &'f Fonts,
    /// Page width.
    pub width: Mm,
    /// Left and right margin.
    pub margin: Mm,
    cursor: Mm,
    items: Vec<Item>,
}

impl<'f> Canvas<'f> {
    /// An empty page of `width` with `margin` on every side.
    pub fn new(fonts: &'f Fonts, width: Mm, margin: Mm) -> Canvas<'f> {
        Canvas {
            fonts,
            width,
            margin,
            cursor: margin,
            items: Vec::new(),
        }
    }

    fn font(&self, weight: Weight) -> &'f ParsedFont {
        match weight {
            Weight::Regular => &self.fonts.regular,
            Weight::Bold => &self.fonts.bold,
        }
    }

    /// Width of `text` as the PDF viewer will advance it (no kerning in printpdf).
    pub fn text_width(&self, text: &str, size: Pt, weight: Weight) -> Pt {
        let font = self.font(weight);
        let upm = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let milli_em: i64 = text
            .chars()
            .map(|c| match font.lookup_glyph_index(u32::from(c)) {
                Some(gid) => (f32::from(font.get_horizontal_advance(gid)) * 1000.0 / upm) as i64,
                None => 1000,
            })
            .sum();
        Pt(milli_em as f32 / 1000.0 * size.0)
    }

    fn line_height(size: Pt) -> Mm {
        Mm::from(Pt(size.0 * 1.3))
    }

    fn right_edge(&self) -> Pt {
        Pt::from(Mm(self.width.0 - self.margin.0))
    }

    fn push_text(&mut self, x: Pt, size: Pt, weight: Weight, text: &str) {
        let top = Mm(self.cursor.0 + Self::line_height(size).0 * 0.8);
        self.items.push(Item::Text {
            x,
            top,
            size,
            weight,
            text: text.to_string(),
        });
    }

    /// One line of text starting at the left margin.
    pub fn text(&mut self, text: &str, size: Pt, weight: Weight) {
        self.push_text(Pt::from(self.margin), size, weight, text);
        self.advance(Self::line_height(size));
    }

    /// One centred line.
    pub fn centered(&mut self, text: &str, size: Pt, weight: Weight) {
        let w = self.text_width(text, size, weight);
        let x = Pt((Pt::from(self.width).0 - w.0) / 2.0);
        self.push_text(x, size, weight, text);
        self.advance(Self::line_height(size));
    }

    /// Left text and right-aligned text on one line; the left side wraps if it would collide.
    pub fn left_right(&mut self, left: &str, right: &str, size: Pt, weight: Weight) {
        self.columns(&[(Mm(0.0), left)], right, size, weight);
    }

    /// Left columns at offsets from the margin, the last one wrapping, and one right-aligned amount.
    pub fn columns(&mut self, cols: &[(Mm, &str)], right: &str, size: Pt, weight: Weight) {
        let right_w = self.text_width(right, size, weight);
        let right_x = Pt(self.right_edge().0 - right_w.0);
        self.push_text(right_x, size, weight, right);
        let Some(((last_off, last_text), rest)) = cols.split_last() else {
            self.advance(Self::line_height(size));
            return;
        };
        for (off, text) in rest {
            self.push_text(Pt::from(Mm(self.margin.0 + off.0)), size, weight, text);
        }
        let last_x = Pt::from(Mm(self.margin.0 + last_off.0));
        let room = Pt(right_x.0 - last_x.0 - Pt::from(Mm(2.0)).0);
        for (i, piece) in self.wrap(last_text, room, size, weight).iter().enumerate() {
            if i > 0 {
                self.advance(Self::line_height(size));
            }
            self.push_text(last_x, size, weight, piece);
        }
        self.advance(Self::line_height(size));
    }

    /// Splits `text` at spaces so each piece fits `room`; a single over-long word is cut.
    pub fn wrap(&self, text: &str, room: Pt, size: Pt, weight: Weight) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split(' ') {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if self.text_width(&candidate, size, weight).0 <= room.0 || current.is_empty() {
                current = candidate;
            } else {
                lines.push(std::mem::take(&mut current));
                current = word.to_string();
            }
        }
        lines.push(current);
        lines
    }

    /// A thin horizontal rule across the content width.
    pub fn rule(&mut self) {
        self.advance(Mm(1.0));
        self.items.push(Item::Rule { top: self.cursor });
        self.advance(Mm(2.0));
    }

    /// Vertical space.
    pub fn advance(&mut self, by: Mm) {
        self.cursor = Mm(self.cursor.0 + by.0);
    }

    /// A centred vector QR code with a four-module quiet zone; modules are `module` wide.
    pub fn qr(&mut self, matrix: &QrMatrix, module: Mm) {
        let side = Mm((matrix.width + 8) as f32 * module.0);
        let left = Mm((self.width.0 - side.0) / 2.0 + 4.0 * module.0);
        let top = Mm(self.cursor.0 + 4.0 * module.0);
        self.items.push(Item::Qr {
            left,
            top,
            module,
            runs: matrix.dark_runs(),
        });
        self.advance(side);
    }

    /// Lays the page out at its final height and saves the document with a subset font.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let height = Mm(self.cursor.0 + self.margin.0);
        let mut doc = PdfDocument::new(title);
        let fonts = [
            doc.add_font(&self.fonts.regular),
            doc.add_font(&self.fonts.bold),
        ];
        let black = Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        });
        let mut ops = vec![
            Op::SetFillColor { col: black.clone() },
            Op::SetOutlineColor { col: black },
            Op::SetOutlineThickness { pt: Pt(0.4) },
        ];
        let page = Page {
            height,
            left: Pt::from(self.margin),
            right: Pt::from(Mm(self.width.0 - self.margin.0)),
        };
        for item in self.items {
            page.draw(item, &fonts, &mut ops);
        }
        doc.pages.push(PdfPage::new(self.width, height, ops));
        let mut warnings = Vec::new();
        doc.save(
            &PdfSaveOptions {
                subset_fonts: true,
                ..Default::default()
            },
            &mut warnings,
        )
    }
}

/// The finished page's geometry: PDF y runs up from the bottom, our layout down from the top.
struct Page {
    height: Mm,
    left: Pt,
    right: Pt,
}

impl Page {
    fn y(&self, top: Mm) -> Pt {
        Pt::from(Mm(self.height.0 - top.0))
    }

    /// Appends the operations that draw one item; `fonts` is [regular, bold].
    fn draw(&self, item: Item, fonts: &[FontId; 2], ops: &mut Vec<Op>) {
        match item {
            Item::Text {
                x,
                top,
                size,
                weight,
                text,
            } => {
                let font = fonts[usize::from(weight == Weight::Bold)].clone();
                ops.extend([
                    Op::StartTextSection,
                    Op::SetFont {
                        font: PdfFontHandle::External(font),
                        size,
                    },
                    Op::SetTextCursor {
                        pos: Point { x, y: self.y(top) },
                    },
                    Op::ShowText {
                        items: vec![TextItem::Text(text)],
                    },
                    Op::EndTextSection,
                ]);
            }
            Item::Qr {
                left,
                top,
                module,
                runs,
            } => {
                // One module = one unit, y running down from the symbol's top: the content
                // stream then holds small integers ("12 3 5 1 re"), a third of the bytes.
                let m = Pt::from(module).0;
                let matrix = CurTransMat::Raw([m, 0.0, 0.0, -m, Pt::from(left).0, self.y(top).0]);
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetTransformationMatrix { matrix });
                ops.extend(runs.into_iter().map(|(x, row, len)| Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x as f32),
                        y: Pt(row as f32),
                        width: Pt(len as f32),
                        height: Pt(1.0),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                }));
                ops.push(Op::RestoreGraphicsState);
            }
            Item::Rule { top } => {
                let point = |x: Pt| LinePoint {
                    p: Point { x, y: self.y(top) },
                    bezier: false,
                };
                let line = Line {
                    points: vec![point(self.left), point(self.right)],
                    is_closed: false,
                };
                ops.push(Op::DrawLine { line });
            }
        }
    }
}
