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
//! the cell; on other pages it numbers the clusters of the blocks' left edges.

use super::content::{PageContent, Rule, Run};
use crate::model::{Block, Location, Row};
use std::collections::HashMap;

/// Most run-by-rule comparisons spent finding the cells of one page.
const MAX_PLACEMENTS: u64 = 20_000_000;

/// A cell: the rules enclosing a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
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
struct Fragment {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    text: String,
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
        let highest = self
            .horizontal
            .iter()
            .map(|r| r.at)
            .fold(f32::MIN, f32::max);
        let lowest = self
            .horizontal
            .iter()
            .map(|r| r.at)
            .fold(f32::MAX, f32::min);
        let (top, bottom) = match (top, bottom) {
            (Some(top), Some(bottom)) => (top, bottom),
            (None, Some(bottom)) => {
                let end = left.to.min(right.to);
                let together = (left.to - right.to).abs() < 1.5;
                if !(together && end > run.y + 0.4 * run.size && end >= highest - 1.0) {
                    return None;
                }
                (end, bottom)
            }
            (Some(top), None) => {
                let end = left.from.max(right.from);
                let together = (left.from - right.from).abs() < 1.5;
                if !(together && end < run.y + 0.1 * run.size && end <= lowest + 1.0) {
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
    for line in &mut lines {
        line.runs.sort_by(|a, b| a.0.x0.total_cmp(&b.0.x0));
    }
    lines
}

/// Joins runs of one line into a fragment: a space where the gap is wider than a
/// narrow space.
fn fragment(runs: &[&Run]) -> Option<Fragment> {
    let first = runs.first()?;
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
    for run in &runs[1..] {
        if run.x0 - fragment.x1 > 0.15 * run.size.max(fragment.size) {
            fragment.text.push(' ');
        }
        fragment.text.push_str(&run.text);
        fragment.x1 = fragment.x1.max(run.x1);
        fragment.size = fragment.size.max(run.size);
        fragment.space_after = run.space_after;
    }
    Some(fragment)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The text of a cell from its lines, top to bottom.
fn join_cell(cell: &Cell, lines: &[Fragment]) -> String {
    let pad = lines
        .iter()
        .map(|l| l.x0 - cell.left)
        .fold(f32::INFINITY, f32::min)
        .clamp(0.3, 8.0);
    let inner_right = cell.right - pad;
    let mut text = String::new();
    for (k, line) in lines.iter().enumerate() {
        if k > 0 {
            let previous = &lines[k - 1];
            let between_words = text.chars().last().is_some_and(is_word_char)
                && line.text.chars().next().is_some_and(is_word_char);
            // Between two words the writer also needed room for a space.
            let space = if between_words { 0.5 * line.size } else { 0.0 };
            let wrapped = previous.x1 + space + line.first_unit > inner_right - 0.1 * line.size;
            // A line broken at a space keeps one space: drawn at the end of the line,
            // at the start of the next, or implied between two words when the next
            // character would have fitted (else the writer broke the word itself).
            let word_break = between_words && previous.x1 + line.first_glyph <= inner_right;
            if !wrapped {
                text.push('\n');
            } else if previous.space_after || line.space_before || word_break {
                text.push(' ');
            }
        }
        text.push_str(&line.text);
    }
    text
}

/// A block before its column is numbered.
struct Unit {
    text: String,
    x0: f32,
    cell: Option<Cell>,
}

/// One page's rows, top to bottom, with the rules found on it.
pub struct PageRows {
    page: u32,
    ruled: bool,
    rows: Vec<Vec<Unit>>,
    vertical_rules: Vec<f32>,
}

/// Lays out one page.
pub fn page_rows(page: u32, content: PageContent) -> PageRows {
    let ruling = Ruling::of(&content.rules);
    // Placing each run among the rules costs runs × rules: a page beyond any real form
    // is read without its ruling rather than slowly.
    let affordable = (content.runs.len() as u64)
        .saturating_mul((ruling.horizontal.len() + ruling.vertical.len()) as u64)
        <= MAX_PLACEMENTS;
    let runs: Vec<(Run, Option<Cell>)> = content
        .runs
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

    // Cells collect their lines; free text makes rows of its own. Cells found from the
    // same rules are bit-identical, which keys them.
    let mut cells: Vec<(Cell, Vec<Fragment>)> = Vec::new();
    let mut cell_index: HashMap<[u32; 4], usize> = HashMap::new();
    // (y for ordering, units): free rows now, cell rows below.
    let mut rows: Vec<(f32, Vec<Unit>)> = Vec::new();
    for line in &lines {
        let mut free: Vec<Unit> = Vec::new();
        let mut i = 0;
        while i < line.runs.len() {
            let cell = line.runs[i].1;
            let mut j = i + 1;
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
                        if gap > 0.9 * previous.size.max(next.size) || ruled_between {
                            break;
                        }
                        j += 1;
                    }
                }
            }
            let group: Vec<&Run> = line.runs[i..j].iter().map(|(r, _)| r).collect();
            if let Some(fragment) = fragment(&group) {
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
                        text: fragment.text,
                        x0: fragment.x0,
                        cell: None,
                    }),
                }
            }
            i = j;
        }
        if !free.is_empty() {
            rows.push((line.y + 0.7 * line.size, free));
        }
    }

    // Cells hanging from the same top rule make one row.
    let mut cell_units: Vec<(f32, Unit)> = Vec::new();
    for (cell, mut fragments) in cells {
        fragments.sort_by(|a, b| b.y.total_cmp(&a.y));
        // Fragments of one line within the cell (split by a wide gap) join with a space.
        let mut lines: Vec<Fragment> = Vec::new();
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
            text: join_cell(&cell, &lines),
            x0,
            cell: Some(cell),
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
        vertical_rules: if ruled {
            ruling.vertical.iter().map(|r| r.at).collect()
        } else {
            Vec::new()
        },
    }
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

/// Numbers the columns across the whole document and gives the model's rows.
pub fn number_columns(pages: Vec<PageRows>) -> Vec<Row> {
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
            .flat_map(|p| p.rows.iter().flatten().map(|u| u.x0))
            .collect(),
        4.0,
    );
    let mut rows = Vec::new();
    for page in pages {
        for units in page.rows {
            let blocks: Vec<Block> = units
                .into_iter()
                .filter(|u| !u.text.trim().is_empty())
                .map(|unit| {
                    let (column, column_span) = match (page.ruled, unit.cell) {
                        (true, Some(cell)) => {
                            let column = count_left_of(&rule_columns, cell.left, 1.0);
                            let right = count_left_of(&rule_columns, cell.right, 1.0);
                            (column, right.saturating_sub(column).max(1))
                        }
                        (true, None) => (count_left_of(&rule_columns, unit.x0, 1.0), 1),
                        (false, _) => (
                            count_left_of(&edge_columns, unit.x0, 0.0).saturating_sub(1),
                            1,
                        ),
                    };
                    Block {
                        text: unit.text,
                        column,
                        column_span,
                        at: Location::Page { page: page.page },
                    }
                })
                .collect();
            if !blocks.is_empty() {
                rows.push(Row { blocks });
            }
        }
    }
    rows
}
