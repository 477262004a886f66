//! `encore refund`, `encore pin` and `encore payment`.

use clap::Subcommand;
use serde::Serialize;

use super::CliError;
use super::pin::{PinArgs, read_pins};
use super::{Outcome, RefundArgs, Reply};
use crate::domain::order::ReceiptNo;
use crate::domain::payment::PaymentProfile;
use crate::service::{Grant, Pos, RefundRequest};

/// PIN subcommands.
#[derive(Debug, Subcommand)]
pub enum PinAction {
    /// Set the creator PIN (6–12 digits): asked twice on the terminal, after the current one
    /// when one is set. With --pin-stdin: the new PIN on the first line, the current one on the
    /// second.
    Set {
        /// How the PINs are read.
        #[command(flatten)]
        pin: PinArgs,
    },
}

/// Payment settings subcommands.
#[derive(Debug, Subcommand)]
pub enum PaymentAction {
    /// Set how fans pay by QR: the same scheme flags as `encore payload`, plus the creator PIN.
    Set {
        /// The profile, as `encore payload` flags (--scheme epc --name … --iban …).
        #[command(flatten)]
        fields: Box<super::PayloadArgs>,
        /// How the creator PIN is read.
        #[command(flatten)]
        pin: PinArgs,
    },
    /// Show the current payment profile.
    Show,
}

/// Money going back one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackAnswer {
    /// `cash`, `qr`, `card` or `credit`.
    pub method: &'static str,
    /// Minor units.
    pub amount_minor: i64,
}

/// `encore refund`: the committed refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundAnswer {
    /// Refund number, `K1-R000001`.
    pub refund: String,
    /// The receipt refunded.
    pub receipt: ReceiptNo,
    /// Money back, minor units.
    pub amount_minor: i64,
    /// ISO-4217 code.
    pub currency: &'static str,
    /// How the money goes back.
    pub back: Vec<BackAnswer>,
    /// Claim units revoked (the name scripts knew before multi-unit codes).
    pub revoked_claims: u32,
    /// Claim units revoked.
    pub revoked_units: u32,
    /// The refund receipt's PDF, when one was asked for and written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<std::path::PathBuf>,
}

/// `encore pin set`: done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PinSet {
    /// Always true.
    pub set: bool,
}

/// `encore payment`: the event's QR payment profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentAnswer {
    /// The profile, or null when fans cannot pay by QR.
    pub payment: Option<PaymentProfile>,
}

/// Refunds a receipt, whole or `OFFER=QTY` lines.
pub fn refund(pos: &mut Pos, args: &RefundArgs) -> Outcome {
    let wanted: Vec<(i64, u32)> = args.lines.iter().map(|l| (l.offer, l.qty)).collect();
    let req = RefundRequest {
        receipt: args.number.clone(),
        lines: (!wanted.is_empty()).then_some(wanted),
        reason: args.reason.clone(),
    };
    let grant = super::pin::unlock(pos, &args.pin)?;
    let r = pos.refund(&req, &grant)?;
    let mut text = format!(
        "refund {}: {} back ({}) for receipt {}, {} claim unit(s) revoked",
        r.number,
        r.amount,
        r.back_text(),
        r.original,
        r.revoked_units
    );
    let mut file = None;
    if let Some(output) = &args.output {
        // The refund is committed: a receipt that cannot be written is said, not an error.
        match refund_receipt(pos, &r, args.a4, output) {
            Ok(()) => {
                text.push_str(&format!("; refund receipt written to {}", output.display()));
                file = Some(output.clone());
            }
            Err(e) => text.push_str(&format!("; the refund receipt could not be written: {e}")),
        }
    }
    let answer = RefundAnswer {
        back: r
            .back
            .iter()
            .map(|(kind, m)| BackAnswer {
                method: kind.name(),
                amount_minor: m.minor,
            })
            .collect(),
        refund: r.number,
        receipt: r.original,
        amount_minor: r.amount.minor,
        currency: r.amount.currency.code(),
        revoked_claims: r.revoked_units,
        revoked_units: r.revoked_units,
        file,
    };
    Reply::new(&answer, text)
}

/// Writes the refund receipt at 80 mm or on A4.
fn refund_receipt(
    pos: &Pos,
    r: &crate::domain::refund::Refund,
    a4: bool,
    output: &std::path::Path,
) -> Result<(), CliError> {
    let e = pos.event();
    let pdf = if a4 {
        crate::pdf::refund_a4_pdf(r, &e.name, &e.venue, &e.time_zone)?
    } else {
        crate::pdf::refund_pdf(r, &e.name, &e.venue, &e.time_zone)?
    };
    std::fs::write(output, &pdf).map_err(|e| CliError::write(output, e))
}

/// Sets the creator PIN.
pub fn pin(pos: &mut Pos, action: &PinAction) -> Outcome {
    let PinAction::Set { pin } = action;
    let current = pos.has_creator_pin()?;
    if pin.pin_stdin {
        let prompts: &[&str] = if current {
            &["new creator PIN", "current creator PIN"]
        } else {
            &["new creator PIN"]
        };
        let mut lines = read_pins(pin, prompts)?;
        let grant = lines.get(1).map(|old| pos.unlock(old)).transpose()?;
        return set(pos, &lines.swap_remove(0), grant.as_ref());
    }
    // At a terminal the current PIN comes first, as people expect, and the new one twice.
    let grant = current.then(|| super::pin::unlock(pos, pin)).transpose()?;
    let typed = read_pins(pin, &["new creator PIN", "new creator PIN again"])?;
    if typed[0] != typed[1] {
        return Err(CliError::Input(
            "the two new PINs differ: nothing changed".into(),
        ));
    }
    set(pos, &typed[0], grant.as_ref())
}

fn set(pos: &mut Pos, new_pin: &str, grant: Option<&Grant>) -> Outcome {
    pos.set_pin(new_pin, grant)?;
    Reply::new(&PinSet { set: true }, "creator PIN set")
}

/// Shows or sets the event's payment profile.
pub fn payment(pos: &mut Pos, action: &PaymentAction) -> Outcome {
    match action {
        PaymentAction::Show => {
            let profile = pos.event().payment.clone();
            let text = match &profile {
                Some(p) => serde_json::to_string_pretty(p)?,
                None => "no QR payment profile".into(),
            };
            Reply::new(&PaymentAnswer { payment: profile }, text)
        }
        PaymentAction::Set { fields, pin } => {
            let profile = super::payload::profile_from_flags(fields)?;
            let grant = super::pin::unlock(pos, pin)?;
            pos.set_payment_profile(profile, &grant)?;
            let answer = PaymentAnswer {
                payment: pos.event().payment.clone(),
            };
            Reply::new(&answer, "payment profile saved")
        }
    }
}
