//! What every request shares: the database, the clock, one service per paired phone (each its
//! own connection, so a phone's write goes through the same gate as the kiosk's), a reader for
//! fans' pages and the board, the change counter live pages wait on, and the redeem limiter.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::WebError;
use crate::service::{Clock, Phone, Pos, PosError};
use crate::store::Store;

/// Redeem attempts a phone may make per minute: a scanner at a busy line does one every few
/// seconds; a script guessing codes is slowed to a crawl.
pub const REDEEM_PER_MINUTE: usize = 30;
/// How often the hub looks for commits by any station (the kiosk, a phone, the CLI).
pub const POLL: Duration = Duration::from_millis(150);

/// The hub's shared state.
pub struct Hub {
    db: PathBuf,
    clock: Clock,
    /// The hub's own station: pairing, revocation checks, fans' pages and the board.
    main: Mutex<Pos>,
    /// One service per paired phone, opened on its first request.
    phones: Mutex<HashMap<String, Arc<Mutex<Pos>>>>,
    /// Bumped whenever any connection committed: live pages wait on it.
    changes: watch::Sender<u64>,
    redeems: Mutex<HashMap<String, VecDeque<Instant>>>,
    /// Phones' work takes turns here: waiting on a mutex wakes at once, where SQLite's busy
    /// handler sleeps and retries (the long tail when four phones sell at the same moment).
    turns: Mutex<()>,
}

/// Locks a mutex, taking the value even when a panicking request poisoned it: each request's
/// work is one transaction, so nothing half-done can be behind the lock.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    /// The hub over the database at `db`, its own station `station` (the kiosk's, or K1).
    pub fn open(db: &Path, station: &str, clock: Clock) -> Result<Hub, PosError> {
        let store = Store::open(db)?;
        let main = Pos::open(store, station, clock.clone())?;
        let (changes, _) = watch::channel(0);
        Ok(Hub {
            db: db.to_path_buf(),
            clock,
            main: Mutex::new(main),
            phones: Mutex::new(HashMap::new()),
            changes,
            redeems: Mutex::new(HashMap::new()),
            turns: Mutex::new(()),
        })
    }

    /// The hub's own station.
    pub fn main(&self) -> MutexGuard<'_, Pos> {
        let mut pos = lock(&self.main);
        // Follows another event opened at the kiosk; a failure shows on the next call.
        let _ = pos.sync_event();
        pos
    }

    /// The phone signed in with `token`, refused when unknown or revoked.
    pub fn phone(&self, token: &str) -> Result<Phone, WebError> {
        match self.main().phone_by_token(token)? {
            None => Err(WebError::NotPaired),
            Some(p) if p.revoked_at.is_some() => Err(WebError::Revoked(p.code)),
            Some(p) => Ok(p),
        }
    }

    /// The service of a paired phone (opened once, then kept).
    pub fn station(&self, phone: &Phone) -> Result<Arc<Mutex<Pos>>, WebError> {
        let mut phones = lock(&self.phones);
        if let Some(pos) = phones.get(&phone.code) {
            return Ok(pos.clone());
        }
        let store = Store::open(&self.db).map_err(PosError::from)?;
        let mut pos = Pos::open(store, &phone.code, self.clock.clone())?;
        pos.set_helper(&phone.helper)?;
        let pos = Arc::new(Mutex::new(pos));
        phones.insert(phone.code.clone(), pos.clone());
        Ok(pos)
    }

    /// Counts a redeem attempt of `station`; refused past [`REDEEM_PER_MINUTE`].
    pub fn allow_redeem(&self, station: &str) -> Result<(), WebError> {
        let now = Instant::now();
        let mut all = lock(&self.redeems);
        let recent = all.entry(station.to_string()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60))
        {
            recent.pop_front();
        }
        if recent.len() >= REDEEM_PER_MINUTE {
            let wait = recent
                .front()
                .map_or(60, |t| 60 - now.duration_since(*t).as_secs().min(59));
            return Err(WebError::TooFast(wait));
        }
        recent.push_back(now);
        Ok(())
    }

    /// A phone's turn at the database; held while its request's work runs.
    pub fn turn(&self) -> MutexGuard<'_, ()> {
        lock(&self.turns)
    }

    /// A receiver that sees the change counter move.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Watches the file for commits by anyone and bumps the change counter; runs until the
    /// server stops. A reader of its own never writes, so its data_version moves only for
    /// others' commits — which is every station's, the hub's included.
    pub async fn watch_commits(self: Arc<Hub>) {
        let reader = Store::open_read_only(&self.db)
            .map_err(PosError::from)
            .and_then(|store| Pos::open_read_only(store, "K1", self.clock.clone()));
        let Ok(reader) = reader else {
            return;
        };
        let mut seen = None;
        let mut tick = tokio::time::interval(POLL);
        loop {
            tick.tick().await;
            let version = reader.data_version().ok();
            if version != seen {
                seen = version;
                self.changes.send_modify(|n| *n += 1);
            }
        }
    }

    /// The database file served.
    pub fn db(&self) -> &Path {
        &self.db
    }
}
