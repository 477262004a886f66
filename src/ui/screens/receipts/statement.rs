//! Matching a bank statement to QR orders, on the Receipts screen: the creator loads the bank's
//! camt.053 or CSV export after the event and sees which transfers arrived and which to chase.

use crate::ui::problem::Problem;
use std::path::Path;

use egui::RichText;

use super::ReceiptsOp;
use crate::domain::money::Currency;
use crate::domain::reconcile::{
    BadEntry, CsvColumns, Outcome, Reconciliation, Statement, StatementError, delimiter,
    parse_camt053, parse_csv,
};
use crate::ui::Command;
use crate::ui::theme;
use crate::ui::widgets;

/// The statement form and its last result.
#[derive(Debug, Clone)]
pub struct StatementDraft {
    /// Path of the statement file.
    pub path: String,
    /// CSV: header of the amount column.
    pub amount_col: String,
    /// CSV: header of the reference column.
    pub ref_col: String,
    /// CSV: field separator.
    pub delimiter: String,
    /// What the last match found.
    pub result: Option<Reconciliation>,
    /// Entries of the last statement that could not be read.
    pub bad: Vec<BadEntry>,
    /// True while the file is being read (Match waits, so a double tap reads it once).
    pub reading: bool,
}

impl Default for StatementDraft {
    fn default() -> Self {
        StatementDraft {
            path: String::new(),
            amount_col: "Amount".into(),
            ref_col: "Reference".into(),
            delimiter: ",".into(),
            result: None,
            bad: Vec::new(),
            reading: false,
        }
    }
}

impl StatementDraft {
    /// Reads the statement's credits: CSV by the file's ending, camt.053 XML otherwise.
    pub fn credits(&self, currency: Currency) -> Result<Statement, Problem> {
        let path = Path::new(self.path.trim());
        let text = crate::files::read_text_capped(
            "Statement file",
            path,
            crate::files::MAX_STATEMENT_BYTES,
        )?;
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let parsed: Result<_, StatementError> = if is_csv {
            let delimiter = delimiter("Separator", &self.delimiter)?;
            let cols = CsvColumns {
                amount: self.amount_col.trim().to_string(),
                reference: self.ref_col.trim().to_string(),
                date: None,
                delimiter,
                currency,
            };
            parse_csv(&text, &cols)
        } else {
            parse_camt053(&text)
        };
        Ok(parsed?)
    }
}

/// The statement form and, after a match, the orders to chase and the credits that need a look.
pub fn statement_ui(ui: &mut egui::Ui, draft: &mut StatementDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::CollapsingHeader::new(RichText::new("Match a bank statement").strong())
        .id_salt("statement")
        .default_open(draft.result.is_some())
        .show(ui, |ui| {
            ui.label("The bank's camt.053 XML or CSV export; QR transfers are matched by reference and amount.");
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("File");
                let field = egui::TextEdit::singleline(&mut draft.path)
                    .hint_text("/home/me/Downloads/statement.xml");
                ui.add_sized([380.0, theme::TOUCH], field)
                    .labelled_by(label.id);
                let ready = !draft.path.trim().is_empty() && !draft.reading;
                if ui
                    .add_enabled(ready, egui::Button::new("Match").min_size(egui::vec2(100.0, theme::TOUCH)))
                    .clicked()
                {
                    commands.push(Command::Receipts(ReceiptsOp::MatchStatement));
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label("CSV columns:");
                for (name, value, width) in [
                    ("Amount column", &mut draft.amount_col, 110.0),
                    ("Reference column", &mut draft.ref_col, 110.0),
                    ("Separator", &mut draft.delimiter, 30.0),
                ] {
                    let label = ui.label(name);
                    ui.add_sized([width, theme::TOUCH], egui::TextEdit::singleline(value))
                        .labelled_by(label.id);
                }
            });
            if let Some(result) = &draft.result {
                result_ui(ui, result);
            }
            bad_entries_ui(ui, &draft.bad);
        });
    commands
}

fn result_ui(ui: &mut egui::Ui, r: &Reconciliation) {
    let count = |f: fn(&Outcome) -> bool| r.credits.iter().filter(|c| f(&c.1)).count();
    let matched = count(|o| matches!(o, Outcome::Matched { .. }));
    let problems = r.credits.len() - matched;
    let tone = if r.unpaid.is_empty() && problems == 0 {
        widgets::Tone::Good
    } else {
        widgets::Tone::Info
    };
    widgets::banner(
        ui,
        tone,
        &format!(
            "{} credits: {matched} matched, {problems} to look at; {} QR orders not paid",
            r.credits.len(),
            r.unpaid.len()
        ),
        20.0,
    );
    if !r.unpaid.is_empty() {
        ui.label(RichText::new("Not paid yet — chase these").strong());
        egui::Grid::new("unpaid").striped(true).show(ui, |ui| {
            for o in &r.unpaid {
                ui.label(o.receipt.to_string());
                ui.label(RichText::new(&o.payment_ref).monospace());
                ui.label(o.total.to_string());
                ui.end_row();
            }
        });
    }
    let odd: Vec<_> = r
        .credits
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Matched { .. }))
        .collect();
    if !odd.is_empty() {
        ui.label(RichText::new("Credits to look at").strong());
        egui::Grid::new("odd_credits").striped(true).show(ui, |ui| {
            for (credit, outcome) in odd {
                let what = match outcome {
                    Outcome::AmountDiffers { receipt, expected } => {
                        format!("{receipt}: amount differs, expected {expected}")
                    }
                    Outcome::PaidTwice { receipt } => format!("{receipt}: paid twice"),
                    Outcome::Unmatched => "no order has this reference".to_string(),
                    Outcome::Matched { receipt } => receipt.to_string(),
                };
                ui.label(credit.amount.to_string());
                ui.add(egui::Label::new(&credit.remittance).truncate());
                ui.label(RichText::new(what).color(theme::BAD));
                ui.end_row();
            }
        });
    }
}

/// The statement's entries that could not be read, each with where it is and why.
fn bad_entries_ui(ui: &mut egui::Ui, bad: &[BadEntry]) {
    if bad.is_empty() {
        return;
    }
    ui.label(RichText::new("Entries not read — check these in the bank's statement").strong());
    egui::Grid::new("bad_entries").striped(true).show(ui, |ui| {
        for b in bad {
            ui.label(&b.at);
            ui.label(RichText::new(&b.reason).color(theme::BAD));
            ui.end_row();
        }
    });
}
