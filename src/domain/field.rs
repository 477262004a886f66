//! A refused input: which field, and the rule it broke. Every front door shows it the same way
//! ("price: must be between 0.00 and 9,999.99"), and scripts can read the two parts apart.

use std::borrow::Cow;

/// A value that breaks a rule of its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{field}: {rule}")]
pub struct FieldError {
    /// The field as the operator knows it (`price`, `Drawer amount`, `line 3 title`).
    pub field: Cow<'static, str>,
    /// What the value must be, or what is wrong with it.
    pub rule: String,
}

impl FieldError {
    /// `field` broke `rule`.
    pub fn new(field: impl Into<Cow<'static, str>>, rule: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// The same rule, under a longer field name (`title` → `line 3 title`).
    pub fn within(self, prefix: &str) -> FieldError {
        FieldError {
            field: format!("{prefix} {}", self.field).into(),
            rule: self.rule,
        }
    }
}

/// Shorthand for checks that name a field.
pub type FieldResult<T> = Result<T, FieldError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_field_then_the_rule() {
        let e = FieldError::new("price", "must be between 0.00 and 9,999.99");
        assert_eq!(e.to_string(), "price: must be between 0.00 and 9,999.99");
        assert_eq!(
            e.within("line 3").to_string(),
            "line 3 price: must be between 0.00 and 9,999.99"
        );
    }
}
