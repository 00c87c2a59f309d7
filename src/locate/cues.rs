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
                rest: title,
            })
        } else {
            None
        }
    })
}

/// 「No.2」, 「NO 2」, 「通番2」, 「項番：2」, 「#2」, optionally followed by a title.
fn prefixed_cue(folded: &str) -> Option<ItemCue> {
    const PREFIXES: [&str; 6] = ["no.", "no", "通番", "項番", "番号", "#"];
    let rest = PREFIXES.iter().find_map(|p| folded.strip_prefix(p))?;
    let rest = rest.trim_start_matches([':', '.']);
    let (number, rest) = leading_digits(rest)?;
    let (field, rest) = field_suffix(rest);
    let rest = rest.trim_start_matches(['.', ':', ')', '、']);
    Some(ItemCue {
        number: in_range(number)?,
        field,
        strength: Strength::Strong,
        rest: rest.to_string(),
    })
}

/// 「-2」 after an item number names its field: 「2-2」 is item 2, 記述内容2. Only a
/// whole cell counts, so that 「3-4月」 stays text.
fn field_suffix(rest: &str) -> (Option<u32>, &str) {
    let parsed = rest
        .strip_prefix(['-', '_'])
        .and_then(leading_digits)
        .filter(|(field, after)| (1..=9).contains(field) && after.is_empty());
    match parsed {
        Some((field, after)) => (Some(field), after),
        None => (None, rest),
    }
}

/// 「2」, 「2.」, 「(2)」, 「[2]」, 「【2】」, or a number before a title: 「2. 事業者名」,
/// 「(2) 事業者名」.
fn leading_number_cue(folded: &str) -> Option<ItemCue> {
    let body = folded
        .strip_prefix(['(', '[', '【', '〔', '<', '«'])
        .unwrap_or(folded);
    let (number, rest) = leading_digits(body)?;
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

/// Drops the guide's sub-numbering (①, ⑤) and bullets in front of a heading.
pub fn strip_heading_marks(folded: &str) -> String {
    folded
        .trim_start_matches(|c: char| {
            crate::text::is_circled_number(c)
                || matches!(c, '・' | '○' | '●' | '■' | '□' | '◆' | '-')
        })
        .to_string()
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
    let at = folded.find("記述内容")?;
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
    }
}
