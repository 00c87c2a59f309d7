//! Yes/no answers: presence (有り／無し) and permission (可／否), including answers that
//! go on to explain themselves (「有り（ISMS認証取得）」).

use super::Invalid;
use crate::text::fold;

const ABSENT: &[&str] = &[
    "無し",
    "なし",
    "ナシ",
    "無",
    "ない",
    "ありません",
    "該当なし",
    "該当無し",
    "特になし",
    "特に無し",
    "非該当",
    "未実施",
    "未整備",
    "実施していない",
    "×",
    "✕",
    "いいえ",
    "no",
];
const PRESENT: &[&str] = &[
    "有り",
    "あり",
    "アリ",
    "有",
    "ある",
    "あります",
    "○",
    "〇",
    "◯",
    "●",
    "実施",
    "はい",
    "yes",
];

/// Whether the answer says something exists or is done.
pub fn parse_presence(raw: &str) -> Result<bool, Invalid> {
    let folded = fold(raw);
    let text = strip_question(&folded);
    // Negatives first: 「無し」 must not be read as the 「有」 of 「有無」, and
    // 「実施していない」 starts like 「実施」.
    if ABSENT.iter().any(|w| starts_with_word(text, w)) {
        return Ok(false);
    }
    if PRESENT.iter().any(|w| starts_with_word(text, w)) {
        return Ok(true);
    }
    Err(Invalid::expected("「有り」または「無し」"))
}

/// Whether `text` starts with the answer word `word` standing on its own: 「有（…）」
/// and 「有り」 are answers, 「有償」 and 「無停電」 are other words that begin alike.
fn starts_with_word(text: &str, word: &str) -> bool {
    let word = fold(word);
    let Some(rest) = text.strip_prefix(word.as_str()) else {
        return false;
    };
    let next = rest.chars().next();
    let single_kanji =
        word.chars().count() == 1 && word.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let ascii_word = word.chars().all(|c| c.is_ascii_alphabetic());
    match next {
        None => true,
        Some(c) if single_kanji => {
            !(('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3040}'..='\u{30ff}').contains(&c))
        }
        Some(c) if ascii_word => !c.is_ascii_alphanumeric(),
        Some(_) => true,
    }
}

/// Whether the answer allows something.
pub fn parse_permission(raw: &str) -> Result<bool, Invalid> {
    let folded = fold(raw);
    let text = strip_question(&folded);
    for denied in [
        "不可",
        "否",
        "できない",
        "×",
        "✕",
        "いいえ",
        "非開示",
        "開示不可",
    ] {
        if text.starts_with(&fold(denied)) {
            return Ok(false);
        }
    }
    for allowed in ["可", "できる", "○", "〇", "◯", "はい", "開示可"] {
        if text.starts_with(&fold(allowed)) {
            return Ok(true);
        }
    }
    Err(Invalid::expected("「可」または「否」"))
}

/// The ticked option of a check-box answer (「☑有り　□無し」 → 「有り」), or the
/// answer itself.
fn ticked(folded: &str) -> &str {
    const TICKS: [char; 5] = ['☑', '☒', '✓', '✔', '■'];
    match folded.find(TICKS) {
        Some(at) if folded.contains(['□', '☐']) => {
            let after = &folded[at..];
            let option = after.trim_start_matches(TICKS);
            option.split(['□', '☐']).next().unwrap_or(option)
        }
        _ => folded,
    }
}

/// Drops a restated question in front of the answer: 「有無：有り」, 「可否: 可」.
fn strip_question(folded: &str) -> &str {
    let folded = ticked(folded);
    let text = folded.trim_start_matches(['【', '[', '(', '「']);
    for prefix in ["有無", "可否", "回答"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return rest.trim_start_matches([':', '：', ')', '】', ']', '」', '=']);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_spellings() {
        for raw in [
            "有り",
            "有",
            "あり",
            "ある",
            "○",
            "〇",
            "有り（ISMS認証取得）",
            "有り：情報セキュリティ基本方針",
            " 有 ",
            "有無：有り",
            "実施している",
            "はい",
            "☑有り　□無し",
            "□無し ☑有り（ISMS）",
        ] {
            assert_eq!(parse_presence(raw), Ok(true), "{raw}");
        }
        for raw in [
            "無し",
            "無",
            "なし",
            "ない",
            "×",
            "該当なし",
            "特になし",
            "無し（今後整備予定）",
            "非該当",
            "実施していない",
            "有無：無し",
        ] {
            assert_eq!(parse_presence(raw), Ok(false), "{raw}");
        }
        for raw in [
            "",
            "検討中",
            "情報セキュリティ基本方針",
            "有償にて対応",
            "無停電電源装置を設置",
            "none",
            "yesterday",
        ] {
            assert!(parse_presence(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn permission_spellings() {
        for raw in ["可", "可能", "可（NDA締結が条件）", "○", "可否：可"] {
            assert_eq!(parse_permission(raw), Ok(true), "{raw}");
        }
        for raw in ["否", "不可", "不可能", "×", "否（社外秘のため）"] {
            assert_eq!(parse_permission(raw), Ok(false), "{raw}");
        }
        assert!(parse_permission("要相談").is_err());
    }
}
