//! The table's network over real HTTP on 127.0.0.1: pairing (one-time, expiry, revocation),
//! refusals without a station, every sale, queue and redeem path from a phone, retries that
//! never sell twice, fans' pages (live, and a plain 404 for a wrong token) and the board.

#[path = "../support/mod.rs"]
mod support;

mod client;
mod race;

use std::time::Duration;

use client::{Hub, Phone};
use encore::domain::order::TenderKind;
use serde_json::{Value, json};
use support::{AsCreator, PIN, TestClock, TestDb};

fn orders(db: &TestDb) -> i64 {
    db.conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_pairing_code_works_once_for_two_minutes_and_revoking_locks_the_phone_out_at_once() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let token = pos.with_pin(PIN, |p, g| p.pairing_token(g)).unwrap().token;

    let (status, paired) = hub.post("/api/pair", None, json!({ "token": token, "name": "Sam" }));
    assert_eq!(status, 200, "{paired}");
    assert_eq!(paired["station"], "P1");
    let sam = Phone::new(&hub, paired["token"].as_str().unwrap());
    let (status, me) = sam.get("/api/me");
    assert_eq!(
        (status, me["station"].as_str(), me["helper"].as_str()),
        (200, Some("P1"), Some("Sam"))
    );

    let (status, again) = hub.post("/api/pair", None, json!({ "token": token, "name": "Eve" }));
    assert_eq!(status, 409);
    assert!(
        again["error"].as_str().unwrap().contains("used already"),
        "{again}"
    );

    let late = pos.with_pin(PIN, |p, g| p.pairing_token(g)).unwrap().token;
    clock.advance_secs(121);
    let (status, expired) = hub.post("/api/pair", None, json!({ "token": late, "name": "Eve" }));
    assert_eq!(status, 409);
    assert!(
        expired["error"].as_str().unwrap().contains("expired"),
        "{expired}"
    );
    let (status, _) = hub.post(
        "/api/pair",
        None,
        json!({ "token": "made-up", "name": "Eve" }),
    );
    assert_eq!(status, 409);

    // A second phone is P2; the creator sees both and revokes the first.
    let kim = hub.pair(&mut pos, "Kim");
    assert_eq!(kim.get("/api/me").1["station"], "P2");
    let listed: Vec<String> = pos
        .phones()
        .unwrap()
        .into_iter()
        .map(|p| format!("{} {}", p.code, p.helper))
        .collect();
    assert_eq!(listed, ["P1 Sam", "P2 Kim"]);
    pos.with_pin(PIN, |p, g| p.revoke_phone("P1", g)).unwrap();
    let (status, refused) = sam.get("/api/me");
    assert_eq!(status, 403);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("unpaired by the creator"),
        "{refused}"
    );
    assert_eq!(kim.get("/api/me").0, 200, "the other phone stays paired");
    // Revoking needs the creator; a pairing code too.
    assert!(
        pos.with_pin("000000", |p, g| p.revoke_phone("P2", g))
            .is_err()
    );
}

#[test]
fn nothing_changes_without_a_paired_station() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let revoked = hub.pair(&mut pos, "Sam");
    pos.with_pin(PIN, |p, g| p.revoke_phone("P1", g)).unwrap();
    let audit = |db: &TestDb| -> i64 {
        db.conn()
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .unwrap()
    };
    let before = audit(&db);
    let writes = [
        (
            "/api/checkout",
            json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[1, 1]], "method": "cash" }),
        ),
        ("/api/sell", json!({})),
        (
            "/api/checkout/cancel",
            json!({ "order_id": "x", "payment_ref": "y" }),
        ),
        ("/api/queue/call", json!({ "client_id": "a", "lane": "A" })),
        (
            "/api/queue/move",
            json!({ "client_id": "b", "ticket": 1, "to": "done" }),
        ),
        ("/api/queue/undo", json!({ "client_id": "c", "ticket": 1 })),
        ("/api/redeem", json!({ "client_id": "d", "code": "X" })),
        (
            "/api/handover",
            json!({ "client_id": "e", "redemption": 1 }),
        ),
        (
            "/api/refund",
            json!({ "client_id": "f", "receipt": "K1-000001", "pin": PIN }),
        ),
    ];
    for (path, body) in &writes {
        for token in [None, Some("not-a-token"), Some(revoked.token.as_str())] {
            let (status, answer) = hub.post(path, token, body.clone());
            let expected = if token == Some(revoked.token.as_str()) {
                403
            } else {
                401
            };
            assert_eq!(status, expected, "{path} with {token:?}: {answer}");
        }
    }
    for path in ["/api/me", "/api/offers", "/api/queue"] {
        assert_eq!(hub.get(path, None).0, 401, "{path}");
    }
    assert_eq!(audit(&db), before, "nothing was written");
    assert_eq!(orders(&db), 0);
}

#[test]
fn a_phone_sells_by_cash_card_and_qr_and_a_retried_sale_is_answered_not_sold_again() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let sam = hub.pair(&mut pos, "Sam");
    let poster = support::offer_id(&pos, "Signed tour poster");
    let tiles = sam.get("/api/offers").1;
    let tile = tiles
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == poster)
        .unwrap();
    assert_eq!(
        (tile["state"].as_str(), tile["sellable"].as_bool()),
        (Some("25 left"), Some(true))
    );

    // Cash with change: tile, Cash, Paid.
    let (status, started) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[poster, 1]], "method": "cash" }),
    );
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["total"], "€12.50");
    assert_eq!(
        support::remaining(&pos, "Signed tour poster"),
        Some(24),
        "held while the fan pays"
    );
    let mut paid = started.clone();
    paid["tendered_minor"] = json!(2000);
    let (status, sold) = sam.post("/api/sell", paid.clone());
    assert_eq!(status, 200, "{sold}");
    assert_eq!(
        (sold["receipt"].as_str(), sold["change"].as_str()),
        (Some("P1-000001"), Some("€7.50"))
    );
    assert_eq!(sold["replayed"], false);
    assert!(
        sold["fan_url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/fan/", hub.url))
    );
    // The answer was lost and the phone sends it again: the same receipt, nothing sold.
    let (status, again) = sam.post("/api/sell", paid);
    assert_eq!(
        (
            status,
            again["receipt"].as_str(),
            again["replayed"].as_bool()
        ),
        (200, Some("P1-000001"), Some(true))
    );
    assert_eq!(orders(&db), 1);
    assert_eq!(support::remaining(&pos, "Signed tour poster"), Some(24));

    // Card, then QR: the payment code is on the phone for the fan to scan.
    let (_, card) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[poster, 1]], "method": "card" }),
    );
    assert_eq!(sam.post("/api/sell", card).1["receipt"], "P1-000002");
    let (status, qr) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[poster, 1]], "method": "qr" }),
    );
    assert_eq!(status, 200, "{qr}");
    assert!(qr["qr_svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(sam.post("/api/sell", qr).1["receipt"], "P1-000003");

    // A cancelled payment gives its held unit back.
    let (_, cancelled) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[poster, 2]], "method": "qr" }),
    );
    assert_eq!(support::remaining(&pos, "Signed tour poster"), Some(20));
    let (status, _) = sam.post(
        "/api/checkout/cancel",
        json!({ "order_id": cancelled["order_id"], "payment_ref": cancelled["payment_ref"] }),
    );
    assert_eq!(status, 200);
    assert_eq!(support::remaining(&pos, "Signed tour poster"), Some(22));

    // Refusals are in words, and bad input names its field.
    let (status, bad) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[poster, 1]], "method": "iou" }),
    );
    assert_eq!(status, 400);
    assert!(
        bad["error"].as_str().unwrap().contains("cash, card or qr"),
        "{bad}"
    );
    let (status, none) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [], "method": "cash" }),
    );
    assert_eq!(status, 400, "{none}");
    let (status, unknown) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[9999, 1]], "method": "cash" }),
    );
    assert_eq!(status, 409, "{unknown}");
}

#[test]
fn the_queue_runs_from_a_phone_and_a_retried_call_calls_one_fan() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let sam = hub.pair(&mut pos, "Sam");
    support::sell(&mut pos, &[("60-second shoutout", 2)], TenderKind::Cash);
    let lane = support::offer(&pos, "60-second shoutout").lane.unwrap();

    let call = json!({ "client_id": "6f1f8a52-0000-4000-8000-000000000001", "lane": lane });
    let (status, first) = sam.post("/api/queue/call", call.clone());
    assert_eq!(status, 200, "{first}");
    let ticket = first["ticket"].as_str().unwrap().to_string();
    let (_, retry) = sam.post("/api/queue/call", call);
    assert_eq!(
        (retry["ticket"].as_str(), retry["replayed"].as_bool()),
        (Some(ticket.as_str()), Some(true))
    );
    let lanes = sam.get("/api/queue").1;
    let l = lanes["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lane"] == lane.to_string())
        .unwrap();
    assert_eq!(
        l["called"].as_array().unwrap().len(),
        1,
        "one fan called, not two: {l}"
    );
    assert_eq!(l["waiting"].as_array().unwrap().len(), 1);
    let id = l["called"][0]["id"].as_i64().unwrap();

    // No-show only after the grace time, in words.
    let (status, early) = sam.post(
        "/api/queue/move",
        json!({ "client_id": "m1", "ticket": id, "to": "no_show" }),
    );
    assert_eq!(status, 409);
    assert!(
        early["error"].as_str().unwrap().contains("grace time"),
        "{early}"
    );
    let (status, _) = sam.post(
        "/api/queue/move",
        json!({ "client_id": "m2", "ticket": id, "to": "serving" }),
    );
    assert_eq!(status, 200);
    let (_, undone) = sam.post(
        "/api/queue/undo",
        json!({ "client_id": "m3", "ticket": id }),
    );
    assert!(
        undone["message"].as_str().unwrap().contains("undone"),
        "{undone}"
    );
    let (_, served) = sam.post(
        "/api/queue/move",
        json!({ "client_id": "m4", "ticket": id, "to": "serving" }),
    );
    assert!(
        served["message"]
            .as_str()
            .unwrap()
            .ends_with("at the table"),
        "{served}"
    );
    let (_, done) = sam.post(
        "/api/queue/move",
        json!({ "client_id": "m5", "ticket": id, "to": "done" }),
    );
    assert_eq!(done["message"], format!("{ticket} served"));
    let audit: String = db.conn().query_row(
        "SELECT station || ' ' || json_extract(detail, '$.by') FROM audit_log WHERE action LIKE 'queue.%' ORDER BY id DESC LIMIT 1",
        [],
        |r| r.get(0),
    ).unwrap();
    assert_eq!(
        audit, "P1 helper (Sam)",
        "the audit names the phone and the helper"
    );
    let (status, bad) = sam.post(
        "/api/queue/call",
        json!({ "client_id": "has spaces", "lane": lane }),
    );
    assert_eq!(status, 400);
    assert!(
        bad["error"].as_str().unwrap().starts_with("client id"),
        "{bad}"
    );
}

#[test]
fn redeeming_from_a_phone_says_what_the_kiosk_says_and_guessing_is_slowed() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let sam = hub.pair(&mut pos, "Sam");
    let receipt = support::sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Cash);
    let code = receipt.claims[0].code.clone();
    let (status, ok) = sam.post("/api/redeem", json!({ "client_id": "r1", "code": code }));
    assert_eq!(status, 200, "{ok}");
    assert_eq!(
        ok["message"],
        "1 × Signed tour poster: hand it over, then tap Handed over"
    );
    assert_eq!(ok["held"], true);
    let (_, retry) = sam.post("/api/redeem", json!({ "client_id": "r1", "code": code }));
    assert_eq!(retry["replayed"], true);
    let handed = json!({ "client_id": "h1", "redemption": ok["id"] });
    let (status, given) = sam.post("/api/handover", handed);
    assert_eq!(
        (status, given["message"].as_str()),
        (200, Some("1 × Signed tour poster handed over"))
    );
    clock.advance_secs(60);
    let (status, twice) = sam.post("/api/redeem", json!({ "client_id": "r2", "code": code }));
    assert_eq!(status, 409);
    assert!(
        twice["error"]
            .as_str()
            .unwrap()
            .starts_with("already redeemed at 21:00:00 on station P1 by Sam"),
        "{twice}"
    );
    let (status, forged) = sam.post(
        "/api/redeem",
        json!({ "client_id": "r3", "code": "ENC1-AAAA-BBBB" }),
    );
    assert_eq!(status, 409, "{forged}");
    let mut limited = false;
    for n in 0..40 {
        let (status, _) = sam.post(
            "/api/redeem",
            json!({ "client_id": format!("g{n}"), "code": "NOPE" }),
        );
        limited |= status == 429;
    }
    assert!(limited, "a phone guessing codes is slowed down");
}

#[test]
fn a_fans_page_follows_the_ticket_live_and_a_wrong_token_is_a_plain_404() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let sam = hub.pair(&mut pos, "Sam");
    let gig = support::offer_id(&pos, "60-second shoutout");
    support::sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash);
    let (_, started) = sam.post(
        "/api/checkout",
        json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[gig, 1]], "method": "card" }),
    );
    let sold = sam.post("/api/sell", started).1;
    let fan = sold["fan_url"].as_str().unwrap().replace(&hub.url, "");
    let (status, html) = hub.get_text(&fan);
    assert_eq!(status, 200);
    assert!(html.contains("1 fan ahead of you"), "{html}");
    assert!(html.contains("receipt.pdf"));

    let events = hub.events(&format!("{fan}/events"));
    let first = events.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(first.contains("\"state\":\"waiting\""), "{first}");
    pos.call_next('A').unwrap();
    let next = events.recv_timeout(Duration::from_secs(3)).unwrap();
    assert!(next.contains("You're next"), "{next}");
    pos.call_next('A').unwrap();
    let turn = events.recv_timeout(Duration::from_secs(3)).unwrap();
    assert!(turn.contains("Your turn at lane A"), "{turn}");

    let (status, pdf) = hub.get_bytes(&format!("{fan}/receipt.pdf"));
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));
    // A wrong token says nothing: the same plain 404 as a page that does not exist.
    let mut wrong = fan.clone().into_bytes();
    let last = wrong.len() - 3;
    wrong[last] = if wrong[last] == b'a' { b'b' } else { b'a' };
    let wrong = String::from_utf8(wrong).unwrap();
    for path in [
        wrong.clone(),
        format!("{wrong}/state"),
        format!("{wrong}/events"),
        format!("{wrong}/receipt.pdf"),
        "/fan/x".into(),
        "/nowhere".into(),
    ] {
        let (status, body) = hub.get_text(&path);
        assert_eq!(status, 404, "{path}");
        assert!(body.is_empty() || body == "Not found\n", "{path}: {body}");
    }
}

#[test]
fn the_board_shows_who_is_being_served_and_the_next_five() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    support::sell(&mut pos, &[("60-second shoutout", 3)], TenderKind::Cash);
    pos.call_next('A').unwrap();
    let (status, html) = hub.get_text("/board");
    assert_eq!(status, 200);
    assert!(html.contains("Now serving"), "{html}");
    let board: Value = serde_json::from_str(&hub.get_text("/board/state").1).unwrap();
    let lane = board["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lane"] == "A")
        .unwrap();
    assert_eq!(lane["now"], json!(["A-001"]));
    assert_eq!(lane["next"], json!(["A-002", "A-003"]));
}

#[test]
fn encore_serve_prints_its_address_and_encore_pair_a_link_a_phone_pairs_with() {
    let db = TestDb::new();
    let clock = TestClock::from_real_now();
    let mut pos = db.demo_pos(&clock);
    drop(pos.with_pin(PIN, |_, _| Ok(())));
    let mut serve = client::Serve::start(&db);
    let url = serve.url.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let out = support::encore_in(
        &db.path,
        &["pair", "--json", "--pin-stdin"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let link: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pair_url = link["url"].as_str().unwrap();
    assert!(pair_url.starts_with(&format!("{url}/pair/")), "{link}");
    let hub = Hub::at(&url);
    let (status, html) = hub.get_text(&pair_url.replace(&url, ""));
    assert_eq!(status, 200);
    assert!(html.contains("Your name"), "{html}");
    let (status, paired) = hub.post(
        "/api/pair",
        None,
        json!({ "token": link["token"], "name": "Ada" }),
    );
    assert_eq!(
        (status, paired["station"].as_str()),
        (200, Some("P1")),
        "{paired}"
    );
    serve.stop();
}

#[test]
fn a_refund_from_a_phone_needs_the_creator_pin_with_the_kiosks_lockout() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let sam = hub.pair(&mut pos, "Sam");
    let receipt = support::sell(&mut pos, &[("Signed postcard", 1)], TenderKind::Cash);
    let ask = |client: &str, pin: &str| json!({ "client_id": client, "receipt": receipt.number.to_string(), "pin": pin, "reason": "changed mind" });
    let (status, none) = sam.post("/api/refund", ask("f0", ""));
    assert_eq!(status, 409, "{none}");
    for n in 1..=5 {
        let (status, wrong) = sam.post("/api/refund", ask(&format!("f{n}"), "135791"));
        assert_eq!(status, 409);
        assert!(
            wrong["error"]
                .as_str()
                .unwrap()
                .contains("wrong creator PIN"),
            "{wrong}"
        );
    }
    let (_, locked) = sam.post("/api/refund", ask("f6", PIN));
    assert!(
        locked["error"]
            .as_str()
            .unwrap()
            .starts_with("too many wrong creator PINs"),
        "{locked}"
    );
    assert!(
        pos.unlock(PIN).is_err(),
        "the phone's wrong PINs lock the kiosk too"
    );
    clock.advance_secs(31);
    let (status, done) = sam.post("/api/refund", ask("f7", PIN));
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["number"], "P1-R000001");
    assert!(
        done["message"].as_str().unwrap().starts_with(&format!(
            "{} refunded: give back €2.40 cash",
            receipt.number
        )),
        "{done}"
    );
    let (_, again) = sam.post("/api/refund", ask("f7", PIN));
    assert_eq!(
        (again["number"].as_str(), again["replayed"].as_bool()),
        (Some("P1-R000001"), Some(true))
    );
    let refunds: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM refunds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(refunds, 1);
}

#[test]
fn a_cancel_after_a_sale_whose_answer_was_lost_is_refused_and_a_retried_hold_holds_once() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    let hub = Hub::start(&db, &clock);
    let sam = hub.pair(&mut pos, "Sam");
    let poster = support::offer_id(&pos, "Signed tour poster");
    let hold = json!({ "client_id": "c0ffee00-0000-4000-8000-000000000001", "items": [[poster, 1]], "method": "card" });
    let (_, started) = sam.post("/api/checkout", hold.clone());
    let (_, again) = sam.post("/api/checkout", hold);
    assert_eq!(
        started["order_id"], again["order_id"],
        "the retry answers with the same hold"
    );
    assert_eq!(
        support::remaining(&pos, "Signed tour poster"),
        Some(24),
        "one unit held, not two"
    );
    assert_eq!(sam.post("/api/sell", started.clone()).0, 200);
    // The phone never heard "Paid" and the helper taps Cancel: the hub says it was paid.
    let cancel = json!({ "order_id": started["order_id"], "payment_ref": started["payment_ref"] });
    let (status, refused) = sam.post("/api/checkout/cancel", cancel);
    assert_eq!(status, 409);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("completed already: receipt P1-000001"),
        "{refused}"
    );
    let (status, many) = sam.post(
        "/api/checkout",
        json!({ "client_id": "c0ffee00-0000-4000-8000-000000000002", "items": [[poster, 100000]], "method": "cash" }),
    );
    assert_eq!(status, 409, "{many}");
    assert!(
        many["error"].as_str().unwrap().starts_with("quantity"),
        "{many}"
    );
    let (status, body) = hub.get_text("/no/such/page");
    assert_eq!((status, body.as_str()), (404, "Not found\n"));
}
