//! The only place with SQL. `open` sets the PRAGMAs and migrates; one file per aggregate.
//! Functions take a `&Connection` so the service can call them inside its own transaction.

mod migrations;
mod read_only;

pub mod audit;
pub mod backup;
pub mod checkouts;
pub mod claims;
pub mod dashboard;
pub mod deals;
pub mod drawer;
pub mod events;
pub mod export;
pub mod fans;
pub mod highwater;
pub mod holds;
pub mod invoices;
pub mod keyfile;
pub mod keys;
pub mod lottery;
pub mod network;
pub mod offers;
pub mod orders;
pub mod pins;
pub mod refunds;
pub mod report;
pub mod restore;
pub mod search;
pub mod shift;
pub mod tally;
pub mod tickets;
pub mod training;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use migrations::SCHEMA_VERSION;
pub use rusqlite::Connection as Conn;

/// How long a writer waits for another station's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong in the store, in words an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer Encore.
    #[error(
        "this database was written by a newer Encore (schema {found}, this build knows up to {supported}); \
         update Encore or open another file with --db"
    )]
    SchemaTooNew {
        /// Schema version in the file.
        found: i64,
        /// Newest this build knows.
        supported: i64,
    },
    /// A row holds something this build cannot read.
    #[error("the database holds an unreadable value: {0}")]
    Corrupt(String),
    /// A backup that cannot be put in place, and why.
    #[error("restore refused: {0}")]
    Restore(String),
    /// The key file beside the database cannot be read or written.
    #[error("claim key file: {0}")]
    KeyFile(String),
    /// The file is from an older Encore and a read-only open may not upgrade it.
    #[error(
        "this database has schema {found}, older than this build's {supported}; open it once \
         with this Encore where it may be written (that upgrades it), then read it here"
    )]
    SchemaTooOld {
        /// Schema version in the file.
        found: i64,
        /// The version this build reads.
        supported: i64,
    },
    /// A read-only open found no file, or a file that is not an Encore database.
    #[error("there is no Encore database at {0}: pass --db with the kiosk's file")]
    NoDatabase(String),
    /// A read-only folder holds the file with changes still in its -wal file, which SQLite can
    /// read only where it may make the -shm index beside it.
    #[error(
        "{0} has its latest changes in its -wal file, and this folder lets nobody read them: \
         copy the file with its -wal to a folder Encore may write in, and open that copy"
    )]
    WalUnreadable(String),
    /// A backup could not be written or did not check out.
    #[error("backup {path}: {why}")]
    Backup {
        /// The backup file.
        path: String,
        /// What went wrong and what to do.
        why: String,
    },
    /// The folder for the database could not be made.
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// An open Encore database.
pub struct Store {
    conn: Connection,
    key_file: keyfile::KeyFile,
    high_water: highwater::HighWater,
    /// The file's own id (the mark is kept per database).
    database_id: String,
    /// Why the mark could not be raised after the last change, if it could not.
    high_water_error: Option<String>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, sets the PRAGMAs and migrates it.
    pub fn open(path: &Path) -> StoreResult<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        let key_file = keyfile::KeyFile::beside(path);
        migrations::migrate(&mut conn, &key_file)?;
        let database_id = keys::database_id(&conn)?;
        Ok(Store {
            conn,
            key_file,
            high_water: highwater::HighWater::beside(path),
            database_id,
            high_water_error: None,
        })
    }

    /// Starts an IMMEDIATE transaction: it takes the write lock up front, so two stations
    /// never interleave a read-check-write of the same stock.
    pub fn immediate(&mut self) -> StoreResult<Tx<'_>> {
        Ok(Tx(self.conn.transaction_with_behavior(
            TransactionBehavior::Immediate,
        )?))
    }

    /// Where the secret halves of this database's claim keys live.
    pub fn key_file(&self) -> &keyfile::KeyFile {
        &self.key_file
    }

    /// Makes a claim key: the secret goes to the key file (durably) now, and the public half,
    /// returned, into the database by the caller's transaction.
    pub fn new_claim_key(&self) -> StoreResult<[u8; 32]> {
        let key = ed25519_dalek::SigningKey::from_bytes(&rand::random());
        self.key_file.add(std::slice::from_ref(&key))?;
        Ok(key.verifying_key().to_bytes())
    }

    /// The counters this computer handed out from this database, as its mark file says.
    pub fn high_water(&self) -> StoreResult<highwater::Counters> {
        self.high_water.read(&self.database_id)
    }

    /// Raises the mark to the database's counters now; called after every commit. A mark that
    /// cannot be written does not undo the change: the reason is kept for the operator.
    pub fn raise_high_water(&mut self) {
        let result = highwater::counters(&self.conn)
            .and_then(|now| self.high_water.raise(&self.database_id, &now));
        self.high_water_error = result.err().map(|e| e.to_string());
    }

    /// Why the mark could not be raised after the last change, if it could not.
    pub fn high_water_error(&self) -> Option<&str> {
        self.high_water_error.as_deref()
    }

    /// The file's own id.
    pub fn database_id(&self) -> &str {
        &self.database_id
    }

    /// The connection, for reads outside a transaction.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A write transaction; dropped without `commit` it rolls back, so a refused sale leaves nothing.
pub struct Tx<'a>(Transaction<'a>);

impl Tx<'_> {
    /// Commits; with synchronous=FULL the sale is on disk when this returns.
    pub fn commit(self) -> StoreResult<()> {
        Ok(self.0.commit()?)
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

/// PRAGMAs first, before anything else touches the file.
/// WAL lets the kiosk read while another station writes; synchronous=FULL makes every commit
/// durable across a power cut (NORMAL in WAL mode may lose the last commits, i.e. paid sales).
pub fn configure(conn: &Connection) -> StoreResult<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Every statement the kiosk or the hub runs stays prepared: a sale runs many (its shift's
    // tally among them), and the hub's live pages read the queue and the night between sales
    // on the same connection. A statement pushed out is parsed again each time:
    // with room for 64, four phones racing for a drop waited 60 ms at p99; with 256, 42 ms.
    conn.set_prepared_statement_cache_capacity(256);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Deleted and dropped content is overwritten, not left in free pages of the file.
    conn.pragma_update(None, "secure_delete", true)?;
    Ok(())
}

/// Runs `read` in one read transaction, so everything it reads is of one moment (a commit
/// made meanwhile is in all of it or in none).
pub fn snapshot<T, E: From<StoreError>>(
    conn: &Conn,
    read: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    let tx = conn.unchecked_transaction().map_err(StoreError::from)?;
    let out = read()?;
    tx.commit().map_err(StoreError::from)?;
    Ok(out)
}

/// Maps a stored text column to a domain value, or a Corrupt error naming it.
pub(crate) fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what} '{value}'"))
}
