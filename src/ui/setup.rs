//! Event set-up in Settings: the open event's name, place, currency, tax mode and receipt texts;
//! setting up a new event and switching events (past ones stay readable); tender fees, margins
//! and what collaborators are owed.

use egui::{RichText, vec2};

use super::Command;
use super::theme::{self, TOUCH};
use super::widgets;
use crate::domain::event::{Event, EventSetup, SETUP_CURRENCIES};
use crate::domain::money::{Money, parse_amount};
use crate::domain::order::TenderKind;
use crate::domain::pricing::{Fee, VatMode, percent_label};
use crate::service::Margin;
use crate::store::events::EventRow;

/// What the set-up panel asks the kiosk to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupOp {
    /// Save the open event's form.
    SaveEvent,
    /// Show a blank form for a new event.
    StartNew,
    /// Create the new event and open it.
    CreateEvent,
    /// Back to the open event's form.
    CancelNew,
    /// Open another event at the kiosk.
    OpenEvent(i64),
    /// Save the fee fields.
    SaveFees,
}

/// The set-up panel's state.
#[derive(Debug, Clone, Default)]
pub struct SetupDraft {
    /// The form (the open event's, or a new one).
    pub form: EventSetup,
    /// True while the form is for a new event.
    pub creating: bool,
    /// The open event's creator PIN as typed.
    pub pin: String,
    /// The new event's creator PIN.
    pub new_pin: String,
    /// Every event.
    pub events: Vec<EventRow>,
    /// Fees as stored.
    pub fees: Vec<(TenderKind, Fee)>,
    /// Fee fields as typed: `(percent, fixed)` for card, QR, cash.
    pub fee_text: [(String, String); 3],
    /// Margins so far.
    pub margins: Vec<Margin>,
    /// What each collaborator is owed.
    pub splits: Vec<(String, i64)>,
    /// The open event's stations.
    pub stations: Vec<String>,
    /// The Lotteries section.
    pub lottery: super::lottery::LotteryDraft,
}

const FEE_KINDS: [TenderKind; 3] = [TenderKind::Card, TenderKind::Qr, TenderKind::Cash];

impl SetupDraft {
    /// The panel showing `event`.
    pub fn of(event: &Event) -> SetupDraft {
        SetupDraft {
            form: EventSetup::of(event),
            ..SetupDraft::default()
        }
    }

    /// Fills the fee fields from what is stored (after a refresh, unless typed in).
    pub fn show_fees(&mut self, event: &Event) {
        for (at, kind) in FEE_KINDS.iter().enumerate() {
            let fee = self
                .fees
                .iter()
                .find(|f| f.0 == *kind)
                .map(|f| f.1)
                .unwrap_or_default();
            self.fee_text[at] = (
                percent_label(fee.percent_bp)
                    .trim_end_matches('%')
                    .to_string(),
                Money::new(fee.fixed, event.currency).plain(),
            );
        }
    }

    /// The fees the fields describe.
    pub fn typed_fees(&self, event: &Event) -> Result<Vec<(TenderKind, Fee)>, String> {
        FEE_KINDS
            .iter()
            .zip(&self.fee_text)
            .map(|(kind, (percent, fixed))| {
                let field = format!("{} fee percent", kind.label());
                let percent_bp =
                    crate::domain::catalogue_file::parse_percent(&field, percent, 1_000)
                        .map_err(|e| e.to_string())?;
                let fixed = match fixed.trim() {
                    "" => 0,
                    t => {
                        parse_amount(t, event.currency)
                            .map_err(|e| format!("{} fixed fee: {e}", kind.label()))?
                            .minor
                    }
                };
                Ok((*kind, Fee { percent_bp, fixed }))
            })
            .collect()
    }
}

fn field(ui: &mut egui::Ui, label: &str, value: &mut String, width: f32, hint: &str) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([170.0, TOUCH], egui::Label::new(label));
        ui.add_sized(
            [width, TOUCH],
            egui::TextEdit::singleline(value).hint_text(hint),
        )
        .labelled_by(l.id);
    });
}

fn pin_field(ui: &mut egui::Ui, label: &str, value: &mut String) {
    let l = ui.label(label);
    ui.add_sized(
        [110.0, TOUCH],
        egui::TextEdit::singleline(value).password(true),
    )
    .labelled_by(l.id);
}

/// Draws the set-up panel.
pub fn setup_ui(ui: &mut egui::Ui, event: &Event, draft: &mut SetupDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut op = |o: SetupOp| commands.push(Command::Setup(o));
    ui.heading(if draft.creating {
        "Set up a new event"
    } else {
        "This event"
    });
    // The PINs and the buttons come first, where they are seen without scrolling.
    ui.horizontal(|ui| {
        if draft.creating {
            pin_field(ui, "New event's PIN", &mut draft.new_pin);
        }
        pin_field(ui, "Creator PIN", &mut draft.pin);
        if draft.creating {
            if widgets::button(ui, RichText::new("Create and open").strong(), 200.0) {
                op(SetupOp::CreateEvent);
            }
            if widgets::button(ui, "Cancel", 110.0) {
                op(SetupOp::CancelNew);
            }
        } else {
            if widgets::button(ui, RichText::new("Save event").strong(), 150.0) {
                op(SetupOp::SaveEvent);
            }
            if widgets::button(ui, "Set up a new event…", 220.0) {
                op(SetupOp::StartNew);
            }
        }
    });
    let form = &mut draft.form;
    field(ui, "Event name", &mut form.name, 420.0, "Rooftop pop-up");
    field(ui, "Venue", &mut form.venue, 420.0, "Dock 4, Hamburg");
    field(ui, "Time zone", &mut form.time_zone, 260.0, "Europe/Berlin");
    ui.horizontal(|ui| {
        ui.add_sized([170.0, TOUCH], egui::Label::new("Currency"));
        for c in SETUP_CURRENCIES {
            let label = format!("{} {}", c.code(), c.symbol());
            if ui
                .add(
                    egui::Button::selectable(form.currency == c.code(), label)
                        .min_size(vec2(80.0, TOUCH)),
                )
                .clicked()
            {
                form.currency = c.code().to_string();
            }
        }
    });
    ui.horizontal(|ui| {
        ui.add_sized([170.0, TOUCH], egui::Label::new("Tax"));
        for mode in [VatMode::Inclusive, VatMode::Exclusive] {
            if ui
                .add(
                    egui::Button::selectable(form.vat_mode == mode, mode.label())
                        .min_size(vec2(200.0, TOUCH)),
                )
                .clicked()
            {
                form.vat_mode = mode;
            }
        }
    });
    field(ui, "VAT rates (%)", &mut form.vat_rates, 200.0, "19, 7");
    field(
        ui,
        "Receipt header",
        &mut form.receipt_header,
        600.0,
        "your name, address, tax number",
    );
    field(
        ui,
        "Receipt footer",
        &mut form.receipt_footer,
        600.0,
        "thank you, where to follow you",
    );
    field(
        ui,
        "Terms on receipts",
        &mut form.terms,
        600.0,
        "refunds, claim codes",
    );
    ui.separator();
    events_ui(ui, event, &draft.events, &mut op);
    ui.separator();
    fees_ui(ui, event, &mut draft.fee_text, &mut op);
    ui.separator();
    figures_ui(ui, event, &draft.margins, &draft.splits);
    commands.extend(super::lottery::lottery_ui(ui, event, &mut draft.lottery));
    commands
}

fn events_ui(ui: &mut egui::Ui, event: &Event, events: &[EventRow], op: &mut impl FnMut(SetupOp)) {
    ui.label(RichText::new("Events").strong());
    egui::Grid::new("events")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for row in events {
                let e = &row.event;
                let name = if row.demo {
                    format!("{} (demo)", e.name)
                } else {
                    e.name.clone()
                };
                ui.label(RichText::new(name).strong());
                ui.label(&e.venue);
                ui.label(format!(
                    "{} orders · {}",
                    row.orders,
                    Money::new(row.sales_minor, e.currency)
                ));
                if e.id == event.id {
                    ui.label(RichText::new("open at this kiosk").color(theme::GOOD));
                } else if ui
                    .add(egui::Button::new("Open here").min_size(vec2(120.0, TOUCH)))
                    .accessible_name(format!("Open {} here", e.name))
                    .clicked()
                {
                    op(SetupOp::OpenEvent(e.id));
                }
                ui.end_row();
            }
        });
    ui.label(
        RichText::new("Opening another event needs this event's creator PIN; nothing is deleted.")
            .color(theme::MUTED),
    );
}

fn fees_ui(
    ui: &mut egui::Ui,
    event: &Event,
    text: &mut [(String, String); 3],
    op: &mut impl FnMut(SetupOp),
) {
    ui.label(RichText::new("What each payment method costs you").strong());
    for (kind, (percent, fixed)) in FEE_KINDS.iter().zip(text.iter_mut()) {
        ui.horizontal(|ui| {
            ui.add_sized([170.0, TOUCH], egui::Label::new(kind.label()));
            let p = ui.label("percent");
            ui.add_sized([80.0, TOUCH], egui::TextEdit::singleline(percent))
                .labelled_by(p.id);
            let f = ui.label(format!("+ fixed {}", event.currency.symbol()));
            ui.add_sized([90.0, TOUCH], egui::TextEdit::singleline(fixed))
                .labelled_by(f.id);
        });
    }
    if widgets::button(ui, "Save fees", 140.0) {
        op(SetupOp::SaveFees);
    }
}

fn figures_ui(ui: &mut egui::Ui, event: &Event, margins: &[Margin], splits: &[(String, i64)]) {
    let money = |m: i64| Money::new(m, event.currency).to_string();
    ui.label(RichText::new("Margins so far (without VAT)").strong());
    if margins.is_empty() {
        ui.label("Nothing sold yet.");
        return;
    }
    egui::Grid::new("margins")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for head in [
                "Offer",
                "Units",
                "Net",
                "Fees",
                "Cost",
                "Margin",
                "Per gig-minute",
            ] {
                ui.label(RichText::new(head).strong());
            }
            ui.end_row();
            for m in margins {
                let f = &m.figures;
                ui.label(&m.title);
                ui.label(f.units.to_string());
                ui.label(money(f.net_revenue));
                ui.label(money(f.fees));
                ui.label(money(f.cost));
                ui.label(RichText::new(money(f.margin)).strong());
                ui.label(f.per_minute().map(money).unwrap_or_default());
                ui.end_row();
            }
        });
    if !splits.is_empty() {
        ui.label(RichText::new("Shares owed (net of VAT, tips included)").strong());
        for (name, amount) in splits {
            ui.label(format!("{name}: {}", money(*amount)));
        }
    }
}
