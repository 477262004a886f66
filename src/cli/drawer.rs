//! `encore drawer`: the station's cash drawer.

use clap::Subcommand;
use serde_json::json;

use super::Outcome;
use crate::domain::drawer::DrawerReport;
use crate::domain::money::{Money, parse_amount};
use crate::service::Pos;

/// Drawer subcommands.
#[derive(Debug, Subcommand)]
pub enum DrawerAction {
    /// Open the drawer with a float, e.g. --float 100.
    Open {
        /// Cash in the drawer at opening.
        #[arg(long)]
        float: String,
    },
    /// Cash in (e.g. 50) or out (e.g. -20), with a reason.
    Move {
        /// Amount; negative takes cash out.
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// What should be in the drawer now.
    Status,
    /// Close with the counted cash; prints expected vs counted.
    Close {
        /// Cash counted in the drawer.
        #[arg(long)]
        counted: String,
    },
}

fn refused(reason: String) -> Outcome {
    Outcome::Refused(json!({ "error": reason }), reason)
}

fn describe(r: &DrawerReport) -> String {
    let mut text = format!(
        "float {} + cash sales {} − cash refunds {} + in/out {} = expected {}",
        r.float, r.cash_sales, r.cash_refunds, r.moves, r.expected
    );
    if let (Some(counted), Some(diff)) = (r.counted, r.difference) {
        text.push_str(&format!("; counted {counted}, difference {diff}"));
    }
    text
}

/// Runs a drawer subcommand.
pub fn run(pos: &mut Pos, action: &DrawerAction) -> Outcome {
    let currency = pos.event().currency;
    let money = |field: &str, text: &str| -> Result<Money, String> {
        let (sign, digits) = match text.trim().strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, text.trim()),
        };
        parse_amount(digits, currency)
            .map(|m| Money::new(sign * m.minor, currency))
            .map_err(|e| format!("{field}: {e}"))
    };
    let result = match action {
        DrawerAction::Open { float } => money("float", float).and_then(|f| {
            pos.open_drawer(f).map_err(|e| e.to_string())?;
            Ok(Outcome::Done(
                json!({ "float_minor": f.minor }),
                format!("drawer open with {f}"),
            ))
        }),
        DrawerAction::Move { amount, reason } => money("amount", amount).and_then(|a| {
            pos.drawer_move(a, reason).map_err(|e| e.to_string())?;
            Ok(Outcome::Done(
                json!({ "amount_minor": a.minor }),
                format!("recorded {a}: {reason}"),
            ))
        }),
        DrawerAction::Status => pos
            .drawer_status()
            .map_err(|e| e.to_string())
            .map(|r| match r {
                Some(r) => Outcome::Done(json!(r), describe(&r)),
                None => Outcome::Done(json!(null), "the drawer is closed".into()),
            }),
        DrawerAction::Close { counted } => money("counted", counted).and_then(|c| {
            let r = pos.close_drawer(c).map_err(|e| e.to_string())?;
            Ok(Outcome::Done(json!(r), describe(&r)))
        }),
    };
    result.unwrap_or_else(refused)
}
