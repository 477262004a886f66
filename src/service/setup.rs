//! The creator's back office: events, the catalogue editor, bundles, discount windows, fees,
//! margins and collaborator splits. Every change needs the creator PIN, is one transaction and
//! leaves an audit entry with what was there before and after.

use crate::domain::field::FieldError;
use serde::Serialize;
use serde_json::{Value, json};

use super::pins::{check_new_pin, hash_pin};
use super::start::insert_event;
use super::{Grant, Pos, PosError, PosResult, Role};
use crate::domain::catalogue::{Bundle, Offer, OfferKind, VatRate};
use crate::domain::catalogue_file::OfferRow;
use crate::domain::event::EventSetup;
use crate::domain::pricing::{self, Discount, OfferMargin, Share};
use crate::store::events::EventRow;
use crate::store::{self, deals, events, offers, orders};

/// An offer as the editor saves it: the row's fields, plus what only the kiosk edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferEdit {
    /// None for a new offer.
    pub id: Option<i64>,
    /// Title, kind and its fields, price, VAT, lane, look, cost, pass credit (the id, stock
    /// left and variant are the service's).
    pub offer: Offer,
    /// A new variant of this offer (new offers only).
    pub variant_of: Option<i64>,
    /// Offers suggested in the basket with this one.
    pub cross_sells: Vec<i64>,
    /// Collaborators' shares of its revenue.
    pub splits: Vec<(String, Share)>,
}

impl OfferEdit {
    /// A new offer (no id, no variant, no suggestions or shares).
    pub fn new(offer: Offer) -> OfferEdit {
        OfferEdit {
            id: None,
            offer,
            variant_of: None,
            cross_sells: Vec::new(),
            splits: Vec::new(),
        }
    }
}

/// Net revenue, fees, cost and margin of one offer so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Margin {
    /// Title (as last sold).
    pub title: String,
    /// The figures.
    #[serde(flatten)]
    pub figures: OfferMargin,
}

impl Pos {
    /// Every event, newest first, with its sales.
    pub fn events(&self) -> PosResult<Vec<EventRow>> {
        Ok(events::list(self.store.conn())?)
    }

    /// The station codes of the open event.
    pub fn stations(&self) -> PosResult<Vec<String>> {
        Ok(events::stations(self.store.conn(), self.event.id)?)
    }

    /// Creates an event from the set-up form with its own creator PIN and opens it at the kiosk.
    /// The event open before stays readable. Needs the open event's creator PIN when it has one.
    pub fn create_event(
        &mut self,
        setup: &EventSetup,
        new_pin: &str,
        grant: Option<&Grant>,
    ) -> PosResult<i64> {
        let checked = setup.check().map_err(PosError::Invalid)?;
        printable_setup(setup)?;
        self.require_if_pin(grant)?;
        let rule = || PosError::Invalid(FieldError::new("new creator PIN", "6 to 12 digits"));
        check_new_pin(new_pin).map_err(|_| rule())?;
        let hash = hash_pin(new_pin).map_err(|_| rule())?;
        let (now, closed) = (self.now(), Some(self.event.id));
        let public_key = self.store.new_claim_key()?;
        let id = self.write(Role::Creator, |w| {
            insert_event(w, (&checked, setup), &hash, public_key, now, closed)
        })?;
        self.reload()?;
        Ok(id)
    }

    /// Changes the open event's set-up. The currency is fixed once something was sold.
    pub fn update_event(&mut self, setup: &EventSetup, grant: &Grant) -> PosResult<()> {
        let checked = setup.check().map_err(PosError::Invalid)?;
        printable_setup(setup)?;
        self.require(grant)?;
        let (event_id, currency) = (self.event.id, self.event.currency);
        let before = EventSetup::of(&self.event);
        self.write(Role::Creator, |w| {
        let tx = w.tx();
        if checked.currency != currency && events::has_orders(tx, event_id)? {
            let rule = format!(
                "this event has sold in {currency} already; start a new event for another currency"
            );
            return Err(PosError::Invalid(FieldError::new("currency", rule)));
        }
        events::set_setup(tx, event_id, &checked)?;
        w.log("event.setup",
            &event_id.to_string(),
            json!({ "before": before, "after": setup }),
        )?;
        Ok(())
        })?;
        self.reload()
    }

    /// Opens another event at the kiosk (the open event's creator PIN); the one open before
    /// stays in the database, readable and re-openable.
    pub fn open_event(&mut self, event_id: i64, grant: &Grant) -> PosResult<()> {
        self.require(grant)?;
        let (now, before) = (self.now(), self.event.id);
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            if !events::open(tx, event_id, now.as_second())? {
                return Err(PosError::Refused(format!("there is no event {event_id}")));
            }
            w.log(
                "event.open",
                &event_id.to_string(),
                json!({ "closed": before }),
            )?;
            Ok(())
        })?;
        self.reload()
    }

    /// Offers (archived too), bundles, discount windows and cross-sells of the open event.
    pub fn catalogue(&self) -> PosResult<Catalogue> {
        let conn = self.store.conn();
        let (id, currency) = (self.event.id, self.event.currency);
        Ok(Catalogue {
            offers: offers::list(conn, id, currency)?,
            bundles: deals::bundles(conn, id, currency)?,
            discounts: deals::discounts(conn, id)?,
            cross_sells: offers::cross_sells(conn, id)?,
        })
    }

    /// An offer's collaborator shares.
    pub fn splits_of(&self, offer_id: i64) -> PosResult<Vec<(String, Share)>> {
        Ok(offers::splits(self.store.conn(), offer_id)?)
    }

    /// Creates or edits an offer. Orders keep the title, price and VAT they were sold with; a
    /// new capacity or stock moves what is left by the difference.
    pub fn save_offer(&mut self, edit: &OfferEdit, grant: &Grant) -> PosResult<i64> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        // Only what the editor edits comes from the caller: the id, the variant link, what is
        // held and archived are the service's.
        let mut offer = Offer {
            id: 0,
            title: edit.offer.title.trim().to_string(),
            remaining: edit.offer.kind.initial_units(),
            held: 0,
            variant_of: None,
            archived: false,
            ..edit.offer.clone()
        };
        if offer.price.currency != currency {
            return Err(PosError::Invalid(FieldError::new(
                "price",
                format!(
                    "this event sells in {currency}, not {}",
                    offer.price.currency
                ),
            )));
        }
        offer.check().map_err(PosError::Invalid)?;
        crate::fonts::check("title", &offer.title).map_err(PosError::Invalid)?;
        check_rate(&offer, &self.event.vat_rates)?;
        pricing::validate_shares(&edit.splits).map_err(PosError::Invalid)?;
        self.require(grant)?;
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let before = match edit.id {
                Some(id) => {
                    let old = offers::get(tx, event_id, id, currency)?
                        .ok_or(PosError::UnknownOffer(id))?;
                    check_change(&old, &offer)?;
                    Some(described(tx, &old)?)
                }
                None => None,
            };
            let id = match edit.id {
                Some(id) => {
                    offer.id = id;
                    offers::update(tx, event_id, &offer)?;
                    id
                }
                None => {
                    if let Some(parent) = edit.variant_of {
                        let parent = offers::get(tx, event_id, parent, currency)?
                            .ok_or(PosError::UnknownOffer(parent))?;
                        offer.variant_of = Some(parent.variant_of.unwrap_or(parent.id));
                    }
                    let sort = offers::next_sort(tx, event_id)?;
                    offers::insert(tx, event_id, &offer, sort)?
                }
            };
            if id > i64::from(u16::MAX) {
                return Err(PosError::ClaimField {
                    what: "offer",
                    value: id,
                });
            }
            offers::set_cross_sells(tx, id, &edit.cross_sells)?;
            offers::set_splits(tx, id, &edit.splits)?;
            let saved =
                offers::get(tx, event_id, id, currency)?.ok_or(PosError::UnknownOffer(id))?;
            let after = described(tx, &saved)?;
            let action = if before.is_some() {
                "offer.edit"
            } else {
                "offer.create"
            };
            w.log(
                action,
                &id.to_string(),
                json!({ "before": before, "after": after }),
            )?;
            Ok(id)
        })
    }

    /// Archives (off the Sell screen) or restores an offer.
    pub fn archive_offer(&mut self, id: i64, archived: bool, grant: &Grant) -> PosResult<()> {
        self.require(grant)?;
        let event_id = self.event.id;
        let currency = self.event.currency;
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let was = offers::get(tx, event_id, id, currency)?
                .ok_or(PosError::UnknownOffer(id))?
                .archived;
            offers::set_archived(tx, event_id, id, archived)?;
            let action = if archived {
                "offer.archive"
            } else {
                "offer.restore"
            };
            w.log(
                action,
                &id.to_string(),
                json!({ "before": was, "after": archived }),
            )?;
            Ok(())
        })
    }

    /// Moves an offer one place up (`-1`) or down (`1`) in the catalogue.
    pub fn move_offer(&mut self, id: i64, by: i32, grant: &Grant) -> PosResult<()> {
        self.require(grant)?;
        let (event_id, currency) = (self.event.id, self.event.currency);
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let mut ids: Vec<i64> = offers::list(tx, event_id, currency)?
                .iter()
                .map(|o| o.id)
                .collect();
            let before = ids.clone();
            let from = ids
                .iter()
                .position(|o| *o == id)
                .ok_or(PosError::UnknownOffer(id))?;
            let to = from
                .saturating_add_signed(by as isize)
                .min(ids.len().saturating_sub(1));
            let moved = ids.remove(from);
            ids.insert(to, moved);
            offers::reorder(tx, event_id, &ids)?;
            w.log(
                "offer.move",
                &id.to_string(),
                json!({ "before": before, "after": ids }),
            )?;
            Ok(())
        })
    }

    /// Creates or edits a bundle: two or more units of offers of this event, at a price no
    /// higher than the parts bought one by one.
    pub fn save_bundle(&mut self, bundle: &Bundle, grant: &Grant) -> PosResult<i64> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        let title = crate::domain::field::required_text("title", &bundle.title, 80)
            .map_err(PosError::Invalid)?;
        crate::fonts::check("title", title).map_err(PosError::Invalid)?;
        let look = crate::domain::catalogue::TileLook {
            emoji: bundle.emoji.clone(),
            colour: None,
        };
        look.check().map_err(PosError::Invalid)?;
        let catalogue = offers::list(self.store.conn(), event_id, currency)?;
        let listed = bundle
            .parts
            .iter()
            .map(|(id, qty)| {
                catalogue
                    .iter()
                    .find(|o| o.id == *id)
                    .map(|o| (*qty, o.price.minor))
                    .ok_or(PosError::UnknownOffer(*id))
            })
            .collect::<PosResult<Vec<_>>>()?;
        pricing::bundle_discounts(bundle.price.minor, &listed, currency)
            .map_err(PosError::Invalid)?;
        self.require(grant)?;
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let before = deals::bundles(tx, event_id, currency)?
                .into_iter()
                .find(|b| b.id == bundle.id);
            let saved = Bundle {
                title: title.to_string(),
                ..bundle.clone()
            };
            let id = deals::save_bundle(tx, event_id, &saved)?;
            w.log(
                "bundle.save",
                &id.to_string(),
                json!({ "before": before, "after": saved }),
            )?;
            Ok(id)
        })
    }

    /// Creates or edits a discount window.
    pub fn save_discount(&mut self, discount: &Discount, grant: &Grant) -> PosResult<i64> {
        discount
            .validate(self.event.currency)
            .map_err(PosError::Invalid)?;
        crate::fonts::check("name", discount.name.trim()).map_err(PosError::Invalid)?;
        let here = offers::list(self.store.conn(), self.event.id, self.event.currency)?;
        if let Some(stranger) = discount
            .offers
            .iter()
            .find(|id| !here.iter().any(|o| o.id == **id))
        {
            return Err(PosError::Invalid(FieldError::new(
                "offers",
                format!("offer {stranger} is not at this event"),
            )));
        }
        self.require(grant)?;
        let event_id = self.event.id;
        self.write(Role::Creator, |w| {
        let tx = w.tx();
        let before = deals::discounts(tx, event_id)?
            .into_iter()
            .find(|d| d.id == discount.id);
        let id = deals::save_discount(tx, event_id, discount)?;
        w.log("discount.save",
            &id.to_string(),
            json!({ "before": before.map(|d| discount_json(&d)), "after": discount_json(discount) }),
        )?;
        Ok(id)
        })
    }

    /// Ends a discount window now (orders that used it keep it).
    pub fn end_discount(&mut self, id: i64, grant: &Grant) -> PosResult<()> {
        self.require(grant)?;
        let event_id = self.event.id;
        self.write(Role::Creator, |w| {
            let tx = w.tx();
            let before = deals::discounts(tx, event_id)?
                .into_iter()
                .find(|d| d.id == id)
                .ok_or_else(|| PosError::Refused(format!("there is no discount {id}")))?;
            deals::end_discount(tx, event_id, id, w.at())?;
            let after = deals::discounts(tx, event_id)?
                .into_iter()
                .find(|d| d.id == id);
            w.log("discount.end",
            &id.to_string(),
            json!({ "before": discount_json(&before), "after": after.as_ref().map(discount_json) }),
        )?;
            Ok(())
        })
    }

    /// Net revenue (without VAT), fees, cost and margin per offer so far, and per gig-minute.
    pub fn margins(&self) -> PosResult<Vec<Margin>> {
        let mut out = Vec::new();
        let (event_id, currency) = (self.event.id, self.event.currency);
        super::margins::add_margins(
            self.store.conn(),
            (event_id, currency),
            (0, i64::MAX),
            &mut out,
        )?;
        out.sort_by_key(|m| m.figures.offer_id);
        Ok(out)
    }
}

impl Pos {
    /// What each collaborator (and the creator) is owed from the event's sales so far.
    pub fn split_totals(&self) -> PosResult<Vec<(String, i64)>> {
        Ok(orders::split_totals(self.store.conn(), self.event.id)?)
    }
}

/// Offers, bundles, discount windows and cross-sells of one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    /// Offers in catalogue order, archived ones too.
    pub offers: Vec<Offer>,
    /// Bundles, archived ones too.
    pub bundles: Vec<Bundle>,
    /// Discount windows not ended by hand.
    pub discounts: Vec<Discount>,
    /// `(offer, suggestion)` pairs.
    pub cross_sells: Vec<(i64, i64)>,
}

/// An offer as the audit log keeps it: the row, its splits and cross-sells.
fn described(conn: &store::Conn, offer: &Offer) -> PosResult<Value> {
    let splits: Vec<Value> = offers::splits(conn, offer.id)?
        .into_iter()
        .map(|(name, share)| json!({ "name": name, "share": share_text(&share) }))
        .collect();
    let cross_sells: Vec<i64> = offers::cross_sells_of(conn, offer.id)?;
    Ok(json!({
        "offer": OfferRow::of(offer),
        "variant_of": offer.variant_of,
        "splits": splits,
        "cross_sells": cross_sells,
    }))
}

fn share_text(share: &Share) -> String {
    match share {
        Share::Percent(bp) => pricing::percent_label(*bp),
        Share::Fixed(minor) => format!("{minor} minor units per unit"),
    }
}

fn discount_json(d: &Discount) -> Value {
    json!({
        "name": d.name, "off": format!("{:?}", d.off), "offers": d.offers,
        "starts": d.starts.to_string(), "ends": d.ends.to_string(), "max_uses": d.max_uses,
    })
}

/// What an edit may not change: the kind, and capacity or stock below what is sold or held.
pub(super) fn check_change(old: &Offer, new: &Offer) -> PosResult<()> {
    if let (Some(was), Some(now_units)) = (old.kind.initial_units(), new.kind.initial_units()) {
        let taken = was.saturating_sub(old.remaining.unwrap_or(0));
        if now_units < taken {
            let field = if matches!(new.kind, OfferKind::Gig { .. }) {
                "capacity"
            } else {
                "stock"
            };
            let rule = format!("at least {taken}, the units already sold or held");
            return Err(PosError::Invalid(FieldError::new(field, rule)));
        }
    }
    if old.kind.name() != new.kind.name() {
        return Err(PosError::Invalid(FieldError::new(
            "kind",
            format!(
                "{} stays a {} (archive it and create a new offer instead)",
                old.title,
                old.kind.name()
            ),
        )));
    }
    Ok(())
}

/// An offer's VAT rate must be one the event set up (when it set any).
fn check_rate(offer: &Offer, rates: &[VatRate]) -> PosResult<()> {
    if rates.is_empty() || rates.contains(&offer.vat) {
        return Ok(());
    }
    Err(PosError::Invalid(FieldError::new(
        "vat",
        format!(
            "{} is not one of this event's rates ({})",
            offer.vat.label(),
            rates
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )))
}

/// The event's texts that its receipts print: each must be drawable by a bundled font.
fn printable_setup(setup: &EventSetup) -> PosResult<()> {
    for (field, text) in [
        ("name", &setup.name),
        ("venue", &setup.venue),
        ("receipt header", &setup.receipt_header),
        ("receipt footer", &setup.receipt_footer),
        ("terms", &setup.terms),
    ] {
        crate::fonts::check(field, text).map_err(PosError::Invalid)?;
    }
    Ok(())
}
