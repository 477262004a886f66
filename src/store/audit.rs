//! The audit log: every sale, redemption, queue move and creator change. Append-only twice
//! over: the database refuses UPDATE and DELETE on it (triggers), and each entry carries
//! sha256(previous entry's hash ‖ this entry), so an entry changed, removed or slipped in with
//! the triggers dropped breaks the chain at that entry ([`verify`]).

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{StoreResult, corrupt};

/// The hash before the first entry.
const GENESIS: [u8; 32] = [0; 32];

/// The triggers that make the table append-only.
const SEAL: &str = "
DROP TRIGGER IF EXISTS audit_log_no_update;
DROP TRIGGER IF EXISTS audit_log_no_delete;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END;";

/// One entry as it is hashed.
struct Entry {
    id: i64,
    at: i64,
    station: String,
    action: String,
    subject: String,
    detail: String,
}

impl Entry {
    fn hash(&self, prev: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(prev);
        h.update(self.id.to_le_bytes());
        h.update(self.at.to_le_bytes());
        for part in [&self.station, &self.action, &self.subject, &self.detail] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().into()
    }

    /// Writes the entry chained to `prev`; its hash.
    fn insert(&self, conn: &Connection, prev: &[u8; 32]) -> StoreResult<[u8; 32]> {
        let hash = self.hash(prev);
        conn.prepare_cached(
            "INSERT INTO audit_log (id, at, station, action, subject, detail, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            self.id,
            self.at,
            self.station,
            self.action,
            self.subject,
            self.detail,
            &hash[..]
        ])?;
        Ok(hash)
    }
}

/// The newest entry's id and hash (the head of the chain), or none for an empty log.
pub fn head(conn: &Connection) -> StoreResult<Option<(i64, [u8; 32])>> {
    let row: Option<(i64, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(id, hash)| (id, to32(hash).unwrap_or(GENESIS))))
}

fn to32(bytes: Option<Vec<u8>>) -> Option<[u8; 32]> {
    bytes.and_then(|b| b.try_into().ok())
}

/// Appends one entry, chained to the one before; `detail` is a JSON value with the facts.
pub fn append(
    conn: &Connection,
    at: Timestamp,
    station: &str,
    action: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> StoreResult<()> {
    let (last, prev) = head(conn)?.unwrap_or((0, GENESIS));
    let entry = Entry {
        id: last + 1,
        at: at.as_second(),
        station: station.to_string(),
        action: action.to_string(),
        subject: subject.to_string(),
        detail: detail.to_string(),
    };
    entry.insert(conn, &prev)?;
    Ok(())
}

/// How many entries carry `action` (used by tests and the status line).
pub fn count(conn: &Connection, action: &str) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )?)
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
    /// Every entry chains to the one before: how many, and the head.
    Intact {
        /// Entries checked.
        entries: u64,
        /// The newest entry's id and hash.
        head: Option<(i64, [u8; 32])>,
    },
    /// The first entry that does not fit, and why.
    Broken {
        /// Its id.
        id: i64,
        /// What is wrong with it.
        why: String,
    },
}

/// Walks the whole chain from the first entry.
pub fn verify(conn: &Connection) -> StoreResult<Chain> {
    let mut stmt = conn.prepare(
        "SELECT id, at, station, action, subject, detail, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let (mut prev, mut expected_id, mut entries) = (GENESIS, 1_i64, 0_u64);
    while let Some(r) = rows.next()? {
        let entry = Entry {
            id: r.get(0)?,
            at: r.get(1)?,
            station: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            detail: r.get(5)?,
        };
        let stored = to32(r.get(6)?);
        if entry.id != expected_id {
            let why = format!("entries {expected_id} to {} are missing", entry.id - 1);
            return Ok(Chain::Broken { id: entry.id, why });
        }
        let hash = entry.hash(&prev);
        if stored != Some(hash) {
            let why = "its content or its place in the chain was changed".to_string();
            return Ok(Chain::Broken { id: entry.id, why });
        }
        (prev, expected_id, entries) = (hash, entry.id + 1, entries + 1);
    }
    let head = (entries > 0).then_some((expected_id - 1, prev));
    Ok(Chain::Intact { entries, head })
}

/// True when the database still refuses changes to the log (someone may have dropped the
/// triggers to edit it).
pub fn sealed(conn: &Connection) -> StoreResult<bool> {
    // By what they do, not only by name: a trigger of the same name that does nothing is no seal.
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'
         AND name IN ('audit_log_no_update', 'audit_log_no_delete')
         AND sql LIKE '%RAISE(ABORT, ''the audit log is append-only%'",
        [],
        |r| r.get(0),
    )?;
    Ok(n == 2)
}

/// Puts the triggers back, replacing any of the same name (after a warning was given).
pub fn reseal(conn: &Connection) -> StoreResult<()> {
    Ok(conn.execute_batch(SEAL)?)
}

/// Schema 4: hashes the entries written before the chain existed, numbered 1, 2, … in their
/// order, and seals the table.
pub(super) fn seal(conn: &Connection) -> StoreResult<()> {
    let old: Vec<Entry> = conn
        .prepare("SELECT id, at, station, action, subject, detail FROM audit_log ORDER BY id")?
        .query_map([], |r| {
            Ok(Entry {
                id: r.get(0)?,
                at: r.get(1)?,
                station: r.get(2)?,
                action: r.get(3)?,
                subject: r.get(4)?,
                detail: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    conn.execute("DELETE FROM audit_log", [])?;
    let mut prev = GENESIS;
    for (n, mut entry) in old.into_iter().enumerate() {
        entry.id = n as i64 + 1;
        prev = entry.insert(conn, &prev)?;
    }
    reseal(conn)
}

/// The detail of the sale entry of order `order_id`. The entry's subject, the receipt number,
/// narrows the search cheaply; the order id decides, since numbers repeat across events.
pub fn sale_detail(
    conn: &Connection,
    order_id: &str,
    receipt: &str,
) -> StoreResult<Option<serde_json::Value>> {
    let detail: Option<String> = conn
        .prepare_cached(
            "SELECT detail FROM audit_log WHERE action = 'sale' AND subject = ?2
                 AND json_extract(detail, '$.order') = ?1
             ORDER BY id LIMIT 1",
        )?
        .query_row(params![order_id, receipt], |r| r.get(0))
        .optional()?;
    detail
        .map(|d| serde_json::from_str(&d).map_err(|e| corrupt("audit detail", e)))
        .transpose()
}
