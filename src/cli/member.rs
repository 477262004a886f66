//! `encore member add|list|card`: loyal fans, their codes, credit and printable QR cards.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::{CliError, Outcome, Reply};
use crate::pdf::member_card_pdf;
use crate::service::Member;
use crate::service::Pos;

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
    },
    /// Every member with code, credit and orders.
    List,
    /// Write a member's QR card to PDF.
    Card {
        /// Member code, M-XXXX-XXXX.
        code: String,
        /// Output file.
        #[arg(short, long, value_name = "FILE.pdf")]
        output: PathBuf,
    },
}

/// A member, as `member add` and `member list` show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberAnswer {
    /// The code on their card.
    pub code: String,
    /// Name or handle.
    pub name: String,
    /// Credit left, minor units.
    pub credit_minor: i64,
    /// ISO-4217 code of the credit.
    pub currency: &'static str,
    /// Orders bought as this member.
    pub orders: u32,
    /// When they joined (RFC 3339, UTC).
    pub joined_at: String,
}

/// `member card`: where the PDF went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardFile {
    /// The PDF.
    pub file: String,
}

impl From<&Member> for MemberAnswer {
    fn from(m: &Member) -> MemberAnswer {
        MemberAnswer {
            code: m.code.as_str().to_string(),
            name: m.name.clone(),
            credit_minor: m.credit.minor,
            currency: m.credit.currency.code(),
            orders: m.orders,
            joined_at: m.joined_at.to_string(),
        }
    }
}

fn as_text(m: &Member) -> String {
    format!(
        "{}  {:<24} credit {:>9}  {} orders",
        m.code, m.name, m.credit, m.orders
    )
}

/// Runs a member subcommand.
pub fn run(pos: &mut Pos, action: &MemberAction) -> Outcome {
    match action {
        MemberAction::Add { name, contact } => {
            let m = pos.add_member(name, contact.as_deref())?;
            Reply::new(
                &MemberAnswer::from(&m),
                format!("member added: {}", as_text(&m)),
            )
        }
        MemberAction::List => {
            let members = pos.members()?;
            let text = members.iter().map(as_text).collect::<Vec<_>>().join("\n");
            let answer: Vec<MemberAnswer> = members.iter().map(MemberAnswer::from).collect();
            Reply::new(&answer, text)
        }
        MemberAction::Card { code, output } => {
            let member = pos.member(code)?;
            let issuer = pos.event().name.clone();
            let pdf = member_card_pdf(&member.name, &member.code, &issuer)?;
            std::fs::write(output, pdf).map_err(|e| CliError::write(output, e))?;
            Reply::new(
                &CardFile {
                    file: output.display().to_string(),
                },
                format!("member card written to {}", output.display()),
            )
        }
    }
}
