//! Locating answers in row-shaped regions: worksheets, Word tables, PDF rows.
//!
//! A region is read in four passes:
//! 1. header rows (通番 | 審査対象項目 | 記述内容 | 申請内容 | 添付書類) give column roles
//!    where a form has them;
//! 2. item-number cues are collected per cell; strong ones (「（2：必須開示項目）」, No.2)
//!    count anywhere, bare numbers only in the column that holds item numbers (from the
//!    header, or the column whose numbers rise down the sheet), and a number whose
//!    title names another item is read as that item;
//! 3. the answer column is the header's, or the column that holds most of what is
//!    neither a number, a title nor a label inside the items;
//! 4. each item's rows are split into fields by 【記述内容N】 markers, by the catalog's
//!    labels, or by order, and answer cells that continue on unlabelled rows are joined.

use super::assemble::ItemAnswers;
use super::cues::{self, FieldMarker, ItemCue, Strength};
use super::matching::{
    Vocabulary, is_example_mark, is_flag, is_form_note, is_form_title, is_form_word, is_note,
    is_remark_mark, is_strong_cue,
};
use super::weights::{
    CUE_REST_NAMES_ITEM, RENEWAL_HEADING, TITLE_AT_EDGE, TITLE_NAMES_ITEM, TITLE_ONLY_CONFIDENCE,
};
use super::{Collector, OpenItem};
use crate::catalog::Catalog;
use crate::model::{Block, Location, Region, Row};
use crate::text::{fold, is_dash};
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Number,
    Title,
    Label,
    Answer,
    /// A header word that names the answer column only when no other column does.
    WeakAnswer,
    /// 添付資料, 備考, a renewal's previous answers: beside the answer, never it.
    Attachment,
    /// 「内容（有りの場合）」: the answer's detail, written beside the answer proper (a
    /// ticked box, 有／無) and read as its next line.
    Detail,
    /// 必須／選択: what the guide asks, never an answer.
    Flag,
    /// 大項目, 中項目: the guide's section headings.
    Section,
}

/// The longest heading of a number column (「項目番号」「整理番号」「通し番号」).
const NUMBER_HEADING: usize = 5;

/// The role a header cell gives its column. Header cells are short words; a cell that
/// says more (「役員（7：選択開示項目）」, 「記述内容：役員数」) is content, not a header.
/// The words that head an answer column.
const ANSWER_HEADINGS: &[&str] = &[
    "申請内容",
    "回答",
    "記入欄",
    "記述欄",
    "記載欄",
    "記載内容",
    "申請者記入",
    "記入内容",
    "入力欄",
];

/// Words that make a short cell the heading of a column beside the answers
/// (attachments, remarks), wherever they stand in it.
const ATTACHMENT_HEADINGS: &[&str] = &[
    "添付",
    "備考",
    "参考資料",
    "参照資料",
    "証跡",
    "エビデンス",
    "コメント",
];

/// Words that make a short cell the heading of the titles' column.
const TITLE_HEADINGS: &[&str] = &[
    "審査対象項目",
    "項目名",
    "開示項目",
    "審査項目",
    "小項目",
    "確認項目",
];

/// Which of the header word lists a cell has a word of: one automaton over all of
/// them, built once, where each cell tested as a header searched for each word.
#[derive(Default)]
struct HeaderWords {
    attachment: bool,
    answer: bool,
    title: bool,
}

impl HeaderWords {
    fn in_text(words: &str) -> HeaderWords {
        static AUTOMATON: std::sync::LazyLock<aho_corasick::AhoCorasick> =
            std::sync::LazyLock::new(|| {
                let words = [ATTACHMENT_HEADINGS, ANSWER_HEADINGS, TITLE_HEADINGS].concat();
                aho_corasick::AhoCorasick::new(words).expect("the header words make an automaton")
            });
        // The patterns are the three lists one after another.
        let answers_from = ATTACHMENT_HEADINGS.len();
        let titles_from = answers_from + ANSWER_HEADINGS.len();
        let mut found = HeaderWords::default();
        for hit in AUTOMATON.find_overlapping_iter(words) {
            match hit.pattern().as_usize() {
                i if i < answers_from => found.attachment = true,
                i if i < titles_from => found.answer = true,
                _ => found.title = true,
            }
        }
        found
    }
}

fn header_role(folded: &str) -> Option<Role> {
    // 「【記述内容】」 is the guide's field marker on a body row; a header says 記述内容.
    if cues::opens_with_marker(folded) {
        return None;
    }
    let words =
        folded.trim_matches(|c: char| matches!(c, '【' | '】' | '[' | ']' | '(' | ')' | '*' | '※'));
    // 「1センター」 is a column of answers, not item 1.
    if is_centre_heading(words) {
        return Some(Role::Answer);
    }
    // A renewal applicant's last answers beside this time's (「前回（2023年3月申請）」 |
    // 「今回（2025年1月申請）」): only this time's are answers.
    // Counted no further than needed: most cells are answers far longer.
    if words.chars().nth(RENEWAL_HEADING).is_none() {
        // 「2025年申請（今回）」 names this time in its bracket.
        if words.contains("今回") || words.starts_with("変更後") {
            return Some(Role::Answer);
        }
        if words.contains("前回") || words.starts_with("変更前") {
            return Some(Role::Attachment);
        }
    }
    // A heading is a noun phrase; a short answer is a clause (「SLAを契約書に添付」
    // beside its caption 「内容」 is no header of 内容 | 添付).
    if words.chars().nth(10).is_some() || cues::item_cue(words).is_some() || words.contains('を') {
        return None;
    }
    if words.contains("場合") && (words.contains("内容") || words.contains("詳細")) {
        return Some(Role::Detail);
    }
    let contained = HeaderWords::in_text(words);
    if is_flag(words) {
        Some(Role::Flag)
    } else if contained.attachment
        || matches!(
            words,
            "判定" | "評価" | "確認結果" | "事務局確認" | "事務局確認欄"
        )
    {
        // Beside the answers, never them: attachments, remarks, a reviewer's verdict.
        Some(Role::Attachment)
    } else if matches!(
        words,
        "記述内容"
            | "記述内容(記入事項)"
            | "記入事項"
            | "記載事項"
            | "質問"
            | "設問"
            | "質問事項"
    ) {
        Some(Role::Label)
    } else if contained.answer {
        Some(Role::Answer)
    } else if matches!(words, "開示内容" | "情報開示内容" | "開示情報" | "内容") {
        // The guide's own words for what is to be disclosed (the published table's
        // 情報開示内容): an answer column in some forms, the label column in others.
        // Used only where nothing says 回答.
        Some(Role::WeakAnswer)
    } else if matches!(
        words,
        "大項目" | "中項目" | "区分" | "分類" | "カテゴリ" | "カテゴリー" | "章" | "節"
    ) {
        // Section columns: they hold the guide's headings, never a label or an answer.
        Some(Role::Section)
    } else if contained.title || words == "項目" {
        Some(Role::Title)
    } else if matches!(words, "no" | "no." | "#" | "通番" | "連番")
        || words.starts_with("通番")
        // 「項目番号」, 「通し番号」: a number's name, not a detail ending so
        // (「ICカード＋暗証番号」 beside its caption 「内容」).
        || words.chars().count() <= NUMBER_HEADING && (words.ends_with("番号") || words.ends_with("項番"))
    {
        Some(Role::Number)
    } else {
        None
    }
}

/// Column roles of a header row: at least two roles, one of them for the content, and
/// nearly every cell of the row a header word. A row opening an item by its number and
/// title (「(93) 使用データセンター | 2拠点 | 記述内容」) is a body row, whatever words
/// its answer has.
pub(super) fn header_roles(folded_row: &[(u32, String)]) -> Option<BTreeMap<u32, Role>> {
    // Most rows are body rows, two of whose first cells are no header word and no
    // renewal's year heading either: read no further (a row is read this way by each
    // reader that looks for headers).
    let mut cell_roles: Vec<Option<Role>> = Vec::with_capacity(folded_row.len());
    let mut unheaded = 0;
    for (_, text) in folded_row {
        let role = header_role(text);
        if role.is_none() && !may_name_renewal_year(text) {
            unheaded += 1;
            if unheaded == 2 {
                return None;
            }
        }
        cell_roles.push(role);
    }
    renewal_years(folded_row, &mut cell_roles);
    let mut unheaded = folded_row
        .iter()
        .zip(&cell_roles)
        .filter(|(_, role)| role.is_none())
        .map(|((_, text), _)| text);
    // Every cell but one a header word; the one left no item's number and title.
    match (unheaded.next(), unheaded.next()) {
        (_, Some(_)) => return None,
        (Some(text), None) if cues::item_cue(text).is_some_and(|cue| !cue.rest.is_empty()) => {
            return None;
        }
        _ => {}
    }
    let mut roles: BTreeMap<u32, Role> = folded_row
        .iter()
        .zip(cell_roles)
        .filter_map(|((col, _), role)| Some((*col, role?)))
        .collect();
    let has_answer = roles.values().any(|r| *r == Role::Answer);
    let weak_answers = roles.values().filter(|r| **r == Role::WeakAnswer).count();
    for role in roles.values_mut().filter(|r| **r == Role::WeakAnswer) {
        // Beside a real answer column the weak word is a label; alone it is the answer.
        *role = if has_answer {
            Role::Label
        } else {
            Role::Answer
        };
    }
    // Two title words and no label's (「審査対象項目 | … | 開示項目」): the item's title
    // comes first, the field's label after it. Not entries printed side by side, whose
    // header repeats its words (「通番 | 項目 | 回答 | 通番 | 項目 | 回答」).
    let first_title = roles
        .iter()
        .find(|(_, role)| **role == Role::Title)
        .map(|(column, _)| *column);
    let count = |wanted: Role| roles.values().filter(|role| **role == wanted).count();
    let side_by_side = count(Role::Answer) > 1 || count(Role::Number) > 1;
    if !side_by_side && count(Role::Label) == 0 {
        for (column, role) in roles.iter_mut() {
            if *role == Role::Title && Some(*column) != first_title {
                *role = Role::Label;
            }
        }
    }
    if weak_answers > 1 && !has_answer {
        // Several weak words: the content decides which column holds the answers.
        roles.retain(|_, role| *role != Role::Answer);
    }
    let distinct = |role| roles.values().any(|r| *r == role);
    let content = distinct(Role::Answer) || distinct(Role::Label) || distinct(Role::Title);
    let kinds = [
        Role::Number,
        Role::Title,
        Role::Label,
        Role::Answer,
        Role::Attachment,
    ]
    .into_iter()
    .filter(|r| distinct(*r))
    .count();
    (kinds >= 2 && content).then_some(roles)
}

/// A renewal's columns headed by the year of each application (「2023年申請時」 |
/// 「2025年申請」): where nothing says 今回, the latest year's holds the answers; the
/// others hold the answers of the applications before.
fn renewal_years(folded_row: &[(u32, String)], roles: &mut [Option<Role>]) {
    let answered = roles.contains(&Some(Role::Answer));
    let years: Vec<(usize, u32)> = folded_row
        .iter()
        .enumerate()
        .filter(|(i, (_, text))| roles[*i].is_none() && may_name_renewal_year(text))
        .filter_map(|(i, (_, text))| Some((i, year_in(text)?)))
        .collect();
    let Some(latest) = years.iter().map(|(_, year)| *year).max() else {
        return;
    };
    if years.len() < 2 && !answered {
        return;
    }
    for (i, year) in years {
        roles[i] = Some(if year == latest && !answered {
            Role::Answer
        } else {
            Role::Attachment
        });
    }
}

/// A cell [`renewal_years`] may read as a year's heading: short, with 申請 in it.
fn may_name_renewal_year(text: &str) -> bool {
    text.chars().nth(RENEWAL_HEADING).is_none() && text.contains("申請")
}

/// The first four-digit year (1900–2099) a text names.
fn year_in(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|at| {
        let digits = bytes.get(at..at + 4)?;
        let before = at.checked_sub(1).and_then(|b| bytes.get(b));
        let after = bytes.get(at + 4);
        let standalone =
            !before.is_some_and(u8::is_ascii_digit) && !after.is_some_and(u8::is_ascii_digit);
        if !standalone || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let year: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        (1900..2100).contains(&year).then_some(year)
    })
}

struct Cell<'a> {
    block: &'a Block,
    folded: &'a str,
}

/// An item's first row, as decided by pass 2.
struct ItemStart {
    row: usize,
    /// The last row that repeats the item's number (a merged cell printed again on the
    /// next page).
    through: usize,
    number: u32,
    /// The column of the cell that carried the number.
    cue_column: u32,
    confidence: f64,
}

/// A region's header rows and the column roles in force below them.
pub(super) struct Headers {
    /// The roles in force at each row: none on a header row or above the first.
    pub(super) at: Vec<Option<BTreeMap<u32, Role>>>,
    pub(super) is_header: Vec<bool>,
    /// The region's tables: where each starts (the first at row 0), with the roles its
    /// header gives (none where no header has been read). A header that gives the
    /// columns other roles than the one before starts a table (sheets laid out apart,
    /// printed one after another into one PDF: 「記入欄」 the sixth column on one page,
    /// the seventh on the next); a header repeated on every page starts none.
    pub(super) tables: Vec<(usize, BTreeMap<u32, Role>)>,
}

/// Finds the header rows of a region: consecutive header rows combine their roles; a
/// header further down replaces the one before.
pub(super) fn headers(folded: &[FoldedRow]) -> Headers {
    let mut at: Vec<Option<BTreeMap<u32, Role>>> = Vec::with_capacity(folded.len());
    let mut is_header: Vec<bool> = Vec::with_capacity(folded.len());
    let mut tables: Vec<(usize, BTreeMap<u32, Role>)> = vec![(0, BTreeMap::new())];
    // A header block read whole (its first row, its roles): a table of its own where
    // its roles are new.
    let mut close_block = |start: usize, roles: &BTreeMap<u32, Role>| {
        let Some((_, table_roles)) = tables.last_mut() else {
            return;
        };
        if table_roles.is_empty() {
            *table_roles = roles.clone();
        } else if table_roles != roles {
            tables.push((start, roles.clone()));
        }
    };
    let mut current: Option<BTreeMap<u32, Role>> = None;
    let mut block_start: Option<usize> = None;
    for (r, folded) in folded.iter().enumerate() {
        match header_roles(folded) {
            Some(roles) => {
                let mut combined = if block_start.is_some() {
                    current.take().unwrap_or_default()
                } else {
                    block_start = Some(r);
                    BTreeMap::new()
                };
                combined.extend(roles);
                current = Some(combined);
                at.push(None);
                is_header.push(true);
            }
            None => {
                if let (Some(start), Some(roles)) = (block_start.take(), &current) {
                    close_block(start, roles);
                }
                at.push(current.clone());
                is_header.push(false);
            }
        }
    }
    if let (Some(start), Some(roles)) = (block_start, &current) {
        close_block(start, roles);
    }
    Headers {
        at,
        is_header,
        tables,
    }
}

/// Reads a region laid out in columns; `folded` is its rows folded (`fold_rows`).
pub(super) fn locate_region(
    region: &Region,
    folded: &[FoldedRow],
    vocabulary: &Vocabulary,
    inherited: Option<OpenItem>,
    collector: &mut Collector,
) {
    let catalog = vocabulary.catalog;
    let rows: Vec<Vec<Cell>> = region
        .rows
        .iter()
        .zip(folded)
        .map(|(row, folded)| {
            row.blocks
                .iter()
                .zip(folded)
                .map(|(block, (_, folded))| Cell { folded, block })
                .collect()
        })
        .collect();

    // Pass 1: the header in effect at each row.
    let Headers {
        at: header_at,
        is_header,
        tables,
    } = headers(folded);
    // The header's own words, wherever one is printed again (atop a PDF page, merged
    // with the cells continued there, so the row reads as no header) are no answers.
    let header_words: HashSet<&str> = folded
        .iter()
        .zip(&is_header)
        .filter(|(_, header)| **header)
        .flat_map(|(row, _)| row.iter().map(|(_, text)| text.as_str()))
        .collect();
    let role_of = |row: usize, column: u32| {
        header_at[row]
            .as_ref()
            .and_then(|roles| roles.get(&column).copied())
    };
    let column_with = |row: usize, role: Role| {
        header_at[row]
            .as_ref()
            .and_then(|roles| roles.iter().find(|(_, r)| **r == role).map(|(c, _)| *c))
    };
    // The answer column reaches as far as its heading above `row`: a table nested in an
    // answer cell has its cells there, in columns of their own.
    // Where no heading says (a form drawn on narrow cells), as far as the widest cell
    // merged from the answer column.
    let widest = Reaches::of(
        rows.iter()
            .flatten()
            .map(|c| (c.block.column, c.block.column_span)),
    );
    let answer_end = |row: usize, answer_column: u32| {
        (0..row)
            .rev()
            .filter(|&r| is_header[r])
            .find_map(|r| rows[r].iter().find(|c| c.block.column == answer_column))
            .map_or_else(
                || widest.of_column(answer_column),
                |c| answer_column + c.block.column_span.max(1),
            )
    };

    // Pass 2: item-number cues.
    struct Candidate {
        row: usize,
        column: u32,
        cue: ItemCue,
        confirmed: bool,
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        if is_header[r] {
            continue;
        }
        for (i, cell) in row.iter().enumerate() {
            if role_of(r, cell.block.column) == Some(Role::Answer) {
                continue;
            }
            let Some(cue) = cues::item_cue(cell.folded) else {
                continue;
            };
            let Some(item) = catalog.item(cue.number) else {
                continue;
            };
            let confirmed = (!cue.rest.is_empty()
                && vocabulary.title_reaches(&cue.rest, item.number, CUE_REST_NAMES_ITEM))
                || row.iter().enumerate().any(|(j, other)| {
                    j != i && vocabulary.title_reaches(other.folded, item.number, TITLE_NAMES_ITEM)
                });
            // 「(2) 所属団体」 is a section heading, not item 2, unless item 2 is meant.
            if !confirmed && vocabulary.is_section(cell.folded) {
                continue;
            }
            candidates.push(Candidate {
                row: r,
                column: cell.block.column,
                cue,
                confirmed,
            });
        }
    }
    let inferred_number_column =
        rising_number_column(candidates.iter().map(|c| (c.row, c.column, c.cue.number)));
    let accepts = |c: &Candidate| {
        if c.cue.strength == Strength::Strong || c.confirmed {
            return true;
        }
        match column_with(c.row, Role::Number) {
            Some(column) => {
                column == c.column
                    || (role_of(c.row, c.column) == Some(Role::Title) && !c.cue.rest.is_empty())
            }
            None => inferred_number_column == Some(c.column),
        }
    };
    let mut starts: Vec<ItemStart> = Vec::new();
    let mut best_per_row: BTreeMap<usize, &Candidate> = BTreeMap::new();
    for candidate in candidates.iter().filter(|c| accepts(c)) {
        let rank = |c: &Candidate| {
            (
                c.cue.strength == Strength::Strong || c.confirmed,
                std::cmp::Reverse(c.column),
            )
        };
        best_per_row
            .entry(candidate.row)
            .and_modify(|best| {
                if rank(candidate) > rank(best) {
                    *best = candidate;
                }
            })
            .or_insert(candidate);
    }
    let mut chosen: Vec<&Candidate> = best_per_row.into_values().collect();
    chosen.sort_by_key(|c| c.row);
    for candidate in chosen {
        let row = &rows[candidate.row];
        // The answer's cells (a table nested in it heads its columns 「所在地」) say
        // nothing of the item's title.
        let answer = column_with(candidate.row, Role::Answer)
            .map(|column| column..answer_end(candidate.row, column));
        let title = vocabulary.check_title(
            &candidate.cue,
            row.iter()
                .filter(|c| !answer.as_ref().is_some_and(|a| a.contains(&c.block.column)))
                .map(|c| c.folded),
        );
        let at = row
            .iter()
            .find(|c| c.block.column == candidate.column)
            .map(|c| &c.block.at);
        let (number, confidence) = collector.item_number(&candidate.cue, title, at);
        // A number repeated on every row of an item continues the item; but a section
        // heading that names the item (「(1) 開示情報の日付」) yields to the item's own row.
        if let Some(last) = starts.last_mut()
            && last.number == number
        {
            if is_heading_row(&rows[last.row], vocabulary) {
                last.row = candidate.row;
                last.cue_column = candidate.column;
            }
            last.through = candidate.row;
            continue;
        }
        starts.push(ItemStart {
            row: candidate.row,
            through: candidate.row,
            number,
            cue_column: candidate.column,
            confidence,
        });
    }
    // Rows before the first number of their own answer the item whose heading the
    // region before ended on (a heading paragraph above its table), or the item it
    // ended in, where the first of them names a later field of it (the rest of an
    // item cut at the end of a sheet, atop the next).
    let first_body = (0..rows.len()).find(|&r| !is_header[r] && !rows[r].is_empty());
    let goes_on = |open: &OpenItem, first: usize| {
        (!open.answered && !open.in_table)
            || rows[first].iter().any(|c| {
                vocabulary
                    .label_index(c.folded, open.number)
                    .is_some_and(|index| index > open.highest)
            })
    };
    if let (Some(open), Some(first)) = (inherited, first_body)
        && starts.first().is_none_or(|s| s.row > first)
        && catalog.item(open.number).is_some()
        && goes_on(&open, first)
    {
        // An item a table left open was counted where its heading stands.
        if !open.in_table {
            collector.inherit(&open);
        }
        starts.insert(
            0,
            ItemStart {
                row: first,
                through: first,
                number: open.number,
                cue_column: NO_CUE_COLUMN,
                confidence: open.confidence,
            },
        );
    }
    if starts.is_empty() {
        return;
    }
    let starts = with_titled_starts(&rows, starts, &is_header, vocabulary, collector);

    // Pass 3: the answer column, where no header names it: in each table apart
    // (tables sized to their content put it in another column each), else over the
    // region. Each item's rows are counted once, for its table; the region's counts
    // are the tables' summed.
    let table_of = |row: usize| tables.partition_point(|(start, _)| *start <= row);
    let mut answer_by_table: Vec<Option<u32>> = Vec::with_capacity(starts.len());
    let mut region_counts: BTreeMap<u32, usize> = BTreeMap::new();
    for table in starts.chunk_by(|a, b| table_of(a.row) == table_of(b.row)) {
        let first = answer_by_table.len();
        let end = starts
            .get(first + table.len())
            .map_or(rows.len(), |next| next.row);
        let counts = answer_cell_counts(&rows, table, end, vocabulary, &role_of);
        answer_by_table.extend(std::iter::repeat_n(most_answered(&counts), table.len()));
        for (column, count) in counts {
            *region_counts.entry(column).or_default() += count;
        }
    }
    let inferred_answer_column = most_answered(&region_counts);

    // Sheets exported to PDF without rules print a cell merged down an item's rows
    // (its number, its title) at the bottom of the merge, and a cell of several lines
    // upwards from its row's baseline: an item's labels and answers then come above
    // its number.
    let bottom_aligned = prints_bottom_aligned(&rows, &starts, &is_header, vocabulary);

    // Pass 4: each item's answer column and rows: from its number down to the next
    // item's, or, printed bottom-aligned, up from its number to the previous item's,
    // its table's header (what is printed above it, a sheet's cover lines, answers
    // nothing) or a heading.
    // The last header row at or above each row (a sheet's header, printed again for
    // each sheet of one table).
    let header_above: Vec<Option<usize>> = is_header
        .iter()
        .enumerate()
        .scan(None, |last, (r, header)| {
            if *header {
                *last = Some(r);
            }
            Some(*last)
        })
        .collect();
    let answer_columns: Vec<Option<u32>> = starts
        .iter()
        .enumerate()
        .map(|(k, start)| {
            column_with(start.row, Role::Answer)
                .or(answer_by_table[k])
                .or(inferred_answer_column)
        })
        .collect();
    let mut ranges: Vec<std::ops::Range<usize>> = starts
        .iter()
        .enumerate()
        .map(|(k, start)| {
            if bottom_aligned {
                let previous = if k == 0 { 0 } else { starts[k - 1].through + 1 };
                let floor = previous.max(header_above[start.row].map_or(0, |header| header + 1));
                let first = (floor..start.row)
                    .rev()
                    .find(|&r| is_heading_row(&rows[r], vocabulary))
                    .map_or(floor, |heading| heading + 1);
                first..start.through + 1
            } else {
                start.row..starts.get(k + 1).map_or(rows.len(), |next| next.row)
            }
        })
        .collect();
    if bottom_aligned {
        for k in 1..starts.len() {
            // The part of the item before's row that a page break carried over (the
            // writer splits a tall row) comes first among this item's rows: it goes
            // back to the item it continues.
            while ranges[k - 1].end == ranges[k].start
                && ranges[k].start < starts[k].row
                && !is_header[ranges[k].start]
                && continues_item(
                    &rows[ranges[k - 1].end - 1],
                    &rows[ranges[k].start],
                    answer_columns[k - 1],
                    (starts[k - 1].number, starts[k].number),
                    vocabulary,
                )
            {
                ranges[k - 1].end += 1;
                ranges[k].start += 1;
            }
        }
    }

    // Pass 5: fields.
    for ((start, range), answer_column) in starts.iter().zip(ranges).zip(answer_columns) {
        let Some(answer_column) = answer_column else {
            continue;
        };
        let other_columns: Vec<u32> = header_at[start.row]
            .iter()
            .flat_map(|roles| roles.iter())
            .filter(|(_, role)| {
                matches!(
                    role,
                    Role::Number
                        | Role::Title
                        | Role::Attachment
                        | Role::Flag
                        | Role::Section
                        | Role::Detail
                )
            })
            .map(|(column, _)| *column)
            .collect();
        // A header repeated inside an item (on each page of a PDF, on each printed
        // page of a sheet) is neither a label nor an answer.
        let body: Vec<&[Cell]> = range
            .clone()
            .filter(|&r| !is_header[r])
            .map(|r| rows[r].as_slice())
            .collect();
        let layout = ItemLayout {
            cue_offset: (range.start..start.row).filter(|&r| !is_header[r]).count(),
            bottom_aligned,
        };
        let answer_end = answer_end(start.row, answer_column);
        let detail = column_with(start.row, Role::Detail);
        read_item_fields(
            &body,
            start,
            layout,
            ItemColumns {
                answer: answer_column,
                answer_end,
                detail,
                others: &other_columns,
                header_words: &header_words,
            },
            vocabulary,
            collector,
        );
    }
}

/// Whether `row`, first above item `numbers.1`'s number in a table printed
/// bottom-aligned, goes on from `last`, the last row of item `numbers.0`: its answer
/// cell answers the label `last`'s answer cell ended on (「【記述内容2】…の有無」 with
/// nothing after it), or opens with a label of that item and none of this one's.
fn continues_item(
    last: &[Cell],
    row: &[Cell],
    answer_column: Option<u32>,
    (before, this): (u32, u32),
    vocabulary: &Vocabulary,
) -> bool {
    let Some(column) = answer_column else {
        return false;
    };
    fn in_column<'c>(cells: &'c [Cell], column: u32) -> Option<&'c str> {
        let cell = cells.iter().find(|c| c.block.column == column)?;
        Some(cell.block.text.as_str())
    }
    let (Some(text), true) = (in_column(row, column), row.len() == 1) else {
        return false;
    };
    // By the label's words: its marker's number fits either item.
    let names = |label: &str, number: u32| {
        let folded = fold(label);
        vocabulary
            .label_index(cues::without_marker(&folded), number)
            .is_some()
    };
    let known = |body: &str| vocabulary.label_wording_at_start(body, before);
    if cues::opens_with_marker(text) {
        let Some(piece) = cues::marked_pieces(text, &known).into_iter().next() else {
            return false;
        };
        return match (names(piece.label, before), names(piece.label, this)) {
            // Items that share their labels (75 and 76, the IoT devices' 推奨機器): the
            // marker that goes on from the last one above (【記述内容３】 after 【記述内容２】).
            (true, true) => {
                let number = |label: &str| match cues::field_marker(&fold(label)) {
                    Some(FieldMarker::Numbered(n)) => Some(n),
                    _ => None,
                };
                let above = in_column(last, column)
                    .and_then(|above| cues::marked_pieces(above, &known).last().copied())
                    .and_then(|last_piece| number(last_piece.label));
                number(piece.label)
                    .zip(above)
                    .is_some_and(|(n, m)| n == m + 1)
            }
            (named_before, named_this) => named_before && !named_this,
        };
    }
    in_column(last, column).is_some_and(|above| {
        let pieces = cues::marked_pieces(above, &known);
        match pieces.last() {
            Some(piece) => piece.answer.is_empty(),
            // A bare label, which what follows answers.
            None => cues::opens_with_marker(above),
        }
    })
}

/// A region printed two (or more) entries to a row, its header repeated side by side
/// (通番 | 項目 | 回答 | 通番 | 項目 | 回答), unfolded into one entry a row.
///
/// The bands are read in the order their item numbers run: band by band where each
/// band's numbers follow the one before (the right half running on from the left),
/// otherwise row by row (consecutive entries paired across a row). Each band's
/// columns are renumbered from the first band's, so one header gives every band its
/// roles. `None` where the region has no repeated header.
pub(super) fn unfold_side_by_side(region: &Region, folded: &[FoldedRow]) -> Option<Region> {
    let (header_row, bands) = folded.iter().enumerate().find_map(|(r, row)| {
        let roles = header_roles(row)?;
        Some((r, repeated_bands(&roles)?))
    })?;
    let band_of = |column: u32| {
        bands
            .iter()
            .rposition(|&start| column >= start)
            .unwrap_or(0)
    };
    let band_rows = |row: &Row| -> Vec<Row> {
        let mut split = vec![Row::default(); bands.len()];
        for block in &row.blocks {
            let band = band_of(block.column);
            let mut block = block.clone();
            block.column = block.column - bands[band] + bands[0];
            split[band].blocks.push(block);
        }
        split
    };
    let body: Vec<Vec<Row>> = region.rows[header_row + 1..]
        .iter()
        .map(band_rows)
        .collect();
    // The item numbers of each band, top to bottom.
    let numbers: Vec<Vec<u32>> = (0..bands.len())
        .map(|band| {
            body.iter()
                .filter_map(|split| {
                    let first = split[band].blocks.first()?;
                    (first.column == bands[0])
                        .then(|| cues::item_cue(&fold(&first.text)).map(|cue| cue.number))?
                })
                .collect()
        })
        .collect();
    let band_major = numbers
        .windows(2)
        .all(|pair| match (pair[0].last(), pair[1].first()) {
            (Some(last), Some(first)) => last <= first,
            _ => true,
        });
    let mut rows: Vec<Row> = region.rows[..header_row].to_vec();
    rows.extend(band_rows(&region.rows[header_row]).into_iter().take(1));
    let mut push = |row: &Row| {
        if !row.blocks.is_empty() {
            rows.push(row.clone());
        }
    };
    if band_major {
        (0..bands.len()).for_each(|band| body.iter().for_each(|split| push(&split[band])));
    } else {
        body.iter().flatten().for_each(&mut push);
    }
    Some(Region {
        name: region.name.clone(),
        rows,
    })
}

/// The first column of each band of a header whose roles repeat left to right, at
/// least two roles a band.
fn repeated_bands(roles: &BTreeMap<u32, Role>) -> Option<Vec<u32>> {
    let mut columns: Vec<(u32, Role)> = roles.iter().map(|(c, r)| (*c, *r)).collect();
    columns.sort_unstable_by_key(|(c, _)| *c);
    let period = (2..=columns.len() / 2).find(|&period| {
        columns.len().is_multiple_of(period)
            && columns
                .iter()
                .zip(&columns[period..])
                .all(|(a, b)| a.1 == b.1)
    })?;
    Some(columns.iter().step_by(period).map(|(c, _)| *c).collect())
}

/// A region whose answers stand in several columns side by side, one for each data
/// centre (第1センター | 第2センター, or the centres' names), with each row's answers
/// joined, top to bottom in column order, into one answer in the first such column,
/// each line opening with its column's heading as written (「第1センター：①」), so that
/// every centre's answer keeps its centre's name. `None` where no header names parallel
/// answer columns.
pub(super) fn join_parallel_answers(region: &Region, folded: &[FoldedRow]) -> Option<Region> {
    let own_columns: Vec<Option<Vec<u32>>> = folded
        .iter()
        .map(|row| parallel_answer_columns(row))
        .collect();
    // Most regions have none: left as they are, not copied.
    if own_columns.iter().all(Option::is_none) {
        return None;
    }
    let mut parallel: Option<Vec<u32>> = None;
    // The headings of the parallel columns in force, by column.
    let mut names: Vec<(u32, &str)> = Vec::new();
    let rows = region
        .rows
        .iter()
        .zip(folded.iter().zip(own_columns))
        .map(|(row, (folded, own))| {
            let is_header = own.is_some() || header_roles(folded).is_some();
            if is_header {
                parallel = own;
                names = row
                    .blocks
                    .iter()
                    .filter(|b| parallel.as_ref().is_some_and(|c| c.contains(&b.column)))
                    .map(|b| (b.column, b.text.trim()))
                    .collect();
            }
            let Some(columns) = parallel.as_ref() else {
                return row.clone();
            };
            let named = |block: &Block| match names.iter().find(|(c, _)| *c == block.column) {
                Some((_, name)) if !name.is_empty() => format!("{name}：{}", block.text),
                _ => block.text.clone(),
            };
            let mut joined: Option<Block> = None;
            let mut blocks = Vec::with_capacity(row.blocks.len());
            for block in &row.blocks {
                if !columns.contains(&block.column) {
                    blocks.push(block.clone());
                    continue;
                }
                match joined.as_mut() {
                    // The header keeps the first centre's heading to name the column.
                    Some(_) if is_header => {}
                    Some(first) => {
                        first.text.push('\n');
                        first.text.push_str(&named(block));
                    }
                    None => {
                        let mut first = block.clone();
                        first.column = columns[0];
                        if !is_header {
                            first.text = named(block);
                        } else if header_role(&fold(&first.text)).is_none() {
                            // The centres' own names head no column the grid reader
                            // knows; the joined column is the answer column, and a
                            // header further down a run of pages must say so.
                            first.text = "回答".to_string();
                        }
                        joined = Some(first);
                    }
                }
            }
            blocks.extend(joined);
            blocks.sort_by_key(|b| b.column);
            Row { blocks }
        })
        .collect();
    Some(Region {
        name: region.name.clone(),
        rows,
    })
}

/// A form that gives each item one row and each of its fields a column of its own
/// (通番 | 審査対象項目 | 記述内容(1) | 記述内容(2) …), unfolded into the rows the grid
/// reader knows: one a field, its marker as the label beside its answer. A dash in a
/// column past the item's last field is the form's filler, not an answer. None when the
/// region has no such header.
pub(super) fn unfold_field_columns(
    region: &Region,
    folded: &[FoldedRow],
    catalog: &Catalog,
) -> Option<Region> {
    let fields_of = |row: &FoldedRow| -> Vec<(u32, u32)> {
        row.iter()
            .filter_map(|(column, text)| Some((*column, field_column_heading(text)?)))
            .collect()
    };
    let is_field_header = |fields: &[(u32, u32)]| {
        fields.len() >= 2 && fields.iter().any(|f| f.1 == 1) && fields.iter().any(|f| f.1 == 2)
    };
    let first = folded
        .iter()
        .position(|row| is_field_header(&fields_of(row)))?;
    let last_column = folded.iter().flatten().map(|(c, _)| *c).max().unwrap_or(0);
    let (label_column, answer_column) = (last_column + 1, last_column + 2);
    let mut fields: Vec<(u32, u32)> = Vec::new();
    let mut rows: Vec<Row> = region.rows[..first].to_vec();
    for (row, folded_row) in region.rows.iter().zip(folded).skip(first) {
        let own = fields_of(folded_row);
        let in_field = |column: u32| fields.iter().chain(&own).any(|(c, _)| *c == column);
        let (by_field, others): (Vec<&Block>, Vec<&Block>) =
            row.blocks.iter().partition(|b| in_field(b.column));
        let block = |text: &str, column: u32, at: &Location| Block {
            text: text.to_string(),
            column,
            column_span: 1,
            at: at.clone(),
        };
        if is_field_header(&own) {
            // The header, and the same header again atop a printed page.
            fields = own;
            let at = &by_field.first()?.at;
            let mut blocks: Vec<Block> = others.into_iter().cloned().collect();
            blocks.push(block("記述内容", label_column, at));
            blocks.push(block("回答", answer_column, at));
            rows.push(Row { blocks });
            continue;
        }
        let item_fields = folded_row
            .iter()
            .filter(|(column, _)| !in_field(*column))
            .find_map(|(_, text)| cues::item_cue(text))
            .and_then(|cue| catalog.item(cue.number))
            .map(|item| item.fields.len() as u32);
        let mut blocks: Vec<Block> = others.into_iter().cloned().collect();
        let mut answered: Vec<(u32, &Block)> = by_field
            .into_iter()
            .filter_map(|b| {
                let (_, index) = fields.iter().find(|(c, _)| *c == b.column)?;
                let mut text = b.text.trim().chars();
                let dash = text.next().is_some_and(is_dash) && text.next().is_none();
                let filler = dash && item_fields.is_some_and(|n| *index > n);
                (!b.text.trim().is_empty() && !filler).then_some((*index, b))
            })
            .collect();
        answered.sort_by_key(|(index, _)| *index);
        if answered.is_empty() {
            rows.push(Row { blocks });
            continue;
        }
        for (index, answer) in answered {
            blocks.push(block(
                &format!("【記述内容{index}】"),
                label_column,
                &answer.at,
            ));
            let mut answer = answer.clone();
            answer.column = answer_column;
            answer.column_span = 1;
            blocks.push(answer);
            rows.push(Row {
                blocks: std::mem::take(&mut blocks),
            });
        }
    }
    Some(Region {
        name: region.name.clone(),
        rows,
    })
}

/// The field a column heading names by its place: 「記述内容(2)」, 「記述内容２」, 「回答3」.
fn field_column_heading(folded: &str) -> Option<u32> {
    let rest = ["記述内容", "回答欄", "回答", "記入欄"]
        .iter()
        .find_map(|word| folded.strip_prefix(word))?;
    let digits =
        rest.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '【' | '】' | '.'));
    let index: u32 = digits.parse().ok()?;
    (1..=9).contains(&index).then_some(index)
}

/// A row's cells, folded, by column: what `header_roles` reads.
/// How far each column's widest cell reaches, indexed by column (a sheet has some
/// thousands at most): an answer column without a heading to say reaches as far as its
/// widest merged cell, and the pieces of an answer stand within it.
pub(super) struct Reaches(Vec<u32>);

impl Reaches {
    /// Of cells given as (column, span).
    pub(super) fn of(cells: impl IntoIterator<Item = (u32, u32)>) -> Reaches {
        let mut ends: Vec<u32> = Vec::new();
        for (column, span) in cells {
            let at = column as usize;
            if ends.len() <= at {
                ends.resize(at + 1, 0);
            }
            ends[at] = ends[at].max(column + span.max(1));
        }
        Reaches(ends)
    }

    /// The first column past `column`'s widest cell; the next one where it has none.
    pub(super) fn of_column(&self, column: u32) -> u32 {
        self.0
            .get(column as usize)
            .copied()
            .filter(|&end| end > column)
            .unwrap_or(column + 1)
    }
}

/// The pieces of one answer written in a row of cells (text, column, span): a form
/// drawn on a grid of narrow cells gives each its own (「2020」「年」「4」「月」, 「○」「有」
/// … 「無」, one digit a cell). A piece of one character joins the one it touches
/// (a unit, a digit, a mark); pieces apart, or both longer (a table nested in the
/// answer cell: 「2024年12月期 | 921,239,000円」), are set apart by a full-width space.
pub(super) fn joined_pieces<'t>(pieces: impl IntoIterator<Item = (&'t str, u32, u32)>) -> String {
    let mut text = String::new();
    let mut last: Option<(u32, bool)> = None;
    for (piece, column, span) in pieces {
        let piece = piece.trim();
        let single = piece.chars().nth(1).is_none();
        if let Some((end, last_single)) = last
            && (end < column || !(single || last_single))
        {
            text.push('\u{3000}');
        }
        text.push_str(piece);
        last = Some((column + span.max(1), single));
    }
    text
}

/// [`joined_pieces`] of a row's cells.
fn joined_cells(cells: &[&Cell]) -> String {
    joined_pieces(
        cells
            .iter()
            .map(|c| (c.block.text.as_str(), c.block.column, c.block.column_span)),
    )
}

pub(super) type FoldedRow = Vec<(u32, String)>;

/// A region's rows folded, once for the readers that look for header rows in it.
pub(super) fn fold_rows(region: &Region) -> Vec<FoldedRow> {
    region.rows.iter().map(folded_row).collect()
}

fn folded_row(row: &Row) -> FoldedRow {
    row.blocks
        .iter()
        .map(|b| (b.column, fold(&b.text)))
        .collect()
}

/// The answer columns of a header that gives each data centre its own: two or more
/// centre headings (第1センター, 2センター, センターA), or, beside a number and a title
/// or label and no answer column, two or more trailing words that are no header
/// (the centres' names).
fn parallel_answer_columns(folded_row: &[(u32, String)]) -> Option<Vec<u32>> {
    let centres: Vec<u32> = folded_row
        .iter()
        .filter(|(_, text)| is_centre_heading(text))
        .map(|(c, _)| *c)
        .collect();
    // Beside header words only: 「93 使用データセンター | … | 2センター | 2センター」 is
    // a renewal's answers, last time's and this time's.
    let beside_headers = || {
        folded_row
            .iter()
            .filter(|(c, _)| !centres.contains(c))
            .all(|(_, text)| header_role(text).is_some())
    };
    if centres.len() >= 2 && beside_headers() {
        return Some(centres);
    }
    // The header words the row opens with; a body row opens with none.
    let leading: Vec<Role> = folded_row
        .iter()
        .map_while(|(_, t)| header_role(t))
        .collect();
    let named = |role| leading.contains(&role);
    if !named(Role::Number)
        || !(named(Role::Title) || named(Role::Label))
        || named(Role::Answer)
        || named(Role::WeakAnswer)
    {
        return None;
    }
    let trailing = &folded_row[leading.len()..];
    let is_name = |text: &str| text.chars().count() <= 20 && cues::item_cue(text).is_none();
    (trailing.len() >= 2
        && trailing
            .iter()
            .all(|(_, text)| is_name(text) && header_role(text).is_none()))
    .then(|| trailing.iter().map(|(c, _)| *c).collect())
}

/// 「第1センター」「2センター」「センターA」「DC1」: a column heading naming one data
/// centre by its place in the list.
pub(super) fn is_centre_heading(folded: &str) -> bool {
    let ordinal = |s: &str| {
        let s = s.trim_start_matches('第');
        !s.is_empty() && s.chars().count() <= 2 && s.chars().all(|c| c.is_ascii_alphanumeric())
    };
    ["センター", "dc", "拠点"].iter().any(|word| {
        folded.strip_suffix(word).is_some_and(ordinal)
            || folded.strip_prefix(word).is_some_and(ordinal)
    })
}

/// Adds the items known only by their title: a long title, clipped by the cell beside
/// it, can lose the number written after it (「情報セキュリティに関する組織体制の状況（」).
/// A row between two items, whose cell in a column that carries item numbers names
/// an item between theirs, starts that item.
fn with_titled_starts(
    rows: &[Vec<Cell>],
    starts: Vec<ItemStart>,
    is_header: &[bool],
    vocabulary: &Vocabulary,
    collector: &mut Collector,
) -> Vec<ItemStart> {
    let last_item = vocabulary
        .catalog
        .items
        .iter()
        .map(|i| i.number)
        .max()
        .unwrap_or(0);
    let mut cue_columns: Vec<u32> = starts
        .iter()
        .map(|s| s.cue_column)
        .filter(|&c| c != NO_CUE_COLUMN)
        .collect();
    cue_columns.sort_unstable();
    cue_columns.dedup();
    let mut out: Vec<ItemStart> = Vec::with_capacity(starts.len());
    let mut starts = starts.into_iter().peekable();
    while let Some(start) = starts.next() {
        let (end_row, next_number) = starts
            .peek()
            .map_or((rows.len(), last_item + 1), |next| (next.row, next.number));
        let mut current = start.number;
        // The field of `current` a row last named with its title (「機器（機器の主な機能）」):
        // an item of several fields may write its title on each of its rows, and a later
        // field of it so written is no start of a namesake item after it (items 62, 69).
        let mut titled_field = 0;
        let from = start.row + 1;
        out.push(start);
        for r in from..end_row {
            if is_header[r] || current + 1 >= next_number {
                continue;
            }
            let in_cue_column = |c: &&Cell| cue_columns.binary_search(&c.block.column).is_ok();
            let continued = rows[r].iter().filter(in_cue_column).find_map(|c| {
                titled_with_label(c.folded, current..current + 1, vocabulary)
                    .filter(|&(_, index)| index > titled_field)
            });
            if let Some((_, index)) = continued {
                titled_field = index;
                continue;
            }
            let titled = rows[r].iter().filter(in_cue_column).find_map(|c| {
                let (number, index) = vocabulary
                    .item_titled_among(c.folded, current + 1..next_number)
                    .map(|number| (number, 0))
                    .or_else(|| {
                        titled_with_label(c.folded, current + 1..next_number, vocabulary)
                    })?;
                Some((number, index, c))
            });
            let Some((number, index, cell)) = titled else {
                continue;
            };
            titled_field = index;
            collector.place(number, Some(&cell.block.at));
            out.push(ItemStart {
                row: r,
                through: r,
                number,
                cue_column: cell.block.column,
                confidence: TITLE_ONLY_CONFIDENCE,
            });
            current = number;
        }
    }
    out
}

/// The item a cell names by its title with one of its field's labels after it
/// (「事業者名：法人番号」, 「代表者（代表者氏名）」, 「事業所／事業者の本店所在地」), among
/// `range`, and the field.
fn titled_with_label(
    folded: &str,
    range: std::ops::Range<u32>,
    vocabulary: &Vocabulary,
) -> Option<(u32, u32)> {
    // A title may hold brackets of its own (「PC等（操作端末）（利用するブラウザの種類）」):
    // each mark is tried as the one that ends it.
    // A mark past the longest title's length ends no title.
    folded
        .char_indices()
        .take_while(|(at, _)| *at <= vocabulary.longest_title())
        .filter(|(_, c)| matches!(c, ':' | '(' | '/'))
        .find_map(|(at, mark)| {
            let number = vocabulary.item_titled_among(&folded[..at], range.clone())?;
            let label = folded[at + mark.len_utf8()..].trim_end_matches(')');
            vocabulary
                .field_named(label, number)
                .map(|index| (number, index))
        })
}

/// The cue column of an item started by the region before: no cell carried its number.
const NO_CUE_COLUMN: u32 = u32::MAX;

/// A row of nothing but section headings and notes.
fn is_heading_row(row: &[Cell], vocabulary: &Vocabulary) -> bool {
    row.iter()
        .all(|c| vocabulary.is_section(c.folded) || is_note(c.folded))
        && row.iter().any(|c| vocabulary.is_section(c.folded))
}

/// Whether items are printed bottom-aligned: more items of several fields carry a
/// later field's label on their number's row (the number printed at the bottom of
/// its merge) than the first field's.
fn prints_bottom_aligned(
    rows: &[Vec<Cell>],
    starts: &[ItemStart],
    is_header: &[bool],
    vocabulary: &Vocabulary,
) -> bool {
    let (mut last_field, mut first_field) = (0usize, 0usize);
    for start in starts {
        let fields = vocabulary
            .catalog
            .item(start.number)
            .map_or(0, |item| item.fields.len() as u32);
        if fields < 2 || is_header[start.row] {
            continue;
        }
        let index = rows[start.row]
            .iter()
            .filter(|c| c.block.column != start.cue_column)
            .find_map(|c| vocabulary.label_index(c.folded, start.number));
        match index {
            Some(1) => first_field += 1,
            Some(_) => last_field += 1,
            None => {}
        }
    }
    last_field >= 2 && last_field > first_field
}

/// The column whose bare numbers rise down the region the longest (at least three):
/// the item-number column of a form with no header.
fn rising_number_column(cues: impl Iterator<Item = (usize, u32, u32)>) -> Option<u32> {
    let mut by_column: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (_, column, number) in cues {
        by_column.entry(column).or_default().push(number);
    }
    by_column
        .into_iter()
        .map(|(column, numbers)| (longest_rising_run(&numbers), column))
        .filter(|(length, _)| *length >= 3)
        .max_by_key(|(length, column)| (*length, std::cmp::Reverse(*column)))
        .map(|(_, column)| column)
}

/// The length of the longest strictly increasing subsequence.
fn longest_rising_run(numbers: &[u32]) -> usize {
    let mut tails: Vec<u32> = Vec::new();
    for &n in numbers {
        match tails.binary_search(&n) {
            Ok(_) => {}
            Err(position) if position == tails.len() => tails.push(n),
            Err(position) => tails[position] = n,
        }
    }
    tails.len()
}

/// How many cells of the items' rows each column has that may answer them, their
/// labels' and titles' and the header's other columns left out; the last item's rows
/// end at `end`.
fn answer_cell_counts(
    rows: &[Vec<Cell>],
    starts: &[ItemStart],
    end: usize,
    vocabulary: &Vocabulary,
    role_of: &dyn Fn(usize, u32) -> Option<Role>,
) -> BTreeMap<u32, usize> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for (k, start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(end, |next| next.row);
        let number = start.number;
        for (r, row) in rows.iter().enumerate().take(end).skip(start.row) {
            // The leftmost cell that reads as one of the item's labels: what is right of
            // it answers it, however much its words echo the label's (「Webメール、メー
            // リングリスト」 under 「Webメール、メーリングリスト等のサービス内容」).
            // The cell that carried the item number is no label; below it the same
            // column may hold the labels (an item's card: its number and title merged
            // across the top, its labels down the left).
            // Whether each cell reads as a label, asked once.
            let mut labels: Vec<Option<bool>> = vec![None; row.len()];
            let mut is_label = |i: usize, cell: &Cell| {
                *labels[i]
                    .get_or_insert_with(|| vocabulary.label_index(cell.folded, number).is_some())
            };
            let label_column = row
                .iter()
                .enumerate()
                .filter(|(_, c)| !(r == start.row && c.block.column == start.cue_column))
                .find(|(i, c)| cues::opens_with_marker(&c.block.text) || is_label(*i, c))
                .map(|(_, c)| c.block.column);
            for (i, cell) in row.iter().enumerate() {
                let column = cell.block.column;
                let answers_label = label_column.is_some_and(|l| column > l);
                let other_role = matches!(
                    role_of(r, column),
                    Some(
                        Role::Number
                            | Role::Title
                            | Role::Label
                            | Role::Attachment
                            | Role::Flag
                            | Role::Section
                    )
                );
                if column == start.cue_column
                    || other_role
                    || is_strong_cue(cell.folded)
                    || (!answers_label
                        && (vocabulary.title_reaches(cell.folded, number, TITLE_NAMES_ITEM)
                            || is_label(i, cell)))
                    || is_note(cell.folded)
                    || is_flag(cell.folded)
                    || vocabulary.is_section(cell.folded)
                {
                    continue;
                }
                *counts.entry(column).or_default() += 1;
            }
        }
    }
    counts
}

/// The column with the most cells that may answer, the leftmost of equals.
fn most_answered(counts: &BTreeMap<u32, usize>) -> Option<u32> {
    counts
        .iter()
        .max_by_key(|(column, count)| (**count, std::cmp::Reverse(**column)))
        .map(|(column, _)| *column)
}

/// Where an item's number row lies among its rows, and how its cells were printed.
#[derive(Clone, Copy)]
struct ItemLayout {
    /// The row (counted in the item's rows) that carries the item number.
    cue_offset: usize,
    /// Cells of several lines were printed upwards from their row: lines alone in
    /// the answer column belong to the next labelled row, not the one before.
    bottom_aligned: bool,
}

/// Reads the fields of one item from its rows. `other_columns` are the header's
/// number, title and attachment columns, which never hold a label.
/// The columns an item's rows are read by: the answers', those the header names for
/// something else, and the words of the region's header.
struct ItemColumns<'a> {
    answer: u32,
    /// The first column right of the answer column's heading.
    answer_end: u32,
    /// The column of the answer's detail, if the header names one.
    detail: Option<u32>,
    others: &'a [u32],
    header_words: &'a HashSet<&'a str>,
}

fn read_item_fields(
    rows: &[&[Cell]],
    start: &ItemStart,
    layout: ItemLayout,
    columns: ItemColumns,
    vocabulary: &Vocabulary,
    collector: &mut Collector,
) {
    let ItemColumns {
        answer: answer_column,
        answer_end,
        detail: detail_column,
        others: other_columns,
        header_words,
    } = columns;
    let Some(item) = vocabulary.catalog.item(start.number) else {
        return;
    };
    // Within the answer column's heading, to its right edge.
    let ends_in_answer = |c: &Cell| c.block.column + c.block.column_span <= answer_end;
    let nested_in_answer = |c: &Cell| c.block.column > answer_column && ends_in_answer(c);
    // A cell merged over the answer column from the narrow one just before it (a
    // sub-number's 「No.」 column, left blank on rows without one) is in the answer
    // column; a title merged across the label and answer columns is not.
    let merged_over_answer =
        |c: &Cell| c.block.column + 1 == answer_column && c.block.column_span > 1;
    // A row of a table nested in the answer cell (「2024年12月期 | 921,239,000円」), or
    // the pieces of an answer on a form drawn on narrow cells (「○」「有」「無」, one
    // digit a cell), in columns of their own within the answer column's: one answer
    // line.
    let nested: Vec<Option<(Block, String)>> = rows
        .iter()
        .map(|row| {
            let in_extent = |c: &&Cell| {
                (c.block.column == answer_column || nested_in_answer(c))
                    && !other_columns.contains(&c.block.column)
                    && Some(c.block.column) != detail_column
            };
            // Two cells at least: a line alone there is text set off the grid (a sheet's
            // title printed again atop a page). Most rows have one: counted first.
            row.iter().filter(in_extent).nth(1)?;
            let inside: Vec<&Cell> = row
                .iter()
                .filter(in_extent)
                .filter(|c| !is_form_word(c.folded))
                .collect();
            let first = inside.first()?;
            let text = joined_cells(&inside);
            let folded = fold(&text);
            Some((first.block.with_text(text), folded))
        })
        .collect();
    let nested: Vec<Option<Cell>> = nested
        .iter()
        .map(|line| line.as_ref().map(|(block, folded)| Cell { block, folded }))
        .collect();
    let mut answers = ItemAnswers::new(item, start.confidence);
    // The column of the last label read: a box under it, set in from it, answers it.
    let mut label_column: Option<u32> = None;
    let mut set_in_above = false;
    // Whether the last label stood alone on its row, its answer below it.
    let mut label_alone = false;
    // Bottom-aligned: answer lines waiting for the labelled row they end on.
    let mut waiting: Vec<&Cell> = Vec::new();
    for (offset, row) in rows.iter().enumerate() {
        let on_cue_row = offset == layout.cue_offset;
        // A row of nothing but section headings below an item ends it (some headings
        // are also an item's title: 「(5) 契約者数」 above item 91 「契約者数」). Headings
        // repeated in 大項目／中項目 columns beside the answers do not.
        let heading_row = is_heading_row(row, vocabulary)
            && row.iter().any(|c| {
                vocabulary.is_section(c.folded)
                    && !vocabulary.title_reaches(c.folded, item.number, TITLE_AT_EDGE)
                    // The item's own section printed again atop the next page (a cell
                    // merged down across the break) does not end it.
                    && !vocabulary.is_own_section(c.folded, item.number)
            });
        if offset > layout.cue_offset && heading_row {
            break;
        }
        // The form's example row (「記入例 | 株式会社〇〇〇〇」) left in by the applicant,
        // and the applicant's remark row (「備考 | 添付資料を参照」): neither answers.
        if row.iter().any(|c| {
            c.block.column != answer_column
                && (is_example_mark(c.folded) || is_remark_mark(c.folded))
        }) {
            continue;
        }
        // A lone cell merged across the sheet is a banner between items, not an answer
        // (an answer merged over the answer column's extent, run on in the row below,
        // is no banner); nor is the cell that carried the item number, or a section
        // heading.
        let banner = !on_cue_row
            && row.len() == 1
            && row[0].block.column_span > 2
            && !(row[0].block.column == answer_column && ends_in_answer(&row[0]));
        let is_cue_cell = |c: &Cell| on_cue_row && c.block.column == start.cue_column;
        let starts_another_item = |c: &Cell| !on_cue_row && is_strong_cue(c.folded);
        let usable = |c: &&Cell| {
            !is_cue_cell(c)
                // The answer column's own heading (「記入欄」, 「申請内容」, 「回答１」)
                // printed again on the next page, or naming the column an answer is in,
                // is no answer line.
                && !ANSWER_HEADINGS.contains(&c.folded)
                && field_column_heading(c.folded).is_none()
                && !header_words.contains(c.folded)
                && !is_form_note(c.folded)
                && !is_form_title(c.folded)
                && !is_form_word(c.folded)
                && !vocabulary.is_section(c.folded)
                && !starts_another_item(c)
        };
        let candidates = || row.iter().filter(|_| !banner).filter(usable);
        let answer = nested[offset]
            .as_ref()
            .filter(usable)
            .or_else(|| candidates().find(|c| c.block.column == answer_column))
            .or_else(|| candidates().find(|c| merged_over_answer(c)));
        // 「2-1」 in the number column names the field as a label would.
        let numbered_field = row
            .iter()
            .filter(|c| c.block.column == start.cue_column)
            .find_map(|c| {
                let cue = cues::item_cue(c.folded).filter(|cue| cue.number == item.number)?;
                Some((cue.field?, c.block.text.as_str()))
            });
        let label = row
            .iter()
            .filter(|c| c.block.column != answer_column && !other_columns.contains(&c.block.column))
            .filter(|c| !nested_in_answer(c) && !merged_over_answer(c))
            .filter(|c| !is_cue_cell(c))
            .find_map(|c| {
                Some((
                    vocabulary.label_index(c.folded, item.number)?,
                    c.block.text.as_str(),
                ))
            })
            .or(numbered_field)
            // A title cell that carries its field's marker (「提供回線・帯域【記述内容2】
            // 提供回線が別契約」) names the field as a label cell would.
            .or_else(|| {
                row.iter()
                    .filter(|c| c.block.column != answer_column && !is_cue_cell(c))
                    .find_map(|c| match cues::field_marker(c.folded)? {
                        FieldMarker::Numbered(n) => Some((n, c.block.text.as_str())),
                        FieldMarker::Unnumbered => None,
                    })
            })
            // So does a title cell that writes the label after it (「提供回線・帯域：提供
            // 回線が別契約（有償）回線か、…」, 「提供回線・帯域（2）／提供回線が…」, a
            // check sheet's 確認項目), at the colon or slash that ends the item's title.
            .or_else(|| {
                row.iter()
                    .filter(|c| c.block.column != answer_column && !is_cue_cell(c))
                    .find_map(|c| {
                        let index = c.folded.match_indices([':', '/']).find_map(|(at, _)| {
                            // The title before it, not a slash of the label's own
                            // (「電話/fax、web、…」).
                            let title = &c.folded[..at];
                            if !vocabulary.title_reaches(title, item.number, TITLE_NAMES_ITEM) {
                                return None;
                            }
                            let words = &c.folded[at + 1..];
                            // Cut short too (「機器：機器のセキュリティレベル」), which the
                            // title's word opening it would otherwise claim.
                            vocabulary.field_named(words, item.number)
                        })?;
                        Some((index, c.block.text.as_str()))
                    })
            });
        // A row set in under the label before it, none of its cells a label: the box or
        // the check cells a form gives the answer below a label worded across its width
        // (「【記述内容１】…の有無」 over 「■ | 有 | □ | 無」), its pieces one line.
        // Only right under such a label, or under a row set in so (the box's next line)
        // where the label stood alone. A row set in that reads as the label of the field
        // it would answer echoes the label's words: it is the answer (「メール、…ファイル
        // に対しウイルスチェックを実施」 under 「メール、…ファイルアクセスに対する対処の
        // 有無」).
        let set_in_row = !on_cue_row
            && label_column.is_some_and(|column| row.iter().all(|c| c.block.column > column));
        let label =
            label.filter(|(index, _)| !(set_in_row && answers.open_field() == Some(*index)));
        let row_set_in = set_in_row && label.is_none();
        let set_in = row_set_in
            && !layout.bottom_aligned
            && (answers.awaiting().is_some() || set_in_above && label_alone)
            && (answer.is_none() || row.iter().any(|c| c.block.column < answer_column));
        set_in_above = row_set_in;
        if set_in {
            let cells: Vec<&Cell> = row
                .iter()
                .filter(usable)
                .filter(|c| !other_columns.contains(&c.block.column))
                .collect();
            if let Some(first) = cells.first() {
                answers.unlabelled(&joined_cells(&cells), &first.block.at, collector);
            }
            continue;
        }
        // Labels written in the answer's own cell (「【記述内容1】代表者氏名：山田太郎」).
        let known_label = |body: &str| vocabulary.label_wording_at_start(body, item.number);
        let pieces = answer.map_or_else(Vec::new, |a| {
            cues::marked_pieces(&a.block.text, &known_label)
        });
        if let (false, Some(cell)) = (pieces.is_empty(), answer) {
            for piece in pieces {
                let text = (!piece.answer.is_empty()).then_some((piece.answer, &cell.block.at));
                match vocabulary.label_index(&fold(piece.label), item.number) {
                    Some(index) => answers.labelled(index, piece.label, text, collector),
                    None => {
                        if let Some((text, at)) = text {
                            answers.unlabelled(text, at, collector);
                        }
                    }
                }
            }
            continue;
        }
        // A bare 【記述内容N】 label in the answer column is the form's, never an answer.
        // Nor is the catalog's own wording of one of the item's fields (a sheet listing
        // the form's labels beside the answers' sheet).
        let answer = answer.filter(|a| {
            !cues::opens_with_marker(&a.block.text)
                && !vocabulary.is_label_wording(a.folded, item.number)
        });
        // The answer's detail beside it is its next line.
        let detail = detail_column.and_then(|d| candidates().find(|c| c.block.column == d));
        let answer = answer.or(detail);
        let detail = detail.filter(|d| answer.is_some_and(|a| !std::ptr::eq(*d, a)));
        match (label, answer) {
            (Some((index, label)), answer) => {
                label_alone = answer.is_none();
                label_column = row
                    .iter()
                    .find(|c| c.block.text == label)
                    .map(|c| c.block.column);
                let lines: Vec<&Cell> = waiting.drain(..).chain(answer).chain(detail).collect();
                let text = lines
                    .iter()
                    .map(|c| c.block.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                let at = lines.first().map(|c| &c.block.at);
                answers.labelled(index, label, at.map(|at| (text.as_str(), at)), collector);
            }
            (None, Some(answer)) if layout.bottom_aligned => {
                waiting.extend([answer].into_iter().chain(detail))
            }
            (None, Some(answer)) => {
                for line in [answer].into_iter().chain(detail) {
                    answers.unlabelled(&line.block.text, &line.block.at, collector);
                }
            }
            (None, None) => {}
        }
    }
    for line in waiting {
        answers.unlabelled(&line.block.text, &line.block.at, collector);
    }
    // The region's last item is left open for the next table (a form cut at a sheet's
    // end); each item read replaces the one before.
    collector.open_item = Some(OpenItem {
        number: item.number,
        confidence: start.confidence,
        // Its title was weighed where it started, not here.
        confirmed: false,
        answered: !answers.is_unanswered(),
        highest: answers.highest(),
        awaiting: None,
        in_table: true,
    });
    answers.finish(collector);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::tests::{raws, spanned};

    fn region(rows: &[&[&str]]) -> crate::model::Document {
        use crate::model::{Block, Location, Row};
        let rows = rows
            .iter()
            .zip(1u32..)
            .map(|(cells, page)| Row {
                blocks: cells
                    .iter()
                    .zip(0u32..)
                    .filter(|(text, _)| !text.is_empty())
                    .map(|(text, column)| Block {
                        text: text.to_string(),
                        column,
                        column_span: 1,
                        at: Location::Page { page },
                    })
                    .collect(),
            })
            .collect();
        printed(rows)
    }

    /// A document of one region, printed rows as a PDF gives them.
    fn printed(rows: Vec<crate::model::Row>) -> crate::model::Document {
        use crate::model::{Document, Region};
        Document {
            regions: vec![Region {
                name: "PDF".into(),
                rows,
            }],
        }
    }

    #[test]
    fn a_header_repeated_on_the_next_page_is_skipped() {
        let header: &[&str] = &["通番", "審査対象項目", "記述内容", "申請内容"];
        let document = region(&[
            header,
            &[
                "22",
                "情報セキュリティに関する組織体制の状況",
                "情報セキュリティに関する責任者の有無と、「有り」の場合は責任者名・役職",
                "有り（CISO 鈴木）",
            ],
            header,
            &[
                "",
                "",
                "情報セキュリティに関する組織体制の有無",
                "有り（情報セキュリティ委員会）",
            ],
            &[
                "23",
                "個人情報の取扱い",
                "個人情報の取扱いに関する規程の有無と、「有り」の場合は記載個所",
                "有り（利用規約 第15条）",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (22, 1, "有り（CISO 鈴木）".to_string()),
                (22, 2, "有り（情報セキュリティ委員会）".to_string()),
                (23, 1, "有り（利用規約 第15条）".to_string())
            ]
        );
    }

    #[test]
    fn a_title_cell_that_writes_the_label_after_a_colon_names_the_field() {
        // A check sheet's 確認項目: 「title：label」, the first field left blank.
        let document = region(&[
            &["No.", "確認項目", "記入欄"],
            &[
                "40",
                "提供回線・帯域：専用線（VPNを含む）、インターネット等の回線の種類",
                "",
            ],
            &[
                "40",
                "提供回線・帯域（2）／提供回線が別契約（有償）回線か、基本料金にバンドルされているか、の区別。",
                "別契約（有償）",
            ],
            &[
                "41",
                "提供OS／仮想化ソフト（ハイパーバイザ）の提供の有無",
                "有り",
            ],
            &["62", "機器：提供する機器の有無", "なし"],
            &["62", "機器：機器の主な機能", "該当なし"],
            // Cut short, opening with the title's word.
            &["62", "機器：機器のセキュリティレベル", "特になし"],
        ]);
        assert_eq!(
            raws(&document),
            [
                (40, 2, "別契約（有償）".to_string()),
                (41, 1, "有り".to_string()),
                (62, 1, "なし".to_string()),
                (62, 2, "該当なし".to_string()),
                (62, 3, "特になし".to_string()),
            ]
        );
    }

    #[test]
    fn entries_side_by_side_are_read_in_the_order_their_numbers_run() {
        let header: &[&str] = &["通番", "項目", "回答", "通番", "項目", "回答"];
        // The right half running on from the left: left band first.
        let running_on = region(&[
            header,
            &[
                "1",
                "開示情報の日付",
                "2024年5月1日",
                "8",
                "従業員数",
                "330名",
            ],
            &["7", "役員", "3人", "9", "売上高", "9,047,600千円"],
        ]);
        // Consecutive entries paired: row by row.
        let paired = region(&[
            header,
            &["1", "開示情報の日付", "2024年5月1日", "7", "役員", "3人"],
            &["8", "従業員数", "330名", "9", "売上高", "9,047,600千円"],
        ]);
        let expected = [
            (1, 1, "2024年5月1日".to_string()),
            (7, 1, "3人".to_string()),
            (8, 1, "330名".to_string()),
            (9, 1, "9,047,600千円".to_string()),
        ];
        assert_eq!(raws(&running_on), expected);
        assert_eq!(raws(&paired), expected);
    }

    #[test]
    fn a_header_without_repeated_roles_is_not_unfolded() {
        let document = region(&[
            &["通番", "審査対象項目", "記述内容", "申請内容"],
            &["7", "役員", "役員数", "3人"],
        ]);
        assert!(
            unfold_side_by_side(&document.regions[0], &fold_rows(&document.regions[0])).is_none()
        );
    }

    #[test]
    fn a_header_of_centres_names_says_where_the_answers_are() {
        // A form printed whole reads as one run of pages, and the centres' sheet brings
        // a header of its own: the grid reader must find an answer column in it.
        let document = region(&[
            &["通番", "審査対象項目", "記述内容", "高松DC", "さいたまiDC"],
            &[
                "112",
                "データセンター事業開始年",
                "当該データセンターの事業開始年",
                "1999年",
                "2006年",
            ],
        ]);
        let region = &document.regions[0];
        let joined = join_parallel_answers(region, &fold_rows(region)).expect("centre columns");
        let roles = header_roles(&folded_row(&joined.rows[0])).expect("a header row");
        assert_eq!(roles.get(&3), Some(&Role::Answer));
    }

    #[test]
    fn answers_given_per_data_centre_are_one_answer() {
        let by_place = region(&[
            &[
                "通番",
                "審査対象項目",
                "記述内容",
                "第1センター",
                "第2センター",
            ],
            &[
                "112",
                "データセンター事業開始年",
                "当該データセンターの事業開始年",
                "1999年",
                "2006年",
            ],
        ]);
        let by_name = region(&[
            &["通番", "審査対象項目", "記述内容", "高松DC", "さいたまiDC"],
            &[
                "112",
                "データセンター事業開始年",
                "当該データセンターの事業開始年",
                "1999年",
                "2006年",
            ],
        ]);
        assert_eq!(
            raws(&by_place),
            [(
                112,
                1,
                "第1センター：1999年\n第2センター：2006年".to_string()
            )]
        );
        assert_eq!(
            raws(&by_name),
            [(112, 1, "高松DC：1999年\nさいたまiDC：2006年".to_string())]
        );
    }

    #[test]
    fn a_count_of_centres_answered_twice_is_no_header() {
        // A renewal's last and this time's answers to item 93, both 「2センター」.
        let renewal = region(&[
            &[
                "項目",
                "記述内容",
                "前回申請内容（2023年度）",
                "今回申請内容（2025年度）",
            ],
            &[
                "93　使用データセンター",
                "本IaaS・PaaSサービス使用時における使用データセンターの数",
                "2センター",
                "2センター",
            ],
        ]);
        assert_eq!(raws(&renewal), [(93, 1, "2センター".to_string())]);
    }

    #[test]
    fn centre_headings() {
        for heading in ["第1センター", "2センター", "センターa", "dc1", "第2拠点"] {
            assert!(is_centre_heading(heading), "{heading}");
        }
        for heading in ["データセンター", "センター", "申請内容", "第1章"] {
            assert!(!is_centre_heading(heading), "{heading}");
        }
    }

    #[test]
    fn the_forms_example_rows_are_no_answers() {
        let document = region(&[
            &["通番", "審査対象項目", "記述内容", "区分", "記入欄"],
            &[
                "2",
                "事業者名",
                "【記述内容1】事業者の正式名称（商号）",
                "必須",
                "株式会社北斗",
            ],
            &["", "", "", "記入例", "株式会社〇〇〇〇"],
            &["", "", "【記述内容2】法人番号", "必須", "6971220245419"],
            &["", "", "", "記入例", "1234567890123"],
        ]);
        assert_eq!(
            raws(&document),
            [
                (2, 1, "株式会社北斗".to_string()),
                (2, 2, "6971220245419".to_string())
            ]
        );
    }

    #[test]
    fn the_applicants_remark_rows_and_flags_are_no_answers() {
        let document = region(&[
            &["連番", "審査対象項目", "記述内容", "区分", "記入欄"],
            &[
                "2",
                "事業者名",
                "【記述内容1】事業者の正式名称（商号）",
                "必須開示",
                "株式会社北斗",
            ],
            &["", "", "【記述内容2】法人番号", "必須開示", ""],
            &["", "", "備考", "", "登記簿のとおり"],
            &[
                "3",
                "設立年月日",
                "事業者の設立年月日（西暦）",
                "必須開示",
                "2001年4月1日",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (2, 1, "株式会社北斗".to_string()),
                (3, 1, "2001年4月1日".to_string())
            ]
        );
    }

    #[test]
    fn an_items_card_whose_answer_ends_with_its_title() {
        let document = region(&[
            &["96 時刻同期 【必須】"],
            &[
                "【記述内容】",
                "GPS時刻同期装置を基準とするNTPによる時刻同期",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [(
                96,
                1,
                "GPS時刻同期装置を基準とするNTPによる時刻同期".to_string()
            )]
        );
    }

    #[test]
    fn one_row_an_item_and_a_column_a_field() {
        let document = region(&[
            &[
                "通番",
                "審査対象項目",
                "記述内容(1)",
                "記述内容(2)",
                "記述内容(3)",
            ],
            &["1", "開示情報の日付", "2024年4月3日", "－", "－"],
            &["2", "事業者名", "株式会社ミナセ", "7517790013569", "－"],
            // A dash in a field the item has is the applicant's answer.
            &["7", "役員", "－", "－", "－"],
        ]);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "2024年4月3日".to_string()),
                (2, 1, "株式会社ミナセ".to_string()),
                (2, 2, "7517790013569".to_string()),
                (7, 1, "－".to_string()),
            ]
        );
    }

    #[test]
    fn a_sheet_listing_the_forms_labels_holds_no_answers() {
        use crate::locate::tests::region;
        let answers = region(
            "回答",
            &[
                &["通番", "審査対象項目", "回答１", "回答２"],
                &["1", "開示情報の日付", "2024年4月3日", ""],
                &["2", "事業者名", "株式会社ミナセ", "7517790013569"],
            ],
        );
        let labels = region(
            "記述内容一覧",
            &[
                &["通番", "審査対象項目", "回答欄", "記述内容"],
                &["1", "開示情報の日付", "回答１", "開示情報の年月日（西暦）"],
                &["2", "事業者名", "回答１", "事業者の正式名称（商号）"],
                &["", "", "回答２", "法人番号"],
            ],
        );
        let document = crate::model::Document {
            regions: vec![answers, labels],
        };
        let located = crate::locate::untimed(&document);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "2024年4月3日".to_string()),
                (2, 1, "株式会社ミナセ".to_string()),
                (2, 2, "7517790013569".to_string()),
            ]
        );
        assert!(located.notes.is_empty(), "{:?}", located.notes);
    }

    #[test]
    fn a_question_sheets_heading_printed_again_atop_a_page_is_no_answer() {
        let document = region(&[
            &["質問", "回答内容"],
            &[
                "23-1 個人情報の取扱いに関する規程の有無",
                "有り：個人情報保護規程",
            ],
            &["質問", "回答内容"],
            &["35 サービス開始時期", "2009年8月1日"],
        ]);
        assert_eq!(
            raws(&document),
            [
                (23, 1, "有り：個人情報保護規程".to_string()),
                (35, 1, "2009年8月1日".to_string())
            ]
        );
    }

    #[test]
    fn short_titles_start_their_items_where_nothing_is_numbered() {
        // The sub-section 「（1）開示情報の日付」 reads as item 1; every other item is
        // known by its title alone, however short.
        let document = region(&[
            &["項目名", "記述内容", "記入欄"],
            &["（1）開示情報の日付"],
            &[
                "開示情報の日付",
                "開示情報の年月日（西暦）",
                "2025年1月20日",
            ],
            &[
                "事業者名",
                "【記述内容1】事業者の正式名称（商号）",
                "株式会社リバー",
            ],
            &["", "【記述内容2】法人番号", "2487568410294"],
            &[
                "事業所",
                "【記述内容1】事業者の本店所在地",
                "東京都江東区青海二丁目7番4号",
            ],
            &["役員", "役員数", "8人"],
        ]);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "2025年1月20日".to_string()),
                (2, 1, "株式会社リバー".to_string()),
                (2, 2, "2487568410294".to_string()),
                (4, 1, "東京都江東区青海二丁目7番4号".to_string()),
                (7, 1, "8人".to_string()),
            ]
        );
    }

    #[test]
    fn columns_beside_the_answers_are_not_them() {
        // A renewal's last answers beside this time's, and a consultant's verdict.
        let renewal = region(&[
            &[
                "No./項目",
                "記述内容",
                "前回（2023年3月申請）",
                "今回（2025年1月申請）",
            ],
            &[
                "1　開示情報の日付",
                "開示情報の年月日（西暦）",
                "2023年5月26日",
                "2025年5月26日",
            ],
            &[
                "11　資本金",
                "事業者の資本金（単独ベース）",
                "90百万円",
                "100百万円",
            ],
        ]);
        assert_eq!(
            raws(&renewal),
            [
                (1, 1, "2025年5月26日".to_string()),
                (11, 1, "100百万円".to_string())
            ]
        );
        let checked = region(&[
            &["章", "No.", "確認項目", "記入欄", "判定", "コメント"],
            &[
                "事業者",
                "1",
                "開示情報の日付：開示情報の年月日（西暦）",
                "2025年10月15日",
                "○",
                "",
            ],
            &[
                "事業者",
                "11",
                "資本金：事業者の資本金（単独ベース）",
                "100百万円",
                "要確認",
                "単位を確認",
            ],
        ]);
        assert_eq!(
            raws(&checked),
            [
                (1, 1, "2025年10月15日".to_string()),
                (11, 1, "100百万円".to_string())
            ]
        );
    }

    #[test]
    fn the_forms_title_atop_the_next_page_is_no_answer_line() {
        let document = region(&[
            &["通番", "審査対象項目", "記述内容", "申請内容"],
            &[
                "35",
                "サービス開始時期",
                "IaaS・PaaSのサービス開始時期",
                "2016年10月1日",
            ],
            &[
                "",
                "",
                "",
                "IoTクラウドサービス（IaaS・PaaS）情報開示認定　申請書",
            ],
        ]);
        assert_eq!(raws(&document), [(35, 1, "2016年10月1日".to_string())]);
    }

    /// A region of cells given as (text, column, span).
    #[test]
    fn a_title_with_its_fields_label_starts_the_item() {
        // Section tables 項目 | 内容 without numbers, printed into one region: the guide's
        // sub-section 「（1）開示情報の日付」 reads as item 1, and the items after it are
        // named by their titles, with a field's label after a colon or in brackets.
        let document = region(&[
            &["項目", "内容"],
            &["（1）開示情報の日付"],
            &["開示情報の日付", "2025年6月10日"],
            &["（1）事業所等の概要"],
            &["事業者名：事業者の正式名称（商号）", "株式会社春日電算"],
            &["事業者名：法人番号", "8188275424882"],
            &["設立年月日", "1972年3月19日"],
            &[
                "事業所（事業者の本店所在地）",
                "東京都千代田区大手町二丁目6番2号",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "2025年6月10日".to_string()),
                (2, 1, "株式会社春日電算".to_string()),
                (2, 2, "8188275424882".to_string()),
                (3, 1, "1972年3月19日".to_string()),
                (4, 1, "東京都千代田区大手町二丁目6番2号".to_string())
            ]
        );
    }

    #[test]
    fn a_title_written_on_each_row_of_its_item_names_no_namesake() {
        // Items 62 and 69 are both titled 「機器」: the title on item 62's later rows
        // names its later fields, not item 69. A title with brackets of its own
        // (「PC等（操作端末）」) is followed by its label in brackets.
        let document = region(&[
            &["項目", "内容"],
            &["（1）開示情報の日付"],
            &["開示情報の日付", "2025年6月10日"],
            &["機器（提供する機器の有無）", "無し"],
            &["機器（機器の主な機能）", "無"],
            &[
                "機器（機器のセキュリティレベル、認証取得状況等）",
                "提供なし",
            ],
            &["セキュリティ対策", "ガイドを提供"],
            &["機器（機器の種類、製品名など）", "ゲートウェイ"],
            &["機器（機器の主な機能）", "VPN接続"],
            &[
                "PC等（操作端末）（パソコン、スマホ、タブレット、シンクライアント等の端末の種類、OS等）",
                "パソコン",
            ],
            &["PC等（操作端末）（利用するブラウザの種類）", "Edge"],
        ]);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "2025年6月10日".to_string()),
                (62, 1, "無し".to_string()),
                (62, 2, "無".to_string()),
                (62, 3, "提供なし".to_string()),
                (68, 1, "ガイドを提供".to_string()),
                (69, 1, "ゲートウェイ".to_string()),
                (69, 2, "VPN接続".to_string()),
                (74, 1, "パソコン".to_string()),
                (74, 2, "Edge".to_string()),
            ]
        );
    }

    #[test]
    fn an_answer_merged_over_its_columns_runs_on_in_the_rows_below() {
        // The answer column merged over three columns; a long answer typed on over the
        // rows below, its cell merged the same way. A banner spans the whole table.
        let document = spanned(&[
            &[("通番", 1, 1), ("記述内容", 2, 1), ("回答", 3, 3)],
            &[
                ("77-3", 1, 1),
                ("サービス停止の事故歴", 2, 1),
                ("2件", 3, 3),
            ],
            &[("2024年3月22日 ストレージ障害", 3, 3)],
            &[("（続き）2024年3月26日 認証基盤の障害", 3, 3)],
            &[("(1) サービス品質", 1, 5)],
            &[
                ("78-1", 1, 1),
                ("機器障害やシステム遅延の早期検知方法", 2, 1),
                ("監視ツール", 3, 3),
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (
                    77,
                    3,
                    "2件\n2024年3月22日 ストレージ障害\n（続き）2024年3月26日 認証基盤の障害"
                        .to_string()
                ),
                (78, 1, "監視ツール".to_string())
            ]
        );
    }

    #[test]
    fn the_answers_detail_beside_it_is_its_next_line() {
        assert_eq!(header_role("内容（有りの場合）"), Some(Role::Detail));
        assert_eq!(header_role("詳細（可の場合）"), Some(Role::Detail));
        let document = spanned(&[
            &[
                ("通番", 1, 1),
                ("審査対象項目", 2, 1),
                ("記述内容", 3, 1),
                ("回答（該当に✔）", 4, 1),
                ("内容（有りの場合）", 5, 1),
            ],
            &[
                ("17", 1, 1),
                ("決算公告", 2, 1),
                ("決算公告の実施の有無", 3, 1),
                ("☑有り　□無し", 4, 1),
                ("電子公告（当社ホームページ）", 5, 1),
            ],
            &[
                ("19", 1, 1),
                ("所属団体", 2, 1),
                ("所属している業界団体、経済団体等の名称", 3, 1),
                ("ASPIC", 4, 1),
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (
                    17,
                    1,
                    "☑有り　□無し\n電子公告（当社ホームページ）".to_string()
                ),
                (19, 1, "ASPIC".to_string())
            ]
        );
    }

    #[test]
    fn an_answer_merged_over_the_sub_number_column_is_the_answer() {
        let document = spanned(&[
            &[
                ("番号", 0, 1),
                ("審査対象項目", 1, 1),
                ("記述内容", 2, 1),
                ("No.", 3, 1),
                ("記述・回答内容", 4, 1),
            ],
            &[
                ("8", 0, 1),
                ("従業員数", 1, 1),
                ("正社員数（単独ベース）", 2, 1),
                ("120名", 3, 2),
            ],
            // A title merged across the label and answer columns is no answer.
            &[
                ("111", 0, 1),
                ("データセンター識別名（※センター毎に記載）", 1, 3),
            ],
            &[
                ("当該データセンターの正式識別名", 2, 1),
                ("(1)", 3, 1),
                ("東日本DC", 4, 1),
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (8, 1, "120名".to_string()),
                (111, 1, "東日本DC".to_string())
            ]
        );
    }

    #[test]
    fn a_nested_tables_header_names_no_item() {
        // 「所在地」 heads a column of the table nested in item 111's answer: it is the
        // answer's first line, not item 114's title.
        let document = spanned(&[
            &[("通番", 1, 1), ("記述内容", 2, 1), ("回答", 3, 4)],
            &[
                ("111-1", 1, 1),
                ("当該データセンターの正式識別名", 2, 1),
                ("名称", 4, 1),
                ("所在地", 5, 1),
                ("延床面積", 6, 1),
            ],
            &[("京阪奈DC", 4, 1), ("京都府", 5, 1), ("800㎡", 6, 1)],
        ]);
        assert_eq!(
            raws(&document),
            [(
                111,
                1,
                "名称\u{3000}所在地\u{3000}延床面積\n京阪奈DC\u{3000}京都府\u{3000}800㎡"
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_form_drawn_on_narrow_cells_gives_each_field_its_whole_answer() {
        // Excel 方眼紙 with item number boxes: one digit a cell, check cells beside their
        // words, a label worded across the width with its answer set in below it, the
        // detail's caption 「内容」 the form's own.
        let document = spanned(&[
            &[("2", 1, 3), ("① 事業者名（2：必須開示項目）", 4, 45)],
            &[
                ("【記述内容１】事業者の正式名称（商号）", 4, 8),
                ("株式会社サンプル", 12, 37),
            ],
            &[
                ("【記述内容２】法人番号", 4, 8),
                ("1", 12, 1),
                ("2", 13, 1),
                ("3", 14, 1),
            ],
            &[("17", 1, 3), ("③ 決算公告（17：選択開示項目）", 4, 45)],
            &[
                ("【記述内容】決算公告の実施の有無", 4, 8),
                ("■", 12, 2),
                ("有", 14, 2),
                ("□", 17, 2),
                ("無", 19, 2),
            ],
            &[("内容", 12, 3)],
            &[
                ("22", 1, 3),
                (
                    "③ 情報セキュリティに関する組織体制の状況（22：必須開示項目）",
                    4,
                    45,
                ),
            ],
            &[(
                "【記述内容１】情報セキュリティに関する責任者の有無と、「有り」の場合は責任者名・役職",
                4,
                45,
            )],
            &[("■", 5, 2), ("有", 7, 2), ("□", 10, 2), ("無", 12, 2)],
            &[
                ("内容", 5, 3),
                ("情報セキュリティ管理責任者：山田太郎", 8, 41),
            ],
            &[
                ("【記述内容２】情報セキュリティに関する組織体制の有無", 4, 8),
                ("無", 12, 37),
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (2, 1, "株式会社サンプル".to_string()),
                (2, 2, "123".to_string()),
                (17, 1, "■有\u{3000}□無".to_string()),
                (
                    22,
                    1,
                    "■有\u{3000}□無\n情報セキュリティ管理責任者：山田太郎".to_string()
                ),
                (22, 2, "無".to_string()),
            ]
        );
    }

    #[test]
    fn an_answer_set_in_below_its_label_may_echo_the_labels_words() {
        let document = spanned(&[
            &[("102．ウイルス対策", 1, 40)],
            &[
                ("【記述内容】ウイルス対策の実施状況", 2, 10),
                ("全サーバにウイルス対策ソフトを導入", 12, 29),
            ],
            &[("103．不正侵入対策", 1, 40)],
            &[
                ("【記述内容】不正侵入の検知方法", 2, 10),
                ("IDS/IPSで検知", 12, 29),
            ],
            &[("104．ネットワーク監視", 1, 40)],
            &[
                ("【記述内容】障害が発生した際の通報時間", 2, 10),
                ("30分以内", 12, 29),
            ],
            &[("105．ウイルスチェック", 1, 40)],
            &[(
                "【記述内容】メール、ダウンロードファイル、サーバ上のファイルアクセスに対する対処の有無、対処がある場合はパターンファイルの更新間隔（ベンダーリリースからの時間）",
                2,
                39,
            )],
            &[("レ", 3, 2), ("有り", 5, 3), ("無し", 11, 3)],
            &[(
                "メール、ダウンロードファイル、サーバ上のファイルに対しウイルスチェックを実施。パターンファイルはリリース後1時間以内に更新。",
                3,
                38,
            )],
        ]);
        assert_eq!(
            raws(&document)
                .into_iter()
                .filter(|(item, _, _)| *item == 105)
                .collect::<Vec<_>>(),
            [
                (
                    105,
                    1,
                    "レ有り\u{3000}無し\nメール、ダウンロードファイル、サーバ上のファイルに対しウイルスチェックを実施。パターンファイルはリリース後1時間以内に更新。"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_table_nested_in_the_answer_cell_is_its_answer() {
        // (text, column, span) per cell: the answer column spans columns 3 to 6, and the
        // nested table's cells take columns of their own inside it.
        let document = spanned(&[
            &[("通番", 1, 1), ("記述内容", 2, 1), ("回答", 3, 4)],
            &[
                ("8-1", 1, 1),
                ("正社員数（単独ベース）", 2, 1),
                ("120名", 3, 4),
            ],
            &[
                ("9-1", 1, 1),
                ("事業者の売上高（単独ベース）", 2, 1),
                ("2024年3月期", 4, 1),
                ("921,239,000円", 5, 2),
            ],
            &[("2023年3月期", 4, 1), ("722,616,984円", 5, 2)],
            // A line alone in the answer's extent is no row of a nested table.
            &[("申請事業者名：株式会社春日電算", 5, 1)],
            &[
                ("11-1", 1, 1),
                ("事業者の資本金（単独ベース）", 2, 1),
                ("1億円", 3, 4),
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (8, 1, "120名".to_string()),
                (
                    9,
                    1,
                    "2024年3月期\u{3000}921,239,000円\n2023年3月期\u{3000}722,616,984円"
                        .to_string()
                ),
                (11, 1, "1億円".to_string())
            ]
        );
    }

    #[test]
    fn a_heading_that_names_an_item_yields_to_the_items_row() {
        // Printed bottom-aligned (numbers on the items' last rows), under a section
        // heading worded as item 1's title and numbered like it.
        let document = region(&[
            &["審査対象項目", "記入欄", "項番", "記述内容"],
            &["(1) 開示情報の日付"],
            &[
                "開示情報の日付",
                "令和6年6月1日",
                "1",
                "記述内容：開示情報の年月日（西暦）",
            ],
            &["(1) 事業所等の概要"],
            &[
                "",
                "株式会社ソラリンク",
                "",
                "記述内容1：事業者の正式名称（商号）",
            ],
            &["事業者名", "8010401098765", "2", "記述内容2：法人番号"],
            &["", "東京都千代田区", "", "記述内容1：事業者の本店所在地"],
            &[
                "事業所",
                "https://example.jp/",
                "4",
                "記述内容2：事業者ホームページ",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "令和6年6月1日".to_string()),
                (2, 1, "株式会社ソラリンク".to_string()),
                (2, 2, "8010401098765".to_string()),
                (4, 1, "東京都千代田区".to_string()),
                (4, 2, "https://example.jp/".to_string()),
            ]
        );
    }

    #[test]
    fn a_label_cell_naming_two_fields_names_the_last_for_its_answer() {
        // Field 1 left blank: its label, alone on its row, printed onto field 2's.
        let document = region(&[
            &["審査対象項目", "記述内容", "通番", "申請内容"],
            &[
                "設立年月日",
                "記述内容：事業者の設立年月日（西暦）",
                "No.3",
                "2009年4月1日",
            ],
            &[
                "事業所",
                "記述内容1：事業者の本店所在地\n記述内容2：事業者ホームページ",
                "No.4",
                "https://example.jp/",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (3, 1, "2009年4月1日".to_string()),
                (4, 2, "https://example.jp/".to_string()),
            ]
        );
    }

    #[test]
    fn the_answer_columns_heading_printed_again_is_no_answer() {
        // The header printed again at the top of the next page, its 通番 and title cells
        // glued to the item's merged cells (「通番77」); only its 記入欄 stands alone.
        let document = region(&[
            &["通番", "審査対象項目", "記述内容", "区分", "記入欄"],
            &[
                "77",
                "サービス稼働設定値",
                "【記述内容1】サービス稼働率の目標値",
                "必須",
                "99.95%",
            ],
            &[
                "通番77",
                "サービス稼働設定値審査対象項目",
                "記述内容",
                "区分",
                "記入欄",
            ],
            &[
                "",
                "",
                "【記述内容2】サービス稼働率の実績値",
                "必須",
                "99.99%",
            ],
        ]);
        let found = raws(&document);
        assert!(found.contains(&(77, 1, "99.95%".to_string())), "{found:?}");
        assert!(found.contains(&(77, 2, "99.99%".to_string())), "{found:?}");
    }

    #[test]
    fn an_item_printed_again_after_a_page_break_keeps_its_rows() {
        // Printed bottom-aligned: item 127's merged title shows at the foot of one page
        // and again beside its last field on the next; item 128 starts below that.
        let document = region(&[
            &["審査対象項目", "申請内容", "記述内容"],
            &[
                "",
                "電話：03-0000-1234",
                "電話／FAX、Web、電子メール等の連絡先",
            ],
            &[
                "",
                "無し",
                "代理店連絡先の有無と、「有り」の場合は、代理店名称、代理店の本店の所在地と連絡先",
            ],
            &["連絡先（127：必須開示項目）"],
            &[
                "連絡先（127：必須開示項目）",
                "可",
                "運用体制に係る問合せの可否",
            ],
            &["", "平日 9:00～18:00", "営業曜日、営業時間（受付時間）"],
            &[
                "営業日・時間（128：必須開示項目）",
                "可（夜間は障害のみ）",
                "営業時間外の対応の可否",
            ],
            &["", "操作方法、障害受付", "サポート範囲"],
            &[
                "サポート範囲・手段（129：必須開示項目）",
                "電話、電子メール",
                "連絡先、連絡手段（電話/FAX、電子メール等）",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (127, 1, "電話：03-0000-1234".to_string()),
                (127, 2, "無し".to_string()),
                (127, 3, "可".to_string()),
                (128, 1, "平日 9:00～18:00".to_string()),
                (128, 2, "可（夜間は障害のみ）".to_string()),
                (129, 1, "操作方法、障害受付".to_string()),
                (129, 2, "電話、電子メール".to_string()),
            ]
        );
    }

    #[test]
    fn each_table_of_a_region_finds_its_own_answer_column() {
        // Two tables printed one after the other, each sized to its content (an HTML
        // page printed to PDF): the answers sit in another column in each, under a
        // header word that names no column.
        let document = region(&[
            &["番号", "審査対象項目", "記述内容", "必須／選択", "貴社記入"],
            &[
                "1",
                "開示情報の日付",
                "開示情報の年月日（西暦）",
                "必須",
                "2024年4月20日",
            ],
            &[
                "2",
                "事業者名",
                "事業者の正式名称（商号）",
                "必須",
                "株式会社サンプル",
            ],
            &["", "", "法人番号", "必須", "1234567890123"],
            &[
                "番号",
                "",
                "審査対象項目",
                "記述内容",
                "必須／選択",
                "貴社記入",
            ],
            &[
                "34",
                "",
                "サービス名称",
                "情報開示した IaaS・PaaSの名称",
                "必須",
                "サンプルクラウド",
            ],
            &[
                "35",
                "",
                "サービス開始時期",
                "サービス開始年月日",
                "必須",
                "2014年11月",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (1, 1, "2024年4月20日".to_string()),
                (2, 1, "株式会社サンプル".to_string()),
                (2, 2, "1234567890123".to_string()),
                (34, 1, "サンプルクラウド".to_string()),
                (35, 1, "2014年11月".to_string()),
            ]
        );
    }

    #[test]
    fn the_published_tables_disclosure_column_holds_the_answers() {
        assert_eq!(header_role("情報開示内容"), Some(Role::WeakAnswer));
        let roles = header_roles(&[
            (1, "番号".to_string()),
            (2, "審査対象項目".to_string()),
            (3, "記述内容".to_string()),
            (4, "必須/選択".to_string()),
            (5, "情報開示内容".to_string()),
        ]);
        assert_eq!(roles.and_then(|r| r.get(&5).copied()), Some(Role::Answer));
    }

    #[test]
    fn an_item_whose_number_was_cut_off_is_known_by_its_title() {
        // The title column clipped the long titles, and the numbers after them: the
        // title still names an item between its neighbours (and 「(2) 個人情報」, a
        // section heading, names none).
        let document = region(&[
            &["審査対象項目", "記述内容", "申請内容"],
            &[
                "専担の部署・会議体（21：選択開示項目）",
                "コンプライアンスを担当する社内の部署・会議体の有無",
                "有り（法務部）",
            ],
            &[
                "情報セキュリティに関する組織体制の状況（",
                "情報セキュリティに関する責任者の有無と、「有り」の場合は責任者名・役職",
                "有り（CISO 鈴木）",
            ],
            &[
                "情報セキュリティに関する組織体制の状況（",
                "情報セキュリティに関する組織体制の有無",
                "有り（情報セキュリティ委員会）",
            ],
            &["(2) 個人情報"],
            &[
                "個人情報の取扱い（23：必須開示項目）",
                "個人情報の取扱いに関する規程の有無と、「有り」の場合は記載個所",
                "有り（利用規約 第15条）",
            ],
        ]);
        assert_eq!(
            raws(&document),
            [
                (21, 1, "有り（法務部）".to_string()),
                (22, 1, "有り（CISO 鈴木）".to_string()),
                (22, 2, "有り（情報セキュリティ委員会）".to_string()),
                (23, 1, "有り（利用規約 第15条）".to_string()),
            ]
        );
    }

    #[test]
    fn items_printed_bottom_aligned_take_the_rows_above_their_number() {
        // A sheet printed without rules: each item's number and title, merged down its
        // rows, show on its last row, and an answer of several lines prints upwards
        // from its row. Each sheet prints its cover lines above its header, in the
        // answer column: the first item read upwards stops at its table's header.
        let document = region(&[
            &["", "", "", "申請事業者名：株式会社ソラリンク"],
            &["", "", "", "記入日：2024年6月3日"],
            &["通番", "審査対象項目", "記述内容", "申請内容"],
            &["", "", "事業者の正式名称（商号）", "株式会社ソラリンク"],
            &["2", "事業者名", "法人番号", "8010401098765"],
            &["", "", "事業者の本店所在地", "東京都千代田区"],
            &["4", "事業所", "事業者ホームページ", "https://example.jp/"],
            &["", "", "", "申請事業者名：株式会社ソラリンク"],
            &["通番", "審査対象項目", "記述内容", "申請内容"],
            &["", "", "代表者氏名", "高橋 健一"],
            &["", "", "", "1968年5月12日生"],
            &[
                "6",
                "代表者",
                "代表者経歴（生年月日、学歴、業務履歴、資格等）",
                "資格：情報処理技術者",
            ],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(
            raws(&document),
            [
                (2, 1, text("株式会社ソラリンク")),
                (2, 2, text("8010401098765")),
                (4, 1, text("東京都千代田区")),
                (4, 2, text("https://example.jp/")),
                (6, 1, text("高橋 健一")),
                (6, 2, text("1968年5月12日生\n資格：情報処理技術者")),
            ]
        );
    }

    #[test]
    fn the_part_of_a_row_a_page_break_carried_over_stays_with_its_item() {
        // Label and answer in one cell, printed bottom-aligned; the writer split two
        // tall rows at a page break, the rest of each coming first above the next
        // item's number: an answer to the label the row ended on, and a field of the
        // item before (its marker's number fits the next item too).
        let document = region(&[
            &["通番", "審査対象項目", "記述内容・回答"],
            &[
                "24",
                "守秘義務契約",
                "【記述内容1】守秘義務に係る契約又は条項の有無\n有り\n【記述内容2】守秘義務違反があった場合のペナルティ条項の有無",
            ],
            &["", "", "有り（損害賠償条項）"],
            &[
                "25",
                "従業員に対するセキュリティ教育の実施状況",
                "【記述内容1】従業員に対するセキュリティ教育実施に関する取組の有無\n有り\n【記述内容2】従業員に対するセキュリティ教育実施に関する取組状況の開示の可否と、可能な場合の条件等\n可",
            ],
            &[
                "32",
                "勧誘・販売・係争に関する規程等の整備",
                "【記述内容1】勧誘・販売に関する基本方針・規程・マニュアル等の有無と、「有り」の場合は文書名：有り：販売管理規程",
            ],
            &[
                "",
                "",
                "【記述内容2】係争に関する規程・管轄裁判所等、係争が生じた際の対応に関する情報を含む文書類の有無と、「有り」の場合は文書名：有り：紛争処理規程",
            ],
            &[
                "33",
                "IaaS・PaaSの苦情対応に関する規程等の整備",
                "【記述内容1】IaaS・PaaSの苦情処理に関する基本方針・規程・マニュアル等の有無と、「有り」の場合は文書名：有り：お客様対応規程\n【記述内容2】IaaS・PaaS事業者の事故責任の範囲と補償範囲が記述された文書の有無と、「有り」の場合は文書名：有り：利用約款",
            ],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(
            raws(&document),
            [
                (24, 1, text("有り")),
                (24, 2, text("有り（損害賠償条項）")),
                (25, 1, text("有り")),
                (25, 2, text("可")),
                (32, 1, text("有り：販売管理規程")),
                (32, 2, text("有り：紛争処理規程")),
                (33, 1, text("有り：お客様対応規程")),
                (33, 2, text("有り：利用約款")),
            ]
        );
    }

    #[test]
    fn a_carried_over_field_of_twin_items_goes_on_from_the_marker_above() {
        // Items 75 and 76 share their labels: the row atop a page, before 76's number,
        // is 75's when its marker goes on from the last one above (3 after 2).
        let vocabulary = Vocabulary::new(Catalog::builtin());
        let block = |text: &str| Block {
            text: text.into(),
            column: 2,
            column_span: 1,
            at: Location::Page { page: 1 },
        };
        let above = block(
            "【記述内容1】推奨機器の「有無」。「有り」の場合は、その種類、製品名などを記入してください。「無し」の場合は「無し」と記入してください。\n有り（環境センサー）\n【記述内容2】推奨機器の主な機能\n温度・湿度の計測",
        );
        let goes_on = |text: &str| {
            let row = block(text);
            let (above_folded, row_folded) = (fold(&above.text), fold(&row.text));
            continues_item(
                &[Cell {
                    block: &above,
                    folded: &above_folded,
                }],
                &[Cell {
                    block: &row,
                    folded: &row_folded,
                }],
                Some(2),
                (75, 76),
                &vocabulary,
            )
        };
        assert!(goes_on(
            "【記述内容3】推奨機器のセキュリティレベル、認証取得状況等\n暗号化通信に対応"
        ));
        // The next item's first field starts that item.
        assert!(!goes_on(
            "【記述内容1】推奨機器の「有無」。「有り」の場合は、その種類、製品名などを記入してください。「無し」の場合は「無し」と記入してください。\n無し"
        ));
    }

    #[test]
    fn a_block_in_no_column_the_header_names_is_no_answer() {
        // An attachment named right of the answer column, where the header names no
        // column, is not the item's answer. (A figure aligned right inside the answer
        // column is numbered in that column by the reader.)
        let document = region(&[
            &["通番", "審査対象項目", "記述内容", "申請内容"],
            &[
                "1",
                "開示情報の日付",
                "開示情報の年月日（西暦）",
                "2024/6/1",
            ],
            &[
                "88",
                "料金体系・金額",
                "初期費用額、月額利用額、最低利用契約期間",
                "",
                "別紙6 料金表",
            ],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(raws(&document), [(1, 1, text("2024/6/1"))]);
    }

    #[test]
    fn a_row_opening_an_item_is_no_header_whatever_its_answer_says() {
        // 「2拠点」 (two sites) reads like a centre's column heading and 記述内容 like
        // the label column's; the item's number and title make the row a body row.
        let document = region(&[
            &["(92) データの所在", "日本", "記述内容"],
            &["(93) 使用データセンター", "2拠点", "記述内容"],
            &["(94) 死活監視（機器等）", "有り", "記述内容"],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(
            raws(&document),
            [
                (92, 1, text("日本")),
                (93, 1, text("2拠点")),
                (94, 1, text("有り"))
            ]
        );
    }

    #[test]
    fn a_header_word_printed_again_inside_a_row_is_no_answer() {
        // Atop the next page the header is printed over the cells an item's merged
        // number and title continue in (「28番号」), so the row reads as no header; its
        // 「情報開示内容」 is still no line of the answer above.
        let header: &[&str] = &[
            "番号",
            "審査対象項目",
            "記述内容",
            "必須・選択",
            "情報開示内容",
        ];
        let document = region(&[
            header,
            &[
                "28",
                "委託先に対する管理状況",
                "【記述内容１】自社の個人情報保護指針に対する遵守規定の有無",
                "必須",
                "有り\n委託先管理規程",
            ],
            &[
                "28番号",
                "委託先に対する管理状審査対象項目\n況",
                "記述内容",
                "必須・選択",
                "情報開示内容",
            ],
            &[
                "",
                "",
                "【記述内容２】委託先（再委託先）に係る個人情報保護等の状況に関する情報提供の可否と、可能な場合の条件等",
                "必須",
                "可能",
            ],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(
            raws(&document),
            [(28, 1, text("有り\n委託先管理規程")), (28, 2, text("可能"))]
        );
    }

    #[test]
    fn a_marker_in_the_title_cell_names_the_field() {
        // Title and label share the title column's cell; field 1 is left blank.
        let document = region(&[
            &["通番", "項目", "回答"],
            &["40", "提供回線・帯域【記述内容1】専用線", ""],
            &[
                "",
                "提供回線・帯域【記述内容2】提供回線が別契約",
                "別契約（有償）",
            ],
            &["41", "提供OS", "Ubuntu Server 22.04 LTS"],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(
            raws(&document),
            [
                (40, 2, text("別契約（有償）")),
                (41, 1, text("Ubuntu Server 22.04 LTS"))
            ]
        );
    }

    #[test]
    fn the_items_own_section_printed_again_does_not_end_it() {
        // A cell merged down across a page break prints its section again atop the next
        // page, between an item's fields; another section's heading still ends the item.
        let header: &[&str] = &["中項目", "通番", "審査対象項目", "記述内容", "申請内容"];
        let document = region(&[
            header,
            &["（6）文書類"],
            &[
                "",
                "30",
                "事業継続に関する規程の整備",
                "【記述内容1】事業継続に関する基本方針・規程・マニュアル等の有無",
                "有",
            ],
            &["（6）文書類"],
            &[
                "",
                "",
                "",
                "【記述内容2】ＢＣＰ対応計画及び運用手順書等の開示の可否と、可能な場合の条件等",
                "可　概要のみ",
            ],
            &["（1）センターサービス"],
            &["", "", "", "【記述内容3】", "次の節の回答"],
        ]);
        let text = |s: &str| s.to_string();
        assert_eq!(
            raws(&document),
            [(30, 1, text("有")), (30, 2, text("可　概要のみ"))]
        );
    }

    #[test]
    fn rising_runs() {
        assert_eq!(longest_rising_run(&[1, 2, 5, 3, 4, 120]), 5);
        assert_eq!(longest_rising_run(&[]), 0);
    }

    #[test]
    fn header_words_give_roles() {
        let row = folded_cells(&["通番", "審査対象項目", "記述内容", "申請内容", "添付書類等"]);
        let roles = header_roles(&row).unwrap();
        assert_eq!(roles.get(&0), Some(&Role::Number));
        assert_eq!(roles.get(&1), Some(&Role::Title));
        assert_eq!(roles.get(&2), Some(&Role::Label));
        assert_eq!(roles.get(&3), Some(&Role::Answer));
        assert_eq!(roles.get(&4), Some(&Role::Attachment));
        let answer_row: Vec<(u32, String)> = vec![(0, fold("有り")), (1, fold("株式会社サンプル"))];
        assert!(header_roles(&answer_row).is_none());
        // A detail beside its caption, short and naming an attachment, is a clause.
        assert!(header_roles(&folded_cells(&["内容", "SLAを契約書に添付"])).is_none());
        assert!(header_roles(&folded_cells(&["内容", "ICカード＋暗証番号"])).is_none());
        assert_eq!(header_role(&fold("項目番号")), Some(Role::Number));
        // Two title words: the second heads the fields' labels; not so side by side.
        let titles = header_roles(&folded_cells(&[
            "項番",
            "審査対象項目",
            "区分",
            "開示項目",
            "開示内容",
        ]))
        .unwrap();
        assert_eq!(titles.get(&1), Some(&Role::Title));
        assert_eq!(titles.get(&3), Some(&Role::Label));
        let bands = header_roles(&folded_cells(&[
            "通番", "項目", "回答", "通番", "項目", "回答",
        ]))
        .unwrap();
        assert_eq!(bands.get(&4), Some(&Role::Title));
    }

    #[test]
    fn a_renewals_columns_by_the_year_of_each_application() {
        let named = header_roles(&folded_cells(&[
            "項目",
            "記述内容",
            "2023年申請時",
            "2025年申請",
        ]))
        .unwrap();
        assert_eq!(named.get(&2), Some(&Role::Attachment));
        assert_eq!(named.get(&3), Some(&Role::Answer));
        // 今回 in the bracket says which, whatever the years.
        let marked = header_roles(&folded_cells(&[
            "項目",
            "記述内容",
            "2025年申請（今回）",
            "2023年申請時",
        ]))
        .unwrap();
        assert_eq!(marked.get(&2), Some(&Role::Answer));
        assert_eq!(marked.get(&3), Some(&Role::Attachment));
        // One year alone says nothing of a renewal.
        assert!(
            header_roles(&folded_cells(&["項目", "記述内容", "2025年申請"]))
                .is_none_or(|roles| !roles.contains_key(&2))
        );
        assert_eq!(year_in("平成２０年"), None);
        assert_eq!(year_in(&fold("２０２５年")), Some(2025));
        assert_eq!(year_in("120250"), None);
    }

    /// A header row's cells folded, by column.
    fn folded_cells(cells: &[&str]) -> Vec<(u32, String)> {
        cells
            .iter()
            .enumerate()
            .map(|(i, t)| (i as u32, fold(t)))
            .collect()
    }
}
