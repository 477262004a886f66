//! Claim codes at the service: the verification order, partial redemption, the drop hand-over,
//! undo, the log, key rotation, and reading a code from a photo.

mod support;

use support::AsCreator as _;

use ed25519_dalek::SigningKey;
use encore::domain::claim::{self, ClaimBody, FORMAT_VERSION};
use encore::domain::order::TenderKind;
use encore::domain::qr::{QrMatrix, QrMode, scan_image};
use encore::service::{PosError, RefundRequest};
use encore::store::events::{NewEvent, insert};
use support::{PIN, TestClock, TestDb, offer_id, sell};

fn body(event: u16, key_id: u8) -> ClaimBody {
    ClaimBody {
        version: FORMAT_VERSION,
        key_id,
        event,
        station: 1,
        serial: 999,
        offer: 1,
        quantity: 1,
        valid_until: Some(u16::MAX),
    }
}

#[test]
fn each_check_has_its_own_message_in_the_documented_order() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let pos = db.demo_pos(&clock);
    let event = u16::try_from(pos.event().id).unwrap();
    // A second event in the same file, with a key we know.
    let other_key = [7u8; 32];
    let other_public = SigningKey::from_bytes(&other_key)
        .verifying_key()
        .to_bytes();
    encore::store::keyfile::KeyFile::beside(&db.path)
        .add(&[SigningKey::from_bytes(&other_key)])
        .unwrap();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let other = insert(
        &conn,
        &NewEvent {
            name: "Another night",
            venue: "Elsewhere",
            time_zone: "Europe/Berlin",
            currency: encore::domain::money::Currency::Eur,
            payment: None,
            public_key: other_public,
            is_demo: false,
            created_at: 0,
        },
    )
    .unwrap();
    drop(conn);
    // Reopened, the station knows the other event's key too.
    let mut pos = db.demo_pos(&clock);
    let stranger = SigningKey::from_bytes(&[9u8; 32]);
    let check =
        |pos: &encore::service::Pos, code: &str| pos.check_claim(code).unwrap_err().to_string();

    // 1 format
    assert_eq!(
        check(&pos, "HELLO"),
        "not a claim code: expected 122 characters"
    );
    // 2 known key
    let unknown_key = claim::issue(body(event, 5), &stranger);
    assert!(check(&pos, &unknown_key).starts_with("unknown signing key 5"));
    // 3 signature
    let forged = claim::issue(body(event, 0), &stranger);
    assert_eq!(
        check(&pos, &forged),
        "invalid claim code: the signature does not match (forged or mistyped)"
    );
    // 4 this event
    let elsewhere = claim::issue(
        body(u16::try_from(other).unwrap(), 0),
        &SigningKey::from_bytes(&other_key),
    );
    assert_eq!(
        check(&pos, &elsewhere),
        "invalid claim code: it belongs to another event"
    );

    // 5 revoked, 6 expired, 7 used: a code both revoked and expired says revoked; a code both
    // expired and used says expired.
    let sold = sell(
        &mut pos,
        &[("60-second shoutout", 2), ("5-minute meet & greet", 1)],
        TenderKind::Card,
    );
    let (first, second, greet) = (
        &sold.claims[0].code,
        &sold.claims[1].code,
        &sold.claims[2].code,
    );
    pos.set_helper("Sam").unwrap();
    pos.redeem_claim(first, 1).unwrap();
    let used = pos.redeem_claim(first, 1).unwrap_err().to_string();
    assert_eq!(
        used,
        "already redeemed at 21:00:00 on station K1 by Sam (60-second shoutout)"
    );
    let refund = RefundRequest {
        receipt: sold.number.clone(),
        lines: Some(vec![(offer_id(&pos, "5-minute meet & greet"), 1)]),
        reason: "changed mind".into(),
    };
    pos.with_pin("2468", |p, g| p.refund(&refund, g)).unwrap();
    clock.advance_secs(49 * 3600);
    assert!(check(&pos, greet).starts_with("this claim code was refunded and revoked at 21:00:00"));
    assert!(check(&pos, second).starts_with("this claim code expired at 2026-11-23 21:00"));
    let err = pos.redeem_claim(first, 1).unwrap_err();
    assert!(matches!(err, PosError::Expired { .. }), "{err}");
}

#[test]
fn a_code_for_three_units_is_redeemed_one_at_a_time_and_each_step_can_be_undone() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    // The demo allows two posters per fan; the creator lifts that for this signing.
    support::lift_fan_limit(&mut pos, "Signed tour poster");
    let sold = sell(&mut pos, &[("Signed tour poster", 3)], TenderKind::Cash);
    let code = &sold.claims[0].code;
    assert_eq!(sold.claims[0].title, "3× Signed tour poster");
    assert_eq!(pos.check_claim(code).unwrap().units_left, 3);

    // A drop: held for the fan, then handed over.
    let first = pos.redeem_claim(code, 1).unwrap();
    assert!(first.held);
    assert_eq!(first.units_left, 2);
    let handed = pos.hand_over(first.id).unwrap();
    assert!(!handed.held);
    assert!(matches!(pos.hand_over(first.id), Err(PosError::NotHeld)));

    // Two more at once would leave none; asking for three is refused with what is left.
    let too_many = pos.redeem_claim(code, 3).unwrap_err().to_string();
    assert_eq!(too_many, "units: this code has 2 left (Signed tour poster)");
    let second = pos.redeem_claim(code, 1).unwrap();
    // A mistaken tap: undone within ten seconds, the unit is the fan's again.
    clock.advance_secs(5);
    pos.undo_redemption(second.id).unwrap();
    assert_eq!(pos.check_claim(code).unwrap().units_left, 2);
    let third = pos.redeem_claim(code, 2).unwrap();
    assert_eq!(third.units_left, 0);
    clock.advance_secs(11);
    assert_eq!(
        pos.undo_redemption(third.id).unwrap_err().to_string(),
        "too late to undo: a step can be undone for 10 seconds"
    );
    assert!(matches!(
        pos.redeem_claim(code, 1),
        Err(PosError::AlreadyRedeemed { .. })
    ));

    // The log shows every step, newest first, and finds the code by a fragment.
    let log = pos.redemption_log(&code[10..16], None).unwrap();
    let zone = &pos.event().time_zone;
    let statuses: Vec<(u32, String)> = log
        .iter()
        .map(|l| (l.units, l.status.describe(zone)))
        .collect();
    assert_eq!(
        statuses,
        [
            (2, "held for the fan".to_string()),
            (1, "undone 21:00:05".to_string()),
            (1, "handed over 21:00:00".to_string()),
        ]
    );
    assert_eq!(pos.redemption_log("poster", None).unwrap().len(), 3);
    assert!(pos.redemption_log("shoutout", None).unwrap().is_empty());
    let later = jiff::Timestamp::from_second(support::T0 + 3).unwrap();
    assert_eq!(pos.redemption_log("", Some(later)).unwrap().len(), 1);
}

#[test]
fn rotating_the_key_keeps_old_codes_working_and_signs_new_ones_with_the_new_key() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let old = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash).claims[0]
        .code
        .clone();
    assert_eq!(pos.with_pin(PIN, |p, g| p.rotate_claim_key(g)).unwrap(), 1);
    let new = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash).claims[0]
        .code
        .clone();
    let keys = pos.public_keys();
    assert_eq!(keys.len(), 2);
    assert!(keys[0].2 && !keys[1].2, "key 0 retired, key 1 current");
    let vk = |i: usize| ed25519_dalek::VerifyingKey::from_bytes(&keys[i].1).unwrap();
    assert_eq!(claim::verify(&old, &vk(0)).unwrap().key_id, 0);
    assert_eq!(claim::verify(&new, &vk(1)).unwrap().key_id, 1);
    assert!(claim::verify(&new, &vk(0)).is_err());
    // Another process opening the same file knows both keys.
    let mut k2 = db.pos_at("K2", &clock);
    k2.redeem_claim(&old, 1).unwrap();
    k2.redeem_claim(&new, 1).unwrap();
}

#[test]
fn a_photo_of_a_code_is_read_from_png_and_jpeg() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    let code = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash).claims[0]
        .code
        .clone();
    let matrix = QrMatrix::encode(&code, QrMode::Alphanumeric).unwrap();
    let (side, pixels) = matrix.greyscale(6);
    let img = image::GrayImage::from_raw(side as u32, side as u32, pixels).unwrap();
    // A phone photo: larger, on a grey background, saved as JPEG.
    let mut photo =
        image::GrayImage::from_pixel(side as u32 + 200, side as u32 + 160, image::Luma([170]));
    image::imageops::overlay(&mut photo, &img, 90, 70);
    for (format, source) in [
        (image::ImageFormat::Png, &img),
        (image::ImageFormat::Jpeg, &photo),
    ] {
        let mut bytes = std::io::Cursor::new(Vec::new());
        source.write_to(&mut bytes, format).unwrap();
        let read = scan_image(bytes.get_ref()).unwrap();
        assert_eq!(read, std::slice::from_ref(&code), "{format:?}");
    }
    assert!(
        scan_image(b"not an image")
            .unwrap_err()
            .to_string()
            .contains("not a PNG or JPEG")
    );
    let blank = image::GrayImage::from_pixel(50, 50, image::Luma([255]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    blank.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    assert!(
        scan_image(bytes.get_ref())
            .unwrap_err()
            .to_string()
            .contains("no readable QR code")
    );
}

/// One million tries: random strings and every single-character change of real codes. Run it
/// with `cargo test --release --test claims -- --ignored --nocapture`.
#[test]
#[ignore = "long: cargo test --release --test claims -- --ignored --nocapture"]
fn a_million_random_and_mutated_codes_are_all_refused() {
    use rand::{Rng, SeedableRng};
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let vk = key.verifying_key();
    let keys = |event: u16, id: u8| (event == 1 && id == 0).then_some(vk);
    let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_121);
    let started = std::time::Instant::now();
    let (mut tried, mut accepted, mut malformed) = (0u64, 0u64, 0u64);
    let mut check = |s: &str, tried: &mut u64| {
        *tried += 1;
        match claim::verify_with(s, keys) {
            Ok(_) => accepted += 1,
            Err(claim::ClaimError::Malformed(_)) => malformed += 1,
            Err(_) => {}
        }
    };
    // Single-character changes of real codes: every position, every other symbol.
    let mut serial = 0;
    while tried < 500_000 {
        serial += 1;
        let code = claim::issue(
            ClaimBody {
                serial,
                quantity: rng.gen_range(1..=5),
                ..body(1, 0)
            },
            &key,
        );
        assert!(claim::verify_with(&code, keys).is_ok());
        let bytes = code.as_bytes();
        for i in 0..bytes.len() {
            for &c in ALPHABET {
                if c != bytes[i] {
                    let mut m = bytes.to_vec();
                    m[i] = c;
                    check(std::str::from_utf8(&m).unwrap(), &mut tried);
                }
            }
        }
    }
    // Random strings: right-length codes from the alphabet, and noise of any length.
    while tried < 1_000_000 {
        let len = if rng.gen_bool(0.7) {
            122
        } else {
            rng.gen_range(0..200)
        };
        let s: String = (0..len)
            .map(|_| {
                if rng.gen_bool(0.95) {
                    ALPHABET[rng.gen_range(0..ALPHABET.len())] as char
                } else {
                    rng.r#gen::<char>()
                }
            })
            .collect();
        check(&s, &mut tried);
    }
    println!(
        "{tried} codes tried ({malformed} refused as malformed), {accepted} accepted, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(accepted, 0);
}

fn refund_all(pos: &mut encore::service::Pos, receipt: &encore::domain::order::ReceiptNo) {
    pos.with_pin("2468", |p, g| {
        p.refund(
            &RefundRequest {
                receipt: receipt.clone(),
                lines: None,
                reason: "test".into(),
            },
            g,
        )
    })
    .unwrap();
}

#[test]
fn a_refund_beats_undo_and_hand_over() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    // A gig code redeemed, then refunded at once: the undo may not bring the unit back.
    let gig = sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Card);
    let used = pos.redeem_claim(&gig.claims[0].code, 1).unwrap();
    refund_all(&mut pos, &gig.number);
    assert!(matches!(
        pos.undo_redemption(used.id),
        Err(PosError::RefundedSince)
    ));
    assert!(pos.redeem_claim(&gig.claims[0].code, 1).is_err());

    // A drop unit held for the fan, then refunded: it cannot be handed over and is back on sale.
    let before = support::remaining(&pos, "Signed tour poster");
    let drop = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Card);
    let held = pos.redeem_claim(&drop.claims[0].code, 1).unwrap();
    let refund = pos
        .with_pin("2468", |p, g| {
            p.refund(
                &RefundRequest {
                    receipt: drop.number.clone(),
                    lines: None,
                    reason: "test".into(),
                },
                g,
            )
        })
        .unwrap();
    assert_eq!(refund.revoked_units, 1, "the held unit is revoked");
    assert!(matches!(pos.hand_over(held.id), Err(PosError::NotHeld)));
    assert_eq!(support::remaining(&pos, "Signed tour poster"), before);
}

#[test]
fn undoing_a_hand_over_puts_the_unit_back_on_hold() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let drop = sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Card);
    let held = pos.redeem_claim(&drop.claims[0].code, 1).unwrap();
    clock.advance_secs(30);
    pos.hand_over(held.id).unwrap();
    clock.advance_secs(5);
    let back = pos.undo_redemption(held.id).unwrap();
    assert!(back.held, "held for the fan again, not free");
    assert_eq!(pos.check_claim(&drop.claims[0].code).unwrap().units_left, 0);
    pos.hand_over(held.id).unwrap();
}

#[test]
fn a_station_open_before_a_key_rotation_picks_the_new_key_up() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut k1 = db.pos_at("K1", &clock);
    let mut k2 = db.pos_at("K2", &clock);
    k1.with_pin(PIN, |p, g| p.rotate_claim_key(g)).unwrap();
    let from_k1 = sell(&mut k1, &[("60-second shoutout", 1)], TenderKind::Card);
    k2.redeem_claim(&from_k1.claims[0].code, 1).unwrap();
    // K2 signs its next codes with the new key too.
    let from_k2 = sell(&mut k2, &[("60-second shoutout", 1)], TenderKind::Card);
    let keys = k1.public_keys();
    let newest = ed25519_dalek::VerifyingKey::from_bytes(&keys[1].1).unwrap();
    assert_eq!(
        claim::verify(&from_k2.claims[0].code, &newest)
            .unwrap()
            .key_id,
        1
    );
}
