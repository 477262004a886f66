//! `encore audit verify` and `encore restore`: checking the log's hash chain, and putting a
//! backup in place without handing out again what was issued after it.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use super::pin::PinArgs;
use super::{CliError, Outcome, Reply};
use crate::service::{Clock, Pos, PosError, restore_file};
use crate::store::Store;
use crate::store::audit::Chain;

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Walk the whole hash chain; exit 1 naming the first entry that breaks it.
    Verify,
}

/// `audit verify`: an intact chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditIntact {
    /// Always true in an answer.
    pub intact: bool,
    /// Entries checked.
    pub entries: u64,
    /// The newest entry's id.
    pub head_id: Option<i64>,
    /// The newest entry's hash, hex: the value to write down at the end of a night.
    pub head_hash: Option<String>,
}

/// Runs an audit subcommand.
pub fn audit(pos: &Pos, action: &AuditAction) -> Outcome {
    let AuditAction::Verify = action;
    let sealed = pos.audit_sealed()?;
    match pos.verify_audit()? {
        Chain::Broken { id, why } => Err(CliError::Input(format!(
            "the audit log is broken at entry {id}: {why}"
        ))),
        Chain::Intact { .. } if !sealed => Err(CliError::Input(
            "the audit log's chain is intact, but its protection was removed from the file \
             (someone dropped the triggers to edit it)"
                .into(),
        )),
        Chain::Intact { entries, head } => {
            let answer = AuditIntact {
                intact: true,
                entries,
                head_id: head.map(|(id, _)| id),
                head_hash: head.map(|(_, h)| data_encoding::HEXLOWER.encode(&h)),
            };
            let text = match &answer.head_hash {
                Some(hash) => format!("audit log intact: {entries} entries, head {hash}"),
                None => "audit log intact: no entries yet".to_string(),
            };
            Reply::new(&answer, text)
        }
    }
}

/// The `encore restore` flags.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file (from `encore backup` or the kiosk's backup folder).
    pub file: PathBuf,
    /// How the creator PIN of the database being replaced is read (when it has one).
    #[command(flatten)]
    pub pin: PinArgs,
}

/// `encore restore`: what was put in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreAnswer {
    /// The database file now holding the backup.
    pub database: PathBuf,
    /// Where the replaced database was kept.
    pub kept_aside: Option<PathBuf>,
    /// The backup's schema version.
    pub schema: i64,
    /// What opening the restored file found (numbers skipped, a new claim key).
    pub alerts: Vec<String>,
}

/// Restores `args.file` over the database at `db`: the creator PIN of the database being
/// replaced first (a restore undoes sales), then the checks and the swap; the restored file is
/// opened once so its counters catch up with the high-water mark before anyone sells.
pub fn restore(db: &Path, args: &RestoreArgs, clock: Clock, station: &str) -> Outcome {
    if db.exists() {
        let store = Store::open(db).map_err(PosError::from)?;
        let mut current = Pos::open(store, station, clock.clone())?;
        if current.has_creator_pin()? {
            super::pin::unlock(&mut current, &args.pin)?;
        }
    }
    let done = restore_file(db, &args.file, clock())?;
    // The backup is in place whatever the first open finds; a failure there is said, not
    // mistaken for a restore that did not happen.
    let opened = Store::open(db)
        .map_err(PosError::from)
        .and_then(|store| Pos::open(store, station, clock));
    let alerts = match opened {
        Ok(pos) => pos.alerts(),
        Err(e) => vec![format!("the restored file does not open yet: {e}")],
    };
    let mut text = format!("restored {} into {}", args.file.display(), db.display());
    if let Some(aside) = &done.kept_aside {
        text.push_str(&format!(
            "; the database it replaced is kept as {}",
            aside.display()
        ));
    }
    for alert in &alerts {
        text.push_str(&format!("\n{alert}"));
    }
    let answer = RestoreAnswer {
        database: db.to_path_buf(),
        kept_aside: done.kept_aside,
        schema: done.schema,
        alerts,
    };
    Reply::new(&answer, text)
}
