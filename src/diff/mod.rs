//! Diff: what a renewal application (更新申請) changed since the application before it.
//!
//! A certification lasts two years, and a renewal repeats most of the previous answers.
//! [`compare`] lists, field by field, what was added, removed or changed, and what was
//! only written otherwise (`respelled`: the same typed value, 2024/4/1 → 2024年4月1日,
//! 1,234千円 → 1,234,000円); the fields left as they were are only counted. It is a pure
//! function of the two results' answers and the catalog, so both sides may come from any
//! format and any edition the locator reads. [`pair`] adds the renewal rules
//! (`check::renewal`) and makes the contract's object for one pair.

pub mod pairing;

use crate::answers::{Answers, FieldResult, ItemResult};
use crate::catalog::{Catalog, ValueKind};
use crate::check;
use crate::findings::{Finding, Verdict};
use crate::ingest::IngestError;
use crate::model::Location;
use crate::normalize::{Value, detail_after_answer};
use crate::pipeline::{DocumentResult, Outcome, SCHEMA, Source};
use crate::text::fold;
use serde::Serialize;

pub use pairing::PairedBy;

/// The contract's `change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Answered now, not before.
    Added,
    /// Answered before, not now.
    Removed,
    /// Answered both times, differently.
    Changed,
    /// The same typed value, written otherwise: listed, but raising no finding.
    Respelled,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Respelled => "respelled",
        }
    }
}

/// One side of a change: the answer as written and as typed, and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub raw: String,
    pub value: Value,
    pub at: Location,
}

impl Side {
    fn of(answer: &FieldResult) -> Side {
        Side {
            raw: answer.raw.clone(),
            value: answer.value.clone(),
            at: answer.at.clone(),
        }
    }
}

/// One field that differs between the two applications.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub item: u32,
    pub field: u32,
    pub change: ChangeKind,
    /// Absent for an `added` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Side>,
    /// Absent for a `removed` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Side>,
}

/// How many fields of each kind; `unchanged` are the fields answered alike both times,
/// which `changes` does not list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub respelled: usize,
    pub unchanged: usize,
}

/// What differs between two applications' answers.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub counts: Counts,
}

/// Every field of either application, in item and field order: listed when it was
/// added, removed, changed or respelled, counted when it is unchanged.
pub fn compare(previous: &[ItemResult], current: &[ItemResult], catalog: &Catalog) -> Comparison {
    let (before, after) = (Answers::new(previous), Answers::new(current));
    let keys: std::collections::BTreeSet<(u32, u32)> = before
        .all()
        .map(|(key, _)| key)
        .chain(after.all().map(|(key, _)| key))
        .collect();
    let mut comparison = Comparison::default();
    for (item, field) in keys {
        let (old, new) = (before.get(item, field), after.get(item, field));
        let kind = catalog
            .item(item)
            .and_then(|i| i.field(field))
            .map_or(ValueKind::Text, |f| f.kind);
        let change = match (old, new) {
            (Some(_), None) => ChangeKind::Removed,
            (None, Some(_)) => ChangeKind::Added,
            (Some(old), Some(new)) if layout_free(&old.raw) == layout_free(&new.raw) => {
                comparison.counts.unchanged += 1;
                continue;
            }
            (Some(old), Some(new)) if same_answer(kind, old, new) => ChangeKind::Respelled,
            (Some(_), Some(_)) => ChangeKind::Changed,
            (None, None) => continue,
        };
        let counter = match change {
            ChangeKind::Added => &mut comparison.counts.added,
            ChangeKind::Removed => &mut comparison.counts.removed,
            ChangeKind::Changed => &mut comparison.counts.changed,
            ChangeKind::Respelled => &mut comparison.counts.respelled,
        };
        *counter += 1;
        comparison.changes.push(Change {
            item,
            field,
            change,
            before: old.map(Side::of),
            after: new.map(Side::of),
        });
    }
    comparison
}

/// The answer without its layout: a writer's line breaks and the spaces around them
/// (a PDF of last year's workbook wraps where the cell did not) are no change.
fn layout_free(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether two differently written answers say the same: the same text in other widths
/// or case (ＩＳＭＳ → ISMS), or the same typed value. A yes/no answer says more than its
/// value (「有り（情報セキュリティ基本方針）」), so its words after 有り／無し must agree too.
fn same_answer(kind: ValueKind, old: &FieldResult, new: &FieldResult) -> bool {
    if fold(&old.raw) == fold(&new.raw) {
        return true;
    }
    let yes_no = matches!(kind, ValueKind::Presence | ValueKind::Permission);
    let same = |(a, a_raw): (&Value, &str), (b, b_raw): (&Value, &str)| {
        same_value(a, b) && (!yes_no || detail_after_answer(a_raw) == detail_after_answer(b_raw))
    };
    if old.centres.is_empty() && new.centres.is_empty() {
        return same((&old.value, &old.raw), (&new.value, &new.raw));
    }
    old.centres.len() == new.centres.len()
        && old.centres.iter().zip(&new.centres).all(|(a, b)| {
            a.centre.as_deref().map(fold) == b.centre.as_deref().map(fold)
                && (fold(&a.raw) == fold(&b.raw) || same((&a.value, &a.raw), (&b.value, &b.raw)))
        })
}

/// The same typed value; a count written once with its unit and once without (a typed
/// cell 「1,284」, a text 「1,284名」) is the same count.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Text, _) | (_, Value::Text) => false,
        (
            Value::Number {
                number: x,
                unit: u,
                period: p,
            },
            Value::Number {
                number: y,
                unit: v,
                period: q,
            },
        ) => x == y && p == q && (u == v || u.is_none() || v.is_none()),
        _ => a == b,
    }
}

/// The contract's `pairing`: how the two applications were found to be one service's,
/// or that one has no partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pairing {
    /// The two files were named on the command line.
    Given,
    /// By 事業者名 (item 2) together with サービス名称 (item 34).
    Names,
    /// By the file name without its extension.
    FileName,
    /// No previous application: a new one.
    New,
    /// No current application: withdrawn (or not yet renewed).
    Withdrawn,
}

impl From<PairedBy> for Pairing {
    fn from(by: PairedBy) -> Pairing {
        match by {
            PairedBy::Given => Pairing::Given,
            PairedBy::Names => Pairing::Names,
            PairedBy::FileName => Pairing::FileName,
        }
    }
}

/// A side that could not be read, so that nothing could be compared.
#[derive(Debug, Clone, Serialize)]
pub struct SideError {
    /// `previous` or `current`.
    pub side: &'static str,
    #[serde(flatten)]
    pub error: IngestError,
}

/// The contract's object for one pair (`kaiji diff`).
#[derive(Debug, Clone, Serialize)]
pub struct PairResult {
    pub schema: &'static str,
    pub pairing: Pairing,
    /// `null` for a new application.
    pub previous: Option<Source>,
    /// `null` for a withdrawn application.
    pub current: Option<Source>,
    pub changes: Vec<Change>,
    pub counts: Counts,
    /// The renewal rules' findings (`kaiji rules`, family `renewal`, and the blank
    /// required answer that was answered before).
    pub findings: Vec<Finding>,
    /// The worst severity of `findings`; absent when a side could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SideError>,
}

/// The object for one pair, a new application (no `previous`) or a withdrawn one (no
/// `current`): the changes between the two results' answers and the renewal rules'
/// findings.
pub fn pair(
    previous: Option<&Outcome>,
    current: Option<&Outcome>,
    pairing: Pairing,
    catalog: &Catalog,
) -> PairResult {
    let mut result = PairResult {
        schema: SCHEMA,
        pairing,
        previous: previous.map(|o| o.source().clone()),
        current: current.map(|o| o.source().clone()),
        changes: Vec::new(),
        counts: Counts::default(),
        findings: Vec::new(),
        verdict: None,
        errors: Vec::new(),
    };
    for (side, outcome) in [("previous", previous), ("current", current)] {
        if let Some(Outcome::Error(e)) = outcome {
            result.errors.push(SideError {
                side,
                error: e.error.clone(),
            });
        }
    }
    if !result.errors.is_empty() {
        return result;
    }
    if let (Some(Outcome::Document(before)), Some(Outcome::Document(after))) = (previous, current) {
        let comparison = compare(&before.items, &after.items, catalog);
        result.changes = comparison.changes;
        result.counts = comparison.counts;
        result.findings = renewal_findings(before, after, catalog);
    }
    result.verdict = Some(Verdict::of(&result.findings));
    result
}

fn renewal_findings(
    before: &DocumentResult,
    after: &DocumentResult,
    catalog: &Catalog,
) -> Vec<Finding> {
    check::renewal(
        &Answers::new(&before.items),
        &Answers::new(&after.items),
        catalog,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pipeline::answered as answers;

    fn kinds(
        before: &[(u32, u32, &str)],
        after: &[(u32, u32, &str)],
    ) -> Vec<(u32, u32, &'static str)> {
        compare(&answers(before), &answers(after), Catalog::builtin())
            .changes
            .iter()
            .map(|c| (c.item, c.field, c.change.name()))
            .collect()
    }

    #[test]
    fn the_same_value_written_otherwise_is_respelled() {
        for (item, field, before, after) in [
            (1, 1, "2024/4/1", "2024年4月1日"),
            (3, 1, "2009年4月1日", "２００９年４月１日"),
            (
                9,
                1,
                "1,234千円（2024年3月期）",
                "1,234,000円（2024年3月期）",
            ),
            (77, 2, "99.95%", "９９．９５％"),
            (8, 1, "1,284名", "１２８４名"),
            (8, 1, "1,284", "1,284名"),
            (85, 1, "3ヶ月前", "3カ月前"),
            (
                29,
                1,
                "有り（情報セキュリティ基本方針）",
                "有：情報セキュリティ基本方針",
            ),
            (2, 1, "株式会社ＡＢＣ", "株式会社ABC"),
        ] {
            assert_eq!(
                kinds(&[(item, field, before)], &[(item, field, after)]),
                [(item, field, "respelled")],
                "{before} → {after}"
            );
        }
    }

    #[test]
    fn another_value_or_other_words_are_changed() {
        for (item, field, before, after) in [
            (1, 1, "2024/4/1", "2025年4月1日"),
            (
                9,
                1,
                "1,234千円（2024年3月期）",
                "1,234,000円（2025年3月期）",
            ),
            (9, 1, "1,234千円（2024年3月期）", "1,235千円（2024年3月期）"),
            (
                29,
                1,
                "有り（情報セキュリティ基本方針）",
                "有り（情報セキュリティ規程）",
            ),
            (95, 1, "有り", "無し"),
            (36, 1, "IoTデータの収集基盤", "IoTデータの収集・分析基盤"),
        ] {
            assert_eq!(
                kinds(&[(item, field, before)], &[(item, field, after)]),
                [(item, field, "changed")],
                "{before} → {after}"
            );
        }
    }

    #[test]
    fn added_removed_and_unchanged_fields() {
        let before = [
            (1, 1, "2024/6/1"),
            (10, 1, "5億円（2024年3月期）"),
            (36, 1, "IoT 基盤\nサービス"),
        ];
        let after = [
            (1, 1, "2024/6/1"),
            (36, 1, "IoT基盤サービス"),
            (83, 1, "グッドデザイン賞"),
        ];
        let comparison = compare(&answers(&before), &answers(&after), Catalog::builtin());
        let listed: Vec<_> = comparison
            .changes
            .iter()
            .map(|c| {
                (
                    c.item,
                    c.change.name(),
                    c.before.is_some(),
                    c.after.is_some(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [(10, "removed", true, false), (83, "added", false, true)]
        );
        // A line break the writer put in is no change.
        assert_eq!(comparison.counts.unchanged, 2);
        assert_eq!(comparison.counts.added + comparison.counts.removed, 2);
    }

    #[test]
    fn answers_per_data_centre_compare_centre_by_centre() {
        assert_eq!(
            kinds(
                &[(116, 1, "A：有（10分）／B：有（10分）")],
                &[(116, 1, "A：有り（10分）／B：有り（10分）")]
            ),
            [(116, 1, "respelled")]
        );
        assert_eq!(
            kinds(
                &[(116, 1, "A：有（10分）／B：有（10分）")],
                &[(116, 1, "A：有（10分）／B：無")]
            ),
            [(116, 1, "changed")]
        );
    }

    #[test]
    fn a_side_that_cannot_be_read_is_said_and_nothing_compared() {
        let source = Source {
            path: "a.pdf".to_string(),
            format: "pdf".to_string(),
            sha256: None,
        };
        let error = Outcome::Error(crate::pipeline::ErrorResult {
            schema: SCHEMA,
            source,
            error: IngestError::new(crate::ingest::ErrorKind::Encrypted, "暗号化されています"),
        });
        let result = pair(Some(&error), None, Pairing::Withdrawn, Catalog::builtin());
        assert_eq!(result.errors.len(), 1);
        assert_eq!(result.errors[0].side, "previous");
        assert!(result.verdict.is_none() && result.changes.is_empty());
    }
}
