//! The creator's back office: events, the catalogue editor, bundles, discount windows, fees,
//! margins and collaborator splits. Every change needs the creator PIN, is one transaction and
//! leaves an audit entry with what was there before and after.

use serde::Serialize;
use serde_json::{Value, json};

use super::refund::{Role, hash_pin};
use super::{Pos, PosError, PosResult};
use crate::domain::basket::net_of_vat;
use crate::domain::catalogue::{Bundle, Offer, OfferKind, VatRate};
use crate::domain::catalogue_file::OfferRow;
use crate::domain::event::EventSetup;
use crate::domain::money::Money;
use crate::domain::order::{Line, TenderKind};
use crate::domain::pricing::{self, Discount, Fee, OfferMargin, Share, VatMode};
use crate::store::events::{EventRow, NewEvent};
use crate::store::{self, audit, deals, events, offers, orders, refunds};

/// An offer as the editor saves it: the row's fields, plus what only the kiosk edits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferEdit {
    /// None for a new offer.
    pub id: Option<i64>,
    /// Title, kind, price, VAT, kind fields, lane, look, cost.
    pub row: OfferRow,
    /// A new variant of this offer (new offers only).
    pub variant_of: Option<i64>,
    /// Offers suggested in the basket with this one.
    pub cross_sells: Vec<i64>,
    /// Collaborators' shares of its revenue.
    pub splits: Vec<(String, Share)>,
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
    fn creator(&self, pin: &str) -> PosResult<()> {
        self.check_pin(Role::Creator, pin)
    }

    fn who(&self) -> String {
        match self.helper.as_str() {
            "" => "creator".into(),
            name => format!("creator ({name})"),
        }
    }

    /// Who, when and where, for the audit entries of a change.
    fn stamp(&self) -> Stamp {
        Stamp {
            at: self.now(),
            station: self.station.clone(),
            who: self.who(),
        }
    }

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
        creator_pin: &str,
    ) -> PosResult<i64> {
        let checked = setup.check().map_err(PosError::Invalid)?;
        if refunds::pin(self.store.conn(), self.event.id, "creator")?.is_some() {
            self.creator(creator_pin)?;
        }
        let hash = hash_pin(new_pin)
            .map_err(|_| PosError::Invalid("new creator PIN: 4 to 12 digits".into()))?;
        let now = self.now();
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let id = events::insert(
            &tx,
            &NewEvent {
                name: &checked.name,
                venue: &checked.venue,
                time_zone: &checked.time_zone,
                currency: checked.currency,
                payment: None,
                signing_key: rand::random(),
                is_demo: false,
                created_at: now.as_second(),
            },
        )?;
        events::set_setup(&tx, id, &checked)?;
        refunds::set_pin(&tx, id, "creator", &hash)?;
        events::open(&tx, id, now.as_second())?;
        stamp.log(
            &tx,
            "event.create",
            &id.to_string(),
            json!({ "after": setup, "closed": self.event.id }),
        )?;
        tx.commit()?;
        self.reload()?;
        Ok(id)
    }

    /// Changes the open event's set-up. The currency is fixed once something was sold.
    pub fn update_event(&mut self, setup: &EventSetup, creator_pin: &str) -> PosResult<()> {
        let checked = setup.check().map_err(PosError::Invalid)?;
        self.creator(creator_pin)?;
        let event_id = self.event.id;
        let before = EventSetup::of(&self.event);
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        if checked.currency != self.event.currency && events::has_orders(&tx, event_id)? {
            return Err(PosError::Invalid(format!(
                "currency: this event has sold in {} already; start a new event for another currency",
                self.event.currency
            )));
        }
        events::set_setup(&tx, event_id, &checked)?;
        stamp.log(
            &tx,
            "event.setup",
            &event_id.to_string(),
            json!({ "before": before, "after": setup }),
        )?;
        tx.commit()?;
        self.reload()
    }

    /// Opens another event at the kiosk (the open event's creator PIN); the one open before
    /// stays in the database, readable and re-openable.
    pub fn open_event(&mut self, event_id: i64, creator_pin: &str) -> PosResult<()> {
        self.creator(creator_pin)?;
        let (now, before) = (self.now(), self.event.id);
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        if !events::open(&tx, event_id, now.as_second())? {
            return Err(PosError::Invalid(format!("there is no event {event_id}")));
        }
        stamp.log(
            &tx,
            "event.open",
            &event_id.to_string(),
            json!({ "closed": before }),
        )?;
        tx.commit()?;
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
    pub fn save_offer(&mut self, edit: &OfferEdit, creator_pin: &str) -> PosResult<i64> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        let mut offer = edit.row.to_offer(currency).map_err(PosError::Invalid)?;
        check_rate(&offer, &self.event.vat_rates)?;
        pricing::validate_shares(&edit.splits).map_err(PosError::Invalid)?;
        self.creator(creator_pin)?;
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let before = match edit.id {
            Some(id) => {
                let old =
                    offers::get(&tx, event_id, id, currency)?.ok_or(PosError::UnknownOffer(id))?;
                if let (Some(was), Some(now_units)) =
                    (old.kind.initial_units(), offer.kind.initial_units())
                {
                    let taken = was.saturating_sub(old.remaining.unwrap_or(0));
                    if now_units < taken {
                        let field = if matches!(offer.kind, OfferKind::Gig { .. }) {
                            "capacity"
                        } else {
                            "stock"
                        };
                        return Err(PosError::Invalid(format!(
                            "{field}: at least {taken}, the units already sold or held"
                        )));
                    }
                }
                if old.kind.name() != offer.kind.name() {
                    return Err(PosError::Invalid(format!(
                        "kind: {} stays a {} (archive it and create a new offer instead)",
                        old.title,
                        old.kind.name()
                    )));
                }
                Some(described(&tx, &old)?)
            }
            None => None,
        };
        let id = match edit.id {
            Some(id) => {
                offer.id = id;
                offers::update(&tx, event_id, &offer)?;
                id
            }
            None => {
                if let Some(parent) = edit.variant_of {
                    let parent = offers::get(&tx, event_id, parent, currency)?
                        .ok_or(PosError::UnknownOffer(parent))?;
                    offer.variant_of = Some(parent.variant_of.unwrap_or(parent.id));
                }
                let sort = offers::next_sort(&tx, event_id)?;
                offers::insert(&tx, event_id, &offer, sort)?
            }
        };
        if id > i64::from(u16::MAX) {
            return Err(PosError::ClaimField {
                what: "offer",
                value: id,
            });
        }
        offers::set_cross_sells(&tx, id, &edit.cross_sells)?;
        offers::set_splits(&tx, id, &edit.splits)?;
        let saved = offers::get(&tx, event_id, id, currency)?.ok_or(PosError::UnknownOffer(id))?;
        let after = described(&tx, &saved)?;
        let action = if before.is_some() {
            "offer.edit"
        } else {
            "offer.create"
        };
        stamp.log(
            &tx,
            action,
            &id.to_string(),
            json!({ "before": before, "after": after }),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Archives (off the Sell screen) or restores an offer.
    pub fn archive_offer(&mut self, id: i64, archived: bool, creator_pin: &str) -> PosResult<()> {
        self.creator(creator_pin)?;
        let event_id = self.event.id;
        let currency = self.event.currency;
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let was = offers::get(&tx, event_id, id, currency)?
            .ok_or(PosError::UnknownOffer(id))?
            .archived;
        offers::set_archived(&tx, event_id, id, archived)?;
        let action = if archived {
            "offer.archive"
        } else {
            "offer.restore"
        };
        stamp.log(
            &tx,
            action,
            &id.to_string(),
            json!({ "before": was, "after": archived }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Moves an offer one place up (`-1`) or down (`1`) in the catalogue.
    pub fn move_offer(&mut self, id: i64, by: i32, creator_pin: &str) -> PosResult<()> {
        self.creator(creator_pin)?;
        let (event_id, currency) = (self.event.id, self.event.currency);
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let mut ids: Vec<i64> = offers::list(&tx, event_id, currency)?
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
        offers::reorder(&tx, event_id, &ids)?;
        stamp.log(
            &tx,
            "offer.move",
            &id.to_string(),
            json!({ "before": before, "after": ids }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Creates or edits a bundle: two or more units of offers of this event, at a price no
    /// higher than the parts bought one by one.
    pub fn save_bundle(&mut self, bundle: &Bundle, creator_pin: &str) -> PosResult<i64> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        let title = bundle.title.trim();
        if !(1..=80).contains(&title.chars().count()) {
            return Err(PosError::Invalid("title: 1 to 80 characters".into()));
        }
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
        self.creator(creator_pin)?;
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let before = deals::bundles(&tx, event_id, currency)?
            .into_iter()
            .find(|b| b.id == bundle.id);
        let saved = Bundle {
            title: title.to_string(),
            ..bundle.clone()
        };
        let id = deals::save_bundle(&tx, event_id, &saved)?;
        stamp.log(
            &tx,
            "bundle.save",
            &id.to_string(),
            json!({ "before": before, "after": saved }),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Creates or edits a discount window.
    pub fn save_discount(&mut self, discount: &Discount, creator_pin: &str) -> PosResult<i64> {
        discount
            .validate(self.event.currency)
            .map_err(PosError::Invalid)?;
        let here = offers::list(self.store.conn(), self.event.id, self.event.currency)?;
        if let Some(stranger) = discount
            .offers
            .iter()
            .find(|id| !here.iter().any(|o| o.id == **id))
        {
            return Err(PosError::Invalid(format!(
                "offers: offer {stranger} is not at this event"
            )));
        }
        self.creator(creator_pin)?;
        let event_id = self.event.id;
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let before = deals::discounts(&tx, event_id)?
            .into_iter()
            .find(|d| d.id == discount.id);
        let id = deals::save_discount(&tx, event_id, discount)?;
        stamp.log(
            &tx,
            "discount.save",
            &id.to_string(),
            json!({ "before": before.map(|d| discount_json(&d)), "after": discount_json(discount) }),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Ends a discount window now (orders that used it keep it).
    pub fn end_discount(&mut self, id: i64, creator_pin: &str) -> PosResult<()> {
        self.creator(creator_pin)?;
        let event_id = self.event.id;
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        let before = deals::discounts(&tx, event_id)?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| PosError::Invalid(format!("there is no discount {id}")))?;
        deals::end_discount(&tx, event_id, id, stamp.at)?;
        let after = deals::discounts(&tx, event_id)?
            .into_iter()
            .find(|d| d.id == id);
        stamp.log(
            &tx,
            "discount.end",
            &id.to_string(),
            json!({ "before": discount_json(&before), "after": after.as_ref().map(discount_json) }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The fee of each tender method (methods not listed cost nothing).
    pub fn fees(&self) -> PosResult<Vec<(TenderKind, Fee)>> {
        Ok(events::fees(self.store.conn(), self.event.id)?)
    }

    /// Sets what a tender method costs: percent plus a fixed amount per payment.
    pub fn set_fee(&mut self, kind: TenderKind, fee: Fee, creator_pin: &str) -> PosResult<()> {
        fee.validate().map_err(PosError::Invalid)?;
        self.creator(creator_pin)?;
        let event_id = self.event.id;
        let before = self.fees()?.into_iter().find(|f| f.0 == kind).map(|f| f.1);
        let stamp = self.stamp();
        let tx = self.store.immediate()?;
        events::set_fee(&tx, event_id, kind, &fee)?;
        let as_json = |f: &Fee| json!({ "percent_bp": f.percent_bp, "fixed_minor": f.fixed });
        stamp.log(
            &tx,
            "fee.set",
            kind.name(),
            json!({ "before": before.as_ref().map(as_json), "after": as_json(&fee) }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Net revenue (without VAT), fees, cost and margin per offer so far, and per gig-minute.
    pub fn margins(&self) -> PosResult<Vec<Margin>> {
        let (event_id, currency) = (self.event.id, self.event.currency);
        let figures = orders::offer_figures(self.store.conn(), event_id)?;
        let catalogue = offers::list(self.store.conn(), event_id, currency)?;
        let mut out: Vec<Margin> = Vec::new();
        for f in figures {
            let sold = Line {
                offer_id: f.offer_id,
                title: f.title.clone(),
                unit_price: Money::new(f.unit_price, currency),
                vat: VatRate(f.vat_bp),
                qty: f.qty,
                discount: f.discount,
                note: String::new(),
            };
            // Refunded units are neither revenue nor cost (their fee is not given back).
            let line = sold.units(f.refunded, f.qty.saturating_sub(f.refunded));
            let mode: VatMode = f.vat_mode.parse().unwrap_or_default();
            let amount = sold.amount().minor;
            let fee = if f.order_lines_sum > 0 {
                let share = i128::from(f.order_fee) * i128::from(amount);
                i64::try_from(share / i128::from(f.order_lines_sum)).unwrap_or(0)
            } else {
                0
            };
            let minutes =
                catalogue
                    .iter()
                    .find(|o| o.id == f.offer_id)
                    .and_then(|o| match o.kind {
                        OfferKind::Gig { duration_mins, .. } => Some(duration_mins),
                        _ => None,
                    });
            let add = pricing::margin(
                f.offer_id,
                line.qty,
                net_of_vat(&line, mode),
                fee,
                f.cost,
                minutes,
            );
            match out.iter_mut().find(|m| m.figures.offer_id == f.offer_id) {
                Some(m) => {
                    let g = &mut m.figures;
                    g.units += add.units;
                    g.net_revenue += add.net_revenue;
                    g.fees += add.fees;
                    g.cost += add.cost;
                    g.margin += add.margin;
                    g.minutes += add.minutes;
                    m.title = f.title;
                }
                None => out.push(Margin {
                    title: f.title,
                    figures: add,
                }),
            }
        }
        Ok(out)
    }

    /// What each collaborator (and the creator) is owed from the event's sales so far.
    pub fn split_totals(&self) -> PosResult<Vec<(String, i64)>> {
        Ok(orders::split_totals(self.store.conn(), self.event.id)?)
    }
}

/// Who made a change, when and at which station.
struct Stamp {
    at: jiff::Timestamp,
    station: String,
    who: String,
}

impl Stamp {
    /// Appends an audit entry for a back-office change; `detail` gets `by`.
    fn log(
        &self,
        tx: &store::Conn,
        action: &str,
        subject: &str,
        mut detail: Value,
    ) -> PosResult<()> {
        detail["by"] = json!(self.who);
        audit::append(tx, self.at, &self.station, action, subject, &detail)?;
        Ok(())
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

/// An offer's VAT rate must be one the event set up (when it set any).
fn check_rate(offer: &Offer, rates: &[VatRate]) -> PosResult<()> {
    if rates.is_empty() || rates.contains(&offer.vat) {
        return Ok(());
    }
    Err(PosError::Invalid(format!(
        "vat: {} is not one of this event's rates ({})",
        offer.vat.label(),
        rates
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}
