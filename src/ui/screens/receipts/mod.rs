//! The Receipts screen: recent orders (or those a search found) with their PDFs, invoices and
//! refunds, matching a bank statement to the QR orders, and exports of the whole event.

mod export;
mod invoice;
mod orders;
mod refund;
mod search;
mod statement;

use crate::ui::problem::Problem;
use std::path::PathBuf;

use invoice::InvoiceDraft;
use refund::RefundDraft;
use search::SearchDraft;
use statement::StatementDraft;

use crate::domain::order::{OrderSummary, ReceiptNo};
use crate::domain::reconcile::Statement;
use crate::service::{Pos, PosResult, RefundRequest};
use crate::ui::Command;
use crate::ui::ctx::{Fx, ScreenCtx};
use crate::ui::files::{self, Saved};
use crate::ui::widgets::Tone;

/// Orders listed.
const RECENT: u32 = 50;

/// What the Receipts screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptsOp {
    /// Open the refund panel for a receipt.
    StartRefund(ReceiptNo),
    /// Make the refund in the panel (checks the creator PIN).
    ConfirmRefund,
    /// Close the refund panel without refunding.
    CancelRefund,
    /// Read the statement file named in the form (off the frame).
    MatchStatement,
    /// The statement was read: its credits, or what is wrong with it.
    StatementRead(Result<Statement, Problem>),
    /// Find the receipts the search box describes.
    Search,
    /// Show the recent receipts again.
    ClearSearch,
    /// Open the invoice panel for a receipt.
    StartInvoice(ReceiptNo),
    /// Write the invoice in the panel (A4, on the worker).
    ConfirmInvoice,
    /// Close the invoice panel.
    CancelInvoice,
    /// Export the whole event in this format (checks the creator PIN), off the frame.
    Export(crate::service::export::Format),
    /// Stop the export under way; nothing of it is kept.
    CancelExport,
    /// The export came back: written, cancelled, or failed.
    ExportDone(export::ExportDone),
}

/// The Receipts screen's state.
#[derive(Debug, Default)]
pub struct ReceiptsScreen {
    /// The refund being prepared, if any (it then has the screen).
    refund: Option<RefundDraft>,
    statement: StatementDraft,
    /// Recent orders, newest first.
    recent: Vec<OrderSummary>,
    /// The last file written (receipt, refund receipt, member card), to open.
    exported: Option<PathBuf>,
    /// The search box and what it found.
    search: SearchDraft,
    /// The invoice being asked for, if any (it then has the screen).
    invoice: Option<InvoiceDraft>,
    /// The Export section.
    export: export::ExportDraft,
}

impl ReceiptsScreen {
    /// Draws the refund panel, or the statement form and the orders.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        if let Some(draft) = &mut self.refund {
            return refund::refund_ui(ui, draft);
        }
        if let Some(draft) = &mut self.invoice {
            return invoice::invoice_ui(ui, draft);
        }
        let mut commands = statement::statement_ui(ui, &mut self.statement);
        commands.extend(export::export_ui(ui, &mut self.export));
        commands.extend(search::search_ui(ui, &mut self.search));
        let tz = &ctx.event.time_zone;
        let exported = self.exported.as_deref();
        let list = match &self.search.found {
            Some(found) => &found.orders,
            None => &self.recent,
        };
        commands.extend(orders::orders_ui(ui, list, tz, exported));
        commands
    }

    /// Re-reads the recent orders.
    pub fn refresh(&mut self, pos: &Pos) -> PosResult<()> {
        self.recent = pos.recent_orders(RECENT)?;
        Ok(())
    }

    /// A file was written: it is the one the screen offers to open.
    pub fn exported(&mut self, path: Option<PathBuf>) {
        if path.is_some() {
            self.exported = path;
        }
    }

    /// Applies one of the screen's ops through the service.
    pub fn apply(&mut self, op: ReceiptsOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            ReceiptsOp::StartRefund(number) => {
                let receipt = pos.receipt(&number)?;
                self.refund = Some(RefundDraft::of(&receipt));
                fx.then.push(Command::Goto(crate::ui::Screen::Receipts));
            }
            ReceiptsOp::CancelRefund => self.refund = None,
            ReceiptsOp::ConfirmRefund => self.confirm_refund(pos, fx),
            ReceiptsOp::MatchStatement if self.statement.reading => {}
            ReceiptsOp::MatchStatement => {
                self.statement.reading = true;
                let draft = self.statement.clone();
                let currency = pos.event().currency;
                fx.jobs.spawn("Reading the statement", move || {
                    Command::Receipts(ReceiptsOp::StatementRead(draft.credits(currency)))
                });
            }
            ReceiptsOp::StatementRead(Ok(statement)) => {
                self.statement.reading = false;
                self.statement.result = Some(pos.reconcile(&statement.credits)?);
                self.statement.bad = statement.bad;
                fx.clear();
            }
            ReceiptsOp::Export(format) => self.export.start(format, pos, fx)?,
            ReceiptsOp::CancelExport => self.export.cancel(),
            ReceiptsOp::ExportDone(done) => self.export.done(done, fx),
            ReceiptsOp::StatementRead(Err(problem)) => {
                self.statement.reading = false;
                self.statement.result = None;
                self.statement.bad.clear();
                fx.bad(problem.to_string());
            }
            ReceiptsOp::Search => {
                self.search.found = Some(pos.search_receipts(&self.search.query)?);
                fx.clear();
            }
            ReceiptsOp::ClearSearch => self.search = SearchDraft::default(),
            ReceiptsOp::StartInvoice(number) => {
                self.invoice = Some(InvoiceDraft::of(number));
                fx.then.push(Command::Goto(crate::ui::Screen::Receipts));
            }
            ReceiptsOp::CancelInvoice => self.invoice = None,
            ReceiptsOp::ConfirmInvoice => self.confirm_invoice(pos, fx)?,
        }
        Ok(())
    }

    /// Issues (or reprints) the invoice; the panel stays open with what was typed if refused.
    fn confirm_invoice(&mut self, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let Some(draft) = &self.invoice else {
            return Ok(());
        };
        let invoice = pos.invoice(&draft.receipt, draft.buyer())?;
        self.invoice = None;
        invoice::save(fx, invoice);
        Ok(())
    }

    fn confirm_refund(&mut self, pos: &mut Pos, fx: &mut Fx<'_>) {
        let Some(draft) = &mut self.refund else {
            return;
        };
        let req = RefundRequest {
            receipt: draft.receipt.clone(),
            lines: Some(draft.chosen()),
            reason: draft.reason.clone(),
        };
        // The PIN is used once and forgotten, whatever the outcome.
        let pin = std::mem::take(&mut draft.pin);
        let done = match pos.unlock(&pin).and_then(|grant| pos.refund(&req, &grant)) {
            Ok(done) => done,
            Err(e) => return fx.bad(e.to_string()),
        };
        let text = format!(
            "Refunded {} ({}): give back {}; {} claim unit(s) revoked",
            done.amount,
            done.number,
            done.back_text(),
            done.revoked_units
        );
        // The refund is committed: say so now; the receipt's file follows.
        fx.good(text.clone());
        let event = pos.event().clone();
        let a4 = draft.a4;
        let name = format!("{}{}.pdf", done.number, if a4 { "-A4" } else { "" });
        let render = move || {
            let render = if a4 {
                crate::pdf::refund_a4_pdf
            } else {
                crate::pdf::refund_pdf
            };
            render(&done, &event.name, &event.venue, &event.time_zone)
        };
        let dir = fx.receipts_dir;
        files::save_pdf(
            fx.jobs,
            "Writing the refund receipt",
            (dir, name),
            render,
            move |path, saved| {
                let notice = match saved {
                    Ok(()) => (
                        Tone::Good,
                        format!("{text}. Refund receipt: {}", path.display()),
                    ),
                    Err(e) => (
                        Tone::Bad,
                        format!("{text}, but the refund receipt could not be saved: {e}"),
                    ),
                };
                Saved {
                    path: Some(path.to_path_buf()),
                    notice,
                }
            },
        );
        self.refund = None;
    }
}
