//! `encore claim`: verify, redeem (a unit at a time), hand over, undo, the redemption log, the
//! event's public keys and key rotation. Verifying elsewhere without the database: `keys.rs`.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::{CliError, Context, Outcome, Refusal, Reply};
use crate::domain::event::{Zone, local_clock, local_time};
use crate::service::{ClaimStatus, LogLine, Pos, Redeemed};

pub mod keys;

pub use keys::{KeyEntry, KeyFile, OfflineCheck, verify_offline};

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
        /// With --pubkey: refuse a key file whose fingerprint is not this one (as
        /// `encore claim pubkey` printed it).
        #[arg(long, value_name = "FP", requires = "pubkey")]
        fingerprint: Option<String>,
    },
    /// Redeem units of the code now (default 1); exit 1 if it is invalid or used up.
    Redeem {
        /// The code.
        code: String,
        /// Units to redeem.
        #[arg(long, default_value_t = 1)]
        units: u32,
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
    },
    /// Export the event's public key(s) as JSON, for verifying codes on another machine.
    Pubkey {
        /// Write to this file instead of printing.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Sign new codes with a fresh key from now on (codes issued before keep working; creator
    /// PIN).
    RotateKey {
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: super::pin::PinArgs,
    },
}

/// `claim verify`: a valid code and what is left of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimCheck {
    /// True: the code is genuine (a used-up code is genuine too, but refused).
    pub valid: bool,
    /// The canonical code.
    pub code: String,
    /// Offer title.
    pub title: String,
    /// Units the code was issued for.
    pub quantity: u32,
    /// The latest redemption, if any.
    pub redeemed: Option<Redemption>,
    /// Units still to redeem.
    pub units_left: u32,
    /// Local time the code stops working.
    pub valid_until: Option<String>,
    /// Live redemptions so far.
    pub redemptions: Vec<Redemption>,
}

impl ClaimCheck {
    /// The answer for `s`, times in the event's `zone`.
    fn of(s: ClaimStatus, zone: &Zone) -> ClaimCheck {
        let redemptions: Vec<Redemption> = s
            .redemptions
            .iter()
            .map(|r| Redemption::of(r, zone))
            .collect();
        ClaimCheck {
            valid: true,
            redeemed: redemptions.last().cloned(),
            code: s.code,
            title: s.title,
            quantity: s.quantity,
            units_left: s.units_left,
            valid_until: s.valid_until.map(|t| local_time(t, zone)),
            redemptions,
        }
    }
}

/// A redemption as scripts read it: when in the event's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redemption {
    /// Redemption id (for hand-over and undo).
    pub id: i64,
    /// Local wall-clock time in the event's zone (`21:04:10`).
    pub at: String,
    /// The instant, in UTC.
    pub at_utc: jiff::Timestamp,
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

impl Redemption {
    /// `r` with its time in `zone`.
    fn of(r: &Redeemed, zone: &Zone) -> Redemption {
        Redemption {
            id: r.id,
            at: local_clock(r.at, zone),
            at_utc: r.at,
            station: r.station.clone(),
            helper: r.helper.clone(),
            title: r.title.clone(),
            units: r.units,
            units_left: r.units_left,
            held: r.held,
        }
    }
}

/// A line of `claim log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogAnswer {
    /// Redemption id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Offer title.
    pub title: String,
    /// Units.
    pub units: u32,
    /// What became of it, in words: "held for the fan", "handed over 21:04:10".
    pub status: String,
    /// Local time of the redemption.
    pub at: String,
    /// Station code.
    pub station: String,
    /// Helper.
    pub helper: String,
}

impl LogAnswer {
    /// `l` with its times in `zone`.
    fn of(l: LogLine, zone: &Zone) -> LogAnswer {
        LogAnswer {
            status: l.status.describe(zone),
            at: local_clock(l.at, zone),
            id: l.id,
            code: l.code,
            title: l.title,
            units: l.units,
            station: l.station,
            helper: l.helper,
        }
    }
}

/// `claim redeem`: what was just redeemed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedeemAnswer {
    /// Always true in an answer (false in a refusal).
    pub redeemed: bool,
    /// Redemption id, for hand-over and undo.
    pub id: i64,
    /// Offer title.
    pub title: String,
    /// Units taken (the name scripts knew before `units`).
    pub quantity: u32,
    /// Units taken.
    pub units: u32,
    /// Units of the code left.
    pub units_left: u32,
    /// Held for the fan until handed over (drops).
    pub held: bool,
    /// Local time with the event's zone.
    pub at: String,
    /// Station code.
    pub station: String,
    /// Helper's name.
    pub helper: String,
}

/// `claim pubkey -o FILE`: where the keys went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeysWritten {
    /// The key file.
    pub file: PathBuf,
    /// The keys' fingerprint, to compare where the file is used.
    pub fingerprint: String,
}

/// `claim rotate-key`: the key new codes are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRotated {
    /// Its id inside the codes.
    pub key_id: u8,
}

/// What a refused claim command says about the code besides the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ClaimRefusal {
    /// Genuine but used up: its state.
    UsedUp(Box<ClaimCheck>),
    /// Not redeemed (`redeemed: false`).
    NotRedeemed {
        /// Always false.
        redeemed: bool,
    },
    /// Not a usable code (`valid: false`).
    Invalid {
        /// Always false.
        valid: bool,
    },
}

/// A refusal about a code that is not valid: `{"valid": false, "error": …}`.
fn invalid(e: impl std::fmt::Display) -> CliError {
    Refusal::with(
        e.to_string(),
        Context::Claim(ClaimRefusal::Invalid { valid: false }),
    )
}

/// Runs a claim subcommand against the database.
pub fn run(pos: &mut Pos, action: &ClaimAction) -> Outcome {
    match action {
        ClaimAction::Verify {
            code,
            pubkey: Some(file),
            fingerprint,
        } => verify_offline(file, code, fingerprint.as_deref(), pos.now()),
        ClaimAction::Verify { code, .. } => verify(pos, code),
        ClaimAction::Redeem { code, units } => redeem(pos, code, *units),
        ClaimAction::HandOver { id } => {
            let r = pos.hand_over(*id).map_err(invalid)?;
            let text = format!("handed over: {} × {}", r.units, r.title);
            Reply::new(&Redemption::of(&r, &pos.event().time_zone), text)
        }
        ClaimAction::Undo { id } => {
            let r = pos.undo_redemption(*id).map_err(invalid)?;
            let text = format!("undone: {} × {} can be claimed again", r.units, r.title);
            Reply::new(&Redemption::of(&r, &pos.event().time_zone), text)
        }
        ClaimAction::Log { search } => {
            let zone = pos.event().time_zone.clone();
            let lines: Vec<LogAnswer> = pos
                .redemption_log(search, None)?
                .into_iter()
                .map(|l| LogAnswer::of(l, &zone))
                .collect();
            let text = lines
                .iter()
                .map(|l| {
                    let by = if l.helper.is_empty() { "" } else { " " };
                    let (id, at, units, title) = (l.id, &l.at, l.units, &l.title);
                    format!(
                        "#{id} {at} {units} × {title} {} {}{by} {}",
                        l.station, l.helper, l.status
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Reply::new(&lines, text)
        }
        ClaimAction::Pubkey { output } => pubkey(pos, output.as_deref()),
        ClaimAction::RotateKey { pin } => {
            let grant = super::pin::unlock(pos, pin)?;
            let key_id = pos.rotate_claim_key(&grant)?;
            let text = format!(
                "new codes are signed with key {key_id}; codes issued before keep working. Export the keys again: encore claim pubkey"
            );
            Reply::new(&KeyRotated { key_id }, text)
        }
    }
}

fn verify(pos: &Pos, code: &str) -> Outcome {
    let status = pos.check_claim(code).map_err(invalid)?;
    let zone = &pos.event().time_zone;
    if status.units_left > 0 {
        let text = format!(
            "valid: {} of {} × {} left",
            status.units_left, status.quantity, status.title
        );
        return Reply::new(&ClaimCheck::of(status, zone), text);
    }
    let reason = match status.redemptions.last() {
        Some(r) => {
            let by = if r.helper.is_empty() {
                String::new()
            } else {
                format!(" by {}", r.helper)
            };
            format!(
                "already redeemed at {} on station {}{by} ({})",
                local_clock(r.at, zone),
                r.station,
                status.title
            )
        }
        None => format!("nothing left on this code ({})", status.title),
    };
    let state = ClaimRefusal::UsedUp(Box::new(ClaimCheck::of(status, zone)));
    Err(Refusal::with(reason, Context::Claim(state)))
}

fn redeem(pos: &mut Pos, code: &str, units: u32) -> Outcome {
    let r = pos.redeem_claim(code, units).map_err(|e| {
        let state = ClaimRefusal::NotRedeemed { redeemed: false };
        Refusal::with(e.to_string(), Context::Claim(state))
    })?;
    let at = local_clock(r.at, &pos.event().time_zone);
    let step = if r.held {
        format!(
            " — held for the fan; hand over with `encore claim hand-over {}`",
            r.id
        )
    } else {
        String::new()
    };
    let text = format!(
        "redeemed: {} × {} at {} on {} ({} left){step}",
        r.units, r.title, at, r.station, r.units_left
    );
    let answer = RedeemAnswer {
        redeemed: true,
        id: r.id,
        title: r.title,
        quantity: r.units,
        units: r.units,
        units_left: r.units_left,
        held: r.held,
        at,
        station: r.station,
        helper: r.helper,
    };
    Reply::new(&answer, text)
}

/// The key file is a document for machines, so it prints as JSON with or without `--json`.
fn pubkey(pos: &Pos, output: Option<&std::path::Path>) -> Outcome {
    let file = KeyFile::of(pos)?;
    match output {
        Some(path) => {
            let pretty = serde_json::to_string_pretty(&file)?;
            std::fs::write(path, pretty).map_err(|e| CliError::write(path, e))?;
            let written = KeysWritten {
                file: path.to_path_buf(),
                fingerprint: file.fingerprint.clone(),
            };
            // JSON with or without --json (scripts read it), the fingerprint included: the
            // value to compare on the machine that verifies (`--fingerprint`).
            let text = serde_json::to_string(&written)?;
            Reply::new(&written, text)
        }
        None => {
            let text = serde_json::to_string(&file)?;
            Reply::new(&file, text)
        }
    }
}
