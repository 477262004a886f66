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
    let mut fonts = FontDefinitions::empty();
    fonts.font_data.insert(
        "noto".into(),
        Arc::new(FontData::from_static(crate::fonts::REGULAR)),
    );
    fonts.font_data.insert(
        "noto-bold".into(),
        Arc::new(FontData::from_static(crate::fonts::BOLD)),
    );
    // Tile emoji come from egui's bundled emoji fonts, as fallbacks after Noto Sans.
    let defaults = FontDefinitions::default();
    let emoji: Vec<String> = ["NotoEmoji-Regular", "emoji-icon-font"]
        .into_iter()
        .filter_map(|name| {
            let data = defaults.font_data.get(name)?.clone();
            fonts.font_data.insert(name.into(), data);
            Some(name.to_string())
        })
        .collect();
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        list.push("noto".into());
        list.extend(emoji.iter().cloned());
    }
    fonts.families.insert(FontFamily::Name("bold".into()), {
        let mut bold = vec!["noto-bold".to_string()];
        bold.extend(emoji.iter().cloned());
        bold
    });
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
