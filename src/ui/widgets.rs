//! Shared widgets: QR codes painted as rectangles, big buttons, labelled fields, rows of
//! choices, status banners.

use egui::{Color32, Rect, RichText, Sense, Vec2, vec2};

use super::theme::{BAD, GOOD, TOUCH, WAIT};
use crate::domain::qr::QrMatrix;

/// Paints a QR code `side` points wide, black on white with a four-module quiet zone.
pub fn qr_ui(ui: &mut egui::Ui, matrix: &QrMatrix, side: f32, label: &str) {
    let modules = (matrix.width + 8) as f32;
    // Whole pixels per module keep the edges crisp for phone cameras.
    let module = (side / modules).floor().max(1.0);
    let side = module * modules;
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, label));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::WHITE);
    let origin = rect.min + Vec2::splat(4.0 * module);
    for (x, y, len) in matrix.dark_runs() {
        let min = origin + vec2(x as f32 * module, y as f32 * module);
        painter.rect_filled(
            Rect::from_min_size(min, vec2(len as f32 * module, module)),
            0.0,
            Color32::BLACK,
        );
    }
}

/// A full-width button at least one touch target high.
pub fn wide_button(ui: &mut egui::Ui, text: impl Into<RichText>, enabled: bool) -> bool {
    let button = egui::Button::new(text.into()).min_size(vec2(ui.available_width(), TOUCH));
    ui.add_enabled(enabled, button).clicked()
}

/// A button of at least `width` × one touch target.
pub fn button(ui: &mut egui::Ui, text: impl Into<RichText>, width: f32) -> bool {
    ui.add(egui::Button::new(text.into()).min_size(vec2(width, TOUCH)))
        .clicked()
}

/// A PIN field (its characters hidden) after its label, one touch target high.
pub fn pin_field(ui: &mut egui::Ui, label: &str, pin: &mut String) {
    let label = ui.label(label);
    ui.add_sized(
        [120.0, TOUCH],
        egui::TextEdit::singleline(pin).password(true),
    )
    .labelled_by(label.id);
}

/// A PIN field and the button that uses it, enabled once a PIN is typed; true when tapped.
pub fn pin_and_button(ui: &mut egui::Ui, label: &str, pin: &mut String, button: &str) -> bool {
    pin_field(ui, label, pin);
    let ready = !pin.is_empty();
    ui.add_enabled(
        ready,
        egui::Button::new(button).min_size(vec2(200.0, TOUCH)),
    )
    .clicked()
}

/// A one-line text field after its label, one touch target high. The label takes `label_w`
/// points (0 = as wide as its text) so the fields of a form line up; it names the field for
/// screen readers and tests.
pub fn field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    (label_w, width): (f32, f32),
    hint: &str,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = if label_w > 0.0 {
            ui.add_sized([label_w, TOUCH], egui::Label::new(label))
        } else {
            ui.label(label)
        };
        ui.add_sized(
            [width, TOUCH],
            egui::TextEdit::singleline(value).hint_text(hint),
        )
        .labelled_by(l.id)
    })
    .inner
}

/// A row of choices (after an optional label `label_w` wide), the current one lit, each at
/// least `min_w` × one touch target; returns the choice tapped this frame. Lay the row out
/// (horizontal or wrapped) around it.
pub fn choices<T: PartialEq, L: Into<egui::WidgetText>>(
    ui: &mut egui::Ui,
    label: Option<(&str, f32)>,
    current: &T,
    options: impl IntoIterator<Item = (T, L)>,
    min_w: f32,
) -> Option<T> {
    if let Some((text, width)) = label {
        ui.add_sized([width, TOUCH], egui::Label::new(text));
    }
    let mut tapped = None;
    for (option, text) in options {
        let button =
            egui::Button::selectable(*current == option, text).min_size(vec2(min_w, TOUCH));
        if ui.add(button).clicked() {
            tapped = Some(option);
        }
    }
    tapped
}

/// Takes a scanned `code` back out of the end of a field it was typed into.
pub fn forget_typed(field: &mut String, code: &str) {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(kept) = field
        .strip_suffix(code)
        .or_else(|| field.strip_suffix(compact.as_str()))
    {
        *field = kept.to_string();
    }
}

/// How a banner looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Success.
    Good,
    /// Refusal or failure.
    Bad,
    /// Neutral information.
    Info,
}

/// A coloured, framed line of big text.
pub fn banner(ui: &mut egui::Ui, tone: Tone, text: &str, size: f32) {
    let fill = match tone {
        Tone::Good => GOOD,
        Tone::Bad => BAD,
        Tone::Info => WAIT,
    };
    egui::Frame::new()
        .fill(fill)
        .corner_radius(8.0)
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            // Service messages start lower case (they are CLI output too); a banner is a sentence.
            let mut chars = text.chars();
            let sentence: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            ui.label(
                RichText::new(sentence)
                    .color(Color32::WHITE)
                    .size(size)
                    .strong(),
            );
        });
}

/// The emoji if the kiosk's fonts can draw it, else nothing (a typed emoji may be missing from
/// the bundled emoji font; a tile never shows a box instead).
pub fn emoji<'a>(ui: &egui::Ui, emoji: &'a str) -> &'a str {
    let bare: String = emoji.chars().filter(|c| *c != '\u{fe0f}').collect();
    let font = egui::FontId::proportional(19.0);
    if !bare.is_empty() && ui.ctx().fonts_mut(|f| f.has_glyphs(&font, &bare)) {
        emoji
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::forget_typed;

    #[test]
    fn a_scanned_code_comes_back_out_of_the_field_it_was_typed_into() {
        let mut field = "12.500K4M 7QX2".to_string();
        forget_typed(&mut field, "0K4M 7QX2");
        assert_eq!(field, "12.50");
        let mut grouped = "0K4M7QX2".to_string();
        forget_typed(&mut grouped, "0K4M 7QX2");
        assert_eq!(grouped, "", "typed without the spaces the scanner sent");
        let mut other = "kept".to_string();
        forget_typed(&mut other, "0K4M");
        assert_eq!(other, "kept");
    }
}
