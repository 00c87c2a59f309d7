//! Text folding and similarity shared by the stages that compare what a form says with
//! what the catalog says.

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// What a web form or a portal prints, folded, for a field left empty (「（未入力）」
/// without its brackets): the form's words, not the applicant's. Read by the locator
/// (such an answer is no answer) and by the checks (a blank).
pub const PLACEHOLDER_WORDS: [&str; 3] = ["未入力", "回答なし", "未回答"];

/// The marks of a ticked check box, and of an empty one.
const TICKS: [char; 5] = ['☑', '☒', '✓', '✔', '■'];
const BOXES: [char; 2] = ['□', '☐'];
/// What is written before the option chosen where no box is drawn, besides the ticks.
const HAND_MARKS: [char; 4] = ['レ', '○', '〇', '●'];

/// Whether a character marks the option it opens as chosen: a tick, or a hand mark.
fn is_mark(c: char) -> bool {
    TICKS.contains(&c) || HAND_MARKS.contains(&c)
}
/// The options of a presence or permission question's check cells.
const CHECK_OPTIONS: [&str; 10] = [
    "有", "無", "有り", "無し", "あり", "なし", "可", "否", "不可", "可能",
];

/// Whether a text has check boxes, ticked or not.
pub fn has_check_boxes(text: &str) -> bool {
    text.contains(BOXES)
}

/// Check boxes and their options' words, none ticked (「□有　□無」): nothing chosen. Each
/// box's words are short; more after a box is an answer written beside it.
pub fn no_box_ticked(text: &str) -> bool {
    /// The most characters an option's words take after its box.
    const OPTION_CHARS: usize = 4;
    text.trim_start().starts_with(BOXES)
        && !text.contains(TICKS)
        && text
            .split(BOXES)
            .all(|option| option.trim().chars().count() <= OPTION_CHARS)
}

/// The options a check-box answer ticks (「■①…\n□②…\n■④…」 → 「①…」, 「④…」), each up
/// to the next box; none where the answer has no empty box, so no boxes to read.
pub fn ticked_parts(text: &str) -> Option<Vec<&str>> {
    if !has_check_boxes(text) {
        return None;
    }
    let marks: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| TICKS.contains(c) || BOXES.contains(c))
        .collect();
    Some(
        marks
            .iter()
            .enumerate()
            .filter(|(_, (_, mark))| TICKS.contains(mark))
            .map(|(k, &(at, mark))| {
                let end = marks.get(k + 1).map_or(text.len(), |next| next.0);
                text[at + mark.len_utf8()..end].trim()
            })
            .collect(),
    )
}

/// A line of a form's check cells, its options each with whether it is marked:
/// 「■有　□無」, 「レ有り　無し」, 「有　○無」, 「□可　□不可」. None unless every word of
/// the line is a presence or permission option, bare or after one mark, two at least.
pub fn check_line(line: &str) -> Option<Vec<(bool, &str)>> {
    let mut options = Vec::new();
    for word in line.split_whitespace() {
        let first = word.chars().next()?;
        let (marked, option) = if is_mark(first) {
            (true, &word[first.len_utf8()..])
        } else if BOXES.contains(&first) {
            (false, &word[first.len_utf8()..])
        } else {
            (false, word)
        };
        if !CHECK_OPTIONS.contains(&option) {
            return None;
        }
        options.push((marked, option));
    }
    (options.len() >= 2).then_some(options)
}

/// The options a list of them marks, one a line, where some lines open with a mark and
/// the others not (「レ①会計監査人による会計監査\n②会計参与による…\n○④監査役による
/// 監査」): the marked lines, their marks left out. None where every line or none opens
/// with one (a list bulleted throughout).
pub fn marked_lines(text: &str) -> Option<Vec<&str>> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let marked: Vec<&str> = lines
        .iter()
        .filter_map(|line| {
            let mark = line.chars().next().filter(|&c| is_mark(c))?;
            Some(line[mark.len_utf8()..].trim())
        })
        .collect();
    (!marked.is_empty() && marked.len() < lines.len()).then_some(marked)
}

/// The dashes applicants write for "nothing here" (「－」, 「―」, 「ー」 …), full-width
/// or not.
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '－' | 'ー' | '―' | '‐' | '—' | '−')
}

/// NFKC, no whitespace, ASCII lowercase: 「（２：必須開示項目）」 and 「(2:必須開示項目)」
/// fold to the same string, as do full-width and half-width digits and letters.
pub fn fold(text: &str) -> String {
    // Most cells are made of characters NFKC leaves alone: folded in one pass, without
    // the copy `nfkc` makes.
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_char(c) {
            FoldedChar::Kept(c) => folded.push(c),
            FoldedChar::Dropped => {}
            FoldedChar::Unstable => return fold_normalized(&nfkc(text)),
        }
    }
    folded
}

/// What [`fold`] makes of one character that NFKC leaves alone.
enum FoldedChar {
    Kept(char),
    /// White space.
    Dropped,
    /// A character NFKC may change, or join with the one before it: the text is
    /// normalized whole.
    Unstable,
}

fn fold_char(c: char) -> FoldedChar {
    let c = narrow(c);
    if c.is_ascii() {
        // `char::is_whitespace` of ASCII (the vertical tab too).
        if matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ') {
            FoldedChar::Dropped
        } else {
            FoldedChar::Kept(c.to_ascii_lowercase())
        }
    } else if is_nfkc_stable(c) {
        // Kana, kanji and CJK punctuation: no space among them, no case.
        FoldedChar::Kept(c)
    } else {
        FoldedChar::Unstable
    }
}

/// The characters of `text` that [`fold`] surely keeps, as it keeps them (a character
/// after them may still join them into another under NFKC: a kana and its voicing mark,
/// a letter and its accent). Lets a test look for one without folding the whole text.
pub fn kept_by_fold(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter_map(|c| match fold_char(c) {
        FoldedChar::Kept(c) => Some(c),
        FoldedChar::Dropped | FoldedChar::Unstable => None,
    })
}

/// [`fold`] of a text already NFKC.
fn fold_normalized(normalized: &str) -> String {
    let mut folded = String::with_capacity(normalized.len());
    for c in normalized.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else if matches!(c, '\u{3000}'..='\u{9fff}') {
            // Kana, kanji and CJK punctuation have no case: no table look-up.
            folded.push(c);
        } else {
            folded.extend(c.to_lowercase());
        }
    }
    folded
}

/// NFKC with whitespace kept, for parsing numbers and markers out of a cell; circled
/// numbers (①…⑳) are kept as they are, since NFKC would turn the guide's
/// sub-numbering 「① 事業者名」 into an item number 1.
pub fn nfkc(text: &str) -> String {
    // Full-width ASCII (「（２：」) and the ideographic space are replaced by what NFKC
    // decomposes them to (one character each, so the NFKC of the result is the NFKC of
    // the text). What is left is most often NFKC already (kana, kanji, ASCII): copied,
    // not decomposed and recomposed.
    let mapped: String = text.chars().map(narrow).collect();
    if mapped.chars().all(is_nfkc_stable) {
        return mapped;
    }
    if unicode_normalization::is_nfkc_quick(mapped.chars()) == IsNormalized::Yes {
        return mapped;
    }
    let text = mapped.as_str();
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

/// Characters that NFKC leaves as they are whatever stands around them, told without
/// the quick-check tables: ASCII, the kana that neither decompose nor combine (not
/// ゔ, ヷ–ヺ, ゝゞヽヾ or the sound marks), CJK punctuation without a compatibility
/// form, and the unified ideographs. Most of a Japanese form is made of these.
fn is_nfkc_stable(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{7f}'
        | '\u{3001}'..='\u{3003}'
        | '\u{3005}'..='\u{3029}'
        | '\u{3030}'..='\u{3035}'
        | '\u{3041}'..='\u{3093}'
        | '\u{30a1}'..='\u{30f3}'
        | '\u{30fb}'..='\u{30fc}'
        | '\u{4e00}'..='\u{9fff}')
}

/// A full-width form of ASCII (U+FF01–U+FF5E) as ASCII, the ideographic space as a space:
/// their compatibility decompositions.
fn narrow(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The circled number for `n` (1–20 → ①–⑳); the option marks of the guide's choices.
pub fn circled_number(n: u32) -> char {
    char::from_u32(0x2460 + n.clamp(1, 20) - 1).unwrap_or('?')
}

/// The number a circled numeral stands for (① → 1).
pub fn circled_value(c: char) -> Option<u32> {
    is_circled_number(c).then(|| c as u32 - 0x2460 + 1)
}

pub fn is_circled_number(c: char) -> bool {
    ('\u{2460}'..='\u{2473}').contains(&c)
}

/// How alike two folded strings are, 0–1, each given with its bigrams (made once for a
/// text compared with many others): the Dice coefficient of their character bigrams.
/// Good enough to confirm an item number against a title; the label matcher for legacy
/// forms uses tokens instead.
pub fn similarity_of((a, a_bigrams): (&str, &Bigrams), (b, b_bigrams): (&str, &Bigrams)) -> f64 {
    if a.is_empty() || b.is_empty() {
        0.0
    } else if a == b {
        1.0
    } else {
        a_bigrams.dice(b_bigrams)
    }
}

/// The text without what stands in round and angle brackets (after NFKC): the
/// qualifiers a form leaves out of a label, 「開示情報の年月日（西暦）」 → 「開示情報の年月日」.
pub fn without_brackets(text: &str) -> String {
    let mut kept = String::new();
    let mut depth = 0usize;
    for c in nfkc(text).chars() {
        match c {
            '(' | '<' | '＜' => depth += 1,
            ')' | '>' | '＞' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    kept
}

/// The sorted character bigrams of a string, made once for comparing it with many
/// others (the [`similarity_of`] two different strings is the Dice coefficient of theirs).
/// Each bigram is its two characters in one number, the first in the high half: they
/// sort and compare as the pairs would, in one step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bigrams(Vec<u64>);

impl Bigrams {
    pub fn of(s: &str) -> Bigrams {
        let mut chars = s.chars();
        let mut pairs = Vec::with_capacity(s.len() / 3);
        if let Some(mut previous) = chars.next() {
            for c in chars {
                pairs.push(u64::from(previous) << 32 | u64::from(c));
                previous = c;
            }
        }
        pairs.sort_unstable();
        Bigrams(pairs)
    }

    /// The most [`Bigrams::dice`] can give between a text of `pairs` bigrams (its
    /// characters less one) and `other`: all the fewer bigrams in common. Lets a caller
    /// that wants a score above some floor skip making a text's bigrams.
    pub fn dice_bound(pairs: usize, other: &Bigrams) -> f64 {
        let (x, y) = (pairs, other.0.len());
        if x == 0 || y == 0 {
            return 0.0;
        }
        2.0 * x.min(y) as f64 / (x + y) as f64
    }

    /// The Dice coefficient of the two sets of bigrams, 0–1.
    pub fn dice(&self, other: &Bigrams) -> f64 {
        let (x, y) = (&self.0, &other.0);
        if x.is_empty() || y.is_empty() {
            return 0.0;
        }
        2.0 * self.common(other) as f64 / (x.len() + y.len()) as f64
    }

    /// How much of this text the other has: the share of its bigrams found there, 0–1.
    pub fn found_in(&self, other: &Bigrams) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.common(other) as f64 / self.0.len() as f64
    }

    /// The bigrams both have (a repeated bigram counted as often as both have it).
    fn common(&self, other: &Bigrams) -> usize {
        let (x, y) = (&self.0, &other.0);
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
        common
    }
}

/// The page a printed page number names (「3 / 14」「- 3 -」「3ページ」「p.3」).
pub fn printed_page_number(folded: &str) -> Option<u32> {
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if let Some((page, pages)) = folded.split_once('/') {
        return number(pages).and(number(page));
    }
    let bare = folded
        .trim_start_matches("p.")
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim_end_matches("ページ")
        .trim_end_matches("頁");
    (bare.len() < folded.len()).then(|| number(bare)).flatten()
}

/// How much of an answer a message quotes.
pub const QUOTE_CHARS: usize = 40;

/// A short quotation of an answer, on one line, cut after `limit` characters.
pub fn excerpt(text: &str, limit: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= limit {
        one_line
    } else {
        format!("{}…", one_line.chars().take(limit).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_lines_tell_their_marked_options() {
        assert_eq!(
            check_line("■有　□無"),
            Some(vec![(true, "有"), (false, "無")])
        );
        assert_eq!(
            check_line("有り　レ無し"),
            Some(vec![(false, "有り"), (true, "無し")])
        );
        assert_eq!(
            check_line("□可 □不可"),
            Some(vec![(false, "可"), (false, "不可")])
        );
        for text in ["有り", "レンタル　無し", "有り（ISMS）　無し", "○"] {
            assert_eq!(check_line(text), None, "{text}");
        }
        assert_eq!(
            marked_lines("レ①会計監査人による会計監査\n②会計参与\n○④監査役による監査"),
            Some(vec!["①会計監査人による会計監査", "④監査役による監査"])
        );
        assert_eq!(marked_lines("○ 仮想サーバ\n○ ストレージ"), None);
        assert_eq!(marked_lines("仮想サーバ\nストレージ"), None);
    }

    #[test]
    fn found_in_is_the_share_of_a_text_the_other_has() {
        let picked = Bigrams::of("監査役による監査");
        let choices = Bigrams::of("①会計監査人による会計監査、②監査役による監査");
        assert_eq!(picked.found_in(&choices), 1.0);
        assert!(choices.found_in(&picked) < 0.5);
        assert_eq!(Bigrams::of("").found_in(&choices), 0.0);
        assert_eq!(Bigrams::of("ab").found_in(&Bigrams::of("cd")), 0.0);
    }

    #[test]
    fn page_numbers() {
        for (page, number) in [("3 / 14", 3), ("- 3 -", 3), ("3ページ", 3), ("p.12", 12)] {
            assert_eq!(printed_page_number(&fold(page)), Some(number), "{page}");
        }
        for text in ["3", "1/2以上", "3件", "2024/4/1", "約3"] {
            assert_eq!(printed_page_number(&fold(text)), None, "{text}");
        }
    }

    #[test]
    fn folding_unifies_widths_and_spacing() {
        assert_eq!(fold("（２：必須開示項目）"), fold("(2: 必須開示項目)"));
        assert_eq!(fold("Ｎｏ．１２"), "no.12");
        assert_eq!(fold("① 事業者名"), "①事業者名");
        assert_eq!(nfkc("か\u{3099}①１"), "が①1");
        assert_eq!(nfkc("Ａ\u{301}　％"), "Á %");
    }

    #[test]
    fn folding_in_one_pass_is_folding_the_nfkc() {
        for text in [
            "（２：必須開示項目）",
            "ＡＢＣ　ｄｅｆ\t\u{b}x",
            "㈱ソラリンク Ltd.",
            "か\u{3099}ｶﾞ①",
            "École ÀB",
            "事業者名\n（商号）",
        ] {
            assert_eq!(fold(text), fold_normalized(&nfkc(text)), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_in_one_pass_is_folding_the_nfkc_of_any_text(
            text in "[ -~\u{3000}-\u{30ff}\u{4e00}-\u{4e2f}\u{ff01}-\u{ff9f}\u{2460}-\u{2473}\u{00c0}-\u{00ff}\t\n\u{b}\u{c}\r\u{85}]{0,24}"
        ) {
            proptest::prop_assert_eq!(fold(&text), fold_normalized(&nfkc(&text)));
        }
    }

    #[test]
    fn the_stable_characters_are_their_own_nfkc_and_combine_with_nothing() {
        for c in (0..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|c| is_nfkc_stable(*c))
        {
            let alone = c.to_string();
            assert_eq!(alone.nfkc().collect::<String>(), alone, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
        }
    }

    #[test]
    fn nfkc_is_the_standard_one_outside_circled_numbers() {
        let mut samples: Vec<String> = [
            "（２：必須開示項目）",
            "ＡＢＣ　ｄｅｆ",
            "㈱ソラリンク",
            "１２３，４５６円",
            "ｶ\u{3099}ﾞ",
        ]
        .map(String::from)
        .to_vec();
        for c in (0x3000..0x3100)
            .chain(0xff00..0xfff0)
            .filter_map(char::from_u32)
        {
            samples.extend([
                c.to_string(),
                format!("か{c}\u{3099}"),
                format!("{c}\u{301}a"),
            ]);
        }
        for sample in samples {
            assert_eq!(
                nfkc(&sample),
                sample.nfkc().collect::<String>(),
                "{sample:?}"
            );
        }
    }

    fn similarity(a: &str, b: &str) -> f64 {
        similarity_of((a, &Bigrams::of(a)), (b, &Bigrams::of(b)))
    }

    #[test]
    fn similarity_ranks_titles_sensibly() {
        assert!(similarity(&fold("事業者名"), &fold("事業者名称")) > 0.8);
        assert!(similarity("時刻同期", "サービスパフォーマンスの管理") < 0.2);
        assert!(similarity("従業員数", "従業員の数") > 0.5);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
