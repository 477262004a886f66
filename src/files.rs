//! Files people point Encore at (bank statements, catalogue files, key files, photos), read
//! whole only after their size is checked: a huge file, a device or a pipe that never ends
//! is refused with its name and the cap, never read into memory first.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Most bytes of a bank statement (camt.053 XML or CSV): months of a busy account.
pub const MAX_STATEMENT_BYTES: u64 = 32 * MB;
/// Most bytes of a catalogue file (JSON or CSV).
pub const MAX_CATALOGUE_BYTES: u64 = 4 * MB;
/// Most bytes of a claim key file (`claim pubkey`): a few keys in JSON.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * KB;
/// Most bytes of a photo or screenshot scanned for QR codes.
pub const MAX_PHOTO_BYTES: u64 = 20 * MB;

const KB: u64 = 1024;
const MB: u64 = 1024 * KB;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The system could not open or read it.
    #[error("{what}: cannot read {}: {reason}", .path.display())]
    Io {
        /// What the file was for ("Photo", "Statement file").
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// Larger than its cap.
    #[error("{what}: {} is {}; the most read is {}", .path.display(), Over(*.size, *.max), Size(*.max))]
    TooBig {
        /// What the file was for.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Its size, or the cap plus one when it kept coming (a pipe, a device).
        size: u64,
        /// The cap.
        max: u64,
    },
    /// Not UTF-8 text where text is needed.
    #[error("{what}: {} is not UTF-8 text", .path.display())]
    NotText {
        /// What the file was for.
        what: &'static str,
        /// The file.
        path: PathBuf,
    },
}

/// How big a refused file is: its size, or "over" the cap when the read stopped there.
struct Over(u64, u64);

impl fmt::Display for Over {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Over(size, max) if size == max.saturating_add(1) => write!(f, "over {}", Size(max)),
            Over(size, _) => write!(f, "{}", Size(size)),
        }
    }
}

/// A size as people read it, rounded up: `21 MB`, `64 KB`, `12 bytes`.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            n if n >= MB => write!(f, "{} MB", n.div_ceil(MB)),
            n if n >= KB => write!(f, "{} KB", n.div_ceil(KB)),
            n => write!(f, "{n} bytes"),
        }
    }
}

/// The bytes of `path`, refused when larger than `max`: the size is checked before reading,
/// and the read stops one byte past the cap in case the file grows or never ends.
pub fn read_capped(what: &'static str, path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io {
        what,
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let too_big = |size| ReadError::TooBig {
        what,
        path: path.to_path_buf(),
        size,
        max,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > max {
        return Err(too_big(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > max {
        return Err(too_big(read));
    }
    Ok(bytes)
}

/// [`read_capped`] for a text file (UTF-8).
pub fn read_text_capped(what: &'static str, path: &Path, max: u64) -> Result<String, ReadError> {
    String::from_utf8(read_capped(what, path, max)?).map_err(|_| ReadError::NotText {
        what,
        path: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_its_cap_is_refused_naming_it_and_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("statement.xml");
        std::fs::write(&path, vec![b'x'; 3000]).unwrap();
        let err = read_capped("Statement file", &path, 2048).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Statement file: {} is 3 KB; the most read is 2 KB",
                path.display()
            )
        );
        assert_eq!(
            read_capped("Statement file", &path, 3000).unwrap().len(),
            3000
        );
    }

    #[test]
    fn a_device_that_never_ends_is_cut_at_the_cap() {
        // /dev/zero reports size 0 and never ends: the read stops one byte past the cap.
        let err = read_capped("Photo", Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(matches!(err, ReadError::TooBig { size: 1025, .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "Photo: /dev/zero is over 1 KB; the most read is 1 KB"
        );
    }
}
