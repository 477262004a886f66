//! Parse args, open the store, hand over to the CLI or the kiosk — nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use encore::cli::{self, Args, Command};
use encore::service::{Pos, system_clock};
use encore::store::Store;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("encore: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Payload work and offline claim checks need no database.
    if let Some(done) = args.command.as_ref().and_then(cli::run_without_db) {
        return done;
    }
    let db = match args.db.clone() {
        Some(path) => path,
        None => default_db()?,
    };
    let mut store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let clock = system_clock();
    // The kiosk seeds the demo on first start; `encore demo` does it on request.
    if matches!(args.command, None | Some(Command::Demo)) {
        Pos::seed_demo_if_empty(
            &mut store,
            &clock,
            matches!(args.command, Some(Command::Demo)),
        )?;
    }
    let mut pos = Pos::open(store, &args.station, clock)?;
    pos.set_helper(&args.helper);
    match &args.command {
        Some(command) => cli::run(&mut pos, command),
        None => {
            encore::ui::run_kiosk(pos, &db, args.fullscreen)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `$XDG_DATA_HOME/encore/encore.db` (usually ~/.local/share/encore/encore.db).
fn default_db() -> anyhow::Result<PathBuf> {
    let dir =
        dirs::data_dir().context("no data folder: set XDG_DATA_HOME or HOME, or pass --db PATH")?;
    Ok(dir.join("encore").join("encore.db"))
}
