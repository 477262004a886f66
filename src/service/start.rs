//! A database's first event: `Pos::open` needs an open event, so the first one is made from the
//! store itself, with the same checks, PIN hashing and audit entry as any later one.

use jiff::Timestamp;
use serde_json::json;

use super::gate::{self, Stamp, Write};
use super::pins::{check_new_pin, hash_pin};
use super::{Clock, Pos, PosError, PosResult, Role};
use crate::domain::event::{CheckedSetup, EventSetup};
use crate::store::events::{self, NewEvent};
use crate::store::{Store, pins};

impl Pos {
    /// True when `store` has an event open at the kiosk.
    pub fn has_open_event(store: &Store) -> PosResult<bool> {
        Ok(events::open_event(store.conn())?.is_some())
    }

    /// Creates the first event of a database with no open event, with its own creator PIN,
    /// opens it and returns the station on it. Refused when an event is open: then a new
    /// one needs that event's creator grant ([`Pos::create_event`]).
    pub fn create_first_event(
        mut store: Store,
        station: &str,
        clock: Clock,
        setup: &EventSetup,
        new_pin: &str,
    ) -> PosResult<Pos> {
        let (code, _) = super::parse_station(station)?;
        let checked = setup.check().map_err(PosError::Invalid)?;
        check_new_pin(new_pin)?;
        let hash = hash_pin(new_pin)?;
        let now = clock();
        let stamp = Stamp::new(now, &code, Role::Creator, "");
        let public_key = store.new_claim_key()?;
        gate::write(&mut store, &stamp, |w| {
            // Checked under the write lock: another process may have opened one meanwhile.
            if events::open_event(w.tx())?.is_some() {
                return Err(PosError::Refused(
                    "an event is open already: a new one needs its creator PIN".into(),
                ));
            }
            insert_event(w, (&checked, setup), &hash, public_key, now, None)
        })?;
        Pos::open(store, station, clock)
    }
}

/// Inserts an event (its set-up checked, and as typed for the audit entry) with its creator
/// PIN hash and the public half of its first claim key, and opens it; `closed` is the event
/// open before, if any.
pub(super) fn insert_event(
    w: &Write,
    (checked, setup): (&CheckedSetup, &EventSetup),
    hash: &str,
    public_key: [u8; 32],
    now: Timestamp,
    closed: Option<i64>,
) -> PosResult<i64> {
    let tx = w.tx();
    let id = events::insert(
        tx,
        &NewEvent {
            name: &checked.name,
            venue: &checked.venue,
            time_zone: &checked.time_zone,
            currency: checked.currency,
            payment: None,
            public_key,
            is_demo: false,
            created_at: now.as_second(),
        },
    )?;
    events::set_setup(tx, id, checked)?;
    pins::set_pin(tx, id, "creator", hash)?;
    events::open(tx, id, now.as_second())?;
    w.log(
        "event.create",
        &id.to_string(),
        json!({ "after": setup, "closed": closed }),
    )?;
    Ok(id)
}
