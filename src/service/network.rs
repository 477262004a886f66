//! The table's network: pairing phones as stations (a one-time token, good for two minutes,
//! becomes a revocable station token), the hub's address, fans' links and pages, and the
//! client ids that make a phone's retried write harmless.

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::field::{FieldError, check_text};
use crate::domain::network::{self, FanTicket, MAX_FAN_TOKEN};
use crate::domain::order::{Receipt, ReceiptNo};
use crate::store::network as store;

/// How long a pairing QR can be used.
pub const PAIRING_SECS: i64 = 120;
/// Phones a table can pair over an event (P1 … P56: their numbers sit in claim codes).
pub const MAX_PHONES: i64 = 56;
/// Longest client id a phone may send (a UUID is 36).
pub const MAX_CLIENT_ID: usize = 64;

/// A pairing token as the kiosk's QR and `encore pair` give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairingToken {
    /// The secret in the pairing link (shown once, kept only as a hash).
    pub token: String,
    /// Until when it can be used.
    pub expires_at: Timestamp,
}

/// A phone paired with the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone {
    /// Station code (P1, P2 …).
    pub code: String,
    /// The helper's name typed at pairing.
    pub helper: String,
    /// When it was paired.
    pub paired_at: Timestamp,
    /// When the creator revoked it.
    pub revoked_at: Option<Timestamp>,
}

impl Phone {
    fn of(row: store::PairedRow) -> Phone {
        let at = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        Phone {
            code: row.code,
            helper: row.helper,
            paired_at: at(row.paired_at),
            revoked_at: row.revoked_at.map(at),
        }
    }
}

/// What pairing gives the phone: its station and the token it signs in with from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    /// The new station.
    pub phone: Phone,
    /// The station token (shown once, kept only as a hash).
    pub token: String,
}

/// What a fan's page shows: their receipt, where their tickets stand, their codes.
#[derive(Debug, Clone, Serialize)]
pub struct FanPage {
    /// The receipt as printed.
    pub receipt: Receipt,
    /// Each of the order's tickets with its place in line.
    pub tickets: Vec<FanTicket>,
    /// The order's claim codes and whether each can still be used.
    pub claims: Vec<(String, String, bool)>,
}

/// A fresh random token (160 bits, lower-case base32) and its hash for the store.
fn new_token() -> (String, String) {
    let token = BASE32_NOPAD
        .encode(&rand::random::<[u8; 20]>())
        .to_ascii_lowercase();
    let hash = token_hash(&token);
    (token, hash)
}

/// How a token is kept: its SHA-256, so a copied database cannot sign a phone in.
fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.trim().as_bytes()))
}

impl Pos {
    /// A one-time pairing token, good for [`PAIRING_SECS`]: sharing a table's hub with a new
    /// phone is the creator's decision.
    pub fn pairing_token(&mut self, grant: &Grant) -> PosResult<PairingToken> {
        self.require(grant)?;
        let (token, hash) = new_token();
        let event = self.event.id;
        let expires_at = self.write(Role::Creator, |w| {
            let now = w.at().as_second();
            store::insert_pairing(w.tx(), event, &hash, (now, now + PAIRING_SECS))?;
            w.log(
                "network.pairing_token",
                "",
                json!({ "valid_secs": PAIRING_SECS }),
            )?;
            Ok(now + PAIRING_SECS)
        })?;
        Ok(PairingToken {
            token,
            expires_at: Timestamp::from_second(expires_at).unwrap_or(Timestamp::UNIX_EPOCH),
        })
    }

    /// Pairs a phone with a pairing token: once, before it expires, at this event. The phone
    /// becomes the next station P1, P2 … with a helper's rights and `helper`'s name.
    pub fn pair_phone(&mut self, pairing: &str, helper: &str) -> PosResult<Paired> {
        let helper = helper.trim();
        check_text("helper name", helper, 40)?;
        if helper.is_empty() {
            return Err(
                FieldError::new("helper name", "type your name, as the team knows you").into(),
            );
        }
        let pairing_hash = token_hash(pairing);
        // Unknown codes are refused on a read, so junk sent from the LAN never takes the
        // write lock; a known one is checked again inside the transaction.
        if store::pairing(self.store.conn(), &pairing_hash)?.is_none() {
            return Err(PosError::Refused(
                "pairing: this pairing code is not known here: scan the QR on the kiosk again"
                    .into(),
            ));
        }
        let (token, hash) = new_token();
        let (event, helper_name) = (self.event.id, helper.to_string());
        let code = self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at().as_second();
            let refused = |why: &str| PosError::Refused(format!("pairing: {why}"));
            let (token_event, expires_at, used) =
                store::pairing(tx, &pairing_hash)?.ok_or_else(|| {
                    refused("this pairing code is not known here: scan the QR on the kiosk again")
                })?;
            if token_event != event {
                return Err(refused("this pairing code is for another event"));
            }
            if used {
                return Err(refused(
                    "this pairing code was used already: show a new one on the kiosk",
                ));
            }
            if now > expires_at {
                return Err(refused(
                    "this pairing code expired: show a new one on the kiosk",
                ));
            }
            let n = store::next_phone_number(tx, event)?;
            if n > MAX_PHONES {
                return Err(refused("this event has paired 56 phones already"));
            }
            let code = format!("P{n}");
            let station = store::insert_phone(tx, event, &code, (&hash, &helper_name), now)?;
            if !store::use_pairing(tx, &pairing_hash, station)? {
                return Err(refused(
                    "this pairing code was used already: show a new one on the kiosk",
                ));
            }
            w.log("network.pair", &code, json!({ "helper": helper_name }))?;
            Ok(code)
        })?;
        let phone = self
            .phones()?
            .into_iter()
            .find(|p| p.code == code)
            .ok_or_else(|| PosError::Refused(format!("pairing: {code} was not kept")))?;
        Ok(Paired { phone, token })
    }

    /// The phone signed in with station token `token` at this event; revoked phones are
    /// refused, and an unknown token is None.
    pub fn phone_by_token(&self, token: &str) -> PosResult<Option<Phone>> {
        if token.len() > 64 {
            return Ok(None);
        }
        let found = store::phone_by_token(self.store.conn(), &token_hash(token))?;
        Ok(found
            .filter(|(event, _)| *event == self.event.id)
            .map(|(_, row)| Phone::of(row)))
    }

    /// Every phone paired at this event, revoked ones too.
    pub fn phones(&self) -> PosResult<Vec<Phone>> {
        Ok(store::phones(self.store.conn(), self.event.id)?
            .into_iter()
            .map(Phone::of)
            .collect())
    }

    /// Revokes a phone at once: its next request is refused.
    pub fn revoke_phone(&mut self, code: &str, grant: &Grant) -> PosResult<()> {
        self.require(grant)?;
        let (event, code) = (self.event.id, code.trim().to_ascii_uppercase());
        self.write(Role::Creator, |w| {
            if !store::revoke(w.tx(), event, &code, w.at().as_second())? {
                return Err(PosError::Refused(format!(
                    "{code} is not a paired phone, or it was revoked already"
                )));
            }
            w.log("network.revoke", &code, json!({}))
        })
    }

    /// The clock this station reads (the hub shares it, so tests agree on one clock).
    pub fn clock(&self) -> super::Clock {
        self.clock.clone()
    }

    /// The database file this station works on (the hub opens its own connections to it).
    pub fn database_path(&self) -> PosResult<std::path::PathBuf> {
        self.db_file()
    }

    /// The address the hub last served on (`http://192.168.1.20:8470`), empty before.
    pub fn hub_url(&self) -> PosResult<String> {
        Ok(store::hub(self.store.conn())?.1)
    }

    /// Records the address the hub serves on (empty: it stopped): fans' links point there.
    pub fn set_hub_url(&mut self, url: &str) -> PosResult<()> {
        check_text("hub address", url, 200)?;
        let url = url.trim_end_matches('/').to_string();
        let action = if url.is_empty() {
            "network.stop"
        } else {
            "network.serve"
        };
        self.write(Role::Helper, |w| {
            store::set_hub_url(w.tx(), &url)?;
            w.log(action, &url, json!({}))
        })
    }

    /// The token of an order's fan page.
    pub fn fan_token(&self, order_id: &str) -> PosResult<String> {
        let (secret, _) = store::hub(self.store.conn())?;
        network::fan_token(&secret, order_id).ok_or_else(|| {
            FieldError::new(
                "order id",
                "a UUID like 0190f3a2-7b1c-7d4e-8f00-1234567890ab",
            )
            .into()
        })
    }

    /// The link to an order's fan page on the hub, when a hub has served.
    pub fn fan_url(&self, order_id: &str) -> PosResult<Option<String>> {
        let (secret, url) = store::hub(self.store.conn())?;
        Ok(network::fan_token(&secret, order_id)
            .filter(|_| !url.is_empty())
            .map(|t| format!("{url}/fan/{t}")))
    }

    /// A fan's page for `token`; None for a token that is not one of this event's orders.
    pub fn fan_page(&self, token: &str) -> PosResult<Option<FanPage>> {
        if token.len() > MAX_FAN_TOKEN {
            return Ok(None);
        }
        let conn = self.store.conn();
        let (secret, _) = store::hub(conn)?;
        let Some(order_id) = network::order_of_token(&secret, token) else {
            return Ok(None);
        };
        let Some((station, seq, training)) = store::order_receipt(conn, self.event.id, &order_id)?
        else {
            return Ok(None);
        };
        if training {
            return Ok(None);
        }
        let receipt = self.receipt(&ReceiptNo { station, seq })?;
        let lanes = self.queue()?;
        let mut fan_tickets = Vec::new();
        for issued in &receipt.tickets {
            let Ok(ticket) = self.ticket(&issued.label) else {
                continue;
            };
            let waiting = lanes
                .iter()
                .find(|l| l.lane == ticket.label.lane)
                .map_or(&[][..], |l| l.waiting.as_slice());
            fan_tickets.push(network::fan_ticket(&ticket, waiting));
        }
        let mut claims = Vec::new();
        for c in &receipt.claims {
            let usable = matches!(self.check_claim(&c.code), Ok(s) if s.units_left > 0);
            claims.push((c.code.clone(), c.title.clone(), usable));
        }
        Ok(Some(FanPage {
            receipt,
            tickets: fan_tickets,
            claims,
        }))
    }

    /// Runs one of a phone's writes under its client id: the first time it is done; a retry
    /// (the phone did not hear the answer) is not done again and gets the first answer back.
    /// The id is recorded in the same transaction as the write it guards.
    pub fn once<T, F>(&mut self, client_id: &str, write: F) -> PosResult<(T, bool)>
    where
        T: Serialize + serde::de::DeserializeOwned,
        F: FnOnce(&mut Pos) -> PosResult<T>,
    {
        let id = client_id.trim();
        if id.is_empty()
            || id.len() > MAX_CLIENT_ID
            || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(
                FieldError::new("client id", "1 to 64 letters, digits or dashes (a UUID)").into(),
            );
        }
        if let Some(reply) = self.kept_reply(id)? {
            return Ok((reply, true));
        }
        self.request = Some(id.to_string());
        let out = write(self);
        let claimed = self.request.take().is_none();
        match out {
            Ok(value) => {
                // The write is committed: keeping its answer for retries is best effort (a
                // retry without one is told it was done, and nothing is done twice).
                if let Ok(text) = serde_json::to_string(&value) {
                    let station = self.station_id;
                    let _ = self.write(Role::Helper, |w| {
                        Ok(store::keep_reply(w.tx(), station, id, &text)?)
                    });
                }
                Ok((value, false))
            }
            Err(PosError::Repeated) if claimed => match self.kept_reply(id)? {
                Some(reply) => Ok((reply, true)),
                None => Err(PosError::Refused(
                    "this was done already; its answer was lost: refresh to see where things stand"
                        .into(),
                )),
            },
            Err(e) => Err(e),
        }
    }

    fn kept_reply<T: serde::de::DeserializeOwned>(&self, id: &str) -> PosResult<Option<T>> {
        store::reply(self.store.conn(), self.station_id, id)?
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| PosError::Refused(format!("kept answer unreadable: {e}")))
            })
            .transpose()
    }

    /// A stored receipt with the link to its fan's page (when a hub has served).
    pub(super) fn linked(&self, stored: crate::store::orders::StoredReceipt) -> PosResult<Receipt> {
        let fan_url = match stored.training {
            true => None,
            false => self.fan_url(&stored.order_id)?,
        };
        Ok(Receipt {
            fan_url,
            ..super::sell::receipt_of(&self.event, stored)
        })
    }

    /// A counter that moves whenever any station commits: live pages poll it.
    pub fn data_version(&self) -> PosResult<i64> {
        Ok(store::data_version(self.store.conn())?)
    }
}
