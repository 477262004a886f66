//! The cash drawer: what should be in it, and how far the count is off.

use serde::Serialize;

use super::money::Money;

/// A drawer session's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DrawerReport {
    /// Cash put in at opening.
    pub float: Money,
    /// Cash taken for sales (handed over minus change).
    pub cash_sales: Money,
    /// Cash paid back for refunds of cash orders.
    pub cash_refunds: Money,
    /// Cash put in (+) or taken out (−) by hand, summed.
    pub moves: Money,
    /// What should be in the drawer.
    pub expected: Money,
    /// What was counted at close, if closed.
    pub counted: Option<Money>,
    /// counted − expected (negative = missing), if closed.
    pub difference: Option<Money>,
}

/// Computes the expected cash and, once counted, the difference.
pub fn report(
    float: Money,
    cash_sales: i64,
    cash_refunds: i64,
    moves: i64,
    counted: Option<i64>,
) -> DrawerReport {
    let c = float.currency;
    let expected = float.minor + cash_sales - cash_refunds + moves;
    DrawerReport {
        float,
        cash_sales: Money::new(cash_sales, c),
        cash_refunds: Money::new(cash_refunds, c),
        moves: Money::new(moves, c),
        expected: Money::new(expected, c),
        counted: counted.map(|n| Money::new(n, c)),
        difference: counted.map(|n| Money::new(n - expected, c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn expected_and_difference() {
        let r = report(
            Money::new(10_000, Currency::Eur),
            4_250,
            500,
            -2_000,
            Some(11_700),
        );
        assert_eq!(r.expected.minor, 11_750);
        assert_eq!(r.difference.map(|d| d.minor), Some(-50));
        assert_eq!(
            report(Money::new(0, Currency::Eur), 0, 0, 0, None).difference,
            None
        );
    }
}
