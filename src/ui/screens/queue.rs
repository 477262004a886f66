//! The Queue screen: one column per lane — who is at the table, who is called, who waits and
//! for how long — run with big buttons or one hand on the keyboard: N next, S served,
//! X no-show, U undo (on the selected lane).

use egui::{Key, RichText};
use jiff::Timestamp;

use crate::domain::catalogue::countdown;
use crate::domain::queue::{Ticket, TicketState, wait_text};
use crate::service::{LaneView, Pos, PosResult, UNDO_SECS};
use crate::ui::Command;
use crate::ui::ctx::{Fx, ScreenCtx};
use crate::ui::theme;
use crate::ui::widgets;

/// What the Queue screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueOp {
    /// Call the next ticket of a lane.
    CallNext(char),
    /// Move a ticket: at the table, served, no-show, or re-queued (Waiting).
    Move(i64, TicketState),
    /// Take a ticket's last move back (within ten seconds).
    Undo(i64),
    /// Make a waiting ticket priority or regular.
    SetPriority(i64, bool),
    /// The lane the keyboard shortcuts act on.
    SelectLane(char),
    /// Put a no-show back in the queue by the number on their ticket (`A-012`).
    RequeueNumber(String),
}

/// The Queue screen's state: the lane the shortcuts act on, this station's last move, and the
/// ticket number typed to re-queue an earlier no-show.
#[derive(Debug, Clone)]
pub struct QueueScreen {
    lane: char,
    last_move: Option<LastMove>,
    number: String,
}

impl Default for QueueScreen {
    fn default() -> Self {
        QueueScreen {
            lane: 'A',
            last_move: None,
            number: String::new(),
        }
    }
}

/// The longest ticket number typed (`B-1234`, with room to spare).
const MAX_NUMBER_CHARS: usize = 10;

impl QueueScreen {
    /// Draws the lanes.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let grace_secs = ctx.event.queue.grace_secs;
        let mut commands = Vec::new();
        if ctx.shared.lanes.iter().any(|l| l.earlier_no_shows > 0) {
            commands.extend(self.number_ui(ui));
        }
        let selected = (self.lane, self.last_move.as_ref());
        commands.extend(queue_ui(
            ui,
            &ctx.shared.lanes,
            selected,
            ctx.now,
            grace_secs,
        ));
        commands
    }

    /// A fan back long after their call: their ticket number puts them back in the queue.
    fn number_ui(&mut self, ui: &mut egui::Ui) -> Option<Command> {
        ui.horizontal(|ui| {
            let label = "No-show back later? Ticket number";
            let field = widgets::field(ui, label, &mut self.number, (0.0, 110.0), "A-012");
            // A ticket number is short: anything longer is cut, never sent.
            if self.number.chars().count() > MAX_NUMBER_CHARS {
                self.number = self.number.chars().take(MAX_NUMBER_CHARS).collect();
            }
            let typed = !self.number.trim().is_empty();
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            let tapped = widgets::button(ui, "Re-queue", 150.0);
            ((enter || tapped) && typed)
                .then(|| Command::Queue(QueueOp::RequeueNumber(self.number.trim().to_string())))
        })
        .inner
    }

    /// Applies one of the screen's ops through the service.
    pub fn apply(&mut self, op: QueueOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            QueueOp::CallNext(lane) => match pos.call_next(lane)? {
                Some(label) => {
                    let id = pos.ticket(&label.to_string())?.id;
                    self.remember_move(id, format!("Calling {label}"), pos, fx);
                }
                None => fx.info(format!("Nobody is waiting in lane {lane}")),
            },
            QueueOp::Move(id, to) => {
                let label = pos.move_ticket(id, to)?;
                let word = match to {
                    TicketState::Serving => "at the table",
                    TicketState::Done => "served",
                    TicketState::NoShow => "marked no-show",
                    TicketState::Waiting => "back in the queue",
                    _ => "moved",
                };
                self.remember_move(id, format!("{label} {word}"), pos, fx);
            }
            QueueOp::Undo(id) => {
                let label = pos.undo_ticket(id)?;
                self.last_move = None;
                fx.good(format!("Undone: {label} is back where it was"));
            }
            QueueOp::SetPriority(id, on) => {
                let label = pos.set_priority(id, on)?;
                let word = if on { "priority" } else { "regular" };
                fx.good(format!("{label} is {word} now"));
            }
            QueueOp::SelectLane(lane) => self.lane = lane,
            QueueOp::RequeueNumber(number) => {
                let ticket = pos.ticket(&number)?;
                if ticket.state != TicketState::NoShow || ticket.requeued {
                    let was = if ticket.requeued {
                        "re-queued once already"
                    } else {
                        ticket.state.name()
                    };
                    fx.info(format!(
                        "{} is not a no-show to re-queue: it is {}",
                        ticket.label,
                        was.replace('_', "-")
                    ));
                    return Ok(());
                }
                let label = pos.move_ticket(ticket.id, TicketState::Waiting)?;
                self.number.clear();
                self.remember_move(ticket.id, format!("{label} back in the queue"), pos, fx);
            }
        }
        Ok(())
    }

    fn remember_move(&mut self, ticket_id: i64, text: String, pos: &Pos, fx: &mut Fx<'_>) {
        fx.good(text.clone());
        self.last_move = Some(LastMove {
            ticket_id,
            text,
            at: pos.now(),
        });
    }
}

/// The helper's last queue move, undoable for ten seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastMove {
    /// Ticket id.
    pub ticket_id: i64,
    /// What it said: "A-003 served".
    pub text: String,
    /// When.
    pub at: Timestamp,
}

/// Draws the lanes side by side; `selected` is the lane the keyboard shortcuts act on.
fn queue_ui(
    ui: &mut egui::Ui,
    lanes: &[LaneView],
    (selected, last): (char, Option<&LastMove>),
    now: Timestamp,
    grace_secs: u32,
) -> Vec<Command> {
    let mut commands = Vec::new();
    if lanes.is_empty() {
        ui.label("No gigs at this event, so no queue.");
        return commands;
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("Keys: N next · S served · X no-show · U undo").weak());
        if let Some(last) = last {
            let left = UNDO_SECS - now.as_second().saturating_sub(last.at.as_second());
            if left > 0 && widgets::button(ui, format!("Undo {} ({left} s)", last.text), 220.0) {
                commands.push(Command::Queue(QueueOp::Undo(last.ticket_id)));
            }
        }
    });
    let selected = lanes
        .iter()
        .find(|l| l.lane == selected)
        .unwrap_or(&lanes[0]);
    commands.extend(shortcuts(ui, selected, last, now, grace_secs));
    ui.columns(lanes.len(), |columns| {
        for (ui, lane) in columns.iter_mut().zip(lanes) {
            // Each lane scrolls on its own: on a 1024×600 screen the called, the no-shows and
            // the waiting do not all fit.
            egui::ScrollArea::vertical()
                .id_salt(("lane", lane.lane))
                .show(ui, |ui| {
                    commands.extend(lane_ui(
                        ui,
                        lane,
                        lane.lane == selected.lane,
                        now,
                        grace_secs,
                    ));
                });
        }
    });
    commands
}

/// N, S, X and U on the selected lane, unless a text field has the keyboard.
fn shortcuts(
    ui: &egui::Ui,
    lane: &LaneView,
    last: Option<&LastMove>,
    now: Timestamp,
    grace_secs: u32,
) -> Vec<Command> {
    if ui.ctx().egui_wants_keyboard_input() {
        return Vec::new();
    }
    let pressed = |key| ui.input(|i| i.key_pressed(key) && i.modifiers.is_none());
    let at_table = lane.serving.first().or(lane.called.first());
    let mut commands = Vec::new();
    if pressed(Key::N) && !lane.waiting.is_empty() {
        commands.push(Command::Shortcut(Box::new(Command::Queue(
            QueueOp::CallNext(lane.lane),
        ))));
    }
    if pressed(Key::S)
        && let Some(t) = at_table
    {
        commands.push(Command::Shortcut(Box::new(Command::Queue(QueueOp::Move(
            t.id,
            TicketState::Done,
        )))));
    }
    if pressed(Key::X)
        && let Some(t) = lane.called.first()
        && grace_left(t, now, grace_secs) == 0
    {
        commands.push(Command::Shortcut(Box::new(Command::Queue(QueueOp::Move(
            t.id,
            TicketState::NoShow,
        )))));
    }
    if pressed(Key::U)
        && let Some(last) = last
        && now.as_second() - last.at.as_second() <= UNDO_SECS
    {
        commands.push(Command::Shortcut(Box::new(Command::Queue(QueueOp::Undo(
            last.ticket_id,
        )))));
    }
    commands
}

/// Seconds until a called ticket may be marked no-show.
fn grace_left(t: &Ticket, now: Timestamp, grace_secs: u32) -> i64 {
    let ready = t.called_at.unwrap_or(0) + i64::from(grace_secs);
    (ready - now.as_second()).max(0)
}

fn lane_ui(
    ui: &mut egui::Ui,
    lane: &LaneView,
    selected: bool,
    now: Timestamp,
    grace_secs: u32,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let header = egui::Button::selectable(
        selected,
        RichText::new(format!("Lane {}", lane.lane)).font(theme::bold(24.0)),
    );
    if ui.add(header).clicked() {
        commands.push(Command::Queue(QueueOp::SelectLane(lane.lane)));
    }
    ui.add(egui::Label::new(RichText::new(&lane.title).weak()).truncate());
    ui.label(format!("A ticket bought now: {}", wait_text(lane.wait_now)));
    let call = format!("Call next {}", lane.lane);
    if widgets::wide_button(ui, RichText::new(call).size(22.0), !lane.waiting.is_empty()) {
        commands.push(Command::Queue(QueueOp::CallNext(lane.lane)));
    }
    for ticket in &lane.serving {
        ui.separator();
        ui.label(
            RichText::new(format!("At the table: {}", ticket.label))
                .font(theme::bold(28.0))
                .color(theme::GOOD),
        );
        ui.label(&ticket.title);
        if widgets::wide_button(ui, format!("Served {}", ticket.label), true) {
            commands.push(Command::Queue(QueueOp::Move(ticket.id, TicketState::Done)));
        }
    }
    called_ui(ui, lane, now, grace_secs, &mut commands);
    for ticket in &lane.no_shows {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{} no-show", ticket.label)).color(theme::BAD));
            if widgets::button(ui, format!("Re-queue {}", ticket.label), 150.0) {
                commands.push(Command::Queue(QueueOp::Move(
                    ticket.id,
                    TicketState::Waiting,
                )));
            }
        });
    }
    if lane.earlier_no_shows > 0 {
        let n = lane.earlier_no_shows;
        let s = if n == 1 { "" } else { "s" };
        ui.label(
            RichText::new(format!("+{n} earlier no-show{s}: re-queue by number above")).weak(),
        );
    }
    waiting_ui(ui, lane, &mut commands);
    commands
}

/// The called tickets: at the table, served, or (after the grace time) no-show.
fn called_ui(
    ui: &mut egui::Ui,
    lane: &LaneView,
    now: Timestamp,
    grace_secs: u32,
    commands: &mut Vec<Command>,
) {
    let half = |ui: &egui::Ui| (ui.available_width() - ui.spacing().item_spacing.x) / 2.0;
    for ticket in &lane.called {
        ui.separator();
        ui.label(
            RichText::new(format!("Called: {}", ticket.label))
                .font(theme::bold(28.0))
                .color(theme::WAIT),
        );
        ui.label(&ticket.title);
        ui.horizontal(|ui| {
            let w = half(ui);
            if widgets::button(ui, format!("At table {}", ticket.label), w) {
                commands.push(Command::Queue(QueueOp::Move(
                    ticket.id,
                    TicketState::Serving,
                )));
            }
            if widgets::button(ui, format!("Served {}", ticket.label), w) {
                commands.push(Command::Queue(QueueOp::Move(ticket.id, TicketState::Done)));
            }
        });
        let wait = grace_left(ticket, now, grace_secs);
        let label = if wait > 0 {
            format!("No-show {} in {}", ticket.label, countdown(wait))
        } else {
            format!("No-show {}", ticket.label)
        };
        if widgets::wide_button(ui, label, wait == 0) {
            commands.push(Command::Queue(QueueOp::Move(
                ticket.id,
                TicketState::NoShow,
            )));
        }
    }
}

/// Who waits, with the wait each can expect and their priority toggle.
fn waiting_ui(ui: &mut egui::Ui, lane: &LaneView, commands: &mut Vec<Command>) {
    ui.separator();
    ui.label(RichText::new(format!("Waiting: {}", lane.waiting.len())).strong());
    for (ticket, range) in &lane.waiting {
        ui.horizontal(|ui| {
            ui.label(RichText::new(ticket.label.to_string()).font(theme::bold(22.0)));
            // A priority ticket shows a lit badge; a regular one a small framed button.
            let toggle = if ticket.priority {
                egui::Button::selectable(true, "Priority")
            } else {
                egui::Button::new(RichText::new("Make priority").weak().size(14.0))
            };
            if ui
                .add(toggle)
                .accessible_name(format!("Priority {}", ticket.label))
                .on_hover_text(
                    "Priority (loyalty member): called ahead, one per few regular tickets",
                )
                .clicked()
            {
                commands.push(Command::Queue(QueueOp::SetPriority(
                    ticket.id,
                    !ticket.priority,
                )));
            }
            let requeued = if ticket.requeued { " · re-queued" } else { "" };
            ui.label(format!("{}{requeued}", wait_text(*range)));
            ui.add(egui::Label::new(RichText::new(&ticket.title).weak()).truncate());
        });
    }
}
