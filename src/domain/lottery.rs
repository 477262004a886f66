//! Lottery drops: a fair, re-runnable draw.
//!
//! Fans enter with their [`FanId`]; when entry closes a 32-byte [`Seed`] fixes the whole draw
//! order, and anyone with the seed and the entry list gets the same order back. Winners are
//! offered a unit in turn: an offer that is not bought within its window lapses, and the unit rolls
//! over to the next fan in the order.

use crate::domain::field::{FieldError, FieldResult};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use data_encoding::{HEXLOWER, HEXLOWER_PERMISSIVE};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::fan::{FanId, code_symbols, crockford_encode, crockford_value};

/// The 32 bytes that fix a draw, written as 64 hex characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seed(pub [u8; 32]);

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&HEXLOWER.encode(&self.0))
    }
}

impl FromStr for Seed {
    type Err = FieldError;

    fn from_str(s: &str) -> FieldResult<Seed> {
        let rule = || FieldError::new("seed", "64 hexadecimal characters");
        let text = s.trim();
        if text.len() != 64 {
            return Err(rule());
        }
        let bytes = HEXLOWER_PERMISSIVE
            .decode(text.as_bytes())
            .map_err(|_| rule())?;
        bytes.try_into().map(Seed).map_err(|_| rule())
    }
}

/// The full draw order: every distinct entry once, sorted by SHA-256(seed, fan id hex). The order
/// the entries come in does not matter.
pub fn draw(seed: &Seed, entries: &[FanId]) -> Vec<FanId> {
    let distinct: BTreeSet<&FanId> = entries.iter().collect();
    let mut keyed: Vec<([u8; 32], &FanId)> = distinct
        .into_iter()
        .map(|fan| {
            let key = Sha256::new()
                .chain_update(seed.0)
                .chain_update(fan.0.as_bytes())
                .finalize();
            (key.into(), fan)
        })
        .collect();
    // Equal keys would need a SHA-256 collision; the fan id still settles them the same way.
    keyed.sort();
    keyed.into_iter().map(|(_, fan)| fan.clone()).collect()
}

/// A drawn fan who was offered a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinnerState {
    /// Who.
    pub fan: FanId,
    /// When the buy code was given.
    pub offered_at: Timestamp,
    /// Whether they bought the unit.
    pub bought: bool,
}

/// The fans who should get a buy code now. Units left are `units` minus those bought minus offers
/// still open; they go to the next fans in `order` not offered before (a lapsed offer is not made
/// again).
pub fn next_offers(
    order: &[FanId],
    offered: &[WinnerState],
    units: u32,
    window_secs: i64,
    now: Timestamp,
) -> Vec<FanId> {
    let taken = offered
        .iter()
        .filter(|w| w.bought || window_left(w.offered_at, window_secs, now).is_some())
        .count();
    let free = (units as usize).saturating_sub(taken);
    let mut seen: BTreeSet<&FanId> = offered.iter().map(|w| &w.fan).collect();
    order
        .iter()
        .filter(|fan| seen.insert(fan))
        .take(free)
        .cloned()
        .collect()
}

/// Whole seconds left (rounded up) on an offer made at `offered_at`, or None once it has lapsed.
pub fn window_left(offered_at: Timestamp, window_secs: i64, now: Timestamp) -> Option<i64> {
    const NANOS: i128 = 1_000_000_000;
    // i128 nanoseconds cannot overflow for any Timestamp and i64 window.
    let left = offered_at.as_nanosecond() + i128::from(window_secs) * NANOS - now.as_nanosecond();
    (left > 0).then(|| i64::try_from((left + NANOS - 1) / NANOS).unwrap_or(i64::MAX))
}

/// Symbols in a buy code: 6 × 5 = 30 bits.
const BUY_SYMBOLS: usize = 6;
const BUY_BITS: u32 = (1 << (5 * BUY_SYMBOLS)) - 1;

/// The code a drawn fan shows to buy their unit, `W-XXXXXX` (6 Crockford symbols).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BuyCode(String);

impl BuyCode {
    /// The code for a (random) number; only its low 30 bits fit in 6 symbols.
    pub fn from_number(n: u32) -> BuyCode {
        BuyCode(format!(
            "W-{}",
            crockford_encode(u64::from(n & BUY_BITS), BUY_SYMBOLS)
        ))
    }

    /// Reads a typed or scanned buy code: any case, dash and spaces optional, `W` optional, O for
    /// 0, I and L for 1.
    pub fn parse(input: &str) -> FieldResult<BuyCode> {
        let symbols = code_symbols(input, 'W', BUY_SYMBOLS)
            .ok_or_else(|| FieldError::new("buy code", "W- and 6 characters, like W-XXXXXX"))?;
        let mut n = 0u64;
        for c in symbols {
            let v = crockford_value(c).ok_or_else(|| {
                FieldError::new("buy code", format!("'{c}' is not a code character"))
            })?;
            n = (n << 5) | v;
        }
        Ok(BuyCode::from_number(u32::try_from(n).unwrap_or(u32::MAX)))
    }

    /// The canonical text, `W-XXXXXX`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 30-bit number behind the code (what the store keeps).
    pub fn number(&self) -> u32 {
        self.0
            .chars()
            .skip(2)
            .filter_map(crockford_value)
            .fold(0, |n, v| (n << 5) | v as u32)
    }
}

impl fmt::Display for BuyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fan(n: u32) -> FanId {
        FanId(format!("{n:032x}"))
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + secs).unwrap()
    }

    fn seed() -> Seed {
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            .parse()
            .unwrap()
    }

    #[test]
    fn seeds_are_64_hex_characters_both_ways() {
        let s = seed();
        assert_eq!(s.0[31], 31);
        assert_eq!(
            s.to_string(),
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        );
        assert_eq!(s.to_string().to_uppercase().parse::<Seed>(), Ok(s));
        for bad in [
            "",
            "00",
            &"0".repeat(63),
            &"0".repeat(65),
            &"g".repeat(64),
            &"é".repeat(32),
        ] {
            assert_eq!(
                bad.parse::<Seed>().map_err(|e| e.to_string()),
                Err("seed: 64 hexadecimal characters".to_string())
            );
        }
    }

    #[test]
    fn the_draw_order_is_pinned_for_a_known_seed() {
        // A change to the algorithm changes every past draw: this must fail loudly.
        let entries: Vec<FanId> = (1..=5).map(fan).collect();
        let order: Vec<String> = draw(&seed(), &entries).into_iter().map(|f| f.0).collect();
        // Worked out independently: sort by sha256(seed || id as ASCII hex).
        assert_eq!(
            order,
            [
                "00000000000000000000000000000005",
                "00000000000000000000000000000001",
                "00000000000000000000000000000002",
                "00000000000000000000000000000003",
                "00000000000000000000000000000004",
            ]
        );
        let reversed: Vec<FanId> = (1..=5).rev().map(fan).collect();
        assert_eq!(draw(&seed(), &reversed), draw(&seed(), &entries));
    }

    #[test]
    fn duplicates_count_once_and_the_key_is_sha256_of_seed_and_id() {
        let entries = [fan(1), fan(2), fan(1), fan(2), fan(2)];
        let order = draw(&seed(), &entries);
        assert_eq!(order.len(), 2);
        let key = |f: &FanId| Sha256::digest([&seed().0[..], f.0.as_bytes()].concat());
        assert!(key(&order[0]) < key(&order[1]));
        assert!(draw(&seed(), &[]).is_empty());
        let other = Seed([9; 32]);
        let many: Vec<FanId> = (0..20).map(fan).collect();
        assert_ne!(draw(&seed(), &many), draw(&other, &many));
    }

    #[test]
    fn the_first_offers_go_to_the_first_units_fans() {
        let order: Vec<FanId> = (1..=5).map(fan).collect();
        assert_eq!(next_offers(&order, &[], 2, 600, at(0)), [fan(1), fan(2)]);
        assert_eq!(next_offers(&order, &[], 9, 600, at(0)), order);
        assert!(next_offers(&order, &[], 0, 600, at(0)).is_empty());
    }

    #[test]
    fn a_lapsed_offer_rolls_over_to_the_next_drawn_fan() {
        let order: Vec<FanId> = (1..=5).map(fan).collect();
        let offer = |n, bought| WinnerState {
            fan: fan(n),
            offered_at: at(0),
            bought,
        };
        let offered = [offer(1, true), offer(2, false)];
        // Fan 2 still has time: nothing to give.
        assert!(next_offers(&order, &offered, 2, 600, at(599)).is_empty());
        // Fan 2's window lapsed: their unit goes to fan 3, and fan 2 is not asked again.
        assert_eq!(next_offers(&order, &offered, 2, 600, at(600)), [fan(3)]);
        let later = [
            offer(1, true),
            offer(2, false),
            WinnerState {
                fan: fan(3),
                offered_at: at(600),
                bought: false,
            },
        ];
        assert!(next_offers(&order, &later, 2, 600, at(700)).is_empty());
        assert_eq!(next_offers(&order, &later, 2, 600, at(1200)), [fan(4)]);
        // Stock cut below what was sold: nothing more, no panic.
        assert!(next_offers(&order, &later, 0, 600, at(1200)).is_empty());
    }

    #[test]
    fn nothing_more_is_offered_once_every_entry_has_been() {
        let order: Vec<FanId> = (1..=3).map(fan).collect();
        let offered: Vec<WinnerState> = order
            .iter()
            .map(|f| WinnerState {
                fan: f.clone(),
                offered_at: at(0),
                bought: false,
            })
            .collect();
        assert!(next_offers(&order, &offered, 3, 60, at(3600)).is_empty());
    }

    #[test]
    fn the_window_counts_down_and_lapses() {
        assert_eq!(window_left(at(0), 600, at(0)), Some(600));
        assert_eq!(window_left(at(0), 600, at(599)), Some(1));
        assert_eq!(window_left(at(0), 600, at(600)), None);
        assert_eq!(window_left(at(0), 600, at(-5)), Some(605));
        let half = at(0)
            .checked_add(jiff::SignedDuration::from_millis(500))
            .unwrap();
        assert_eq!(window_left(at(0), 1, half), Some(1), "rounded up");
        assert_eq!(window_left(at(0), 0, at(0)), None);
        assert_eq!(window_left(at(0), -10, at(0)), None);
        assert_eq!(window_left(Timestamp::MAX, i64::MIN, Timestamp::MIN), None);
        assert_eq!(
            window_left(Timestamp::MAX, i64::MAX, Timestamp::MIN),
            Some(i64::MAX)
        );
    }

    #[test]
    fn buy_codes_round_trip_and_forgive_typing() {
        assert_eq!(BuyCode::from_number(0).as_str(), "W-000000");
        assert_eq!(BuyCode::from_number(u32::MAX).as_str(), "W-ZZZZZZ");
        let code = BuyCode::from_number(0b00001_00000_10101_11111_00001_01010);
        assert_eq!(code.as_str(), "W-10NZ1A");
        assert_eq!(code.to_string(), "W-10NZ1A");
        for typed in [
            "W-10NZ1A",
            "w10nz1a",
            "10NZ1A",
            " lonzia ",
            "W 10N Z1A",
            "W-W0NZ1A",
        ] {
            let expected = if typed == "W-W0NZ1A" {
                BuyCode::from_number(0b11100_00000_10101_11111_00001_01010)
            } else {
                code.clone()
            };
            assert_eq!(BuyCode::parse(typed), Ok(expected), "{typed}");
        }
        assert!(
            BuyCode::parse("")
                .unwrap_err()
                .to_string()
                .contains("6 characters")
        );
        assert!(
            BuyCode::parse("W-12345")
                .unwrap_err()
                .to_string()
                .contains("6 characters")
        );
        assert!(
            BuyCode::parse("W-1234567")
                .unwrap_err()
                .to_string()
                .contains("6 characters")
        );
        assert!(
            BuyCode::parse("W-12U456")
                .unwrap_err()
                .to_string()
                .contains("'U'")
        );
    }

    proptest! {
        #[test]
        fn the_draw_ignores_entry_order_and_keeps_every_distinct_fan(
            seed in any::<[u8; 32]>(),
            (entries, shuffled) in proptest::collection::vec(0u32..40, 0..60)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        ) {
            let seed = Seed(seed);
            let entries: Vec<FanId> = entries.into_iter().map(fan).collect();
            let shuffled: Vec<FanId> = shuffled.into_iter().map(fan).collect();
            let order = draw(&seed, &entries);
            prop_assert_eq!(&order, &draw(&seed, &shuffled));
            let mut sorted = order.clone();
            sorted.sort();
            let mut distinct = entries.clone();
            distinct.sort();
            distinct.dedup();
            prop_assert_eq!(sorted, distinct);
        }

        #[test]
        fn buy_codes_round_trip_and_parsing_never_panics(n in any::<u32>(), noise in "\\PC{0,40}") {
            let code = BuyCode::from_number(n);
            prop_assert_eq!(code.number(), n & BUY_BITS);
            prop_assert_eq!(BuyCode::parse(&code.as_str().to_lowercase()), Ok(code));
            let _ = BuyCode::parse(&noise);
            let _ = noise.parse::<Seed>();
        }
    }
}
