//! The Event screen's Lotteries section: each lottery drop with its entries and offers (buy
//! codes, states, countdowns), entering a fan at the table, the draw, and making a drop a
//! lottery. Creator actions use the Event screen's Creator PIN field.

use crate::domain::field::FieldError;
use egui::{RichText, vec2};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::theme::{self, TOUCH};
use super::widgets::{self, Tone};
use super::{Command, Kiosk, Screen};
use crate::domain::catalogue::OfferKind;
use crate::domain::event::{Event, parse_local};
use crate::domain::lottery::BuyCode;
use crate::service::{LotteryStatus, OfferState, PosError};

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
    /// When the lists were read (countdowns count from here).
    pub now: Option<Timestamp>,
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

/// `21:42` in the event's zone.
fn hhmm(at: Timestamp, time_zone: &str) -> String {
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    at.to_zoned(tz).strftime("%H:%M").to_string()
}

fn labelled_field(ui: &mut egui::Ui, label: &str, value: &mut String, width: f32, hint: &str) {
    ui.horizontal(|ui| {
        let l = ui.add_sized([200.0, TOUCH], egui::Label::new(label));
        ui.add_sized(
            [width, TOUCH],
            egui::TextEdit::singleline(value).hint_text(hint),
        )
        .labelled_by(l.id);
    });
}

/// Draws the Lotteries section.
pub fn lottery_ui(ui: &mut egui::Ui, event: &Event, draft: &mut LotteryDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    let now = draft.now.unwrap_or_else(Timestamp::now);
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
        labelled_field(
            ui,
            "Fan to enter",
            &mut draft.fan,
            320.0,
            "phone, e-mail or @handle",
        );
    }
    if draft.lotteries.is_empty() {
        ui.label(RichText::new("No lottery drops yet.").color(theme::MUTED));
    }
    for lottery in &draft.lotteries {
        if let Some(op) = lottery_row_ui(ui, &event.time_zone, lottery, now) {
            commands.push(Command::Lottery(op));
        }
    }
    if !draft.drops.is_empty() {
        ui.add_space(8.0);
        if make_ui(ui, draft) {
            commands.push(Command::Lottery(LotteryOp::Make));
        }
    }
    commands
}

fn lottery_row_ui(
    ui: &mut egui::Ui,
    tz: &str,
    l: &LotteryStatus,
    now: Timestamp,
) -> Option<LotteryOp> {
    let mut op = None;
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new(&l.title).strong().size(20.0));
        let line = match &l.drawn {
            Some((seed, at)) => format!(
                "{} entered · drawn at {} · seed {seed}",
                l.entries,
                hhmm(*at, tz)
            ),
            None if l.open_at(now) => format!(
                "{} entered · entries close at {} · {} min to buy",
                l.entries,
                hhmm(l.enter_until, tz),
                l.window_mins
            ),
            None => format!(
                "{} entered · entries closed at {}",
                l.entries,
                hhmm(l.enter_until, tz)
            ),
        };
        ui.add(egui::Label::new(line).truncate());
    });
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
    op
}

/// The "Make it a lottery" row; true when its button was pressed.
fn make_ui(ui: &mut egui::Ui, draft: &mut LotteryDraft) -> bool {
    ui.label(RichText::new("Make a drop a lottery").strong());
    ui.horizontal_wrapped(|ui| {
        for (id, title) in &draft.drops {
            let picked = draft.chosen == Some(*id);
            if ui
                .add(egui::Button::selectable(picked, title).min_size(vec2(160.0, TOUCH)))
                .clicked()
            {
                draft.chosen = Some(*id);
            }
        }
    });
    labelled_field(ui, "Entries close at", &mut draft.until, 200.0, "21:30");
    labelled_field(
        ui,
        "Buy window (minutes)",
        &mut draft.window,
        100.0,
        &DEFAULT_WINDOW_MINS.to_string(),
    );
    let mut pressed = false;
    ui.horizontal(|ui| {
        pressed = widgets::button(ui, RichText::new("Make it a lottery").strong(), 200.0);
        ui.label(RichText::new("uses the Creator PIN above").color(theme::MUTED));
    });
    pressed
}

impl Kiosk {
    /// Rolls lapsed lottery units on (every refresh) and, on the Event screen, re-reads the
    /// lotteries and the drops that could become one.
    pub(super) fn refresh_lotteries(&mut self) -> Result<(), PosError> {
        self.pos.roll_lotteries()?;
        if self.screen != Screen::Event {
            return Ok(());
        }
        let draft = &mut self.setup.lottery;
        draft.lotteries = self.pos.lotteries()?;
        draft.now = Some(self.pos.now());
        let lotteries = &draft.lotteries;
        draft.drops = self
            .offers
            .iter()
            .filter(|o| matches!(o.kind, OfferKind::Drop { .. }) && !o.archived)
            .filter(|o| lotteries.iter().all(|l| l.offer_id != o.id))
            .map(|o| (o.id, o.title.clone()))
            .collect();
        if draft
            .chosen
            .is_some_and(|c| draft.drops.iter().all(|d| d.0 != c))
        {
            draft.chosen = None;
        }
        Ok(())
    }

    /// Runs a Lotteries section action through the service.
    pub(super) fn lottery_op(&mut self, op: LotteryOp) -> Result<(), PosError> {
        let tz = self.pos.event().time_zone.clone();
        let title_of = |draft: &LotteryDraft, id: i64| {
            draft
                .lotteries
                .iter()
                .find(|l| l.offer_id == id)
                .map(|l| l.title.clone())
                .unwrap_or_default()
        };
        match op {
            LotteryOp::Enter(id) => {
                let entered = self.pos.enter_lottery(id, &self.setup.lottery.fan)?;
                // The contact is not kept anywhere, the field included.
                self.setup.lottery.fan.clear();
                let how = if entered.again {
                    "entered before, same code"
                } else {
                    "show the fan this code to photograph or write down"
                };
                self.notice = Some((
                    Tone::Good,
                    format!("{} — {}: {how}", entered.code, entered.title),
                ));
                self.setup.lottery.last = Some((entered.title, entered.code));
            }
            LotteryOp::Draw(id) => {
                let title = title_of(&self.setup.lottery, id);
                let grant = self.pos.unlock(&self.setup.pin)?;
                let drawn = self.pos.draw_lottery(id, None, &grant)?;
                self.setup.pin.clear();
                self.notice = Some((
                    Tone::Good,
                    format!(
                        "{title} drawn: {} of {} fans can buy now (seed {})",
                        drawn.offered.len(),
                        drawn.order.len(),
                        drawn.seed
                    ),
                ));
            }
            LotteryOp::End(id) => {
                let grant = self.pos.unlock(&self.setup.pin)?;
                let title = self.pos.end_lottery(id, &grant)?;
                self.notice = Some((
                    Tone::Good,
                    format!("{title}: lottery ended, what is left sells to anyone"),
                ));
            }
            LotteryOp::Make => {
                let draft = &self.setup.lottery;
                let (id, title) = draft
                    .chosen
                    .and_then(|c| draft.drops.iter().find(|d| d.0 == c))
                    .cloned()
                    .ok_or_else(|| PosError::Refused("pick the drop to make a lottery".into()))?;
                let until = parse_local("entries close at", &draft.until, &tz, self.pos.now())
                    .map_err(PosError::Invalid)?;
                let window = match draft.window.trim() {
                    "" => DEFAULT_WINDOW_MINS,
                    typed => typed.parse().map_err(|_| {
                        PosError::Invalid(FieldError::new(
                            "buy window",
                            format!("1 to 240 minutes (not '{typed}')"),
                        ))
                    })?,
                };
                let grant = self.pos.unlock(&self.setup.pin)?;
                self.pos.set_lottery(id, until, window, &grant)?;
                self.setup.pin.clear();
                self.setup.lottery.chosen = None;
                self.setup.lottery.until.clear();
                self.setup.lottery.window.clear();
                self.notice = Some((
                    Tone::Good,
                    format!(
                        "{title} is a lottery: entries close at {}",
                        hhmm(until, &tz)
                    ),
                ));
            }
        }
        Ok(())
    }
}
