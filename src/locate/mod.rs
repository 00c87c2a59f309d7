//! Locate: which answer in the document belongs to which item and field.
//!
//! The locator knows the catalog (titles, field labels) but nothing of value kinds or
//! rules. It relies on the cues a form gives (item numbers, titles, 【記述内容N】
//! labels, header words) and never on fixed cell addresses.

mod assemble;
mod cues;
mod flow;
mod grid;
mod matching;

use crate::catalog::Catalog;
use crate::model::{Document, Location};
use std::collections::BTreeMap;

/// How the items of a document were recognized (`form.matched_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    ItemNumbers,
    Nothing,
}

impl MatchedBy {
    pub fn name(self) -> &'static str {
        match self {
            MatchedBy::ItemNumbers => "item-numbers",
            MatchedBy::Nothing => "none",
        }
    }
}

/// One answer, as written, and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedField {
    pub index: u32,
    pub raw: String,
    pub at: Location,
    pub confidence: f64,
    /// The label the form wrote for this answer (a 記述内容 cell or line), if any.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LocatedItem {
    pub number: u32,
    pub fields: Vec<LocatedField>,
}

/// What kind of thing the locator noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// The same field answered twice with different text.
    ConflictingAnswers,
    /// A 記述内容 number the item does not have.
    UnknownField,
    /// A number whose title names another item; the title was believed.
    NumberDisagreesWithTitle,
}

/// Something the locator noticed that a reviewer should see.
#[derive(Debug, Clone, PartialEq)]
pub struct LocateNote {
    pub kind: NoteKind,
    pub item: u32,
    pub field: Option<u32>,
    pub message: String,
    pub at: Option<Location>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub matched_by: MatchedBy,
    pub items: Vec<LocatedItem>,
    pub notes: Vec<LocateNote>,
    /// Where each item found in the document starts (its number or heading), answered
    /// or not: a blank required item can still be pointed at.
    pub places: BTreeMap<u32, Location>,
}

/// Collects answers from all regions of a document; the first answer to a field wins.
#[derive(Default)]
struct Collector {
    fields: BTreeMap<(u32, u32), LocatedField>,
    notes: Vec<LocateNote>,
    places: BTreeMap<u32, Location>,
}

impl Collector {
    fn add(&mut self, item: u32, field: LocatedField) {
        match self.fields.get(&(item, field.index)) {
            None => {
                self.fields.insert((item, field.index), field);
            }
            Some(first) if first.raw == field.raw => {}
            Some(first) => self.notes.push(LocateNote {
                kind: NoteKind::ConflictingAnswers,
                item,
                field: Some(field.index),
                message: format!(
                    "記述内容{}が2か所に異なる内容で記入されています（先に記入された「{}」を採用）。",
                    field.index,
                    excerpt(&first.raw)
                ),
                at: Some(field.at),
            }),
        }
    }

    /// Records where an item starts; the first place seen wins.
    fn place(&mut self, item: u32, at: Option<&Location>) {
        if let Some(at) = at {
            self.places.entry(item).or_insert_with(|| at.clone());
        }
    }

    /// The item a heading stands for: its number, or the item its title names when the
    /// two disagree (noted for the reviewer, with a lower confidence).
    fn item_number(
        &mut self,
        cue: &cues::ItemCue,
        renamed: Option<u32>,
        at: Option<&Location>,
        catalog: &Catalog,
    ) -> (u32, f64) {
        self.place(renamed.unwrap_or(cue.number), at);
        let Some(other) = renamed else {
            return (cue.number, 1.0);
        };
        self.notes.push(LocateNote {
            kind: NoteKind::NumberDisagreesWithTitle,
            item: other,
            field: None,
            message: format!(
                "通番{}の見出しの表題は項目{}（{}）のものです。項目{}として読みました。",
                cue.number,
                other,
                catalog.item(other).map_or("", |i| i.title.as_str()),
                other
            ),
            at: at.cloned(),
        });
        (other, 0.8)
    }

    fn finish(self) -> Located {
        let mut items: Vec<LocatedItem> = Vec::new();
        for ((number, _), field) in self.fields {
            match items.last_mut() {
                Some(item) if item.number == number => item.fields.push(field),
                _ => items.push(LocatedItem {
                    number,
                    fields: vec![field],
                }),
            }
        }
        let matched_by = if items.is_empty() {
            MatchedBy::Nothing
        } else {
            MatchedBy::ItemNumbers
        };
        Located {
            matched_by,
            items,
            notes: self.notes,
            places: self.places,
        }
    }
}

/// A short quotation of an answer for messages.
pub fn excerpt(text: &str) -> String {
    const LIMIT: usize = 40;
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= LIMIT {
        one_line
    } else {
        format!("{}…", one_line.chars().take(LIMIT).collect::<String>())
    }
}

/// Finds the answers of a document by item numbers.
pub fn locate(document: &Document, catalog: &Catalog) -> Located {
    let mut collector = Collector::default();
    let vocabulary = matching::Vocabulary::new(catalog);
    for region in &document.regions {
        // Paragraphs (one block a row) read as a flow of headings, labels and answers;
        // anything with columns reads as a grid.
        let single_blocks = region
            .rows
            .iter()
            .filter(|row| row.blocks.len() <= 1)
            .count();
        if single_blocks * 10 >= region.rows.len() * 9 {
            flow::locate_flow(region, &vocabulary, &mut collector);
        } else {
            grid::locate_region(region, &vocabulary, &mut collector);
        }
    }
    collector.finish()
}
