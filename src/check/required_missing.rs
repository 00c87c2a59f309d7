//! A required field left blank.
//!
//! **Why:** the guide, 1.1): 「必須開示項目に未記入の項目がある場合は、非認定となります。」
//! **Exceptions:** 「対策や措置の有無が聞かれている項目で、対策や措置を実施していない場合、
//! 「無し」と記述しても非認定とはなりません。」 — a 「無し」 is an answer, not a blank. And
//! for the 事業者 items (section 2): 「個人の場合は…可能でないものについては｢個人事業である
//! ため回答できない。｣等と記述してください。」 — such an answer is accepted, with a note.

use super::{RuleDescription, RuleUnit, about, blank_rejection, is_blank};
use crate::answers::Answers;
use crate::catalog::Catalog;
use crate::findings::{Finding, Rule, Severity};

/// A required field (必須開示項目, or a required 記述内容 of a mixed item) left blank or
/// holding only a dash, 「未記入」, a web form's 「（未入力）」, or check boxes none of
/// which is ticked (「□有　□無」).
///
/// **Why:** 手引き1.1) 「必須開示項目に未記入の項目がある場合は、非認定となります。」
/// **Example:** item 9 (売上高) answered 「－」.
pub const REQUIRED_MISSING: RuleUnit = RuleUnit {
    code: "required-missing",
    rule: Rule::Missing,
    severity: Severity::Reject,
    description: "必須開示項目（必須の記述内容）が未記入。手引き1.1)「必須開示項目に未記入の項目がある場合は、非認定となります。」「無し」は回答として扱う。",
};

/// An individual's 「個人事業であるため回答できない」 for an item of section 2: accepted,
/// noted for the reviewer.
///
/// **Why:** 手引き2.: 「個人の場合は…可能でないものについては｢個人事業であるため回答できない。｣
/// 等と記述してください。」
/// **Example:** item 9 answered 「個人事業のため回答できない」.
pub const INDIVIDUAL_EXEMPTION: RuleUnit = RuleUnit {
    code: "individual-exemption",
    rule: Rule::Missing,
    severity: Severity::Info,
    description: "事業者の項目（2.）に「個人事業であるため回答できない」旨の記述。手引き2.の取扱いどおり受け付ける。",
};

pub fn check(answers: &Answers, catalog: &Catalog, findings: &mut Vec<Finding>) {
    for item in &catalog.items {
        for field in item.fields.iter().filter(|f| f.required) {
            let answer = answers.get(item.number, field.index);
            let blank = answer.is_none_or(|a| is_blank(&a.raw));
            if !blank {
                if let Some(answer) =
                    answer.filter(|a| is_operator_item(item) && is_individual_exemption(&a.raw))
                {
                    findings.push(about(
                        &INDIVIDUAL_EXEMPTION,
                        Some(answer),
                        item.number,
                        Some(field.index),
                        format!("{}（{}）は個人事業のため回答できない旨の記述です（手引き2.の取扱いどおり）。", item.title, item.number),
                    ));
                }
                continue;
            }
            let which = if item.fields.len() > 1 {
                format!("の記述内容{}（{}）", field.index, short(&field.label))
            } else {
                String::new()
            };
            let because = blank_rejection(item);
            let mut finding = about(
                &REQUIRED_MISSING,
                answer,
                item.number,
                Some(field.index),
                format!(
                    "{}（{}: 必須開示項目）{which}が未記入です。手引き: 「{because}」",
                    item.title, item.number
                ),
            );
            // A field with no answer at all: point at the item's row or heading.
            if finding.at.is_none() {
                finding.at = answers.place(item.number).cloned();
            }
            findings.push(finding);
        }
    }
}

/// The 事業者 items of section 2, where an individual may say they cannot answer.
fn is_operator_item(item: &crate::catalog::Item) -> bool {
    item.section.first().is_some_and(|s| s.starts_with('2'))
}

fn is_individual_exemption(raw: &str) -> bool {
    let text = crate::text::fold(raw);
    text.contains("個人事業")
        && (text.contains("回答できない")
            || text.contains("回答不能")
            || text.contains("記入できない"))
}

fn short(label: &str) -> String {
    let cut: String = label.chars().take(24).collect();
    if cut.chars().count() < label.chars().count() {
        format!("{cut}…")
    } else {
        cut
    }
}

pub fn describe(catalog: &Catalog) -> Vec<RuleDescription> {
    vec![
        REQUIRED_MISSING.describe(catalog.numbers_where(|i| i.fields.iter().any(|f| f.required))),
        INDIVIDUAL_EXEMPTION.describe(
            catalog.numbers_where(|i| is_operator_item(i) && i.fields.iter().any(|f| f.required)),
        ),
    ]
}
