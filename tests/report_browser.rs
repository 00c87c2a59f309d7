//! The HTML report in a real browser: Debian's headless Chromium loads a report whose
//! answers and file names carry script and markup, and the DOM it builds must show them
//! as text only, with nothing run.
//!
//! Needs `/usr/bin/chromium` (`apt-get install -y chromium`); set `KAIJI_SKIP_BROWSER=1`
//! to skip the test where no browser can be installed.

use kaiji::catalog::Catalog;
use kaiji::findings::{Finding, Rule, Severity, Verdict};
use kaiji::ingest::{ErrorKind, IngestError};
use kaiji::model::Location;
use kaiji::pipeline::{DocumentResult, ErrorResult, FORM_KIND, Form, Outcome, SCHEMA, Source};
use kaiji::report::html::write_html;
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
