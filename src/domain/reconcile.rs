//! Reconciliation: bank credits (ISO 20022 camt.053 or a CSV export) matched to QR orders by
//! payment reference and amount, after the event, when the laptop is online again.

use serde::Serialize;

use super::field::{FieldError, FieldResult};
use super::money::{Currency, Money, parse_amount};
use super::order::ReceiptNo;

/// One incoming payment from the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credit {
    /// Amount credited.
    pub amount: Money,
    /// Remittance information as the bank gives it (free text and/or structured reference).
    pub remittance: String,
    /// Booking date as written in the statement.
    pub date: String,
    /// Who paid, if the statement says.
    pub debtor: String,
}

/// An entry of a statement that could not be read; the others are matched all the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadEntry {
    /// Where it is: `entry 3` (camt.053, counting every `Ntry`) or `line 4` (CSV).
    pub at: String,
    /// What is wrong with it.
    pub reason: String,
}

/// What a statement holds: the credits read, and the entries that could not be.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Statement {
    /// Credits in statement order.
    pub credits: Vec<Credit>,
    /// Entries refused one by one, in statement order.
    pub bad: Vec<BadEntry>,
}

/// A QR-paid order waiting to be matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrOrder {
    /// Receipt number.
    pub receipt: ReceiptNo,
    /// The reference the fan's transfer should carry.
    pub payment_ref: String,
    /// What the fan should have paid.
    pub total: Money,
}

/// What became of one credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Reference and amount match an order.
    Matched {
        /// The order's receipt.
        receipt: ReceiptNo,
    },
    /// The reference matches but the amount does not.
    AmountDiffers {
        /// The order's receipt.
        receipt: ReceiptNo,
        /// What the order costs.
        expected: Money,
    },
    /// A second credit for an order already matched.
    PaidTwice {
        /// The order's receipt.
        receipt: ReceiptNo,
    },
    /// No order carries this reference.
    Unmatched,
}

/// The result: every credit with its outcome, and the QR orders no credit paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// Credits in statement order with what they matched.
    pub credits: Vec<(Credit, Outcome)>,
    /// QR orders with no matching credit: for the creator to chase.
    pub unpaid: Vec<QrOrder>,
}

/// Letters and digits only, upper case: banks drop dashes and change case.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Matches credits to orders by reference (anywhere in the remittance text) and amount.
pub fn reconcile(credits: &[Credit], orders: &[QrOrder]) -> Reconciliation {
    let mut paid = vec![false; orders.len()];
    let results = credits
        .iter()
        .map(|credit| {
            let text = squeeze(&credit.remittance);
            let found = orders
                .iter()
                .position(|o| !o.payment_ref.is_empty() && text.contains(&squeeze(&o.payment_ref)));
            let outcome = match found {
                None => Outcome::Unmatched,
                Some(i) if paid[i] => Outcome::PaidTwice {
                    receipt: orders[i].receipt.clone(),
                },
                Some(i) if orders[i].total != credit.amount => Outcome::AmountDiffers {
                    receipt: orders[i].receipt.clone(),
                    expected: orders[i].total,
                },
                Some(i) => {
                    paid[i] = true;
                    Outcome::Matched {
                        receipt: orders[i].receipt.clone(),
                    }
                }
            };
            (credit.clone(), outcome)
        })
        .collect();
    let unpaid = orders
        .iter()
        .zip(&paid)
        .filter(|(_, p)| !**p)
        .map(|(o, _)| o.clone())
        .collect();
    Reconciliation {
        credits: results,
        unpaid,
    }
}

/// Why a statement could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// Not well-formed XML, or not a camt.053 statement.
    #[error("not a camt.053 statement: {0}")]
    NotCamt(String),
    /// A CSV problem, with its line.
    #[error("CSV line {line}: {reason}")]
    Csv {
        /// 1-based line number (the header is line 1).
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// The first child element of `n` with this local name.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

/// Reads the credit entries (CdtDbtInd CRDT, not reversed) of a camt.053 statement, any version.
/// A file that is not a statement is refused whole; an entry that cannot be read is listed in
/// [`Statement::bad`] and the others are still read.
pub fn parse_camt053(xml: &str) -> Result<Statement, StatementError> {
    let doc =
        roxmltree::Document::parse(xml).map_err(|e| StatementError::NotCamt(e.to_string()))?;
    if !doc.descendants().any(|n| n.has_tag_name("BkToCstmrStmt")) {
        return Err(StatementError::NotCamt("no BkToCstmrStmt element".into()));
    }
    let mut statement = Statement::default();
    let entries = doc.descendants().filter(|n| n.has_tag_name("Ntry"));
    for (entry, no) in entries.zip(1_usize..) {
        let credit = child(entry, "CdtDbtInd").and_then(|n| n.text()) == Some("CRDT");
        let reversed = child(entry, "RvslInd").and_then(|n| n.text()) == Some("true");
        if !credit || reversed {
            continue;
        }
        match camt_credit(entry) {
            Ok(credit) => statement.credits.push(credit),
            Err(reason) => statement.bad.push(BadEntry {
                at: format!("entry {no}"),
                reason: reason.to_string(),
            }),
        }
    }
    Ok(statement)
}

/// The trimmed texts of the descendants of `n` with one of these names.
fn texts_of(n: roxmltree::Node<'_, '_>, names: &[&str]) -> Vec<String> {
    n.descendants()
        .filter(|d| names.iter().any(|x| d.has_tag_name(*x)))
        .filter_map(|d| d.text())
        .map(|t| t.trim().to_string())
        .collect()
}

/// One credit entry of a camt.053 statement, or why it cannot be read.
fn camt_credit(entry: roxmltree::Node<'_, '_>) -> Result<Credit, FieldError> {
    let amt = child(entry, "Amt").ok_or_else(|| FieldError::new("Amt", "missing"))?;
    let code = amt.attribute("Ccy").unwrap_or_default();
    let currency = Currency::from_code(code)
        .ok_or_else(|| FieldError::new("Ccy", format!("unknown currency '{code}'")))?;
    let amount = parse_xml_amount(amt.text().unwrap_or_default(), currency)?;
    let mut remittance = texts_of(entry, &["Ustrd"]);
    remittance.extend(
        entry
            .descendants()
            .filter(|d| d.has_tag_name("CdtrRefInf"))
            .flat_map(|d| texts_of(d, &["Ref"])),
    );
    let date = child(entry, "BookgDt")
        .map(|b| texts_of(b, &["Dt", "DtTm"]).join(" "))
        .unwrap_or_default();
    let debtor = entry
        .descendants()
        .find(|d| d.has_tag_name("Dbtr"))
        .map(|d| texts_of(d, &["Nm"]).join(" "))
        .unwrap_or_default();
    Ok(Credit {
        amount,
        remittance: remittance.join(" "),
        date,
        debtor,
    })
}

/// An ISO 20022 amount (`ActiveOrHistoricCurrencyAndAmount`): an XML decimal, not negative,
/// so `8.850` is 8.85 and `8.` or `.5` are fine; a non-zero digit past the currency's minor
/// unit (`8.855` in EUR) is refused, never rounded.
pub fn parse_xml_amount(text: &str, currency: Currency) -> Result<Money, FieldError> {
    let t = text.trim();
    let bad = |why: &str| FieldError::new(format!("amount '{t}'"), why);
    let body = t.strip_prefix('+').unwrap_or(t);
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err(bad("not a decimal number like 12.50"));
    }
    let digits = currency.minor_digits() as usize;
    let (kept, past) = frac_part.split_at(frac_part.len().min(digits));
    if past.bytes().any(|b| b != b'0') {
        return Err(bad(&format!(
            "{currency} has {digits} decimals; the digits past them must be zeros"
        )));
    }
    let too_large = || {
        bad(&format!(
            "more than {}",
            Money::new(currency.max_minor(), currency)
        ))
    };
    let major: i64 = match int_part.trim_start_matches('0') {
        "" => 0,
        n => n.parse().map_err(|_| too_large())?,
    };
    let frac: i64 = format!("{kept:0<digits$}").parse().unwrap_or(0);
    let minor = major
        .checked_mul(10_i64.pow(currency.minor_digits()))
        .and_then(|m| m.checked_add(frac))
        .filter(|m| *m <= currency.max_minor())
        .ok_or_else(too_large)?;
    Ok(Money::new(minor, currency))
}

/// Which CSV columns hold what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumns {
    /// Header of the amount column (negative amounts are debits and skipped).
    pub amount: String,
    /// Header of the remittance/reference column.
    pub reference: String,
    /// Header of the date column, if any.
    pub date: Option<String>,
    /// Field separator, e.g. b',' or b';'.
    pub delimiter: u8,
    /// Currency of the amounts.
    pub currency: Currency,
}

/// A CSV separator as typed: one ASCII character that is not a letter, a digit, a quote or a
/// line break (`,` `;` `|` or a tab). `é` is refused, never taken as one of its bytes.
pub fn delimiter(field: &'static str, input: &str) -> FieldResult<u8> {
    let rule = |shown: &str| {
        FieldError::new(
            field,
            format!("one ASCII character such as , ; | or a tab (not {shown})"),
        )
    };
    let mut chars = input.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None)
            if c.is_ascii() && (c == '\t' || c.is_ascii_punctuation() || c == ' ') && c != '"' =>
        {
            Ok(c as u8)
        }
        (None, _) => Err(rule("nothing")),
        _ => Err(rule(&format!("'{}'", input.escape_debug()))),
    }
}

/// Reads credits from a bank's CSV export with a header row. A missing column refuses the file;
/// a line that cannot be read is listed in [`Statement::bad`] and the others are still read.
pub fn parse_csv(data: &str, cols: &CsvColumns) -> Result<Statement, StatementError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(cols.delimiter)
        .flexible(true)
        .from_reader(data.as_bytes());
    let err = |line: usize, reason: String| StatementError::Csv { line, reason };
    let headers = reader.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| err(1, format!("no column named '{name}'")))
    };
    let (amount_col, ref_col) = (index(&cols.amount)?, index(&cols.reference)?);
    let date_col = cols.date.as_deref().map(index).transpose()?;
    let mut statement = Statement::default();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let bad = |reason: String| BadEntry {
            at: format!("line {line}"),
            reason,
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                statement.bad.push(bad(e.to_string()));
                continue;
            }
        };
        let raw = record.get(amount_col).unwrap_or_default().trim();
        if raw.starts_with('-') || raw.is_empty() {
            continue;
        }
        let amount = match parse_amount(raw.trim_start_matches('+'), cols.currency) {
            Ok(amount) => amount,
            Err(e) => {
                statement.bad.push(bad(format!("amount: {e}")));
                continue;
            }
        };
        statement.credits.push(Credit {
            amount,
            remittance: record.get(ref_col).unwrap_or_default().to_string(),
            date: date_col
                .and_then(|c| record.get(c))
                .unwrap_or_default()
                .to_string(),
            debtor: String::new(),
        });
    }
    Ok(statement)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::Eur)
    }

    fn order(seq: u32, reference: &str, minor: i64) -> QrOrder {
        QrOrder {
            receipt: ReceiptNo {
                station: "K1".into(),
                seq,
            },
            payment_ref: reference.into(),
            total: eur(minor),
        }
    }

    fn credit(minor: i64, text: &str) -> Credit {
        Credit {
            amount: eur(minor),
            remittance: text.into(),
            date: String::new(),
            debtor: String::new(),
        }
    }

    #[test]
    fn matches_by_reference_and_amount() {
        let orders = [
            order(1, "ENC-7F3K2Q", 1250),
            order(2, "ENC-AB12CD", 500),
            order(3, "ENC-ZZZZZZ", 2500),
        ];
        let credits = [
            credit(1250, "Poster ENC 7F3K2Q thanks"),
            credit(400, "enc-ab12cd"),
            credit(1250, "ENC7F3K2Q"),
            credit(999, "birthday money"),
        ];
        let r = reconcile(&credits, &orders);
        let outcomes: Vec<&Outcome> = r.credits.iter().map(|c| &c.1).collect();
        assert_eq!(
            outcomes[0],
            &Outcome::Matched {
                receipt: orders[0].receipt.clone()
            }
        );
        assert_eq!(
            outcomes[1],
            &Outcome::AmountDiffers {
                receipt: orders[1].receipt.clone(),
                expected: eur(500)
            }
        );
        assert_eq!(
            outcomes[2],
            &Outcome::PaidTwice {
                receipt: orders[0].receipt.clone()
            }
        );
        assert_eq!(outcomes[3], &Outcome::Unmatched);
        assert_eq!(
            r.unpaid.iter().map(|o| o.receipt.seq).collect::<Vec<_>>(),
            vec![2, 3]
        );
    }

    #[test]
    fn reads_credits_from_camt053_and_skips_debits_and_reversals() {
        // Structure after genkgo/camt test/data/camt053.v2.minimal.xml (camt.053.001.02).
        let xml = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
          <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-22T08:00:00+01:00</CreDtTm></GrpHdr>
          <Stmt><Id>S1</Id>
            <Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-22</Dt></BookgDt>
              <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>ANA FAN</Nm></Dbtr></RltdPties>
              <RmtInf><Ustrd>ENC-7F3K2Q</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
            <Ntry><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts></Ntry>
            <Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts></Ntry>
            <Ntry><Amt Ccy="EUR">8.85</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
              <NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
          </Stmt></BkToCstmrStmt></Document>"#;
        let credits = parse_camt053(xml).unwrap().credits;
        assert_eq!(credits.len(), 2);
        assert_eq!(
            (credits[0].amount, credits[0].remittance.as_str()),
            (eur(1250), "ENC-7F3K2Q")
        );
        assert_eq!(
            (credits[0].date.as_str(), credits[0].debtor.as_str()),
            ("2026-11-22", "ANA FAN")
        );
        assert_eq!(credits[1].remittance, "RF18539007547034");
        assert!(parse_camt053("<html/>").is_err());
        assert!(parse_camt053("not xml").is_err());
    }

    #[test]
    fn camt_amounts_are_xml_decimals_and_one_bad_entry_leaves_the_rest() {
        let entry = |amt: &str, reference: &str| {
            format!(
                r#"<Ntry><Amt Ccy="EUR">{amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls><RmtInf><Ustrd>{reference}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"#
            )
        };
        let xml = format!(
            "<Document><BkToCstmrStmt><Stmt>{}{}{}{}</Stmt></BkToCstmrStmt></Document>",
            entry("8.850", "ENC-AAAAAA"),
            entry("8.855", "ENC-BBBBBB"),
            entry("12.", "ENC-CCCCCC"),
            entry("-3.00", "ENC-DDDDDD"),
        );
        let read = parse_camt053(&xml).unwrap();
        assert_eq!(
            read.credits
                .iter()
                .map(|c| c.amount.minor)
                .collect::<Vec<_>>(),
            vec![885, 1200]
        );
        assert_eq!(
            read.bad,
            vec![
                BadEntry {
                    at: "entry 2".into(),
                    reason:
                        "amount '8.855': EUR has 2 decimals; the digits past them must be zeros"
                            .into()
                },
                BadEntry {
                    at: "entry 4".into(),
                    reason: "amount '-3.00': not a decimal number like 12.50".into()
                },
            ]
        );
        let inr = |t| parse_xml_amount(t, Currency::Inr);
        assert_eq!(inr("149.50000"), Ok(Money::new(14950, Currency::Inr)));
        assert_eq!(inr("+.5"), Ok(Money::new(50, Currency::Inr)));
        assert!(inr("1,50").is_err() && inr(".").is_err() && inr("").is_err());
        assert!(inr("99999999999999999999").is_err());
    }

    #[test]
    fn a_separator_is_one_ascii_character_never_a_byte_of_a_letter() {
        assert_eq!(delimiter("--delimiter", ";"), Ok(b';'));
        assert_eq!(delimiter("--delimiter", "\t"), Ok(b'\t'));
        let e = delimiter("--delimiter", "é").unwrap_err();
        assert_eq!(
            e.to_string(),
            "--delimiter: one ASCII character such as , ; | or a tab (not 'é')"
        );
        for bad in ["", ";;", "a", "7", "\"", "\n"] {
            assert!(delimiter("Separator", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reads_credits_from_a_mapped_csv() {
        let csv = "Date;Amount;Purpose\n2026-11-22;12,50;ENC-7F3K2Q\n2026-11-22;-4,00;Coffee\n2026-11-23;25,00;ENC-AB12CD\n";
        let cols = CsvColumns {
            amount: "Amount".into(),
            reference: "purpose".into(),
            date: Some("Date".into()),
            delimiter: b';',
            currency: Currency::Eur,
        };
        let credits = parse_csv(csv, &cols).unwrap().credits;
        assert_eq!(
            credits.iter().map(|c| c.amount.minor).collect::<Vec<_>>(),
            vec![1250, 2500]
        );
        assert_eq!(credits[1].date, "2026-11-23");
        let bad = "Date;Amount;Purpose\n2026-11-22;twelve;x\n2026-11-22;5,00;ENC-AB12CD\n";
        let read = parse_csv(bad, &cols).unwrap();
        assert_eq!(
            read.bad,
            vec![BadEntry {
                at: "line 2".into(),
                reason: "amount: 't' is not allowed in an amount; type digits with one decimal separator, like 12.50".into()
            }]
        );
        assert_eq!(read.credits.len(), 1, "the good line is still read");
        assert_eq!(read.credits[0].amount, eur(500));
        let missing = CsvColumns {
            amount: "Betrag".into(),
            ..cols
        };
        assert_eq!(
            parse_csv(csv, &missing).unwrap_err().to_string(),
            "CSV line 1: no column named 'Betrag'"
        );
    }
}
