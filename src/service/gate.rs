//! The one gate every change passes: an IMMEDIATE transaction (the write lock taken up front, so
//! two stations never interleave a read-check-write), the change, its audit entries stamped with
//! one actor, and the commit. A change that returns an error leaves nothing behind.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Pos, PosResult, Role};
use crate::store::{self, Store, audit};

/// Who made a change, when and at which station: taken before the transaction starts.
#[derive(Debug, Clone)]
pub(super) struct Stamp {
    /// The instant of the change.
    pub at: Timestamp,
    /// The station's code.
    pub station: String,
    /// The actor: the role, and the helper's name at the station when one is set
    /// (`creator`, `helper (Sam)`).
    pub by: String,
}

impl Stamp {
    /// A stamp for `role` acting at `station` (with `helper`'s name when set).
    pub fn new(at: Timestamp, station: &str, role: Role, helper: &str) -> Stamp {
        let by = match helper {
            "" => role.name().to_string(),
            name => format!("{} ({name})", role.name()),
        };
        Stamp {
            at,
            station: station.to_string(),
            by,
        }
    }
}

/// A change under way: the transaction and the stamp its audit entries carry.
pub(super) struct Write<'t> {
    tx: &'t store::Conn,
    stamp: &'t Stamp,
}

impl Write<'_> {
    /// The transaction, for the store's functions.
    pub fn tx(&self) -> &store::Conn {
        self.tx
    }

    /// The instant of the change.
    pub fn at(&self) -> Timestamp {
        self.stamp.at
    }

    /// Who makes the change, as the audit names them (`creator`, `helper (Sam)`).
    pub fn by(&self) -> &str {
        &self.stamp.by
    }

    /// Appends an audit entry; `detail` (an object) gets the actor as `by`.
    pub fn log(&self, action: &str, subject: &str, mut detail: Value) -> PosResult<()> {
        detail["by"] = json!(self.stamp.by);
        audit::append(
            self.tx,
            self.stamp.at,
            &self.stamp.station,
            action,
            subject,
            &detail,
        )?;
        Ok(())
    }
}

/// Runs `change` inside one IMMEDIATE transaction and commits what it wrote; on an error the
/// transaction rolls back and the error is returned.
pub(super) fn write<T>(
    store: &mut Store,
    stamp: &Stamp,
    change: impl FnOnce(&Write) -> PosResult<T>,
) -> PosResult<T> {
    // A store opened to read only never waits for the write lock it could not use anyway.
    if store.is_read_only() {
        return Err(super::PosError::ReadOnly);
    }
    let tx = store.immediate()?;
    let out = change(&Write { tx: &tx, stamp })?;
    tx.commit()?;
    store.raise_high_water();
    Ok(out)
}

impl Pos {
    /// This station's stamp for a change made as `role`, now.
    pub(super) fn stamp(&self, role: Role) -> Stamp {
        Stamp::new(self.now(), &self.station, role, &self.helper)
    }

    /// One change as `role` through the gate. The closure cannot reach `self`: take what it
    /// needs (ids, the currency) before.
    pub(super) fn write<T>(
        &mut self,
        role: Role,
        change: impl FnOnce(&Write) -> PosResult<T>,
    ) -> PosResult<T> {
        let stamp = self.stamp(role);
        match self.request.take() {
            None => write(&mut self.store, &stamp, change),
            // A phone's write: its client id goes in with it, and a known one stops it.
            Some(id) => {
                let station = self.station_id;
                write(&mut self.store, &stamp, |w| {
                    if !store::network::begin_request(w.tx(), station, &id, w.at().as_second())? {
                        return Err(super::PosError::Repeated);
                    }
                    change(w)
                })
            }
        }
    }
}
