//! Putting a backup in place of the database file: the copy is checked first (an Encore file,
//! a schema this build reads, `integrity_check` ok), the current file is kept aside, and the
//! restored file keeps the replaced database's id so its high-water mark still applies.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{SCHEMA_VERSION, Store, StoreError, StoreResult};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Where the database that was replaced now is (none when there was none).
    pub kept_aside: Option<PathBuf>,
    /// The backup's schema version (migrated to this build's on open).
    pub schema: i64,
}

fn refused(why: String) -> StoreError {
    StoreError::Restore(why)
}

/// Checks that `backup` is a whole Encore database this build can open; its schema version.
pub fn check_backup(backup: &Path) -> StoreResult<i64> {
    let shown = backup.display();
    let conn = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| refused(format!("cannot open {shown}: {e}")))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| refused(format!("{shown} is not an Encore database: {e}")))?;
    if !(1..=SCHEMA_VERSION).contains(&version) {
        return Err(refused(format!(
            "{shown} has schema {version}; this Encore reads 1 to {SCHEMA_VERSION}"
        )));
    }
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'
         AND name IN ('events', 'stations', 'orders', 'audit_log')",
        [],
        |r| r.get(0),
    )?;
    if tables != 4 {
        return Err(refused(format!("{shown} is not an Encore database")));
    }
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(refused(format!("{shown} is damaged: {check}")));
    }
    Ok(version)
}

/// Replaces the database at `db` with `backup` (checked first). The current file, when there
/// is one and no other station has it open, is moved to `<db>.before-restore-<stamp>`.
pub fn restore(db: &Path, backup: &Path, stamp: &str) -> StoreResult<Restored> {
    let same = std::fs::canonicalize(backup).ok() == std::fs::canonicalize(db).ok();
    if same && db.exists() {
        return Err(refused("the backup is the database itself".into()));
    }
    let schema = check_backup(backup)?;
    let (replaced_id, kept_aside) = if db.exists() {
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", db.display()));
        if aside.exists() {
            let why = format!("{} exists already: try again in a second", aside.display());
            return Err(refused(why));
        }
        let (held, id) = close_for_restore(db)?;
        // Moved while the exclusive lock is still held: no station can open it in between.
        std::fs::rename(db, &aside)
            .map_err(|e| refused(format!("cannot keep {} aside: {e}", db.display())))?;
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
        drop(held);
        (id, Some(aside))
    } else {
        (None, None)
    };
    let tmp = PathBuf::from(format!("{}.restoring", db.display()));
    let _ = std::fs::remove_file(&tmp);
    let src = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    src.backup(
        rusqlite::MAIN_DB,
        &tmp,
        None::<fn(rusqlite::backup::Progress)>,
    )?;
    drop(src);
    std::fs::rename(&tmp, db)
        .map_err(|e| refused(format!("cannot write {}: {e}", db.display())))?;
    let store = Store::open(db)?;
    if let Some(id) = replaced_id {
        store.conn().execute(
            "INSERT INTO meta (key, value) VALUES ('database_id', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [id],
        )?;
    }
    Ok(Restored { kept_aside, schema })
}

/// Makes sure no other station has the file open, folds its WAL into it, and returns the
/// connection holding the exclusive lock with the file's id.
fn close_for_restore(db: &Path) -> StoreResult<(Connection, Option<String>)> {
    let conn = Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(2))?;
    // In exclusive locking mode the lock is refused while any other connection has the file
    // open, even idle (a kiosk left running would go on selling into the file kept aside).
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")
        .map_err(|_| {
            refused(format!(
                "another station is using {}: close every Encore on this database first",
                db.display()
            ))
        })?;
    let has_meta: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'meta')",
        [],
        |r| r.get(0),
    )?;
    let id = if has_meta {
        conn.query_row(
            "SELECT value FROM meta WHERE key = 'database_id'",
            [],
            |r| r.get(0),
        )
        .optional()?
    } else {
        None
    };
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    // Held to the end of the swap (exclusive locking mode keeps the lock between statements).
    conn.execute_batch("BEGIN EXCLUSIVE;")?;
    Ok((conn, id))
}
