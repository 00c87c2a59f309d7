//! The typed answers of one document: what the checker and the reports read.

use crate::model::Location;
use crate::normalize::Value;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct FieldResult {
    pub index: u32,
    pub raw: String,
    pub value: Value,
    pub at: Location,
    pub confidence: f64,
    /// The label the answer was matched by, in a form read by its labels (`migrate`, or a
    /// legacy form under `extract` and `check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_label: Option<String>,
    /// Each data centre's answer, where one answer names several centres
    /// (「第1センター：有／第2センター：無」); `value` is then their common value, or text
    /// when they differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub centres: Vec<CentreResult>,
}

/// One data centre's part of a field's answer.
#[derive(Debug, Clone, Serialize)]
pub struct CentreResult {
    /// The centre as the answer names it; absent where it gives one line per centre.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
    pub raw: String,
    pub value: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub number: u32,
    pub title: String,
    pub fields: Vec<FieldResult>,
}

/// The answers of a document, looked up by item and field.
pub struct Answers<'a> {
    by_field: BTreeMap<(u32, u32), &'a FieldResult>,
    places: Option<&'a BTreeMap<u32, Location>>,
}

impl<'a> Answers<'a> {
    pub fn new(items: &'a [ItemResult]) -> Answers<'a> {
        let by_field = items
            .iter()
            .flat_map(|item| {
                item.fields
                    .iter()
                    .map(move |field| ((item.number, field.index), field))
            })
            .collect();
        Answers {
            by_field,
            places: None,
        }
    }

    /// Adds where each item starts in the file, for findings about blank answers.
    pub fn with_places(mut self, places: &'a BTreeMap<u32, Location>) -> Answers<'a> {
        self.places = Some(places);
        self
    }

    /// Where an item starts in the file, if the document shows it.
    pub fn place(&self, item: u32) -> Option<&'a Location> {
        self.places?.get(&item)
    }

    pub fn get(&self, item: u32, field: u32) -> Option<&'a FieldResult> {
        self.by_field.get(&(item, field)).copied()
    }

    /// Every answer, in item and field order.
    pub fn all(&self) -> impl Iterator<Item = ((u32, u32), &'a FieldResult)> + '_ {
        self.by_field.iter().map(|(key, field)| (*key, *field))
    }
}

/// An answer whose label names no field of today's form with enough confidence
/// (`unmapped`): a legacy form's field with no counterpart (「事業所数」), kept apart
/// with its label rather than glued onto a neighbour.
#[derive(Debug, Clone, Serialize)]
pub struct Unmapped {
    pub label: String,
    pub raw: String,
    pub at: Location,
    /// Today's field the label comes nearest, below the confidence that places it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<Nearest>,
}

/// A field an unmapped answer comes near, and how near.
#[derive(Debug, Clone, Serialize)]
pub struct Nearest {
    pub item: u32,
    pub field: u32,
    pub confidence: f64,
}
