//! Applying the back-office commands (catalogue editor, event set-up) through the service.

use super::catalogue::{BundleForm, DiscountForm, EditorOp, Form, OfferForm};
use super::members::MembersOp;
use super::setup::{SetupDraft, SetupOp};
use super::widgets::Tone;
use super::{Kiosk, Payment};
use crate::domain::event::EventSetup;
use crate::domain::field::FieldError;
use crate::domain::order::Cart;
use crate::service::{Grant, PosError};

impl Kiosk {
    /// The creator's grant, or a refusal asking to unlock.
    fn unlocked_pin(&self) -> Result<Grant, PosError> {
        self.editor.unlocked.clone().ok_or_else(|| {
            PosError::Refused("unlock the catalogue with the creator PIN first".into())
        })
    }

    pub(super) fn editor_op(&mut self, op: EditorOp) -> Result<(), PosError> {
        let (event, now) = (self.pos.event().clone(), self.pos.now());
        match op {
            EditorOp::Unlock => {
                let pin = std::mem::take(&mut self.editor.pin);
                self.editor.unlocked = Some(self.pos.unlock(&pin)?);
                self.notice = Some((Tone::Good, "Catalogue unlocked for editing".into()));
            }
            EditorOp::Lock => {
                self.editor.unlocked = None;
                self.editor.form = Form::None;
                self.notice = None;
            }
            EditorOp::NewOffer(kind) => {
                self.unlocked_pin()?;
                self.editor.form = Form::Offer(Box::new(OfferForm::new(kind, &event, now)));
            }
            EditorOp::Edit(id) | EditorOp::NewVariant(id) => {
                self.unlocked_pin()?;
                let offer = self
                    .offers
                    .iter()
                    .find(|o| o.id == id)
                    .ok_or(PosError::UnknownOffer(id))?;
                let cross: Vec<i64> = self
                    .cross_sells
                    .iter()
                    .filter(|c| c.0 == id)
                    .map(|c| c.1)
                    .collect();
                let splits = self.pos.splits_of(id)?;
                let mut form = OfferForm::of(offer, &event, cross, &splits);
                if let EditorOp::NewVariant(_) = op {
                    form.id = None;
                    form.variant_of = Some(offer.variant_of.unwrap_or(offer.id));
                    form.duration = "30".into();
                    form.title = format!("{} (30 min)", offer.title);
                }
                self.editor.form = Form::Offer(Box::new(form));
            }
            EditorOp::SaveOffer => {
                let pin = self.unlocked_pin()?;
                let Form::Offer(form) = &self.editor.form else {
                    return Ok(());
                };
                let edit = form.edit(&event, now).map_err(PosError::Refused)?;
                let title = edit.offer.title.trim().to_string();
                self.pos.save_offer(&edit, &pin)?;
                self.editor.form = Form::None;
                self.notice = Some((Tone::Good, format!("Saved {title}")));
            }
            EditorOp::Archive(id, archived) => {
                let pin = self.unlocked_pin()?;
                self.pos.archive_offer(id, archived, &pin)?;
                // An archived offer leaves a basket being built, not a payment in progress.
                if archived && matches!(self.payment, Payment::None) {
                    while self.cart.qty_of(id) > 0 {
                        self.cart.remove_one(id);
                    }
                }
                let word = if archived { "Archived" } else { "Restored" };
                self.notice = Some((
                    Tone::Good,
                    format!(
                        "{word}: it is {} the Sell screen",
                        if archived { "off" } else { "back on" }
                    ),
                ));
            }
            EditorOp::Move(id, by) => {
                let pin = self.unlocked_pin()?;
                self.pos.move_offer(id, by, &pin)?;
            }
            EditorOp::NewBundle => {
                self.unlocked_pin()?;
                self.editor.form = Form::Bundle(BundleForm::default());
            }
            EditorOp::EditBundle(id) => {
                self.unlocked_pin()?;
                if let Some(b) = self.bundles.iter().find(|b| b.id == id) {
                    self.editor.form = Form::Bundle(BundleForm {
                        id: b.id,
                        title: b.title.clone(),
                        price: b.price.plain(),
                        emoji: b.emoji.clone(),
                        parts: b.parts.clone(),
                        archived: b.archived,
                    });
                }
            }
            EditorOp::SaveBundle => {
                let pin = self.unlocked_pin()?;
                let Form::Bundle(form) = &self.editor.form else {
                    return Ok(());
                };
                let bundle = form.bundle(&event).map_err(PosError::Refused)?;
                self.pos.save_bundle(&bundle, &pin)?;
                self.editor.form = Form::None;
                self.notice = Some((Tone::Good, format!("Saved bundle {}", bundle.title.trim())));
            }
            EditorOp::NewDiscount => {
                self.unlocked_pin()?;
                self.editor.form = Form::Discount(DiscountForm::new(&event, now));
            }
            EditorOp::SaveDiscount => {
                let pin = self.unlocked_pin()?;
                let Form::Discount(form) = &self.editor.form else {
                    return Ok(());
                };
                let discount = form.discount(&event, now).map_err(PosError::Refused)?;
                self.pos.save_discount(&discount, &pin)?;
                self.editor.form = Form::None;
                self.notice = Some((Tone::Good, format!("Saved discount {}", discount.name)));
            }
            EditorOp::EndDiscount(id) => {
                let pin = self.unlocked_pin()?;
                self.pos.end_discount(id, &pin)?;
                self.notice = Some((Tone::Good, "Discount ended".into()));
            }
            EditorOp::Cancel => self.editor.form = Form::None,
        }
        Ok(())
    }

    pub(super) fn setup_op(&mut self, op: SetupOp) -> Result<(), PosError> {
        let switching = matches!(op, SetupOp::CreateEvent | SetupOp::OpenEvent(_));
        if switching && matches!(self.payment, Payment::Pending { .. }) {
            return Err(PosError::Invalid(FieldError::new(
                "a fan is paying",
                "finish or cancel the payment before switching events",
            )));
        }
        match op {
            SetupOp::SaveEvent => {
                let grant = self.pos.unlock(&self.setup.pin)?;
                self.pos.update_event(&self.setup.form, &grant)?;
                self.setup.pin.clear();
                self.notice = Some((Tone::Good, "Event saved".into()));
            }
            SetupOp::StartNew => {
                self.setup.creating = true;
                let event = self.pos.event();
                self.setup.form = EventSetup {
                    time_zone: event.time_zone.clone(),
                    currency: event.currency.code().to_string(),
                    vat_mode: event.vat_mode,
                    vat_rates: EventSetup::of(event).vat_rates,
                    ..EventSetup::default()
                };
            }
            SetupOp::CancelNew => {
                self.setup = SetupDraft::of(self.pos.event());
            }
            SetupOp::CreateEvent => {
                let name = self.setup.form.name.trim().to_string();
                let grant = match self.setup.pin.as_str() {
                    "" => None,
                    pin => Some(self.pos.unlock(pin)?),
                };
                self.pos
                    .create_event(&self.setup.form, &self.setup.new_pin, grant.as_ref())?;
                self.after_event_switch();
                self.notice = Some((
                    Tone::Good,
                    format!(
                        "{name} is open. Add your offers in Catalogue (unlock with the new PIN)."
                    ),
                ));
            }
            SetupOp::OpenEvent(id) => {
                let grant = self.pos.unlock(&self.setup.pin)?;
                self.pos.open_event(id, &grant)?;
                self.after_event_switch();
                let name = self.pos.event().name.clone();
                self.notice = Some((Tone::Good, format!("{name} is open at this kiosk")));
            }
            SetupOp::SaveFees => {
                let event = self.pos.event().clone();
                let fees = self.setup.typed_fees(&event).map_err(PosError::Refused)?;
                let grant = self.pos.unlock(&self.setup.pin)?;
                for (kind, fee) in fees {
                    self.pos.set_fee(kind, fee, &grant)?;
                }
                self.notice = Some((Tone::Good, "Fees saved".into()));
            }
        }
        Ok(())
    }

    pub(super) fn members_op(&mut self, op: MembersOp) -> Result<(), PosError> {
        match op {
            MembersOp::Add => {
                let contact = Some(self.members.contact.as_str());
                let m = self.pos.add_member(&self.members.name, contact)?;
                self.members.name.clear();
                self.members.contact.clear();
                self.notice = Some((Tone::Good, format!("{} joined: member {}", m.name, m.code)));
            }
            MembersOp::Card(code) => {
                let m = self.pos.member(&code)?;
                let pdf = crate::pdf::member_card_pdf(&m.name, &m.code, &self.pos.event().name)
                    .map_err(|e| PosError::Refused(e.to_string()))?;
                std::fs::create_dir_all(&self.receipts_dir)
                    .and_then(|()| {
                        let path = self.receipts_dir.join(format!("member-{}.pdf", m.code));
                        std::fs::write(&path, pdf)?;
                        self.exported = Some(path);
                        Ok(())
                    })
                    .map_err(|e| {
                        PosError::Invalid(FieldError::new("member card", format!("{e}")))
                    })?;
                if let Some(path) = &self.exported {
                    let text = format!("Card written to {}", path.display());
                    self.notice = Some((Tone::Good, text));
                }
            }
        }
        Ok(())
    }

    /// Another event is open: everything of the old one leaves the screens.
    pub(super) fn after_event_switch(&mut self) {
        self.cart = Cart::default();
        self.fan = None;
        self.fan_input.clear();
        self.payment = Payment::None;
        self.editor = Default::default();
        self.setup = SetupDraft::of(self.pos.event());
        self.settings = super::settings::SettingsDraft::of(self.pos.event().payment.as_ref());
        self.rules = super::rules::RulesDraft::of(self.pos.event(), self.pos.helper());
    }
}
