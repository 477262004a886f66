//! Routing: each command goes to the room that owns it, with the service and the shared pieces
//! it may touch. What a room asks of another comes back as a follow-up command.

use super::ctx::Fx;
use super::screens::Screens;
use super::screens::sell::SellOp;
use super::widgets::Tone;
use super::{Command, Kiosk, Screen, files};
use crate::service::PosError;

impl Kiosk {
    /// Applies one command and whatever follows from it.
    pub fn apply(&mut self, command: Command) {
        let mut queue = vec![command];
        while let Some(command) = queue.pop() {
            let then = self.route(command);
            // Follow-ups run next, in the order they were asked for.
            queue.extend(then.into_iter().rev());
        }
    }

    /// Runs one command; returns the commands that follow from it.
    fn route(&mut self, command: Command) -> Vec<Command> {
        if let Command::Backup(cmd) = command {
            self.backup(cmd);
            return Vec::new();
        }
        let mut fx = Fx {
            shared: &self.shared,
            notice: &mut self.notice,
            then: Vec::new(),
            jobs: &mut self.jobs,
            receipts_dir: &self.receipts_dir,
            frame_time: self.frame_time,
            paying: self.screens.sell.paying(),
        };
        let (pos, screens) = (&mut self.pos, &mut self.screens);
        let result = match command {
            Command::Goto(screen) => {
                // Leaving the catalogue locks it again: a helper taking over finds it read-only.
                if screen != Screen::Catalogue {
                    screens.catalogue = Default::default();
                }
                // And the dashboard hides the creator's margins.
                if screen != Screen::Dashboard {
                    screens.dashboard.lock();
                }
                self.screen = screen;
                Ok(())
            }
            Command::ToggleBoard => {
                self.windows.board = !self.windows.board;
                Ok(())
            }
            Command::ToggleFanWindow => {
                self.windows.fan_window = !self.windows.fan_window;
                Ok(())
            }
            Command::OpenFile(path) => {
                files::open_file(&path);
                Ok(())
            }
            // Held back in `Kiosk::ui` until no scan follows; applied as the command it wraps.
            Command::Shortcut(inner) => {
                fx.then.push(*inner);
                Ok(())
            }
            Command::ExportReceipt(number) => pos.print_receipt(&number).map(|receipt| {
                files::export_receipt(fx.jobs, fx.receipts_dir, receipt);
            }),
            Command::Saved(saved) => {
                *fx.notice = Some(saved.notice);
                screens.receipts.exported(saved.path);
                Ok(())
            }
            Command::EventSwitched => {
                *screens = Screens::new(pos);
                Ok(())
            }
            Command::OfferArchived(id) => screens.sell.apply(SellOp::Withdraw(id), pos, &mut fx),
            Command::Sell(op) => screens.sell.apply(op, pos, &mut fx),
            Command::Queue(op) => screens.queue.apply(op, pos, &mut fx),
            Command::Redeem(op) => screens.redeem.apply(op, pos, &mut fx),
            Command::Receipts(op) => screens.receipts.apply(op, pos, &mut fx),
            Command::Catalogue(op) => screens.catalogue.apply(op, pos, &mut fx),
            Command::Event(op) => screens.event.apply(op, pos, &mut fx),
            Command::Settings(op) => screens.settings.apply(op, pos, &mut fx),
            Command::Reports(op) => screens.reports.apply(op, pos, &mut fx),
            Command::Dashboard(op) => screens.dashboard.apply(op, pos, &mut fx),
            Command::Backup(_) => Ok(()),
        };
        if let Err(e) = result {
            fx.bad(e.to_string());
        }
        fx.then
    }

    /// Re-reads what other stations may have changed; follows them to another event.
    pub(super) fn refresh(&mut self) {
        if let Err(e) = self.try_refresh() {
            self.notice = Some((Tone::Bad, e.to_string()));
        }
    }

    fn try_refresh(&mut self) -> Result<(), PosError> {
        let pos = &mut self.pos;
        pos.release_expired_holds()?;
        // Never while a fan pays: the sale must go to the event the fan was charged for.
        if !self.screens.sell.paying() && pos.sync_event()? {
            self.screens = Screens::new(pos);
            let name = pos.event().name.clone();
            self.notice = Some((Tone::Info, format!("Another station opened {name}")));
        }
        self.shared.set_catalogue(pos.catalogue()?);
        pos.roll_lotteries()?;
        self.shared.lanes = pos.queue()?;
        self.shared.training = pos.training()?;
        self.screens
            .refresh(self.screen, pos, &self.shared, &mut self.jobs)
    }
}
