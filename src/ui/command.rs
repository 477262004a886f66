//! What a view asks for, applied after the frame is drawn: one variant per screen carrying that
//! screen's op, and the few things that are the kiosk's own.

use std::path::PathBuf;

use super::files::Saved;
use super::screens::catalogue::CatalogueOp;
use super::screens::dashboard::DashboardOp;
use super::screens::event::EventOp;
use super::screens::queue::QueueOp;
use super::screens::receipts::ReceiptsOp;
use super::screens::redeem::RedeemOp;
use super::screens::sell::SellOp;
use super::screens::settings::SettingsOp;
use crate::domain::order::ReceiptNo;

/// The screens of the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Tiles, basket, payment.
    Sell,
    /// Lanes, call next, served, no-show.
    Queue,
    /// Claim-code redemption.
    Redeem,
    /// Recent orders and receipt export.
    Receipts,
    /// Offers, bundles and deals: the creator edits, helpers read.
    Catalogue,
    /// The event's set-up, other events, fees, margins and splits.
    Event,
    /// Payment, drawer and queue settings.
    Settings,
    /// X, Z and event reports.
    Reports,
    /// The night at a glance: sales, drops, QR, lanes; margins and the tour for the creator.
    Dashboard,
}

impl Screen {
    /// Every screen, in tab order.
    pub const ALL: [Screen; 9] = [
        Screen::Sell,
        Screen::Queue,
        Screen::Redeem,
        Screen::Receipts,
        Screen::Dashboard,
        Screen::Reports,
        Screen::Catalogue,
        Screen::Event,
        Screen::Settings,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Sell => "Sell",
            Screen::Queue => "Queue",
            Screen::Redeem => "Redeem",
            Screen::Receipts => "Receipts",
            Screen::Catalogue => "Catalogue",
            Screen::Event => "Event",
            Screen::Settings => "Settings",
            Screen::Reports => "Reports",
            Screen::Dashboard => "Dashboard",
        }
    }
}

/// What a view (or the scanner, or a finished job) asks for; applied after the frame's views
/// are drawn.
#[must_use]
#[derive(Debug)]
pub enum Command {
    /// Switch screen.
    Goto(Screen),
    /// Show or hide the now-serving board.
    ToggleBoard,
    /// Show or hide the fan-facing window.
    ToggleFanWindow,
    /// Open a file with the desktop's viewer.
    OpenFile(PathBuf),
    /// A one-key shortcut: applied only if no scanner burst follows it (N, S and X are also
    /// claim-code characters).
    Shortcut(Box<Command>),
    /// Write a receipt PDF (from the Sell and Receipts screens), off the frame.
    ExportReceipt(ReceiptNo),
    /// A file written off the frame: what to tell the operator, and the file to offer.
    Saved(Saved),
    /// Another event is open at this kiosk: every screen starts afresh.
    EventSwitched,
    /// The creator archived an offer: it leaves a basket being built.
    OfferArchived(i64),
    /// A Sell screen op.
    Sell(SellOp),
    /// A Queue screen op.
    Queue(QueueOp),
    /// A Redeem screen op.
    Redeem(RedeemOp),
    /// A Receipts screen op.
    Receipts(ReceiptsOp),
    /// A Catalogue screen op.
    Catalogue(CatalogueOp),
    /// An Event screen op.
    Event(EventOp),
    /// A Settings screen op.
    Settings(SettingsOp),
    /// A Reports screen op.
    Reports(super::screens::reports::ReportsOp),
    /// A Dashboard screen op.
    Dashboard(DashboardOp),
    /// The kiosk's backups: back up now, new settings, a backup done.
    Backup(super::backups::BackupCmd),
}
