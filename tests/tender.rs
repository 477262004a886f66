//! Split tender, typed tips and the statement view: at the kiosk, in the store, in the drawer and
//! in reconciliation.

mod support;

use support::AsCreator as _;

use egui_kittest::kittest::Queryable;
use encore::domain::money::{Currency, Money};
use encore::domain::order::TenderKind;
use encore::domain::reconcile::{Credit, Outcome};
use encore::service::{RefundRequest, SaleRequest};
use encore::ui::Payment;
use support::{TestClock, TestDb, kiosk_harness, offer_id, type_into, wait};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::Eur)
}

#[test]
fn a_split_sale_is_stored_with_each_part_and_refunds_go_back_cash_first() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    pos.open_drawer(eur(5000)).unwrap();
    let tote = offer_id(&pos, "Tour tote bag");
    // €30: €10 on the card, the rest in cash from a €50 note.
    let req = SaleRequest {
        tendered: Some(eur(5000)),
        parts: vec![(TenderKind::Card, eur(1000))],
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(tote, 2)],
            TenderKind::Cash,
        )
    };
    let receipt = pos.sell(&req).unwrap();
    let kinds: Vec<_> = receipt.tenders.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [TenderKind::Card, TenderKind::Cash]);
    assert_eq!(receipt.change(), eur(3000));
    assert_eq!(receipt.methods(), "Card + Cash");
    assert_eq!(
        pos.receipt(&receipt.number).unwrap(),
        receipt,
        "stored as sold"
    );
    let summary = &pos.recent_orders(1).unwrap()[0];
    assert_eq!(summary.tenders, [TenderKind::Card, TenderKind::Cash]);
    let status = pos.drawer_status().unwrap().unwrap();
    assert_eq!(
        status.cash_sales,
        eur(2000),
        "only the cash part is in the drawer"
    );

    // A part that covers everything leaves nothing for the last method: refused, nothing written.
    let whole = SaleRequest {
        checkout: pos.start_checkout().unwrap(),
        parts: vec![(TenderKind::Card, eur(1500))],
        items: vec![(tote, 1)],
        ..req.clone()
    };
    let err = pos.sell(&whole).unwrap_err().to_string();
    assert!(err.contains("leaves nothing to pay"), "{err}");
    assert_eq!(pos.recent_orders(10).unwrap().len(), 1);

    // Refund one bag (€15): all of it comes out of the drawer; the second goes €5 cash + €10 card.
    let one = RefundRequest {
        receipt: receipt.number.clone(),
        lines: Some(vec![(tote, 1)]),
        reason: "torn".into(),
    };
    let first = pos.with_pin("2468", |p, g| p.refund(&one, g)).unwrap();
    assert_eq!(first.back, [(TenderKind::Cash, eur(1500))]);
    let second = pos.with_pin("2468", |p, g| p.refund(&one, g)).unwrap();
    assert_eq!(
        second.back,
        [(TenderKind::Cash, eur(500)), (TenderKind::Card, eur(1000))]
    );
    assert_eq!(second.back_text(), "€5.00 cash + €10.00 by card");
    let status = pos.drawer_status().unwrap().unwrap();
    assert_eq!(
        status.cash_refunds,
        eur(2000),
        "the card part is not cash out of the drawer"
    );
    assert_eq!(status.expected, eur(5000));
}

#[test]
fn the_qr_part_of_a_split_is_what_reconciliation_expects() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let req = SaleRequest {
        parts: vec![(TenderKind::Cash, eur(1000))],
        tip: Some(eur(300)),
        ..SaleRequest::new(
            pos.start_checkout().unwrap(),
            vec![(offer_id(&pos, "Tour tote bag"), 2)],
            TenderKind::Qr,
        )
    };
    let receipt = pos.sell(&req).unwrap();
    assert_eq!(
        receipt.tenders[1].tendered,
        eur(2300),
        "€30 + €3 tip − €10 cash"
    );
    let credit = |minor| Credit {
        amount: eur(minor),
        remittance: receipt.payment_ref.clone(),
        date: "2026-11-22".into(),
        debtor: "Fan".into(),
    };
    let r = pos.reconcile(&[credit(2300)]).unwrap();
    assert!(matches!(r.credits[0].1, Outcome::Matched { .. }));
    let r = pos.reconcile(&[credit(3300)]).unwrap();
    assert!(
        matches!(&r.credits[0].1, Outcome::AmountDiffers { expected, .. } if *expected == eur(2300))
    );
}

#[test]
fn kiosk_split_part_by_card_then_cash_for_the_rest() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    for _ in 0..2 {
        h.get_by_label_contains("Tour tote bag\n").click();
        h.run();
    }
    h.get_by_label("Cash").click();
    h.run();
    // Too much for a part is refused with the field named.
    type_into(&mut h, "Split: part paid by", "30");
    h.get_by_label("Card").click();
    h.run();
    assert!(h.query_by_label_contains("Split amount:").is_some());
    type_into(&mut h, "Split: part paid by", "10");
    h.get_by_label("Card").click();
    h.run();
    assert_eq!(h.state().payment.due(), Some(eur(2000)));
    assert!(h.query_by_label("€10.00 paid by card").is_some());
    assert!(h.query_by_label("Cash — €20.00 due").is_some());
    // Taking the part back and adding it again.
    h.get_by_label("Undo the card part of €10.00").click();
    h.run();
    assert_eq!(h.state().payment.due(), Some(eur(3000)));
    type_into(&mut h, "Split: part paid by", "10");
    h.get_by_label("Card").click();
    h.run();
    h.get_by_label("Exact").click();
    h.run();
    wait(&mut h, 1.0);
    h.get_by_label("Cash taken").click();
    h.run();
    let Payment::Paid { receipt, .. } = &h.state().payment else {
        panic!("not paid")
    };
    let paid: Vec<_> = receipt
        .tenders
        .iter()
        .map(|t| (t.kind, t.tendered.minor))
        .collect();
    assert_eq!(paid, [(TenderKind::Card, 1000), (TenderKind::Cash, 2000)]);
    assert!(h.query_by_label_contains("Card + Cash").is_some());
}

#[test]
fn kiosk_custom_tip_changes_the_qr_amount() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut h = kiosk_harness(db.demo_pos(&clock), (1280.0, 800.0));
    h.get_by_label_contains("Tour tote bag\n").click();
    h.run();
    h.get_by_label("Pay by QR").click();
    h.run();
    type_into(&mut h, "or", "abc");
    h.get_by_label("Set tip").click();
    h.run();
    let notice = h.state().notice().unwrap_or_default().to_string();
    assert!(notice.starts_with("tip: 'a' is not allowed"), "{notice}");
    type_into(&mut h, "or", "2.25");
    h.get_by_label("Set tip").click();
    h.run();
    assert_eq!(h.state().payment.due(), Some(eur(1725)));
    let Payment::Pending {
        qr: Some((matrix, _)),
        ..
    } = &h.state().payment
    else {
        panic!("no QR")
    };
    // The fan's banking app reads the new amount from the code itself.
    assert!(matrix.scan().unwrap().contains("\nEUR17.25\n"));
    type_into(&mut h, "or", "20%");
    h.get_by_label("Set tip").click();
    h.run();
    assert_eq!(h.state().payment.due(), Some(eur(1800)));
    wait(&mut h, 1.0);
    h.get_by_label("Received").click();
    h.run();
    let Payment::Paid { receipt, .. } = &h.state().payment else {
        panic!("not paid")
    };
    assert_eq!((receipt.total, receipt.tip), (eur(1500), eur(300)));
}

#[test]
fn kiosk_lists_the_qr_orders_a_statement_did_not_pay() {
    let db = TestDb::new();
    let clock = TestClock::new();
    let mut pos = db.demo_pos(&clock);
    let paid = support::sell(&mut pos, &[("Signed tour poster", 1)], TenderKind::Qr);
    let unpaid = support::sell(&mut pos, &[("Tour tote bag", 1)], TenderKind::Qr);
    let xml = format!(
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
        <Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <NtryDtls><TxDtls><RmtInf><Ustrd>{}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
        <Ntry><Amt Ccy="EUR">9.99</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <NtryDtls><TxDtls><RmtInf><Ustrd>rent</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
        </Stmt></BkToCstmrStmt></Document>"#,
        paid.payment_ref
    );
    let file = db.dir.path().join("statement.xml");
    std::fs::write(&file, xml).unwrap();
    let mut h = kiosk_harness(pos, (1280.0, 800.0));
    h.get_by_label("Receipts").click();
    h.run();
    h.get_by_label("Match a bank statement").click();
    h.run();
    type_into(
        &mut h,
        "File",
        db.dir.path().join("missing.xml").to_str().unwrap(),
    );
    h.get_by_label("Match").click();
    h.run();
    assert!(
        h.query_by_label_contains("Statement file: cannot read")
            .is_some()
    );
    type_into(&mut h, "File", file.to_str().unwrap());
    h.get_by_label("Match").click();
    h.run();
    assert!(
        h.query_by_label("2 credits: 1 matched, 1 to look at; 1 QR orders not paid")
            .is_some()
    );
    assert!(h.query_by_label("Not paid yet — chase these").is_some());
    assert!(h.query_by_label(&unpaid.payment_ref).is_some());
    // In the list to chase and in the list of receipts.
    let number = unpaid.number.to_string();
    assert_eq!(h.query_all_by_label(&number).count(), 2);
    assert!(h.query_by_label("no order has this reference").is_some());
}
