//! `encore refund`, `encore pin` and `encore payment`.

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::{Outcome, RefundArgs, Reply};
use crate::domain::order::ReceiptNo;
use crate::domain::payment::PaymentProfile;
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
    let grant = pos.unlock(&args.pin)?;
    let r = pos.refund(&req, &grant)?;
    let text = format!(
        "refund {}: {} back ({}) for receipt {}, {} claim unit(s) revoked",
        r.number,
        r.amount,
        r.back_text(),
        r.original,
        r.revoked_units
    );
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
    };
    Reply::new(&answer, text)
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
    // An event's first PIN needs none; a PIN typed anyway is not checked against nothing.
    let grant = match creator_pin.as_deref() {
        Some(p) if pos.has_creator_pin()? => Some(pos.unlock(p)?),
        _ => None,
    };
    pos.set_pin(role, pin, grant.as_ref())?;
    Reply::new(&PinSet { set: true }, "PIN set")
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
            let grant = pos.unlock(pin)?;
            pos.set_payment_profile(profile, &grant)?;
            let answer = PaymentAnswer {
                payment: pos.event().payment.clone(),
            };
            Reply::new(&answer, "payment profile saved")
        }
    }
}
