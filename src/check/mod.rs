//! Check: which answers make an application 非認定, which need a reviewer's look.
//!
//! The checker sees only typed answers and the catalog. Each rule family lives in its
//! own file and cites the guide's words; the checks across items are data
//! (`dictionaries/checks.toml`). [`rules`] lists every rule, for `kaiji rules` and the
//! README.
//!
//! | file | rule | severity |
//! |---|---|---|
//! | `required_missing.rs` | a required field left blank | reject |
//! | `guide_conditions.rs` | the guide's explicit 非認定 conditions (no documents, no certificate, no contact point, no advance notice, no failure notification) | reject |
//! | `format_limits.rs` | length limits, 西暦, choice numbers, 「取得済み」 in place of content, the form's language | review |
//! | `presence_details.rs` | 「有り」 without what the guide asks for, 「無し」 followed by details | review |
//! | `cross_items.rs` | contradictions between items (dates, figures, counts, countries …) | review |
//! | `renewal.rs` | a renewal against the application before it (`kaiji diff`): the date, the 決算期, a measure withdrawn, a required answer dropped, large moves | reject, review, info |

mod cross_items;
mod format_limits;
mod guide_conditions;
mod presence_details;
pub mod reading;
mod renewal;
mod required_missing;

use crate::answers::{Answers, FieldResult};
use crate::catalog::Catalog;
use crate::findings::{Finding, Rule, Severity};
use serde::Serialize;

pub use cross_items::{CrossCheck, CrossChecks};

/// Runs every rule on the answers of one document.
pub fn check(answers: &Answers, catalog: &Catalog, cross_checks: &CrossChecks) -> Vec<Finding> {
    let mut findings = Vec::new();
    required_missing::check(answers, catalog, &mut findings);
    guide_conditions::check(answers, catalog, &mut findings);
    format_limits::check(answers, catalog, &mut findings);
    presence_details::check(answers, catalog, &mut findings);
    cross_items::check(answers, catalog, cross_checks, &mut findings);
    sort(&mut findings);
    findings
}

/// Runs the renewal rules on a renewal application (更新申請) against the application
/// before it (`kaiji diff`).
pub fn renewal(previous: &Answers, current: &Answers, catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    renewal::check(previous, current, catalog, &mut findings);
    sort(&mut findings);
    findings
}

/// Worst first, then by item and field.
fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.item.cmp(&b.item))
            .then(a.field.cmp(&b.field))
    });
}

/// The guide's words on a blank answer to `item`.
fn blank_rejection(item: &crate::catalog::Item) -> &str {
    item.reject_if
        .first()
        .map_or("未記入の場合は非認定となります。", String::as_str)
}

/// One rule: its stable code, the contract's rule family and severity, and what it
/// checks in the guide's words. Every finding names the unit that raised it, so what
/// `kaiji rules` lists is what `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleUnit {
    pub code: &'static str,
    pub rule: Rule,
    pub severity: Severity,
    pub description: &'static str,
}

impl RuleUnit {
    /// This unit's finding about one field (or the whole document when `item` is
    /// `None`), quoting the answer and saying where it is.
    pub fn finding(
        &self,
        item: Option<u32>,
        field: Option<u32>,
        answer: Option<&FieldResult>,
        message: String,
    ) -> Finding {
        Finding {
            item,
            field,
            rule: self.rule,
            code: self.code.to_string(),
            severity: self.severity,
            related: Vec::new(),
            message,
            quote: answer.map(|a| a.raw.clone()),
            at: answer.map(|a| a.at.clone()),
        }
    }

    /// How `kaiji rules` lists the unit, with the items it covers.
    fn describe(&self, items: Vec<u32>) -> RuleDescription {
        RuleDescription {
            code: self.code.to_string(),
            rule: self.rule,
            severity: self.severity,
            items,
            description: self.description.to_string(),
        }
    }
}

/// A finding of `unit` about one answer.
fn about(
    unit: &RuleUnit,
    answer: Option<&FieldResult>,
    item: u32,
    field: Option<u32>,
    message: String,
) -> Finding {
    unit.finding(Some(item), field, answer, message)
}

/// An answer that only fills the cell: a dash, 「未記入」, 「（未入力）」, check boxes none
/// of which is ticked (「□有　□無」).
pub fn is_blank(raw: &str) -> bool {
    // Most answers have, at once, a character no blank has: they need no folding.
    // (A character NFKC joins with a mark after it becomes one with a voicing mark or
    // an accent, none of which a blank has either.)
    if !crate::text::has_check_boxes(raw)
        && crate::text::kept_by_fold(raw).any(|c| !may_be_in_blank(c))
    {
        return false;
    }
    is_blank_folded(&crate::text::fold(raw))
}

/// The words that, folded, stand for no answer, alone or in brackets: those an applicant
/// types, and a web form's placeholders (「（未入力）」, [`crate::text::PLACEHOLDER_WORDS`]).
const BLANK_WORDS: [&str; 6] = ["未記入", "記入なし", "空欄", "n/a", "na", "tbd"];

fn blank_words() -> impl Iterator<Item = &'static str> {
    BLANK_WORDS
        .into_iter()
        .chain(crate::text::PLACEHOLDER_WORDS)
}

/// The brackets a blank word may stand in, folded.
const BLANK_BRACKETS: [char; 6] = ['(', ')', '[', ']', '【', '】'];

/// A character a cell is filled with for no answer: a dash, 「・」, 「〃」.
fn is_filler_mark(c: char) -> bool {
    crate::text::is_dash(c) || matches!(c, '_' | '.' | '・' | '/' | '〃')
}

/// [`is_blank`] of a folded answer.
fn is_blank_folded(text: &str) -> bool {
    text.is_empty()
        || text.chars().all(is_filler_mark)
        || blank_words().any(|word| word == text)
        || text
            .strip_prefix(BLANK_BRACKETS)
            .and_then(|inner| inner.strip_suffix(BLANK_BRACKETS))
            .is_some_and(|inner| blank_words().any(|word| word == inner))
        || crate::text::no_box_ticked(text)
}

/// Whether a folded character occurs in some blank answer (a filler mark, a character
/// of the blank words).
fn may_be_in_blank(c: char) -> bool {
    is_filler_mark(c) || BLANK_BRACKETS.contains(&c) || blank_words().any(|word| word.contains(c))
}

/// One rule as `kaiji rules` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleDescription {
    pub code: String,
    pub rule: Rule,
    pub severity: Severity,
    pub items: Vec<u32>,
    pub description: String,
}

/// Every rule: the per-field families, each cross-item check, and the findings raised
/// while the answers are read. One table, from which `kaiji rules` and the README's list
/// are made.
pub fn rules(catalog: &Catalog, cross_checks: &CrossChecks) -> Vec<RuleDescription> {
    let mut rules = Vec::new();
    rules.extend(required_missing::describe(catalog));
    rules.extend(guide_conditions::describe(catalog));
    rules.extend(format_limits::describe(catalog));
    rules.extend(presence_details::describe(catalog));
    rules.extend(cross_checks.describe());
    rules.extend(reading::describe());
    rules.extend(renewal_rules(catalog));
    rules
}

/// The renewal rules alone (`kaiji diff`), which compare two applications.
pub fn renewal_rules(catalog: &Catalog) -> Vec<RuleDescription> {
    renewal::describe(catalog)
}

/// The registry as the README's table: one row per rule, in the registry's order.
pub fn rules_markdown(rules: &[RuleDescription]) -> String {
    let mut table =
        String::from("| code | rule | severity | items | what it finds |\n|---|---|---|---|---|\n");
    for rule in rules {
        let items = match rule.items.as_slice() {
            [] => "—".to_string(),
            items if items.len() > 8 => format!("{} items", items.len()),
            items => items
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        };
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.code,
            rule.rule.name(),
            rule.severity.name(),
            items,
            rule.description.replace('|', "\\|")
        ));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_dashes_marks_and_the_filler_words() {
        for blank in [
            "",
            " ",
            "-",
            "－",
            "ー",
            "――",
            "・",
            "〃",
            "未記入",
            "記入なし",
            "空 欄",
            "N/A",
            "ｎ／ａ",
            "TBD",
            "（未入力）",
            "【未回答】",
            "□有　□無",
            "☐可 ☐否",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for answer in [
            "なし",
            "NA社",
            "未定",
            "0",
            "-1",
            "tbd以降",
            "か\u{3099}",
            "ｶﾞ",
            "☑有　□無",
            "□有（ISMS認証を取得済み、2024年更新）",
            "（未入力の項目は無し）",
        ] {
            assert!(!is_blank(answer), "{answer:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_shortcut_decides_as_folding_does(
            raw in "[未記入なし空欄nNaAtTbBdD/_.・〃ー－―‐—−\\- 　\t\u{3099}\u{301}かがｶﾞＡａ字x1]{0,8}"
        ) {
            proptest::prop_assert_eq!(is_blank(&raw), is_blank_folded(&crate::text::fold(&raw)));
        }
    }
}
