//! The cues a form gives about where an item starts and which field a row holds:
//! item numbers in their many spellings, and 【記述内容N】 markers.
//!
//! Everything here works on folded text (see [`crate::text::fold`]), so full-width
//! digits, spaces and brackets need no cases of their own.

use crate::catalog::ITEM_COUNT;

/// How much an item-number cue can be trusted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// A bare number or a number before unconfirmed text: an item number only in the
    /// column that holds item numbers.
    Weak,
    /// A number with its category (「（2：必須開示項目）」) or a prefix (No.2, 通番2).
    Strong,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCue {
    pub number: u32,
    /// The field, where the number names one too (「2-1」, 「No.2-2」).
    pub field: Option<u32>,
    pub strength: Strength,
    /// The folded text after the number (a title written in the same cell), if any.
    pub rest: String,
    /// A questionnaire's question (「Q2-1.」), whose answer follows after 「A.」.
    pub question: bool,
    /// A list number, set apart by its brackets or punctuation (「(1)」, 「1)」, 「1.」);
    /// 「1センター」 is a count.
    pub listed: bool,
}

/// The item-number cue in a folded cell text, if any.
pub fn item_cue(folded: &str) -> Option<ItemCue> {
    category_cue(folded)
        .or_else(|| prefixed_cue(folded))
        .or_else(|| leading_number_cue(folded))
}

/// 「（2：必須開示項目）」, 「(29 必須開示項目／一定の要件…」, 「（6: 代表者氏名は必須開示項目、…）」.
fn category_cue(folded: &str) -> Option<ItemCue> {
    folded.match_indices('(').find_map(|(at, _)| {
        let after = &folded[at + 1..];
        let (number, rest) = leading_digits(after)?;
        let inside = rest.strip_prefix(':').unwrap_or(rest);
        let inside = &inside[..inside.find(')').unwrap_or(inside.len())];
        if inside.contains("必須") || inside.contains("選択") {
            let title = strip_heading_marks(&folded[..at]);
            Some(ItemCue {
                number: in_range(number)?,
                field: None,
                strength: Strength::Strong,
                rest: title.to_string(),
                question: false,
                listed: false,
            })
        } else {
            None
        }
    })
}

/// 「No.2」, 「NO 2」, 「通番2」, 「項番：2」, 「項目2」, 「項目番号：2」, 「#2」, a questionnaire's
/// 「Q2-1.」 or 「問2」, optionally followed by a title, which a form may write as fields of
/// its own (「項目番号：2　項目名：事業者名　区分：必須」: the title is 「事業者名」).
fn prefixed_cue(folded: &str) -> Option<ItemCue> {
    const PREFIXES: [&str; 10] = [
        "no.",
        "no",
        "通番",
        "項番",
        "番号",
        "項目番号",
        "項目",
        "#",
        "q",
        "問",
    ];
    // 「【No.1】」: the prefix and number in brackets.
    let bracketed = folded.strip_prefix(['【', '[']);
    let (prefix, rest) = PREFIXES
        .iter()
        .find_map(|p| Some((*p, bracketed.unwrap_or(folded).strip_prefix(p)?)))?;
    let rest = rest.trim_start_matches([':', '.']);
    let (number, rest) = leading_digits(rest)?;
    let (field, rest) = field_suffix(rest);
    let rest = match bracketed {
        Some(_) => rest.strip_prefix(['】', ']'])?,
        None => rest,
    };
    let rest = rest.trim_start_matches(['.', ':', ')', '、']);
    let rest = rest
        .strip_prefix("項目名")
        .map_or(rest, |title| title.trim_start_matches(':'));
    // The requirement flag after the title is the form's, not the title's words.
    let rest = rest.find("区分:").map_or(rest, |at| &rest[..at]);
    Some(ItemCue {
        number: in_range(number)?,
        field,
        strength: Strength::Strong,
        rest: rest.to_string(),
        question: matches!(prefix, "q" | "問"),
        listed: false,
    })
}

/// 「-2」 after an item number names its field: 「2-2」 is item 2, 記述内容2. Only a
/// whole cell, one where a title follows a stop or a bracket (「2-2. 法人番号」,
/// 「【12-1】…」), or one where words follow that are no counter (「2-1　事業者名」,
/// its space folded away) counts, so that 「3-4月」, 「1-3年間」 and 「1-2.5%」 stay text.
fn field_suffix(rest: &str) -> (Option<u32>, &str) {
    // Counters that open no label's word (not 個, 名, 社, 期: 個人, 名称, 社員, 期間).
    const COUNTERS: &str = "年月日時分秒週回件歳才割倍円万億千百ヶヵか";
    let ends_number = |after: &str| {
        let words = after
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii() && c.is_alphabetic() && !COUNTERS.contains(c));
        // A title opening with a Latin word, its space folded away: 「33-1iaas・paasの…」,
        // 「74-1pc等」; one letter is a sub-number's (「3-1a」).
        let latin_word = after.chars().take(2).all(|c| c.is_ascii_alphabetic())
            && after.chars().nth(1).is_some();
        after.is_empty()
            || words
            || latin_word
            || after
                .strip_prefix(['.', ':', ')', '、', '】', ']'])
                .is_some_and(|tail| !tail.starts_with(|c: char| c.is_ascii_digit()))
    };
    let parsed = rest
        .strip_prefix(['-', '_'])
        .and_then(leading_digits)
        .filter(|(field, after)| (1..=9).contains(field) && ends_number(after));
    match parsed {
        Some((field, after)) => (Some(field), after),
        None => (None, rest),
    }
}

/// 「2」, 「2.」, 「(2)」, 「[2]」, 「【2】」, or a number before a title: 「2. 事業者名」,
/// 「(2) 事業者名」.
fn leading_number_cue(folded: &str) -> Option<ItemCue> {
    let bracketed = folded.strip_prefix(['(', '[', '【', '〔', '<', '«']);
    let (number, rest) = leading_digits(bracketed.unwrap_or(folded))?;
    let listed = bracketed.is_some() || rest.starts_with(['.', ')', ']', '】', ':', '、']);
    let (field, rest) = field_suffix(rest);
    let rest = rest
        .strip_prefix([')', ']', '】', '〕', '>', '»'])
        .unwrap_or(rest);
    // 「2.2 事業所・事業」 is a section number, 「2,000」 an amount, 「3/4」 a date.
    if rest.starts_with([',', '/', '-'])
        || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    let rest = rest.trim_start_matches(['.', ':', '、']);
    Some(ItemCue {
        number: in_range(number)?,
        field,
        strength: Strength::Weak,
        rest: rest.to_string(),
        question: false,
        listed,
    })
}

fn leading_digits(text: &str) -> Option<(u32, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if end == 0 || end > 3 {
        return None;
    }
    Some((text[..end].parse().ok()?, &text[end..]))
}

fn in_range(number: u32) -> Option<u32> {
    (1..=ITEM_COUNT).contains(&number).then_some(number)
}

/// Whether a folded text leaves a bracket open, cut where it wraps or at a page break
/// (「…の事前告知（必須開示項目／一定の要件を考慮すべ」); a closing one with none open is
/// a list number's (「130)」).
pub fn leaves_bracket_open(folded: &str) -> bool {
    let depth = folded.chars().fold(0u32, |depth, c| match c {
        '(' => depth + 1,
        ')' => depth.saturating_sub(1),
        _ => depth,
    });
    depth > 0
}

/// The bullets that open a heading or a label line (「■会社名」, 「▼ 法人番号」). ○ and ・
/// open an answer as often (「○ 有り」), and are told apart where they are stripped.
pub const BULLETS: [char; 9] = ['■', '□', '◆', '◇', '●', '▼', '▽', '★', '☆'];

/// Drops the guide's sub-numbering (①, ⑤) and bullets in front of a heading.
pub fn strip_heading_marks(folded: &str) -> &str {
    folded.trim_start_matches(|c: char| {
        crate::text::is_circled_number(c) || BULLETS.contains(&c) || matches!(c, '・' | '○' | '-')
    })
}

/// The words that mark an answer, the last two only in a questionnaire.
const ANSWER_MARKS: [&str; 6] = ["回答", "【回答】", "［回答］", "[回答]", "A", "Ａ"];

/// The label a question line asks for (「Q. 法人番号（必須）」, 「質問：役員数」): its words,
/// without the mark and the requirement flag after them. None for a numbered question
/// (「Q2-1.」), which is an item cue.
pub fn question_label(text: &str) -> Option<&str> {
    const MARKS: [&str; 8] = [
        "Q",
        "Ｑ",
        "質問",
        "設問",
        "問い",
        "問",
        "【質問】",
        "［質問］",
    ];
    let text = text.trim_start();
    let rest = MARKS.iter().find_map(|mark| {
        let rest = text.strip_prefix(mark)?;
        if mark.ends_with(['】', '］']) {
            return Some(rest);
        }
        rest.strip_prefix(['.', '．', ':', '：'])
    })?;
    let rest = rest.trim();
    let words = REQUIREMENT_TAILS
        .iter()
        .find_map(|tail| rest.strip_suffix(tail))
        .unwrap_or(rest)
        .trim_end();
    (!words.is_empty() && !words.starts_with(|c: char| c.is_ascii_digit())).then_some(words)
}

/// A question's requirement flag after its words (「（必須）」), the form's, not the label's.
const REQUIREMENT_TAILS: [&str; 8] = [
    "（必須）",
    "(必須)",
    "（任意）",
    "(任意)",
    "（選択）",
    "(選択)",
    "【必須】",
    "【任意】",
];

/// A label and the answer its line goes on with after an answer mark, where a paragraph
/// joined the two lines (「１）…などの概要回答：有り：年1回…」); none without a mark
/// inside the text, or with nothing on either side of it.
pub fn label_then_answer(text: &str) -> Option<(&str, &str)> {
    ANSWER_MARKS[..4].iter().find_map(|mark| {
        let (at, _) = text.match_indices(mark).find(|(at, _)| *at > 0)?;
        let after = &text[at + mark.len()..];
        let answer = if mark.ends_with(['】', '］', ']']) {
            after
        } else {
            after.strip_prefix([':', '：'])?
        };
        let (label, answer) = (text[..at].trim_end(), answer.trim());
        (!label.is_empty() && !answer.is_empty()).then_some((label, answer))
    })
}

/// The answer written after an answer mark (「回答：…」, 「［回答］…」, 「→ …」, and in a
/// questionnaire 「A. 45.2%」, 「A：…」); the text itself where it has none. Outside a
/// questionnaire 「A：」 names a data centre.
pub fn answer_body(text: &str, questionnaire: bool) -> &str {
    // An arrow points at the answer with no colon after it (「→ 有り」).
    const ARROWS: [char; 3] = ['→', '⇒', '➡'];
    let marks = if questionnaire {
        &ANSWER_MARKS[..]
    } else {
        &ANSWER_MARKS[..4]
    };
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix(ARROWS) {
        return rest.trim_start();
    }
    marks
        .iter()
        .find_map(|mark| {
            let rest = trimmed.strip_prefix(mark)?;
            if mark.ends_with(['】', '］', ']']) {
                return Some(rest);
            }
            rest.strip_prefix(['.', '．', ':', '：'])
        })
        .map_or(text, str::trim_start)
}

/// A label and the answer written with it in one cell or paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkedPiece<'t> {
    pub label: &'t str,
    pub answer: &'t str,
}

/// A folded label without the 【記述内容N】 marker that opens it: its words.
pub fn without_marker(folded: &str) -> &str {
    folded
        .trim_start_matches(['【', '['])
        .split_once(['】', ']'])
        .map_or(folded, |(_, after)| after)
}

/// Whether a text opens with a 【記述内容N】 marker: a form's label, whatever follows.
pub fn opens_with_marker(text: &str) -> bool {
    let text = text.trim_start();
    ["【", "[", "［"].iter().any(|open| {
        text.strip_prefix(open)
            .is_some_and(|rest| rest.starts_with("記述内容"))
    })
}

/// The label–answer pieces of a text that opens with a 【記述内容N】 marker, or with
/// 「記述内容N（label）」, the label in brackets after a bare marker, and carries its
/// answer after the label: after 「［回答］」, after the field's known wording
/// (`known_label`: how many bytes of the text after the marker a label's wording takes),
/// on the next line or after a colon. A required mark may stand before the marker
/// (「★記述内容1（代表者氏名）：…」). Several markers in one text each open a piece;
/// a label closed by its colon with nothing after it (「【記述内容】役員数：」) is a piece
/// left unanswered. Empty when the text does not open with a marker, or holds a bare
/// label only (「【記述内容】役員数」, which what follows may answer).
pub fn marked_pieces<'t>(
    text: &'t str,
    known_label: &dyn Fn(&str) -> Option<usize>,
) -> Vec<MarkedPiece<'t>> {
    let text = text.trim();
    let starts: Vec<usize> = text
        .match_indices("記述内容")
        .filter_map(|(at, _)| {
            let after = &text[at + "記述内容".len()..];
            let open = match text[..at].chars().next_back() {
                Some(c @ ('【' | '[' | '［')) => at - c.len_utf8(),
                _ if labelled_in_brackets(after).is_some() => at,
                _ => return None,
            };
            let line_start = text[..open]
                .trim_end_matches([' ', '\u{3000}'])
                .trim_end_matches(REQUIRED_MARKS)
                .len();
            // 「記述内容2（label）：」 with its number opens a field wherever it stands: one
            // line may hold several fields (「…：有り　記述内容2（…）：…」).
            let anywhere = labelled_in_brackets(after) == Some(true);
            (anywhere || line_start == 0 || text[..line_start].ends_with('\n'))
                .then_some(line_start)
        })
        .collect();
    if starts.first() != Some(&0) {
        return Vec::new();
    }
    let mut pieces = Vec::new();
    let mut separated = false;
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        let piece = text[start..end].trim();
        let marker_end = marker_end(piece);
        let body = &piece[marker_end..];
        // An answer mark says where the answer starts, whatever line it is on
        // (「【記述内容】開示情報の年月日\n［回答］2025年4月11日」).
        let split = ["［回答］", "【回答】", "[回答]"]
            .iter()
            .filter_map(|mark| body.find(mark).map(|at| (at, mark.len())))
            .min()
            .or_else(|| known_label(body).map(|end| (end, separator_width(&body[end..]))))
            .or_else(|| label_end(body));
        separated |= split.is_some();
        let (label, answer) = match split {
            Some((at, width)) => (&piece[..marker_end + at], body[at + width..].trim()),
            None => (piece, ""),
        };
        pieces.push(MarkedPiece {
            label: label.trim(),
            answer,
        });
    }
    if !separated {
        return Vec::new();
    }
    pieces
}

/// Marks a form sets before a required field's label (「★記述内容1」).
const REQUIRED_MARKS: [char; 2] = ['★', '☆'];

/// Whether the text after a bare 「記述内容」 is the field's number, if any, and its label
/// in brackets (「1（代表者氏名）…」, 「（開示情報の年月日）…」): `Some(true)` where the
/// number is there and a colon closes the label (「1（代表者氏名）：…」).
fn labelled_in_brackets(after: &str) -> Option<bool> {
    let label =
        after.trim_start_matches(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c));
    if !label.starts_with(['（', '(']) {
        return None;
    }
    let numbered = label.len() < after.len();
    let mut depth = 0usize;
    for (at, c) in label.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            '\n' => return Some(false),
            _ => {}
        }
        if depth == 0 {
            let colon = label[at + c.len_utf8()..]
                .trim_start()
                .starts_with([':', '：']);
            return Some(numbered && colon);
        }
    }
    Some(false)
}

/// Where the marker that opens a piece ends: after its closing bracket (「【記述内容1】」),
/// or after the bare marker's number (「記述内容1」 before its label in brackets).
fn marker_end(piece: &str) -> usize {
    let opening = piece.trim_start_matches(REQUIRED_MARKS);
    if let Some(after) = opening.strip_prefix("記述内容") {
        let number = after
            .find(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))
            .unwrap_or(after.len());
        return piece.len() - after.len() + number;
    }
    piece
        .char_indices()
        .find(|(_, c)| matches!(c, '】' | ']' | '］'))
        .map_or(0, |(at, c)| at + c.len_utf8())
}

/// The width of the colon that closes a label, where one follows it (after spaces).
fn separator_width(after: &str) -> usize {
    let trimmed = after.trim_start();
    let colon = trimmed.chars().next().filter(|c| matches!(c, '：' | ':'));
    colon.map_or(0, |c| after.len() - trimmed.len() + c.len_utf8())
}

/// Where a label written before its answer ends: at the first line break or colon
/// outside brackets (「所在地域（例：関東、東北）：日本」; a line the label's bracket
/// wraps, 「…その旨を記↵述）：相談に応じて決める」, goes on with it), else at the first
/// line break. Gives the place and the separator's width.
fn label_end(body: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut first_break = None;
    for (at, c) in body.char_indices() {
        match c {
            '\n' if depth == 0 => return Some((at, 1)),
            '\n' => {
                first_break.get_or_insert((at, 1));
            }
            '（' | '(' | '「' | '＜' | '<' => depth += 1,
            '）' | ')' | '」' | '＞' | '>' => depth = depth.saturating_sub(1),
            '：' | ':' if depth == 0 => return Some((at, c.len_utf8())),
            _ => {}
        }
    }
    first_break
}

/// Which 記述内容 a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldMarker {
    /// 【記述内容2】, 記述内容２.
    Numbered(u32),
    /// 【記述内容】 with no number: the item's only field.
    Unnumbered,
}

pub fn field_marker(folded: &str) -> Option<FieldMarker> {
    // Asked of nearly every cell: the searcher is built once.
    static MARKER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("記述内容"));
    let at = MARKER.find(folded.as_bytes())?;
    let after = &folded[at + "記述内容".len()..];
    match leading_digits(after) {
        Some((n, _)) if n > 0 => Some(FieldMarker::Numbered(n)),
        _ => Some(FieldMarker::Unnumbered),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn cue(text: &str) -> Option<(u32, Strength)> {
        item_cue(&fold(text)).map(|c| (c.number, c.strength))
    }

    #[test]
    fn item_numbers_in_the_spellings_applicants_use() {
        use Strength::*;
        assert_eq!(cue("2"), Some((2, Weak)));
        assert_eq!(cue("２"), Some((2, Weak)));
        assert_eq!(cue("2."), Some((2, Weak)));
        assert_eq!(cue("（２）"), Some((2, Weak)));
        assert_eq!(cue("No.2"), Some((2, Strong)));
        assert_eq!(cue("Ｎｏ．１２"), Some((12, Strong)));
        assert_eq!(cue("通番2"), Some((2, Strong)));
        assert_eq!(cue("通番：１３３"), Some((133, Strong)));
        assert_eq!(cue("問12　資本金（選択）"), Some((12, Strong)));
        let field = |text: &str| item_cue(&fold(text)).and_then(|c| c.field);
        assert_eq!(field("2-1　事業者名"), Some(1));
        assert_eq!(field("【12-1】事業者の資本金"), Some(1));
        assert_eq!(field("2-2. 法人番号"), Some(2));
        for text in ["3-4月", "1-3年間", "4-6月期", "1-2.5%", "1-2ヶ月"] {
            assert_eq!(field(text), None, "{text}");
        }
        assert_eq!(cue("問い合わせ窓口"), None);
        assert_eq!(cue("項目１２　資本金　［必須］"), Some((12, Strong)));
        assert_eq!(cue("項目名"), None);
        assert_eq!(cue("【No.12】資本金"), Some((12, Strong)));
        assert_eq!(cue("【No.12"), None);
        let header = item_cue(&fold("項目番号：2　項目名：事業者名　区分：必須開示"));
        assert_eq!(
            header.map(|c| (c.number, c.strength, c.rest)),
            Some((2, Strong, "事業者名".to_string()))
        );
        assert_eq!(cue("① 事業者名（2：必須開示項目）"), Some((2, Strong)));
        assert_eq!(cue("事業者名 (2: 必須開示項目)"), Some((2, Strong)));
        assert_eq!(
            cue(
                "情報セキュリティに関する規程等の整備（29 必須開示項目／一定の要件を考慮すべき項目）"
            ),
            Some((29, Strong))
        );
        assert_eq!(
            cue("代表者（6: 代表者氏名は必須開示項目、代表者経歴は選択開示項目）"),
            Some((6, Strong))
        );
        assert_eq!(cue("役員（7: 選択開示項目）"), Some((7, Strong)));
        assert_eq!(cue("2. 事業者名").map(|c| c.0), Some(2));
        assert_eq!(cue("【4】事業所").map(|c| c.0), Some(4));
        assert_eq!(
            item_cue(&fold("2-2")).map(|c| (c.number, c.field)),
            Some((2, Some(2)))
        );
        assert_eq!(
            item_cue(&fold("No.24－1")).map(|c| (c.number, c.field)),
            Some((24, Some(1)))
        );
        assert_eq!(item_cue(&fold("2")).map(|c| c.field), Some(None));
        assert_eq!(cue("3-4月"), None);
    }

    #[test]
    fn things_that_are_not_item_numbers() {
        assert_eq!(cue("2.2 事業所・事業"), None);
        assert_eq!(cue("1,234,567"), None);
        assert_eq!(cue("2015/4/1"), None);
        assert_eq!(cue("134"), None);
        assert_eq!(cue("0"), None);
        assert_eq!(cue("2024"), None);
        assert_eq!(cue("有り"), None);
        assert_eq!(cue("(参考) 説明"), None);
    }

    #[test]
    fn title_after_a_number_is_kept_for_confirmation() {
        assert_eq!(
            item_cue(&fold("2. 事業者名")).map(|c| c.rest),
            Some("事業者名".to_string())
        );
        assert_eq!(
            item_cue(&fold("① 事業者名（2：必須開示項目）")).map(|c| c.rest),
            Some("事業者名".to_string())
        );
    }

    #[test]
    fn questionnaire_numbers_name_item_and_field() {
        let cue = |text: &str| item_cue(&fold(text)).map(|c| (c.number, c.field, c.strength));
        assert_eq!(
            cue("Q2-1. 事業者名（事業者の正式名称）"),
            Some((2, Some(1), Strength::Strong))
        );
        assert_eq!(cue("Q12. 自己資本比率"), Some((12, None, Strength::Strong)));
        assert_eq!(cue("2-2. 法人番号").map(|c| c.1), Some(Some(2)));
        assert_eq!(cue("1-2.5%").map(|c| c.1), None);
        // A title opening with a Latin word, the space between folded away.
        assert_eq!(
            cue("74-1　PC等（操作端末）"),
            Some((74, Some(1), Strength::Weak))
        );
        assert_eq!(
            cue("33-2 IaaS・PaaSの苦情対応に関する規程等の整備"),
            Some((33, Some(2), Strength::Weak))
        );
        assert_eq!(cue("3-1a"), None);
        // A list number is set apart by brackets or punctuation; a count is not.
        let listed = |text: &str| item_cue(&fold(text)).map(|c| c.listed);
        for text in [
            "(1) 専用線",
            "１）事業者の資本金",
            "1. 開示情報の日付",
            "【1】法人番号",
        ] {
            assert_eq!(listed(text), Some(true), "{text}");
        }
        assert_eq!(listed("1センター"), Some(false));
    }

    #[test]
    fn a_label_line_joined_with_its_answer_line_parts_at_the_mark() {
        assert_eq!(
            label_then_answer("１）脆弱性診断の有無と、…の概要回答：有り：年1回"),
            Some(("１）脆弱性診断の有無と、…の概要", "有り：年1回"))
        );
        assert_eq!(
            label_then_answer("(2) 連絡先 【回答】 03-1234-5678"),
            Some(("(2) 連絡先", "03-1234-5678"))
        );
        // The word without its colon, a mark that opens the text, nothing after it.
        assert_eq!(label_then_answer("１）回答期限の有無"), None);
        assert_eq!(label_then_answer("回答：有り"), None);
        assert_eq!(label_then_answer("１）概要回答："), None);
    }

    #[test]
    fn answer_marks_are_not_part_of_the_answer() {
        assert_eq!(answer_body("A. 45.2%", true), "45.2%");
        assert_eq!(
            answer_body("A：２０２５／０７／１８", true),
            "２０２５／０７／１８"
        );
        assert_eq!(answer_body("回答：有り", false), "有り");
        assert_eq!(answer_body("［回答］有り", false), "有り");
        assert_eq!(answer_body("A. ", true), "");
        assert_eq!(answer_body("→ 2025年2月2日", false), "2025年2月2日");
        assert_eq!(answer_body("⇒　有り", false), "有り");
        assert_eq!(answer_body("→", false), "");
        // An arrow inside the answer is the answer's own.
        assert_eq!(answer_body("東京→大阪", false), "東京→大阪");
        assert_eq!(answer_body("ABC株式会社", true), "ABC株式会社");
        assert_eq!(answer_body("有り", true), "有り");
        // Outside a questionnaire, centre A's answer.
        assert_eq!(
            answer_body("A：2011年／B：2006年", false),
            "A：2011年／B：2006年"
        );
    }

    #[test]
    fn question_lines() {
        assert_eq!(question_label("Q. 法人番号（必須）"), Some("法人番号"));
        assert_eq!(question_label("質問：役員数"), Some("役員数"));
        assert_eq!(question_label("【質問】役員数（任意）"), Some("役員数"));
        // A numbered question is an item cue; a word that opens with Q is no question.
        assert_eq!(question_label("Q2-1. 法人番号"), None);
        assert_eq!(question_label("QRコード決済に対応"), None);
        assert_eq!(question_label("問い合わせ窓口"), None);
    }

    #[test]
    fn labels_written_with_their_answer() {
        // Here a label's known wording ends at 「（例）」.
        let known = |body: &str| body.find("（例）").map(|at| at + "（例）".len());
        let pieces = |text| {
            marked_pieces(text, &known)
                .into_iter()
                .map(|p| (p.label, p.answer))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            pieces("【記述内容1】代表者氏名：山田太郎"),
            [("【記述内容1】代表者氏名", "山田太郎")]
        );
        assert_eq!(
            pieces(
                "【記述内容１】事業者の正式名称（商号）\n株式会社春日電算\n【記述内容２】法人番号\n6746103528961"
            ),
            [
                ("【記述内容１】事業者の正式名称（商号）", "株式会社春日電算"),
                ("【記述内容２】法人番号", "6746103528961")
            ]
        );
        assert_eq!(
            pieces("【記述内容1】所在地域（国名、地域名（例：関東、東北））：日本（九州）"),
            [(
                "【記述内容1】所在地域（国名、地域名（例：関東、東北））",
                "日本（九州）"
            )]
        );
        assert_eq!(
            pieces("【記述内容】役員数［回答］7名"),
            [("【記述内容】役員数", "7名")]
        );
        assert_eq!(
            pieces("【記述内容】開示情報の年月日（西暦）\n［回答］2025年4月11日"),
            [("【記述内容】開示情報の年月日（西暦）", "2025年4月11日")]
        );
        // A line break inside the label's bracket wraps the label; an unclosed bracket
        // still ends at the line break.
        assert_eq!(
            pieces("【記述内容】カスタマイズの範囲（その旨を記\n述）：相談に応じて決める"),
            [(
                "【記述内容】カスタマイズの範囲（その旨を記\n述）",
                "相談に応じて決める"
            )]
        );
        assert_eq!(
            pieces("【記述内容】事業者の正式名称（商号\n株式会社春日電算"),
            [("【記述内容】事業者の正式名称（商号", "株式会社春日電算")]
        );
        // A label closed by its colon and left blank is a piece without an answer.
        assert_eq!(pieces("【記述内容】役員数："), [("【記述内容】役員数", "")]);
        assert_eq!(
            pieces("【記述内容1】所在地：日本\n【記述内容2】立地の優位性："),
            [
                ("【記述内容1】所在地", "日本"),
                ("【記述内容2】立地の優位性", "")
            ]
        );
        // The field's known wording ends the label where no line break or colon
        // does, and before a colon in the answer (a centre's 「DC1：」).
        assert_eq!(
            pieces("【記述内容】消火設備（例）DC1：有／DC2：有"),
            [("【記述内容】消火設備（例）", "DC1：有／DC2：有")]
        );
        assert_eq!(
            pieces("【記述内容】役員数（例）：5名"),
            [("【記述内容】役員数（例）", "5名")]
        );
        // A label alone, or text that only quotes a marker, is no labelled answer.
        assert!(pieces("【記述内容】役員数").is_empty());
        assert!(pieces("有り（【記述内容2】に記載）").is_empty());
        // A bare marker with its label in brackets, a required mark before it; with its
        // number and colon, a field wherever it stands on a line.
        assert_eq!(
            pieces(
                "★記述内容１（代表者氏名）：松本　京子\n記述内容２（代表者経歴（生年、学歴））：1959年生。\n九州大学卒。"
            ),
            [
                ("★記述内容１（代表者氏名）", "松本　京子"),
                (
                    "記述内容２（代表者経歴（生年、学歴））",
                    "1959年生。\n九州大学卒。"
                )
            ]
        );
        assert_eq!(
            pieces("記述内容（開示情報の年月日（西暦））:2024年9月12日"),
            [("記述内容（開示情報の年月日（西暦））", "2024年9月12日")]
        );
        assert_eq!(
            pieces("記述内容2（機能）：中継　記述内容3（証明書の提供）：可能"),
            [
                ("記述内容2（機能）", "中継"),
                ("記述内容3（証明書の提供）", "可能")
            ]
        );
        // Prose that names a field (no bracket after the marker, or no colon after an
        // unnumbered label mid-line) opens nothing.
        assert!(pieces("記述内容2に記載のとおり").is_empty());
        assert!(pieces("有り（記述内容（別紙）参照）").is_empty());
    }

    #[test]
    fn field_markers() {
        assert_eq!(
            field_marker(&fold("【記述内容２】 法人番号")),
            Some(FieldMarker::Numbered(2))
        );
        assert_eq!(
            field_marker(&fold("【記述内容】開示情報の年月日")),
            Some(FieldMarker::Unnumbered)
        );
        assert_eq!(field_marker(&fold("法人番号")), None);
        assert_eq!(without_marker(&fold("【記述内容２】法人番号")), "法人番号");
        assert_eq!(without_marker(&fold("［記述内容２］法人番号")), "法人番号");
        assert_eq!(without_marker("法人番号"), "法人番号");
    }
}
