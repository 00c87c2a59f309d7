//! `kaiji diff` on renewal pairs made from the fixtures with known edits
//! (`fixtures/make/make_renewal.py`): every edit reported with its change, item and
//! field, nothing else, the renewal rules where planted, and folders paired so that
//! every application is paired, new or withdrawn exactly once.

mod common;

use common::{kaiji, scratch};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// What the expectations name of a pair: the changes and findings as sets of
/// (kind or code, item, field).
fn triples(list: &Value, key: &str) -> BTreeSet<(String, u64, u64)> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e[key].as_str().unwrap_or_default().to_string(),
                e["item"].as_u64().unwrap_or(0),
                e["field"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn renewal_fixtures_report_every_edit_and_nothing_else() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/renewal");
    let expected: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .args(["diff", "previous", "current", "--fail-on", "reject"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(4),
        "a required answer dropped is a reject"
    );
    let results = lines(&output.stdout);
    assert_eq!(results.len(), expected.len());
    for (result, expected) in results.iter().zip(&expected) {
        let path = |side: &str| result[side]["path"].as_str().map(str::to_string);
        let name = format!("{:?} → {:?}", path("previous"), path("current"));
        assert_eq!(result["schema"], "kaiji/1");
        assert_eq!(result["pairing"], expected["pairing"], "{name}");
        assert_eq!(
            path("previous").as_deref(),
            expected["previous"].as_str(),
            "{name}"
        );
        assert_eq!(
            path("current").as_deref(),
            expected["current"].as_str(),
            "{name}"
        );
        assert_eq!(
            triples(&result["changes"], "change"),
            triples(&expected["changes"], "change"),
            "{name}: changes"
        );
        assert_eq!(
            triples(&result["findings"], "code"),
            triples(&expected["findings"], "code"),
            "{name}: findings"
        );
        assert_eq!(result["verdict"], expected["verdict"], "{name}");
        // Each change carries both sides as {raw, value}, the one it lacks left out.
        for change in result["changes"].as_array().unwrap() {
            let kind = change["change"].as_str().unwrap();
            for (side, absent) in [("before", "added"), ("after", "removed")] {
                assert_eq!(change[side].is_null(), kind == absent, "{name}: {change}");
                if kind != absent {
                    assert!(
                        change[side]["raw"].is_string()
                            && change[side]["value"]["kind"].is_string()
                    );
                }
            }
        }
        let counts = &result["counts"];
        let listed = result["changes"].as_array().unwrap().len() as u64;
        let counted: u64 = ["added", "removed", "changed", "respelled"]
            .iter()
            .map(|k| counts[k].as_u64().unwrap())
            .sum();
        assert_eq!(listed, counted, "{name}");
    }
    // The required answer dropped quotes what the previous application said.
    let dropped = results[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "required-answer-dropped")
        .unwrap();
    assert!(dropped["quote"].as_str().unwrap().starts_with("NTP"));
    assert_eq!(dropped["severity"], "reject");
}

#[test]
fn two_files_compare_as_given_and_the_same_file_changes_nothing() {
    let output = kaiji(&[
        "diff",
        "fixtures/spreadsheets/official-layout.xlsx",
        "fixtures/pdf/official-layout-lo.pdf",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let results = lines(&output.stdout);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["pairing"], "given");
    // A workbook and its PDF say the same: nothing added, removed or changed.
    assert_eq!(results[0]["changes"], serde_json::json!([]));
    assert!(results[0]["counts"]["unchanged"].as_u64().unwrap() > 150);
}

#[test]
fn folders_pair_every_application_exactly_once() {
    let root = scratch("renewal", "folders");
    let (previous, current) = (root.join("previous"), root.join("current"));
    std::fs::create_dir_all(&previous).unwrap();
    std::fs::create_dir_all(&current).unwrap();
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/spreadsheets/official-layout.xlsx");
    // a00–a05 before, a03–a08 now: three pairs, three withdrawn, three new; and a
    // note that is no application in each folder, left out.
    for i in 0..6 {
        std::fs::copy(&source, previous.join(format!("a{i:02}.xlsx"))).unwrap();
        std::fs::copy(&source, current.join(format!("a{:02}.xlsx", i + 3))).unwrap();
    }
    std::fs::write(previous.join("メモ.txt"), "申請書ではない").unwrap();
    std::fs::write(current.join("メモ.txt"), "申請書ではない").unwrap();
    let output = kaiji(&[
        "diff",
        previous.to_str().unwrap(),
        current.to_str().unwrap(),
        "--format",
        "json",
        "--summary",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut seen = Vec::new();
    for result in &results {
        for side in ["previous", "current"] {
            if let Some(path) = result[side]["path"].as_str() {
                seen.push(path.to_string());
            }
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 12, "{seen:?}");
    assert_eq!(unique.len(), 12, "each application once");
    let kinds: Vec<&str> = results
        .iter()
        .map(|r| r["pairing"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "file-name").count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == "new").count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == "withdrawn").count(), 3);
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("前回と今回の組 3 件") && summary.contains("申請書以外 2 件"),
        "{summary}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_report_shows_what_changed_beside_the_findings() {
    let root = scratch("renewal", "report");
    let report = root.join("renewal.html");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/renewal");
    let output = kaiji(&[
        "diff",
        dir.join("previous").to_str().unwrap(),
        dir.join("current").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "-o",
        root.join("out.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let html = std::fs::read_to_string(&report).unwrap();
    assert_eq!(html.matches("<h3>前回との差分</h3>").count(), 4);
    assert!(
        html.contains("2025年度より、エッジ側での異常検知機能を追加しました。</ins>"),
        "the added sentence marked"
    );
    assert!(
        html.contains("<details class=\"respelled\"><summary>表記だけが違う回答 1件</summary>")
    );
    assert!(html.contains("前回の申請がありません（新規）。"));
    assert!(html.contains("required-answer-dropped"));
    std::fs::remove_dir_all(&root).unwrap();
}
