//! Unit tests of the order module.

use super::*;

fn line(price: i64, vat: u32, qty: u32) -> Line {
    Line {
        offer_id: 1,
        title: "x".into(),
        unit_price: Money::new(price, Currency::Eur),
        vat: VatRate(vat),
        qty,
        discount: 0,
        note: String::new(),
    }
}

#[test]
fn a_discount_is_shared_exactly_over_refunded_units() {
    let l = Line {
        discount: 100,
        ..line(500, 1900, 3)
    };
    assert_eq!(l.amount().minor, 1400);
    let parts = [l.units(0, 1), l.units(1, 1), l.units(2, 1)];
    assert_eq!(parts.iter().map(|p| p.discount).sum::<i64>(), 100);
    assert_eq!(parts.iter().map(|p| p.amount().minor).sum::<i64>(), 1400);
    assert_eq!(l.units(1, 5).qty, 2);
}

#[test]
fn exclusive_mode_adds_the_tax_on_top() {
    let lines = [line(1000, 825, 1), line(250, 0, 2)];
    let total = lines_total(&lines, VatMode::Exclusive, Currency::Usd);
    assert_eq!(total.minor, 1000 + 83 + 500);
    assert_eq!(
        lines_total(&lines, VatMode::Inclusive, Currency::Usd).minor,
        1500
    );
}

#[test]
fn vat_is_extracted_per_rate() {
    let lines = [line(1250, 1900, 1), line(300, 700, 2), line(500, 1900, 1)];
    let b = vat_breakdown(&lines, VatMode::Inclusive, Currency::Eur);
    assert_eq!(b.len(), 2);
    assert_eq!(b[0].rate, VatRate(700));
    assert_eq!(
        (b[0].gross.minor, b[0].vat.minor, b[0].net.minor),
        (600, 39, 561)
    );
    assert_eq!(
        (b[1].gross.minor, b[1].vat.minor, b[1].net.minor),
        (1750, 279, 1471)
    );
}

#[test]
fn vat_is_the_nearest_minor_unit_and_adds_up_to_the_total() {
    for price in (1..5_000).step_by(7) {
        for rate in [0, 500, 700, 1900, 2000, 2100, 2500] {
            let lines = [line(price, rate, 3), line(price + 1, 1900, 1)];
            let b = vat_breakdown(&lines, VatMode::Inclusive, Currency::Eur);
            let total: i64 = lines.iter().map(|l| l.amount().minor).sum();
            let sum: i64 = b.iter().map(|v| v.net.minor + v.vat.minor).sum();
            assert_eq!(sum, total, "price {price} rate {rate}");
            for v in &b {
                // |vat − gross·r/(1+r)| ≤ ½ minor unit, checked in exact integers.
                let (g, r) = (i128::from(v.gross.minor), i128::from(v.rate.0));
                let err = (i128::from(v.vat.minor) * (10_000 + r) - g * r).abs();
                assert!(2 * err <= 10_000 + r, "price {price} rate {rate}: {v:?}");
            }
        }
    }
}

#[test]
fn cash_gives_change_and_refuses_too_little() {
    let total = Money::new(1250, Currency::Eur);
    let t = settle(
        total,
        TenderKind::Cash,
        Some(Money::new(2000, Currency::Eur)),
    )
    .unwrap();
    assert_eq!(t.change, Money::new(750, Currency::Eur));
    assert!(matches!(
        settle(
            total,
            TenderKind::Cash,
            Some(Money::new(1000, Currency::Eur))
        ),
        Err(TenderError::TooLittle { .. })
    ));
    let qr = settle(total, TenderKind::Qr, None).unwrap();
    assert_eq!((qr.tendered, qr.change.minor), (total, 0));
}

#[test]
fn split_parts_pay_exactly_and_the_last_method_pays_the_rest() {
    let eur = |m| Money::new(m, Currency::Eur);
    let t = settle_split(
        eur(3000),
        &[(TenderKind::Card, eur(1000))],
        TenderKind::Cash,
        Some(eur(2500)),
    )
    .unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].kind, t[0].tendered, t[0].change),
        (TenderKind::Card, eur(1000), eur(0))
    );
    assert_eq!(
        (t[1].kind, t[1].tendered, t[1].change),
        (TenderKind::Cash, eur(2500), eur(500))
    );
    // A part as large as the total leaves nothing for the last method.
    let whole = settle_split(
        eur(3000),
        &[(TenderKind::Cash, eur(3000))],
        TenderKind::Card,
        None,
    );
    assert!(matches!(whole, Err(TenderError::Split(m)) if m.contains("leaves nothing")));
    let zero = settle_split(
        eur(3000),
        &[(TenderKind::Cash, eur(0))],
        TenderKind::Card,
        None,
    );
    assert!(matches!(zero, Err(TenderError::Split(_))));
    // Cash short on the rest is refused with what is owed on the rest.
    let short = settle_split(
        eur(3000),
        &[(TenderKind::Card, eur(1000))],
        TenderKind::Cash,
        Some(eur(1500)),
    );
    assert!(matches!(short, Err(TenderError::TooLittle { total, .. }) if total == eur(2000)));
    let gbp = settle_split(
        eur(3000),
        &[(TenderKind::Card, Money::new(100, Currency::Gbp))],
        TenderKind::Cash,
        None,
    );
    assert!(matches!(gbp, Err(TenderError::Currency { .. })));
}

#[test]
fn refunds_go_back_cash_first_and_partial_refunds_add_up() {
    let eur = |m| Money::new(m, Currency::Eur);
    let tenders = settle_split(
        eur(3000),
        &[(TenderKind::Card, eur(1000))],
        TenderKind::Cash,
        Some(eur(2500)),
    )
    .unwrap();
    // Cash kept in the drawer: 2500 − 500 change = 2000.
    assert_eq!(
        refund_routes(&tenders, eur(0), eur(3000)),
        vec![(TenderKind::Cash, eur(2000)), (TenderKind::Card, eur(1000))]
    );
    assert_eq!(
        refund_routes(&tenders, eur(0), eur(1500)),
        vec![(TenderKind::Cash, eur(1500))]
    );
    assert_eq!(
        refund_routes(&tenders, eur(1500), eur(1500)),
        vec![(TenderKind::Cash, eur(500)), (TenderKind::Card, eur(1000))]
    );
    let card_only = settle(eur(999), TenderKind::Card, None).unwrap();
    assert_eq!(
        refund_routes(&[card_only], eur(0), eur(999)),
        vec![(TenderKind::Card, eur(999))]
    );
}

#[test]
fn typed_tips_are_amounts_or_percentages_within_reason() {
    let total = Money::new(2000, Currency::Eur);
    assert_eq!(parse_tip("2.50", total), Ok(Money::new(250, Currency::Eur)));
    assert_eq!(
        parse_tip(" 12% ", total),
        Ok(Money::new(240, Currency::Eur))
    );
    assert_eq!(parse_tip("0", total), Ok(Money::new(0, Currency::Eur)));
    assert!(
        parse_tip("150%", total)
            .unwrap_err()
            .to_string()
            .contains("0% to 100%")
    );
    assert!(
        parse_tip("-1", total)
            .unwrap_err()
            .to_string()
            .starts_with("tip:")
    );
    assert!(
        parse_tip("abc", total)
            .unwrap_err()
            .to_string()
            .starts_with("tip:")
    );
    assert!(
        parse_tip("1000.01", total)
            .unwrap_err()
            .to_string()
            .contains("at most ten times")
    );
    let yen = Money::new(500, Currency::Jpy);
    assert_eq!(parse_tip("100", yen), Ok(Money::new(100, Currency::Jpy)));
}

#[test]
fn tips_round_half_up() {
    assert_eq!(
        tip_percent(Money::new(1250, Currency::Eur), 10),
        Money::new(125, Currency::Eur)
    );
    assert_eq!(
        tip_percent(Money::new(1250, Currency::Eur), 15),
        Money::new(188, Currency::Eur)
    );
    assert_eq!(tip_percent(Money::new(999, Currency::Eur), 0).minor, 0);
}

#[test]
fn receipt_numbers_round_trip() {
    let n = ReceiptNo {
        station: "K1".into(),
        seq: 42,
    };
    assert_eq!(n.to_string(), "K1-000042");
    assert_eq!("k1-000042".parse::<ReceiptNo>(), Ok(n));
    assert!("K1".parse::<ReceiptNo>().is_err());
    assert!("K1-12a".parse::<ReceiptNo>().is_err());
}

#[test]
fn cart_merges_and_removes() {
    let offer = Offer {
        id: 7,
        title: "Poster".into(),
        price: Money::new(1250, Currency::Eur),
        vat: VatRate(1900),
        kind: super::super::catalogue::OfferKind::Item,
        remaining: None,
        held: 0,
        grants_priority: false,
        look: Default::default(),
        variant_of: None,
        cost: 0,
        archived: false,
        pass_credit: 0,
        key: String::new(),
        lane: None,
    };
    let mut cart = Cart::default();
    cart.add(&offer);
    cart.add(&offer);
    assert_eq!(cart.qty_of(7), 2);
    assert_eq!(cart.items(), vec![(7, 2)]);
    cart.add_bundle(3);
    cart.add_bundle(3);
    cart.remove_bundle(3);
    assert_eq!(cart.bundles, vec![(3, 1)]);
    cart.remove_bundle(3);
    cart.remove_one(7);
    cart.remove_one(7);
    assert!(cart.is_empty());
}
