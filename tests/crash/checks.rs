//! What the crash test checks in the file after the burst, by SQL: the answered sales, whole
//! orders, gap-free numbers, conserved stock and refunds within what was paid.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::{Answered, STATIONS, Shelf};

fn ints(conn: &Connection, sql: &str, param: &dyn rusqlite::ToSql) -> Vec<i64> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([param], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn strings(conn: &Connection, sql: &str, param: &dyn rusqlite::ToSql) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([param], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn one(conn: &Connection, sql: &str, param: &dyn rusqlite::ToSql) -> i64 {
    conn.query_row(sql, [param], |r| r.get(0)).unwrap()
}

/// The file is intact and its references hold.
pub fn file(conn: &Connection) {
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "foreign keys that point nowhere");
    let held: i64 = conn
        .query_row("SELECT count(*) FROM holds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 0, "the command line holds nothing");
}

/// The orders are exactly the sales that answered, each as its answer said.
pub fn answered(conn: &Connection, sales: &[&Answered], refused: &BTreeSet<&String>) -> usize {
    let in_db: BTreeSet<String> = strings(conn, "SELECT id FROM orders WHERE ?1", &1)
        .into_iter()
        .collect();
    let answered: BTreeSet<String> = sales.iter().map(|s| s.ask.order_id.clone()).collect();
    let missing: Vec<&String> = answered.difference(&in_db).collect();
    assert!(
        missing.is_empty(),
        "answered sales not in the file: {missing:?}"
    );
    // A run killed between writing its commit to the WAL and indexing it leaves a sale that
    // only a WAL recovery brings to light; if its retry was refused first (the drop sold out),
    // the sale may surface afterwards. It is whole (checked below), but no answer names it.
    let unasked: Vec<&String> = in_db
        .difference(&answered)
        .filter(|id| !refused.contains(id))
        .collect();
    assert!(unasked.is_empty(), "orders no one asked for: {unasked:?}");
    for s in sales {
        let (id, body) = (&s.ask.order_id, &s.body);
        let (receipt, total, tip): (String, i64, i64) = conn
            .query_row(
                "SELECT s.code || '-' || printf('%06d', o.receipt_seq), o.total_minor, o.tip_minor
                 FROM orders o JOIN stations s ON s.id = o.station_id WHERE o.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(body["receipt"], receipt.as_str(), "{id}");
        assert_eq!(body["total_minor"], total, "{id}");
        assert_eq!(body["tip_minor"], tip, "{id}");
        let lines = ints(
            conn,
            "SELECT offer_id * 1000 + qty FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
            id,
        );
        assert_eq!(
            lines,
            [s.ask.offer * 1000 + i64::from(s.ask.qty)],
            "{id}: the lines asked for"
        );
        let claims = strings(
            conn,
            "SELECT code FROM claims WHERE order_id = ?1 ORDER BY id",
            id,
        );
        assert_eq!(body["claims"], serde_json::json!(claims), "{id}");
        let tickets = strings(
            conn,
            "SELECT lane || '-' || printf('%03d', number) FROM tickets WHERE order_id = ?1 ORDER BY id",
            id,
        );
        assert_eq!(body["tickets"], serde_json::json!(tickets), "{id}");
    }
    in_db.len() - answered.len()
}

/// No order is half-written: lines, tenders that pay it, a claim per gig unit and one per drop
/// line, a ticket per gig unit, its splits, its printed texts and one audit entry.
pub fn orders_whole(conn: &Connection, shelf: &[Shelf]) {
    for id in strings(conn, "SELECT id FROM orders WHERE ?1", &1) {
        let due = one(
            conn,
            "SELECT total_minor + tip_minor FROM orders WHERE id = ?1",
            &id,
        );
        let paid = one(
            conn,
            "SELECT coalesce(sum(tendered_minor - change_minor), -1) FROM tenders WHERE order_id = ?1",
            &id,
        );
        assert_eq!(paid, due, "{id}: tenders pay the order");
        let lines = ints(
            conn,
            "SELECT offer_id * 1000 + qty FROM order_lines WHERE order_id = ?1",
            &id,
        );
        assert!(!lines.is_empty(), "{id}: an order without lines");
        for line in lines {
            let (offer, qty) = (line / 1000, line % 1000);
            let kind = &shelf.iter().find(|s| s.id == offer).unwrap().kind;
            let claims: Vec<i64> = {
                let mut stmt = conn
                    .prepare("SELECT quantity FROM claims WHERE order_id = ?1 AND offer_id = ?2")
                    .unwrap();
                stmt.query_map(rusqlite::params![id, offer], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            };
            let tickets: i64 = conn
                .query_row(
                    "SELECT count(*) FROM tickets WHERE order_id = ?1 AND offer_id = ?2",
                    rusqlite::params![id, offer],
                    |r| r.get(0),
                )
                .unwrap();
            let (want_claims, want_tickets) = match kind.as_str() {
                "gig" => (vec![1; usize::try_from(qty).unwrap()], qty),
                "drop" => (vec![qty], 0),
                _ => (vec![], 0),
            };
            assert_eq!(
                (claims, tickets),
                (want_claims, want_tickets),
                "{id}: offer {offer}"
            );
        }
        let splits = one(
            conn,
            "SELECT count(*) FROM order_splits WHERE order_id = ?1",
            &id,
        );
        assert!(splits > 0, "{id}: not shared out");
        let printed = one(
            conn,
            "SELECT printed IS NOT NULL FROM orders WHERE id = ?1",
            &id,
        );
        assert_eq!(printed, 1, "{id}: texts not kept");
        let logged = one(
            conn,
            "SELECT count(*) FROM audit_log WHERE action = 'sale' AND json_extract(detail, '$.order') = ?1",
            &id,
        );
        assert_eq!(logged, 1, "{id}: one audit entry per sale");
    }
}

/// Receipt, refund and claim numbers run 1, 2, 3… at each station, and each counter is next.
pub fn numbers(conn: &Connection) {
    for station in STATIONS {
        let station_id = one(conn, "SELECT id FROM stations WHERE code = ?1", &station);
        for (table, column, counter) in [
            ("orders", "receipt_seq", "next_receipt"),
            ("refunds", "refund_seq", "next_refund"),
            ("claims", "serial", "next_claim_serial"),
        ] {
            let seqs = ints(
                conn,
                &format!("SELECT {column} FROM {table} WHERE station_id = ?1 ORDER BY {column}"),
                &station_id,
            );
            let want: Vec<i64> = (1..=i64::try_from(seqs.len()).unwrap()).collect();
            assert_eq!(seqs, want, "{station}: {table} numbered without gaps");
            let next = one(
                conn,
                &format!("SELECT {counter} FROM stations WHERE id = ?1"),
                &station_id,
            );
            assert_eq!(next, want.len() as i64 + 1, "{station}: {counter}");
        }
    }
}

/// Every limited offer: what it started with = what is left + sold − refunded.
pub fn stock(conn: &Connection, shelf: &[Shelf]) {
    for s in shelf {
        let Some(initial) = s.initial else { continue };
        let left = one(conn, "SELECT remaining FROM offers WHERE id = ?1", &s.id);
        let sold = one(
            conn,
            "SELECT coalesce(sum(qty), 0) FROM order_lines WHERE offer_id = ?1",
            &s.id,
        );
        let refunded = one(
            conn,
            "SELECT coalesce(sum(rl.qty), 0) FROM refund_lines rl
             JOIN refunds r ON r.id = rl.refund_id
             JOIN order_lines l ON l.order_id = r.order_id AND l.line_no = rl.line_no
             WHERE l.offer_id = ?1",
            &s.id,
        );
        assert_eq!(
            initial,
            left + sold - refunded,
            "offer {}: stock conserved",
            s.id
        );
    }
}

/// Refunds are the ones that answered, one per receipt, never more than was paid, and they
/// revoked their claims.
pub fn refunds(conn: &Connection, answered: &BTreeMap<&String, &String>) {
    let in_db = strings(
        conn,
        "SELECT s.code || '-R' || printf('%06d', r.refund_seq) FROM refunds r
         JOIN stations s ON s.id = r.station_id WHERE ?1 ORDER BY r.id",
        &1,
    );
    let mut want: Vec<String> = answered.values().map(|n| n.to_string()).collect();
    let mut got = in_db.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "every refund is one that answered, once");
    for order in strings(conn, "SELECT DISTINCT order_id FROM refunds WHERE ?1", &1) {
        let back = one(
            conn,
            "SELECT sum(amount_minor) FROM refunds WHERE order_id = ?1",
            &order,
        );
        let paid = one(conn, "SELECT total_minor FROM orders WHERE id = ?1", &order);
        assert!(back <= paid, "{order}: {back} back of {paid} paid");
        let over = one(
            conn,
            "SELECT count(*) FROM order_lines l WHERE l.order_id = ?1 AND l.qty < (
                 SELECT coalesce(sum(rl.qty), 0) FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
                 WHERE r.order_id = l.order_id AND rl.line_no = l.line_no)",
            &order,
        );
        assert_eq!(over, 0, "{order}: more units refunded than sold");
        let live = one(
            conn,
            "SELECT (SELECT count(*) FROM claims WHERE order_id = ?1
                        AND (revoked_at IS NULL OR revoked_units < quantity))
                  + (SELECT count(*) FROM tickets WHERE order_id = ?1 AND state <> 'cancelled')",
            &order,
        );
        assert_eq!(
            live, 0,
            "{order}: refunded in whole, its claims revoked, tickets cancelled"
        );
    }
    let logged = one(
        conn,
        "SELECT count(*) FROM audit_log WHERE action = ?1",
        &"refund",
    );
    assert_eq!(logged, in_db.len() as i64, "one audit entry per refund");
}
