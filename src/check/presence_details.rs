//! A 「有り」 that stops short, a 「無し」 that goes on.
//!
//! Many items ask 「…の有無と、「有り」の場合は文書名」 (the catalog's
//! `detail_when_present`). A bare 「有り」 leaves out what the guide asks for; a 「無し」
//! followed by a document name or details contradicts itself. Both go to a reviewer.

use super::{RuleDescription, RuleUnit, about};
use crate::answers::Answers;
use crate::catalog::{Catalog, ValueKind};
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::{Value, detail_after_answer};

/// A bare 「有り」 where the field asks, when there is one, for what it is.
///
/// **Why:** the fields' own wording 「…の有無と、「有り」の場合は文書名」 (the catalog's
/// `detail_when_present`).
/// **Example:** item 29 answered 「有り」.
pub const PRESENT_WITHOUT_DETAIL: RuleUnit = RuleUnit {
    code: "present-without-detail",
    rule: Rule::Missing,
    severity: Severity::Review,
    description: "「有り」の場合に求められる内容（文書名、市場名、責任者名 等）が無い。",
};

/// A 「無し」 followed by a document's name or a concrete measure.
///
/// **Why:** the answer says both that there is none and what it is.
/// **Example:** 「無し（情報セキュリティ基本方針）」.
pub const ABSENT_WITH_DETAIL: RuleUnit = RuleUnit {
    code: "absent-with-detail",
    rule: Rule::Contradiction,
    severity: Severity::Review,
    description: "「無し」の後に文書名や具体的な内容が続いている。",
};

/// What may follow a 「無し」 without contradicting it: plans, reasons, 「該当なし」.
const HEDGES: &[&str] = &[
    "予定",
    "検討",
    "整備中",
    "準備中",
    "策定中",
    "今後",
    "ため",
    "無し",
    "なし",
    "ない",
    "該当",
    "未",
    "不要",
];

/// Words that name a document or a concrete measure.
const DETAILS: &[&str] = &[
    "規程",
    "規定",
    "方針",
    "マニュアル",
    "手順書",
    "要領",
    "基準",
    "契約書",
    "約款",
    "規約",
    "委員会",
    "部",
    "室",
    "文書名",
    "「",
    "『",
];

pub fn check(answers: &Answers, catalog: &Catalog, findings: &mut Vec<Finding>) {
    for item in &catalog.items {
        for field in item.fields.iter().filter(|f| f.kind == ValueKind::Presence) {
            let Some(detail) = field.detail_when_present.as_deref() else {
                continue;
            };
            let Some(answer) = answers.get(item.number, field.index) else {
                continue;
            };
            // An answer given per data centre is weighed centre by centre.
            let parts: Vec<(Option<&str>, &str, &Value)> = if answer.centres.is_empty() {
                vec![(None, answer.raw.as_str(), &answer.value)]
            } else {
                answer
                    .centres
                    .iter()
                    .map(|c| (c.centre.as_deref(), c.raw.as_str(), &c.value))
                    .collect()
            };
            for (centre, raw, value) in parts {
                let rest = detail_after_answer(raw);
                let whose = centre.map_or(String::new(), |c| format!("（{c}）"));
                let name = format!(
                    "{}（{}）の記述内容{}{whose}",
                    item.title, item.number, field.index
                );
                match value {
                    Value::Presence { present: true } if rest.chars().count() < 2 => findings.push(about(
                        &PRESENT_WITHOUT_DETAIL,
                        Some(answer),
                        item.number,
                        Some(field.index),
                        format!("{name}は「有り」ですが、「有り」の場合に求められる{detail}が記入されていません。"),
                    )),
                    Value::Presence { present: false }
                        if DETAILS.iter().any(|w| rest.contains(w)) && !HEDGES.iter().any(|w| rest.contains(w)) =>
                    {
                        findings.push(about(
                            &ABSENT_WITH_DETAIL,
                            Some(answer),
                            item.number,
                            Some(field.index),
                            format!("{name}は「無し」ですが、{detail}に当たる内容が続いています。"),
                        ))
                    }
                    _ => {}
                }
            }
        }
    }
}

pub fn describe(catalog: &Catalog) -> Vec<RuleDescription> {
    let items: Vec<u32> = catalog
        .items
        .iter()
        .filter(|i| {
            i.fields
                .iter()
                .any(|f| f.kind == ValueKind::Presence && f.detail_when_present.is_some())
        })
        .map(|i| i.number)
        .collect();
    vec![
        PRESENT_WITHOUT_DETAIL.describe(items.clone()),
        ABSENT_WITH_DETAIL.describe(items),
    ]
}
