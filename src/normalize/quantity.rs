//! Percentages, counts with units, ratios and durations.

use super::numerals::Decimal;
use super::{DurationUnit, Invalid, Num, Value, prepare};
use regex::Regex;
use std::sync::LazyLock;

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-?\d[\d,]*(?:\.\d+)?").expect("valid regex"));

/// A fiscal period written beside a ratio: 「（2024年3月期）」, 「決算期：2024年3月」.
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(\[]?\s*(?:決算期?\s*[:：]?\s*(?:\d{4}|(?:令和|平成|[RH])\s*(?:元|\d{1,2}))\s*(?:年|[./])\s*\d{1,2}\s*月?\s*期?|(?:\d{4}|(?:令和|平成|[RH])\s*(?:元|\d{1,2}))\s*(?:年|[./])\s*\d{1,2}\s*月?\s*期)\s*[)\]]?").expect("valid regex")
});

/// Removes the fiscal period from a figure's text where the field asks for one.
fn take_period(text: &str, with_period: bool) -> (String, Option<String>) {
    if !with_period {
        return (text.to_string(), None);
    }
    match PERIOD.find(text) {
        Some(m) => {
            let period = super::parse_date(m.as_str()).ok();
            let mut rest = text.to_string();
            rest.replace_range(m.range(), " ");
            (rest, period)
        }
        None => (text.to_string(), None),
    }
}

/// 99.95%, ９９．９５％, 99.95パーセント, 9割5分, a bare 0.9995 (a fraction of one).
pub fn parse_percent(raw: &str, with_period: bool) -> Result<Value, Invalid> {
    let expected = || Invalid::expected("百分率（例: 99.95%）");
    let (text, period) = take_period(&prepare(raw), with_period);
    let text = text.trim();
    if let Some(percent) = parse_wari(text) {
        return Ok(Value::Percent {
            percent: Num(percent),
            period,
        });
    }
    let m = NUMBER.find(text).ok_or_else(expected)?;
    let number = Decimal::parse(m.as_str()).ok_or_else(expected)?;
    let after = text[m.end()..].trim_start();
    let percent =
        if after.starts_with('%') || after.starts_with("パーセント") || after.starts_with("ﾊﾟｰｾﾝﾄ")
        {
            number
        } else if (after.is_empty() || !after.starts_with(|c: char| c.is_alphanumeric()))
            && !text[..m.start()].contains(char::is_alphanumeric)
        {
            // A bare figure: a spreadsheet fraction (0.9995) or a percentage without its
            // sign. Words before a figure without its sign make it prose (「ほぼ100」).
            if number.to_f64().abs() <= 1.0 && number.scale > 0 {
                number.shift(2).ok_or_else(expected)?
            } else {
                number
            }
        } else {
            return Err(expected());
        };
    if NUMBER.is_match(&without_brackets(&text[m.end()..])) {
        // Two figures (「99.9%〜99.99%」): which one is meant is for a reviewer. Figures
        // in brackets are notes (「99.998%（2023年4月～2024年3月）」).
        return Err(expected());
    }
    Ok(Value::Percent {
        percent: Num(percent),
        period,
    })
}

/// The text with bracketed notes removed.
fn without_brackets(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' | '[' | '（' | '【' | '「' => {
                depth += 1;
                false
            }
            ')' | ']' | '）' | '】' | '」' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// 9割5分3厘 → 95.3.
fn parse_wari(text: &str) -> Option<Decimal> {
    static WARI: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\d+)割(?:(\d)分)?(?:(\d)厘)?").expect("valid regex"));
    let c = WARI.captures(text)?;
    let part = |i: usize| {
        c.get(i)
            .map_or(Some(0), |m| m.as_str().parse::<i128>().ok())
    };
    // 「9999…割」 is no rate; too many digits give None rather than an overflow.
    let tenths_of_percent = part(1)?
        .checked_mul(100)?
        .checked_add(part(2)? * 10 + part(3)?)?;
    Some(Decimal {
        digits: tenths_of_percent,
        scale: 1,
    })
}

const UNITS: &[&str] = &[
    "センター",
    "拠点",
    "か所",
    "箇所",
    "ヶ所",
    "ケ所",
    "カ所",
    "名",
    "人",
    "社",
    "台",
    "件",
    "契約",
    "倍",
    "年",
    "回",
    "世代",
    "ヶ月",
    "か月",
    "カ月",
    "ケ月",
    "日",
];

/// 120名, 3社, 1.5倍, 2台; with the catalog's unit preferred where several figures
/// appear (「2024年4月1日現在 120名」).
pub fn parse_number(
    raw: &str,
    expected_unit: Option<&str>,
    with_period: bool,
) -> Result<Value, Invalid> {
    let expected = || {
        Invalid::expected(match expected_unit {
            Some(unit) if !unit.is_empty() => format!("数値（例: 3{unit}）"),
            _ => "数値".to_string(),
        })
    };
    let (text, period) = take_period(&prepare(raw), with_period);
    // Figures in brackets are notes (「257契約（2024年6月末時点）」, 「3.50（第38期：
    // 2024年4月1日～2025年3月31日）」); they count only where nothing is outside them.
    let chosen = choose_figure(&without_brackets(&text), expected_unit)
        .or_else(|| choose_figure(&text, expected_unit));
    let (number, unit) = chosen.ok_or_else(expected)?;
    Ok(Value::Number {
        number: Num(number),
        unit: unit.map(str::to_string),
        period,
    })
}

/// The figure of a text with the catalog's unit, or its only figure.
fn choose_figure(
    text: &str,
    expected_unit: Option<&str>,
) -> Option<(Decimal, Option<&'static str>)> {
    let figures: Vec<(Decimal, Option<&'static str>)> = NUMBER
        .find_iter(text)
        .filter_map(|m| {
            let number = Decimal::parse(m.as_str())?;
            let after = text[m.end()..].trim_start();
            let unit = UNITS.iter().find(|u| after.starts_with(**u)).copied();
            Some((number, unit))
        })
        .collect();
    let only_figure = match figures.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    match expected_unit.filter(|u| !u.is_empty()) {
        Some(wanted) => figures
            .iter()
            .find(|(_, unit)| *unit == Some(wanted))
            .copied()
            .or(only_figure),
        None => only_figure,
    }
}

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+(?:\.\d+)?)\s*(分間?|時間|日間?|週間?|[ヶケカかヵ箇个]月間?|ヵ月|年間?)")
        .expect("valid regex")
});

/// 3ヶ月前, 30日前, 5分ごと, 5分間隔, 72時間, 24時間365日.
pub fn parse_duration(raw: &str) -> Result<Value, Invalid> {
    let expected = || Invalid::expected("期間（例: 3ヶ月前、30日前、5分ごと）");
    let text = prepare(raw);
    let c = DURATION.captures(&text).ok_or_else(expected)?;
    let amount = Decimal::parse(c.get(1).map_or("", |m| m.as_str())).ok_or_else(expected)?;
    let unit_text = c.get(2).map_or("", |m| m.as_str());
    let unit = if unit_text.starts_with('分') {
        DurationUnit::Minute
    } else if unit_text.starts_with("時間") {
        DurationUnit::Hour
    } else if unit_text.starts_with('日') {
        DurationUnit::Day
    } else if unit_text.starts_with('週') {
        DurationUnit::Week
    } else if unit_text.starts_with('年') {
        DurationUnit::Year
    } else {
        DurationUnit::Month
    };
    Ok(Value::Duration {
        amount: Num(amount),
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(raw: &str) -> Option<String> {
        match parse_percent(raw, true) {
            Ok(Value::Percent { percent, .. }) => Some(percent.0.to_string()),
            _ => None,
        }
    }

    #[test]
    fn percent_spellings() {
        for (raw, expected) in [
            ("99.95%", "99.95"),
            ("９９．９５％", "99.95"),
            ("99.95パーセント", "99.95"),
            ("99.95 %", "99.95"),
            ("0.9995", "99.95"),
            ("99.95", "99.95"),
            ("100%", "100"),
            ("9割", "90.0"),
            ("9割5分", "95.0"),
            ("9割9分9厘", "99.9"),
            ("45.2%（2024年3月期）", "45.2"),
            ("約99.9%", "99.9"),
            ("99.998%（2023年4月～2024年3月）", "99.998"),
        ] {
            assert_eq!(percent(raw).as_deref(), Some(expected), "{raw}");
        }
        for raw in ["未計測", "", "99.9%〜99.99%", "ほぼ100", "実績は100"] {
            assert_eq!(percent(raw), None, "{raw}");
        }
    }

    #[test]
    fn numbers_with_units() {
        let number = |raw: &str, unit: Option<&str>| match parse_number(raw, unit, false) {
            Ok(Value::Number { number, unit, .. }) => Some((number.0.to_string(), unit)),
            _ => None,
        };
        assert_eq!(
            number("120名", Some("名")),
            Some(("120".into(), Some("名".into())))
        );
        assert_eq!(
            number("１，２００名", Some("名")),
            Some(("1200".into(), Some("名".into())))
        );
        assert_eq!(number("3社", None), Some(("3".into(), Some("社".into()))));
        assert_eq!(
            number("1.5倍", Some("倍")),
            Some(("1.5".into(), Some("倍".into())))
        );
        assert_eq!(
            number("2024年4月1日現在 120名", Some("名")),
            Some(("120".into(), Some("名".into())))
        );
        assert_eq!(
            number("1234567890123", None),
            Some(("1234567890123".into(), None))
        );
        assert_eq!(
            number("2拠点", Some("拠点")),
            Some(("2".into(), Some("拠点".into())))
        );
        assert_eq!(number("非公開", None), None);
        // Figures in brackets are notes on the figure outside them.
        assert_eq!(
            number("257契約（2024年6月末時点）", Some("社")),
            Some(("257".into(), Some("契約".into())))
        );
        assert_eq!(
            number("3.50（第38期：2024年4月1日～2025年3月31日）", Some("倍")),
            Some(("3.50".into(), None))
        );
        assert_eq!(
            number("役員（10名）", Some("名")),
            Some(("10".into(), Some("名".into())))
        );
    }

    #[test]
    fn duration_spellings() {
        let duration = |raw: &str| match parse_duration(raw) {
            Ok(Value::Duration { amount, unit }) => Some((amount.0.to_string(), unit)),
            _ => None,
        };
        use DurationUnit::*;
        for (raw, amount, unit) in [
            ("3ヶ月前", "3", Month),
            ("3カ月前", "3", Month),
            ("3か月前", "3", Month),
            ("3ケ月前", "3", Month),
            ("3ヵ月前", "3", Month),
            ("30日前", "30", Day),
            ("5分ごと", "5", Minute),
            ("5分間隔", "5", Minute),
            ("72時間", "72", Hour),
            ("24時間365日", "24", Hour),
            ("2週間前", "2", Week),
            ("1年前", "1", Year),
            ("３ヶ月前までにメールで通知", "3", Month),
        ] {
            assert_eq!(duration(raw), Some((amount.to_string(), unit)), "{raw}");
        }
        assert_eq!(duration("随時"), None);
    }
}
