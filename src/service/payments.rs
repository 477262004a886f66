//! The event's QR payment profile (who the fan's transfer goes to), and matching a bank
//! statement's credits to the event's QR orders.

use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::payment::PaymentProfile;
use crate::domain::reconcile::{self, Credit, QrOrder, Reconciliation};
use crate::store;
use crate::store::events;

impl Pos {
    /// Replaces the event's QR payment profile (creator grant); the change is audit-logged with
    /// the profile before and after.
    pub fn set_payment_profile(&mut self, profile: PaymentProfile, grant: &Grant) -> PosResult<()> {
        profile.validate().map_err(PosError::Payment)?;
        self.require(grant)?;
        let event_id = self.event.id;
        let detail = json!({ "before": self.event.payment, "after": profile });
        self.write(Role::Creator, |w| {
            events::set_payment(w.tx(), event_id, Some(&profile))?;
            w.log("event.payment", &event_id.to_string(), detail)
        })?;
        self.event.payment = Some(profile);
        Ok(())
    }

    /// Matches bank credits to this event's QR orders, keeping nothing.
    pub(super) fn match_statement(&self, credits: &[Credit]) -> PosResult<Reconciliation> {
        let everything = store::report::Scope::event(self.event.id, i64::MAX);
        let orders: Vec<QrOrder> =
            store::report::qr_orders(self.store.conn(), &everything, self.event.currency)?
                .into_iter()
                .map(|(receipt, payment_ref, total)| QrOrder {
                    receipt,
                    payment_ref,
                    total,
                })
                .collect();
        Ok(reconcile::reconcile(credits, &orders))
    }
}
