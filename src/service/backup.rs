//! Backups: `encore backup` and the kiosk's own every few minutes, one way to make them. A
//! [`BackupJob`] opens its own read-only connection, so the kiosk runs it on its worker thread
//! while the station goes on selling.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::backup::{self, BackupSettings};
use crate::store::Store;
use crate::store::backup::{BackupInfo, io_words, prune, read_settings, write_settings};

/// Name of the default backups folder beside the database.
const DEFAULT_FOLDER: &str = "backups";

/// One backup to make: which database, where to, and how many of the event's to keep.
#[derive(Debug, Clone)]
pub struct BackupJob {
    /// The database file.
    pub db: PathBuf,
    /// The folder the copy goes to.
    pub folder: PathBuf,
    /// Whether the folder is the default one (then it is made when missing; a USB stick's
    /// folder is not, so an unplugged stick shows as such).
    pub default_folder: bool,
    /// The event's name, for the file name and pruning.
    pub event: String,
    /// How many of the event's backups stay (`None`: prune nothing).
    pub keep: Option<u32>,
    /// The instant in the file name.
    pub at: Timestamp,
}

impl BackupJob {
    /// Makes the backup under a new name in the folder and prunes the event's old ones.
    pub fn run(&self) -> PosResult<BackupInfo> {
        let folder_error = |e: std::io::Error| {
            PosError::Refused(format!(
                "backup to {}: {}",
                self.folder.display(),
                io_words(&e, &self.folder.join("x"))
            ))
        };
        if self.default_folder {
            std::fs::create_dir_all(&self.folder).map_err(folder_error)?;
        } else if !self.folder.is_dir() {
            return Err(folder_error(std::io::ErrorKind::NotFound.into()));
        }
        let store = Store::open_read_only(&self.db)?;
        let info = self.copy(&store)?;
        if let Some(keep) = self.keep {
            prune(&self.folder, &self.event, keep).map_err(folder_error)?;
        }
        Ok(info)
    }

    /// Copies under the first free name: a second backup within the same second gets `-1`.
    fn copy(&self, store: &Store) -> PosResult<BackupInfo> {
        for n in 0..100 {
            let file = self.folder.join(backup::file_name(&self.event, self.at, n));
            if file.exists() {
                continue;
            }
            match store.backup_to(&file) {
                // Taken meanwhile (the backup on exit meeting the timed one): the next name.
                // A failed copy of ours is removed, so a file there now is the other one's.
                Err(_) if file.exists() => continue,
                done => return Ok(done?),
            }
        }
        Err(PosError::Refused(format!(
            "backup to {}: too many backups within one second",
            self.folder.display()
        )))
    }
}

impl Pos {
    /// The database file this station works on.
    pub(super) fn db_file(&self) -> PosResult<PathBuf> {
        self.store.path().ok_or_else(|| {
            PosError::Refused("this database is not a file: nothing to back up".into())
        })
    }

    /// The backup settings of this database (the defaults until the creator saves some).
    pub fn backup_settings(&self) -> PosResult<BackupSettings> {
        Ok(read_settings(&self.db_file()?)?)
    }

    /// Saves the backup settings (creator): the change is in the audit log.
    pub fn set_backup_settings(
        &mut self,
        settings: &BackupSettings,
        grant: &Grant,
    ) -> PosResult<()> {
        self.require(grant)?;
        let db = self.db_file()?;
        self.write(Role::Creator, |w| {
            let detail = json!({
                "folder": settings.folder,
                "every_mins": settings.every_mins,
                "keep": settings.keep,
            });
            w.log("backup.settings", "station", detail)?;
            // Written last, inside the transaction: a file that cannot be written rolls the
            // audit entry back with it.
            Ok(write_settings(&db, settings)?)
        })
    }

    /// The kiosk's next automatic backup with `settings`, as of now.
    pub fn backup_job(&self, settings: &BackupSettings) -> PosResult<BackupJob> {
        let db = self.db_file()?;
        let default = default_folder(&db);
        Ok(BackupJob {
            folder: settings.folder.clone().unwrap_or_else(|| default.clone()),
            default_folder: settings.folder.is_none(),
            db,
            event: self.event.name.clone(),
            keep: Some(settings.keep),
            at: self.now(),
        })
    }

    /// `encore backup`: a copy at `output` (which must not exist), or under a new name in the
    /// backups folder beside the database. Nothing is pruned.
    pub fn backup_now(&self, output: Option<&Path>) -> PosResult<BackupInfo> {
        match output {
            Some(file) => Ok(self.store.backup_to(file)?),
            None => {
                let db = self.db_file()?;
                let job = BackupJob {
                    folder: default_folder(&db),
                    default_folder: true,
                    db,
                    event: self.event.name.clone(),
                    keep: None,
                    at: self.now(),
                };
                std::fs::create_dir_all(&job.folder).map_err(|e| {
                    PosError::Refused(format!(
                        "backup to {}: {}",
                        job.folder.display(),
                        io_words(&e, &job.folder.join("x"))
                    ))
                })?;
                job.copy(&self.store)
            }
        }
    }
}

/// The `backups` folder beside the database.
pub fn default_folder(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(DEFAULT_FOLDER)
}
