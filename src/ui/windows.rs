//! The windows beside the kiosk: the fan screen and the now-serving board, as second viewports
//! (or embedded windows where there is none).

use super::widgets::{self, Tone};
use super::{Command, Kiosk, board};

/// Which of the windows beside the kiosk are open.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown {
    /// The fan-facing window.
    pub fan_window: bool,
    /// The now-serving board.
    pub board: bool,
}

impl Kiosk {
    /// The fan screen and the board, each when shown; closing one is a command like its button.
    pub(super) fn windows_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let event_name = self.pos.event().name.clone();
        let Shown { fan_window, board } = self.windows;
        if fan_window {
            let sell = &self.screens.sell;
            let training = self.shared.training;
            let closed = second_window(ui, "Encore — for fans", [800.0, 700.0], |ui| {
                // A practice payment QR is a real one: the fan is told not to pay.
                if training {
                    let text = "TRAINING — practice only: please do not pay";
                    widgets::banner(ui, Tone::Bad, text, 28.0);
                }
                sell.fan_ui(ui, &event_name);
            });
            if closed {
                commands.push(Command::ToggleFanWindow);
            }
        }
        if board {
            let lanes = &self.shared.lanes;
            let closed = second_window(ui, "Encore — now serving", [1280.0, 720.0], |ui| {
                board::board_ui(ui, &event_name, lanes);
            });
            if closed {
                commands.push(Command::ToggleBoard);
            }
        }
        commands
    }
}

/// A fan-facing window (a second viewport, or an embedded window where there is none); true
/// when its close button was pressed.
fn second_window(
    ui: &mut egui::Ui,
    title: &str,
    size: [f32; 2],
    mut draw: impl FnMut(&mut egui::Ui),
) -> bool {
    let builder = egui::ViewportBuilder::default()
        .with_title(title)
        .with_inner_size(size);
    let id = egui::ViewportId::from_hash_of(title);
    ui.ctx().show_viewport_immediate(id, builder, |ui, class| {
        if class == egui::ViewportClass::EmbeddedWindow {
            draw(ui);
        } else {
            egui::CentralPanel::default().show(ui, |ui| draw(ui));
        }
        ui.input(|i| i.viewport().close_requested())
    })
}
