//! The command line as users and other tools see it: exit codes, one result per input,
//! output formats, and files written whole.

mod common;

use common::kaiji;

use std::path::{Path, PathBuf};
use std::process::Output;

fn scratch(name: &str) -> PathBuf {
    common::scratch("cli", name)
}

fn lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

const OFFICIAL: &str = "fixtures/spreadsheets/official-layout.xlsx";

#[test]
fn extract_writes_one_json_line_per_input() {
    let output = kaiji(&[
        "extract",
        OFFICIAL,
        "fixtures/spreadsheets/split-sheets.ods",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let results = lines(&output);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["schema"], "kaiji/1");
    assert_eq!(results[0]["source"]["format"], "xlsx");
    assert_eq!(results[1]["source"]["format"], "ods");
    assert_eq!(results[0]["form"]["matched_by"], "item-numbers");
    assert!(
        results[0]["items"]
            .as_array()
            .is_some_and(|items| items.len() > 100)
    );
    assert!(
        output.stderr.is_empty(),
        "no progress bar when stderr is not a terminal"
    );
}

#[test]
fn a_bad_file_is_reported_and_the_batch_goes_on() {
    let dir = scratch("batch");
    std::fs::copy(OFFICIAL, dir.join("a.xlsx")).unwrap();
    std::fs::write(dir.join("b.xlsx"), "this is plain text named .xlsx").unwrap();
    std::fs::write(dir.join("c.pdf.xlsx"), b"%PDF-1.4\n%broken").unwrap();
    std::fs::write(dir.join("d empty.ods"), b"").unwrap();
    let truncated = std::fs::read(OFFICIAL).unwrap();
    std::fs::write(
        dir.join("e truncated.xlsx"),
        &truncated[..truncated.len() / 2],
    )
    .unwrap();
    let output = kaiji(&["extract", dir.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "some input could not be read"
    );
    let results = lines(&output);
    let kinds: Vec<(String, String)> = results
        .iter()
        .map(|r| {
            let name = Path::new(r["source"]["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                r["error"]["kind"].as_str().unwrap_or("ok").to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("a.xlsx".to_string(), "ok".to_string()),
            ("b.xlsx".to_string(), "unsupported".to_string()),
            ("c.pdf.xlsx".to_string(), "unreadable".to_string()),
            ("d empty.ods".to_string(), "unreadable".to_string()),
            ("e truncated.xlsx".to_string(), "unreadable".to_string()),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_file_is_written_whole() {
    let dir = scratch("output");
    let target = dir.join("result.json");
    let output = kaiji(&[
        "extract",
        "--format",
        "json",
        "-o",
        target.to_str().unwrap(),
        OFFICIAL,
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(written.as_array().map(Vec::len), Some(1));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left behind"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn csv_has_a_row_per_answer() {
    let output = kaiji(&["extract", "--format", "csv", OFFICIAL]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("\u{feff}ファイル,形式,項目番号,項目名,記述内容,記入内容"));
    assert!(text.contains("fixtures/spreadsheets/official-layout.xlsx,xlsx,2,事業者名,1,株式会社ソラリンク・クラウド,text,"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(kaiji(&["extract"]).status.code(), Some(2));
    assert_eq!(kaiji(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(
        kaiji(&["extract", "--format", "xml", OFFICIAL])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_missing_path_is_an_unreadable_input() {
    let output = kaiji(&["extract", "no/such/file.xlsx"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(lines(&output)[0]["error"]["kind"], "unreadable");
}

#[test]
fn catalog_lists_all_items() {
    let output = kaiji(&["catalog", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let catalog: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let items = catalog["items"].as_array().unwrap();
    assert_eq!(items.len(), 133);
    assert_eq!(items[5]["category"], "mixed");
    assert!(items[5]["fields"].as_array().is_some_and(|f| f.len() > 1));
    assert!(
        catalog["decisions"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );
}

#[test]
fn check_reports_findings_and_fail_on_sets_the_exit_status() {
    // legacy-numbered.xls leaves a required item blank: a reject.
    let rejected = "fixtures/spreadsheets/legacy-numbered.xls";
    let output = kaiji(&["check", OFFICIAL, rejected]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "findings alone do not fail the run"
    );
    let results = lines(&output);
    assert_eq!(results[0]["verdict"], "pass");
    assert_eq!(results[1]["verdict"], "reject");
    let missing = results[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing")
        .expect("a missing finding");
    assert_eq!(missing["item"], 61);
    assert_eq!(missing["severity"], "reject");

    assert_eq!(
        kaiji(&["check", "--fail-on", "reject", rejected])
            .status
            .code(),
        Some(4)
    );
    assert_eq!(
        kaiji(&["check", "--fail-on", "reject", OFFICIAL])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        kaiji(&[
            "check",
            "--fail-on",
            "review",
            "fixtures/spreadsheets/split-sheets.ods"
        ])
        .status
        .code(),
        Some(4)
    );
}

#[test]
fn check_writes_a_findings_csv() {
    let dir = scratch("findings");
    let csv = dir.join("findings.csv");
    let output = kaiji(&[
        "check",
        "--findings-csv",
        csv.to_str().unwrap(),
        "fixtures/spreadsheets/legacy-numbered.xls",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}ファイル,判定,項目番号,項目名,記述内容,規則,重要度,指摘"));
    assert!(
        text.contains(",reject,61,その他サービス,1,missing,reject,"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rules_lists_every_rule() {
    let output = kaiji(&["rules"]);
    assert_eq!(output.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    for id in [
        "required-missing",
        "guide-condition",
        "unreadable-answer",
        "length-limit",
        "present-without-detail",
        "profit-within-sales",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
}

/// A folder of copies of the official fixture, named `0.xlsx`, `1.xlsx`, ….
fn folder_of_applications(name: &str, count: usize) -> PathBuf {
    let dir = scratch(name);
    for i in 0..count {
        std::fs::copy(OFFICIAL, dir.join(format!("{i}.xlsx"))).unwrap();
    }
    dir
}

fn paths_of(results: &[serde_json::Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn output_inside_the_input_folder_is_no_input_and_loses_none() {
    let dir = folder_of_applications("inside", 3);
    let out = dir.join("results.jsonl");
    let run = || {
        let output = kaiji(&[
            "extract",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let text = std::fs::read_to_string(&out).unwrap();
        let results: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        paths_of(&results)
    };
    let expected: Vec<String> = (0..3)
        .map(|i| dir.join(format!("{i}.xlsx")).to_str().unwrap().to_string())
        .collect();
    assert_eq!(run(), expected);
    // Again, with the previous results and a stale temporary of a killed run beside them.
    std::fs::write(dir.join(".results.jsonl.999999.partial"), "{}").unwrap();
    std::fs::write(dir.join("~$0.xlsx"), "lock").unwrap();
    assert_eq!(run(), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_output_that_is_an_input_is_a_usage_error_and_the_input_is_kept() {
    let dir = folder_of_applications("same", 2);
    let input = dir.join("1.xlsx");
    let before = std::fs::read(&input).unwrap();
    for args in [
        vec![
            "extract",
            dir.to_str().unwrap(),
            "-o",
            input.to_str().unwrap(),
        ],
        vec![
            "extract",
            input.to_str().unwrap(),
            "-o",
            input.to_str().unwrap(),
        ],
        vec![
            "check",
            dir.to_str().unwrap(),
            "--report",
            input.to_str().unwrap(),
        ],
    ] {
        let output = kaiji(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("1.xlsx"));
        assert!(output.stdout.is_empty(), "no work done: {args:?}");
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_output_that_cannot_be_written_stops_the_batch_before_any_work() {
    for option in ["-o", "--report", "--findings-csv"] {
        let output = kaiji(&["check", OFFICIAL, option, "no/such/folder/out"]);
        assert_eq!(output.status.code(), Some(2), "{option}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(option) && stderr.contains("no/such/folder/out"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty(), "{option}");
    }
}

#[test]
fn a_bad_limit_is_a_usage_error_naming_it() {
    let run = |vars: &[(&str, &str)], args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kaiji"))
            .args(args)
            .envs(vars.iter().copied())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    for (vars, args, named) in [
        (
            &[("KAIJI_MAX_TIME_PER_FILE", "bogus")][..],
            &["extract", OFFICIAL][..],
            "KAIJI_MAX_TIME_PER_FILE",
        ),
        (
            &[("KAIJI_MAX_CELS", "100")],
            &["extract", OFFICIAL],
            "KAIJI_MAX_CELS",
        ),
        (
            &[],
            &["extract", "--limit", "max_cells", OFFICIAL],
            "--limit",
        ),
        (
            &[],
            &["extract", "--limit", "max_pages=many", OFFICIAL],
            "max_pages",
        ),
    ] {
        let output = run(vars, args);
        assert_eq!(output.status.code(), Some(2), "{vars:?} {args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(named));
        assert!(output.stdout.is_empty());
    }
    // A good --limit applies, over the environment.
    let output = run(
        &[("KAIJI_MAX_CELLS", "5000000")],
        &["extract", "--limit", "max_cells=100", OFFICIAL],
    );
    let result = &lines(&output)[0];
    assert_eq!(result["error"]["kind"], "too-large", "{result}");
    assert!(
        result["error"]["message"]
            .as_str()
            .unwrap()
            .contains("max_cells")
    );
}

#[test]
fn a_terminated_run_leaves_no_temporary_and_keeps_the_previous_result() {
    let dir = folder_of_applications("killed", 60);
    let out = scratch("killed-out");
    let target = out.join("results.jsonl");
    std::fs::write(&target, "previous").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .args(["extract", "-j", "1", dir.to_str().unwrap(), "-o"])
        .arg(&target)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Until its temporary appears, so that the signal comes mid-batch.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out).unwrap().count() < 2
        && started.elapsed() < std::time::Duration::from_secs(30)
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "no temporary left"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn csv_cells_never_open_as_formulas() {
    let dir = scratch("formula");
    // A file name written as a formula, through the CSV writers of both commands (on
    // an application with findings).
    let name = "=HYPERLINK(\"http---x\",\"click\").xls";
    std::fs::copy("fixtures/spreadsheets/legacy-numbered.xls", dir.join(name)).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kaiji"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    assert!(
        !run(&["check", name, "--findings-csv", "findings.csv"])
            .stdout
            .is_empty()
    );
    let answers = run(&["extract", "--format", "csv", name]);
    let findings = std::fs::read_to_string(dir.join("findings.csv")).unwrap();
    for text in [findings, String::from_utf8(answers.stdout).unwrap()] {
        // Rows end in CRLF; a cell's own line breaks are LF.
        let rows: Vec<&str> = text
            .split("\r\n")
            .skip(1)
            .filter(|r| !r.is_empty())
            .collect();
        assert!(!rows.is_empty());
        for row in rows {
            assert!(row.starts_with("\"'=HYPERLINK("), "{row}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_of_a_folder_that_are_no_application_are_results_but_no_failure() {
    let dir = folder_of_applications("set-aside", 1);
    std::fs::write(dir.join("README.md"), "# 申請書の送付について").unwrap();
    std::fs::write(dir.join("results.json"), "{}").unwrap();
    std::fs::write(dir.join("~$0.xlsx"), "lock").unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main").unwrap();
    let output = kaiji(&["extract", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let results = lines(&output);
    let kinds: Vec<(String, Option<&str>)> = results
        .iter()
        .map(|r| {
            let path = r["source"]["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_string();
            (name, r["error"]["kind"].as_str())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("0.xlsx".to_string(), None),
            ("README.md".to_string(), Some("unsupported")),
            ("results.json".to_string(), Some("unsupported")),
        ]
    );
    assert!(output.stderr.is_empty(), "no failure to report");
    // Named on the command line, the same file is meant as an application.
    let named = kaiji(&["extract", dir.join("README.md").to_str().unwrap()]);
    assert_eq!(named.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_added_while_the_batch_runs_changes_nothing() {
    let dir = folder_of_applications("added", 40);
    let out = scratch("added-out").join("results.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .args(["extract", "-j", "1", dir.to_str().unwrap(), "-o"])
        .arg(&out)
        .spawn()
        .unwrap();
    // Once the batch has started writing, a file sorting first and one sorting last.
    let started = std::time::Instant::now();
    while std::fs::read_dir(out.parent().unwrap()).unwrap().count() == 0
        && started.elapsed() < std::time::Duration::from_secs(30)
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::fs::copy(OFFICIAL, dir.join("+first.xlsx")).unwrap();
    std::fs::copy(OFFICIAL, dir.join("~last.xlsx")).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let text = std::fs::read_to_string(&out).unwrap();
    let results: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected: Vec<String> = (0..40)
        .map(|i| dir.join(format!("{i}.xlsx")).to_str().unwrap().to_string())
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(
        paths_of(&results),
        sorted,
        "the inputs as listed at the start"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(out.parent().unwrap()).unwrap();
}
