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

/// Whether `c` would steer a terminal, a printer or the reading order instead of being read:
/// C0 and C1 controls, DEL, and the Unicode bidirectional marks, embeddings, overrides and
/// isolates (a title that reads backwards on a receipt, an `ESC[2J` that clears the screen).
pub fn is_steering(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The one check every free-text field passes, however the text came in (the kiosk, the CLI,
/// a file): no control characters or bidi overrides, at most `max_chars` characters.
pub fn check_text(
    field: impl Into<Cow<'static, str>>,
    value: &str,
    max_chars: usize,
) -> FieldResult<()> {
    check_chars(field.into(), value, max_chars, false)
}

/// [`check_text`] for text printed over several lines (receipt header, footer, terms): line
/// feeds are allowed, everything else that steers is not.
pub fn check_lines(
    field: impl Into<Cow<'static, str>>,
    value: &str,
    max_chars: usize,
) -> FieldResult<()> {
    check_chars(field.into(), value, max_chars, true)
}

/// A typed whole number within `range`, or the field and its range.
pub fn whole_number(
    field: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<u32>,
) -> FieldResult<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            let rule = format!("a whole number from {} to {}", range.start(), range.end());
            FieldError::new(field, rule)
        })
}

/// [`check_text`] on the trimmed value, which must not be empty; gives the trimmed text.
pub fn required_text(
    field: impl Into<Cow<'static, str>>,
    value: &str,
    max_chars: usize,
) -> FieldResult<&str> {
    let field = field.into();
    let value = value.trim();
    check_chars(field.clone(), value, usize::MAX, false)?;
    if !(1..=max_chars).contains(&value.chars().count()) {
        return Err(FieldError::new(
            field,
            format!("1 to {max_chars} characters"),
        ));
    }
    Ok(value)
}

fn check_chars(
    field: Cow<'static, str>,
    value: &str,
    max_chars: usize,
    lines: bool,
) -> FieldResult<()> {
    if let Some(c) = value
        .chars()
        .find(|&c| is_steering(c) && !(lines && c == '\n'))
    {
        let what = if c.is_control() {
            "control characters"
        } else {
            "direction or line-separator marks"
        };
        return Err(FieldError::new(
            field,
            format!("no {what} (found U+{:04X})", u32::from(c)),
        ));
    }
    let len = value.chars().count();
    if len > max_chars {
        return Err(FieldError::new(
            field,
            if max_chars == 0 {
                "must be empty".to_string()
            } else {
                format!("at most {max_chars} characters (now {len})")
            },
        ));
    }
    Ok(())
}

/// `value` with every steering character written out as `\u{1b}`, so text read from an old
/// database or a file is shown, never obeyed. Line feeds and tabs stay when `keep_lines`.
pub fn escape_steering(value: &str, keep_lines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_lines && (c == '\n' || c == '\t');
    if !value.chars().any(|c| is_steering(c) && !keep(c)) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if is_steering(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

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

    #[test]
    fn free_text_refuses_controls_and_direction_marks_naming_the_field() {
        for bad in [
            "Vinyl\u{1b}[2J",
            "a\0b",
            "bell\u{7}",
            "two\nlines",
            "cr\r",
            "c1\u{9b}31m",
            "del\u{7f}",
            "evil\u{202E}gnp.exe",
            "iso\u{2066}x\u{2069}",
            "mark\u{200F}",
            "sep\u{2028}",
        ] {
            let e = check_text("title", bad, 80).unwrap_err();
            assert_eq!(e.field, "title", "{bad:?}");
            assert!(e.rule.starts_with("no "), "{bad:?}: {}", e.rule);
        }
        assert!(check_text("title", "Café – Ünïcode ✓ 🎸 עברית", 80).is_ok());
        let long = check_text("title", &"x".repeat(81), 80).unwrap_err();
        assert_eq!(long.to_string(), "title: at most 80 characters (now 81)");
        assert!(check_lines("receipt footer", "Thanks!\nSee you", 200).is_ok());
        assert!(check_lines("receipt footer", "Thanks!\r\n", 200).is_err());
        assert_eq!(
            required_text("name", "  ", 40).unwrap_err().to_string(),
            "name: 1 to 40 characters"
        );
        assert_eq!(required_text("name", " Ana ", 40).unwrap(), "Ana");
    }

    #[test]
    fn steering_characters_are_written_out_not_obeyed() {
        assert_eq!(escape_steering("plain", false), "plain");
        assert_eq!(
            escape_steering("a\u{1b}[2Jb\u{202e}c\n", false),
            "a\\u{1b}[2Jb\\u{202e}c\\u{a}"
        );
        assert_eq!(escape_steering("x\ny\tz\r", true), "x\ny\tz\\u{d}");
    }
}
