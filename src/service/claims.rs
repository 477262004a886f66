//! Checking and redeeming claim codes. The checks run in a fixed order, each with its own
//! message: format → known key → signature → this event → revoked → expired → used up. A code
//! for several units is redeemed a unit at a time; a drop unit is first held for the fan, then
//! handed over; any redemption can be undone for ten seconds. Every step is audit-logged.

use crate::domain::event::Zone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::json;

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::claim::{self, MAX_KEY_ID};
use crate::domain::event::local_clock;
use crate::store::claims::{self, ClaimRecord, LogFilter, RedemptionRow};
use crate::store::{keys, refunds};

/// How long a redemption or hand-over can be taken back.
pub const UNDO_SECS: i64 = 10;

/// What a valid code is for and what is left of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimStatus {
    /// The canonical code.
    pub code: String,
    /// Offer title.
    pub title: String,
    /// Units the code was issued for.
    pub quantity: u32,
    /// Units still to redeem.
    pub units_left: u32,
    /// When the code stops working, if it has an end.
    pub valid_until: Option<Timestamp>,
    /// Live redemptions so far.
    pub redemptions: Vec<Redeemed>,
}

/// A redemption: what, how many, when, where and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redeemed {
    /// Redemption id (for hand-over and undo).
    pub id: i64,
    /// When it was redeemed.
    pub at: Timestamp,
    /// Station code.
    pub station: String,
    /// Helper's name, if set.
    pub helper: String,
    /// Offer title.
    pub title: String,
    /// Units taken by this redemption.
    pub units: u32,
    /// Units of the code left after it.
    pub units_left: u32,
    /// Held for the fan, waiting for "Handed over" (drops).
    pub held: bool,
}

/// What became of a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LogStatus {
    /// Redeemed, nothing since.
    Redeemed,
    /// A drop unit held for the fan, not handed over yet.
    Held,
    /// Handed over to the fan then.
    HandedOver(Timestamp),
    /// Taken back then.
    Undone(Timestamp),
}

impl LogStatus {
    /// In words, with times in `zone`: "held for the fan", "handed over 21:04:10".
    pub fn describe(self, zone: &Zone) -> String {
        match self {
            LogStatus::Redeemed => "redeemed".into(),
            LogStatus::Held => "held for the fan".into(),
            LogStatus::HandedOver(t) => format!("handed over {}", local_clock(t, zone)),
            LogStatus::Undone(t) => format!("undone {}", local_clock(t, zone)),
        }
    }
}

/// A line of the redemption log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// Redemption id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Offer title.
    pub title: String,
    /// Units.
    pub units: u32,
    /// What became of it since.
    pub status: LogStatus,
    /// When it was redeemed.
    pub at: Timestamp,
    /// Station code.
    pub station: String,
    /// Helper.
    pub helper: String,
}

impl Pos {
    /// Runs every check and looks the code up. Changes nothing.
    pub fn check_claim(&self, input: &str) -> PosResult<ClaimStatus> {
        let code = self.verified_code(input)?;
        let record = claims::find(self.store.conn(), &code)?.ok_or(PosError::UnknownClaim)?;
        check_usable(&record, self.now(), &self.event.time_zone, false)?;
        Ok(self.status_of(code, &record))
    }

    /// Redeems `units` of a code (1 unless a code for several is redeemed at once). Drop units are
    /// held for the fan until [`Pos::hand_over`]. A code with nothing left says when, where and by
    /// whom it was used.
    pub fn redeem_claim(&mut self, input: &str, units: u32) -> PosResult<Redeemed> {
        self.refresh_keys()?;
        let code = self.verified_code(input)?;
        let (station, helper, tz) = (
            self.station.clone(),
            self.helper.clone(),
            self.event.time_zone.clone(),
        );
        self.write(Role::Helper, |w| {
        let tx = w.tx();
        let now = w.at();
        let record = claims::find(tx, &code)?.ok_or(PosError::UnknownClaim)?;
        check_usable(&record, now, &tz, true)?;
        let left = record.units_left();
        if units == 0 || units > left {
            return Err(PosError::TooManyUnits {
                left,
                title: record.title,
            });
        }
        let new = claims::NewRedemption {
            claim_id: record.id,
            units,
            held: record.is_drop,
            at: now,
            station: &station,
            helper: &helper,
        };
        let id = claims::redeem(tx, &new)?;
        let action = if record.is_drop {
            "redeem.hold"
        } else {
            "redeem"
        };
        w.log(action, &code, json!({ "redemption": id, "claim": record.id, "title": record.title, "units": units }))?;
        Ok(Redeemed {
            id,
            at: now,
            station,
            helper,
            title: record.title,
            units,
            units_left: left - units,
            held: record.is_drop,
        })
        })
    }

    /// Second step of a drop hand-over: the held units went to the fan.
    pub fn hand_over(&mut self, redemption_id: i64) -> PosResult<Redeemed> {
        let row = self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            if !claims::hand_over(tx, redemption_id, now)? {
                return Err(PosError::NotHeld);
            }
            let row = one_redemption(tx, redemption_id)?;
            w.log(
                "redeem.hand_over",
                &row.code,
                json!({ "redemption": redemption_id, "units": row.units }),
            )?;
            Ok(row)
        })?;
        Ok(self.redeemed_of(&row, 0))
    }

    /// Takes the last step back within [`UNDO_SECS`]: a hand-over goes back to held, any other
    /// redemption is undone and its units are the fan's to claim again. Nothing a refund touched
    /// since can be undone.
    pub fn undo_redemption(&mut self, redemption_id: i64) -> PosResult<Redeemed> {
        let (row, hand_over) = self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let row = one_redemption(tx, redemption_id)?;
            let hand_over = row.two_step && row.handed_at.is_some();
            let last_step = if hand_over {
                row.handed_at.unwrap_or(row.at)
            } else {
                row.at
            };
            if row.undone_at.is_some()
                || now.duration_since(last_step) > SignedDuration::from_secs(UNDO_SECS)
            {
                return Err(PosError::UndoTooLate { secs: UNDO_SECS });
            }
            if refunds::claim_refunded(tx, row.claim_id)? {
                return Err(PosError::RefundedSince);
            }
            let (done, action) = if hand_over {
                (
                    claims::undo_hand_over(tx, redemption_id)?,
                    "redeem.undo_hand_over",
                )
            } else {
                (claims::undo(tx, redemption_id, now)?, "redeem.undo")
            };
            if !done {
                return Err(PosError::UndoTooLate { secs: UNDO_SECS });
            }
            w.log(
                action,
                &row.code,
                json!({ "redemption": redemption_id, "units": row.units }),
            )?;
            Ok((row, hand_over))
        })?;
        let mut undone = self.redeemed_of(&row, 0);
        undone.held = hand_over;
        Ok(undone)
    }

    /// The redemption log: by code fragment or offer title, since an instant, newest first.
    pub fn redemption_log(&self, text: &str, since: Option<Timestamp>) -> PosResult<Vec<LogLine>> {
        let filter = LogFilter::Search {
            event_id: self.event.id,
            text,
            since,
            limit: 200,
        };
        Ok(claims::log(self.store.conn(), &filter)?
            .into_iter()
            .map(|r| LogLine {
                status: match (r.undone_at, r.handed_at, r.held) {
                    (Some(t), _, _) => LogStatus::Undone(t),
                    (None, _, true) => LogStatus::Held,
                    (None, Some(t), false) => LogStatus::HandedOver(t),
                    (None, None, false) => LogStatus::Redeemed,
                },
                id: r.id,
                code: r.code,
                title: r.title,
                units: r.units,
                at: r.at,
                station: r.station,
                helper: r.helper,
            })
            .collect())
    }

    /// Signs new claim codes with a fresh key from now on; codes signed before still verify.
    pub fn rotate_claim_key(&mut self, grant: &Grant) -> PosResult<u8> {
        self.require(grant)?;
        self.new_key(Role::Creator, "rotated by the creator")
    }

    /// Adds the next claim key of the open event and signs with it from now on.
    pub(super) fn new_key(&mut self, role: Role, why: &str) -> PosResult<u8> {
        let event_id = self.event.id;
        let public = self.store.new_claim_key()?;
        let next = self.write(role, |w| {
            let tx = w.tx();
            let (current, _) = keys::current_key(tx, event_id)?;
            if current >= MAX_KEY_ID {
                return Err(PosError::KeysExhausted);
            }
            let next = current + 1;
            keys::add_key(tx, event_id, next, &public, w.at().as_second())?;
            w.log("claim.rotate_key", &next.to_string(), json!({ "why": why }))?;
            Ok(next)
        })?;
        self.reload()?;
        Ok(next)
    }

    /// Picks up keys another station added (a rotation) since this one opened.
    pub fn refresh_keys(&mut self) -> PosResult<()> {
        let known = keys::key_count(self.store.conn())?;
        if known != self.keys.len() {
            self.load_keys()?;
        }
        Ok(())
    }

    /// The public keys of the open event as `(key id, key, retired)`.
    pub fn public_keys(&self) -> Vec<(u8, [u8; 32], bool)> {
        self.keys
            .iter()
            .filter(|k| k.0 == self.event.id)
            .map(|k| (k.1, k.2.to_bytes(), k.3))
            .collect()
    }

    /// Format, key, signature and event; the canonical code.
    fn verified_code(&self, input: &str) -> PosResult<String> {
        let body = claim::verify_with(input, |event, key_id| {
            self.keys
                .iter()
                .find(|k| k.0 == i64::from(event) && k.1 == key_id)
                .map(|k| k.2)
        })?;
        if i64::from(body.event) != self.event.id {
            return Err(PosError::OtherEvent);
        }
        Ok(claim::normalize(input)?)
    }

    fn status_of(&self, code: String, record: &ClaimRecord) -> ClaimStatus {
        let mut left = record.quantity.saturating_sub(record.revoked_units);
        let redemptions = record
            .redemptions
            .iter()
            .map(|r| {
                left = left.saturating_sub(r.units);
                self.redeemed_of(r, left)
            })
            .collect();
        ClaimStatus {
            code,
            title: record.title.clone(),
            quantity: record.quantity,
            units_left: record.units_left(),
            valid_until: record.valid_until,
            redemptions,
        }
    }

    fn redeemed_of(&self, r: &RedemptionRow, units_left: u32) -> Redeemed {
        Redeemed {
            id: r.id,
            at: r.at,
            station: r.station.clone(),
            helper: r.helper.clone(),
            title: r.title.clone(),
            units: r.units,
            units_left,
            held: r.held && r.undone_at.is_none(),
        }
    }
}

/// Revoked → expired → used up (the last only when redeeming).
fn check_usable(record: &ClaimRecord, now: Timestamp, tz: &Zone, redeeming: bool) -> PosResult<()> {
    if let Some(at) = record.revoked {
        return Err(PosError::Revoked {
            at: local_clock(at, tz),
            title: record.title.clone(),
        });
    }
    if let Some(end) = record.valid_until
        && now >= end
    {
        return Err(PosError::Expired {
            at: crate::domain::event::local_time(end, tz),
            title: record.title.clone(),
        });
    }
    if redeeming
        && record.units_left() == 0
        && let Some(last) = record.redemptions.last()
    {
        return Err(PosError::AlreadyRedeemed {
            at: local_clock(last.at, tz),
            station: last.station.clone(),
            by: if last.helper.is_empty() {
                String::new()
            } else {
                format!(" by {}", last.helper)
            },
            title: record.title.clone(),
        });
    }
    Ok(())
}

fn one_redemption(conn: &crate::store::Conn, id: i64) -> PosResult<RedemptionRow> {
    claims::log(conn, &LogFilter::Id(id))?
        .into_iter()
        .next()
        .ok_or(PosError::NotHeld)
}
