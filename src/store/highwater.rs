//! The high-water mark: the highest numbers this computer has handed out from a database,
//! kept in a file beside it (`encore.db` → `encore.highwater`) that a restored backup or a
//! lost `-wal` file cannot carry back in time. On open, a database whose counters are below
//! its mark went back in time, and the numbers between were already given to fans.
//!
//! The file maps each database's id to counters; it is only ever raised (read, merged by
//! maximum, replaced whole under a lock file), so stations writing at once never lower it.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::{StoreError, StoreResult};

/// A mark file holds a few counters per database; anything larger is not one.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// One database's counters: `receipt/<event>/<station>` (the next receipt number), `claim/…`
/// (the next claim serial), `refund/…`, `ticket/<event>/<lane>` (the lane's next ticket number)
/// and `key/<event>` (the newest claim key id). The audit log is not counted: its hash chain and
/// `encore audit verify` answer for it.
pub type Counters = BTreeMap<String, i64>;

#[derive(Debug, Default, Serialize, Deserialize)]
struct MarkFile {
    version: u32,
    databases: BTreeMap<String, Counters>,
}

/// Where one database's mark lives.
#[derive(Debug, Clone)]
pub struct HighWater {
    path: PathBuf,
}

impl HighWater {
    /// The mark file of the database at `db`.
    pub fn beside(db: &Path) -> HighWater {
        HighWater {
            path: db.with_extension("highwater"),
        }
    }

    /// The counters recorded for database `id` (empty when none were).
    pub fn read(&self, id: &str) -> StoreResult<Counters> {
        Ok(self.load()?.databases.remove(id).unwrap_or_default())
    }

    fn load(&self) -> StoreResult<MarkFile> {
        match fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MarkFile::default()),
            Err(e) => Err(self.err(e)),
            Ok(meta) if meta.len() > MAX_BYTES => Err(StoreError::Corrupt(format!(
                "{} is larger than 4 MB: not a high-water mark",
                self.path.display()
            ))),
            Ok(_) => {
                let text = fs::read_to_string(&self.path).map_err(|e| self.err(e))?;
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("{}: {e}", self.path.display())))
            }
        }
    }

    /// Raises database `id`'s mark to at least `counters`.
    pub fn raise(&self, id: &str, counters: &Counters) -> StoreResult<()> {
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("highwater.lock"))
            .map_err(|e| self.err(e))?;
        lock.lock().map_err(|e| self.err(e))?;
        let (mut file, damaged) = match self.load() {
            Ok(file) => (file, None),
            // A mark cut short (a power cut mid-write) must not stop every later one: it is kept
            // aside and a new mark starts from the database as it is now.
            Err(e) => {
                let aside = self.path.with_extension("highwater.damaged");
                let _ = fs::rename(&self.path, &aside);
                (
                    MarkFile::default(),
                    Some(format!("{e}; kept as {}", aside.display())),
                )
            }
        };
        file.version = 1;
        let mark = file.databases.entry(id.to_string()).or_default();
        let mut changed = false;
        for (name, value) in counters {
            let slot = mark.entry(name.clone()).or_insert(i64::MIN);
            if *value > *slot {
                *slot = *value;
                changed = true;
            }
        }
        if changed {
            self.write(&file)?;
        }
        match damaged {
            Some(why) => Err(StoreError::Corrupt(format!(
                "the high-water mark was damaged ({why}); a new one starts from this database"
            ))),
            None => Ok(()),
        }
    }

    /// Replaces the file whole and durably: written, synced, renamed, the folder synced.
    fn write(&self, file: &MarkFile) -> StoreResult<()> {
        use std::io::Write as _;
        let text = serde_json::to_string(file).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let tmp = self.path.with_extension("highwater.tmp");
        let mut out = fs::File::create(&tmp).map_err(|e| self.err(e))?;
        out.write_all(text.as_bytes())
            .and_then(|()| out.sync_all())
            .map_err(|e| self.err(e))?;
        fs::rename(&tmp, &self.path).map_err(|e| self.err(e))?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }

    fn err(&self, e: std::io::Error) -> StoreError {
        StoreError::Corrupt(format!("high-water mark {}: {e}", self.path.display()))
    }
}

/// The counters of the database as it is now.
pub fn counters(conn: &Connection) -> StoreResult<Counters> {
    let mut out = Counters::new();
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, code, next_receipt, next_claim_serial, next_refund, next_z FROM stations",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (event, code, receipt, claim, refund, z) = row?;
        out.insert(format!("receipt/{event}/{code}"), receipt);
        out.insert(format!("claim/{event}/{code}"), claim);
        out.insert(format!("refund/{event}/{code}"), refund);
        out.insert(format!("z/{event}/{code}"), z);
    }
    let mut stmt =
        conn.prepare_cached("SELECT event_id, MAX(key_id) FROM claim_keys GROUP BY event_id")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (event, key) = row?;
        out.insert(format!("key/{event}"), key);
    }
    let mut stmt = conn.prepare_cached("SELECT event_id, lane, next_number FROM lane_counters")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (event, lane, next) = row?;
        out.insert(format!("ticket/{event}/{lane}"), next);
    }
    Ok(out)
}

/// What the database lacks against its mark: each counter that is lower, `(name, now, mark)`.
/// Counters of events the file does not hold (a backup from before they were made) are not
/// lacking: nothing of theirs can be handed out from this file.
pub fn behind(
    conn: &Connection,
    now: &Counters,
    mark: &Counters,
) -> StoreResult<Vec<(String, i64, i64)>> {
    let mut out = Vec::new();
    for (name, high) in mark {
        let have = now.get(name).copied().unwrap_or(0);
        if have >= *high {
            continue;
        }
        let event = name.split('/').nth(1).and_then(|e| e.parse::<i64>().ok());
        if let Some(event) = event
            && !super::events::event_exists(conn, event)?
        {
            continue;
        }
        out.push((name.clone(), have, *high));
    }
    Ok(out)
}

/// Raises the database's own counters to its mark so nothing issued after the copy is issued
/// again: receipt, claim and refund counters per station (making missing stations) and each
/// lane's ticket counter.
pub fn catch_up(conn: &Connection, mark: &Counters) -> StoreResult<()> {
    for (name, high) in mark {
        let mut parts = name.splitn(3, '/');
        let (Some(kind), Some(event), Some(code)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let event: i64 = event
            .parse()
            .map_err(|_| super::corrupt("high-water counter", name))?;
        if !super::events::event_exists(conn, event)? {
            continue;
        }
        let column = match kind {
            "receipt" => "next_receipt",
            "claim" => "next_claim_serial",
            "refund" => "next_refund",
            "z" => "next_z",
            "ticket" => {
                conn.execute(
                    "INSERT INTO lane_counters (event_id, lane, next_number) VALUES (?1, ?2, ?3)
                     ON CONFLICT (event_id, lane) DO UPDATE
                         SET next_number = MAX(next_number, excluded.next_number)",
                    params![event, code, high],
                )?;
                continue;
            }
            _ => continue,
        };
        super::events::ensure_station(conn, event, code)?;
        conn.execute(
            &format!(
                "UPDATE stations SET {column} = MAX({column}, ?3) WHERE event_id = ?1 AND code = ?2"
            ),
            params![event, code, high],
        )?;
    }
    Ok(())
}
