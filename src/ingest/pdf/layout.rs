//! From positioned text to rows of blocks.
//!
//! Runs sharing a baseline (within a third of the font size) make a line. Where a
//! page has table ruling, each run is placed in the cell that encloses it (the
//! nearest rules on its four sides, closed around it); the lines of one cell become
//! one block — joined with nothing where the line before was wrapped by the writer
//! (the next line's first word would not have fitted), else with `\n` — and cells
//! that hang from the same top rule make one row. Elsewhere each line is a row, split
//! into blocks at gaps wider than about one character.
//!
//! `column` numbers the visual columns so that one table column keeps its number on
//! every row and page: on ruled pages it counts the document's vertical rules left of
//! the cell; on other pages it numbers the clusters of the blocks' left edges, a
//! figure aligned right counting from the left edge of the column it stands in.

use super::content::{Hang, PageContent, Rule, Run, Space, is_wide};
use super::sheet_cells;
use crate::model::{Block, Location, Row};
use std::collections::HashMap;

/// Rows atop a page looked at for print titles.
const MAX_PRINT_TITLE_ROWS: usize = 4;

/// Pages a single free row must open, at one height, to be a running head rather than
/// text that happens to open two pages (and half the pages at least).
const MIN_RUNNING_HEAD_PAGES: usize = 3;
/// The most lines a running foot takes at a page's end (a notice and a URL with the
/// page's number, web portals' print pages).
const MAX_RUNNING_FOOT_ROWS: usize = 2;

/// Most run-by-rule comparisons spent finding the cells of one page.
const MAX_PLACEMENTS: u64 = 20_000_000;
/// The longest typed figure a sheet prints (「18,765,432,000円」 and then some).
const MAX_FIGURE_CHARS: usize = 24;
/// How far apart (in points) starts of one column's text may lie on a page printed
/// without rules, as the document's columns are clustered (`number_columns`).
const EDGE_TOLERANCE: f32 = 4.0;
/// The widest gap (in ems) a wrapped line may leave before the edge of its cell, where
/// the next line opens with a unit that long. Rows LibreOffice split across pages in
/// the project's generated Word tables left up to 6.6 ems (「マー|ク、ISMS（JIS」);
/// a longer unit (a URL) is rather typed on a line of its own.
const MAX_WRAP_GAP_EMS: f32 = 8.0;

/// The fewest rows two pages must print at the same heights, row for row, to be read
/// as strips of one sheet printed across pages.
const STRIP_ROWS: usize = 3;
/// How far apart (in points) one row may print on two strips of one sheet.
const STRIP_ROW_SLACK: f32 = 1.0;
/// How much the heights of a strip's rows must differ (in points) for its geometry to
/// tell it: rows as tall as their longest answer, not a table's even pitch.
const STRIP_PITCH_SPREAD: f32 = 2.0;
/// How far apart (in points) one column's left edge may print on two pages.
const STRIP_COLUMN_SLACK: f32 = 2.0;
/// How many pages before its strip a page of a sheet's first columns may stand (all the
/// first columns' pages print before the next columns'), bounding the comparisons.
const MAX_STRIP_PAGES: usize = 200;
/// The gap (in points) set between a strip and the one it continues.
const STRIP_GAP: f32 = 20.0;

/// A cell: the rules enclosing a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Cell {
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

impl Cell {
    fn same(&self, other: &Cell) -> bool {
        (self.left - other.left).abs() < 0.5
            && (self.right - other.right).abs() < 0.5
            && (self.top - other.top).abs() < 0.5
            && (self.bottom - other.bottom).abs() < 0.5
    }
}

/// Text of one line within one cell, or one free block of a line.
#[derive(Debug, Clone)]
pub(super) struct Fragment {
    x0: f32,
    x1: f32,
    pub(super) y: f32,
    pub(super) size: f32,
    pub(super) text: String,
    first_unit: f32,
    first_glyph: f32,
    space_before: bool,
    space_after: bool,
}

/// Merged rules of one page.
struct Ruling {
    horizontal: Vec<Rule>,
    vertical: Vec<Rule>,
}

/// Merges collinear rules that touch or overlap.
fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    // Group by position (within 1 pt), then merge the intervals of each group.
    let mut merged: Vec<Rule> = Vec::new();
    let mut group: Vec<Rule> = Vec::new();
    let flush = |group: &mut Vec<Rule>, merged: &mut Vec<Rule>| {
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let at = group.iter().map(|r| r.at).sum::<f32>() / group.len().max(1) as f32;
        let mut current: Option<Rule> = None;
        for rule in group.drain(..) {
            match current.as_mut() {
                Some(c) if rule.from <= c.to + 1.5 => c.to = c.to.max(rule.to),
                _ => {
                    merged.extend(current.take());
                    current = Some(Rule { at, ..rule });
                }
            }
        }
        merged.extend(current);
    };
    for rule in rules {
        if let Some(first) = group.first()
            && rule.at - first.at > 1.0
        {
            flush(&mut group, &mut merged);
        }
        group.push(rule);
    }
    flush(&mut group, &mut merged);
    merged
}

impl Ruling {
    fn of(rules: &[Rule]) -> Ruling {
        let (horizontal, vertical): (Vec<Rule>, Vec<Rule>) =
            rules.iter().partition(|r| r.horizontal);
        Ruling {
            horizontal: merge(horizontal),
            vertical: merge(vertical),
        }
    }

    /// The cell enclosing a run, when rules close around it. A cell cut by a page
    /// break has no rule on that side: where its side rules end together at the top
    /// or bottom of the page's ruling, their ends close it.
    fn cell_of(&self, run: &Run) -> Option<Cell> {
        let px = run.x0 + ((run.x1 - run.x0) / 2.0).min(1.0);
        let py = run.y + 0.3 * run.size;
        let covers_y = |r: &&Rule| r.from - 1.0 <= py && py <= r.to + 1.0;
        let covers_x = |r: &&Rule| r.from - 1.0 <= px && px <= r.to + 1.0;
        let left = self
            .vertical
            .iter()
            .filter(|r| r.at <= run.x0 + 0.5)
            .filter(covers_y)
            .max_by(|a, b| a.at.total_cmp(&b.at))?;
        let right = self
            .vertical
            .iter()
            .filter(|r| r.at > run.x0 + 0.5)
            .filter(covers_y)
            .min_by(|a, b| a.at.total_cmp(&b.at))?;
        let spans = |at: f32| {
            self.horizontal.iter().any(|r| {
                (r.at - at).abs() < 0.5 && r.from <= left.at + 2.0 && r.to >= right.at - 2.0
            })
        };
        let top = self
            .horizontal
            .iter()
            .filter(|r| r.at > run.y + 0.4 * run.size)
            .filter(covers_x)
            .map(|r| r.at)
            .min_by(f32::total_cmp)
            .filter(|at| spans(*at));
        let bottom = self
            .horizontal
            .iter()
            .filter(|r| r.at < run.y + 0.1 * run.size)
            .filter(covers_x)
            .map(|r| r.at)
            .max_by(f32::total_cmp)
            .filter(|at| spans(*at));
        // Asked only of a cell the page break cut (most runs have a rule above and below).
        let highest = || {
            self.horizontal
                .iter()
                .map(|r| r.at)
                .fold(f32::MIN, f32::max)
        };
        let lowest = || {
            self.horizontal
                .iter()
                .map(|r| r.at)
                .fold(f32::MAX, f32::min)
        };
        let (top, bottom) = match (top, bottom) {
            (Some(top), Some(bottom)) => (top, bottom),
            (None, Some(bottom)) => {
                let end = left.to.min(right.to);
                let together = (left.to - right.to).abs() < 1.5;
                if !(together && end > run.y + 0.4 * run.size && end >= highest() - 1.0) {
                    return None;
                }
                (end, bottom)
            }
            (Some(top), None) => {
                let end = left.from.max(right.from);
                let together = (left.from - right.from).abs() < 1.5;
                if !(together && end < run.y + 0.1 * run.size && end <= lowest() + 1.0) {
                    return None;
                }
                (top, end)
            }
            (None, None) => return None,
        };
        // The side rules run along the whole cell.
        let along = |rule: &Rule| rule.from <= bottom + 2.0 && rule.to >= top - 2.0;
        (along(left) && along(right)).then_some(Cell {
            left: left.at,
            right: right.at,
            top,
            bottom,
        })
    }
}

/// Runs on one baseline, left to right.
struct Line {
    y: f32,
    size: f32,
    runs: Vec<(Run, Option<Cell>)>,
}

fn lines_of(runs: Vec<(Run, Option<Cell>)>) -> Vec<Line> {
    let mut runs = runs;
    runs.sort_by(|a, b| b.0.y.total_cmp(&a.0.y).then(a.0.x0.total_cmp(&b.0.x0)));
    let mut lines: Vec<Line> = Vec::new();
    for (run, cell) in runs {
        match lines.last_mut() {
            Some(line) if (line.y - run.y).abs() <= line.size.max(run.size) / 3.0 => {
                line.size = line.size.max(run.size);
                line.runs.push((run, cell));
            }
            _ => lines.push(Line {
                y: run.y,
                size: run.size,
                runs: vec![(run, cell)],
            }),
        }
    }
    let notes = join_footnote_marks(&mut lines);
    lines.truncate(notes);
    for line in &mut lines {
        line.runs.sort_by(|a, b| a.0.x0.total_cmp(&b.0.x0));
    }
    lines
}

/// A footnote's number set raised and small after the word it marks (「株式会社※¹」)
/// is a line of its own by its baseline: it goes into the line below it, where it
/// stands over that line's text. Only marks: a few digits, ※ or *, in a smaller size,
/// raised by less than the line's size (ruby over kanji is kana, and stays apart).
/// Gives where the page's footnotes start (the count of lines where it has none): the
/// notes at the page's foot, each opened by a mark's number, are no answer's text.
fn join_footnote_marks(lines: &mut Vec<Line>) -> usize {
    /// The most characters a footnote mark has, and the largest share of the line's
    /// size it is set in.
    const MARK_CHARS: usize = 3;
    const MARK_SIZE: f32 = 0.8;
    /// The longest run a note's line is made of (a note is a sentence or two), and the
    /// largest share of the page's text size its words are set in.
    const NOTE_CHARS: usize = 120;
    const NOTE_SIZE: f32 = 0.9;
    let is_mark = |run: &Run| {
        let count = run.text.chars().count();
        (1..=MARK_CHARS).contains(&count)
            && run
                .text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '※' | '*' | '＊'))
    };
    // The numbers of the marks set after a word.
    let mut marked: Vec<String> = Vec::new();
    let mut k = 0;
    while k + 1 < lines.len() {
        let (mark, below) = (&lines[k], &lines[k + 1]);
        let (left, right) = below
            .runs
            .iter()
            .fold((f32::MAX, f32::MIN), |(l, r), (run, _)| {
                (l.min(run.x0), r.max(run.x1))
            });
        let over_below = mark.runs.iter().all(|(run, _)| {
            is_mark(run)
                && run.size <= MARK_SIZE * below.size
                && run.y > below.y
                && run.y - below.y < below.size
                && run.x0 >= left
                && run.x0 <= right + below.size
        });
        if over_below {
            let mark = lines.remove(k);
            marked.extend(
                mark.runs
                    .iter()
                    .map(|(run, _)| note_number(&run.text).to_string()),
            );
            lines[k].runs.extend(mark.runs);
        } else {
            k += 1;
        }
    }
    if marked.is_empty() {
        return lines.len();
    }
    // The notes: the first line opened by the number of a mark and going on with the
    // note in a smaller size than the page's text, when it and every line after it are
    // free text. (A list numbered 「1.」 in an answer is set in the text's size.)
    let mut sizes: Vec<f32> = lines.iter().map(|line| line.size).collect();
    sizes.sort_by(f32::total_cmp);
    let text_size = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
    let opens_note = |line: &Line| {
        let mut runs = line.runs.iter().map(|(run, _)| run);
        let Some(first) = runs.clone().min_by(|a, b| a.x0.total_cmp(&b.x0)) else {
            return false;
        };
        let number = note_number(&first.text);
        !number.is_empty()
            && marked.iter().any(|m| m == number)
            && line.runs.len() > 1
            && runs.all(|run| {
                std::ptr::eq(run, first)
                    || (run.size < NOTE_SIZE * text_size && run.text.chars().count() <= NOTE_CHARS)
            })
    };
    let free = |line: &Line| line.runs.iter().all(|(_, cell)| cell.is_none());
    let mut start = lines.len();
    while start > 0 && free(&lines[start - 1]) {
        start -= 1;
    }
    (start..lines.len())
        .find(|&k| opens_note(&lines[k]))
        .unwrap_or(lines.len())
}

/// The number a footnote mark or note opens with: 「1」 of 「1※」 or 「1)」.
fn note_number(text: &str) -> &str {
    let text = text.trim();
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    &text[..end]
}

/// Where columns of free text start on a page: left edges (to the point) at which
/// text set apart from what precedes it on its line begins on three lines or more.
/// Where three lines or more start, text right after a line's opening number also
/// makes a column start, however close it follows: a sheet's item number, aligned
/// right in a narrow column, nearly touches the answer beside it.
fn column_starts(lines: &[Line]) -> Vec<f32> {
    // Per left edge (to the point): text set apart from what precedes it on its line,
    // lines starting there, and text right after a line's opening number.
    let mut counts: HashMap<i32, (usize, usize, usize)> = HashMap::new();
    for line in lines {
        for (k, (run, cell)) in line.runs.iter().enumerate() {
            if cell.is_some() {
                continue;
            }
            let entry = counts.entry(run.x0.round() as i32).or_default();
            match k.checked_sub(1).map(|k| &line.runs[k].0) {
                None => entry.1 += 1,
                Some(before) if run.x0 - before.x1 > 0.9 * run.size.max(before.size) => {
                    entry.0 += 1
                }
                Some(number)
                    if k == 1
                        && !number.text.is_empty()
                        && number.text.chars().all(|c| c.is_ascii_digit()) =>
                {
                    entry.2 += 1
                }
                Some(_) => {}
            }
        }
    }
    // Neighbouring points count together (an edge at 100.5 rounds either way). Lines
    // that merely start there (an indented paragraph) make no column, but they count
    // where text set apart also starts (a column whose cells mostly open their line).
    let around = |x: i32| {
        (-1..=1)
            .filter_map(|d| counts.get(&(x + d)))
            .fold((0, 0, 0), |(a, s, n), (apart, starting, numbered)| {
                (a + apart, s + starting, n + numbered)
            })
    };
    let mut starts: Vec<f32> = counts
        .keys()
        .filter(|x| {
            let (apart, starting, numbered) = around(**x);
            (apart >= 1 && apart + starting >= 3) || (numbered >= 1 && starting >= 3)
        })
        .map(|x| *x as f32)
        .collect();
    starts.sort_by(f32::total_cmp);
    starts
}

/// Joins runs of one line into a fragment. A space goes between two runs where the
/// writer drew one, or where the gap is wider than a narrow space — unless the gap is
/// the one a writer itself puts between Japanese and Latin text (LibreOffice's
/// autospacing, up to about a quarter of an em), which is no character.
fn fragment<'r>(runs: impl IntoIterator<Item = &'r Run>, spaces: &[Space]) -> Option<Fragment> {
    let mut runs = runs.into_iter();
    let first = runs.next()?;
    let mut fragment = Fragment {
        x0: first.x0,
        x1: first.x1,
        y: first.y,
        size: first.size,
        text: first.text.clone(),
        first_unit: first.first_unit,
        first_glyph: first.first_glyph,
        space_before: first.space_before,
        space_after: first.space_after,
    };
    for run in runs {
        let gap = run.x0 - fragment.x1;
        let em = run.size.max(fragment.size);
        // A space glyph starting in the gap (its advance may be wider than the gap).
        let drawn = spaces
            .iter()
            .any(|space| space.x0 > fragment.x1 - 0.1 * em && space.x0 < run.x0 - 0.1 * em);
        let script_change = changes_script(fragment.text.chars().last(), run.text.chars().next());
        let wide_gap = gap > 0.15 * em && !(script_change && gap < 0.45 * em);
        // An ideographic space drawn as a glyph already separates.
        let spaced = fragment.text.ends_with(char::is_whitespace)
            || run.text.starts_with(char::is_whitespace);
        if (drawn || wide_gap) && !spaced {
            fragment.text.push(' ');
        }
        fragment.text.push_str(&run.text);
        fragment.x1 = fragment.x1.max(run.x1);
        fragment.size = fragment.size.max(run.size);
        fragment.space_after = run.space_after;
    }
    Some(fragment)
}

/// Whether text goes from Japanese to Latin script or back between two characters.
fn changes_script(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(before), Some(after)) => is_wide(before) != is_wide(after),
        _ => false,
    }
}

/// The largest font size of some lines.
pub(super) fn largest_size(lines: &[Fragment]) -> f32 {
    lines.iter().map(|l| l.size).fold(0.0, f32::max)
}

/// The spaces drawn on a line's baseline (`spaces` sorted by y).
fn spaces_on(spaces: &[Space], y: f32, size: f32) -> &[Space] {
    let tolerance = size / 3.0;
    let from = spaces.partition_point(|s| s.y < y - tolerance);
    let to = spaces.partition_point(|s| s.y <= y + tolerance);
    &spaces[from..to.max(from)]
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The text of a cell from its lines, top to bottom. `widest` is how far right any
/// line of the cell's column reaches in the document.
fn join_cell(cell: &Cell, lines: &[Fragment], widest: f32, words_whole: bool) -> String {
    let pad = lines
        .iter()
        .map(|l| l.x0 - cell.left)
        .fold(f32::INFINITY, f32::min)
        .clamp(0.3, 8.0);
    let size = largest_size(lines);
    // Where the writer wraps: as far in from the right rule as the text is from the
    // left one — unless lines of the column, wrapped, show the real margin (writers'
    // right padding need not match their left).
    let inner_right = if widest >= cell.right - pad - 2.0 * size {
        widest - 0.1 * size
    } else {
        cell.right - pad - 0.1 * size
    };
    join_lines(
        lines,
        inner_right,
        inner_right.max(cell.right - pad),
        words_whole,
    )
}

/// Lines of one cell or paragraph as one text: a line the writer wrapped (the next
/// line's first unit would not have fitted before `inner_right`) goes on without a
/// break. `room` is the farthest right a glyph could still have gone. `words_whole`:
/// the writer breaks Latin text only at spaces.
pub(super) fn join_lines(
    lines: &[Fragment],
    inner_right: f32,
    room: f32,
    words_whole: bool,
) -> String {
    let mut text = String::new();
    for (k, line) in lines.iter().enumerate() {
        if k > 0 {
            let previous = &lines[k - 1];
            let between_words = text.chars().last().is_some_and(is_word_char)
                && line.text.chars().next().is_some_and(is_word_char);
            // Between two words the writer also needed room for a space, between
            // Japanese and Latin text for its autospacing (about a fifth of an em).
            let script_change = !text.ends_with(char::is_whitespace)
                && changes_script(text.chars().last(), line.text.chars().next());
            let space = if between_words {
                0.5 * line.size
            } else if script_change {
                0.2 * line.size
            } else {
                0.0
            };
            let wrapped = previous.x1 + space + line.first_unit > inner_right;
            // A line broken at a space keeps one space: drawn at the end of the line,
            // at the start of the next, or implied between two words when the next
            // character would have fitted (else the writer broke the word itself).
            // A writer that keeps Latin words whole breaks one only when the line holds
            // nothing else (no space, no Japanese to break at).
            let one_word =
                !previous.text.contains(char::is_whitespace) && !previous.text.chars().any(is_wide);
            let word_break = between_words
                && ((words_whole && !one_word) || previous.x1 + line.first_glyph <= room);
            if !wrapped || starts_entry(&previous.text, &line.text) {
                text.push('\n');
            } else if previous.space_after || line.space_before || word_break {
                text.push(' ');
            }
        }
        text.push_str(&line.text);
    }
    text
}

/// Whether a line that could have been wrapped starts a new entry of a list instead:
/// the line before closes a sentence or a bracket and this one opens a bracketed
/// heading, a bullet, or a 「label：」 (「…を提供する。」 then 「【安全性】…」, 「…（現任）」
/// then 「資格：…」); or both lines open alike (「1991年 …」 then 「2009年 …」); or the
/// line opens with a list's enumerator (「A. 有り（…）」 under a question however it
/// ends). A writer wraps there too, but an applicant breaks there far more often, and
/// the geometry cannot tell the two apart.
fn starts_entry(previous: &str, line: &str) -> bool {
    opens_alike(previous, line)
        || closes_then_opens(previous, line)
        || pairs_alike(previous, line)
        || opens_with_enumerator(line)
}

/// Two lines each a name and a value set apart by an ideographic space, the first
/// ending in a figure (「株式会社みなと総合研究所　18.0%」 then 「高橋 健一　12.3%」).
fn pairs_alike(previous: &str, line: &str) -> bool {
    let pair = |text: &str| {
        let text = text.trim_matches(' ');
        text.trim_matches('\u{3000}').contains('\u{3000}')
    };
    let ends_in_figure = previous
        .trim_end()
        .trim_end_matches(['%', '％', '）', ')', '名', '円', '件', '年'])
        .ends_with(|c: char| c.is_ascii_digit());
    ends_in_figure && pair(previous) && pair(line)
}

/// Two lines open alike: with the same punctuation mark (「・停電…」 and 「・無給油…」),
/// or with a number of two digits or more followed by the same word (「1968年」 and
/// 「1991年」).
fn opens_alike(previous: &str, line: &str) -> bool {
    let first_mark = |text: &str| {
        text.trim_start()
            .chars()
            .next()
            .filter(|c| !c.is_alphanumeric() && !c.is_whitespace())
    };
    let word_after_number = |text: &str| {
        let text = text.trim_start();
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        text.chars()
            .nth(digits)
            .filter(|c| digits >= 2 && c.is_alphabetic() && !c.is_ascii())
    };
    match (first_mark(previous), first_mark(line)) {
        (Some(a), Some(b)) => a == b,
        _ => word_after_number(previous).is_some_and(|a| word_after_number(line) == Some(a)),
    }
}

/// A line opening with a list's enumerator: a letter or a number of two characters at
/// most and a full stop, then a space or Japanese (「A. ×（…）」, 「2．保守」), not a
/// decimal figure (「2.5 Gbps」) nor an abbreviation (「e.g.」).
fn opens_with_enumerator(line: &str) -> bool {
    let head = line.trim_start();
    let mark = head.chars().take_while(char::is_ascii_alphanumeric).count();
    let mut rest = head.chars().skip(mark);
    (1..=2).contains(&mark)
        && matches!(rest.next(), Some('.' | '．'))
        && rest
            .next()
            .is_some_and(|c| c.is_whitespace() || !c.is_ascii())
}

fn closes_then_opens(previous: &str, line: &str) -> bool {
    let closes = previous
        .trim_end()
        .ends_with(['。', '）', ')', '】', '」', '%', '％']);
    let opens = line.starts_with(['【', '・', '●', '■', '◆', '※', '①', '②', '③', '④', '⑤'])
        || line
            .char_indices()
            .take_while(|(_, c)| !matches!(c, '、' | '。' | '（' | '(' | ' '))
            .take(12)
            .any(|(_, c)| matches!(c, '：' | ':'));
    closes && opens
}

/// A block before its column is numbered: free text, or a cell's lines (joined once
/// the document's columns are known).
pub(super) struct Unit {
    pub(super) text: String,
    pub(super) lines: Vec<Fragment>,
    pub(super) x0: f32,
    pub(super) cell: Option<Cell>,
    /// Free text cut from what follows only because that starts a column of the
    /// page: it belongs to a column left of the next unit's.
    touches_next_column: bool,
}

/// One page's rows, top to bottom, with the rules found on it.
pub struct PageRows {
    page: u32,
    ruled: bool,
    rows: Vec<Vec<Unit>>,
    vertical_rules: Vec<f32>,
    /// The lowest horizontal rule: where the page's table ends.
    lowest_rule: Option<f32>,
}

/// The runs with each cut where a glyph hung over a vertical rule (see
/// [`super::content::Hang`]): the text after the rule is the next cell's.
fn split_where_hung(runs: Vec<Run>, hangs: &[Hang], vertical: &[Rule]) -> Vec<Run> {
    let ruled_under = |hang: &&Hang| {
        let Some(run) = runs.get(hang.run) else {
            return false;
        };
        let py = run.y + 0.3 * run.size;
        // The rules are in order of position (merge sorts them, within a point).
        let from = vertical.partition_point(|r| r.at <= hang.hung_x0 - 1.0);
        vertical[from..]
            .iter()
            .take_while(|r| r.at <= hang.next_x0 + 1.5)
            .any(|r| {
                r.from - 1.0 <= py
                    && py <= r.to + 1.0
                    && r.at > hang.hung_x0
                    && r.at <= hang.next_x0 + 0.5
            })
            && hang.at > 0
            && run.text.is_char_boundary(hang.at)
    };
    // In the order of the runs, and of the text within each.
    let cuts: Vec<&Hang> = hangs.iter().filter(ruled_under).collect();
    if cuts.is_empty() {
        return runs;
    }
    let mut out = Vec::with_capacity(runs.len() + cuts.len());
    let mut next_cut = 0;
    for (index, mut run) in runs.into_iter().enumerate() {
        let own = next_cut
            ..cuts[next_cut..]
                .iter()
                .position(|c| c.run != index)
                .map_or(cuts.len(), |n| next_cut + n);
        next_cut = own.end;
        // Cut from the last back, so that each cut's byte offset still holds.
        let mut rests = Vec::new();
        for hang in cuts[own].iter().rev() {
            let rest = Run {
                x0: hang.next_x0,
                x1: run.x1,
                y: run.y,
                size: run.size,
                text: run.text.split_off(hang.at),
                // The unit's own width is not known past its first glyph.
                first_unit: hang.next_width,
                first_glyph: hang.next_width,
                space_before: false,
                space_after: run.space_after,
                clip_right: run.clip_right,
            };
            run.x1 = hang.next_x0;
            run.space_after = false;
            rests.push(rest);
        }
        out.push(run);
        out.extend(rests.into_iter().rev());
    }
    out
}

/// Lays out one page.
pub fn page_rows(page: u32, content: PageContent) -> PageRows {
    let ruling = Ruling::of(&content.rules);
    // Placing each run among the rules costs runs × rules: a page beyond any real form
    // is read without its ruling rather than slowly.
    let affordable = (content.runs.len() as u64)
        .saturating_mul((ruling.horizontal.len() + ruling.vertical.len()) as u64)
        <= MAX_PLACEMENTS;
    let runs: Vec<(Run, Option<Cell>)> =
        split_where_hung(content.runs, &content.hangs, &ruling.vertical)
            .into_iter()
            .map(|run| {
                let cell = if affordable {
                    ruling.cell_of(&run)
                } else {
                    None
                };
                (run, cell)
            })
            .collect();
    let ruled = runs.iter().any(|(_, cell)| cell.is_some());
    let lines = lines_of(runs);
    let mut spaces = content.spaces;
    spaces.sort_by(|a, b| a.y.total_cmp(&b.y));
    let column_starts = column_starts(&lines);

    // Cells collect their lines; free text makes rows of its own. Cells found from the
    // same rules are bit-identical, which keys them.
    let mut cells: Vec<(Cell, Vec<Fragment>)> = Vec::new();
    let mut cell_index: HashMap<[u32; 4], usize> = HashMap::new();
    // (y for ordering, units): free rows now, cell rows below.
    let mut rows: Vec<(f32, Vec<Unit>)> = Vec::new();
    for line in &lines {
        let line_spaces = spaces_on(&spaces, line.y, line.size);
        let mut free: Vec<Unit> = Vec::new();
        let mut i = 0;
        while i < line.runs.len() {
            let cell = line.runs[i].1;
            let mut j = i + 1;
            let mut touches_next_column = false;
            match cell {
                Some(c) => {
                    while j < line.runs.len() && line.runs[j].1.as_ref().is_some_and(|d| d.same(&c))
                    {
                        j += 1;
                    }
                }
                None => {
                    while j < line.runs.len() && line.runs[j].1.is_none() {
                        let (previous, next) = (&line.runs[j - 1].0, &line.runs[j].0);
                        let gap = next.x0 - previous.x1;
                        let ruled_between = ruling.vertical.iter().any(|r| {
                            r.at > previous.x1 - 0.5
                                && r.at < next.x0 + 0.5
                                && r.from - 1.0 <= line.y
                                && line.y <= r.to + 1.0
                        });
                        // Text clipped before the next run starts is another cell's.
                        let clipped_apart = previous
                            .clip_right
                            .is_some_and(|right| right <= next.x0 + 0.5);
                        // Text that starts where a column of the page starts is that
                        // column's, however close the text before it ends (a number
                        // aligned right against the answer beside it).
                        // (A space drawn between them says they are one cell's.)
                        let starts_column = next.x0 > previous.x0 + 1.0
                            && column_starts.iter().any(|x| (x - next.x0).abs() <= 1.0)
                            && !line_spaces
                                .iter()
                                .any(|space| space.x0 > previous.x1 - 0.5 && space.x0 < next.x0);
                        if ruled_between || clipped_apart {
                            break;
                        }
                        // A heading's outline number or a list's bullet hangs before
                        // its words, a tab apart (「1.2.1.1」 … 「事業者名」, 「■」 …
                        // 「1件」): one line of text still.
                        let hung_mark = || {
                            let mark: String = line.runs[i..j]
                                .iter()
                                .map(|(run, _)| run.text.as_str())
                                .collect();
                            let mark = mark.trim();
                            (is_outline_number(mark) || is_bullet(mark))
                                && !next.text.starts_with(|c: char| c.is_ascii_digit())
                        };
                        let apart = gap > 0.9 * previous.size.max(next.size);
                        if (apart || starts_column) && hung_mark() {
                            j += 1;
                            continue;
                        }
                        if apart {
                            break;
                        }
                        if starts_column {
                            touches_next_column = true;
                            break;
                        }
                        j += 1;
                    }
                }
            }
            let group = line.runs[i..j].iter().map(|(run, _)| run);
            if let Some(fragment) = fragment(group, line_spaces) {
                match cell {
                    Some(c) => {
                        let key = [c.left, c.right, c.top, c.bottom].map(f32::to_bits);
                        match cell_index.get(&key) {
                            Some(&k) => cells[k].1.push(fragment),
                            None => {
                                cell_index.insert(key, cells.len());
                                cells.push((c, vec![fragment]));
                            }
                        }
                    }
                    None => free.push(Unit {
                        text: fragment.text.clone(),
                        x0: fragment.x0,
                        lines: vec![fragment],
                        cell: None,
                        touches_next_column,
                    }),
                }
            }
            i = j;
        }
        if !free.is_empty() {
            rows.push((text_top(line.y, line.size), free));
        }
    }

    // Cells hanging from the same top rule make one row.
    let mut cell_units: Vec<(f32, Unit)> = Vec::with_capacity(cells.len());
    for (cell, mut fragments) in cells {
        fragments.sort_by(|a, b| b.y.total_cmp(&a.y));
        // Fragments of one line within the cell (split by a wide gap) join with a space.
        let mut lines: Vec<Fragment> = Vec::with_capacity(fragments.len());
        for fragment in fragments {
            match lines.last_mut() {
                Some(last) if (last.y - fragment.y).abs() <= last.size.max(fragment.size) / 3.0 => {
                    if fragment.x0 >= last.x1 {
                        last.text.push(' ');
                        last.text.push_str(&fragment.text);
                        last.x1 = fragment.x1;
                        last.space_after = fragment.space_after;
                    } else {
                        let mut text = fragment.text.clone();
                        text.push(' ');
                        text.push_str(&last.text);
                        last.text = text;
                        last.x0 = fragment.x0;
                        last.first_unit = fragment.first_unit;
                        last.first_glyph = fragment.first_glyph;
                        last.space_before = fragment.space_before;
                    }
                }
                _ => lines.push(fragment),
            }
        }
        let x0 = lines.iter().map(|l| l.x0).fold(f32::INFINITY, f32::min);
        let unit = Unit {
            text: String::new(),
            lines,
            x0,
            cell: Some(cell),
            touches_next_column: false,
        };
        cell_units.push((cell.top, unit));
    }
    cell_units.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut cell_rows: Vec<(f32, Vec<Unit>)> = Vec::new();
    for (top, unit) in cell_units {
        match cell_rows.last_mut() {
            Some((row_top, units)) if (*row_top - top).abs() < 1.0 => units.push(unit),
            _ => cell_rows.push((top, vec![unit])),
        }
    }
    rows.extend(cell_rows);
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    join_text_beside_cells(&mut rows);
    // The page's printed number at its foot or head (「3 / 14」 on page 3) is the
    // writer's, not the form's: left in, it reads as the last answer of the page.
    let is_page_number = |units: &[Unit]| {
        matches!(units, [unit] if unit.cell.is_none()
            && crate::text::printed_page_number(&crate::text::fold(&unit.text)) == Some(page))
    };
    if rows.last().is_some_and(|(_, units)| is_page_number(units)) {
        rows.pop();
    }
    if rows.first().is_some_and(|(_, units)| is_page_number(units)) {
        rows.remove(0);
    }
    let rows = rows
        .into_iter()
        .map(|(_, mut units)| {
            units.sort_by(|a, b| {
                let left = |u: &Unit| u.cell.map_or(u.x0, |c| c.left);
                left(a).total_cmp(&left(b))
            });
            units
        })
        .collect();
    PageRows {
        page,
        ruled,
        rows,
        lowest_rule: ruling.horizontal.iter().map(|r| r.at).reduce(f32::min),
        vertical_rules: if ruled {
            ruling.vertical.iter().map(|r| r.at).collect()
        } else {
            Vec::new()
        },
    }
}

/// How many rows above a line of free text are looked at for the ruled cells it is
/// printed beside: the lines of one row of cells, a few at most.
const ROWS_BESIDE: usize = 3;

/// Free text printed beside a row of ruled cells, within their height but in none of
/// them, is that row's: on a form drawn on a grid of narrow cells only the boxes are
/// ruled, and the units, the date's 年月日 and the choice words beside the check boxes
/// (「2025」 | 「年」, 「○」 | 「有り」 … 「無し」) are text of the same printed line,
/// their baselines a little apart from the boxed text's.
fn join_text_beside_cells(rows: &mut Vec<(f32, Vec<Unit>)>) {
    let mut r = 0;
    while r < rows.len() {
        let free = &rows[r].1;
        let beside = (r.saturating_sub(ROWS_BESIDE)..r)
            .rev()
            .filter(|_| free.iter().all(|unit| unit.cell.is_none()))
            .find(|&k| prints_beside(&rows[k].1, free));
        match beside {
            Some(k) => {
                let (_, units) = rows.remove(r);
                rows[k].1.extend(units);
            }
            None => r += 1,
        }
    }
}

/// Whether every line of `free` lies within the height common to the ruled cells of
/// `row`, and clear of each of them across.
fn prints_beside(row: &[Unit], free: &[Unit]) -> bool {
    let cells: Vec<&Cell> = row.iter().filter_map(|unit| unit.cell.as_ref()).collect();
    let Some(top) = cells.iter().map(|c| c.top).reduce(f32::min) else {
        return false;
    };
    let bottom = cells.iter().map(|c| c.bottom).fold(f32::MIN, f32::max);
    free.iter().flat_map(|unit| &unit.lines).all(|line| {
        line.y > bottom
            && line.y + line.size * 0.8 < top
            && cells
                .iter()
                .all(|c| line.x1 <= c.left + 0.5 || line.x0 >= c.right - 0.5)
    })
}

/// A list's bullet: one of the marks lists are bulleted with, or a symbol font's
/// private-use glyph. Marks an answer may be (「○」, 「×」, 「◎」, 「△」) are not.
fn is_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None)
        if "■□●◆◇・•▪▫▸►▶➢➤◦‣".contains(c) || ('\u{E000}'..='\u{F8FF}').contains(&c))
}

/// 「2.2」, 「1.2.1.1」, 「3.1.」: a number of two levels or more, as an outline numbers
/// its headings (a single 「12」 may be a column of item numbers set without rules).
fn is_outline_number(text: &str) -> bool {
    let text = text.strip_suffix(['.', '．']).unwrap_or(text);
    let mut levels = 0;
    for level in text.split(['.', '．']) {
        if level.is_empty() || level.len() > 3 || !level.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        levels += 1;
    }
    levels >= 2
}

/// Positions within `tolerance` of each other (single linkage, a cluster at most
/// four tolerances wide), as cluster starts, left to right.
fn clusters(mut xs: Vec<f32>, tolerance: f32) -> Vec<f32> {
    xs.sort_by(f32::total_cmp);
    let mut starts: Vec<f32> = Vec::new();
    let mut previous: Option<f32> = None;
    for x in xs {
        let joins = previous.is_some_and(|p| x - p <= tolerance)
            && starts.last().is_some_and(|s| x - s <= 4.0 * tolerance);
        if !joins {
            starts.push(x);
        }
        previous = Some(x);
    }
    starts
}

/// How many cluster starts lie at or left of `x` (with some slack).
fn count_left_of(starts: &[f32], x: f32, slack: f32) -> u32 {
    starts.partition_point(|s| *s <= x + slack) as u32
}

/// A table column's cells are known by their side rules (to half a point).
fn column_key(cell: &Cell) -> (i32, i32) {
    (
        (cell.left * 2.0).round() as i32,
        (cell.right * 2.0).round() as i32,
    )
}

/// How far right the lines of each table column reach, over the whole document: the
/// third farthest line end, so that a line the writer could not break (a long URL)
/// and let run past the margin does not move it.
fn widest_lines(pages: &[PageRows]) -> HashMap<(i32, i32), f32> {
    let mut ends: HashMap<(i32, i32), [f32; 3]> = HashMap::new();
    for unit in pages.iter().flat_map(|p| p.rows.iter().flatten()) {
        if let Some(cell) = &unit.cell {
            let top = ends.entry(column_key(cell)).or_insert([f32::MIN; 3]);
            for line in &unit.lines {
                // Keep the three largest, largest first.
                let mut x1 = line.x1;
                for slot in top.iter_mut() {
                    if x1 > *slot {
                        std::mem::swap(slot, &mut x1);
                    }
                }
            }
        }
    }
    ends.into_iter()
        .map(|(key, top)| {
            let known = top.iter().filter(|x| **x > f32::MIN).count();
            (key, top[known.clamp(1, 3) - 1])
        })
        .collect()
}

/// A row's plain text, for recognizing a header the writer repeats on each page.
/// The height of a row of free text, which with its signature keys it, to know it
/// printed again atop another page; none for a row with a cell.
fn free_row_height(units: &[Unit]) -> Option<i32> {
    let line = units.first()?.lines.first()?;
    units
        .iter()
        .all(|u| u.cell.is_none())
        .then(|| line.y.round() as i32)
}

fn row_signature(units: &[Unit]) -> String {
    units.iter().map(unit_text).collect::<Vec<_>>().join("|")
}

/// A unit's text as printed: a cell's lines run together, free text as it is.
fn unit_text(unit: &Unit) -> String {
    if unit.cell.is_some() {
        unit.lines.iter().map(|l| l.text.as_str()).collect()
    } else {
        unit.text.clone()
    }
}

/// Where a line of text at baseline `y` tops: a row of free text is placed by it.
fn text_top(y: f32, size: f32) -> f32 {
    y + 0.7 * size
}

/// A free row's text with its figures blanked: a running head or foot prints alike on
/// each page but for the page's own figures (「1」, 「ページ 9」). None for a row with a
/// cell.
fn running_text(units: &[Unit]) -> Option<String> {
    units.iter().all(|u| u.cell.is_none()).then(|| {
        row_signature(units)
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect()
    })
}

/// Where a row prints: the top of its highest cell or line.
fn row_top(units: &[Unit]) -> f32 {
    units
        .iter()
        .map(|u| match u.cell {
            Some(cell) => cell.top,
            None => u
                .lines
                .iter()
                .map(|l| text_top(l.y, l.size))
                .fold(f32::MIN, f32::max),
        })
        .fold(f32::MIN, f32::max)
}

/// A page's row heights, where they can tell a strip: rows enough, of uneven pitch.
fn strip_tops(rows: &[Vec<Unit>]) -> Option<Vec<f32>> {
    if rows.len() < STRIP_ROWS {
        return None;
    }
    let tops: Vec<f32> = rows.iter().map(|units| row_top(units)).collect();
    let pitches: Vec<f32> = tops.windows(2).map(|w| w[0] - w[1]).collect();
    let widest = pitches.iter().copied().fold(f32::MIN, f32::max);
    let narrowest = pitches.iter().copied().fold(f32::MAX, f32::min);
    (widest - narrowest > STRIP_PITCH_SPREAD).then_some(tops)
}

/// Whether the rows of page `strip` print at the heights of rows of page `page`: nine
/// in ten of them at least (a row's text set lower in a cell left unruled misses), and
/// two in three of the page's (a strip leaves out the rows its columns hold nothing of:
/// a blank answer, a banner's). Pages of one table printed at an even pitch share
/// some heights, never so many of both.
fn prints_at_rows_of(page: &[f32], strip: &[f32]) -> bool {
    // Too few rows either way: no need to compare them.
    if strip.len() * 3 < page.len() * 2 || page.len() * 10 < strip.len() * 9 {
        return false;
    }
    // Both top to bottom: one pass.
    let (mut at_a_row, mut k) = (0usize, 0usize);
    for &y in strip {
        while k < page.len() && page[k] > y + STRIP_ROW_SLACK {
            k += 1;
        }
        at_a_row += usize::from(
            page.get(k)
                .is_some_and(|x| (x - y).abs() <= STRIP_ROW_SLACK),
        );
    }
    at_a_row >= STRIP_ROWS && at_a_row * 10 >= strip.len() * 9 && at_a_row * 3 >= page.len() * 2
}

/// Where a unit's column starts: its cell's left edge, or its text's.
fn unit_left(unit: &Unit) -> f32 {
    unit.cell.map_or(unit.x0, |cell| cell.left)
}

/// Whether two units stand in one column: cells ruled alike across, free text starting
/// alike.
fn same_column(a: &Unit, b: &Unit) -> bool {
    let close = |x: f32, y: f32| (x - y).abs() <= STRIP_COLUMN_SLACK;
    match (a.cell, b.cell) {
        (Some(a), Some(b)) => close(a.left, b.left) && close(a.right, b.right),
        (None, None) => close(a.x0, b.x0),
        _ => false,
    }
}

/// Whether most of page `strip`'s text stands in no column of page `page`: other
/// columns of the sheet, not the same table's next rows under its columns.
fn other_columns(page: &[Vec<Unit>], strip: &[Vec<Unit>]) -> bool {
    let (mut shared, mut units) = (0usize, 0usize);
    for unit in strip.iter().flatten() {
        units += 1;
        shared += usize::from(page.iter().flatten().any(|u| same_column(u, unit)));
    }
    2 * shared < units
}

/// A sheet wider than the page, printed in strips of whole columns (「下へ、次に右へ」:
/// the pages of the first columns, then those of the next; 「右へ、次に下へ」: each page
/// followed by the next columns of its rows). A page whose rows print at the heights of
/// an earlier page's rows, in other columns, holds those rows' next columns: each
/// of its rows joins the row it prints beside, set right of it, and what it repeats of
/// it (the No. column as a print title, a banner's text) is read once.
fn join_strips(pages: &mut Vec<PageRows>) {
    let tops: Vec<Option<Vec<f32>>> = pages.iter().map(|p| strip_tops(&p.rows)).collect();
    let mut joined = vec![false; pages.len()];
    for b in 1..pages.len() {
        let Some(strip_tops) = &tops[b] else {
            continue;
        };
        let continued = |a: usize| {
            tops[a]
                .as_ref()
                .is_some_and(|page_tops| prints_at_rows_of(page_tops, strip_tops))
                && other_columns(&pages[a].rows, &pages[b].rows)
        };
        let Some(a) = (b.saturating_sub(MAX_STRIP_PAGES)..b).find(|&a| !joined[a] && continued(a))
        else {
            continue;
        };
        joined[b] = true;
        let right = pages[a]
            .rows
            .iter()
            .flatten()
            .map(|u| match u.cell {
                Some(cell) => cell.right,
                None => u.lines.iter().map(|l| l.x1).fold(u.x0, f32::max),
            })
            .fold(0.0, f32::max);
        let strip_left = pages[b]
            .rows
            .iter()
            .flatten()
            .map(unit_left)
            .fold(f32::MAX, f32::min);
        let shift = right + STRIP_GAP - strip_left;
        let strip = std::mem::take(&mut pages[b].rows);
        let rules: Vec<f32> = pages[b].vertical_rules.iter().map(|x| x + shift).collect();
        let page = &mut pages[a];
        page.vertical_rules.extend(rules);
        let page_tops: Vec<f32> = page.rows.iter().map(|units| row_top(units)).collect();
        for units in strip {
            // The row it prints beside: the lowest starting above it.
            let top = row_top(&units);
            let Some(r) = page_tops.iter().rposition(|t| *t >= top - STRIP_ROW_SLACK) else {
                continue;
            };
            let row = &mut page.rows[r];
            // The page's running head or foot, printed on each strip: read once.
            if running_text(row).is_some_and(|head| Some(head) == running_text(&units)) {
                continue;
            }
            let printed: Vec<String> = row.iter().map(unit_text).collect();
            for mut unit in units {
                if printed.contains(&unit_text(&unit)) {
                    continue;
                }
                unit.x0 += shift;
                for line in &mut unit.lines {
                    line.x0 += shift;
                    line.x1 += shift;
                }
                if let Some(cell) = unit.cell.as_mut() {
                    cell.left += shift;
                    cell.right += shift;
                }
                row.push(unit);
            }
        }
    }
    let mut kept = joined.iter().map(|j| !j);
    pages.retain(|_| kept.next().unwrap_or(true));
}

/// Whether `row` is the page head `head` printed again with more text in its cells:
/// two cells or more, each holding the head's text, and not the head itself.
fn printed_over(head: &str, row: &str) -> bool {
    let (head_cells, row_cells): (Vec<&str>, Vec<&str>) =
        (head.split('|').collect(), row.split('|').collect());
    head != row
        && head_cells.len() >= 2
        && head_cells.len() == row_cells.len()
        && head_cells
            .iter()
            .zip(&row_cells)
            .all(|(h, r)| !h.is_empty() && r.contains(h))
}

/// Whether `next`, the first row of a table on a new page, goes on with `last`, the
/// row the previous page's table ended with: writers split a tall row at the page
/// break and close both parts with rules. It does when each of `next`'s cells goes on
/// from the cell of its column in `last`, whose last line the writer wrapped (the
/// first word of `next`'s part would not have fitted after it). A new item's row has
/// a number or title that goes on from nothing.
fn continues(last: &[Unit], next: &[Unit], widest: &HashMap<(i32, i32), f32>) -> bool {
    let mut cells = next.iter().filter(|u| u.cell.is_some()).peekable();
    cells.peek().is_some()
        && cells.all(|unit| {
            let (Some(cell), Some(first)) = (&unit.cell, unit.lines.first()) else {
                return true;
            };
            last.iter().any(|above| {
                let (Some(above_cell), Some(end)) = (&above.cell, above.lines.last()) else {
                    return false;
                };
                if column_key(above_cell) != column_key(cell) {
                    return false;
                }
                let edge = widest.get(&column_key(cell)).copied().unwrap_or(cell.right);
                // The line above ends short of the edge by less than the next line's
                // first unit, which would not have fitted: a line wrapped there. A long
                // first unit (Latin words held together by brackets) leaves a wide gap.
                // The widest line may stop short of the cell's true edge, never past it:
                // a gap the unit fits in, however narrowly, is no wrap (a label row at a
                // page's foot, its answer row atop the next).
                let gap = edge - end.x1;
                gap < first.first_unit.min(MAX_WRAP_GAP_EMS * end.size)
            })
        })
}

/// Joins rows a page break split: each cell of `part` goes under the cell of its
/// column in `row` (or beside the others when the column had nothing above).
fn join_parts(row: &mut Vec<Unit>, part: Vec<Unit>) {
    for unit in part {
        let above = unit.cell.as_ref().and_then(|cell| {
            row.iter_mut().find(|u| {
                u.cell
                    .as_ref()
                    .is_some_and(|c| column_key(c) == column_key(cell))
            })
        });
        match above {
            Some(above) => above.lines.extend(unit.lines),
            None => row.push(unit),
        }
    }
}

/// Joins the lines of paragraphs outside tables: a row that is one line of free text
/// goes on from the row before, also one line, when that line reaches the right
/// margin (`edge`, how far any free line reaches in the document), the next line's
/// first unit would not have fitted after it, the next line starts no further right
/// (a paragraph's first line may be indented, the others are not) and follows at
/// the distance of lines (a heading or the next paragraph is set further apart).
fn rebuild_paragraphs(laid: Vec<(u32, bool, Vec<Unit>)>, edge: f32) -> Vec<(u32, bool, Vec<Unit>)> {
    let single_line = |units: &[Unit]| units.len() == 1 && units[0].cell.is_none();
    let mut out: Vec<(u32, bool, Vec<Unit>)> = Vec::new();
    for (page, ruled, mut units) in laid {
        if single_line(&units)
            && let Some((before_page, _, before)) = out.last_mut()
            && single_line(before)
            && let (Some(end), Some(next)) = (before[0].lines.last(), units[0].lines.first())
        {
            let close = *before_page != page || end.y - next.y <= 1.6 * end.size;
            // A wrapped line spans the text column (ten characters at the least) and
            // ends as near the margin as the next line's first unit allowed (a long
            // one, 「で、ASP・SaaS」, leaves a wide gap).
            let wrapped = close
                && end.x1 - end.x0 >= 10.0 * end.size
                && end.x1 >= edge - (2.0 * end.size).max(next.first_unit)
                && end.x1 + next.first_unit > edge - 0.1 * end.size
                && next.x0 <= end.x0 + 0.5 * end.size
                && (next.size - end.size).abs() <= 0.2 * end.size
                // A new entry of a list opens a paragraph of its own.
                && !starts_entry(&end.text, &next.text);
            if wrapped {
                let lines = std::mem::take(&mut units[0].lines);
                before[0].lines.extend(lines);
                continue;
            }
        }
        out.push((page, ruled, units));
    }
    out
}

/// Whether a block reads as a typed figure (a number, date, percentage or sum), which
/// a spreadsheet aligns right by default: 「1,284」, 「48.60%」, 「2024年6月1日」,
/// 「18,765,432千円」.
fn reads_as_figure(text: &str) -> bool {
    text.chars().count() <= MAX_FIGURE_CHARS
        && text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '¥' | '￥' | '$' | '-'))
        && text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    ',' | '.' | '/' | '-' | ':' | '%' | '¥' | '￥' | '$' | ' '
                )
                || "年月日円千万億".contains(c)
        })
}

/// On a page printed without rules a figure aligned right starts inside its cell, at
/// no column's left edge, and would be numbered as a column of its own. It is moved
/// to the left edge of the column it stands in: the nearest edge on its left where
/// text of the page starts and reaches past the figure's start (the column is at
/// least that wide). A column of figures (item numbers) under its heading keeps its
/// own edge, the heading's.
fn align_figures_left(rows: &mut [Vec<Unit>]) {
    let extent = |unit: &Unit| unit.lines.iter().map(|l| l.x1).fold(unit.x0, f32::max);
    // Left edges of text that is no figure, left to right: the leftmost start, how far
    // the text reaches, and how many blocks start there. Sorted once, so a page of any
    // number of blocks costs its sort.
    let mut starts: Vec<(f32, f32)> = rows
        .iter()
        .flatten()
        .filter(|unit| !reads_as_figure(&unit.text))
        .map(|unit| (unit.x0, extent(unit)))
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut edges: Vec<(f32, f32, usize)> = Vec::new();
    for (x0, reach) in starts {
        match edges.last_mut() {
            Some(edge) if x0 - edge.0 <= EDGE_TOLERANCE => {
                *edge = (edge.0, edge.1.max(reach), edge.2 + 1);
            }
            _ => edges.push((x0, reach, 1)),
        }
    }
    // A line alone at its start (a wrapped line, a note) makes no column.
    edges.retain(|edge| edge.2 > 1);
    for unit in rows.iter_mut().flatten() {
        if unit.cell.is_some() || unit.lines.len() != 1 || !reads_as_figure(&unit.text) {
            continue;
        }
        // The edges left of the figure's start (to a point), the nearest last.
        let left = edges.partition_point(|(x0, _, _)| *x0 < unit.x0 + 1.0);
        let Some(&(x0, reach, _)) = left.checked_sub(1).and_then(|i| edges.get(i)) else {
            continue;
        };
        // At an edge, or just right of one (a figure aligned left in its column).
        if unit.x0 - x0 <= EDGE_TOLERANCE {
            continue;
        }
        if reach > unit.x0 {
            unit.x0 = x0;
        }
    }
}

/// Numbers the columns across the whole document and gives the model's rows.
pub fn number_columns(mut pages: Vec<PageRows>, words_whole: bool) -> Vec<Row> {
    join_strips(&mut pages);
    for page in pages.iter_mut().filter(|p| !p.ruled) {
        align_figures_left(&mut page.rows);
    }
    let rule_columns = clusters(
        pages
            .iter()
            .flat_map(|p| p.vertical_rules.iter().copied())
            .collect(),
        2.0,
    );
    let edge_columns = clusters(
        pages
            .iter()
            .filter(|p| !p.ruled)
            .flat_map(|p| p.rows.iter().flatten())
            .filter(|u| !u.touches_next_column)
            .map(|u| u.x0)
            .collect(),
        4.0,
    );
    let widest = widest_lines(&pages);
    // Where the fullest page's table ends: the bottom of the writing area.
    let bottom = pages.iter().filter_map(|p| p.lowest_rule).reduce(f32::min);

    // (page, ruled, units); rows a page break split joined again.
    let mut laid: Vec<(u32, bool, Vec<Unit>)> = Vec::new();
    // The rows pages start with: a header the writer repeats on each page.
    let mut page_heads: std::collections::BTreeSet<String> = Default::default();
    let mut print_titles: std::collections::HashSet<(String, i32)> = Default::default();
    // A running head (「株式会社〇〇　社外秘」), one free row atop most pages at one height.
    let mut first_rows: HashMap<(String, i32), usize> = HashMap::new();
    for page in &pages {
        if let Some(units) = page.rows.first()
            && let Some(height) = free_row_height(units)
        {
            *first_rows
                .entry((row_signature(units), height))
                .or_default() += 1;
        }
    }
    let page_count = pages.len();
    // Printed on most pages: a running head's or foot's count.
    let on_most_pages = |count: usize| count >= MIN_RUNNING_HEAD_PAGES && 2 * count >= page_count;
    let running_head =
        |key: &(String, i32)| first_rows.get(key).copied().is_some_and(on_most_pages);
    // A running foot (「© 2024 申請管理サイト」, 「https://… | ページ 2」): free rows closing
    // most pages at one height, alike but for their figures. Never an answer, it is not
    // read at all: kept once, it would run on from the answer above it.
    let foot_key = |units: &[Unit]| Some((running_text(units)?, free_row_height(units)?));
    let mut last_rows: HashMap<(String, i32), usize> = HashMap::new();
    // The row a page opens with closes no page: it is its text (or its running head).
    let foot_rows = |rows: usize| MAX_RUNNING_FOOT_ROWS.min(rows.saturating_sub(1));
    for page in &pages {
        for units in page.rows.iter().rev().take(foot_rows(page.rows.len())) {
            if let Some(key) = foot_key(units) {
                *last_rows.entry(key).or_default() += 1;
            }
        }
    }
    let running_foot = |units: &[Unit]| {
        foot_key(units).is_some_and(|key| last_rows.get(&key).copied().is_some_and(on_most_pages))
    };
    for mut page in pages {
        for _ in 0..foot_rows(page.rows.len()) {
            if !page.rows.last().is_some_and(|units| running_foot(units)) {
                break;
            }
            page.rows.pop();
        }
        // The row the previous page's table ended with at the bottom of the writing
        // area, which the writer may have split.
        let mut open = laid.len().checked_sub(1).filter(|&index| {
            let (_, ruled, units) = &laid[index];
            *ruled
                && page.ruled
                && units.iter().any(|u| {
                    u.cell.as_ref().is_some_and(|c| {
                        let size = largest_size(&u.lines);
                        bottom.is_some_and(|b| c.bottom <= b + 2.0 * size)
                    })
                })
        });
        // Rows of free text a sheet prints atop every page (its print titles, two
        // rows or more, or a running head) come again at the same heights: only their
        // first printing is kept.
        let signatures: Vec<String> = page.rows.iter().map(|units| row_signature(units)).collect();
        let tops: Vec<Option<(String, i32)>> = page
            .rows
            .iter()
            .zip(&signatures)
            .take(MAX_PRINT_TITLE_ROWS)
            .map(|(units, signature)| Some((signature.clone(), free_row_height(units)?)))
            .collect();
        let printed_again = tops
            .iter()
            .take_while(|top| top.as_ref().is_some_and(|key| print_titles.contains(key)))
            .count();
        let skip = match tops.first() {
            _ if printed_again >= 2 => printed_again,
            Some(Some(head)) if printed_again == 1 && running_head(head) => 1,
            _ => 0,
        };
        print_titles.extend(tops.into_iter().flatten());
        for (k, (units, signature)) in page.rows.into_iter().zip(signatures).skip(skip).enumerate()
        {
            let repeated = page_heads.contains(&signature);
            // LibreOffice prints the text of a cell merged across the page break again
            // atop the next page, over the header it repeats there (「No.」 with 「99」
            // under it, 「推奨IoT機器」 before 「項目」): that header says nothing new.
            if k == 0 && !repeated && page_heads.iter().any(|head| printed_over(head, &signature)) {
                continue;
            }
            if k == 0 {
                page_heads.insert(signature);
            }
            if let Some(index) = open
                && !repeated
            {
                open = None;
                if continues(&laid[index].2, &units, &widest) {
                    join_parts(&mut laid[index].2, units);
                    continue;
                }
            }
            laid.push((page.page, page.ruled, units));
        }
    }

    // The right margin of text outside tables, where some lines reach it (a
    // document with no wrapped paragraph has none).
    let free_lines = || {
        laid.iter()
            .flat_map(|(_, _, units)| units)
            .filter(|u| u.cell.is_none())
            .flat_map(|u| &u.lines)
    };
    let paragraph_edge = free_lines().map(|l| l.x1).fold(f32::MIN, f32::max);
    let at_edge = free_lines()
        .filter(|l| l.x1 >= paragraph_edge - l.size)
        .count();
    let laid = if at_edge >= 3 {
        rebuild_paragraphs(laid, paragraph_edge)
    } else {
        laid
    };
    let laid = sheet_cells::stack_cell_lines(laid, words_whole);

    let mut rows = Vec::new();
    for (page, ruled, units) in laid {
        let mut columns: Vec<(u32, u32)> = units
            .iter()
            .map(|unit| match (ruled, unit.cell) {
                (true, Some(cell)) => {
                    let column = count_left_of(&rule_columns, cell.left, 1.0);
                    let right = count_left_of(&rule_columns, cell.right, 1.0);
                    (column, right.saturating_sub(column).max(1))
                }
                (true, None) => (count_left_of(&rule_columns, unit.x0, 1.0), 1),
                // Counted from 1, as on ruled pages: text touching the first column
                // (a number aligned right against it) takes column 0.
                (false, _) => (count_left_of(&edge_columns, unit.x0, 0.0), 1),
            })
            .collect();
        for k in (0..units.len().saturating_sub(1)).rev() {
            if units[k].touches_next_column {
                columns[k].0 = columns[k].0.min(columns[k + 1].0.saturating_sub(1));
            }
        }
        let blocks: Vec<Block> = units
            .into_iter()
            .zip(columns)
            .filter_map(|(unit, (column, column_span))| {
                let text = match &unit.cell {
                    Some(cell) => join_cell(
                        cell,
                        &unit.lines,
                        widest.get(&column_key(cell)).copied().unwrap_or(f32::MIN),
                        words_whole,
                    ),
                    None if unit.lines.len() > 1 => {
                        let size = largest_size(&unit.lines);
                        join_lines(
                            &unit.lines,
                            paragraph_edge - 0.1 * size,
                            paragraph_edge,
                            words_whole,
                        )
                    }
                    None => unit.text,
                };
                if text.trim().is_empty() {
                    return None;
                }
                Some(Block {
                    text,
                    column,
                    column_span,
                    at: Location::Page { page },
                })
            })
            .collect();
        if !blocks.is_empty() {
            rows.push(Row { blocks });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_sentence_before_a_bracket_label_or_bullet_starts_an_entry() {
        assert!(starts_entry(
            "…基盤を提供する。",
            "【安全性（セーフティ）】アクチュエータ"
        ));
        assert!(starts_entry(
            "代表取締役社長（現任）",
            "資格：情報処理技術者"
        ));
        assert!(starts_entry("最大10Gbps）", "・閉域網接続"));
        // A list's enumerator, not a decimal figure.
        assert!(starts_entry(
            "…「有り」の場合は通知方法、及び利用者）",
            "A. ×（Webサイトの障害情報ページを各自確認いただく）"
        ));
        assert!(starts_entry("…を整備）", "2．保守"));
        assert!(!starts_entry("帯域（最大）", "2.5 Gbps まで"));
        assert!(starts_entry(
            "Q127-2. 代理店の本店の所在地と連絡先",
            "A. 有り（株式会社…）"
        ));
        // Mid-sentence, or a colon far into the line: a wrapped line.
        assert!(!starts_entry("…基盤を提", "供する。【安全性】"));
        assert!(!starts_entry(
            "…を提供する。",
            "製造業の設備監視、ビル管理：物流"
        ));
        // Lines that open alike: a list of years, or of bullets.
        assert!(starts_entry(
            "1968年5月12日生",
            "1991年 東京工業大学工学部卒業"
        ));
        assert!(starts_entry(
            "・停電から稼働開始まで：40秒以内",
            "・無給油での連続稼働時間"
        ));
        // A count of one digit, or a repeated term, opens a wrapped line as often.
        assert!(!starts_entry("9名（取締役6名、執行役員", "3名）"));
        // Lines of a name and a figure.
        assert!(starts_entry(
            "東邦情報システム株式会社\u{3000}9.6%",
            "ソラリンク従業員持株会\u{3000}4.8%"
        ));
        assert!(!starts_entry(
            "東邦情報システム株式会社\u{3000}9.6%、ソ",
            "ラリンク従業員持株会"
        ));
        assert!(!starts_entry(
            "IPアドレス管理（グローバル",
            "IPアドレスの払い出し）"
        ));
    }
}
