//! The rooms of the kiosk, one per screen. Each owns its state, its ops, its view and the
//! applying of its ops; none reaches into another (what one asks of another goes back to the
//! kiosk as a command). They import only downward: widgets, theme, the shared context, the
//! service and the domain.

pub mod catalogue;
pub mod dashboard;
pub mod event;
pub mod queue;
pub mod receipts;
pub mod redeem;
pub mod reports;
pub mod sell;
pub mod settings;

use super::Command;
use super::Screen;
use super::ctx::{ScreenCtx, Shared};
use super::jobs::Jobs;
use crate::service::{Pos, PosResult};

/// Every screen's state. A new event gets a fresh one, so nothing of the old event survives.
pub struct Screens {
    /// Tiles, basket, payment.
    pub sell: sell::SellScreen,
    /// Lanes.
    pub queue: queue::QueueScreen,
    /// Claim codes.
    pub redeem: redeem::RedeemScreen,
    /// Orders, refunds, statements.
    pub receipts: receipts::ReceiptsScreen,
    /// The catalogue editor.
    pub catalogue: catalogue::CatalogueScreen,
    /// Event set-up, members, lotteries.
    pub event: event::EventScreen,
    /// Payment, drawer, queue rules.
    pub settings: settings::SettingsScreen,
    /// X, Z and event reports.
    pub reports: reports::ReportsScreen,
    /// The night at a glance.
    pub dashboard: dashboard::DashboardScreen,
}

impl Screens {
    /// Fresh screens for the event open in `pos`.
    pub fn new(pos: &Pos) -> Screens {
        Screens {
            sell: sell::SellScreen::default(),
            queue: queue::QueueScreen::default(),
            redeem: redeem::RedeemScreen::default(),
            receipts: receipts::ReceiptsScreen::default(),
            catalogue: catalogue::CatalogueScreen::default(),
            event: event::EventScreen::new(pos.event()),
            settings: settings::SettingsScreen::new(pos),
            reports: reports::ReportsScreen::default(),
            dashboard: dashboard::DashboardScreen::default(),
        }
    }

    /// Re-reads what each screen shows from the service (`shown` is on screen now).
    pub fn refresh(
        &mut self,
        shown: Screen,
        pos: &mut Pos,
        shared: &Shared,
        jobs: &mut Jobs,
    ) -> PosResult<()> {
        if shown == Screen::Event {
            self.event.refresh(pos, shared)?;
        }
        self.receipts.refresh(pos)?;
        self.settings.refresh(pos)?;
        if shown == Screen::Redeem {
            self.redeem.refresh(pos)?;
        }
        if shown == Screen::Reports {
            self.reports.refresh(pos)?;
        }
        if shown == Screen::Dashboard {
            self.dashboard.refresh(pos, jobs)?;
        }
        Ok(())
    }

    /// Draws the screen `shown`.
    pub fn ui(&mut self, shown: Screen, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        match shown {
            Screen::Sell => self.sell.ui(ui, ctx),
            Screen::Queue => self.queue.ui(ui, ctx),
            Screen::Redeem => self.redeem.ui(ui, ctx),
            Screen::Receipts => self.receipts.ui(ui, ctx),
            Screen::Catalogue => self.catalogue.ui(ui, ctx),
            Screen::Event => self.event.ui(ui, ctx),
            Screen::Settings => self.settings.ui(ui, ctx),
            Screen::Reports => self.reports.ui(ui, ctx),
            Screen::Dashboard => self.dashboard.ui(ui, ctx),
        }
    }
}
