//! Members on the Event screen: sign a fan up (the contact is kept only as a hash), see their
//! credit and orders, print their QR card.

use egui::RichText;

use super::Command;
use super::theme::{self, TOUCH};
use super::widgets;
use crate::store::fans::Member;

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

/// Draws the members panel.
pub fn members_ui(ui: &mut egui::Ui, draft: &mut MembersDraft) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.label(RichText::new("Members").strong());
    ui.horizontal(|ui| {
        let n = ui.label("Member name");
        ui.add_sized(
            [200.0, TOUCH],
            egui::TextEdit::singleline(&mut draft.name).hint_text("Ana or @ana"),
        )
        .labelled_by(n.id);
        let c = ui.label("Contact");
        ui.add_sized(
            [220.0, TOUCH],
            egui::TextEdit::singleline(&mut draft.contact).hint_text("optional: phone, e-mail"),
        )
        .labelled_by(c.id);
        if widgets::button(ui, "Add member", 150.0) {
            commands.push(Command::Members(MembersOp::Add));
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
                    commands.push(Command::Members(MembersOp::Card(m.code.to_string())));
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
