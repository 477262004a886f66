//! Event set-up in Settings: the open event's name, place, currency, tax mode and receipt texts;
//! setting up a new event and switching events (past ones stay readable); tender fees, margins
//! and what collaborators are owed.

use crate::domain::catalogue_file::optional_money;
use crate::domain::field::FieldResult;
use egui::{RichText, vec2};

use super::EventOp;
use crate::domain::event::{Event, EventSetup, SETUP_CURRENCIES};
use crate::domain::money::Money;
use crate::domain::order::TenderKind;
use crate::domain::pricing::{Fee, VatMode, percent_label};
use crate::service::{EventRow, Margin, Pos, PosError, PosResult};
use crate::ui::Command;
use crate::ui::ctx::Fx;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

/// Width of the set-up form's label column.
const LABEL_W: f32 = 170.0;

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

    /// Re-reads the events, fees, figures and stations; the fee fields show the stored fees
    /// unless something is typed in them.
    pub fn refresh(&mut self, pos: &Pos) -> PosResult<()> {
        self.events = pos.events()?;
        self.fees = pos.fees()?;
        self.margins = pos.margins()?;
        self.splits = pos.split_totals()?;
        self.stations = pos.stations()?;
        if self
            .fee_text
            .iter()
            .all(|f| f.0.is_empty() && f.1.is_empty())
        {
            self.show_fees(pos.event());
        }
        Ok(())
    }

    /// Applies a set-up op through the service.
    pub fn apply(&mut self, op: SetupOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let switching = matches!(op, SetupOp::CreateEvent | SetupOp::OpenEvent(_));
        if switching && fx.paying {
            return Err(PosError::Refused(
                "a fan is paying: finish or cancel the payment before switching events".into(),
            ));
        }
        match op {
            SetupOp::SaveEvent => {
                // The form's own fields first, as before grants: a typo is named at once,
                // without the slow PIN check.
                self.form.check()?;
                let grant = pos.unlock(&self.pin)?;
                pos.update_event(&self.form, &grant)?;
                fx.good("Event saved");
            }
            SetupOp::StartNew => {
                self.creating = true;
                let event = pos.event();
                self.form = EventSetup {
                    time_zone: event.time_zone.name().to_string(),
                    currency: event.currency.code().to_string(),
                    vat_mode: event.vat_mode,
                    vat_rates: EventSetup::of(event).vat_rates,
                    ..EventSetup::default()
                };
            }
            SetupOp::CancelNew => *self = SetupDraft::of(pos.event()),
            SetupOp::CreateEvent => {
                let name = self.form.name.trim().to_string();
                self.form.check()?;
                // A first event's creator has no PIN to type yet.
                let grant = match self.pin.as_str() {
                    pin if !pin.is_empty() && pos.has_creator_pin()? => Some(pos.unlock(pin)?),
                    _ => None,
                };
                pos.create_event(&self.form, &self.new_pin, grant.as_ref())?;
                fx.then.push(Command::EventSwitched);
                fx.good(format!(
                    "{name} is open. Add your offers in Catalogue (unlock with the new PIN)."
                ));
            }
            SetupOp::OpenEvent(id) => {
                let grant = pos.unlock(&self.pin)?;
                pos.open_event(id, &grant)?;
                fx.then.push(Command::EventSwitched);
                fx.good(format!("{} is open at this kiosk", pos.event().name));
            }
            SetupOp::SaveFees => {
                let fees = self.typed_fees(pos.event()).map_err(PosError::Invalid)?;
                let grant = pos.unlock(&self.pin)?;
                pos.save_fees(&fees, &grant)?;
                fx.good("Fees saved");
            }
        }
        Ok(())
    }

    /// The fees the fields describe.
    pub fn typed_fees(&self, event: &Event) -> FieldResult<Vec<(TenderKind, Fee)>> {
        FEE_KINDS
            .iter()
            .zip(&self.fee_text)
            .map(|(kind, (percent, fixed))| {
                let field = format!("{} fee percent", kind.label());
                let percent_bp =
                    crate::domain::catalogue_file::parse_percent(&field, percent, 1_000)?;
                let field = format!("{} fixed fee", kind.label());
                let fixed = optional_money(field, fixed, event.currency)?;
                Ok((*kind, Fee { percent_bp, fixed }))
            })
            .collect()
    }
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
    let mut op = |o: SetupOp| commands.push(Command::Event(EventOp::Setup(o)));
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
    event_form_ui(ui, &mut draft.form);
    ui.separator();
    events_ui(ui, event, &draft.events, &mut op);
    ui.separator();
    fees_ui(ui, event, &mut draft.fee_text, &mut op);
    ui.separator();
    figures_ui(ui, event, &draft.margins, &draft.splits);
    commands
}

/// The event's own fields: name, place, zone, currency, tax, receipt texts.
fn event_form_ui(ui: &mut egui::Ui, form: &mut EventSetup) {
    let place = [
        ("Event name", &mut form.name, 420.0, "Rooftop pop-up"),
        ("Venue", &mut form.venue, 420.0, "Dock 4, Hamburg"),
        ("Time zone", &mut form.time_zone, 260.0, "Europe/Berlin"),
    ];
    for (label, value, width, hint) in place {
        widgets::field(ui, label, value, (LABEL_W, width), hint);
    }
    ui.horizontal(|ui| {
        let currencies =
            SETUP_CURRENCIES.map(|c| (c.code(), format!("{} {}", c.code(), c.symbol())));
        let label = Some(("Currency", LABEL_W));
        if let Some(code) = widgets::choices(ui, label, &form.currency.as_str(), currencies, 80.0) {
            form.currency = code.to_string();
        }
    });
    ui.horizontal(|ui| {
        let modes = [VatMode::Inclusive, VatMode::Exclusive].map(|m| (m, m.label()));
        let label = Some(("Tax", LABEL_W));
        if let Some(mode) = widgets::choices(ui, label, &form.vat_mode, modes, 200.0) {
            form.vat_mode = mode;
        }
    });
    let texts = [
        ("VAT rates (%)", &mut form.vat_rates, 200.0, "19, 7"),
        (
            "Receipt header",
            &mut form.receipt_header,
            600.0,
            "your name, address, tax number",
        ),
        (
            "Receipt footer",
            &mut form.receipt_footer,
            600.0,
            "thank you, where to follow you",
        ),
        (
            "Terms on receipts",
            &mut form.terms,
            600.0,
            "refunds, claim codes",
        ),
    ];
    for (label, value, width, hint) in texts {
        widgets::field(ui, label, value, (LABEL_W, width), hint);
    }
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
            ui.add_sized([LABEL_W, TOUCH], egui::Label::new(kind.label()));
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
