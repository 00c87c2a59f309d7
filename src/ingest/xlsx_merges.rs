//! The merged cells of an .xlsx workbook's sheets, read from what follows each sheet's
//! cells, and the columns each hides, read from what comes before them.
//!
//! calamine's `merge_cells_by_sheet_name` parses a whole sheet again to reach its
//! `<mergeCells>`, which the format puts after the cells: it cost as much as a tenth of
//! reading a workbook. Here each sheet part is inflated and only what follows the end of
//! its cells is parsed. A sheet this does not place the way calamine does (its part not
//! named by the workbook's relationships, no end of its cells found, a range it does not
//! read) is left to calamine.

use super::Limits;
use super::sniff::rfind;
use super::zip_guard::inflated;
use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// The package and where each sheet's part is; a sheet's merged ranges are read when
/// they are asked for (each sheet in its turn, under the reader's deadline).
pub struct Merges<'a> {
    archive: Option<zip::ZipArchive<Cursor<&'a [u8]>>>,
    /// Sheet name → the path of its part (the first sheet of a name, as calamine).
    parts: HashMap<String, String>,
    limits: Limits,
}

impl Merges<'_> {
    /// The merged ranges of sheet `name`, or `None` when calamine must read them; and
    /// the runs of columns it hides (0-based, first and last).
    pub fn of(&mut self, name: &str) -> (Option<Vec<Dimensions>>, Vec<(u32, u32)>) {
        let xml = self
            .parts
            .get(name)
            .zip(self.archive.as_mut())
            .and_then(|(path, archive)| part(archive, path, &self.limits));
        match xml {
            Some(xml) => (after_cells(&xml), hidden_columns(&xml)),
            None => (None, Vec::new()),
        }
    }
}

/// Locates each sheet's part: only the package's and the workbook's relationships and
/// the workbook itself are read here.
pub fn read<'a>(bytes: &'a [u8], limits: &Limits) -> Merges<'a> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok();
    let mut parts = HashMap::new();
    if let Some(archive) = archive.as_mut() {
        for (name, path) in sheet_parts(archive, limits) {
            parts.entry(name).or_insert(path);
        }
    }
    Merges {
        archive,
        parts,
        limits: *limits,
    }
}

/// A part of the package by name, as calamine finds it: case aside, `\` as `/`.
fn part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    path: &str,
    limits: &Limits,
) -> Option<Vec<u8>> {
    let wanted = path.to_ascii_lowercase();
    let name = archive
        .file_names()
        .flatten()
        .find(|n| n.replace('\\', "/").to_ascii_lowercase() == wanted)
        .map_or_else(|| path.to_string(), |n| n.into_owned());
    inflated(archive.by_name(&name).ok()?, limits)
}

/// The elements of an XML part with the given local name, each with its attributes
/// (local names, values unescaped).
fn elements(xml: &[u8], local: &str) -> Vec<HashMap<String, String>> {
    let mut reader = Reader::from_reader(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let attributes = e
                    .attributes()
                    .flatten()
                    .filter_map(|a| {
                        let key = a.key.local_name().as_ref().to_string();
                        Some((
                            key,
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .ok()?
                                .into_owned(),
                        ))
                    })
                    .collect();
                found.push(attributes);
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    found
}

/// Each sheet's name and the path of its part, resolved as calamine resolves them:
/// the package's officeDocument relationship names the workbook, whose relationships
/// name the sheets' parts, relative to its folder or absolute.
fn sheet_parts<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    limits: &Limits,
) -> Vec<(String, String)> {
    let Some(package) = part(archive, "_rels/.rels", limits) else {
        return Vec::new();
    };
    let Some(workbook) = elements(&package, "Relationship")
        .into_iter()
        .find_map(|r| {
            r.get("Type")
                .is_some_and(|t| t.ends_with("/relationships/officeDocument"))
                .then(|| r.get("Target").cloned())
                .flatten()
        })
    else {
        return Vec::new();
    };
    let (folder, file) = workbook.split_at(workbook.rfind('/').map_or(0, |i| i + 1));
    let folder = folder.strip_prefix('/').unwrap_or(folder);
    let file = if file.is_empty() {
        "workbook.xml"
    } else {
        file
    };
    let Some(relationships) = part(archive, &format!("{folder}_rels/{file}.rels"), limits) else {
        return Vec::new();
    };
    let targets: HashMap<String, String> = elements(&relationships, "Relationship")
        .into_iter()
        .filter_map(|mut r| Some((r.remove("Id")?, r.remove("Target")?)))
        .collect();
    let Some(book) = part(archive, &format!("{folder}{file}"), limits) else {
        return Vec::new();
    };
    elements(&book, "sheet")
        .into_iter()
        .filter_map(|mut sheet| {
            let target = targets.get(&sheet.remove("id")?)?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("{folder}{target}"),
            };
            Some((sheet.remove("name")?, path))
        })
        .collect()
}

/// The merged ranges of a sheet part, read from the end of its cells on; `None` where
/// that end is not found or a range does not read as a plain one.
fn after_cells(xml: &[u8]) -> Option<Vec<Dimensions>> {
    let from = cells_end(xml)?;
    let mut reader = Reader::from_reader(&xml[from..]);
    // The worksheet's own end tag closes what started before `from`.
    reader.config_mut().allow_unmatched_ends = true;
    let mut ranges = Vec::new();
    let mut open = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCells" => {
                open = true;
            }
            Event::Start(e) | Event::Empty(e) if open && e.local_name().as_ref() == "mergeCell" => {
                if let Some(range) = e.attributes().flatten().find(|a| a.key.as_ref() == "ref") {
                    ranges.push(dimensions(range.value.as_bytes())?);
                }
            }
            Event::End(e) if open && e.local_name().as_ref() == "mergeCells" => {
                return Some(ranges);
            }
            // No merges after the cells; an unclosed list is calamine's to judge.
            Event::Eof if !open => return Some(ranges),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The columns a sheet part hides (`<col min="1" max="2" hidden="1"/>`, before its
/// cells), 0-based first and last of each run.
fn hidden_columns(xml: &[u8]) -> Vec<(u32, u32)> {
    let mut reader = Reader::from_reader(xml);
    let mut hidden = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "col" => {
                let mut run = (None, None, false);
                for a in e.attributes().flatten() {
                    let value = || a.value.parse::<u32>().ok();
                    match a.key.local_name().as_ref() {
                        "min" => run.0 = value(),
                        "max" => run.1 = value(),
                        "hidden" => run.2 = matches!(a.value.as_ref(), "1" | "true"),
                        _ => {}
                    }
                }
                if let (Some(min), Some(max), true) = run
                    && min >= 1
                    && max >= min
                {
                    hidden.push((min - 1, max - 1));
                }
            }
            // The columns are listed before the cells; none come after them.
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sheetData" => break,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    hidden
}

/// Where the end tag of the sheet's cells (`</sheetData>`, any prefix) ends.
fn cells_end(xml: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"sheetData>";
    let name = rfind(xml, NAME)?;
    let mut tag = name;
    if tag > 0 && xml[tag - 1] == b':' {
        let prefix = xml[..tag - 1]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
            .count();
        if prefix == 0 {
            return None;
        }
        tag -= 1 + prefix;
    }
    let tag = tag.checked_sub(2)?;
    (xml.get(tag..tag + 2)? == b"</").then_some(name + NAME.len())
}

/// 「B3:D3」 or 「B3」 as calamine reads it (0-based); `None` for anything else.
fn dimensions(range: &[u8]) -> Option<Dimensions> {
    let text = std::str::from_utf8(range).ok()?;
    let mut parts = text.split(':').map(cell);
    let start = parts.next()??;
    let end = match parts.next() {
        Some(end) => end?,
        None => start,
    };
    parts.next().is_none().then_some(Dimensions { start, end })
}

/// 「B3」 → (2, 1); letters then digits, nothing else.
fn cell(reference: &str) -> Option<(u32, u32)> {
    let digits = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = reference.split_at(digits);
    if letters.is_empty() || !letters.bytes().all(|c| c.is_ascii_alphabetic()) || letters.len() > 3
    {
        return None;
    }
    let column = letters.bytes().fold(0u32, |n, c| {
        n * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = number.parse().ok()?;
    Some((row.checked_sub(1)?, column - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader as _, Xlsx};

    #[test]
    fn ranges_and_the_end_of_the_cells() {
        assert_eq!(cell("B3"), Some((2, 1)));
        assert_eq!(cell("AA10"), Some((9, 26)));
        assert_eq!(cell("$B$3"), None);
        assert_eq!(cell("B0"), None);
        assert_eq!(
            dimensions(b"B3:D3").map(|d| (d.start, d.end)),
            Some(((2, 1), (2, 3)))
        );
        assert_eq!(
            cells_end(b"<sheetData><row/></sheetData><mergeCells/>"),
            Some(29)
        );
        assert_eq!(cells_end(b"<x:sheetData></x:sheetData>"), Some(27));
        assert_eq!(cells_end(b"<sheetData/>"), None);
        let xml = br#"<worksheet><sheetData><row><c r="A1"/></row></sheetData>
            <mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="B2"/></mergeCells>
            <headerFooter><oddHeader>mergeCell</oddHeader></headerFooter></worksheet>"#;
        let ranges = after_cells(xml).unwrap();
        assert_eq!(ranges.len(), 2);
        assert_eq!(
            after_cells(b"<sheetData></sheetData></worksheet>"),
            Some(Vec::new())
        );
        assert_eq!((ranges[0].start, ranges[0].end), ((0, 0), (0, 2)));
        assert_eq!((ranges[1].start, ranges[1].end), ((1, 1), (1, 1)));
    }

    #[test]
    fn hidden_columns_are_read_before_the_cells() {
        let xml = br#"<worksheet><cols><col min="1" max="1" width="3" hidden="1"/>
            <col min="2" max="4" width="20"/><col min="7" max="8" hidden="true"/></cols>
            <sheetData><row><c r="A1"/></row></sheetData><cols><col min="9" max="9" hidden="1"/></cols></worksheet>"#;
        assert_eq!(hidden_columns(xml), [(0, 0), (6, 7)]);
        assert!(hidden_columns(b"<worksheet><sheetData/></worksheet>").is_empty());
    }

    /// Every sheet of the real workbooks at hand is read as calamine reads it.
    #[test]
    fn merges_are_calamines() {
        let folders = ["fixtures/spreadsheets", "fixtures/legacy"];
        let mut sheets = 0;
        for folder in folders {
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            for path in entries.flatten().map(|e| e.path()) {
                if path.extension().is_none_or(|e| e != "xlsx") {
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let mut merges = read(&bytes, &Limits::default());
                let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
                for name in workbook.sheet_names() {
                    let ours = merges.of(&name).0.expect("every sheet read here");
                    let theirs = workbook.merge_cells_by_sheet_name(&name).unwrap();
                    assert_eq!(ours, theirs, "{} {name}", path.display());
                    sheets += 1;
                }
            }
        }
        assert!(sheets > 0);
    }
}
