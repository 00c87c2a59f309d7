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

use super::{RuleDescription, RuleUnit, about, is_blank};
use crate::answers::{Answers, FieldResult};
use crate::catalog::{Catalog, Item, RejectWhen};
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::{Value, parse_presence};
use crate::text::fold;

/// A field the catalog marks `reject_when` answered 「無し」 (`absent`) or 「否」
/// (`denied`): the guide's own 非認定 condition for that field.
///
/// **Why:** item 29 「…文書類が無い場合は非認定となります。」, item 87 「証明書の提供が
/// できない場合は非認定となります。」, item 131 「障害発生時の通知を実施していない場合は
/// 非認定となります。」
/// **Example:** item 29 answered 「無し」.
pub const GUIDE_CONDITION: RuleUnit = RuleUnit {
    code: "guide-condition",
    rule: Rule::BelowThreshold,
    severity: Severity::Reject,
    description: "手引きが非認定とする回答（情報セキュリティ規程等が「無し」(29)、消去証明書の提供が「否」(87)、障害発生時の通知が「無し」(131)）。",
};

/// Item 131 answered 「無し」 with the guide's own exception invoked: for a reviewer.
///
/// **Why:** 「但し、サービス利用者への影響が無い障害に限り、通知を実施しない場合も
/// 認めます。」
/// **Example:** 「無し（利用者への影響が無い障害のみ）」.
pub const FAILURE_NOTICE_EXCEPTION: RuleUnit = RuleUnit {
    code: "failure-notice-exception",
    rule: Rule::BelowThreshold,
    severity: Severity::Review,
    description: "障害発生時の通知（131）が「無し」で、利用者への影響が無い障害に限る例外を挙げている。例外に当たるかは審査員が確認する。",
};

/// Item 127 says there is no contact point.
///
/// **Why:** 「窓口（連絡先）を設置していない場合は非認定となります。」
/// **Example:** 127 answered 「無し」.
pub const NO_CONTACT_POINT: RuleUnit = RuleUnit {
    code: "no-contact-point",
    rule: Rule::BelowThreshold,
    severity: Severity::Reject,
    description: "連絡先（127）が無い。手引き「窓口（連絡先）を設置していない場合は非認定となります。」",
};

/// Item 127 answered with no telephone number, e-mail address or URL in it.
///
/// **Why:** the same condition; an answer that gives no way to reach anyone may be none.
/// **Example:** 127 answered 「営業部」.
pub const CONTACT_POINT_UNCLEAR: RuleUnit = RuleUnit {
    code: "contact-point-unclear",
    rule: Rule::BelowThreshold,
    severity: Severity::Review,
    description: "連絡先（127）に電話番号・メールアドレス・URLが見当たらない。",
};

/// Item 130 says no advance notice of maintenance is given.
///
/// **Why:** 「事前告知を実施していない場合は非認定となります。」
/// **Example:** 130 answered 「事前告知は行わない」.
pub const NO_MAINTENANCE_NOTICE: RuleUnit = RuleUnit {
    code: "no-maintenance-notice",
    rule: Rule::BelowThreshold,
    severity: Severity::Reject,
    description: "メンテナンス時の事前告知（130）を行わない。手引き「事前告知を実施していない場合は非認定となります。」",
};

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
            let (unit, note) = if invokes_exception {
                (
                    &FAILURE_NOTICE_EXCEPTION,
                    "利用者への影響が無い障害に限る例外に当たるか確認が必要です。",
                )
            } else {
                (&GUIDE_CONDITION, "")
            };
            findings.push(about(
                unit,
                Some(answer),
                item.number,
                Some(field.index),
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
                &NO_CONTACT_POINT,
                item,
                answer,
                "設置していない",
                "連絡先（窓口）が無いとされています。",
            ));
        } else if !looks_like_contact(&answer.raw) {
            findings.push(condition(
                &CONTACT_POINT_UNCLEAR,
                item,
                answer,
                "設置していない",
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
                &NO_MAINTENANCE_NOTICE,
                item,
                answer,
                "事前告知を実施していない",
                "メンテナンス時の事前告知を行わないとされています。",
            ));
        }
    }
}

/// A finding for a condition the guide states in an item's 説明 (quoted from the
/// catalog's `reject_if`, found by a phrase in it).
fn condition(
    unit: &RuleUnit,
    item: &Item,
    answer: &FieldResult,
    phrase: &str,
    what: &str,
) -> Finding {
    let because = item
        .reject_if
        .iter()
        .find(|s| s.contains(phrase))
        .map_or("", String::as_str);
    about(
        unit,
        Some(answer),
        item.number,
        Some(answer.index),
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
    crate::text::excerpt(&answer.raw, crate::text::QUOTE_CHARS)
}

pub fn describe(catalog: &Catalog) -> Vec<RuleDescription> {
    let conditioned: Vec<u32> = catalog
        .items
        .iter()
        .filter(|i| i.fields.iter().any(|f| f.reject_when.is_some()))
        .map(|i| i.number)
        .collect();
    vec![
        GUIDE_CONDITION.describe(conditioned),
        FAILURE_NOTICE_EXCEPTION.describe(vec![FAILURE_NOTICE]),
        NO_CONTACT_POINT.describe(vec![CONTACT_POINT.0]),
        CONTACT_POINT_UNCLEAR.describe(vec![CONTACT_POINT.0]),
        NO_MAINTENANCE_NOTICE.describe(vec![MAINTENANCE_NOTICE.0]),
    ]
}
