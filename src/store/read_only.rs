//! Opening a database only to read it: no PRAGMA that writes, no migration, no lock waited for.
//! Listing offers, exporting a receipt or checking a claim code must work on a copied file, a
//! read-only folder (a USB stick locked against writing, a backup kept read-only) and while
//! another station holds the write lock.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{BUSY_TIMEOUT, SCHEMA_VERSION, Store, StoreError, StoreResult};

impl Store {
    /// Opens the database at `path` for reading only. Nothing is created or upgraded: a file of
    /// another schema version is refused with what to do about it.
    pub fn open_read_only(path: &Path) -> StoreResult<Store> {
        if !path.is_file() {
            return Err(StoreError::NoDatabase(path.display().to_string()));
        }
        let conn = match open_and_check(path, path.to_string_lossy().as_ref()) {
            Err(e) if cannot_open_wal(&e) && !wal_file(path).exists() => {
                // A WAL database needs its -shm index; a reader makes it when the folder lets it.
                // In a read-only folder without one, the file can only be read as immutable.
                // That is safe here and only here: with no -wal file beside it, every commit
                // is in the main file, and nobody can write a new one while the folder
                // refuses them the -wal file a writer must create first.
                open_and_check(path, &immutable_uri(path))?
            }
            Err(e) if cannot_open_wal(&e) => {
                return Err(StoreError::WalUnreadable(path.display().to_string()));
            }
            other => other?,
        };
        let database_id = super::keys::database_id(&conn)?;
        Ok(Store {
            conn,
            key_file: super::keyfile::KeyFile::beside(path),
            high_water: super::highwater::HighWater::beside(path),
            database_id,
            high_water_error: None,
        })
    }

    /// True for a store from [`Store::open_read_only`]: no change can be made through it.
    pub fn is_read_only(&self) -> bool {
        // An unanswerable question about the main database counts as read-only: safe side.
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }
}

/// Opens read-only and reads the schema version, which is when SQLite first touches the file
/// (and its WAL index): an unreadable one fails here, not in the first query of a command.
fn open_and_check(path: &Path, name: &str) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(name, flags)?;
    // Readers of a WAL file never wait for a writer; this covers only the rare moment a
    // reader waits for another one to finish recovering the WAL index.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    match found.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Equal => Ok(conn),
        std::cmp::Ordering::Greater => Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }),
        std::cmp::Ordering::Less if found == 0 => {
            Err(StoreError::NoDatabase(path.display().to_string()))
        }
        std::cmp::Ordering::Less => Err(StoreError::SchemaTooOld {
            found,
            supported: SCHEMA_VERSION,
        }),
    }
}

/// True for the errors SQLite gives a read-only connection that cannot open or build the WAL
/// index (no -shm file and no right to create one).
fn cannot_open_wal(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(err, _))
            if matches!(err.code, ErrorCode::CannotOpen | ErrorCode::ReadOnly)
    )
}

/// The WAL file SQLite keeps beside `path`.
fn wal_file(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

/// `file:…?immutable=1`, with the characters a URI gives meaning to escaped.
fn immutable_uri(path: &Path) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const URI: &AsciiSet = &CONTROLS.add(b' ').add(b'?').add(b'#').add(b'%');
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = full.to_string_lossy();
    format!("file:{}?immutable=1", utf8_percent_encode(&text, URI))
}
