//! Text folding and similarity shared by the stages that compare what a form says with
//! what the catalog says.

use unicode_normalization::UnicodeNormalization;

/// NFKC, no whitespace, ASCII lowercase: 「（２：必須開示項目）」 and 「(2:必須開示項目)」
/// fold to the same string, as do full-width and half-width digits and letters.
pub fn fold(text: &str) -> String {
    nfkc(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// NFKC with whitespace kept, for parsing numbers and markers out of a cell; circled
/// numbers (①…⑳) are kept as they are, since NFKC would turn the guide's
/// sub-numbering 「① 事業者名」 into an item number 1.
pub fn nfkc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut segment_start = 0;
    for (i, c) in text.char_indices() {
        if is_circled_number(c) {
            out.extend(text[segment_start..i].nfkc());
            out.push(c);
            segment_start = i + c.len_utf8();
        }
    }
    out.extend(text[segment_start..].nfkc());
    out
}

pub fn is_circled_number(c: char) -> bool {
    ('\u{2460}'..='\u{2473}').contains(&c)
}

/// How alike two folded strings are, 0–1: the Dice coefficient of their character
/// bigrams. Good enough to confirm an item number against a title; the label matcher
/// for legacy forms uses tokens instead.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let bigrams = |s: &str| {
        let chars: Vec<char> = s.chars().collect();
        let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        pairs.sort_unstable();
        pairs
    };
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_unifies_widths_and_spacing() {
        assert_eq!(fold("（２：必須開示項目）"), fold("(2: 必須開示項目)"));
        assert_eq!(fold("Ｎｏ．１２"), "no.12");
        assert_eq!(fold("① 事業者名"), "①事業者名");
        assert_eq!(nfkc("か\u{3099}①１"), "が①1");
    }

    #[test]
    fn similarity_ranks_titles_sensibly() {
        assert!(similarity(&fold("事業者名"), &fold("事業者名称")) > 0.8);
        assert!(similarity("時刻同期", "サービスパフォーマンスの管理") < 0.2);
        assert!(similarity("従業員数", "従業員の数") > 0.5);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
