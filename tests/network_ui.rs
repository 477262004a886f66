//! Share on this network in the kiosk: the creator starts the hub with her PIN, shows a
//! one-time pairing QR, sees the phone that paired, and unpairs it.

mod support;

use egui_kittest::kittest::Queryable as _;
use serde_json::{Value, json};
use support::{TestClock, TestDb, kiosk_harness, type_into};

type Harness = egui_kittest::Harness<'static, encore::ui::Kiosk>;

fn tap(h: &mut Harness, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

/// Scrolls the field into view and types into it.
fn type_here(h: &mut Harness, label: &str, text: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    type_into(h, label, text);
}

fn post(url: &str, body: Value, token: Option<&str>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.post(url);
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut res = req.send_json(body).unwrap();
    (
        res.status().as_u16(),
        res.body_mut().read_json().unwrap_or(Value::Null),
    )
}

#[test]
fn the_creator_shares_the_table_pairs_a_phone_and_unpairs_it() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let pos = db.demo_pos(&clock);
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.run();
    tap(&mut h, "Settings");
    type_here(&mut h, "Creator PIN to share", "1111");
    tap(&mut h, "Share on this network");
    assert!(
        h.state().notice().unwrap_or_default().contains("PIN"),
        "{:?}",
        h.state().notice()
    );
    assert!(
        h.query_by_label("Pair a phone").is_none(),
        "not sharing after a wrong PIN"
    );

    type_here(&mut h, "Creator PIN to share", "2468");
    tap(&mut h, "Share on this network");
    let notice = h.state().notice().unwrap_or_default().to_string();
    let url = notice
        .split("phones open ")
        .nth(1)
        .expect(&notice)
        .trim()
        .to_string();
    assert!(
        h.query_by_label(&format!("QR code: Phones open {url}"))
            .is_some()
    );

    type_here(&mut h, "Wi-Fi name", "Table 4");
    assert!(
        h.query_by_label("QR code: Join the Wi-Fi Table 4")
            .is_some()
    );
    type_here(&mut h, "Creator PIN for phones", "2468");
    tap(&mut h, "Pair a phone");
    assert!(
        h.query_by_label("QR code: Pair a phone: once, 120 s left")
            .is_some()
    );

    // The phone opens the pairing link the QR carries; the kiosk lists it.
    let token = {
        let conn = db.conn();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM pairing_tokens", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        drop(conn);
        // The token itself is only in the QR (the database keeps its hash): read it from the
        // kiosk's pairing link, as the phone's camera would.
        h.state()
            .pairing_link()
            .expect("a pairing link on show")
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    let local = url.replace("0.0.0.0", "127.0.0.1");
    let (status, paired) = post(
        &format!("{local}/api/pair"),
        json!({ "token": token, "name": "Sam" }),
        None,
    );
    assert_eq!(status, 200, "{paired}");
    clock.advance_secs(2);
    support::wait(&mut h, 1.2);
    assert!(h.query_by_label_contains("P1 · Sam · paired").is_some());

    type_here(&mut h, "Creator PIN for phones", "2468");
    tap(&mut h, "Unpair P1");
    assert_eq!(
        h.state().notice(),
        Some("P1 is unpaired: its next request is refused")
    );
    let phone = paired["token"].as_str().unwrap();
    let (status, _) = post(
        &format!("{local}/api/queue/call"),
        json!({ "client_id": "x", "lane": "A" }),
        Some(phone),
    );
    assert_eq!(status, 403);

    tap(&mut h, "Stop sharing");
    assert!(h.query_by_label("Share on this network").is_some());
}
