//! Orders, their lines and tenders, and the receipts they make.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreResult, corrupt};
use crate::domain::catalogue::VatRate;
use crate::domain::fan::MemberCode;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{
    IssuedClaim, IssuedTicket, Line, MemberLine, OrderSummary, ReceiptNo, ReceiptTexts, Tender,
};
use crate::domain::pricing::VatMode;

/// An order as written at checkout.
pub struct NewOrder<'a> {
    /// Client-chosen UUIDv7.
    pub id: &'a str,
    /// Event.
    pub event_id: i64,
    /// Station row.
    pub station_id: i64,
    /// Receipt sequence at that station.
    pub receipt_seq: u32,
    /// Payment reference.
    pub payment_ref: &'a str,
    /// Total.
    pub total: Money,
    /// Tip on top, kept apart from the sale.
    pub tip: Money,
    /// Commit instant.
    pub paid_at: Timestamp,
    /// Tax mode the total was computed in.
    pub vat_mode: VatMode,
    /// What the tender methods cost the creator (estimated from the event's fees).
    pub fee: i64,
}

/// What an order line was sold under, beyond what the receipt shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineMeta {
    /// The discount window applied.
    pub discount_id: Option<i64>,
    /// The bundle the line is part of.
    pub bundle_id: Option<i64>,
    /// Cost per unit when sold.
    pub cost: i64,
}

/// Writes the order row, its lines (with `meta`, same order) and its tenders (several for a
/// split), in the order taken.
pub fn insert(
    conn: &Connection,
    order: &NewOrder<'_>,
    lines: &[Line],
    meta: &[LineMeta],
    tenders: &[Tender],
) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO orders (id, event_id, station_id, receipt_seq, payment_ref, total_minor, currency, paid_at, tip_minor, vat_mode, fee_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")?.execute(params![
            order.id,
            order.event_id,
            order.station_id,
            order.receipt_seq,
            order.payment_ref,
            order.total.minor,
            order.total.currency.code(),
            order.paid_at.as_second(),
            order.tip.minor,
            order.vat_mode.name(),
            order.fee
        ],
    )?;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO order_lines (order_id, line_no, offer_id, title, unit_price_minor, vat_bp, qty,
             discount_minor, note, discount_id, bundle_id, cost_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (no, l) in lines.iter().enumerate() {
        let m = meta.get(no).copied().unwrap_or_default();
        line_stmt.execute(params![
            order.id,
            i64::try_from(no).unwrap_or(i64::MAX) + 1,
            l.offer_id,
            l.title,
            l.unit_price.minor,
            l.vat.0,
            l.qty,
            l.discount,
            l.note,
            m.discount_id,
            m.bundle_id,
            m.cost
        ])?;
    }
    let mut tender_stmt = conn.prepare_cached("INSERT INTO tenders (order_id, kind, tendered_minor, change_minor, reference) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for t in tenders {
        tender_stmt.execute(params![
            order.id,
            t.kind.name(),
            t.tendered.minor,
            t.change.minor,
            t.reference
        ])?;
    }
    Ok(())
}

/// Records who gets what of an order (collaborator splits, the creator last).
pub fn insert_splits(
    conn: &Connection,
    order_id: &str,
    splits: &[(String, i64)],
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO order_splits (order_id, collaborator, amount_minor) VALUES (?1, ?2, ?3)",
    )?;
    for (name, amount) in splits {
        stmt.execute(params![order_id, name, amount])?;
    }
    Ok(())
}

/// What an order shared out when it was sold (positive rows only), in the order written.
pub fn splits_of(conn: &Connection, order_id: &str) -> StoreResult<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT collaborator, amount_minor FROM order_splits WHERE order_id = ?1 AND amount_minor > 0
         ORDER BY rowid",
    )?;
    let rows = stmt.query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Takes a refund's shares off an order's splits.
pub fn refund_splits(
    conn: &Connection,
    order_id: &str,
    splits: &[(String, i64)],
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO order_splits (order_id, collaborator, amount_minor) VALUES (?1, ?2, -?3)
         ON CONFLICT (order_id, collaborator) DO UPDATE SET amount_minor = amount_minor - ?3",
    )?;
    for (name, amount) in splits {
        stmt.execute(params![order_id, name, amount])?;
    }
    Ok(())
}

/// Each collaborator's share of the event's orders so far, largest first.
pub fn split_totals(conn: &Connection, event_id: i64) -> StoreResult<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.collaborator, sum(s.amount_minor) FROM order_splits s JOIN orders o ON o.id = s.order_id
         WHERE o.event_id = ?1 AND o.training = 0 GROUP BY s.collaborator ORDER BY 2 DESC, 1",
    )?;
    let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Per offer: units, net line amounts (tax mode of each order applied by the caller), the
/// order fees shared by line amount, and cost — the raw figures for margins.
pub fn offer_figures(conn: &Connection, event_id: i64) -> StoreResult<Vec<OfferFigures>> {
    offer_figures_between(conn, event_id, 0, i64::MAX)
}

/// Counts a print of the order's receipt; returns how many prints it had before.
pub fn count_print(conn: &Connection, order_id: &str) -> StoreResult<u32> {
    Ok(conn
        .prepare_cached(
            "UPDATE orders SET receipt_prints = receipt_prints + 1 WHERE id = ?1
             RETURNING receipt_prints - 1",
        )?
        .query_row([order_id], |r| r.get(0))?)
}

/// The margin figures of one order's lines, by line number (with the units refunded so far).
pub fn line_figures(conn: &Connection, order_id: &str) -> StoreResult<Vec<OfferFigures>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{}
         FROM order_lines l CROSS JOIN orders o ON o.id = l.order_id
         WHERE l.order_id = ?1 ORDER BY l.line_no",
        super::report::OFFER_FIGURES
    ))?;
    let rows = stmt.query_map([order_id], super::report::offer_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// [`offer_figures`] of the lines with rowid in `(after, upto]` only (the dashboard adds what
/// is new); training orders are left out.
pub fn offer_figures_between(
    conn: &Connection,
    event_id: i64,
    after: i64,
    upto: i64,
) -> StoreResult<Vec<OfferFigures>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{}
         FROM order_lines l CROSS JOIN orders o ON o.id = l.order_id
         WHERE l.rowid > ?2 AND l.rowid <= ?3 AND o.event_id = ?1 AND o.training = 0",
        super::report::OFFER_FIGURES
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![event_id, after, upto],
        super::report::offer_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub use crate::domain::pricing::OfferFigures;

/// The stored parts of one order's receipt.
pub struct StoredReceipt {
    /// Order id.
    pub order_id: String,
    /// Receipt number.
    pub number: ReceiptNo,
    /// Payment reference.
    pub payment_ref: String,
    /// Commit instant.
    pub paid_at: Timestamp,
    /// Lines as sold.
    pub lines: Vec<Line>,
    /// Total.
    pub total: Money,
    /// Tip on top of the total.
    pub tip: Money,
    /// Tenders in the order taken.
    pub tenders: Vec<Tender>,
    /// Claims with offer titles.
    pub claims: Vec<IssuedClaim>,
    /// Tickets with gig titles.
    pub tickets: Vec<IssuedTicket>,
    /// Tax mode of the order.
    pub vat_mode: VatMode,
    /// The event's texts when it was sold (None for orders from before they were kept).
    pub printed: Option<ReceiptTexts>,
    /// The member who bought it.
    pub member: Option<MemberLine>,
    /// A practice sale of a station in training mode.
    pub training: bool,
}

/// Which order to load.
pub enum OrderKey<'a> {
    /// By client id.
    Id(&'a str),
    /// By receipt number.
    Receipt(&'a ReceiptNo),
    /// The newest at this event.
    Latest,
}

/// Loads one order of the event with everything its receipt shows.
pub fn load(
    conn: &Connection,
    event_id: i64,
    key: OrderKey<'_>,
    currency: Currency,
) -> StoreResult<Option<StoredReceipt>> {
    let head_sql =
        "SELECT o.id, s.code, o.receipt_seq, o.payment_ref, o.paid_at, o.total_minor, o.tip_minor, o.vat_mode,
                o.training
         FROM orders o JOIN stations s ON s.id = o.station_id WHERE o.event_id = ?1";
    let map = |r: &rusqlite::Row<'_>| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            (
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
            ),
        ))
    };
    let head = match key {
        OrderKey::Id(id) => conn
            .prepare_cached(&format!("{head_sql} AND o.id = ?2"))?
            .query_row(params![event_id, id], map),
        OrderKey::Receipt(n) => conn
            .prepare_cached(&format!(
                "{head_sql} AND o.receipt_seq = ?3
                 AND o.station_id = (SELECT id FROM stations WHERE event_id = ?1 AND code = ?2)"
            ))?
            .query_row(params![event_id, n.station, n.seq], map),
        OrderKey::Latest => conn
            .prepare_cached(&format!("{head_sql} ORDER BY o.rowid DESC LIMIT 1"))?
            .query_row([event_id], map),
    }
    .optional()?;
    let Some((order_id, station, seq, payment_ref, paid_at, (total, tip, mode, training))) = head
    else {
        return Ok(None);
    };
    let vat_mode: VatMode = mode.parse().map_err(|_| corrupt("vat_mode", &mode))?;
    let (printed, member) = extras(conn, &order_id, currency)?;
    let paid_at = Timestamp::from_second(paid_at).map_err(|_| corrupt("paid_at", paid_at))?;
    Ok(Some(StoredReceipt {
        lines: lines(conn, &order_id, currency)?,
        tenders: tenders(conn, &order_id, currency)?,
        claims: claims(conn, &order_id)?,
        tickets: tickets(conn, &order_id)?,
        number: ReceiptNo { station, seq },
        payment_ref,
        paid_at,
        total: Money::new(total, currency),
        tip: Money::new(tip, currency),
        order_id,
        vat_mode,
        printed,
        member,
        training,
    }))
}

type Extras = (Option<ReceiptTexts>, Option<MemberLine>);

/// The texts an order was printed with, and its member.
fn extras(conn: &Connection, order_id: &str, currency: Currency) -> StoreResult<Extras> {
    let (printed, member): (Option<String>, Option<(i64, String, i64)>) = conn
        .prepare_cached(
            "SELECT o.printed, m.code_number, m.name, m.credit_minor
             FROM orders o LEFT JOIN members m ON m.id = o.member_id WHERE o.id = ?1",
        )?
        .query_row([order_id], |r| {
            let code: Option<i64> = r.get(1)?;
            Ok((
                r.get(0)?,
                match code {
                    Some(c) => Some((c, r.get(2)?, r.get(3)?)),
                    None => None,
                },
            ))
        })?;
    let printed = printed
        .map(|json| serde_json::from_str(&json).map_err(|e| corrupt("printed texts", e)))
        .transpose()?;
    let member = member.map(|(number, name, credit)| MemberLine {
        code: MemberCode::from_number(u64::try_from(number).unwrap_or(0)).to_string(),
        name,
        credit: Money::new(credit, currency),
    });
    Ok((printed, member))
}

/// Whether an order has this id, at any event.
pub fn exists(conn: &Connection, order_id: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM orders WHERE id = ?1")?
        .query_row([order_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Keeps the texts the receipt was printed with.
pub fn set_printed(conn: &Connection, order_id: &str, texts: &ReceiptTexts) -> StoreResult<()> {
    let json = serde_json::to_string(texts).map_err(|e| corrupt("printed texts", e))?;
    conn.prepare_cached("UPDATE orders SET printed = ?2 WHERE id = ?1")?
        .execute(params![order_id, json])?;
    Ok(())
}

fn lines(conn: &Connection, order_id: &str, currency: Currency) -> StoreResult<Vec<Line>> {
    let mut stmt = conn.prepare_cached(
        "SELECT offer_id, title, unit_price_minor, vat_bp, qty, discount_minor, note
         FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
    )?;
    let rows = stmt.query_map([order_id], |r| {
        Ok(Line {
            offer_id: r.get(0)?,
            title: r.get(1)?,
            unit_price: Money::new(r.get(2)?, currency),
            vat: VatRate(r.get(3)?),
            qty: r.get(4)?,
            discount: r.get(5)?,
            note: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An order's tenders in the order they were paid.
pub(super) fn tenders(
    conn: &Connection,
    order_id: &str,
    currency: Currency,
) -> StoreResult<Vec<Tender>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, tendered_minor, change_minor, reference FROM tenders WHERE order_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([order_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, tendered, change, reference) = row?;
        Ok(Tender {
            kind: kind.parse().map_err(|_| corrupt("tender kind", &kind))?,
            tendered: Money::new(tendered, currency),
            change: Money::new(change, currency),
            reference,
        })
    })
    .collect()
}

fn claims(conn: &Connection, order_id: &str) -> StoreResult<Vec<IssuedClaim>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.code, CASE WHEN c.quantity > 1 THEN c.quantity || '× ' || o.title ELSE o.title END
         FROM claims c JOIN offers o ON o.id = c.offer_id WHERE c.order_id = ?1 ORDER BY c.id",
    )?;
    let rows = stmt.query_map([order_id], |r| {
        Ok(IssuedClaim {
            code: r.get(0)?,
            title: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn tickets(conn: &Connection, order_id: &str) -> StoreResult<Vec<IssuedTicket>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.lane, t.number, o.title FROM tickets t JOIN offers o ON o.id = t.offer_id
         WHERE t.order_id = ?1 ORDER BY t.id",
    )?;
    let rows = stmt.query_map([order_id], |r| {
        let lane: String = r.get(0)?;
        let number: u32 = r.get(1)?;
        Ok((lane, number, r.get::<_, String>(2)?))
    })?;
    rows.map(|row| {
        let (lane, number, title) = row?;
        let lane = lane.chars().next().ok_or_else(|| corrupt("lane", &lane))?;
        let label = crate::domain::queue::TicketLabel { lane, number }.to_string();
        Ok(IssuedTicket { label, title })
    })
    .collect()
}

/// The columns of an order's line in a list, for [`summary_row`]; `o` is the order.
pub(super) const SUMMARY_COLUMNS: &str = "o.id, s.code, o.receipt_seq, o.paid_at, o.total_minor,
    (SELECT group_concat(t.kind, ',') FROM (SELECT kind FROM tenders WHERE order_id = o.id ORDER BY rowid) t),
    (SELECT group_concat(l.qty || '× ' || l.title, ', ') FROM order_lines l WHERE l.order_id = o.id),
    o.training";

/// Reads one order's line in a list ([`SUMMARY_COLUMNS`] first).
pub(super) fn summary_row(r: &rusqlite::Row<'_>, currency: Currency) -> StoreResult<OrderSummary> {
    let paid_at: i64 = r.get(3)?;
    let kinds: Option<String> = r.get(5)?;
    let kinds = kinds.unwrap_or_default();
    let summary: Option<String> = r.get(6)?;
    Ok(OrderSummary {
        order_id: r.get(0)?,
        number: ReceiptNo {
            station: r.get(1)?,
            seq: r.get(2)?,
        },
        paid_at: Timestamp::from_second(paid_at).map_err(|_| corrupt("paid_at", paid_at))?,
        total: Money::new(r.get(4)?, currency),
        tenders: kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| k.parse().map_err(|_| corrupt("tender kind", k)))
            .collect::<StoreResult<_>>()?,
        summary: summary.unwrap_or_default(),
        training: r.get(7)?,
    })
}

/// The newest orders of the event, newest first. The `+` keeps SQLite off the event's indexes,
/// which would sort every order of the night for each refresh: walking the rows back from the
/// newest stops after `limit` of them.
pub fn recent(
    conn: &Connection,
    event_id: i64,
    limit: u32,
    currency: Currency,
) -> StoreResult<Vec<OrderSummary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM orders o JOIN stations s ON s.id = o.station_id
         WHERE +o.event_id = ?1 ORDER BY o.rowid DESC LIMIT ?2"
    ))?;
    let mut rows = stmt.query(params![event_id, limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(summary_row(r, currency)?);
    }
    Ok(out)
}

/// Whether a payment reference is taken already.
pub fn payment_ref_taken(conn: &Connection, payment_ref: &str) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM orders WHERE payment_ref = ?1)")?
        .query_row([payment_ref], |r| r.get(0))?)
}
