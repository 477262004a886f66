//! `encore backup`: a checked copy of the database, made while other stations go on selling.

use std::path::PathBuf;

use serde::Serialize;

use super::{Outcome, Reply};
use crate::service::Pos;

/// The `encore backup` flags.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The copy to write; it must not exist yet [default: a new file named after the event and
    /// the UTC time in the `backups` folder beside the database].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What `encore backup` answers.
#[derive(Debug, Serialize)]
pub struct BackupAnswer {
    /// The copy.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The schema version it holds.
    pub schema_version: i64,
    /// `PRAGMA integrity_check` of the copy.
    pub integrity: String,
}

/// Makes the copy and checks it.
pub fn run(pos: &Pos, args: &BackupArgs) -> Outcome {
    let info = pos.backup_now(args.output.as_deref())?;
    let text = format!(
        "backup written to {} ({} bytes, schema {}, integrity check: {})",
        info.file.display(),
        info.bytes,
        info.schema_version,
        info.integrity
    );
    let answer = BackupAnswer {
        file: info.file,
        bytes: info.bytes,
        schema_version: info.schema_version,
        integrity: info.integrity,
    };
    Reply::new(&answer, text)
}
