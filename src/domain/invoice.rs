//! An A4 invoice for a buyer who asks: the receipt's sale, with the buyer's name and address.
//! Its number is the receipt's number (one sale, one invoice); the first print is the
//! original and every later print says COPY.

use jiff::Timestamp;
use serde::Serialize;

use super::field::{FieldError, FieldResult, check_lines, required_text};
use super::order::Receipt;

/// Longest buyer name.
pub const MAX_BUYER_NAME: usize = 80;
/// Longest buyer address, all lines together.
pub const MAX_BUYER_ADDRESS: usize = 300;
/// Most lines of a buyer address (street, town, country, a VAT id…).
pub const MAX_ADDRESS_LINES: usize = 6;

/// Who the invoice is made out to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Buyer {
    /// Name or company.
    pub name: String,
    /// Address, one line per line.
    pub address: String,
}

/// Checks a buyer as typed: a name of 1–80 characters, an address of at most six lines and
/// 300 characters; no control characters or bidi marks. Gives the trimmed buyer.
pub fn check_buyer(name: &str, address: &str) -> FieldResult<Buyer> {
    let name = required_text("buyer name", name, MAX_BUYER_NAME)?.to_string();
    // A pasted address may carry Windows line ends; its lines are what counts.
    let lines: Vec<&str> = address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let address = lines.join("\n");
    check_lines("buyer address", &address, MAX_BUYER_ADDRESS)?;
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(FieldError::new(
            "buyer address",
            format!("at most {MAX_ADDRESS_LINES} lines"),
        ));
    }
    Ok(Buyer { name, address })
}

/// An invoice as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    /// The sale it is for; its number is the invoice number.
    pub receipt: Receipt,
    /// Who it is made out to.
    pub buyer: Buyer,
    /// When it was first issued.
    pub issued_at: Timestamp,
    /// A later print of an invoice issued before: it says COPY.
    pub copy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buyer_is_trimmed_and_its_address_kept_line_by_line() {
        let b = check_buyer("  Ada Lovelace ", "Hafenstraße 1\r\n\r\n 20457 Hamburg \n").unwrap();
        assert_eq!(b.name, "Ada Lovelace");
        assert_eq!(b.address, "Hafenstraße 1\n20457 Hamburg");
        assert_eq!(check_buyer("Ada", "").unwrap().address, "");
    }

    #[test]
    fn bad_buyers_are_refused_by_field() {
        let field = |name: &str, address: &str| check_buyer(name, address).unwrap_err().field;
        assert_eq!(field("", "x"), "buyer name");
        assert_eq!(field(&"n".repeat(81), "x"), "buyer name");
        assert_eq!(field("Ada\u{202E}", "x"), "buyer name");
        assert_eq!(field("Ada", "a\u{1b}[2J"), "buyer address");
        assert_eq!(field("Ada", &"a\n".repeat(7)), "buyer address");
        assert_eq!(field("Ada", &"a".repeat(301)), "buyer address");
    }
}
