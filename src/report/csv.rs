//! CSV for spreadsheets: one row per answered field (extract) or per finding (check).
//! UTF-8 with a byte-order mark, which Excel needs to read Japanese text correctly.

use crate::catalog::Catalog;
use crate::findings::Verdict;
use crate::model::Location;
use crate::normalize::{DurationUnit, Value};
use crate::pipeline::Outcome;
use std::io::{self, Write};

const BOM: &str = "\u{feff}";

/// The column headers of the answers table, for the reviewer who opens it: the JSON
/// contract's `path`, `format`, `item`, `title`, `field`, `raw`, `kind`, `value`, `at`,
/// `confidence` and the error.
const ANSWER_COLUMNS: [&str; 11] = [
    "ファイル",
    "形式",
    "項目番号",
    "項目名",
    "記述内容",
    "記入内容",
    "値の種類",
    "値",
    "場所",
    "確からしさ",
    "エラー",
];

pub fn write_answers_header(out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{BOM}")?;
    write_row(out, &ANSWER_COLUMNS.map(String::from))
}

/// One row per answered field; a file that could not be read gets one row with its error.
pub fn write_answers(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    match outcome {
        Outcome::Error(e) => {
            let error = e.error.to_string();
            let mut row = vec![String::new(); ANSWER_COLUMNS.len()];
            row[0] = e.source.path.clone();
            row[1] = e.source.format.clone();
            row[10] = error;
            write_row(out, &row)
        }
        Outcome::Document(d) => {
            for item in &d.items {
                for field in &item.fields {
                    let kind = serde_json::to_value(&field.value)
                        .ok()
                        .and_then(|v| Some(v.get("kind")?.as_str()?.to_string()))
                        .unwrap_or_default();
                    write_row(
                        out,
                        &[
                            d.source.path.clone(),
                            d.source.format.clone(),
                            item.number.to_string(),
                            item.title.clone(),
                            field.index.to_string(),
                            field.raw.clone(),
                            kind,
                            value_text(&field.value),
                            location_text(&field.at),
                            field.confidence.to_string(),
                            String::new(),
                        ],
                    )?;
                }
            }
            Ok(())
        }
    }
}

/// The column headers of the findings table: the contract's `path`, `verdict`, `item`,
/// `title`, `field`, `rule`, `severity`, `message`, `quote`, `at`, `related`, `code`.
const FINDING_COLUMNS: [&str; 12] = [
    "ファイル",
    "判定",
    "項目番号",
    "項目名",
    "記述内容",
    "規則",
    "重要度",
    "指摘",
    "記入内容",
    "場所",
    "関連項目",
    "コード",
];

/// Every finding of a batch, one row each, for spreadsheets; a file that could not be
/// read gets one row with its error as the message.
pub fn write_findings(
    out: &mut dyn Write,
    outcomes: &[Outcome],
    catalog: &Catalog,
) -> io::Result<()> {
    write!(out, "{BOM}")?;
    write_row(out, &FINDING_COLUMNS.map(String::from))?;
    for outcome in outcomes {
        match outcome {
            Outcome::Error(e) => {
                let mut row = vec![String::new(); FINDING_COLUMNS.len()];
                row[0] = e.source.path.clone();
                row[1] = "error".into();
                row[5] = e.error.kind.name().into();
                row[7] = e.error.message.clone();
                write_row(out, &row)?;
            }
            Outcome::Document(d) => {
                for finding in &d.findings {
                    let title = finding
                        .item
                        .and_then(|n| catalog.item(n))
                        .map_or(String::new(), |i| i.title.clone());
                    write_row(
                        out,
                        &[
                            d.source.path.clone(),
                            d.verdict.map_or("", Verdict::name).into(),
                            finding.item.map_or(String::new(), |n| n.to_string()),
                            title,
                            finding.field.map_or(String::new(), |n| n.to_string()),
                            finding.rule.name().into(),
                            finding.severity.name().into(),
                            finding.message.clone(),
                            finding.quote.clone().unwrap_or_default(),
                            finding.at.as_ref().map_or(String::new(), location_text),
                            finding
                                .related
                                .iter()
                                .map(u32::to_string)
                                .collect::<Vec<_>>()
                                .join(" "),
                            finding.code.clone(),
                        ],
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The typed value as a person reads it: 2024-06-01, 1234000円, 99.95%, 有, 1,4, 6か月.
/// A text's value is its raw answer, which has its own column; the period written with
/// a figure follows it (1234000円（2024-03期）).
fn value_text(value: &Value) -> String {
    let with_period = |text: String, period: &Option<String>| match period {
        Some(period) => format!("{text}（{period}期）"),
        None => text,
    };
    match value {
        Value::Text => String::new(),
        Value::Date { date } => date.clone(),
        Value::Money { yen, period } => with_period(format!("{yen}円"), period),
        Value::Percent { percent, period } => with_period(format!("{}%", percent.0), period),
        Value::Number {
            number,
            unit,
            period,
        } => with_period(
            format!("{}{}", number.0, unit.as_deref().unwrap_or("")),
            period,
        ),
        Value::Duration { amount, unit } => {
            let unit = match unit {
                DurationUnit::Minute => "分",
                DurationUnit::Hour => "時間",
                DurationUnit::Day => "日",
                DurationUnit::Week => "週間",
                DurationUnit::Month => "か月",
                DurationUnit::Year => "年",
            };
            format!("{}{unit}", amount.0)
        }
        Value::Presence { present } => if *present { "有" } else { "無" }.to_string(),
        Value::Permission { allowed } => if *allowed { "可" } else { "不可" }.to_string(),
        Value::Choice { choices } => choices
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// A location as a reviewer would say it, in the words of the program that shows it:
/// 申請書!E12, 本文 12 段落目, 表1 行3 列2, 3ページ.
pub fn location_text(at: &Location) -> String {
    match at {
        Location::Cell { sheet, row, col } => {
            format!("{sheet}!{}", Location::cell_address(*row, *col))
        }
        Location::Paragraph { paragraph } => format!("本文 {paragraph} 段落目"),
        Location::TableCell { table, row, col } => format!("表{table} 行{row} 列{col}"),
        Location::Page { page } => format!("{page}ページ"),
    }
}

pub fn write_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|cell| quote(cell)).collect();
    out.write_all(line.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

/// A cell as CSV writes it: quoted where it holds a separator, and neutralized where a
/// spreadsheet would take it for a formula.
fn quote(cell: &str) -> String {
    let cell = neutralized(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

/// The OWASP rule for CSV injection: a cell an applicant wrote that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would open in Excel or LibreOffice Calc as
/// a live formula (`=HYPERLINK(…)`, `=cmd|…`), so it gets a leading `'`, which both show
/// as text. A plain number (`-1200`, `+3.5`) is no formula and is left as it is.
fn neutralized(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && !is_plain_number(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A sign and digits, with at most one decimal point.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.trim_start_matches(['+', '-']);
    cell.len() - digits.len() == 1
        && !digits.is_empty()
        && digits.split('.').count() <= 2
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Num;
    use crate::normalize::numerals::Decimal;

    #[test]
    fn values_read_as_people_write_them() {
        let num = |text: &str| Num(Decimal::parse(text).unwrap());
        let cases = [
            (Value::Text, ""),
            (
                Value::Date {
                    date: "2024-06-01".into(),
                },
                "2024-06-01",
            ),
            (
                Value::Money {
                    yen: 1_234_000,
                    period: Some("2024-03".into()),
                },
                "1234000円（2024-03期）",
            ),
            (
                Value::Percent {
                    percent: num("99.95"),
                    period: None,
                },
                "99.95%",
            ),
            (
                Value::Number {
                    number: num("3"),
                    unit: Some("拠点".into()),
                    period: None,
                },
                "3拠点",
            ),
            (
                Value::Duration {
                    amount: num("6"),
                    unit: DurationUnit::Month,
                },
                "6か月",
            ),
            (Value::Presence { present: false }, "無"),
            (Value::Permission { allowed: true }, "可"),
            (
                Value::Choice {
                    choices: vec![1, 4],
                },
                "1,4",
            ),
        ];
        for (value, text) in cases {
            assert_eq!(value_text(&value), text, "{value:?}");
        }
    }

    #[test]
    fn word_places_read_as_word_shows_them() {
        assert_eq!(
            location_text(&Location::Paragraph { paragraph: 12 }),
            "本文 12 段落目"
        );
    }

    #[test]
    fn cells_with_separators_are_quoted() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("line1\nline2"), "\"line1\nline2\"");
        assert_eq!(quote("有り"), "有り");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralized() {
        for formula in [
            "=HYPERLINK(\"http://example.com\",\"click\")",
            "=cmd|' /C calc'!A0",
            "+1+2",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-",
            "-1e3",
        ] {
            assert!(
                quote(formula).trim_start_matches('"').starts_with('\''),
                "{formula:?}"
            );
        }
        for plain in ["-1200", "+3.5", "1,234", "0.95", "有り", "", "a=b"] {
            assert!(
                !quote(plain).trim_start_matches('"').starts_with('\''),
                "{plain:?}"
            );
        }
    }
}
