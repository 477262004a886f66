//! PINs and grants. A PIN is checked once (Argon2id, the slow part) and yields a [`Grant`]: the
//! proof creator operations ask for. Nothing past this file sees a PIN string.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;
use serde_json::json;

use super::{Pos, PosResult};
use crate::store::refunds;

/// Who is asking.
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

/// A PIN that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// PINs are digits only, of a set length.
    #[error("PIN: 4 to 12 digits")]
    Shape,
    /// The role has no PIN yet.
    #[error("no {0} PIN is set: set one with `encore pin set {0}`")]
    NotSet(&'static str),
    /// The PIN did not match.
    #[error("wrong {0} PIN")]
    Wrong(&'static str),
    /// The creator PIN changed since the grant was made.
    #[error("the creator PIN was changed: type the new one")]
    Changed,
    /// A grant made for another event.
    #[error("the creator PIN was typed for another event: type it again")]
    OtherEvent,
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

impl Pos {
    /// Checks the open event's creator PIN once and grants creator operations on this event.
    pub fn unlock(&self, pin: &str) -> PosResult<Grant> {
        let pin_hash = self.check_pin(Role::Creator, pin)?;
        Ok(Grant {
            event_id: self.event.id,
            pin_hash,
            granted_at: self.now(),
        })
    }

    /// A grant for the open event and its current creator PIN, or the reason there is none.
    pub(super) fn require(&self, grant: &Grant) -> PosResult<()> {
        if grant.event_id != self.event.id {
            return Err(PinError::OtherEvent.into());
        }
        let stored = refunds::pin(self.store.conn(), self.event.id, Role::Creator.name())?;
        if stored.as_deref() != Some(grant.pin_hash.as_str()) {
            return Err(PinError::Changed.into());
        }
        Ok(())
    }

    /// The grant when the open event has a creator PIN; nothing when it has none yet (its
    /// first PIN needs no grant).
    pub(super) fn require_if_pin(&self, grant: Option<&Grant>) -> PosResult<()> {
        if self.has_creator_pin()? {
            self.require(grant.ok_or(PinError::Wrong(Role::Creator.name()))?)?;
        }
        Ok(())
    }

    /// True when the open event has a creator PIN: only then does a creator operation need
    /// one typed.
    pub fn has_creator_pin(&self) -> PosResult<bool> {
        Ok(refunds::pin(self.store.conn(), self.event.id, Role::Creator.name())?.is_some())
    }

    /// Sets the PIN of `role`; once a creator PIN exists, changing any PIN needs the grant.
    pub fn set_pin(&mut self, role: Role, pin: &str, grant: Option<&Grant>) -> PosResult<()> {
        check_pin_shape(pin)?;
        self.require_if_pin(grant)?;
        let hash = hash_pin(pin)?;
        let event_id = self.event.id;
        let by = if grant.is_some() { Role::Creator } else { role };
        self.write(by, |w| {
            refunds::set_pin(w.tx(), event_id, role.name(), &hash)?;
            w.log("pin.set", role.name(), json!({}))
        })
    }

    /// Checks `pin` against the role's stored hash; returns that hash.
    pub fn check_pin(&self, role: Role, pin: &str) -> PosResult<String> {
        let stored = refunds::pin(self.store.conn(), self.event.id, role.name())?
            .ok_or(PinError::NotSet(role.name()))?;
        let hash = PasswordHash::new(&stored).map_err(|e| PinError::Unreadable(e.to_string()))?;
        Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .map_err(|_| PinError::Wrong(role.name()))?;
        Ok(stored)
    }
}
