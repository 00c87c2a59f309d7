//! Putting an item's answers together from the pieces a layout gives: a labelled
//! answer, its continuation lines or rows, an unlabelled answer taking the next field.

use super::{Collector, LocateNote, LocatedField, NoteKind};
use crate::catalog::Item;
use crate::model::Location;

/// An answer being assembled from one or more pieces.
struct Pending {
    index: u32,
    parts: Vec<String>,
    at: Option<Location>,
    /// The label that started it (【記述内容N】 or the catalog's wording), after which
    /// unlabelled pieces continue it.
    label: Option<String>,
}

/// Assembles the fields of one item, in the order the layout gives them.
pub(super) struct ItemAnswers<'a> {
    item: &'a Item,
    confidence: f64,
    pending: Option<Pending>,
    highest_index: u32,
    /// Whether any answer text has come (labels alone do not count).
    answered: bool,
}

impl<'a> ItemAnswers<'a> {
    pub fn new(item: &'a Item, confidence: f64) -> ItemAnswers<'a> {
        ItemAnswers {
            item,
            confidence,
            pending: None,
            highest_index: 0,
            answered: false,
        }
    }

    pub fn number(&self) -> u32 {
        self.item.number
    }

    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Whether no piece of an answer has come yet.
    pub fn is_unanswered(&self) -> bool {
        !self.answered
    }

    /// The highest field labelled or answered so far (0 before any).
    pub fn highest(&self) -> u32 {
        self.highest_index
    }

    /// The field last labelled and its label, when no answer has come after it.
    pub fn awaiting(&self) -> Option<(u32, String)> {
        let pending = self.pending.as_ref().filter(|p| p.parts.is_empty())?;
        Some((pending.index, pending.label.clone()?))
    }

    /// The field whose labelled answer is in progress, answered or not yet.
    pub fn open_field(&self) -> Option<u32> {
        let pending = self.pending.as_ref().filter(|p| p.label.is_some())?;
        Some(pending.index)
    }

    /// The rest of the label awaiting its answer, on a line of its own (the label's line
    /// could not hold it).
    pub fn label_goes_on(&mut self, text: &str) {
        if let Some(label) = self
            .pending
            .as_mut()
            .filter(|p| p.parts.is_empty())
            .and_then(|p| p.label.as_mut())
        {
            label.push_str(text.trim());
        }
    }

    /// Takes up where the region before left the item: its highest field, and the label
    /// still awaiting its answer.
    pub fn resume(&mut self, answered: bool, highest: u32, awaiting: Option<(u32, String)>) {
        self.answered = answered;
        self.highest_index = highest;
        self.pending = awaiting.map(|(index, label)| Pending {
            index,
            parts: Vec::new(),
            at: None,
            label: Some(label),
        });
    }

    /// A label (`label`, naming field `index`); `answer` is the text beside it, if any.
    pub fn labelled(
        &mut self,
        index: u32,
        label: &str,
        answer: Option<(&str, &Location)>,
        collector: &mut Collector,
    ) {
        self.flush(collector);
        self.answered |= answer.is_some();
        self.highest_index = self.highest_index.max(index);
        self.pending = Some(Pending {
            index,
            parts: answer
                .map(|(text, _)| vec![text.trim().to_string()])
                .unwrap_or_default(),
            at: answer.map(|(_, at)| at.clone()),
            label: Some(label.trim().to_string()),
        });
    }

    /// An answer piece with no label of its own: it continues the answer in progress
    /// when that was labelled (or the item has no other field left), else it answers
    /// the next field.
    pub fn unlabelled(&mut self, text: &str, at: &Location, collector: &mut Collector) {
        if text.trim().is_empty() {
            return;
        }
        self.answered = true;
        let continues = self.pending.as_ref().is_some_and(|p| {
            p.label.is_some()
                || self.item.fields.len() == 1
                || self.highest_index >= self.item.fields.len() as u32
        });
        match self.pending.as_mut().filter(|_| continues) {
            Some(pending) => {
                pending.at.get_or_insert_with(|| at.clone());
                pending.parts.push(text.trim().to_string());
            }
            None => {
                self.flush(collector);
                self.highest_index += 1;
                self.pending = Some(Pending {
                    index: self.highest_index,
                    parts: vec![text.trim().to_string()],
                    at: Some(at.clone()),
                    label: None,
                });
            }
        }
    }

    /// Hands the answers over; call when the item's pieces end.
    pub fn finish(mut self, collector: &mut Collector) {
        self.flush(collector);
    }

    fn flush(&mut self, collector: &mut Collector) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let raw = pending.parts.join("\n").trim().to_string();
        let Some(at) = pending.at else { return };
        if raw.is_empty() {
            return;
        }
        if self.item.field(pending.index).is_none() {
            collector.notes.push(LocateNote {
                kind: NoteKind::UnknownField { answer: raw },
                item: Some(self.item.number),
                field: Some(pending.index),
                at: Some(at),
            });
            return;
        }
        collector.add(
            self.item.number,
            LocatedField {
                index: pending.index,
                raw,
                at,
                confidence: self.confidence,
                label: pending.label,
                by_label: false,
            },
        );
    }
}
