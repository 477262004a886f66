//! Saving the tender fees: every fee checked, then all of them written in one transaction, so
//! a refused fee leaves every fee as it was.

use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::order::TenderKind;
use crate::domain::pricing::Fee;
use crate::store::events;

impl Pos {
    /// The fee of each tender method (methods not listed cost nothing).
    pub fn fees(&self) -> PosResult<Vec<(TenderKind, Fee)>> {
        Ok(events::fees(self.store.conn(), self.event.id)?)
    }

    /// Sets what each listed tender method costs (percent plus a fixed amount per payment),
    /// all or nothing (creator grant); each change leaves an audit entry with the fee before
    /// and after.
    pub fn save_fees(&mut self, fees: &[(TenderKind, Fee)], grant: &Grant) -> PosResult<()> {
        for (_, fee) in fees {
            fee.validate().map_err(PosError::Invalid)?;
        }
        self.require(grant)?;
        let event_id = self.event.id;
        let as_json = |f: &Fee| json!({ "percent_bp": f.percent_bp, "fixed_minor": f.fixed });
        self.write(Role::Creator, |w| {
            // Read under the write lock: another station may be saving fees too.
            let before = events::fees(w.tx(), event_id)?;
            for (kind, fee) in fees {
                events::set_fee(w.tx(), event_id, *kind, fee)?;
                let was = before.iter().find(|f| f.0 == *kind).map(|f| as_json(&f.1));
                w.log(
                    "fee.set",
                    kind.name(),
                    json!({ "before": was, "after": as_json(fee) }),
                )?;
            }
            Ok(())
        })
    }
}
