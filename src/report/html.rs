//! The reviewers' HTML report: one self-contained page for a whole batch, in Japanese.
//!
//! The page is rendered by minijinja from `report.html.j2`, whose `.html` name turns on
//! the engine's HTML auto-escaping: every answer, file name and message is escaped by the
//! engine, never by hand. The only unescaped text is [`SCRIPT`], a constant of this
//! file. As a second wall, the page carries a Content-Security-Policy that allows no
//! script but that one (by its SHA-256 hash), so that even a broken escape could not run
//! a script or load anything. The output depends only on the input: no clock, no host.

use super::{Counts, counts, error_kind_label, verdict_label};
use crate::catalog::Catalog;
use crate::diff::{ChangeKind, PairResult, Pairing, Side};
use crate::findings::{Finding, Rule, Severity, Verdict};
use crate::ingest::ErrorKind;
use crate::pipeline::{DocumentResult, Outcome};
use crate::report::csv::location_text;
use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::io::{self, Write};

const TEMPLATE_NAME: &str = "report.html.j2";
const TEMPLATE: &str = include_str!("report.html.j2");

/// The page's only script: the list's search, filters by verdict and by rule, and
/// sorting; the severity filters of the findings; opening a folded section that a link
/// leads to, and every section for printing. It unhides the filter bar, so that a reader
/// without scripts sees every application and finding and no dead controls.
const SCRIPT: &str = r#"
(function () {
  'use strict';
  var root = document.documentElement;
  var bar = document.getElementById('filters');
  if (!bar) { return; }
  var severities = bar.querySelectorAll('input[data-severity]');
  var verdicts = bar.querySelectorAll('input[data-verdict]');
  var search = document.getElementById('search');
  var rule = document.getElementById('rule');
  var note = document.getElementById('filter-note');
  var count = document.getElementById('list-count');
  var rows = document.querySelectorAll('tr[data-verdict]');
  var docs = document.querySelectorAll('details.doc');
  function states(boxes, name) {
    var on = {};
    for (var i = 0; i < boxes.length; i++) { on[boxes[i].getAttribute(name)] = boxes[i].checked; }
    return on;
  }
  function wanted(el, shown, text, code) {
    if (shown[el.getAttribute('data-verdict')] === false) { return false; }
    if (code && (' ' + el.getAttribute('data-rules') + ' ').indexOf(' ' + code + ' ') < 0) { return false; }
    return !text || el.getAttribute('data-search').indexOf(text) >= 0;
  }
  function apply() {
    var shown = states(severities, 'data-severity');
    var hidden = [];
    for (var i = 0; i < severities.length; i++) {
      var severity = severities[i].getAttribute('data-severity');
      root.classList.toggle('hide-' + severity, !shown[severity]);
      if (!shown[severity]) { hidden.push(severities[i].parentNode.textContent.trim()); }
    }
    note.textContent = hidden.length ? '非表示の指摘：' + hidden.join('、') : '';
    note.hidden = hidden.length === 0;
    var kept = states(verdicts, 'data-verdict');
    var text = search.value.trim().toLowerCase();
    var code = rule.value;
    var visible = 0;
    for (var r = 0; r < rows.length; r++) {
      var ok = wanted(rows[r], kept, text, code);
      rows[r].hidden = !ok;
      if (ok) { visible++; }
    }
    if (count) { count.textContent = rows.length + '件中 ' + visible + '件を表示'; }
    for (var d = 0; d < docs.length; d++) {
      docs[d].hidden = !wanted(docs[d], kept, text, code);
      var items = docs[d].querySelectorAll('li.finding');
      var left = 0;
      for (var k = 0; k < items.length; k++) {
        if (shown[items[k].getAttribute('data-severity')] !== false) { left++; }
      }
      var empty = docs[d].querySelector('.all-hidden');
      if (empty) { empty.hidden = left > 0; }
    }
  }
  var headers = document.querySelectorAll('th[data-sort]');
  function sortBy(th) {
    var key = th.getAttribute('data-sort');
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var body = th.closest('table').tBodies[0];
    var list = Array.prototype.slice.call(body.rows);
    var numeric = key !== 'path' && key !== 'name';
    list.sort(function (a, b) {
      var x = a.getAttribute('data-' + key), y = b.getAttribute('data-' + key);
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, 'ja');
      if (c === 0) { c = Number(a.getAttribute('data-number')) - Number(b.getAttribute('data-number')); }
      return ascending ? c : -c;
    });
    for (var i = 0; i < list.length; i++) { body.appendChild(list[i]); }
    for (var h = 0; h < headers.length; h++) { headers[h].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  }
  for (var h = 0; h < headers.length; h++) {
    headers[h].addEventListener('click', function (e) { sortBy(e.currentTarget); });
  }
  var picks = document.querySelectorAll('[data-pick-rule]');
  for (var p = 0; p < picks.length; p++) {
    picks[p].addEventListener('click', function (e) {
      rule.value = e.currentTarget.getAttribute('data-pick-rule');
      apply();
    });
  }
  function reveal() {
    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (target && target.tagName === 'DETAILS') { target.open = true; }
  }
  window.addEventListener('hashchange', reveal);
  window.addEventListener('beforeprint', function () {
    var all = document.querySelectorAll('details');
    for (var i = 0; i < all.length; i++) { all[i].open = true; }
  });
  var inputs = bar.querySelectorAll('input, select');
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener(inputs[i].type === 'search' ? 'input' : 'change', apply);
  }
  bar.hidden = false;
  root.setAttribute('data-filters', 'ready');
  reveal();
  apply();
})();
"#;

/// Writes the report for a batch of results.
pub fn write_html(out: &mut dyn Write, outcomes: &[Outcome], catalog: &Catalog) -> io::Result<()> {
    render(out, Page::build(outcomes, &[], catalog))
}

/// Writes the report of renewals (`kaiji diff --report`): each application's page as
/// `check` makes it, its findings joined by the renewal rules' and a 前回との差分
/// section, old and new side by side. `pages` are each pair's result shown (the renewal,
/// or a withdrawn application) with the pair's object.
pub fn write_renewal_html(
    out: &mut dyn Write,
    pages: &[(&Outcome, &PairResult)],
    catalog: &Catalog,
) -> io::Result<()> {
    let outcomes: Vec<Outcome> = pages
        .iter()
        .map(|(outcome, pair)| with_renewal_findings(outcome, pair))
        .collect();
    let diffs: Vec<DiffView> = pages
        .iter()
        .map(|(_, pair)| diff_view(pair, catalog))
        .collect();
    render(out, Page::build(&outcomes, &diffs, catalog))
}

fn render(out: &mut dyn Write, page: Page) -> io::Result<()> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(io::Error::other)?;
    let template = env.get_template(TEMPLATE_NAME).map_err(io::Error::other)?;
    let generator = format!("kaiji {} により生成", env!("CARGO_PKG_VERSION"));
    let html = template
        .render(context! {
            csp => content_security_policy(&[SCRIPT]),
            version => env!("CARGO_PKG_VERSION"),
            generator => generator,
            summary => Value::from(Serde(&page.summary)),
            rows => Value::from(Serde(&page.rows)),
            docs => Value::from(Serde(&page.docs)),
            by_rule => Value::from(Serde(&page.by_rule)),
            // A constant of this file, not data: the one text the engine must not escape.
            script => Value::from_safe_string(SCRIPT.to_string()),
        })
        .map_err(io::Error::other)?;
    out.write_all(html.as_bytes())
}

/// The policy: nothing may load, styles only inline, images only as data, and the
/// given scripts only by their hashes. The page has one; a test that drives the page in
/// a browser adds its driver.
pub fn content_security_policy(scripts: &[&str]) -> String {
    let hashes: Vec<String> = scripts
        .iter()
        .map(|script| format!("'sha256-{}'", base64(&Sha256::digest(script.as_bytes()))))
        .collect();
    format!(
        "default-src 'none'; script-src {}; style-src 'unsafe-inline'; \
         img-src data:; base-uri 'none'; form-action 'none'",
        hashes.join(" ")
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
    /// Findings by rule across the batch, most frequent first.
    by_rule: Vec<RuleSummary>,
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

/// A rule's findings across the batch, and the applications they concern.
#[derive(Debug, PartialEq, Serialize)]
struct RuleSummary {
    code: String,
    label: &'static str,
    count: usize,
    docs: Vec<DocLink>,
}

#[derive(Debug, PartialEq, Serialize)]
struct DocLink {
    number: usize,
    anchor: String,
}

/// A line of the summary table.
#[derive(Serialize)]
struct Row {
    number: usize,
    anchor: String,
    path: String,
    company: Option<String>,
    service: Option<String>,
    /// The codes of the rules its findings come from, space-separated (the rule filter).
    rules: String,
    /// What the search box looks in, folded to lower case.
    search: String,
    /// The verdict's place when sorting by it: the worst first, files that are no
    /// application last.
    rank: usize,
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
    company: Option<String>,
    service: Option<String>,
    rules: String,
    /// Folded when there is little to read or too much: a pass, a file that is no
    /// application, or more findings than a reviewer takes in at once.
    open: bool,
    format: String,
    sha256: Option<String>,
    status: &'static str,
    status_label: &'static str,
    mark: &'static str,
    is_error: bool,
    counts: Counts,
    /// The findings, by rule, worst first.
    groups: Vec<GroupView>,
    error: Option<ErrorView>,
    /// What changed since the previous application (`kaiji diff`).
    diff: Option<DiffView>,
}

/// The findings of one document from one rule; a group of many is folded.
#[derive(Serialize)]
struct GroupView {
    code: String,
    rule_label: &'static str,
    severity: &'static str,
    count: usize,
    open: bool,
    findings: Vec<FindingView>,
}

/// Findings of one rule shown unfolded in a document; more are folded under its name.
const GROUP_OPEN_MAX: usize = 5;
/// Findings of one document shown unfolded; past them its section starts folded.
const DOC_OPEN_MAX: usize = 40;

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
    /// The item's answers as the form gives them, the finding's own marked: the answer
    /// in its context.
    context: Vec<ContextLine>,
}

#[derive(Serialize)]
struct ContextLine {
    field: u32,
    label: String,
    raw: String,
    current: bool,
}

impl Page {
    fn build(outcomes: &[Outcome], diffs: &[DiffView], catalog: &Catalog) -> Page {
        let mut summary = Summary {
            files: outcomes.len(),
            ..Summary::default()
        };
        let mut kind_counts = [0usize; ErrorKind::ALL.len()];
        let mut rows = Vec::with_capacity(outcomes.len());
        let mut docs = Vec::with_capacity(outcomes.len());
        // code → (label, findings, documents)
        let mut by_rule: BTreeMap<String, (&'static str, usize, Vec<DocLink>)> = BTreeMap::new();
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
                    let [company, service] = d.names().map(|n| n.map(str::to_string));
                    let codes = rule_codes(&d.findings);
                    for code in &codes {
                        by_rule
                            .entry(code.clone())
                            .or_insert_with(|| (rule_label_of(&d.findings, code), 0, Vec::new()))
                            .2
                            .push(DocLink {
                                number,
                                anchor: anchor.clone(),
                            });
                    }
                    for finding in &d.findings {
                        if let Some(entry) = by_rule.get_mut(&finding.code) {
                            entry.1 += 1;
                        }
                    }
                    Doc {
                        number,
                        anchor,
                        path: source.path.clone(),
                        company,
                        service,
                        rules: codes.join(" "),
                        open: verdict != Verdict::Pass && d.findings.len() <= DOC_OPEN_MAX,
                        format: source.format.clone(),
                        sha256: source.sha256.clone(),
                        status: verdict.name(),
                        status_label,
                        mark,
                        is_error: false,
                        counts: counts(&d.findings),
                        groups: groups(d, catalog),
                        error: None,
                        diff: None,
                    }
                }
                Outcome::Error(e) => {
                    // A file that is no application is listed apart from real failures.
                    let set_aside = e.error.kind.is_no_application();
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
                        company: None,
                        service: None,
                        rules: String::new(),
                        open: !set_aside,
                        format: source.format.clone(),
                        sha256: source.sha256.clone(),
                        status,
                        status_label,
                        mark,
                        is_error: true,
                        counts: Counts::default(),
                        groups: Vec::new(),
                        error: Some(ErrorView {
                            kind: e.error.kind.name(),
                            label: error_kind_label(e.error.kind),
                            message: e.error.message.clone(),
                        }),
                        diff: None,
                    }
                }
            };
            let mut doc = doc;
            doc.diff = diffs.get(i).cloned();
            let search = [Some(&doc.path), doc.company.as_ref(), doc.service.as_ref()]
                .into_iter()
                .flatten()
                .map(|t| t.to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            rows.push(Row {
                number,
                anchor: doc.anchor.clone(),
                path: doc.path.clone(),
                company: doc.company.clone(),
                service: doc.service.clone(),
                rules: doc.rules.clone(),
                search,
                rank: ["reject", "review", "pass", "error", "other"]
                    .iter()
                    .position(|s| *s == doc.status)
                    .unwrap_or(5),
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
        let mut by_rule: Vec<RuleSummary> = by_rule
            .into_iter()
            .map(|(code, (label, count, docs))| RuleSummary {
                code,
                label,
                count,
                docs,
            })
            .collect();
        // Most frequent first; ties by code (the map's order), so the page is stable.
        by_rule.sort_by_key(|r| Reverse(r.count));
        Page {
            summary,
            rows,
            docs,
            by_rule,
        }
    }
}

/// The codes of the rules behind the findings, each once, in code order.
fn rule_codes(findings: &[Finding]) -> Vec<String> {
    let codes: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| f.code.as_str()).collect();
    codes.into_iter().map(str::to_string).collect()
}

/// The family label of the rule `code` (its findings share one family).
fn rule_label_of(findings: &[Finding], code: &str) -> &'static str {
    findings
        .iter()
        .find(|f| f.code == code)
        .map_or("", |f| rule_label(f.rule))
}

/// The findings grouped by rule (and severity, where a rule's findings differ in it):
/// groups in the order of their worst finding (see
/// [`sorted`]), each group's findings in that order too.
fn groups(document: &DocumentResult, catalog: &Catalog) -> Vec<GroupView> {
    let mut groups: Vec<GroupView> = Vec::new();
    for finding in sorted(&document.findings) {
        let mut view = finding_view(finding, catalog);
        view.context = context(document, finding, catalog);
        let severity = severity_name(finding.severity);
        match groups
            .iter_mut()
            .find(|g| g.code == finding.code && g.severity == severity)
        {
            Some(group) => group.findings.push(view),
            None => groups.push(GroupView {
                code: finding.code.clone(),
                rule_label: rule_label(finding.rule),
                severity,
                count: 0,
                open: true,
                findings: vec![view],
            }),
        }
    }
    for group in &mut groups {
        group.count = group.findings.len();
        group.open = group.count <= GROUP_OPEN_MAX;
    }
    groups
}

/// Worst first (reject, review, info), then by item (whole-document findings first) and
/// field; findings that tie keep their order.
fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| (Reverse(f.severity), f.item, f.field));
    sorted
}

/// The answers of the finding's item, each under its field's label, when the item has
/// more than the one the finding quotes.
fn context(document: &DocumentResult, finding: &Finding, catalog: &Catalog) -> Vec<ContextLine> {
    let Some(number) = finding.item else {
        return Vec::new();
    };
    let Some(answered) = document.items.iter().find(|i| i.number == number) else {
        return Vec::new();
    };
    let item = catalog.item(number);
    let lines: Vec<ContextLine> = answered
        .fields
        .iter()
        .map(|f| ContextLine {
            field: f.index,
            label: item
                .and_then(|i| i.field(f.index))
                .map_or_else(String::new, |field| field.label.clone()),
            raw: crate::text::excerpt(&f.raw, crate::text::QUOTE_CHARS),
            current: finding.field == Some(f.index),
        })
        .collect();
    let says_more = lines.iter().any(|l| !l.current);
    if says_more { lines } else { Vec::new() }
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
        context: Vec::new(),
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
        Rule::Renewal => "前回との比較",
    }
}

/// The result a renewal's page shows: its own findings and the renewal rules', and the
/// worse of the two verdicts.
fn with_renewal_findings(outcome: &Outcome, pair: &PairResult) -> Outcome {
    let mut outcome = outcome.clone();
    if let Outcome::Document(d) = &mut outcome {
        d.findings.extend(pair.findings.iter().cloned());
        d.verdict = d.verdict.max(pair.verdict);
    }
    outcome
}

/// An application's 前回との差分 section.
#[derive(Debug, Clone, Serialize)]
struct DiffView {
    pairing: &'static str,
    /// Why there is nothing to compare: a new or withdrawn application, a side unread.
    note: Option<String>,
    previous: Option<String>,
    current: Option<String>,
    counts: crate::diff::Counts,
    /// Added, removed and changed answers.
    rows: Vec<ChangeRow>,
    /// Answers only written otherwise: folded away.
    respelled: Vec<ChangeRow>,
}

/// One field that differs, old and new side by side, what differs marked.
#[derive(Debug, Clone, Serialize)]
struct ChangeRow {
    item: u32,
    field: u32,
    title: String,
    change: &'static str,
    change_label: &'static str,
    before: Option<Vec<Segment>>,
    after: Option<Vec<Segment>>,
}

/// A run of an answer's characters, marked where the other side differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Segment {
    text: String,
    marked: bool,
}

fn diff_view(pair: &PairResult, catalog: &Catalog) -> DiffView {
    let note = match (pair.errors.first(), pair.pairing) {
        (Some(error), _) => Some(format!(
            "{}の申請書を読み取れないため、比較していません（{}）。",
            if error.side == "previous" {
                "前回"
            } else {
                "今回"
            },
            error_kind_label(error.error.kind)
        )),
        (None, Pairing::New) => Some("前回の申請がありません（新規）。".to_string()),
        (None, Pairing::Withdrawn) => {
            Some("今回の申請がありません（取り下げ、または未提出）。".to_string())
        }
        (None, _) => None,
    };
    let mut view = DiffView {
        pairing: match pair.pairing {
            Pairing::Given => "指定された2ファイル",
            Pairing::Names => "事業者名とサービス名称",
            Pairing::FileName => "ファイル名",
            Pairing::New => "新規",
            Pairing::Withdrawn => "取り下げ",
        },
        note,
        previous: pair.previous.as_ref().map(|s| s.path.clone()),
        current: pair.current.as_ref().map(|s| s.path.clone()),
        counts: pair.counts,
        rows: Vec::new(),
        respelled: Vec::new(),
    };
    for change in &pair.changes {
        let (before, after) = marked(change.before.as_ref(), change.after.as_ref());
        let row = ChangeRow {
            item: change.item,
            field: change.field,
            title: catalog
                .item(change.item)
                .map_or_else(String::new, |i| i.title.clone()),
            change: change.change.name(),
            change_label: match change.change {
                ChangeKind::Added => "追加",
                ChangeKind::Removed => "削除",
                ChangeKind::Changed => "変更",
                ChangeKind::Respelled => "表記ゆれ",
            },
            before,
            after,
        };
        match change.change {
            ChangeKind::Respelled => view.respelled.push(row),
            _ => view.rows.push(row),
        }
    }
    view
}

/// How long the character diff of one answer may take; past it, the runs found so far
/// are marked more coarsely.
const DIFF_TIME: std::time::Duration = std::time::Duration::from_millis(50);

/// Both sides' text in runs, the characters one side has and the other has not marked:
/// character by character, since Japanese has no spaces between words.
fn marked(
    before: Option<&Side>,
    after: Option<&Side>,
) -> (Option<Vec<Segment>>, Option<Vec<Segment>>) {
    let whole = |side: &Side| {
        vec![Segment {
            text: side.raw.clone(),
            marked: false,
        }]
    };
    let (Some(old), Some(new)) = (before, after) else {
        return (before.map(whole), after.map(whole));
    };
    let diff = similar::TextDiff::configure()
        .timeout(DIFF_TIME)
        .diff_chars(old.raw.as_str(), new.raw.as_str());
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let push = |runs: &mut Vec<Segment>, text: &str, marked: bool| match runs.last_mut() {
        Some(last) if last.marked == marked => last.text.push_str(text),
        _ => runs.push(Segment {
            text: text.to_string(),
            marked,
        }),
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            similar::ChangeTag::Equal => {
                push(&mut left, text, false);
                push(&mut right, text, false);
            }
            similar::ChangeTag::Delete => push(&mut left, text, true),
            similar::ChangeTag::Insert => push(&mut right, text, true),
        }
    }
    (Some(left), Some(right))
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
            minijinja::HtmlEscape(&content_security_policy(&[script]))
        );
        assert!(html.contains(&csp), "policy missing");
        assert!(csp.contains(&minijinja::HtmlEscape(&format!("sha256-{hash}")).to_string()));
        assert!(csp.contains("default-src &#x27;none&#x27;"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }

    #[test]
    fn summary_counts_verdicts_and_error_kinds() {
        let page = Page::build(&batch(), &[], Catalog::builtin());
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
        let page = Page::build(&batch(), &[], Catalog::builtin());
        let order: Vec<(&str, Option<u32>)> = page.docs[0]
            .groups
            .iter()
            .flat_map(|g| &g.findings)
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
