//! Schema migrations as a const slice; `user_version` counts how many have been applied.
//! A step is SQL, and for the few changes SQL cannot make (moving secrets to the key file,
//! hashing the audit chain) a Rust function that runs after it in the same transaction.

use rusqlite::Connection;

use super::keyfile::KeyFile;
use super::{StoreError, StoreResult, audit, keys};

/// A Rust part of a migration step.
type Fixup = fn(&Connection, &KeyFile) -> StoreResult<()>;

/// Each entry upgrades the schema by one version. Never edit a released entry: append a new one.
const MIGRATIONS: &[(&str, Option<Fixup>)] = &[
    (include_str!("schema_v1.sql"), None),
    (include_str!("schema_v2.sql"), None),
    (include_str!("schema_v3.sql"), None),
    (include_str!("schema_v4.sql"), Some(trust)),
    (include_str!("schema_v5.sql"), None),
    (include_str!("schema_v6.sql"), None),
    (include_str!("schema_v7.sql"), None),
    (include_str!("schema_v8.sql"), None),
    (include_str!("schema_v9.sql"), None),
    (include_str!("schema_v10.sql"), Some(super::tally::rebuild)),
];

/// Version 4: the database gets its id, the secret keys leave it for the key file, and the
/// audit log is chained and sealed.
fn trust(conn: &Connection, key_file: &KeyFile) -> StoreResult<()> {
    keys::move_secrets_out(conn, key_file)?;
    audit::seal(conn)
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the missing migrations in one transaction; refuses a database from a newer Encore.
pub fn migrate(conn: &mut Connection, key_file: &KeyFile) -> StoreResult<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (sql, fixup) in MIGRATIONS.iter().skip(usize::try_from(found).unwrap_or(0)) {
        tx.execute_batch(sql)?;
        if let Some(fixup) = fixup {
            fixup(&tx, key_file)?;
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_keys() -> KeyFile {
        let dir = tempfile::tempdir().unwrap().keep();
        KeyFile::beside(&dir.join("encore.db"))
    }

    #[test]
    fn every_migration_applies_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        migrate(&mut conn, &scratch_keys()).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        migrate(&mut conn, &scratch_keys()).unwrap();
        let problems: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(problems, 0);
    }

    #[test]
    fn version_1_data_survives_the_move_to_version_2() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(MIGRATIONS[0].0).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO events (id, name, venue, time_zone, currency, signing_key, is_open, created_at)
                 VALUES (1, 'E', 'V', 'UTC', 'EUR', zeroblob(32), 1, 0);
             INSERT INTO stations (id, event_id, code) VALUES (1, 1, 'K1');
             INSERT INTO offers (id, event_id, title, kind, price_minor, vat_bp, lane) VALUES (1, 1, 'Gig', 'gig', 500, 1900, 'A');
             INSERT INTO orders (id, event_id, station_id, receipt_seq, payment_ref, total_minor, currency, paid_at)
                 VALUES ('o1', 1, 1, 1, 'ENC-1', 500, 'EUR', 100);
             INSERT INTO claims (id, code, order_id, offer_id, station_id, serial, quantity) VALUES (1, 'C1', 'o1', 1, 1, 1, 1);
             INSERT INTO redemptions (claim_id, redeemed_at, station) VALUES (1, 200, 'K1');
             INSERT INTO tickets (event_id, lane, number, offer_id, order_id, claim_id, state, paid_at, called_at)
                 VALUES (1, 'A', 1, 1, 'o1', 1, 'called', 100, 150);",
        )
        .unwrap();
        migrate(&mut conn, &scratch_keys()).unwrap();
        let row: (i64, String, i64, i64) = conn
            .query_row(
                "SELECT r.units, r.state, r.handed_at, (SELECT count(*) FROM claim_keys WHERE event_id = 1)
                 FROM redemptions r",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(row, (1, "handed".into(), 200, 1));
        let ticket: (String, i64, i64) = conn
            .query_row("SELECT state, queue_pos, call_seq FROM tickets", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(ticket, ("called".into(), 1024, 1));
    }

    #[test]
    fn version_4_moves_the_secret_keys_to_the_key_file_and_chains_the_old_audit_entries() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (sql, _) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            "INSERT INTO events (id, name, venue, time_zone, currency, signing_key, is_open, created_at)
                 VALUES (1, 'E', 'V', 'UTC', 'EUR', zeroblob(32), 1, 0);
             INSERT INTO claim_keys (event_id, key_id, signing_key, created_at)
                 VALUES (1, 0, X'0707070707070707070707070707070707070707070707070707070707070707', 0);
             INSERT INTO audit_log (id, at, station, action, subject, detail) VALUES
                 (4, 1, 'K1', 'sale', 'o1', '{}'), (9, 2, 'K1', 'sale', 'o2', '{}');",
        )
        .unwrap();
        let keys = scratch_keys();
        migrate(&mut conn, &keys).unwrap();
        let secret = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let public = secret.verifying_key().to_bytes();
        assert_eq!(keys.load().unwrap()[&public].to_bytes(), [7; 32]);
        let stored: Vec<u8> = conn
            .query_row("SELECT public_key FROM claim_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, public);
        for table in ["events", "claim_keys"] {
            let secret_columns: i64 = conn
                .query_row(
                    &format!("SELECT count(*) FROM pragma_table_info('{table}') WHERE name = 'signing_key'"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(secret_columns, 0, "{table}");
        }
        match audit::verify(&conn).unwrap() {
            audit::Chain::Intact { entries, .. } => assert_eq!(entries, 2),
            broken => panic!("{broken:?}"),
        }
        assert!(audit::sealed(&conn).unwrap());
    }

    #[test]
    fn version_10_counts_each_member_s_orders_and_its_triggers_keep_the_count() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (sql, _) in &MIGRATIONS[..9] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 9).unwrap();
        let order = |id: &str, seq: u32, member: &str| {
            format!(
                "INSERT INTO orders (id, event_id, station_id, receipt_seq, payment_ref, total_minor, currency, paid_at, member_id)
                     VALUES ('{id}', 1, 1, {seq}, 'ENC-{seq}', 500, 'EUR', {seq}, {member});"
            )
        };
        conn.execute_batch(&format!(
            "INSERT INTO events (id, name, venue, time_zone, currency, signing_key, is_open, created_at)
                 VALUES (1, 'E', 'V', 'UTC', 'EUR', zeroblob(32), 1, 0);
             INSERT INTO stations (id, event_id, code) VALUES (1, 1, 'K1');
             INSERT INTO members (id, code_number, name, currency, joined_at) VALUES
                 (1, 11, 'Ana', 'EUR', 0), (2, 22, 'Bo', 'EUR', 0), (3, 33, 'Cy', 'EUR', 0);
             {}{}{}",
            order("o1", 1, "1"),
            order("o2", 2, "1"),
            order("o3", 3, "NULL"),
        ))
        .unwrap();
        migrate(&mut conn, &scratch_keys()).unwrap();
        let counts = |conn: &Connection| -> Vec<(i64, i64)> {
            let mut stmt = conn
                .prepare(
                    "SELECT order_count, (SELECT count(*) FROM orders o WHERE o.member_id = m.id)
                     FROM members m ORDER BY id",
                )
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(counts(&conn), [(2, 2), (0, 0), (0, 0)]);
        // A sale to a member, a fan identified after the sale, one moved to another member.
        conn.execute_batch(&format!(
            "{}
             UPDATE orders SET member_id = 3 WHERE id = 'o3';
             UPDATE orders SET member_id = 2 WHERE id = 'o1';
             UPDATE orders SET fan_id = 'f' WHERE id = 'o2';",
            order("o4", 4, "2")
        ))
        .unwrap();
        assert_eq!(counts(&conn), [(1, 1), (2, 2), (1, 1)]);
    }

    /// How SQLite would run `sql`: the detail lines of its query plan.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let unbound = std::iter::repeat_n(rusqlite::types::Null, stmt.parameter_count());
        let rows = stmt
            .query_map(rusqlite::params_from_iter(unbound), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn the_reads_a_long_night_repeats_go_through_the_indexes_made_for_them() {
        use crate::store::{deals, tickets};
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &scratch_keys()).unwrap();
        let open = format!("{}{}", tickets::TICKET_SELECT, tickets::OPEN);
        let no_shows = format!(
            "{}{} ORDER BY t.finished_at DESC",
            tickets::TICKET_SELECT,
            tickets::NO_SHOWS
        );
        let counted = format!("SELECT count(*) FROM tickets t{}", tickets::NO_SHOWS);
        let undone = format!(
            "{}{} AND t.finished_at IS NULL ORDER BY t.number DESC",
            tickets::no_show_select(),
            tickets::NO_SHOWS
        );
        for (sql, index) in [
            (open.as_str(), "tickets_in_queue"),
            (no_shows.as_str(), "tickets_no_shows"),
            (counted.as_str(), "tickets_no_shows"),
            (undone.as_str(), "tickets_no_shows"),
            (tickets::WAITING, "tickets_waiting"),
            (tickets::RECENT_CALLS, "tickets_calls"),
            (tickets::RECENT_SERVICE, "tickets_done"),
            (deals::DISCOUNTS, "order_lines_discount_qty"),
        ] {
            let plan = plan(&conn, sql);
            assert!(plan.contains(index), "{index} not used by {sql}:\n{plan}");
        }
    }
}
