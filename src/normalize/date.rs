//! Dates: 西暦 in its common spellings and 和暦 from 明治 to 令和.
//!
//! Precision is kept as written: 「2024年3月期」 is `2024-03`, 「2015年」 is `2015`.
//! An era date that never existed (平成32年, 令和元年4月1日) is invalid, not shifted.

use super::{Invalid, prepare};
use crate::era::Era;
use regex::Regex;
use std::sync::LazyLock;

static WAREKI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(明治|大正|昭和|平成|令和|[MTSHR])\.?\s*(元|\d{1,2})\s*(?:年|[./-])\s*(?:(\d{1,2})\s*(?:月|[./-])?\s*(?:(\d{1,2})\s*日?)?)?",
    )
    .expect("valid regex")
});

static WESTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\d{4})\s*(?:(年度?|[./-])\s*(?:(\d{1,2})\s*(?:月|[./-])?\s*(?:(\d{1,2})\s*日?)?)?)?",
    )
    .expect("valid regex")
});

static COMPACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})(\d{2})(\d{2})$").expect("valid regex"));

/// Parses the first date in an answer into `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
pub fn parse_date(raw: &str) -> Result<String, Invalid> {
    let text = prepare(raw);
    let text = text.trim();
    let expected = || Invalid::expected("日付（例: 2024年4月1日、令和6年4月1日）");
    if let Some(c) = COMPACT.captures(text) {
        let number = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let year = number(1).ok_or_else(expected)? as i32;
        return render(year, number(2), number(3)).ok_or_else(expected);
    }
    let wareki = WAREKI.captures_iter(text).find(|c| {
        c.get(0)
            .is_some_and(|m| !preceded_by_letter(text, m.start()))
    });
    let western = WESTERN.captures_iter(text).find(|c| {
        c.get(1)
            .is_some_and(|m| !touches_digit(text, m.start(), m.end()))
            && (c.get(2).is_some()
                || !text[c.get(1).map_or(0, |m| m.end())..].starts_with([',', '.']))
    });
    let start = |c: &Option<regex::Captures>| {
        c.as_ref()
            .and_then(|c| c.get(0))
            .map_or(usize::MAX, |m| m.start())
    };
    if start(&wareki) < start(&western) {
        let c = wareki.ok_or_else(expected)?;
        let era_text = c.get(1).map_or("", |m| m.as_str());
        let era = Era::by_name(era_text)
            .or_else(|| era_text.chars().next().and_then(Era::by_letter))
            .ok_or_else(expected)?;
        let year_text = c.get(2).map_or("", |m| m.as_str());
        let era_year: i32 = if year_text == "元" {
            1
        } else {
            year_text.parse().map_err(|_| expected())?
        };
        let month = c.get(3).and_then(|m| m.as_str().parse().ok());
        let day = c.get(4).and_then(|m| m.as_str().parse().ok());
        if era_year < 1 {
            return Err(expected());
        }
        let year = era.western_year(era_year);
        if !era.contains(year, month, day) {
            return Err(Invalid::expected(format!(
                "{}{}年{}は存在しない日付です。実在する日付",
                era.name,
                year_text,
                month.map_or(String::new(), |m| format!("{m}月"))
            )));
        }
        return render(year, month, day).ok_or_else(expected);
    }
    let c = western.ok_or_else(expected)?;
    let number = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = number(1).ok_or_else(expected)? as i32;
    if !(1868..=2100).contains(&year) {
        return Err(expected());
    }
    render(year, number(3), number(4)).ok_or_else(expected)
}

fn preceded_by_letter(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphabetic())
}

fn touches_digit(text: &str, start: usize, end: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.')
        || text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
}

fn render(year: i32, month: Option<u32>, day: Option<u32>) -> Option<String> {
    match (month, day) {
        (None, _) => Some(format!("{year:04}")),
        (Some(m), None) if (1..=12).contains(&m) => Some(format!("{year:04}-{m:02}")),
        (Some(m), Some(d)) if (1..=12).contains(&m) && d >= 1 && d <= days_in_month(year, m) => {
            Some(format!("{year:04}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real-world spellings and what they mean.
    const SPELLINGS: &[(&str, &str)] = &[
        ("2024年4月1日", "2024-04-01"),
        ("2024/4/1", "2024-04-01"),
        ("2024/04/01", "2024-04-01"),
        ("2024-04-01", "2024-04-01"),
        ("2024.4.1", "2024-04-01"),
        ("2024. 4. 1", "2024-04-01"),
        ("2024 年 4 月 1 日", "2024-04-01"),
        ("２０２４年４月１日", "2024-04-01"),
        ("２０２４／４／１", "2024-04-01"),
        ("2024年4月1日（月）", "2024-04-01"),
        ("2024年4月1日(月曜日)", "2024-04-01"),
        ("2024/4/1 (月)", "2024-04-01"),
        ("二〇二四年四月一日", "2024-04-01"),
        ("二千二十四年四月一日", "2024-04-01"),
        ("20240401", "2024-04-01"),
        ("令和6年4月1日", "2024-04-01"),
        ("令和６年４月１日", "2024-04-01"),
        ("令和 6 年 4 月 1 日", "2024-04-01"),
        ("R6.4.1", "2024-04-01"),
        ("r6.4.1", "2024-04-01"),
        ("R06.04.01", "2024-04-01"),
        ("Ｒ６．４．１", "2024-04-01"),
        ("R6/4/1", "2024-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("令和元年", "2019"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成30年1月30日", "2018-01-30"),
        ("H30/1/30", "2018-01-30"),
        ("H30.1.30", "2018-01-30"),
        ("平成20年1月30日", "2008-01-30"),
        ("平成元年1月8日", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("昭和50年4月1日", "1975-04-01"),
        ("S50.4.1", "1975-04-01"),
        ("大正15年12月24日", "1926-12-24"),
        ("明治45年7月29日", "1912-07-29"),
        ("2024年3月期", "2024-03"),
        ("2024年3月", "2024-03"),
        ("2024/3", "2024-03"),
        ("2015年", "2015"),
        ("2015", "2015"),
        ("2015年度", "2015"),
        (
            "2016年4月1日（2020年4月に大規模リニューアル）",
            "2016-04-01",
        ),
        ("設立：2015年4月1日", "2015-04-01"),
        ("2024年2月29日", "2024-02-29"),
    ];

    #[test]
    fn real_world_spellings() {
        for (raw, expected) in SPELLINGS {
            assert_eq!(parse_date(raw).as_deref(), Ok(*expected), "{raw}");
        }
    }

    #[test]
    fn impossible_dates_are_invalid() {
        for raw in [
            "平成32年4月1日",
            "平成31年5月1日",
            "令和元年4月1日",
            "昭和65年",
            "2023年2月29日",
            "2024年13月1日",
            "2024年4月31日",
            "未定",
            "",
            "1,234",
            "令和0年",
            "12345",
        ] {
            assert!(
                parse_date(raw).is_err(),
                "{raw} should be invalid, got {:?}",
                parse_date(raw)
            );
        }
    }
}
