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
/// (the next claim serial), `refund/…`, `ticket` (the highest ticket row) and `key/<event>`
/// (the newest claim key id). The audit log is not counted: its hash chain and
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
        let mut file = self.load()?;
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
        if !changed {
            return Ok(());
        }
        let text = serde_json::to_string(&file).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let tmp = self.path.with_extension("highwater.tmp");
        fs::write(&tmp, text).map_err(|e| self.err(e))?;
        fs::rename(&tmp, &self.path).map_err(|e| self.err(e))
    }

    fn err(&self, e: std::io::Error) -> StoreError {
        StoreError::Corrupt(format!("high-water mark {}: {e}", self.path.display()))
    }
}

/// The counters of the database as it is now.
pub fn counters(conn: &Connection) -> StoreResult<Counters> {
    let mut out = Counters::new();
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, code, next_receipt, next_claim_serial, next_refund FROM stations",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (event, code, receipt, claim, refund) = row?;
        out.insert(format!("receipt/{event}/{code}"), receipt);
        out.insert(format!("claim/{event}/{code}"), claim);
        out.insert(format!("refund/{event}/{code}"), refund);
    }
    let mut stmt =
        conn.prepare_cached("SELECT event_id, MAX(key_id) FROM claim_keys GROUP BY event_id")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (event, key) = row?;
        out.insert(format!("key/{event}"), key);
    }
    let ticket: i64 = conn
        .prepare_cached(
            // Ticket rows lost with a restore are counted as caught up once their floors are
            // set (meta `ticket_high`), or the same loss would be found on every open.
            "SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM tickets),
                        COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'ticket_high'), 0))",
        )?
        .query_row([], |r| r.get(0))?;
    out.insert("ticket".into(), ticket);
    Ok(out)
}

/// What the database lacks against its mark: each counter that is lower, `(name, now, mark)`.
pub fn behind(now: &Counters, mark: &Counters) -> Vec<(String, i64, i64)> {
    mark.iter()
        .filter_map(|(name, high)| {
            let have = now.get(name).copied().unwrap_or(0);
            (have < *high).then(|| (name.clone(), have, *high))
        })
        .collect()
}

/// Raises the database's own counters to its mark so nothing issued after the copy is issued
/// again: receipt, claim and refund counters per station (making missing stations), and a
/// floor for every lane's ticket numbers as far above its highest number as tickets are
/// missing in all (no lane can have lost more).
pub fn catch_up(conn: &Connection, mark: &Counters) -> StoreResult<()> {
    for (name, high) in mark {
        let mut parts = name.splitn(3, '/');
        let (Some(kind), Some(event), Some(code)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let column = match kind {
            "receipt" => "next_receipt",
            "claim" => "next_claim_serial",
            "refund" => "next_refund",
            _ => continue,
        };
        let event: i64 = event
            .parse()
            .map_err(|_| super::corrupt("high-water counter", name))?;
        if !super::events::event_exists(conn, event)? {
            continue;
        }
        super::events::ensure_station(conn, event, code)?;
        conn.execute(
            &format!(
                "UPDATE stations SET {column} = MAX({column}, ?3) WHERE event_id = ?1 AND code = ?2"
            ),
            params![event, code, high],
        )?;
    }
    let now = counters(conn)?;
    let high = mark.get("ticket").copied().unwrap_or(0);
    let lost = high - now.get("ticket").copied().unwrap_or(0);
    if lost > 0 {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('ticket_high', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [high.to_string()],
        )?;
        conn.execute(
            "INSERT INTO ticket_floors (event_id, lane, next_number)
                 SELECT event_id, lane, MAX(number) + 1 + ?1 FROM tickets GROUP BY event_id, lane
             ON CONFLICT (event_id, lane) DO UPDATE
                 SET next_number = MAX(next_number, excluded.next_number)",
            [lost],
        )?;
        // A lane whose every ticket was lost starts above them too.
        conn.execute(
            "INSERT INTO ticket_floors (event_id, lane, next_number)
                 SELECT DISTINCT o.event_id, o.lane, 1 + ?1 FROM offers o
                 WHERE o.lane IS NOT NULL
             ON CONFLICT (event_id, lane) DO NOTHING",
            [lost],
        )?;
    }
    Ok(())
}
