//! Share on this network (creator PIN): the kiosk becomes the table's hub. It shows the address
//! as a QR (it works where mDNS does not), a QR that joins the table's Wi-Fi, a one-time
//! pairing QR for a helper's phone, and the paired phones, each revocable at once.

use std::net::SocketAddr;
use std::sync::Arc;

use egui::RichText;
use jiff::Timestamp;

use super::SettingsOp;
use crate::domain::network::wifi_payload;
use crate::domain::qr::{QrMatrix, QrMode};
use crate::service::{Phone, Pos, PosResult};
use crate::ui::Command;
use crate::ui::ctx::Fx;
use crate::ui::widgets;
use crate::web::{DEFAULT_PORT, Server};

/// What the network panel asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkOp {
    /// Start serving (checks the creator PIN).
    Share,
    /// Stop serving.
    Stop,
    /// Show a new pairing QR (checks the creator PIN).
    Pair,
    /// Revoke a phone (checks the creator PIN).
    Revoke(String),
}

/// The running hub and the panel's fields.
#[derive(Clone, Default)]
pub struct NetworkDraft {
    /// The hub while sharing is on (shared so the screen state stays cloneable).
    server: Option<Arc<Server>>,
    /// The pairing link on show and until when it works.
    pairing: Option<(String, Timestamp)>,
    /// The table's Wi-Fi, for the joining QR (not stored).
    pub ssid: String,
    /// Its password.
    pub password: String,
    /// Creator PIN.
    pub pin: String,
    /// The paired phones as last read.
    pub phones: Vec<Phone>,
}

impl std::fmt::Debug for NetworkDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkDraft")
            .field(
                "serving",
                &self.server.as_ref().map(|s| s.url().to_string()),
            )
            .field("phones", &self.phones.len())
            .finish_non_exhaustive()
    }
}

impl NetworkDraft {
    /// The panel, not sharing, listing `phones`.
    pub fn of(phones: Vec<Phone>) -> NetworkDraft {
        NetworkDraft {
            phones,
            ..NetworkDraft::default()
        }
    }

    /// The address phones open, while sharing.
    pub fn url(&self) -> Option<&str> {
        self.server.as_deref().map(Server::url)
    }

    /// The pairing link on show, if any.
    pub fn pairing_link(&self) -> Option<&str> {
        self.pairing.as_ref().map(|(link, _)| link.as_str())
    }

    /// Applies one of the panel's ops.
    pub fn apply(&mut self, op: NetworkOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let pin = std::mem::take(&mut self.pin);
        match op {
            NetworkOp::Share => {
                pos.unlock(&pin)?;
                let (station, db) = (pos.station().to_string(), pos.database_path()?);
                let start = |port: u16| {
                    let bind = SocketAddr::from(([0, 0, 0, 0], port));
                    Server::start(&db, &station, pos.clock(), (bind, true))
                };
                // Port 8470 unless another hub on this computer has it: then any free port
                // (the QR shows whichever it is).
                let started = start(DEFAULT_PORT).or_else(|_| start(0));
                match started {
                    Ok(server) => {
                        fx.good(format!(
                            "Sharing on this network: phones open {}",
                            server.url()
                        ));
                        self.server = Some(Arc::new(server));
                    }
                    Err(e) => fx.bad(format!("Could not share on this network: {e}")),
                }
            }
            NetworkOp::Stop => {
                self.server = None;
                self.pairing = None;
                fx.info("Not sharing: phones and fans' pages cannot reach this kiosk now");
            }
            NetworkOp::Pair => {
                let grant = pos.unlock(&pin)?;
                let token = pos.pairing_token(&grant)?;
                let url = format!("{}/pair/{}", self.url().unwrap_or_default(), token.token);
                self.pairing = Some((url, token.expires_at));
                fx.good("Scan the pairing QR with the helper's phone: once, within 2 minutes");
            }
            NetworkOp::Revoke(code) => {
                let grant = pos.unlock(&pin)?;
                pos.revoke_phone(&code, &grant)?;
                fx.good(format!("{code} is unpaired: its next request is refused"));
            }
        }
        self.phones = pos.phones()?;
        Ok(())
    }
}

fn qr(ui: &mut egui::Ui, text: &str, caption: &str) {
    ui.vertical(|ui| {
        if let Ok(m) = QrMatrix::encode(text, QrMode::Byte) {
            widgets::qr_ui(ui, &m, 180.0, &format!("QR code: {caption}"));
        }
        ui.label(RichText::new(caption).small());
    });
}

/// Draws the panel.
pub fn network_ui(ui: &mut egui::Ui, draft: &mut NetworkDraft, now: Timestamp) -> Vec<Command> {
    let mut commands = Vec::new();
    let op = |op| Command::Settings(SettingsOp::Network(op));
    ui.label(RichText::new("The table's network").strong());
    ui.label(
        "Helpers' phones become stations (sell, queue, redeem), fans follow their place on \
         their own phone, and /board shows who is being served on any screen. No internet \
         and no app needed: phones join this computer's Wi-Fi.",
    );
    let Some(url) = draft.url().map(str::to_string) else {
        ui.horizontal(|ui| {
            let label = "Creator PIN to share";
            if widgets::pin_and_button(ui, label, &mut draft.pin, "Share on this network") {
                commands.push(op(NetworkOp::Share));
            }
        });
        return commands;
    };
    ui.horizontal_wrapped(|ui| {
        qr(ui, &url, &format!("Phones open {url}"));
        if !draft.ssid.is_empty() {
            qr(
                ui,
                &wifi_payload(&draft.ssid, &draft.password),
                &format!("Join the Wi-Fi {}", draft.ssid),
            );
        }
        if let Some((link, until)) = &draft.pairing {
            let left = until.as_second() - now.as_second();
            if left > 0 {
                qr(ui, link, &format!("Pair a phone: once, {left} s left"));
            }
        }
    });
    widgets::field(
        ui,
        "Wi-Fi name",
        &mut draft.ssid,
        (0.0, 220.0),
        "for the joining QR",
    );
    widgets::field(
        ui,
        "Wi-Fi password",
        &mut draft.password,
        (0.0, 220.0),
        "empty: open network",
    );
    ui.horizontal_wrapped(|ui| {
        if widgets::pin_and_button(ui, "Creator PIN for phones", &mut draft.pin, "Pair a phone") {
            commands.push(op(NetworkOp::Pair));
        }
        if widgets::button(ui, "Stop sharing", 160.0) {
            commands.push(op(NetworkOp::Stop));
        }
    });
    for phone in &draft.phones {
        ui.horizontal(|ui| {
            let state = match phone.revoked_at {
                Some(_) => "unpaired",
                None => "paired",
            };
            ui.label(format!("{} · {} · {state}", phone.code, phone.helper));
            if phone.revoked_at.is_none()
                && !draft.pin.is_empty()
                && widgets::button(ui, format!("Unpair {}", phone.code), 140.0)
            {
                commands.push(op(NetworkOp::Revoke(phone.code.clone())));
            }
        });
    }
    if draft.phones.iter().any(|p| p.revoked_at.is_none()) && draft.pin.is_empty() {
        ui.label(RichText::new("Type the creator PIN above to unpair a phone.").small());
    }
    commands
}
