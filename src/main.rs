//! Parse args, open the store, hand over to the CLI or the kiosk — nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use encore::cli;
use encore::service::{Pos, system_clock};
use encore::store::Store;

fn main() -> ExitCode {
    let args = cli::parse();
    // Payload work and offline claim checks need no database.
    if let Some(code) = cli::run_without_db(&args) {
        return code;
    }
    match run(&args) {
        Ok(code) => code,
        Err(e) => cli::emit_failure(&e, args.json),
    }
}

fn run(args: &cli::Args) -> anyhow::Result<ExitCode> {
    let db = match args.db.clone() {
        Some(path) => path,
        None => default_db()?,
    };
    let opening = || format!("opening {}", db.display());
    let clock = system_clock();
    if let Some(cli::Command::Restore(restore)) = &args.command {
        let outcome = cli::trust::restore(&db, restore, clock, &args.station);
        return Ok(cli::emit(outcome, args.json));
    }
    if let Some(cli::Command::Serve(serve)) = &args.command {
        let outcome = cli::network::serve(&db, serve, clock, &args.station, args.json);
        return Ok(cli::emit(outcome, args.json));
    }
    match &args.command {
        Some(command) => {
            let store = if cli::reads_only(command) {
                Store::open_read_only(&db).with_context(opening)?
            } else if matches!(command, cli::Command::Receipt { .. }) {
                // A print is counted (the first is the original); off a file that cannot be
                // written it cannot be, and prints as a COPY.
                Store::open(&db)
                    .or_else(|_| Store::open_read_only(&db))
                    .with_context(opening)?
            } else {
                Store::open(&db).with_context(opening)?
            };
            Ok(cli::run(store, clock, args, command))
        }
        None => {
            let mut store = Store::open(&db).with_context(opening)?;
            // The kiosk seeds the demo on first start; `encore demo` does it on request.
            Pos::seed_demo_if_empty(&mut store, &clock, false)?;
            let mut pos = Pos::open(store, &args.station, clock)?;
            pos.set_helper(&args.helper)?;
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
