//! The Receipts screen: recent orders, each with a PDF export.

use crate::domain::event::Zone;
use std::path::Path;

use egui::RichText;

use super::ReceiptsOp;
use crate::domain::event::local_time;
use crate::domain::order::OrderSummary;
use crate::ui::Command;
use crate::ui::widgets;

/// Lists recent orders, newest first.
pub fn orders_ui(
    ui: &mut egui::Ui,
    recent: &[OrderSummary],
    time_zone: &Zone,
    exported: Option<&Path>,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Receipts");
    if let Some(path) = exported {
        ui.horizontal(|ui| {
            ui.label(format!("Last export: {}", path.display()));
            if widgets::button(ui, "Open PDF", 140.0) {
                commands.push(Command::OpenFile(path.to_path_buf()));
            }
        });
    }
    if recent.is_empty() {
        ui.label("No sales yet.");
    }
    egui::ScrollArea::vertical()
        .id_salt("orders_scroll")
        .show(ui, |ui| {
            egui::Grid::new("orders")
                .num_columns(7)
                .striped(true)
                .spacing([18.0, 8.0])
                .show(ui, |ui| {
                    for order in recent {
                        let number = RichText::new(order.number.to_string()).strong();
                        if order.training {
                            ui.label(number.color(crate::ui::theme::BAD))
                                .on_hover_text("A practice sale: TRAINING");
                        } else {
                            ui.label(number);
                        }
                        ui.label(local_time(order.paid_at, time_zone));
                        ui.label(format!(
                            "{} · {}",
                            order.total,
                            crate::domain::order::methods_label(order.tenders.iter().copied())
                        ));
                        if widgets::button(ui, format!("PDF {}", order.number), 150.0) {
                            commands.push(Command::ExportReceipt(order.number.clone()));
                        }
                        if order.training {
                            ui.label(
                                RichText::new("TRAINING")
                                    .strong()
                                    .color(crate::ui::theme::BAD),
                            );
                            ui.label("");
                        } else {
                            // The row names the receipt: the buttons say only what they do
                            // (their accessible names carry the number), so a row fits 1024 px.
                            if row_button(ui, "Refund", format!("Refund {}", order.number)) {
                                commands.push(Command::Receipts(ReceiptsOp::StartRefund(
                                    order.number.clone(),
                                )));
                            }
                            let invoice = format!("Invoice {}…", order.number);
                            if row_button(ui, "Invoice…", invoice) {
                                commands.push(Command::Receipts(ReceiptsOp::StartInvoice(
                                    order.number.clone(),
                                )));
                            }
                        }
                        ui.add(egui::Label::new(&order.summary).truncate());
                        ui.end_row();
                    }
                });
        });
    commands
}

/// A short button of one row, named for screen readers and tests by `name`.
fn row_button(ui: &mut egui::Ui, text: &str, name: String) -> bool {
    let button = egui::Button::new(text).min_size(egui::vec2(110.0, crate::ui::theme::TOUCH));
    ui.add(button).accessible_name(name).clicked()
}
