//! One input file through the stages: ingest → locate → normalize (→ check), into the
//! contract's result object. Each stage is called here and nowhere else.

use crate::answers::{Answers, Nearest, Unmapped};
pub use crate::answers::{CentreResult, FieldResult, ItemResult};
use crate::catalog::Catalog;
use crate::check::{self, CrossChecks, reading};
use crate::findings::{Finding, Verdict};
use crate::ingest::{self, IngestError, Limits};
use crate::locate::{self, LocateNote, Locator, MatchedBy, NoteKind};
use crate::normalize::{self, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Instant;

pub const SCHEMA: &str = "kaiji/1";
pub const FORM_KIND: &str = "iot-cloud-iaas-paas";
pub use crate::locate::THRESHOLD;

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub path: String,
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub kind: &'static str,
    pub matched_by: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentResult {
    pub schema: &'static str,
    pub source: Source,
    pub form: Form,
    pub items: Vec<ItemResult>,
    pub findings: Vec<Finding>,
    /// Answers whose labels name no field of today's form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmapped: Vec<Unmapped>,
    /// Set by `check` only: `extract` and `migrate` check nothing, so claim no verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// The answers that name an application for people, and pair a renewal with the
/// application before it: 事業者名 and サービス名称.
pub const NAMING_FIELDS: [(u32, u32); 2] = [(2, 1), (34, 1)];

impl DocumentResult {
    /// The application's 事業者名 and サービス名称, as answered.
    pub fn names(&self) -> [Option<&str>; 2] {
        NAMING_FIELDS.map(|(item, field)| {
            self.items
                .iter()
                .find(|i| i.number == item)
                .and_then(|i| i.fields.iter().find(|f| f.index == field))
                .map(|f| f.raw.as_str())
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorResult {
    pub schema: &'static str,
    pub source: Source,
    pub error: IngestError,
}

/// What one input gives: a result, or the reason it could not be processed.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    Document(Box<DocumentResult>),
    Error(ErrorResult),
}

impl Outcome {
    pub fn source(&self) -> &Source {
        match self {
            Outcome::Document(d) => &d.source,
            Outcome::Error(e) => &e.source,
        }
    }
}

/// How far to take a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stages {
    /// Find and type the answers (`kaiji extract`).
    Extract,
    /// Also run the checker's rules (`kaiji check`).
    Check,
    /// Find and type the answers of a legacy form by what its labels say, under today's
    /// item numbers (`kaiji migrate`).
    Migrate,
}

/// What the stages work from, built once for a run: the locator (with the catalog and
/// what is derived from it), the cross-item checks, the limits.
#[derive(Clone, Copy)]
pub struct Setup<'a> {
    pub locator: &'a Locator<'a>,
    pub cross_checks: &'a CrossChecks,
    pub limits: &'a Limits,
    pub stages: Stages,
}

impl<'a> Setup<'a> {
    pub fn catalog(&self) -> &'a Catalog {
        self.locator.catalog()
    }
}

impl Setup<'static> {
    /// The built-in catalog and checks, with the default limits.
    pub fn builtin(stages: Stages) -> Setup<'static> {
        Setup {
            locator: Locator::builtin(),
            cross_checks: CrossChecks::builtin(),
            limits: &Limits::DEFAULT,
            stages,
        }
    }
}

/// Processes one file. `shown_path` is the path as the user gave it, for the output.
pub fn process(path: &Path, shown_path: &str, setup: &Setup) -> Outcome {
    let (catalog, limits) = (setup.catalog(), setup.limits);
    let until = Instant::now().checked_add(limits.max_time_per_file);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let input = match ingest::load(path, limits) {
        Ok(input) => input,
        Err(error) => {
            let source = Source {
                path: shown_path.to_string(),
                format: extension,
                sha256: None,
            };
            return Outcome::Error(ErrorResult {
                schema: SCHEMA,
                source,
                error,
            });
        }
    };
    let source = Source {
        path: shown_path.to_string(),
        format: input.format.map_or(extension, |f| f.name().to_string()),
        sha256: Some(hex(&Sha256::digest(&input.bytes))),
    };
    let document = match ingest::read_bytes(&input, limits) {
        Ok(document) => document,
        Err(error) => {
            return Outcome::Error(ErrorResult {
                schema: SCHEMA,
                source,
                error,
            });
        }
    };
    let mode = match setup.stages {
        Stages::Migrate => locate::Mode::Labels,
        Stages::Extract | Stages::Check => locate::Mode::Auto,
    };
    let Ok(located) = setup.locator.locate(&document, mode, until) else {
        let error = IngestError::new(
            ingest::ErrorKind::TooLarge,
            format!(
                "回答を探すのに {:.1} 秒を超えてかかっています（max_time_per_file）",
                limits.max_time_per_file.as_secs_f64()
            ),
        );
        return Outcome::Error(ErrorResult {
            schema: SCHEMA,
            source,
            error,
        });
    };
    let unmapped = located.notes.iter().filter_map(unmapped).collect();
    let mut findings: Vec<Finding> = located
        .notes
        .iter()
        .filter_map(|note| note_finding(note, catalog))
        .collect();
    let mut items = Vec::with_capacity(located.items.len());
    for located_item in located.items {
        let Some(item) = catalog.item(located_item.number) else {
            continue;
        };
        let mut fields = Vec::with_capacity(located_item.fields.len());
        for located_field in located_item.fields {
            let Some(field) = item.field(located_field.index) else {
                continue;
            };
            let (value, centres) = type_answer(
                item,
                field,
                (&located_field.raw, &located_field.at),
                located_field.label.as_deref(),
                &mut findings,
            );
            if matches!(value, Value::Presence { .. })
                && normalize::presence_says_both(&located_field.raw)
            {
                findings.push(reading::says_both(
                    item,
                    field,
                    (&located_field.raw, &located_field.at),
                ));
            }
            let matched_label = located_field
                .label
                .filter(|_| located_field.by_label || setup.stages == Stages::Migrate);
            fields.push(FieldResult {
                index: located_field.index,
                raw: located_field.raw,
                value,
                at: located_field.at,
                confidence: located_field.confidence,
                matched_label,
                centres,
            });
        }
        items.push(ItemResult {
            number: item.number,
            title: item.title.clone(),
            fields,
        });
    }
    let (kind, matched_by) = match located.matched_by {
        MatchedBy::ItemNumbers | MatchedBy::Labels => {
            if setup.stages == Stages::Check {
                findings.extend(check::check(
                    &Answers::new(&items).with_places(&located.places),
                    catalog,
                    setup.cross_checks,
                ));
            }
            (located.kind.name(), located.matched_by.name())
        }
        MatchedBy::Nothing => {
            findings.push(reading::no_items());
            ("unknown", "none")
        }
    };
    let verdict = (setup.stages == Stages::Check).then(|| Verdict::of(&findings));
    Outcome::Document(Box::new(DocumentResult {
        schema: SCHEMA,
        source,
        form: Form { kind, matched_by },
        items,
        findings,
        unmapped,
        verdict,
    }))
}

/// An answer the locator could not place, as `unmapped` shows it.
fn unmapped(note: &LocateNote) -> Option<Unmapped> {
    let NoteKind::UnrecognizedLabel {
        label,
        answer,
        nearest,
        confidence,
        ..
    } = &note.kind
    else {
        return None;
    };
    Some(Unmapped {
        label: label.clone(),
        raw: answer.clone(),
        at: note.at.clone()?,
        nearest: nearest.map(|(item, field)| Nearest {
            item,
            field,
            confidence: (confidence * 100.0).round() / 100.0,
        }),
    })
}

/// The typed value of one answer and, for an answer written per data centre, each
/// centre's; an answer that cannot be read becomes text with an `invalid` finding.
pub fn type_answer(
    item: &crate::catalog::Item,
    field: &crate::catalog::Field,
    (raw, at): (&str, &crate::model::Location),
    label: Option<&str>,
    findings: &mut Vec<Finding>,
) -> (Value, Vec<CentreResult>) {
    // A blank (「－」, 「（未入力）」, no box ticked) is no answer to read: the required
    // fields' rule reports it.
    if crate::check::is_blank(raw) {
        return (Value::Text, Vec::new());
    }
    let answer = (raw, at);
    let mut unreadable = |part: &str, centre: Option<&str>, expected: &str| {
        findings.push(reading::unreadable(
            item, field, part, centre, expected, answer,
        ));
    };
    let per_centre = (item.per_data_center && field.kind != crate::catalog::ValueKind::Text)
        .then(|| normalize::normalize_per_centre(raw, field, label))
        .flatten();
    if let Some(answers) = per_centre {
        let value = normalize::common_value(&answers);
        for answer in &answers {
            if let Err(invalid) = &answer.value {
                unreadable(&answer.raw, answer.centre.as_deref(), &invalid.expected);
            }
        }
        let centres = if answers.len() > 1 {
            answers
                .into_iter()
                .map(|a| CentreResult {
                    centre: a.centre,
                    raw: a.raw,
                    value: a.value.unwrap_or(Value::Text),
                })
                .collect()
        } else {
            Vec::new()
        };
        return (value, centres);
    }
    match normalize::normalize(raw, field, label) {
        Ok(value) => (value, Vec::new()),
        Err(invalid) => {
            unreadable(raw, None, &invalid.expected);
            (Value::Text, Vec::new())
        }
    }
}

/// The items of an application answered as given (item, field, raw), each typed as the
/// pipeline types it: for the tests of the stages after it.
#[cfg(test)]
pub(crate) fn answered(given: &[(u32, u32, &str)]) -> Vec<ItemResult> {
    let catalog = Catalog::builtin();
    let mut items: Vec<ItemResult> = Vec::new();
    for &(number, index, raw) in given {
        let (Some(item), Some(field)) = (
            catalog.item(number),
            catalog.item(number).and_then(|i| i.field(index)),
        ) else {
            panic!("no field {number}.{index} in the catalog");
        };
        let at = crate::model::Location::Page { page: 1 };
        let (value, centres) = type_answer(item, field, (raw, &at), None, &mut Vec::new());
        let answer = FieldResult {
            index,
            raw: raw.to_string(),
            value,
            at,
            confidence: 1.0,
            matched_label: None,
            centres,
        };
        match items.iter_mut().find(|i| i.number == number) {
            Some(i) => i.fields.push(answer),
            None => items.push(ItemResult {
                number,
                title: item.title.clone(),
                fields: vec![answer],
            }),
        }
    }
    items
}

/// The rule unit's finding for what the locator noticed.
fn note_finding(note: &LocateNote, catalog: &Catalog) -> Option<Finding> {
    let item = note.item.and_then(|n| catalog.item(n));
    let mut finding = match &note.kind {
        NoteKind::ConflictingAnswers { kept } => {
            reading::conflicting_answers(item?, note.field?, kept)
        }
        NoteKind::UnknownField { answer } => reading::unknown_field(item?, note.field?, answer),
        NoteKind::NumberDisagreesWithTitle { number } => reading::number_renamed(*number, item?),
        NoteKind::UnrecognizedLabel {
            region,
            label,
            answer,
            nearest,
            confidence,
        } => {
            let nearest = nearest.and_then(|(n, field)| Some((catalog.item(n)?, field)));
            reading::unrecognized_label(region, label, answer, nearest, *confidence)
        }
    };
    finding.at = note.at.clone();
    Some(finding)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
