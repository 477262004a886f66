//! Each shift's tally of sales (schema 10): every sale and refund adds its part in its own
//! transaction, the day-close reports read it, and [`recount`] adds a shift's raw rows up again
//! (when the schema arrives, and in the test that finds the two the same).

use rusqlite::{Connection, OptionalExtension, params};

use super::report::Scope;
use super::{StoreResult, corrupt};
use crate::domain::catalogue::VatRate;
use crate::domain::money::Currency;
use crate::domain::order::TenderKind;
use crate::domain::report::tally::{MethodSum, OfferSum, RateSum};
use crate::domain::report::{Numbers, Tally};

/// Adds `part` to the tally of the shift order `order_id` was sold in (nothing for a practice
/// sale). A stale tally is added up anew from the raw rows instead, the order's own included:
/// call this once the order's rows (or the refund's) are written.
pub fn add(conn: &Connection, order_id: &str, part: &Tally) -> StoreResult<()> {
    let sold: Option<(i64, u32)> = conn
        .prepare_cached(
            "SELECT station_id, receipt_seq FROM orders WHERE id = ?1 AND training = 0",
        )?
        .query_row([order_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((station, seq)) = sold else {
        return Ok(());
    };
    // The shift a receipt number falls in starts after the station's last Z before it.
    let after: u32 = conn
        .prepare_cached(
            "SELECT COALESCE(max(upto_receipt), 0) FROM z_reports
             WHERE station_id = ?1 AND upto_receipt < ?2",
        )?
        .query_row(params![station, seq], |r| r.get(0))?;
    if stale(conn, station, Some(after))?.is_empty() {
        return write(conn, station, after, part);
    }
    let t = recount_shift(conn, station, after)?;
    conn.prepare_cached("DELETE FROM tallies WHERE station_id = ?1 AND after_receipt = ?2")?
        .execute(params![station, after])?;
    write(conn, station, after, &t)
}

/// The station's shifts (the one after `after`, or all) whose tally is stale. One shift is one
/// look-up in the primary key: a sale asks it of its own shift.
fn stale(conn: &Connection, station: i64, after: Option<u32>) -> StoreResult<Vec<u32>> {
    const ALL: &str = "SELECT after_receipt FROM tallies WHERE station_id = ?1
           AND figure = 'stale' AND key = ''";
    let one = format!("{ALL} AND after_receipt = ?2");
    let rows: rusqlite::Result<Vec<u32>> = match after {
        Some(after) => conn
            .prepare_cached(&one)?
            .query_map(params![station, after], |r| r.get(0))?
            .collect(),
        None => conn
            .prepare_cached(ALL)?
            .query_map(params![station], |r| r.get(0))?
            .collect(),
    };
    Ok(rows?)
}

/// The station's shift after receipt `after`, added up from the raw rows.
fn recount_shift(conn: &Connection, station: i64, after: u32) -> StoreResult<Tally> {
    let (event, currency, upto): (i64, String, Option<u32>) = conn
        .prepare_cached(
            "SELECT e.id, e.currency, (SELECT min(upto_receipt) FROM z_reports
                                        WHERE station_id = s.id AND upto_receipt > ?2)
             FROM stations s JOIN events e ON e.id = s.event_id WHERE s.id = ?1",
        )?
        .query_row(params![station, after], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let currency = Currency::from_code(&currency).ok_or_else(|| corrupt("currency", &currency))?;
    recount(
        conn,
        (event, station),
        (after, upto.unwrap_or(u32::MAX)),
        currency,
    )
}

/// One row of the table: figure, key, the five sums, the title.
type Row = (&'static str, String, [i64; 5], Option<String>);

fn write(conn: &Connection, station: i64, after: u32, t: &Tally) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO tallies (station_id, after_receipt, figure, key, n, a, b, c, d, title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (station_id, after_receipt, figure, key) DO UPDATE SET
             n = n + excluded.n, a = a + excluded.a, b = b + excluded.b, c = c + excluded.c,
             d = d + excluded.d, title = COALESCE(excluded.title, title)",
    )?;
    for (figure, key, [n, a, b, c, d], title) in rows(t) {
        stmt.execute(params![station, after, figure, key, n, a, b, c, d, title])?;
    }
    Ok(())
}

/// The table's rows of a tally; figures that add nothing are left out.
fn rows(t: &Tally) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    let sales = [t.receipts, t.gross, t.tips, t.discounts, t.fees];
    if sales != [0; 5] {
        out.push(("sales", String::new(), sales, None));
    }
    for m in &t.methods {
        out.push((
            "method",
            m.kind.name().into(),
            [m.payments, m.taken, 0, 0, 0],
            None,
        ));
    }
    for r in &t.vat {
        out.push((
            "rate",
            r.rate.0.to_string(),
            [0, r.gross, r.vat, r.net, 0],
            None,
        ));
    }
    for (minute, (n, gross)) in &t.minutes {
        out.push(("minute", minute.to_string(), [*n, *gross, 0, 0, 0], None));
    }
    for o in &t.offers {
        let title = (!o.title.is_empty()).then(|| o.title.clone());
        let sums = [o.units, o.net, o.margin, 0, 0];
        out.push(("offer", o.offer_id.to_string(), sums, title));
    }
    for (who, amount) in &t.shares {
        out.push(("share", who.clone(), [0, *amount, 0, 0, 0], None));
    }
    out
}

/// The tally of the station's shift after receipt `after`, or of all its shifts (None); a
/// stale shift's added up from the raw rows.
pub fn read(conn: &Connection, station: i64, after: Option<u32>) -> StoreResult<Tally> {
    let stale = stale(conn, station, after)?;
    let mut stmt = conn.prepare_cached(
        "SELECT figure, key, n, a, b, c, d, title, after_receipt FROM tallies
         WHERE station_id = ?1 AND (?2 IS NULL OR after_receipt = ?2)
         ORDER BY after_receipt",
    )?;
    let mut rows = stmt.query(params![station, after])?;
    // Shifts in order, and one row per figure in each: a later shift's title wins.
    let mut t = Tally::default();
    while let Some(r) = rows.next()? {
        if stale.contains(&r.get(8)?) {
            continue;
        }
        let figure = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let key = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let v: [i64; 5] = [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?];
        let title: Option<String> = r.get(7)?;
        add_row(&mut t, figure, key, v, title)?;
    }
    for after in stale {
        t.merge(recount_shift(conn, station, after)?);
    }
    Ok(t)
}

fn add_row(
    t: &mut Tally,
    figure: &str,
    key: &str,
    [n, a, b, c, d]: [i64; 5],
    title: Option<String>,
) -> StoreResult<()> {
    let number = |what: &str| -> StoreResult<i64> { key.parse().map_err(|_| corrupt(what, key)) };
    match figure {
        "sales" => t.merge(Tally {
            receipts: n,
            gross: a,
            tips: b,
            discounts: c,
            fees: d,
            ..Tally::default()
        }),
        "method" => t.add_method(MethodSum {
            kind: key
                .parse::<TenderKind>()
                .map_err(|_| corrupt("tally method", key))?,
            payments: n,
            taken: a,
        }),
        "rate" => t.add_rate(RateSum {
            rate: VatRate(
                u32::try_from(number("tally rate")?).map_err(|_| corrupt("tally rate", key))?,
            ),
            gross: a,
            vat: b,
            net: c,
        }),
        "minute" => {
            let e = t.minutes.entry(number("tally minute")?).or_default();
            e.0 += n;
            e.1 = e.1.saturating_add(a);
        }
        "offer" => t.add_offer(OfferSum {
            offer_id: number("tally offer")?,
            title: title.unwrap_or_default(),
            units: n,
            net: a,
            margin: b,
        }),
        "share" => t.add_share(key, a),
        other => return Err(corrupt("tally figure", other)),
    }
    Ok(())
}

/// The station's receipt numbers in `(after, upto]`, `count` of them by its tally: the
/// first and the last, and every one only when some are missing.
pub fn numbers(
    conn: &Connection,
    (station, code): (i64, &str),
    (after, upto): (u32, u32),
    count: i64,
) -> StoreResult<Numbers> {
    let end = |order: &str| -> StoreResult<Option<u32>> {
        Ok(conn
            .prepare_cached(&format!(
                "SELECT receipt_seq FROM orders WHERE station_id = ?1 AND receipt_seq > ?2
                 AND receipt_seq <= ?3 AND training = 0 ORDER BY receipt_seq {order} LIMIT 1"
            ))?
            .query_row(params![station, after, upto], |r| r.get(0))
            .optional()?)
    };
    let count = u32::try_from(count.max(0)).unwrap_or(u32::MAX);
    let present = if count == upto.saturating_sub(after) {
        Vec::new()
    } else {
        conn.prepare_cached(
            "SELECT receipt_seq FROM orders WHERE station_id = ?1 AND receipt_seq > ?2
             AND receipt_seq <= ?3 AND training = 0 ORDER BY receipt_seq",
        )?
        .query_map(params![station, after, upto], |r| r.get(0))?
        .collect::<Result<_, _>>()?
    };
    Ok(Numbers {
        station: code.to_string(),
        count,
        first: end("ASC")?,
        last: end("DESC")?,
        present,
    })
}

/// The tally of the station's sales in `(after, upto]` added up from the raw rows: its
/// orders, lines and tenders, and its shares.
pub fn recount(
    conn: &Connection,
    (event_id, station): (i64, i64),
    (after, upto): (u32, u32),
    currency: Currency,
) -> StoreResult<Tally> {
    let mut scope = Scope::event(event_id, 0);
    scope.station_id = Some(station);
    (scope.after_receipt, scope.upto_receipt) = (after, upto);
    let (orders, lines) = super::shift::orders(conn, &scope, station)?;
    let shares = super::shift::shares(conn, &scope, station)?;
    Ok(Tally::of_rows(&orders, &lines, &shares, currency))
}

/// One shift of a station: its receipts after `after` up to `upto` (the next Z's, or
/// `u32::MAX` for the open one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// The station's event.
    pub event: i64,
    /// The event's currency.
    pub currency: Currency,
    /// The station.
    pub station: i64,
    /// Receipts after this number …
    pub after: u32,
    /// … up to this one.
    pub upto: u32,
}

/// Every shift of every station, each station's in order.
pub fn shifts(conn: &Connection) -> StoreResult<Vec<Shift>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT e.id, e.currency, s.id FROM stations s JOIN events e ON e.id = s.event_id
         WHERE NOT {} ORDER BY s.id",
        super::training::IS_LEDGER.replace("code", "s.code")
    ))?;
    let stations = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?
        .collect::<Result<Vec<(i64, String, i64)>, _>>()?;
    let mut closes =
        conn.prepare("SELECT upto_receipt FROM z_reports WHERE station_id = ?1 ORDER BY z_no")?;
    let mut out = Vec::new();
    for (event, currency, station) in stations {
        let currency =
            Currency::from_code(&currency).ok_or_else(|| corrupt("currency", &currency))?;
        let ends = closes
            .query_map([station], |r| r.get::<_, u32>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut after = 0;
        // Each close ends a shift; the last one is still open.
        for upto in ends.into_iter().chain(std::iter::once(u32::MAX)) {
            out.push(Shift {
                event,
                currency,
                station,
                after,
                upto,
            });
            after = upto;
        }
    }
    Ok(out)
}

/// Schema 10's part in Rust: every shift's tally, added up from the raw rows.
pub fn rebuild(conn: &Connection, _: &super::keyfile::KeyFile) -> StoreResult<()> {
    conn.execute("DELETE FROM tallies", [])?;
    for s in shifts(conn)? {
        let t = recount(conn, (s.event, s.station), (s.after, s.upto), s.currency)?;
        write(conn, s.station, s.after, &t)?;
    }
    Ok(())
}
