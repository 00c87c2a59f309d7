//! Findings: what is missing, malformed or contradictory, for the reviewer.

use crate::model::Location;
use serde::Serialize;

/// The contract's `rule` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Missing,
    Invalid,
    Contradiction,
    BelowThreshold,
    Unrecognized,
    /// What a renewal application (更新申請) changed, or failed to change, since the
    /// application before it (`kaiji diff` only).
    Renewal,
}

impl Rule {
    /// The contract's name for the rule.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Missing => "missing",
            Rule::Invalid => "invalid",
            Rule::Contradiction => "contradiction",
            Rule::BelowThreshold => "below-threshold",
            Rule::Unrecognized => "unrecognized",
            Rule::Renewal => "renewal",
        }
    }
}

/// Ordered so that `max` is the worst.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Review,
    Reject,
}

impl Severity {
    /// The contract's name for the severity.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Review => "review",
            Severity::Reject => "reject",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Absent only for a finding about the whole document (no item recognized).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<u32>,
    pub rule: Rule,
    /// The rule unit that raised it, as `kaiji rules` lists it (an extension of the
    /// contract): `required-missing`, `unreadable-answer`, a cross-check's id …
    pub code: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<u32>,
    pub message: String,
    /// The answer the finding is about, as written (an extension of the contract).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where that answer is in the file (an extension of the contract).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
}

/// The contract's `verdict`: the worst severity found. Ordered so that `max` is the
/// worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Reject,
}

impl Verdict {
    pub fn of(findings: &[Finding]) -> Verdict {
        match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Reject) => Verdict::Reject,
            Some(Severity::Review) => Verdict::Review,
            _ => Verdict::Pass,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Review => "review",
            Verdict::Reject => "reject",
        }
    }
}
