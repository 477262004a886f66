//! `encore serve` (the table's hub without a window) and `encore pair` (a pairing link for a
//! phone, for scripts and tests). Both take the creator PIN: sharing the table is hers.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;

use serde::Serialize;

use super::{CliError, Outcome, Reply};
use crate::service::{Clock, Pos, PosError};
use crate::store::Store;
use crate::web::{DEFAULT_PORT, Server};

/// The `encore serve` flags.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Where to listen [default: every network card, port 8470].
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,
    /// Do not announce the hub by mDNS (`_encore._tcp`).
    #[arg(long)]
    pub no_mdns: bool,
    /// How the creator PIN is read.
    #[command(flatten)]
    pub pin: super::pin::PinArgs,
}

/// The `encore pair` flags.
#[derive(Debug, clap::Args)]
pub struct PairArgs {
    /// How the creator PIN is read.
    #[command(flatten)]
    pub pin: super::pin::PinArgs,
}

/// What `encore serve` prints once it listens.
#[derive(Debug, Serialize)]
pub struct Serving {
    /// The address phones open.
    pub url: String,
    /// The socket it listens on.
    pub listen: SocketAddr,
    /// Whether mDNS announces it.
    pub announced: bool,
}

/// What `encore pair` answers.
#[derive(Debug, Serialize)]
pub struct PairLink {
    /// The link a phone opens (the kiosk shows it as a QR).
    pub url: String,
    /// The one-time token in it.
    pub token: String,
    /// Until when it can be used.
    pub expires_at: jiff::Timestamp,
}

/// Serves the hub until the process is stopped; prints the address first (one JSON line with
/// `--json`). Returns only when it could not start.
pub fn serve(db: &Path, args: &ServeArgs, clock: Clock, station: &str, json: bool) -> Outcome {
    {
        let store = Store::open(db).map_err(PosError::from)?;
        let mut pos = Pos::open(store, station, clock.clone())?;
        super::pin::unlock(&mut pos, &args.pin)?;
    }
    let bind = args
        .bind
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT)));
    let server = Server::start(db, station, clock, (bind, !args.no_mdns))
        .map_err(|e| CliError::Input(e.to_string()))?;
    let serving = Serving {
        url: server.url().to_string(),
        listen: server.addr(),
        announced: server.announced(),
    };
    let line = if json {
        serde_json::to_string(&serving).unwrap_or_default()
    } else {
        let mdns = if serving.announced {
            ", announced as _encore._tcp"
        } else {
            ""
        };
        format!(
            "serving the table at {}{mdns}\npair a phone: encore pair (or Settings → Share on this network in the kiosk)\nfans' pages and the board: {}/board\nstop with Ctrl-C",
            serving.url, serving.url
        )
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    drop(out);
    server.wait();
    Err(CliError::Input("the hub stopped".into()))
}

/// A pairing link for a phone: one use, two minutes.
pub fn pair(pos: &mut Pos, args: &PairArgs) -> Outcome {
    let grant = super::pin::unlock(pos, &args.pin)?;
    let hub = pos.hub_url()?;
    if hub.is_empty() {
        return Err(CliError::Input(
            "no hub has served from this database yet: start `encore serve` (or Share on this network in the kiosk) first".into(),
        ));
    }
    let token = pos.pairing_token(&grant)?;
    let link = PairLink {
        url: format!("{hub}/pair/{}", token.token),
        token: token.token,
        expires_at: token.expires_at,
    };
    let text = format!("open on the phone within 2 minutes (once): {}", link.url);
    Reply::new(&link, text)
}
