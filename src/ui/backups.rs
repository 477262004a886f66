//! The kiosk backs up by itself: every few minutes by the station's clock, on the worker (a
//! copy must not stop the frame), and once more when the window closes. The top bar says when
//! the last one was made; a failed one stays on screen as a banner until one works again.

use jiff::Timestamp;

use super::jobs::Jobs;
use super::widgets::{self, Tone};
use super::{Command, Kiosk};
use crate::domain::backup::{BackupSettings, ago_text};
use crate::service::Pos;
use crate::store::backup::BackupInfo;

/// What the kiosk asks of its backups.
#[derive(Debug)]
pub enum BackupCmd {
    /// Back up now (the Settings screen's button).
    Now,
    /// The creator saved new settings: they count from now.
    Settings(BackupSettings),
    /// A backup came back from the worker: the copy, or what went wrong in the operator's words.
    Done(Result<BackupInfo, String>),
}

/// Where the kiosk's backups stand.
#[derive(Debug)]
pub struct Backups {
    settings: BackupSettings,
    /// When the last backup was started (made or not): the next is due an interval later.
    tried_at: Timestamp,
    /// The last backup made.
    last: Option<(Timestamp, BackupInfo)>,
    /// Why the last one failed, until one works again.
    failure: Option<String>,
    running: bool,
}

impl Backups {
    /// The station's settings; the first backup is due one interval after `now`.
    pub fn new(pos: &Pos) -> Backups {
        let (settings, failure) = match pos.backup_settings() {
            Ok(settings) => (settings, None),
            Err(e) => (BackupSettings::default(), Some(e.to_string())),
        };
        Backups {
            settings,
            tried_at: pos.now(),
            last: None,
            failure,
            running: false,
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &BackupSettings {
        &self.settings
    }

    /// The last backup made, if any.
    pub fn last(&self) -> Option<&BackupInfo> {
        self.last.as_ref().map(|(_, info)| info)
    }

    /// Why the last backup failed, while none has worked since.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Starts a backup on the worker when one is due by the station's clock.
    pub fn tick(&mut self, pos: &Pos, jobs: &mut Jobs) {
        let due = pos.now().as_second() - self.tried_at.as_second() >= self.settings.every_secs();
        if due && !self.running {
            self.start(pos, jobs);
        }
    }

    fn start(&mut self, pos: &Pos, jobs: &mut Jobs) {
        self.tried_at = pos.now();
        match pos.backup_job(&self.settings) {
            Ok(job) => {
                self.running = true;
                jobs.spawn("Backing up", move || {
                    Command::Backup(BackupCmd::Done(job.run().map_err(|e| e.to_string())))
                });
            }
            Err(e) => self.failure = Some(e.to_string()),
        }
    }

    /// Applies a backup command.
    pub fn apply(&mut self, cmd: BackupCmd, pos: &Pos, jobs: &mut Jobs) {
        match cmd {
            BackupCmd::Now if !self.running => self.start(pos, jobs),
            BackupCmd::Now => {}
            BackupCmd::Settings(settings) => {
                self.settings = settings;
                self.tried_at = pos.now();
                self.failure = None;
            }
            BackupCmd::Done(result) => {
                self.running = false;
                match result {
                    Ok(info) => {
                        self.last = Some((self.tried_at, info));
                        self.failure = None;
                    }
                    Err(why) => self.failure = Some(why),
                }
            }
        }
    }

    /// The last backup, once more, on the way out; waits for it, the window is closing anyway.
    pub fn on_exit(&mut self, pos: &Pos) {
        if let Ok(job) = pos.backup_job(&self.settings) {
            // Nobody is left to tell: a failure here shows in the next start's first backup.
            let _ = job.run();
        }
    }

    /// "last backup 3 min ago" for the top bar.
    pub fn status_text(&self, now: Timestamp) -> String {
        match &self.last {
            Some((at, _)) => format!("last backup {}", ago_text(now.as_second() - at.as_second())),
            None => "no backup yet".to_string(),
        }
    }

    /// The warning banner while backups fail.
    pub fn banner_ui(&self, ui: &mut egui::Ui) {
        if let Some(why) = &self.failure {
            let text = format!(
                "Backup failed — {why}. Sales are safe on this kiosk; fix this so a copy exists."
            );
            widgets::banner(ui, Tone::Bad, &text, 18.0);
        }
    }
}

impl Kiosk {
    /// Routes a backup command to the kiosk's backups.
    pub(super) fn backup(&mut self, cmd: BackupCmd) {
        self.backups.apply(cmd, &self.pos, &mut self.jobs);
    }
}
