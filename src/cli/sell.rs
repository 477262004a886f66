//! `encore demo`, `encore offers`, `encore sell` and `encore receipt`, and what they answer.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::values::ReceiptPick;
use super::{CliError, Outcome, Reply, SellArgs};
use crate::domain::field::FieldError;
use crate::domain::order::{Receipt, ReceiptNo};
use crate::pdf::receipt_pdf;
use crate::service::{Pos, PosError, SaleRequest};

/// `encore demo`: the event that is ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoAnswer {
    /// The demo event's name.
    pub event: String,
}

/// One offer of `encore offers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferAnswer {
    /// Offer id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// `gig`, `drop` or `item`.
    pub kind: &'static str,
    /// Price in minor units.
    pub price_minor: i64,
    /// ISO-4217 code.
    pub currency: &'static str,
    /// Units left; null for plain items.
    pub available: Option<u32>,
    /// Queue lane letter, for gigs.
    pub lane: Option<String>,
    /// Whether buying it makes the fan's tickets priority.
    pub grants_priority: bool,
    /// Hidden from the shelf.
    pub archived: bool,
    /// The offer this one is a variant of.
    pub variant_of: Option<i64>,
    /// What one unit costs the creator, minor units.
    pub cost_minor: i64,
}

/// One tender of a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenderAnswer {
    /// `cash`, `qr`, `card` or `credit`.
    pub method: &'static str,
    /// Handed over or paid, minor units.
    pub tendered_minor: i64,
    /// Given back, minor units.
    pub change_minor: i64,
}

/// `encore sell`: the paid sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleAnswer {
    /// Receipt number.
    pub receipt: ReceiptNo,
    /// Total, minor units.
    pub total_minor: i64,
    /// ISO-4217 code.
    pub currency: &'static str,
    /// Change given back, minor units.
    pub change_minor: i64,
    /// Tip on top, minor units.
    pub tip_minor: i64,
    /// How it was paid.
    pub tenders: Vec<TenderAnswer>,
    /// The reference a fan's transfer carries.
    pub payment_ref: String,
    /// Claim codes issued.
    pub claims: Vec<String>,
    /// Queue tickets issued.
    pub tickets: Vec<String>,
    /// The sale's order id: `--order-id` retries it safely.
    pub order_id: String,
    /// True when the order id had been sold already: this is that sale's receipt, and nothing
    /// was sold now.
    pub replayed: bool,
    /// A practice sale of a station in training mode (no stock, claims, tickets or figures).
    pub training: bool,
    /// The fan's own page on the table's hub (null until a hub has served).
    pub fan_url: Option<String>,
}

/// `encore receipt`: the PDF written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptFile {
    /// Receipt number.
    pub receipt: ReceiptNo,
    /// Where the PDF is.
    pub file: PathBuf,
    /// A later print (or one off a file that cannot be written): the PDF says COPY.
    pub copy: bool,
}

/// Lists the catalogue.
pub fn offers(pos: &Pos) -> Outcome {
    let now = pos.now();
    let list = pos.offers()?;
    let body: Vec<OfferAnswer> = list
        .iter()
        .map(|o| OfferAnswer {
            id: o.id,
            title: o.title.clone(),
            kind: o.kind.name(),
            price_minor: o.price.minor,
            currency: o.price.currency.code(),
            available: o.remaining,
            lane: o.lane.map(String::from),
            grants_priority: o.grants_priority,
            archived: o.archived,
            variant_of: o.variant_of,
            cost_minor: o.cost,
        })
        .collect();
    let text = list
        .iter()
        .map(|o| {
            format!(
                "{:>4}  {:<5} {:<28} {:>9}  {}",
                o.id,
                o.kind.name(),
                o.title,
                o.price,
                o.availability(now).tile_text()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Reply::new(&body, text)
}

/// Makes a complete paid sale of one offer.
pub fn sell(pos: &mut Pos, args: &SellArgs) -> Outcome {
    let currency = pos.event().currency;
    let tip = args
        .tip
        .as_ref()
        .map(|t| t.in_currency("tip", currency))
        .transpose()?;
    let tendered = args
        .tendered
        .as_ref()
        .map(|t| t.in_currency("tendered", currency))
        .transpose()?;
    let parts = args
        .split
        .iter()
        .map(|p| p.resolve(currency))
        .collect::<Result<Vec<_>, _>>()?;
    let mut checkout = pos.start_checkout()?;
    if let Some(id) = &args.order_id {
        checkout.order_id = id.clone();
    }
    let req = SaleRequest {
        tendered,
        parts,
        terminal_ref: args.terminal_ref.clone(),
        tip,
        fan: args.fan.clone(),
        ..SaleRequest::new(checkout, vec![(args.offer, args.qty)], args.pay)
    };
    let sold = pos.sell_once(&req).map_err(|e| match e {
        // The service names the order id; here it came from the flag.
        PosError::Invalid(f) if f.field == "order id" => {
            CliError::Field(FieldError::new("--order-id", f.rule))
        }
        other => other.into(),
    })?;
    let answer = sale_answer(&sold.receipt, &req.checkout.order_id, sold.replayed);
    let mut text = sale_text(&sold.receipt);
    if sold.replayed {
        text = format!("already sold, nothing sold now: {text}");
    }
    if sold.receipt.training {
        text = format!("TRAINING (practice sale, nothing to collect): {text}");
    }
    Reply::new(&answer, text)
}

fn sale_answer(r: &Receipt, order_id: &str, replayed: bool) -> SaleAnswer {
    SaleAnswer {
        order_id: order_id.to_string(),
        replayed,
        receipt: r.number.clone(),
        total_minor: r.total.minor,
        currency: r.total.currency.code(),
        change_minor: r.change().minor,
        tip_minor: r.tip.minor,
        tenders: r
            .tenders
            .iter()
            .map(|t| TenderAnswer {
                method: t.kind.name(),
                tendered_minor: t.tendered.minor,
                change_minor: t.change.minor,
            })
            .collect(),
        payment_ref: r.payment_ref.clone(),
        claims: r.claims.iter().map(|c| c.code.clone()).collect(),
        tickets: r.tickets.iter().map(|t| t.label.clone()).collect(),
        training: r.training,
        fan_url: r.fan_url.clone(),
    }
}

fn sale_text(r: &Receipt) -> String {
    let mut text = format!(
        "paid {} by {} — receipt {}, change {}",
        r.total,
        r.methods().to_lowercase(),
        r.number,
        r.change()
    );
    for t in &r.tickets {
        text.push_str(&format!("\nticket {} — {}", t.label, t.title));
    }
    for c in &r.claims {
        text.push_str(&format!("\nclaim {} — {}", c.code, c.title));
    }
    text
}

/// Exports a receipt to PDF: the first print is the original, every later one a COPY.
pub fn receipt(pos: &mut Pos, number: &ReceiptPick, output: &Path) -> Outcome {
    let number = match number {
        ReceiptPick::Latest => pos.latest_receipt()?.number,
        ReceiptPick::Number(n) => n.clone(),
    };
    let r = pos.print_receipt(&number)?;
    let bytes = receipt_pdf(&r)?;
    std::fs::write(output, &bytes).map_err(|e| CliError::write(output, e))?;
    let text = format!(
        "receipt {}{} written to {} ({} bytes)",
        r.number,
        if r.copy { " (COPY)" } else { "" },
        output.display(),
        bytes.len()
    );
    Reply::new(
        &ReceiptFile {
            receipt: r.number,
            file: output.to_path_buf(),
            copy: r.copy,
        },
        text,
    )
}
