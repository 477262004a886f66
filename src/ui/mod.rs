//! The kiosk. Views read state and return commands; `Kiosk::apply` runs them through the
//! service after the views are drawn. No view touches the store.

mod actions;
mod basket;
mod board;
mod catalogue;
mod drawer;
mod fan;
mod lottery;
mod members;
mod office;
mod orders;
mod queue;
mod redeem;
mod refund;
mod rules;
mod scanner;
mod sell;
mod settings;
mod setup;
mod statement;
pub mod theme;
mod tiles;
mod till;
mod widgets;
mod windows;

use std::path::{Path, PathBuf};

use egui::RichText;

use crate::domain::basket::{PriceList, Quote};
use crate::domain::catalogue::{Bundle, Offer};
use crate::domain::event::local_time;
use crate::domain::money::Money;
use crate::domain::order::OrderSummary;
use crate::domain::order::{Cart, Receipt, ReceiptNo, TenderKind};
use crate::domain::pricing::Discount;
use crate::domain::qr::QrMatrix;
use crate::domain::queue::TicketState;
use crate::service::{Checkout, LaneView, Pos, PosError};
use scanner::ScanDetector;
use widgets::Tone;

/// What a member card's QR says before the code.
const MEMBER_CARD_PREFIX: &str = "ENCORE-MEMBER:";
/// Seconds between re-reads of the catalogue and queue (other stations sell too).
const REFRESH_SECS: f64 = 1.0;
/// A shortcut key waits this long for a scanner burst that would make it part of a code.
const SHORTCUT_WAIT_SECS: f64 = 0.15;
/// Taps on a confirm button this soon after the payment started are taken as a double tap.
const CONFIRM_GUARD_SECS: f64 = 0.8;

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
}

impl Screen {
    const ALL: [Screen; 7] = [
        Screen::Sell,
        Screen::Queue,
        Screen::Redeem,
        Screen::Receipts,
        Screen::Catalogue,
        Screen::Event,
        Screen::Settings,
    ];

    fn title(self) -> &'static str {
        match self {
            Screen::Sell => "Sell",
            Screen::Queue => "Queue",
            Screen::Redeem => "Redeem",
            Screen::Receipts => "Receipts",
            Screen::Catalogue => "Catalogue",
            Screen::Event => "Event",
            Screen::Settings => "Settings",
        }
    }
}

/// What a view asks for; applied after the frame's views are drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Switch screen.
    Goto(Screen),
    /// One more unit of an offer in the basket.
    Add(i64),
    /// One unit fewer.
    RemoveOne(i64),
    /// One more of a bundle in the basket.
    AddBundle(i64),
    /// One fewer of a bundle.
    RemoveBundle(i64),
    /// Identify the fan from the basket's fan field (contact, member code, buy code).
    IdentifyFan,
    /// Identify the fan from a scanned member card.
    ScannedMember(String),
    /// Forget the identified fan.
    ForgetFan,
    /// A catalogue editor action (creator PIN).
    Editor(catalogue::EditorOp),
    /// An event set-up action (creator PIN).
    Setup(setup::SetupOp),
    /// A members action.
    Members(members::MembersOp),
    /// A Lotteries section action (Event screen).
    Lottery(lottery::LotteryOp),
    /// Empty the basket.
    ClearCart,
    /// Start a payment with this method.
    Pay(TenderKind),
    /// The helper confirms the money arrived (QR seen in the banking app, card approved, cash taken).
    ConfirmPaid,
    /// Back out of the payment, keeping the basket.
    CancelPayment,
    /// Clear the finished sale for the next fan.
    NextFan,
    /// Call the next ticket of a lane.
    CallNext(char),
    /// Move a ticket: at the table, served, no-show, or re-queued (Waiting).
    MoveTicket(i64, TicketState),
    /// Take a ticket's last move back (within ten seconds).
    UndoTicket(i64),
    /// Make a waiting ticket priority or regular.
    SetPriority(i64, bool),
    /// The lane the queue shortcuts act on.
    SelectLane(char),
    /// Hand held drop units to the fan (second step of a drop redemption).
    HandOver(i64),
    /// Take a redemption back (within ten seconds).
    UndoRedemption(i64),
    /// Redeem one more unit of the last code.
    RedeemMore(String),
    /// Read a claim code from the image file named in the Redeem screen's field.
    ReadImage,
    /// Show or hide the now-serving board.
    ToggleBoard,
    /// Record the helper's name typed in Settings with this station's actions.
    SetHelper,
    /// Save the queue and claim-code settings (checks the creator PIN).
    SaveRules,
    /// A one-key shortcut: applied only if no scanner burst follows it (N, S and X are also
    /// claim-code characters).
    Shortcut(Box<Command>),
    /// Redeem a typed or scanned claim code.
    Redeem(String),
    /// Write a receipt PDF.
    ExportReceipt(ReceiptNo),
    /// Open a file with the desktop's viewer.
    OpenFile(PathBuf),
    /// Show or hide the fan-facing window.
    ToggleFanWindow,
    /// Open the refund panel for a receipt.
    StartRefund(ReceiptNo),
    /// Make the refund in the panel (checks the creator PIN).
    ConfirmRefund,
    /// Close the refund panel without refunding.
    CancelRefund,
    /// Render the payment QR of the settings form and read it back.
    TestScan,
    /// Save the payment settings (checks the creator PIN).
    SavePayment,
    /// A cash drawer action with the panel's amount and reason.
    Drawer(drawer::DrawerOp),
    /// Set the tip to this percent of the total (0 = no tip).
    SetTip(u32),
    /// Set the tip to the amount typed in the tip field.
    CustomTip,
    /// Split tender: record the amount typed in the split field as paid by this method.
    AddPart(TenderKind),
    /// Take back a split part (by its position).
    RemovePart(usize),
    /// Read the statement file named in the Receipts screen's form and match it to QR orders.
    MatchStatement,
}

impl Payment {
    /// What the fan pays by the payment's method now: the total plus any tip, less the split
    /// parts already taken another way.
    pub fn due(&self) -> Option<Money> {
        match self {
            Payment::Pending {
                total, tip, parts, ..
            } => {
                let taken: i64 = parts.iter().map(|p| p.1.minor).sum();
                Some(Money::new(total.minor + tip.minor - taken, total.currency))
            }
            _ => None,
        }
    }
}

/// Where the current fan's payment stands.
#[derive(Debug, Clone)]
pub enum Payment {
    /// Building the basket.
    None,
    /// Waiting for the money by one method.
    Pending {
        /// Order id and payment reference.
        checkout: Checkout,
        /// Amount due.
        total: Money,
        /// Method.
        method: TenderKind,
        /// The payment QR (QR method only).
        qr: Option<(QrMatrix, String)>,
        /// Tip on top of the total (0 unless the fan chose one).
        tip: Money,
        /// Split tender: parts taken by other methods, each exactly its amount.
        parts: Vec<(TenderKind, Money)>,
        /// Until when the basket's units are reserved.
        held_until: jiff::Timestamp,
        /// Frame time the payment started; confirming is ignored just after, so a double tap
        /// on a pay button can never also tap the confirm button that takes its place.
        started_at: f64,
        /// When the fan was shown the price: the sale prices discount windows as of then.
        priced_at: jiff::Timestamp,
    },
    /// Committed: the receipt and a QR per claim code.
    Paid {
        /// What was sold.
        receipt: Box<Receipt>,
        /// QR of each claim code, in receipt order.
        claim_qrs: Vec<QrMatrix>,
    },
}

/// The kiosk's state between frames.
pub struct Kiosk {
    pos: Pos,
    receipts_dir: PathBuf,
    /// The screen shown.
    pub screen: Screen,
    offers: Vec<Offer>,
    bundles: Vec<Bundle>,
    discounts: Vec<Discount>,
    cross_sells: Vec<(i64, i64)>,
    editor: catalogue::EditorDraft,
    /// The fan at the table, once identified, and the field to identify them.
    fan: Option<crate::service::Fan>,
    fan_input: String,
    members: members::MembersDraft,
    setup: setup::SetupDraft,
    lanes: Vec<LaneView>,
    recent: Vec<OrderSummary>,
    refreshed_at: Option<f64>,
    /// The basket.
    pub cart: Cart,
    /// The payment in progress.
    pub payment: Payment,
    till: sell::TillInputs,
    redeem: redeem::RedeemDesk,
    /// The lane the queue shortcuts act on, and this station's last queue move.
    lane: char,
    last_move: Option<queue::LastMove>,
    /// A shortcut waiting to see whether a scanner burst follows: `(command, frame time)`.
    pending_key: Option<(Command, f64)>,
    /// Characters typed in this frame.
    typed_this_frame: usize,
    /// Frame time of the last typed character (any field, or none).
    typed_at: f64,
    board: bool,
    notice: Option<(Tone, String)>,
    exported: Option<PathBuf>,
    scanner: ScanDetector,
    fan_window: bool,
    frame_time: f64,
    refund: Option<refund::RefundDraft>,
    statement: statement::StatementDraft,
    settings: settings::SettingsDraft,
    rules: rules::RulesDraft,
    drawer: Option<crate::domain::drawer::DrawerReport>,
    drawer_amount: String,
    drawer_reason: String,
}

impl Kiosk {
    /// A kiosk on `pos`; receipt PDFs go to `receipts_dir`.
    pub fn new(pos: Pos, receipts_dir: PathBuf) -> Kiosk {
        let mut kiosk = Kiosk {
            pos,
            receipts_dir,
            screen: Screen::Sell,
            offers: Vec::new(),
            bundles: Vec::new(),
            discounts: Vec::new(),
            cross_sells: Vec::new(),
            editor: catalogue::EditorDraft::default(),
            fan: None,
            fan_input: String::new(),
            members: members::MembersDraft::default(),
            setup: setup::SetupDraft::default(),
            lanes: Vec::new(),
            recent: Vec::new(),
            refreshed_at: None,
            cart: Cart::default(),
            payment: Payment::None,
            till: sell::TillInputs::default(),
            redeem: redeem::RedeemDesk::default(),
            lane: 'A',
            last_move: None,
            pending_key: None,
            typed_this_frame: 0,
            typed_at: f64::NEG_INFINITY,
            board: false,
            notice: None,
            exported: None,
            scanner: ScanDetector::default(),
            fan_window: false,
            frame_time: 0.0,
            rules: rules::RulesDraft::default(),
            statement: statement::StatementDraft::default(),
            refund: None,
            settings: settings::SettingsDraft::of(None),
            drawer: None,
            drawer_amount: String::new(),
            drawer_reason: String::new(),
        };
        kiosk.settings = settings::SettingsDraft::of(kiosk.pos.event().payment.as_ref());
        kiosk.rules = rules::RulesDraft::of(kiosk.pos.event(), kiosk.pos.helper());
        kiosk.setup = setup::SetupDraft::of(kiosk.pos.event());
        kiosk.refresh();
        kiosk
    }

    /// The basket priced as the sale will price it (same function, same data).
    fn quote(&self) -> Result<Quote, String> {
        let event = self.pos.event();
        let list = PriceList {
            offers: &self.offers,
            bundles: &self.bundles,
            discounts: &self.discounts,
            mode: event.vat_mode,
            currency: event.currency,
        };
        crate::domain::basket::quote(list, &self.cart.items(), &self.cart.bundles, self.pos.now())
            .map_err(|e| e.to_string())
    }

    /// The service, for tests that check what was committed.
    pub fn pos(&self) -> &Pos {
        &self.pos
    }

    /// The last message shown to the operator.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_ref().map(|(_, t)| t.as_str())
    }

    fn refresh(&mut self) {
        let result = (|| -> Result<(), PosError> {
            self.pos.release_expired_holds()?;
            // Never while a fan pays: the sale must go to the event the fan was charged for.
            let paying = matches!(self.payment, Payment::Pending { .. });
            if !paying && self.pos.sync_event()? {
                self.after_event_switch();
                let name = self.pos.event().name.clone();
                self.notice = Some((Tone::Info, format!("Another station opened {name}")));
            }
            let catalogue = self.pos.catalogue()?;
            self.offers = catalogue.offers;
            self.bundles = catalogue.bundles;
            self.discounts = catalogue.discounts;
            self.cross_sells = catalogue.cross_sells;
            self.refresh_lotteries()?;
            if self.screen == Screen::Event {
                self.setup.events = self.pos.events()?;
                self.setup.fees = self.pos.fees()?;
                self.setup.margins = self.pos.margins()?;
                self.setup.splits = self.pos.split_totals()?;
                self.members.list = self.pos.members()?;
                self.setup.stations = self.pos.stations()?;
                if self
                    .setup
                    .fee_text
                    .iter()
                    .all(|f| f.0.is_empty() && f.1.is_empty())
                {
                    self.setup.show_fees(self.pos.event());
                }
            }
            self.lanes = self.pos.queue()?;
            self.recent = self.pos.recent_orders(50)?;
            self.drawer = self.pos.drawer_status()?;
            if self.screen == Screen::Redeem {
                let since = self.redeem.since.start(self.pos.now());
                self.redeem.log = self.pos.redemption_log(&self.redeem.search, since)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            self.notice = Some((Tone::Bad, e.to_string()));
        }
    }

    /// Draws one frame and applies what the views asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let time = ui.input(|i| i.time);
        self.frame_time = time;
        if self.refreshed_at.is_none_or(|t| time - t >= REFRESH_SECS) {
            self.refresh();
            self.refreshed_at = Some(time);
        }
        let mut commands = self.scan_ui(ui, time);
        commands.extend(self.top_bar_ui(ui));
        commands.extend(self.screen_ui(ui));
        if self.fan_window {
            commands.extend(self.fan_window_ui(ui));
        }
        if self.board {
            commands.extend(self.board_window_ui(ui));
        }
        let mut commands = self.hold_shortcuts(commands, time);
        if let Some((command, at)) = self.pending_key.take() {
            if self.typed_at > at {
                // More characters came: the key was the start of a scan, not a shortcut.
            } else if time - at >= SHORTCUT_WAIT_SECS {
                commands.push(command);
            } else {
                self.pending_key = Some((command, at));
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(SHORTCUT_WAIT_SECS));
            }
        }
        let changed = !commands.is_empty();
        for command in commands {
            self.apply(command);
        }
        if changed {
            self.refresh();
        }
        // Countdowns and the clock tick once a second; nothing else needs repainting while idle.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(1));
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                for screen in Screen::ALL {
                    let tab = egui::Button::selectable(
                        self.screen == screen,
                        RichText::new(screen.title()).size(21.0),
                    )
                    .min_size(egui::vec2(84.0, theme::TOUCH));
                    if ui.add(tab).clicked() {
                        commands.push(Command::Goto(screen));
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let fan_label = if self.fan_window {
                        "Close fan screen"
                    } else {
                        "Fan screen"
                    };
                    if widgets::button(ui, fan_label, 0.0) {
                        commands.push(Command::ToggleFanWindow);
                    }
                    let board_label = if self.board { "Close board" } else { "Board" };
                    if widgets::button(ui, board_label, 0.0) {
                        commands.push(Command::ToggleBoard);
                    }
                    let event = self.pos.event();
                    // On a narrow screen the clock gives way before it would cover a tab.
                    if ui.available_width() > 240.0 {
                        ui.label(local_time(self.pos.now(), &event.time_zone));
                    }
                    // On a 1024 px screen the event name gives way (truncated) before the tabs do.
                    let name =
                        RichText::new(format!("{} · {}", event.name, self.pos.station())).strong();
                    ui.add(egui::Label::new(name).truncate());
                });
            });
        });
        commands
    }

    fn screen_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let now = self.pos.now();
        let mut commands = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some((tone, text)) = &self.notice {
                widgets::banner(ui, *tone, text, 20.0);
            }
            commands = match self.screen {
                Screen::Sell => {
                    let quote = (!self.cart.is_empty()).then(|| self.quote());
                    let shelf = tiles::Shelf {
                        offers: &self.offers,
                        bundles: &self.bundles,
                        discounts: &self.discounts,
                        cross_sells: &self.cross_sells,
                        quote: quote.as_ref(),
                        mode: self.pos.event().vat_mode,
                        fan: self.fan.as_ref(),
                    };
                    let till = (&mut self.till, &mut self.fan_input);
                    sell::sell_ui(ui, shelf, &self.cart, &self.payment, now, till)
                }
                Screen::Event => {
                    let (event, setup) = (self.pos.event(), &mut self.setup);
                    let members = &mut self.members;
                    egui::ScrollArea::vertical()
                        .id_salt("event_scroll")
                        .show(ui, |ui| {
                            let mut commands = setup::setup_ui(ui, event, setup);
                            ui.separator();
                            commands.extend(members::members_ui(ui, members));
                            commands
                        })
                        .inner
                }
                Screen::Catalogue => {
                    let catalogue = catalogue::CatalogueView {
                        offers: &self.offers,
                        bundles: &self.bundles,
                        discounts: &self.discounts,
                        event: self.pos.event(),
                        now,
                    };
                    catalogue::catalogue_ui(ui, catalogue, &mut self.editor)
                }
                Screen::Queue => queue::queue_ui(
                    ui,
                    &self.lanes,
                    (self.lane, self.last_move.as_ref()),
                    now,
                    self.pos.event().queue.grace_secs,
                ),
                Screen::Redeem => redeem::redeem_ui(ui, &mut self.redeem, now),
                Screen::Settings => {
                    let (pos, draft, rules) = (&self.pos, &mut self.settings, &mut self.rules);
                    let (status, amount, reason) = (
                        self.drawer.as_ref(),
                        &mut self.drawer_amount,
                        &mut self.drawer_reason,
                    );
                    egui::ScrollArea::vertical()
                        .id_salt("settings_scroll")
                        .show(ui, |ui| {
                            let mut commands =
                                settings::settings_ui(ui, pos.event(), pos.station(), draft);
                            ui.separator();
                            commands.extend(drawer::drawer_ui(ui, status, amount, reason));
                            ui.separator();
                            commands.extend(rules::rules_ui(ui, rules));
                            commands
                        })
                        .inner
                }
                Screen::Receipts => match &mut self.refund {
                    Some(draft) => refund::refund_ui(ui, draft),
                    None => {
                        let mut commands = statement::statement_ui(ui, &mut self.statement);
                        let tz = &self.pos.event().time_zone;
                        commands.extend(orders::orders_ui(
                            ui,
                            &self.recent,
                            tz,
                            self.exported.as_deref(),
                        ));
                        commands
                    }
                },
            };
        });
        commands
    }
}

impl eframe::App for Kiosk {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        Kiosk::ui(self, ui);
    }
}

/// Opens the kiosk window and runs it until closed.
pub fn run_kiosk(pos: Pos, db: &Path, fullscreen: bool) -> anyhow::Result<()> {
    let receipts_dir = db.parent().unwrap_or(Path::new(".")).join("receipts");
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Encore")
            .with_app_id("encore")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([1024.0, 600.0])
            .with_fullscreen(fullscreen),
        ..Default::default()
    };
    eframe::run_native(
        "Encore",
        options,
        Box::new(move |cc| {
            theme::install(&cc.egui_ctx);
            Ok(Box::new(Kiosk::new(pos, receipts_dir)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the kiosk window could not open: {e}"))
}
