//! Normalize: an answer as written becomes a typed value a program can trust.
//!
//! Every normalizer is a plain function from a string (and the catalog's field) to a
//! [`Value`] or an [`Invalid`] saying what was expected; no I/O, no state. An answer
//! that cannot be read is never guessed at: it stays text with an `invalid` finding.

mod centres;
mod choice;
mod date;
mod flags;
mod money;
pub mod numerals;
mod quantity;

use crate::catalog::{Field, ValueKind};
use serde::Serialize;

use centres::split_centres;
pub use choice::parse_choices;
pub use date::parse_date;
pub use flags::{detail_after_answer, parse_permission, parse_presence, presence_says_both};
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
    let figure = matches!(
        field.kind,
        ValueKind::Money | ValueKind::Percent | ValueKind::Number | ValueKind::Duration
    );
    if figure && says_no_figure(raw) {
        return Ok(Value::Text);
    }
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
            let present = flags::parse_presence(raw);
            // 「30日前まで」, 「有り：2か月前まで」: the period says there is one.
            if field.detail_kind == Some(ValueKind::Duration)
                && present != Ok(false)
                && let Ok(duration) = quantity::parse_duration(raw)
            {
                return Ok(duration);
            }
            present.map(|present| Value::Presence { present })
        }
        ValueKind::Permission => {
            flags::parse_permission(raw).map(|allowed| Value::Permission { allowed })
        }
        ValueKind::Choice => choice::parse_choices(raw, &field.choices, &field.choice_aliases)
            .map(|choices| Value::Choice { choices }),
    }
}

/// A dash for a figure, alone or with its reason (「－（有利子負債なし）」, 「―（無借金経営の
/// ため該当なし）」): the applicant says there is no figure. It stays text; it is not an
/// unreadable figure.
fn says_no_figure(raw: &str) -> bool {
    let text = raw.trim();
    let Some(rest) = text.strip_prefix(crate::text::is_dash) else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty()
        || ((rest.starts_with(['(', '（']) && rest.ends_with([')', '）']))
            && !rest.chars().any(|c| c.is_ascii_digit()))
}

/// One data centre's part of an answer, typed on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreAnswer {
    pub centre: Option<String>,
    pub raw: String,
    pub value: Result<Value, Invalid>,
}

/// Types an answer written per data centre (「第1センター：有／第2センター：無」) part by
/// part. `None` where the answer is not written per centre, or where unnamed lines do
/// not each read as an answer (then the lines are one answer, such as a figure and its
/// explanation).
pub fn normalize_per_centre(
    raw: &str,
    field: &Field,
    label: Option<&str>,
) -> Option<Vec<CentreAnswer>> {
    let parts = split_centres(raw)?;
    let answers: Vec<CentreAnswer> = parts
        .into_iter()
        .map(|part| CentreAnswer {
            value: normalize(&part.text, field, label),
            centre: part.centre,
            raw: part.text,
        })
        .collect();
    let unnamed = answers.iter().all(|a| a.centre.is_none());
    if unnamed && answers.iter().any(|a| a.value.is_err()) {
        return None;
    }
    Some(answers)
}

/// The value of an answer given per centre: the centres' common value, or text when
/// they differ or one cannot be read (each centre keeps its own).
pub fn common_value(answers: &[CentreAnswer]) -> Value {
    let mut values = answers.iter().map(|a| a.value.as_ref().ok());
    match values.next().flatten() {
        Some(first) if values.all(|v| v == Some(first)) => first.clone(),
        _ => Value::Text,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Field;

    fn field(kind: &str, extra: &str) -> Field {
        toml::from_str(&format!(
            "index = 1\nlabel = \"l\"\nrequired = true\nkind = \"{kind}\"\n{extra}"
        ))
        .expect("a valid field")
    }

    #[test]
    fn a_period_answers_a_presence_that_asks_for_one() {
        let deadline = field("presence", "detail_kind = \"duration\"");
        let days = |amount: i64| Value::Duration {
            amount: Num(numerals::Decimal::parse(&amount.to_string()).expect("a number")),
            unit: DurationUnit::Day,
        };
        assert_eq!(normalize("14日前", &deadline, None), Ok(days(14)));
        assert_eq!(
            normalize("解約希望日の30日前まで", &deadline, None),
            Ok(days(30))
        );
        assert_eq!(
            normalize("有り（解約希望月の前月末日まで）", &deadline, None),
            Ok(Value::Presence { present: true })
        );
        assert_eq!(
            normalize("無し（30日前の通知で随時解約可能）", &deadline, None),
            Ok(Value::Presence { present: false })
        );
        // A dash with its reason says there is no figure: text, and no finding.
        let figure = field("number", "");
        for raw in [
            "－",
            "－（有利子負債なし）",
            "―（無借金経営のため該当なし）",
        ] {
            assert_eq!(normalize(raw, &figure, None), Ok(Value::Text), "{raw}");
        }
        assert!(normalize("－3.5（2024年3月期）", &figure, None).is_ok_and(|v| v != Value::Text));
        // Without the catalog's word, a period is no presence.
        assert!(normalize("14日前", &field("presence", ""), None).is_err());
    }

    #[test]
    fn answers_per_centre_are_typed_centre_by_centre() {
        let presence = field("presence", "");
        let answers =
            normalize_per_centre("第1センター：有（UPS）／第2センター：有", &presence, None)
                .expect("per centre");
        assert_eq!(answers.len(), 2);
        assert_eq!(common_value(&answers), Value::Presence { present: true });
        let choice = field("choice", "choices = [\"a\", \"b\", \"c\"]");
        let differ = normalize_per_centre("A：①、B：③", &choice, None).expect("per centre");
        assert_eq!(differ[1].value, Ok(Value::Choice { choices: vec![3] }));
        assert_eq!(common_value(&differ), Value::Text);
        let unreadable = normalize_per_centre("DC1：①\nDC2：未定", &choice, None).expect("named");
        assert!(unreadable[1].value.is_err());
        assert_eq!(common_value(&unreadable), Value::Text);
        // Unnamed lines that do not each read as an answer are one answer.
        assert_eq!(
            normalize_per_centre("有り\n詳細は別紙のとおり", &presence, None),
            None
        );
    }
}
