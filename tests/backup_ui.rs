//! The kiosk backs up by itself, by the station's clock, on its worker; keeps the last N of the
//! event's backups and deletes nothing else; says when the last one was made, or why it failed.

mod support;

use std::path::{Path, PathBuf};

use egui_kittest::kittest::Queryable as _;
use encore::domain::backup::BackupSettings;
use support::{AsCreator, TestClock, TestDb, kiosk_harness, run_jobs, type_into, wait};

type Harness = egui_kittest::Harness<'static, encore::ui::Kiosk>;

fn backups_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.ends_with(".backup.db"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Moves the station's clock on by `secs` and lets the kiosk draw and finish its slow work.
fn later(h: &mut Harness, clock: &TestClock, secs: i64) {
    clock.advance_secs(secs);
    wait(h, 0.1);
    run_jobs(h);
}

fn kiosk_with(db: &TestDb, clock: &TestClock, settings: Option<BackupSettings>) -> Harness {
    let mut pos = db.demo_pos(clock);
    if let Some(settings) = settings {
        pos.with_pin("2468", |p, g| p.set_backup_settings(&settings, g))
            .unwrap();
    }
    // Wide enough for the clock, and the backup line under it, beside the event's name.
    let mut h = kiosk_harness(pos, (1600.0, 900.0));
    h.run();
    h
}

#[test]
fn the_kiosk_backs_up_every_five_minutes_by_its_clock() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut h = kiosk_with(&db, &clock, None);
    let folder = db.dir.path().join("backups");
    assert!(h.query_by_label("no backup yet").is_some());
    later(&mut h, &clock, 4 * 60 + 50);
    assert!(backups_in(&folder).is_empty(), "not due yet");
    later(&mut h, &clock, 10);
    let made = backups_in(&folder);
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(
        made[0].starts_with("encore-mara-vey-after-show-20261121T2005"),
        "{made:?}"
    );
    assert!(h.query_by_label("last backup just now").is_some());
    let info = h.state().backups().last().unwrap().clone();
    assert_eq!(info.integrity, "ok");
    assert_eq!(info.file, folder.join(&made[0]));
    later(&mut h, &clock, 3 * 60);
    assert!(h.query_by_label("last backup 3 min ago").is_some());
    later(&mut h, &clock, 2 * 60);
    assert_eq!(backups_in(&folder).len(), 2);
}

#[test]
fn the_kiosk_keeps_the_last_backups_and_deletes_nothing_else() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let stick = tempfile::tempdir().unwrap();
    let theirs = [
        "holiday.jpg",
        "encore.db",
        "encore-other-show-20261101T100000Z.backup.db",
        "encore-mara-vey-after-show-notes.backup.db",
    ];
    for name in theirs {
        std::fs::write(stick.path().join(name), "keep me").unwrap();
    }
    let settings = BackupSettings {
        folder: Some(stick.path().to_path_buf()),
        every_mins: 5,
        keep: 3,
    };
    let mut h = kiosk_with(&db, &clock, Some(settings));
    let mut made = Vec::new();
    for _ in 0..5 {
        later(&mut h, &clock, 5 * 60);
        made.push(h.state().backups().last().unwrap().file.clone());
    }
    let ours: Vec<PathBuf> = backups_in(stick.path())
        .into_iter()
        .filter(|n| n.starts_with("encore-mara-vey-after-show-2026"))
        .map(|n| stick.path().join(n))
        .collect();
    assert_eq!(ours, made[2..].to_vec(), "the newest three stay");
    for name in theirs {
        let kept = std::fs::read_to_string(stick.path().join(name)).unwrap();
        assert_eq!(kept, "keep me", "{name}");
    }
    assert!(
        !db.dir.path().join("backups").exists(),
        "nothing beside the database"
    );
}

#[test]
fn a_failed_backup_shows_a_banner_the_operator_can_act_on_until_one_works() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let stick = db.dir.path().join("usb-stick");
    let settings = BackupSettings {
        folder: Some(stick.clone()),
        ..BackupSettings::default()
    };
    let mut h = kiosk_with(&db, &clock, Some(settings));
    later(&mut h, &clock, 5 * 60);
    let why = h.state().backups().failure().unwrap().to_string();
    assert!(why.contains("plug in the USB stick"), "{why}");
    assert!(why.contains(&stick.display().to_string()), "{why}");
    let banner = format!("Backup failed — {why}");
    assert!(
        h.query_by_label_contains(&banner).is_some(),
        "the banner shows: {banner}"
    );
    assert!(h.query_by_label("no backup yet").is_some());
    // Plugged in: the next one works and the banner goes.
    std::fs::create_dir(&stick).unwrap();
    later(&mut h, &clock, 5 * 60);
    assert_eq!(h.state().backups().failure(), None);
    assert!(h.query_by_label_contains("Backup failed").is_none());
    assert_eq!(backups_in(&stick).len(), 1);
}

/// Scrolls the field into view, as a person would, and types into it.
fn type_here(h: &mut Harness, label: &str, text: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    type_into(h, label, text);
}

/// Scrolls the button into view and taps it.
fn tap(h: &mut Harness, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

#[test]
fn the_creator_sets_backups_in_settings_with_the_pin() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut h = kiosk_with(&db, &clock, None);
    let stick = tempfile::tempdir().unwrap();
    h.get_by_label("Settings").click();
    h.run();
    type_here(&mut h, "Backup folder", stick.path().to_str().unwrap());
    type_here(&mut h, "Back up every (minutes)", "0");
    type_here(&mut h, "Creator PIN for backups", "2468");
    tap(&mut h, "Save backup settings");
    assert_eq!(
        h.state().notice(),
        Some("Back up every (minutes): a whole number from 1 to 240")
    );
    type_here(&mut h, "Back up every (minutes)", "2");
    type_here(&mut h, "Backups to keep", "4");
    type_here(&mut h, "Creator PIN for backups", "1111");
    tap(&mut h, "Save backup settings");
    let refused = h.state().notice().unwrap_or_default().to_string();
    assert!(refused.contains("PIN"), "{refused}");
    assert_eq!(h.state().backups().settings(), &BackupSettings::default());
    type_here(&mut h, "Creator PIN for backups", "2468");
    tap(&mut h, "Save backup settings");
    assert_eq!(h.state().notice(), Some("Backup settings saved"));
    let saved = BackupSettings {
        folder: Some(stick.path().to_path_buf()),
        every_mins: 2,
        keep: 4,
    };
    assert_eq!(h.state().backups().settings(), &saved);
    assert_eq!(h.state().pos().backup_settings().unwrap(), saved);
    // The new interval counts from now, on the station's clock.
    later(&mut h, &clock, 2 * 60);
    assert_eq!(backups_in(stick.path()).len(), 1);
    h.get_by_label("Back up now").scroll_to_me();
    h.run();
    h.get_by_label("Back up now").click();
    run_jobs(&mut h);
    assert_eq!(backups_in(stick.path()).len(), 2);
}

#[test]
fn closing_the_kiosk_makes_one_more_backup() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut h = kiosk_with(&db, &clock, None);
    let folder = db.dir.path().join("backups");
    later(&mut h, &clock, 5 * 60);
    assert_eq!(backups_in(&folder).len(), 1);
    clock.advance_secs(30);
    eframe::App::on_exit(h.state_mut(), None);
    let made = backups_in(&folder);
    assert_eq!(made.len(), 2, "{made:?}");
    assert!(
        made[1].contains("T200530Z"),
        "named at the closing instant: {made:?}"
    );
}
