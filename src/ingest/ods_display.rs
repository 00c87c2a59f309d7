//! The text an ODS sheet shows for its typed cells.
//!
//! calamine gives an ODS number or date cell its stored value (0.9995, 2024-06-01);
//! the file also holds what the cell displays (「99.95%」, 「2024年6月1日」) in the
//! cell's paragraphs. This reads those paragraphs for the typed cells only, so the
//! answer's `raw` is what the applicant saw.

use super::zip_guard::inflated;
use super::{Deadline, ErrorKind, IngestError, Limits, TextBudget, Ticker};
use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::Cursor;

/// (sheet name, row, column) → displayed text, for cells whose value type is not text.
pub type DisplayTexts = HashMap<(String, u32, u32), String>;

/// Sheet name → the runs of columns it hides (0-based, first and last):
/// `<table:table-column table:visibility="collapse"/>`.
pub type HiddenColumns = HashMap<String, Vec<(u32, u32)>>;

/// Sheet name → the cells merged across columns:
/// `<table:table-cell table:number-columns-spanned="…">` (calamine reports none for ODS).
pub type Merges = HashMap<String, Vec<Dimensions>>;

/// What [`read`] finds of how the sheets show their cells.
#[derive(Default)]
pub struct Shape {
    pub texts: DisplayTexts,
    pub hidden: HiddenColumns,
    pub merges: Merges,
}

/// Most spaces one `<text:s text:c="…"/>` stands for here; a cell shows no more.
const MAX_SPACES: u32 = 1024;
/// calamine's caps: a sheet has at most this many rows and columns.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// `content.xml` of an ODS package, inflated once for [`read`]
/// (nothing if it has none).
pub fn content_xml(bytes: &[u8], limits: &Limits) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    inflated(archive.by_name("content.xml").ok()?, limits)
}

/// Reads the displayed text of the typed cells, in the pass that refuses, before
/// calamine lays them out, sheets that span more than `max_cells` cells in all, or
/// whose cells' text comes to more than `max_text_bytes`. calamine expands repeated
/// rows and columns into one rectangle per sheet (a value repeated over 16,384 columns
/// and a million rows is a few hundred bytes of XML), copies a repeated cell's text and
/// formula into each repeat, and keeps each row's cells up to its last non-empty one.
pub fn read(
    xml: &[u8],
    limits: &Limits,
    deadline: Deadline,
    text: &mut TextBudget,
) -> Result<Shape, IngestError> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut ticker = Ticker::new(deadline);
    let mut shown = Shown::default();
    let mut depth: u32 = 0;
    let mut total: u64 = 0;
    let mut sheet = SheetExtent::default();
    let mut row: Option<RowExtent> = None;
    // The cell being read: its depth, the repeats calamine keeps, its text so far (the
    // values and formula it copies, the text of its paragraphs), and whether the text
    // of its paragraphs is its value.
    let mut cell: Option<(u32, u64, u64, bool)> = None;
    loop {
        ticker.tick()?;
        buffer.clear();
        let (event, empty) = match reader.read_event_into(&mut buffer) {
            // calamine loops for ever on a table or an annotation that never ends, so a
            // content.xml that is cut short or malformed stops here.
            Ok(Event::Eof) if depth == 0 => break,
            Ok(Event::Eof) => return Err(malformed("：閉じていない要素の中で終わっています")),
            Err(e) => return Err(malformed(&format!("（詳細：{e}）"))),
            Ok(Event::Text(t)) => {
                if let Some((_, _, len, true)) = cell.as_mut() {
                    *len = len.saturating_add(t.len() as u64);
                }
                if let Some((_, shown_text)) = shown.typed_cell.as_mut() {
                    shown_text.push_str(&t.xml10_content());
                }
                continue;
            }
            Ok(Event::GeneralRef(r)) => {
                shown.reference(r.as_ref());
                continue;
            }
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                depth = depth.saturating_sub(1);
                shown.end(e.name().as_ref());
                match e.name().as_ref() {
                    "table:table-row" => {
                        if let Some(r) = row.take() {
                            text.charge(r.text, sheet.end_row(&r))?;
                        }
                    }
                    "table:table" => {
                        total = total.saturating_add(sheet.cells());
                        sheet = SheetExtent::default();
                        check_total(total, limits)?;
                    }
                    _ => {}
                }
                if let Some((cell_depth, repeats, len, _)) = cell
                    && depth < cell_depth
                {
                    cell = None;
                    if let Some(r) = row.as_mut() {
                        r.text = r.text.saturating_add(len.saturating_mul(repeats));
                    }
                }
                continue;
            }
            Ok(_) => continue,
        };
        if !empty {
            depth += 1;
            if depth > limits.max_xml_depth {
                return Err(IngestError::new(
                    ErrorKind::TooLarge,
                    format!(
                        "content.xml の要素の入れ子が {} 段を超えています（max_xml_depth）",
                        limits.max_xml_depth
                    ),
                ));
            }
        }
        let name = event.name();
        let name = name.as_ref();
        let attributes = matches!(name, "table:table-cell" | "table:covered-table-cell")
            .then(|| CellAttributes::of(&event));
        // What the element repeats by, read once for the extent and the displayed texts:
        // a row its rows, a cell its columns, `<text:s text:c="…"/>` its spaces.
        let repeats = match name {
            "table:table-row" => repeat(&event, "table:number-rows-repeated"),
            "text:s" => repeat(&event, "text:c"),
            _ => attributes.as_ref().map_or(1, CellAttributes::repeats),
        };
        shown.element(&event, name, attributes.as_ref(), repeats, empty);
        match name {
            // calamine writes out every space of `<text:s text:c="…"/>`.
            "text:s" => {
                if let Some((_, _, len, true)) = cell.as_mut() {
                    *len = len.saturating_add(repeats);
                }
            }
            "table:table-row" => {
                let r = RowExtent {
                    repeats,
                    ..RowExtent::default()
                };
                if empty {
                    text.charge(r.text, sheet.end_row(&r))?;
                } else {
                    row = Some(r);
                }
            }
            "table:table-cell" | "table:covered-table-cell" if cell.is_none() => {
                if let (Some(r), Some(attributes)) = (row.as_mut(), attributes.as_ref()) {
                    let copied = attributes.copied;
                    let text_is_value = attributes.value_type.as_ref().and_then(Option::as_deref)
                        == Some("string")
                        && !attributes.string_value;
                    let filled = !empty || attributes.filled;
                    let end = r.column.saturating_add(repeats).min(MAX_COLUMNS);
                    let kept = end - r.column;
                    if filled && kept > 0 {
                        r.first.get_or_insert(r.column);
                        r.last = end - 1;
                    }
                    r.column = end;
                    if empty {
                        r.text = r.text.saturating_add(copied.saturating_mul(kept));
                    } else {
                        cell = Some((depth, kept, copied, text_is_value));
                    }
                }
            }
            _ => {}
        }
    }
    total = total.saturating_add(sheet.cells());
    check_total(total, limits)?;
    Ok(Shape {
        texts: shown.texts,
        hidden: shown.hidden,
        merges: shown.merges,
    })
}

/// The attributes calamine copies as text into each repeat of a cell: its string,
/// date or time value and its formula.
const COPIED_ATTRIBUTES: [&str; 4] = [
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "table:formula",
];

fn malformed(why: &str) -> IngestError {
    IngestError::new(
        ErrorKind::Unreadable,
        format!("content.xml が整形式の XML ではありません{why}"),
    )
}

fn check_total(total: u64, limits: &Limits) -> Result<(), IngestError> {
    if total > limits.max_cells {
        return Err(IngestError::new(
            ErrorKind::TooLarge,
            format!(
                "シートの範囲が {total} セル以上あり（使われている範囲の行 × 列、繰り返しは\
                 展開して）、上限（max_cells）の {} を超えています",
                limits.max_cells
            ),
        ));
    }
    Ok(())
}

/// The row being read.
#[derive(Default)]
struct RowExtent {
    repeats: u64,
    /// The next column, and the first and last non-empty one.
    column: u64,
    first: Option<u64>,
    last: u64,
    /// The text of one copy of the row.
    text: u64,
}

/// What calamine will hold for one sheet.
#[derive(Default)]
struct SheetExtent {
    /// Rows so far (repeats expanded, capped as calamine caps them).
    rows: u64,
    /// Rows up to and including the last non-empty one, and from the first.
    first_row: Option<u64>,
    last_row: u64,
    first_col: u64,
    last_col: u64,
    /// Cells kept before expansion: each row element's cells up to its last
    /// non-empty one.
    kept: u64,
}

impl SheetExtent {
    /// Adds a row; gives the copies of it calamine keeps.
    fn end_row(&mut self, row: &RowExtent) -> u64 {
        let repeats = row.repeats.min(MAX_ROWS.saturating_sub(self.rows));
        let start = self.rows;
        self.rows += repeats;
        let Some(first) = row.first else {
            return repeats;
        };
        if repeats == 0 {
            return 0;
        }
        if self.first_row.is_none() {
            self.first_row = Some(start);
            self.first_col = first;
        }
        self.first_col = self.first_col.min(first);
        self.last_col = self.last_col.max(row.last);
        self.last_row = self.rows - 1;
        self.kept = self.kept.saturating_add(row.last + 1);
        repeats
    }

    /// calamine's rectangle (values and formulas alike), or the cells it kept first.
    fn cells(&self) -> u64 {
        let Some(first_row) = self.first_row else {
            return 0;
        };
        let area = (self.last_row - first_row + 1)
            .saturating_mul(self.last_col.saturating_sub(self.first_col) + 1);
        area.max(self.kept)
    }
}

/// Where [`read`] is, for the displayed texts: the sheet, the row and column, and the
/// typed cell being read (its column span of repeats and its text so far).
#[derive(Default)]
struct Shown {
    texts: DisplayTexts,
    sheet: String,
    row: u32,
    col: u32,
    row_repeat: u32,
    typed_cell: Option<(u32, String)>,
    paragraphs_in_cell: u32,
    /// The sheet's next column to be described, and the columns hidden so far.
    next_column: u32,
    hidden: HiddenColumns,
    merges: Merges,
}

impl Shown {
    /// An element opens (`empty`: and closes at once); `repeats` is what it repeats by.
    fn element(
        &mut self,
        e: &BytesStart,
        name: &str,
        cell: Option<&CellAttributes>,
        repeats: u64,
        empty: bool,
    ) {
        // A position within a sheet.
        let repeats = u32::try_from(repeats).unwrap_or(u32::MAX);
        if name == "table:table-column" {
            let count = u32::try_from(repeat(e, "table:number-columns-repeated").min(MAX_COLUMNS))
                .unwrap_or(u32::MAX);
            let first = self.next_column;
            self.next_column = first.saturating_add(count);
            if count > 0 && attribute(e, "table:visibility").is_some_and(|v| v != "visible") {
                self.hidden
                    .entry(self.sheet.clone())
                    .or_default()
                    .push((first, first + count - 1));
            }
            return;
        }
        if empty {
            if let Some((_, text)) = self.typed_cell.as_mut() {
                match name {
                    "text:s" => {
                        let spaces = repeats.min(MAX_SPACES);
                        text.push_str(&" ".repeat(spaces as usize));
                    }
                    "text:tab" => text.push('\t'),
                    "text:line-break" => text.push('\n'),
                    _ => {}
                }
            } else if cell.is_some() {
                // Self-closing rows and cells still move the position.
                self.col = self.col.saturating_add(repeats);
            } else if name == "table:table-row" {
                self.row = self.row.saturating_add(repeats);
            }
            return;
        }
        match name {
            "table:table" => {
                self.sheet = attribute(e, "table:name").unwrap_or_default();
                self.row = 0;
                self.next_column = 0;
            }
            "table:table-row" => {
                self.col = 0;
                self.row_repeat = repeats;
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let Some(cell) = cell else { return };
                if cell.columns_spanned > 1 && name == "table:table-cell" {
                    let last = self.col.saturating_add(cell.columns_spanned - 1);
                    self.merges
                        .entry(self.sheet.clone())
                        .or_default()
                        .push(Dimensions {
                            start: (self.row, self.col),
                            end: (self.row, last),
                        });
                }
                let value_type = cell.value_type.as_ref().and_then(Option::as_deref);
                if value_type.is_some_and(|t| !t.is_empty() && t != "string") {
                    self.typed_cell = Some((repeats, String::new()));
                    self.paragraphs_in_cell = 0;
                } else {
                    self.col = self.col.saturating_add(repeats);
                }
            }
            "text:p" => {
                if let Some((_, text)) = self.typed_cell.as_mut() {
                    if self.paragraphs_in_cell > 0 {
                        text.push('\n');
                    }
                    self.paragraphs_in_cell += 1;
                }
            }
            _ => {}
        }
    }

    /// An entity reference in a typed cell's text.
    fn reference(&mut self, name: &str) {
        if let Some((_, text)) = self.typed_cell.as_mut() {
            text.push_str(match name {
                "amp" => "&",
                "lt" => "<",
                "gt" => ">",
                "quot" => "\"",
                "apos" => "'",
                _ => "",
            });
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "table:table-cell" | "table:covered-table-cell" => {
                if let Some((repeats, text)) = self.typed_cell.take() {
                    // Repeated typed cells are rare and share one text; record the
                    // first, which is the one a form would use.
                    if !text.is_empty() {
                        self.texts
                            .insert((self.sheet.clone(), self.row, self.col), text);
                    }
                    self.col = self.col.saturating_add(repeats);
                }
            }
            "table:table-row" => self.row = self.row.saturating_add(self.row_repeat),
            _ => {}
        }
    }
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| normalized(&a))
}

/// An attribute's value as XML 1.0 reads it (references resolved); none if it does
/// not read.
fn normalized(a: &quick_xml::events::attributes::Attribute) -> Option<String> {
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

/// What the readers here use of a cell's attributes, read in one pass over them (a
/// cell has several, and most cells are read by both readers). Where a name repeats,
/// the first counts, as a search for it finds.
#[derive(Default)]
struct CellAttributes {
    /// `table:number-columns-repeated`, if written (and its value, if it reads).
    columns_repeated: Option<Option<String>>,
    /// `office:value-type`, likewise.
    value_type: Option<Option<String>>,
    /// An `office:string-value` that reads.
    string_value: bool,
    /// The bytes of the attributes calamine copies into each repeat, every one.
    copied: u64,
    /// A value type, a value or a formula is written.
    filled: bool,
    /// `table:number-columns-spanned` (0 if not written or not a number).
    columns_spanned: u32,
}

impl CellAttributes {
    fn of(e: &BytesStart) -> CellAttributes {
        let mut cell = CellAttributes::default();
        let mut string_value: Option<bool> = None;
        for a in e.attributes().flatten() {
            let key = a.key.as_ref();
            if COPIED_ATTRIBUTES.contains(&key) {
                cell.copied += a.value.len() as u64;
            }
            match key {
                "table:number-columns-repeated" if cell.columns_repeated.is_none() => {
                    cell.columns_repeated = Some(normalized(&a));
                }
                "office:value-type" => {
                    cell.filled = true;
                    if cell.value_type.is_none() {
                        cell.value_type = Some(normalized(&a));
                    }
                }
                "office:value" | "table:formula" => cell.filled = true,
                "table:number-columns-spanned" => {
                    cell.columns_spanned = normalized(&a)
                        .and_then(|v| v.parse::<u32>().ok())
                        .map_or(0, |n| n.min(MAX_COLUMNS as u32));
                }
                "office:string-value" if string_value.is_none() => {
                    string_value = Some(normalized(&a).is_some());
                }
                _ => {}
            }
        }
        cell.string_value = string_value == Some(true);
        cell
    }

    /// The cell's repeats, as [`repeat`] reads them.
    fn repeats(&self) -> u64 {
        repeat_value(self.columns_repeated.as_ref().and_then(Option::as_deref))
    }
}

/// A repeat count as calamine reads it (a `usize`): a number too large for any
/// integer type is too large, not 1; what is no number at all fails in calamine.
fn repeat(e: &BytesStart, name: &str) -> u64 {
    repeat_value(attribute(e, name).as_deref())
}

/// [`repeat`] of an attribute's value (none: not written, or not read).
fn repeat_value(value: Option<&str>) -> u64 {
    let Some(value) = value else {
        return 1;
    };
    let digits = value.strip_prefix('+').unwrap_or(value);
    match digits.parse::<u64>() {
        Ok(n) => n.max(1),
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => u64::MAX,
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_merged_across_columns_are_told_with_their_span() {
        // The covered cells an ODS writes after a merged one move the column on.
        let xml = br#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="Sheet1">
              <table:table-row>
                <table:table-cell office:value-type="string" table:number-columns-spanned="3"><text:p>label</text:p></table:table-cell>
                <table:covered-table-cell table:number-columns-repeated="2"/>
                <table:table-cell office:value-type="float" office:value="5" table:number-columns-spanned="2"><text:p>5</text:p></table:table-cell>
                <table:covered-table-cell/>
              </table:table-row>
              <table:table-row>
                <table:table-cell table:number-columns-repeated="2"/>
                <table:table-cell office:value-type="string" table:number-columns-spanned="4"><text:p>answer</text:p></table:table-cell>
              </table:table-row>
            </table:table>
            </office:spreadsheet></office:body></office:document-content>"#;
        let limits = Limits::default();
        let Shape { merges, .. } = read(
            xml,
            &limits,
            Deadline::start(&limits),
            &mut TextBudget::new(&limits),
        )
        .expect("reads");
        let spans: Vec<((u32, u32), (u32, u32))> =
            merges["Sheet1"].iter().map(|m| (m.start, m.end)).collect();
        assert_eq!(
            spans,
            [((0, 0), (0, 2)), ((0, 3), (0, 4)), ((1, 2), (1, 5))]
        );
    }

    #[test]
    fn hidden_columns_are_told_per_sheet() {
        let xml = br#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="Sheet1">
              <table:table-column table:visibility="collapse"/>
              <table:table-column table:number-columns-repeated="3"/>
              <table:table-column table:number-columns-repeated="2" table:visibility="collapse"/>
              <table:table-row><table:table-cell office:value-type="string"><text:p>K2-1</text:p></table:table-cell></table:table-row>
            </table:table>
            <table:table table:name="Sheet2">
              <table:table-column table:number-columns-repeated="4"/>
            </table:table>
            </office:spreadsheet></office:body></office:document-content>"#;
        let limits = Limits::default();
        let Shape { hidden, .. } = read(
            xml,
            &limits,
            Deadline::start(&limits),
            &mut TextBudget::new(&limits),
        )
        .expect("reads");
        assert_eq!(hidden.get("Sheet1"), Some(&vec![(0, 0), (4, 5)]));
        assert_eq!(hidden.get("Sheet2"), None);
    }
}
