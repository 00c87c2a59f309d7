//! The text an ODS sheet shows for its typed cells.
//!
//! calamine gives an ODS number or date cell its stored value (0.9995, 2024-06-01);
//! the file also holds what the cell displays (「99.95%」, 「2024年6月1日」) in the
//! cell's paragraphs. This reads those paragraphs for the typed cells only, so the
//! answer's `raw` is what the applicant saw.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// (sheet name, row, column) → displayed text, for cells whose value type is not text.
pub type DisplayTexts = HashMap<(String, u32, u32), String>;

/// Reads the displayed text of typed cells from an ODS package; an unreadable part
/// gives an empty map (the stored values are then used as they are).
pub fn read(bytes: &[u8], max_xml_bytes: u64) -> DisplayTexts {
    let mut texts = DisplayTexts::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return texts;
    };
    let Ok(entry) = archive.by_name("content.xml") else {
        return texts;
    };
    let mut xml = Vec::new();
    if entry.take(max_xml_bytes).read_to_end(&mut xml).is_err() {
        return texts;
    }
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut buffer = Vec::new();
    let mut sheet = String::new();
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    // The typed cell being read: its column span of repeats and the text so far.
    let mut typed_cell: Option<(u32, String)> = None;
    let mut paragraphs_in_cell = 0;
    loop {
        let event = match reader.read_event_into(&mut buffer) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => {
                    sheet = attribute(&e, "table:name").unwrap_or_default();
                    row = 0;
                }
                "table:table-row" => {
                    col = 0;
                    row_repeat = repeat(&e, "table:number-rows-repeated");
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeats = repeat(&e, "table:number-columns-repeated");
                    let value_type = attribute(&e, "office:value-type").unwrap_or_default();
                    if !value_type.is_empty() && value_type != "string" {
                        typed_cell = Some((repeats, String::new()));
                        paragraphs_in_cell = 0;
                    } else {
                        col = col.saturating_add(repeats);
                    }
                }
                "text:p" if typed_cell.is_some() => {
                    if let Some((_, text)) = typed_cell.as_mut()
                        && paragraphs_in_cell > 0
                    {
                        text.push('\n');
                    }
                    paragraphs_in_cell += 1;
                }
                _ => {}
            },
            Event::Empty(e) => {
                if let Some((_, text)) = typed_cell.as_mut() {
                    match e.name().as_ref() {
                        "text:s" => text.push_str(&" ".repeat(repeat(&e, "text:c") as usize)),
                        "text:tab" => text.push('\t'),
                        "text:line-break" => text.push('\n'),
                        _ => {}
                    }
                } else {
                    handle_empty(&e, &mut row, &mut col);
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = typed_cell.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = typed_cell.as_mut() {
                    text.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some((repeats, text)) = typed_cell.take() {
                        // Repeated typed cells are rare and share one text; record the
                        // first, which is the one a form would use.
                        if !text.is_empty() {
                            texts.insert((sheet.clone(), row, col), text);
                        }
                        col = col.saturating_add(repeats);
                    }
                }
                "table:table-row" => row = row.saturating_add(row_repeat),
                _ => {}
            },
            _ => {}
        }
        buffer.clear();
    }
    texts
}

/// Self-closing rows and cells still move the position.
fn handle_empty(e: &BytesStart, row: &mut u32, col: &mut u32) {
    match e.name().as_ref() {
        "table:table-cell" | "table:covered-table-cell" => {
            *col = col.saturating_add(repeat(e, "table:number-columns-repeated"));
        }
        "table:table-row" => *row = row.saturating_add(repeat(e, "table:number-rows-repeated")),
        _ => {}
    }
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn repeat(e: &BytesStart, name: &str) -> u32 {
    attribute(e, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1)
}
