//! `encore claim`: verify, redeem (a unit at a time), hand over, undo, the redemption log, the
//! event's public keys, key rotation, and verifying a code elsewhere without the database.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use data_encoding::HEXLOWER;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Outcome;
use crate::domain::claim;
use crate::domain::event::local_time;
use crate::service::Pos;

/// Claim subcommands.
#[derive(Debug, Subcommand)]
pub enum ClaimAction {
    /// Exit 0 when the code is valid and has units left. With --pubkey, checks signature, event
    /// and expiry from an exported key file, without the database.
    Verify {
        /// The code (case, spaces and dashes do not matter).
        code: String,
        /// A key file from `encore claim pubkey`: verify offline.
        #[arg(long, value_name = "FILE")]
        pubkey: Option<PathBuf>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Redeem units of the code now (default 1); exit 1 if it is invalid or used up.
    Redeem {
        /// The code.
        code: String,
        /// Units to redeem.
        #[arg(long, default_value_t = 1)]
        units: u32,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Second step for a drop: the held units were handed over.
    HandOver {
        /// Redemption id (printed by `redeem`).
        id: i64,
    },
    /// Undo a redemption or hand-over, within 10 seconds.
    Undo {
        /// Redemption id.
        id: i64,
    },
    /// The redemption log: by code fragment or offer title.
    Log {
        /// Code fragment or offer title fragment (empty: everything).
        #[arg(default_value = "")]
        search: String,
        /// Print one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Export the event's public key(s) as JSON, for verifying codes on another machine.
    Pubkey {
        /// Write to this file instead of printing.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Sign new codes with a fresh key from now on (codes issued before keep working).
    RotateKey,
}

impl ClaimAction {
    /// Whether the answer is one JSON value.
    pub fn json(&self) -> bool {
        matches!(
            self,
            ClaimAction::Verify { json: true, .. }
                | ClaimAction::Redeem { json: true, .. }
                | ClaimAction::Log { json: true, .. }
                | ClaimAction::Pubkey { .. }
        )
    }
}

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

fn refused(reason: String) -> Outcome {
    Outcome::Refused(json!({ "valid": false, "error": reason }), reason)
}

/// Runs a claim subcommand against the database.
pub fn run(pos: &mut Pos, action: &ClaimAction) -> anyhow::Result<Outcome> {
    Ok(match action {
        ClaimAction::Verify {
            code,
            pubkey: Some(file),
            ..
        } => verify_offline(file, code, pos.now()),
        ClaimAction::Verify { code, .. } => match pos.check_claim(code) {
            Ok(s) if s.units_left > 0 => Outcome::Done(
                json!({ "valid": true, "code": s.code, "title": s.title, "quantity": s.quantity,
                        "redeemed": s.redemptions.last(),
                        "units_left": s.units_left, "valid_until": s.valid_until, "redemptions": s.redemptions }),
                format!(
                    "valid: {} of {} × {} left",
                    s.units_left, s.quantity, s.title
                ),
            ),
            Ok(s) => {
                let last = s.redemptions.last();
                let reason = match last {
                    Some(r) => format!(
                        "already redeemed at {} on station {}{} ({})",
                        r.at,
                        r.station,
                        if r.helper.is_empty() {
                            String::new()
                        } else {
                            format!(" by {}", r.helper)
                        },
                        s.title
                    ),
                    None => format!("nothing left on this code ({})", s.title),
                };
                Outcome::Refused(
                    json!({ "valid": true, "code": s.code, "title": s.title, "units_left": 0,
                            "redeemed": s.redemptions.last(), "redemptions": s.redemptions, "error": reason }),
                    reason,
                )
            }
            Err(e) => refused(e.to_string()),
        },
        ClaimAction::Redeem { code, units, .. } => match pos.redeem_claim(code, *units) {
            Ok(r) => {
                let step = if r.held {
                    format!(
                        " — held for the fan; hand over with `encore claim hand-over {}`",
                        r.id
                    )
                } else {
                    String::new()
                };
                Outcome::Done(
                    json!({ "redeemed": true, "id": r.id, "title": r.title, "quantity": r.units, "units": r.units,
                            "units_left": r.units_left,
                            "held": r.held, "at": r.at, "station": r.station, "helper": r.helper }),
                    format!(
                        "redeemed: {} × {} at {} on {} ({} left){step}",
                        r.units, r.title, r.at, r.station, r.units_left
                    ),
                )
            }
            Err(e) => {
                let reason = e.to_string();
                Outcome::Refused(json!({ "redeemed": false, "error": reason }), reason)
            }
        },
        ClaimAction::HandOver { id } => match pos.hand_over(*id) {
            Ok(r) => Outcome::Done(json!(r), format!("handed over: {} × {}", r.units, r.title)),
            Err(e) => refused(e.to_string()),
        },
        ClaimAction::Undo { id } => match pos.undo_redemption(*id) {
            Ok(r) => Outcome::Done(
                json!(r),
                format!("undone: {} × {} can be claimed again", r.units, r.title),
            ),
            Err(e) => refused(e.to_string()),
        },
        ClaimAction::Log { search, .. } => {
            let lines = pos.redemption_log(search, None)?;
            let text = lines
                .iter()
                .map(|l| {
                    format!(
                        "#{} {} {} × {} {} {}{} {}",
                        l.id,
                        l.at,
                        l.units,
                        l.title,
                        l.station,
                        l.helper,
                        if l.helper.is_empty() { "" } else { " " },
                        l.status
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Outcome::Done(json!(lines), text)
        }
        ClaimAction::Pubkey { output } => {
            let event = pos.event();
            let file = KeyFile {
                format: "encore-claim-keys/1".into(),
                event_id: event.id,
                event: event.name.clone(),
                time_zone: event.time_zone.clone(),
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
            };
            let value = serde_json::to_value(&file)?;
            if let Some(path) = output {
                std::fs::write(path, serde_json::to_string_pretty(&file)?)?;
                Outcome::Done(
                    json!({ "file": path }),
                    format!("public keys written to {}", path.display()),
                )
            } else {
                Outcome::Done(value.clone(), value.to_string())
            }
        }
        ClaimAction::RotateKey => {
            let id = pos.rotate_claim_key()?;
            Outcome::Done(
                json!({ "key_id": id }),
                format!(
                    "new codes are signed with key {id}; codes issued before keep working. Export the keys again: encore claim pubkey"
                ),
            )
        }
    })
}

/// Verifies a code with an exported key file only: format, key, signature, event, expiry.
pub fn verify_offline(file: &Path, code: &str, now: jiff::Timestamp) -> Outcome {
    let keys: KeyFile = match std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(k) => k,
        Err(e) => return refused(format!("pubkey: cannot read {}: {e}", file.display())),
    };
    let lookup = |event: u16, key_id: u8| {
        (i64::from(event) == keys.event_id)
            .then(|| keys.keys.iter().find(|k| k.key_id == key_id))
            .flatten()
            .and_then(|k| HEXLOWER.decode(k.public_key.as_bytes()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    };
    let body = match claim::verify_with(code, lookup) {
        Ok(b) => b,
        Err(claim::ClaimError::UnknownKey { event, .. }) if i64::from(event) != keys.event_id => {
            return refused(format!(
                "invalid claim code: it belongs to another event (event {event}, the key file is for {})",
                keys.event
            ));
        }
        Err(e) => return refused(e.to_string()),
    };
    let title = keys
        .offers
        .iter()
        .find(|o| o.0 == i64::from(body.offer))
        .map_or_else(|| format!("offer {}", body.offer), |o| o.1.clone());
    let until = body.expires_at().map(|t| local_time(t, &keys.time_zone));
    if let Some(end) = body.expires_at()
        && now >= end
    {
        return refused(format!(
            "this claim code expired at {} ({title})",
            until.unwrap_or_default()
        ));
    }
    Outcome::Done(
        json!({ "valid": true, "event": keys.event, "title": title, "quantity": body.quantity,
                "station": format!("K{}", body.station), "serial": body.serial, "valid_until": until,
                "redemption": "unknown" }),
        format!(
            "valid signature: {} × {title} for {}, issued at K{}{}; redemption state unknown (checked without the database)",
            body.quantity,
            keys.event,
            body.station,
            until
                .map(|u| format!(", valid until {u}"))
                .unwrap_or_default()
        ),
    )
}
