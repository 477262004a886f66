//! The sale's two hooks, on the demo event in an in-memory store: who may buy a lottery unit,
//! and what a purchase leaves behind.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

use super::{lottery_bought, lottery_gate};
use crate::domain::fan::FanId;
use crate::domain::lottery::Seed;
use crate::service::{Drawn, OfferState, Pos, PosError};
use crate::store::{self, Store};

/// 2026-11-21 20:00 UTC, 21:00 in Berlin (the demo's zone).
const T0: i64 = 1_795_291_200;
const PIN: &str = "2468";

struct Demo {
    pos: Pos,
    clock: Arc<AtomicI64>,
    vinyl: i64,
}

impl Demo {
    fn new() -> Demo {
        let clock = Arc::new(AtomicI64::new(T0));
        let at = clock.clone();
        let clock_fn: crate::service::Clock =
            Arc::new(move || Timestamp::from_second(at.load(Ordering::SeqCst)).unwrap());
        // The key file sits beside the database: a folder of its own per test.
        let dir = tempfile::tempdir().unwrap().keep();
        let mut store = Store::open(&dir.join("encore.db")).unwrap();
        Pos::seed_demo_if_empty(&mut store, &clock_fn, true).unwrap();
        let pos = Pos::open(store, "K1", clock_fn).unwrap();
        let vinyl = pos
            .offers()
            .unwrap()
            .into_iter()
            .find(|o| o.title == "Vinyl test pressing")
            .unwrap()
            .id;
        Demo { pos, clock, vinyl }
    }

    fn advance_mins(&self, mins: i64) {
        self.clock.fetch_add(mins * 60, Ordering::SeqCst);
    }

    /// A lottery on the vinyl closing in 10 minutes with a 10-minute window, 8 fans entered,
    /// drawn at 21:10 with a fixed seed.
    fn drawn(&mut self) -> Drawn {
        let until = self
            .pos
            .now()
            .checked_add(jiff::SignedDuration::from_mins(10));
        let grant = self.pos.unlock(PIN).unwrap();
        self.pos
            .set_lottery(self.vinyl, until.unwrap(), 10, &grant)
            .unwrap();
        for n in 1..=8 {
            self.pos
                .enter_lottery(self.vinyl, &format!("+49 170 555000{n}"))
                .unwrap();
        }
        self.advance_mins(10);
        let seed = Seed([7; 32]);
        self.pos
            .draw_lottery(self.vinyl, Some(seed), &grant)
            .unwrap()
    }

    fn gate(&mut self, offer: i64, fan: Option<&FanId>, qty: u32) -> Result<bool, String> {
        let now = self.pos.now();
        let tx = self.pos.store.immediate().unwrap();
        lottery_gate(&tx, offer, fan, qty, now).map_err(|e| e.to_string())
    }

    /// What the sale does for a drawn fan: takes the unit and marks their offer bought.
    fn buy(&mut self, fan: &FanId, order_id: &str) -> Result<(), PosError> {
        let tx = self.pos.store.immediate().unwrap();
        assert!(store::offers::take_units(&tx, self.vinyl, 1).unwrap());
        lottery_bought(&tx, self.vinyl, fan, order_id)?;
        tx.commit().unwrap();
        Ok(())
    }
}

#[test]
fn the_gate_lets_only_a_drawn_fan_with_an_open_window_buy_one_unit() {
    let mut d = Demo::new();
    let vinyl = d.vinyl;
    let postcard = d
        .pos
        .offers()
        .unwrap()
        .into_iter()
        .find(|o| o.title == "Signed postcard")
        .unwrap()
        .id;
    assert_eq!(
        d.gate(vinyl, None, 1),
        Ok(false),
        "no lottery yet: nothing to check"
    );
    let drawn = d.drawn();
    let (winner, code) = drawn.offered[0].clone();
    let loser = drawn.order[6].clone();

    assert_eq!(d.gate(postcard, None, 3), Ok(false));
    assert_eq!(d.gate(vinyl, Some(&winner), 1), Ok(true));
    assert_eq!(
        d.gate(vinyl, None, 1),
        Err("Vinyl test pressing is a lottery drop: only drawn fans can buy it — type their buy code".into())
    );
    let refused = d.gate(vinyl, Some(&loser), 1).unwrap_err();
    assert!(
        refused.starts_with("Vinyl test pressing is a lottery drop: only drawn fans can buy it"),
        "{refused}"
    );
    assert_eq!(
        d.gate(vinyl, Some(&winner), 2),
        Err("one unit per drawn fan".into())
    );

    // A typed buy code names the drop and the fan.
    let found = store::lottery::fan_of_code(d.pos.store.conn(), &code).unwrap();
    assert_eq!(found, Some((vinyl, winner.clone())));
    let conn = d.pos.store.conn();
    let codes: Vec<_> = drawn
        .order
        .iter()
        .map(|f| store::lottery::entry_code(conn, vinyl, f).unwrap().unwrap())
        .collect();
    let unknown = (0..)
        .map(crate::domain::lottery::BuyCode::from_number)
        .find(|c| !codes.contains(c))
        .unwrap();
    assert_eq!(store::lottery::fan_of_code(conn, &unknown).unwrap(), None);
}

#[test]
fn a_bought_unit_is_not_bought_twice_and_a_lapsed_one_rolls_on() {
    let mut d = Demo::new();
    let vinyl = d.vinyl;
    let drawn = d.drawn();
    let buyer = drawn.offered[0].0.clone();
    let lapsing = drawn.offered[1].0.clone();
    // The order row itself belongs to the sale; its id is all the offer keeps.
    d.pos
        .store
        .conn()
        .pragma_update(None, "foreign_keys", false)
        .unwrap();
    d.buy(&buyer, "order-1").unwrap();
    assert_eq!(
        d.gate(vinyl, Some(&buyer), 1),
        Err("one unit per drawn fan: this buy code was used (order order-1)".into())
    );
    assert!(d.buy(&buyer, "order-2").is_err(), "bought once only");

    // Drawn at 21:10 with a 10-minute window: at 21:20 the other four offers lapse.
    d.advance_mins(10);
    assert_eq!(
        d.gate(vinyl, Some(&lapsing), 1),
        Err("this buy code's window closed at 21:20".into())
    );
    let made = d.pos.roll_lotteries().unwrap();
    assert_eq!(
        made, 3,
        "four units are free, three fans were never offered one"
    );
    assert_eq!(d.pos.roll_lotteries().unwrap(), 0, "nothing more to give");
    let status = d.pos.lotteries().unwrap().remove(0);
    let states: Vec<&str> = status.offers.iter().map(|w| w.state.name()).collect();
    assert_eq!(
        states,
        [
            "bought", "lapsed", "lapsed", "lapsed", "lapsed", "open", "open", "open"
        ]
    );
    assert_eq!(
        status.offers[0].state,
        OfferState::Bought {
            order_id: "order-1".into()
        }
    );
    assert_eq!(status.units, 5, "four left and one bought");
    let fans: Vec<&FanId> = status.offers.iter().map(|w| &w.fan).collect();
    let order: Vec<&FanId> = drawn.order.iter().collect();
    assert_eq!(fans, order, "offers follow the draw order");
    assert_eq!(d.gate(vinyl, Some(&drawn.order[7]), 1), Ok(true));
}
