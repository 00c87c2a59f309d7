//! The guide's explicit 非認定 conditions beyond a blank: answers that are filled in
//! and still fail the certification.
//!
//! - A field the catalog marks `reject_when = "absent"` answered 「無し」: item 29
//!   (「…文書類が無い場合は非認定となります。」) and item 131 (「障害発生時の通知を実施して
//!   いない場合は非認定となります。」 — 「但し、サービス利用者への影響が無い障害に限り…」,
//!   so an answer that invokes that exception goes to a reviewer instead).
//! - A field marked `reject_when = "denied"` answered 「否」: item 87
//!   (「証明書の提供ができない場合は非認定となります。」).
//! - Item 127: 「窓口（連絡先）を設置していない場合は非認定となります。」 — a contact field
//!   that says there is none; one that gives no telephone, address or URL goes to review.
//! - Item 130: 「事前告知を実施していない場合は非認定となります。」 — a notice period that
//!   says no notice is given.

use super::{RuleDescription, about, is_blank};
use crate::answers::{Answers, FieldResult};
use crate::catalog::{Catalog, Item, RejectWhen};
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::{Value, parse_presence};
use crate::text::fold;

const CONTACT_POINT: (u32, u32) = (127, 1);
const MAINTENANCE_NOTICE: (u32, u32) = (130, 1);
const FAILURE_NOTICE: u32 = 131;

pub fn check(answers: &Answers, catalog: &Catalog, findings: &mut Vec<Finding>) {
    for item in &catalog.items {
        for field in &item.fields {
            let Some(answer) = answers.get(item.number, field.index) else {
                continue;
            };
            let failed = matches!(
                (field.reject_when, &answer.value),
                (Some(RejectWhen::Absent), Value::Presence { present: false })
                    | (
                        Some(RejectWhen::Denied),
                        Value::Permission { allowed: false }
                    )
            );
            if !failed {
                continue;
            }
            let because = field.reject_because.as_deref().unwrap_or("");
            let invokes_exception =
                item.number == FAILURE_NOTICE && fold(&answer.raw).contains("影響");
            let (severity, note) = if invokes_exception {
                (
                    Severity::Review,
                    "利用者への影響が無い障害に限る例外に当たるか確認が必要です。",
                )
            } else {
                (Severity::Reject, "")
            };
            findings.push(about(
                Some(answer),
                item.number,
                Some(field.index),
                Rule::BelowThreshold,
                severity,
                format!(
                    "{}（{}）の記述内容{}が「{}」です。手引き: 「{because}」{note}",
                    item.title,
                    item.number,
                    field.index,
                    short_answer(answer)
                ),
            ));
        }
    }
    if let Some(item) = catalog.item(CONTACT_POINT.0)
        && let Some(answer) = answers
            .get(CONTACT_POINT.0, CONTACT_POINT.1)
            .filter(|a| !is_blank(&a.raw))
    {
        if parse_presence(&answer.raw) == Ok(false) || fold(&answer.raw).contains("設置していない")
        {
            findings.push(condition(
                item,
                answer,
                "設置していない",
                Severity::Reject,
                "連絡先（窓口）が無いとされています。",
            ));
        } else if !looks_like_contact(&answer.raw) {
            findings.push(condition(
                item,
                answer,
                "設置していない",
                Severity::Review,
                "連絡先に電話番号・メールアドレス・URLが見当たりません。",
            ));
        }
    }
    if let Some(item) = catalog.item(MAINTENANCE_NOTICE.0)
        && let Some(answer) = answers.get(MAINTENANCE_NOTICE.0, MAINTENANCE_NOTICE.1)
    {
        let text = fold(&answer.raw);
        let no_notice = parse_presence(&answer.raw) == Ok(false)
            || [
                "告知しない",
                "通知しない",
                "実施していない",
                "行わない",
                "事前告知なし",
                "事前告知は無",
            ]
            .iter()
            .any(|w| text.contains(w));
        if no_notice {
            findings.push(condition(
                item,
                answer,
                "事前告知を実施していない",
                Severity::Reject,
                "メンテナンス時の事前告知を行わないとされています。",
            ));
        }
    }
}

/// A finding for a condition the guide states in an item's 説明 (quoted from the
/// catalog's `reject_if`, found by a phrase in it).
fn condition(
    item: &Item,
    answer: &FieldResult,
    phrase: &str,
    severity: Severity,
    what: &str,
) -> Finding {
    let because = item
        .reject_if
        .iter()
        .find(|s| s.contains(phrase))
        .map_or("", String::as_str);
    about(
        Some(answer),
        item.number,
        Some(answer.index),
        Rule::BelowThreshold,
        severity,
        format!(
            "{}（{}）: {what} 手引き: 「{because}」",
            item.title, item.number
        ),
    )
}

fn looks_like_contact(raw: &str) -> bool {
    let text = crate::text::nfkc(raw);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 9
        || text.contains('@')
        || text.contains("http")
        || text.contains("www.")
        || text.contains("フォーム")
}

fn short_answer(answer: &FieldResult) -> String {
    crate::locate::excerpt(&answer.raw)
}

pub fn describe(catalog: &Catalog) -> Vec<RuleDescription> {
    let mut rules = Vec::new();
    for item in &catalog.items {
        for field in item.fields.iter().filter(|f| f.reject_when.is_some()) {
            rules.push(RuleDescription {
                id: format!("guide-condition-{}-{}", item.number, field.index),
                rule: Rule::BelowThreshold,
                severity: Severity::Reject,
                items: vec![item.number],
                description: format!(
                    "{}（{}）記述内容{}が「{}」。手引き「{}」",
                    item.title,
                    item.number,
                    field.index,
                    match field.reject_when {
                        Some(RejectWhen::Denied) => "否",
                        _ => "無し",
                    },
                    field.reject_because.as_deref().unwrap_or("")
                ),
            });
        }
    }
    rules.push(RuleDescription {
        id: "guide-condition-contact-point".into(),
        rule: Rule::BelowThreshold,
        severity: Severity::Reject,
        items: vec![CONTACT_POINT.0],
        description: "連絡先（127）が無い（reject）、または電話・メール・URLが見当たらない（review）。手引き「窓口（連絡先）を設置していない場合は非認定となります。」".into(),
    });
    rules.push(RuleDescription {
        id: "guide-condition-maintenance-notice".into(),
        rule: Rule::BelowThreshold,
        severity: Severity::Reject,
        items: vec![MAINTENANCE_NOTICE.0],
        description: "メンテナンス時の事前告知（130）を行わない。手引き「事前告知を実施していない場合は非認定となります。」".into(),
    });
    rules
}
