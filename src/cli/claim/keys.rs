//! The exported key file, and checking a code with it alone: format, key, signature, event,
//! expiry. The redemption state stays unknown without the database.

use crate::domain::event::Zone;
use std::path::Path;

use data_encoding::HEXLOWER;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::invalid;
use crate::cli::{CliError, Outcome, Reply};
use crate::domain::claim;
use crate::domain::event::local_time;
use crate::service::Pos;

/// The exported key file.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyFile {
    /// Always "encore-claim-keys/1".
    pub format: String,
    /// Event id inside the codes.
    pub event_id: i64,
    /// Event name.
    pub event: String,
    /// IANA zone for local times.
    pub time_zone: String,
    /// Public keys.
    pub keys: Vec<KeyEntry>,
    /// Offer titles by id, so a code says what it is for.
    pub offers: Vec<(i64, String)>,
    /// The keys' fingerprint ([`KeyFile::fingerprint`]); a check recomputes it and refuses a
    /// file whose keys do not match it.
    #[serde(default)]
    pub fingerprint: String,
}

/// One public key.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyEntry {
    /// Key id inside the codes.
    pub key_id: u8,
    /// Ed25519 public key, lowercase hex.
    pub public_key: String,
    /// Retired: codes it signed still verify, new ones use a newer key.
    pub retired: bool,
}

impl KeyFile {
    /// The open event's keys and offer titles.
    pub fn of(pos: &Pos) -> Result<KeyFile, CliError> {
        let event = pos.event();
        let mut file = KeyFile {
            format: "encore-claim-keys/1".into(),
            event_id: event.id,
            event: event.name.clone(),
            time_zone: event.time_zone.name().to_string(),
            keys: pos
                .public_keys()
                .into_iter()
                .map(|(key_id, key, retired)| KeyEntry {
                    key_id,
                    public_key: HEXLOWER.encode(&key),
                    retired,
                })
                .collect(),
            offers: pos.offers()?.into_iter().map(|o| (o.id, o.title)).collect(),
            fingerprint: String::new(),
        };
        file.fingerprint = file.fingerprint();
        Ok(file)
    }

    /// What a person compares to trust a key file: SHA-256 over the event id and every key id
    /// with its public key, the first 10 bytes as five groups of hex (`3f2a-9c1b-…`). Names,
    /// titles and the retired flags are not in it: they cannot make a code pass.
    pub fn fingerprint(&self) -> String {
        let mut keys: Vec<&KeyEntry> = self.keys.iter().collect();
        keys.sort_by_key(|k| k.key_id);
        let mut h = sha2::Sha256::new();
        h.update(format!("encore-claim-keys/1\n{}\n", self.event_id));
        for k in keys {
            h.update(format!(
                "{}:{}\n",
                k.key_id,
                k.public_key.to_ascii_lowercase()
            ));
        }
        let digest = HEXLOWER.encode(&h.finalize()[..10]);
        digest
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    fn read(file: &Path) -> Result<KeyFile, CliError> {
        let why = |e: &dyn std::fmt::Display| {
            invalid(format!("pubkey: cannot read {}: {e}", file.display()))
        };
        let text = crate::files::read_text_capped("pubkey", file, crate::files::MAX_KEY_FILE_BYTES)
            .map_err(|e| invalid(e.to_string()))?;
        let keys: KeyFile = serde_json::from_str(&text).map_err(|e| why(&e))?;
        let actual = keys.fingerprint();
        if !keys.fingerprint.is_empty() && keys.fingerprint != actual {
            return Err(invalid(format!(
                "pubkey: {} says fingerprint {} but its keys have {actual}: the file was edited",
                file.display(),
                keys.fingerprint
            )));
        }
        Ok(keys)
    }

    fn key(&self, event: u16, key_id: u8) -> Option<VerifyingKey> {
        (i64::from(event) == self.event_id)
            .then(|| self.keys.iter().find(|k| k.key_id == key_id))
            .flatten()
            .and_then(|k| HEXLOWER.decode(k.public_key.as_bytes()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    }
}

/// `claim verify --pubkey`: a code checked offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfflineCheck {
    /// Always true in an answer.
    pub valid: bool,
    /// Event name from the key file.
    pub event: String,
    /// Offer title.
    pub title: String,
    /// Units the code is for.
    pub quantity: u8,
    /// Issuing station, `K1`.
    pub station: String,
    /// Serial at that station.
    pub serial: u32,
    /// Local time the code stops working.
    pub valid_until: Option<String>,
    /// Always `unknown`: only the database knows.
    pub redemption: &'static str,
    /// The fingerprint of the keys the code was checked with.
    pub fingerprint: String,
}

/// Verifies a code with an exported key file only; with `expected`, only a key file with that
/// fingerprint is used.
pub fn verify_offline(
    file: &Path,
    code: &str,
    expected: Option<&str>,
    now: jiff::Timestamp,
) -> Outcome {
    let keys = KeyFile::read(file)?;
    let fingerprint = keys.fingerprint();
    if let Some(want) = expected
        && !want.trim().eq_ignore_ascii_case(&fingerprint)
    {
        return Err(CliError::Field(crate::domain::field::FieldError::new(
            "--fingerprint",
            format!(
                "{} has keys with fingerprint {fingerprint}, not {}: it is not the key file you trust",
                file.display(),
                want.trim()
            ),
        )));
    }
    let body = match claim::verify_with(code, |event, key_id| keys.key(event, key_id)) {
        Ok(b) => b,
        Err(claim::ClaimError::UnknownKey { event, .. }) if i64::from(event) != keys.event_id => {
            return Err(invalid(format!(
                "invalid claim code: it belongs to another event (event {event}, the key file is for {})",
                keys.event
            )));
        }
        Err(e) => return Err(invalid(e)),
    };
    let title = keys
        .offers
        .iter()
        .find(|o| o.0 == i64::from(body.offer))
        .map_or_else(|| format!("offer {}", body.offer), |o| o.1.clone());
    let zone = Zone::named(&keys.time_zone).unwrap_or_else(|_| Zone::utc());
    let until = body.expires_at().map(|t| local_time(t, &zone));
    if let Some(end) = body.expires_at()
        && now >= end
    {
        return Err(invalid(format!(
            "this claim code expired at {} ({title})",
            until.unwrap_or_default()
        )));
    }
    let text = format!(
        "valid signature: {} × {title} for {}, issued at K{}{}; redemption state unknown (checked without the database, keys {fingerprint})",
        body.quantity,
        keys.event,
        body.station,
        until
            .as_ref()
            .map(|u| format!(", valid until {u}"))
            .unwrap_or_default()
    );
    let answer = OfflineCheck {
        valid: true,
        event: keys.event,
        title,
        quantity: body.quantity,
        station: format!("K{}", body.station),
        serial: body.serial,
        valid_until: until,
        redemption: "unknown",
        fingerprint,
    };
    Reply::new(&answer, text)
}
