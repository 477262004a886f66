//! The Event screen: the open event's set-up, other events, fees, margins and splits; the
//! members; the lotteries. Creator actions use the screen's Creator PIN field, which is
//! cleared after every action.

mod lottery;
mod members;
mod setup;

pub use lottery::LotteryOp;
pub use members::MembersOp;
pub use setup::SetupOp;

use crate::domain::event::Event;
use crate::service::{Pos, PosResult};
use crate::ui::Command;
use crate::ui::ctx::{Fx, ScreenCtx, Shared};

/// What the Event screen asks for, by section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventOp {
    /// An event set-up action (creator PIN).
    Setup(SetupOp),
    /// A members action.
    Members(MembersOp),
    /// A Lotteries section action.
    Lottery(LotteryOp),
}

/// The Event screen's state: one draft per section.
#[derive(Debug, Clone)]
pub struct EventScreen {
    setup: setup::SetupDraft,
    members: members::MembersDraft,
    lottery: lottery::LotteryDraft,
}

impl EventScreen {
    /// The screen showing `event`.
    pub fn new(event: &Event) -> EventScreen {
        EventScreen {
            setup: setup::SetupDraft::of(event),
            members: members::MembersDraft::default(),
            lottery: lottery::LotteryDraft::default(),
        }
    }

    /// Draws the sections one under the other.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let event = ctx.event;
        egui::ScrollArea::vertical()
            .id_salt("event_scroll")
            .show(ui, |ui| {
                let mut commands = setup::setup_ui(ui, event, &mut self.setup);
                commands.extend(lottery::lottery_ui(ui, event, &mut self.lottery, ctx.now));
                ui.separator();
                commands.extend(members::members_ui(ui, &mut self.members));
                commands
            })
            .inner
    }

    /// Re-reads what the sections list.
    pub fn refresh(&mut self, pos: &Pos, shared: &Shared) -> PosResult<()> {
        self.lottery.refresh(pos, shared)?;
        self.setup.refresh(pos)?;
        self.members.list = pos.members()?;
        Ok(())
    }

    /// Applies one of the screen's ops through the service.
    pub fn apply(&mut self, op: EventOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            EventOp::Setup(op) => {
                let result = self.setup.apply(op, pos, fx);
                // The PIN is typed for one action, never left in the field for the next person.
                self.setup.pin.clear();
                self.setup.new_pin.clear();
                result
            }
            EventOp::Lottery(op) => {
                let result = self.lottery.apply(op, &self.setup.pin, pos, fx);
                self.setup.pin.clear();
                result
            }
            EventOp::Members(op) => self.members.apply(op, pos, fx),
        }
    }
}
