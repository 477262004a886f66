//! Guessing the creator PIN: every attempt is counted in the database (across stations and
//! processes), five wrong ones in a row lock typing for 30 s, each further one doubles the
//! wait up to half an hour, every wrong one is in the audit log, and the lock holds even for
//! the right PIN.

mod support;

use encore::service::{MAX_LOCK_SECS, PinError, PosError};
use encore::store::audit;
use support::{PIN, TestClock, TestDb};

fn pin_error(e: PosError) -> PinError {
    match e {
        PosError::Pin(p) => p,
        other => panic!("not a PIN error: {other}"),
    }
}

#[test]
fn five_wrong_pins_lock_typing_for_thirty_seconds_on_every_station() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut k1 = db.pos_at("K1", &clock);
    let mut k2 = db.pos_at("K2", &clock);
    for n in 1..=4 {
        let station = if n % 2 == 0 { &mut k2 } else { &mut k1 };
        let e = pin_error(station.unlock("1111").unwrap_err());
        assert_eq!(
            e,
            PinError::Wrong {
                role: "creator",
                left: 5 - n
            }
        );
    }
    assert_eq!(
        k1.unlock("1111").unwrap_err().to_string(),
        "too many wrong creator PINs: try again in 30 s"
    );
    // Locked: the right PIN is not even checked, on the other station neither.
    assert_eq!(
        pin_error(k2.unlock(PIN).unwrap_err()),
        PinError::Locked {
            role: "creator",
            secs: 30
        }
    );
    clock.advance_secs(20);
    assert_eq!(
        k2.unlock(PIN).unwrap_err().to_string(),
        "too many wrong creator PINs: try again in 10 s"
    );
    clock.advance_secs(10);
    k2.unlock(PIN).unwrap();
    // The right PIN starts the count again.
    assert_eq!(
        pin_error(k1.unlock("1111").unwrap_err()),
        PinError::Wrong {
            role: "creator",
            left: 4
        }
    );
    assert_eq!(audit::count(&db.conn(), "pin.wrong").unwrap(), 6);
}

#[test]
fn each_further_wrong_pin_doubles_the_wait_up_to_half_an_hour() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let mut waits = Vec::new();
    for _ in 0..16 {
        match pin_error(pos.unlock("1111").unwrap_err()) {
            PinError::Locked { secs, .. } => {
                waits.push(secs);
                clock.advance_secs(secs);
            }
            PinError::Wrong { .. } => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(
        waits,
        [
            30, 60, 120, 240, 480, 960, 1800, 1800, 1800, 1800, 1800, 1800
        ]
    );
    assert_eq!(*waits.last().unwrap(), MAX_LOCK_SECS);
    // What that allows: guesses in the first hour and then per hour.
    let (mut t, mut guesses) = (0, 5);
    for w in &waits {
        t += w;
        if t <= 3600 {
            guesses += 1;
        }
    }
    assert!(guesses <= 12, "{guesses} guesses in the first hour");
}

#[test]
fn a_wrong_pin_is_audited_and_a_malformed_one_is_not_an_attempt() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    assert_eq!(pin_error(pos.unlock("12ab").unwrap_err()), PinError::Shape);
    assert_eq!(audit::count(&db.conn(), "pin.wrong").unwrap(), 0);
    pos.unlock("9999").unwrap_err();
    let detail: String = db
        .conn()
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'pin.wrong'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains("\"failures\":1"), "{detail}");
}

#[test]
fn the_demo_pin_is_recognised_until_the_creator_sets_their_own() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    assert!(pos.demo_pin_in_use().unwrap());
    let grant = pos.unlock(PIN).unwrap();
    pos.set_pin("864213", Some(&grant)).unwrap();
    assert!(!pos.demo_pin_in_use().unwrap());
}
