//! Cells of several lines on sheets printed without rules. A spreadsheet aligns a
//! cell to its row's bottom, so a cell of several lines prints upwards from the row's
//! baseline: every line above the last comes as a row of its own, alone in its
//! column. These lines are joined back to the cell they belong to.

use super::layout::{Fragment, Unit, join_lines, largest_size};
use std::collections::HashMap;

/// Lines alone on their row, at the left edge of a cell of the row below, spaced from
/// it line by line, join that cell. A cell that opens its row may have a heading, a
/// row of its own, right above it: there the lines must follow at the document's line
/// pitch (the font's line height, which rows set at their own height seldom match).
pub(super) fn stack_cell_lines(
    laid: Vec<(u32, bool, Vec<Unit>)>,
    words_whole: bool,
) -> Vec<(u32, bool, Vec<Unit>)> {
    let mut laid: Vec<Option<(u32, bool, Vec<Unit>)>> = laid.into_iter().map(Some).collect();
    // Where each page's first column starts (a sheet is scaled to fit page by page).
    let mut first_column: HashMap<u32, f32> = HashMap::new();
    for (page, _, units) in laid.iter().flatten() {
        for unit in units {
            let x0 = first_column.entry(*page).or_insert(unit.x0);
            *x0 = x0.min(unit.x0);
        }
    }
    let first_column_of = |laid: &[Option<(u32, bool, Vec<Unit>)>], i: usize| {
        laid[i]
            .as_ref()
            .and_then(|(page, _, _)| first_column.get(page).copied())
            .unwrap_or(f32::INFINITY)
    };
    // Every line's step from the line below it, over the document: most are lines of
    // one cell, so their median is the line pitch (in ems). Steps outside the first
    // column (where headings stand) are taken alone where there are any.
    let (mut inside, mut outside): (Vec<f32>, Vec<f32>) = (Vec::new(), Vec::new());
    for i in 0..laid.len() {
        let first_column = first_column_of(&laid, i);
        for (_, x0, y) in anchors(&laid, i) {
            let steps = lines_above(&laid, i, x0, y).into_iter();
            if x0 <= first_column + 1.0 {
                inside.extend(
                    steps
                        .take_while(|(j, _)| !heading_at(&laid, *j))
                        .map(|(_, step)| step),
                );
            } else {
                outside.extend(steps.map(|(_, step)| step));
            }
        }
    }
    let pitch = median(outside).or_else(|| median(inside));
    // The step between rows of one line per block: where it is the line pitch too,
    // a heading row above a row of the first column cannot be told from a line of its
    // cell.
    let mut row_steps: Vec<f32> = Vec::new();
    for i in 1..laid.len() {
        let (Some(above), Some(below)) = (row_line(&laid[i - 1]), row_line(&laid[i])) else {
            continue;
        };
        if above.0 == below.0 {
            row_steps.push((above.1 - below.1) / below.2);
        }
    }
    let headings_look_like_lines = match (pitch, median(row_steps)) {
        (Some(line), Some(row)) => (line - row).abs() <= 2.0 * PITCH_TOLERANCE * line,
        _ => true,
    };
    // Lines above a page's first row of several blocks are the page's titles.
    let mut page_with_rows: Option<u32> = None;
    for i in 0..laid.len() {
        let first_column = first_column_of(&laid, i);
        let page = laid[i].as_ref().map(|(page, _, _)| *page);
        let below_a_row = page.is_some() && page_with_rows == page;
        for (k, x0, y) in anchors(&laid, i) {
            let in_first_column = x0 <= first_column + 1.0;
            let gathered: Vec<usize> = lines_above(&laid, i, x0, y)
                .into_iter()
                .take_while(|(j, step)| {
                    let at_pitch = pitch.is_some_and(|p| (step - p).abs() <= PITCH_TOLERANCE * p);
                    // In the first column a line numbered like a heading (「2.3 人材」,
                    // 「(1) 経営者」) or a note is a row of its own; where rows are set
                    // at the line pitch, so are the page's titles.
                    let own_row =
                        || heading_at(&laid, *j) || headings_look_like_lines && !below_a_row;
                    k > 0 || at_pitch && !(in_first_column && own_row())
                })
                .map(|(j, _)| j)
                .collect();
            if gathered.is_empty() {
                continue;
            }
            let mut lines: Vec<Fragment> = gathered
                .iter()
                .rev()
                .filter_map(|&j| laid[j].take())
                .filter_map(|(_, _, mut units)| units[0].lines.pop())
                .collect();
            if let Some((_, _, units)) = laid[i].as_mut() {
                lines.extend(units[k].lines.first().cloned());
                // A wrapping cell's lines end before the next cell of the row starts;
                // the last cell of a row shows no margin, so its lines are kept apart.
                let right = units.get(k + 1).map_or(f32::INFINITY, |next| next.x0);
                let size = largest_size(&lines);
                units[k].text = join_lines(&lines, right - 0.2 * size, right, words_whole);
            }
        }
        if laid[i]
            .as_ref()
            .is_some_and(|(_, _, units)| units.len() > 1)
        {
            page_with_rows = page;
        }
    }
    laid.into_iter().flatten().collect()
}

/// Whether row `j` is a line numbered like a heading, or a note.
fn heading_at(laid: &[Option<(u32, bool, Vec<Unit>)>], j: usize) -> bool {
    laid[j]
        .as_ref()
        .is_some_and(|(_, _, units)| units.first().is_some_and(|u| looks_like_heading(&u.text)))
}

/// A line numbered like a heading of an outline (「2.3 人材」, 「(1) 経営者」, 「1. 概要」)
/// or a note (「※ …」).
fn looks_like_heading(text: &str) -> bool {
    let text = text.trim_start();
    if text.starts_with(['※', '＊', '*']) {
        return true;
    }
    fn number_then_space(text: &str) -> bool {
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && {
            let after = &text[digits..];
            after.starts_with([' ', '\u{3000}'])
                || after.strip_prefix('.').is_some_and(|tail| {
                    tail.starts_with([' ', '\u{3000}']) || number_then_space(tail)
                })
        }
    }
    fn bracketed_number(text: &str) -> bool {
        let Some(rest) = text.strip_prefix(['(', '（']) else {
            return false;
        };
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with([')', '）'])
    }
    number_then_space(text) || bracketed_number(text)
}

/// The median of at least [`MIN_PITCH_SAMPLES`] steps.
fn median(mut steps: Vec<f32>) -> Option<f32> {
    steps.sort_by(f32::total_cmp);
    (steps.len() >= MIN_PITCH_SAMPLES).then(|| steps[steps.len() / 2])
}

/// A row of several blocks of one line each, on a page without rules: its page and
/// blocks.
fn single_line_row(row: &Option<(u32, bool, Vec<Unit>)>) -> Option<(u32, &[Unit])> {
    let (page, ruled, units) = row.as_ref()?;
    let single = units.len() >= 2 && units.iter().all(|u| u.cell.is_none() && u.lines.len() == 1);
    (!*ruled && single).then_some((*page, units.as_slice()))
}

/// A row of several blocks of one line each: its page, baseline and font size.
fn row_line(row: &Option<(u32, bool, Vec<Unit>)>) -> Option<(u32, f32, f32)> {
    let (page, units) = single_line_row(row)?;
    let line = units.first()?.lines.first()?;
    Some((page, line.y, line.size))
}

/// Fewest line steps that make a document's line pitch.
const MIN_PITCH_SAMPLES: usize = 4;

/// How far (a fraction of the pitch) a cell's line may be from the line pitch.
const PITCH_TOLERANCE: f32 = 0.03;

/// The cells of row `i` that lines above may belong to, as (unit, left edge,
/// baseline): a row of one line per block, on a page without rules.
fn anchors(laid: &[Option<(u32, bool, Vec<Unit>)>], i: usize) -> Vec<(usize, f32, f32)> {
    let Some((_, units)) = single_line_row(&laid[i]) else {
        return Vec::new();
    };
    units
        .iter()
        .enumerate()
        .filter_map(|(k, u)| Some((k, u.x0, u.lines.first()?.y)))
        .collect()
}

/// The rows right above row `i` that are one line alone, starting at `x0`, each
/// spaced from the one below by at most a loose line pitch, bottom up, with their
/// steps in ems.
fn lines_above(
    laid: &[Option<(u32, bool, Vec<Unit>)>],
    i: usize,
    x0: f32,
    y: f32,
) -> Vec<(usize, f32)> {
    let Some((page, _, _)) = &laid[i] else {
        return Vec::new();
    };
    let mut above = Vec::new();
    let mut lowest = y;
    for j in (0..i).rev() {
        let Some((line_page, _, units)) = &laid[j] else {
            break;
        };
        let [unit] = units.as_slice() else {
            break;
        };
        let Some(line) = unit
            .lines
            .first()
            .filter(|_| unit.cell.is_none() && unit.lines.len() == 1)
        else {
            break;
        };
        let step = line.y - lowest;
        if line_page != page || (unit.x0 - x0).abs() > 1.0 || step <= 0.0 || step > 1.6 * line.size
        {
            break;
        }
        above.push((j, step / line.size));
        lowest = line.y;
    }
    above
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_an_outline_and_notes() {
        for heading in [
            "2.3 人材",
            "(1) 経営者",
            "（2）従業員",
            "1. 概要",
            "2.2.1 事業所",
            "※ 記入例",
        ] {
            assert!(looks_like_heading(heading), "{heading}");
        }
        for line in [
            "2024年6月1日",
            "1.22、PHP 8.2",
            "99.95%",
            "【基本的な考え方】",
            "(2021年4月1日",
        ] {
            assert!(!looks_like_heading(line), "{line}");
        }
    }
}
