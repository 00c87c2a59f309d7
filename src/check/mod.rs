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

mod cross_items;
mod format_limits;
mod guide_conditions;
mod presence_details;
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
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.item.cmp(&b.item))
            .then(a.field.cmp(&b.field))
    });
    findings
}

/// A finding about one answer, quoting it and saying where it is.
fn about(
    answer: Option<&FieldResult>,
    item: u32,
    field: Option<u32>,
    rule: Rule,
    severity: Severity,
    message: String,
) -> Finding {
    Finding {
        item: Some(item),
        field,
        rule,
        severity,
        related: Vec::new(),
        message,
        quote: answer.map(|a| a.raw.clone()),
        at: answer.map(|a| a.at.clone()),
    }
}

/// An answer that only fills the cell: a dash, 「未記入」.
fn is_blank(raw: &str) -> bool {
    let text: String = crate::text::fold(raw);
    text.is_empty()
        || text.chars().all(|c| {
            matches!(
                c,
                '-' | 'ー' | '―' | '‐' | '—' | '−' | '_' | '.' | '・' | '/' | '〃'
            )
        })
        || matches!(
            text.as_str(),
            "未記入" | "記入なし" | "空欄" | "n/a" | "na" | "tbd"
        )
}

/// One rule as `kaiji rules` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleDescription {
    pub id: String,
    pub rule: Rule,
    pub severity: Severity,
    pub items: Vec<u32>,
    pub description: String,
}

/// Every rule the checker runs: the per-field families and each cross-item check.
pub fn rules(catalog: &Catalog, cross_checks: &CrossChecks) -> Vec<RuleDescription> {
    let mut rules = Vec::new();
    rules.extend(required_missing::describe(catalog));
    rules.extend(guide_conditions::describe(catalog));
    rules.extend(format_limits::describe(catalog));
    rules.extend(presence_details::describe(catalog));
    rules.extend(cross_checks.describe());
    rules
}
