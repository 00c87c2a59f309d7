//! The form of an answer: what the guide asks it to look like.
//!
//! - Length limits: item 5 「＜100字以内＞」, item 36 「500文字以内でご記入ください。」.
//! - 西暦: items 1 and 3 ask for the date 「（西暦）」; a 和暦 answer is readable but not
//!   what was asked.
//! - Choices: a number outside the listed options (16: ①〜⑤, 38: 5 types, 117: ①〜③),
//!   several numbers where one is asked (117), or 16's ⑤「いずれでもない」 beside another.
//! - 記入時の注意事項: 「…「監査基準委員会報告書第18号監査（米国では監査基準SSAE16、国際監査基準
//!   IASE3402）取得済み」等の記述は行わず、手引きの指示通りに記述してください。」
//! - 記入時の使用言語: 「記入時の使用言語は、日本語とします。」 (a finding about the whole form).

use super::{RuleDescription, RuleUnit, about};
use crate::answers::Answers;
use crate::catalog::{Catalog, ValueKind};
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::Value;
use crate::text::{circled_number, fold};

/// An answer longer than its field's limit, counted without whitespace.
///
/// **Why:** item 5 「＜100字以内＞」, item 36 「500文字以内でご記入ください。」
/// **Example:** a 657-character item 36.
pub const LENGTH_LIMIT: RuleUnit = RuleUnit {
    code: "length-limit",
    rule: Rule::Invalid,
    severity: Severity::Review,
    description: "字数制限（100字以内、500文字以内）を超えている。",
};

/// A date written in a Japanese era where the guide asks for the western year.
///
/// **Why:** items 1 and 3 ask for the date 「（西暦）」.
/// **Example:** item 3 answered 「平成17年12月3日」.
pub const WESTERN_YEAR: RuleUnit = RuleUnit {
    code: "western-year",
    rule: Rule::Invalid,
    severity: Severity::Review,
    description: "西暦で記述すべき日付が和暦で記入されている。",
};

/// A choice outside the options, several where one is asked, or 16's ⑤ beside others.
///
/// **Why:** the choices the guide lists (16: ①〜⑤, 38, 117: ①〜③); 117 asks for one.
/// **Example:** item 16 answered 「①⑤」.
pub const CHOICE_RANGE: RuleUnit = RuleUnit {
    code: "choice-range",
    rule: Rule::Invalid,
    severity: Severity::Review,
    description: "選択肢の範囲外の番号、単一選択の項目での複数選択、「いずれでもない」と他の選択肢の併記。",
};

/// Another scheme's 「取得済み」 in place of the asked content.
///
/// **Why:** 記入時の注意事項 「…「監査基準委員会報告書第18号監査…取得済み」等の記述は
/// 行わず、手引きの指示通りに記述してください。」
/// **Example:** 「18号監査（SSAE16）取得済み」.
pub const CERTIFICATION_IN_PLACE_OF_CONTENT: RuleUnit = RuleUnit {
    code: "certification-in-place-of-content",
    rule: Rule::Invalid,
    severity: Severity::Review,
    description: "「18号監査（SSAE16等）取得済み」等、他制度の取得状況で記述に代えている。手引き「記入時の注意事項」",
};

/// Most written answers have no Japanese in them.
///
/// **Why:** 「記入時の使用言語は、日本語とします。」
/// **Example:** a form answered in English throughout.
pub const LANGUAGE: RuleUnit = RuleUnit {
    code: "language",
    rule: Rule::Invalid,
    severity: Severity::Review,
    description: "記述の過半が日本語で書かれていない。手引き「記入時の使用言語は、日本語とします。」",
};

/// Item 16's option 「いずれでもない」, which excludes the others.
const NONE_OF_THE_ABOVE: (u32, u32) = (16, 5);

pub fn check(answers: &Answers, catalog: &Catalog, findings: &mut Vec<Finding>) {
    for item in &catalog.items {
        for field in &item.fields {
            let Some(answer) = answers.get(item.number, field.index) else {
                continue;
            };
            let name = format!("{}（{}）", item.title, item.number);
            if let Some(limit) = field.max_chars {
                let length = answer.raw.chars().filter(|c| !c.is_whitespace()).count();
                if length > limit as usize {
                    findings.push(about(
                        &LENGTH_LIMIT,
                        Some(answer),
                        item.number,
                        Some(field.index),
                        format!("{name}は{limit}字以内とされていますが、{length}字あります。"),
                    ));
                }
            }
            if field.western_year && written_in_era(&answer.raw) {
                findings.push(about(
                    &WESTERN_YEAR,
                    Some(answer),
                    item.number,
                    Some(field.index),
                    format!(
                        "{name}は西暦で記述するよう求められていますが、和暦で記入されています。"
                    ),
                ));
            }
            if field.kind == ValueKind::Choice
                && let Value::Choice { choices } = &answer.value
            {
                let options = field.choices.len() as u32;
                let problem = if choices.iter().any(|c| *c == 0 || *c > options) {
                    Some(format!(
                        "{name}の選択肢は①〜{}ですが、範囲外の番号が記入されています。",
                        circled_number(options)
                    ))
                } else if !field.multiple && choices.len() > 1 {
                    Some(format!(
                        "{name}は一つを選択する項目ですが、複数が選択されています。"
                    ))
                } else if (item.number, field.index) == (NONE_OF_THE_ABOVE.0, 1)
                    && choices.contains(&NONE_OF_THE_ABOVE.1)
                    && choices.len() > 1
                {
                    Some(format!(
                        "{name}で「{}」と他の選択肢が同時に選ばれています。",
                        circled_number(NONE_OF_THE_ABOVE.1)
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    findings.push(about(
                        &CHOICE_RANGE,
                        Some(answer),
                        item.number,
                        Some(field.index),
                        message,
                    ));
                }
            }
            if names_a_certification_in_place_of_content(&answer.raw) {
                findings.push(about(
                    &CERTIFICATION_IN_PLACE_OF_CONTENT,
                    Some(answer),
                    item.number,
                    Some(field.index),
                    format!("{name}に他制度の「取得済み」の記述があります。手引きの記入時の注意事項により、手引きの指示通りの内容を記述する必要があります。"),
                ));
            }
        }
    }
    if let Some(finding) = not_in_japanese(answers) {
        findings.push(finding);
    }
}

fn written_in_era(raw: &str) -> bool {
    let text = crate::text::nfkc(raw);
    ["明治", "大正", "昭和", "平成", "令和"]
        .iter()
        .any(|era| text.contains(era))
        || text.char_indices().any(|(i, c)| {
            "RHSrhs".contains(c)
                && text[i + 1..].starts_with(|d: char| d.is_ascii_digit())
                && !text[..i].ends_with(|p: char| p.is_ascii_alphanumeric())
        })
}

fn names_a_certification_in_place_of_content(raw: &str) -> bool {
    // No other character folds to one with 済 in it (tested): most answers need no fold.
    if !raw.contains('済') {
        return false;
    }
    let text = fold(raw);
    text.contains("取得済")
        && [
            "18号",
            "監査基準",
            "ssae",
            "isae",
            "iase",
            "sas70",
            "soc1",
            "soc2",
            "soc報告",
        ]
        .iter()
        .any(|w| text.contains(w))
}

/// More than half of the written answers (of some length) have no Japanese in them.
fn not_in_japanese(answers: &Answers) -> Option<Finding> {
    let texts: Vec<&str> = answers
        .all()
        .filter(|(_, a)| matches!(a.value, Value::Text) && a.raw.chars().count() >= 8)
        .map(|(_, a)| a.raw.as_str())
        .collect();
    if texts.len() < 5 {
        return None;
    }
    let foreign = texts.iter().filter(|t| !t.chars().any(is_japanese)).count();
    (foreign * 2 > texts.len()).then(|| {
        LANGUAGE.finding(
            None,
            None,
            None,
            format!("記述の多く（{foreign}/{}件）が日本語で書かれていません。手引き: 「記入時の使用言語は、日本語とします。」", texts.len()),
        )
    })
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

pub fn describe(catalog: &Catalog) -> Vec<RuleDescription> {
    let with = |test: &dyn Fn(&crate::catalog::Field) -> bool| -> Vec<u32> {
        catalog
            .items
            .iter()
            .filter(|i| i.fields.iter().any(test))
            .map(|i| i.number)
            .collect()
    };
    vec![
        LENGTH_LIMIT.describe(with(&|f| f.max_chars.is_some())),
        WESTERN_YEAR.describe(with(&|f| f.western_year)),
        CHOICE_RANGE.describe(with(&|f| f.kind == ValueKind::Choice)),
        CERTIFICATION_IN_PLACE_OF_CONTENT.describe(Vec::new()),
        LANGUAGE.describe(Vec::new()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sai_folds_to_a_text_with_sai_in_it() {
        // The shortcut of `names_a_certification_in_place_of_content`: NFKC makes 済
        // of no other character (済 has no decomposition, so no sequence composes to it).
        use unicode_normalization::UnicodeNormalization;
        let others = (0..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|&c| c != '済' && std::iter::once(c).nfkc().any(|d| d == '済'))
            .count();
        assert_eq!(others, 0);
        assert!(names_a_certification_in_place_of_content(
            "ＳＯＣ２報告書 取得済"
        ));
        assert!(!names_a_certification_in_place_of_content(
            "SOC2報告書を取得"
        ));
    }
}
