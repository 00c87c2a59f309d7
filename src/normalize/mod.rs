//! Normalize: an answer as written becomes a typed value a program can trust.
//!
//! Every normalizer is a plain function from a string (and the catalog's field) to a
//! [`Value`] or an [`Invalid`] saying what was expected; no I/O, no state. An answer
//! that cannot be read is never guessed at: it stays text with an `invalid` finding.

mod choice;
mod date;
mod flags;
mod money;
pub mod numerals;
mod quantity;

use crate::catalog::{Field, ValueKind};
use serde::Serialize;

pub use choice::parse_choices;
pub use date::parse_date;
pub use flags::{parse_permission, parse_presence, presence_says_both};
pub use money::{Money, parse_money, parse_money_under_label};
pub use quantity::{parse_duration, parse_number, parse_percent};

/// The contract's `value` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Value {
    Text,
    Date {
        /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as precise as the answer.
        date: String,
    },
    Money {
        yen: i64,
        /// The fiscal period written with the amount (`2024-03` for 2024年3月期).
        #[serde(skip_serializing_if = "Option::is_none")]
        period: Option<String>,
    },
    Percent {
        percent: Num,
        #[serde(skip_serializing_if = "Option::is_none")]
        period: Option<String>,
    },
    Number {
        number: Num,
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        period: Option<String>,
    },
    Duration {
        amount: Num,
        unit: DurationUnit,
    },
    Presence {
        present: bool,
    },
    Permission {
        allowed: bool,
    },
    Choice {
        choices: Vec<u32>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// A number as written, kept exact: serialized as an integer when it is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub numerals::Decimal);

impl Num {
    pub fn as_f64(&self) -> f64 {
        self.0.to_f64()
    }
}

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.to_integer().and_then(|i| i64::try_from(i).ok()) {
            Some(integer) => serializer.serialize_i64(integer),
            None => serializer.serialize_f64(self.0.to_f64()),
        }
    }
}

/// An answer that should be typed and could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// What a readable answer looks like, in Japanese, for the reviewer.
    pub expected: String,
}

impl Invalid {
    pub fn expected(what: impl Into<String>) -> Invalid {
        Invalid {
            expected: what.into(),
        }
    }
}

/// Types one answer according to its catalog field. `label` is the label the form
/// wrote beside the answer, which may state a unit once for its figures.
pub fn normalize(raw: &str, field: &Field, label: Option<&str>) -> Result<Value, Invalid> {
    match field.kind {
        ValueKind::Text => Ok(Value::Text),
        ValueKind::Date => parse_date(raw).map(|date| Value::Date { date }),
        ValueKind::Money => parse_money_under_label(raw, label).map(|money| Value::Money {
            yen: money.yen,
            period: money.period,
        }),
        ValueKind::Percent => quantity::parse_percent(raw, field.with_period),
        ValueKind::Number => quantity::parse_number(raw, field.unit.as_deref(), field.with_period),
        ValueKind::Duration => quantity::parse_duration(raw),
        ValueKind::Presence => {
            flags::parse_presence(raw).map(|present| Value::Presence { present })
        }
        ValueKind::Permission => {
            flags::parse_permission(raw).map(|allowed| Value::Permission { allowed })
        }
        ValueKind::Choice => choice::parse_choices(raw, &field.choices, &field.choice_aliases)
            .map(|choices| Value::Choice { choices }),
    }
}

/// Prepares an answer for the numeric parsers: NFKC (full-width digits and signs),
/// kanji numerals as digits, the several dashes and minus signs as '-'.
fn prepare(raw: &str) -> String {
    let text = crate::text::nfkc(raw);
    let text = numerals::kanji_to_digits(&text);
    text.chars()
        .map(|c| match c {
            '\u{2212}' | '\u{2010}' | '\u{2013}' | '\u{2014}' => '-',
            _ => c,
        })
        .collect()
}
