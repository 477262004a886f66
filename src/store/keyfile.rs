//! The claim signing keys' secret halves, in a file of their own beside the database
//! (`encore.db` → `encore.keys`, owner-only). The database keeps only the public halves, so the
//! database file, or any backup of it, can check codes but never make one.
//!
//! The file is a header line and one `PUBLIC SECRET` line (hex) per key. Keys are only ever
//! added: the file is read, merged and replaced whole (write, sync, rename) under a lock file,
//! so two stations adding keys at once both keep theirs.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::{StoreError, StoreResult};

const HEADER: &str = "encore-claim-keys 1";
/// A key is a 130-byte line and an event makes 16 at most: a megabyte holds thousands of
/// events; anything larger is not a key file.
const MAX_BYTES: u64 = 1024 * 1024;

/// Where one database's secret keys live.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    /// The key file of the database at `db`.
    pub fn beside(db: &Path) -> KeyFile {
        KeyFile {
            path: db.with_extension("keys"),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every secret key in the file, by its public key; none when there is no file.
    pub fn load(&self) -> StoreResult<HashMap<[u8; 32], SigningKey>> {
        let text = match fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(e) => return Err(self.io("read", e)),
            Ok(meta) if meta.len() > MAX_BYTES => return Err(self.bad("larger than 1 MB")),
            Ok(_) => fs::read_to_string(&self.path).map_err(|e| self.io("read", e))?,
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(self.bad("not an Encore key file"));
        }
        let mut keys = HashMap::new();
        for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let secret = line
                .split_once(' ')
                .and_then(|(_, s)| hex32(s))
                .ok_or_else(|| self.bad(&format!("line {} is not a key", n + 2)))?;
            let key = SigningKey::from_bytes(&secret);
            keys.insert(key.verifying_key().to_bytes(), key);
        }
        Ok(keys)
    }

    /// Adds secret keys (keeping every key already there) and makes the file durable before
    /// returning: a key whose public half is committed always has its secret on disk.
    pub fn add(&self, new: &[SigningKey]) -> StoreResult<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| self.io("create the folder of", e))?;
        }
        let lock_path = self.path.with_extension("keys.lock");
        let lock = private(OpenOptions::new().create(true).truncate(false).write(true))
            .open(&lock_path)
            .map_err(|e| self.io("lock", e))?;
        lock.lock().map_err(|e| self.io("lock", e))?;
        let mut keys = self.load()?;
        for key in new {
            keys.insert(key.verifying_key().to_bytes(), key.clone());
        }
        let mut lines: Vec<String> = keys
            .iter()
            .map(|(public, secret)| format!("{} {}", hex(public), hex(&secret.to_bytes())))
            .collect();
        lines.sort();
        let tmp = self.path.with_extension("keys.tmp");
        let mut file = private(OpenOptions::new().create(true).truncate(true).write(true))
            .open(&tmp)
            .map_err(|e| self.io("write", e))?;
        writeln!(file, "{HEADER}")
            .and_then(|()| lines.iter().try_for_each(|l| writeln!(file, "{l}")))
            .and_then(|()| file.sync_all())
            .map_err(|e| self.io("write", e))?;
        fs::rename(&tmp, &self.path).map_err(|e| self.io("write", e))?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename is durable once the folder is synced.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }

    fn io(&self, verb: &str, e: std::io::Error) -> StoreError {
        StoreError::KeyFile(format!("cannot {verb} {}: {e}", self.path.display()))
    }

    fn bad(&self, why: &str) -> StoreError {
        StoreError::KeyFile(format!("{}: {why}", self.path.display()))
    }
}

/// Owner-only permissions for new files (Unix).
fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.trim().as_bytes())
        .ok()?
        .try_into()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_added_never_lost_and_found_by_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = KeyFile::beside(&dir.path().join("encore.db"));
        assert!(file.load().unwrap().is_empty());
        let a = SigningKey::from_bytes(&[7; 32]);
        let b = SigningKey::from_bytes(&[9; 32]);
        file.add(std::slice::from_ref(&a)).unwrap();
        file.add(std::slice::from_ref(&b)).unwrap();
        let keys = file.load().unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[&a.verifying_key().to_bytes()].to_bytes(), [7; 32]);
        assert_eq!(file.path(), dir.path().join("encore.keys"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the keys");
        }
        fs::write(file.path(), "something else\n").unwrap();
        assert!(file.load().is_err());
    }
}
