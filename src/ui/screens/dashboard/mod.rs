//! The Dashboard screen: the night at a glance, in plots, brought up to date by itself at each
//! kiosk refresh (only the rows new since the last one are read). Everyone at the table sees
//! the queue, sales and sell-through; the margins and the Tour view of every event are the
//! creator's, behind the creator PIN, locked again on leaving the screen or when left idle.

mod plots;

use egui::RichText;

use crate::domain::money::Money;
use crate::service::{Dashboard, DashboardFigures, Grant, Margin, Pos, PosResult, TourRow};
use crate::ui::Command;
use crate::ui::ctx::{Fx, ScreenCtx};
use crate::ui::jobs::{Handover, Jobs};
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

/// Unlocked figures lock again after this long without a tap.
const IDLE_LOCK_SECS: f64 = 300.0;

/// What the Dashboard screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardOp {
    /// Check the typed creator PIN and show the margins.
    Unlock,
    /// Hide the creator's figures again.
    Lock,
    /// Left idle while unlocked.
    IdleLock,
    /// Show every event side by side.
    Tour,
    /// Back to tonight.
    Tonight,
    /// The worker finished the night's full read.
    Read(NightRead),
}

/// The full read's result as the worker hands it back (taken once, by the screen).
pub type NightRead = Handover<PosResult<Dashboard>>;

/// The creator's grant and when it was last used.
#[derive(Debug, Clone)]
struct Unlocked {
    grant: Grant,
    used_at: f64,
}

/// The Dashboard screen's state: the aggregates (read in full once, then only what is new),
/// the figures as of the last refresh, and what the creator unlocked.
#[derive(Debug, Clone, Default)]
pub struct DashboardScreen {
    dashboard: Option<Dashboard>,
    figures: Option<DashboardFigures>,
    /// The PIN as typed (forgotten the moment Unlock is tapped).
    pin: String,
    unlocked: Option<Unlocked>,
    margins: Vec<Margin>,
    /// The Tour view's rows while it is shown.
    tour: Option<Vec<TourRow>>,
    /// The full read is under way on the kiosk's worker.
    reading: bool,
}

impl DashboardScreen {
    /// Brings the aggregates up to date. The first time the night is read in full on the
    /// kiosk's worker (every frame goes on meanwhile); after that only what is new is read,
    /// here, which costs about the same however long the night.
    pub fn refresh(&mut self, pos: &Pos, jobs: &mut Jobs) -> PosResult<()> {
        let Some(dashboard) = &mut self.dashboard else {
            self.start_reading(pos, jobs)?;
            return Ok(());
        };
        pos.refresh_dashboard(dashboard)?;
        self.figures = Some(dashboard.figures(pos.now()));
        if let Some(u) = &self.unlocked {
            match pos.dashboard_margins(dashboard, &u.grant) {
                Ok(margins) => self.margins = margins,
                // The PIN changed meanwhile: the creator's figures hide again.
                Err(_) => self.lock(),
            }
        }
        Ok(())
    }

    /// Hands the full read to the worker, once; a database that is not a file is read here.
    fn start_reading(&mut self, pos: &Pos, jobs: &mut Jobs) -> PosResult<()> {
        if self.reading {
            return Ok(());
        }
        let Some(job) = pos.dashboard_job() else {
            self.dashboard = Some(pos.dashboard()?);
            return self.refresh(pos, jobs);
        };
        self.reading = true;
        jobs.spawn("Reading the night", move || {
            let read = NightRead::default();
            read.put(job.run());
            Command::Dashboard(DashboardOp::Read(read))
        });
        Ok(())
    }

    /// Takes the worker's full read; one of another event (the kiosk switched) is dropped.
    fn read(&mut self, read: &NightRead, pos: &Pos, jobs: &mut Jobs) -> PosResult<()> {
        self.reading = false;
        let Some(result) = read.take() else {
            return Ok(());
        };
        let dashboard = result?;
        if dashboard.event_id() == pos.event().id {
            self.dashboard = Some(dashboard);
        }
        // Catches up with what was sold while the worker read, and shows the figures.
        self.refresh(pos, jobs)
    }

    /// Hides the creator's figures (leaving the screen, Lock, idle).
    pub fn lock(&mut self) {
        self.unlocked = None;
        self.margins.clear();
        self.tour = None;
    }

    /// Applies one of the screen's ops.
    pub fn apply(&mut self, op: DashboardOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            DashboardOp::Unlock => {
                let pin = std::mem::take(&mut self.pin);
                let grant = pos.unlock(&pin)?;
                self.unlocked = Some(Unlocked {
                    grant,
                    used_at: fx.frame_time,
                });
                self.refresh(pos, fx.jobs)?;
            }
            DashboardOp::Lock => self.lock(),
            DashboardOp::IdleLock => {
                self.lock();
                fx.info("Margins hidden after five idle minutes");
            }
            DashboardOp::Tour => {
                if let Some(u) = &self.unlocked {
                    self.tour = Some(pos.tour(&u.grant)?);
                }
            }
            DashboardOp::Tonight => self.tour = None,
            DashboardOp::Read(read) => self.read(&read, pos, fx.jobs)?,
        }
        Ok(())
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(u) = &mut self.unlocked {
            let touched = ui.input(|i| {
                i.events.iter().any(|e| {
                    matches!(
                        e,
                        egui::Event::Key { .. } | egui::Event::PointerButton { .. }
                    )
                })
            });
            if touched {
                u.used_at = ctx.frame_time;
            } else if ctx.frame_time - u.used_at > IDLE_LOCK_SECS {
                commands.push(Command::Dashboard(DashboardOp::IdleLock));
            }
        }
        commands.extend(self.header_ui(ui, ctx));
        let Some(figures) = &self.figures else {
            ui.label("Reading the night…");
            return commands;
        };
        egui::ScrollArea::vertical()
            .id_salt("dashboard_scroll")
            .show(ui, |ui| match &self.tour {
                Some(rows) => plots::tour_ui(ui, rows),
                None => plots::night_ui(
                    ui,
                    ctx,
                    figures,
                    self.unlocked.is_some().then_some(&self.margins),
                ),
            });
        commands
    }

    /// The title, the night's totals, and the creator's lock.
    fn header_ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        let mut op = |o| commands.push(Command::Dashboard(o));
        ui.horizontal_wrapped(|ui| {
            ui.heading(if self.tour.is_some() {
                "Tour"
            } else {
                "Tonight"
            });
            if let Some(f) = &self.figures {
                let total = Money::new(f.total, ctx.event.currency);
                let (repeat, fans) = f.repeat;
                ui.label(RichText::new(format!("Revenue {total} · {} orders", f.orders)).strong());
                ui.label(format!(
                    "Repeat fans {repeat} of {fans} ({})",
                    plots::percent(repeat, fans)
                ));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if self.unlocked.is_some() {
                    if widgets::button(ui, "Lock", 0.0) {
                        op(DashboardOp::Lock);
                    }
                    let (label, next) = match self.tour {
                        Some(_) => ("Tonight", DashboardOp::Tonight),
                        None => ("Tour", DashboardOp::Tour),
                    };
                    if widgets::button(ui, label, 0.0) {
                        op(next);
                    }
                    ui.label(RichText::new("Creator").color(theme::GOOD));
                } else {
                    if widgets::button(ui, "Unlock", 0.0) {
                        op(DashboardOp::Unlock);
                    }
                    let field = ui.add_sized(
                        [110.0, TOUCH],
                        egui::TextEdit::singleline(&mut self.pin).password(true),
                    );
                    let label = ui.label("Creator PIN");
                    let field = field.labelled_by(label.id);
                    if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        op(DashboardOp::Unlock);
                    }
                }
            });
        });
        ui.separator();
        commands
    }
}
