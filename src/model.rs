//! The document model every input format is read into.
//!
//! A document is a list of regions (a worksheet, a Word body, a run of PDF pages); a
//! region is a list of rows; a row is a list of blocks, left to right. A block is one
//! piece of text with the place it came from. Spreadsheet cells, Word paragraphs and table
//! cells, and positioned PDF text all fit this shape, so the locating stage works on one
//! model whatever the input was.

use serde::Serialize;

/// Where a piece of text was found, in the terms of its own format.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A spreadsheet cell; `row` and `col` are 0-based absolute positions.
    Cell { sheet: String, row: u32, col: u32 },
    /// A Word body paragraph, 1-based.
    Paragraph { paragraph: u32 },
    /// A Word table cell; all 1-based.
    TableCell { table: u32, row: u32, col: u32 },
    /// A PDF page, 1-based.
    Page { page: u32 },
}

impl Location {
    /// Whether this place follows `before` with no blank line between them: the same or
    /// the next body paragraph. A blank line often ends one entry and starts the next.
    /// Only a Word body numbers its lines so (a sheet's or a table's next row is no
    /// line of the same flow, and places on a PDF page are not told apart so finely).
    pub fn follows_directly(&self, before: &Location) -> bool {
        match (before, self) {
            (Location::Paragraph { paragraph: a }, Location::Paragraph { paragraph: b }) => {
                *b <= a.saturating_add(1)
            }
            _ => false,
        }
    }

    /// Whether this place is on a later page than `before`: a page break lies between
    /// them, which may have split what was written as one (a table row). Only a PDF
    /// tells its pages.
    pub fn after_page_break(&self, before: &Location) -> bool {
        matches!((before, self), (Location::Page { page: a }, Location::Page { page: b }) if b > a)
    }

    /// The A1-style address of a spreadsheet cell (`E12`).
    pub fn cell_address(row: u32, col: u32) -> String {
        use std::fmt::Write;
        // Seven letters reach past any u32 column (26^7 > 2^32); written from the end.
        let mut letters = [0u8; 7];
        let mut at = letters.len();
        let mut n = col + 1;
        while n > 0 {
            at -= 1;
            letters[at] = b'A' + ((n - 1) % 26) as u8;
            n = (n - 1) / 26;
        }
        let mut address: String = letters[at..].iter().map(|&b| char::from(b)).collect();
        let _ = write!(address, "{}", row + 1);
        address
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        match self {
            Location::Cell { sheet, row, col } => {
                map.serialize_entry("sheet", sheet)?;
                map.serialize_entry("cell", &Location::cell_address(*row, *col))?;
            }
            Location::Paragraph { paragraph } => map.serialize_entry("paragraph", paragraph)?,
            Location::TableCell { table, row, col } => {
                map.serialize_entry("table", table)?;
                map.serialize_entry("row", row)?;
                map.serialize_entry("col", col)?;
            }
            Location::Page { page } => map.serialize_entry("page", page)?,
        }
        map.end()
    }
}

/// One piece of text and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub text: String,
    /// The column this block starts in: a grid column for spreadsheets and tables.
    pub column: u32,
    /// How many columns a merged cell covers (1 when not merged).
    pub column_span: u32,
    pub at: Location,
}

impl Block {
    /// Other text in this block's place (a line split off it, cells joined into it),
    /// without copying the text it had.
    pub fn with_text(&self, text: String) -> Block {
        Block {
            text,
            column: self.column,
            column_span: self.column_span,
            at: self.at.clone(),
        }
    }
}

/// Blocks that stand side by side, left to right.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub blocks: Vec<Block>,
}

/// A self-contained part of a document: a worksheet, a Word body, a PDF page run.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub name: String,
    pub rows: Vec<Row>,
}

/// An input file as the locating stage sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub regions: Vec<Region>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_addresses_follow_spreadsheet_lettering() {
        assert_eq!(Location::cell_address(0, 0), "A1");
        assert_eq!(Location::cell_address(11, 4), "E12");
        assert_eq!(Location::cell_address(0, 25), "Z1");
        assert_eq!(Location::cell_address(0, 26), "AA1");
        assert_eq!(Location::cell_address(0, 701), "ZZ1");
        assert_eq!(Location::cell_address(0, 702), "AAA1");
    }
}
