//! `encore drawer`: the station's cash drawer.

use clap::Subcommand;
use serde::Serialize;

use super::values::{self, TypedAmount};
use super::{Outcome, Reply};
use crate::domain::drawer::DrawerReport;
use crate::service::Pos;

/// Drawer subcommands.
#[derive(Debug, Subcommand)]
pub enum DrawerAction {
    /// Open the drawer with a float, e.g. --float 100.
    Open {
        /// Cash in the drawer at opening.
        #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
        float: TypedAmount,
    },
    /// Cash in (e.g. 50) or out (e.g. -20), with a reason.
    Move {
        /// Amount; negative takes cash out.
        #[arg(long, allow_hyphen_values = true, value_parser = values::signed_amount)]
        amount: TypedAmount,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// What should be in the drawer now.
    Status,
    /// Close with the counted cash; prints expected vs counted.
    Close {
        /// Cash counted in the drawer.
        #[arg(long, value_name = "AMOUNT", value_parser = values::amount)]
        counted: TypedAmount,
    },
}

/// `drawer open`: the float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Opened {
    /// Cash at opening, minor units.
    pub float_minor: i64,
}

/// `drawer move`: the cash moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// Minor units; negative took cash out.
    pub amount_minor: i64,
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
    match action {
        DrawerAction::Open { float } => {
            let f = float.in_currency("float", currency)?;
            pos.open_drawer(f)?;
            Reply::new(
                &Opened {
                    float_minor: f.minor,
                },
                format!("drawer open with {f}"),
            )
        }
        DrawerAction::Move { amount, reason } => {
            let a = amount.in_currency("amount", currency)?;
            pos.drawer_move(a, reason)?;
            Reply::new(
                &Moved {
                    amount_minor: a.minor,
                },
                format!("recorded {a}: {reason}"),
            )
        }
        // A closed drawer answers `null`.
        DrawerAction::Status => match pos.drawer_status()? {
            Some(r) => Reply::new(&r, describe(&r)),
            None => Reply::new(&None::<DrawerReport>, "the drawer is closed"),
        },
        DrawerAction::Close { counted } => {
            let c = counted.in_currency("counted", currency)?;
            let r = pos.close_drawer(c)?;
            Reply::new(&r, describe(&r))
        }
    }
}
