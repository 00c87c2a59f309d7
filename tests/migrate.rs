//! `kaiji migrate` and the label matcher behind it, on the legacy fixtures: which form
//! a document is, answers under today's item numbers with the label they were matched
//! by, and what cannot be placed reported rather than assigned.

use kaiji::pipeline::{self, DocumentResult, Outcome, Setup, Stages, THRESHOLD};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn read(path: &str, stages: Stages) -> Box<DocumentResult> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match pipeline::process(&root.join(path), path, &Setup::builtin(stages)) {
        Outcome::Document(document) => document,
        Outcome::Error(error) => panic!("{path}: {:?}", error.error),
    }
}

#[test]
fn the_asp_saas_form_is_told_and_read_under_todays_numbers() {
    let document = read("fixtures/legacy/asp-saas-numbered.xlsx", Stages::Migrate);
    assert_eq!(document.form.kind, "asp-saas-legacy");
    assert_eq!(document.form.matched_by, "labels");
    // Its item 3 is 設立年・事業年数, its item 12 the homepage: today's 3 and 4.2.
    let field = |item: u32, index: u32| {
        document
            .items
            .iter()
            .find(|i| i.number == item)
            .and_then(|i| i.fields.iter().find(|f| f.index == index))
            .unwrap_or_else(|| panic!("{item}.{index} answered"))
    };
    assert_eq!(field(3, 1).raw, "2009年4月1日");
    assert_eq!(
        field(3, 1).matched_label.as_deref(),
        Some("設立年・事業年数")
    );
    assert_eq!(field(4, 2).raw, "https://www.soralink-cloud.example.jp/");
    assert_eq!(field(4, 2).matched_label.as_deref(), Some("ホームページ"));
    for item in &document.items {
        for f in &item.fields {
            assert!(
                f.matched_label.is_some(),
                "{}.{} has its label",
                item.number,
                f.index
            );
            assert!(
                f.confidence >= THRESHOLD && f.confidence < 1.0,
                "{}.{}: {}",
                item.number,
                f.index,
                f.confidence
            );
        }
    }
}

#[test]
fn a_row_todays_form_does_not_have_is_reported_not_assigned() {
    let document = read("fixtures/legacy/asp-saas-numbered.xlsx", Stages::Migrate);
    let answers: Vec<&str> = document
        .items
        .iter()
        .flat_map(|i| i.fields.iter().map(|f| f.raw.as_str()))
        .collect();
    let legacy_only = "国内3拠点（東京本社、大阪支店、福岡営業所）";
    assert!(!answers.contains(&legacy_only));
    let findings = serde_json::to_value(&document.findings).expect("serializable");
    let reported = findings.as_array().into_iter().flatten().any(|f| {
        f["rule"] == "unrecognized"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("事業所数"))
    });
    assert!(reported, "{findings:#}");
    // And kept apart, with its label, where it was.
    let unmapped: Vec<(&str, &str)> = document
        .unmapped
        .iter()
        .map(|u| (u.label.as_str(), u.raw.as_str()))
        .collect();
    assert_eq!(unmapped, [("事業所数", legacy_only)]);
}

#[test]
fn the_first_edition_numbers_are_not_trusted_where_the_labels_say_otherwise() {
    // Its item 3 is ホームページ and its item 4 設立年: extract reads them as 4.2 and 3.
    let document = read(
        "fixtures/legacy/first-edition-numbered.docx",
        Stages::Extract,
    );
    assert_eq!(document.form.kind, "iot-cloud-iaas-paas-legacy");
    assert_eq!(document.form.matched_by, "labels");
    let raw = |item: u32, index: u32| {
        document
            .items
            .iter()
            .find(|i| i.number == item)
            .and_then(|i| i.fields.iter().find(|f| f.index == index))
            .map(|f| f.raw.as_str())
    };
    assert_eq!(raw(4, 2), Some("https://www.soralink-cloud.example.jp/"));
    assert_eq!(raw(3, 1), Some("2009年4月1日"));
}

#[test]
fn todays_form_keeps_its_numbers() {
    let document = read(
        "fixtures/spreadsheets/official-layout.xlsx",
        Stages::Extract,
    );
    assert_eq!(document.form.kind, "iot-cloud-iaas-paas");
    assert_eq!(document.form.matched_by, "item-numbers");
    assert!(
        document
            .items
            .iter()
            .flat_map(|i| &i.fields)
            .all(|f| f.matched_label.is_none() && f.confidence == 1.0)
    );
}

#[test]
fn migrate_on_the_command_line_writes_every_format() {
    let output = Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .args([
            "migrate",
            "fixtures/legacy/retyped-two-column.xlsx",
            "fixtures/legacy/retyped-two-column.docx",
            "fixtures/legacy/retyped-two-column.pdf",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("kaiji runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let results: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON lines"))
        .collect();
    assert_eq!(results.len(), 3);
    for result in &results {
        assert_eq!(result["schema"], "kaiji/1");
        assert_eq!(result["form"]["matched_by"], "labels");
        assert_eq!(result["form"]["kind"], "iot-cloud-iaas-paas-legacy");
        let fields: Vec<&Value> = result["items"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|i| i["fields"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(fields.len(), 175, "{}", result["source"]["path"]);
        assert!(fields.iter().all(|f| f["matched_label"].is_string()));
    }
}
