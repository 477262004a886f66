//! What an export reads: every table of one event as rows visited one at a time (a night of
//! 100 000 orders never sits in memory at once), and the sums of its summary. Training orders
//! (`orders.training = 1`) and everything hanging off them are left out of every query.

use jiff::Timestamp;
use rusqlite::{Connection, Row, Transaction};

use super::{StoreError, StoreResult, corrupt};

/// One read transaction over the whole export, so that its tables and its summary show the
/// same instant while other stations go on selling (WAL readers see one snapshot).
pub fn snapshot(conn: &Connection) -> StoreResult<Transaction<'_>> {
    Ok(conn.unchecked_transaction()?)
}

/// Runs `sql` with the event id and hands each row to `each`; stops at its first error.
fn visit<T, E: From<StoreError>>(
    conn: &Connection,
    sql: &str,
    event_id: i64,
    read: impl Fn(&Row<'_>) -> StoreResult<T>,
    mut each: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = conn.prepare(sql).map_err(StoreError::from)?;
    let mut rows = stmt.query([event_id]).map_err(StoreError::from)?;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        each(read(row)?)?;
    }
    Ok(())
}

fn at(row: &Row<'_>, idx: usize) -> StoreResult<Timestamp> {
    let secs: i64 = row.get(idx)?;
    Timestamp::from_second(secs).map_err(|_| corrupt("instant", secs))
}

fn at_opt(row: &Row<'_>, idx: usize) -> StoreResult<Option<Timestamp>> {
    let secs: Option<i64> = row.get(idx)?;
    secs.map(|s| Timestamp::from_second(s).map_err(|_| corrupt("instant", s)))
        .transpose()
}

/// The orders of the event, not training ones, in the order they were paid.
const LIVE: &str = "o.event_id = ?1 AND o.training = 0";

/// One order as exported.
#[derive(Debug, Clone)]
pub struct OrderRow {
    /// Station code and receipt sequence.
    pub receipt: (String, u32),
    /// The order's id.
    pub order_id: String,
    /// When it was paid.
    pub paid_at: Timestamp,
    /// Total, tip and tender fees, in minor units.
    pub total: i64,
    /// Tip on top of the total.
    pub tip: i64,
    /// What the tender methods cost.
    pub fee: i64,
    /// `inclusive` or `exclusive`.
    pub vat_mode: String,
    /// The methods in the order taken, joined with `+`.
    pub methods: String,
    /// Units sold.
    pub units: i64,
    /// Refunded so far.
    pub refunded: i64,
    /// The member's code number, when a member bought.
    pub member: Option<i64>,
    /// The payment reference.
    pub payment_ref: String,
}

/// Visits the orders, oldest first.
pub fn orders<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(OrderRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT s.code, o.receipt_seq, o.id, o.paid_at, o.total_minor, o.tip_minor, o.fee_minor,
                o.vat_mode, o.payment_ref, m.code_number,
                (SELECT group_concat(kind, '+') FROM
                    (SELECT kind FROM tenders t WHERE t.order_id = o.id ORDER BY t.rowid)),
                (SELECT COALESCE(sum(qty), 0) FROM order_lines l WHERE l.order_id = o.id),
                (SELECT COALESCE(sum(amount_minor), 0) FROM refunds r WHERE r.order_id = o.id)
         FROM orders o JOIN stations s ON s.id = o.station_id
         LEFT JOIN members m ON m.id = o.member_id
         WHERE {LIVE} ORDER BY o.paid_at, s.code, o.receipt_seq"
    );
    let read = |r: &Row<'_>| {
        Ok(OrderRow {
            receipt: (r.get(0)?, r.get(1)?),
            order_id: r.get(2)?,
            paid_at: at(r, 3)?,
            total: r.get(4)?,
            tip: r.get(5)?,
            fee: r.get(6)?,
            vat_mode: r.get(7)?,
            payment_ref: r.get(8)?,
            member: r.get(9)?,
            methods: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            units: r.get(11)?,
            refunded: r.get(12)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// One order line as exported.
#[derive(Debug, Clone)]
pub struct LineRow {
    /// Station code and receipt sequence of its order.
    pub receipt: (String, u32),
    /// The order's id.
    pub order_id: String,
    /// When the order was paid.
    pub paid_at: Timestamp,
    /// Line number in the order.
    pub line_no: u32,
    /// The offer sold.
    pub offer_id: i64,
    /// Title as sold.
    pub title: String,
    /// Units.
    pub qty: i64,
    /// Unit price as sold, minor units.
    pub unit_price: i64,
    /// Taken off the whole line.
    pub discount: i64,
    /// VAT rate in basis points.
    pub vat_bp: u32,
    /// Cost per unit when sold.
    pub cost: i64,
    /// The bundle it was part of.
    pub bundle: Option<String>,
    /// The receipt's note.
    pub note: String,
    /// Units refunded since.
    pub refunded_qty: i64,
}

/// Visits the order lines, oldest order first.
pub fn lines<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(LineRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT s.code, o.receipt_seq, o.id, o.paid_at, l.line_no, l.offer_id, l.title, l.qty,
                l.unit_price_minor, l.discount_minor, l.vat_bp, l.cost_minor, b.title, l.note,
                (SELECT COALESCE(sum(rl.qty), 0) FROM refund_lines rl
                    JOIN refunds r ON r.id = rl.refund_id
                    WHERE r.order_id = o.id AND rl.line_no = l.line_no)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         JOIN stations s ON s.id = o.station_id LEFT JOIN bundles b ON b.id = l.bundle_id
         WHERE {LIVE} ORDER BY o.paid_at, s.code, o.receipt_seq, l.line_no"
    );
    let read = |r: &Row<'_>| {
        Ok(LineRow {
            receipt: (r.get(0)?, r.get(1)?),
            order_id: r.get(2)?,
            paid_at: at(r, 3)?,
            line_no: r.get(4)?,
            offer_id: r.get(5)?,
            title: r.get(6)?,
            qty: r.get(7)?,
            unit_price: r.get(8)?,
            discount: r.get(9)?,
            vat_bp: r.get(10)?,
            cost: r.get(11)?,
            bundle: r.get(12)?,
            note: r.get(13)?,
            refunded_qty: r.get(14)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// One tender (payment) as exported.
#[derive(Debug, Clone)]
pub struct TenderRow {
    /// Station code and receipt sequence of its order.
    pub receipt: (String, u32),
    /// The order's id.
    pub order_id: String,
    /// When the order was paid.
    pub paid_at: Timestamp,
    /// `cash`, `qr`, `card` or `credit`.
    pub kind: String,
    /// Handed over or paid, minor units.
    pub tendered: i64,
    /// Cash given back.
    pub change: i64,
    /// The card terminal's reference.
    pub reference: Option<String>,
}

/// Visits the tenders, oldest order first, each order's in the order taken.
pub fn tenders<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(TenderRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT s.code, o.receipt_seq, o.id, o.paid_at, t.kind, t.tendered_minor,
                t.change_minor, t.reference
         FROM tenders t JOIN orders o ON o.id = t.order_id JOIN stations s ON s.id = o.station_id
         WHERE {LIVE} ORDER BY o.paid_at, s.code, o.receipt_seq, t.rowid"
    );
    let read = |r: &Row<'_>| {
        Ok(TenderRow {
            receipt: (r.get(0)?, r.get(1)?),
            order_id: r.get(2)?,
            paid_at: at(r, 3)?,
            kind: r.get(4)?,
            tendered: r.get(5)?,
            change: r.get(6)?,
            reference: r.get(7)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// One refund as exported.
#[derive(Debug, Clone)]
pub struct RefundRow {
    /// Station code and refund sequence.
    pub refund: (String, u32),
    /// Station code and receipt sequence of the order refunded.
    pub receipt: (String, u32),
    /// The order's id.
    pub order_id: String,
    /// When.
    pub refunded_at: Timestamp,
    /// Given back, minor units.
    pub amount: i64,
    /// Refunded on the same order before this one (for how it went back).
    pub before: i64,
    /// Units taken back.
    pub units: i64,
    /// Why.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
}

/// Visits the refunds, oldest first.
pub fn refunds<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(RefundRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT rs.code, r.refund_seq, s.code, o.receipt_seq, o.id, r.refunded_at, r.amount_minor,
                (SELECT COALESCE(sum(p.amount_minor), 0) FROM refunds p
                    WHERE p.order_id = r.order_id AND p.id < r.id),
                (SELECT COALESCE(sum(qty), 0) FROM refund_lines rl WHERE rl.refund_id = r.id),
                r.reason, r.approved_by
         FROM refunds r JOIN orders o ON o.id = r.order_id
         JOIN stations s ON s.id = o.station_id JOIN stations rs ON rs.id = r.station_id
         WHERE {LIVE} ORDER BY r.refunded_at, r.id"
    );
    let read = |r: &Row<'_>| {
        Ok(RefundRow {
            refund: (r.get(0)?, r.get(1)?),
            receipt: (r.get(2)?, r.get(3)?),
            order_id: r.get(4)?,
            refunded_at: at(r, 5)?,
            amount: r.get(6)?,
            before: r.get(7)?,
            units: r.get(8)?,
            reason: r.get(9)?,
            approved_by: r.get(10)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// An order's tenders as `(kind, tendered, change)`, in the order taken.
pub fn order_tenders(conn: &Connection, order_id: &str) -> StoreResult<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, tendered_minor, change_minor FROM tenders WHERE order_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One redemption as exported (never the claim code itself: it is the fan's proof).
#[derive(Debug, Clone)]
pub struct RedemptionRow {
    /// Its id.
    pub id: i64,
    /// Station code and receipt sequence of the order.
    pub receipt: (String, u32),
    /// The order's id.
    pub order_id: String,
    /// The offer redeemed.
    pub offer: String,
    /// Units taken.
    pub units: i64,
    /// `held` or `handed`.
    pub state: String,
    /// The station that redeemed.
    pub station: String,
    /// The helper's name, if set.
    pub helper: String,
    /// When redeemed, handed over and undone.
    pub redeemed_at: Timestamp,
    /// When handed over.
    pub handed_at: Option<Timestamp>,
    /// When undone.
    pub undone_at: Option<Timestamp>,
}

/// Visits the redemptions, oldest first.
pub fn redemptions<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(RedemptionRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT r.id, s.code, o.receipt_seq, o.id, f.title, r.units, r.state, r.station, r.helper,
                r.redeemed_at, r.handed_at, r.undone_at
         FROM redemptions r JOIN claims c ON c.id = r.claim_id JOIN orders o ON o.id = c.order_id
         JOIN stations s ON s.id = o.station_id JOIN offers f ON f.id = c.offer_id
         WHERE {LIVE} ORDER BY r.redeemed_at, r.id"
    );
    let read = |r: &Row<'_>| {
        Ok(RedemptionRow {
            id: r.get(0)?,
            receipt: (r.get(1)?, r.get(2)?),
            order_id: r.get(3)?,
            offer: r.get(4)?,
            units: r.get(5)?,
            state: r.get(6)?,
            station: r.get(7)?,
            helper: r.get(8)?,
            redeemed_at: at(r, 9)?,
            handed_at: at_opt(r, 10)?,
            undone_at: at_opt(r, 11)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// One queue ticket as exported.
#[derive(Debug, Clone)]
pub struct TicketRow {
    /// Lane letter(s) and number.
    pub lane: String,
    /// Number in the lane.
    pub number: u32,
    /// The gig.
    pub offer: String,
    /// waiting, called, serving, done, no_show, cancelled.
    pub state: String,
    /// A priority ticket.
    pub priority: bool,
    /// Re-queued once.
    pub requeued: bool,
    /// Station code and receipt sequence of the order.
    pub receipt: (String, u32),
    /// The order's id.
    pub order_id: String,
    /// Paid, called, serving and finished.
    pub paid_at: Timestamp,
    /// When called.
    pub called_at: Option<Timestamp>,
    /// When serving started.
    pub serving_at: Option<Timestamp>,
    /// When it ended (done, no-show, cancelled).
    pub finished_at: Option<Timestamp>,
}

/// Visits the queue tickets, lane by lane in number order.
pub fn tickets<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(TicketRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT t.lane, t.number, f.title, t.state, t.priority, t.requeued, s.code, o.receipt_seq,
                o.id, t.paid_at, t.called_at, t.serving_at, t.finished_at
         FROM tickets t JOIN orders o ON o.id = t.order_id JOIN stations s ON s.id = o.station_id
         JOIN offers f ON f.id = t.offer_id
         WHERE {LIVE} ORDER BY t.lane, t.number"
    );
    let read = |r: &Row<'_>| {
        Ok(TicketRow {
            lane: r.get(0)?,
            number: r.get(1)?,
            offer: r.get(2)?,
            state: r.get(3)?,
            priority: r.get(4)?,
            requeued: r.get(5)?,
            receipt: (r.get(6)?, r.get(7)?),
            order_id: r.get(8)?,
            paid_at: at(r, 9)?,
            called_at: at_opt(r, 10)?,
            serving_at: at_opt(r, 11)?,
            finished_at: at_opt(r, 12)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// One member as exported: never the contact hash (`fan_id`).
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// The member code as a number.
    pub code_number: i64,
    /// Name.
    pub name: String,
    /// Credit left, minor units of `currency`.
    pub credit: i64,
    /// The credit's currency code.
    pub currency: String,
    /// When they joined.
    pub joined_at: Timestamp,
    /// Their orders at this event.
    pub orders: i64,
}

/// Visits the members of the database (members span events), oldest first.
pub fn members<E: From<StoreError>>(
    conn: &Connection,
    event_id: i64,
    each: impl FnMut(MemberRow) -> Result<(), E>,
) -> Result<(), E> {
    let sql = format!(
        "SELECT m.code_number, m.name, m.credit_minor, m.currency, m.joined_at,
                (SELECT count(*) FROM orders o WHERE o.member_id = m.id AND {LIVE})
         FROM members m ORDER BY m.joined_at, m.id"
    );
    let read = |r: &Row<'_>| {
        Ok(MemberRow {
            code_number: r.get(0)?,
            name: r.get(1)?,
            credit: r.get(2)?,
            currency: r.get(3)?,
            joined_at: at(r, 4)?,
            orders: r.get(5)?,
        })
    };
    visit(conn, &sql, event_id, read, each)
}

/// How many rows each table has, for the progress bar, and the event's sums.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Orders.
    pub orders: u64,
    /// Order lines.
    pub lines: u64,
    /// Tenders.
    pub tenders: u64,
    /// Refunds.
    pub refunds: u64,
    /// Redemptions.
    pub redemptions: u64,
    /// Queue tickets.
    pub tickets: u64,
    /// Members.
    pub members: u64,
    /// Units sold.
    pub units: i64,
    /// Sum of order totals, tips, tender fees and refunds, minor units.
    pub gross: i64,
    /// Tips.
    pub tips: i64,
    /// Tender fees.
    pub fees: i64,
    /// Refunded.
    pub refunded: i64,
    /// The first and last sale.
    pub first: Option<Timestamp>,
    /// The last sale.
    pub last: Option<Timestamp>,
    /// Taken per method (tendered less change), `(kind, minor)` in name order.
    pub taken: Vec<(String, i64)>,
}

/// Counts and sums the event's tables (training orders left out).
pub fn totals(conn: &Connection, event_id: i64) -> StoreResult<Totals> {
    let one = |sql: &str| -> StoreResult<i64> {
        Ok(conn.prepare(sql)?.query_row([event_id], |r| r.get(0))?)
    };
    let count = |sql: &str| one(sql).map(|n| u64::try_from(n).unwrap_or(0));
    let mut totals = Totals {
        orders: count(&format!("SELECT count(*) FROM orders o WHERE {LIVE}"))?,
        lines: count(&format!(
            "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE {LIVE}"
        ))?,
        tenders: count(&format!(
            "SELECT count(*) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE {LIVE}"
        ))?,
        refunds: count(&format!(
            "SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE {LIVE}"
        ))?,
        redemptions: count(&format!(
            "SELECT count(*) FROM redemptions r JOIN claims c ON c.id = r.claim_id
             JOIN orders o ON o.id = c.order_id WHERE {LIVE}"
        ))?,
        tickets: count(&format!(
            "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE {LIVE}"
        ))?,
        members: count("SELECT count(*) FROM members WHERE ?1 IS NOT NULL")?,
        units: one(&format!(
            "SELECT COALESCE(sum(l.qty), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE {LIVE}"
        ))?,
        gross: one(&format!(
            "SELECT COALESCE(sum(o.total_minor), 0) FROM orders o WHERE {LIVE}"
        ))?,
        tips: one(&format!(
            "SELECT COALESCE(sum(o.tip_minor), 0) FROM orders o WHERE {LIVE}"
        ))?,
        fees: one(&format!(
            "SELECT COALESCE(sum(o.fee_minor), 0) FROM orders o WHERE {LIVE}"
        ))?,
        refunded: one(&format!(
            "SELECT COALESCE(sum(r.amount_minor), 0) FROM refunds r
             JOIN orders o ON o.id = r.order_id WHERE {LIVE}"
        ))?,
        ..Totals::default()
    };
    let (first, last): (Option<i64>, Option<i64>) = conn
        .prepare(&format!(
            "SELECT min(o.paid_at), max(o.paid_at) FROM orders o WHERE {LIVE}"
        ))?
        .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let instant = |s: i64| Timestamp::from_second(s).map_err(|_| corrupt("paid_at", s));
    totals.first = first.map(instant).transpose()?;
    totals.last = last.map(instant).transpose()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT t.kind, sum(t.tendered_minor - t.change_minor) FROM tenders t
         JOIN orders o ON o.id = t.order_id WHERE {LIVE} GROUP BY t.kind ORDER BY t.kind"
    ))?;
    let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    totals.taken = rows.collect::<Result<_, _>>()?;
    Ok(totals)
}
