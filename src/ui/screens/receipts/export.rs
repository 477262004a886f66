//! The Export section of the Receipts screen: the whole event as a workbook, CSV files or
//! every receipt as a PDF, behind the creator PIN, written on the worker with a progress bar
//! and a Cancel button. Files go to the folder typed here, or the `exports` folder beside the
//! database; the name is the event's and the time's, never an existing file's.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::ReceiptsOp;
use crate::service::export::{Finished, Format, free_name};
use crate::service::{Pos, PosResult};
use crate::ui::Command;
use crate::ui::ctx::Fx;
use crate::ui::jobs::Control;
use crate::ui::theme::TOUCH;
use crate::ui::widgets::{self, Tone};

/// How an export came back: the file or folder and the words for the operator, `None` when
/// cancelled, or what went wrong.
pub type ExportDone = Result<Option<(PathBuf, String)>, String>;

/// The section's state: the folder and PIN typed, the export running, the last one made.
#[derive(Debug, Default)]
pub struct ExportDraft {
    /// The folder typed (empty: `exports` beside the database).
    pub folder: String,
    /// Creator PIN as typed (forgotten at each export).
    pub pin: String,
    running: Option<Control>,
    last: Option<PathBuf>,
}

/// Draws the section: the progress and Cancel while an export runs, else the choices folded
/// under one header (the receipts below keep the room on a small screen).
pub fn export_ui(ui: &mut egui::Ui, draft: &mut ExportDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    if let Some(control) = &draft.running {
        let (fraction, text) = control.progress();
        ui.horizontal(|ui| {
            let bar = egui::ProgressBar::new(fraction)
                .desired_width(420.0)
                .show_percentage()
                .text(format!("Exporting: {text}"));
            ui.add(bar);
            if widgets::button(ui, "Cancel export", 180.0) {
                commands.push(Command::Receipts(ReceiptsOp::CancelExport));
            }
        });
        // Progress moves without input: keep drawing while it runs.
        ui.ctx().request_repaint();
        return commands;
    }
    egui::CollapsingHeader::new(RichText::new("Export the whole event").strong())
        .id_salt("export")
        .show(ui, |ui| {
            ui.label("Orders, lines, payments, refunds, redemptions, queue tickets and members, for the creator (training sales left out).");
            widgets::field(
                ui,
                "Export folder",
                &mut draft.folder,
                (0.0, 420.0),
                "exports beside the database",
            );
            ui.horizontal_wrapped(|ui| {
                widgets::pin_field(ui, "Creator PIN (export)", &mut draft.pin);
                let ready = !draft.pin.is_empty();
                for (format, label) in [
                    (Format::Xlsx, "Spreadsheet (XLSX)"),
                    (Format::Csv, "CSV files"),
                    (Format::Pdf, "All receipts as PDFs"),
                ] {
                    let button = egui::Button::new(label).min_size(egui::vec2(200.0, TOUCH));
                    if ui.add_enabled(ready, button).clicked() {
                        commands.push(Command::Receipts(ReceiptsOp::Export(format)));
                    }
                }
            });
        });
    if let Some(path) = &draft.last {
        ui.horizontal(|ui| {
            ui.label(format!("Last export: {}", path.display()));
            if widgets::button(ui, "Open export", 160.0) {
                commands.push(Command::OpenFile(path.clone()));
            }
        });
    }
    commands
}

impl ExportDraft {
    /// Checks the PIN (used once, then forgotten) and starts the export on the worker.
    pub fn start(&mut self, format: Format, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        if self.running.is_some() {
            return Ok(());
        }
        let pin = std::mem::take(&mut self.pin);
        let grant = pos.unlock(&pin)?;
        let folder = self.folder.trim();
        let target = match folder {
            "" => None,
            dir => Some(free_name(
                Path::new(dir),
                &pos.event().name,
                format,
                pos.now(),
            )?),
        };
        let job = pos.export_job(format, target.as_deref(), &grant)?;
        let control = fx.jobs.spawn_controlled("Exporting", move |control| {
            let done: ExportDone = match job.run(control) {
                Ok(Finished::Done(e)) => {
                    let s = &e.summary;
                    let words = format!(
                        "Exported {} orders to {} (gross {}, tips {}, refunded {}, net {})",
                        s.orders,
                        e.path.display(),
                        s.gross,
                        s.tips,
                        s.refunded,
                        s.net
                    );
                    Ok(Some((e.path, words)))
                }
                Ok(Finished::Cancelled) => Ok(None),
                Err(e) => Err(e.to_string()),
            };
            Command::Receipts(ReceiptsOp::ExportDone(done))
        });
        self.running = Some(control);
        fx.info("Exporting…");
        Ok(())
    }

    /// Asks the running export to stop.
    pub fn cancel(&mut self) {
        if let Some(control) = &self.running {
            control.cancel();
        }
    }

    /// The export came back.
    pub fn done(&mut self, done: ExportDone, fx: &mut Fx<'_>) {
        self.running = None;
        match done {
            Ok(Some((path, words))) => {
                *fx.notice = Some((Tone::Good, words));
                self.last = Some(path);
            }
            Ok(None) => fx.info("Export cancelled: nothing was written"),
            Err(e) => fx.bad(e),
        }
    }
}
