//! Spreadsheets (.xlsx, .xlsm, .xls, .ods) through calamine.
//!
//! Every sheet becomes a region, every non-empty cell a block at its own address.
//! Typed cells are rendered as the sheet shows them (see `numfmt`). A merged cell
//! holds its value in the top-left cell only; it is emitted once, there, with the
//! merged width.

use super::numfmt::{self, DateTime};
use super::ods_display;
use super::xls_formats::{self, CellFormats};
use super::{ErrorKind, Format, IngestError, Limits};
use crate::model::{Block, Document, Location, Region, Row};
use calamine::{Data, Dimensions, Ods, Reader, StyleRange, Xls, Xlsx};
use std::collections::HashMap;
use std::io::Cursor;

pub fn read(bytes: &[u8], format: Format, limits: &Limits) -> Result<Document, IngestError> {
    let cursor = Cursor::new(bytes);
    match format {
        Format::Xls => {
            let mut workbook: Xls<_> =
                Xls::new(cursor).map_err(|e| open_error(&e, is_xls_password(&e)))?;
            let formats = xls_formats::read(bytes);
            read_sheets(&mut workbook, limits, Some(&formats), |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        }
        Format::Ods => {
            let mut workbook: Ods<_> = Ods::new(cursor)
                .map_err(|e| open_error(&e, matches!(e, calamine::OdsError::Password)))?;
            let shown = ods_display::read(bytes, limits.max_xml_bytes);
            // calamine reports no merges for ODS; the covered cells are empty there, so
            // each merged value is still emitted once.
            let mut document = read_sheets(&mut workbook, limits, None, |_, _| Vec::new())?;
            show_as_displayed(&mut document, &shown);
            Ok(document)
        }
        _ => {
            let mut workbook: Xlsx<_> = Xlsx::new(cursor)
                .map_err(|e| open_error(&e, matches!(e, calamine::XlsxError::Password)))?;
            read_sheets(&mut workbook, limits, None, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        }
    }
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
        IngestError::new(ErrorKind::Encrypted, "the workbook is password-protected")
    } else {
        IngestError::new(
            ErrorKind::Unreadable,
            format!("not a readable workbook: {error}"),
        )
    }
}

/// Reads every sheet into a region. Number formats come from `cell_formats` when
/// given (.xls, for which calamine exposes none), else from calamine's styles.
fn read_sheets<RS, R, F>(
    workbook: &mut R,
    limits: &Limits,
    cell_formats: Option<&CellFormats>,
    merges_of: F,
) -> Result<Document, IngestError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    F: Fn(&mut R, &str) -> Vec<Dimensions>,
{
    let mut document = Document::default();
    let mut cells_read: u64 = 0;
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|e| {
            IngestError::new(
                ErrorKind::Unreadable,
                format!("sheet 「{name}」 cannot be read: {e}"),
            )
        })?;
        // Styles carry the number formats; only xlsx has them, the others give none.
        let styles = workbook
            .worksheet_style(&name)
            .unwrap_or_else(|_| StyleRange::empty());
        let widths: HashMap<(u32, u32), u32> = merges_of(workbook, &name)
            .iter()
            .map(|m| {
                (
                    (m.start.0, m.start.1),
                    m.end.1.saturating_sub(m.start.1) + 1,
                )
            })
            .collect();
        let mut rows: Vec<Row> = Vec::new();
        let mut current_row: Option<u32> = None;
        for (row, col, data) in range.used_cells() {
            let (row, col) = (row as u32, col as u32);
            let (row, col) = match range.start() {
                Some((r0, c0)) => (row + r0, col + c0),
                None => (row, col),
            };
            let format_code = match cell_formats {
                Some(formats) => formats.get(&(name.clone(), row, col)).map(String::as_str),
                None => styles
                    .get((row, col))
                    .and_then(|style| style.number_format.as_ref())
                    .map(|format| format.format_code.as_str()),
            };
            let Some(text) = cell_text(data, format_code) else {
                continue;
            };
            cells_read += 1;
            if cells_read > limits.max_cells {
                return Err(IngestError::new(
                    ErrorKind::TooLarge,
                    format!("more than {} non-empty cells (max_cells)", limits.max_cells),
                ));
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
