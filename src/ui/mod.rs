//! The kiosk. One room per screen (`screens/`): each owns its state, its ops, its view and the
//! applying of its ops. The kiosk holds only what every screen shares, draws the frame, and
//! routes the commands the views returned after the frame is drawn. No view touches the store.

pub mod backups;
mod board;
mod command;
mod ctx;
mod files;
mod jobs;
mod problem;
mod route;
mod scanner;
mod screens;
pub mod theme;
mod widgets;
mod windows;

use std::path::{Path, PathBuf};

use egui::RichText;

use crate::domain::event::local_time;
use crate::domain::order::Cart;
use crate::service::Pos;
pub use command::{Command, Screen};
use ctx::{ScreenCtx, Shared};
use jobs::Jobs;
use scanner::Scanner;
use screens::Screens;
pub use screens::sell::Payment;
use widgets::Tone;

/// Seconds between re-reads of the catalogue and queue (other stations sell too).
const REFRESH_SECS: f64 = 1.0;

/// The kiosk's state between frames: what every screen shares, and the screens.
pub struct Kiosk {
    pos: Pos,
    /// The screen shown.
    pub screen: Screen,
    /// The catalogue and lanes as last read.
    shared: Shared,
    /// The last message shown to the operator.
    notice: Option<(Tone, String)>,
    /// Tells scanner bursts from typing and holds one-key shortcuts.
    scanner: Scanner,
    /// Every screen's own state; replaced whole when another event opens.
    screens: Screens,
    /// Slow work (PDFs, photos, files) running off the frame.
    jobs: Jobs,
    /// Where receipt PDFs go.
    receipts_dir: PathBuf,
    /// The fan-facing window and the now-serving board: shown or not.
    windows: windows::Shown,
    /// This frame's time, and when the shared data was last read.
    frame_time: f64,
    refreshed_at: Option<f64>,
    /// The automatic backups and how the last one went.
    backups: backups::Backups,
}

impl Kiosk {
    /// A kiosk on `pos`; receipt PDFs go to `receipts_dir`.
    pub fn new(mut pos: Pos, receipts_dir: PathBuf) -> Kiosk {
        // A PIN that cannot be checked shows as no alert; the PIN itself still works as before.
        let _ = pos.refresh_pin_alert();
        let screens = Screens::new(&pos);
        let backups = backups::Backups::new(&pos);
        let mut kiosk = Kiosk {
            pos,
            screen: Screen::Sell,
            shared: Shared::default(),
            notice: None,
            scanner: Scanner::default(),
            screens,
            jobs: Jobs::new(),
            receipts_dir,
            windows: windows::Shown::default(),
            frame_time: 0.0,
            refreshed_at: None,
            backups,
        };
        kiosk.refresh();
        kiosk
    }

    /// The service, for tests that check what was committed.
    pub fn pos(&self) -> &Pos {
        &self.pos
    }

    /// The report on the Reports screen, if one is shown.
    pub fn report(&self) -> Option<&crate::domain::report::Report> {
        self.screens.reports.shown()
    }

    /// The pairing link the Settings screen shows as a QR, while one is on show.
    pub fn pairing_link(&self) -> Option<&str> {
        self.screens.settings.pairing_link()
    }

    /// The last message shown to the operator.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_ref().map(|(_, t)| t.as_str())
    }

    /// The basket on the Sell screen.
    pub fn cart(&self) -> &Cart {
        self.screens.sell.cart()
    }

    /// Where the current fan's payment stands.
    pub fn payment(&self) -> &Payment {
        self.screens.sell.payment()
    }

    /// True while slow work (a PDF, a photo, a file) runs off the frame.
    pub fn busy(&self) -> bool {
        self.jobs.busy().is_some()
    }

    /// The progress of a long job under way (an export): its fraction and text.
    pub fn progress(&self) -> Option<(f32, String)> {
        self.jobs.progress()
    }

    /// The automatic backups: settings, the last one made, a failure.
    pub fn backups(&self) -> &backups::Backups {
        &self.backups
    }

    /// Draws one frame and applies what the views asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let time = ui.input(|i| i.time);
        self.frame_time = time;
        if self.refreshed_at.is_none_or(|t| time - t >= REFRESH_SECS) {
            self.refresh();
            self.refreshed_at = Some(time);
        }
        self.backups.tick(&self.pos, &mut self.jobs);
        let mut commands = self.scanner.scan_ui(ui, time);
        commands.extend(self.jobs.poll());
        commands.extend(self.top_bar_ui(ui));
        commands.extend(self.screen_ui(ui));
        commands.extend(self.windows_ui(ui));
        let commands = self.scanner.hold_shortcuts(ui, commands, time);
        let changed = !commands.is_empty();
        for command in commands {
            self.apply(command);
        }
        if changed {
            self.refresh();
            // What the commands changed shows at once, not at the next tick.
            ui.ctx().request_repaint();
        }
        // Countdowns and the clock tick once a second; a job's result is looked for sooner.
        let after = if self.busy() { 0.05 } else { 1.0 };
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(after));
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let windows::Shown { fan_window, board } = self.windows;
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                // Below 1600 px the tabs take smaller type and padding, so that every tab still
                // fits beside the event's name and the buttons (down to 1024 px); they stay a
                // full touch target high.
                let (size, min_w) = if ui.available_width() < 1600.0 {
                    ui.spacing_mut().button_padding.x = 8.0;
                    (16.0, 56.0)
                } else {
                    (21.0, 84.0)
                };
                for screen in Screen::ALL {
                    let tab = egui::Button::selectable(
                        self.screen == screen,
                        RichText::new(screen.title()).size(size),
                    )
                    .min_size(egui::vec2(min_w, theme::TOUCH));
                    if ui.add(tab).clicked() {
                        commands.push(Command::Goto(screen));
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let fan_label = if fan_window {
                        "Close fan screen"
                    } else {
                        "Fan screen"
                    };
                    if widgets::button(ui, fan_label, 0.0) {
                        commands.push(Command::ToggleFanWindow);
                    }
                    let board_label = if board { "Close board" } else { "Board" };
                    if widgets::button(ui, board_label, 0.0) {
                        commands.push(Command::ToggleBoard);
                    }
                    if let Some(what) = self.jobs.busy() {
                        let spinner = ui.add(egui::Spinner::new());
                        match self.jobs.progress() {
                            Some((fraction, text)) => {
                                ui.label(format!("{:.0}%", fraction * 100.0));
                                spinner.on_hover_text(text);
                            }
                            None => {
                                spinner.on_hover_text(what);
                            }
                        }
                    }
                    let event = self.pos.event();
                    // On a narrow screen the clock gives way before it would cover a tab; the
                    // backup line goes with it (a failed backup has its banner anyway).
                    if ui.available_width() > 240.0 {
                        let backup = self.backups.status_text(self.pos.now());
                        ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                            ui.spacing_mut().item_spacing.y = 0.0;
                            ui.label(local_time(self.pos.now(), &event.time_zone));
                            ui.label(RichText::new(backup).small());
                        });
                    }
                    // On a 1024 px screen the event name gives way (truncated) before the tabs do.
                    let name =
                        RichText::new(format!("{} · {}", event.name, self.pos.station())).strong();
                    ui.add(egui::Label::new(name).truncate());
                });
            });
        });
        commands
    }

    fn screen_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let ctx = ScreenCtx {
            event: self.pos.event(),
            station: self.pos.station(),
            shared: &self.shared,
            now: self.pos.now(),
            frame_time: self.frame_time,
        };
        let (screens, screen, notice) = (&mut self.screens, self.screen, &self.notice);
        let alerts = self.pos.alerts();
        let backups = &self.backups;
        let training = self.shared.training;
        egui::CentralPanel::default().show(ui, |ui| {
            if training {
                widgets::banner(
                    ui,
                    Tone::Bad,
                    "TRAINING — practice sales only: no stock, no claim codes, no figures",
                    26.0,
                );
            }
            backups.banner_ui(ui);
            for alert in &alerts {
                widgets::banner(ui, Tone::Bad, alert, 16.0);
            }
            if let Some((tone, text)) = notice {
                widgets::banner(ui, *tone, text, 20.0);
            }
            commands = screens.ui(screen, ui, &ctx);
        });
        commands
    }
}

impl eframe::App for Kiosk {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        Kiosk::ui(self, ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.backups.on_exit(&self.pos);
    }
}

/// Opens the kiosk window and runs it until closed.
pub fn run_kiosk(pos: Pos, db: &Path, fullscreen: bool) -> anyhow::Result<()> {
    let receipts_dir = db.parent().unwrap_or(Path::new(".")).join("receipts");
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Encore")
            .with_app_id("encore")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([1024.0, 600.0])
            .with_fullscreen(fullscreen),
        ..Default::default()
    };
    eframe::run_native(
        "Encore",
        options,
        Box::new(move |cc| {
            theme::install(&cc.egui_ctx);
            Ok(Box::new(Kiosk::new(pos, receipts_dir)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the kiosk window could not open: {e}"))
}
