//! Answers given once per data centre: 「第1センター：有（…）／第2センター：有」,
//! 「DC1：(2) DC2：(1)」, 「【A】①\n【B】②」, or once for all of them:
//! 「全センター共通：有」, 「各センターとも(1)」, 「A・B・C共通　①」.
//!
//! The guide asks items 111–126 for every data centre. This splits such an answer into
//! one part per centre, each typed on its own; it knows nothing of the items.

use regex::Regex;
use std::sync::LazyLock;

/// One centre's part of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentrePart {
    /// The centre as the answer names it (「第1センター」, 「DC2」, 「A」); `None` where
    /// the answer gives one line per centre without naming them.
    pub centre: Option<String>,
    pub text: String,
}

/// A centre's name: numbered centres (第2拠点, センターB), DC numbers, or a single letter.
/// Read from the answer as written (full-width letters and colons included), so that
/// each part keeps its own spelling; `\d` and `\s` are Unicode.
/// Besides numbers and letters, a centre's own name ending in センター or DC
/// (「札幌コロケーションセンター」, 「東京第2DC」), short and unbroken.
const NAME: &str = r"第\s*\d+\s*(?:(?:データ)?センター|拠点)|(?:データ)?センター\s*(?:\d+|[A-Za-zＡ-Ｚａ-ｚ])|(?:DC|ＤＣ)\s*\d+|[A-ZＡ-Ｚ]|[^\s:：/／、,，;；()（）【】「」]{1,20}?(?:センター|DC|ＤＣ)\s*\d*";

/// A name opening a centre's part: 「第1センター：」, 「【DC2】」.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"【\s*(?P<bracketed>{NAME})\s*】\s*[:：]?|(?P<plain>{NAME})\s*[:：]"
    ))
    .expect("valid regex")
});

/// An answer given once for every centre: 「全センター共通：」, 「各センターとも」,
/// 「第1センター・第2センター共通」.
static COMMON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[全各](?:データ)?(?:センター|DC|拠点)|(?:{NAME})(?:\s*[・,、，]\s*(?:{NAME}))+)\s*(?:共通|とも)\s*[:：]?\s*"
    ))
    .expect("valid regex")
});

/// A line that opens with a centre's name and a space before its answer.
static NAMED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<name>{NAME})[ \t\u{{3000}}]+(?P<text>\S.*)$"
    ))
    .expect("valid regex")
});

/// What may stand between one centre's part and the next centre's name.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '/' | '／' | '、' | ',' | '，' | ';' | '；' | '|' | '｜' | '。'
        )
}

/// The answer's parts, one per centre, when it is written per centre; `None` when it
/// is not. An answer given once for all centres is one part named as written.
pub fn split_centres(raw: &str) -> Option<Vec<CentrePart>> {
    let text = raw.trim();
    if let Some(common) = COMMON.find(text) {
        let rest = text[common.end()..].trim();
        if rest.is_empty() {
            return None;
        }
        return Some(vec![CentrePart {
            centre: Some(
                common
                    .as_str()
                    .trim()
                    .trim_end_matches([':', '：'])
                    .to_string(),
            ),
            text: rest.to_string(),
        }]);
    }
    let labels: Vec<(usize, usize, String)> = LABEL
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let name = c.name("bracketed").or_else(|| c.name("plain"))?;
            let opens_part = text[..whole.start()]
                .chars()
                .next_back()
                .is_none_or(is_separator);
            opens_part.then(|| (whole.start(), whole.end(), name.as_str().to_string()))
        })
        .collect();
    if let Some(&(first, _, _)) = labels.first() {
        if first != 0 {
            return None;
        }
        let parts: Vec<CentrePart> = labels
            .iter()
            .enumerate()
            .map(|(i, (_, end, name))| {
                let until = labels.get(i + 1).map_or(text.len(), |next| next.0);
                CentrePart {
                    centre: Some(name.split_whitespace().collect()),
                    text: text[*end..until].trim_matches(is_separator).to_string(),
                }
            })
            .collect();
        return Some(parts);
    }
    // One line per centre, as a column of per-centre answers is often pasted into one
    // cell: each named before a space where every line is (「Aセンター　有（…）」, a
    // table of centres and answers flattened), else unnamed.
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() < 2 {
        return None;
    }
    let named: Option<Vec<CentrePart>> = lines
        .iter()
        .map(|line| {
            let c = NAMED_LINE.captures(line)?;
            Some(CentrePart {
                centre: Some(c.name("name")?.as_str().to_string()),
                text: c.name("text")?.as_str().trim().to_string(),
            })
        })
        .collect();
    // A line of check cells opens one answer the lines after it detail (「■有　□無」 over
    // 「有りの場合：UPSにより15分間」), unless each line is one (a centre each).
    let checks = lines
        .iter()
        .filter(|line| crate::text::check_line(line).is_some())
        .count();
    if named.is_none() && checks > 0 && checks < lines.len() {
        return None;
    }
    Some(named.unwrap_or_else(|| {
        lines
            .into_iter()
            .map(|line| CentrePart {
                centre: None,
                text: line.to_string(),
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts as (centre, text) pairs, for short assertions.
    fn parts(raw: &str) -> Option<Vec<(Option<String>, String)>> {
        split_centres(raw).map(|parts| parts.into_iter().map(|p| (p.centre, p.text)).collect())
    }

    fn named(pairs: &[(&str, &str)]) -> Option<Vec<(Option<String>, String)>> {
        Some(
            pairs
                .iter()
                .map(|(c, t)| (Some(c.to_string()), t.to_string()))
                .collect(),
        )
    }

    #[test]
    fn check_cells_and_their_detail_are_one_answer() {
        assert_eq!(parts("■有\u{3000}□無\n有りの場合：UPSにより15分間"), None);
        assert_eq!(
            parts("■有\u{3000}□無\n□有\u{3000}■無"),
            Some(vec![
                (None, "■有\u{3000}□無".to_string()),
                (None, "□有\u{3000}■無".to_string())
            ])
        );
    }

    #[test]
    fn named_centres() {
        assert_eq!(
            parts("第1センター：有（UPS）\n第2センター：有"),
            named(&[("第1センター", "有（UPS）"), ("第2センター", "有")])
        );
        assert_eq!(
            parts("DC1：(2)／DC2：(1)"),
            named(&[("DC1", "(2)"), ("DC2", "(1)")])
        );
        assert_eq!(
            parts("【センター1】1\n【センター2】3"),
            named(&[("センター1", "1"), ("センター2", "3")])
        );
        assert_eq!(parts("A：①、B：③"), named(&[("A", "①"), ("B", "③")]));
        // Parallel columns joined by the locator, each line named by its heading.
        assert_eq!(
            parts("センターA：①\nセンターB：③"),
            named(&[("センターA", "①"), ("センターB", "③")])
        );
        assert_eq!(
            parts("第1拠点：有\n第2拠点：無"),
            named(&[("第1拠点", "有"), ("第2拠点", "無")])
        );
        assert_eq!(
            parts("第1センター：〇（保存期間2年） 第2センター：〇（保存期間1年）"),
            named(&[
                ("第1センター", "〇（保存期間2年）"),
                ("第2センター", "〇（保存期間1年）")
            ])
        );
    }

    #[test]
    fn lines_each_opening_with_a_centres_name() {
        assert_eq!(
            parts("Aセンター　有（UPSにより5分間）\nBセンター　有（UPSにより10分間）"),
            named(&[
                ("Aセンター", "有（UPSにより5分間）"),
                ("Bセンター", "有（UPSにより10分間）")
            ])
        );
        assert_eq!(
            parts("京阪奈データセンター　ある\n名古屋データセンター　ある（鍵付き保管庫）"),
            named(&[
                ("京阪奈データセンター", "ある"),
                ("名古屋データセンター", "ある（鍵付き保管庫）")
            ])
        );
        // A line that names no centre leaves every line unnamed.
        assert_eq!(
            parts("Aセンター　有\n停電時 10分"),
            Some(vec![
                (None, "Aセンター　有".to_string()),
                (None, "停電時 10分".to_string())
            ])
        );
    }

    #[test]
    fn one_answer_for_all_centres() {
        for (raw, centre, text) in [
            (
                "全センター共通：有（避雷針を設置）",
                "全センター共通",
                "有（避雷針を設置）",
            ),
            ("各センターとも(1)", "各センターとも", "(1)"),
            ("A・B・C共通　①", "A・B・C共通", "①"),
            (
                "第1センター・第2センター共通 ○",
                "第1センター・第2センター共通",
                "○",
            ),
        ] {
            assert_eq!(parts(raw), named(&[(centre, text)]), "{raw}");
        }
    }

    #[test]
    fn unnamed_lines_and_answers_not_per_centre() {
        assert_eq!(
            parts("(1)\n(2)"),
            Some(vec![(None, "(1)".to_string()), (None, "(2)".to_string())])
        );
        for raw in [
            "有（SPD（避雷器）を設置、最大対応電圧20kV）",
            "2センター",
            "有り：情報セキュリティ基本方針",
            "UPS：有",
        ] {
            assert_eq!(parts(raw), None, "{raw}");
        }
    }
}
