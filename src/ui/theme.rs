//! Fonts and style for a kiosk read at arm's length: big text, 48 px touch targets.

use std::sync::Arc;

use egui::{Color32, FontData, FontDefinitions, FontFamily, FontId, TextStyle};

/// Smallest height of anything a finger taps.
pub const TOUCH: f32 = 56.0;
/// Paid / redeemed.
pub const GOOD: Color32 = Color32::from_rgb(46, 160, 67);
/// Refused / invalid.
pub const BAD: Color32 = Color32::from_rgb(215, 58, 73);
/// Waiting for something.
pub const MUTED: Color32 = Color32::from_rgb(128, 128, 128);
/// Waiting, counting down, few left.
pub const WAIT: Color32 = Color32::from_rgb(210, 153, 34);

/// Installs the bundled fonts and the kiosk style; call at start-up and in every UI test.
pub fn install(ctx: &egui::Context) {
    // The same fallback chains as the receipts (crate::fonts): what the kiosk shows, the
    // receipt prints; egui shapes each run with HarfBuzz, so Devanagari conjuncts join here too.
    let mut fonts = FontDefinitions::empty();
    for (name, bytes) in crate::fonts::REGULAR_CHAIN
        .into_iter()
        .chain(crate::fonts::BOLD_CHAIN)
    {
        fonts
            .font_data
            .insert(name.into(), Arc::new(FontData::from_static(bytes)));
    }
    let names = |chain: [crate::fonts::Face; 5]| chain.map(|(name, _)| name.to_string()).to_vec();
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .insert(family, names(crate::fonts::REGULAR_CHAIN));
    }
    fonts.families.insert(
        FontFamily::Name("bold".into()),
        names(crate::fonts::BOLD_CHAIN),
    );
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Small, FontId::proportional(15.0)),
            (TextStyle::Body, FontId::proportional(19.0)),
            (TextStyle::Monospace, FontId::monospace(18.0)),
            (TextStyle::Button, FontId::proportional(20.0)),
            (
                TextStyle::Heading,
                FontId::new(28.0, FontFamily::Name("bold".into())),
            ),
        ]
        .into();
        style.spacing.interact_size.y = TOUCH;
        style.spacing.button_padding = egui::vec2(14.0, 10.0);
        style.spacing.item_spacing = egui::vec2(10.0, 10.0);
        // Labels in full contrast: the kiosk is read at arm's length in a dim, noisy room.
        let text = if style.visuals.dark_mode {
            Color32::from_gray(235)
        } else {
            Color32::from_gray(15)
        };
        style.visuals.widgets.noninteractive.fg_stroke.color = text;
        style.visuals.widgets.inactive.fg_stroke.color = text;
    });
}

/// A bold font of `size`.
pub fn bold(size: f32) -> FontId {
    FontId::new(size, FontFamily::Name("bold".into()))
}

#[cfg(test)]
mod tests {
    use egui::{FontFamily, FontId};

    #[test]
    fn the_kiosk_has_a_glyph_for_every_script_the_receipts_print() {
        let ctx = egui::Context::default();
        super::install(&ctx);
        // Fonts set with `set_fonts` take effect at the start of the next pass.
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        for text in [
            "Édition spéciale €25",
            "Αφίσα",
            "Открытка",
            "हिन्दी पोस्टर",
            "サイン会 签名 사인회",
            "🎸🎉👍",
        ] {
            for family in [FontFamily::Proportional, FontFamily::Name("bold".into())] {
                let font = FontId::new(19.0, family.clone());
                assert!(
                    ctx.fonts_mut(|f| f.has_glyphs(&font, text)),
                    "{text} in {family:?}"
                );
            }
        }
    }
}
