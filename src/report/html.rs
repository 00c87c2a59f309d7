//! The reviewers' HTML report: one self-contained page for a whole batch, in Japanese.
//!
//! The page is rendered by minijinja from `report.html.j2`, whose `.html` name turns on
//! the engine's HTML auto-escaping: every answer, file name and message is escaped by the
//! engine, never by hand. The only unescaped text is [`SCRIPT`], a constant of this
//! file. As a second wall, the page carries a Content-Security-Policy that allows no
//! script but that one (by its SHA-256 hash), so that even a broken escape could not run
//! a script or load anything. The output depends only on the input: no clock, no host.

use super::{error_kind_label, verdict_label};
use crate::catalog::Catalog;
use crate::findings::{Finding, Rule, Severity, Verdict};
use crate::ingest::ErrorKind;
use crate::pipeline::Outcome;
use crate::report::csv::location_text;
use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::io::{self, Write};

const TEMPLATE_NAME: &str = "report.html.j2";
const TEMPLATE: &str = include_str!("report.html.j2");

/// The page's only script: the severity filters. It unhides the filter bar, so that a
/// reader without scripts sees every finding and no dead controls.
const SCRIPT: &str = r#"
(function () {
  'use strict';
  var root = document.documentElement;
  var bar = document.getElementById('filters');
  if (!bar) { return; }
  var boxes = bar.querySelectorAll('input[data-severity]');
  var note = document.getElementById('filter-note');
  var lists = document.querySelectorAll('ol.findings');
  function apply() {
    var hidden = [];
    var shown = {};
    for (var i = 0; i < boxes.length; i++) {
      var severity = boxes[i].getAttribute('data-severity');
      root.classList.toggle('hide-' + severity, !boxes[i].checked);
      shown[severity] = boxes[i].checked;
      if (!boxes[i].checked) { hidden.push(boxes[i].parentNode.textContent.trim()); }
    }
    note.textContent = hidden.length ? '非表示：' + hidden.join('、') : '';
    note.hidden = hidden.length === 0;
    for (var j = 0; j < lists.length; j++) {
      var items = lists[j].querySelectorAll('li.finding');
      var visible = 0;
      for (var k = 0; k < items.length; k++) {
        if (shown[items[k].getAttribute('data-severity')] !== false) { visible++; }
      }
      var empty = lists[j].nextElementSibling;
      if (empty && empty.classList.contains('all-hidden')) { empty.hidden = visible > 0; }
    }
  }
  for (var i = 0; i < boxes.length; i++) { boxes[i].addEventListener('change', apply); }
  bar.hidden = false;
  root.setAttribute('data-filters', 'ready');
  apply();
})();
"#;

/// Writes the report for a batch of results.
pub fn write_html(out: &mut dyn Write, outcomes: &[Outcome], catalog: &Catalog) -> io::Result<()> {
    let page = Page::build(outcomes, catalog);
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(io::Error::other)?;
    let template = env.get_template(TEMPLATE_NAME).map_err(io::Error::other)?;
    let generator = format!("kaiji {} により生成", env!("CARGO_PKG_VERSION"));
    let html = template
        .render(context! {
            csp => content_security_policy(SCRIPT),
            version => env!("CARGO_PKG_VERSION"),
            generator => generator,
            summary => Value::from(Serde(&page.summary)),
            rows => Value::from(Serde(&page.rows)),
            docs => Value::from(Serde(&page.docs)),
            // A constant of this file, not data: the one text the engine must not escape.
            script => Value::from_safe_string(SCRIPT.to_string()),
        })
        .map_err(io::Error::other)?;
    out.write_all(html.as_bytes())
}

/// The policy: nothing may load, styles only inline, images only as data, and the one
/// script only by its hash.
fn content_security_policy(script: &str) -> String {
    let hash = base64(&Sha256::digest(script.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; \
         img-src data:; base-uri 'none'; form-action 'none'"
    )
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                text.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

#[derive(Serialize)]
struct Page {
    summary: Summary,
    rows: Vec<Row>,
    docs: Vec<Doc>,
}

#[derive(Debug, Default, PartialEq, Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    reject: usize,
    review: usize,
    pass: usize,
    errors: usize,
    error_kinds: Vec<KindCount>,
    /// Files that are no application (`unsupported`, `not-an-application`).
    set_aside: usize,
}

#[derive(Debug, PartialEq, Serialize)]
struct KindCount {
    kind: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
struct Counts {
    reject: usize,
    review: usize,
    info: usize,
}

/// A line of the summary table.
#[derive(Serialize)]
struct Row {
    number: usize,
    anchor: String,
    path: String,
    format: String,
    status: &'static str,
    status_label: &'static str,
    mark: &'static str,
    is_error: bool,
    counts: Counts,
}

/// One file's section.
#[derive(Serialize)]
struct Doc {
    number: usize,
    anchor: String,
    path: String,
    format: String,
    sha256: Option<String>,
    status: &'static str,
    status_label: &'static str,
    mark: &'static str,
    is_error: bool,
    counts: Counts,
    findings: Vec<FindingView>,
    error: Option<ErrorView>,
}

#[derive(Serialize)]
struct ErrorView {
    kind: &'static str,
    label: &'static str,
    message: String,
}

#[derive(Serialize)]
struct FindingView {
    severity: &'static str,
    severity_label: &'static str,
    mark: &'static str,
    item: Option<u32>,
    title: String,
    field: Option<u32>,
    rule_label: &'static str,
    related: String,
    message: String,
    quote: Option<String>,
    location: Option<String>,
}

impl Page {
    fn build(outcomes: &[Outcome], catalog: &Catalog) -> Page {
        let mut summary = Summary {
            files: outcomes.len(),
            ..Summary::default()
        };
        let mut kind_counts = [0usize; ErrorKind::ALL.len()];
        let mut rows = Vec::with_capacity(outcomes.len());
        let mut docs = Vec::with_capacity(outcomes.len());
        for (i, outcome) in outcomes.iter().enumerate() {
            let number = i + 1;
            let anchor = format!("doc-{number}");
            let source = outcome.source();
            let doc = match outcome {
                Outcome::Document(d) => {
                    summary.documents += 1;
                    // The report is made by `check`, which always gives a verdict.
                    let verdict = d.verdict.unwrap_or_else(|| Verdict::of(&d.findings));
                    match verdict {
                        Verdict::Reject => summary.reject += 1,
                        Verdict::Review => summary.review += 1,
                        Verdict::Pass => summary.pass += 1,
                    }
                    let (status_label, mark) = verdict_label(verdict);
                    Doc {
                        number,
                        anchor,
                        path: source.path.clone(),
                        format: source.format.clone(),
                        sha256: source.sha256.clone(),
                        status: verdict.name(),
                        status_label,
                        mark,
                        is_error: false,
                        counts: counts(&d.findings),
                        findings: sorted(&d.findings)
                            .into_iter()
                            .map(|f| finding_view(f, catalog))
                            .collect(),
                        error: None,
                    }
                }
                Outcome::Error(e) => {
                    // A file that is no application is listed apart from real failures.
                    let set_aside = matches!(
                        e.error.kind,
                        ErrorKind::Unsupported | ErrorKind::NotAnApplication
                    );
                    if set_aside {
                        summary.set_aside += 1;
                    } else {
                        summary.errors += 1;
                        if let Some(k) = ErrorKind::ALL.iter().position(|k| *k == e.error.kind) {
                            kind_counts[k] += 1;
                        }
                    }
                    let (status, status_label, mark) = if set_aside {
                        ("other", "申請書以外", "－")
                    } else {
                        ("error", "読み取り不能", "！")
                    };
                    Doc {
                        number,
                        anchor,
                        path: source.path.clone(),
                        format: source.format.clone(),
                        sha256: source.sha256.clone(),
                        status,
                        status_label,
                        mark,
                        is_error: true,
                        counts: Counts::default(),
                        findings: Vec::new(),
                        error: Some(ErrorView {
                            kind: e.error.kind.name(),
                            label: error_kind_label(e.error.kind),
                            message: e.error.message.clone(),
                        }),
                    }
                }
            };
            rows.push(Row {
                number,
                anchor: doc.anchor.clone(),
                path: doc.path.clone(),
                format: doc.format.clone(),
                status: doc.status,
                status_label: doc.status_label,
                mark: doc.mark,
                is_error: doc.is_error,
                counts: doc.counts,
            });
            docs.push(doc);
        }
        summary.error_kinds = ErrorKind::ALL
            .iter()
            .zip(kind_counts)
            .filter(|(_, count)| *count > 0)
            .map(|(kind, count)| KindCount {
                kind: kind.name(),
                label: error_kind_label(*kind),
                count,
            })
            .collect();
        Page {
            summary,
            rows,
            docs,
        }
    }
}

fn counts(findings: &[Finding]) -> Counts {
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

/// Worst first (reject, review, info), then by item (whole-document findings first) and
/// field; findings that tie keep their order.
fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| (Reverse(f.severity), f.item, f.field));
    sorted
}

fn finding_view(finding: &Finding, catalog: &Catalog) -> FindingView {
    let (severity_label, mark) = severity_label(finding.severity);
    let title = match finding.item {
        Some(number) => catalog.item(number).map_or_else(
            || "（一覧にない項目）".to_string(),
            |item| item.title.clone(),
        ),
        None => String::new(),
    };
    FindingView {
        severity: severity_name(finding.severity),
        severity_label,
        mark,
        item: finding.item,
        title,
        field: finding.field,
        rule_label: rule_label(finding.rule),
        related: finding
            .related
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        message: finding.message.clone(),
        quote: finding.quote.clone(),
        location: finding.at.as_ref().map(location_text),
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Reject => "reject",
        Severity::Review => "review",
        Severity::Info => "info",
    }
}

/// The severity's label and a mark that survives black-and-white printing.
fn severity_label(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Reject => ("非認定", "×"),
        Severity::Review => ("要確認", "△"),
        Severity::Info => ("参考", "※"),
    }
}

fn rule_label(rule: Rule) -> &'static str {
    match rule {
        Rule::Missing => "未記入",
        Rule::Invalid => "形式不備",
        Rule::Contradiction => "矛盾",
        Rule::BelowThreshold => "基準未達",
        Rule::Unrecognized => "要確認（読取不能）",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestError;
    use crate::model::Location;
    use crate::pipeline::{DocumentResult, ErrorResult, FORM_KIND, Form, SCHEMA, Source};

    const HOSTILE: &str = "<script>alert(\"x\")</script> & co";

    fn finding(item: Option<u32>, field: Option<u32>, rule: Rule, severity: Severity) -> Finding {
        Finding {
            item,
            field,
            rule,
            code: rule.name().to_string(),
            severity,
            related: Vec::new(),
            message: format!("msg-{item:?}-{field:?}-{}", severity_name(severity)),
            quote: None,
            at: None,
        }
    }

    fn document(path: &str, findings: Vec<Finding>) -> Outcome {
        let verdict = Verdict::of(&findings);
        Outcome::Document(Box::new(DocumentResult {
            schema: SCHEMA,
            source: Source {
                path: path.to_string(),
                format: "xlsx".to_string(),
                sha256: Some("ab".repeat(32)),
            },
            form: Form {
                kind: FORM_KIND,
                matched_by: "item-numbers",
            },
            items: Vec::new(),
            findings,
            unmapped: Vec::new(),
            verdict: Some(verdict),
        }))
    }

    fn error(path: &str, kind: ErrorKind, message: &str) -> Outcome {
        Outcome::Error(ErrorResult {
            schema: SCHEMA,
            source: Source {
                path: path.to_string(),
                format: "pdf".to_string(),
                sha256: None,
            },
            error: IngestError::new(kind, message),
        })
    }

    fn render(outcomes: &[Outcome]) -> String {
        let mut out = Vec::new();
        write_html(&mut out, outcomes, Catalog::builtin()).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn batch() -> Vec<Outcome> {
        let mut hostile = finding(Some(9), Some(1), Rule::Invalid, Severity::Review);
        hostile.quote = Some(format!("{HOSTILE}\nline 2"));
        hostile.message = format!("message {HOSTILE}");
        hostile.at = Some(Location::Cell {
            sheet: "申請<書>".to_string(),
            row: 11,
            col: 4,
        });
        vec![
            document(
                "in/a.xlsx",
                vec![
                    finding(Some(12), None, Rule::Missing, Severity::Info),
                    hostile,
                    finding(Some(3), Some(2), Rule::Missing, Severity::Reject),
                    finding(None, None, Rule::Unrecognized, Severity::Review),
                ],
            ),
            document("in/<b>\"q\"&amp;.xlsx", Vec::new()),
            document(
                "in/c.xlsx",
                vec![finding(Some(2), Some(1), Rule::Invalid, Severity::Review)],
            ),
            error("in/d.pdf", ErrorKind::Encrypted, "password <required>"),
            error("in/e.pdf", ErrorKind::NoText, "scanned"),
            error("in/f.pdf", ErrorKind::Encrypted, "password"),
            error("in/g.txt", ErrorKind::Unsupported, "plain text"),
        ]
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn answers_messages_and_paths_are_escaped() {
        let html = render(&batch());
        assert!(!html.contains("<script>alert"), "raw script from an answer");
        assert!(!html.contains("<b>"), "raw markup from a path");
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2f;script&gt; &amp; co"));
        assert!(html.contains("in&#x2f;&lt;b&gt;&quot;q&quot;&amp;amp;.xlsx"));
        // In an attribute too: the quote cannot end the title attribute.
        assert!(html.contains("title=\"in&#x2f;&lt;b&gt;&quot;q&quot;&amp;amp;.xlsx\""));
        assert!(html.contains("申請&lt;書&gt;!E12"));
        assert!(html.contains("password &lt;required&gt;"));
        // The answer keeps its line break.
        assert!(html.contains("&amp; co\nline 2</blockquote>"));
        // The only script element is our own.
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn the_policy_allows_exactly_the_rendered_script() {
        let html = render(&batch());
        let start = html.find("<script>").unwrap() + "<script>".len();
        let end = html.find("</script>").unwrap();
        let script = &html[start..end];
        assert_eq!(script, SCRIPT);
        let hash = base64(&Sha256::digest(script.as_bytes()));
        let csp = format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
            minijinja::HtmlEscape(&content_security_policy(script))
        );
        assert!(html.contains(&csp), "policy missing");
        assert!(csp.contains(&minijinja::HtmlEscape(&format!("sha256-{hash}")).to_string()));
        assert!(csp.contains("default-src &#x27;none&#x27;"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }

    #[test]
    fn summary_counts_verdicts_and_error_kinds() {
        let page = Page::build(&batch(), Catalog::builtin());
        assert_eq!(
            page.summary,
            Summary {
                files: 7,
                documents: 3,
                reject: 1,
                review: 1,
                pass: 1,
                errors: 3,
                error_kinds: vec![
                    KindCount {
                        kind: "encrypted",
                        label: "暗号化",
                        count: 2
                    },
                    KindCount {
                        kind: "no-text",
                        label: "文字情報なし",
                        count: 1
                    },
                ],
                set_aside: 1,
            }
        );
        assert_eq!(
            page.rows[0].counts,
            Counts {
                reject: 1,
                review: 2,
                info: 1
            }
        );
        let html = render(&batch());
        assert!(html.contains("暗号化 2件・文字情報なし 1件"));
        assert!(
            html.contains("申請書以外 1件"),
            "no application, listed apart"
        );
        let generator = format!("kaiji {} により生成", env!("CARGO_PKG_VERSION"));
        assert!(html.contains(&generator));
    }

    #[test]
    fn findings_are_sorted_by_severity_then_item() {
        let page = Page::build(&batch(), Catalog::builtin());
        let order: Vec<(&str, Option<u32>)> = page.docs[0]
            .findings
            .iter()
            .map(|f| (f.severity, f.item))
            .collect();
        assert_eq!(
            order,
            [
                ("reject", Some(3)),
                ("review", None),
                ("review", Some(9)),
                ("info", Some(12)),
            ]
        );
        let html = render(&batch());
        let positions: Vec<usize> = [
            "msg-Some(3)",
            "msg-None",
            "message &lt;script",
            "msg-Some(12)",
        ]
        .iter()
        .map(|m| html.find(m).unwrap())
        .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }

    #[test]
    fn findings_name_item_title_field_and_rule() {
        let html = render(&batch());
        let title = &Catalog::builtin().item(3).unwrap().title;
        assert!(html.contains(&format!("項目3</span> {title}")));
        assert!(html.contains("記述内容2"));
        assert!(html.contains("未記入") && html.contains("形式不備"));
        assert!(html.contains("要確認（読取不能）"));
        assert!(html.contains("文書全体"));
        assert!(html.contains("暗号化（<code>encrypted</code>）"));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(render(&batch()), render(&batch()));
        assert!(!render(&[]).is_empty());
    }
}
