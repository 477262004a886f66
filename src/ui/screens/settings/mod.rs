//! The Settings screen: how fans pay by QR, the cash drawer, the queue and claim-code rules,
//! the helper's name at this station, backups, the creator PIN, training mode, and sharing on
//! the table's network.

mod backup;
mod drawer;
mod network;
mod payment;
mod pin;
mod rules;
mod training;

pub use drawer::DrawerOp;
pub use network::NetworkOp;

use crate::domain::money::Money;
use crate::service::{Pos, PosResult};
use crate::ui::Command;
use crate::ui::backups::BackupCmd;
use crate::ui::ctx::{Fx, ScreenCtx};

/// What the Settings screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsOp {
    /// Render the payment QR of the form and read it back.
    TestScan,
    /// Save the payment settings (checks the creator PIN).
    SavePayment,
    /// A cash drawer action with the panel's amount and reason.
    Drawer(DrawerOp),
    /// Record the helper's name typed here with this station's actions.
    SetHelper,
    /// Save the queue and claim-code settings (checks the creator PIN).
    SaveRules,
    /// Save the backup settings (checks the creator PIN).
    SaveBackup,
    /// Change the creator PIN (checks the current one).
    ChangePin,
    /// Turn this station's training mode on or off (checks the creator PIN).
    SetTraining(bool),
    /// Sharing on the table's network: start, stop, pair a phone, unpair one.
    Network(NetworkOp),
}

/// The Settings screen's state: one draft per section.
#[derive(Debug, Clone)]
pub struct SettingsScreen {
    payment: payment::PaymentDraft,
    drawer: drawer::DrawerDraft,
    rules: rules::RulesDraft,
    backup: backup::BackupDraft,
    pin: pin::PinDraft,
    training: training::TrainingDraft,
    network: network::NetworkDraft,
}

impl SettingsScreen {
    /// The screen showing the open event's settings.
    pub fn new(pos: &Pos) -> SettingsScreen {
        SettingsScreen {
            payment: payment::PaymentDraft::of(pos.event().payment.as_ref()),
            drawer: drawer::DrawerDraft::default(),
            rules: rules::RulesDraft::of(pos.event(), pos.helper()),
            backup: backup::BackupDraft::of(&pos.backup_settings().unwrap_or_default()),
            pin: pin::PinDraft::default(),
            training: training::TrainingDraft::default(),
            network: network::NetworkDraft::of(pos.phones().unwrap_or_default()),
        }
    }

    /// Draws the sections one under the other.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let (event, station) = (ctx.event, ctx.station);
        egui::ScrollArea::vertical()
            .id_salt("settings_scroll")
            .show(ui, |ui| {
                let mut commands = payment::payment_ui(ui, event, station, &mut self.payment);
                ui.separator();
                commands.extend(drawer::drawer_ui(ui, &mut self.drawer));
                ui.separator();
                commands.extend(rules::rules_ui(ui, &mut self.rules));
                ui.separator();
                commands.extend(backup::backup_ui(ui, &mut self.backup));
                ui.separator();
                commands.extend(pin::pin_ui(ui, &mut self.pin));
                ui.separator();
                let on = ctx.shared.training;
                commands.extend(training::training_ui(ui, &mut self.training, on));
                ui.separator();
                commands.extend(network::network_ui(ui, &mut self.network, ctx.now));
                commands
            })
            .inner
    }

    /// The pairing link on show, if any.
    pub fn pairing_link(&self) -> Option<&str> {
        self.network.pairing_link()
    }

    /// Re-reads the drawer's state.
    pub fn refresh(&mut self, pos: &Pos) -> PosResult<()> {
        self.drawer.status = pos.drawer_status()?;
        self.network.phones = pos.phones()?;
        Ok(())
    }

    /// Applies one of the screen's ops through the service.
    pub fn apply(&mut self, op: SettingsOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            SettingsOp::TestScan => {
                let currency = pos.event().currency;
                let scale = 10_i64.pow(currency.minor_digits());
                self.payment.test_scan(Money::new(scale, currency));
                Ok(())
            }
            SettingsOp::SavePayment => {
                // The PIN is used once and forgotten, whatever the outcome.
                let pin = std::mem::take(&mut self.payment.pin);
                match self.payment.profile() {
                    Ok(profile) => {
                        let grant = pos.unlock(&pin)?;
                        pos.set_payment_profile(profile, &grant)?;
                        fx.good("Payment settings saved");
                    }
                    Err(problem) => fx.bad(problem.to_string()),
                }
                Ok(())
            }
            SettingsOp::Drawer(op) => self.drawer.apply(op, pos, fx),
            SettingsOp::Network(op) => self.network.apply(op, pos, fx),
            SettingsOp::SetHelper => {
                pos.set_helper(&self.rules.helper)?;
                match pos.helper() {
                    "" => fx.info("No helper name: actions show the station only"),
                    name => fx.good(format!("Helper at this station: {name}")),
                }
                Ok(())
            }
            SettingsOp::SaveRules => {
                let pin = std::mem::take(&mut self.rules.pin);
                match self.rules.parse() {
                    Ok((rules, hours)) => {
                        let grant = pos.unlock(&pin)?;
                        pos.set_queue_rules(rules, hours, &grant)?;
                        fx.good("Queue settings saved");
                    }
                    Err(problem) => fx.bad(problem.to_string()),
                }
                Ok(())
            }
            SettingsOp::ChangePin => {
                let typed = self.pin.take();
                if typed.new != typed.again {
                    fx.bad("The two new PINs differ: nothing changed");
                    return Ok(());
                }
                let grant = pos.unlock(&typed.current)?;
                pos.set_pin(&typed.new, Some(&grant))?;
                fx.good("Creator PIN changed: use the new one from now on");
                Ok(())
            }
            SettingsOp::SetTraining(on) => {
                let pin = std::mem::take(&mut self.training.pin);
                let grant = pos.unlock(&pin)?;
                pos.set_training(on, &grant)?;
                match on {
                    true => fx.good("Training mode is on: practice sales only at this station"),
                    false => fx.good("Training mode is off: this station sells for real"),
                }
                Ok(())
            }
            SettingsOp::SaveBackup => {
                let pin = std::mem::take(&mut self.backup.pin);
                match self.backup.parse() {
                    Ok(settings) => {
                        let grant = pos.unlock(&pin)?;
                        pos.set_backup_settings(&settings, &grant)?;
                        fx.then.push(Command::Backup(BackupCmd::Settings(settings)));
                        fx.good("Backup settings saved");
                    }
                    Err(problem) => fx.bad(problem.to_string()),
                }
                Ok(())
            }
        }
    }
}
