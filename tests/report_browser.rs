//! The HTML report in a real browser: Debian's headless Chromium loads a report whose
//! answers and file names carry script and markup, and the DOM it builds must show them
//! as text only, with nothing run.
//!
//! A second test drives a 300-application report as a reviewer would (search, filter
//! by verdict and by rule, sort, fold, follow a link and the link back) through a small
//! driver script added to the page, whose results the DOM carries out.
//!
//! Needs `/usr/bin/chromium` (`apt-get install -y chromium`); set `KAIJI_SKIP_BROWSER=1`
//! to skip the test where no browser can be installed.

use kaiji::answers::{FieldResult, ItemResult};
use kaiji::catalog::Catalog;
use kaiji::findings::{Finding, Rule, Severity, Verdict};
use kaiji::ingest::{ErrorKind, IngestError};
use kaiji::model::Location;
use kaiji::normalize::Value;
use kaiji::pipeline::{DocumentResult, ErrorResult, FORM_KIND, Form, Outcome, SCHEMA, Source};
use kaiji::report::html::{content_security_policy, write_html};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CHROMIUM: &str = "/usr/bin/chromium";
const INJECTION: &str =
    "<script>document.title='pwned'</script><img src=x onerror=\"document.body.dataset.pwned=1\">";
const TITLE: &str = "事前審査レポート（3件）";

fn finding(item: u32, severity: Severity, rule: Rule, message: &str, quote: &str) -> Finding {
    Finding {
        item: Some(item),
        field: Some(1),
        rule,
        code: rule.name().to_string(),
        severity,
        related: Vec::new(),
        message: message.to_string(),
        quote: Some(quote.to_string()),
        at: Some(Location::Cell {
            sheet: "申請書".to_string(),
            row: item + 10,
            col: 5,
        }),
    }
}

fn document(path: &str, findings: Vec<Finding>) -> Outcome {
    let verdict = Verdict::of(&findings);
    Outcome::Document(Box::new(DocumentResult {
        schema: SCHEMA,
        source: Source {
            path: path.to_string(),
            format: "xlsx".to_string(),
            sha256: Some("0".repeat(64)),
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

fn batch() -> Vec<Outcome> {
    vec![
        document(
            "in/申請書A.xlsx",
            vec![
                finding(
                    9,
                    Severity::Reject,
                    Rule::Missing,
                    "売上高（9: 必須開示項目）が未記入です。",
                    INJECTION,
                ),
                finding(
                    2,
                    Severity::Review,
                    Rule::Invalid,
                    "事業者名の記述内容1を確認してください。",
                    &format!("株式会社サンプル\n{INJECTION}"),
                ),
                finding(
                    12,
                    Severity::Info,
                    Rule::Unrecognized,
                    "参考：記述が短すぎます。",
                    "ok",
                ),
            ],
        ),
        document(
            &format!("in/{INJECTION}.xlsx"),
            vec![finding(
                5,
                Severity::Review,
                Rule::Contradiction,
                "設立年月日と事業開始日が矛盾しています。",
                INJECTION,
            )],
        ),
        Outcome::Error(ErrorResult {
            schema: SCHEMA,
            source: Source {
                path: "in/暗号化.pdf".to_string(),
                format: "pdf".to_string(),
                sha256: None,
            },
            error: IngestError::new(
                ErrorKind::Encrypted,
                "the file is encrypted; password required",
            ),
        }),
    ]
}

/// A fresh directory under the test target's temporary directory.
fn fresh_dir(name: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium on the file and returns the DOM it built.
fn dump_dom(html: &Path, profile: &Path) -> String {
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        // Time for the driver's timers (the hash changes a link makes are asynchronous).
        .arg("--virtual-time-budget=5000")
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {CHROMIUM}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(120);
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = out.join().unwrap();
    let log = err.join().unwrap();
    assert!(
        status.success() && !dom.is_empty(),
        "chromium failed ({status}):\n{log}"
    );
    dom
}

/// Text as the DOM serializer writes it inside an element.
fn as_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn injected_markup_stays_text_in_a_real_browser() {
    if std::env::var("KAIJI_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("KAIJI_SKIP_BROWSER=1: browser test skipped");
        return;
    }
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} not found: run `apt-get install -y chromium` \
         (or set KAIJI_SKIP_BROWSER=1 to skip this test)"
    );

    let outcomes = batch();
    let dir = fresh_dir("report-browser");
    let html_path = dir.join("report.html");
    let mut file = std::fs::File::create(&html_path).unwrap();
    write_html(&mut file, &outcomes, Catalog::builtin()).unwrap();
    drop(file);
    let profile = dir.join("profile");
    std::fs::create_dir_all(&profile).unwrap();

    let dom = dump_dom(&html_path, &profile);

    for outcome in &outcomes {
        if let Outcome::Document(d) = outcome {
            for f in &d.findings {
                assert!(
                    dom.contains(&as_text(&f.message)),
                    "message missing: {}",
                    f.message
                );
            }
        }
    }
    assert!(dom.contains("the file is encrypted; password required"));
    assert!(dom.contains("暗号化"));

    let title_start = dom.find("<title>").expect("no title") + "<title>".len();
    let title_end = dom[title_start..].find("</title>").unwrap() + title_start;
    let title = &dom[title_start..title_end];
    assert_ne!(title, "pwned");
    assert_eq!(title, TITLE);

    assert!(!dom.contains("data-pwned"), "an injected handler ran");
    assert!(!dom.contains("<img"), "an injected element was built");
    assert_eq!(
        dom.matches("<script").count(),
        1,
        "only the report's own script may exist"
    );
    // The injection is there, as text: in three quotes and in the file name (summary
    // table and section heading).
    let injected_text = as_text(INJECTION);
    let shown = dom.matches(&injected_text).count();
    assert!(
        shown >= 5,
        "injected markup shown as text {shown} times, expected 5:\n{dom}"
    );
    // The page's own script was allowed by the policy and ran.
    assert!(
        dom.contains("data-filters=\"ready\""),
        "the filter script did not run"
    );

    let _ = std::fs::remove_dir_all(&dir);
}

/// Application `i` of the large batch: named 株式会社テスト{i:04}; every third passes,
/// every third has one `invalid` finding, every third a `missing` one and eight
/// `invalid` ones (a group that starts folded); the tenth has 60 (a folded section).
fn application(i: usize) -> Outcome {
    let mut findings = Vec::new();
    match i % 3 {
        0 => {}
        1 => findings.push(finding(2, Severity::Review, Rule::Invalid, "確認", "x")),
        _ => {
            findings.push(finding(9, Severity::Reject, Rule::Missing, "未記入", ""));
            for item in 10..18 {
                findings.push(finding(item, Severity::Review, Rule::Invalid, "確認", "x"));
            }
        }
    }
    if i == 10 {
        for item in 20..80 {
            findings.push(finding(item, Severity::Review, Rule::Invalid, "確認", "x"));
        }
    }
    let mut outcome = document(&format!("in/{i:04}.xlsx"), findings);
    if let Outcome::Document(d) = &mut outcome {
        let answer = |number: u32, title: &str, raw: String| ItemResult {
            number,
            title: title.to_string(),
            fields: vec![FieldResult {
                index: 1,
                raw,
                value: Value::Text,
                at: Location::Cell {
                    sheet: "申請書".to_string(),
                    row: number,
                    col: 4,
                },
                confidence: 1.0,
                matched_label: None,
                centres: Vec::new(),
            }],
        };
        d.items = vec![
            answer(2, "事業者名", format!("株式会社テスト{i:04}")),
            answer(34, "サービス名称", format!("サービス{i}")),
        ];
    }
    outcome
}

/// Acts as a reviewer on the page, then writes what it saw into `<pre id="driver">`.
const DRIVER: &str = r##"
(function () {
  var out = {};
  var rows = document.querySelectorAll('tr[data-verdict]');
  function visible() { var n = 0; for (var i = 0; i < rows.length; i++) { if (!rows[i].hidden) { n++; } } return n; }
  function set(el, value, type) {
    if (el.type === 'checkbox') { el.checked = value; } else { el.value = value; }
    el.dispatchEvent(new Event(type));
  }
  var search = document.getElementById('search');
  out.all = visible();
  var started = performance.now();
  set(search, '株式会社テスト0007', 'input');
  out.searchMs = performance.now() - started;
  out.searched = visible();
  out.foundHidden = document.getElementById('doc-8').hidden;
  out.otherHidden = document.getElementById('doc-9').hidden;
  set(search, '', 'input');
  var pass = document.querySelector('input[data-verdict="pass"]');
  set(pass, false, 'change');
  out.withoutPass = visible();
  set(pass, true, 'change');
  var rule = document.getElementById('rule');
  set(rule, 'missing', 'change');
  out.byRule = visible();
  set(rule, '', 'change');
  var most = document.querySelector('th[data-sort="review"]');
  most.click();
  most.click();
  out.firstAfterSort = document.querySelector('tbody tr[data-verdict]').getAttribute('data-number');
  var doc = document.getElementById('doc-2');
  out.openBefore = doc.open;
  doc.querySelector('summary').click();
  out.openAfter = doc.open;
  var group = document.querySelector('#doc-3 details.group.review');
  out.groupOpen = group.open;
  var folded = document.getElementById('doc-11');
  out.foldedBefore = folded.open;
  document.querySelector('tr a[href="#doc-11"]').click();
  setTimeout(function () {
    out.foldedAfter = folded.open;
    folded.querySelector('.back a').click();
    setTimeout(function () {
      out.hash = location.hash;
      var pre = document.createElement('pre');
      pre.id = 'driver';
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
    }, 50);
  }, 50);
})();
"##;

#[test]
fn a_reviewer_searches_filters_sorts_folds_and_follows_links_in_a_large_report() {
    if std::env::var("KAIJI_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("KAIJI_SKIP_BROWSER=1: browser test skipped");
        return;
    }
    assert!(Path::new(CHROMIUM).exists(), "{CHROMIUM} not found");
    let outcomes: Vec<Outcome> = (0..300).map(application).collect();
    let mut html = Vec::new();
    write_html(&mut html, &outcomes, Catalog::builtin()).unwrap();
    let html = String::from_utf8(html).unwrap();
    // The page's own script, and the driver after it, both allowed by the policy.
    let start = html.find("<script>").unwrap() + "<script>".len();
    let end = html.find("</script>").unwrap();
    let script = &html[start..end];
    let policy = |scripts: &[&str]| {
        format!(
            "content=\"{}\"",
            // As the template's HTML escaping writes an attribute.
            content_security_policy(scripts)
                .replace('\'', "&#x27;")
                .replace('/', "&#x2f;")
        )
    };
    assert!(html.contains(&policy(&[script])), "the page's policy");
    let driven = html
        .replace(&policy(&[script]), &policy(&[script, DRIVER]))
        .replace("</body>", &format!("<script>{DRIVER}</script>\n</body>"));
    let dir = fresh_dir("report-driven");
    let path = dir.join("report.html");
    std::fs::write(&path, driven).unwrap();
    let profile = dir.join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let dom = dump_dom(&path, &profile);
    let start = dom.find("<pre id=\"driver\">").expect("the driver ran") + 17;
    let end = dom[start..].find("</pre>").unwrap() + start;
    let seen: serde_json::Value =
        serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap();
    assert_eq!(seen["all"], 300, "{seen}");
    assert_eq!(
        seen["searched"], 1,
        "search finds the one by its 事業者名: {seen}"
    );
    assert_eq!(seen["foundHidden"], false);
    assert_eq!(seen["otherHidden"], true, "its section alone stays");
    assert_eq!(seen["withoutPass"], 200, "{seen}");
    assert_eq!(seen["byRule"], 100, "{seen}");
    assert_eq!(seen["firstAfterSort"], "11", "most findings first: {seen}");
    assert_eq!(seen["openBefore"], true);
    assert_eq!(seen["openAfter"], false, "a section folds");
    assert_eq!(
        seen["groupOpen"], false,
        "eight findings of a rule start folded"
    );
    assert_eq!(seen["foldedBefore"], false, "60 findings start folded");
    assert_eq!(seen["foldedAfter"], true, "a link to it opens it");
    assert_eq!(seen["hash"], "#list", "and its link leads back to the list");
    assert!(
        seen["searchMs"].as_f64().is_some_and(|ms| ms < 200.0),
        "filtering 300 applications without visible delay: {seen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An application whose answers are given as (item, field, raw), typed as text.
fn answered(path: &str, answers: &[(u32, u32, &str)]) -> Outcome {
    let mut items: Vec<ItemResult> = Vec::new();
    for &(number, index, raw) in answers {
        let field = FieldResult {
            index,
            raw: raw.to_string(),
            value: Value::Text,
            at: Location::Page { page: 1 },
            confidence: 1.0,
            matched_label: None,
            centres: Vec::new(),
        };
        match items.iter_mut().find(|i| i.number == number) {
            Some(item) => item.fields.push(field),
            None => items.push(ItemResult {
                number,
                title: String::new(),
                fields: vec![field],
            }),
        }
    }
    let mut outcome = document(path, Vec::new());
    if let Outcome::Document(d) = &mut outcome {
        d.items = items;
    }
    outcome
}

#[test]
fn the_renewal_section_marks_changes_and_folds_respellings_in_a_real_browser() {
    if std::env::var("KAIJI_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("KAIJI_SKIP_BROWSER=1: browser test skipped");
        return;
    }
    use kaiji::diff::{Pairing, pair};
    use kaiji::report::html::write_renewal_html;
    let catalog = Catalog::builtin();
    let before = answered(
        "前回.xlsx",
        &[
            (2, 1, "株式会社ＡＢＣ"),
            (36, 1, "IoTデータの収集基盤を提供します。"),
            (110, 1, INJECTION),
        ],
    );
    let after = answered(
        "今回.pdf",
        &[
            (2, 1, "株式会社ABC"),
            (36, 1, "IoTデータの収集・分析基盤を提供します。"),
            (110, 1, &format!("{INJECTION}追記")),
        ],
    );
    let result = pair(Some(&before), Some(&after), Pairing::Given, catalog);
    let dir = fresh_dir("renewal-browser");
    let html_path = dir.join("renewal.html");
    let mut file = std::fs::File::create(&html_path).unwrap();
    write_renewal_html(&mut file, &[(&after, &result)], catalog).unwrap();
    drop(file);
    let profile = dir.join("profile");
    std::fs::create_dir_all(&profile).unwrap();
    let dom = dump_dom(&html_path, &profile);

    assert!(dom.contains("前回との差分"));
    // Inside the text, character by character: 「・分析」 inserted, nothing deleted.
    assert!(
        dom.contains("IoTデータの収集<ins>・分析</ins>基盤を提供します。"),
        "{dom}"
    );
    assert!(dom.contains("<ins>追記</ins>"));
    // The respelled name is folded away: its details element is closed.
    let respelled = dom
        .find("<details class=\"respelled\">")
        .expect("respelled folded");
    assert!(
        dom[respelled..]
            .starts_with("<details class=\"respelled\"><summary>表記だけが違う回答 1件")
    );
    // The injected answer is text on both sides, and nothing of it ran.
    assert!(dom.matches(&as_text(INJECTION)).count() >= 2);
    assert!(!dom.contains("data-pwned") && !dom.contains("<img"));
    assert_eq!(dom.matches("<script").count(), 1);
    assert!(
        dom.contains("data-filters=\"ready\""),
        "the page's script ran"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
