//! What the catalog says, folded once, and the tests that compare a form's text with
//! it: does this cell name item N, which field does this label name, is this a section
//! heading.

use super::cues::{self, FieldMarker, ItemCue, Strength};
use super::weights::{
    CUE_REST_NAMES_ITEM, FORM_TITLE_LENGTH, HEADING_LENGTHS, LABEL_NAMES_FIELD, LABEL_OPENING,
    SHARED_LABEL_OPENING, STACKED_LABEL_HEAD, TITLE_AT_EDGE, WORDED_AS_LABEL,
    WORDING_CHARS_PER_EDIT, WORDING_END_EXACT, WRAPPED_LABEL_TAIL,
};
use crate::catalog::Catalog;
use crate::text::{Bigrams, fold, similarity_of, without_brackets};
use std::collections::{HashMap, HashSet};

/// A field label folded, with its bigrams, and the same without its bracketed
/// qualifiers (「（西暦）」, 「＜100字以内＞」), which forms often leave out.
struct Wording {
    label: String,
    bigrams: Bigrams,
    bare: Option<(String, Bigrams)>,
    /// The label's first [`STACKED_LABEL_HEAD`] characters, if it has that many: what
    /// tells it printed onto the next field's label. Searched for from the end of
    /// many cells, so the searcher is built once, with the catalog.
    head: Option<memchr::memmem::FinderRev<'static>>,
}

impl Wording {
    fn of(label: &str) -> Wording {
        let folded = fold(label);
        let bare = fold(&without_brackets(label));
        let head: String = folded.chars().take(STACKED_LABEL_HEAD).collect();
        Wording {
            head: (head.chars().count() == STACKED_LABEL_HEAD)
                .then(|| memchr::memmem::FinderRev::new(head.as_bytes()).into_owned()),
            bigrams: Bigrams::of(&folded),
            bare: (bare != folded && !bare.is_empty()).then(|| {
                let bigrams = Bigrams::of(&bare);
                (bare, bigrams)
            }),
            label: folded,
        }
    }

    /// The label and, where it has qualifiers, the label without them.
    fn spellings(&self) -> impl Iterator<Item = (&str, &Bigrams)> {
        std::iter::once((self.label.as_str(), &self.bigrams)).chain(
            self.bare
                .as_ref()
                .map(|(bare, bigrams)| (bare.as_str(), bigrams)),
        )
    }
}

/// Kana and kanji, which [`fold`] leaves as they are.
fn folds_to_itself(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30a1}'..='\u{30fc}' | '\u{4e00}'..='\u{9fff}')
}

/// Where in `text` the characters that fold to `folded` end, when `text` opens with
/// them (each character folded on its own; spaces and line breaks skipped); else how
/// many bytes of `folded` it opens with.
fn folded_prefix_end(text: &str, folded: &str) -> Result<usize, usize> {
    let mut rest = folded;
    let mut buffer = [0u8; 4];
    let matched = |rest: &str| folded.len() - rest.len();
    for (at, c) in text.char_indices() {
        if rest.is_empty() {
            return Ok(at);
        }
        // Kana and kanji fold to themselves: compared without folding.
        rest = if folds_to_itself(c) {
            rest.strip_prefix(c).ok_or_else(|| matched(rest))?
        } else {
            rest.strip_prefix(fold(c.encode_utf8(&mut buffer)).as_str())
                .ok_or_else(|| matched(rest))?
        };
    }
    if rest.is_empty() {
        Ok(text.len())
    } else {
        Err(matched(rest))
    }
}

/// [`folded_prefix_end`] allowing a few characters written otherwise (one per
/// [`WORDING_CHARS_PER_EDIT`] of the wording): a wording the applicant corrected
/// (the guide's 「整備備状況」 written 「整備状況」) or mistyped. Asked only where half the
/// wording or more opens the text as written; its last [`WORDING_END_EXACT`] characters
/// must be as written too, so that where it ends is sure.
fn near_prefix_end(text: &str, folded: &str) -> Option<usize> {
    let label: Vec<char> = folded.chars().collect();
    let edits = label.len() / WORDING_CHARS_PER_EDIT;
    if edits == 0 || label.len() <= WORDING_END_EXACT {
        return None;
    }
    // The text's characters folded one by one, as `folded_prefix_end` reads them (spaces
    // and line breaks fold to nothing), each with where it ends in the text: no more
    // than the wording could take.
    let mut chars: Vec<(char, usize)> = Vec::with_capacity(label.len() + edits);
    let mut buffer = [0u8; 4];
    for (at, c) in text.char_indices() {
        if chars.len() >= label.len() + edits {
            break;
        }
        let end = at + c.len_utf8();
        if folds_to_itself(c) {
            chars.push((c, end));
        } else {
            chars.extend(fold(c.encode_utf8(&mut buffer)).chars().map(|f| (f, end)));
        }
    }
    if chars.len() + edits < label.len() {
        return None;
    }
    // Edit distances of the wording against each prefix of the text, row by row.
    let mut row: Vec<usize> = (0..=chars.len()).collect();
    for (i, &l) in label.iter().enumerate() {
        let mut next = vec![i + 1; chars.len() + 1];
        for (j, &(t, _)) in chars.iter().enumerate() {
            next[j + 1] = (row[j] + usize::from(l != t))
                .min(row[j + 1] + 1)
                .min(next[j] + 1);
        }
        row = next;
    }
    let tail = &label[label.len() - WORDING_END_EXACT..];
    (WORDING_END_EXACT..=chars.len())
        .filter(|&j| row[j] <= edits)
        .filter(|&j| {
            chars[j - WORDING_END_EXACT..j]
                .iter()
                .map(|(c, _)| *c)
                .eq(tail.iter().copied())
        })
        .min_by_key(|&j| (row[j], std::cmp::Reverse(j)))
        .map(|j| chars[j - 1].1)
}

pub(super) struct Vocabulary<'c> {
    pub catalog: &'c Catalog,
    /// Per item (index = number - 1): the folded title and aliases.
    titles: Vec<Vec<String>>,
    /// The bigrams of each of `titles`, for similarity.
    title_bigrams: Vec<Vec<Bigrams>>,
    /// Per item: the folded field labels, in field order.
    labels: Vec<Vec<Wording>>,
    /// Folded title → the items that carry it (several share 「その他サービス」).
    by_title: HashMap<String, Vec<u32>>,
    /// The guide's section headings, folded, with and without their numbering.
    sections: HashSet<String>,
    /// The longest title and section heading, in bytes: a longer text (most cells are
    /// answers) is neither, and is not hashed to learn it.
    longest_title: usize,
    longest_section: usize,
}

impl<'c> Vocabulary<'c> {
    pub fn new(catalog: &'c Catalog) -> Vocabulary<'c> {
        let titles: Vec<Vec<String>> = catalog
            .items
            .iter()
            .map(|item| {
                std::iter::once(&item.title)
                    .chain(&item.aliases)
                    .map(|t| fold(t))
                    .collect()
            })
            .collect();
        let title_bigrams = titles
            .iter()
            .map(|names| names.iter().map(|t| Bigrams::of(t)).collect())
            .collect();
        let labels = catalog
            .items
            .iter()
            .map(|item| item.fields.iter().map(|f| Wording::of(&f.label)).collect())
            .collect();
        let mut by_title: HashMap<String, Vec<u32>> = HashMap::new();
        for (item, names) in catalog.items.iter().zip(&titles) {
            for name in names {
                let numbers = by_title.entry(name.clone()).or_default();
                if !numbers.contains(&item.number) {
                    numbers.push(item.number);
                }
            }
        }
        let mut sections = HashSet::new();
        let chapters = catalog.meta.chapters.iter();
        for heading in chapters.chain(catalog.items.iter().flat_map(|item| item.section.iter())) {
            let folded = fold(heading);
            sections.insert(without_numbering(&folded).to_string());
            sections.insert(folded);
        }
        Vocabulary {
            catalog,
            longest_title: by_title.keys().map(String::len).max().unwrap_or(0),
            longest_section: sections.iter().map(String::len).max().unwrap_or(0),
            titles,
            title_bigrams,
            labels,
            by_title,
            sections,
        }
    }

    fn titles_of(&self, number: u32) -> &[String] {
        number
            .checked_sub(1)
            .and_then(|i| self.titles.get(i as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// The wordings of item `number`'s fields, in field order; none for no item.
    fn labels_of(&self, number: u32) -> &[Wording] {
        number
            .checked_sub(1)
            .and_then(|i| self.labels.get(i as usize))
            .map_or(&[], Vec::as_slice)
    }

    fn title_bigrams_of(&self, number: u32) -> &[Bigrams] {
        number
            .checked_sub(1)
            .and_then(|i| self.title_bigrams.get(i as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a cell names item `number` at least `floor` well: 1 for its title,
    /// [`TITLE_AT_EDGE`] for a title at the start or the end of a longer heading, the
    /// bigram similarity otherwise.
    pub fn title_reaches(&self, folded: &str, number: u32, floor: f64) -> bool {
        // 「(1) 開示情報の日付」 names its item once the number is set aside.
        let cue = cues::item_cue(folded);
        let whole = cues::strip_heading_marks(cue.as_ref().map_or(folded, |cue| &cue.rest));
        let before_brackets = whole.split('(').next().unwrap_or(whole);
        let titles = self
            .titles_of(number)
            .iter()
            .zip(self.title_bigrams_of(number));
        for text in [whole, before_brackets] {
            if text.is_empty() {
                continue;
            }
            let text_pairs = text.chars().count() - 1;
            // Made only for a title it could be alike enough to (most cells are answers
            // far longer than any title).
            let mut text_bigrams = None;
            for (title, title_bigrams) in titles.clone() {
                let score = if text == title {
                    1.0
                } else if title.chars().nth(1).is_some() && text.starts_with(title.as_str()) {
                    TITLE_AT_EDGE
                } else if title.chars().nth(2).is_some()
                    && text == whole
                    && text.ends_with(title.as_str())
                {
                    // The section before the title: 「サービス窓口（苦情受付、問い合わせ）
                    // 営業日・時間」; not a label's words before a bracket (「事業者の
                    // 資本金（単独ベース）」 is a label of 資本金).
                    TITLE_AT_EDGE
                } else if title.is_empty() || Bigrams::dice_bound(text_pairs, title_bigrams) < floor
                {
                    0.0
                } else {
                    text_bigrams
                        .get_or_insert_with(|| Bigrams::of(text))
                        .dice(title_bigrams)
                };
                if score >= floor {
                    return true;
                }
            }
        }
        false
    }

    /// The item a cell names by its exact title, when exactly one item has that title.
    pub fn item_named_by(&self, folded: &str) -> Option<u32> {
        let text = cues::strip_heading_marks(folded);
        let text = text.split('(').next().unwrap_or(text);
        if text.chars().count() < 2 {
            return None;
        }
        if text.len() > self.longest_title {
            return None;
        }
        match self.by_title.get(text).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    }

    /// The item of `numbers` a cell names by its title: whole, however short (「役員」),
    /// the first in order where several share it (items 47, 52, 57 and 61 are all
    /// 「その他サービス」: the form lists them in the guide's order); or cut short (a
    /// title the cell beside it clipped, its number with it) to four characters at the
    /// least, before any bracket, naming one item only.
    pub fn item_titled_among(&self, folded: &str, numbers: std::ops::Range<u32>) -> Option<u32> {
        let whole = cues::strip_heading_marks(folded);
        let whole = whole.trim().trim_end_matches('(').trim_end();
        let before_brackets = whole.split('(').next().unwrap_or(whole).trim();
        let texts: Vec<&str> = [whole, before_brackets]
            .into_iter()
            .filter(|text| text.chars().count() >= 4)
            .collect();
        let whole_title = |title: &str| whole.chars().nth(1).is_some() && title == whole;
        let titled = |number: &u32| {
            self.titles_of(*number)
                .iter()
                .any(|title| whole_title(title))
        };
        if let Some(first) = numbers.clone().find(titled) {
            return Some(first);
        }
        let mut named = numbers.filter(|&number| {
            self.titles_of(number)
                .iter()
                .any(|title| texts.iter().any(|text| title.starts_with(text)))
        });
        match (named.next(), named.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// Whether `tail`, on the line after `label`, is the rest of field `index`'s
    /// wording that the label's line could not hold (「…「有り」の場合は責任者名・役」 |
    /// 「職」): the label's words run to where the wording goes on with `tail`.
    pub fn completes_label(&self, label: &str, tail: &str, number: u32, index: u32) -> bool {
        let (label, tail) = (fold(label), fold(tail));
        if tail.is_empty() || tail.chars().count() > WRAPPED_LABEL_TAIL {
            return false;
        }
        let Some(wording) = index
            .checked_sub(1)
            .and_then(|i| self.labels_of(number).get(i as usize))
        else {
            return false;
        };
        wording.spellings().any(|(spelled, _)| {
            label.char_indices().any(|(at, _)| {
                let words = &label[at..];
                words.chars().count() >= LABEL_OPENING
                    && spelled
                        .strip_prefix(words)
                        .is_some_and(|rest| rest.starts_with(&tail))
            })
        })
    }

    /// Which field of item `number` a label names, by marker or by the catalog's
    /// wording. A cell that reads more like the item's title than like any of its labels
    /// is no label, unless it is a label's very wording.
    pub fn label_index(&self, folded: &str, number: u32) -> Option<u32> {
        self.label_match(folded, number).map(|(index, _)| index)
    }

    /// As [`Vocabulary::label_index`], with how well the label matches the catalog's
    /// wording (1 for a marker or the exact wording), for callers that must tell a label
    /// from an answer worded like one.
    pub fn label_match(&self, folded: &str, number: u32) -> Option<(u32, f64)> {
        // Blank fields' labels printed onto the next field's (a sheet printed
        // bottom-aligned), with their markers: the last marker names the field.
        let folded = last_marked_label(folded);
        let labels = self.labels_of(number);
        if labels.is_empty() {
            return None;
        }
        match cues::field_marker(folded) {
            Some(FieldMarker::Numbered(n)) => return Some((n, 1.0)),
            Some(FieldMarker::Unnumbered) if labels.len() == 1 => return Some((1, 1.0)),
            _ => {}
        }
        // 「▼ 法人番号」: the bullet opens the label, it is none of its words.
        let folded = folded.trim_start_matches(cues::BULLETS);
        let text = cues::without_marker(folded);
        // A blank field's label printed onto the next field's (a sheet printed
        // bottom-aligned): the cell names the field whose wording starts last in it.
        let text = labels
            .iter()
            .filter_map(|wording| wording.head.as_ref()?.rfind(text.as_bytes()))
            .filter(|&at| at > 0)
            .max()
            .map_or(text, |at| &text[at..]);
        // No wording it could be alike enough to: no label (most cells are answers far
        // longer than any label, their bigrams not worth making).
        let text_pairs = text.chars().count().saturating_sub(1);
        let reachable = labels.iter().any(|wording| {
            wording.spellings().any(|(label, bigrams)| {
                label == text || Bigrams::dice_bound(text_pairs, bigrams) >= LABEL_NAMES_FIELD
            })
        });
        if !reachable {
            return None;
        }
        let text_bigrams = Bigrams::of(text);
        let (best, score) = labels
            .iter()
            .zip(1u32..)
            .map(|(wording, index)| {
                let score = wording
                    .spellings()
                    .map(|spelling| similarity_of((text, &text_bigrams), spelling))
                    .fold(0.0, f64::max);
                (index, score)
            })
            .fold(
                (0, 0.0),
                |acc, next| if next.1 > acc.1 { next } else { acc },
            );
        // The catalog's very wording is a label even where it opens with the item's
        // title (「正社員数（単独ベース）」 under 従業員数, alias 正社員数).
        let exact = labels
            .iter()
            .any(|wording| wording.spellings().any(|(label, _)| label == text));
        // Worded all but as the catalog words it, and far longer than a heading (its
        // title and a few words): a label, though it opens with its item's title.
        let chars = text.chars().count();
        let worded_so = exact
            || score >= WORDED_AS_LABEL
                && self
                    .titles_of(number)
                    .iter()
                    .all(|title| chars >= HEADING_LENGTHS * title.chars().count());
        (score >= LABEL_NAMES_FIELD && (worded_so || !self.title_reaches(text, number, score)))
            .then_some((best, score))
    }

    /// The field of item `number` a label names, by its wording ([`Vocabulary::label_index`])
    /// or by its wording cut short ([`Vocabulary::label_opening`]).
    pub fn field_named(&self, folded: &str, number: u32) -> Option<u32> {
        self.label_index(folded, number)
            .or_else(|| self.label_opening(folded, number))
    }

    /// The field of item `number` whose wording opens with the text, a label cut short
    /// at a comma or a bracket (「解約時違約金」, 「該当する財務監査・財務データの状況を」), if
    /// the text is long enough to say so.
    pub fn label_opening(&self, folded: &str, number: u32) -> Option<u32> {
        if folded.chars().count() < LABEL_OPENING {
            return None;
        }
        self.labels_of(number)
            .iter()
            .zip(1u32..)
            .find(|(wording, _)| {
                wording
                    .spellings()
                    .any(|(label, _)| label.starts_with(folded))
            })
            .map(|(_, index)| index)
    }

    /// The field of item `number` whose wording opens as the text does for a clause at
    /// the least (「給電ルート（系統）について、①異なる変電所から…」, the guide's label with
    /// its choices written out): for a line a bullet marks as a label.
    pub fn shares_label_opening(&self, folded: &str, number: u32) -> Option<u32> {
        let shared = |label: &str| {
            label
                .chars()
                .zip(folded.chars())
                .take_while(|(a, b)| a == b)
                .count()
        };
        self.labels_of(number)
            .iter()
            .zip(1u32..)
            .find(|(wording, _)| shared(&wording.label) >= SHARED_LABEL_OPENING)
            .map(|(_, index)| index)
    }

    /// Whether a text is the catalog's wording of one of item `number`'s fields, with or
    /// without its bracketed qualifiers, or written otherwise in a few characters (the
    /// guide's 「簡易略照明」 corrected to 「簡易略称名」): the form's label, never an answer.
    pub fn is_label_wording(&self, folded: &str, number: u32) -> bool {
        // Only a text of about the wording's length, opening as it does, is compared
        // character by character: most texts asked about are answers.
        let near = |label: &str| {
            folded.len().abs_diff(label.len()) * WORDING_CHARS_PER_EDIT <= label.len()
                && folded
                    .chars()
                    .take(LABEL_OPENING)
                    .eq(label.chars().take(LABEL_OPENING))
                && near_prefix_end(folded, label) == Some(folded.len())
        };
        self.labels_of(number).iter().any(|wording| {
            wording
                .spellings()
                .any(|(label, _)| label == folded || near(label))
        })
    }

    /// How many bytes at the start of `text` (as written, not folded) are the catalog's
    /// wording of one of item `number`'s field labels, when an answer follows it: a
    /// label and its answer run together in one cell, the line break between them lost
    /// (「…その旨を記述）相談に応じて決める」). The longest wording wins; a wording
    /// without its qualifiers counts only where no bracket follows it.
    pub fn label_wording_at_start(&self, text: &str, number: u32) -> Option<usize> {
        let mut best: Option<usize> = None;
        for wording in self.labels_of(number) {
            for (label, _) in wording.spellings() {
                let end = match folded_prefix_end(text, label) {
                    Ok(end) => end,
                    // Half the wording as written or more: a character otherwise further
                    // on is looked for (most texts differ from the first words).
                    Err(matched) if 2 * matched >= label.len() => {
                        match near_prefix_end(text, label) {
                            Some(end) => end,
                            None => continue,
                        }
                    }
                    Err(_) => continue,
                };
                let rest = text[end..].trim_start();
                let qualified = label != wording.label && rest.starts_with(['（', '(']);
                if !rest.is_empty() && !qualified && best.is_none_or(|b| end > b) {
                    best = Some(end);
                }
            }
        }
        best
    }

    /// How much of a text is drawn from the wording of field `index` of item `number`:
    /// the share of its bigrams found there (a label cut short, 「事業者の資本金」 or
    /// 「専用線」, is wholly drawn from its field's), 0 for a field the item lacks.
    pub fn drawn_from_label(&self, folded: &str, number: u32, index: u32) -> f64 {
        let label = index
            .checked_sub(1)
            .and_then(|i| self.labels_of(number).get(i as usize));
        match label {
            Some(wording) if folded == wording.label => 1.0,
            Some(wording) => Bigrams::of(folded).found_in(&wording.bigrams),
            None => 0.0,
        }
    }

    /// Whether a cell is one of the guide's section headings (「2.2 事業所・事業」,
    /// 「(1) 事業所等の概要」), which forms repeat between items.
    pub fn is_section(&self, folded: &str) -> bool {
        // 「■ 事業所・事業」: a bullet before the heading.
        let folded = cues::strip_heading_marks(folded);
        let bare = without_numbering(folded);
        let known = |text: &str| text.len() <= self.longest_section && self.sections.contains(text);
        known(folded) || (!bare.is_empty() && known(bare))
    }

    /// Whether a text is an item's title, whole (「開示情報の日付」, which is also the
    /// name of the sub-section it stands in).
    pub fn names_item(&self, folded: &str) -> bool {
        self.by_title.contains_key(folded)
    }

    /// The length in bytes of the longest title, folded (one of its spellings).
    pub fn longest_title(&self) -> usize {
        self.longest_title
    }

    /// The items a text is the whole title of (several share 「機器」).
    pub fn items_titled(&self, folded: &str) -> &[u32] {
        self.by_title.get(folded).map_or(&[], Vec::as_slice)
    }

    /// The words of a heading numbered by the document's own outline (「2.2.1 事業者名」,
    /// 「3-1-2 機器」, 「2.4 財務状況」) when they are an item's title or a section's:
    /// the report's numbers, which are no item numbers, before the guide's words.
    pub fn outline_heading<'t>(&self, folded: &'t str) -> Option<&'t str> {
        let rest = outline_number(folded)?.trim();
        let titled = || {
            let bare = rest.split('(').next().unwrap_or(rest).trim();
            self.names_item(rest) || self.names_item(bare)
        };
        (titled() || self.is_section(rest)).then_some(rest)
    }

    /// Whether a cell is one of the guide's section headings with its numbering
    /// (「2.1 開示情報の時点」, 「(1) 事業所等の概要」): a heading wherever it stands,
    /// where a bare 「開示情報の日付」 may be item 1's label.
    pub fn is_numbered_section(&self, folded: &str) -> bool {
        let heading = cues::strip_heading_marks(folded);
        without_numbering(heading).len() < heading.len() && self.is_section(folded)
    }

    /// Whether a heading names a section item `number` stands in (its chapter or its
    /// sub-section), as the top of a printed page repeats them.
    pub fn is_own_section(&self, folded: &str, number: u32) -> bool {
        let Some(item) = self.catalog.item(number) else {
            return false;
        };
        let heading = cues::strip_heading_marks(folded);
        let bare = without_numbering(heading).trim();
        item.section.iter().any(|section| {
            let section = fold(section);
            section == heading || (!bare.is_empty() && without_numbering(&section).trim() == bare)
        })
    }

    /// What a heading's own title says of its number: whether it confirms it, and the
    /// item it names instead when it does not (the guide's stray 「時刻同期（78）」 beside
    /// item 96 is the case in point). `texts` are the folded cells around the number.
    pub fn check_title<'t>(
        &self,
        cue: &'t ItemCue,
        texts: impl Iterator<Item = &'t str>,
    ) -> TitleCheck {
        let mut confirmed = false;
        let mut named = None;
        for text in std::iter::once(cue.rest.as_str())
            .chain(texts)
            .filter(|t| !t.is_empty())
        {
            confirmed = confirmed || self.title_reaches(text, cue.number, CUE_REST_NAMES_ITEM);
            if let Some(other) = self.item_named_by(text) {
                named.get_or_insert(other);
            }
        }
        TitleCheck {
            confirmed,
            renamed: named.filter(|other| *other != cue.number && !confirmed),
        }
    }
}

/// What a heading's title says of its item number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitleCheck {
    /// The title is the numbered item's.
    pub confirmed: bool,
    /// The title names another item, which is believed.
    pub renamed: Option<u32>,
}

/// 「(2)事業の概要」 → 「事業の概要」, 「2.2事業所・事業」 → 「事業所・事業」,
/// 「第2章「サービス」に関わる項目」 → 「「サービス」に関わる項目」.
fn without_numbering(folded: &str) -> &str {
    let chapter = folded.strip_prefix('第').and_then(|rest| {
        let digits = rest
            .trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
        (digits.len() < rest.len())
            .then_some(digits)?
            .strip_prefix(['章', '節'])
    });
    chapter
        .unwrap_or(folded)
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '(' | ')'))
}

/// The text after an outline number of two levels or more (「2.2.1 」, 「3-1-2」,
/// 「2.4.」), folded; None where the text opens with none.
fn outline_number(folded: &str) -> Option<&str> {
    let mut levels = 0;
    let mut rest = folded;
    loop {
        let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        if digits.len() == rest.len() {
            break;
        }
        levels += 1;
        rest = digits;
        match rest.strip_prefix(['.', '-']) {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
            Some(after) => {
                rest = after;
                break;
            }
            None => break,
        }
    }
    (levels >= 2 && (rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_digit())))
        .then_some(rest)
}

pub(super) fn is_strong_cue(folded: &str) -> bool {
    cues::item_cue(folded).is_some_and(|cue| cue.strength == Strength::Strong)
}

/// What names the field in a label cell: from the last of several field markers on
/// (a sheet printed bottom-aligned stacks the label of a field left blank onto the
/// next field's, whose answer is on the row of the last one).
fn last_marked_label(folded: &str) -> &str {
    let numbered =
        |at: &usize| folded[at + "記述内容".len()..].starts_with(|c: char| c.is_ascii_digit());
    let markers: Vec<usize> = folded
        .match_indices("記述内容")
        .map(|(at, _)| at)
        .filter(numbered)
        .collect();
    match markers.as_slice() {
        [_, .., last] => &folded[*last..],
        _ => folded,
    }
}

/// A requirement flag (必須, 選択, 必須開示項目): a column some forms print between the
/// label and the answer. It says what the guide asks, never what the applicant answers.
pub(super) fn is_flag(folded: &str) -> bool {
    let words =
        folded.trim_matches(|c: char| matches!(c, '(' | ')' | '【' | '】' | '[' | ']' | '*'));
    let words = words
        .strip_suffix("開示項目")
        .or_else(|| words.strip_suffix("項目"))
        .or_else(|| words.strip_suffix("開示"))
        .unwrap_or(words);
    matches!(words, "必須" | "選択" | "任意" | "必須・選択" | "必須/選択")
}

/// A cell that marks its row as the applicant's remark or attachment beside the answers
/// (「備考 | 添付資料を参照」 under an item's fields): what it says is no answer.
pub(super) fn is_remark_mark(folded: &str) -> bool {
    let words = folded.trim_matches(|c: char| {
        matches!(
            c,
            '【' | '】' | '[' | ']' | '(' | ')' | '<' | '>' | ':' | '■' | '・'
        )
    });
    matches!(
        words,
        "備考" | "備考欄" | "補足" | "補足事項" | "特記事項" | "添付資料" | "添付書類"
    )
}

/// A cell that marks its row as the form's example (「記入例」「(例)」), printed
/// beside the example answer: the row is the distributed form's, not the applicant's.
pub(super) fn is_example_mark(folded: &str) -> bool {
    let words = folded.trim_matches(|c: char| BRACKETS.contains(c) || c == ':');
    matches!(words, "記入例" | "例" | "記載例" | "回答例" | "入力例")
}

/// The brackets, folded, a form's marks and notes stand in (「【記入例】」, 「（未入力）」).
const BRACKETS: &str = "()[]【】<>《》";

/// A region's name that says it holds the form's example or its instructions: 「記入例」,
/// 「記入例(2)」, 「【記入例】2.事業者」, 「記入要領」, 「記入上の注意」.
pub(super) fn names_aside(folded: &str) -> bool {
    const ASIDES: [&str; 10] = [
        "記入例",
        "記載例",
        "回答例",
        "入力例",
        "記入要領",
        "記入方法",
        "記入上の注意",
        "入力要領",
        "作成要領",
        "注意事項",
    ];
    let name = folded.trim_start_matches(['【', '[', '(', '<', '《']);
    is_example_mark(folded) || ASIDES.iter().any(|aside| name.starts_with(aside))
}

/// A line that is such a name alone, as a sheet's title printed atop its page
/// (「記入例」, 「【記入例】」); not 「記入例：2024年4月1日」, an example beside its field.
pub(super) fn is_aside_title(folded: &str) -> bool {
    let words = folded.trim_matches(|c: char| BRACKETS.contains(c));
    !words.contains(':') && words.chars().count() <= 8 && names_aside(words)
}

/// What a form prints in a field left empty, alone, bare or in brackets: 「（未入力）」,
/// 「未入力」, 「（回答なし）」, 「未回答」; or its check cells with none marked
/// (「□有　□無」, 「有り　無し」). (A dash or 「未記入」 an applicant types is their
/// answer, reported as written.)
pub(super) fn is_placeholder(raw: &str) -> bool {
    let raw = raw.trim();
    if raw.chars().count() > 16 {
        return false;
    }
    let folded = fold(raw);
    let words = folded.trim_matches(|c: char| BRACKETS.contains(c));
    crate::text::PLACEHOLDER_WORDS.contains(&words) || is_unmarked_choice(raw)
}

/// A line of check cells, none marked (「□有　□無」, 「有り　無し」).
fn is_unmarked_choice(raw: &str) -> bool {
    crate::text::check_line(raw).is_some_and(|options| options.iter().all(|(marked, _)| !marked))
}

/// The form's own words in an answer's row, never a piece of the answer: a requirement
/// flag (「必須」 at the row's end) or a caption (「内容」 before the detail).
pub(super) fn is_form_word(folded: &str) -> bool {
    is_flag(folded) || is_caption(folded)
}

/// A caption a form prints in a cell of its own inside an answer's box, before the
/// detail it asks for (「内容 | 委託先管理規程」, 「（有りの場合） | …」): the form's
/// words, left in place when the detail is blank. Only a cell that says nothing else
/// is one: 「有りの場合：…」 written in the answer's own cell is the applicant's.
fn is_caption(folded: &str) -> bool {
    let words = folded
        .trim_matches(|c: char| BRACKETS.contains(c))
        .trim_end_matches(':');
    matches!(
        words,
        "内容" | "具体的に" | "詳細" | "有りの場合" | "ありの場合" | "有の場合" | "可能な場合"
    )
}

/// The form's own title, printed atop its sheets or pages (「IoTクラウドサービス（IaaS・
/// PaaS）情報開示認定　申請書（ハウジング）」): never an answer, whatever item is open.
pub(super) fn is_form_title(folded: &str) -> bool {
    let Some((_, after)) = folded.split_once("情報開示認定") else {
        return false;
    };
    let after = after.split(['(', '【', '[']).next().unwrap_or(after);
    matches!(
        after,
        "申請書" | "申請内容" | "開示内容" | "開示書" | "申請書類"
    ) && folded.chars().count() <= FORM_TITLE_LENGTH
}

/// Notes, examples and explanations a form carries between answers.
pub(super) fn is_note(folded: &str) -> bool {
    opens_explanation(folded)
        || ["※", "(注", "注)", "注:", "記入例"]
            .iter()
            .any(|p| folded.starts_with(p))
}

/// A note that opens an explanation running on until the next label (the guide's
/// 【説明】, （説明）, 「以下、…」), where other notes are a line each (「記入例：…」,
/// 「※西暦で記入」).
pub(super) fn opens_explanation(folded: &str) -> bool {
    ["【説明", "(説明", "[説明", "(参考", "(以下", "以下、"]
        .iter()
        .any(|p| folded.starts_with(p))
}

/// A note the form itself carries, told from an applicant's own remark written the same
/// way: 「※西暦で記入してください」 tells how to fill in, 「※2011年7月1日に大規模リニュー
/// アル実施」 is part of the answer above it.
pub(super) fn is_form_note(folded: &str) -> bool {
    const INSTRUCTION: [&str; 11] = [
        "字以内",
        "記入",
        "記述",
        "記載",
        "入力",
        "ください",
        "非認定",
        "開示項目",
        "注意",
        "選択",
        "参考",
    ];
    // The instruction is in the note's first sentence: an applicant's answer that opens
    // with a remark of its own (「※申請時点の内容。OS初期化は…利用者が選択」) is no note.
    let first_sentence = folded.split('。').next().unwrap_or(folded);
    (is_note(folded)
        && (!folded.starts_with('※') || INSTRUCTION.iter().any(|w| first_sentence.contains(w))))
        || is_continuation_mark(folded)
}

/// 「（次シートへ続く）」, 「（次ページに続く）」, 「（前シートより続く）」, 「（続き）」: where
/// a form cut an item at the end of a sheet or a page, it says so; that is no answer.
fn is_continuation_mark(folded: &str) -> bool {
    let words = folded.trim_matches(|c: char| BRACKETS.contains(c) || "-→⇒…".contains(c));
    words.chars().count() <= 12 && (words.ends_with("続く") || words.ends_with("続き"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_label_opening_with_its_items_title_is_its_label() {
        let v = Vocabulary::new(Catalog::builtin());
        let label = fold(
            "非常用電源（自家発電機）の有無と、有りの場合には停電時から非常用電源の稼働開始までの時間、無給油での連続稼動時間、非常用電源稼動対策の内容（燃料の連続供給方法等）",
        );
        assert_eq!(v.label_index(&label, 118), Some(1));
        // The item's heading opens with the title too, and runs a few words more.
        let heading = fold("非常用電源（自家発電機）の有無");
        assert_eq!(v.label_index(&heading, 118), None);
    }

    #[test]
    fn a_label_worded_as_the_guide_means_it_is_its_wording() {
        // The guide writes 「簡易略照明」 where it means 「簡易略称名」; a form that corrects
        // it still writes the label, not an answer.
        let vocabulary = Vocabulary::new(Catalog::builtin());
        let label = "当該データセンターの正式識別名。複数データセンターがある場合は、\
                     簡易略称名を追記（以降の開示項目の記述で使用）";
        assert!(vocabulary.is_label_wording(&fold(label), 111));
        assert!(!vocabulary.is_label_wording(&fold("金沢iDC"), 111));
        assert!(!vocabulary.is_label_wording(&fold(label), 112));
    }

    #[test]
    fn the_rest_of_a_wrapped_label_completes_it() {
        let vocabulary = Vocabulary::new(Catalog::builtin());
        let label =
            "【記述内容1】情報セキュリティに関する責任者の有無と、「有り」の場合は責任者名・役";
        assert!(vocabulary.completes_label(label, "職", 22, 1));
        // An answer is no rest of the label, nor is the rest of another field's.
        assert!(!vocabulary.completes_label(label, "有り（CISO）", 22, 1));
        assert!(!vocabulary.completes_label(label, "職", 22, 2));
        assert!(!vocabulary.completes_label("【記述内容1】", "職", 22, 1));
    }

    #[test]
    fn an_outline_number_has_two_levels_or_more() {
        assert_eq!(outline_number("2.2.1 事業者名"), Some(" 事業者名"));
        assert_eq!(outline_number("3-1-2機器"), Some("機器"));
        assert_eq!(outline_number("2.4. 財務状況"), Some(" 財務状況"));
        assert_eq!(outline_number("2 事業者"), None);
        assert_eq!(outline_number("2024.4.1"), Some(""));
        assert_eq!(outline_number("99.9%以上"), Some("%以上"));
    }

    #[test]
    fn form_notes_and_remarks() {
        for note in [
            "※西暦で記入してください",
            "※未記入の場合は非認定となります。",
            "(注)単独ベース",
            "記入例：有り",
            "※ 100字以内",
            "※該当する番号を選択してください。複数可。",
            "（次シートへ続く）",
            "（前ページより続く）",
            "（続き）",
        ] {
            assert!(is_form_note(&fold(note)), "{note}");
        }
        for remark in [
            "※2011年7月1日に大規模リニューアル実施",
            "※別紙1参照",
            "有り",
            "有り（今後も継続して実施予定。詳細は別紙に続く）",
            "※申請時点の内容（今後変更の可能性あり）\nOS初期化は利用者が実施可能。適用は利用者が選択",
        ] {
            assert!(!is_form_note(&fold(remark)), "{remark}");
        }
    }

    #[test]
    fn example_marks() {
        for mark in ["記入例", "【記入例】", "(例)", "記載例:"] {
            assert!(is_example_mark(&fold(mark)), "{mark}");
        }
        for placeholder in [
            "（未入力）",
            "未入力",
            "（回答なし）",
            "【未回答】",
            "□有\u{3000}□無",
            "有り\u{3000}無し",
            "□可 □不可",
        ] {
            assert!(is_placeholder(placeholder), "{placeholder}");
        }
        for answer in [
            "－",
            "未記入",
            "未入力の項目なし",
            "なし",
            "■有\u{3000}□無",
            "レ有り\u{3000}無し",
            "□有 ☑無",
        ] {
            assert!(!is_placeholder(answer), "{answer}");
        }
        for text in [
            "記入例(灰色の斜体)は参考です。",
            "例えば",
            "株式会社〇〇〇〇",
        ] {
            assert!(!is_example_mark(&fold(text)), "{text}");
        }
    }

    #[test]
    fn kana_and_kanji_fold_to_themselves() {
        for c in ('\u{3000}'..='\u{a000}').filter(|c| folds_to_itself(*c)) {
            assert_eq!(fold(&c.to_string()), c.to_string(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn a_labels_wording_run_into_its_answer() {
        let vocabulary = Vocabulary::new(Catalog::builtin());
        let at = |text: &'static str, number| {
            vocabulary
                .label_wording_at_start(text, number)
                .map(|end| &text[end..])
        };
        // Written as the guide words it, spaces and full-width letters folded.
        assert_eq!(
            at(
                "サービスのカスタマイズの範囲（特に決まっていない、相談に応じて決める等の\n場合は、その旨を記述）相談に応じて決める",
                39
            ),
            Some("相談に応じて決める")
        );
        assert_eq!(
            at("事業者の正式名称（商号）株式会社サンプル", 2),
            Some("株式会社サンプル")
        );
        // Without its qualifier only where none follows; never a bare label, another
        // item's label, or a wording cut short.
        assert_eq!(
            at("事業者の正式名称 株式会社サンプル", 2),
            Some(" 株式会社サンプル")
        );
        assert_eq!(at("事業者の正式名称（商号）", 2), None);
        assert_eq!(at("事業者の正式名称（商号）株式会社サンプル", 3), None);
        assert_eq!(at("事業者の正式名株式会社サンプル", 2), None);
        // The guide's typo corrected (「整備備状況」 written 「整備状況」): a character
        // otherwise in a long wording, its end as written.
        assert_eq!(
            at(
                "脆弱性診断の有無と、有りの場合は評価基準、対策手順の有無等の整備状況、対策の実施状況などの概要有（四半期ごとに実施）",
                80
            ),
            Some("有（四半期ごとに実施）")
        );
        // Not a wording that goes its own way after its first words.
        assert_eq!(
            at(
                "脆弱性診断の有無と、その実施頻度：年1回の外部診断を実施",
                80
            ),
            None
        );
    }

    #[test]
    fn a_label_printed_onto_the_next_names_the_next() {
        let vocabulary = Vocabulary::new(Catalog::builtin());
        let stacked = "情報セキュリティに関する基本方針・規程・マニュアル等の状況と\
                       情報セキュリティに係る規程等に関する情報提供の可否と、可能な";
        assert_eq!(vocabulary.label_index(&fold(stacked), 29), Some(2));
        assert_eq!(
            vocabulary.label_index(
                &fold("情報セキュリティに関する基本方針・規程・マニュアル等の状況と文書名"),
                29
            ),
            Some(1)
        );
    }

    #[test]
    fn titles_labels_and_sections() {
        let vocabulary = Vocabulary::new(Catalog::builtin());
        assert!(vocabulary.title_reaches(&fold("事業者名"), 2, 1.0));
        assert!(vocabulary.title_reaches(&fold("(1) 開示情報の日付"), 1, 1.0));
        assert!(!vocabulary.title_reaches(&fold("時刻同期"), 78, 0.3));
        assert_eq!(
            vocabulary.label_index(&fold("事業者の資本金（単独ベース）（単位：千円）"), 11),
            Some(1)
        );
        // The section written before the title, whose words name another item.
        let edge = fold("サービス窓口（苦情受付、問い合わせ）　営業日・時間");
        assert!(vocabulary.title_reaches(&edge, 128, 0.9));
        assert!(!vocabulary.title_reaches(&edge, 128, 0.91));
        assert_eq!(vocabulary.item_named_by(&fold("時刻同期")), Some(96));
        // A title several items share names the first of them still to come.
        assert_eq!(
            vocabulary.item_titled_among(&fold("その他サービス"), 47..134),
            Some(47)
        );
        assert_eq!(
            vocabulary.item_titled_among(&fold("その他サービス"), 53..134),
            Some(57)
        );
        assert_eq!(
            vocabulary.item_titled_among(&fold("機器"), 63..134),
            Some(69)
        );
        // Cut short, it must name one item only.
        assert_eq!(
            vocabulary.item_titled_among(&fold("情報セキュリティに関する"), 1..134),
            None
        );
        for title in [
            "IoTクラウドサービス（IaaS・PaaS）情報開示認定　申請書（ハウジング）",
            "ＩｏＴクラウドサービス（ＩａａＳ・ＰａａＳ）情報開示認定 申請内容",
        ] {
            assert!(is_form_title(&fold(title)), "{title}");
        }
        for answer in [
            "ASP・SaaS情報開示認定（認定番号0123）取得済み",
            "ASP・SaaS情報開示認定",
        ] {
            assert!(!is_form_title(&fold(answer)), "{answer}");
        }
        assert_eq!(
            vocabulary.item_named_by(&fold("その他サービス")),
            None,
            "four items share it"
        );
        assert_eq!(
            vocabulary.label_index(&fold("【記述内容２】法人番号"), 2),
            Some(2)
        );
        assert_eq!(vocabulary.label_index(&fold("法人番号"), 2), Some(2));
        assert_eq!(
            vocabulary.label_index(&fold("情報セキュリティに関する組織体制の有無"), 22),
            Some(2)
        );
        assert!(vocabulary.is_section(&fold("２．２ 事業所・事業")));
        assert!(vocabulary.is_section(&fold("（１）事業所等の概要")));
        assert!(!vocabulary.is_section(&fold("事業者名")));
        assert!(vocabulary.is_section(&fold("３．「サービス」に関わる項目")));
        assert!(vocabulary.is_section(&fold("第3章 「サービス」に関わる項目")));
        assert!(vocabulary.is_section(&fold("第二章　「事業者」に関わる項目")));
        assert!(!vocabulary.is_section(&fold("第3条「サービス」に関わる項目")));
    }

    #[test]
    fn requirement_flags() {
        for flag in [
            "必須",
            "選択",
            "（必須）",
            "選択開示項目",
            "必須項目",
            "任意",
            "必須開示",
            "【選択開示】",
        ] {
            assert!(is_flag(&fold(flag)), "{flag}");
        }
        for answer in ["有り", "必須ではない", "選択制（有償）", "①", "開示"] {
            assert!(!is_flag(&fold(answer)), "{answer}");
        }
    }

    #[test]
    fn remark_rows() {
        for mark in ["備考", "【備考】", "補足：", "特記事項", "添付資料"] {
            assert!(is_remark_mark(&fold(mark)), "{mark}");
        }
        for label in ["備考欄の記載内容を確認", "事業者の資本金", "添付資料の有無"]
        {
            assert!(!is_remark_mark(&fold(label)), "{label}");
        }
    }
}
