//! What a command gives back and the one place it is printed: an answer (exit 0) or a refusal
//! (exit 1, or 2 for bad usage), as one JSON value under `--json` or as text for people.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use serde_json::Value;

use crate::domain::catalogue_file::FileError;
use crate::domain::field::{FieldError, escape_steering, is_steering};
use crate::domain::order::TenderError;
use crate::domain::payment::DecodeError;
use crate::domain::reconcile::StatementError;
use crate::pdf::PdfError;
use crate::service::{ImportReport, PosError};

use super::claim::ClaimRefusal;
use super::lottery::VerifyAnswer;

/// A command's answer, ready to print either way.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The answer's JSON form.
    value: Value,
    /// The answer for people.
    text: String,
}

impl Reply {
    /// An answer: `body` for scripts, `text` for people.
    pub fn new(body: &impl Serialize, text: impl Into<String>) -> Result<Reply, CliError> {
        Ok(Reply {
            value: serde_json::to_value(body)?,
            text: text.into(),
        })
    }
}

/// What a command ends with.
pub type Outcome = Result<Reply, CliError>;

/// Why a command did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The service refused, or the store failed.
    #[error(transparent)]
    Pos(#[from] PosError),
    /// A value broke its field's rule.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A catalogue file that cannot be read or written as a whole.
    #[error(transparent)]
    Catalogue(#[from] FileError),
    /// A bank statement that cannot be read.
    #[error(transparent)]
    Statement(#[from] StatementError),
    /// A payment payload that does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The input was refused with this reason (a currency code, an empty lane).
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written.
    #[error("cannot {verb} {}: {source}", .path.display())]
    File {
        /// `read` or `write`.
        verb: &'static str,
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file that was not read (missing, unreadable, over its size cap).
    #[error(transparent)]
    Read(#[from] crate::files::ReadError),
    /// A PDF could not be made.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// A QR image could not be made.
    #[error(transparent)]
    Image(#[from] png::EncodingError),
    /// A QR code did not fit.
    #[error(transparent)]
    Qr(#[from] crate::domain::qr::QrTooLong),
    /// An answer could not be put into JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A flag that the other flags make necessary is missing (bad usage, exit 2).
    #[error("{0}")]
    Usage(String),
    /// A refusal that carries what the command found out.
    #[error("{}", .0.error)]
    Refused(Box<Refusal>),
}

impl CliError {
    /// Reading `path` failed.
    pub fn read(path: impl Into<PathBuf>, source: std::io::Error) -> CliError {
        CliError::File {
            verb: "read",
            path: path.into(),
            source,
        }
    }

    /// Writing `path` failed.
    pub fn write(path: impl Into<PathBuf>, source: std::io::Error) -> CliError {
        CliError::File {
            verb: "write",
            path: path.into(),
            source,
        }
    }
}

/// The one shape of every refusal: `{"error": …}`, the field at fault when there is one, and
/// what the command found out when that helps (a claim's state, an import's rows).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// The reason, worded for the operator.
    pub error: String,
    /// The flag or field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What the command found out besides the reason.
    #[serde(flatten)]
    pub context: Option<Context>,
    /// More lines for people, printed on stderr under the reason (every bad row of a file).
    #[serde(skip)]
    pub notes: Vec<String>,
    /// Bad usage (exit 2) rather than a refused operation (exit 1).
    #[serde(skip)]
    pub usage: bool,
}

/// What a refusal may carry besides its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Context {
    /// A claim code's state (`valid`, `redeemed`, units left…).
    Claim(ClaimRefusal),
    /// The rows of a catalogue file that was not imported.
    Import(ImportReport),
    /// A lottery seed that does not give the recorded draw.
    Lottery(VerifyAnswer),
}

impl Refusal {
    /// A refusal with only a reason.
    pub fn new(error: impl Into<String>) -> Refusal {
        Refusal {
            error: error.into(),
            field: None,
            context: None,
            notes: Vec::new(),
            usage: false,
        }
    }

    /// A refusal with a reason and what the command found out.
    pub fn with(error: impl Into<String>, context: Context) -> CliError {
        CliError::Refused(Box::new(Refusal {
            context: Some(context),
            ..Refusal::new(error)
        }))
    }
}

impl From<CliError> for Refusal {
    fn from(e: CliError) -> Refusal {
        match e {
            CliError::Refused(r) => *r,
            CliError::Field(f)
            | CliError::Pos(PosError::Invalid(f))
            | CliError::Pos(PosError::Tender(TenderError::Field(f))) => Refusal {
                field: Some(f.field.to_string()),
                ..Refusal::new(f.to_string())
            },
            CliError::Decode(DecodeError::Upi(u)) => Refusal {
                field: Some(u.param.clone()),
                ..Refusal::new(u.to_string())
            },
            CliError::Usage(reason) => Refusal {
                usage: true,
                ..Refusal::new(reason)
            },
            other => Refusal::new(other.to_string()),
        }
    }
}

/// Prints an outcome (one JSON value with `json`) and gives the exit code.
pub fn emit(outcome: Outcome, json: bool) -> ExitCode {
    match outcome {
        Ok(reply) => {
            if json {
                print_json(&reply.value);
            } else {
                print_line(&escape_steering(&reply.text, true));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let refusal = Refusal::from(e);
            eprintln!("refused: {}", escape_steering(&refusal.error, false));
            for note in &refusal.notes {
                eprintln!("{}", escape_steering(note, true));
            }
            if json {
                print_refusal(&refusal);
            }
            ExitCode::from(if refusal.usage { 2 } else { 1 })
        }
    }
}

/// A failure before any command ran (the database would not open): exit 1, still one JSON
/// value with `json`.
pub fn emit_failure(failure: &dyn Display, json: bool) -> ExitCode {
    let reason = format!("{failure:#}");
    eprintln!("encore: {}", escape_steering(&reason, true));
    if json {
        print_refusal(&Refusal::new(reason));
    }
    ExitCode::from(1)
}

/// Bad usage clap found: under `--json` its one JSON refusal names the flag, then clap prints
/// its message and help hint to stderr and exits 2 (help and version exit 0 as usual).
pub fn usage_error(e: &clap::Error, raw: &[OsString]) -> ! {
    if e.use_stderr() && asks_for_json(raw) {
        let message = e.render().to_string();
        let first = message.lines().next().unwrap_or_default();
        let field = e
            .get(clap::error::ContextKind::InvalidArg)
            .and_then(|arg| arg.to_string().split_whitespace().next().map(plain_name));
        print_refusal(&Refusal {
            field,
            usage: true,
            ..Refusal::new(first.strip_prefix("error: ").unwrap_or(first))
        });
    }
    e.exit()
}

/// `--tendered` stays `--tendered`; a positional `<NUMBER>` is `number`.
fn plain_name(arg: &str) -> String {
    match arg.strip_prefix('<').and_then(|a| a.strip_suffix('>')) {
        Some(name) => name.to_lowercase(),
        None => arg.to_string(),
    }
}

/// Whether `--json` is among the raw arguments (before a `--`).
fn asks_for_json(raw: &[OsString]) -> bool {
    raw.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

fn print_refusal(refusal: &Refusal) {
    match serde_json::to_value(refusal) {
        Ok(value) => print_json(&value),
        Err(_) => print_json(&serde_json::json!({ "error": refusal.error })),
    }
}

/// One JSON value on stdout. serde_json escapes C0 controls; DEL, C1 controls and direction
/// marks it leaves raw are escaped too, so text from an old database never steers a terminal.
fn print_json(value: &Value) {
    print_line(&json_text(value));
}

fn json_text(value: &Value) -> String {
    let text = value.to_string();
    if !text.chars().any(is_steering) {
        return text;
    }
    // Outside strings a JSON text is plain ASCII, so each such character is inside a string,
    // where `\uXXXX` reads back as the same character (all of them are in the BMP).
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_steering(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// One line on stdout; a closed pipe (`encore … | head`) is not worth a panic.
fn print_line(line: &dyn Display) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_the_one_shape() {
        let field = Refusal::from(CliError::Field(FieldError::new("tip", "enter an amount")));
        assert_eq!(
            serde_json::to_value(&field).unwrap(),
            serde_json::json!({ "error": "tip: enter an amount", "field": "tip" })
        );
        let plain = Refusal::from(CliError::Input("nobody is waiting in lane A".into()));
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            serde_json::json!({ "error": "nobody is waiting in lane A" })
        );
        assert!(Refusal::from(CliError::Usage("--scheme is required".into())).usage);
    }

    #[test]
    fn printed_answers_never_carry_raw_steering_characters() {
        let value = serde_json::json!({ "title": "a\u{1b}[2J\u{9b}\u{202e}\u{7f}b" });
        let text = json_text(&value);
        assert!(!text.chars().any(is_steering), "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn json_is_asked_for_before_a_double_dash_only() {
        let raw = |args: &[&str]| args.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(asks_for_json(&raw(&["encore", "sell", "--json"])));
        assert!(!asks_for_json(&raw(&[
            "encore", "member", "add", "--", "--json"
        ])));
    }

    #[test]
    fn a_usage_refusal_names_flags_as_typed_and_positionals_plainly() {
        assert_eq!(plain_name("--tendered"), "--tendered");
        assert_eq!(plain_name("<NUMBER>"), "number");
    }
}
