//! Copies of the database made while the kiosk sells: SQLite's online backup, a few pages at
//! a time so other stations' sales go on between the steps, then the copy checked on its own.
//! Also the folder side of backups: pruning old ones and the settings file beside the database.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode};
use serde::Serialize;

use super::{Store, StoreError, StoreResult};
use crate::domain::backup::{BackupSettings, beyond_keep};

/// Pages copied per step; between steps the source is free for writers.
const PAGES_PER_STEP: i32 = 64;
/// Rest between steps, so a sale waiting for the lock gets it.
const STEP_PAUSE: Duration = Duration::from_millis(2);
/// A copy that cannot get on (the source stays locked) gives up after this.
const GIVE_UP: Duration = Duration::from_secs(120);

/// A backup made and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    /// The copy.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The schema version it holds.
    pub schema_version: i64,
    /// `PRAGMA integrity_check` of the copy: always "ok" (a copy that is not is refused).
    pub integrity: String,
}

impl Store {
    /// The database file, when it is one (not in memory).
    pub fn path(&self) -> Option<PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }

    /// Copies the database into the new file `dest`, which must not exist yet, and checks the
    /// copy. On any failure nothing is left at `dest`.
    pub fn backup_to(&self, dest: &Path) -> StoreResult<BackupInfo> {
        let refused = |why: String| StoreError::Backup {
            path: dest.display().to_string(),
            why,
        };
        // Made here, exclusively: an existing file is never overwritten, not even by a race.
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .map_err(|e| refused(io_words(&e, dest)))?;
        let out = copy_and_check(&self.conn, dest);
        if out.is_err() {
            remove_copy(dest);
        }
        out.map_err(|e| match e {
            StoreError::Sqlite(e) => refused(sqlite_words(&e)),
            other => other,
        })
    }
}

fn copy_and_check(src: &Connection, dest: &Path) -> StoreResult<BackupInfo> {
    let mut copy = Connection::open(dest)?;
    // One read transaction over every step: the copy is of one moment. Without it, each
    // commit by another station restarts the copy from the first page, and a busy kiosk's
    // copy may never end. In WAL mode a reader blocks no writer, so sales go on meanwhile.
    src.execute_batch("BEGIN DEFERRED")?;
    let copied = src
        .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(StoreError::from)
        .and_then(|()| copy_pages(src, &mut copy, dest));
    // Ending a read transaction cannot lose anything; a failure here is the copy's error.
    let ended = src.execute_batch("COMMIT");
    copied?;
    ended?;
    check(copy, dest)
}

fn copy_pages(src: &Connection, copy: &mut Connection, dest: &Path) -> StoreResult<()> {
    {
        let backup = Backup::new(src, copy)?;
        let started = Instant::now();
        loop {
            match backup.step(PAGES_PER_STEP)? {
                StepResult::Done => break,
                _ if started.elapsed() > GIVE_UP => {
                    return Err(StoreError::Backup {
                        path: dest.display().to_string(),
                        why: "the database stayed locked during the copy; try again".into(),
                    });
                }
                StepResult::More => std::thread::sleep(STEP_PAUSE),
                _ => std::thread::sleep(STEP_PAUSE * 10),
            }
        }
    }
    Ok(())
}

/// Makes the copy one self-contained file and checks it on its own.
fn check(copy: Connection, dest: &Path) -> StoreResult<BackupInfo> {
    // The copy is one self-contained file: no -wal or -shm to carry along with it.
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let schema_version: i64 = copy.pragma_query_value(None, "user_version", |r| r.get(0))?;
    drop(copy);
    if integrity != "ok" {
        return Err(StoreError::Backup {
            path: dest.display().to_string(),
            why: format!("the copy failed its integrity check ({integrity}); try again"),
        });
    }
    let bytes = std::fs::metadata(dest)
        .map_err(|e| StoreError::Backup {
            path: dest.display().to_string(),
            why: io_words(&e, dest),
        })?
        .len();
    Ok(BackupInfo {
        file: dest.to_path_buf(),
        bytes,
        schema_version,
        integrity,
    })
}

/// Removes a failed copy and whatever SQLite left beside it.
fn remove_copy(dest: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut name = dest.as_os_str().to_owned();
        name.push(suffix);
        // Best effort: a file that is not there is what we want.
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// An I/O failure in words an operator can act on.
pub fn io_words(e: &std::io::Error, path: &Path) -> String {
    let folder = path
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::AlreadyExists => "the file exists already; choose another name".into(),
        ErrorKind::NotFound => format!(
            "the folder {folder} is not there: plug in the USB stick or choose another folder"
        ),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            format!("Encore may not write in {folder}: unlock the stick or choose another folder")
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            format!("the disk of {folder} is full: free some space or choose another folder")
        }
        _ => format!("{e}"),
    }
}

fn sqlite_words(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => {
            "the disk is full: free some space or choose another folder".into()
        }
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            "Encore may not write there: unlock the stick or choose another folder".into()
        }
        _ => format!("database error: {e}"),
    }
}

/// Deletes the backups of `event_name` in `folder` beyond the newest `keep`; only files named
/// as Encore names its backups are ever looked at. Returns how many went.
pub fn prune(folder: &Path, event_name: &str, keep: u32) -> std::io::Result<usize> {
    let names: Vec<String> = std::fs::read_dir(folder)?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            // A folder or a link that happens to carry a backup's name is left alone.
            entry.file_type().ok()?.is_file().then_some(())?;
            entry.file_name().into_string().ok()
        })
        .collect();
    let gone = beyond_keep(&names, event_name, keep);
    for name in &gone {
        std::fs::remove_file(folder.join(name))?;
    }
    Ok(gone.len())
}

/// The backup settings file beside the database `db` (`encore.db` → `encore.backup.json`).
/// They belong to this machine and its USB stick, so they live beside the file, not in it:
/// a backup restored elsewhere does not point at a folder that machine lacks.
pub fn settings_file(db: &Path) -> PathBuf {
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "encore".into());
    db.with_file_name(format!("{stem}.backup.json"))
}

/// The backup settings for the database `db`; the defaults when none were saved.
pub fn read_settings(db: &Path) -> StoreResult<BackupSettings> {
    let file = settings_file(db);
    match std::fs::read_to_string(&file) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| super::corrupt(&format!("backup settings in {}", file.display()), e)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(BackupSettings::default()),
        Err(e) => Err(StoreError::Backup {
            path: file.display().to_string(),
            why: io_words(&e, &file),
        }),
    }
}

/// Saves the backup settings for `db`: written beside and renamed over, so a power cut leaves
/// the old settings or the new ones, never half of either.
pub fn write_settings(db: &Path, settings: &BackupSettings) -> StoreResult<()> {
    let file = settings_file(db);
    let failed = |e: std::io::Error| StoreError::Backup {
        path: file.display().to_string(),
        why: io_words(&e, &file),
    };
    let json = serde_json::to_string_pretty(settings).map_err(|e| super::corrupt("settings", e))?;
    let part = file.with_extension("json.part");
    std::fs::write(&part, json).map_err(failed)?;
    std::fs::rename(&part, &file).map_err(failed)
}
