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

use super::{RuleDescription, about};
use crate::answers::Answers;
use crate::catalog::{Catalog, ValueKind};
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::Value;
use crate::text::{circled_number, fold};

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
                        Some(answer),
                        item.number,
                        Some(field.index),
                        Rule::Invalid,
                        Severity::Review,
                        format!("{name}は{limit}字以内とされていますが、{length}字あります。"),
                    ));
                }
            }
            if field.western_year && written_in_era(&answer.raw) {
                findings.push(about(
                    Some(answer),
                    item.number,
                    Some(field.index),
                    Rule::Invalid,
                    Severity::Review,
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
                        Some(answer),
                        item.number,
                        Some(field.index),
                        Rule::Invalid,
                        Severity::Review,
                        message,
                    ));
                }
            }
            if names_a_certification_in_place_of_content(&answer.raw) {
                findings.push(about(
                    Some(answer),
                    item.number,
                    Some(field.index),
                    Rule::Invalid,
                    Severity::Review,
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
    (foreign * 2 > texts.len()).then(|| Finding {
        item: None,
        field: None,
        rule: Rule::Invalid,
        severity: Severity::Review,
        related: Vec::new(),
        message: format!("記述の多く（{foreign}/{}件）が日本語で書かれていません。手引き: 「記入時の使用言語は、日本語とします。」", texts.len()),
        quote: None,
        at: None,
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
        RuleDescription {
            id: "length-limit".into(),
            rule: Rule::Invalid,
            severity: Severity::Review,
            items: with(&|f| f.max_chars.is_some()),
            description: "字数制限（100字以内、500文字以内）を超えている。".into(),
        },
        RuleDescription {
            id: "western-year".into(),
            rule: Rule::Invalid,
            severity: Severity::Review,
            items: with(&|f| f.western_year),
            description: "西暦で記述すべき日付が和暦で記入されている。".into(),
        },
        RuleDescription {
            id: "choice-range".into(),
            rule: Rule::Invalid,
            severity: Severity::Review,
            items: with(&|f| f.kind == ValueKind::Choice),
            description: "選択肢の範囲外の番号、単一選択の項目での複数選択、「いずれでもない」と他の選択肢の併記。".into(),
        },
        RuleDescription {
            id: "certification-in-place-of-content".into(),
            rule: Rule::Invalid,
            severity: Severity::Review,
            items: Vec::new(),
            description: "「18号監査（SSAE16等）取得済み」等、他制度の取得状況で記述に代えている。手引き「記入時の注意事項」".into(),
        },
        RuleDescription {
            id: "language".into(),
            rule: Rule::Invalid,
            severity: Severity::Review,
            items: Vec::new(),
            description: "記述の過半が日本語で書かれていない。手引き「記入時の使用言語は、日本語とします。」".into(),
        },
    ]
}
