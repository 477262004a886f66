//! Checking and redeeming claim codes. Redemption is exactly once: the store's primary key holds
//! even when two stations redeem the same code at the same moment.

use serde::Serialize;
use serde_json::json;

use super::{Pos, PosError, PosResult};
use crate::domain::claim;
use crate::domain::event::local_clock;
use crate::store::{audit, claims};

/// What a valid code is for and whether it was used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimStatus {
    /// The canonical code.
    pub code: String,
    /// Offer title.
    pub title: String,
    /// Units.
    pub quantity: u32,
    /// When and where it was redeemed, if it was.
    pub redeemed: Option<Redeemed>,
}

/// A redemption: local time and station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redeemed {
    /// Local wall-clock time with the event's zone.
    pub at: String,
    /// Station code.
    pub station: String,
    /// Offer title.
    pub title: String,
    /// Units handed over.
    pub quantity: u32,
}

impl Pos {
    /// Verifies signature and event, then looks the code up. Changes nothing.
    pub fn check_claim(&self, input: &str) -> PosResult<ClaimStatus> {
        let code = self.verified_code(input)?;
        let record = claims::find(self.store.conn(), &code)?.ok_or(PosError::UnknownClaim)?;
        if let Some(at) = record.revoked {
            return Err(PosError::Revoked {
                at: local_clock(at, &self.event.time_zone),
                title: record.title,
            });
        }
        let redeemed = record.redeemed.map(|(at, station)| Redeemed {
            at: local_clock(at, &self.event.time_zone),
            station,
            title: record.title.clone(),
            quantity: record.quantity,
        });
        Ok(ClaimStatus {
            code,
            title: record.title,
            quantity: record.quantity,
            redeemed,
        })
    }

    /// Redeems a code once. A second attempt says when and where it was redeemed.
    pub fn redeem_claim(&mut self, input: &str) -> PosResult<Redeemed> {
        let code = self.verified_code(input)?;
        let now = self.now();
        let tz = self.event.time_zone.clone();
        let station = self.station.clone();
        let tx = self.store.immediate()?;
        let record = claims::find(&tx, &code)?.ok_or(PosError::UnknownClaim)?;
        if let Some(at) = record.revoked {
            return Err(PosError::Revoked {
                at: local_clock(at, &tz),
                title: record.title,
            });
        }
        if let Some((at, by)) = record.redeemed {
            return Err(PosError::AlreadyRedeemed {
                at: local_clock(at, &tz),
                station: by,
                title: record.title,
            });
        }
        if !claims::redeem(&tx, record.id, now, &station)? {
            return Err(PosError::AlreadyRedeemed {
                at: "just now".into(),
                station: "another station".into(),
                title: record.title,
            });
        }
        audit::append(
            &tx,
            now,
            &station,
            "redeem",
            &code,
            &json!({ "claim": record.id, "title": record.title }),
        )?;
        tx.commit()?;
        Ok(Redeemed {
            at: local_clock(now, &tz),
            station,
            title: record.title,
            quantity: record.quantity,
        })
    }

    fn verified_code(&self, input: &str) -> PosResult<String> {
        let body = claim::verify(input, &self.key.verifying_key())?;
        if i64::from(body.event) != self.event.id {
            return Err(PosError::OtherEvent);
        }
        Ok(claim::normalize(input)?)
    }
}
