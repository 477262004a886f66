//! A top-down layout helper for narrow receipt pages: lines of text, columns, rules and vector
//! QR codes are placed from the top, and the page height is known only at the end.

use std::collections::BTreeMap;

use printpdf::{
    Color, CurTransMat, DictItem, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use unicode_segmentation::UnicodeSegmentation as _;

use super::PdfError;
use super::shape::{self, Fonts};
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
        line: shape::Line,
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

    fn layout(&self, text: &str, weight: Weight) -> shape::Line {
        self.fonts.layout(text, weight == Weight::Bold)
    }

    /// Width of `text` as it will be drawn: shaped, kerned, in whichever fonts it needs.
    pub fn text_width(&self, text: &str, size: Pt, weight: Weight) -> Pt {
        Pt(self.layout(text, weight).width(size.0))
    }

    fn line_height(size: Pt) -> Mm {
        Mm::from(Pt(size.0 * 1.3))
    }

    fn right_edge(&self) -> Pt {
        Pt::from(Mm(self.width.0 - self.margin.0))
    }

    fn push_text(&mut self, x: Pt, size: Pt, weight: Weight, text: &str) {
        let top = Mm(self.cursor.0 + Self::line_height(size).0 * 0.8);
        let line = self.layout(text, weight);
        self.items.push(Item::Text { x, top, size, line });
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
        self.wrapped(last_x, room, last_text, (size, weight));
    }

    /// A label and figures right-aligned in columns `cell` wide, the last at the right margin;
    /// the label wraps in the room the figures leave.
    pub fn row(&mut self, label: &str, cells: &[&str], cell: Mm, size: Pt, weight: Weight) {
        let right = self.right_edge().0;
        for (i, text) in cells.iter().rev().enumerate() {
            let edge = right - Pt::from(Mm(cell.0 * i as f32)).0;
            let w = self.text_width(text, size, weight);
            self.push_text(Pt(edge - w.0), size, weight, text);
        }
        let used = Pt::from(Mm(cell.0 * cells.len() as f32)).0;
        let x = Pt::from(self.margin);
        let room = Pt(right - used - x.0 - Pt::from(Mm(1.5)).0);
        self.wrapped(x, room, label, (size, weight));
    }

    /// `text` from `x`, wrapped to `room`, a line each piece; the cursor ends below the last.
    fn wrapped(&mut self, x: Pt, room: Pt, text: &str, (size, weight): (Pt, Weight)) {
        for (i, piece) in self.wrap(text, room, size, weight).iter().enumerate() {
            if i > 0 {
                self.advance(Self::line_height(size));
            }
            self.push_text(x, size, weight, piece);
        }
        self.advance(Self::line_height(size));
    }

    /// Splits `text` at spaces so each piece fits `room`; a word too long for a line of its own
    /// (a title in Chinese or Japanese has no spaces) is cut between graphemes.
    pub fn wrap(&self, text: &str, room: Pt, size: Pt, weight: Weight) -> Vec<String> {
        let fits = |s: &str| self.text_width(s, size, weight).0 <= room.0;
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split(' ') {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if fits(&candidate) {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            for g in word.graphemes(true) {
                let longer = format!("{current}{g}");
                if current.is_empty() || fits(&longer) {
                    current = longer;
                } else {
                    lines.push(std::mem::replace(&mut current, g.to_string()));
                }
            }
        }
        lines.push(current);
        lines
    }

    /// One table row: left columns at offsets from the margin (the last one wraps) and
    /// right-aligned columns ending at offsets from the margin.
    pub fn table_row(
        &mut self,
        left: &[(Mm, &str)],
        right: &[(Mm, &str)],
        size: Pt,
        weight: Weight,
    ) {
        let mut first_right = self.right_edge();
        for (end, text) in right {
            let w = self.text_width(text, size, weight);
            let x = Pt(Pt::from(Mm(self.margin.0 + end.0)).0 - w.0);
            first_right = Pt(first_right.0.min(x.0));
            self.push_text(x, size, weight, text);
        }
        let Some(((last_off, last_text), rest)) = left.split_last() else {
            self.advance(Self::line_height(size));
            return;
        };
        for (off, text) in rest {
            self.push_text(Pt::from(Mm(self.margin.0 + off.0)), size, weight, text);
        }
        let last_x = Pt::from(Mm(self.margin.0 + last_off.0));
        let room = Pt(first_right.0 - last_x.0 - Pt::from(Mm(3.0)).0);
        self.wrapped(last_x, room, last_text, (size, weight));
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

    /// Lays the page out at its final height and saves the document with subset fonts: only
    /// the faces the page uses are embedded.
    pub fn finish(self, title: &str) -> Result<Vec<u8>, PdfError> {
        let height = Mm(self.cursor.0 + self.margin.0);
        self.save(title, height, None)
    }

    /// Saves the layout on pages of `height` (A4: 297 mm), breaking between lines: a line
    /// that would cross the bottom margin starts the next page.
    pub fn finish_pages(self, title: &str, height: Mm) -> Result<Vec<u8>, PdfError> {
        let room = Mm(height.0 - 2.0 * self.margin.0);
        self.save(title, height, Some(room))
    }

    fn save(self, title: &str, height: Mm, room: Option<Mm>) -> Result<Vec<u8>, PdfError> {
        let mut doc = PdfDocument::new(title);
        let mut fonts = BTreeMap::new();
        for item in &self.items {
            if let Item::Text { line, .. } = item {
                for run in &line.runs {
                    if let std::collections::btree_map::Entry::Vacant(slot) = fonts.entry(run.face)
                    {
                        slot.insert(doc.add_font(self.fonts.faces[run.face].parsed()?));
                    }
                }
            }
        }
        let page = Page {
            height,
            left: Pt::from(self.margin),
            right: Pt::from(Mm(self.width.0 - self.margin.0)),
        };
        let mut pages: Vec<Vec<Op>> = vec![page_start()];
        for item in self.items {
            let item = match room {
                Some(room) => {
                    let (n, item) = onto_page(item, self.margin, room);
                    while pages.len() <= n {
                        pages.push(page_start());
                    }
                    item
                }
                None => item,
            };
            if let Some(ops) = pages.last_mut() {
                page.draw(item, &fonts, ops);
            }
        }
        for ops in pages {
            doc.pages.push(PdfPage::new(self.width, height, ops));
        }
        let mut warnings = Vec::new();
        Ok(doc.save(
            &PdfSaveOptions {
                subset_fonts: true,
                ..Default::default()
            },
            &mut warnings,
        ))
    }
}

/// The colours and line width every page starts with.
fn page_start() -> Vec<Op> {
    let black = Color::Rgb(Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        icc_profile: None,
    });
    vec![
        Op::SetFillColor { col: black.clone() },
        Op::SetOutlineColor { col: black },
        Op::SetOutlineThickness { pt: Pt(0.4) },
    ]
}

/// Which page (from 0) an item of the continuous layout falls on, and the item moved there.
fn onto_page(item: Item, margin: Mm, room: Mm) -> (usize, Item) {
    let place = |top: Mm| {
        let n = ((top.0 - margin.0).max(0.0) / room.0).floor();
        (n as usize, Mm(top.0 - n * room.0))
    };
    match item {
        Item::Text { x, top, size, line } => {
            let (n, top) = place(top);
            (n, Item::Text { x, top, size, line })
        }
        Item::Qr {
            left,
            top,
            module,
            runs,
        } => {
            let (n, top) = place(top);
            let item = Item::Qr {
                left,
                top,
                module,
                runs,
            };
            (n, item)
        }
        Item::Rule { top } => {
            let (n, top) = place(top);
            (n, Item::Rule { top })
        }
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

    /// Appends the operations that draw one item; `fonts` maps a face to its id in the document.
    fn draw(&self, item: Item, fonts: &BTreeMap<usize, FontId>, ops: &mut Vec<Op>) {
        match item {
            Item::Text { x, top, size, line } => {
                let mut at = x.0;
                for run in line.runs {
                    let Some(font) = fonts.get(&run.face) else {
                        continue;
                    };
                    let pos = Point {
                        x: Pt(at),
                        y: self.y(top),
                    };
                    at += run.width * size.0 / 1000.0;
                    draw_run(run, font.clone(), size, pos, ops);
                }
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

/// One run in its face; a run whose glyphs do not pair one to one with its characters carries
/// its text as /ActualText, so that copying or searching the PDF gives the characters back.
fn draw_run(run: shape::Run, font: FontId, size: Pt, pos: Point, ops: &mut Vec<Op>) {
    if let Some(text) = &run.actual_text {
        // A PDF text string: UTF-16BE after a byte-order mark.
        let data = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let properties = DictItem::Dict {
            map: BTreeMap::from([(
                "ActualText".to_string(),
                DictItem::String {
                    data,
                    literal: false,
                },
            )]),
        };
        ops.push(Op::BeginMarkedContentWithProperties {
            tag: "Span".into(),
            properties,
        });
    }
    let mut items = Vec::with_capacity(2);
    if run.lead != 0.0 {
        items.push(TextItem::Offset(run.lead));
    }
    items.push(TextItem::GlyphIds(run.glyphs));
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font),
            size,
        },
        Op::SetTextCursor { pos },
        Op::ShowText { items },
        Op::EndTextSection,
    ]);
    if run.actual_text.is_some() {
        ops.push(Op::EndMarkedContentWithProperties);
    }
}
