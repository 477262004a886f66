//! Saving the tender fees: every fee checked, the creator PIN checked once, and all of them
//! written in one transaction, so a refused fee leaves every fee as it was.

use serde_json::json;

use super::{Pos, PosError, PosResult, Role};
use crate::domain::order::TenderKind;
use crate::domain::pricing::Fee;
use crate::store::{audit, events};

impl Pos {
    /// Sets what each listed tender method costs (percent plus a fixed amount per payment),
    /// all or nothing; each change leaves an audit entry with the fee before and after.
    pub fn save_fees(&mut self, fees: &[(TenderKind, Fee)], creator_pin: &str) -> PosResult<()> {
        for (_, fee) in fees {
            fee.validate().map_err(PosError::Invalid)?;
        }
        self.check_pin(Role::Creator, creator_pin)?;
        let before = self.fees()?;
        let (event_id, now, station) = (self.event.id, self.now(), self.station.clone());
        let who = match self.helper() {
            "" => "creator".to_string(),
            name => format!("creator ({name})"),
        };
        let as_json = |f: &Fee| json!({ "percent_bp": f.percent_bp, "fixed_minor": f.fixed });
        let tx = self.store.immediate()?;
        for (kind, fee) in fees {
            events::set_fee(&tx, event_id, *kind, fee)?;
            let was = before.iter().find(|f| f.0 == *kind).map(|f| as_json(&f.1));
            let detail = json!({ "before": was, "after": as_json(fee), "by": who });
            audit::append(&tx, now, &station, "fee.set", kind.name(), &detail)?;
        }
        tx.commit()?;
        Ok(())
    }
}
