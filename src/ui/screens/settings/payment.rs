//! The Settings screen: the event at a glance and how fans pay by QR (creator PIN to save),
//! with a "Test scan" that renders the QR and reads it back as a phone would.

use crate::domain::field::FieldResult;
use crate::ui::problem::Problem;
use egui::RichText;

use super::SettingsOp;
use crate::domain::event::Event;
use crate::domain::money::Money;
use crate::domain::payment::{self, EpcProfile, PaymentProfile, PixProfile};
use crate::domain::qr::QrMatrix;
use crate::ui::Command;
use crate::ui::theme::TOUCH;
use crate::ui::widgets::{self, Tone};

/// The schemes the screen edits (generic EMV is set with `encore payment set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// SEPA credit transfer.
    Epc,
    /// PIX.
    Pix,
    /// UPI.
    Upi,
    /// Payment link.
    Link,
}

/// The payment form as typed.
#[derive(Debug, Clone)]
pub struct PaymentDraft {
    /// Chosen scheme.
    pub scheme: Scheme,
    /// Name (all schemes but link).
    pub name: String,
    /// IBAN (EPC).
    pub iban: String,
    /// PIX key.
    pub key: String,
    /// City (PIX).
    pub city: String,
    /// UPI address.
    pub vpa: String,
    /// Link template.
    pub template: String,
    /// Creator PIN as typed.
    pub pin: String,
    /// The last test scan: decoded fields, or what went wrong.
    pub test: Option<Result<Vec<(String, String)>, Problem>>,
}

impl PaymentDraft {
    /// A form showing the current profile.
    pub fn of(profile: Option<&PaymentProfile>) -> PaymentDraft {
        let mut d = PaymentDraft {
            scheme: Scheme::Epc,
            name: String::new(),
            iban: String::new(),
            key: String::new(),
            city: String::new(),
            vpa: String::new(),
            template: String::new(),
            pin: String::new(),
            test: None,
        };
        match profile {
            Some(PaymentProfile::Epc(p)) => (d.name, d.iban) = (p.name.clone(), p.iban.clone()),
            Some(PaymentProfile::Pix(p)) => {
                (d.scheme, d.key, d.name, d.city) =
                    (Scheme::Pix, p.key.clone(), p.name.clone(), p.city.clone());
            }
            Some(PaymentProfile::Upi { vpa, name }) => {
                (d.scheme, d.vpa, d.name) = (Scheme::Upi, vpa.clone(), name.clone())
            }
            Some(PaymentProfile::Link { template }) => {
                (d.scheme, d.template) = (Scheme::Link, template.clone())
            }
            Some(PaymentProfile::Emv(_)) | None => {}
        }
        d
    }

    /// The profile the form describes, validated.
    pub fn profile(&self) -> FieldResult<PaymentProfile> {
        let profile = match self.scheme {
            Scheme::Epc => PaymentProfile::Epc(EpcProfile::new(&self.name, &self.iban)),
            Scheme::Pix => PaymentProfile::Pix(PixProfile {
                key: self.key.trim().into(),
                name: self.name.clone(),
                city: self.city.clone(),
                description: None,
            }),
            Scheme::Upi => PaymentProfile::Upi {
                vpa: self.vpa.trim().into(),
                name: self.name.clone(),
            },
            Scheme::Link => PaymentProfile::Link {
                template: self.template.trim().into(),
            },
        };
        profile.validate()?;
        Ok(profile)
    }

    /// Renders the QR for one unit of `currency`, scans it back and decodes the fields.
    pub fn test_scan(&mut self, sample: Money) {
        let result = (|| -> Result<_, Problem> {
            let qr = self.profile()?.payload(sample, "ENC-TEST00")?;
            let matrix = QrMatrix::encode(&qr.payload, qr.mode)?;
            let scanned = matrix.scan()?;
            if scanned != qr.payload {
                return Err(Problem::ScanDiffers);
            }
            Ok(payment::decode(&scanned)
                .map(|d| d.fields)
                .unwrap_or_else(|_| vec![("link".into(), scanned)]))
        })();
        self.test = Some(result);
    }
}

/// Width of the form's label column.
const LABEL_W: f32 = 170.0;

/// Draws the event summary and the payment form.
pub fn payment_ui(
    ui: &mut egui::Ui,
    event: &Event,
    station: &str,
    draft: &mut PaymentDraft,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.heading("Settings");
    ui.label(format!(
        "{} · {} · {} · {} · station {station} · units held {} min while a fan pays",
        event.name,
        event.venue,
        event.time_zone,
        event.currency,
        event.hold_secs / 60
    ));
    ui.separator();
    ui.label(RichText::new("How fans pay by QR").strong());
    ui.horizontal(|ui| {
        let schemes = [
            (Scheme::Epc, "SEPA (EPC)"),
            (Scheme::Pix, "PIX"),
            (Scheme::Upi, "UPI"),
            (Scheme::Link, "Payment link"),
        ];
        if let Some(scheme) = widgets::choices(ui, None, &draft.scheme, schemes, 150.0) {
            draft.scheme = scheme;
            draft.test = None;
        }
    });
    scheme_fields_ui(ui, draft);
    ui.horizontal(|ui| {
        if widgets::button(ui, "Test scan", 160.0) {
            commands.push(Command::Settings(SettingsOp::TestScan));
        }
        let label = ui.label("Creator PIN");
        ui.add_sized(
            [140.0, TOUCH],
            egui::TextEdit::singleline(&mut draft.pin).password(true),
        )
        .labelled_by(label.id);
        if widgets::button(ui, "Save payment settings", 240.0) {
            commands.push(Command::Settings(SettingsOp::SavePayment));
        }
    });
    test_result_ui(ui, draft.test.as_ref());
    commands
}

/// The fields the chosen scheme needs.
fn scheme_fields_ui(ui: &mut egui::Ui, draft: &mut PaymentDraft) {
    let fields = match draft.scheme {
        Scheme::Epc => vec![
            ("Beneficiary name", &mut draft.name, 420.0),
            ("Beneficiary IBAN", &mut draft.iban, 420.0),
        ],
        Scheme::Pix => vec![
            ("PIX key", &mut draft.key, 420.0),
            ("Receiver name", &mut draft.name, 420.0),
            ("City", &mut draft.city, 300.0),
        ],
        Scheme::Upi => vec![
            ("UPI address", &mut draft.vpa, 420.0),
            ("Payee name", &mut draft.name, 420.0),
        ],
        Scheme::Link => vec![("Link template", &mut draft.template, 600.0)],
    };
    for (label, value, width) in fields {
        widgets::field(ui, label, value, (LABEL_W, width), "");
    }
}

/// What the last test scan read back, or what went wrong.
fn test_result_ui(ui: &mut egui::Ui, test: Option<&Result<Vec<(String, String)>, Problem>>) {
    match test {
        Some(Ok(fields)) => {
            widgets::banner(ui, Tone::Good, "Test scan: the QR reads back as", 20.0);
            egui::Grid::new("test_scan").striped(true).show(ui, |ui| {
                for (name, value) in fields {
                    ui.label(name);
                    ui.label(value);
                    ui.end_row();
                }
            });
        }
        Some(Err(problem)) => widgets::banner(ui, Tone::Bad, &problem.to_string(), 20.0),
        None => {}
    }
}
