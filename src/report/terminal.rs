//! Results for a person at a terminal: one line per input, saying which application it
//! is (事業者名 and サービス名称 as answered) and what was found, with no JSON.

use super::{counts, error_kind_label, verdict_label};
use crate::diff::{PairResult, Pairing};
use crate::findings::Verdict;
use crate::pipeline::Outcome;
use std::io::{self, Write};

/// Characters of an answer shown on the line.
const NAME_CHARS: usize = 24;

/// Writes one result as a line: 「× 非認定の可能性  申請書.xlsx  株式会社…／…  非認定 2・要確認 1・参考 0」.
/// `set_aside` marks a file found in a folder that is no application.
pub fn write_line(out: &mut dyn Write, outcome: &Outcome, set_aside: bool) -> io::Result<()> {
    let line = match outcome {
        Outcome::Document(d) => {
            let names = d
                .names()
                .into_iter()
                .flatten()
                .map(|name| crate::text::excerpt(name, NAME_CHARS))
                .collect::<Vec<_>>()
                .join("／");
            let names = if names.is_empty() {
                "（事業者名なし）".to_string()
            } else {
                names
            };
            let count = counts(&d.findings);
            match d.verdict {
                Some(verdict) => {
                    let (label, mark) = verdict_label(verdict);
                    format!(
                        "{mark} {label}  {}  {names}  非認定 {}・要確認 {}・参考 {}",
                        d.source.path, count.reject, count.review, count.info,
                    )
                }
                None => {
                    let answers: usize = d.items.iter().map(|i| i.fields.len()).sum();
                    format!("{}  {names}  回答 {answers} 件", d.source.path)
                }
            }
        }
        Outcome::Error(e) if set_aside => format!(
            "－ 対象外  {}  {}",
            e.source.path,
            error_kind_label(e.error.kind)
        ),
        Outcome::Error(e) => format!(
            "！ 読み取れません  {}  {}：{}",
            e.source.path,
            error_kind_label(e.error.kind),
            e.error.message
        ),
    };
    writeln!(out, "{}", escape_controls(&line))
}

/// Writes one pair of `kaiji diff` as a line: 「△ 要確認  前回.xlsx → 今回.pdf  追加 1・削除 0・
/// 変更 3・表記ゆれ 2  非認定 0・要確認 1・参考 0」, or a new, withdrawn or unreadable one.
pub fn write_pair_line(out: &mut dyn Write, pair: &PairResult) -> io::Result<()> {
    let path = |source: &Option<crate::pipeline::Source>| {
        source.as_ref().map_or("", |s| s.path.as_str()).to_string()
    };
    let (before, after) = (path(&pair.previous), path(&pair.current));
    let line = if let Some(error) = pair.errors.first() {
        format!(
            "！ 読み取れません  {before} → {after}  {}：{}",
            error_kind_label(error.error.kind),
            error.error.message
        )
    } else {
        match pair.pairing {
            Pairing::New => format!("＋ 新規  {after}（前回の申請なし）"),
            Pairing::Withdrawn => format!("－ 取り下げ  {before}（今回の申請なし）"),
            _ => {
                let (label, mark) = verdict_label(pair.verdict.unwrap_or(Verdict::Pass));
                let (c, n) = (pair.counts, counts(&pair.findings));
                format!(
                    "{mark} {label}  {before} → {after}  追加 {}・削除 {}・変更 {}・表記ゆれ {}  非認定 {}・要確認 {}・参考 {}",
                    c.added, c.removed, c.changed, c.respelled, n.reject, n.review, n.info
                )
            }
        }
    };
    writeln!(out, "{}", escape_controls(&line))
}

/// A line for a terminal with its control characters escaped (`\n` as `\\n`), so that a
/// file name, an answer or a message cannot forge a line or drive the terminal.
pub fn escape_controls(line: &str) -> String {
    let mut escaped = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cannot_be_forged() {
        assert_eq!(
            escape_controls("kaiji: a\nkaiji: b.pdf: ok\u{1b}[2J"),
            "kaiji: a\\nkaiji: b.pdf: ok\\u{1b}[2J"
        );
        assert_eq!(escape_controls("申請書.xlsx"), "申請書.xlsx");
    }
}
