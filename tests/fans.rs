//! Fans and members: per-fan drop limits across orders, a membership pass that signs the fan up
//! with credit, member credit as a tender (and back on refund), members called ahead, member
//! cards, and the same at the kiosk and the CLI.

mod support;

use support::AsCreator as _;

use egui_kittest::kittest::Queryable as _;
use encore::domain::order::{Receipt, TenderKind};
use encore::service::{Pos, PosError, RefundRequest, SaleRequest};
use support::{TestClock, TestDb, kiosk_harness, offer_id, type_into, wait};

const PIN: &str = "2468";

/// A sale of one offer by `tender` for the fan typed as `fan`.
fn sell_to(
    pos: &mut Pos,
    title: &str,
    qty: u32,
    tender: TenderKind,
    fan: &str,
) -> Result<Receipt, PosError> {
    let mut req = SaleRequest::new(
        pos.start_checkout()?,
        vec![(offer_id(pos, title), qty)],
        tender,
    );
    req.fan = Some(fan.to_string());
    pos.sell(&req)
}

#[test]
fn a_drop_limit_counts_what_the_same_fan_bought_before_however_they_type_it() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    sell_to(
        &mut pos,
        "Signed tour poster",
        1,
        TenderKind::Card,
        "+49 170 1234567",
    )
    .unwrap();
    sell_to(
        &mut pos,
        "Signed tour poster",
        1,
        TenderKind::Card,
        "+491701234567",
    )
    .unwrap();
    let third = sell_to(
        &mut pos,
        "Signed tour poster",
        1,
        TenderKind::Card,
        "+49 (170) 123-4567",
    );
    let refusal = third.unwrap_err().to_string();
    assert_eq!(
        refusal,
        "Signed tour poster: 2 per fan, and this fan has 2 already"
    );
    assert_eq!(
        support::remaining(&pos, "Signed tour poster"),
        Some(23),
        "nothing taken"
    );
    sell_to(
        &mut pos,
        "Signed tour poster",
        2,
        TenderKind::Card,
        "ana@example.org",
    )
    .unwrap();
    let fan = pos.identify("ANA@example.org").unwrap();
    assert_eq!(fan.orders_before, 1, "a repeat buyer is recognised");
    assert!(pos.identify("not a contact").is_err());
}

#[test]
fn a_pass_signs_the_fan_up_and_their_credit_pays_and_comes_back_on_refund() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    let refused = sell_to(
        &mut pos,
        "Fan club pass (€10 credit)",
        1,
        TenderKind::Card,
        "",
    );
    assert!(refused.unwrap_err().to_string().starts_with("fan:"));
    let pass = sell_to(
        &mut pos,
        "Fan club pass (€10 credit)",
        1,
        TenderKind::Card,
        "@ana_v",
    )
    .unwrap();
    let member = pass.member.clone().expect("the pass made a member");
    assert_eq!(
        (member.name.as_str(), member.credit.minor),
        ("@ana_v", 1000)
    );
    assert_eq!(pos.members().unwrap().len(), 1);

    // Next visit: the member card is scanned; the happy-hour postcard is paid from credit.
    let card = format!("ENCORE-MEMBER:{}", member.code);
    let postcard = sell_to(&mut pos, "Signed postcard", 1, TenderKind::Credit, &card).unwrap();
    assert_eq!(postcard.total.minor, 240);
    assert_eq!(postcard.member.as_ref().unwrap().credit.minor, 760);
    let too_much = sell_to(
        &mut pos,
        "5-minute meet & greet",
        1,
        TenderKind::Credit,
        &member.code,
    );
    assert!(
        too_much
            .unwrap_err()
            .to_string()
            .starts_with("member credit: €7.60 left")
    );
    assert_eq!(
        pos.member(&member.code).unwrap().credit.minor,
        760,
        "nothing half-written"
    );

    pos.with_pin(PIN, |p, g| {
        p.refund(
            &RefundRequest {
                receipt: postcard.number.clone(),
                lines: None,
                reason: "changed mind".into(),
            },
            g,
        )
    })
    .unwrap();
    assert_eq!(
        pos.member(&member.code).unwrap().credit.minor,
        1000,
        "credit back"
    );
    let fan = pos.identify(&member.code).unwrap();
    assert_eq!(fan.orders_before, 2);
    assert!(fan.label().contains("member"));
}

#[test]
fn members_are_called_ahead_within_the_fairness_rule() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    let member = pos.add_member("Jun", Some("jun@example.org")).unwrap();
    support::sell(&mut pos, &[("60-second shoutout", 1)], TenderKind::Cash);
    sell_to(
        &mut pos,
        "60-second shoutout",
        1,
        TenderKind::Cash,
        "JUN@example.org",
    )
    .unwrap();
    let tickets = pos.all_tickets().unwrap();
    let flags: Vec<bool> = tickets.iter().map(|t| t.priority).collect();
    assert_eq!(
        flags,
        vec![false, true],
        "the member's ticket is a priority ticket"
    );
    assert_eq!(pos.identify(member.code.as_str()).unwrap().orders_before, 1);
    let again = pos.add_member("Jun again", Some("jun@example.org"));
    let refusal = again.unwrap_err().to_string();
    assert!(
        refusal.starts_with("contact: already a member"),
        "{refusal}"
    );
}

#[test]
fn a_member_card_is_a_pdf_whose_qr_names_the_member() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    let m = pos.add_member("Ana", None).unwrap();
    let pdf = encore::pdf::member_card_pdf(&m.name, &m.code, &pos.event().name).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    let text = doc.extract_text(&[1]).unwrap_or_default();
    assert!(text.contains(m.code.as_str()), "code printed: {text}");
}

#[test]
fn at_the_kiosk_a_member_pays_with_credit_in_three_taps_after_the_card_is_scanned() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let pass = sell_to(
        &mut pos,
        "Fan club pass (€10 credit)",
        1,
        TenderKind::Card,
        "@mo",
    )
    .unwrap();
    let code = pass.member.unwrap().code;
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label_contains("60-second shoutout\n€5.00").click(); // tap 1
    h.run();
    type_into(&mut h, "Fan", &code);
    h.get_by_label("Identify").click();
    h.run();
    assert!(
        h.query_all_by_label_contains("@mo · member")
            .next()
            .is_some()
    );
    h.get_by_label_contains("Member credit (€10.00)").click(); // tap 2
    h.run();
    wait(&mut h, 1.0);
    h.get_by_label("Take from credit").click(); // tap 3
    h.run();
    let encore::ui::Payment::Paid { receipt, .. } = &h.state().payment else {
        panic!("not paid: {:?}", h.state().notice())
    };
    assert_eq!(receipt.member.as_ref().unwrap().credit.minor, 500);
    assert_eq!(receipt.tenders[0].kind, TenderKind::Credit);
    h.get_by_label("Next fan").click();
    h.run();
    assert!(
        h.query_all_by_label_contains("@mo · member")
            .next()
            .is_none(),
        "the next fan starts anonymous"
    );
}

#[test]
fn a_lottery_drop_sells_once_to_a_drawn_fan_who_shows_their_buy_code() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let vinyl = offer_id(&pos, "Vinyl test pressing");
    let close = jiff::Timestamp::from_second(support::T0 + 10 * 60).unwrap();
    pos.with_pin(PIN, |p, g| p.set_lottery(vinyl, close, 15, g))
        .unwrap();
    let codes: Vec<String> = (0..7)
        .map(|i| {
            pos.enter_lottery(vinyl, &format!("fan{i}@example.org"))
                .unwrap()
                .code
                .to_string()
        })
        .collect();
    clock.advance_secs(11 * 60);
    let drawn = pos
        .with_pin(PIN, |p, g| p.draw_lottery(vinyl, None, g))
        .unwrap();
    assert_eq!(drawn.offered.len(), 5, "five units, five drawn fans");
    let winner = drawn.offered[0].1.to_string();
    let loser = codes
        .iter()
        .find(|c| drawn.offered.iter().all(|o| o.1.to_string() != **c))
        .unwrap();

    let no_fan = pos.check_fan_rules(&[(vinyl, 1)], None, TenderKind::Card);
    assert!(
        no_fan
            .unwrap_err()
            .to_string()
            .contains("only drawn fans can buy it")
    );
    assert!(
        pos.check_fan_rules(&[(vinyl, 1)], Some(loser), TenderKind::Card)
            .is_err()
    );
    pos.check_fan_rules(&[(vinyl, 1)], Some(&winner), TenderKind::Card)
        .unwrap();
    let winner_no = codes.iter().position(|c| *c == winner).unwrap();
    let contact = format!("fan{winner_no}@example.org");
    let by_contact = pos.check_fan_rules(&[(vinyl, 1)], Some(&contact), TenderKind::Card);
    let refusal = by_contact.unwrap_err().to_string();
    assert!(refusal.contains("type the fan's buy code"), "{refusal}");
    let bought = sell_to(
        &mut pos,
        "Vinyl test pressing",
        1,
        TenderKind::Card,
        &winner,
    )
    .unwrap();
    assert_eq!(bought.claims.len(), 1);
    let again = sell_to(
        &mut pos,
        "Vinyl test pressing",
        1,
        TenderKind::Card,
        &winner,
    );
    let refusal = again.unwrap_err().to_string();
    assert_eq!(
        refusal,
        "Vinyl test pressing: 1 per fan, and this fan has 1 already"
    );
    assert_eq!(support::remaining(&pos, "Vinyl test pressing"), Some(4));
    // The creator ends the lottery: what is left sells to anyone, one per order.
    assert!(
        pos.with_pin("1111", |p, g| p.end_lottery(vinyl, g))
            .is_err(),
        "creator PIN needed"
    );
    assert!(
        sell_to(
            &mut pos,
            "Vinyl test pressing",
            1,
            TenderKind::Card,
            "@walkin"
        )
        .is_err()
    );
    pos.with_pin(PIN, |p, g| p.end_lottery(vinyl, g)).unwrap();
    assert!(pos.lotteries().unwrap().is_empty());
    sell_to(
        &mut pos,
        "Vinyl test pressing",
        1,
        TenderKind::Card,
        "@walkin",
    )
    .unwrap();
    assert_eq!(support::remaining(&pos, "Vinyl test pressing"), Some(3));
}

#[test]
fn credit_needs_a_member_and_a_refunded_pass_takes_its_credit_back() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    let stranger = sell_to(
        &mut pos,
        "Signed postcard",
        1,
        TenderKind::Credit,
        "@nobody",
    );
    assert!(
        stranger
            .unwrap_err()
            .to_string()
            .starts_with("member credit: this fan is not a member")
    );
    let pass = sell_to(
        &mut pos,
        "Fan club pass (€10 credit)",
        1,
        TenderKind::Card,
        "@kim",
    )
    .unwrap();
    let code = pass.member.clone().unwrap().code;
    let refund = |pos: &mut Pos, receipt: &Receipt| {
        pos.with_pin(PIN, |p, g| {
            p.refund(
                &RefundRequest {
                    receipt: receipt.number.clone(),
                    lines: None,
                    reason: "test".into(),
                },
                g,
            )
        })
    };
    // Spent on a €5 shoutout: the pass can no longer be refunded for its full credit.
    let gig = sell_to(&mut pos, "60-second shoutout", 1, TenderKind::Credit, &code).unwrap();
    let spent = refund(&mut pos, &pass).unwrap_err().to_string();
    assert!(
        spent.starts_with("membership pass: its €10.00 of credit was spent"),
        "{spent}"
    );
    refund(&mut pos, &gig).unwrap();
    refund(&mut pos, &pass).unwrap();
    assert_eq!(
        pos.member(&code).unwrap().credit.minor,
        0,
        "the pass's credit went with it"
    );
}

#[test]
fn a_drop_limit_holds_for_one_order_even_without_a_fan_and_phones_are_never_member_codes() {
    let db = TestDb::new();
    let mut pos = db.demo_pos(&TestClock::new());
    let three = support::try_sell(&mut pos, &[("Signed tour poster", 3)], TenderKind::Card);
    assert_eq!(
        three.unwrap_err().to_string(),
        "Signed tour poster: 2 per fan"
    );
    let fan = pos.identify("1234 5678").unwrap();
    assert!(fan.member.is_none(), "an 8-digit phone number is a contact");
    let typo = pos.identify("M-0000-0001").unwrap_err().to_string();
    assert!(typo.starts_with("member code"), "{typo}");
}
