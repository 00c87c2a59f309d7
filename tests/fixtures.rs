//! Every fixture with an `*.expected.json` beside it is read and compared with what
//! its producer says it holds: the same items and fields, the same raw text at the
//! same place, and the same values where the expectation states one.

mod common;

use common::fields_of;
use kaiji::pipeline::{self, Outcome, Setup, Stages};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn expected_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(expected_files(&path));
        } else if path.to_string_lossy().ends_with(".expected.json") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Every member the expectation states is present with the same value.
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| contains(av, v))),
        (Value::Number(a), Value::Number(e)) => a.as_f64() == e.as_f64(),
        _ => actual == expected,
    }
}

fn check_fixture(expected_path: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(expected_path).expect("readable expectation"),
    )
    .expect("valid expectation JSON");
    let shown = expected["source"]["path"]
        .as_str()
        .expect("source.path")
        .to_string();
    let outcome = pipeline::process(&root.join(&shown), &shown, &Setup::builtin(Stages::Extract));
    let Outcome::Document(document) = outcome else {
        return vec![format!("{shown}: not read: {outcome:?}")];
    };
    let actual = serde_json::to_value(&document).expect("serializable");
    let mut problems = Vec::new();
    for member in ["schema", "source", "form"] {
        if !contains(&actual[member], &expected[member]) {
            problems.push(format!(
                "{shown}: {member} is {} not {}",
                actual[member], expected[member]
            ));
        }
    }
    let (want, got) = (fields_of(&expected), fields_of(&actual));
    for (key, field) in &want {
        match got.get(key) {
            None => problems.push(format!(
                "{shown}: {key:?} not found (expected {:?})",
                field["raw"]
            )),
            Some(found) => {
                for member in ["raw", "at", "value"] {
                    if field.get(member).is_some() && !contains(&found[member], &field[member]) {
                        problems.push(format!(
                            "{shown}: {key:?} {member} is {} not {}",
                            found[member], field[member]
                        ));
                    }
                }
            }
        }
    }
    for key in got.keys().filter(|k| !want.contains_key(k)) {
        problems.push(format!(
            "{shown}: {key:?} found but not expected: {}",
            got[key]["raw"]
        ));
    }
    problems
}

#[test]
fn every_fixture_reads_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let files = expected_files(&root);
    assert!(files.len() >= 3, "fixtures with expectations: {files:?}");
    let problems: Vec<String> = files.iter().flat_map(|f| check_fixture(f)).collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
