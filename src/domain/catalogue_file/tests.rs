//! Rows to offers and back, in JSON and CSV.

use super::*;

fn gig() -> OfferRow {
    OfferRow {
        title: "60-second shoutout".into(),
        kind: "gig".into(),
        price: "5.00".into(),
        vat: "19".into(),
        duration_mins: Some(1),
        capacity: Some(120),
        lane: Some("a".into()),
        ..OfferRow::default()
    }
}

#[test]
fn a_good_row_becomes_an_offer_and_back() {
    let offer = gig().to_offer(Currency::Eur).unwrap();
    assert_eq!(offer.price, Money::new(500, Currency::Eur));
    assert_eq!((offer.vat, offer.lane), (VatRate(1900), Some('A')));
    let back = OfferRow::of(&offer);
    assert_eq!(back.to_offer(Currency::Eur).unwrap(), offer);
    assert_eq!(parse_vat("vat", "7.5").unwrap(), VatRate(750));
    assert_eq!(parse_vat("vat", "7,25%").unwrap(), VatRate(725));
}

#[test]
fn each_bad_field_is_named_with_its_rule() {
    let cases: Vec<(OfferRow, &str)> = vec![
        (
            OfferRow {
                title: " ".into(),
                ..gig()
            },
            "title: 1 to 80 characters (has 0)",
        ),
        (
            OfferRow {
                title: "x".repeat(81),
                ..gig()
            },
            "title: 1 to 80 characters (has 81)",
        ),
        (
            OfferRow {
                price: "100000.01".into(),
                ..gig()
            },
            "price: at most €100000.00",
        ),
        (
            OfferRow {
                vat: "31".into(),
                ..gig()
            },
            "vat: a percentage from 0 to 30",
        ),
        (
            OfferRow {
                duration_mins: Some(241),
                ..gig()
            },
            "duration_mins: a gig lasts 1 to 240 minutes",
        ),
        (
            OfferRow {
                stock: Some(3),
                ..gig()
            },
            "stock: only drops have one (this is a gig)",
        ),
        (
            OfferRow {
                lane: Some("AB".into()),
                ..gig()
            },
            "lane: one letter A to Z (not 'AB')",
        ),
        (
            OfferRow {
                kind: "raffle".into(),
                ..gig()
            },
            "kind: gig, drop or item (not 'raffle')",
        ),
    ];
    for (row, want) in cases {
        let got = row.to_offer(Currency::Eur).unwrap_err().to_string();
        assert!(got.starts_with(want), "{got} / {want}");
    }
    let drop = OfferRow {
        kind: "drop".into(),
        duration_mins: None,
        capacity: None,
        lane: None,
        stock: Some(5),
        go_live: Some("2026-11-21T21:00:00+01:00".into()),
        close: Some("2026-11-21T20:00:00+01:00".into()),
        ..gig()
    };
    assert_eq!(
        drop.to_offer(Currency::Eur).unwrap_err().to_string(),
        "close: must be after go_live"
    );
    let no_go_live = OfferRow {
        go_live: None,
        close: None,
        ..drop.clone()
    };
    assert_eq!(
        no_go_live.to_offer(Currency::Eur).unwrap_err().to_string(),
        "go_live: a drop needs its go-live time"
    );
    let bad_time = OfferRow {
        go_live: Some("tonight".into()),
        ..drop
    };
    assert!(
        bad_time
            .to_offer(Currency::Eur)
            .unwrap_err()
            .to_string()
            .starts_with("go_live: a date and time")
    );
}

#[test]
fn csv_rows_carry_their_line_numbers() {
    let offers = vec![gig().to_offer(Currency::Eur).unwrap()];
    let csv = to_csv(&offers).unwrap();
    assert!(csv.starts_with("title,kind,price,vat,duration_mins"));
    let rows = from_csv(&csv).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 2);
    assert_eq!(
        rows[0].1.as_ref().unwrap().to_offer(Currency::Eur).unwrap(),
        offers[0]
    );
    let bad =
        from_csv("title,kind,price,vat\nPoster,item,12.50,19\nMug,item,x,19,extra\n").unwrap();
    assert!(bad[0].1.is_ok());
    assert_eq!(bad[1].0, 3);
    let json = to_json(&offers, Currency::Eur);
    assert_eq!(
        from_json(&json, Currency::Eur).unwrap()[0].1,
        OfferRow::of(&offers[0])
    );
    assert!(
        from_json(&json, Currency::Gbp)
            .unwrap_err()
            .to_string()
            .starts_with("currency:")
    );
}
