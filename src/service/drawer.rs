//! The station's cash drawer: open with a float, cash in/out with a reason, count at close.

use serde_json::json;

use super::{Pos, PosError, PosResult, Role};
use crate::domain::drawer::{DrawerReport, report};
use crate::domain::field::FieldError;
use crate::domain::money::Money;
use crate::store::drawer;

impl Pos {
    /// Opens this station's drawer with `float` in it.
    pub fn open_drawer(&mut self, float: Money) -> PosResult<()> {
        let (station, station_id) = (self.station.clone(), self.station_id);
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            if drawer::open_session(tx, station_id)?.is_some() {
                return Err(PosError::Refused(format!(
                    "the drawer of {station} is open already; close it first"
                )));
            }
            drawer::open(tx, station_id, float.minor, now)?;
            w.log(
                "drawer.open",
                &station,
                json!({ "float_minor": float.minor }),
            )?;
            Ok(())
        })
    }

    /// Records cash put in (positive) or taken out (negative), with why.
    pub fn drawer_move(&mut self, amount: Money, reason: &str) -> PosResult<()> {
        if amount.minor == 0 {
            return Err(PosError::Invalid(FieldError::new(
                "amount",
                "must not be zero",
            )));
        }
        crate::domain::field::check_text("reason", reason.trim(), super::refund::MAX_REASON_CHARS)
            .map_err(PosError::Invalid)?;
        if reason.trim().is_empty() {
            return Err(PosError::Invalid(FieldError::new(
                "reason",
                "say why cash goes in or out",
            )));
        }
        let (station, station_id) = (self.station.clone(), self.station_id);
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let (id, _, _) = drawer::open_session(tx, station_id)?.ok_or_else(no_drawer)?;
            drawer::add_move(tx, id, amount.minor, reason.trim(), now)?;
            w.log(
                "drawer.move",
                &station,
                json!({ "amount_minor": amount.minor, "reason": reason.trim() }),
            )?;
            Ok(())
        })
    }

    /// What should be in the open drawer now, or None when it is closed.
    pub fn drawer_status(&self) -> PosResult<Option<DrawerReport>> {
        let conn = self.store.conn();
        let Some((id, _, float)) = drawer::open_session(conn, self.station_id)? else {
            return Ok(None);
        };
        let (sales, refunds, moves) = drawer::figures(conn, id)?;
        Ok(Some(report(
            Money::new(float, self.event.currency),
            sales,
            refunds,
            moves,
            None,
        )))
    }

    /// Closes the drawer with the counted cash and reports the difference.
    pub fn close_drawer(&mut self, counted: Money) -> PosResult<DrawerReport> {
        let (station, station_id, currency) =
            (self.station.clone(), self.station_id, self.event.currency);
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let (id, _, float) = drawer::open_session(tx, station_id)?.ok_or_else(no_drawer)?;
            let (sales, refunds, moves) = drawer::figures(tx, id)?;
            let r = report(
                Money::new(float, currency),
                sales,
                refunds,
                moves,
                Some(counted.minor),
            );
            drawer::close(tx, id, counted.minor, r.expected.minor, now)?;
            let detail =
                json!({ "expected_minor": r.expected.minor, "counted_minor": counted.minor });
            w.log("drawer.close", &station, detail)?;
            Ok(r)
        })
    }
}

fn no_drawer() -> PosError {
    PosError::Refused("the drawer is not open: open it with a float first".into())
}
