//! Yes/no answers: presence (有り／無し) and permission (可／否), including answers that
//! go on to explain themselves (「有り（ISMS認証取得）」).

use super::Invalid;
use crate::text::fold;
use std::sync::LazyLock;

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

/// [`ABSENT`] and [`PRESENT`] folded, once rather than at every answer.
static FOLDED: LazyLock<[Vec<String>; 2]> =
    LazyLock::new(|| [ABSENT, PRESENT].map(|words| words.iter().map(|w| fold(w)).collect()));

/// Whether the answer says something exists or is done.
pub fn parse_presence(raw: &str) -> Result<bool, Invalid> {
    let folded = fold_words(raw);
    let text = strip_question(&folded);
    // An answer word in front decides without reading the words after it, which is
    // most of the cost (they are tokenized).
    match answer_word(text) {
        Some((answer, _)) => Ok(answer),
        None => said_alone(Said::of(text)),
    }
}

/// Whether a presence answer says both that something is there and that it is not (or
/// only planned): 「有り（ただし休日は対応していない）」, 「無し（一部で実施している）」,
/// 「有り（2025年度導入予定）」. 「無し（今後整備予定）」 is consistent.
pub fn presence_says_both(raw: &str) -> bool {
    says_both(raw, true)
}

/// [`presence_says_both`]; `shortcut` skips reading text that cannot deny or plan (the
/// tests compare it with the full reading).
fn says_both(raw: &str, shortcut: bool) -> bool {
    let folded = fold_words(raw);
    let text = strip_question(&folded);
    let (answer, rest) = answer_word(text).map_or((None, text), |(a, rest)| (Some(a), rest));
    // Unless the answer says 無し (then any affirming verb counts), saying both needs a
    // denial or a plan, and neither can be read from text without their characters:
    // most answers are then not tokenized at all.
    if shortcut && answer != Some(false) && !may_deny_or_plan(rest) {
        return false;
    }
    let said = Said::of(rest);
    match answer.map_or_else(|| said_alone(said), Ok) {
        Ok(true) => said.negative || said.planned,
        Ok(false) => said.positive,
        Err(_) => said.positive && (said.negative || said.planned),
    }
}

/// Whether a text has a character every denial or plan [`Said::of`] reads is written
/// with: 未, the forms of ない／無い, of the auxiliaries ぬ (ず, ね, ざる) and ん; or 予定,
/// 計画, 準備. The dictionary writes those forms in hiragana only: a katakana ン or ナ
/// (センター, 「実施していナイ」) is read as part of a noun or a particle, never as a
/// denial, and most answers name something in katakana.
fn may_deny_or_plan(text: &str) -> bool {
    text.contains(['未', '無', 'な', 'ぬ', 'ず', 'ね', 'ん', 'ざ'])
        || ["予定", "計画", "準備"].iter().any(|w| text.contains(w))
}

/// The answer word in front of a folded answer, and the text after it.
fn answer_word(text: &str) -> Option<(bool, &str)> {
    // Negatives first: 「無し」 must not be read as the 「有」 of 「有無」, and
    // 「実施していない」 starts like 「実施」.
    let [absent, present] = &*FOLDED;
    if let Some(word) = absent.iter().find(|w| starts_with_word(text, w)) {
        return Some((false, &text[word.len()..]));
    }
    let word = present.iter().find(|w| starts_with_word(text, w))?;
    let rest = &text[word.len()..];
    // 「実施予定」 begins like 「実施」: a plan is not there yet.
    let planned = ["予定", "計画中", "準備中"]
        .iter()
        .any(|plan| rest.trim_start().starts_with(plan));
    Some((!planned, rest))
}

/// The answer of a sentence with no answer word in front, by what it says (「現在は無し」,
/// 「定期的な診断は実施していない」, 「2025年度に導入予定」, 「ISMSを取得している」).
fn said_alone(said: Said) -> Result<bool, Invalid> {
    match (said.positive, said.negative || said.planned) {
        (true, false) => Ok(true),
        (false, true) => Ok(false),
        _ => Err(Invalid::expected("「有り」または「無し」")),
    }
}

/// What the words of an answer say, read from its tokens (base forms, so that every
/// conjugation counts): a predicate that affirms (「ある」, 「実施している」, 「取得済み」),
/// one that denies (「無し」, 「実施していない」, 「ありません」, 「未整備」), a plan
/// (「予定」, 「準備中」).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Said {
    positive: bool,
    negative: bool,
    planned: bool,
}

impl Said {
    fn of(text: &str) -> Said {
        use crate::tokenize::{Pos, tokenizer};
        // Without hiragana (okurigana, auxiliaries) or one of the words that carry a
        // predicate on their own, nothing can affirm, deny or plan (「（文書名：情報
        // セキュリティ基本方針、SLA規定書）」): tokenizing every such answer would cost
        // more than all the rest of a form.
        let may_say = text.chars().any(|c| ('\u{3041}'..='\u{309f}').contains(&c))
            || [
                "予定", "計画", "準備", "未", "済", "有", "在", "無", "ナイ", "ナシ",
            ]
            .iter()
            .any(|w| text.contains(w));
        if !may_say {
            return Said::default();
        }
        let tokens = tokenizer().tokens(text);
        let mut said = Said::default();
        let mut i = 0;
        while i < tokens.len() {
            let token = &tokens[i];
            let base = token.base.as_str();
            // 「検討中」 is no plan yet: it stays unreadable.
            let is_plan = matches!(base, "予定" | "計画中" | "準備中")
                || (matches!(base, "準備" | "計画")
                    && tokens.get(i + 1).is_some_and(|t| t.base == "中"));
            if is_plan {
                said.planned = true;
                i += 1;
                continue;
            }
            // 「未整備」, 「未実施」, 「未対応」: a prefix that denies.
            if token.pos == Pos::Prefix && base == "未" {
                said.negative = true;
                i += 1;
                continue;
            }
            // 「無し」, 「ない」 as a predicate of its own.
            if token.pos == Pos::Adjective && matches!(base, "ナイ" | "無イ") {
                said.negative = true;
                i += 1;
                continue;
            }
            // A verb (or a サ変 noun with する) and what follows it: 「実施 し て い ない」.
            let starts_verb = token.pos == Pos::Verb
                || (token.tag.starts_with("名詞,サ変接続")
                    && tokens.get(i + 1).is_some_and(|t| t.base == "スル"));
            if starts_verb {
                let mut j = i + 1;
                let mut denied = false;
                while let Some(next) = tokens.get(j) {
                    let aux = next.tag.starts_with("助動詞");
                    let dependent =
                        next.tag.starts_with("動詞") || next.tag.starts_with("助詞,接続助詞");
                    if aux && matches!(next.base.as_str(), "ナイ" | "ヌ" | "ン") {
                        denied = true;
                    }
                    if !(aux || dependent || next.base == "スル") {
                        break;
                    }
                    j += 1;
                }
                // 「各自ご確認いただく」, 「お問い合わせください」 ask something of the user:
                // they say nothing of the measure itself.
                let asks_the_user = tokens[i..j].iter().any(|t| {
                    matches!(
                        t.base.as_str(),
                        "イタダク" | "頂ク" | "クダサル" | "下サル" | "願ウ"
                    )
                });
                match (asks_the_user, denied) {
                    (true, _) => {}
                    (false, true) => said.negative = true,
                    (false, false) => said.positive = true,
                }
                i = j;
                continue;
            }
            // 「取得済み」, 「整備済」.
            if matches!(base, "済ミ" | "済") {
                said.positive = true;
            }
            i += 1;
        }
        said
    }
}

/// The answer with its check cells read: where its first line is a line of check
/// cells with one option marked (「レ有　無」, 「有　○無」), that option.
fn checked(raw: &str) -> std::borrow::Cow<'_, str> {
    let (first, rest) = raw.split_once('\n').unwrap_or((raw, ""));
    let marked: Vec<&str> = crate::text::check_line(first)
        .into_iter()
        .flatten()
        .filter_map(|(marked, option)| marked.then_some(option))
        .collect();
    match marked.as_slice() {
        [option] if rest.is_empty() => std::borrow::Cow::Borrowed(option),
        [option] => std::borrow::Cow::Owned(format!("{option}\n{rest}")),
        _ => std::borrow::Cow::Borrowed(raw),
    }
}

/// The answer folded word by word, one space between words: 「有　リスク管理委員会」
/// keeps the space that ends its answer word, which [`fold`] would drop.
fn fold_words(raw: &str) -> String {
    checked(raw)
        .split_whitespace()
        .map(fold)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `text` starts with the answer word `word` standing on its own: 「有（…）」
/// and 「有り」 are answers, 「有償」 and 「無停電」 are other words that begin alike.
/// `word` is folded.
fn starts_with_word(text: &str, word: &str) -> bool {
    let Some(rest) = text.strip_prefix(word) else {
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

/// What a yes/no answer says besides yes or no: its folded text after the leading
/// answer word (有り／無し／可／否 …) and the punctuation around that word.
/// 「有り（情報セキュリティ基本方針）」 and 「有：情報セキュリティ基本方針」 say the same.
pub fn detail_after_answer(raw: &str) -> String {
    let text = fold(&checked(raw));
    let words = [
        "有り", "あり", "有", "無し", "なし", "無", "○", "×", "有無:", "不可", "可", "否",
    ];
    let mut rest = text.as_str();
    for word in words {
        if let Some(after) = rest.strip_prefix(word) {
            rest = after;
            break;
        }
    }
    rest.trim_matches(|c: char| {
        matches!(
            c,
            '(' | ')' | ':' | '、' | '。' | '・' | '-' | '/' | '[' | ']'
        )
    })
    .to_string()
}

/// Whether the answer allows something.
pub fn parse_permission(raw: &str) -> Result<bool, Invalid> {
    let folded = fold(&checked(raw));
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
    match crate::text::ticked_parts(folded).as_deref() {
        Some([first, ..]) => first,
        _ => folded,
    }
}

/// Drops a restated question in front of the answer: 「有無：有り」, 「可否: 可」.
fn strip_question(folded: &str) -> &str {
    let folded = ticked(folded).trim_start();
    let text = folded.trim_start_matches(['【', '[', '(', '「']);
    for prefix in ["有無", "可否", "回答"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return rest.trim_start_matches([':', '：', ')', '】', ']', '」', '=', ' ']);
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
            "有　リスク管理委員会及び法務部",
            "有 東証プライム",
            "〇　年1回の研修を実施",
            "レ有　無",
            "○有り　無し\n東証グロース",
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
            "無　（該当する機器なし）",
            "有　レ無",
            "有り　○無し",
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
    fn presence_from_what_the_sentence_says() {
        for raw in ["ISMSを取得している", "全拠点で実施しています", "整備済み"]
        {
            assert_eq!(parse_presence(raw), Ok(true), "{raw}");
        }
        for raw in [
            "現在は無し",
            "定期的な診断は実施していない",
            "2025年度に導入予定",
            "実施予定",
            "未整備",
            "設けておりません",
            "導入準備中",
        ] {
            assert_eq!(parse_presence(raw), Ok(false), "{raw}");
        }
    }

    #[test]
    fn answers_that_say_both() {
        for raw in [
            "有り（ただし休日は対応していない）",
            "無し（一部の拠点では実施している）",
            "有り（2025年度に導入予定）",
        ] {
            assert!(presence_says_both(raw), "{raw}");
        }
        for raw in [
            "有り",
            "無し（今後整備予定）",
            "有り（保存期間：1年間）",
            "有り（全委託先と秘密保持契約を締結）",
            "無停電電源装置を設置",
            "実施していない",
            "無（Webサイトの障害情報ページを各自ご確認いただく）",
            "無し（詳細はお問い合わせください）",
        ] {
            assert!(!presence_says_both(raw), "{raw}");
        }
    }

    #[test]
    fn the_shortcut_reads_as_the_full_reading() {
        // Answers with and without a denial's or a plan's characters, in every branch
        // (有り, 無し, no answer word), written in hiragana, kanji and katakana.
        for raw in [
            "有り（ISMS認証を取得している）",
            "○（24時間365日の監視を実施）",
            "有り（保存期間：1年間）",
            "有り（アリマセン）",
            "有り（ミマセン、ナシ）",
            "有（休日は対応せず）",
            "有り（検討中）",
            "有り（来年度計画中）",
            "有り（準備中）",
            "有（未整備の拠点あり）",
            "無し（一部で実施している）",
            "無し",
            "ISMSを取得している",
            "定期的な診断は実施していない",
            "2025年度に導入予定",
            "監視はしておりません",
            "センターで監視を実施",
            "有り（実施していナイ）",
            "有り（監視はありませン、実施せズ）",
            "有り（パターンファイルをベンダーリリース後に更新）",
            "",
        ] {
            assert_eq!(says_both(raw, true), says_both(raw, false), "{raw}");
        }
    }

    #[test]
    fn permission_spellings() {
        for raw in ["可", "可能", "可（NDA締結が条件）", "○", "可否：可"] {
            assert_eq!(parse_permission(raw), Ok(true), "{raw}");
        }
        assert_eq!(parse_permission("レ可　不可\n有償"), Ok(true));
        assert_eq!(detail_after_answer("レ可　不可\n有償"), "有償");
        for raw in [
            "否",
            "不可",
            "不可能",
            "×",
            "否（社外秘のため）",
            "可　○不可",
        ] {
            assert_eq!(parse_permission(raw), Ok(false), "{raw}");
        }
        assert!(parse_permission("要相談").is_err());
    }
}
