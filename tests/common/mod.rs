//! What the test suites share: running the built binary from the project root, a
//! fresh scratch directory per test, and the answered fields of a result.
#![allow(dead_code)] // each suite uses its own part of this module

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs `kaiji` with `args` from the project root, so fixture paths are relative.
pub fn kaiji(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("kaiji runs")
}

/// An empty directory of its own for one test of one suite.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kaiji-{suite}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// (item, field) → the field object.
pub fn fields_of(document: &Value) -> BTreeMap<(u64, u64), Value> {
    let mut fields = BTreeMap::new();
    for item in document["items"].as_array().into_iter().flatten() {
        let number = item["number"].as_u64().unwrap_or(0);
        for field in item["fields"].as_array().into_iter().flatten() {
            fields.insert(
                (number, field["index"].as_u64().unwrap_or(0)),
                field.clone(),
            );
        }
    }
    fields
}
