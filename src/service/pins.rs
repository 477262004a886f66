//! PINs and grants. A PIN is checked once (Argon2id, the slow part) and yields a [`Grant`]: the
//! proof creator operations ask for. Nothing past this file sees a PIN string.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;
use serde_json::json;

use super::{Pos, PosResult};
use crate::store::pins;

/// Who is asking. Only the creator has a PIN; a helper's name (`--helper`, the kiosk's
/// station sign-in) goes with everything they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Can do everything.
    Creator,
    /// Sells, runs the queue and redeems; no price edits, no refunds.
    Helper,
}

impl Role {
    /// The role as the audit log and the PIN table name it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Creator => "creator",
            Role::Helper => "helper",
        }
    }
}

/// Proof that the creator PIN of one event was typed correctly. Only [`Pos::unlock`] makes one;
/// it is good for the event it was made for and until the PIN changes (a leaked PIN, changed,
/// locks every station out at once), and the front door decides how long to keep it (the kiosk
/// drops it when the creator leaves the screen or stops using it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    event_id: i64,
    /// The stored hash the PIN was checked against.
    pin_hash: String,
    granted_at: Timestamp,
}

impl Grant {
    /// When the PIN was checked.
    pub fn granted_at(&self) -> Timestamp {
        self.granted_at
    }
}

/// Wrong PINs allowed in a row before typing is locked.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first lock; each further wrong PIN doubles it, up to [`MAX_LOCK_SECS`].
pub const FIRST_LOCK_SECS: i64 = 30;
/// The longest lock: long enough that guessing takes months, short enough that a creator
/// locked out by a prankster is back within the half hour.
pub const MAX_LOCK_SECS: i64 = 30 * 60;
/// Digits a new PIN has at least (PINs set before keep working).
pub const NEW_PIN_MIN: usize = 6;

/// How long typing is locked after `failures` wrong PINs in a row.
pub fn lock_secs(failures: u32) -> Option<i64> {
    let over = failures.checked_sub(FREE_ATTEMPTS)?;
    Some(
        FIRST_LOCK_SECS
            .checked_shl(over)
            .filter(|s| *s > 0)
            .map_or(MAX_LOCK_SECS, |s| s.min(MAX_LOCK_SECS)),
    )
}

/// "2 min 30 s", "45 s".
fn wait_text(secs: i64) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// A PIN that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// PINs are digits only, of a set length.
    #[error("PIN: 4 to 12 digits")]
    Shape,
    /// A new PIN too short.
    #[error("new creator PIN: {NEW_PIN_MIN} to 12 digits")]
    TooShort,
    /// The role has no PIN yet.
    #[error("no {0} PIN is set: set one with `encore pin set`")]
    NotSet(&'static str),
    /// The PIN did not match; how many more may be tried before typing locks.
    #[error("wrong {role} PIN{}", match .left { 0 => String::new(), n => format!(" ({n} more before a wait)") })]
    Wrong {
        /// Whose PIN.
        role: &'static str,
        /// Attempts left before the lock.
        left: u32,
    },
    /// Too many wrong PINs: no attempt is taken for a while.
    #[error("too many wrong {role} PINs: try again in {}", wait_text(*.secs))]
    Locked {
        /// Whose PIN.
        role: &'static str,
        /// Seconds until the next attempt is taken.
        secs: i64,
    },
    /// The creator PIN changed since the grant was made.
    #[error("the creator PIN was changed: type the new one")]
    Changed,
    /// A grant made for another event.
    #[error("the creator PIN was typed for another event: type it again")]
    OtherEvent,
    /// A creator operation asked for without the creator PIN.
    #[error("this needs the creator PIN")]
    Needed,
    /// The stored hash cannot be read (a damaged database).
    #[error("stored PIN unreadable: {0}")]
    Unreadable(String),
}

/// PINs are 4 to 12 digits: typed on a touch screen, hashed with Argon2id.
fn check_pin_shape(pin: &str) -> Result<(), PinError> {
    if (4..=12).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::Shape)
    }
}

/// A PIN being set now: digits, at least [`NEW_PIN_MIN`] of them.
pub(super) fn check_new_pin(pin: &str) -> Result<(), PinError> {
    check_pin_shape(pin).map_err(|_| PinError::TooShort)?;
    if pin.len() < NEW_PIN_MIN {
        return Err(PinError::TooShort);
    }
    Ok(())
}

/// An Argon2id PHC string for a PIN, with a fresh random salt.
pub(super) fn hash_pin(pin: &str) -> Result<String, PinError> {
    check_pin_shape(pin)?;
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| PinError::Unreadable(e.to_string()))?;
    let hash = Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| PinError::Unreadable(e.to_string()))?;
    Ok(hash.to_string())
}

/// True when `pin` matches the stored PHC string.
fn matches(stored: &str, pin: &str) -> Result<bool, PinError> {
    let hash = PasswordHash::new(stored).map_err(|e| PinError::Unreadable(e.to_string()))?;
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &hash)
        .is_ok())
}

impl Pos {
    /// Checks the open event's creator PIN once and grants creator operations on this event.
    /// Every attempt is counted in the database before it is checked (so stations guessing in
    /// parallel share one count); after [`FREE_ATTEMPTS`] wrong ones in a row no attempt is
    /// taken for a while, and every wrong one is in the audit log.
    pub fn unlock(&mut self, pin: &str) -> PosResult<Grant> {
        check_pin_shape(pin)?;
        let role = Role::Creator.name();
        let event_id = self.event.id;
        let stored = pins::pin(self.store.conn(), event_id, role)?.ok_or(PinError::NotSet(role))?;
        let now = self.now().as_second();
        self.write(Role::Creator, |w| {
            let a = pins::attempts(w.tx(), event_id, role)?;
            if let Some(until) = a.locked_until.filter(|until| *until > now) {
                // A clock set back never stretches a lock past the longest one.
                let secs = (until - now).min(MAX_LOCK_SECS);
                return Err(PinError::Locked { role, secs }.into());
            }
            let failures = a.failures.saturating_add(1);
            // Locked now, before the slow check: attempts started in parallel on other
            // stations find the lock and are not checked at all. A right PIN lifts it.
            let locked_until = lock_secs(failures).map(|secs| now + secs);
            let counted = pins::Attempts {
                failures,
                locked_until,
            };
            Ok(pins::set_attempts(w.tx(), event_id, role, counted)?)
        })?;
        let right = matches(&stored, pin)?;
        let error = self.write(Role::Creator, |w| {
            if right {
                pins::set_attempts(w.tx(), event_id, role, pins::Attempts::default())?;
                return Ok(None);
            }
            let mut a = pins::attempts(w.tx(), event_id, role)?;
            let lock = lock_secs(a.failures);
            a.locked_until = lock.map(|secs| now + secs).max(a.locked_until);
            pins::set_attempts(w.tx(), event_id, role, a)?;
            w.log(
                "pin.wrong",
                role,
                json!({ "failures": a.failures, "locked_secs": lock }),
            )?;
            Ok(Some(match lock {
                Some(secs) => PinError::Locked { role, secs },
                None => PinError::Wrong {
                    role,
                    left: FREE_ATTEMPTS - a.failures,
                },
            }))
        })?;
        if let Some(e) = error {
            return Err(e.into());
        }
        Ok(Grant {
            event_id,
            pin_hash: stored,
            granted_at: self.now(),
        })
    }

    /// A grant for the open event and its current creator PIN, or the reason there is none.
    pub(super) fn require(&self, grant: &Grant) -> PosResult<()> {
        if grant.event_id != self.event.id {
            return Err(PinError::OtherEvent.into());
        }
        let stored = pins::pin(self.store.conn(), self.event.id, Role::Creator.name())?;
        if stored.as_deref() != Some(grant.pin_hash.as_str()) {
            return Err(PinError::Changed.into());
        }
        Ok(())
    }

    /// The grant when the open event has a creator PIN; nothing when it has none yet (its
    /// first PIN needs no grant).
    pub(super) fn require_if_pin(&self, grant: Option<&Grant>) -> PosResult<()> {
        if self.has_creator_pin()? {
            self.require(grant.ok_or(PinError::Needed)?)?;
        }
        Ok(())
    }

    /// True when the open event has a creator PIN: only then does a creator operation need
    /// one typed.
    pub fn has_creator_pin(&self) -> PosResult<bool> {
        Ok(pins::pin(self.store.conn(), self.event.id, Role::Creator.name())?.is_some())
    }

    /// True while the creator PIN is still the demo's published one (the kiosk says so). One
    /// hash check, not counted as an attempt.
    pub fn demo_pin_in_use(&self) -> PosResult<bool> {
        match pins::pin(self.store.conn(), self.event.id, Role::Creator.name())? {
            Some(stored) => Ok(matches(&stored, super::demo::DEMO_CREATOR_PIN)?),
            None => Ok(false),
        }
    }

    /// Sets the creator PIN ([`NEW_PIN_MIN`]–12 digits); once one exists, changing it needs
    /// the grant.
    pub fn set_pin(&mut self, pin: &str, grant: Option<&Grant>) -> PosResult<()> {
        check_new_pin(pin)?;
        self.require_if_pin(grant)?;
        let hash = hash_pin(pin)?;
        let event_id = self.event.id;
        self.write(Role::Creator, |w| {
            pins::set_pin(w.tx(), event_id, Role::Creator.name(), &hash)?;
            w.log("pin.set", Role::Creator.name(), json!({}))
        })?;
        self.refresh_pin_alert()
    }
}
