//! `encore member add|list|card`: loyal fans, their codes, credit and printable QR cards.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::{Value, json};

use super::{Outcome, refused};
use crate::pdf::member_card_pdf;
use crate::service::Pos;
use crate::store::fans::Member;

/// Member subcommands.
#[derive(Debug, Subcommand)]
pub enum MemberAction {
    /// Sign up a member (the contact is kept only as a salted hash).
    Add {
        /// Name or @handle, as the card shows it.
        name: String,
        /// Phone, e-mail or @handle, to recognise them when they give it again.
        #[arg(long)]
        contact: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Every member with code, credit and orders.
    List {
        /// Print one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Write a member's QR card to PDF.
    Card {
        /// Member code, M-XXXX-XXXX.
        code: String,
        /// Output file.
        #[arg(short, long, value_name = "FILE.pdf")]
        output: PathBuf,
    },
}

impl MemberAction {
    /// Whether the answer is JSON.
    pub fn json(&self) -> bool {
        matches!(
            self,
            MemberAction::Add { json: true, .. } | MemberAction::List { json: true }
        )
    }
}

fn as_json(m: &Member) -> Value {
    json!({
        "code": m.code.as_str(), "name": m.name, "credit_minor": m.credit.minor,
        "currency": m.credit.currency.code(), "orders": m.orders, "joined_at": m.joined_at.to_string(),
    })
}

fn as_text(m: &Member) -> String {
    format!(
        "{}  {:<24} credit {:>9}  {} orders",
        m.code, m.name, m.credit, m.orders
    )
}

/// Runs a member subcommand.
pub fn run(pos: &mut Pos, action: &MemberAction) -> anyhow::Result<Outcome> {
    Ok(match action {
        MemberAction::Add { name, contact, .. } => match pos.add_member(name, contact.as_deref()) {
            Ok(m) => Outcome::Done(as_json(&m), format!("member added: {}", as_text(&m))),
            Err(e) => return refused(e),
        },
        MemberAction::List { .. } => {
            let members = pos.members()?;
            let text = members.iter().map(as_text).collect::<Vec<_>>().join("\n");
            Outcome::Done(Value::Array(members.iter().map(as_json).collect()), text)
        }
        MemberAction::Card { code, output } => {
            let member = match pos.member(code) {
                Ok(m) => m,
                Err(e) => return refused(e),
            };
            let issuer = pos.event().name.clone();
            let pdf = member_card_pdf(&member.name, &member.code, &issuer)?;
            std::fs::write(output, pdf)?;
            Outcome::Done(
                json!({ "file": output.display().to_string() }),
                format!("member card written to {}", output.display()),
            )
        }
    })
}
