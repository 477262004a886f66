//! The fonts Encore draws with, in the kiosk and on the receipts, and which characters they have.
//!
//! One fallback chain serves both: for each character the first font that has it is used, so a
//! title the kiosk shows is a title the receipt prints. Text with a character that no font has
//! is refused when it is saved (`check`), naming the field, instead of printing a blank.

use skrifa::MetadataProvider as _;

use crate::domain::field::{FieldError, FieldResult};

/// Noto Sans Regular: Latin with accents, Greek, Cyrillic, € £ ₹ ¥.
pub const REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
/// Noto Sans Devanagari Regular (Hindi, Marathi, Nepali).
pub const DEVANAGARI: &[u8] = include_bytes!("../fonts/NotoSansDevanagari-Regular.ttf");
/// Noto Sans Devanagari Bold.
pub const DEVANAGARI_BOLD: &[u8] = include_bytes!("../fonts/NotoSansDevanagari-Bold.ttf");
/// Droid Sans Fallback: Han ideographs, kana and Hangul, in one weight.
pub const CJK: &[u8] = include_bytes!("../fonts/DroidSansFallback.ttf");
/// Noto Emoji (monochrome), the copy egui already links into the binary.
pub const EMOJI: &[u8] = epaint_default_fonts::NOTO_EMOJI_REGULAR;
/// The emoji-icon-font, egui's second emoji font, for the few symbols Noto Emoji lacks.
pub const EMOJI_ICONS: &[u8] = epaint_default_fonts::EMOJI_ICON;

/// One font of a chain: a short name (the kiosk's key for it) and its bytes.
pub type Face = (&'static str, &'static [u8]);

/// The regular chain, most preferred first.
pub const REGULAR_CHAIN: [Face; 5] = [
    ("noto", REGULAR),
    ("noto-devanagari", DEVANAGARI),
    ("droid-cjk", CJK),
    ("noto-emoji", EMOJI),
    ("emoji-icons", EMOJI_ICONS),
];

/// The bold chain: bold where a bold exists, else the regular face of the same script.
pub const BOLD_CHAIN: [Face; 5] = [
    ("noto-bold", BOLD),
    ("noto-devanagari-bold", DEVANAGARI_BOLD),
    ("droid-cjk", CJK),
    ("noto-emoji", EMOJI),
    ("emoji-icons", EMOJI_ICONS),
];

/// Characters that steer shaping but draw nothing of their own (joiners, variation selectors,
/// emoji tags): they never need a glyph.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0020}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}')
}

/// Whether the font `bytes` maps `c` to a glyph.
pub fn has_glyph(bytes: &[u8], c: char) -> bool {
    skrifa::FontRef::new(bytes).is_ok_and(|font| font.charmap().map(c).is_some())
}

/// Whether some font of the chain draws `c` (or `c` needs no glyph: line breaks and tabs are
/// the layout's business, not a font's).
pub fn covered(c: char) -> bool {
    c.is_control() || is_invisible(c) || REGULAR_CHAIN.iter().any(|(_, bytes)| has_glyph(bytes, c))
}

/// Refuses `text` for `field` if a character of it has no glyph in any bundled font, so that
/// nothing is accepted that the kiosk or the receipt would show as a blank.
pub fn check(field: &'static str, text: &str) -> FieldResult<()> {
    match text.chars().find(|c| !covered(*c)) {
        None => Ok(()),
        Some(c) => Err(FieldError::new(
            field,
            format!(
                "cannot print {c:?} (U+{:04X}): no receipt font has it",
                u32::from(c)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_we_sell_in_is_covered() {
        for text in [
            "Signed poster — Édition spéciale €25",
            "Αυτόγραφο Ελληνικά",
            "Плакат с автографом",
            "नमस्ते हिन्दी क्षत्रिय",
            "サイン会 ポスター",
            "签名海报",
            "사인 엽서",
            "🎸🎉❤️👍",
            "Mara Vey\nHauptstraße 1\tBerlin",
        ] {
            assert_eq!(check("title", text), Ok(()), "{text}");
        }
    }

    #[test]
    fn a_character_no_font_has_is_refused_naming_the_field() {
        // Linear B and a private-use code point: in none of the bundled fonts.
        for c in ['\u{10000}', '\u{F0000}'] {
            let e = check("title", &format!("Poster {c}")).unwrap_err();
            assert_eq!(e.field, "title");
            assert!(e.rule.contains("no receipt font has it"), "{e}");
        }
    }
}
