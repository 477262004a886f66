//! The Redeem screen: type, scan or read a code from a photo; the result is shown big, with the
//! hand-over step for drops, one more unit for codes good for several, undo for ten seconds, and
//! the redemption log below.

use egui::RichText;
use jiff::Timestamp;

use super::Command;
use super::theme::{self, TOUCH};
use super::widgets::{self, Tone};
use crate::service::{LogLine, Redeemed, UNDO_SECS};

/// How far back the log looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Since {
    /// Everything.
    #[default]
    All,
    /// The last hour.
    Hour,
    /// The last 15 minutes.
    Quarter,
}

impl Since {
    /// The earliest instant shown.
    pub fn start(self, now: Timestamp) -> Option<Timestamp> {
        let secs = match self {
            Since::All => return None,
            Since::Hour => 3600,
            Since::Quarter => 900,
        };
        Timestamp::from_second(now.as_second() - secs).ok()
    }
}

/// What the Redeem screen holds between frames.
#[derive(Debug, Default)]
pub struct RedeemDesk {
    /// The code field.
    pub input: String,
    /// Path of a photo or screenshot of a code.
    pub image_path: String,
    /// The last result, shown big.
    pub result: Option<(Tone, String)>,
    /// The last redemption with its code and when it was made (for hand-over, more, undo).
    pub last: Option<(Redeemed, String, Timestamp)>,
    /// Log search text.
    pub search: String,
    /// Log time window.
    pub since: Since,
    /// Log lines, newest first.
    pub log: Vec<LogLine>,
}

/// Draws the code field, the last result with its next steps, and the log.
pub fn redeem_ui(ui: &mut egui::Ui, desk: &mut RedeemDesk, now: Timestamp) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Redeem a claim code");
    ui.label("Scan the fan's QR code anywhere in Encore, or type the code (dashes, spaces and case do not matter).");
    let mut submit = false;
    ui.horizontal(|ui| {
        let label = ui.label("Claim code");
        let field = egui::TextEdit::singleline(&mut desk.input)
            .font(theme::bold(22.0))
            .hint_text("e.g. 0K4M-7QX2-…");
        let response = ui
            .add_sized([ui.available_width() - 160.0, TOUCH], field)
            .labelled_by(label.id);
        submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if widgets::button(ui, "Redeem code", 130.0) {
            submit = true;
        }
    });
    if submit && !desk.input.trim().is_empty() {
        commands.push(Command::Redeem(desk.input.trim().to_string()));
    }
    ui.horizontal(|ui| {
        let label = ui.label("Photo or screenshot (PNG/JPEG)");
        let field = egui::TextEdit::singleline(&mut desk.image_path)
            .hint_text("/home/me/Pictures/code.jpg");
        ui.add_sized([ui.available_width() - 160.0, TOUCH], field)
            .labelled_by(label.id);
        let ready = !desk.image_path.trim().is_empty();
        if ui
            .add_enabled(
                ready,
                egui::Button::new("Read image").min_size(egui::vec2(130.0, TOUCH)),
            )
            .clicked()
        {
            commands.push(Command::ReadImage);
        }
    });
    if let Some((tone, text)) = &desk.result {
        ui.add_space(12.0);
        widgets::banner(ui, *tone, text, 34.0);
    }
    if let Some((r, code, at)) = &desk.last {
        next_steps(ui, r, code, *at, now, &mut commands);
    }
    ui.add_space(8.0);
    ui.separator();
    log_ui(ui, desk);
    commands
}

fn next_steps(
    ui: &mut egui::Ui,
    r: &Redeemed,
    code: &str,
    at: Timestamp,
    now: Timestamp,
    commands: &mut Vec<Command>,
) {
    if r.units_left > 0 {
        ui.label(RichText::new(format!("{} left on this code", r.units_left)).size(24.0));
    }
    ui.horizontal(|ui| {
        if r.held && widgets::button(ui, RichText::new("Handed over").size(24.0).strong(), 220.0) {
            commands.push(Command::HandOver(r.id));
        }
        if r.units_left > 0 && !r.held && widgets::button(ui, "One more unit", 180.0) {
            commands.push(Command::RedeemMore(code.to_string()));
        }
        let left = UNDO_SECS - (now.as_second() - at.as_second());
        if left > 0 && widgets::button(ui, format!("Undo ({left} s)"), 140.0) {
            commands.push(Command::UndoRedemption(r.id));
        }
    });
}

fn log_ui(ui: &mut egui::Ui, desk: &mut RedeemDesk) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Redemption log").strong());
        let label = ui.label("Search");
        let field =
            egui::TextEdit::singleline(&mut desk.search).hint_text("code fragment or offer");
        ui.add_sized([240.0, TOUCH], field).labelled_by(label.id);
        for (since, text) in [
            (Since::All, "All"),
            (Since::Hour, "Last hour"),
            (Since::Quarter, "Last 15 min"),
        ] {
            if ui
                .add(
                    egui::Button::selectable(desk.since == since, text)
                        .min_size(egui::vec2(90.0, TOUCH)),
                )
                .clicked()
            {
                desk.since = since;
            }
        }
    });
    if desk.log.is_empty() {
        ui.label("Nothing redeemed yet.");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("redemption_log")
        .show(ui, |ui| {
            egui::Grid::new("log")
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for l in &desk.log {
                        ui.label(&l.at);
                        ui.label(format!("{} × {}", l.units, l.title));
                        // The end of a code is its signature: what tells codes apart.
                        let tail: String = l
                            .code
                            .chars()
                            .skip(l.code.len().saturating_sub(8))
                            .collect();
                        ui.label(RichText::new(format!("…{tail}")).monospace());
                        ui.label(if l.helper.is_empty() {
                            l.station.clone()
                        } else {
                            format!("{} · {}", l.station, l.helper)
                        });
                        ui.label(&l.status);
                        ui.end_row();
                    }
                });
        });
}
