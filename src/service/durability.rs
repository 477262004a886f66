//! What opening a database checks before the first sale: that it did not go back in time
//! against its high-water mark (a restored backup, a lost `-wal` file), that its audit log is
//! still sealed, and whether the creator PIN is still the demo's. What it finds becomes the
//! station's alerts, shown by the kiosk and printed by the CLI.

use std::path::Path;

use jiff::Timestamp;
use serde_json::json;

use super::demo::DEMO_CREATOR_PIN;
use super::{Pos, PosResult, Role};
pub use crate::store::restore::Restored;
use crate::store::{self, audit, highwater, keys};

/// Counters below the mark, in words: "receipts on K1 (10 numbers)".
fn lost_text(behind: &[(String, i64, i64)]) -> String {
    let mut parts = Vec::new();
    for (name, have, high) in behind {
        let mut it = name.split('/');
        let what = match (it.next(), it.nth(1)) {
            (Some("receipt"), Some(code)) => format!("receipt numbers on {code}"),
            (Some("claim"), Some(code)) => format!("claim codes from {code}"),
            (Some("refund"), Some(code)) => format!("refund numbers on {code}"),
            (Some("z"), Some(code)) => format!("Z report numbers on {code}"),
            (Some("ticket"), Some(lane)) => format!("ticket numbers in lane {lane}"),
            (Some("key"), _) => "claim keys".to_string(),
            _ => continue,
        };
        parts.push(format!("{} {what}", high - have));
    }
    parts.join(", ")
}

/// Puts `backup` in place of the database file at `db` after checking it, keeping the current
/// file aside (refused while another station has it open). Open the file afterwards with
/// [`Pos::open`]: that is when its counters catch up with the high-water mark.
pub fn restore_file(db: &Path, backup: &Path, at: Timestamp) -> PosResult<Restored> {
    let stamp = at.strftime("%Y%m%dT%H%M%SZ").to_string();
    Ok(store::restore::restore(db, backup, &stamp)?)
}

impl Pos {
    /// Raises the counters of a database that went back in time to its mark, so nothing handed
    /// out after the copy is handed out again, and starts a claim key above every key the mark
    /// knows. Says what happened in the alerts and in the audit log.
    pub(super) fn catch_up(&mut self) -> PosResult<()> {
        let mark = match self.store.high_water() {
            Ok(mark) => mark,
            Err(e) => {
                self.alerts
                    .push(format!("the high-water mark cannot be read: {e}"));
                return Ok(());
            }
        };
        let now = highwater::counters(self.store.conn())?;
        let behind = highwater::behind(self.store.conn(), &now, &mark)?;
        if behind.is_empty() {
            return Ok(());
        }
        let lost = lost_text(&behind);
        let key_floor = mark.get(&format!("key/{}", self.event.id)).copied();
        let detail = json!({ "behind": behind, "lost": lost });
        self.write(Role::Helper, |w| {
            highwater::catch_up(w.tx(), &mark)?;
            w.log("store.rewound", "database", detail)
        })?;
        if let Some(floor) = key_floor {
            self.key_above(u8::try_from(floor).unwrap_or(u8::MAX))?;
        }
        self.alerts.push(format!(
            "this database went back in time (restored from a backup, or its -wal file was \
             lost): {lost} were handed out after it was saved. Those sales are not in this file; \
             Encore will not hand out their numbers or codes again"
        ));
        Ok(())
    }

    /// Makes sure the open event signs with a key newer than `floor` (decided under the write
    /// lock: two stations opening the restored file at once add one key, not two). With every
    /// key id used, the old key goes on (its serials were raised, so no code repeats) and the
    /// alert says so.
    fn key_above(&mut self, floor: u8) -> PosResult<()> {
        let next = floor.saturating_add(1);
        if next > crate::domain::claim::MAX_KEY_ID {
            self.alerts.push(
                "this event has used all 16 claim keys, so it cannot start a new one after going                  back in time; start a new event for the rest of the night"
                    .into(),
            );
            return Ok(());
        }
        let public = self.store.new_claim_key()?;
        let event_id = self.event.id;
        self.write(Role::Helper, |w| {
            let (current, _) = keys::current_key(w.tx(), event_id)?;
            if current > floor {
                return Ok(());
            }
            keys::add_key(w.tx(), event_id, next, &public, w.at().as_second())?;
            w.log(
                "claim.rotate_key",
                &next.to_string(),
                json!({ "why": "the database went back in time" }),
            )
        })
    }

    /// The checks that only warn: a log whose seal was removed (put back, and said).
    pub(super) fn check_health(&mut self) -> PosResult<()> {
        if !audit::sealed(self.store.conn())? {
            let event_id = self.event.id;
            self.write(Role::Helper, |w| {
                audit::reseal(w.tx())?;
                w.log("audit.resealed", &event_id.to_string(), json!({}))
            })?;
            self.alerts.push(
                "the audit log's protection had been removed from this file (someone edited it \
                 outside Encore): it is back; run `encore audit verify`"
                    .into(),
            );
        }
        Ok(())
    }

    /// Checks whether the creator PIN is still the demo's (one hash check: the kiosk asks at
    /// start, and every PIN change asks again).
    pub fn refresh_pin_alert(&mut self) -> PosResult<()> {
        const DEMO: &str = "the creator PIN is still the demo's";
        self.alerts.retain(|a| !a.starts_with(DEMO));
        if self.demo_pin_in_use()? {
            self.alerts.push(format!(
                "{DEMO} ({DEMO_CREATOR_PIN}): anyone who read the README can refund; set your own \
                 in Settings or with `encore pin set`"
            ));
        }
        Ok(())
    }

    /// Walks the audit log's whole hash chain: intact, or the first entry that breaks it.
    pub fn verify_audit(&self) -> PosResult<audit::Chain> {
        Ok(audit::verify(self.store.conn())?)
    }

    /// True when the database refuses changes to the audit log.
    pub fn audit_sealed(&self) -> PosResult<bool> {
        Ok(audit::sealed(self.store.conn())?)
    }

    /// What the operator should know about this database now.
    pub fn alerts(&self) -> Vec<String> {
        let mut out = self.alerts.clone();
        if let Some(e) = self.store.high_water_error() {
            out.push(format!("the high-water mark could not be saved: {e}"));
        }
        out
    }
}
