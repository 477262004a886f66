//! Members on the Event screen: sign a fan up (the contact is kept only as a hash), see their
//! credit and orders, print their QR card.

use egui::RichText;

use super::EventOp;
use crate::service::{Member, Pos, PosResult};
use crate::ui::Command;
use crate::ui::ctx::Fx;
use crate::ui::files::{self, SaveError, Saved};
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets::{self, Tone};

/// What the members panel asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembersOp {
    /// Sign up the member typed in the form.
    Add,
    /// Write this member's card PDF and open it.
    Card(String),
}

/// The panel's state.
#[derive(Debug, Clone, Default)]
pub struct MembersDraft {
    /// Name or handle as typed.
    pub name: String,
    /// Contact as typed (never stored).
    pub contact: String,
    /// Members as last read.
    pub list: Vec<Member>,
}

impl MembersDraft {
    /// Applies a members op through the service; a card's PDF is written off the frame.
    pub fn apply(&mut self, op: MembersOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            MembersOp::Add => {
                let m = pos.add_member(&self.name, Some(self.contact.as_str()))?;
                self.name.clear();
                self.contact.clear();
                fx.good(format!("{} joined: member {}", m.name, m.code));
            }
            MembersOp::Card(code) => {
                let m = pos.member(&code)?;
                let issuer = pos.event().name.clone();
                let name = format!("member-{}.pdf", m.code);
                let render = move || crate::pdf::member_card_pdf(&m.name, &m.code, &issuer);
                let dir = fx.receipts_dir;
                files::save_pdf(
                    fx.jobs,
                    "Writing the member card",
                    (dir, name),
                    render,
                    |path, saved| match saved {
                        Ok(()) => Saved {
                            path: Some(path.to_path_buf()),
                            notice: (Tone::Good, format!("Card written to {}", path.display())),
                        },
                        Err(SaveError::Render(e)) => Saved {
                            path: None,
                            notice: (Tone::Bad, e.to_string()),
                        },
                        Err(SaveError::Write(e)) => Saved {
                            path: None,
                            notice: (Tone::Bad, format!("member card: {e}")),
                        },
                    },
                );
            }
        }
        Ok(())
    }
}

/// Draws the members panel.
pub fn members_ui(ui: &mut egui::Ui, draft: &mut MembersDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Members").strong());
    ui.horizontal(|ui| {
        widgets::field(
            ui,
            "Member name",
            &mut draft.name,
            (0.0, 200.0),
            "Ana or @ana",
        );
        let hint = "optional: phone, e-mail";
        widgets::field(ui, "Contact", &mut draft.contact, (0.0, 220.0), hint);
        if widgets::button(ui, "Add member", 150.0) {
            commands.push(Command::Event(EventOp::Members(MembersOp::Add)));
        }
    });
    if draft.list.is_empty() {
        ui.label("No members yet. A membership pass sold at the table signs the fan up too.");
    }
    egui::Grid::new("members")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for m in &draft.list {
                ui.label(RichText::new(&m.name).strong());
                ui.label(m.code.as_str());
                ui.label(format!("{} credit · {} orders", m.credit, m.orders));
                if ui
                    .add(egui::Button::new("Card PDF").min_size(egui::vec2(110.0, TOUCH)))
                    .accessible_name(format!("Card PDF for {}", m.name))
                    .clicked()
                {
                    commands.push(Command::Event(EventOp::Members(MembersOp::Card(
                        m.code.to_string(),
                    ))));
                }
                ui.end_row();
            }
        });
    ui.label(
        RichText::new("Members get priority queue tickets and pay with their credit.")
            .color(theme::MUTED),
    );
    commands
}
