//! Every tuning constant of the locator, in one place: the thresholds and weights by
//! which cues, titles and labels are scored, the shares by which a region's columns and
//! readings are told apart, and the bounds that keep hostile input cheap.
//!
//! How they were fitted: by hand, against the development corpus (`shared/corpus`,
//! seed 1, layouts A–K, every format) and checked on its generator's held-out seeds
//! (3–6) and on the project's own generated sets (`fixtures/make`); each note names the
//! layout or the case that set the value. None was fitted on a single file: a value
//! that only one document needs is a sign the mechanism is wrong, not the constant.
//! Changing one means re-running the corpus scorer and the held-out seeds (README).

/// A share written as a fraction, compared in whole numbers so that no rounding moves a
/// decision: `Share(9, 10)` is reached by 9 of 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Share(pub usize, pub usize);

impl Share {
    /// Whether `part` of `whole` makes at least this share.
    pub(super) fn reached(self, part: usize, whole: usize) -> bool {
        part * self.1 >= whole * self.0
    }
}

// ---------------------------------------------------------------------------------
// Segmenting: what kind of region, which column is what
// ---------------------------------------------------------------------------------

/// A region reads as a flow of paragraphs when this share of its rows hold one block at
/// most; anything with columns reads as a grid. Word documents put the odd two-cell
/// line among their paragraphs (a tab-aligned 「事業者名：…」); a table's rows all have
/// columns.
pub(super) const FLOW_ROWS: Share = Share(9, 10);

/// The longest header cell read as naming a renewal's applications (「2025年申請（今回）」,
/// 「前回（2023年3月申請）」): longer cells are answers that happen to say 今回.
pub(super) const RENEWAL_HEADING: usize = 16;

/// A column is a numbering column when this share of its cells are bare item numbers
/// (and two at least: one figure beside its label is an answer, 「1」). Fitted on layout
/// K's own running numbers, where a few rows carry sub-numbers (2-1) or none.
pub(super) const NUMBER_COLUMN: Share = Share(6, 10);
/// A column is a candidate for the answers when it has this share of the busiest
/// column's cells: answers are often left blank, but not three in four.
pub(super) const ANSWER_COLUMN: Share = Share(1, 4);
/// A column is a candidate for the labels when it has this share of the busiest
/// column's cells: an item's title is written on its first row only, one in ten or
/// fewer for items of many fields.
pub(super) const LABEL_COLUMN: Share = Share(1, 10);

/// How many characters of a label's opening show it starts inside a stacked cell (title
/// and label written one under the other in one cell, layouts F and H).
pub(super) const STACKED_LABEL_HEAD: usize = 8;

/// The fewest characters of a field's wording that a label cut short must keep to be
/// read as that field's label (「解約時違約金」); shorter openings (「検索」) are as
/// likely an answer picking the first thing the label lists.
pub(super) const LABEL_OPENING: usize = 4;

/// The longest line read as the rest of a field's label that wrapped (「職」,
/// 「能な場合の条件等」 after 「…情報提供の可否と、可」): a line's worth of a wording's
/// end; longer text after a label is its answer.
pub(super) const WRAPPED_LABEL_TAIL: usize = 20;

/// How many characters a line a bullet marks as a label (「▼ 給電ルート（系統）について、
/// ①…」) must open with as a field's wording does: a clause, so that a bulleted answer
/// naming a thing the label names (「■ 物理サーバ」) is not taken for it.
pub(super) const SHARED_LABEL_OPENING: usize = 8;

/// The longest line read as the rest of a heading wrapped within its bracket (「き項目）」
/// after 「…（必須開示項目／一定の要件を考慮すべ」): the longest category the guide writes
/// in a heading's bracket, 「必須開示項目／一定の要件を考慮すべき項目」, is 20 characters.
pub(super) const WRAPPED_HEADING_TAIL: usize = 21;

/// The longest a form's title printed atop a sheet or page runs (the IoT form's is 40
/// characters with its chapter in brackets); a longer text naming the certification is
/// an applicant's sentence.
pub(super) const FORM_TITLE_LENGTH: usize = 60;

/// The texts sampled to tell what a column holds (label likeness, picked choices):
/// enough to tell, and bounded whatever the column's length.
pub(super) const COLUMN_SAMPLE: usize = 5;

// ---------------------------------------------------------------------------------
// Scoring by item numbers and titles (`Vocabulary::title_reaches`, 0–1)
// ---------------------------------------------------------------------------------

/// What a title at the start or the end of a longer heading scores (1 for the title
/// itself). A section heading that scores less than this is no title of the item it
/// stands under, and ends it.
pub(super) const TITLE_AT_EDGE: f64 = 0.9;
/// How well a cell or a heading must read as an item's title to name it: a cell beside
/// an item number, a heading in a flow, a cell that ends an item. Generic headings
/// (「■基本情報」) stay under 0.5, re-spelled titles (「サービス開始時期」 for
/// 「サービス開始日」) about 0.7 (layouts A, C, E, K).
pub(super) const TITLE_NAMES_ITEM: f64 = 0.6;
/// The same, for the words after an item number in its own cell (「12 資本金」): the
/// number already says which item, the words need only not say another.
pub(super) const CUE_REST_NAMES_ITEM: f64 = 0.5;
/// How sure an item read by its title alone is, its number cut off (a PDF column too
/// narrow for it, layout B).
pub(super) const TITLE_ONLY_CONFIDENCE: f64 = 0.9;
/// How sure an item is whose heading carries the number of another item but this one's
/// title: the title decides, and the reviewer is told.
pub(super) const RENAMED_CONFIDENCE: f64 = 0.8;
/// How close (bigram similarity) a cell must come to one of its item's field wordings to
/// be read as that field's label, when no marker names the field. Set with the first
/// spreadsheet reader and kept since: re-spelled labels (「事業者の資本金（単独ベース）
/// （単位：千円）」) score above it, an answer merely echoing a label's words below.
pub(super) const LABEL_NAMES_FIELD: f64 = 0.45;
/// How close to a field's wording a cell opening with its item's title must come, and
/// how many times its title's length it must run, to be read as that label rather than
/// as the item's heading: a heading is the title and a few words (a number, a flag);
/// 「非常用電源（自家発電機）の有無と、有りの場合には停電時から…」 reads 0.91 as item
/// 118's label (layout AS), 「事業者のキャッシュフロー対有利子負債比率（単独ベース）」 is a
/// title cell in other layouts (AD, AS) and runs under twice its title.
pub(super) const WORDED_AS_LABEL: f64 = 0.85;
pub(super) const HEADING_LENGTHS: usize = 3;
/// How close to the catalog's wording a paragraph with no marker and no colon must be
/// to be read as a label. The answers closest to a label of their own item score about
/// 0.75 (「システム基盤サービス、…」 under item 38's list of the same services); one
/// that lists every service scores above it, and is told from the label by where it
/// stands (layouts D, J).
pub(super) const BARE_LABEL: f64 = 0.8;

/// How much of a paragraph enumerated like a field (「(2) 法人番号」) must be drawn from
/// that field's wording to be its label: the number already says which field, so the
/// words need only come from its label, however cut short (「(1) 専用線」 for item 40's
/// long label). Set on Word memos that number their fields 「(1)」/「１）」 and cut labels
/// short (a layout written for testing, not in the corpus): every such label there is
/// read at it; the corpus, its held-out seeds and the fixtures read the same with it.
pub(super) const ENUMERATED_LABEL: f64 = 0.6;

// ---------------------------------------------------------------------------------
// Scoring by labels (`labels::Matcher`, 0–1)
// ---------------------------------------------------------------------------------

/// The confidence below which an answer matched by its label is not assigned, and is
/// reported as an unrecognized label instead. The generated legacy forms place 99.6% of
/// their answers at it with none wrong above it; layout K's weakest right placements
/// score 0.62.
pub const THRESHOLD: f64 = 0.6;

/// How much an item's title says for each of its fields: all of it for an item of one
/// field, most of it for the first of several (the title usually restates it), less for
/// the others.
pub(super) const SOLE_FIELD_TITLE: f64 = 1.0;
pub(super) const FIRST_FIELD_TITLE: f64 = 0.92;
pub(super) const LATER_FIELD_TITLE: f64 = 0.75;
/// The title's say, scaled, when several items share it (「ＧＷ／エッジコンピュータなど」
/// is the title of 76 and the heading of 69–73).
pub(super) const GENERIC_TITLE: f64 = 0.6;
/// How much an item's sub-section says for its fields where items share a title
/// (「IoT 機器（センサー、アクチュエータ）」 tells 69–73 apart); elsewhere nothing.
pub(super) const SHARED_TITLE_SECTION: f64 = 0.5;

/// The credit of a word found inside another (「社員」 in 「正社員」) against the same word.
pub(super) const NEAR_WORD: f64 = 0.6;
/// What a field's score keeps when the label's 【記述内容N】 marker names another field
/// of the item: all but ruled out, still above a field of another item.
pub(super) const OTHER_FIELD_MARKER: f64 = 0.5;
/// How much more a label's words must be explained by a field than they need to say all
/// of it (F-beta's beta: below 1 favours precision).
pub(super) const BETA: f64 = 0.6;
/// The share of the word score in a label's score; the rest is character bigrams.
pub(super) const WORD_SHARE: f64 = 0.8;

/// How well a heading must read as a section to name it, and how close to the best a
/// second section must come to be named too.
pub(super) const HEADING_NAMES_SECTION: f64 = 0.5;
pub(super) const HEADING_SECTION_TIE: f64 = 0.05;
/// How well a heading must read as one of an item's fields to name that item. Fitted on
/// the corpus's heading-and-table forms (layout K): 「■推奨ゲートウェイ」 reads 0.67 as
/// item 76, generic headings (「■基本情報」) under 0.5.
pub(super) const HEADING_NAMES_ITEM: f64 = 0.6;
/// The support a section heading gives the fields of the section it names, or of the
/// item it names.
pub(super) const HEADING_BONUS: f64 = 0.12;
/// The support neighbouring labels give the fields of the sub-section of their items,
/// and of their first-level section (forms keep a section's items together, whatever
/// their order inside it).
pub(super) const NEIGHBOUR_BONUS: f64 = 0.1;
pub(super) const MAJOR_NEIGHBOUR_BONUS: f64 = 0.1;
/// How far a neighbour may stand (pairs before and after), and how sure its own first
/// assignment must be to lend support.
pub(super) const NEIGHBOUR_REACH: usize = 2;
pub(super) const NEIGHBOUR_CONFIDENCE: f64 = 0.7;
/// The support for the items between those of the nearest sure pairs before and after,
/// where these stand at most `ORDER_SPAN` items apart: enough to part two fields worded
/// alike (items 52 and 57, both 「その他サービス」 with the same label), too little to
/// outweigh a label that names another field. Set on the landscape forms without item
/// numbers written for testing (layout Y of `fixtures/make/layouts`); the corpus, its
/// held-out seeds and the fixtures read the same with it.
pub(super) const ORDER_BONUS: f64 = 0.05;
pub(super) const ORDER_SPAN: u32 = 4;

/// A paragraph 「label：answer」 is a label and its answer when the label scores this
/// well for some field; below it the colon is the answer's own (「有り：…」).
pub(super) const INLINE_LABEL: f64 = 0.75;
/// The longest label read before a colon where an item's fields are listed one a line
/// 「label：answer」 under its heading (layout AP, a Word report): the catalog's field
/// wordings run to about 50 characters. Elsewhere a label before a colon is 20 at most
/// and has no brackets, which an answer's own colon often has (「有り（…）：…」).
pub(super) const WORDED_INLINE_LABEL: usize = 60;
/// How much more a column must read as labels than the one right of it for that one to
/// be taken as the answers' though shorter. Fitted on the corpus's one-row label | answer
/// tables (layout K): a form's label scores 0.85 and more against its field, an answer
/// that names a document 「ある。ID・パスワード管理規程」 up to 0.86, most far less.
pub(super) const LABEL_LIKENESS_MARGIN: f64 = 0.05;
/// How much a title carried down before a label cell weighs against the label cell alone.
/// Half and half: the title tells the item, the cell the field. Fitted on the corpus's
/// heading-and-table forms (layout K); the generated legacy set of the README places as
/// before (99.1%).
pub(super) const TITLE_SHARE: f64 = 0.5;
/// How much of an answer must come from the longer cell beside it for that cell to be
/// the question listing the choices the answer picks. Fitted on the corpus's one-row
/// label | answer tables (layout K, held-out seed 3): a chosen option copied whole
/// shares 0.9–1.0 of its bigrams, one reworded (「データセンター専用建物に近い」 from
/// 「…専用建物、オフィス建物のいずれに近いか」) about 0.6; an answer beside its label
/// seldom 0.3.
pub(super) const PICKED_FROM_CHOICES: f64 = 0.55;
/// How well each of a one-column table's texts must name a field of the item its title
/// names for the table to be read as that item's labels (`Matcher::lists_fields_of`).
/// Fitted on the corpus's re-typed Word forms (layout K), where an earlier edition's
/// wording of a field scores as little as 0.41 against it (「回線の契約形態」); the
/// held-out seeds and the generated legacy forms read the same with it. One text alone is
/// never taken for a list: it is the title's answer.
pub(super) const LISTED_FIELD: f64 = 0.35;
/// The most fields an item has: a longer column is no list of one item's labels.
pub(super) const MAX_LISTED_FIELDS: usize = 8;
/// A lone column reading this much as labels holds no answers. Same fitting: labels left
/// unanswered (「役員数」) score 0.9.
pub(super) const LABELS_ONLY: f64 = 0.8;

// ---------------------------------------------------------------------------------
// Assigning
// ---------------------------------------------------------------------------------

/// Pairs below this score for every field are left unassigned before any context.
pub(super) const FLOOR: f64 = 0.3;
/// An assignment's confidence from its score and its best rival's: a tie is worth
/// `TIE_CERTAINTY`, a lead of half `FULL_LEAD` or more all of it; the score counts from
/// `SCORE_BASE` up (a label that is the only one to name a field, however loosely, is an
/// answer).
pub(super) const TIE_CERTAINTY: f64 = 0.5;
pub(super) const FULL_LEAD: f64 = 0.15;
pub(super) const SCORE_BASE: f64 = 0.3;
/// What a greedy assignment's confidence is worth against an exact one's.
pub(super) const GREEDY_CONFIDENCE: f64 = 0.9;
/// The best fields each pair keeps for the greedy assignment.
pub(super) const GREEDY_CANDIDATES: usize = 4;

/// Whether a region's numbers stand without asking its labels: this share of its item
/// headings carry the title their number says (today's forms: all of them but a title
/// re-spelled here and there; older editions: few).
pub(super) const CONFIRMED_HEADINGS: Share = Share(3, 4);
/// In a grid, the numbers must place this share of what the labels place to be trusted
/// (a digit in an answer column is no numbering).
pub(super) const NUMBERS_AGAINST_LABELS: Share = Share(1, 2);
/// The fewest answers a document's item numbers must place to make the form on their
/// own, whatever its regions without numbers say. A form read by its numbers places
/// far more (the corpus's least some 140); a cover sheet beside it offers a few label
/// pairs. Below this, the numbers must place [`NUMBERS_AGAINST_LABELS`] of what the
/// other regions' labels offer (a form numbering nothing but a sub-section heading that
/// reads as item 1 does not).
pub(super) const NUMBERED_FORM: usize = 20;
/// Labels confirm numbers when they place alike at least this share of the answers both
/// place; below it the numbers are the form's own (an older edition's running numbers
/// coincide with today's for the first few items, layout K).
pub(super) const AGREEMENT: Share = Share(2, 3);

// ---------------------------------------------------------------------------------
// Bounds on hostile input
// ---------------------------------------------------------------------------------

/// Most pairs of one region assigned exactly (the Hungarian method, cubic in them);
/// past it the assignment is greedy. A form has some 180 fields, and the corpus's
/// largest label table some 200 pairs: only a sheet that is no form reaches this.
pub(super) const ASSIGNMENT_CAP: usize = 400;
/// Pairs scored between two looks at the time left.
pub(super) const DEADLINE_EVERY: usize = 64;
/// How long a text may be for the label matcher to remember what it made of it (its
/// words, its scores): a form has a few hundred labels and headings, mostly short.
pub(super) const REMEMBERED_TEXT_LEN: usize = 256;
/// How many characters of a field's wording allow one written otherwise, where a label
/// runs into its answer: the guide's own typos (「整備備状況」, 「措置のの有無」) are one
/// character in labels of 20 to 60; applicants correct them.
pub(super) const WORDING_CHARS_PER_EDIT: usize = 20;
/// How many of the wording's last characters must be as written, for where it ends to
/// be sure.
pub(super) const WORDING_END_EXACT: usize = 3;
/// How many texts' words a worker remembers.
pub(super) const KEYS_REMEMBERED: usize = 4096;
/// How many texts' scores against every field the run remembers (each some 180 numbers:
/// at most about 1.5 MB).
pub(super) const SCORES_REMEMBERED: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_reached_at_its_exact_fraction_and_not_below() {
        assert!(FLOW_ROWS.reached(9, 10));
        assert!(!FLOW_ROWS.reached(8, 10));
        assert!(AGREEMENT.reached(2, 3));
        assert!(!AGREEMENT.reached(1, 2));
        // Nothing out of nothing is every share.
        assert!(AGREEMENT.reached(0, 0));
    }
}
