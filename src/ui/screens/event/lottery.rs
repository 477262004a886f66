//! The Event screen's Lotteries section: each lottery drop with its entries and offers (buy
//! codes, states, countdowns), entering a fan at the table, the draw, and making a drop a
//! lottery. Creator actions use the Event screen's Creator PIN field.

use crate::domain::event::Zone;
use crate::domain::event::local_hhmm;
use crate::domain::field::FieldError;
use egui::{RichText, vec2};
use jiff::Timestamp;

use super::EventOp;
use crate::domain::catalogue::OfferKind;
use crate::domain::event::{Event, parse_local};
use crate::domain::lottery::BuyCode;
use crate::service::{LotteryStatus, OfferState, Pos, PosError, PosResult};
use crate::ui::Command;
use crate::ui::ctx::{Fx, Shared};
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

/// Buy window when the field is left empty.
const DEFAULT_WINDOW_MINS: u32 = 10;

/// What the Lotteries section asks the kiosk to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LotteryOp {
    /// Enter the fan typed in "Fan to enter" in this drop's lottery.
    Enter(i64),
    /// Draw this drop's lottery (creator PIN).
    Draw(i64),
    /// Make the chosen drop a lottery with the typed close time and window (creator PIN).
    Make,
    /// End this drop's lottery: what is left sells to anyone (creator PIN).
    End(i64),
}

/// The section's state: what the service said at the last refresh, and what is typed.
#[derive(Debug, Clone, Default)]
pub struct LotteryDraft {
    /// Every lottery of the event.
    pub lotteries: Vec<LotteryStatus>,
    /// Drops that are no lottery yet: `(offer id, title)`.
    pub drops: Vec<(i64, String)>,
    /// The contact typed for the next entry (cleared once entered).
    pub fan: String,
    /// The drop picked to become a lottery.
    pub chosen: Option<i64>,
    /// "Entries close at" as typed.
    pub until: String,
    /// "Buy window (minutes)" as typed.
    pub window: String,
    /// The last code given, shown big: `(drop title, code)`.
    pub last: Option<(String, BuyCode)>,
}

/// Width of the section's label column.
const LABEL_W: f32 = 200.0;

/// Draws the Lotteries section.
pub fn lottery_ui(
    ui: &mut egui::Ui,
    event: &Event,
    draft: &mut LotteryDraft,
    now: Timestamp,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.separator();
    ui.heading("Lotteries");
    if let Some((title, code)) = &draft.last {
        ui.label(RichText::new(code.as_str()).size(56.0).strong().monospace());
        ui.label(format!(
            "{title}: the fan photographs or writes down this code to buy if drawn"
        ));
    }
    let open = draft.lotteries.iter().any(|l| l.open_at(now));
    if open {
        widgets::field(
            ui,
            "Fan to enter",
            &mut draft.fan,
            (LABEL_W, 320.0),
            "phone, e-mail or @handle",
        );
    }
    if draft.lotteries.is_empty() {
        ui.label(RichText::new("No lottery drops yet.").color(theme::MUTED));
    }
    for lottery in &draft.lotteries {
        if let Some(op) = lottery_row_ui(ui, &event.time_zone, lottery, now) {
            commands.push(Command::Event(EventOp::Lottery(op)));
        }
    }
    if !draft.drops.is_empty() {
        ui.add_space(8.0);
        if make_ui(ui, draft) {
            commands.push(Command::Event(EventOp::Lottery(LotteryOp::Make)));
        }
    }
    commands
}

fn lottery_row_ui(
    ui: &mut egui::Ui,
    tz: &Zone,
    l: &LotteryStatus,
    now: Timestamp,
) -> Option<LotteryOp> {
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new(&l.title).strong().size(20.0));
        let line = match &l.drawn {
            Some((seed, at)) => format!(
                "{} entered · drawn at {} · seed {seed}",
                l.entries,
                local_hhmm(*at, tz)
            ),
            None if l.open_at(now) => format!(
                "{} entered · entries close at {} · {} min to buy",
                l.entries,
                local_hhmm(l.enter_until, tz),
                l.window_mins
            ),
            None => format!(
                "{} entered · entries closed at {}",
                l.entries,
                local_hhmm(l.enter_until, tz)
            ),
        };
        ui.add(egui::Label::new(line).truncate());
    });
    let op = lottery_buttons_ui(ui, l, now);
    winners_ui(ui, l);
    op
}

/// Enter, Draw now or End lottery, as the lottery stands.
fn lottery_buttons_ui(ui: &mut egui::Ui, l: &LotteryStatus, now: Timestamp) -> Option<LotteryOp> {
    let mut op = None;
    ui.horizontal(|ui| {
        if l.open_at(now) {
            let enter =
                egui::Button::new(RichText::new("Enter").strong()).min_size(vec2(140.0, TOUCH));
            if ui
                .add(enter)
                .accessible_name(format!("Enter for {}", l.title))
                .clicked()
            {
                op = Some(LotteryOp::Enter(l.offer_id));
            }
        } else if l.drawn.is_none() {
            let draw =
                egui::Button::new(RichText::new("Draw now").strong()).min_size(vec2(160.0, TOUCH));
            if ui
                .add(draw)
                .accessible_name(format!("Draw {} now", l.title))
                .clicked()
            {
                op = Some(LotteryOp::Draw(l.offer_id));
            }
            ui.label(RichText::new("uses the Creator PIN above").color(theme::MUTED));
        } else {
            let end = egui::Button::new("End lottery").min_size(vec2(160.0, TOUCH));
            if ui
                .add(end)
                .accessible_name(format!("End the {} lottery", l.title))
                .on_hover_text("What is left then sells to anyone (Creator PIN above)")
                .clicked()
            {
                op = Some(LotteryOp::End(l.offer_id));
            }
        }
    });
    op
}

/// The buy codes given after the draw, with their states.
fn winners_ui(ui: &mut egui::Ui, l: &LotteryStatus) {
    if !l.offers.is_empty() {
        egui::Grid::new(("lottery_offers", l.offer_id))
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                for w in &l.offers {
                    ui.label(RichText::new(w.code.as_str()).monospace().size(20.0));
                    ui.label(format!("fan {}", w.fan.short()));
                    let (text, colour) = match &w.state {
                        OfferState::Open { secs_left } => (
                            format!("open · {}:{:02} left", secs_left / 60, secs_left % 60),
                            theme::WAIT,
                        ),
                        OfferState::Bought { order_id } => {
                            let short: String = order_id.chars().take(8).collect();
                            (format!("bought · order {short}…"), theme::GOOD)
                        }
                        OfferState::Lapsed => ("lapsed".to_string(), theme::MUTED),
                    };
                    ui.label(RichText::new(text).color(colour));
                    ui.end_row();
                }
            });
    }
}

/// The "Make it a lottery" row; true when its button was pressed.
fn make_ui(ui: &mut egui::Ui, draft: &mut LotteryDraft) -> bool {
    ui.label(RichText::new("Make a drop a lottery").strong());
    ui.horizontal_wrapped(|ui| {
        let drops = draft
            .drops
            .iter()
            .map(|(id, title)| (Some(*id), title.as_str()));
        if let Some(chosen) = widgets::choices(ui, None, &draft.chosen, drops, 160.0) {
            draft.chosen = chosen;
        }
    });
    widgets::field(
        ui,
        "Entries close at",
        &mut draft.until,
        (LABEL_W, 200.0),
        "21:30",
    );
    widgets::field(
        ui,
        "Buy window (minutes)",
        &mut draft.window,
        (LABEL_W, 100.0),
        &DEFAULT_WINDOW_MINS.to_string(),
    );
    let mut pressed = false;
    ui.horizontal(|ui| {
        pressed = widgets::button(ui, RichText::new("Make it a lottery").strong(), 200.0);
        ui.label(RichText::new("uses the Creator PIN above").color(theme::MUTED));
    });
    pressed
}

impl LotteryDraft {
    /// Re-reads the lotteries and the drops that could become one.
    pub fn refresh(&mut self, pos: &Pos, shared: &Shared) -> PosResult<()> {
        self.lotteries = pos.lotteries()?;
        let lotteries = &self.lotteries;
        self.drops = shared
            .offers
            .iter()
            .filter(|o| matches!(o.kind, OfferKind::Drop { .. }) && !o.archived)
            .filter(|o| lotteries.iter().all(|l| l.offer_id != o.id))
            .map(|o| (o.id, o.title.clone()))
            .collect();
        if self
            .chosen
            .is_some_and(|c| self.drops.iter().all(|d| d.0 != c))
        {
            self.chosen = None;
        }
        Ok(())
    }

    fn title_of(&self, id: i64) -> String {
        self.lotteries
            .iter()
            .find(|l| l.offer_id == id)
            .map(|l| l.title.clone())
            .unwrap_or_default()
    }

    /// Runs a Lotteries section action through the service; creator actions take `pin`.
    pub fn apply(
        &mut self,
        op: LotteryOp,
        pin: &str,
        pos: &mut Pos,
        fx: &mut Fx<'_>,
    ) -> PosResult<()> {
        match op {
            LotteryOp::Enter(id) => {
                let entered = pos.enter_lottery(id, &self.fan)?;
                // The contact is not kept anywhere, the field included.
                self.fan.clear();
                let how = if entered.again {
                    "entered before, same code"
                } else {
                    "show the fan this code to photograph or write down"
                };
                fx.good(format!("{} — {}: {how}", entered.code, entered.title));
                self.last = Some((entered.title, entered.code));
            }
            LotteryOp::Draw(id) => {
                let title = self.title_of(id);
                let grant = pos.unlock(pin)?;
                let drawn = pos.draw_lottery(id, None, &grant)?;
                fx.good(format!(
                    "{title} drawn: {} of {} fans can buy now (seed {})",
                    drawn.offered.len(),
                    drawn.order.len(),
                    drawn.seed
                ));
            }
            LotteryOp::End(id) => {
                let grant = pos.unlock(pin)?;
                let title = pos.end_lottery(id, &grant)?;
                fx.good(format!(
                    "{title}: lottery ended, what is left sells to anyone"
                ));
            }
            LotteryOp::Make => self.make(pin, pos, fx)?,
        }
        Ok(())
    }

    fn make(&mut self, pin: &str, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let tz = pos.event().time_zone.clone();
        let (id, title) = self
            .chosen
            .and_then(|c| self.drops.iter().find(|d| d.0 == c))
            .cloned()
            .ok_or_else(|| PosError::Refused("pick the drop to make a lottery".into()))?;
        let until = parse_local("entries close at", &self.until, &tz, pos.now())
            .map_err(PosError::Invalid)?;
        let window = match self.window.trim() {
            "" => DEFAULT_WINDOW_MINS,
            typed => typed.parse().map_err(|_| {
                PosError::Invalid(FieldError::new(
                    "buy window",
                    format!("1 to 240 minutes (not '{typed}')"),
                ))
            })?,
        };
        let grant = pos.unlock(pin)?;
        pos.set_lottery(id, until, window, &grant)?;
        self.chosen = None;
        self.until.clear();
        self.window.clear();
        fx.good(format!(
            "{title} is a lottery: entries close at {}",
            local_hhmm(until, &tz)
        ));
        Ok(())
    }
}
