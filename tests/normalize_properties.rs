//! Property tests: a value written in a random real-world spelling reads back as the
//! same value.

use kaiji::normalize::{Value, parse_date, parse_money, parse_percent, parse_presence};
use proptest::prelude::*;

const ERAS: [(&str, char, (i32, u32, u32)); 5] = [
    ("明治", 'M', (1868, 1, 25)),
    ("大正", 'T', (1912, 7, 30)),
    ("昭和", 'S', (1926, 12, 25)),
    ("平成", 'H', (1989, 1, 8)),
    ("令和", 'R', (2019, 5, 1)),
];

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' | '/' | '.' | ',' | '-' | '(' | ')' => {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

fn kanji_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => "〇一二三四五六七八九".chars().nth(d as usize).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// The era a date falls in, and the era year.
fn era_of(date: (i32, u32, u32)) -> (&'static str, char, i32) {
    let (name, letter, first) = ERAS
        .iter()
        .rev()
        .find(|(_, _, first)| date >= *first)
        .copied()
        .unwrap_or(ERAS[0]);
    (name, letter, date.0 - first.0 + 1)
}

fn spell_date(y: i32, m: u32, d: u32, style: u8) -> String {
    let (era, letter, era_year) = era_of((y, m, d));
    let era_year_text = if era_year == 1 {
        "元".to_string()
    } else {
        era_year.to_string()
    };
    match style % 12 {
        0 => format!("{y}年{m}月{d}日"),
        1 => format!("{y}/{m}/{d}"),
        2 => format!("{y}-{m:02}-{d:02}"),
        3 => format!("{y}.{m}.{d}"),
        4 => full_width(&format!("{y}年{m}月{d}日")),
        5 => full_width(&format!("{y}/{m}/{d}")),
        6 => format!("{era}{era_year_text}年{m}月{d}日"),
        7 if era_year > 1 => format!("{letter}{era_year}.{m}.{d}"),
        8 if era_year > 1 => format!("{}{era_year:02}/{m:02}/{d:02}", letter.to_ascii_lowercase()),
        9 => kanji_digits(&format!("{y}年{m}月{d}日")),
        10 => format!("{y}年{m:02}月{d:02}日（月）"),
        _ => format!("{era} {era_year_text} 年 {m} 月 {d} 日"),
    }
}

/// Groups digits in threes: 1234567 → 1,234,567.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 12億3,456万7,890円: the 万・億 form applicants use.
fn man_oku(n: u64) -> String {
    let (oku, rest) = (n / 100_000_000, n % 100_000_000);
    let (man, ones) = (rest / 10_000, rest % 10_000);
    let mut out = String::new();
    if oku > 0 {
        out.push_str(&format!("{}億", grouped(oku)));
    }
    if man > 0 {
        out.push_str(&format!("{}万", grouped(man)));
    }
    if ones > 0 || out.is_empty() {
        out.push_str(&grouped(ones));
    }
    out.push('円');
    out
}

fn spell_money(yen: i64, style: u8, negative_style: u8) -> String {
    let magnitude = yen.unsigned_abs();
    let body = match style % 7 {
        0 => format!("{}円", grouped(magnitude)),
        1 => format!("¥{}", grouped(magnitude)),
        2 => format!("{magnitude}円"),
        3 => man_oku(magnitude),
        4 if magnitude.is_multiple_of(1000) => format!("{}千円", grouped(magnitude / 1000)),
        5 if magnitude.is_multiple_of(1_000_000) => {
            format!("{}百万円", grouped(magnitude / 1_000_000))
        }
        6 => full_width(&format!("{}円", grouped(magnitude))),
        _ => format!("{}円", grouped(magnitude)),
    };
    if yen >= 0 {
        return body;
    }
    match negative_style % 4 {
        0 => format!("△{body}"),
        1 => format!("▲{body}"),
        2 => format!("-{body}"),
        _ => format!("マイナス{body}"),
    }
}

proptest! {
    #[test]
    fn dates_read_back_in_any_spelling(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=31, style in any::<u8>()) {
        prop_assume!(d <= days_in_month(y, m));
        let written = spell_date(y, m, d, style);
        prop_assert_eq!(parse_date(&written), Ok(format!("{y:04}-{m:02}-{d:02}")), "{}", written);
    }

    #[test]
    fn year_month_keeps_its_precision(y in 1950i32..2100, m in 1u32..=12) {
        prop_assert_eq!(parse_date(&format!("{y}年{m}月期")), Ok(format!("{y:04}-{m:02}")));
    }

    #[test]
    fn money_reads_back_exactly(yen in -999_999_999_999i64..999_999_999_999i64, style in any::<u8>(), negative in any::<u8>()) {
        let written = spell_money(yen, style, negative);
        prop_assert_eq!(parse_money(&written).map(|m| m.yen), Ok(yen), "{}", written);
    }

    #[test]
    fn money_in_thousands_with_a_period(thousands in 0u64..10_000_000_000, year in 1990i32..2100, month in 1u32..=12) {
        let written = format!("{}(千円)[{year}年{month}月期]", grouped(thousands));
        let money = parse_money(&written).unwrap();
        prop_assert_eq!(money.yen, thousands as i64 * 1000);
        prop_assert_eq!(money.period, Some(format!("{year:04}-{month:02}")));
    }

    #[test]
    fn percentages_keep_their_digits(hundredths in 0u32..=10_000, style in 0u8..5) {
        let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
        let written = match style {
            0 => format!("{text}%"),
            1 => full_width(&format!("{text}％")),
            2 => format!("{text}パーセント"),
            3 => format!("{text} %（2024年3月期）"),
            _ => format!("{text}%"),
        };
        let Ok(Value::Percent { percent, .. }) = parse_percent(&written, true) else {
            return Err(TestCaseError::fail(format!("{written} not read")));
        };
        prop_assert_eq!(percent.0.to_string(), text);
    }

    #[test]
    fn presence_with_an_explanation(present in any::<bool>(), word in 0usize..4, detail in "[ぁ-んァ-ヶ一-龠]{0,12}") {
        let words = if present { ["有り", "有", "あり", "○"] } else { ["無し", "無", "なし", "×"] };
        let written = if detail.is_empty() { words[word].to_string() } else { format!("{}（{detail}）", words[word]) };
        prop_assert_eq!(parse_presence(&written), Ok(present), "{}", written);
    }

    #[test]
    fn normalizers_never_panic(text in "\\PC{0,40}") {
        let _ = parse_date(&text);
        let _ = parse_money(&text);
        let _ = parse_percent(&text, true);
        let _ = parse_presence(&text);
    }
}
