//! Backups as the creator sets them up: how often, how many to keep, and where; the names of
//! backup files, and which old ones go. The names alone tell an Encore backup from anything
//! else in the folder, so pruning never touches a file Encore did not write.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::field::{FieldError, FieldResult};

/// Minutes between automatic backups unless the creator chose otherwise.
pub const DEFAULT_EVERY_MINS: u32 = 5;
/// Backups kept in the folder unless the creator chose otherwise.
pub const DEFAULT_KEEP: u32 = 20;

/// Every backup file's name starts with this and ends with [`SUFFIX`].
const PREFIX: &str = "encore-";
const SUFFIX: &str = ".backup.db";
/// `20261202T031500Z`: sorts as it happened.
const STAMP_FORMAT: &str = "%Y%m%dT%H%M%SZ";
const STAMP_LEN: usize = 16;

/// How the kiosk backs up by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSettings {
    /// The folder (a USB stick); `None` is the `backups` folder beside the database.
    pub folder: Option<PathBuf>,
    /// Minutes between backups.
    pub every_mins: u32,
    /// How many of this event's backups stay in the folder.
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> BackupSettings {
        BackupSettings {
            folder: None,
            every_mins: DEFAULT_EVERY_MINS,
            keep: DEFAULT_KEEP,
        }
    }
}

impl BackupSettings {
    /// The settings as typed in the Settings screen, or the field that is wrong.
    pub fn parse(folder: &str, every_mins: &str, keep: &str) -> FieldResult<BackupSettings> {
        let number = crate::domain::field::whole_number;
        let folder = folder.trim();
        if folder.chars().count() > 500 {
            return Err(FieldError::new("Backup folder", "at most 500 characters"));
        }
        let folder = (!folder.is_empty()).then(|| PathBuf::from(folder));
        if folder.as_ref().is_some_and(|f| f.is_relative()) {
            return Err(FieldError::new(
                "Backup folder",
                "a full path like /media/usb/encore, or empty for the folder beside the database",
            ));
        }
        Ok(BackupSettings {
            folder,
            every_mins: number("Back up every (minutes)", every_mins, 1..=240)?,
            keep: number("Backups to keep", keep, 1..=1000)?,
        })
    }

    /// Seconds between backups.
    pub fn every_secs(&self) -> i64 {
        i64::from(self.every_mins) * 60
    }
}

/// The event's name as it appears in its backups' names: ASCII letters, digits and dashes.
pub fn slug(event_name: &str) -> String {
    let plain = deunicode::deunicode(event_name).to_ascii_lowercase();
    let words: Vec<&str> = plain
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut slug = words.join("-");
    slug.truncate(40);
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "event".to_string()
    } else {
        slug
    }
}

/// The name of a backup of `event_name` made `at`; `n` above 0 tells apart two made within
/// the same second.
pub fn file_name(event_name: &str, at: Timestamp, n: u32) -> String {
    let stamp = at.strftime(STAMP_FORMAT);
    let slug = slug(event_name);
    match n {
        0 => format!("{PREFIX}{slug}-{stamp}{SUFFIX}"),
        n => format!("{PREFIX}{slug}-{stamp}-{n}{SUFFIX}"),
    }
}

/// A backup file's name read back: `(slug, stamp, n)`, or `None` for any other file.
fn parse_name(name: &str) -> Option<(&str, &str, u32)> {
    let middle = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (rest, n) = match middle.rsplit_once('-') {
        Some((rest, n))
            if !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (rest, n.parse().ok()?)
        }
        _ => (middle, 0),
    };
    let split = rest.len().checked_sub(STAMP_LEN + 1)?;
    let (slug, stamp) = (rest.get(..split)?, rest.get(split + 1..)?);
    let dash = rest.as_bytes().get(split) == Some(&b'-');
    let stamp_ok = jiff::fmt::strtime::parse(STAMP_FORMAT, stamp).is_ok();
    (dash && stamp_ok && !slug.is_empty()).then_some((slug, stamp, n))
}

/// Of the file names in a folder, the backups of `event_name` beyond the newest `keep`, oldest
/// first. Files that are not this event's Encore backups are never among them.
pub fn beyond_keep(names: &[String], event_name: &str, keep: u32) -> Vec<String> {
    let slug = slug(event_name);
    let mut ours: Vec<(&str, u32, &String)> = names
        .iter()
        .filter_map(|name| {
            let (s, stamp, n) = parse_name(name)?;
            (s == slug).then_some((stamp, n, name))
        })
        .collect();
    ours.sort();
    let keep = usize::try_from(keep).unwrap_or(usize::MAX);
    let extra = ours.len().saturating_sub(keep);
    ours.into_iter()
        .take(extra)
        .map(|(_, _, name)| name.clone())
        .collect()
}

/// "just now", "3 min ago", "2 h 5 min ago": how long since the last backup.
pub fn ago_text(secs: i64) -> String {
    let mins = secs.max(0) / 60;
    match mins {
        0 => "just now".to_string(),
        1..=59 => format!("{mins} min ago"),
        _ => format!("{} h {} min ago", mins / 60, mins % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn names_sort_as_made_and_read_back() {
        let name = file_name("Späti Sessions: Vol. 2!", at(1_795_291_200), 0);
        assert_eq!(
            name,
            "encore-spati-sessions-vol-2-20261121T200000Z.backup.db"
        );
        assert_eq!(
            parse_name(&name),
            Some(("spati-sessions-vol-2", "20261121T200000Z", 0))
        );
        let second = file_name("Späti Sessions: Vol. 2!", at(1_795_291_200), 2);
        assert_eq!(parse_name(&second).map(|p| p.2), Some(2));
        assert_eq!(slug("!!!"), "event");
        for other in [
            "encore.db",
            "notes.txt",
            "encore-x.backup.db",
            "encore-x-2026T.backup.db",
            "encore--20261121T200000Z.backup.db",
            "encore-x-20261121T200000Z.db",
            "my-encore-x-20261121T200000Z.backup.db",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
    }

    #[test]
    fn only_this_events_oldest_backups_go() {
        let mut names: Vec<String> = (0..5)
            .map(|i| file_name("Gig", at(1_795_291_200 + i * 300), 0))
            .collect();
        names.push(file_name("Gig", at(1_795_291_200 + 4 * 300), 1));
        names.push(file_name("Other show", at(1_795_000_000), 0));
        names.push("encore.db".into());
        names.push("holiday.jpg".into());
        names.reverse();
        let gone = beyond_keep(&names, "Gig", 3);
        assert_eq!(
            gone,
            vec![
                file_name("Gig", at(1_795_291_200), 0),
                file_name("Gig", at(1_795_291_500), 0),
                file_name("Gig", at(1_795_291_800), 0),
            ]
        );
        assert!(beyond_keep(&names, "Gig", 20).is_empty());
    }

    #[test]
    fn settings_name_the_field_that_is_wrong() {
        let ok = BackupSettings::parse(" /media/usb ", "10", "5").unwrap();
        assert_eq!(ok.folder, Some(PathBuf::from("/media/usb")));
        assert_eq!((ok.every_mins, ok.keep, ok.every_secs()), (10, 5, 600));
        assert_eq!(
            BackupSettings::parse("", "5", "20").unwrap(),
            BackupSettings::default()
        );
        let field = |f: &str, e: &str, k: &str| BackupSettings::parse(f, e, k).unwrap_err().field;
        assert_eq!(field("usb", "5", "20"), "Backup folder");
        assert_eq!(field("", "0", "20"), "Back up every (minutes)");
        assert_eq!(field("", "5", "x"), "Backups to keep");
    }

    #[test]
    fn ago_reads_as_minutes() {
        assert_eq!(ago_text(30), "just now");
        assert_eq!(ago_text(180), "3 min ago");
        assert_eq!(ago_text(3900), "1 h 5 min ago");
    }
}
