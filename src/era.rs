//! Japanese eras (元号) from 明治 to 令和, with their exact first and last days.
//!
//! Shared by spreadsheet display formats (which can print 和暦) and the date
//! normalizer (which reads it).

/// A calendar date; months and days are 1-based.
pub type Ymd = (i32, u32, u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    /// The one-letter abbreviation (R, H, S, T, M).
    pub letter: char,
    pub first_day: Ymd,
    /// The last day of the era; `None` for the current one.
    pub last_day: Option<Ymd>,
}

pub const ERAS: [Era; 5] = [
    Era {
        name: "明治",
        letter: 'M',
        first_day: (1868, 1, 25),
        last_day: Some((1912, 7, 29)),
    },
    Era {
        name: "大正",
        letter: 'T',
        first_day: (1912, 7, 30),
        last_day: Some((1926, 12, 24)),
    },
    Era {
        name: "昭和",
        letter: 'S',
        first_day: (1926, 12, 25),
        last_day: Some((1989, 1, 7)),
    },
    Era {
        name: "平成",
        letter: 'H',
        first_day: (1989, 1, 8),
        last_day: Some((2019, 4, 30)),
    },
    Era {
        name: "令和",
        letter: 'R',
        first_day: (2019, 5, 1),
        last_day: None,
    },
];

impl Era {
    /// The Gregorian year of the era's year `n` (元年 is 1).
    pub fn western_year(&self, n: i32) -> i32 {
        self.first_day.0 + n - 1
    }

    /// Whether a (possibly partial) date lies within this era. A year or a year-month
    /// is accepted when any day of it does.
    pub fn contains(&self, year: i32, month: Option<u32>, day: Option<u32>) -> bool {
        let start = (year, month.unwrap_or(12), day.unwrap_or(31));
        let end = (year, month.unwrap_or(1), day.unwrap_or(1));
        start >= self.first_day && self.last_day.is_none_or(|last| end <= last)
    }

    /// The era a full date falls in.
    pub fn of(date: Ymd) -> Option<&'static Era> {
        ERAS.iter().rev().find(|era| date >= era.first_day)
    }

    pub fn by_name(text: &str) -> Option<&'static Era> {
        ERAS.iter().find(|era| era.name == text)
    }

    pub fn by_letter(letter: char) -> Option<&'static Era> {
        let upper = letter.to_ascii_uppercase();
        ERAS.iter().find(|era| era.letter == upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_boundaries_are_exact() {
        let heisei = Era::by_name("平成").unwrap();
        let reiwa = Era::by_name("令和").unwrap();
        assert!(heisei.contains(2019, Some(4), Some(30)));
        assert!(!heisei.contains(2019, Some(5), Some(1)));
        assert!(reiwa.contains(2019, Some(5), Some(1)));
        assert!(!reiwa.contains(2019, Some(4), Some(1)));
        assert!(reiwa.contains(2019, None, None));
        assert!(!heisei.contains(2020, None, None));
        assert_eq!(Era::of((2019, 4, 30)).map(|e| e.name), Some("平成"));
        assert_eq!(Era::of((2019, 5, 1)).map(|e| e.name), Some("令和"));
        assert_eq!(reiwa.western_year(6), 2024);
    }
}
