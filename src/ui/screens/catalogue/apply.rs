//! Applying the catalogue editor's ops through the service (each needs editing unlocked).

use super::{
    BundleForm, CatalogueOp, CatalogueScreen, CreatorGrant, DiscountForm, Form, OfferForm, Unlocked,
};
use crate::service::{Pos, PosError, PosResult};
use crate::ui::Command;
use crate::ui::ctx::Fx;

impl CatalogueScreen {
    /// What creator operations take while editing is unlocked (its last use is now), or a
    /// refusal asking to unlock.
    fn grant(&mut self, fx: &Fx<'_>) -> PosResult<CreatorGrant> {
        let unlocked = self.unlocked.as_mut().ok_or_else(|| {
            PosError::Refused("unlock the catalogue with the creator PIN first".into())
        })?;
        unlocked.used_at = fx.frame_time;
        Ok(unlocked.grant.clone())
    }

    /// Applies one of the screen's ops.
    pub fn apply(&mut self, op: CatalogueOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        match op {
            CatalogueOp::Unlock => {
                // The typed PIN is forgotten the moment it is checked, right or wrong.
                let pin = std::mem::take(&mut self.pin);
                let grant = pos.unlock(&pin)?;
                let used_at = fx.frame_time;
                self.unlocked = Some(Unlocked { grant, used_at });
                fx.good("Catalogue unlocked for editing");
            }
            CatalogueOp::Lock => {
                *self = CatalogueScreen::default();
                fx.clear();
            }
            CatalogueOp::IdleLock => {
                *self = CatalogueScreen::default();
                fx.info("Catalogue locked again after five minutes without a tap");
            }
            CatalogueOp::Cancel => self.form = Form::None,
            CatalogueOp::SaveOffer | CatalogueOp::SaveBundle | CatalogueOp::SaveDiscount => {
                self.save(op, pos, fx)?;
            }
            CatalogueOp::Archive(id, archived) => {
                let grant = self.grant(fx)?;
                pos.archive_offer(id, archived, &grant)?;
                if archived {
                    fx.then.push(Command::OfferArchived(id));
                }
                let (word, place) = if archived {
                    ("Archived", "off")
                } else {
                    ("Restored", "back on")
                };
                fx.good(format!("{word}: it is {place} the Sell screen"));
            }
            CatalogueOp::Move(id, by) => {
                let grant = self.grant(fx)?;
                pos.move_offer(id, by, &grant)?;
            }
            CatalogueOp::EndDiscount(id) => {
                let grant = self.grant(fx)?;
                pos.end_discount(id, &grant)?;
                fx.good("Discount ended");
            }
            open => self.open_form(open, pos, fx)?,
        }
        Ok(())
    }

    /// Opens a form: a new offer, bundle or discount, or one showing an offer or bundle.
    fn open_form(&mut self, op: CatalogueOp, pos: &Pos, fx: &Fx<'_>) -> PosResult<()> {
        self.grant(fx)?;
        let (event, now) = (pos.event(), pos.now());
        match op {
            CatalogueOp::NewOffer(kind) => {
                self.form = Form::Offer(Box::new(OfferForm::new(kind, event, now)));
            }
            CatalogueOp::Edit(id) | CatalogueOp::NewVariant(id) => {
                let offer = fx
                    .shared
                    .offers
                    .iter()
                    .find(|o| o.id == id)
                    .ok_or(PosError::UnknownOffer(id))?;
                let cross: Vec<i64> = fx
                    .shared
                    .cross_sells
                    .iter()
                    .filter(|c| c.0 == id)
                    .map(|c| c.1)
                    .collect();
                let splits = pos.splits_of(id)?;
                let mut form = OfferForm::of(offer, event, cross, &splits);
                if let CatalogueOp::NewVariant(_) = op {
                    form.id = None;
                    form.variant_of = Some(offer.variant_of.unwrap_or(offer.id));
                    form.duration = "30".into();
                    form.title = format!("{} (30 min)", offer.title);
                }
                self.form = Form::Offer(Box::new(form));
            }
            CatalogueOp::NewBundle => self.form = Form::Bundle(BundleForm::default()),
            CatalogueOp::EditBundle(id) => {
                if let Some(b) = fx.shared.bundles.iter().find(|b| b.id == id) {
                    self.form = Form::Bundle(BundleForm {
                        id: b.id,
                        title: b.title.clone(),
                        price: b.price.plain(),
                        emoji: b.emoji.clone(),
                        parts: b.parts.clone(),
                        archived: b.archived,
                    });
                }
            }
            CatalogueOp::NewDiscount => {
                self.form = Form::Discount(DiscountForm::new(event, now));
            }
            _ => {}
        }
        Ok(())
    }

    /// Saves the open form (the op says which kind of form it must be).
    fn save(&mut self, op: CatalogueOp, pos: &mut Pos, fx: &mut Fx<'_>) -> PosResult<()> {
        let grant = self.grant(fx)?;
        let (event, now) = (pos.event().clone(), pos.now());
        let saved = match (&op, &self.form) {
            (CatalogueOp::SaveOffer, Form::Offer(form)) => {
                let edit = form.edit(&event, now).map_err(PosError::Invalid)?;
                let title = edit.offer.title.clone();
                pos.save_offer(&edit, &grant)?;
                format!("Saved {title}")
            }
            (CatalogueOp::SaveBundle, Form::Bundle(form)) => {
                let bundle = form.bundle(&event).map_err(PosError::Invalid)?;
                pos.save_bundle(&bundle, &grant)?;
                format!("Saved bundle {}", bundle.title.trim())
            }
            (CatalogueOp::SaveDiscount, Form::Discount(form)) => {
                let discount = form.discount(&event, now).map_err(PosError::Invalid)?;
                pos.save_discount(&discount, &grant)?;
                format!("Saved discount {}", discount.name)
            }
            _ => return Ok(()),
        };
        self.form = Form::None;
        fx.good(saved);
        Ok(())
    }
}
