//! Renewal applications (更新申請): what the answers say against the application before
//! them.
//!
//! A certification lasts two years; the renewal repeats most of the previous answers.
//! These rules see both applications' typed answers (and the catalog) and ask what a
//! reviewer asks of a renewal: is the disclosure dated anew, are the financial data the
//! latest, was a measure withdrawn, was a required answer dropped, and did anything move
//! a long way. `kaiji diff` runs them on every pair.

use super::cross_items::{data_centres, date_of, is_after, number_of, presence_of};
use super::{RuleDescription, RuleUnit, about, blank_rejection, is_blank};
use crate::answers::{Answers, FieldResult};
use crate::catalog::{Catalog, Item, ValueKind};
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::Value;
use crate::text::{QUOTE_CHARS, excerpt, fold};
use std::collections::BTreeSet;

/// 開示情報の日付 (1) not later than the previous application's.
///
/// **Why:** 手引き 2.1 (1): 「申請に伴い記入される審査対象項目の全てについて、申請者が情報開示
/// していることを確認した年月日を西暦で記述してください。基本的には申請日現在で貴社が情報開示
/// されている内容に基づいて申請してください。」 A renewal confirms its answers anew, so its date
/// comes after the previous one.
/// **Example:** 2024-06-01 before, 2024-06-01 again now.
pub const DISCLOSURE_DATE_NOT_LATER: RuleUnit = RuleUnit {
    code: "disclosure-date-not-later",
    rule: Rule::Renewal,
    severity: Severity::Review,
    description: "開示情報の日付（1）が前回の申請の日付より後になっていない。手引き2.1「申請日現在で貴社が情報開示されている内容に基づいて申請してください。」",
};

/// A financial figure (売上高, 経常利益, 資本金, the ratios: the fields asked with their
/// 決算期) under the same 決算期 as before.
///
/// **Why:** 手引き 2.4 (1): 「財務データは、株主総会で承認された直近のものを用いてください。」
/// and for each figure 「直近決算期の…を記述してください。また、決算期も記述してください。」
/// Two years on, the latest 決算期 is a later one.
/// **Example:** 売上高 「12億円（2024年3月期）」 before and now.
pub const FINANCIAL_PERIOD_UNCHANGED: RuleUnit = RuleUnit {
    code: "financial-period-unchanged",
    rule: Rule::Renewal,
    severity: Severity::Review,
    description: "財務データ（売上高、経常利益、資本金、比率）の決算期が前回の申請と同じ。手引き2.4「財務データは、株主総会で承認された直近のものを用いてください。」",
};

/// A financial figure identical to the previous one under a newer 決算期: the figure
/// carried over, the period alone updated.
///
/// **Why:** the same words of the guide; a figure of the latest 決算期 that equals the one
/// two years before, to the yen or the hundredth, is most often copied.
/// **Example:** 「12億円（2024年3月期）」 before, 「12億円（2026年3月期）」 now.
pub const FINANCIAL_FIGURE_CARRIED_OVER: RuleUnit = RuleUnit {
    code: "financial-figure-carried-over",
    rule: Rule::Renewal,
    severity: Severity::Review,
    description: "財務データの数値が前回の申請と同じで、決算期だけが新しい。直近決算期の数値か確認する。",
};

/// A measure disclosed as 有り before and 無し now: a security, backup, monitoring or
/// facility measure withdrawn.
///
/// **Why:** 手引き 1.1): 「対策や措置を実施していない場合、「無し」と記述しても非認定とは
/// なりません。」 — so the answer passes by itself, and only the comparison shows that the
/// service now does less than it disclosed two years before.
/// **Example:** 障害監視（95） 「有り」 before, 「無し」 now.
pub const MEASURE_WITHDRAWN: RuleUnit = RuleUnit {
    code: "measure-withdrawn",
    rule: Rule::Renewal,
    severity: Severity::Review,
    description: "前回の申請で「有り」と開示した対策・措置（セキュリティ、バックアップ、監視、設備 等）が「無し」になっている。",
};

/// A required field answered before and blank now: the usual reject, shown with the
/// previous answer.
///
/// **Why:** 手引き 1.1) 「必須開示項目に未記入の項目がある場合は、非認定となります。」
/// **Example:** 売上高（9） answered before, 「－」 now.
pub const REQUIRED_ANSWER_DROPPED: RuleUnit = RuleUnit {
    code: "required-answer-dropped",
    rule: Rule::Missing,
    severity: Severity::Reject,
    description: "前回の申請で記入されていた必須開示項目（必須の記述内容）が未記入。手引き1.1)「必須開示項目に未記入の項目がある場合は、非認定となります。」前回の記入内容を示す。",
};

/// サービス稼働率の実績値 (77.2) lower than before.
///
/// **Why:** 手引き item 77: 「更新申請時は、直近1年間の稼働率実績値をご記入ください。」 A lower
/// figure is no fault, but a reviewer should see it.
/// **Example:** 99.99% before, 99.5% now.
pub const AVAILABILITY_DOWN: RuleUnit = RuleUnit {
    code: "availability-actual-down",
    rule: Rule::Renewal,
    severity: Severity::Info,
    description: "サービス稼働率の実績値（77 記述内容2）が前回の申請より下がっている。",
};

/// 従業員数 (8) or 契約者数 (91) changed by more than half.
///
/// **Why:** a large move in the operator's size or the service's use is what a reviewer
/// of a renewal looks at first; it may also be a unit or digit written wrong.
/// **Example:** 120名 before, 40名 now.
pub const COUNT_MOVED: RuleUnit = RuleUnit {
    code: "count-moved-by-half",
    rule: Rule::Renewal,
    severity: Severity::Info,
    description: "従業員数（8）または契約者数（91）が前回の申請から半分を超えて増減している。",
};

/// A data centre added or gone: the number of data centres (93) or the centres named
/// (111) differ from before.
///
/// **Why:** the items of 3.6 ハウジング are answered for every data centre; a centre added
/// or given up changes all of them.
/// **Example:** 「東日本DC、西日本DC」 before, 「東日本DC」 now.
pub const DATA_CENTERS_CHANGED: RuleUnit = RuleUnit {
    code: "data-centers-changed",
    rule: Rule::Renewal,
    severity: Severity::Info,
    description: "使用データセンター（93、111）が前回の申請から増えた、または減った。",
};

/// The sections whose 有り／無し fields disclose a measure (a rule, a control, a
/// facility), rather than a fact such as a listing (15) or a device offered (62).
const MEASURE_SECTIONS: &[(&str, Option<&str>)] = &[
    ("2.6", None),
    ("3.4", Some("(1)")),
    ("3.4", Some("(2)")),
    ("3.4", Some("(3)")),
    ("3.5", None),
    ("3.6", None),
    ("3.7", Some("(2)")),
];

/// Fields whose number a reviewer watches for a move of more than half.
const WATCHED_COUNTS: [(u32, u32); 2] = [(8, 1), (91, 1)];
const AVAILABILITY_ACTUAL: (u32, u32) = (77, 2);
const DISCLOSURE_DATE: (u32, u32) = (1, 1);
const DATA_CENTER_COUNT: (u32, u32) = (93, 1);
const DATA_CENTER_NAMES: (u32, u32) = (111, 1);

fn is_measure(item: &Item) -> bool {
    MEASURE_SECTIONS.iter().any(|(major, minor)| {
        item.section.first().is_some_and(|s| s.starts_with(major))
            && minor.is_none_or(|m| item.section.get(1).is_some_and(|s| s.starts_with(m)))
    })
}

/// Runs every renewal rule on the answers of a previous application and its renewal.
pub fn check(
    previous: &Answers,
    current: &Answers,
    catalog: &Catalog,
    findings: &mut Vec<Finding>,
) {
    disclosure_date(previous, current, findings);
    for item in &catalog.items {
        for field in &item.fields {
            let (before, after) = (
                previous.get(item.number, field.index),
                current.get(item.number, field.index),
            );
            let name = field_name(item, field.index);
            if field.with_period {
                financial(before, after, item.number, field.index, &name, findings);
            }
            if field.kind == ValueKind::Presence
                && is_measure(item)
                && presence_of(before) == Some(true)
                && presence_of(after) == Some(false)
            {
                findings.push(about(
                    &MEASURE_WITHDRAWN,
                    after,
                    item.number,
                    Some(field.index),
                    format!(
                        "{name}が、前回の申請の「{}」から「無し」になっています。対策・措置を取りやめたのか確認してください。",
                        quoted(before)
                    ),
                ));
            }
            if field.required
                && before.is_some_and(|b| !is_blank(&b.raw))
                && after.is_none_or(|a| is_blank(&a.raw))
            {
                let because = blank_rejection(item);
                let mut finding = about(
                    &REQUIRED_ANSWER_DROPPED,
                    before,
                    item.number,
                    Some(field.index),
                    format!(
                        "{name}（必須開示項目）が未記入です。前回の申請では「{}」と記入されていました。手引き: 「{because}」",
                        quoted(before)
                    ),
                );
                // Where the blank is, in this file; the quote is the previous answer.
                finding.at = after.map(|a| a.at.clone());
                findings.push(finding);
            }
        }
    }
    large_moves(previous, current, findings);
}

fn disclosure_date(previous: &Answers, current: &Answers, findings: &mut Vec<Finding>) {
    let (item, field) = DISCLOSURE_DATE;
    let (before, after) = (previous.get(item, field), current.get(item, field));
    if let (Some(old), Some(new)) = (date_of(before), date_of(after))
        && !is_after(new, old)
    {
        findings.push(about(
            &DISCLOSURE_DATE_NOT_LATER,
            after,
            item,
            Some(field),
            format!(
                "開示情報の日付（1）が {new} で、前回の申請の {old} より後になっていません。更新申請では、申請日現在の開示内容を確認した日付を記入します。"
            ),
        ));
    }
}

fn financial(
    before: Option<&FieldResult>,
    after: Option<&FieldResult>,
    item: u32,
    field: u32,
    name: &str,
    findings: &mut Vec<Finding>,
) {
    let (Some(old), Some(new)) = (before, after) else {
        return;
    };
    let (Some(old_period), Some(new_period)) = (period(&old.value), period(&new.value)) else {
        return;
    };
    if new_period == old_period {
        findings.push(about(
            &FINANCIAL_PERIOD_UNCHANGED,
            after,
            item,
            Some(field),
            format!(
                "{name}の決算期（{new_period}）が前回の申請と同じです。株主総会で承認された直近の決算期のものか確認してください。"
            ),
        ));
    } else if new_period > old_period && same_figure(&old.value, &new.value) {
        findings.push(about(
            &FINANCIAL_FIGURE_CARRIED_OVER,
            after,
            item,
            Some(field),
            format!(
                "{name}の数値が前回の申請（{old_period}期）と同じで、決算期（{new_period}）だけが新しくなっています。直近決算期の数値か確認してください。"
            ),
        ));
    }
}

/// The fiscal period written beside a figure.
fn period(value: &Value) -> Option<&str> {
    match value {
        Value::Money { period, .. }
        | Value::Percent { period, .. }
        | Value::Number { period, .. } => period.as_deref(),
        _ => None,
    }
}

/// The same figure, whatever its period.
fn same_figure(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Money { yen: x, .. }, Value::Money { yen: y, .. }) => x == y,
        (Value::Percent { percent: x, .. }, Value::Percent { percent: y, .. }) => x == y,
        (Value::Number { number: x, .. }, Value::Number { number: y, .. }) => x == y,
        _ => false,
    }
}

fn large_moves(previous: &Answers, current: &Answers, findings: &mut Vec<Finding>) {
    let (item, field) = AVAILABILITY_ACTUAL;
    let (before, after) = (previous.get(item, field), current.get(item, field));
    if let (Some(old), Some(new)) = (number_of(before), number_of(after))
        && new < old
    {
        findings.push(about(
            &AVAILABILITY_DOWN,
            after,
            item,
            Some(field),
            format!(
                "サービス稼働率の実績値（77）が、前回の申請の「{}」から「{}」に下がっています。",
                quoted(before),
                quoted(after)
            ),
        ));
    }
    for (item, field) in WATCHED_COUNTS {
        let (before, after) = (previous.get(item, field), current.get(item, field));
        if let (Some(old), Some(new)) = (number_of(before), number_of(after))
            && old > 0.0
            && (new - old).abs() > old / 2.0
        {
            let title = if item == 8 {
                "従業員数"
            } else {
                "契約者数"
            };
            findings.push(about(
                &COUNT_MOVED,
                after,
                item,
                Some(field),
                format!(
                    "{title}（{item}）が、前回の申請の「{}」から「{}」へ、半分を超えて変わっています。",
                    quoted(before),
                    quoted(after)
                ),
            ));
        }
    }
    data_centers(previous, current, findings);
}

fn data_centers(previous: &Answers, current: &Answers, findings: &mut Vec<Finding>) {
    let (count_item, count_field) = DATA_CENTER_COUNT;
    let counts = (
        number_of(previous.get(count_item, count_field)),
        number_of(current.get(count_item, count_field)),
    );
    let (item, field) = DATA_CENTER_NAMES;
    let (before, after) = (previous.get(item, field), current.get(item, field));
    let centres = |answer: Option<&FieldResult>| -> BTreeSet<String> {
        answer.map_or_else(BTreeSet::new, |a| {
            data_centres(&a.raw)
                .iter()
                .map(|e| centre_name(e))
                .collect()
        })
    };
    let (old, new) = (centres(before), centres(after));
    let named = !old.is_empty() && !new.is_empty();
    let added: Vec<&String> = if named {
        new.difference(&old).collect()
    } else {
        Vec::new()
    };
    let gone: Vec<&String> = if named {
        old.difference(&new).collect()
    } else {
        Vec::new()
    };
    let recount = matches!(counts, (Some(a), Some(b)) if a != b);
    if added.is_empty() && gone.is_empty() && !recount {
        return;
    }
    let mut what = Vec::new();
    if let (true, (Some(a), Some(b))) = (recount, counts) {
        what.push(format!("使用データセンターの数（93）が {a} から {b} に"));
    }
    let list = |names: &[&String]| {
        names
            .iter()
            .map(|n| format!("「{n}」"))
            .collect::<Vec<_>>()
            .join("、")
    };
    if !added.is_empty() {
        what.push(format!("{}が加わり", list(&added)));
    }
    if !gone.is_empty() {
        what.push(format!("{}が無くなり", list(&gone)));
    }
    let mut finding = about(
        &DATA_CENTERS_CHANGED,
        after.or(current.get(count_item, count_field)),
        item,
        Some(field),
        format!("前回の申請から、{}ました。", what.join("、")),
    );
    finding.related = vec![count_item];
    findings.push(finding);
}

/// A data centre's name as the entry writes it, before its description:
/// 「東京DC（江東区、2005年開設）」 is 「東京dc」.
fn centre_name(entry: &str) -> String {
    let name = entry
        .split(['(', '（', ':', '：'])
        .next()
        .map(fold)
        .unwrap_or_default();
    if name.is_empty() { fold(entry) } else { name }
}

/// The field as messages name it: 「売上高（9）」, 「守秘義務契約（24）の記述内容2」.
fn field_name(item: &Item, field: u32) -> String {
    if item.fields.len() > 1 {
        format!("{}（{}）の記述内容{field}", item.title, item.number)
    } else {
        format!("{}（{}）", item.title, item.number)
    }
}

fn quoted(answer: Option<&FieldResult>) -> String {
    answer.map_or_else(String::new, |a| excerpt(&a.raw, QUOTE_CHARS))
}

pub fn describe(catalog: &Catalog) -> Vec<RuleDescription> {
    vec![
        DISCLOSURE_DATE_NOT_LATER.describe(vec![DISCLOSURE_DATE.0]),
        FINANCIAL_PERIOD_UNCHANGED
            .describe(catalog.numbers_where(|i| i.fields.iter().any(|f| f.with_period))),
        FINANCIAL_FIGURE_CARRIED_OVER
            .describe(catalog.numbers_where(|i| i.fields.iter().any(|f| f.with_period))),
        MEASURE_WITHDRAWN.describe(catalog.numbers_where(|i| {
            is_measure(i) && i.fields.iter().any(|f| f.kind == ValueKind::Presence)
        })),
        REQUIRED_ANSWER_DROPPED
            .describe(catalog.numbers_where(|i| i.fields.iter().any(|f| f.required))),
        AVAILABILITY_DOWN.describe(vec![AVAILABILITY_ACTUAL.0]),
        COUNT_MOVED.describe(WATCHED_COUNTS.iter().map(|(item, _)| *item).collect()),
        DATA_CENTERS_CHANGED.describe(vec![DATA_CENTER_COUNT.0, DATA_CENTER_NAMES.0]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pipeline::answered as answers;

    /// The codes the rules raise, with item and field, for answers before and now.
    fn fired(before: &[(u32, u32, &str)], after: &[(u32, u32, &str)]) -> Vec<(String, u32, u32)> {
        let (old, new) = (answers(before), answers(after));
        let mut findings = Vec::new();
        check(
            &Answers::new(&old),
            &Answers::new(&new),
            Catalog::builtin(),
            &mut findings,
        );
        findings
            .into_iter()
            .map(|f| (f.code, f.item.unwrap_or(0), f.field.unwrap_or(0)))
            .collect()
    }

    fn codes(fired: &[(String, u32, u32)]) -> Vec<&str> {
        fired.iter().map(|(c, _, _)| c.as_str()).collect()
    }

    #[test]
    fn a_disclosure_date_not_later_than_before() {
        let before = [(1, 1, "2024年6月1日")];
        assert_eq!(
            codes(&fired(&before, &[(1, 1, "2024/6/1")])),
            ["disclosure-date-not-later"]
        );
        assert_eq!(
            codes(&fired(&before, &[(1, 1, "2024/5/1")])),
            ["disclosure-date-not-later"]
        );
        assert!(fired(&before, &[(1, 1, "2026年6月1日")]).is_empty());
        // No date to compare: nothing said.
        assert!(fired(&before, &[(1, 1, "近日")]).is_empty());
    }

    #[test]
    fn financial_data_of_the_same_period_or_copied_under_a_newer_one() {
        let before = [
            (9, 1, "12億円（2024年3月期）"),
            (12, 1, "48.6%（2024年3月期）"),
        ];
        assert_eq!(
            fired(
                &before,
                &[
                    (9, 1, "1,200,000千円（2024年3月期）"),
                    (12, 1, "50.1%（2026年3月期）")
                ]
            ),
            [("financial-period-unchanged".to_string(), 9, 1)]
        );
        assert_eq!(
            fired(
                &before,
                &[
                    (9, 1, "13億円（2026年3月期）"),
                    (12, 1, "48.6%（2026年3月期）")
                ]
            ),
            [("financial-figure-carried-over".to_string(), 12, 1)]
        );
        // New figures of a newer period, or no period written: nothing.
        assert!(
            fired(
                &before,
                &[
                    (9, 1, "13億円（2026年3月期）"),
                    (12, 1, "50%（2026年3月期）")
                ]
            )
            .is_empty()
        );
        assert!(fired(&[(9, 1, "12億円")], &[(9, 1, "12億円")]).is_empty());
    }

    #[test]
    fn a_measure_withdrawn_but_not_a_fact_that_changed() {
        assert_eq!(
            fired(&[(95, 1, "有り")], &[(95, 1, "無し")]),
            [("measure-withdrawn".to_string(), 95, 1)]
        );
        assert_eq!(
            codes(&fired(
                &[(124, 2, "有り（24時間、90日保存）")],
                &[(124, 2, "無")]
            )),
            ["measure-withdrawn"]
        );
        // Delisting (15) and no device offered (62) are facts, not measures.
        assert!(fired(&[(15, 1, "有り（東証プライム）")], &[(15, 1, "無し")]).is_empty());
        assert!(fired(&[(62, 1, "有り（ゲートウェイ）")], &[(62, 1, "無し")]).is_empty());
        // A measure taken up is no finding.
        assert!(fired(&[(95, 1, "無し")], &[(95, 1, "有り")]).is_empty());
    }

    #[test]
    fn a_required_answer_dropped_is_rejected_with_the_previous_answer() {
        let (old, new) = (
            answers(&[(9, 1, "12億円（2024年3月期）"), (10, 1, "1億円")]),
            answers(&[(9, 1, "－")]),
        );
        let mut findings = Vec::new();
        check(
            &Answers::new(&old),
            &Answers::new(&new),
            Catalog::builtin(),
            &mut findings,
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        let finding = &findings[0];
        assert_eq!(
            (finding.code.as_str(), finding.severity),
            ("required-answer-dropped", Severity::Reject)
        );
        assert_eq!(finding.quote.as_deref(), Some("12億円（2024年3月期）"));
        assert!(
            finding
                .message
                .contains("前回の申請では「12億円（2024年3月期）」")
        );
        // An optional answer dropped (10) is a change, no finding; a blank before is not dropped.
        assert!(fired(&[(9, 1, "－")], &[]).is_empty());
    }

    #[test]
    fn large_moves_are_shown_for_information() {
        assert_eq!(
            codes(&fired(&[(77, 2, "99.99%")], &[(77, 2, "99.5%")])),
            ["availability-actual-down"]
        );
        assert!(fired(&[(77, 2, "99.5%")], &[(77, 2, "99.99%")]).is_empty());
        assert_eq!(
            codes(&fired(&[(8, 1, "120名")], &[(8, 1, "40名")])),
            ["count-moved-by-half"]
        );
        assert_eq!(
            codes(&fired(&[(91, 1, "100社")], &[(91, 1, "151社")])),
            ["count-moved-by-half"]
        );
        assert!(fired(&[(8, 1, "120名")], &[(8, 1, "150名")]).is_empty());
        assert!(fired(&[(91, 1, "100社")], &[(91, 1, "150社")]).is_empty());
    }

    #[test]
    fn a_data_centre_added_or_gone() {
        let before = [
            (93, 1, "2拠点"),
            (111, 1, "東日本DC（東京都）\n西日本DC（大阪府）"),
        ];
        assert_eq!(
            codes(&fired(
                &before,
                &[(93, 1, "1拠点"), (111, 1, "東日本DC（東京都江東区）")]
            )),
            ["data-centers-changed"]
        );
        assert_eq!(
            codes(&fired(
                &before,
                &[
                    (93, 1, "2拠点"),
                    (111, 1, "東日本DC（東京都）\n九州DC（福岡県）")
                ]
            )),
            ["data-centers-changed"]
        );
        // The same centres, described otherwise.
        assert!(
            fired(
                &before,
                &[
                    (93, 1, "2拠点"),
                    (111, 1, "東日本ＤＣ（東京都、Tier3）、西日本DC（大阪府）")
                ]
            )
            .is_empty()
        );
    }
}
