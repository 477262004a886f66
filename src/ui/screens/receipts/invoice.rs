//! The invoice panel on the Receipts screen: the buyer's name and address, then an A4 PDF
//! written on the worker. A receipt invoiced before prints as a COPY to the same buyer.

use egui::RichText;

use super::ReceiptsOp;
use crate::domain::invoice::Invoice;
use crate::domain::order::ReceiptNo;
use crate::ui::Command;
use crate::ui::ctx::Fx;
use crate::ui::files::{self, Saved};
use crate::ui::theme::TOUCH;
use crate::ui::widgets::{self, Tone};

/// An invoice being asked for: the receipt and the buyer as typed.
#[derive(Debug, Clone)]
pub struct InvoiceDraft {
    /// The receipt (its number is the invoice number).
    pub receipt: ReceiptNo,
    /// Buyer name or company.
    pub name: String,
    /// Buyer address, one line per line.
    pub address: String,
}

impl InvoiceDraft {
    /// An empty draft for `receipt`.
    pub fn of(receipt: ReceiptNo) -> InvoiceDraft {
        InvoiceDraft {
            receipt,
            name: String::new(),
            address: String::new(),
        }
    }

    /// The buyer typed, or None to print a copy of the invoice issued before.
    pub fn buyer(&self) -> Option<(&str, &str)> {
        let blank = self.name.trim().is_empty() && self.address.trim().is_empty();
        (!blank).then_some((self.name.as_str(), self.address.as_str()))
    }
}

/// Draws the panel; edits the draft in place and returns Confirm/Cancel commands.
pub fn invoice_ui(ui: &mut egui::Ui, draft: &mut InvoiceDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading(format!("Invoice (A4) for {}", draft.receipt));
    ui.label(
        "The buyer's name and address as they want them on the invoice. Its number is the \
         receipt number. Leave both empty to print a COPY of an invoice issued before.",
    );
    widgets::field(
        ui,
        "Buyer name",
        &mut draft.name,
        (140.0, 420.0),
        "Name or company",
    );
    ui.horizontal(|ui| {
        let label = ui.add_sized([140.0, TOUCH], egui::Label::new("Buyer address"));
        let field = egui::TextEdit::multiline(&mut draft.address)
            .desired_rows(4)
            .hint_text("Street\nTown\nCountry, VAT id");
        ui.add_sized([420.0, 4.0 * 24.0], field)
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let text = match draft.buyer() {
            Some(_) => "Write the invoice",
            None => "Print a copy",
        };
        let button =
            egui::Button::new(RichText::new(text).size(22.0)).min_size(egui::vec2(260.0, TOUCH));
        if ui.add(button).clicked() {
            commands.push(Command::Receipts(ReceiptsOp::ConfirmInvoice));
        }
        if widgets::button(ui, "Back to the receipts", 220.0) {
            commands.push(Command::Receipts(ReceiptsOp::CancelInvoice));
        }
    });
    commands
}

/// Writes the invoice's PDF on the worker; the notice says where, and whether it is a copy.
pub fn save(fx: &mut Fx<'_>, invoice: Invoice) {
    let what = if invoice.copy {
        "copy of the invoice"
    } else {
        "invoice"
    };
    let name = match invoice.copy {
        false => format!("invoice-{}.pdf", invoice.receipt.number),
        true => format!("invoice-{}-copy.pdf", invoice.receipt.number),
    };
    let render = move || crate::pdf::invoice_pdf(&invoice);
    files::save_pdf(
        fx.jobs,
        "Writing the invoice",
        (fx.receipts_dir, name),
        render,
        move |path, saved| {
            let notice = match saved {
                Ok(()) => (
                    Tone::Good,
                    format!("The {what} is saved: {}", path.display()),
                ),
                Err(e) => (Tone::Bad, format!("The {what} could not be saved: {e}")),
            };
            Saved {
                path: Some(path.to_path_buf()),
                notice,
            }
        },
    );
}
