//! Backups (creator PIN to save): the folder the kiosk copies the database to (a USB stick),
//! how often, and how many copies stay there.

use egui::RichText;

use super::SettingsOp;
use crate::domain::backup::BackupSettings;
use crate::domain::field::FieldResult;
use crate::ui::Command;
use crate::ui::theme::TOUCH;
use crate::ui::widgets;

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct BackupDraft {
    /// The folder; empty for the `backups` folder beside the database.
    pub folder: String,
    /// Minutes between backups.
    pub every: String,
    /// Backups kept.
    pub keep: String,
    /// Creator PIN.
    pub pin: String,
}

impl BackupDraft {
    /// A form showing `settings`.
    pub fn of(settings: &BackupSettings) -> BackupDraft {
        BackupDraft {
            folder: settings
                .folder
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            every: settings.every_mins.to_string(),
            keep: settings.keep.to_string(),
            pin: String::new(),
        }
    }

    /// The settings as typed, or the field that is wrong.
    pub fn parse(&self) -> FieldResult<BackupSettings> {
        BackupSettings::parse(&self.folder, &self.every, &self.keep)
    }
}

/// Draws the backup settings.
pub fn backup_ui(ui: &mut egui::Ui, draft: &mut BackupDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Backups").strong());
    widgets::field(
        ui,
        "Backup folder",
        &mut draft.folder,
        (0.0, 360.0),
        "empty: the backups folder beside the database",
    );
    widgets::field(
        ui,
        "Back up every (minutes)",
        &mut draft.every,
        (0.0, 60.0),
        "",
    );
    widgets::field(ui, "Backups to keep", &mut draft.keep, (0.0, 60.0), "");
    ui.horizontal(|ui| {
        let (label, button) = ("Creator PIN for backups", "Save backup settings");
        if widgets::pin_and_button(ui, label, &mut draft.pin, button) {
            commands.push(Command::Settings(SettingsOp::SaveBackup));
        }
        if ui
            .add(egui::Button::new("Back up now").min_size(egui::vec2(140.0, TOUCH)))
            .clicked()
        {
            commands.push(Command::Backup(crate::ui::backups::BackupCmd::Now));
        }
    });
    commands
}
