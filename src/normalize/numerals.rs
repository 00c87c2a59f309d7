//! Numerals as applicants write them: full-width digits, thousands separators, kanji
//! numerals (二〇二四, 二千二十四, 千二百), and exact decimal arithmetic so that yen and
//! percentages never pass through floating point.

/// Rewrites kanji numerals to ASCII digits, leaving 万・億・兆 as they are (they are
/// units for the money parser): 「二〇二四年」 → 「2024年」, 「千二百万円」 → 「1200万円」.
pub fn kanji_to_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if is_kanji_numeral(chars[i]) {
            let start = i;
            while i < chars.len() && is_kanji_numeral(chars[i]) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            // A lone 十, 百 or 千 is a word (十分, 百万円 as a unit), not a number.
            let is_number = i - start > 1 || digit_value(chars[start]).is_some();
            match kanji_run_value(&run).filter(|_| is_number) {
                Some(value) => out.push_str(&value.to_string()),
                None => out.push_str(&run),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_kanji_numeral(c: char) -> bool {
    "〇零一二三四五六七八九十百千".contains(c)
}

fn digit_value(c: char) -> Option<u64> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u64)
        .or(if c == '零' { Some(0) } else { None })
}

/// The value of a run such as 二〇二四 (positional) or 二千二十四 (with multipliers).
fn kanji_run_value(run: &str) -> Option<u64> {
    if run.chars().all(|c| digit_value(c).is_some()) {
        return run.chars().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(digit_value(c)?)
        });
    }
    let mut total = 0u64;
    let mut digit: Option<u64> = None;
    for c in run.chars() {
        let multiplier = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                digit = Some(digit.unwrap_or(0) * 10 + digit_value(c)?);
                continue;
            }
        };
        total += digit.take().unwrap_or(1) * multiplier;
    }
    Some(total + digit.unwrap_or(0))
}

/// An exact decimal: `digits` × 10^-`scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub digits: i128,
    pub scale: u32,
}

impl Decimal {
    /// Parses 「1,234.5」 (separators allowed only between digit groups).
    pub fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (integer, fraction) = text.split_once('.').unwrap_or((text, ""));
        if integer.is_empty()
            || !valid_grouping(integer)
            || !fraction.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let mut digits: i128 = 0;
        for c in integer
            .chars()
            .filter(|c| *c != ',')
            .chain(fraction.chars())
        {
            digits = digits
                .checked_mul(10)?
                .checked_add(i128::from(c.to_digit(10)?))?;
        }
        let scale = u32::try_from(fraction.len()).ok()?;
        Some(Decimal {
            digits: if negative { -digits } else { digits },
            scale,
        })
    }

    /// Multiplies by 10^`power`.
    pub fn shift(self, power: u32) -> Option<Decimal> {
        if power <= self.scale {
            Some(Decimal {
                digits: self.digits,
                scale: self.scale - power,
            })
        } else {
            Some(Decimal {
                digits: self
                    .digits
                    .checked_mul(10i128.checked_pow(power - self.scale)?)?,
                scale: 0,
            })
        }
    }

    pub fn times(self, factor: i128) -> Option<Decimal> {
        Some(Decimal {
            digits: self.digits.checked_mul(factor)?,
            scale: self.scale,
        })
    }

    /// The exact integer value, if there is no fractional part left.
    pub fn to_integer(self) -> Option<i128> {
        let divisor = 10i128.checked_pow(self.scale)?;
        (self.digits % divisor == 0).then(|| self.digits / divisor)
    }

    /// The value as the nearest f64, printed back without binary noise
    /// (99.95 stays 99.95).
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.digits < 0 { "-" } else { "" };
        let digits = self.digits.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (integer, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{integer}.{fraction}")
    }
}

/// 「1,234,567」 is grouped in threes; 「12,34」 is not a number.
fn valid_grouping(integer: &str) -> bool {
    if !integer.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return false;
    }
    let groups: Vec<&str> = integer.split(',').collect();
    groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_numerals() {
        assert_eq!(kanji_to_digits("二〇二四年"), "2024年");
        assert_eq!(kanji_to_digits("二千二十四年"), "2024年");
        assert_eq!(kanji_to_digits("千二百万円"), "1200万円");
        assert_eq!(kanji_to_digits("三十億円"), "30億円");
        assert_eq!(kanji_to_digits("十分な空調"), "十分な空調");
        assert_eq!(kanji_to_digits("令和元年"), "令和元年");
    }

    #[test]
    fn decimals_are_exact() {
        let d = Decimal::parse("1,234.5").unwrap();
        assert_eq!(
            d,
            Decimal {
                digits: 12345,
                scale: 1
            }
        );
        assert_eq!(d.shift(3).unwrap().to_integer(), Some(1_234_500));
        assert_eq!(
            Decimal::parse("0.9995")
                .unwrap()
                .shift(2)
                .unwrap()
                .to_string(),
            "99.95"
        );
        assert_eq!(Decimal::parse("12,34"), None);
        assert_eq!(
            Decimal::parse("1.2")
                .unwrap()
                .shift(8)
                .unwrap()
                .to_integer(),
            Some(120_000_000)
        );
        assert_eq!(Decimal::parse("-3").unwrap().to_string(), "-3");
        assert_eq!(Decimal::parse("0.05").unwrap().to_string(), "0.05");
    }
}
