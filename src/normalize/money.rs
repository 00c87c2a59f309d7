//! Money: exact integer yen from the ways applicants write amounts, with the fiscal
//! period (決算期) when it is written beside them.

use super::numerals::Decimal;
use super::{Invalid, prepare};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub yen: i64,
    /// `YYYY-MM` of the 決算期, or `YYYY` when only the year is given.
    pub period: Option<String>,
}

/// 「2024年3月期」, 「決算期：2024年3月」, 「令和6年3月期」, 「2024/3期」.
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:決算期?\s*[:：]?\s*)?((?:明治|大正|昭和|平成|令和|[MTSHR])\s*(?:元|\d{1,2})|\d{4})\s*(?:年度?|[./])\s*(?:(\d{1,2})\s*月?)?\s*(?:期末|期|決算)?")
        .expect("valid regex")
});

/// A unit stated beside the figure: 「(千円)」, 「（単位：百万円）」, 「単位:円」.
static UNIT_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[(\[]?\s*(?:単位\s*[:：]?\s*)(円|千円|万円|百万円|億円)\s*[)\]]?|[(\[]\s*(円|千円|万円|百万円|億円)\s*[)\]]").expect("valid regex")
});

/// One figure with an optional 兆・億・万 after it.
static GROUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d[\d,]*(?:\.\d+)?)\s*(兆|億|万)?").expect("valid regex"));

fn unit_factor(unit: &str) -> Option<i128> {
    Some(match unit {
        "円" | "" => 1,
        "千円" | "千" => 1_000,
        "万円" | "万" => 10_000,
        "百万円" | "百万" => 1_000_000,
        "千万円" | "千万" => 10_000_000,
        "億円" | "億" => 100_000_000,
        _ => return None,
    })
}

/// Reads an amount whose unit may be stated once in its label or header
/// (「売上高（単位：千円）」): the label's unit applies only when the answer names none.
pub fn parse_money_under_label(raw: &str, label: Option<&str>) -> Result<Money, Invalid> {
    let money = parse_money(raw)?;
    let label_unit = label.and_then(|label| {
        let label = prepare(label);
        let c = UNIT_NOTE.captures(&label)?;
        unit_factor(c.get(1).or(c.get(2))?.as_str())
    });
    let answer = prepare(raw);
    let names_its_unit =
        answer.contains(['円', '¥', '￥', '万', '億', '兆']) || answer.contains("JPY");
    match label_unit {
        Some(factor) if !names_its_unit => {
            let yen = i128::from(money.yen)
                .checked_mul(factor)
                .and_then(|y| i64::try_from(y).ok());
            let yen = yen.ok_or_else(|| Invalid::expected("金額"))?;
            Ok(Money { yen, ..money })
        }
        _ => Ok(money),
    }
}

pub fn parse_money(raw: &str) -> Result<Money, Invalid> {
    latest_period(raw).map_or_else(|| parse_one(raw), Ok)
}

/// Figures for several fiscal periods, a line each (「2024年3月期　921,239,000円」 over
/// 「2023年3月期　722,616,984円」, a table of them flattened): the latest period's, which
/// is what the guide asks. Lines that hold no dated figure (a header 「決算期　金額」)
/// are passed over; none where fewer than two lines are dated figures.
fn latest_period(raw: &str) -> Option<Money> {
    let lines = raw.lines().filter(|line| !line.trim().is_empty());
    // One line is read once, by the caller.
    lines.clone().nth(1)?;
    let mut dated = lines
        .filter_map(|line| parse_one(line).ok())
        .filter(|money| money.period.is_some());
    let first = dated.next()?;
    let second = dated.next()?;
    // The first written wins a tie.
    let latest = |a: Money, b: Money| if b.period > a.period { b } else { a };
    Some(dated.fold(latest(first, second), latest))
}

fn parse_one(raw: &str) -> Result<Money, Invalid> {
    let expected = || Invalid::expected("金額（例: 1,234,567円、12億3,456万円、500千円）");
    let mut text = prepare(raw);

    let mut period = None;
    if let Some(m) = PERIOD.find(&text).filter(|m| {
        text[m.end()..]
            .trim_start()
            .starts_with(['期', ')', ']', '）', '】'])
            || m.as_str().contains('期')
            || m.as_str().contains('決')
    }) {
        period = super::parse_date(m.as_str()).ok();
        text.replace_range(m.range(), " ");
    }
    let mut stated_unit = 1i128;
    if let Some(c) = UNIT_NOTE.captures(&text) {
        let unit = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
        stated_unit = unit_factor(unit).ok_or_else(expected)?;
        let range = c.get(0).map(|m| m.range()).ok_or_else(expected)?;
        text.replace_range(range, " ");
    }
    // What is left of brackets that held a period or a unit.
    let text: String = text
        .replace("()", " ")
        .replace("[]", " ")
        .replace("【】", " ");
    let text = text
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_digit() && !"△▲-¥￥(マ".contains(c));

    let (negative, text) = strip_negative(text);
    let text = text.as_str();
    let text = text.trim_start_matches(['¥', '￥']).trim_start();
    let text = text.strip_prefix("JPY").unwrap_or(text).trim_start();

    let mut rest = text;
    let mut total = Decimal {
        digits: 0,
        scale: 0,
    };
    let mut groups = 0;
    while let Some(c) = GROUP.captures(rest) {
        let number = Decimal::parse(c.get(1).map_or("", |m| m.as_str())).ok_or_else(expected)?;
        let factor: i128 = match c.get(2).map(|m| m.as_str()) {
            Some("兆") => 1_000_000_000_000,
            Some("億") => 100_000_000,
            Some("万") => 10_000,
            _ => 1,
        };
        let part = number.times(factor).ok_or_else(expected)?;
        total = add(total, part).ok_or_else(expected)?;
        groups += 1;
        rest = rest[c.get(0).map_or(0, |m| m.end())..].trim_start();
        if c.get(2).is_none() {
            break;
        }
    }
    if groups == 0 {
        return Err(expected());
    }
    // A unit word after the figure: 円, 千円, 百万円 (only where no 兆・億・万 was used).
    let unit_word: String = rest
        .chars()
        .take_while(|c| "千百万億円".contains(*c))
        .collect();
    let factor = if unit_word.is_empty() || unit_word == "円" {
        1
    } else {
        unit_factor(&unit_word).ok_or_else(expected)?
    };
    let after = &rest[unit_word.len()..];
    if after.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return Err(expected());
    }
    let value = total
        .times(factor)
        .and_then(|v| v.times(stated_unit))
        .ok_or_else(expected)?;
    let yen = value
        .to_integer()
        .ok_or_else(|| Invalid::expected("円単位で割り切れる金額"))?;
    let yen = if negative { -yen } else { yen };
    let yen = i64::try_from(yen).map_err(|_| expected())?;
    Ok(Money { yen, period })
}

fn strip_negative(text: &str) -> (bool, String) {
    for marker in ["△", "▲", "-", "マイナス"] {
        if let Some(rest) = text.strip_prefix(marker) {
            return (true, rest.trim_start().to_string());
        }
    }
    // Accounting style: (1,234) is negative.
    if let Some((inner, after)) = text.strip_prefix('(').and_then(|t| t.split_once(')'))
        && inner.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return (true, format!("{inner}{after}"));
    }
    (false, text.to_string())
}

fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale.max(b.scale);
    let a = a.times(10i128.checked_pow(scale - a.scale)?)?;
    let b = b.times(10i128.checked_pow(scale - b.scale)?)?;
    Some(Decimal {
        digits: a.digits.checked_add(b.digits)?,
        scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPELLINGS: &[(&str, i64, Option<&str>)] = &[
        ("1,234,567円", 1_234_567, None),
        ("1234567円", 1_234_567, None),
        ("1,234,567", 1_234_567, None),
        ("¥1,234,567", 1_234_567, None),
        ("￥1,234,567", 1_234_567, None),
        ("¥ 1,234,567-", 1_234_567, None),
        ("１，２３４，５６７円", 1_234_567, None),
        ("12億3,456万円", 1_234_560_000, None),
        ("12億3456万円", 1_234_560_000, None),
        ("1億2000万円", 120_000_000, None),
        ("1.2億円", 120_000_000, None),
        ("3.5万円", 35_000, None),
        ("500千円", 500_000, None),
        ("1,234百万円", 1_234_000_000, None),
        ("1,234,567千円", 1_234_567_000, None),
        ("1,234,567(千円)", 1_234_567_000, None),
        ("1,234,567（千円）", 1_234_567_000, None),
        (
            "1,234,567(千円)[2024年3月期]",
            1_234_567_000,
            Some("2024-03"),
        ),
        (
            "209,716,524円（2023年10月期）",
            209_716_524,
            Some("2023-10"),
        ),
        ("2024年3月期 1,234,567千円", 1_234_567_000, Some("2024-03")),
        (
            "1,234,567千円（決算期：2024年3月）",
            1_234_567_000,
            Some("2024-03"),
        ),
        ("令和6年3月期 500百万円", 500_000_000, Some("2024-03")),
        ("（単位：千円）1,234", 1_234_000, None),
        ("△3,000千円", -3_000_000, None),
        ("▲3,000千円", -3_000_000, None),
        ("-3,000千円", -3_000_000, None),
        ("－3,000千円", -3_000_000, None),
        ("マイナス3,000千円", -3_000_000, None),
        ("(3,000)千円", -3_000_000, None),
        ("千二百万円", 12_000_000, None),
        ("三十億円", 3_000_000_000, None),
        ("10億円", 1_000_000_000, None),
        ("1兆2,000億円", 1_200_000_000_000, None),
        ("JPY 1,000,000", 1_000_000, None),
        ("売上高：1,234,567円", 1_234_567, None),
        ("1,234,567円（単独）", 1_234_567, None),
        ("100,000,000円(2024年3月期)", 100_000_000, Some("2024-03")),
        ("50,000千円 [2024年3月期]", 50_000_000, Some("2024-03")),
        ("0円", 0, None),
        ("8,000万円", 80_000_000, None),
        ("１億円", 100_000_000, None),
        ("2.5百万円", 2_500_000, None),
    ];

    #[test]
    fn real_world_spellings() {
        for (raw, yen, period) in SPELLINGS {
            let money = parse_money(raw).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
            assert_eq!(money.yen, *yen, "{raw}");
            assert_eq!(money.period.as_deref(), *period, "{raw}");
        }
    }

    #[test]
    fn a_unit_stated_in_the_label_applies_to_bare_figures() {
        let in_thousands = Some("売上高（単位：千円）");
        assert_eq!(
            parse_money_under_label("1,234,567", in_thousands).map(|m| m.yen),
            Ok(1_234_567_000)
        );
        assert_eq!(
            parse_money_under_label("1,234,567(2024年3月期)", in_thousands).map(|m| m.yen),
            Ok(1_234_567_000)
        );
        assert_eq!(
            parse_money_under_label("1,234,567円", in_thousands).map(|m| m.yen),
            Ok(1_234_567)
        );
        assert_eq!(
            parse_money_under_label("1,234", Some("資本金（百万円）")).map(|m| m.yen),
            Ok(1_234_000_000)
        );
        assert_eq!(
            parse_money_under_label("1,234", Some("資本金")).map(|m| m.yen),
            Ok(1_234)
        );
        assert_eq!(
            parse_money_under_label("1,234", None).map(|m| m.yen),
            Ok(1_234)
        );
    }

    #[test]
    fn figures_for_several_periods_give_the_latest() {
        let latest = |raw: &str| parse_money(raw).map(|m| (m.yen, m.period));
        assert_eq!(
            latest("2024年5月期　47,589,263,000円\n2023年5月期　45,619,000,000円"),
            Ok((47_589_263_000, Some("2024-05".to_string())))
        );
        // Oldest first, under a header line.
        assert_eq!(
            latest("決算期　金額\n2023年3月期　1,257,623,660円\n2024年3月期　1,195,600,000円"),
            Ok((1_195_600_000, Some("2024-03".to_string())))
        );
        // One dated figure and a note is one figure; two figures without periods are
        // still no amount.
        assert_eq!(
            latest_period("1,234,567円（2024年3月期）\n前年比10%増"),
            None
        );
        assert_eq!(latest_period("1,000円\n2,000円"), None);
        assert!(parse_money("1,000円\n2,000円").is_err());
    }

    #[test]
    fn unreadable_amounts_are_invalid() {
        for raw in [
            "未定",
            "",
            "非公開",
            "1,23,4円",
            "1.23456789123万円",
            "約",
            "12円34",
        ] {
            assert!(
                parse_money(raw).is_err(),
                "{raw} should be invalid, got {:?}",
                parse_money(raw)
            );
        }
    }
}
