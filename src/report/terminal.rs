//! Results for a person at a terminal: one line per input, saying which application it
//! is (事業者名 and サービス名称 as answered) and what was found, with no JSON.

use super::{counts, error_kind_label, verdict_label};
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
