//! The Catalogue screen: offers, bundles and discount windows. Everyone reads it; the creator
//! unlocks it with the PIN to create, edit, reorder and archive (each change audit-logged).
//! Unlocked editing ends when the creator leaves the screen, taps Lock, or leaves it idle.

mod apply;
mod form_ui;
mod forms;
mod lists;

use egui::RichText;
use jiff::Timestamp;

pub use forms::{BundleForm, DiscountForm, Kind, OfferForm};

use crate::domain::catalogue::{Bundle, Offer};
use crate::domain::event::Event;
use crate::domain::pricing::Discount;
use crate::ui::Command;
use crate::ui::ctx::ScreenCtx;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets;

/// Unlocked editing ends after this long without a tap or a key on the screen.
const IDLE_LOCK_SECS: f64 = 300.0;

/// What the Catalogue screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueOp {
    /// Check the typed PIN and unlock editing.
    Unlock,
    /// Back to read-only.
    Lock,
    /// Nobody touched the unlocked screen for a while: back to read-only.
    IdleLock,
    /// Start a new offer of this kind.
    NewOffer(Kind),
    /// Edit an offer.
    Edit(i64),
    /// Start a variant of a gig (another length, another price).
    NewVariant(i64),
    /// Save the offer form.
    SaveOffer,
    /// Archive (true) or restore an offer.
    Archive(i64, bool),
    /// Move an offer up (-1) or down (1).
    Move(i64, i32),
    /// Start a new bundle.
    NewBundle,
    /// Edit a bundle.
    EditBundle(i64),
    /// Save the bundle form.
    SaveBundle,
    /// Start a new discount window.
    NewDiscount,
    /// Save the discount form.
    SaveDiscount,
    /// End a discount window now.
    EndDiscount(i64),
    /// Close the form without saving.
    Cancel,
}

/// Which form is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Form {
    /// None: the lists only.
    #[default]
    None,
    /// An offer.
    Offer(Box<OfferForm>),
    /// A bundle.
    Bundle(BundleForm),
    /// A discount window.
    Discount(DiscountForm),
}

/// What creator operations take once the PIN was checked; the PIN itself is forgotten.
type CreatorGrant = crate::service::Grant;

/// Editing unlocked by the creator: what the service checked, and when it was last used.
#[derive(Debug, Clone)]
struct Unlocked {
    /// The grant creator operations take.
    grant: CreatorGrant,
    /// Frame time of the last tap or key on the unlocked screen.
    used_at: f64,
}

/// The Catalogue screen's state. Its default is locked, with no form open.
#[derive(Debug, Clone, Default)]
pub struct CatalogueScreen {
    /// The PIN as typed in the unlock field (forgotten the moment Unlock is tapped).
    pin: String,
    /// Set while editing is unlocked.
    unlocked: Option<Unlocked>,
    /// The open form.
    form: Form,
}

/// What the screen shows.
#[derive(Clone, Copy)]
struct CatalogueView<'a> {
    /// Offers, archived too.
    pub offers: &'a [Offer],
    /// Bundles.
    pub bundles: &'a [Bundle],
    /// Discount windows.
    pub discounts: &'a [Discount],
    /// The open event.
    pub event: &'a Event,
    /// Now.
    pub now: Timestamp,
}

impl CatalogueScreen {
    /// Draws the screen; an unlocked screen left idle asks to lock itself.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ScreenCtx<'_>) -> Vec<Command> {
        let view = CatalogueView {
            offers: &ctx.shared.offers,
            bundles: &ctx.shared.bundles,
            discounts: &ctx.shared.discounts,
            event: ctx.event,
            now: ctx.now,
        };
        let mut commands = Vec::new();
        if let Some(unlocked) = &mut self.unlocked {
            let touched = ui.input(|i| {
                i.events.iter().any(|e| {
                    matches!(
                        e,
                        egui::Event::Text(_)
                            | egui::Event::Key { .. }
                            | egui::Event::PointerButton { .. }
                    )
                })
            });
            if touched {
                unlocked.used_at = ctx.frame_time;
            } else if ctx.frame_time - unlocked.used_at > IDLE_LOCK_SECS {
                commands.push(Command::Catalogue(CatalogueOp::IdleLock));
            }
        }
        commands.extend(catalogue_ui(ui, view, self));
        commands
    }
}

/// Draws the screen.
fn catalogue_ui(
    ui: &mut egui::Ui,
    view: CatalogueView<'_>,
    draft: &mut CatalogueScreen,
) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut op = |o: CatalogueOp| commands.push(Command::Catalogue(o));
    let unlocked = draft.unlocked.is_some();
    ui.horizontal(|ui| {
        ui.heading("Catalogue");
        if unlocked {
            ui.label(RichText::new("Editing as creator").color(theme::GOOD));
            for (label, kind) in [
                ("New gig", Kind::Gig),
                ("New drop", Kind::Drop),
                ("New item", Kind::Item),
            ] {
                if widgets::button(ui, label, 0.0) {
                    op(CatalogueOp::NewOffer(kind));
                }
            }
            if widgets::button(ui, "New bundle", 0.0) {
                op(CatalogueOp::NewBundle);
            }
            if widgets::button(ui, "New discount", 0.0) {
                op(CatalogueOp::NewDiscount);
            }
            if widgets::button(ui, "Lock", 0.0) {
                op(CatalogueOp::Lock);
            }
        } else {
            ui.label("Read-only. The creator unlocks editing:");
            let label = ui.label("Creator PIN");
            let pin = ui
                .add_sized(
                    [120.0, TOUCH],
                    egui::TextEdit::singleline(&mut draft.pin).password(true),
                )
                .labelled_by(label.id);
            let entered = pin.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if widgets::button(ui, "Unlock", 0.0) || entered {
                op(CatalogueOp::Unlock);
            }
        }
    });
    ui.separator();
    // While a form is open it has the screen; the lists come back when it is saved or cancelled.
    // Each scrolls on its own, so a form opens at its top whatever the list's scroll.
    let salt = match &draft.form {
        Form::None => "catalogue_lists",
        _ => "catalogue_form",
    };
    egui::ScrollArea::vertical()
        .id_salt(salt)
        .show(ui, |ui| match &mut draft.form {
            Form::Offer(form) => form_ui::offer_form_ui(ui, view, form, &mut op),
            Form::Bundle(form) => form_ui::bundle_form_ui(ui, view, form, &mut op),
            Form::Discount(form) => form_ui::discount_form_ui(ui, view, form, &mut op),
            Form::None => lists::lists_ui(ui, view, unlocked, &mut op),
        });
    commands
}
