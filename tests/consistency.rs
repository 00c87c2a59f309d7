//! One application in several formats: the answers kaiji reads must not depend on the
//! format they arrive in.
//!
//! `fixtures/` holds the same application as a spreadsheet (`official-layout.xlsx`)
//! and as two Word documents (`table-layout.docx`, `guide-layout.docx`), and the PDFs
//! LibreOffice exports from the spreadsheet and from the guide-layout document
//! (`fixtures/pdf/*-lo.pdf`, made by `make_pdf.py`).
//!
//! - A PDF against the document it was exported from: the same items and fields, and
//!   for every field the same `raw`, character for character (the PDF shows exactly
//!   what the document holds; wrapping a long line is not a line break).
//! - The source documents against each other: the same items and fields, and where
//!   the generators wrote an answer in another spelling on purpose (`2024/6/1` and
//!   `2024年6月1日`, `①④` and `①、④`, `有り` and `有`, ...), the same typed value. A
//!   typed spreadsheet cell shows no unit (`1,284` against `1,284名`), so a `unit`
//!   present on one side only is not a difference.
//!
//! Every difference is listed in the failure message, with both sides quoted.

mod common;

use common::fields_of;
use kaiji::pipeline::{self, Outcome, Setup, Stages};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The application in each source format, paths under the crate root; the first is
/// the one the others are compared with.
const SOURCES: [&str; 3] = [
    "fixtures/spreadsheets/official-layout.xlsx",
    "fixtures/word/table-layout.docx",
    "fixtures/word/guide-layout.docx",
];

/// (source document, the PDF LibreOffice exported from it).
const PDF_PAIRS: [(&str, &str); 2] = [
    (
        "fixtures/spreadsheets/official-layout.xlsx",
        "fixtures/pdf/official-layout-lo.pdf",
    ),
    (
        "fixtures/word/guide-layout.docx",
        "fixtures/pdf/guide-layout-lo.pdf",
    ),
];

/// (item, field) → (raw, value) of every answered field.
type Answers = BTreeMap<(u64, u64), (String, Value)>;

fn read(shown: &str) -> Result<Answers, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(shown);
    let outcome = pipeline::process(&path, shown, &Setup::builtin(Stages::Extract));
    let Outcome::Document(document) = outcome else {
        return Err(format!("{shown}: not read: {outcome:?}"));
    };
    let document = serde_json::to_value(&document).expect("serializable");
    Ok(fields_of(&document)
        .into_iter()
        .map(|(key, field)| {
            let raw = field["raw"].as_str().unwrap_or_default().to_string();
            (key, (raw, field["value"].clone()))
        })
        .collect())
}

fn name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn key(k: &(u64, u64)) -> String {
    format!("item {}.{}", k.0, k.1)
}

/// Fields answered in one document and not in the other, both ways.
fn same_fields(a: (&str, &Answers), b: (&str, &Answers), problems: &mut Vec<String>) {
    for (x, y) in [(a, b), (b, a)] {
        for (k, (raw, _)) in x.1.iter().filter(|(k, _)| !y.1.contains_key(k)) {
            problems.push(format!(
                "{}: answered in {} ({raw:?}) but not in {}",
                key(k),
                name(x.0),
                name(y.0)
            ));
        }
    }
}

/// The typed value, without a `unit` that only one side states.
fn comparable(value: &Value, other: &Value) -> Value {
    let mut value = value.clone();
    if other.get("unit").is_none()
        && let Some(members) = value.as_object_mut()
    {
        members.remove("unit");
    }
    value
}

fn typed(value: &Value) -> bool {
    value.is_object() && value["kind"] != "text"
}

#[test]
fn a_pdf_reads_as_the_document_it_was_exported_from() {
    let mut problems = Vec::new();
    for (source, pdf) in PDF_PAIRS {
        let (a, b) = match (read(source), read(pdf)) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                problems.extend(a.err().into_iter().chain(b.err()));
                continue;
            }
        };
        let mut here = Vec::new();
        same_fields((source, &a), (pdf, &b), &mut here);
        for (k, (raw, _)) in &a {
            if let Some((pdf_raw, _)) = b.get(k)
                && raw != pdf_raw
            {
                here.push(format!(
                    "{}: raw {raw:?} in {} but {pdf_raw:?} in {}",
                    key(k),
                    name(source),
                    name(pdf)
                ));
            }
        }
        if !here.is_empty() {
            problems.push(format!(
                "{} against {} ({} fields in the source, {} in the PDF): {} differences",
                name(pdf),
                name(source),
                a.len(),
                b.len(),
                here.len()
            ));
            problems.extend(here.into_iter().map(|p| format!("  {p}")));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_source_formats_agree_on_every_answer() {
    let mut problems = Vec::new();
    let (first, rest) = SOURCES.split_first().expect("sources");
    let base = read(first).unwrap_or_else(|e| panic!("{e}"));
    assert!(base.len() > 100, "{first}: only {} fields", base.len());
    for source in rest {
        let other = match read(source) {
            Ok(answers) => answers,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let mut here = Vec::new();
        same_fields((first, &base), (source, &other), &mut here);
        for (k, (raw, value)) in &base {
            let Some((other_raw, other_value)) = other.get(k) else {
                continue;
            };
            if raw == other_raw {
                continue;
            }
            // Spelled differently: the typed values must be the same.
            let (v, w) = (
                comparable(value, other_value),
                comparable(other_value, value),
            );
            if !(typed(&v) && v == w) {
                here.push(format!(
                    "{}: {raw:?} in {} is {v} but {other_raw:?} in {} is {w}",
                    key(k),
                    name(first),
                    name(source)
                ));
            }
        }
        if !here.is_empty() {
            problems.push(format!(
                "{} against {}: {} differences",
                name(source),
                name(first),
                here.len()
            ));
            problems.extend(here.into_iter().map(|p| format!("  {p}")));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
