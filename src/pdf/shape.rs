//! Text to positioned glyphs: each grapheme takes the first font of the chain that has it, each
//! run of one font is shaped by HarfBuzz (harfrust, as in the kiosk), and the result is the
//! glyph ids and PDF pen adjustments that draw it, with the text a reader copies back out.

use std::sync::OnceLock;

use printpdf::{Codepoint, ParsedFont};
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};
use unicode_segmentation::UnicodeSegmentation as _;

use super::PdfError;
use crate::fonts::{self, Face as FontFace};

/// One font: its bytes, the views that shape and measure it, and printpdf's parse, made on
/// first use so that a receipt in Latin never pays for parsing the CJK font.
pub struct Face {
    font: skrifa::FontRef<'static>,
    charmap: skrifa::charmap::Charmap<'static>,
    advances: skrifa::metrics::GlyphMetrics<'static>,
    shaper_data: harfrust::ShaperData,
    units_per_em: f32,
    bytes: &'static [u8],
    name: &'static str,
    parsed: OnceLock<Option<ParsedFont>>,
}

impl Face {
    fn new((name, bytes): FontFace) -> Result<Face, PdfError> {
        let font =
            skrifa::FontRef::new(bytes).map_err(|e| PdfError::Font(format!("{name}: {e}")))?;
        let upem = font
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em;
        Ok(Face {
            charmap: font.charmap(),
            advances: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            shaper_data: harfrust::ShaperData::new(&font),
            units_per_em: f32::from(upem.max(1)),
            font,
            bytes,
            name,
            parsed: OnceLock::new(),
        })
    }

    fn has(&self, c: char) -> bool {
        fonts::is_invisible(c) || self.charmap.map(c).is_some()
    }

    /// printpdf's view of the font, parsed once per process.
    pub fn parsed(&self) -> Result<&ParsedFont, PdfError> {
        self.parsed
            .get_or_init(|| {
                let mut warnings = Vec::new();
                ParsedFont::from_bytes(self.bytes, 0, &mut warnings)
            })
            .as_ref()
            .ok_or_else(|| PdfError::Font(self.name.to_string()))
    }
}

/// Every bundled font and the two chains (regular, bold) as indices into them.
pub struct Fonts {
    /// The fonts, each once.
    pub faces: Vec<Face>,
    chains: [Vec<usize>; 2],
}

impl Fonts {
    /// Reads the chains of `crate::fonts`; a face shared by both chains is read once.
    pub fn load() -> Result<Fonts, PdfError> {
        let mut faces: Vec<Face> = Vec::new();
        let mut chain = |list: &[FontFace]| -> Result<Vec<usize>, PdfError> {
            list.iter()
                .map(|face| match faces.iter().position(|f| f.name == face.0) {
                    Some(i) => Ok(i),
                    None => {
                        faces.push(Face::new(*face)?);
                        Ok(faces.len() - 1)
                    }
                })
                .collect()
        };
        let regular = chain(&fonts::REGULAR_CHAIN)?;
        let bold = chain(&fonts::BOLD_CHAIN)?;
        Ok(Fonts {
            faces,
            chains: [regular, bold],
        })
    }

    /// Lays `text` out in the regular (`bold == false`) or bold chain.
    pub fn layout(&self, text: &str, bold: bool) -> Line {
        let chain = &self.chains[usize::from(bold)];
        // A tab or line break in a multi-line field is spacing here, never a .notdef box.
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut runs = Vec::new();
        for (face, piece) in self.split(&text, chain) {
            runs.push(self.shape(face, &piece));
        }
        Line { runs }
    }

    /// Splits `text` into runs of one face: a grapheme goes to the first face that has all of
    /// it, and a space stays with the run it is in, so a phrase is shaped as one.
    fn split(&self, text: &str, chain: &[usize]) -> Vec<(usize, String)> {
        let mut runs: Vec<(usize, String)> = Vec::new();
        for g in text.graphemes(true) {
            let has_all = |i: &usize| g.chars().all(|c| self.faces[*i].has(c));
            let face = match runs.last() {
                Some((last, _)) if g.chars().all(char::is_whitespace) && has_all(last) => *last,
                _ => chain
                    .iter()
                    .copied()
                    .find(|i| has_all(i))
                    .unwrap_or_else(|| {
                        // Saved text is checked (fonts::check); older text still prints, the
                        // grapheme's first character in the first font that has it.
                        let first = g.chars().next().unwrap_or(' ');
                        chain
                            .iter()
                            .copied()
                            .find(|i| self.faces[*i].has(first))
                            .unwrap_or(chain[0])
                    }),
            };
            match runs.last_mut() {
                Some((last, s)) if *last == face => s.push_str(g),
                _ => runs.push((face, g.to_string())),
            }
        }
        runs
    }

    fn shape(&self, face_index: usize, text: &str) -> Run {
        let face = &self.faces[face_index];
        let shaper = face.shaper_data.shaper(&face.font).build();
        let mut buffer = harfrust::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = shaper.shape(buffer, harfrust::ShapeOptions::new());
        let (infos, positions) = (shaped.glyph_infos(), shaped.glyph_positions());
        let milli = 1000.0 / face.units_per_em;
        // Where each glyph must be drawn, in thousandths of an em from the run's start.
        let mut pen = 0.0_f32;
        let mut at = Vec::with_capacity(infos.len());
        for p in positions {
            at.push(pen + p.x_offset as f32 * milli);
            pen += p.x_advance as f32 * milli;
        }
        let width = pen;
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut joined = false;
        for (i, info) in infos.iter().enumerate() {
            let gid = u16::try_from(info.glyph_id).unwrap_or(0);
            let natural = face
                .advances
                .advance_width(skrifa::GlyphId::new(u32::from(gid)))
                .unwrap_or(0.0)
                * milli;
            let next = at.get(i + 1).copied().unwrap_or(width);
            // A TJ number n moves the next glyph by -n/1000 em from where this one's own
            // advance leaves the pen.
            let offset = round(at[i] + natural - next);
            let first_of_cluster = i == 0 || infos[i - 1].cluster != info.cluster;
            let cid = if first_of_cluster {
                let end = infos[i + 1..]
                    .iter()
                    .map(|g| g.cluster)
                    .find(|c| *c > info.cluster)
                    .map_or(text.len(), |c| c as usize);
                text.get(info.cluster as usize..end).map(str::to_string)
            } else {
                joined = true;
                None
            };
            glyphs.push(Codepoint { gid, offset, cid });
        }
        Run {
            face: face_index,
            lead: round(-at.first().copied().unwrap_or(0.0)),
            glyphs,
            width,
            actual_text: joined.then(|| text.to_string()),
        }
    }
}

fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// A shaped run in one face.
pub struct Run {
    /// Index into `Fonts::faces`.
    pub face: usize,
    /// A TJ adjustment before the first glyph (its own offset).
    pub lead: f32,
    /// The glyphs, each with the adjustment after it and the text it stands for.
    pub glyphs: Vec<Codepoint>,
    /// Advance of the whole run, in thousandths of an em.
    pub width: f32,
    /// The run's text when glyphs and characters do not pair one to one (a Devanagari vowel
    /// sign drawn before its consonant): readers take it instead of the glyphs' own text.
    pub actual_text: Option<String>,
}

/// A line of text as runs, left to right.
pub struct Line {
    /// The runs.
    pub runs: Vec<Run>,
}

impl Line {
    /// The advance of the whole line at `size` points.
    pub fn width(&self, size: f32) -> f32 {
        self.runs.iter().map(|r| r.width).sum::<f32>() * size / 1000.0
    }
}
