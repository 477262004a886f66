//! `encore refund` and `encore pin`.

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use super::Outcome;
use crate::domain::order::ReceiptNo;
use crate::service::{Pos, RefundRequest, Role};

/// Roles as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Can do everything.
    Creator,
    /// Sells, runs the queue and redeems.
    Helper,
}

/// PIN subcommands.
#[derive(Debug, Subcommand)]
pub enum PinAction {
    /// Set a role's PIN (4–12 digits); needs the creator PIN once one is set.
    Set {
        /// Whose PIN.
        role: RoleArg,
        /// The new PIN.
        #[arg(long)]
        pin: String,
        /// The current creator PIN.
        #[arg(long)]
        creator_pin: Option<String>,
    },
}

fn refused(reason: String) -> Outcome {
    Outcome::Refused(json!({ "error": reason }), reason)
}

/// Refunds a receipt, whole or `OFFER=QTY` lines.
pub fn refund(pos: &mut Pos, number: &str, lines: &[String], pin: &str, reason: &str) -> Outcome {
    let receipt = match number.parse::<ReceiptNo>() {
        Ok(n) => n,
        Err(reason) => return refused(reason.to_string()),
    };
    let mut wanted = Vec::new();
    for line in lines {
        let parsed = line.split_once('=').and_then(|(o, q)| {
            Some((o.trim().parse::<i64>().ok()?, q.trim().parse::<u32>().ok()?))
        });
        match parsed {
            Some(pair) => wanted.push(pair),
            None => return refused(format!("line: '{line}' is not OFFER=QTY, e.g. 4=1")),
        }
    }
    let req = RefundRequest {
        receipt,
        lines: (!wanted.is_empty()).then_some(wanted),
        reason: reason.to_string(),
    };
    match pos.unlock(pin).and_then(|grant| pos.refund(&req, &grant)) {
        Ok(r) => {
            let back: Vec<_> = r
                .back
                .iter()
                .map(|(kind, m)| json!({ "method": kind.name(), "amount_minor": m.minor }))
                .collect();
            Outcome::Done(
                json!({
                    "refund": r.number, "receipt": r.original.to_string(), "amount_minor": r.amount.minor,
                    "currency": r.amount.currency.code(), "back": back,
                    // revoked_claims: the name scripts know (one unit per code before multi-unit codes).
                    "revoked_claims": r.revoked_units, "revoked_units": r.revoked_units,
                }),
                format!(
                    "refund {}: {} back ({}) for receipt {}, {} claim unit(s) revoked",
                    r.number,
                    r.amount,
                    r.back_text(),
                    r.original,
                    r.revoked_units
                ),
            )
        }
        Err(e) => refused(e.to_string()),
    }
}

/// Sets a PIN.
pub fn pin(pos: &mut Pos, action: &PinAction) -> Outcome {
    let PinAction::Set {
        role,
        pin,
        creator_pin,
    } = action;
    let role = match role {
        RoleArg::Creator => Role::Creator,
        RoleArg::Helper => Role::Helper,
    };
    let grant = match creator_pin.as_deref().map(|p| pos.unlock(p)).transpose() {
        Ok(grant) => grant,
        Err(e) => return refused(e.to_string()),
    };
    match pos.set_pin(role, pin, grant.as_ref()) {
        Ok(()) => Outcome::Done(json!({}), "PIN set".into()),
        Err(e) => refused(e.to_string()),
    }
}

/// Payment settings subcommands.
#[derive(Debug, Subcommand)]
pub enum PaymentAction {
    /// Set how fans pay by QR: the same scheme flags as `encore payload`, plus the creator PIN.
    Set {
        /// The profile, as `encore payload` flags (--scheme epc --name … --iban …).
        #[command(flatten)]
        fields: Box<super::PayloadArgs>,
        /// The creator's PIN.
        #[arg(long)]
        pin: String,
    },
    /// Show the current payment profile.
    Show {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

/// Shows or sets the event's payment profile.
pub fn payment(pos: &mut Pos, action: &PaymentAction) -> Outcome {
    match action {
        PaymentAction::Show { .. } => {
            let profile = &pos.event().payment;
            let text = match profile {
                Some(p) => serde_json::to_string_pretty(p).unwrap_or_default(),
                None => "no QR payment profile".into(),
            };
            Outcome::Done(json!({ "payment": profile }), text)
        }
        PaymentAction::Set { fields, pin } => {
            let profile = match super::payload::profile_from_flags(fields) {
                Ok(p) => p,
                Err(reason) => return refused(reason.to_string()),
            };
            match pos
                .unlock(pin)
                .and_then(|grant| pos.set_payment_profile(profile, &grant))
            {
                Ok(()) => Outcome::Done(
                    json!({ "payment": pos.event().payment }),
                    "payment profile saved".into(),
                ),
                Err(e) => refused(e.to_string()),
            }
        }
    }
}
