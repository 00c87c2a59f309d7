//! Spreadsheets (.xlsx, .xlsm, .xls, .ods) through calamine.
//!
//! Every sheet becomes a region, every non-empty cell a block at its own address.
//! Typed cells are rendered as the sheet shows them (see `numfmt`). A merged cell
//! holds its value in the top-left cell only; it is emitted once, there, with the
//! merged width.

use super::compound;
use super::numfmt::{self, DateTime};
use super::ods_display;
use super::xls_formats::{self, CellFormats};
use super::xlsx_merges;
use super::{Deadline, ErrorKind, Format, IngestError, Limits, TextBudget, Ticker};
use crate::model::{Block, Document, Location, Region, Row};
use calamine::{Data, Dimensions, Ods, Reader, SheetVisible, Xls, Xlsx};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

pub fn read(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    deadline: Deadline,
) -> Result<Document, IngestError> {
    let cursor = Cursor::new(bytes);
    // Strings that calamine copies into every cell showing them (.xls, .ods) are
    // counted before it opens the file; the rest as the cells are read.
    let mut text = TextBudget::new(limits);
    match format {
        Format::Xls => {
            // calamine follows the compound file's chains and lays out every sheet
            // whole when it opens the file: check and measure first.
            compound::check(bytes)?;
            xls_formats::check_extent(bytes, limits, deadline, &mut text)?;
            let mut workbook: Xls<_> =
                Xls::new(cursor).map_err(|e| open_error(&e, is_xls_password(&e)))?;
            let formats = xls_formats::read(bytes, deadline)?;
            read_sheets(
                &mut workbook,
                limits,
                deadline,
                text,
                Some(&formats),
                |wb, name| {
                    SheetShape::merged(wb.merge_cells_by_sheet_name(name).unwrap_or_default())
                },
                dense_cells,
            )
        }
        Format::Ods => {
            let mut shape = match ods_display::content_xml(bytes, limits) {
                Some(xml) => ods_display::read(&xml, limits, deadline, &mut text)?,
                None => Default::default(),
            };
            let mut workbook: Ods<_> = Ods::new(cursor)
                .map_err(|e| open_error(&e, matches!(e, calamine::OdsError::Password)))?;
            // calamine reports no merges for ODS: they are read from content.xml.
            let mut document = read_sheets(
                &mut workbook,
                limits,
                deadline,
                text,
                None,
                |_, name| SheetShape {
                    merges: shape.merges.remove(name).unwrap_or_default(),
                    hidden_columns: shape.hidden.remove(name).unwrap_or_default(),
                },
                dense_cells,
            )?;
            show_as_displayed(&mut document, &shape.texts);
            Ok(document)
        }
        _ => {
            check_shared_strings(bytes, limits, deadline)?;
            let mut workbook: Xlsx<_> = Xlsx::new(cursor)
                .map_err(|e| open_error(&e, matches!(e, calamine::XlsxError::Password)))?;
            let mut merges = xlsx_merges::read(bytes, limits);
            read_sheets(
                &mut workbook,
                limits,
                deadline,
                text,
                None,
                |wb, name| {
                    let (merges, hidden_columns) = merges.of(name);
                    SheetShape {
                        merges: merges.unwrap_or_else(|| {
                            wb.merge_cells_by_sheet_name(name).unwrap_or_default()
                        }),
                        hidden_columns,
                    }
                },
                sparse_cells,
            )
        }
    }
}

/// What a sheet's cells do not say of themselves: its merged ranges, and the columns it
/// hides (0-based, first and last of each run; .xlsx and .ods).
#[derive(Default)]
pub(super) struct SheetShape {
    merges: Vec<Dimensions>,
    hidden_columns: Vec<(u32, u32)>,
}

impl SheetShape {
    fn merged(merges: Vec<Dimensions>) -> SheetShape {
        SheetShape {
            merges,
            hidden_columns: Vec::new(),
        }
    }

    /// Whether column `col` is hidden: a form's codes for its own office, a helper
    /// column, which neither a reviewer nor a printout sees.
    fn hides(&self, col: u32) -> bool {
        self.hidden_columns
            .iter()
            .any(|&(first, last)| (first..=last).contains(&col))
    }
}

/// A sheet's non-empty cells, (row, column) absolute and in order, each with the
/// index of its number format in `formats`.
#[derive(Default)]
struct Cells {
    cells: Vec<(u32, u32, Data, usize)>,
    /// Number format codes by style; empty where the format gives none here.
    formats: Vec<Option<String>>,
}

impl Cells {
    fn format(&self, style: usize) -> Option<&str> {
        self.formats.get(style)?.as_deref()
    }
}

/// The cells of a sheet calamine has laid out (.xls, .ods: bounded beforehand by
/// `check_extent`).
fn dense_cells<RS, R>(
    workbook: &mut R,
    name: &str,
    _budget: &mut Budget,
) -> Result<Cells, IngestError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let range = workbook
        .worksheet_range(name)
        .map_err(|e| sheet_error(name, &e))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    Ok(Cells {
        cells: range
            .used_cells()
            .map(|(row, col, data)| (row as u32 + r0, col as u32 + c0, data.clone(), 0))
            .collect(),
        formats: Vec::new(),
    })
}

/// The cells of an .xlsx sheet, streamed: calamine's `worksheet_range` would lay the
/// sheet out as one rectangle (A1 and XFD1048576 make seventeen billion cells). Each
/// cell's style comes in the same pass, so the sheet is not read again for formats
/// (a cell without one has the workbook's default, style 0).
fn sparse_cells<RS>(
    workbook: &mut Xlsx<RS>,
    name: &str,
    budget: &mut Budget,
) -> Result<Cells, IngestError>
where
    RS: std::io::Read + std::io::Seek,
{
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet has no cells.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Cells::default()),
        Err(e) => return Err(sheet_error(name, &e)),
    };
    let formats = reader
        .styles()
        .iter()
        .map(|style| {
            let format = style.number_format.as_ref()?;
            Some(format.format_code.clone())
        })
        .collect();
    let mut cells = Vec::new();
    while let Some((cell, style)) = reader
        .next_cell_with_style_id()
        .map_err(|e| sheet_error(name, &e))?
    {
        budget.element()?;
        if matches!(cell.get_value(), calamine::DataRef::Empty) {
            continue;
        }
        budget.cell()?;
        // A shared string is held once; each cell showing it gets its own copy.
        let text_len = match cell.get_value() {
            calamine::DataRef::SharedString(text) => text.len(),
            calamine::DataRef::String(text) => text.len(),
            _ => 0,
        };
        budget.text.charge(text_len as u64, 1)?;
        let (row, col) = cell.get_position();
        cells.push((row, col, Data::from(cell.get_value().clone()), style));
    }
    // Cells are written in order; a repeated address keeps its last value, as calamine.
    cells.sort_by_key(|&(row, col, _, _)| (row, col));
    let mut unique: Vec<(u32, u32, Data, usize)> = Vec::with_capacity(cells.len());
    for cell in cells {
        match unique.last_mut() {
            Some(last) if (last.0, last.1) == (cell.0, cell.1) => *last = cell,
            _ => unique.push(cell),
        }
    }
    Ok(Cells {
        cells: unique,
        formats,
    })
}

/// What reading a workbook has used of its limits.
struct Budget {
    max_cells: u64,
    cells: u64,
    elements: u64,
    /// Strings are charged as the cells are read (.xlsx) or before (.xls, .ods);
    /// the text of figures as it is rendered.
    text: TextBudget,
    ticker: Ticker,
}

impl Budget {
    /// One more cell element, empty or not (at most 8 × `max_cells`).
    fn element(&mut self) -> Result<(), IngestError> {
        self.elements += 1;
        if self.elements > self.max_cells.saturating_mul(8) {
            return Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "セルの要素が空のものも含めて {} を超えています（8 × max_cells）",
                    self.max_cells.saturating_mul(8)
                ),
            ));
        }
        self.ticker.tick()
    }

    /// One more non-empty cell.
    fn cell(&mut self) -> Result<(), IngestError> {
        self.cells += 1;
        if self.cells > self.max_cells {
            return Err(too_many_cells(self.max_cells));
        }
        Ok(())
    }
}

fn too_many_cells(max_cells: u64) -> IngestError {
    IngestError::new(
        ErrorKind::TooLarge,
        format!("空でないセルが {max_cells} を超えています（max_cells）"),
    )
}

fn sheet_error(name: &str, error: &dyn std::fmt::Display) -> IngestError {
    IngestError::new(
        ErrorKind::Unreadable,
        format!("シート「{name}」を読めません（詳細：{error}）"),
    )
}

/// calamine reserves room for as many shared strings as the part's `uniqueCount`
/// says, before reading one: a count no workbook within `max_cells` can use is
/// refused here.
fn check_shared_strings(
    bytes: &[u8],
    limits: &Limits,
    deadline: Deadline,
) -> Result<(), IngestError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let Ok(entry) = archive.by_name(&name) else {
            continue;
        };
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(
            entry.take(limits.max_xml_bytes),
        ));
        let mut buffer = Vec::new();
        let mut ticker = Ticker::new(deadline);
        loop {
            ticker.tick()?;
            buffer.clear();
            match reader.read_event_into(&mut buffer) {
                Ok(Event::Start(e) | Event::Empty(e)) => {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                        .and_then(|a| a.value.trim().parse::<u64>().ok());
                    if let Some(count) = count
                        && count > limits.max_cells
                    {
                        return Err(IngestError::new(
                            ErrorKind::TooLarge,
                            format!(
                                "{name} が共有文字列を {count} 個と宣言しています。ブックの\
                                 空でないセルは {} 以下です（max_cells）",
                                limits.max_cells
                            ),
                        ));
                    }
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    Ok(())
}

/// Replaces the stored value of typed ODS cells with the text the sheet displays.
fn show_as_displayed(document: &mut Document, shown: &ods_display::DisplayTexts) {
    for block in document
        .regions
        .iter_mut()
        .flat_map(|r| r.rows.iter_mut())
        .flat_map(|r| r.blocks.iter_mut())
    {
        if let Location::Cell { sheet, row, col } = &block.at
            && let Some(text) = shown.get(&(sheet.clone(), *row, *col))
        {
            block.text = text.clone();
        }
    }
}

fn is_xls_password(error: &calamine::XlsError) -> bool {
    matches!(error, calamine::XlsError::Password)
}

fn open_error(error: &dyn std::fmt::Display, password: bool) -> IngestError {
    if password {
        IngestError::new(ErrorKind::Encrypted, "ブックがパスワードで保護されています")
    } else {
        IngestError::new(
            ErrorKind::Unreadable,
            format!("ブックとして読めません（詳細：{error}）"),
        )
    }
}

/// Reads every sheet into a region. Number formats come from `cell_formats` when
/// given (.xls, for which calamine exposes none), else from calamine's styles.
fn read_sheets<RS, R, F, C>(
    workbook: &mut R,
    limits: &Limits,
    deadline: Deadline,
    text: TextBudget,
    cell_formats: Option<&CellFormats>,
    mut shape_of: F,
    cells_of: C,
) -> Result<Document, IngestError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    F: FnMut(&mut R, &str) -> SheetShape,
    C: Fn(&mut R, &str, &mut Budget) -> Result<Cells, IngestError>,
{
    let mut document = Document::default();
    let mut cells_read: u64 = 0;
    let mut budget = Budget {
        max_cells: limits.max_cells,
        cells: 0,
        elements: 0,
        text,
        ticker: Ticker::new(deadline),
    };
    let mut ticker = Ticker::new(deadline);
    // A hidden sheet (a lookup table, the form's own workings) is not the application's
    // to show: neither a reviewer nor a printout sees it.
    let shown: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.visible == SheetVisible::Visible)
        .map(|sheet| sheet.name.clone())
        .collect();
    for name in shown {
        deadline.check()?;
        let cells = cells_of(workbook, &name, &mut budget)?;
        deadline.check()?;
        let shape = shape_of(workbook, &name);
        let widths: HashMap<(u32, u32), u32> = shape
            .merges
            .iter()
            .map(|m| {
                (
                    (m.start.0, m.start.1),
                    m.end.1.saturating_sub(m.start.1).saturating_add(1),
                )
            })
            .collect();
        let mut rows: Vec<Row> = Vec::new();
        let mut current_row: Option<u32> = None;
        for (row, col, data, style) in &cells.cells {
            ticker.tick()?;
            let (row, col) = (*row, *col);
            if shape.hides(col) {
                continue;
            }
            let format_code = match cell_formats {
                Some(formats) => formats.get(&(name.clone(), row, col)).map(String::as_str),
                None => cells.format(*style),
            };
            let Some(text) = cell_text(data, format_code) else {
                continue;
            };
            if !matches!(data, Data::String(_)) {
                budget.text.charge(text.len() as u64, 1)?;
            }
            cells_read += 1;
            if cells_read > limits.max_cells {
                return Err(too_many_cells(limits.max_cells));
            }
            if current_row != Some(row) {
                rows.push(Row::default());
                current_row = Some(row);
            }
            if let Some(last) = rows.last_mut() {
                last.blocks.push(Block {
                    text,
                    column: col,
                    column_span: widths.get(&(row, col)).copied().unwrap_or(1),
                    at: Location::Cell {
                        sheet: name.clone(),
                        row,
                        col,
                    },
                });
            }
        }
        document.regions.push(Region { name, rows });
    }
    Ok(document)
}

/// The text a cell shows, or `None` for an empty cell.
fn cell_text(data: &Data, format_code: Option<&str>) -> Option<String> {
    let text = match data {
        Data::Empty => return None,
        Data::String(s) => s.replace("\r\n", "\n").replace('\r', "\n"),
        Data::Int(i) => numfmt::format_number(*i as f64, format_code),
        Data::Float(f) => numfmt::format_number(*f, format_code),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hour, minute, second, _) = dt.to_ymd_hms_milli();
            let value = DateTime {
                date: (i32::from(y), u32::from(m), u32::from(d)),
                hour: hour.into(),
                minute: minute.into(),
                second: second.into(),
            };
            numfmt::format_date(value, format_code)
        }
        Data::DateTime(dt) => numfmt::format_number(dt.as_f64(), None),
        Data::DateTimeIso(iso) => iso_date_text(iso),
        Data::DurationIso(iso) => iso.clone(),
        Data::Error(e) => format!("#{e:?}"),
    };
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// ODS stores dates as ISO text; show them as a date cell would.
fn iso_date_text(iso: &str) -> String {
    let date = iso.split('T').next().unwrap_or(iso);
    let parts: Vec<&str> = date.split('-').collect();
    let parsed = match parts.as_slice() {
        [y, m, d] => y
            .parse::<i32>()
            .ok()
            .zip(m.parse::<u32>().ok())
            .zip(d.parse::<u32>().ok()),
        _ => None,
    };
    match parsed {
        Some(((y, m), d)) if !iso.contains('T') || iso.ends_with("T00:00:00") => {
            numfmt::format_date(
                DateTime {
                    date: (y, m, d),
                    hour: 0,
                    minute: 0,
                    second: 0,
                },
                None,
            )
        }
        _ => iso.to_string(),
    }
}
