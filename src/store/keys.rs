//! Claim keys as the database holds them: the public halves only (the secrets are in the key
//! file, `keyfile.rs`), and the file's own id.

use ed25519_dalek::SigningKey;
use rusqlite::{Connection, OptionalExtension, params};

use super::keyfile::KeyFile;
use super::{StoreResult, corrupt};

/// The event's newest claim key: `(key id, public key)`; new codes are signed with it.
pub fn current_key(conn: &Connection, event_id: i64) -> StoreResult<(u8, [u8; 32])> {
    let (id, bytes): (u8, Option<Vec<u8>>) = conn
        .prepare_cached(
            "SELECT key_id, public_key FROM claim_keys WHERE event_id = ?1 ORDER BY key_id DESC LIMIT 1",
        )?
        .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((id, public(bytes, event_id)?))
}

fn public(bytes: Option<Vec<u8>>, event_id: i64) -> StoreResult<[u8; 32]> {
    bytes
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| corrupt("claim key of event", event_id))
}

/// A claim key: `(event id, key id, public key, retired)`.
pub type KeyRow = (i64, u8, [u8; 32], bool);

/// Every claim key of every event: codes signed with a retired key still verify.
pub fn all_keys(conn: &Connection) -> StoreResult<Vec<KeyRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, key_id, public_key, retired_at IS NOT NULL FROM claim_keys ORDER BY event_id, key_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, u8>(1)?,
            r.get::<_, Option<Vec<u8>>>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (event, id, bytes, retired) = row?;
        Ok((event, id, public(bytes, event)?, retired))
    })
    .collect()
}

/// How many claim keys the file holds (cheap: tells a station a rotation happened).
pub fn key_count(conn: &Connection) -> StoreResult<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM claim_keys")?
        .query_row([], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Adds key `key_id` (its public half) and retires the older ones.
pub fn add_key(
    conn: &Connection,
    event_id: i64,
    key_id: u8,
    public: &[u8; 32],
    at: i64,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE claim_keys SET retired_at = ?2 WHERE event_id = ?1 AND retired_at IS NULL",
    )?
    .execute(params![event_id, at])?;
    conn.prepare_cached(
        "INSERT INTO claim_keys (event_id, key_id, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![event_id, key_id, &public[..], at])?;
    Ok(())
}

/// The database's own random id, made once.
pub fn database_id(conn: &Connection) -> StoreResult<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'database_id'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(found.unwrap_or_default())
}

/// Schema 4: gives the file its id, writes every secret key to the key file (durably, before
/// the transaction commits) and drops the secret columns. `secure_delete` (set on open) zeroes
/// the freed bytes, so the secrets do not linger in free pages of the file.
pub(super) fn move_secrets_out(conn: &Connection, key_file: &KeyFile) -> StoreResult<()> {
    let id = data_encoding::HEXLOWER.encode(&rand::random::<[u8; 16]>());
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', ?1)",
        [id],
    )?;
    let rows: Vec<(i64, u8, Vec<u8>)> = conn
        .prepare("SELECT event_id, key_id, signing_key FROM claim_keys")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut secrets = Vec::new();
    for (event, key_id, bytes) in rows {
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| corrupt("signing key of event", event))?;
        let key = SigningKey::from_bytes(&secret);
        conn.execute(
            "UPDATE claim_keys SET public_key = ?3 WHERE event_id = ?1 AND key_id = ?2",
            params![event, key_id, &key.verifying_key().to_bytes()[..]],
        )?;
        secrets.push(key);
    }
    if !secrets.is_empty() {
        key_file.add(&secrets)?;
    }
    conn.execute_batch(
        "ALTER TABLE claim_keys DROP COLUMN signing_key;
         ALTER TABLE events DROP COLUMN signing_key;",
    )?;
    Ok(())
}
