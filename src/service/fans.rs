//! Fans and members at the table: who is buying (a contact typed, a member card or a lottery
//! buy code scanned), their per-fan limits, membership passes and member credit.

use crate::domain::field::FieldError;
use serde_json::json;

use super::{Pos, PosError, PosResult, Role};
use crate::domain::catalogue::Offer;
use crate::domain::fan::{FanId, MemberCode, fan_id, normalize_contact};
use crate::domain::lottery::BuyCode;
use crate::domain::money::Currency;
use crate::store;
use crate::store::fans::{self, Member};

/// The fan at the table, as the basket shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fan {
    /// What was typed or scanned (kept only in memory, for the sale).
    pub input: String,
    /// Their hashed id.
    pub id: FanId,
    /// Their membership, if any.
    pub member: Option<Member>,
    /// Orders they bought before, at any event.
    pub orders_before: u32,
}

impl Fan {
    /// "Ana · member M-3K9D-7QX2 · €10.00 credit · 3 orders before", or "Fan 4863ab · new".
    pub fn label(&self) -> String {
        let who = match &self.member {
            Some(m) => format!("{} · member {} · {} credit", m.name, m.code, m.credit),
            None => format!("Fan {}", self.id.short()),
        };
        match self.orders_before {
            0 => format!("{who} · first order"),
            1 => format!("{who} · 1 order before"),
            n => format!("{who} · {n} orders before"),
        }
    }
}

/// Reads a member card, a member code or a contact into a fan id and membership.
pub(super) fn identify_in(conn: &store::Conn, input: &str) -> PosResult<(FanId, Option<Member>)> {
    let salt = fans::salt(conn)?;
    // A member code or card only with its prefix, so an 8-digit phone number is never taken for one.
    let upper = input.trim().to_ascii_uppercase();
    let member_like = upper.starts_with("M-") || upper.starts_with("ENCORE-MEMBER:");
    if member_like {
        let code = MemberCode::parse(input).map_err(PosError::Invalid)?;
        let member = fans::by_code(conn, &code)?.ok_or_else(|| {
            PosError::Invalid(FieldError::new(
                format!("member code {code}"),
                "no member has it (typo?)",
            ))
        })?;
        let id = member
            .fan_id
            .clone()
            .unwrap_or_else(|| fan_id(&salt, &format!("member:{code}")));
        return Ok((id, Some(member)));
    }
    // A lottery buy code names the fan who entered with it.
    if upper.starts_with("W-") {
        let (_, id) = buy_code_entry(conn, input)?;
        let member = fans::by_fan(conn, &id)?;
        return Ok((id, member));
    }
    let normalized = normalize_contact(input).map_err(PosError::Invalid)?;
    let id = fan_id(&salt, &normalized);
    let member = fans::by_fan(conn, &id)?;
    Ok((id, member))
}

/// The lottery entry a typed buy code belongs to: `(offer id, fan)`.
fn buy_code_entry(conn: &store::Conn, input: &str) -> PosResult<(i64, FanId)> {
    let code = BuyCode::parse(input).map_err(PosError::Invalid)?;
    store::lottery::fan_of_code(conn, &code)?.ok_or_else(|| {
        PosError::Invalid(FieldError::new(
            format!("buy code {code}"),
            "no lottery entry has it (typo?)",
        ))
    })
}

/// A lottery unit is bought with the drawn fan's buy code, not their contact (a handle is
/// public): checks the lottery gate and that the fan typed the code of this drop.
pub(super) fn check_lottery(
    conn: &store::Conn,
    offer_id: i64,
    fan: Option<&FanId>,
    input: Option<&str>,
    qty: u32,
    at: jiff::Timestamp,
) -> PosResult<bool> {
    if !super::lottery::lottery_gate(conn, offer_id, fan, qty, at)? {
        return Ok(false);
    }
    let by_code = match input.map(str::trim) {
        Some(i) if i.to_ascii_uppercase().starts_with("W-") => Some(buy_code_entry(conn, i)?),
        _ => None,
    };
    match by_code {
        Some((offer, id)) if offer == offer_id && Some(&id) == fan => Ok(true),
        _ => Err(PosError::Invalid(FieldError::new(
            "lottery drop",
            "type the fan's buy code (W-…), a contact alone does not buy it",
        ))),
    }
}

impl Pos {
    /// Who is at the table: a member card or code, or a phone number, e-mail or @handle.
    pub fn identify(&self, input: &str) -> PosResult<Fan> {
        let conn = self.store.conn();
        let (id, member) = identify_in(conn, input.trim())?;
        Ok(Fan {
            input: input.trim().to_string(),
            orders_before: fans::orders_of(conn, &id)?,
            id,
            member,
        })
    }

    /// What only the fan decides, checked before any money moves (the sale checks it again):
    /// per-fan limits, a pass or member credit need the fan, a lottery drop needs an open buy
    /// code. `units` are per offer, bundles expanded.
    pub fn check_fan_rules(
        &self,
        units: &[(i64, u32)],
        fan: Option<&str>,
        tender: crate::domain::order::TenderKind,
    ) -> PosResult<()> {
        let conn = self.store.conn();
        let input = fan.map(str::trim).filter(|f| !f.is_empty());
        let fan = match input {
            Some(input) => Some(identify_in(conn, input)?),
            None => None,
        };
        let ids: Vec<i64> = units.iter().map(|u| u.0).collect();
        let catalogue = store::offers::get_many(conn, self.event.id, &ids, self.event.currency)?;
        for &(offer_id, qty) in units {
            let offer = catalogue
                .iter()
                .find(|o| o.id == offer_id)
                .ok_or(PosError::UnknownOffer(offer_id))?;
            check_order_limit(offer, qty)?;
            if let Some((id, _)) = &fan {
                check_fan_limit(conn, offer, id, qty)?;
            }
            let id = fan.as_ref().map(|f| &f.0);
            check_lottery(conn, offer_id, id, input, qty, self.now())?;
            if offer.pass_credit > 0 && fan.is_none() {
                return Err(PosError::Invalid(FieldError::new(
                    "fan",
                    format!(
                        "{} makes the fan a member: identify them first (phone, e-mail or @handle)",
                        offer.title
                    ),
                )));
            }
        }
        if tender == crate::domain::order::TenderKind::Credit
            && fan.as_ref().is_none_or(|f| f.1.is_none())
        {
            return Err(PosError::Invalid(FieldError::new(
                "fan",
                "member credit needs the member (scan their card)",
            )));
        }
        Ok(())
    }

    /// Every member, newest first.
    pub fn members(&self) -> PosResult<Vec<Member>> {
        Ok(fans::list(self.store.conn())?)
    }

    /// A member by code.
    pub fn member(&self, code: &str) -> PosResult<Member> {
        let code = MemberCode::parse(code).map_err(PosError::Invalid)?;
        fans::by_code(self.store.conn(), &code)?.ok_or_else(|| {
            PosError::Invalid(FieldError::new(
                format!("member code {code}"),
                "no member has it",
            ))
        })
    }

    /// Signs up a member (name or handle, optional contact kept only as a hash).
    pub fn add_member(&mut self, name: &str, contact: Option<&str>) -> PosResult<Member> {
        let currency = self.event.currency;
        let name =
            crate::domain::field::required_text("name", name, 40).map_err(PosError::Invalid)?;
        crate::fonts::check("name", name).map_err(PosError::Invalid)?;
        let contact = contact.map(str::trim).filter(|c| !c.is_empty());
        self.write(Role::Helper, |w| {
            let tx = w.tx();
            let now = w.at();
            let fan = match contact {
                Some(c) => {
                    let normalized = normalize_contact(c).map_err(PosError::Invalid)?;
                    let id = fan_id(&fans::salt(tx)?, &normalized);
                    if let Some(m) = fans::by_fan(tx, &id)? {
                        return Err(PosError::Invalid(FieldError::new(
                            "contact",
                            format!("already a member ({}, {})", m.name, m.code),
                        )));
                    }
                    Some(id)
                }
                None => None,
            };
            let id = new_member(tx, name, fan.as_ref(), currency, now)?;
            let member = fans::get(tx, id)?.ok_or(PosError::Refused("member vanished".into()))?;
            w.log(
                "member.add",
                member.code.as_str(),
                json!({ "name": name, "with_contact": fan.is_some() }),
            )?;
            Ok(member)
        })
    }
}

/// Inserts a member with a fresh random code (drawing again on the rare collision).
pub(super) fn new_member(
    tx: &store::Conn,
    name: &str,
    fan: Option<&FanId>,
    currency: Currency,
    now: jiff::Timestamp,
) -> PosResult<i64> {
    for _ in 0..16 {
        let code = MemberCode::from_number(rand::random::<u64>());
        if let Some(id) = fans::insert(tx, &code, name, fan, currency, now)? {
            return Ok(id);
        }
    }
    Err(PosError::Refused(
        "could not draw a free member code; try again".into(),
    ))
}

/// A drop's per-fan limit holds for one order whoever buys it.
pub(super) fn check_order_limit(offer: &Offer, qty: u32) -> PosResult<()> {
    if let Some(limit) = offer.per_fan_limit()
        && qty > limit
    {
        return Err(PosError::Refused(format!(
            "{}: {limit} per fan",
            offer.title
        )));
    }
    Ok(())
}

/// A drop's per-fan limit, counting what this fan bought before and what is in the basket.
pub(super) fn check_fan_limit(
    tx: &store::Conn,
    offer: &Offer,
    fan: &FanId,
    qty: u32,
) -> PosResult<()> {
    let Some(limit) = offer.per_fan_limit() else {
        return Ok(());
    };
    let before = fans::units_bought(tx, fan, offer.id)?;
    if before + qty > limit {
        return Err(PosError::Refused(format!(
            "{}: {limit} per fan, and this fan has {before} already",
            offer.title
        )));
    }
    Ok(())
}

/// The name a pass buyer gets as a new member: their @handle, else "Member".
pub(super) fn member_name(input: &str) -> String {
    let t = input.trim();
    if t.starts_with('@') {
        t.chars().take(40).collect()
    } else {
        "Member".into()
    }
}
