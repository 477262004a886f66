//! How the command line takes a PIN: never as a flag value (it would show in `ps` and in the
//! shell history). With `--pin-stdin` the PINs are the first lines of stdin; otherwise they are
//! asked on the terminal without echo.

use std::io::{BufRead, IsTerminal};

use super::CliError;
use crate::service::{Grant, Pos};

/// The PIN flag every creator command flattens in.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PinArgs {
    /// Read the creator PIN from the first line of stdin (scripts); otherwise it is asked on
    /// the terminal.
    #[arg(long)]
    pub pin_stdin: bool,
}

/// Longest line read as a PIN: PINs are 12 digits at most, a longer line is refused unread.
const MAX_LINE: usize = 64;

/// Reads PINs in the order `prompts` names them: from stdin lines with `--pin-stdin`, else from
/// the terminal (no echo). Refused when neither is possible.
pub fn read_pins(args: &PinArgs, prompts: &[&str]) -> Result<Vec<String>, CliError> {
    if args.pin_stdin {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock();
        let mut out = Vec::new();
        for prompt in prompts {
            let mut line = String::new();
            std::io::Read::take(&mut lines, MAX_LINE as u64 + 1)
                .read_line(&mut line)
                .map_err(|e| CliError::Input(format!("cannot read {prompt} from stdin: {e}")))?;
            if line.len() > MAX_LINE {
                return Err(CliError::Input(format!(
                    "{prompt}: a line of at most 12 digits"
                )));
            }
            let pin = line.trim_end_matches(['\n', '\r']).to_string();
            if pin.is_empty() {
                return Err(CliError::Input(format!(
                    "{prompt}: missing from stdin (one PIN per line)"
                )));
            }
            out.push(pin);
        }
        return Ok(out);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(
            "this needs the creator PIN: type it at a terminal, or pass --pin-stdin and send it on stdin"
                .into(),
        ));
    }
    prompts
        .iter()
        .map(|prompt| {
            rpassword::prompt_password(format!("{prompt}: "))
                .map_err(|e| CliError::Input(format!("cannot read {prompt}: {e}")))
        })
        .collect()
}

/// Reads the creator PIN and unlocks the open event with it.
pub fn unlock(pos: &mut Pos, args: &PinArgs) -> Result<Grant, CliError> {
    let pin = read_pins(args, &["creator PIN"])?.remove(0);
    Ok(pos.unlock(&pin)?)
}
