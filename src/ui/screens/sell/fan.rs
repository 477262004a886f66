//! The fan-facing view: the payment QR while paying, then the claim codes and ticket.
//! Shown in a second window that can be dragged to a screen turned toward the line.

use egui::RichText;

use super::Payment;
use crate::domain::qr::{QrMatrix, QrMode};
use crate::ui::theme;
use crate::ui::widgets;

/// Draws what the fan sees.
pub fn fan_ui(ui: &mut egui::Ui, event_name: &str, payment: &Payment) {
    let side = ui
        .available_height()
        .min(ui.available_width())
        .clamp(240.0, 560.0)
        - 120.0;
    ui.vertical_centered(|ui| match payment {
        Payment::None => {
            ui.label(RichText::new(event_name).font(theme::bold(40.0)));
            ui.label(RichText::new("Welcome! Tell us what you'd like.").size(28.0));
        }
        Payment::Pending {
            qr: Some((matrix, _)),
            checkout,
            ..
        } => {
            let due = payment.due().map(|d| d.to_string()).unwrap_or_default();
            ui.label(RichText::new(format!("Scan to pay {due}")).font(theme::bold(40.0)));
            widgets::qr_ui(ui, matrix, side, "Payment QR code for the fan");
            ui.label(RichText::new(format!("Reference {}", checkout.payment_ref)).size(26.0));
        }
        Payment::Pending { .. } => {
            let due = payment.due().map(|d| d.to_string()).unwrap_or_default();
            ui.label(RichText::new(format!("To pay: {due}")).font(theme::bold(48.0)));
        }
        Payment::Paid { receipt, claim_qrs } => {
            ui.label(
                RichText::new("Thank you!")
                    .font(theme::bold(44.0))
                    .color(theme::GOOD),
            );
            for ticket in &receipt.tickets {
                ui.label(
                    RichText::new(format!("Your ticket {}", ticket.label)).font(theme::bold(48.0)),
                );
            }
            if !claim_qrs.is_empty() {
                let words = if claim_qrs.len() == 1 {
                    "your claim code"
                } else {
                    "each claim code"
                };
                ui.label(RichText::new(format!("Photograph {words}:")).size(24.0));
                // Side by side, shrinking so every code stays on screen (the receipt has them too).
                let per_row = claim_qrs.len().min(3);
                let qr_side = (ui.available_width() / per_row as f32 - 16.0).min(side * 0.8);
                let codes: Vec<_> = claim_qrs.iter().zip(&receipt.claims).collect();
                for row in codes.chunks(per_row) {
                    ui.horizontal(|ui| {
                        for (matrix, claim) in row {
                            let title = claim.title.as_str();
                            ui.vertical(|ui| {
                                widgets::qr_ui(ui, matrix, qr_side, "Claim QR code for the fan");
                                ui.label(title);
                            });
                        }
                    });
                }
            }
            fan_page_ui(ui, receipt, side);
        }
    });
}

/// The QR to the fan's own page on the table's hub, while sharing is on.
fn fan_page_ui(ui: &mut egui::Ui, receipt: &crate::domain::order::Receipt, side: f32) {
    let Some(url) = &receipt.fan_url else {
        return;
    };
    let Ok(matrix) = QrMatrix::encode(url, QrMode::Byte) else {
        return;
    };
    let words = if receipt.tickets.is_empty() {
        "Your codes on your phone: scan"
    } else {
        "Follow your place in line on your phone: scan"
    };
    ui.label(RichText::new(words).size(24.0));
    widgets::qr_ui(ui, &matrix, side * 0.5, "QR code of the fan's own page");
}
