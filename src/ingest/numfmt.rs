//! Rendering a numeric or date cell the way the spreadsheet shows it.
//!
//! A reviewer reads 「99.95%」 and 「2015/4/1」, not 0.9995 and 42095: the contract's
//! `raw` is the answer as written, so typed cells are rendered through their number
//! format. This covers the format codes application forms use (fixed decimals,
//! thousands separators, percent, literal units, dates including 和暦); anything more
//! exotic falls back to Excel's General rendering.

use crate::era::{Era, Ymd};

/// A date and time as stored in a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateTime {
    pub date: Ymd,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Longest format code rendered; a longer one is shown as General. Excel and
/// LibreOffice accept 255 characters; this leaves room for their UTF-8. It bounds the
/// work and the text of one cell: a code of millions of zeros would ask for millions of
/// digits, a long literal for its copy in every cell.
const MAX_CODE_BYTES: usize = 1024;

/// A format code to render, or `None` for General.
fn usable(code: Option<&str>) -> Option<&str> {
    code.filter(|c| c.len() <= MAX_CODE_BYTES && !c.eq_ignore_ascii_case("general"))
}

/// Renders a number through a format code (`None` or "General" for the default).
pub fn format_number(value: f64, code: Option<&str>) -> String {
    let Some(code) = usable(code) else {
        return general(value);
    };
    let sections = split_sections(code);
    let (section, value) = match sections.as_slice() {
        [_, negative, ..] if value < 0.0 => (*negative, -value),
        [_, _, zero, ..] if value == 0.0 => (*zero, value),
        [first, ..] => (*first, value),
        [] => return general(value),
    };
    render_number_section(section, value).unwrap_or_else(|| general(value))
}

/// Renders a date through a format code; `None` gives the Japanese short date
/// (2015/4/1), which is what Excel and LibreOffice show for a bare date cell in a
/// Japanese locale.
pub fn format_date(value: DateTime, code: Option<&str>) -> String {
    let code = usable(code)
        .map(|c| split_sections(c)[0])
        .filter(|c| has_date_tokens(c));
    match code {
        Some(code) => render_date_section(code, value),
        None => {
            let (y, m, d) = value.date;
            if (value.hour, value.minute, value.second) == (0, 0, 0) {
                format!("{y}/{m}/{d}")
            } else {
                format!("{y}/{m}/{d} {}:{:02}", value.hour, value.minute)
            }
        }
    }
}

/// Excel's General format: integers as integers, other values to ten significant
/// digits without trailing zeros.
fn general(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let magnitude = if value == 0.0 {
        0
    } else {
        value.abs().log10().floor() as i32
    };
    let decimals = (9 - magnitude).clamp(0, 15) as usize;
    let text = format!("{value:.decimals$}");
    trim_fraction(&text, 0)
}

fn trim_fraction(text: &str, keep: usize) -> String {
    let Some(dot) = text.find('.') else {
        return text.to_string();
    };
    let (integer, fraction) = (&text[..dot], &text[dot + 1..]);
    let mut fraction = fraction.trim_end_matches('0');
    if fraction.len() < keep {
        fraction = &text[dot + 1..dot + 1 + keep];
    }
    if fraction.is_empty() {
        integer.to_string()
    } else {
        format!("{integer}.{fraction}")
    }
}

fn split_sections(code: &str) -> Vec<&str> {
    let mut sections = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in code.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                sections.push(&code[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    sections.push(&code[start..]);
    sections
}

/// One piece of a format section: literal text or a placeholder character.
enum Piece {
    Literal(String),
    Code(char),
}

fn pieces(section: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let literal: String = chars.by_ref().take_while(|&c| c != '"').collect();
                out.push(Piece::Literal(literal));
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(Piece::Literal(next.to_string()));
                }
            }
            // `_x` pads with the width of x, `*x` repeats x to fill: layout only.
            '_' | '*' => {
                chars.next();
            }
            // Bracketed tags are colours, conditions and locales: markers, not text,
            // except a currency tag such as [$¥-411], which prints its symbol.
            '[' => {
                let tag: String = chars.by_ref().take_while(|&c| c != ']').collect();
                if let Some(currency) = tag.strip_prefix('$') {
                    let symbol = currency.split('-').next().unwrap_or("");
                    out.push(Piece::Literal(symbol.to_string()));
                }
            }
            _ => out.push(Piece::Code(c)),
        }
    }
    out
}

fn render_number_section(section: &str, value: f64) -> Option<String> {
    let pieces = pieces(section);
    let is_placeholder = |c: char| matches!(c, '0' | '#' | '?' | '.' | ',');
    let first = pieces
        .iter()
        .position(|p| matches!(p, Piece::Code(c) if is_placeholder(*c)));
    let last = pieces
        .iter()
        .rposition(|p| matches!(p, Piece::Code(c) if is_placeholder(*c)));
    let mut prefix = String::new();
    let mut suffix = String::new();
    let mut pattern = String::new();
    let mut percent = false;
    for (i, piece) in pieces.iter().enumerate() {
        let text = match piece {
            Piece::Literal(t) => t.clone(),
            Piece::Code('%') => {
                percent = true;
                "%".to_string()
            }
            Piece::Code('E' | 'e' | '@') => return None,
            Piece::Code(c)
                if is_placeholder(*c)
                    && first.is_some_and(|f| i >= f)
                    && last.is_some_and(|l| i <= l) =>
            {
                pattern.push(*c);
                continue;
            }
            Piece::Code(c) => c.to_string(),
        };
        if first.is_none_or(|f| i < f) {
            prefix.push_str(&text);
        } else {
            suffix.push_str(&text);
        }
    }
    if pattern.is_empty() {
        return if value == 0.0 || !prefix.is_empty() || !suffix.is_empty() {
            Some(format!("{prefix}{suffix}"))
        } else {
            None
        };
    }
    let mut value = if percent { value * 100.0 } else { value };
    // Trailing commas scale by thousands ("#,##0," shows thousands).
    let trailing_commas = pattern.len() - pattern.trim_end_matches(',').len();
    let pattern = pattern.trim_end_matches(',');
    value /= 1000f64.powi(trailing_commas as i32);
    let (integer_pattern, fraction_pattern) = pattern.split_once('.').unwrap_or((pattern, ""));
    let max_decimals = fraction_pattern
        .chars()
        .filter(|c| matches!(c, '0' | '#' | '?'))
        .count();
    let min_decimals = fraction_pattern.chars().filter(|&c| c == '0').count();
    let grouped = integer_pattern.contains(',');
    let min_integer_digits = integer_pattern.chars().filter(|&c| c == '0').count();
    // Excel rounds halves away from zero; Rust's formatting would round them to even.
    let scale = 10f64.powi(max_decimals as i32);
    let rounded = (value.abs() * scale).round() / scale;
    let fixed = format!("{:.*}", max_decimals, rounded);
    let fixed = trim_fraction(&fixed, min_decimals);
    let (integer, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut integer = integer.trim_start_matches('0').to_string();
    while integer.len() < min_integer_digits {
        integer.insert(0, '0');
    }
    if grouped {
        integer = group_thousands(&integer);
    }
    // A negative that rounds to zero shows no sign, as in Excel.
    let shows_nonzero = integer
        .chars()
        .chain(fraction.chars())
        .any(|c| c.is_ascii_digit() && c != '0');
    let sign = if value < 0.0 && shows_nonzero {
        "-"
    } else {
        ""
    };
    let number = if fraction.is_empty() {
        integer
    } else {
        format!("{integer}.{fraction}")
    };
    Some(format!("{prefix}{sign}{number}{suffix}"))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn has_date_tokens(section: &str) -> bool {
    pieces(section).iter().any(|p| matches!(p, Piece::Code(c) if matches!(c.to_ascii_lowercase(), 'y' | 'm' | 'd' | 'e' | 'g' | 'h')))
}

const WEEKDAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];

fn weekday((y, m, d): Ymd) -> usize {
    // Sakamoto's method; 0 is Sunday.
    const OFFSETS: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let index = (m as usize).saturating_sub(1).min(11);
    (y + y / 4 - y / 100 + y / 400 + OFFSETS[index] + d as i32).rem_euclid(7) as usize
}

enum DateToken {
    Literal(String),
    /// A code letter and how many times it repeats (yyyy, mm, ggg …).
    Code(char, usize),
}

fn render_date_section(section: &str, value: DateTime) -> String {
    const DATE_CODES: &str = "ymdhsaeg";
    let mut tokens: Vec<DateToken> = Vec::new();
    for piece in pieces(section) {
        match piece {
            Piece::Literal(t) => tokens.push(DateToken::Literal(t)),
            Piece::Code(c) => {
                let lower = c.to_ascii_lowercase();
                match tokens.last_mut() {
                    Some(DateToken::Code(last, count)) if *last == lower => *count += 1,
                    _ if DATE_CODES.contains(lower) => tokens.push(DateToken::Code(lower, 1)),
                    _ => tokens.push(DateToken::Literal(c.to_string())),
                }
            }
        }
    }
    let code_at = |i: usize| match tokens.get(i) {
        Some(DateToken::Code(c, _)) => Some(*c),
        _ => None,
    };
    let (y, mo, d) = value.date;
    let era = Era::of(value.date);
    let mut out = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let (code, count) = match token {
            DateToken::Literal(text) => {
                out.push_str(text);
                continue;
            }
            DateToken::Code(code, count) => (*code, *count),
        };
        let prev = (0..i).rev().find_map(code_at);
        let next = (i + 1..tokens.len()).find_map(code_at);
        let minutes = code == 'm' && (prev == Some('h') || next == Some('s'));
        let text = match (code, count) {
            ('y', 1 | 2) => format!("{:02}", y.rem_euclid(100)),
            ('y', _) => y.to_string(),
            ('m', _) if minutes => pad(value.minute, count),
            ('m', 1 | 2) => pad(mo, count),
            ('m', _) => mo.to_string(),
            ('d', 1 | 2) => pad(d, count),
            ('d', _) | ('a', _) => {
                let name = WEEKDAYS[weekday(value.date)];
                if count >= 4 {
                    format!("{name}曜日")
                } else {
                    name.to_string()
                }
            }
            ('h', _) => pad(value.hour, count),
            ('s', _) => pad(value.second, count),
            ('e', _) => era.map_or(y, |e| y - e.first_day.0 + 1).to_string(),
            ('g', 1) => era.map_or(String::new(), |e| e.letter.to_string()),
            ('g', 2) => era.map_or(String::new(), |e| e.name.chars().take(1).collect()),
            ('g', _) => era.map_or(String::new(), |e| e.name.to_string()),
            _ => String::new(),
        };
        out.push_str(&text);
    }
    out
}

fn pad(value: u32, width: usize) -> String {
    if width >= 2 {
        format!("{value:02}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> DateTime {
        DateTime {
            date: (y, m, d),
            hour: 0,
            minute: 0,
            second: 0,
        }
    }

    #[test]
    fn numbers_render_as_their_format_shows_them() {
        let zeros = "0".repeat(4_500_000);
        let literal = format!("0\"{}\"", "x".repeat(900_000));
        let cases = [
            (120.0, Some("#,##0"), "120"),
            (1_234_567.0, Some("#,##0"), "1,234,567"),
            (1_234_567.0, Some("#,##0\"円\""), "1,234,567円"),
            (0.9995, Some("0.00%"), "99.95%"),
            (0.5, Some("0%"), "50%"),
            (12.5, Some("0.0"), "12.5"),
            (-3000.0, Some("#,##0;\"△\"#,##0"), "△3,000"),
            (-3000.0, Some("#,##0;[Red]-#,##0"), "-3,000"),
            (1_234_567.0, Some("#,##0,"), "1,235"),
            (1234.5, Some("[$¥-411]#,##0"), "¥1,235"),
            (42.0, None, "42"),
            (0.1 + 0.2, None, "0.3"),
            (1.5, Some("General"), "1.5"),
            (3.0, Some("0\"名\""), "3名"),
            // Longer than any writer allows: General, in bounded time.
            (3.0, Some(zeros.as_str()), "3"),
            (3.0, Some(literal.as_str()), "3"),
        ];
        for (value, code, shown) in cases {
            let text = format_number(value, code);
            assert_eq!(
                text,
                shown,
                "{value} with {:?}",
                code.map(|c| &c[..c.len().min(40)])
            );
        }
    }

    #[test]
    fn dates_render_as_their_format_shows_them() {
        let d = date(2015, 4, 1);
        assert_eq!(format_date(d, None), "2015/4/1");
        assert_eq!(format_date(d, Some("yyyy/m/d")), "2015/4/1");
        assert_eq!(format_date(d, Some("yyyy-mm-dd")), "2015-04-01");
        assert_eq!(
            format_date(d, Some("yyyy\"年\"m\"月\"d\"日\"")),
            "2015年4月1日"
        );
        assert_eq!(
            format_date(d, Some("[$-411]ggge\"年\"m\"月\"d\"日\"")),
            "平成27年4月1日"
        );
        assert_eq!(format_date(date(2024, 4, 1), Some("ge.m.d")), "R6.4.1");
        assert_eq!(
            format_date(date(2024, 4, 1), Some("yyyy/m/d(aaa)")),
            "2024/4/1(月)"
        );
        assert_eq!(format_date(date(2024, 4, 1), Some("mm/dd/yy")), "04/01/24");
    }
}
