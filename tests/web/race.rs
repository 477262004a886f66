//! Four phones race for the last units of a drop through the hub: never one unit too many.

use serde_json::json;

use crate::client::Hub;
use crate::support::{self, TestClock, TestDb};

#[test]
fn four_phones_racing_for_the_last_units_never_sell_one_too_many() {
    let (db, clock) = (TestDb::new(), TestClock::new());
    let mut pos = db.demo_pos(&clock);
    support::lift_fan_limit(&mut pos, "Signed tour poster");
    let poster = support::offer_id(&pos, "Signed tour poster");
    let hub = Hub::start(&db, &clock);
    let phones: Vec<_> = ["Sam", "Kim", "Ada", "Lou"]
        .iter()
        .map(|n| hub.pair(&mut pos, n))
        .collect();
    let sold: Vec<Vec<String>> = std::thread::scope(|s| {
        let runs: Vec<_> = phones
            .iter()
            .map(|phone| {
                s.spawn(move || {
                    let mut receipts = Vec::new();
                    for _ in 0..10 {
                        let (status, started) = phone.post(
                            "/api/checkout",
                            json!({ "client_id": uuid::Uuid::new_v4().to_string(), "items": [[poster, 1]], "method": "cash" }),
                        );
                        if status != 200 {
                            let error = started["error"].as_str().unwrap_or_default().to_string();
                            assert!(
                                error.contains("sold out") || error.contains("left"),
                                "{error}"
                            );
                            continue;
                        }
                        let (status, paid) = phone.post("/api/sell", started);
                        assert_eq!(status, 200, "{paid}");
                        receipts.push(paid["receipt"].as_str().unwrap().to_string());
                    }
                    receipts
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let all: Vec<&String> = sold.iter().flatten().collect();
    assert_eq!(all.len(), 25, "exactly the stock: {sold:?}");
    assert_eq!(support::remaining(&pos, "Signed tour poster"), Some(0));
    for (n, receipts) in sold.iter().enumerate() {
        let expected: Vec<String> = (1..=receipts.len())
            .map(|i| format!("P{}-{i:06}", n + 1))
            .collect();
        assert_eq!(
            receipts, &expected,
            "each phone's numbers are its own and gap-free"
        );
    }
}
