//! The typed answers of one document: what the checker and the reports read.

use crate::model::Location;
use crate::normalize::Value;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct FieldResult {
    pub index: u32,
    pub raw: String,
    pub value: Value,
    pub at: Location,
    pub confidence: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub number: u32,
    pub title: String,
    pub fields: Vec<FieldResult>,
}

/// The answers of a document, looked up by item and field.
pub struct Answers<'a> {
    by_field: HashMap<(u32, u32), &'a FieldResult>,
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
        Answers { by_field }
    }

    pub fn get(&self, item: u32, field: u32) -> Option<&'a FieldResult> {
        self.by_field.get(&(item, field)).copied()
    }

    /// Every answer, in no particular order.
    pub fn all(&self) -> impl Iterator<Item = ((u32, u32), &'a FieldResult)> + '_ {
        self.by_field.iter().map(|(key, field)| (*key, *field))
    }
}
