//! Locate: which answer in the document belongs to which item and field.
//!
//! The locator knows the catalog (titles, field labels) but nothing of value kinds or
//! rules. It relies on the cues a form gives (item numbers, titles, 【記述内容N】
//! labels, header words) and never on fixed cell addresses.
//!
//! Where a region has no item numbers, or numbers its labels contradict (an older
//! edition, an ASP・SaaS-era layout, a re-typed form), the answers are found by what
//! their labels say instead (`labels.rs`).

mod assemble;
mod cues;
mod flow;
mod grid;
mod labels;
mod matching;
mod weights;

pub use weights::THRESHOLD;

use weights::{
    AGREEMENT, CONFIRMED_HEADINGS, FLOW_ROWS, NUMBERED_FORM, NUMBERS_AGAINST_LABELS,
    RENAMED_CONFIDENCE,
};

use crate::catalog::Catalog;
use crate::model::{Document, Location, Region};
use matching::is_example_mark;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use std::time::Instant;

/// How the items of a document were recognized (`form.matched_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    ItemNumbers,
    /// By what the labels say (legacy forms).
    Labels,
    Nothing,
}

impl MatchedBy {
    pub fn name(self) -> &'static str {
        match self {
            MatchedBy::ItemNumbers => "item-numbers",
            MatchedBy::Labels => "labels",
            MatchedBy::Nothing => "none",
        }
    }
}

/// Which form a document is (`form.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Today's IoT cloud service (IaaS・PaaS) form: its item numbers are the guide's.
    Current,
    /// An IaaS・PaaS form without today's numbering: an earlier edition, a re-typed form.
    LegacyIaasPaas,
    /// A form of the ASP・SaaS era (its title says so, or it asks 事業年数, 事業所数).
    LegacyAspSaas,
    /// Nothing recognized.
    Unknown,
}

impl FormKind {
    pub fn name(self) -> &'static str {
        match self {
            FormKind::Current => "iot-cloud-iaas-paas",
            FormKind::LegacyIaasPaas => "iot-cloud-iaas-paas-legacy",
            FormKind::LegacyAspSaas => "asp-saas-legacy",
            FormKind::Unknown => "unknown",
        }
    }
}

/// How to find the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// By item numbers, and by labels where a region has none or its labels
    /// contradict them (`kaiji extract`, `kaiji check`).
    Auto,
    /// As `Auto`, reported as read by labels (`kaiji migrate`): a region's numbers are
    /// used only where its labels agree with them.
    Labels,
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
    /// Whether the field was found by its label rather than by an item number.
    pub by_label: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LocatedItem {
    pub number: u32,
    pub fields: Vec<LocatedField>,
}

/// What the locator noticed, with what a reviewer's message needs; the messages are
/// the rule units' (`check::reading`), not the locator's.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteKind {
    /// The same field answered twice with different text; `kept` is the first answer.
    ConflictingAnswers { kept: String },
    /// A 記述内容 number the item does not have, and the answer given under it.
    UnknownField { answer: String },
    /// Heading number `number` carries the title of the item it was read as.
    NumberDisagreesWithTitle { number: u32 },
    /// An answer whose label names no field with enough confidence: where, the label,
    /// the answer, and the nearest field with its confidence.
    UnrecognizedLabel {
        region: String,
        label: String,
        answer: String,
        nearest: Option<(u32, u32)>,
        confidence: f64,
    },
}

/// Something the locator noticed that a reviewer should see.
#[derive(Debug, Clone, PartialEq)]
pub struct LocateNote {
    pub kind: NoteKind,
    /// The item concerned; none for an answer that could not be placed.
    pub item: Option<u32>,
    pub field: Option<u32>,
    pub at: Option<Location>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub matched_by: MatchedBy,
    pub kind: FormKind,
    pub items: Vec<LocatedItem>,
    pub notes: Vec<LocateNote>,
    /// Where each item found in the document starts (its number or heading), answered
    /// or not: a blank required item can still be pointed at.
    pub places: BTreeMap<u32, Location>,
}

/// The item a region ends in: the context it hands to the next (a heading paragraph
/// before the table that answers it, a label before the one-cell table that holds its
/// answer, a label after it).
#[derive(Debug, Clone, PartialEq)]
struct OpenItem {
    number: u32,
    confidence: f64,
    /// Whether the heading's title confirmed its number.
    confirmed: bool,
    /// Whether some of its fields were answered.
    answered: bool,
    /// The highest field labelled or answered (0 before any).
    highest: u32,
    /// The field last labelled, and its label, when no answer came after it.
    awaiting: Option<(u32, String)>,
    /// Whether a table's last item: it goes on in a table only, and only where the
    /// next table opens with a later field of it.
    in_table: bool,
}

/// Collects answers from all regions of a document; the first answer to a field wins.
#[derive(Default)]
struct Collector {
    fields: BTreeMap<(u32, u32), LocatedField>,
    notes: Vec<LocateNote>,
    places: BTreeMap<u32, Location>,
    /// Item headings read, and those whose title confirmed their number.
    headings: usize,
    confirmed_headings: usize,
    /// Items read under a heading whose number named another item (its title decided).
    renamed: std::collections::BTreeSet<u32>,
    /// The item left open at the end of the region read.
    open_item: Option<OpenItem>,
    /// The field the last answer went to.
    last: Option<(u32, u32)>,
}

impl Collector {
    fn add(&mut self, item: u32, field: LocatedField) {
        // What a web form prints for a field left empty (「（未入力）」, 「回答なし」) is no
        // answer: the field is left out, as a blank cell is, but its item still has a
        // place to be pointed at.
        if matching::is_placeholder(&field.raw) {
            self.place(item, Some(&field.at));
            return;
        }
        let key = (item, field.index);
        // A field answered again straight after its answer, no other field between and
        // a page break between, is one answer its layout printed in two pieces: a row
        // split at the break (「40．提供回線・帯域 | 1行目」 at the foot of a page,
        // 「【記述内容1】… | 2行目」 atop the next, under the header printed again).
        let straight_after = self.last.replace(key) == Some(key);
        match self.fields.get_mut(&key) {
            None => {
                self.fields.insert(key, field);
            }
            Some(first) if first.raw == field.raw => {}
            Some(first) if straight_after && field.at.after_page_break(&first.at) => {
                first.raw.push('\n');
                first.raw.push_str(&field.raw);
            }
            Some(first) => self.notes.push(LocateNote {
                kind: NoteKind::ConflictingAnswers {
                    kept: first.raw.clone(),
                },
                item: Some(item),
                field: Some(field.index),
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
        title: matching::TitleCheck,
        at: Option<&Location>,
    ) -> (u32, f64) {
        self.headings += 1;
        self.confirmed_headings += usize::from(title.confirmed);
        self.place(title.renamed.unwrap_or(cue.number), at);
        let Some(other) = title.renamed else {
            return (cue.number, 1.0);
        };
        self.renamed.insert(other);
        self.notes.push(LocateNote {
            kind: NoteKind::NumberDisagreesWithTitle { number: cue.number },
            item: Some(other),
            field: None,
            at: at.cloned(),
        });
        (other, RENAMED_CONFIDENCE)
    }

    /// Counts an item heading read in the region before as one of this region's.
    fn inherit(&mut self, open: &OpenItem) {
        self.headings += 1;
        self.confirmed_headings += usize::from(open.confirmed);
    }

    /// Takes over what another collector found (a region read on its own).
    fn absorb(&mut self, other: Collector) {
        for ((item, _), field) in other.fields {
            self.add(item, field);
        }
        for (item, at) in other.places {
            self.places.entry(item).or_insert(at);
        }
        self.notes.extend(other.notes);
    }

    fn finish(self, kind: FormKind) -> Located {
        let by_label = self.fields.values().filter(|f| f.by_label).count();
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
        let fields: usize = items.iter().map(|i| i.fields.len()).sum();
        let (matched_by, kind) = if items.is_empty() {
            (MatchedBy::Nothing, FormKind::Unknown)
        } else if by_label * 2 > fields {
            (MatchedBy::Labels, kind)
        } else {
            (MatchedBy::ItemNumbers, kind)
        };
        Located {
            matched_by,
            kind,
            items,
            notes: self.notes,
            places: self.places,
        }
    }
}

/// The time given to [`locate`] ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfTime;

/// What locating derives from a catalog, built once for a run and carried in its
/// setup: the catalog folded for matching, the synonym list, and the label matcher
/// (tokenized catalog words; built on first need, since a form whose numbers all stand
/// never matches labels, and then shared by every file of the run).
pub struct Locator<'c> {
    vocabulary: matching::Vocabulary<'c>,
    synonyms: labels::SynonymFile,
    matcher: OnceLock<labels::Matcher>,
}

/// A data file of the locator (`dictionaries/synonyms.toml`) that does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatorError(pub String);

impl std::fmt::Display for LocatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid synonym list: {}", self.0)
    }
}

impl std::error::Error for LocatorError {}

impl<'c> Locator<'c> {
    pub fn new(catalog: &'c Catalog) -> Result<Locator<'c>, LocatorError> {
        Ok(Locator {
            vocabulary: matching::Vocabulary::new(catalog),
            synonyms: labels::SynonymFile::builtin().map_err(LocatorError)?,
            matcher: OnceLock::new(),
        })
    }

    /// The locator of the built-in catalog.
    pub fn builtin() -> &'static Locator<'static> {
        static LOCATOR: OnceLock<Locator<'static>> = OnceLock::new();
        LOCATOR.get_or_init(|| {
            // The synonym list is part of the source tree and read by the tests: failing
            // here is a build defect, not an input error.
            Locator::new(Catalog::builtin()).expect("the embedded synonym list is valid")
        })
    }

    pub fn catalog(&self) -> &'c Catalog {
        self.vocabulary.catalog
    }

    fn matcher(&self) -> &labels::Matcher {
        self.matcher
            .get_or_init(|| labels::Matcher::new(self.catalog(), &self.synonyms))
    }

    /// Finds the answers of a document: by item numbers, and by labels where a region
    /// has none or its labels say otherwise; within the time given, if any.
    pub fn locate(
        &self,
        document: &Document,
        mode: Mode,
        until: Option<Instant>,
    ) -> Result<Located, OutOfTime> {
        locate(document, self, mode, until)
    }
}

fn locate(
    document: &Document,
    locator: &Locator,
    mode: Mode,
    until: Option<Instant>,
) -> Result<Located, OutOfTime> {
    let mut collector = Collector::default();
    let vocabulary = &locator.vocabulary;
    let mut labels = LabelReading::new(locator);
    let mut asp_saas = false;
    // Whether some region's item numbers are today's (its labels agree with them).
    let mut current_numbers = false;
    // Segment: each region read by its item numbers, the item a heading leaves open
    // handed to the next region.
    let mut readings: Vec<RegionReading> = Vec::new();
    let mut open_item: Option<OpenItem> = None;
    // A sheet the form names as its example or its instructions (「記入例」, 「記入要領」)
    // holds the form's words, not the applicant's.
    let own = document
        .regions
        .iter()
        .filter(|region| !matching::names_aside(&crate::text::fold(&region.name)));
    for region in own {
        let (region, folded) = (Cow::Borrowed(region), grid::fold_rows(region));
        // A row an item and a column a field, entries printed side by side: one a row;
        // answers given per data centre in parallel columns: one answer.
        let (region, folded) = reshaped(region, folded, |region, folded| {
            grid::unfold_field_columns(region, folded, locator.catalog())
        });
        let (region, folded) = reshaped(region, folded, without_printed_asides);
        let (region, folded) = reshaped(region, folded, grid::unfold_side_by_side);
        let (region, folded) = reshaped(region, folded, grid::join_parallel_answers);
        let is_flow = is_flow(&folded);
        let mut numbered = Collector::default();
        // An item some of whose fields were answered goes on in a flow; in a table only
        // where its first row names a later field of it (a form cut at a sheet's end):
        // else the table starts items of its own (`grid`).
        let open = open_item.take().filter(|open| !(is_flow && open.in_table));
        if is_flow {
            flow::locate_flow(&region, vocabulary, open, &mut numbered);
        } else {
            grid::locate_region(&region, &folded, vocabulary, open, &mut numbered);
        }
        open_item = numbered.open_item.take();
        readings.push(RegionReading {
            region,
            is_flow,
            numbered,
        });
    }
    // Decide, region by region, whether its numbers or its labels place its answers.
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(readings.len());
    // The labels' verdict on the numbers over the regions that gave one: (agree, disagree).
    let mut evidence = (0usize, 0usize);
    for (i, reading) in readings.iter().enumerate() {
        let numbered = &reading.numbered;
        if numbered.fields.is_empty() {
            outcomes.push(Outcome::Unnumbered);
            continue;
        }
        if mode == Mode::Auto && titles_confirm_numbers(numbered) {
            outcomes.push(Outcome::Numbers);
            continue;
        }
        let (matcher, pairs) = labels.pairs(&readings, i);
        asp_saas |= says_asp_saas(pairs);
        if pairs.pairs.is_empty() {
            outcomes.push(Outcome::Numbers);
            continue;
        }
        let decisions = matcher
            .assign(&pairs.pairs, &pairs.blanks, until)
            .ok_or(OutOfTime)?;
        let by_labels = read_by_labels(&reading.region, &pairs.pairs, &decisions);
        // In a grid, numbers must find at least half of what the labels find (a digit in
        // an answer column is no numbering; a flow's headings carry their category or a
        // confirming title).
        let enough = reading.is_flow
            || NUMBERS_AGAINST_LABELS.reached(numbered.fields.len(), by_labels.fields.len());
        let (agree, disagree) = agreement(numbered, &pairs.pairs, &decisions);
        let outcome = if !enough || contradicted(agree, disagree) {
            Outcome::Labels(by_labels)
        } else if agree == 0 {
            // Nothing to tell by: the other regions decide.
            Outcome::Undecided(by_labels)
        } else {
            Outcome::Numbers
        };
        evidence.0 += agree;
        evidence.1 += disagree;
        outcomes.push(outcome);
    }
    // A region whose labels say nothing either way follows the document: a form that
    // numbers its headings 1, 2, 3 … in its own order is numbered so throughout.
    let document_numbers_hold = !contradicted(evidence.0, evidence.1);
    let mut unnumbered = Vec::new();
    for ((i, reading), outcome) in readings.iter_mut().enumerate().zip(outcomes) {
        match outcome {
            Outcome::Labels(by_labels) => collector.absorb(by_labels),
            Outcome::Undecided(by_labels) if !document_numbers_hold => collector.absorb(by_labels),
            Outcome::Numbers | Outcome::Undecided(_) => {
                current_numbers = true;
                collector.absorb(std::mem::take(&mut reading.numbered));
            }
            Outcome::Unnumbered => unnumbered.push(i),
        }
    }
    // Regions with no item numbers at all: in a form whose numbers hold elsewhere they
    // are a cover sheet or notes (「申請サービス名：…」 is not item 34's answer), in a
    // form without today's numbers where the answers are. Numbers that place only a few
    // answers make no form on their own (a sub-section 「(1) 開示情報の日付」 reads as
    // item 1): there the labels of the other regions are weighed against them.
    let numbered_fields = collector.fields.len();
    let by_labels = if !current_numbers {
        true
    } else if numbered_fields >= NUMBERED_FORM {
        false
    } else {
        let mut offered = 0;
        for &i in &unnumbered {
            offered += labels.pairs(&readings, i).1.pairs.len();
        }
        !NUMBERS_AGAINST_LABELS.reached(numbered_fields, offered)
    };
    if by_labels {
        for i in unnumbered {
            let reading = &readings[i];
            let (matcher, pairs) = labels.pairs(&readings, i);
            asp_saas |= says_asp_saas(pairs);
            if pairs.pairs.is_empty() {
                continue;
            }
            let decisions = matcher
                .assign(&pairs.pairs, &pairs.blanks, until)
                .ok_or(OutOfTime)?;
            collector.absorb(read_by_labels(&reading.region, &pairs.pairs, &decisions));
        }
        // The labels made the form; the few numbers were no numbering of today's.
        current_numbers &= NUMBERS_AGAINST_LABELS
            .reached(numbered_fields, collector.fields.len() - numbered_fields);
    }
    let kind = if current_numbers {
        FormKind::Current
    } else if asp_saas {
        FormKind::LegacyAspSaas
    } else {
        FormKind::LegacyIaasPaas
    };
    let mut located = collector.finish(kind);
    if mode == Mode::Labels && located.matched_by == MatchedBy::ItemNumbers {
        // `migrate` reports its reading as by labels; where today's numbers held (their
        // labels agreeing), the answers are the numbers' and each keeps its label.
        located.matched_by = MatchedBy::Labels;
    }
    Ok(located)
}

/// The region as `reshape` lays it out anew, its rows folded again, where it applies.
/// The region without the form's example or instructions printed into it: a row that
/// names the sheet as one (「記入例」 atop its page) up to the form's title printed again
/// atop the next sheet (「…情報開示認定 申請書 ［2.事業者］」). Where no title follows, the
/// rows are left as they are.
fn without_printed_asides(region: &Region, folded: &[grid::FoldedRow]) -> Option<Region> {
    let is_aside = |row: &grid::FoldedRow| matches!(row.as_slice(), [(_, text)] if matching::is_aside_title(text));
    let is_title =
        |row: &grid::FoldedRow| row.iter().any(|(_, text)| matching::is_form_title(text));
    let mut keep = vec![true; folded.len()];
    let mut r = 0;
    while r < folded.len() {
        if is_aside(&folded[r])
            && let Some(end) = (r + 1..folded.len()).find(|&t| is_title(&folded[t]))
        {
            keep[r..end].iter_mut().for_each(|k| *k = false);
            r = end;
        } else {
            r += 1;
        }
    }
    keep.contains(&false).then(|| Region {
        name: region.name.clone(),
        rows: region
            .rows
            .iter()
            .zip(&keep)
            .filter(|(_, kept)| **kept)
            .map(|(row, _)| row.clone())
            .collect(),
    })
}

fn reshaped<'r>(
    region: Cow<'r, Region>,
    folded: Vec<grid::FoldedRow>,
    reshape: impl FnOnce(&Region, &[grid::FoldedRow]) -> Option<Region>,
) -> (Cow<'r, Region>, Vec<grid::FoldedRow>) {
    match reshape(&region, &folded) {
        Some(new) => {
            let folded = grid::fold_rows(&new);
            (Cow::Owned(new), folded)
        }
        None => (region, folded),
    }
}

/// Paragraphs (one block a row) read as a flow of headings, labels and answers;
/// anything with columns reads as a grid. A row the form marks as its example
/// (「記入例 | 株式会社〇〇」) is the form's whatever its shape, and gives no column.
fn is_flow(folded: &[grid::FoldedRow]) -> bool {
    let single_blocks = folded
        .iter()
        .filter(|row| row.len() <= 1 || row.first().is_some_and(|(_, text)| is_example_mark(text)))
        .count();
    FLOW_ROWS.reached(single_blocks, folded.len())
}

/// [`locate`] with no time limit, which cannot run out: for the unit tests.
#[cfg(test)]
fn untimed(document: &Document) -> Located {
    Locator::builtin()
        .locate(document, Mode::Auto, None)
        .unwrap_or_else(|OutOfTime| unreachable!())
}

/// A region as segmented, and what its item numbers say.
struct RegionReading<'a> {
    region: Cow<'a, Region>,
    is_flow: bool,
    numbered: Collector,
}

/// What places a region's answers.
enum Outcome {
    Numbers,
    Labels(Collector),
    /// Numbers and labels neither agree nor disagree: the document's verdict decides.
    Undecided(Collector),
    /// No item numbers at all.
    Unnumbered,
}

/// The label matcher, built on first need (a form whose numbers all stand never matches
/// labels), and the regions' label–answer pairs, read in document order so that each
/// region starts with the context the one before left (a heading paragraph above the
/// table that answers it).
struct LabelReading<'l> {
    locator: &'l Locator<'l>,
    pairs: Vec<labels::RegionPairs>,
}

impl<'l> LabelReading<'l> {
    fn new(locator: &'l Locator<'l>) -> Self {
        LabelReading {
            locator,
            pairs: Vec::new(),
        }
    }

    /// The pairs of region `index`, reading the regions before it first, and the matcher.
    fn pairs(
        &mut self,
        readings: &[RegionReading],
        index: usize,
    ) -> (&labels::Matcher, &labels::RegionPairs) {
        let matcher = self.locator.matcher();
        while self.pairs.len() <= index {
            let reading = &readings[self.pairs.len()];
            let context = self
                .pairs
                .last()
                .map(|p| p.context.clone())
                .unwrap_or_default();
            let pairs = if reading.is_flow {
                labels::flow_pairs(&reading.region, matcher, &self.locator.vocabulary, &context)
            } else {
                labels::grid_pairs(&reading.region, matcher, &context)
            };
            self.pairs.push(pairs);
        }
        (matcher, &self.pairs[index])
    }
}

/// Whether a region says it is an ASP・SaaS-era form: by its title, or by asking the
/// items only those forms ask.
fn says_asp_saas(pairs: &labels::RegionPairs) -> bool {
    pairs.preamble.iter().any(|t| names_asp_saas(t))
        || pairs.pairs.iter().any(|p| asks_asp_saas_items(&p.label))
}

/// Whether a region's item numbers stand without asking the labels: most of its
/// headings carry the title of the item their number says, two at least (the guide's
/// sub-section 「（1）開示情報の日付」 is item 1's title, and no numbering). Matching every label costs
/// far more than reading the numbers, so it is kept for regions in doubt (no numbers,
/// bare numbers, titles of other items: an older or re-typed form).
fn titles_confirm_numbers(numbered: &Collector) -> bool {
    !numbered.fields.is_empty()
        && numbered.confirmed_headings > 1
        && CONFIRMED_HEADINGS.reached(numbered.confirmed_headings, numbered.headings)
}

/// Of the answers a region's numbers and its labels both place with confidence, how
/// many they place alike and how many not.
fn agreement(
    numbered: &Collector,
    pairs: &[labels::Pair],
    decisions: &[labels::Decision],
) -> (usize, usize) {
    let renamed = &numbered.renamed;
    // An answer is known by its place and its text (a PDF place is only a page).
    let by_place: Vec<(&Location, &str, (u32, u32))> = numbered
        .fields
        .iter()
        .map(|((item, _), field)| (&field.at, field.raw.as_str(), (*item, field.index)))
        .collect();
    let (mut agree, mut disagree) = (0usize, 0usize);
    for (pair, decision) in pairs.iter().zip(decisions) {
        let numbered = by_place
            .iter()
            .find(|(at, raw, _)| **at == pair.at && *raw == pair.answer)
            .map(|(_, _, key)| *key);
        let (Some(field), Some(numbered)) = (decision.field, numbered) else {
            continue;
        };
        // An answer placed by its heading's title, not its number, is no evidence that
        // the numbers are today's: the number there named another item.
        if field == numbered && !renamed.contains(&numbered.0) {
            agree += 1;
        } else {
            disagree += 1;
        }
    }
    (agree, disagree)
}

/// Whether labels contradict numbers: fewer than [`AGREEMENT`] of the answers both
/// place are placed alike.
fn contradicted(agree: usize, disagree: usize) -> bool {
    disagree > 0 && !AGREEMENT.reached(agree, agree + disagree)
}

/// The answers of a region as the label matcher placed them, and a note for each
/// answer it could not place.
fn read_by_labels(
    region: &Region,
    pairs: &[labels::Pair],
    decisions: &[labels::Decision],
) -> Collector {
    let mut collector = Collector::default();
    let placed: HashMap<(u32, u32), &str> = pairs
        .iter()
        .zip(decisions)
        .filter_map(|(pair, decision)| Some((decision.field?, pair.answer.as_str())))
        .collect();
    // The answer placed for the field a label names best, written again (a cover row
    // 「サービス名称 | X」 above item 34's own): nothing to report, nothing lost. Best by
    // the assignment or by the label's own words: the assignment may have left the row
    // some other field, the one it names being taken by the form's own answer.
    let repeated = |pair: &labels::Pair, decision: &labels::Decision| {
        [decision.best, decision.named]
            .into_iter()
            .flatten()
            .filter_map(|field| placed.get(&field))
            .any(|answer| *answer == pair.answer)
    };
    for (pair, decision) in pairs.iter().zip(decisions) {
        match decision.field {
            None if repeated(pair, decision) => {}
            Some((item, index)) => collector.add(
                item,
                LocatedField {
                    index,
                    raw: pair.answer.clone(),
                    at: pair.at.clone(),
                    // Below 1 whatever the score: a label is never as sure as a number.
                    confidence: ((decision.confidence * 100.0).round() / 100.0).min(0.99),
                    label: Some(pair.label.clone()),
                    by_label: true,
                },
            ),
            None => {
                collector.notes.push(LocateNote {
                    kind: NoteKind::UnrecognizedLabel {
                        region: region.name.clone(),
                        label: pair.label.clone(),
                        answer: pair.answer.clone(),
                        nearest: decision.best,
                        confidence: decision.confidence,
                    },
                    item: None,
                    field: None,
                    at: Some(pair.at.clone()),
                });
            }
        }
    }
    collector
}

/// A form title of the ASP・SaaS era: 「ASP・SaaS … 申請書」 that is not about an
/// IaaS・PaaS service.
fn names_asp_saas(text: &str) -> bool {
    let folded = crate::text::fold(text);
    folded.contains("asp・saas")
        && !folded.contains("asp・saas支援")
        && (folded.contains("申請") || folded.contains("情報開示"))
}

/// Items only the ASP・SaaS-era forms ask: 事業年数, 事業所数.
fn asks_asp_saas_items(label: &str) -> bool {
    let folded = crate::text::fold(label);
    folded.contains("事業年数") || folded.contains("事業所数")
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::untimed as locate;
    use crate::model::{Block, Row};

    /// Every answer located in `document`: (item, field, raw), in order.
    pub(in crate::locate) fn raws(document: &Document) -> Vec<(u32, u32, String)> {
        locate(document)
            .items
            .iter()
            .flat_map(|i| {
                i.fields
                    .iter()
                    .map(move |f| (i.number, f.index, f.raw.clone()))
            })
            .collect()
    }

    /// A document of one printed region, each cell given as (text, column, span).
    pub(in crate::locate) fn spanned(rows: &[&[(&str, u32, u32)]]) -> Document {
        let rows = rows
            .iter()
            .map(|cells| Row {
                blocks: cells
                    .iter()
                    .map(|&(text, column, column_span)| Block {
                        text: text.to_string(),
                        column,
                        column_span,
                        at: Location::Page { page: 1 },
                    })
                    .collect(),
            })
            .collect();
        Document {
            regions: vec![Region {
                name: "PDF".into(),
                rows,
            }],
        }
    }

    pub(in crate::locate) fn region(name: &str, rows: &[&[&str]]) -> Region {
        let rows = rows
            .iter()
            .zip(1u32..)
            .map(|(cells, row)| Row {
                blocks: cells
                    .iter()
                    .zip(1u32..)
                    .map(|(text, col)| Block {
                        text: text.to_string(),
                        column: col - 1,
                        column_span: 1,
                        at: Location::Cell {
                            sheet: name.into(),
                            row,
                            col,
                        },
                    })
                    .collect(),
            })
            .collect();
        Region {
            name: name.into(),
            rows,
        }
    }

    #[test]
    fn one_sub_section_worded_as_an_item_is_no_numbering() {
        // 「（1）開示情報の日付」 is the guide's sub-section and item 1's title: the one
        // heading the numbers confirm. The form's answers are placed by their labels.
        let document = spanned(&[
            &[("（1）開示情報の日付", 2, 43)],
            &[("■開示情報の日付", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容\n開示情報の年月日（西暦）", 2, 7),
                ("2025年4月1日", 9, 36),
            ],
            &[("（1）事業所等の概要", 2, 43)],
            &[("■事業者名", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容１\n事業者の正式名称（商号）", 2, 7),
                ("株式会社サンプル", 9, 36),
            ],
            &[("■設立年月日", 1, 41), ("必須", 42, 3)],
            &[
                ("記述内容\n事業者の設立年月日（西暦）", 2, 7),
                ("1990年5月1日", 9, 36),
            ],
        ]);
        let found: Vec<(u32, u32)> = raws(&document).iter().map(|(i, f, _)| (*i, *f)).collect();
        assert_eq!(found, [(1, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn the_forms_example_printed_before_the_answers_is_not_read() {
        // One region of printed pages: the 記入例 sheet's title atop its page, its table,
        // then the form's title atop the next sheet and the applicant's table.
        let header = ["No.", "審査対象項目", "記述内容", "回答"];
        let row = |answer| ["2", "事業者名", "事業者の正式名称（商号）", answer];
        let title = ["IoTクラウドサービス（IaaS・PaaS）情報開示認定　申請書　［2.事業者］"];
        let printed = |first: &[&str]| {
            region(
                "PDF",
                &[
                    first,
                    &header,
                    &row("株式会社〇〇〇〇"),
                    &title,
                    &header,
                    &row("株式会社瑠璃"),
                ],
            )
        };
        let document = |first: &[&str]| Document {
            regions: vec![printed(first)],
        };
        assert_eq!(
            raws(&document(&["記入例"])),
            [(2, 1, "株式会社瑠璃".to_string())]
        );
        // An example beside its field is no sheet's title: nothing is left out.
        assert_eq!(
            raws(&document(&["記入例：株式会社〇〇〇〇"]))[0],
            (2, 1, "株式会社〇〇〇〇".to_string())
        );
    }

    #[test]
    fn an_item_left_blank_can_still_be_pointed_at() {
        // The region is read on its own and its findings taken over: where its items
        // start goes with them.
        let form = region(
            "Sheet1",
            &[
                &["通番", "審査対象項目", "記述内容", "申請内容"],
                &[
                    "33",
                    "苦情対応に関する規程等の整備",
                    "IaaS・PaaSの苦情処理に関する基本方針・規程・マニュアル等の有無と、「有り」の場合は文書名",
                    "有り",
                ],
                &["35", "サービス開始時期", "IaaS・PaaSのサービス開始時期"],
            ],
        );
        let located = locate(&Document {
            regions: vec![form],
        });
        assert_eq!(
            located.places.get(&35),
            Some(&Location::Cell {
                sheet: "Sheet1".into(),
                row: 3,
                col: 1
            })
        );
    }

    #[test]
    fn the_forms_example_and_instruction_sheets_are_not_read() {
        // A workbook that opens with its instructions, numbered like items, and its
        // example filled in like an answer: the answers are on the sheets after them.
        let instructions = region(
            "記入要領",
            &[
                &["1.", "回答は各シートの「回答」欄に記入してください。"],
                &["2.", "日付は西暦で記入してください。"],
            ],
        );
        let table = |name: &str, answer: &str| {
            region(
                name,
                &[
                    &["No.", "審査対象項目", "記述内容", "回答"],
                    &["2", "事業者名", "事業者の正式名称（商号）", answer],
                ],
            )
        };
        let document = Document {
            regions: vec![
                instructions,
                table("記入例", "株式会社〇〇〇〇"),
                table("2.事業者", "株式会社瑠璃"),
            ],
        };
        assert_eq!(raws(&document), [(2, 1, "株式会社瑠璃".to_string())]);
        // An applicant's sheet that only mentions an example is read.
        assert!(!matching::names_aside("事業者(例外事項)"));
        assert!(matching::names_aside("【記入例】2.事業者"));
        assert!(matching::names_aside("記入上の注意"));
    }

    #[test]
    fn an_item_cut_at_the_end_of_a_sheet_goes_on_atop_the_next() {
        // The sheet ends with item 26's first field and says it goes on; the next sheet
        // repeats the header and gives the second field, with no number, then item 27.
        let first = region(
            "2.事業者",
            &[
                &["No.", "審査対象項目", "記述内容", "回答"],
                &[
                    "26",
                    "従業員に対する守秘義務等の状況",
                    "従業員に対する守秘義務対応の取組状況",
                    "有り　就業規則に規定",
                ],
                &["", "", "", "（次シートへ続く）"],
            ],
        );
        let second = region(
            "2.事業者(2)",
            &[
                &["No.", "審査対象項目", "記述内容", "回答"],
                &[
                    "",
                    "（前シートより続く）",
                    "従業員に対する守秘義務対応状況の情報開示の可否と、可能な場合の条件等",
                    "可",
                ],
                &["27", "委託情報に関する開示", "委託情報に関する開示", "否"],
            ],
        );
        let document = Document {
            regions: vec![first, second],
        };
        assert_eq!(
            raws(&document),
            [
                (26, 1, "有り　就業規則に規定".to_string()),
                (26, 2, "可".to_string()),
                (27, 1, "否".to_string())
            ]
        );
    }

    #[test]
    fn a_cover_sheet_of_a_numbered_form_is_not_read_by_its_labels() {
        let cover = region(
            "表紙",
            &[
                &["申請サービス名：ソラリンク IoTプラットフォーム"],
                &["申請日：2024年6月3日"],
            ],
        );
        let form = region(
            "Sheet1",
            &[
                &["通番", "審査対象項目", "記述内容", "申請内容"],
                &[
                    "33",
                    "苦情対応に関する規程等の整備",
                    "IaaS・PaaSの苦情処理に関する基本方針・規程・マニュアル等の有無と、「有り」の場合は文書名",
                    "有り",
                ],
                &[
                    "35",
                    "サービス開始時期",
                    "IaaS・PaaSのサービス開始時期",
                    "2016年10月1日",
                ],
            ],
        );
        let document = Document {
            regions: vec![cover.clone(), form],
        };
        let located = locate(&document);
        let numbers: Vec<u32> = located.items.iter().map(|i| i.number).collect();
        assert_eq!(numbers, [33, 35]);
        assert_eq!(located.kind, FormKind::Current);

        // Without today's numbers anywhere, the labels are all there is.
        let legacy = locate(&Document {
            regions: vec![cover],
        });
        assert!(legacy.items.iter().any(|i| i.number == 34));
    }

    #[test]
    fn a_field_answered_again_straight_after_is_one_answer_in_two_pieces() {
        let answer = |index: u32, raw: &str, page: u32| LocatedField {
            index,
            raw: raw.into(),
            at: Location::Page { page },
            confidence: 1.0,
            label: None,
            by_label: false,
        };
        let mut collector = Collector::default();
        // A row split at a page break: its second piece comes next, nothing between.
        collector.add(40, answer(1, "インターネット接続：ベストエフォート", 5));
        collector.add(40, answer(1, "専用線：帯域保証", 6));
        collector.add(40, answer(2, "別契約（有償）", 6));
        // The same field answered again after another: two answers, the first kept.
        collector.add(40, answer(1, "なし", 7));
        // Two rows on one page each answering a field: two answers, however close.
        collector.add(41, answer(1, "有り", 7));
        collector.add(41, answer(1, "可", 7));
        let raw = |index| collector.fields.get(&(40, index)).map(|f| f.raw.as_str());
        assert_eq!(
            raw(1),
            Some("インターネット接続：ベストエフォート\n専用線：帯域保証")
        );
        assert_eq!(raw(2), Some("別契約（有償）"));
        assert_eq!(
            collector.fields.get(&(41, 1)).map(|f| f.raw.as_str()),
            Some("有り")
        );
        let conflicts: Vec<(Option<u32>, Option<u32>)> = collector
            .notes
            .iter()
            .filter(|n| matches!(n.kind, NoteKind::ConflictingAnswers { .. }))
            .map(|n| (n.item, n.field))
            .collect();
        assert_eq!(conflicts, [(Some(40), Some(1)), (Some(41), Some(1))]);
    }

    #[test]
    fn a_label_left_unplaced_that_repeats_a_placed_answer_is_not_reported() {
        let pair = |label: &str, answer: &str| labels::Pair {
            label: label.into(),
            own: None,
            heading: None,
            answer: answer.into(),
            at: Location::Paragraph { paragraph: 1 },
        };
        let decision = |field, best, named| labels::Decision {
            field,
            confidence: 0.5,
            best,
            named,
        };
        let pairs = [
            // A cover row above the form's own answer to item 34.
            pair("サービス名称", "サンプルクラウド"),
            pair("情報開示した IaaS・PaaSの名称", "サンプルクラウド"),
            // Another answer to the field: lost unless reported.
            pair("名称", "サンプルクラウド2"),
            // A cover row the assignment left with another field at a low confidence.
            pair("サービス名", "サンプルクラウド"),
            // An answer equal to a placed one, under a label naming another field.
            pair("事業者名", "サンプルクラウド"),
        ];
        let decisions = [
            decision(None, Some((34, 1)), Some((34, 1))),
            decision(Some((34, 1)), Some((34, 1)), Some((34, 1))),
            decision(None, Some((34, 1)), Some((34, 1))),
            decision(None, Some((96, 1)), Some((34, 1))),
            decision(None, Some((96, 1)), Some((2, 1))),
        ];
        let region = paragraphs(1, &[]);
        let collector = read_by_labels(&region, &pairs, &decisions);
        let reported: Vec<&str> = collector
            .notes
            .iter()
            .filter_map(|note| match &note.kind {
                NoteKind::UnrecognizedLabel { answer, .. } => Some(answer.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(reported, ["サンプルクラウド2", "サンプルクラウド"]);
    }

    #[test]
    fn a_sub_section_that_reads_as_item_1_makes_no_numbered_form() {
        // No item numbers anywhere: 「（1）開示情報の日付」 is the guide's sub-section
        // heading, which also reads as item 1 and its title.
        let header: &[&str] = &["審査対象項目", "記述内容", "回答"];
        let first = region(
            "表1",
            &[
                header,
                &["（1）開示情報の日付"],
                &[
                    "開示情報の日付",
                    "開示情報の年月日（西暦）",
                    "2025年8月18日",
                ],
            ],
        );
        let second = region(
            "表2",
            &[
                header,
                &["事業者名", "事業者の正式名称（商号）", "株式会社テンマ"],
                &["事業者名", "法人番号", "5915916817379"],
                &["設立年月日", "事業者の設立年月日（西暦）", "1995年2月27日"],
                &[
                    "事業所",
                    "事業者の本店所在地",
                    "兵庫県神戸市中央区東川崎町一丁目1番3号",
                ],
            ],
        );
        let located = locate(&Document {
            regions: vec![first, second],
        });
        assert_eq!(
            answers(&located),
            [
                (1, 1, "2025年8月18日"),
                (2, 1, "株式会社テンマ"),
                (2, 2, "5915916817379"),
                (3, 1, "1995年2月27日"),
                (4, 1, "兵庫県神戸市中央区東川崎町一丁目1番3号"),
            ]
        );
        assert_eq!(located.kind, FormKind::LegacyIaasPaas);
    }

    /// One paragraph a row, numbered from `first`.
    pub(in crate::locate) fn paragraphs(first: u32, texts: &[&str]) -> Region {
        Region {
            name: "本文".into(),
            rows: texts
                .iter()
                .zip(first..)
                .map(|(text, paragraph)| Row {
                    blocks: vec![Block {
                        text: text.to_string(),
                        column: 0,
                        column_span: 1,
                        at: Location::Paragraph { paragraph },
                    }],
                })
                .collect(),
        }
    }

    /// A Word form of an older edition: each item a heading paragraph, its fields in a
    /// small label | answer table below it.
    fn heading_and_table_form(headings: [&str; 3]) -> Document {
        Document {
            regions: vec![
                paragraphs(1, &["クラウドサービス情報開示 申請書", headings[0]]),
                region(
                    "表1",
                    &[&["株式上場の有無と（有りの場合は市場名）", "無し"]],
                ),
                paragraphs(3, &[headings[1]]),
                region("表2", &[&["役員数"], &["正社員数（単体）", "148名"]]),
                paragraphs(4, &[headings[2]]),
                region(
                    "表3",
                    &[
                        &["本社住所", "北海道札幌市中央区北五条西二丁目5番地"],
                        &["ホームページURL", "https://example.jp/"],
                    ],
                ),
            ],
        }
    }

    /// What `heading_and_table_form` answers, whatever its headings' numbering.
    const HEADING_AND_TABLE_ANSWERS: [(u32, u32, &str); 4] = [
        (4, 1, "北海道札幌市中央区北五条西二丁目5番地"),
        (4, 2, "https://example.jp/"),
        (8, 1, "148名"),
        (15, 1, "無し"),
    ];

    fn answers(located: &Located) -> Vec<(u32, u32, &str)> {
        located
            .items
            .iter()
            .flat_map(|i| i.fields.iter().map(|f| (i.number, f.index, f.raw.as_str())))
            .collect()
    }

    #[test]
    fn a_heading_paragraph_names_the_table_below_it() {
        let located = locate(&heading_and_table_form([
            "■株式上場",
            "■社員数",
            "■本社所在地",
        ]));
        assert_eq!(answers(&located), HEADING_AND_TABLE_ANSWERS);
        assert_eq!(located.kind, FormKind::LegacyIaasPaas);
    }

    #[test]
    fn headings_in_the_forms_own_numbering_are_not_item_numbers() {
        // 1, 2, 3 are today's items 1 (開示日), 2 (事業者名), 3 (設立年): the labels say
        // otherwise, and so the document's numbering is its own.
        let located = locate(&heading_and_table_form([
            "1．株式上場",
            "2．社員数",
            "3．本社所在地",
        ]));
        assert_eq!(answers(&located), HEADING_AND_TABLE_ANSWERS);
    }

    #[test]
    fn own_numbers_that_coincide_with_todays_at_first_are_not_item_numbers() {
        // An older edition numbers its rows 1, 2, 3 …: its first five items are today's
        // first five, then it goes its own way (its 6 is today's 9, its 16 today's 7).
        let rows: &[&[&str]] = &[
            &["No.", "項目", "記入事項", "回答"],
            &["1", "情報開示日", "開示日（西暦）", "2024年6月1日"],
            &["2", "会社名", "商号", "テスト株式会社"],
            &["3", "設立日", "設立年月日（西暦）", "2001年4月1日"],
            &[
                "4",
                "本社所在地",
                "本社住所",
                "東京都千代田区丸の内一丁目1番1号",
            ],
            &["5", "事業内容", "主な事業内容", "クラウドサービスの提供"],
            &["6", "売上高", "売上高（単体・直近決算期）", "1,200百万円"],
            &["7", "経常利益", "経常利益（単体・直近決算期）", "150百万円"],
            &["8", "資本金", "資本金", "300百万円"],
            &["9", "自己資本比率", "自己資本比率（直近決算期）", "45.2%"],
            &["15", "代表者", "代表者氏名", "山田太郎"],
            &["16", "役員数", "役員数", "14人"],
            &["17", "社員数", "正社員数（単体）", "148名"],
            &["34", "サービス名", "サービスの名称", "テストクラウド"],
            &["35", "サービス開始日", "開始年月日", "2016年10月1日"],
        ];
        let document = Document {
            regions: vec![region("申請書", rows)],
        };
        let located = locate(&document);
        let found = answers(&located);
        assert!(found.contains(&(7, 1, "14人")), "{found:?}");
        assert!(found.contains(&(9, 1, "1,200百万円")), "{found:?}");
        assert!(
            !found
                .iter()
                .any(|(item, _, raw)| *item == 16 && *raw == "14人")
        );
    }

    #[test]
    fn an_answer_that_begins_with_a_figure_is_no_item_number() {
        for answer in ["2拠点", "1"] {
            let document = Document {
                regions: vec![
                    paragraphs(1, &["② データの所在（92: 必須開示項目）"]),
                    region(
                        "表92",
                        &[
                            &["記述内容", "回答", "添付資料"],
                            &["【記述内容】", "日本（国内データセンターのみ）"],
                        ],
                    ),
                    paragraphs(2, &["② 使用データセンター（93: 必須開示項目）"]),
                    region(
                        "表93",
                        &[&["記述内容", "回答", "添付資料"], &["【記述内容】", answer]],
                    ),
                ],
            };
            let located = locate(&document);
            let found = answers(&located);
            assert!(found.contains(&(93, 1, answer)), "{found:?}");
        }
    }

    #[test]
    fn a_table_of_the_forms_own_labels_under_a_heading_holds_no_answers() {
        let mut document = heading_and_table_form(["■株式上場", "■社員数", "■本社所在地"]);
        document.regions.extend([
            paragraphs(10, &["■役員数"]),
            region("表4", &[&["役員数"]]),
            paragraphs(11, &["107．経常利益"]),
            region("表5", &[&["経常利益（単体・直近決算期）"]]),
        ]);
        let located = locate(&document);
        assert_eq!(answers(&located), HEADING_AND_TABLE_ANSWERS);
    }
}
