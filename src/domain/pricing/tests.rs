//! Unit tests of the pricing module.

use proptest::prelude::*;

use super::*;

const EUR: Currency = Currency::Eur;

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn discount(id: i64, off: DiscountOff) -> Discount {
    Discount {
        id,
        name: "Early bird".into(),
        off,
        offers: vec![7],
        starts: at(1_000),
        ends: at(2_000),
        max_uses: None,
        used: 0,
    }
}

fn minors(lines: &[VatLine]) -> Vec<(u32, i64, i64, i64)> {
    lines
        .iter()
        .map(|l| (l.rate.0, l.gross.minor, l.vat.minor, l.net.minor))
        .collect()
}

#[test]
fn vat_mode_names_labels_and_parsing() {
    assert_eq!(VatMode::default(), VatMode::Inclusive);
    assert_eq!(VatMode::Exclusive.name(), "exclusive");
    assert_eq!(VatMode::Inclusive.label(), "Prices include VAT");
    assert_eq!(VatMode::Exclusive.label(), "Tax added at checkout");
    assert_eq!(" Exclusive ".parse(), Ok(VatMode::Exclusive));
    assert_eq!(
        "net".parse::<VatMode>(),
        Err("VAT mode: use inclusive or exclusive".to_string())
    );
    let json = serde_json::to_string(&VatMode::Inclusive).unwrap();
    assert_eq!(json, "\"inclusive\"");
}

#[test]
fn sales_tax_is_added_on_top() {
    // 8.875 % (New York City) is 887.5 bp, which VatRate cannot hold; 8.88 % rounds the same.
    let lines = tax_breakdown(&[(VatRate(888), 1_000)], VatMode::Exclusive, Currency::Usd);
    assert_eq!(minors(&lines), [(888, 1_089, 89, 1_000)]);
    assert_eq!(total_of(&lines, Currency::Usd).to_string(), "$10.89");
    let yen = tax_breakdown(&[(VatRate(800), 999)], VatMode::Exclusive, Currency::Jpy);
    assert_eq!(minors(&yen), [(800, 1_079, 80, 999)]);
    let refund = tax_breakdown(&[(VatRate(888), -1_000)], VatMode::Exclusive, EUR);
    assert_eq!(minors(&refund), [(888, -1_089, -89, -1_000)]);
}

#[test]
fn inclusive_vat_is_contained_once_per_rate() {
    let lines = tax_breakdown(&[(VatRate(1900), 297)], VatMode::Inclusive, EUR);
    assert_eq!(minors(&lines), [(1900, 297, 47, 250)]);
    let mixed = [
        (VatRate(1900), 500),
        (VatRate(700), 300),
        (VatRate(1900), 250),
    ];
    let ours = tax_breakdown(&mixed, VatMode::Inclusive, EUR);
    assert_eq!(minors(&ours), [(700, 300, 20, 280), (1900, 750, 120, 630)]);
    assert_eq!(total_of(&ours, EUR).minor, 1_050);
    assert!(tax_breakdown(&[], VatMode::Exclusive, EUR).is_empty());
}

#[test]
fn discounts_take_off_what_they_say() {
    let twenty = discount(1, DiscountOff::Percent(2_000));
    assert_eq!(twenty.unit_off(799), 160);
    assert_eq!(twenty.unit_off(0), 0);
    assert_eq!(twenty.unit_off(-500), 0);
    assert_eq!(discount(1, DiscountOff::Percent(250)).unit_off(100), 3);
    assert_eq!(discount(1, DiscountOff::Percent(10_000)).unit_off(799), 799);
    assert_eq!(discount(1, DiscountOff::Amount(200)).unit_off(799), 200);
    assert_eq!(discount(1, DiscountOff::Amount(500)).unit_off(300), 300);
    assert_eq!(discount(1, DiscountOff::Amount(-5)).unit_off(300), 0);
    assert_eq!(twenty.label(EUR), "-20%");
    assert_eq!(
        discount(1, DiscountOff::Percent(1_250)).label(EUR),
        "-12.5%"
    );
    assert_eq!(discount(1, DiscountOff::Amount(200)).label(EUR), "-€2.00");
}

#[test]
fn discount_windows_and_caps() {
    let mut d = discount(1, DiscountOff::Percent(2_000));
    assert!(!d.is_active(at(999)));
    assert!(d.is_active(at(1_000)));
    assert!(d.is_active(at(1_999)));
    assert!(!d.is_active(at(2_000)));
    assert_eq!(d.ends_in_secs(at(1_000)), 1_000);
    assert_eq!(d.ends_in_secs(at(2_500)), 0);
    d.max_uses = Some(3);
    d.used = 2;
    assert!(d.is_active(at(1_500)));
    d.used = 3;
    assert!(!d.is_active(at(1_500)));
}

#[test]
fn discount_validation_names_the_field() {
    let ok = discount(1, DiscountOff::Percent(2_000));
    assert_eq!(ok.validate(EUR), Ok(()));
    let check = |change: &dyn Fn(&mut Discount)| {
        let mut d = ok.clone();
        change(&mut d);
        d.validate(EUR).unwrap_err().to_string()
    };
    assert_eq!(check(&|d| d.name = "  ".into()), "name: 1 to 40 characters");
    assert_eq!(
        check(&|d| d.name = "x".repeat(41)),
        "name: 1 to 40 characters"
    );
    let percent = "percent: from 0.01 % to 100 %";
    assert_eq!(check(&|d| d.off = DiscountOff::Percent(0)), percent);
    assert_eq!(check(&|d| d.off = DiscountOff::Percent(10_001)), percent);
    assert_eq!(
        check(&|d| d.off = DiscountOff::Amount(0)),
        "amount: more than 0 and at most €999999999.99"
    );
    assert_eq!(check(&|d| d.ends = d.starts), "ends: must be after starts");
    assert_eq!(
        check(&|d| d.offers.clear()),
        "offers: choose at least one offer"
    );
    assert_eq!(check(&|d| d.max_uses = Some(0)), "cap: at least 1 use");
}

#[test]
fn the_best_discount_wins_and_ties_go_to_the_lowest_id() {
    let mut ended = discount(1, DiscountOff::Percent(9_000));
    ended.ends = at(1_200);
    let mut other_offer = discount(2, DiscountOff::Percent(9_000));
    other_offer.offers = vec![8];
    let all = [
        ended,
        other_offer,
        discount(5, DiscountOff::Amount(160)),
        discount(4, DiscountOff::Percent(2_000)),
        discount(6, DiscountOff::Amount(100)),
    ];
    let best = best_discount(&all, 7, 799, at(1_500)).map(|d| d.id);
    assert_eq!(best, Some(4), "€1.60 off either way; id 4 is lower");
    assert_eq!(best_discount(&all, 7, 0, at(1_500)), None);
    assert_eq!(best_discount(&all, 9, 799, at(1_500)), None);
    assert_eq!(best_discount(&all, 7, 799, at(3_000)), None);
}

#[test]
fn bundles_spread_the_saving() {
    assert_eq!(
        bundle_discounts(2_000, &[(1, 1_500), (1, 1_000)], EUR),
        Ok(vec![300, 200])
    );
    let three = [(1, 1_000), (1, 1_000), (1, 1_000)];
    assert_eq!(
        bundle_discounts(2_000, &three, EUR),
        Ok(vec![334, 333, 333])
    );
    assert_eq!(
        bundle_discounts(2_500, &[(1, 1_500), (1, 1_000)], EUR),
        Ok(vec![0, 0])
    );
    assert_eq!(bundle_discounts(0, &[(2, 990)], EUR), Ok(vec![1_980]));
    let need_two = Err("parts: a bundle needs at least two offers".to_string());
    assert_eq!(
        bundle_discounts(500, &[], EUR).map_err(|e| e.to_string()),
        need_two
    );
    assert_eq!(
        bundle_discounts(500, &[(1, 990), (0, 500)], EUR).map_err(|e| e.to_string()),
        need_two
    );
    assert_eq!(
        bundle_discounts(2_600, &[(1, 1_500), (1, 1_000)], EUR).map_err(|e| e.to_string()),
        Err(
            "price: a bundle must not cost more than its parts bought one by one (€25.00)"
                .to_string()
        )
    );
    assert!(
        bundle_discounts(-1, &[(2, 990)], EUR)
            .unwrap_err()
            .to_string()
            .starts_with("price:")
    );
    assert!(
        bundle_discounts(1, &[(2, -990)], EUR)
            .unwrap_err()
            .to_string()
            .starts_with("parts:")
    );
    let huge = bundle_discounts(1, &[(u32::MAX, i64::MAX)], EUR)
        .unwrap_err()
        .to_string();
    assert!(huge.starts_with("parts: together"), "{huge}");
}

fn shares(list: &[(&str, Share)]) -> Vec<(String, Share)> {
    list.iter().map(|(n, s)| (n.to_string(), *s)).collect()
}

fn owned(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(n, a)| (n.to_string(), *a)).collect()
}

#[test]
fn splits_add_up_to_the_amount() {
    let third = shares(&[("Ana", Share::Percent(3_333))]);
    assert_eq!(
        split(1_000, 1, &third, "Mara"),
        owned(&[("Ana", 333), ("Mara", 667)])
    );
    assert_eq!(
        split(-1_000, 1, &third, "Mara"),
        owned(&[("Ana", -333), ("Mara", -667)])
    );
    let three = shares(&[
        ("Ana", Share::Percent(3_333)),
        ("Ben", Share::Percent(3_333)),
        ("Cy", Share::Percent(3_333)),
    ]);
    assert_eq!(
        split(100, 1, &three, "Mara"),
        owned(&[("Ana", 34), ("Ben", 33), ("Cy", 33), ("Mara", 0)])
    );
    let mixed = shares(&[
        ("Ana", Share::Percent(5_000)),
        ("Ben", Share::Fixed(150)),
        ("Cy", Share::Fixed(400)),
    ]);
    // Ben 2 × €1.50, Cy capped at the €7.00 left of €10.00, Ana half of nothing.
    assert_eq!(
        split(1_000, 2, &mixed, "Mara"),
        owned(&[("Ana", 0), ("Ben", 300), ("Cy", 700), ("Mara", 0)])
    );
    assert_eq!(
        split(2_000, 2, &mixed, "Mara"),
        owned(&[("Ana", 450), ("Ben", 300), ("Cy", 800), ("Mara", 450)])
    );
    assert_eq!(split(1_000, 1, &[], "Mara"), owned(&[("Mara", 1_000)]));
}

#[test]
fn share_validation_names_the_rule() {
    assert_eq!(
        validate_shares(&shares(&[("Ana", Share::Percent(10_000))])),
        Ok(())
    );
    let err = |list: &[(&str, Share)]| validate_shares(&shares(list)).unwrap_err().to_string();
    assert_eq!(
        err(&[("", Share::Fixed(1))]),
        "collaborator name: 1 to 40 characters"
    );
    assert!(err(&[("Ana", Share::Fixed(1)), ("ana ", Share::Fixed(2))]).contains("twice"));
    assert_eq!(
        err(&[("Ana", Share::Fixed(-1))]),
        "fixed share of Ana: 0 or more"
    );
    assert_eq!(
        err(&[
            ("Ana", Share::Percent(6_000)),
            ("Ben", Share::Percent(5_000))
        ]),
        "percent shares: at most 100 % together (now 110%)"
    );
}

#[test]
fn tender_fees() {
    let card = Fee {
        percent_bp: 150,
        fixed: 25,
    };
    assert_eq!(card.on(1_000), 40);
    assert_eq!(card.on(0), 0);
    assert_eq!(card.on(-1_000), 0);
    assert_eq!(
        Fee {
            percent_bp: 175,
            fixed: 0
        }
        .on(1_000),
        18
    );
    assert_eq!(
        Fee {
            percent_bp: 290,
            fixed: 0
        }
        .on(1_050),
        30
    );
    assert_eq!(card.validate(), Ok(()));
    let steep = Fee {
        percent_bp: 1_001,
        fixed: 0,
    };
    assert_eq!(
        steep.validate().map_err(|e| e.to_string()),
        Err("fee percent: at most 10 %".into())
    );
    let negative = Fee {
        percent_bp: 0,
        fixed: -1,
    };
    assert_eq!(
        negative.validate().map_err(|e| e.to_string()),
        Err("fixed fee: 0 or more".into())
    );
}

#[test]
fn margins_per_offer_and_minute() {
    let gig = margin(3, 3, 3_000, 90, 400, Some(5));
    assert_eq!((gig.cost, gig.margin, gig.minutes), (1_200, 1_710, 15));
    assert_eq!(gig.per_minute(), Some(114));
    let item = margin(4, 2, 1_000, 0, 600, None);
    assert_eq!((item.margin, item.per_minute()), (-200, None));
    assert_eq!(margin(5, 10, 0, 0, 0, Some(1)).per_minute(), Some(0));
    assert_eq!(margin(5, 4, 0, 10, 0, Some(1)).per_minute(), Some(-3));
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::ALL.to_vec())
}

proptest! {
    /// Lines, breakdown and total agree to the minor unit, and each rate's tax is the exact
    /// tax rounded to the nearest minor unit.
    #[test]
    fn tax_breakdown_adds_up(
        currency in currency(),
        exclusive in any::<bool>(),
        raw in prop::collection::vec((0_u32..=3_000, any::<i64>()), 0..20),
    ) {
        let mode = if exclusive { VatMode::Exclusive } else { VatMode::Inclusive };
        let cap = currency.max_minor() / 100;
        let lines: Vec<(VatRate, i64)> =
            raw.iter().map(|&(r, a)| (VatRate(r), a % cap)).collect();
        let breakdown = tax_breakdown(&lines, mode, currency);
        let total = total_of(&breakdown, currency);
        prop_assert_eq!(total.currency, currency);
        let lines_sum: i64 = lines.iter().map(|l| l.1).sum();
        let vat_sum: i64 = breakdown.iter().map(|l| l.vat.minor).sum();
        let gross_sum: i64 = breakdown.iter().map(|l| l.gross.minor).sum();
        prop_assert_eq!(gross_sum, total.minor);
        match mode {
            VatMode::Inclusive => prop_assert_eq!(total.minor, lines_sum),
            VatMode::Exclusive => prop_assert_eq!(total.minor - lines_sum, vat_sum),
        }
        prop_assert!(breakdown.windows(2).all(|w| w[0].rate < w[1].rate));
        for l in &breakdown {
            prop_assert_eq!(l.net.minor + l.vat.minor, l.gross.minor);
            let r = i128::from(l.rate.0);
            let s: i128 = lines.iter().filter(|x| x.0 == l.rate).map(|x| i128::from(x.1)).sum();
            let den = if exclusive { 10_000 } else { 10_000 + r };
            let miss = (i128::from(l.vat.minor) * den - s * r).abs();
            prop_assert!(2 * miss <= den, "rate {} sum {s} vat {}", r, l.vat.minor);
        }
    }

    /// A bundle's part lines sum to its price exactly, each discount within its part.
    #[test]
    fn bundle_lines_sum_to_the_price(
        currency in currency(),
        parts in prop::collection::vec((0_u32..5, 0_i64..1_000_000), 1..6),
        permille in 0_i128..=1_000,
    ) {
        let sum: i128 = parts.iter().map(|&(q, p)| i128::from(q) * i128::from(p)).sum();
        let price = i64::try_from(sum * permille / 1_000).unwrap();
        match bundle_discounts(price, &parts, currency) {
            Ok(discounts) => {
                prop_assert_eq!(discounts.len(), parts.len());
                let mut charged = 0_i64;
                for (&(q, p), &d) in parts.iter().zip(&discounts) {
                    let list = i64::from(q) * p;
                    prop_assert!((0..=list).contains(&d), "{d} off {list}");
                    charged += list - d;
                }
                prop_assert_eq!(charged, price);
            }
            Err(e) => {
                let units: u32 = parts.iter().map(|p| p.0).sum();
                prop_assert!(units < 2, "{e}");
            }
        }
    }

    /// Collaborators and owner always share exactly the amount, each with its sign.
    #[test]
    fn splits_never_lose_or_invent_money(
        amount in any::<i64>(),
        units in 0_u32..50,
        list in prop::collection::vec(
            prop_oneof![
                (0_u32..=6_000).prop_map(Share::Percent),
                (-100_i64..1_000_000).prop_map(Share::Fixed),
            ],
            0..5,
        ),
    ) {
        let named: Vec<(String, Share)> =
            list.iter().enumerate().map(|(i, s)| (format!("c{i}"), *s)).collect();
        let parts = split(amount, units, &named, "owner");
        prop_assert_eq!(parts.len(), named.len() + 1);
        prop_assert_eq!(parts.last().map(|p| p.0.as_str()), Some("owner"));
        let total: i128 = parts.iter().map(|p| i128::from(p.1)).sum();
        prop_assert_eq!(total, i128::from(amount));
        for (name, part) in &parts {
            prop_assert!(amount < 0 || *part >= 0, "{name}: {part} of {amount}");
            prop_assert!(amount > 0 || *part <= 0, "{name}: {part} of {amount}");
        }
    }

    /// Discounts and fees stay within the price whatever the input.
    #[test]
    fn discounts_and_fees_never_panic(price in any::<i64>(), bp in any::<u32>(), minor in any::<i64>()) {
        for off in [DiscountOff::Percent(bp), DiscountOff::Amount(minor)] {
            let taken = discount(1, off).unit_off(price);
            prop_assert!(taken >= 0 && taken <= price.max(0));
        }
        let _ = Fee { percent_bp: bp, fixed: minor }.on(price);
        let _ = margin(1, bp, price, minor, price, Some(bp)).per_minute();
    }
}
