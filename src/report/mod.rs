//! Report: results rendered for people and programs. Rendering only; nothing here
//! looks inside a file or decides a finding.

pub mod csv;
pub mod html;
pub mod terminal;

use crate::findings::{Finding, Severity, Verdict};
use crate::ingest::ErrorKind;
use crate::pipeline::Outcome;
use serde::Serialize;
use std::io::{self, Write};

/// Writes one result as a JSON line.
pub fn write_jsonl(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    serde_json::to_writer(&mut *out, outcome).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes all results as one JSON array.
pub fn write_json(out: &mut dyn Write, outcomes: &[Outcome]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, outcomes).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// A verdict as people read it, and a mark that survives black-and-white printing.
pub(crate) fn verdict_label(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Reject => ("非認定の可能性", "×"),
        Verdict::Review => ("要確認", "△"),
        Verdict::Pass => ("問題なし", "○"),
    }
}

/// An error kind as people read it.
pub(crate) fn error_kind_label(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Unsupported => "対応していない形式",
        ErrorKind::Unreadable => "破損・読み取り不能",
        ErrorKind::Encrypted => "暗号化",
        ErrorKind::TooLarge => "サイズ超過",
        ErrorKind::NoText => "文字情報なし",
        ErrorKind::NotAnApplication => "申請書ではない文書",
    }
}

/// A document's findings by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Counts {
    pub reject: usize,
    pub review: usize,
    pub info: usize,
}

pub(crate) fn counts(findings: &[Finding]) -> Counts {
    let mut counts = Counts::default();
    for finding in findings {
        match finding.severity {
            Severity::Reject => counts.reject += 1,
            Severity::Review => counts.review += 1,
            Severity::Info => counts.info += 1,
        }
    }
    counts
}
