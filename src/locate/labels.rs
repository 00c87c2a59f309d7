//! Finding answers by what their labels say, for forms whose item numbers are missing,
//! of another numbering, or contradicted by the label beside them: older editions,
//! ASP・SaaS-era layouts, re-typed forms.
//!
//! 1. A region is read into label–answer pairs (the two-column 項目 | 回答 table, a
//!    table with a title column and a 記述内容 column, ■-headed paragraphs), with the
//!    section heading above each pair.
//! 2. Each label is tokenized (NFKC, base forms, one kana spelling), also read with
//!    the synonym list's wording in place of a paraphrase, and scored against every
//!    field of the catalog: how much of the label the field's words explain and how
//!    much of the field's title or label the label says, each word weighted by how
//!    rare it is in the catalog (a rare content word counts, 「の」 and 「有無」 little),
//!    with a character-bigram similarity for words the dictionary splits differently.
//! 3. Labels and fields are assigned one to one (the Hungarian method), first on the
//!    scores with the section heading's support, then again with the support of the
//!    neighbouring labels' items (forms keep related items together).
//! 4. Each answer's confidence is its score lowered by how close the best other field
//!    comes; below [`THRESHOLD`] it is reported for a reviewer, never assigned.

use super::cues::{self, Strength};
use super::grid::{self, FoldedRow, Headers, Reaches, Role, headers};
use super::matching::{Vocabulary, is_form_word, is_note};
use super::weights::*;
use crate::catalog::Catalog;
use crate::model::{Block, Location, Region};
use crate::text::{Bigrams, fold, nfkc, similarity_of, without_brackets};
use crate::tokenize::tokenizer;
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

const SYNONYMS_TOML: &str = include_str!("../../dictionaries/synonyms.toml");

/// One label and its answer, as a region gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The label as written (a title cell and a label cell joined by a space).
    pub label: String,
    /// The label cell alone, where a title stands before it in `label`.
    pub own: Option<String>,
    /// The section heading above the pair, if any.
    pub heading: Option<String>,
    pub answer: String,
    pub at: Location,
}

impl Pair {
    /// The label cell's own words: without the title where one stands before them.
    fn own_label(&self) -> &str {
        self.own.as_deref().unwrap_or(&self.label)
    }
}

/// What a region gives in label terms.
#[derive(Debug, Default)]
pub struct RegionPairs {
    pub pairs: Vec<Pair>,
    /// Labels the form left unanswered (their answer cell blank): they answer nothing,
    /// but a field one of them names best is no real alternative for another label.
    pub blanks: Vec<Pair>,
    /// Texts before the first pair (the form's title rows), for telling the form.
    pub preamble: Vec<String>,
    /// What the region leaves in force for the next one.
    pub context: Context,
}

/// The context a region hands to the next: the section heading in force, and an item's
/// heading still waiting for its answers (「■株式上場」 above the table that answers it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub heading: Option<String>,
    pub title: Option<String>,
}

/// The matcher's decision on one pair.
#[derive(Debug, Clone)]
pub struct Decision {
    /// (item, field) when assigned with a confidence at or above [`THRESHOLD`].
    pub field: Option<(u32, u32)>,
    pub confidence: f64,
    /// The best field whatever the confidence, for the reviewer's message.
    pub best: Option<(u32, u32)>,
    /// The field the label's own words name best, before the assignment gave that
    /// field to another pair (a cover row 「事業者名 | X」 whose field the form's own
    /// answer holds, left with some other field at a low confidence).
    pub named: Option<(u32, u32)>,
}

// ---------------------------------------------------------------------------------
// The catalog side
// ---------------------------------------------------------------------------------

/// The synonym list (`dictionaries/synonyms.toml`): paraphrases of catalog words, of
/// section headings, and words only older forms ask for.
#[derive(Deserialize)]
pub(super) struct SynonymFile {
    #[serde(rename = "synonym", default)]
    synonyms: Vec<Group>,
    #[serde(rename = "section", default)]
    sections: Vec<Group>,
    #[serde(rename = "legacy", default)]
    legacy: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    words: Vec<String>,
}

/// Paraphrase → the catalog's wording, longest paraphrase first.
struct Rewrites(Vec<(String, String)>);

impl Rewrites {
    fn new(groups: &[Group]) -> Rewrites {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for group in groups {
            let Some((canonical, others)) = group.words.split_first() else {
                continue;
            };
            let canonical = fold(canonical);
            for other in others {
                pairs.push((fold(other), canonical.clone()));
            }
        }
        pairs.sort_by_key(|pair| std::cmp::Reverse(pair.0.chars().count()));
        Rewrites(pairs)
    }

    /// The folded text with every paraphrase replaced, when any was found.
    fn apply(&self, folded: &str) -> Option<String> {
        let mut text = folded.to_string();
        let mut changed = false;
        for (from, to) in &self.0 {
            if text.contains(from.as_str()) && !text.contains(to.as_str()) {
                text = text.replace(from.as_str(), to);
                changed = true;
            }
        }
        changed.then_some(text)
    }
}

/// The catalog phrases' character bigrams, numbered as they are met, with the phrases
/// that have each: a label's bigrams are looked up once and credited to every phrase
/// that shares them, so a phrase's Dice coefficient is one lookup (older forms' labels
/// run long, and every label meets every phrase of its candidate fields).
#[derive(Default)]
struct BigramIds {
    ids: HashMap<(char, char), u32>,
    /// Per bigram id, the phrases that have it (by number) and how many times.
    postings: Vec<Vec<(u32, u16)>>,
    phrases: u32,
}

/// A phrase's number and how many bigrams it has.
struct PhraseBigrams {
    number: u32,
    len: usize,
}

/// The bigrams a label shares with each phrase (by number), counted with their
/// multiplicity, and how many the label has in all.
struct LabelBigrams {
    common: Vec<u32>,
    len: usize,
}

fn char_pairs(text: &str) -> impl Iterator<Item = (char, char)> + '_ {
    text.chars().zip(text.chars().skip(1))
}

impl BigramIds {
    /// A catalog phrase's bigrams, numbering those not met before.
    fn phrase(&mut self, text: &str) -> PhraseBigrams {
        let mut counts: Vec<(u32, u16)> = Vec::new();
        let mut len = 0;
        for pair in char_pairs(text) {
            len += 1;
            let next = self.ids.len() as u32;
            let id = *self.ids.entry(pair).or_insert(next);
            match counts.iter_mut().find(|(i, _)| *i == id) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => counts.push((id, 1)),
            }
        }
        let number = self.phrases;
        self.phrases += 1;
        self.postings.resize_with(self.ids.len(), Vec::new);
        for (id, n) in counts {
            self.postings[id as usize].push((number, n));
        }
        PhraseBigrams { number, len }
    }

    fn label(&self, text: &str) -> LabelBigrams {
        // Counted in a table, so that a long text costs no more than its length.
        let mut counts = vec![0u16; self.ids.len()];
        let mut met: Vec<u32> = Vec::new();
        let mut len = 0;
        for pair in char_pairs(text) {
            len += 1;
            if let Some(&id) = self.ids.get(&pair) {
                let n = &mut counts[id as usize];
                if *n == 0 {
                    met.push(id);
                }
                *n = n.saturating_add(1);
            }
        }
        let mut common = vec![0u32; self.phrases as usize];
        for id in met {
            let n = counts[id as usize];
            for &(phrase, m) in &self.postings[id as usize] {
                common[phrase as usize] += u32::from(n.min(m));
            }
        }
        LabelBigrams { common, len }
    }
}

/// The Dice coefficient of a label's and a phrase's bigrams (as `text::Bigrams::dice`: the
/// shared bigrams counted with their multiplicity).
fn dice(label: &LabelBigrams, phrase: &PhraseBigrams) -> f64 {
    if label.len == 0 || phrase.len == 0 {
        return 0.0;
    }
    2.0 * f64::from(label.common[phrase.number as usize]) / (label.len + phrase.len) as f64
}

/// A piece of catalog text: its content words and its character bigrams.
struct Phrase {
    keys: Vec<String>,
    /// The weight of each key, and their sum (filled in once the weights are known).
    weights: Vec<f64>,
    total: f64,
    /// Keys that count in the phrase's length but that a label cannot say for this
    /// field (see `siblings_own`).
    blocked: Vec<String>,
    bigrams: PhraseBigrams,
    /// How far this phrase alone can vouch for the field (a title shared by several
    /// fields less than the field's own label).
    trust: f64,
    /// `keys` as word ids, and whether each is blocked (filled in with the weights).
    ids: Vec<u32>,
    sayable: Vec<bool>,
}

struct FieldEntry {
    item: u32,
    index: u32,
    /// Index of the item's first-level and second-level section in `sections`.
    sections: Vec<usize>,
    /// The keys of all the field's phrases.
    bag: Vec<String>,
    /// `bag` as a set of word ids, one bit a word: a label's words and the words near
    /// them are tested against it for every field that shares one.
    bag_set: Vec<u64>,
    phrases: Vec<Phrase>,
}

struct SectionEntry {
    keys: Vec<String>,
    /// The weight of each key, and their sum (filled in once the weights are known).
    weights: Vec<f64>,
    total: f64,
    folded: String,
    bigrams: Bigrams,
}

pub(super) struct Matcher {
    fields: Vec<FieldEntry>,
    sections: Vec<SectionEntry>,
    idf: HashMap<String, f64>,
    unseen_weight: f64,
    rewrites: Rewrites,
    section_rewrites: Rewrites,
    /// Words of items older forms had and today's form has not (事業所数, 事業年数),
    /// folded, longest first: a label made only of them answers no item.
    legacy_only: Vec<String>,
    /// Every catalog word, by id.
    vocabulary: HashMap<String, u32>,
    words: Vec<String>,
    /// Per word id, the ids of the words it contains or is contained in.
    related: Vec<Vec<u32>>,
    /// Every piece (two characters or more) of every catalog word, with the ids of the
    /// words it is a piece of: what [`related_ids`] looks words up in.
    pieces: HashMap<String, Vec<u32>>,
    /// Per word id, the fields (indexes into `fields`) whose bag holds it: a label
    /// scores nothing for a field with no word of its own or near it in the bag, so
    /// only these fields are scored.
    fields_saying: Vec<Vec<u32>>,
    bigram_ids: BigramIds,
    /// The scores of the texts scored so far in the run (see [`Matcher::text_scores`]).
    remembered: Mutex<Remembered<Vec<f64>>>,
    /// The sections each heading read so far in the run names (see
    /// [`Matcher::heading_sections`]).
    remembered_sections: Mutex<Remembered<Vec<(usize, f64)>>>,
}

/// What a pure function made of short texts, kept for the texts seen last: at most
/// `capacity` texts of at most [`REMEMBERED_TEXT_LEN`] bytes, all forgotten at once
/// when it is full.
struct Remembered<V> {
    capacity: usize,
    made: HashMap<String, V>,
}

impl<V: Clone> Remembered<V> {
    fn new(capacity: usize) -> Remembered<V> {
        Remembered {
            capacity,
            made: HashMap::new(),
        }
    }

    /// What was made of `text`, if it is kept.
    fn get(&self, text: &str) -> Option<V> {
        if text.len() > REMEMBERED_TEXT_LEN {
            return None;
        }
        self.made.get(text).cloned()
    }

    /// What `make` makes of `text`, from a memory the run's workers share when it is
    /// there (`make` runs unlocked, so that workers do not wait on each other's work).
    /// The memory is whole after any panic elsewhere: what it holds is never half made.
    fn shared(memory: &Mutex<Remembered<V>>, text: &str, make: impl FnOnce() -> V) -> V {
        let locked = || memory.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(made) = locked().get(text) {
            return made;
        }
        let made = make();
        locked().keep(text, &made);
        made
    }

    /// Keeps what was made of `text`, if the text is short enough to keep.
    fn keep(&mut self, text: &str, made: &V) {
        if text.len() > REMEMBERED_TEXT_LEN {
            return;
        }
        if self.made.len() >= self.capacity {
            self.made.clear();
        }
        self.made.insert(text.to_string(), made.clone());
    }
}

/// The content words of a text, as keys. A form's labels are read several times over
/// (as a heading? as a label? against which fields?), so each worker remembers the
/// words of the short texts it tokenized last (a pure function of the text), at most
/// [`KEYS_REMEMBERED`] of them.
fn content_keys(text: &str) -> Vec<String> {
    thread_local! {
        static KEYS: RefCell<Remembered<Vec<String>>> =
            RefCell::new(Remembered::new(KEYS_REMEMBERED));
    }
    if let Some(keys) = KEYS.with_borrow(|memo| memo.get(text)) {
        return keys;
    }
    let keys = tokenizer().content_words(text);
    KEYS.with_borrow_mut(|memo| memo.keep(text, &keys));
    keys
}

/// A catalog label cut to what a form prints: no parentheses, no 「有り」 tail.
fn short_label(label: &str) -> String {
    let mut text = without_brackets(label);
    for cut in [
        "と、「有り」",
        "、「有り」",
        "と、有り",
        "、有り",
        "、ある場合",
        "、対策がある",
        "、記録",
        "、基本方針",
        "、対応策",
        "。",
    ] {
        if let Some(at) = text.find(cut) {
            text.truncate(at);
        }
    }
    text.trim_matches(['、', '。', ' ']).to_string()
}

/// 「2.2 事業所・事業」 → 「事業所・事業」; 「(1) 事業所等の概要」 → 「事業所等の概要」.
fn section_name(heading: &str) -> String {
    let folded = nfkc(heading);
    folded
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '(' | ')' | ' '))
        .trim()
        .to_string()
}

impl SynonymFile {
    /// The list embedded in the binary; a broken list is an error, never an empty one.
    pub(super) fn builtin() -> Result<SynonymFile, String> {
        toml::from_str(SYNONYMS_TOML).map_err(|e| format!("dictionaries/synonyms.toml: {e}"))
    }
}

impl Matcher {
    pub(super) fn new(catalog: &Catalog, file: &SynonymFile) -> Matcher {
        let mut legacy_only: Vec<String> = file
            .legacy
            .iter()
            .flat_map(|g| g.words.iter().map(|w| fold(w)))
            .collect();
        legacy_only.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let mut bigram_ids = BigramIds::default();
        let mut sections: Vec<SectionEntry> = Vec::new();
        let mut section_index: HashMap<String, usize> = HashMap::new();
        let mut fields = Vec::new();
        // Titles that are also another item's sub-section heading say less.
        let generic_titles: HashSet<String> = catalog
            .items
            .iter()
            .filter_map(|item| item.section.get(1))
            .map(|heading| fold(&section_name(heading)))
            .collect();
        for item in &catalog.items {
            let mut item_sections = Vec::new();
            for heading in &item.section {
                let name = section_name(heading);
                let index = *section_index.entry(name.clone()).or_insert_with(|| {
                    let folded = fold(&name);
                    sections.push(SectionEntry {
                        keys: content_keys(&name),
                        weights: Vec::new(),
                        total: 0.0,
                        bigrams: Bigrams::of(&folded),
                        folded,
                    });
                    sections.len() - 1
                });
                item_sections.push(index);
            }
            let many = item.fields.len() > 1;
            let label_keys: Vec<Vec<String>> =
                item.fields.iter().map(|f| content_keys(&f.label)).collect();
            for (position, field) in item.fields.iter().enumerate() {
                let title_trust = match (many, field.index) {
                    (false, _) => SOLE_FIELD_TITLE,
                    (true, 1) => FIRST_FIELD_TITLE,
                    (true, _) => LATER_FIELD_TITLE,
                } * if generic_titles.contains(&fold(&item.title)) {
                    // 「ＧＷ／エッジコンピュータなど」 (76) is also the heading of 69–73.
                    GENERIC_TITLE
                } else {
                    1.0
                };
                // A title word that another field's label has and this one's has not
                // (「係争」 of 「勧誘・販売・係争に関する規程等の整備」 for the 勧誘・販売
                // field) speaks for that other field: saying it does not make a label say
                // this field's title.
                let siblings_own: HashSet<&String> = label_keys
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != position)
                    .flat_map(|(_, keys)| keys.iter())
                    .filter(|k| !label_keys[position].contains(k))
                    .collect();
                let mut phrases = Vec::new();
                for title in std::iter::once(&item.title).chain(&item.aliases) {
                    let keys = content_keys(title);
                    let blocked = keys
                        .iter()
                        .filter(|k| siblings_own.contains(k))
                        .cloned()
                        .collect();
                    phrases.push(Phrase {
                        keys,
                        weights: Vec::new(),
                        total: 0.0,
                        blocked,
                        bigrams: bigram_ids.phrase(&fold(title)),
                        trust: title_trust,
                        ids: Vec::new(),
                        sayable: Vec::new(),
                    });
                }
                let short = short_label(&field.label);
                // The item's own sub-section (「IoT 機器（センサー、アクチュエータ）」)
                // tells apart the items that share a title.
                let minor = item
                    .section
                    .get(1)
                    .map(|s| section_name(s))
                    .unwrap_or_default();
                // Its words always explain a label; as a phrase to be said it counts only
                // where the title is shared.
                let shared_title = catalog
                    .items
                    .iter()
                    .filter(|other| other.title == item.title)
                    .count()
                    > 1;
                let minor_trust = if shared_title {
                    SHARED_TITLE_SECTION
                } else {
                    0.0
                };
                for (text, trust) in [
                    (field.label.clone(), 1.0),
                    (short, 1.0),
                    (minor, minor_trust),
                ] {
                    if text.is_empty() {
                        continue;
                    }
                    phrases.push(Phrase {
                        keys: content_keys(&text),
                        weights: Vec::new(),
                        total: 0.0,
                        blocked: Vec::new(),
                        bigrams: bigram_ids.phrase(&fold(&text)),
                        trust,
                        ids: Vec::new(),
                        sayable: Vec::new(),
                    });
                }
                let mut bag: Vec<String> = phrases.iter().flat_map(|p| p.keys.clone()).collect();
                bag.sort();
                bag.dedup();
                fields.push(FieldEntry {
                    item: item.number,
                    index: field.index,
                    sections: item_sections.clone(),
                    bag,
                    bag_set: Vec::new(),
                    phrases,
                });
            }
        }
        let mut df: HashMap<String, usize> = HashMap::new();
        for entry in &fields {
            for key in &entry.bag {
                *df.entry(key.clone()).or_default() += 1;
            }
        }
        let n = fields.len() as f64;
        let idf: HashMap<String, f64> = df
            .into_iter()
            .map(|(key, count)| (key, ((n + 1.0) / (count as f64 + 0.5)).ln()))
            .collect();
        let mut weights: Vec<f64> = idf.values().copied().collect();
        weights.sort_by(f64::total_cmp);
        let unseen_weight = weights.get(weights.len() / 2).copied().unwrap_or(1.0);
        // Words by id, and which contain which (「社員」 and 「正社員」), once.
        let mut words: Vec<String> = fields.iter().flat_map(|f| f.bag.clone()).collect();
        words.sort();
        words.dedup();
        let vocabulary: HashMap<String, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        let mut pieces: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, word) in words.iter().enumerate() {
            for piece in pieces_of(word) {
                let ids = pieces.entry(piece.to_string()).or_default();
                if ids.last() != Some(&(id as u32)) {
                    ids.push(id as u32);
                }
            }
        }
        let related: Vec<Vec<u32>> = words
            .iter()
            .map(|w| related_ids(w, &words, &vocabulary, &pieces))
            .collect();
        // Each key's weight, and their sum.
        let weights_of = |keys: &[String]| -> (Vec<f64>, f64) {
            let weights: Vec<f64> = keys
                .iter()
                .map(|k| idf.get(k).copied().unwrap_or(unseen_weight))
                .collect();
            let total = weights.iter().sum();
            (weights, total)
        };
        let mut fields_saying: Vec<Vec<u32>> = vec![Vec::new(); words.len()];
        for (j, field) in fields.iter_mut().enumerate() {
            field.bag_set = vec![0; words.len().div_ceil(64)];
            for id in field.bag.iter().map(|k| vocabulary[k] as usize) {
                field.bag_set[id / 64] |= 1 << (id % 64);
                fields_saying[id].push(j as u32);
            }
            for phrase in &mut field.phrases {
                (phrase.weights, phrase.total) = weights_of(&phrase.keys);
                phrase.ids = phrase.keys.iter().map(|k| vocabulary[k]).collect();
                phrase.sayable = phrase
                    .keys
                    .iter()
                    .map(|k| !phrase.blocked.contains(k))
                    .collect();
            }
        }
        for section in &mut sections {
            (section.weights, section.total) = weights_of(&section.keys);
        }
        Matcher {
            fields,
            sections,
            idf,
            unseen_weight,
            rewrites: Rewrites::new(&file.synonyms),
            section_rewrites: Rewrites::new(&file.sections),
            legacy_only,
            vocabulary,
            words,
            related,
            fields_saying,
            bigram_ids,
            pieces,
            remembered: Mutex::new(Remembered::new(SCORES_REMEMBERED)),
            remembered_sections: Mutex::new(Remembered::new(SCORES_REMEMBERED)),
        }
    }

    fn weight(&self, key: &str) -> f64 {
        self.idf.get(key).copied().unwrap_or(self.unseen_weight)
    }
}

/// How well a word of a label matches a list of words: the same key, or one inside the
/// other (「社員」 in 「正社員」) for part of the credit.
fn best_match(key: &str, keys: &[String]) -> f64 {
    if keys.iter().any(|k| k == key) {
        return 1.0;
    }
    let short = |s: &str| s.chars().nth(1).is_none();
    if short(key) {
        return 0.0;
    }
    let inside = keys
        .iter()
        .any(|k| !short(k) && (k.contains(key) || key.contains(k.as_str())));
    if inside { NEAR_WORD } else { 0.0 }
}

/// The ids of the catalog words that contain `word` or that it contains (both two
/// characters or more, not the word itself), by look-ups in `pieces` (every piece of
/// every catalog word, with the words it is a piece of) rather than a scan of them all.
fn related_ids(
    word: &str,
    words: &[String],
    vocabulary: &HashMap<String, u32>,
    pieces: &HashMap<String, Vec<u32>>,
) -> Vec<u32> {
    let mut ids: Vec<u32> = pieces.get(word).cloned().unwrap_or_default();
    ids.extend(
        pieces_of(word)
            .filter(|piece| *piece != word)
            .filter_map(|piece| vocabulary.get(piece).copied()),
    );
    ids.sort_unstable();
    ids.dedup();
    ids.retain(|&id| words[id as usize] != word);
    ids
}

/// The pieces of a word, two characters or more, the whole word included; none of a
/// word shorter than two characters.
fn pieces_of(word: &str) -> impl Iterator<Item = &str> + '_ {
    let bounds: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(word.len()))
        .collect();
    let n = bounds.len();
    (0..n)
        .flat_map(move |i| (i + 2..n).map(move |j| (i, j)))
        .map(move |(i, j)| &word[bounds[i]..bounds[j]])
}

/// One reading of a document label: its content words, their weights, its bigrams.
struct Reading {
    keys: Vec<String>,
    weights: Vec<f64>,
    total: f64,
    folded: String,
    bigrams: LabelBigrams,
    /// Per key: its catalog word id, if the catalog has the word, and the catalog words
    /// it contains or is contained in.
    exact: Vec<Option<u32>>,
    near: Vec<Vec<u32>>,
    /// Per catalog word id, how the label says it: [`SAID_EXACT`], [`SAID_NEAR`] or 0
    /// (every field's phrases are looked up in it, one word at a time).
    said: Vec<u8>,
}

/// A catalog word the label has itself.
const SAID_EXACT: u8 = 2;
/// A catalog word one of the label's words contains or is contained in.
const SAID_NEAR: u8 = 1;

/// A document label, prepared for scoring.
struct Prepared {
    /// The label's readings: as written, and with the synonym list's wordings.
    readings: Vec<Reading>,
    /// The field number a 【記述内容N】 marker in the label names.
    marker: Option<u32>,
}

impl Matcher {
    fn prepare(&self, label: &str, rewrites: &Rewrites) -> Prepared {
        let mut folded = fold(&strip_marks(label));
        // 「【記述内容2】」, 「記述内容2：」: the field's number, not words to match.
        let marker = match cues::field_marker(&folded) {
            Some(cues::FieldMarker::Numbered(n)) => Some(n),
            _ => None,
        };
        if let Some(at) = folded.find("記述内容") {
            let after = &folded[at + "記述内容".len()..];
            let rest = after.trim_start_matches(|c: char| {
                c.is_ascii_digit() || matches!(c, '】' | ']' | ':' | ')' | '.')
            });
            folded = format!(
                "{}{}",
                &folded[..at].trim_end_matches(['【', '[', '(']),
                rest
            );
        }
        for word in &self.legacy_only {
            folded = folded.replace(word.as_str(), " ");
        }
        let folded: String = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        let reading = |text: String| {
            let keys = content_keys(&text);
            let weights: Vec<f64> = keys.iter().map(|k| self.weight(k)).collect();
            let exact: Vec<Option<u32>> = keys
                .iter()
                .map(|k| self.vocabulary.get(k).copied())
                .collect();
            let near: Vec<Vec<u32>> = keys
                .iter()
                .zip(&exact)
                .map(|(k, id)| match id {
                    Some(id) => self.related[*id as usize].clone(),
                    None => related_ids(k, &self.words, &self.vocabulary, &self.pieces),
                })
                .collect();
            let mut said = vec![0u8; self.words.len()];
            for id in near.iter().flatten() {
                said[*id as usize] = SAID_NEAR;
            }
            for id in exact.iter().flatten() {
                said[*id as usize] = SAID_EXACT;
            }
            Reading {
                total: weights.iter().sum(),
                keys,
                weights,
                bigrams: self.bigram_ids.label(&text),
                folded: text,
                exact,
                near,
                said,
            }
        };
        let rewritten = rewrites.apply(&folded);
        let mut readings = vec![reading(folded)];
        if let Some(rewritten) = rewritten {
            readings.push(reading(rewritten));
        }
        Prepared { readings, marker }
    }

    /// How well a label names a field, 0–1.
    fn score(&self, label: &Prepared, field: &FieldEntry) -> f64 {
        // A marker naming another field of the item all but rules this one out.
        let marked = match label.marker {
            Some(n) if n != field.index => OTHER_FIELD_MARKER,
            _ => 1.0,
        };
        marked * self.unmarked_score(label, field)
    }

    /// How well a label names each field, in `fields` order: scored only for the fields
    /// that have one of its words or a word near one (every other field scores 0, as
    /// [`Matcher::unmarked_score`] gives nothing where no word is shared).
    fn scores(&self, label: &Prepared) -> Vec<f64> {
        let mut candidate = vec![false; self.fields.len()];
        for id in label
            .readings
            .iter()
            .flat_map(|r| r.exact.iter().flatten().chain(r.near.iter().flatten()))
        {
            for j in &self.fields_saying[*id as usize] {
                candidate[*j as usize] = true;
            }
        }
        candidate
            .iter()
            .zip(&self.fields)
            .map(|(candidate, field)| {
                if *candidate {
                    self.score(label, field)
                } else {
                    0.0
                }
            })
            .collect()
    }

    fn unmarked_score(&self, label: &Prepared, field: &FieldEntry) -> f64 {
        let mut best: f64 = 0.0;
        for reading in &label.readings {
            if reading.keys.is_empty() {
                continue;
            }
            let in_bag = |&id: &u32| {
                let id = id as usize;
                field
                    .bag_set
                    .get(id / 64)
                    .is_some_and(|bits| bits >> (id % 64) & 1 == 1)
            };
            let explained: f64 = reading
                .exact
                .iter()
                .zip(&reading.near)
                .zip(&reading.weights)
                .map(|((exact, near), w)| {
                    if exact.as_ref().is_some_and(in_bag) {
                        *w
                    } else if near.iter().any(in_bag) {
                        NEAR_WORD * w
                    } else {
                        0.0
                    }
                })
                .sum();
            if explained <= 0.0 {
                // No word in common: the bigrams alone stay below any assignment.
                continue;
            }
            let precision = explained / reading.total;
            let recall = field
                .phrases
                .iter()
                .filter(|p| p.total > 0.0)
                .map(|p| {
                    let said: f64 = p
                        .ids
                        .iter()
                        .zip(&p.weights)
                        .zip(&p.sayable)
                        .filter(|(_, sayable)| **sayable)
                        .map(|((id, w), _)| match reading.said[*id as usize] {
                            SAID_EXACT => *w,
                            SAID_NEAR => NEAR_WORD * w,
                            _ => 0.0,
                        })
                        .sum();
                    p.trust * said / p.total
                })
                .fold(0.0, f64::max);
            let token = f_beta(precision, recall, BETA);
            let bigram = if reading.folded.is_empty() {
                0.0
            } else {
                field
                    .phrases
                    .iter()
                    .map(|p| p.trust * dice(&reading.bigrams, &p.bigrams))
                    .fold(0.0, f64::max)
            };
            best = best.max(WORD_SHARE * token + (1.0 - WORD_SHARE) * bigram);
        }
        best
    }

    /// Which catalog sections a heading names, with how well (only the best ones).
    fn heading_sections(&self, heading: &str) -> Vec<(usize, f64)> {
        // Kept for the run, as the text scores are: the headings of a batch on one form
        // come again in each application, and what they name is a pure function of the
        // text and the matcher.
        Remembered::shared(&self.remembered_sections, heading, || {
            self.sections_named(heading)
        })
    }

    /// [`Matcher::heading_sections`], worked out.
    fn sections_named(&self, heading: &str) -> Vec<(usize, f64)> {
        let prepared = self.prepare(heading, &self.section_rewrites);
        let bigrams: Vec<Bigrams> = prepared
            .readings
            .iter()
            .map(|reading| Bigrams::of(&reading.folded))
            .collect();
        let mut scored: Vec<(usize, f64)> = self
            .sections
            .iter()
            .enumerate()
            .map(|(i, section)| {
                let s = prepared
                    .readings
                    .iter()
                    .zip(&bigrams)
                    .map(|(reading, bigrams)| {
                        let (keys, folded) = (&reading.keys, &reading.folded);
                        let token = if keys.is_empty() || section.keys.is_empty() {
                            0.0
                        } else {
                            let shared = keys
                                .iter()
                                .zip(&reading.weights)
                                .map(|(k, w)| w * best_match(k, &section.keys))
                                .sum::<f64>();
                            let theirs_said = section
                                .keys
                                .iter()
                                .zip(&section.weights)
                                .map(|(k, w)| w * best_match(k, keys))
                                .sum::<f64>();
                            f_beta(shared / reading.total, theirs_said / section.total, 1.0)
                        };
                        token.max(similarity_of(
                            (folded, bigrams),
                            (&section.folded, &section.bigrams),
                        ))
                    })
                    .fold(0.0, f64::max);
                (i, s)
            })
            .filter(|(_, s)| *s >= HEADING_NAMES_SECTION)
            .collect();
        let top = scored.iter().map(|(_, s)| *s).fold(0.0, f64::max);
        scored.retain(|(_, s)| *s >= top - HEADING_SECTION_TIE);
        scored
    }

    /// How much a column's cells read as the catalog's labels.
    fn column_label_likeness(
        &self,
        rows: &[Vec<Cell>],
        header_rows: &HashSet<usize>,
        column: u32,
    ) -> f64 {
        self.label_likeness(
            rows.iter()
                .enumerate()
                .filter(|(r, row)| !header_rows.contains(r) && row.len() >= 2)
                .filter_map(|(_, row)| row.iter().find(|c| c.column == column))
                .map(|cell| cell.text),
        )
    }

    /// How much texts read as the catalog's labels: the mean of each one's best field
    /// score, over the first few (enough to tell, and bounded).
    fn label_likeness<'t>(&self, texts: impl Iterator<Item = &'t str>) -> f64 {
        let scores: Vec<f64> = texts
            .take(COLUMN_SAMPLE)
            .map(|text| self.best_field_score(text))
            .collect();
        if scores.is_empty() {
            0.0
        } else {
            scores.iter().sum::<f64>() / scores.len() as f64
        }
    }

    /// The items a heading names, by how well it reads as one of their fields
    /// (「■推奨ゲートウェイ」 names item 76 as well as the section of item 69). Only a
    /// heading that reads as an item's field at [`HEADING_NAMES_ITEM`] names it.
    fn heading_items(&self, heading: &str) -> BTreeMap<u32, f64> {
        let scores = self.text_scores(heading);
        let mut items: BTreeMap<u32, f64> = BTreeMap::new();
        for (field, score) in self.fields.iter().zip(scores) {
            if score >= HEADING_NAMES_ITEM {
                let best = items.entry(field.item).or_insert(0.0);
                *best = best.max(score);
            }
        }
        items
    }

    /// Whether a text reads as a section heading rather than as a label.
    fn is_heading(&self, text: &str) -> bool {
        let sections = self.heading_sections(text);
        let Some(section_score) = sections.iter().map(|(_, s)| *s).reduce(f64::max) else {
            return false;
        };
        section_score >= self.best_field_score(text)
    }

    /// Whether `texts`, two or more, each name a field of the item `title` names, a
    /// different one each: that item's labels, however loosely worded, and no answers
    /// (a table of labels whose answer cells were left blank).
    fn lists_fields_of<'t>(&self, title: &str, texts: impl Iterator<Item = &'t str>) -> bool {
        let field_of = |text: &str| {
            let scores = self.text_scores(text);
            best_field(&scores)
                .filter(|&j| scores[j] >= LISTED_FIELD)
                .map(|j| (self.fields[j].item, self.fields[j].index))
        };
        let Some((item, _)) = field_of(title) else {
            return false;
        };
        let mut named: Vec<Option<(u32, u32)>> =
            texts.take(MAX_LISTED_FIELDS + 1).map(field_of).collect();
        let count = named.len();
        if !(2..=MAX_LISTED_FIELDS).contains(&count)
            || !named.iter().all(|f| f.is_some_and(|(i, _)| i == item))
        {
            return false;
        }
        named.sort_unstable();
        named.dedup();
        named.len() == count
    }

    /// How well `text` names each field: [`Matcher::scores`] of its preparation, kept
    /// for the run. A batch of applications on one older form scores the same labels
    /// in each; the scores are a pure function of the text and the matcher, and at most
    /// [`SCORES_REMEMBERED`] texts' are kept.
    fn text_scores(&self, text: &str) -> Vec<f64> {
        Remembered::shared(&self.remembered, text, || {
            self.scores(&self.prepare(text, &self.rewrites))
        })
    }

    /// How well a text reads as the label of the field it suits best.
    fn best_field_score(&self, text: &str) -> f64 {
        self.text_scores(text).into_iter().fold(0.0, f64::max)
    }
}

fn f_beta(precision: f64, recall: f64, beta: f64) -> f64 {
    if precision <= 0.0 || recall <= 0.0 {
        return 0.0;
    }
    let b2 = beta * beta;
    (1.0 + b2) * precision * recall / (b2 * precision + recall)
}

/// Drops bullets, own numbering and a trailing colon: 「■会社名：」, 「3. 設立年」 → the words.
pub(super) fn strip_marks(label: &str) -> String {
    let text = nfkc(label);
    let mut text = text.trim();
    loop {
        let before = text;
        text = text
            .trim_start_matches(|c: char| {
                cues::BULLETS.contains(&c) || matches!(c, '○' | '・' | '-' | '*' | '※' | '【' | '[')
            })
            .trim();
        if let Some(cue) = cues::item_cue(&fold(text))
            && !cue.rest.is_empty()
            && cue.strength == Strength::Weak
        {
            // 「3. 設立年」: the number is the form's own; keep the words.
            if let Some(at) =
                text.find(|c: char| !(c.is_ascii_digit() || "().:、 [】]".contains(c)))
            {
                text = text[at..].trim();
            }
        }
        if text == before {
            break;
        }
    }
    text.trim_end_matches([':', '：', '】', ']'])
        .trim_end_matches("について")
        .trim()
        .to_string()
}

// ---------------------------------------------------------------------------------
// The document side: label–answer pairs
// ---------------------------------------------------------------------------------

struct Cell<'a> {
    text: &'a str,
    folded: String,
    column: u32,
    span: u32,
    at: &'a Location,
}

/// Label–answer pairs of a region with columns (worksheets, Word and PDF tables).
pub(super) fn grid_pairs(region: &Region, matcher: &Matcher, context: &Context) -> RegionPairs {
    let rows: Vec<Vec<Cell>> = region
        .rows
        .iter()
        .map(|row| {
            row.blocks
                .iter()
                .filter(|b| !b.text.trim().is_empty())
                .map(|b| Cell {
                    text: &b.text,
                    folded: fold(&b.text),
                    column: b.column,
                    span: b.column_span,
                    at: &b.at,
                })
                .collect()
        })
        .collect();
    let mut result = RegionPairs::default();
    let mut state = context.clone();
    for table in tables(&rows) {
        let rows = &rows[table.rows];
        table_pairs(
            rows,
            &table.header_rows,
            &table.roles,
            matcher,
            &mut state,
            &mut result,
        );
    }
    // A table answers the heading above it; only the section heading carries on.
    result.context = Context {
        heading: state.heading,
        title: None,
    };
    result
}

/// Rows of a region under one set of column roles: its header rows (counted from its
/// first row) and the roles they give.
struct Table {
    rows: std::ops::Range<usize>,
    header_rows: HashSet<usize>,
    roles: BTreeMap<u32, Role>,
}

/// A region's rows cut into its tables, as [`headers`] reads them.
fn tables(rows: &[Vec<Cell>]) -> Vec<Table> {
    let folded: Vec<FoldedRow> = rows
        .iter()
        .map(|row| row.iter().map(|c| (c.column, c.folded.clone())).collect())
        .collect();
    let Headers {
        is_header, tables, ..
    } = headers(&folded);
    let ends: Vec<usize> = tables
        .iter()
        .skip(1)
        .map(|(start, _)| *start)
        .chain([rows.len()])
        .collect();
    tables
        .into_iter()
        .zip(ends)
        .map(|((start, roles), end)| Table {
            rows: start..end,
            header_rows: (start..end)
                .filter(|&r| is_header[r])
                .map(|r| r - start)
                .collect(),
            roles,
        })
        .collect()
}

/// The pairs of one table, added to `result`; `state` carries the section heading and
/// an item's title from table to table.
fn table_pairs(
    rows: &[Vec<Cell>],
    header_rows: &HashSet<usize>,
    roles: &BTreeMap<u32, Role>,
    matcher: &Matcher,
    state: &mut Context,
    result: &mut RegionPairs,
) {
    let column_with = |role: Role| {
        let mut columns: Vec<u32> = roles
            .iter()
            .filter(|(_, r)| **r == role)
            .map(|(c, _)| *c)
            .collect();
        columns.sort();
        columns
    };
    // Column statistics over the rows with two cells or more.
    let mut count: BTreeMap<u32, usize> = BTreeMap::new();
    let mut length: BTreeMap<u32, usize> = BTreeMap::new();
    let mut numbers: BTreeMap<u32, usize> = BTreeMap::new();
    for (r, row) in rows.iter().enumerate() {
        if header_rows.contains(&r) || row.len() < 2 {
            continue;
        }
        for cell in row {
            *count.entry(cell.column).or_default() += 1;
            *length.entry(cell.column).or_default() += cell.text.chars().count();
            if cues::item_cue(&cell.folded).is_some_and(|c| c.rest.is_empty()) {
                *numbers.entry(cell.column).or_default() += 1;
            }
        }
    }
    let busiest = count.values().copied().max().unwrap_or(0);
    let number_columns: Vec<u32> = {
        let mut columns = column_with(Role::Number);
        let inferred: Vec<u32> = numbers
            .iter()
            // One figure alone (「1」 beside its label) is an answer, not a numbering.
            .filter(|(c, n)| {
                **n >= 2 && NUMBER_COLUMN.reached(**n, count[c]) && !columns.contains(c)
            })
            .map(|(c, _)| *c)
            .collect();
        columns.extend(inferred);
        columns
    };
    let attachment_columns = column_with(Role::Attachment);
    let answer_column = column_with(Role::Answer).first().copied().or_else(|| {
        let candidates: Vec<(u32, f64)> = count
            .iter()
            .filter(|(c, n)| ANSWER_COLUMN.reached(**n, busiest) && !number_columns.contains(c))
            .filter(|(c, _)| !attachment_columns.contains(c))
            .map(|(c, n)| (*c, length[c] as f64 / *n as f64))
            .collect();
        let longest = candidates
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(c, _)| *c)?;
        // The longest column is the answers' unless it reads as the form's own labels:
        // a column right of it that reads less so holds the answers (a label longer than
        // its answer: 「株式上場の有無と（有りの場合は市場名）」 | 「無し」), and a lone
        // column of labels holds none (their answer cells left blank).
        let likeness = |column: u32| matcher.column_label_likeness(rows, header_rows, column);
        let own = likeness(longest);
        let right = candidates
            .iter()
            .filter(|(c, _)| *c > longest)
            .map(|(c, _)| (*c, likeness(*c)))
            .filter(|(_, l)| *l + LABEL_LIKENESS_MARGIN <= own)
            .max_by(|a, b| length[&a.0].cmp(&length[&b.0]).then(b.0.cmp(&a.0)))
            .map(|(c, _)| c);
        // A column right of it that picks among what the longest column lists is the
        // answers', the longest the form's question with its choices (「…①会計監査人
        // による会計監査、…④監査役による監査 より選択」 | 「会計監査人による会計監査、
        // 監査役による監査」).
        let picks = || {
            candidates
                .iter()
                .filter(|(c, _)| *c > longest)
                .map(|(c, _)| *c)
                .filter(|&c| drawn_from(rows, header_rows, c, longest) >= PICKED_FROM_CHOICES)
                .min()
        };
        if right.is_none() && candidates.len() == 1 && own >= LABELS_ONLY {
            return None;
        }
        right.or_else(picks).or(Some(longest))
    });
    let Some(answer_column) = answer_column else {
        let texts = rows.iter().flatten().map(|c| c.text.trim().to_string());
        result.preamble.extend(texts);
        return;
    };
    // 区分 or 必須/選択 over a column of ● and ○: what the guide asks, no label's words.
    let flag_columns: Vec<u32> = [Role::Flag, Role::Section]
        .into_iter()
        .flat_map(column_with)
        .collect();
    // How far the answer column reaches: the widest answer cell merged from it. Pieces
    // of an answer stand within it; a column past it is the table's own (a mark of
    // what changed, a remark).
    let answer_end =
        Reaches::of(rows.iter().flatten().map(|c| (c.column, c.span))).of_column(answer_column);
    // A piece of an answer: in none of the table's other columns, and none of the form's
    // words (a requirement flag printed at the row's end, 「■事業者名 … | 必須」, says
    // what the guide asks, whatever column it stands in).
    let is_piece = |c: &&Cell| {
        !number_columns.contains(&c.column)
            && !attachment_columns.contains(&c.column)
            && !flag_columns.contains(&c.column)
            && !is_form_word(&c.folded)
    };
    let is_label_column = |column: u32| {
        column != answer_column
            && !number_columns.contains(&column)
            && !attachment_columns.contains(&column)
            && !flag_columns.contains(&column)
    };
    // The title column: the header's, or, where the labels take two columns, the left
    // one (an item's title above its fields' labels, written on its first row only).
    let mut title_columns = column_with(Role::Title);
    if title_columns.is_empty() {
        let mut label_columns: Vec<u32> = count
            .iter()
            .filter(|(c, n)| is_label_column(**c) && LABEL_COLUMN.reached(**n, busiest))
            .map(|(c, _)| *c)
            .collect();
        label_columns.sort_unstable();
        if label_columns.len() >= 2 {
            title_columns.push(label_columns[0]);
        }
    }

    let Context {
        heading,
        title: carried_title,
    } = state;
    // Whether the previous row was a pair an answer-only row may continue.
    let mut open = false;
    // A banner that may be a label worded across the form's width (Excel 方眼紙), with
    // what it replaced: it is one when the row below is set in under it.
    let mut above: Option<Above> = None;
    // The column of such a label whose answer is open: rows set in under it go on.
    let mut set_in_under: Option<u32> = None;
    for (r, row) in rows.iter().enumerate() {
        // The header printed again atop a page leaves open the pair it interrupted: its
        // answer goes on below it (「第1センター：有」 | page break | 「第2センター：有」).
        if header_rows.contains(&r) {
            continue;
        }
        if row.is_empty() {
            open = false;
            continue;
        }
        let is_set_in = |column: u32| row.iter().all(|c| c.column > column);
        let set_in_pieces = || joined(&row.iter().filter(is_piece).collect::<Vec<_>>());
        // Only a banner that reads as a label: marked as one, or worded as a field is.
        if let Some(label) = above.take()
            && is_set_in(label.column)
            && (cues::field_marker(&fold(label.text)).is_some()
                || matcher.best_field_score(label.text) >= THRESHOLD)
            && !matcher.is_heading(label.text)
        {
            if label.preamble {
                result.preamble.pop();
            }
            *heading = label.heading;
            *carried_title = label.title;
            let (text, own) = pair_label(carried_title.as_deref(), label.text.to_string());
            result.pairs.push(Pair {
                label: text,
                own,
                heading: heading.clone(),
                answer: set_in_pieces(),
                at: row[0].at.clone(),
            });
            open = true;
            set_in_under = Some(label.column);
            continue;
        }
        // A numbered section heading set in as far (「（3）消火設備」) ends the answer.
        let heading_row = || {
            matches!(row.as_slice(), [cell]
                if cues::item_cue(&cell.folded).is_some() && matcher.is_heading(cell.text))
        };
        if set_in_under.is_some_and(|column| !is_set_in(column))
            || set_in_under.is_some() && heading_row()
        {
            set_in_under = None;
        }
        if open
            && set_in_under.is_some()
            && let Some(last) = result.pairs.last_mut()
        {
            last.answer.push('\n');
            last.answer.push_str(&set_in_pieces());
            continue;
        }
        // The answer: its column's cell and the pieces the row writes right of it, one
        // answer on a form drawn on a grid of narrow cells (「○」 | 「有」 | 「無」,
        // 「2020」 | 「年」 | 「2」 | 「月」 …).
        let pieces: Vec<&Cell> = row
            .iter()
            .filter(|c| (answer_column..answer_end).contains(&c.column))
            .filter(is_piece)
            .collect();
        // A cell merged wide is a banner when it stands alone, unless it stands in the
        // answer column under an answer it goes on; beside a label it is the answer
        // merged across the columns the form gives it.
        let goes_on = open && row.len() == 1 && row[0].column == answer_column;
        let answer = pieces
            .first()
            .filter(|c| c.span <= 2 || row.len() > 1 || goes_on)
            .map(|first| (first.at, joined(&pieces)));
        let mut titles: Vec<&Cell> = Vec::new();
        let mut labels: Vec<&Cell> = Vec::new();
        for cell in row
            .iter()
            .filter(|c| c.column < answer_column && is_label_column(c.column))
        {
            if title_columns.contains(&cell.column) {
                titles.push(cell);
            } else {
                labels.push(cell);
            }
        }
        let banner = row.len() == 1 && !goes_on && (row[0].span > 1 || answer.is_none());
        if banner {
            let text = row[0].text.trim();
            let mut label = Above {
                column: row[0].column,
                text,
                preamble: false,
                heading: heading.clone(),
                title: carried_title.clone(),
            };
            if result.pairs.is_empty() && !matcher.is_heading(text) {
                result.preamble.push(text.to_string());
                label.preamble = true;
            } else if !is_note(&row[0].folded) {
                *heading = Some(text.to_string());
                *carried_title = None;
            }
            above = Some(label).filter(|_| !is_note(&row[0].folded));
            open = false;
            continue;
        }
        if !titles.is_empty() {
            *carried_title = Some(join(&titles));
        }
        let Some(answer) = answer else {
            if !labels.is_empty() {
                let (label, own) = pair_label(carried_title.as_deref(), join(&labels));
                result.blanks.push(Pair {
                    label,
                    own,
                    heading: heading.clone(),
                    answer: String::new(),
                    at: labels[0].at.clone(),
                });
            }
            open = false;
            continue;
        };
        if titles.is_empty() && labels.is_empty() {
            if open && let Some(last) = result.pairs.last_mut() {
                last.answer.push('\n');
                last.answer.push_str(&answer.1);
            }
            continue;
        }
        // A row cut by a page break, its label's words and its answer both going on
        // below the header printed again (「空調設備の内容（床吹き上げ空調、コン」 |
        // page break | 「ピュータ専用個別空調、…）」).
        let below_header = r
            .checked_sub(1)
            .is_some_and(|above| header_rows.contains(&above));
        if open
            && below_header
            && titles.is_empty()
            && let Some(last) = result.pairs.last_mut()
            && cues::leaves_bracket_open(&fold(last.own_label()))
        {
            let rest = join(&labels);
            last.label.push_str(&rest);
            if let Some(own) = last.own.as_mut() {
                own.push_str(&rest);
            }
            last.answer.push('\n');
            last.answer.push_str(&answer.1);
            continue;
        }
        let (label, own) = pair_label(carried_title.as_deref(), join(&labels));
        result.pairs.push(Pair {
            label,
            own,
            heading: heading.clone(),
            answer: answer.1,
            at: answer.0.clone(),
        });
        open = true;
    }
}

/// A banner row that may be a label worded across a form's width, and the section
/// heading and title it would replace as a banner.
struct Above<'t> {
    column: u32,
    text: &'t str,
    /// Whether it was taken into the region's preamble.
    preamble: bool,
    heading: Option<String>,
    title: Option<String>,
}

/// [`grid::joined_pieces`] of a row's cells.
fn joined(cells: &[&Cell]) -> String {
    grid::joined_pieces(cells.iter().map(|c| (c.text, c.column, c.span)))
}

/// A pair's label from the title carried down to its row and its own label cells, and
/// the own label where both have their say.
fn pair_label(title: Option<&str>, own: String) -> (String, Option<String>) {
    match title {
        Some(title) if !own.is_empty() => (format!("{title} {own}"), Some(own)),
        Some(title) => (title.to_string(), None),
        None => (own, None),
    }
}

/// How much the texts of one column are drawn from those of another, row by row: the
/// mean share of a cell's bigrams found in the other's cell of its row, over the rows
/// that have both (the first few).
fn drawn_from(rows: &[Vec<Cell>], header_rows: &HashSet<usize>, column: u32, source: u32) -> f64 {
    let shares: Vec<f64> = rows
        .iter()
        .enumerate()
        .filter(|(r, _)| !header_rows.contains(r))
        .filter_map(|(_, row)| {
            let cell = row.iter().find(|c| c.column == column)?;
            let from = row.iter().find(|c| c.column == source)?;
            Some(Bigrams::of(&cell.folded).found_in(&Bigrams::of(&from.folded)))
        })
        .take(COLUMN_SAMPLE)
        .collect();
    if shares.is_empty() {
        0.0
    } else {
        shares.iter().sum::<f64>() / shares.len() as f64
    }
}

fn join(cells: &[&Cell]) -> String {
    cells
        .iter()
        .map(|c| c.text.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Label–answer pairs of a flow of paragraphs: 「■会社名」 (or 「1. 会社名」, 「【会社名】」)
/// above its answer, or 「会社名：株式会社…」 on one line after a blank one.
pub(super) fn flow_pairs(
    region: &Region,
    matcher: &Matcher,
    vocabulary: &Vocabulary,
    context: &Context,
) -> RegionPairs {
    let mut result = RegionPairs::default();
    let mut heading: Option<String> = context.heading.clone();
    let texts = || {
        region
            .rows
            .iter()
            .flat_map(|row| row.blocks.iter())
            .map(|block| block.text.trim())
            .filter(|text| !text.is_empty())
    };
    // Under a label left open, a region of nothing but the form's own labels, none
    // marked as one (「■役員数」 above a one-cell table 「役員数」), is the form's labels
    // with their answers left blank: as a lone column of labels, it holds no answers.
    // A cell that restates the open label with a qualifier (「経常利益（単体・直近決算
    // 期）」 under 「107．経常利益」) is that label too.
    let restates_title = |text: &str| {
        let bare = fold(text.split(['（', '(']).next().unwrap_or(text));
        context
            .title
            .as_deref()
            .is_some_and(|title| !bare.is_empty() && bare == fold(&strip_marks(title)))
    };
    let labels_only = context.title.is_some()
        && !texts().any(opens_label)
        && (texts().all(restates_title)
            || matcher.label_likeness(texts()) >= LABELS_ONLY
            || context
                .title
                .as_deref()
                .is_some_and(|title| matcher.lists_fields_of(title, texts())));
    if labels_only {
        result.preamble = texts().map(str::to_string).collect();
        result.context = Context {
            heading,
            title: None,
        };
        return result;
    }
    // A label the region before left open takes the first answer here.
    let mut current: Option<Pair> = context.title.as_ref().and_then(|title| {
        let first = region
            .rows
            .iter()
            .flat_map(|row| row.blocks.iter())
            .next()?;
        Some(Pair {
            label: title.clone(),
            own: None,
            heading: heading.clone(),
            answer: String::new(),
            at: first.at.clone(),
        })
    });
    // A paragraph that is a label of the catalog's, a colon and its answer; `worded`, as
    // the catalog words it, brackets and all. Under an item's heading (`listed`, the items
    // it is the title of) the label need only name one of their fields, however cut short
    // (「係争に関する規程・管轄裁判所等：…」).
    let labelled_inline = |text: &str, worded: bool, listed: &[u32]| {
        inline_pair(text, worded).filter(|(label, _)| {
            let folded = fold(label);
            // 「DC1：…」, 「第2センター：…」: an answer given per data centre, not a label.
            if grid::is_centre_heading(&folded) {
                return false;
            }
            let prepared = matcher.prepare(label, &matcher.rewrites);
            matcher
                .scores(&prepared)
                .into_iter()
                .any(|s| s >= INLINE_LABEL)
                || listed
                    .iter()
                    .any(|&number| vocabulary.field_named(&folded, number).is_some())
        })
    };
    // A marked line longer than labels run (「■該当する財務監査・財務データの状況を、
    // ①会計監査人による…」) is a label still where it is a field's wording.
    let opens_long_label = |text: &str| {
        is_marked_line(text) && matcher.best_field_score(&strip_marks(text)) >= INLINE_LABEL
    };
    let blocks: Vec<&Block> = region
        .rows
        .iter()
        .flat_map(|row| row.blocks.iter())
        .filter(|block| !block.text.trim().is_empty())
        .collect();
    let mut previous: Option<&Location> = None;
    // Whether the lines are an item's fields under its outline heading, each 「label：
    // answer」 (「事業者の正式名称（商号）：…」 then 「法人番号：…」), no blank line between,
    // until a label line or the next heading.
    let mut listing = false;
    // The items the listing's heading is the title of.
    let mut listed: &[u32] = &[];
    for (k, block) in blocks.iter().enumerate() {
        let text = block.text.trim();
        let after_blank = previous.is_none_or(|before| !block.at.follows_directly(before));
        previous = Some(&block.at);
        // A heading of the report's own outline (「2.2.1 事業者名」, 「2.4 財務状況」)
        // ends the answer above it. An item's title so numbered labels the answer below
        // it, until a label line names the field.
        if let Some(words) = vocabulary.outline_heading(&fold(text)) {
            if let Some(pair) = current.take().filter(|p| !p.answer.is_empty()) {
                result.pairs.push(pair);
            }
            listing = false;
            if vocabulary.is_section(words) {
                heading = Some(strip_marks(text));
                if !vocabulary.names_item(words) {
                    continue;
                }
            }
            listing = true;
            listed = vocabulary.items_titled(words);
            current = Some(Pair {
                label: words.to_string(),
                own: None,
                heading: heading.clone(),
                answer: String::new(),
                at: block.at.clone(),
            });
            continue;
        }
        if opens_label(text) || opens_long_label(text) {
            listing = false;
            if let Some(pair) = current.take().filter(|p| !p.answer.is_empty()) {
                result.pairs.push(pair);
            }
            let words = strip_marks(text);
            // A heading is followed by labels; a line its answer follows is a label,
            // however much its words sound like a section's (「■サポート受付時間」).
            let answered = || {
                blocks.get(k + 1).is_some_and(|next| {
                    let next = next.text.trim();
                    !opens_label(next) && labelled_inline(next, false, &[]).is_none()
                })
            };
            if matcher.is_heading(&words) && !answered() {
                heading = Some(words);
                continue;
            }
            current = Some(Pair {
                label: words,
                own: None,
                heading: heading.clone(),
                answer: String::new(),
                at: block.at.clone(),
            });
            continue;
        }
        // 「会社名：株式会社…」 after a blank line or in an item's listing.
        // In a listing, the lines after one (「DC2：震度7相当」) go on with its answer.
        let inline = if listing {
            labelled_inline(text, true, listed)
        } else if after_blank {
            labelled_inline(text, false, &[])
        } else {
            None
        };
        if let Some((label, answer)) = inline {
            if let Some(pair) = current.take().filter(|p| !p.answer.is_empty()) {
                result.pairs.push(pair);
            }
            let pair = Pair {
                label,
                own: None,
                heading: heading.clone(),
                answer,
                at: block.at.clone(),
            };
            if listing {
                current = Some(pair);
            } else {
                result.pairs.push(pair);
            }
            continue;
        }
        match current.as_mut() {
            // A numbered section heading of the guide's (「２．１ 開示情報の時点」) is no
            // answer: the label still waiting for one was a heading too (「２．「事業者」
            // に関わる項目」 above it, the tables that answer both below).
            Some(pair) if pair.answer.is_empty() && vocabulary.is_numbered_section(&fold(text)) => {
                heading = Some(strip_marks(text));
                current = None;
            }
            Some(pair) if pair.answer.is_empty() => {
                pair.answer = text.to_string();
                pair.at = block.at.clone();
            }
            Some(pair) if !after_blank => {
                pair.answer.push('\n');
                pair.answer.push_str(text);
            }
            _ => {
                if let Some(pair) = current.take().filter(|p| !p.answer.is_empty()) {
                    result.pairs.push(pair);
                }
                if result.pairs.is_empty() {
                    result.preamble.push(text.to_string());
                }
            }
        }
    }
    let mut title = None;
    match current {
        Some(pair) if !pair.answer.is_empty() => result.pairs.push(pair),
        Some(pair) => title = Some(pair.label),
        None => {}
    }
    result.context = Context { heading, title };
    result
}

/// Whether a paragraph is marked as a label: 「■会社名」, 「【会社名】」, 「3. 設立年」
/// (short, one line). 「【連携内容】REST API…」 is an answer's line.
fn opens_label(text: &str) -> bool {
    is_marked_line(text) && text.chars().count() <= 40
}

/// Whether a line of one paragraph opens with a label's mark (a bullet, 【…】 alone, a
/// number of the form's own), whatever its length.
fn is_marked_line(text: &str) -> bool {
    let first = text.chars().next().unwrap_or(' ');
    let bracketed = first == '【'
        && text.find('】').is_some_and(|at| {
            text[at + '】'.len_utf8()..]
                .trim_matches([':', '：', ' '])
                .is_empty()
        });
    let folded = fold(text);
    let marked = cues::BULLETS.contains(&first)
        || bracketed
        || (cues::item_cue(&folded)
            .is_some_and(|c| c.strength == Strength::Weak && !c.rest.is_empty())
            && !opens_with_quantity(&folded));
    marked && !text.contains('\n')
}

/// A figure with its counter (「9名（取締役6名…）」, 「2拠点」, 「1ヶ月前」): an answer,
/// where a label's own numbering sets its number apart (「3. 設立年」, 「(3) 設立年」).
fn opens_with_quantity(folded: &str) -> bool {
    let after = folded.trim_start_matches(|c: char| c.is_ascii_digit());
    after.len() < folded.len() && after.starts_with(|c: char| !c.is_ascii() && c.is_alphabetic())
}

/// 「会社名：株式会社…」 → (会社名, 株式会社…), when the part before the colon is short; or,
/// `worded`, as long as a field's wording with its brackets (「代表者経歴（生年月日、
/// 学歴、業務履歴、資格等）：…」).
fn inline_pair(text: &str, worded: bool) -> Option<(String, String)> {
    let (label, answer) = text.split_once(['：', ':'])?;
    let label = label.trim();
    let answer = answer.trim();
    let words = label.chars().count();
    let longest = if worded { WORDED_INLINE_LABEL } else { 20 };
    ((2..=longest).contains(&words)
        && !answer.is_empty()
        && (worded || !label.contains(['(', '（', '、'])))
    .then(|| (label.to_string(), answer.to_string()))
}

// ---------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------

/// What a heading names: sections (by index) and items, each with its strength.
type HeadingNames = (Vec<(usize, f64)>, BTreeMap<u32, f64>);

/// The field a pair's label scores best for, whatever the confidence (for the reviewer's
/// message), if it scores for any.
fn best_field(scores: &[f64]) -> Option<usize> {
    scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .filter(|(_, s)| **s > 0.0)
        .map(|(j, _)| j)
}

/// Whether the time given has run out.
fn past(until: Option<Instant>) -> bool {
    until.is_some_and(|until| Instant::now() >= until)
}

impl Matcher {
    /// A pair's score for every field, from its label (and the title carried down to it)
    /// alone, and with the support of the section heading in force.
    fn pair_scores<'p>(
        &self,
        pair: &'p Pair,
        heading_cache: &mut HashMap<&'p str, HeadingNames>,
    ) -> (Vec<f64>, Vec<f64>) {
        let scores = self.text_scores(&pair.label);
        let base: Vec<f64> = match &pair.own {
            None => scores,
            // The title names the item, the label cell the field: each has its say
            // (「本社所在地」 above 「ホームページURL」 is item 4's second field).
            Some(own) => {
                let own = self.text_scores(own);
                scores
                    .iter()
                    .zip(own)
                    .map(|(s, o)| TITLE_SHARE * s + (1.0 - TITLE_SHARE) * o)
                    .collect()
            }
        };
        // Section headings: support for the fields of the section they name.
        let Some(heading) = pair.heading.as_deref() else {
            return (base.clone(), base);
        };
        let (named, items) = heading_cache.entry(heading).or_insert_with(|| {
            let items = self.heading_items(heading);
            // A heading that names an item names that item's section too; a namesake
            // section holding none of the items it names is not meant (「■推奨ゲートウェイ」
            // is item 76, not the sub-section of item 69 called ＧＷ／エッジコンピュータ).
            let sections =
                self.heading_sections(heading)
                    .into_iter()
                    .filter(|(section, _)| {
                        items.is_empty()
                            || self.fields.iter().any(|f| {
                                items.contains_key(&f.item) && f.sections.contains(section)
                            })
                    })
                    .collect();
            (sections, items)
        });
        let with_heading = base
            .iter()
            .zip(&self.fields)
            .map(|(s, f)| {
                let section = named
                    .iter()
                    .filter(|(section, _)| f.sections.contains(section))
                    .map(|(_, strength)| *strength)
                    .fold(0.0, f64::max);
                let item = items.get(&f.item).copied().unwrap_or(0.0);
                s + HEADING_BONUS * section.max(item)
            })
            .collect();
        (base, with_heading)
    }

    /// Decides which field each pair answers; `None` when `until` passes first.
    /// `blanks` are the region's unanswered labels (see [`RegionPairs::blanks`]).
    pub(super) fn assign(
        &self,
        pairs: &[Pair],
        blanks: &[Pair],
        until: Option<Instant>,
    ) -> Option<Vec<Decision>> {
        let mut decisions = if pairs.len() > ASSIGNMENT_CAP {
            self.assign_greedily(pairs, until)?
        } else {
            self.assign_exactly(pairs, blanks, until)?
        };
        self.continue_split_rows(pairs, &mut decisions);
        Some(decisions)
    }

    /// A pair left unplaced either side of a page break from a placed one, whose label
    /// and that one's read on from each other: a row a page break split, its label cut
    /// mid-sentence (「当該データセンターの正式識別名。複数データ」 | 「センターがある場合は、
    /// …」). It answers the same field (the collector joins the two answers). The labels
    /// read on when the two joined name the field better than the placed one alone; a
    /// field of an older form that today's has not (reported apart) reads worse joined.
    fn continue_split_rows(&self, pairs: &[Pair], decisions: &mut [Decision]) {
        for i in 1..pairs.len().min(decisions.len()) {
            let (before, after) = (&pairs[i - 1], &pairs[i]);
            if !after.at.after_page_break(&before.at) {
                continue;
            }
            // The placed part and its field, and the unplaced one, either side of the break.
            let (placed, field, unplaced) = match (decisions[i - 1].field, decisions[i].field) {
                (Some(field), None) => (i - 1, field, i),
                (None, Some(field)) => (i, field, i - 1),
                _ => continue,
            };
            let Some(j) = self.field_position(field) else {
                continue;
            };
            let joined = format!("{}{}", before.own_label(), after.own_label());
            if self.text_scores(&joined)[j] > self.text_scores(pairs[placed].own_label())[j] {
                decisions[unplaced].field = Some(field);
                decisions[unplaced].confidence = decisions[placed].confidence;
            }
        }
    }

    /// Where field (item, index) stands in the matcher's fields (its scores' order).
    fn field_position(&self, field: (u32, u32)) -> Option<usize> {
        self.fields.iter().position(|f| (f.item, f.index) == field)
    }

    /// [`Matcher::assign`] within [`ASSIGNMENT_CAP`] pairs: the exact assignment.
    fn assign_exactly(
        &self,
        pairs: &[Pair],
        blanks: &[Pair],
        until: Option<Instant>,
    ) -> Option<Vec<Decision>> {
        let mut heading_cache: HashMap<&str, HeadingNames> = HashMap::new();
        let mut base = Vec::with_capacity(pairs.len());
        let mut with_headings = Vec::with_capacity(pairs.len());
        for (i, pair) in pairs.iter().enumerate() {
            if i % DEADLINE_EVERY == 0 && past(until) {
                return None;
            }
            let (own, with_heading) = self.pair_scores(pair, &mut heading_cache);
            base.push(own);
            with_headings.push(with_heading);
        }
        // Unanswered labels only weaken rivals: past as many as the assignment takes
        // exactly, the rest are left out (a sheet of bare labels is no form).
        let blanks = &blanks[..blanks.len().min(ASSIGNMENT_CAP)];
        let mut blank_scores = Vec::with_capacity(blanks.len());
        for (i, blank) in blanks.iter().enumerate() {
            if i % DEADLINE_EVERY == 0 && past(until) {
                return None;
            }
            blank_scores.push(self.pair_scores(blank, &mut heading_cache).1);
        }
        let first = hungarian(&with_headings, FLOOR);
        let first_confidence =
            self.confidences(&with_headings, &with_headings, &first, &blank_scores);
        // Neighbours: pairs next to each other tend to answer items of one section.
        let mut scores = with_headings.clone();
        for (i, row) in scores.iter_mut().enumerate() {
            let neighbours: Vec<usize> = (i.saturating_sub(NEIGHBOUR_REACH)
                ..(i + NEIGHBOUR_REACH + 1).min(pairs.len()))
                .filter(|j| *j != i)
                .filter_map(|j| first[j].filter(|_| first_confidence[j] >= NEIGHBOUR_CONFIDENCE))
                .collect();
            if neighbours.is_empty() {
                continue;
            }
            // The items of the nearest sure pairs before and after, close together:
            // the form follows the guide's order here, and the pair answers an item
            // between them (item 52's 「その他サービス」 between 51 and 53, not 57's).
            let sure = |j: usize| {
                first[j]
                    .filter(|_| first_confidence[j] >= NEIGHBOUR_CONFIDENCE)
                    .map(|f| self.fields[f].item)
            };
            let before = (i.saturating_sub(NEIGHBOUR_REACH)..i).rev().find_map(sure);
            let after = (i + 1..(i + NEIGHBOUR_REACH + 1).min(pairs.len())).find_map(sure);
            let between = match (before, after) {
                (Some(low), Some(high)) if low <= high && high - low <= ORDER_SPAN => {
                    Some(low..=high)
                }
                _ => None,
            };
            for (s, field) in row.iter_mut().zip(&self.fields) {
                if between
                    .as_ref()
                    .is_some_and(|items| items.contains(&field.item))
                {
                    *s += ORDER_BONUS;
                }
                let (major, minor) = (field.sections.first(), field.sections.last());
                let near_minor = neighbours
                    .iter()
                    .filter(|j| self.fields[**j].sections.last() == minor)
                    .count();
                let near_major = neighbours
                    .iter()
                    .filter(|j| self.fields[**j].sections.first() == major)
                    .count();
                *s += (NEIGHBOUR_BONUS * near_minor as f64
                    + MAJOR_NEIGHBOUR_BONUS * near_major as f64)
                    / neighbours.len() as f64;
            }
        }
        let second = hungarian(&scores, FLOOR);
        let confidence = self.confidences(&scores, &with_headings, &second, &blank_scores);
        second
            .iter()
            .zip(&confidence)
            .zip(&base)
            .map(|((chosen, c), base)| {
                let named = best_field(base);
                self.decision(*chosen, *c, chosen.or(named), named)
            })
            .collect::<Vec<_>>()
            .into()
    }

    fn decision(
        &self,
        chosen: Option<usize>,
        confidence: f64,
        best: Option<usize>,
        named: Option<usize>,
    ) -> Decision {
        let key = |j: usize| (self.fields[j].item, self.fields[j].index);
        Decision {
            field: chosen.filter(|_| confidence >= THRESHOLD).map(key),
            confidence,
            best: best.map(key),
            named: named.map(key),
        }
    }

    /// [`Matcher::assign`] past [`ASSIGNMENT_CAP`] pairs: each pair keeps its best few
    /// fields, and the best-scoring (pair, field) is taken first, ties in document
    /// order. Linear in the pairs, where the exact assignment is cubic; no neighbour
    /// support, and a lower confidence for it.
    fn assign_greedily(&self, pairs: &[Pair], until: Option<Instant>) -> Option<Vec<Decision>> {
        let mut heading_cache: HashMap<&str, HeadingNames> = HashMap::new();
        let mut candidates: Vec<Vec<(usize, f64)>> = Vec::with_capacity(pairs.len());
        let mut best = Vec::with_capacity(pairs.len());
        for (i, pair) in pairs.iter().enumerate() {
            if i % DEADLINE_EVERY == 0 && past(until) {
                return None;
            }
            let (base, scores) = self.pair_scores(pair, &mut heading_cache);
            best.push(best_field(&base));
            let mut top: Vec<(usize, f64)> = scores
                .into_iter()
                .enumerate()
                .filter(|(_, s)| *s > FLOOR)
                .collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            top.truncate(GREEDY_CANDIDATES);
            candidates.push(top);
        }
        let mut order: Vec<(usize, usize, f64)> = candidates
            .iter()
            .enumerate()
            .flat_map(|(i, top)| top.iter().map(move |&(j, s)| (i, j, s)))
            .collect();
        order.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<Option<usize>> = vec![None; pairs.len()];
        let mut holder: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
        for (i, j, s) in order {
            if chosen[i].is_none() && !holder.contains_key(&j) {
                chosen[i] = Some(j);
                holder.insert(j, (i, s));
            }
        }
        Some(
            chosen
                .iter()
                .zip(&candidates)
                .zip(best)
                .enumerate()
                .map(|(i, ((c, top), best))| {
                    let confidence = c.map_or(0.0, |j| {
                        let own = top.iter().find(|(k, _)| *k == j).map_or(0.0, |t| t.1);
                        // As in `standings`: a field held by a pair it suits better is
                        // no real alternative.
                        let rival = top
                            .iter()
                            .filter(|(k, s)| {
                                *k != j
                                    && holder.get(k).is_none_or(|&(o, held)| o == i || held <= *s)
                            })
                            .map(|t| t.1)
                            .fold(0.0, f64::max);
                        GREEDY_CONFIDENCE * confidence(own, rival)
                    });
                    self.decision(*c, confidence, c.or(best), best)
                })
                .collect(),
        )
    }

    /// The confidence of each assignment: its score, lowered by how close the best field
    /// that the pair could have had instead comes. A field another pair holds comes as
    /// close as swapping the two would: this pair's score for it, less what the holder
    /// would lose by taking this pair's field instead (two rows of the same wording under
    /// items of the same title, 「機器の主な機能」 of 62 and 69, are each sure of their
    /// place by as much as the order of the form says). `labelled` are the scores before
    /// the neighbours' support, which unanswered labels (`blanks`) have none of.
    fn confidences(
        &self,
        scores: &[Vec<f64>],
        labelled: &[Vec<f64>],
        chosen: &[Option<usize>],
        blanks: &[Vec<f64>],
    ) -> Vec<f64> {
        self.standings(scores, labelled, chosen, blanks)
            .into_iter()
            .map(|(own, rival)| confidence(own, rival))
            .collect()
    }

    /// Each assignment's score and the score of its best real alternative. A field no
    /// label holds may be held by an unanswered label that names it best (`blanks`:
    /// their scores), if it names it better than the pair's own label does.
    fn standings(
        &self,
        scores: &[Vec<f64>],
        labelled: &[Vec<f64>],
        chosen: &[Option<usize>],
        blanks: &[Vec<f64>],
    ) -> Vec<(f64, f64)> {
        // Per field, the pair that holds it, and the best unanswered label's score.
        let mut holder: Vec<Option<usize>> = vec![None; self.fields.len()];
        for (i, c) in chosen.iter().enumerate() {
            if let Some(j) = c {
                holder[*j] = Some(i);
            }
        }
        let mut blank_holder: Vec<Option<f64>> = vec![None; self.fields.len()];
        for row in blanks {
            if let Some(j) = best_field(row).filter(|j| row[*j] > FLOOR && holder[*j].is_none()) {
                let best = blank_holder[j].get_or_insert(0.0);
                *best = best.max(row[j]);
            }
        }
        chosen
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let Some(j) = c else { return (0.0, 0.0) };
                let own = scores[i][*j];
                let rival = scores[i]
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != *j)
                    .filter_map(|(k, s)| match holder[k] {
                        // Held by another pair: the alternative is the swap, worth this
                        // pair's score less what the holder would lose by it.
                        Some(other) => Some(s - (scores[other][k] - scores[other][*j]).max(0.0)),
                        None => blank_holder[k]
                            .is_none_or(|blank| blank <= labelled[i][k])
                            .then_some(*s),
                    })
                    .fold(0.0, f64::max);
                (own, rival)
            })
            .collect()
    }
}

/// How sure an assignment is, from its score and its best alternative's.
fn confidence(own: f64, rival: f64) -> f64 {
    let margin = own - rival;
    let certainty = (TIE_CERTAINTY + margin / FULL_LEAD).clamp(0.0, 1.0);
    ((SCORE_BASE + own).min(1.0) * certainty).clamp(0.0, 1.0)
}

/// One-to-one assignment of rows to columns maximizing the total score (the Hungarian
/// method with potentials). A row may stay unassigned, which is worth `floor`.
fn hungarian(scores: &[Vec<f64>], floor: f64) -> Vec<Option<usize>> {
    let n = scores.len();
    let m = scores.first().map_or(0, Vec::len);
    // Columns: the fields, then one "unassigned" column per row.
    let width = m + n;
    let cost = |i: usize, j: usize| -> f64 {
        if j < m {
            -scores[i][j]
        } else if j - m == i {
            -floor
        } else {
            f64::INFINITY / 4.0
        }
    };
    let inf = f64::INFINITY;
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; width + 1];
    let mut p = vec![0usize; width + 1];
    let mut way = vec![0usize; width + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0usize;
        let mut minv = vec![inf; width + 1];
        let mut used = vec![false; width + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0usize;
            for j in 1..=width {
                if used[j] {
                    continue;
                }
                let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                if cur < minv[j] {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if minv[j] < delta {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for j in 0..=width {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut result = vec![None; n];
    for j in 1..=width {
        if p[j] != 0 && j - 1 < m {
            result[p[j] - 1] = Some(j - 1);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::tests::spanned;
    use crate::model::{Block, Row};

    fn matcher() -> &'static Matcher {
        static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
        M.get_or_init(|| {
            let synonyms = SynonymFile::builtin().expect("the synonym list parses");
            Matcher::new(Catalog::builtin(), &synonyms)
        })
    }

    #[test]
    fn indexed_bigrams_give_the_plain_dice_coefficient() {
        // Repeated bigrams (ああああ), phrases sharing bigrams, a label with bigrams no
        // phrase has, one character and nothing.
        let phrases = ["情報開示の日付", "開示情報", "ああああ", "事業者名", "a"];
        let mut ids = BigramIds::default();
        let indexed: Vec<PhraseBigrams> = phrases.iter().map(|p| ids.phrase(p)).collect();
        for label in [
            "開示情報の日付（西暦）",
            "ああ情報ああ",
            "事業所数",
            "x",
            "",
        ] {
            let bigrams = ids.label(label);
            for (phrase, entry) in phrases.iter().zip(&indexed) {
                let plain = crate::text::Bigrams::of(label).dice(&crate::text::Bigrams::of(phrase));
                assert_eq!(dice(&bigrams, entry), plain, "{label} / {phrase}");
            }
        }
    }

    fn vocabulary() -> Vocabulary<'static> {
        Vocabulary::new(Catalog::builtin())
    }

    fn best(label: &str) -> (u32, u32) {
        let m = matcher();
        let prepared = m.prepare(label, &m.rewrites);
        let (j, _) = m
            .scores(&prepared)
            .into_iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        (m.fields[j].item, m.fields[j].index)
    }

    #[test]
    fn paraphrased_labels_name_their_fields() {
        assert_eq!(best("会社名"), (2, 1));
        assert_eq!(best("代表者名"), (6, 1));
        assert_eq!(best("資本金額"), (11, 1));
        assert_eq!(best("従業員数（正社員）"), (8, 1));
        assert_eq!(best("法人番号"), (2, 2));
        assert_eq!(best("ホームページ"), (4, 2));
        assert_eq!(best("設立年・事業年数"), (3, 1));
        assert_eq!(best("稼働率の実績"), (77, 2));
        assert_eq!(best("死活監視"), (94, 1));
    }

    #[test]
    fn remembered_scores_are_the_scores_and_stay_bounded() {
        let m = matcher();
        let fresh = |text: &str| m.scores(&m.prepare(text, &m.rewrites));
        for text in [
            "会社名",
            "資本金額",
            "稼働率の実績",
            "２．２ 事業所・事業",
            &"長いラベル".repeat(60),
        ] {
            assert_eq!(m.text_scores(text), fresh(text), "{text}");
            // The second time from memory (a text too long to keep is scored again).
            assert_eq!(m.text_scores(text), fresh(text), "{text}");
            // Headings likewise.
            for _ in 0..2 {
                assert_eq!(m.heading_sections(text), m.sections_named(text), "{text}");
            }
        }
        for i in 0..SCORES_REMEMBERED + 10 {
            m.text_scores(&format!("項目{i}"));
        }
        let kept = m
            .remembered
            .lock()
            .map(|memo| memo.made.len())
            .unwrap_or(usize::MAX);
        assert!(kept <= SCORES_REMEMBERED, "{kept}");
    }

    #[test]
    #[ignore]
    fn show_scores() {
        let m = matcher();
        for label in std::env::var("KAIJI_LABELS").unwrap_or_default().split('|') {
            let prepared = m.prepare(label, &m.rewrites);
            let mut scored: Vec<(f64, u32, u32)> = m
                .fields
                .iter()
                .map(|f| (m.score(&prepared, f), f.item, f.index))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let top: Vec<String> = scored
                .iter()
                .take(5)
                .map(|(s, i, f)| format!("{i}.{f}={s:.3}"))
                .collect();
            let readings: Vec<&Vec<String>> = prepared.readings.iter().map(|r| &r.keys).collect();
            let heading = m.is_heading(label);
            let mut sections = m.heading_sections(label);
            sections.sort_by(|a, b| b.1.total_cmp(&a.1));
            let sections: Vec<String> = sections
                .iter()
                .take(3)
                .map(|(i, s)| format!("{}={s:.3}", m.sections[*i].folded))
                .collect();
            println!(
                "{label} {readings:?} heading={heading} {sections:?}: {}",
                top.join(" ")
            );
        }
    }

    #[test]
    fn the_synonym_list_reads() {
        let file = SynonymFile::builtin().expect("the synonym list parses");
        assert!(file.synonyms.len() > 20 && !file.sections.is_empty() && !file.legacy.is_empty());
        assert!(file.synonyms.iter().all(|g| g.words.len() >= 2));
    }

    #[test]
    fn marks_and_own_numbers_are_not_words() {
        assert_eq!(strip_marks("■会社名："), "会社名");
        assert_eq!(strip_marks("3. 設立年"), "設立年");
        assert_eq!(strip_marks("（１２）ホームページ"), "ホームページ");
        assert_eq!(strip_marks("代表者名について"), "代表者名");
    }

    #[test]
    fn a_row_split_at_a_page_break_answers_the_field_of_its_first_part() {
        let pair = |label: &str, own: Option<&str>, page: u32| Pair {
            label: label.into(),
            own: own.map(str::to_string),
            heading: None,
            answer: "…".into(),
            at: Location::Page { page },
        };
        let placed = || Decision {
            field: Some((111, 1)),
            confidence: 0.99,
            best: Some((111, 1)),
            named: Some((111, 1)),
        };
        let unplaced = || Decision {
            field: None,
            confidence: 0.1,
            best: None,
            named: None,
        };
        let first = || {
            pair(
                "データセンター識別名 当該データセンターの正式識別名。複数データ",
                Some("当該データセンターの正式識別名。複数データ"),
                10,
            )
        };
        let rest = "センターがある場合は、簡易略称名を追記（以降の開示項目の記述で使用）";
        let fields_of = |pairs: &[Pair], mut decisions: Vec<Decision>| {
            matcher().continue_split_rows(pairs, &mut decisions);
            decisions.iter().map(|d| d.field).collect::<Vec<_>>()
        };
        let fields = |pairs: &[Pair]| fields_of(pairs, vec![placed(), unplaced()]);
        // The label's rest atop the next page: the same field.
        assert_eq!(
            fields(&[first(), pair(rest, None, 11)]),
            [Some((111, 1)), Some((111, 1))]
        );
        // On the same page it is another row; a label of its own does not go on.
        assert_eq!(
            fields(&[first(), pair(rest, None, 10)]),
            [Some((111, 1)), None]
        );
        assert_eq!(
            fields(&[first(), pair("事業所数", None, 11)]),
            [Some((111, 1)), None]
        );
        // The first part unplaced at a page's foot, the rest placed atop the next.
        assert_eq!(
            fields_of(&[first(), pair(rest, None, 11)], vec![unplaced(), placed()]),
            [Some((111, 1)), Some((111, 1))]
        );
    }

    #[test]
    fn the_assignment_is_one_to_one_and_maximal() {
        let scores = vec![vec![0.9, 0.8], vec![0.85, 0.1]];
        assert_eq!(hungarian(&scores, 0.3), vec![Some(1), Some(0)]);
        let scores = vec![vec![0.2, 0.1]];
        assert_eq!(hungarian(&scores, 0.3), vec![None]);
    }

    fn table(rows: &[&[&str]]) -> Region {
        Region {
            name: "申請書".into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(r, cells)| Row {
                    blocks: cells
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| !t.is_empty())
                        .map(|(c, t)| Block {
                            text: t.to_string(),
                            column: c as u32,
                            column_span: 1,
                            at: Location::Cell {
                                sheet: "申請書".into(),
                                row: r as u32,
                                col: c as u32,
                            },
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_field_another_pair_holds_is_as_close_as_the_swap() {
        // Two rows worded alike under two items of one title (62 and 69, 機器): the
        // order of the form gives the second row a tie between the two fields, the
        // first a lead for its own. Taking 62 from the first row would cost it that
        // lead: the second row is as sure of 69 as the lead says, not at a tie.
        let m = matcher();
        let at = |item: u32, index: u32| m.field_position((item, index)).expect("a catalog field");
        let (first, second) = (at(62, 2), at(69, 2));
        let mut scores = vec![vec![0.0; m.fields.len()]; 2];
        (scores[0][first], scores[0][second]) = (1.09, 1.04);
        (scores[1][first], scores[1][second]) = (1.14, 1.14);
        let chosen = [Some(first), Some(second)];
        let standings = m.standings(&scores, &scores, &chosen, &[]);
        let lead = |(own, rival): (f64, f64)| own - rival;
        assert!((lead(standings[0]) - 0.05).abs() < 1e-9, "{standings:?}");
        assert!((lead(standings[1]) - 0.05).abs() < 1e-9, "{standings:?}");
        let sure = m.confidences(&scores, &scores, &chosen, &[]);
        assert!(sure.iter().all(|c| *c >= THRESHOLD), "{sure:?}");
        // A field the other pair holds and loses nothing by giving up: a full alternative.
        scores[0][second] = 1.09;
        let standings = m.standings(&scores, &scores, &chosen, &[]);
        assert!((standings[1].1 - 1.14).abs() < 1e-9, "{standings:?}");
    }

    #[test]
    fn a_two_column_table_gives_pairs_and_the_matcher_assigns_them() {
        let region = table(&[
            &["旧様式 申請書", ""],
            &["項目", "回答"],
            &["代表者名", "高橋 健一"],
            &["会社名", "株式会社サンプル"],
            &["事業所数", "3拠点"],
            &["ホームページ", "https://example.jp/"],
            &["", "（旧URLは廃止）"],
        ]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        assert_eq!(found.preamble, ["旧様式 申請書"]);
        let labels: Vec<&str> = found.pairs.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["代表者名", "会社名", "事業所数", "ホームページ"]);
        assert_eq!(
            found.pairs[3].answer,
            "https://example.jp/\n（旧URLは廃止）"
        );
        let decisions = matcher().assign(&found.pairs, &[], None).unwrap();
        let fields: Vec<Option<(u32, u32)>> = decisions.iter().map(|d| d.field).collect();
        assert_eq!(fields, [Some((6, 1)), Some((2, 1)), None, Some((4, 2))]);
        assert!(decisions[0].confidence >= THRESHOLD);
    }

    #[test]
    fn a_header_giving_the_columns_new_roles_starts_a_table_of_its_own() {
        // Two sheets laid out apart, printed one after the other: the answers move from
        // the fourth column to the sixth. The 区分 column's ● is no label's word.
        let region = table(&[
            &["区分", "項目", "記述内容", "記入欄"],
            &[
                "●",
                "開示情報の日付",
                "開示情報の年月日（西暦）",
                "2025年4月1日",
            ],
            &[
                "●",
                "事業者名",
                "事業者の正式名称（商号）",
                "株式会社サンプル",
            ],
            &["区分", "", "項目", "記述内容", "", "記入欄"],
            &[
                "●",
                "",
                "サービス名称",
                "情報開示した IaaS・PaaSの名称",
                "",
                "サンプルクラウド",
            ],
            &[
                "○",
                "",
                "ロードバランサーサービス",
                "ロードバランサーサービスの内容",
                "",
                "有り",
            ],
        ]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(
            answers,
            [
                "2025年4月1日",
                "株式会社サンプル",
                "サンプルクラウド",
                "有り"
            ]
        );
        assert!(found.pairs.iter().all(|p| !p.label.contains(['●', '○'])));
        let decisions = matcher().assign(&found.pairs, &[], None).unwrap();
        let fields: Vec<Option<(u32, u32)>> = decisions.iter().map(|d| d.field).collect();
        assert_eq!(
            fields,
            [Some((1, 1)), Some((2, 1)), Some((34, 1)), Some((58, 1))]
        );
    }

    #[test]
    fn a_form_drawn_on_narrow_cells_gives_each_row_its_whole_answer() {
        // Excel 方眼紙: labels and answer boxes merged over many narrow columns, the
        // check marks, choice words and date parts each in a cell of their own, the
        // requirement flag at the heading row's end.
        let document = spanned(&[
            &[("■事業者名", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容１\n事業者の正式名称（商号）", 2, 7),
                ("株式会社サンプル", 9, 36),
            ],
            &[("■代表者", 1, 41), ("必須/選択", 42, 3)],
            &[
                (
                    "記述内容２\n代表者経歴（生年月日、学歴、業務履歴、資格等）",
                    2,
                    7,
                ),
                ("1960年生。", 9, 36),
            ],
            &[("2015年代表取締役就任。", 9, 36)],
            &[("■上場の有無", 1, 41), ("選択", 42, 3)],
            &[
                ("記述内容\n株式上場の有無と、「有り」の場合は市場名", 2, 7),
                ("有", 11, 2),
                ("○", 14, 2),
                ("無", 16, 2),
            ],
            &[("■開示情報の日付", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容\n開示情報の年月日（西暦）", 2, 7),
                ("2025", 9, 4),
                ("年", 13, 1),
                ("4", 14, 2),
                ("月", 16, 1),
                ("1", 17, 2),
                ("日", 19, 1),
            ],
        ]);
        let found = grid_pairs(&document.regions[0], matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(
            answers,
            [
                "株式会社サンプル",
                "1960年生。\n2015年代表取締役就任。",
                "有　○無",
                "2025年4月1日"
            ]
        );
        assert!(found.pairs.iter().all(|p| !p.label.contains("必須")));
    }

    #[test]
    fn a_label_worded_across_the_form_has_its_answer_set_in_below_it() {
        // A label too long for its box takes the form's width; its check cells and the
        // detail go below it, set in, the detail's caption 「内容」 the form's own.
        let document = spanned(&[
            &[("■事業者名", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容１\n事業者の正式名称（商号）", 2, 7),
                ("株式会社サンプル", 9, 36),
            ],
            &[("■事業継続に関する規程の整備", 1, 41), ("必須", 42, 3)],
            &[(
                "記述内容１\n事業継続に関する基本方針・規程・マニュアル等の有無と、「有り」の場合は文書名",
                2,
                43,
            )],
            &[("○", 3, 2), ("有", 5, 2), ("無", 10, 2)],
            &[("内容", 3, 2), ("事業継続管理規程", 5, 40)],
            &[("災害対策マニュアル", 5, 40)],
            &[("（1）事業所等の概要", 3, 42)],
            &[("２．２\u{3000}事業所・事業", 1, 44)],
            &[("■サービス名称", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容\n情報開示したIaaS・PaaSの名称", 2, 7),
                ("サンプルクラウド", 9, 36),
            ],
        ]);
        let found = grid_pairs(&document.regions[0], matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(
            answers,
            [
                "株式会社サンプル",
                "○有\u{3000}無\n事業継続管理規程\n災害対策マニュアル",
                "サンプルクラウド"
            ]
        );
        assert!(found.pairs[1].label.contains("事業継続に関する基本方針"));
    }

    #[test]
    fn a_column_past_the_answers_reach_is_no_piece_of_the_answer() {
        // A renewal's mark of what changed, in a column of its own right of the answers.
        let region = table(&[
            &["役員", "役員数", "取締役5名、監査役2名", "変更"],
            &[
                "従業員数",
                "正社員数（単独ベース）",
                "正社員 4782名（単独）",
                "変更",
            ],
            &[
                "資本金",
                "事業者の資本金（単独ベース）",
                "25億円（2024年12月期決算）",
                "",
            ],
        ]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(
            answers,
            [
                "取締役5名、監査役2名",
                "正社員 4782名（単独）",
                "25億円（2024年12月期決算）"
            ]
        );
    }

    #[test]
    fn an_answer_goes_on_below_the_header_printed_again_atop_the_next_page() {
        let header: &[&str] = &["項目", "記述内容", "回答"];
        let region = table(&[
            header,
            &[
                "入退館管理等",
                "入退室記録の有無と、有りの場合はその保存期間",
                "第1センター：有（2年）",
            ],
            header,
            &["", "", "第2センター：有（3年）"],
            &["", "個人認証システムの有無", "有（ICカード）"],
        ]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(
            answers,
            [
                "第1センター：有（2年）\n第2センター：有（3年）",
                "有（ICカード）"
            ]
        );
    }

    #[test]
    fn a_row_cut_by_a_page_break_goes_on_below_the_header() {
        // The label's words and the answer both continue on the next page.
        let header: &[&str] = &["項目名", "記述内容", "記入欄"];
        let region = table(&[
            header,
            &[
                "十分な空調設備",
                "空調設備の内容（床吹き上げ空調、コン",
                "センター1：天井吹き出し",
            ],
            header,
            &[
                "",
                "ピュータ専用個別空調、水冷・空冷式、その他の工夫等）",
                "センター2：壁吹き出し",
            ],
        ]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        assert_eq!(found.pairs.len(), 1);
        assert_eq!(
            found.pairs[0].answer,
            "センター1：天井吹き出し\nセンター2：壁吹き出し"
        );
        assert!(found.pairs[0].label.ends_with("その他の工夫等）"));
    }

    #[test]
    fn fields_worded_alike_are_told_apart_by_the_items_around_them() {
        // Items 47, 52, 57 and 61 are all 「その他サービス」 with the same label; no
        // section heading says which is which, their neighbours do. 47 and 61 are left
        // blank.
        let other = ["その他サービス", "上記に該当しないその他サービスの内容"];
        let row = |title: &'static str, label: &'static str, answer: &'static str| {
            vec![title, label, answer]
        };
        let rows = [
            vec!["項目", "記述内容", "記入欄"],
            row(
                "バックアップ・リストアサービス",
                "バックアップサービス、障害時のリストアサービス等の内容",
                "日次バックアップ",
            ),
            row(other[0], other[1], ""),
            row(
                "ソフトウェア開発環境支援サービス",
                "Java、Servlet、Perl、PHP、Ruby、C/C++、その他のオープンソース系の開発環境の提供サービスの内容",
                "Java",
            ),
            row(
                "ドメイン等管理サービス",
                "IPアドレス管理、ドメイン取得・管理、DNSサーバ等のサービス内容",
                "DNS",
            ),
            row(
                "メールサービス",
                "Webメール、メーリングリスト等のサービス内容",
                "Webメール",
            ),
            row(
                "Webサービス",
                "Webサーバ、FTPサーバ、Webアカウント、アクセス制御、アクセスログ解析、アクセスログ取得、ブログ、掲示板などのサービス内容",
                "Webサーバ",
            ),
            row(other[0], other[1], "DBサーバ"),
            row(
                "サーバ提供サービス",
                "共用サーバ、専用サーバ等のサービス内容",
                "専用サーバ",
            ),
            row(
                "ストレージ提供サービス",
                "ストレージ提供サービスの内容",
                "オブジェクトストレージ",
            ),
            row(
                "レンタル機器サービス",
                "レンタル機器類の障害時対応サービス、定期運用サービス、運用・保守支援サービスの有無と、有りの場合にはその内容",
                "無し",
            ),
            row(
                "統合リソース提供サービス",
                "仮想リソース群（仮想マシン、サーバ、ストレージ、ネットワーク等）を統合して提供するサービスの内容",
                "仮想マシン",
            ),
            row(other[0], other[1], "ラック貸し"),
            row(
                "ロードバランサーサービス",
                "ロードバランサーサービスの内容",
                "L7",
            ),
            row(
                "ネットワーク機器提供サービス",
                "ルーター、スイッチ等のネットワーク機器提供サービスの内容",
                "無し",
            ),
            row(
                "IoT側ネットワークサービス",
                "提供又は推奨するIoT側ネットワークの回線、帯域など",
                "LTE",
            ),
            row(other[0], other[1], ""),
        ];
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        let found = grid_pairs(&table(&rows), matcher(), &Context::default());
        let decisions = matcher().assign(&found.pairs, &found.blanks, None).unwrap();
        let placed = |answer: &str| {
            let i = found.pairs.iter().position(|p| p.answer == answer).unwrap();
            decisions[i].field
        };
        assert_eq!(placed("DBサーバ"), Some((52, 1)));
        assert_eq!(placed("ラック貸し"), Some((57, 1)));
    }

    #[test]
    fn an_answer_picked_from_the_choices_its_label_lists_is_the_answer() {
        // A one-row table under its heading: the label, longer than the answer, lists
        // the choices; the answer picks two of them.
        let region = table(&[&[
            "該当する財務監査・財務データの状況を、①会計監査人による会計監査、②会計参与による計算書類等の作成、③「中小企業会計要領」の適用に関するチェックリストの活用、④監査役による監査、⑤いずれでもない より選択",
            "会計監査人による会計監査、監査役による監査",
        ]]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(answers, ["会計監査人による会計監査、監査役による監査"]);
        // An answer that repeats nothing of its label stays where its length puts it.
        let region = table(&[&["資本金", "1億2,000万円（2024年3月31日現在、単独ベース）"]]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(answers, ["1億2,000万円（2024年3月31日現在、単独ベース）"]);
    }

    #[test]
    fn a_field_an_unanswered_label_names_is_no_rival() {
        // Field 1 of item 40 left blank: its label still names it, so the next label,
        // worded otherwise than today's, need not share its confidence with it.
        let region = table(&[
            &["項目", "記入事項", "回答"],
            &[
                "カスタマイズ",
                "サービスのカスタマイズの範囲",
                "相談に応じて決める",
            ],
            &["回線・帯域", "回線種別・帯域", ""],
            &[
                "",
                "回線の契約形態",
                "基本料金に含む（帯域保証型は別途有償）",
            ],
            &[
                "OS",
                "ゲストOSとして動くOS及びそのバージョン",
                "Ubuntu Server 22.04 LTS",
            ],
        ]);
        let found = grid_pairs(&region, matcher(), &Context::default());
        assert_eq!(found.blanks.len(), 1, "{:?}", found.blanks);
        assert_eq!(found.blanks[0].label, "回線・帯域 回線種別・帯域");
        let field = |blanks: &[Pair]| {
            let decisions = matcher().assign(&found.pairs, blanks, None).unwrap();
            (decisions[1].best, decisions[1].confidence)
        };
        let (best, alone) = field(&[]);
        let (_, with_blank) = field(&found.blanks);
        assert_eq!(best, Some((40, 2)));
        assert!(with_blank > alone, "{alone} -> {with_blank}");
        assert!(with_blank >= THRESHOLD, "{with_blank}");
    }

    #[test]
    fn a_numbered_section_heading_is_no_answer() {
        // Word's heading paragraphs above the tables that answer them: the chapter reads
        // as a label (its 「２．」), the guide's numbered sub-section below is a heading,
        // not its answer. A section's bare name under a label stays that label's answer.
        assert_flow_pairs(
            &[
                "２．「事業者」に関わる項目",
                "２．１\u{3000}開示情報の時点",
                "■主な事業",
                "コンプライアンス",
            ],
            &[("主な事業", "コンプライアンス", Some("2.1 開示情報の時点"))],
        );
    }

    #[test]
    fn a_report_numbered_by_its_own_outline_gives_each_item_its_answers() {
        // Headings 「2.2.1 事業者名」 carry the report's numbers and an item's title: each
        // ends the answer above it and labels the answer below it, where no label line
        // does. An item's fields listed 「label：answer」 one a line, no blank between;
        // a marked label as long as the guide words it.
        assert_flow_pairs(
            &[
                "2.1 開示情報の時点",
                "2.1.1 開示情報の日付",
                "2025年10月15日",
                "2.2 事業所・事業",
                "2.2.1 事業者名",
                "事業者の正式名称（商号）：株式会社アルファ",
                "法人番号：7935364033609",
                "2.2.2 設立年月日",
                "1989年4月16日",
                "2.4 財務状況",
                "2.4.7 財務監査・財務データの状況",
                "■該当する財務監査・財務データの状況を、以下より選択する。",
                "④",
            ],
            &[
                (
                    "開示情報の日付",
                    "2025年10月15日",
                    Some("2.1.1 開示情報の日付"),
                ),
                (
                    "事業者の正式名称（商号）",
                    "株式会社アルファ",
                    Some("2.2 事業所・事業"),
                ),
                ("法人番号", "7935364033609", Some("2.2 事業所・事業")),
                ("設立年月日", "1989年4月16日", Some("2.2 事業所・事業")),
                (
                    "該当する財務監査・財務データの状況を、以下より選択する。",
                    "④",
                    Some("2.4 財務状況"),
                ),
            ],
        );
    }

    #[test]
    fn an_items_listing_goes_on_with_its_answers_per_centre() {
        // Under an outline heading, 「label：answer」 lines whose answers go on per data
        // centre; a label cut short still names a field of the heading's item, and a
        // centre's name before a colon is no label.
        assert_flow_pairs(
            &[
                "3-6-1-3 耐震・免震構造",
                "耐震数値（震度等）：DC1：震度6強まで",
                "DC2：震度7相当",
                "地震対策に係る建物構造（免震、制震構造等）：DC1：耐震構造",
                "DC2：制震構造",
                "2-6-6-4 勧誘・販売・係争に関する規程等の整備",
                "係争に関する規程・管轄裁判所等：あり。利用約款 第35条",
            ],
            &[
                (
                    "耐震数値（震度等）",
                    "DC1：震度6強まで\nDC2：震度7相当",
                    None,
                ),
                (
                    "地震対策に係る建物構造（免震、制震構造等）",
                    "DC1：耐震構造\nDC2：制震構造",
                    None,
                ),
                (
                    "係争に関する規程・管轄裁判所等",
                    "あり。利用約款 第35条",
                    None,
                ),
            ],
        );
    }

    /// The flow reader's (label, answer, heading) pairs of one paragraph each of `lines`
    /// are `expected`.
    fn assert_flow_pairs(lines: &[&str], expected: &[(&str, &str, Option<&str>)]) {
        let region = crate::locate::tests::paragraphs(1, lines);
        let found = flow_pairs(&region, matcher(), &vocabulary(), &Context::default());
        let pairs: Vec<(&str, &str, Option<&str>)> = found
            .pairs
            .iter()
            .map(|p| (p.label.as_str(), p.answer.as_str(), p.heading.as_deref()))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn a_label_its_answer_follows_is_no_heading() {
        // 「■サポート受付時間」 sounds like the サポート section, but its answer follows
        // it; 「■サポート」 above another label is the section's heading.
        assert_flow_pairs(
            &[
                "■サポート",
                "■サポート受付時間",
                "平日9:00～18:00（土日祝日・年末年始を除く）",
            ],
            &[(
                "サポート受付時間",
                "平日9:00～18:00（土日祝日・年末年始を除く）",
                Some("サポート"),
            )],
        );
    }

    #[test]
    fn a_figure_with_its_counter_opens_no_label() {
        assert!(opens_label("■役員の人数"));
        assert!(opens_label("3. 設立年"));
        assert!(opens_label("（3）設立年"));
        assert!(!opens_label("9名（取締役6名、執行役員3名）"));
        assert!(!opens_label("2拠点"));
        assert!(!opens_label("1ヶ月前"));
        assert!(!opens_label("30分以内（障害検知後、電子メールにて通知）"));
    }

    #[test]
    fn a_column_of_one_items_labels_under_its_title_holds_no_answers() {
        // 「■回線・帯域」 above a table of its two labels, their answers left blank: the
        // labels, worded as an earlier edition did, are no answers of the item.
        let labels = crate::locate::tests::paragraphs(1, &["回線種別・帯域", "回線の契約形態"]);
        let titled = Context {
            heading: None,
            title: Some("回線・帯域".to_string()),
        };
        let found = flow_pairs(&labels, matcher(), &vocabulary(), &titled);
        assert!(found.pairs.is_empty(), "{:?}", found.pairs);
        // One answer under the title is its answer.
        let answer = crate::locate::tests::paragraphs(1, &["専用線（最大10Gbps）"]);
        let found = flow_pairs(&answer, matcher(), &vocabulary(), &titled);
        let answers: Vec<&str> = found.pairs.iter().map(|p| p.answer.as_str()).collect();
        assert_eq!(answers, ["専用線（最大10Gbps）"]);
    }

    fn pair(label: &str, row: u32) -> Pair {
        Pair {
            label: label.to_string(),
            own: None,
            heading: None,
            answer: "回答".to_string(),
            at: Location::Cell {
                sheet: "1".to_string(),
                row,
                col: 1,
            },
        }
    }

    #[test]
    fn past_the_cap_the_assignment_is_greedy_linear_and_still_places_clear_labels() {
        // A sheet that is no form: thousands of rows repeating a few labels.
        let mut pairs: Vec<Pair> = (0..3 * ASSIGNMENT_CAP as u32)
            .map(|i| pair(["従業員数", "資本金", "サービス名称"][i as usize % 3], i))
            .collect();
        pairs.insert(0, pair("代表者名", 0));
        let decisions = matcher().assign(&pairs, &[], None).unwrap();
        let placed: Vec<(usize, (u32, u32))> = decisions
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d.field?)))
            .collect();
        // Each field once, to its first claimant: ties go in document order.
        assert_eq!(
            placed,
            [(0, (6, 1)), (1, (8, 1)), (2, (11, 1)), (3, (34, 1))]
        );
        assert!(decisions.iter().all(|d| d.confidence <= GREEDY_CONFIDENCE));
        assert_eq!(
            matcher().assign(&pairs, &[], None).unwrap().len(),
            pairs.len()
        );
    }

    #[test]
    fn the_assignment_stops_when_its_time_is_up() {
        let pairs: Vec<Pair> = (0..10).map(|i| pair("従業員数", i)).collect();
        let now = Instant::now();
        assert!(matcher().assign(&pairs, &[], Some(now)).is_none());
        let many: Vec<Pair> = (0..2 * ASSIGNMENT_CAP as u32)
            .map(|i| pair("資本金", i))
            .collect();
        assert!(matcher().assign(&many, &[], Some(now)).is_none());
    }

    #[test]
    fn an_answer_merged_across_columns_beside_its_label_is_read() {
        use crate::model::{Block, Document, Location, Region, Row};
        // No item numbers; labels merged across two columns, answers across three.
        let row = |cells: &[(u32, u32, &str)]| Row {
            blocks: cells
                .iter()
                .map(|(column, span, text)| Block {
                    text: text.to_string(),
                    column: *column,
                    column_span: *span,
                    at: Location::Cell {
                        sheet: "事業者".into(),
                        row: 1,
                        col: column + 1,
                    },
                })
                .collect(),
        };
        let region = Region {
            name: "事業者".into(),
            rows: vec![
                row(&[
                    (0, 1, "項目"),
                    (1, 1, "区分"),
                    (2, 2, "記述内容"),
                    (4, 3, "記入欄"),
                ]),
                row(&[(0, 7, "【事業者】")]),
                row(&[
                    (0, 1, "事業者名"),
                    (1, 1, "●"),
                    (2, 2, "事業者の正式名称（商号）"),
                    (4, 3, "株式会社ハーベスト"),
                ]),
                row(&[(1, 1, "●"), (2, 2, "法人番号"), (4, 3, "1884881867384")]),
            ],
        };
        let located = crate::locate::untimed(&Document {
            regions: vec![region],
        });
        let found: Vec<(u32, u32, &str)> = located
            .items
            .iter()
            .flat_map(|i| {
                i.fields
                    .iter()
                    .map(move |f| (i.number, f.index, f.raw.as_str()))
            })
            .collect();
        assert_eq!(
            found,
            [(2, 1, "株式会社ハーベスト"), (2, 2, "1884881867384")]
        );
    }
}
