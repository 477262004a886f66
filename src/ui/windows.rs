//! The windows beside the kiosk: the fan screen and the now-serving board, as second viewports
//! (or embedded windows where there is none).

use super::{Command, Kiosk, board, fan};

impl Kiosk {
    pub(super) fn board_window_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let event_name = self.pos.event().name.clone();
        let lanes = &self.lanes;
        let closed = second_window(ui, "Encore — now serving", [1280.0, 720.0], |ui| {
            board::board_ui(ui, &event_name, lanes);
        });
        if closed {
            vec![Command::ToggleBoard]
        } else {
            Vec::new()
        }
    }

    pub(super) fn fan_window_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let event_name = self.pos.event().name.clone();
        let payment = &self.payment;
        let closed = second_window(ui, "Encore — for fans", [800.0, 700.0], |ui| {
            fan::fan_ui(ui, &event_name, payment);
        });
        if closed {
            vec![Command::ToggleFanWindow]
        } else {
            Vec::new()
        }
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
