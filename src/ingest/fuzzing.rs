//! What the fuzz targets under `fuzz/` run, one function per target, so that a crash
//! input kept under `fuzz/regressions/TARGET/` is replayed by `cargo test`
//! (`tests/hostile.rs`) through the very same code.
//!
//! Reader targets take a file's bytes. For the zip formats an input that does not start
//! as a zip is taken as the main XML part instead (the sheet of an .xlsx, with the
//! shared strings after a `\0\0` if any; `word/document.xml`; the `content.xml` of an
//! .ods) and packaged around it, so the fuzzer works on XML rather than on deflate.
//! Normalizer targets take UTF-8 text.

use super::{Deadline, Format, Input, Limits, read_unguarded, sniff};
use crate::catalog::Catalog;
use crate::normalize;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// Every target, as `cargo fuzz run NAME` knows it.
pub const TARGETS: [&str; 11] = [
    "xlsx", "xls", "ods", "docx", "pdf", "date", "money", "percent", "number", "flags", "choices",
];

/// Limits small enough that a fuzzing run spends its time on many inputs, not on a
/// few big ones; a run over them is a bug (libFuzzer's `-timeout`, `-rss_limit_mb`).
pub const LIMITS: Limits = Limits {
    max_file_bytes: 16 << 20,
    max_zip_entries: 1000,
    max_inflated_bytes: 64 << 20,
    max_xml_bytes: 16 << 20,
    max_zip_ratio: 500,
    max_xml_depth: 256,
    max_cells: 200_000,
    max_pages: 200,
    max_stream_bytes: 16 << 20,
    max_pdf_objects: 1_000_000,
    max_text_bytes: 16 << 20,
    max_time_per_file: std::time::Duration::from_secs(5),
};

/// Runs one target on one input. Panics (the fuzzer's crash) only if the code under
/// test does.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "xlsx" => read(Format::Xlsx, xlsx_package(data)),
        "xls" => read(Format::Xls, data.to_vec()),
        "ods" => read(Format::Ods, ods_package(data)),
        "docx" => read(Format::Docx, docx_package(data)),
        "pdf" => read(Format::Pdf, data.to_vec()),
        _ => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            normalizer(target, text);
        }
    }
}

fn read(format: Format, bytes: Vec<u8>) {
    let _ = sniff::sniff(&bytes, format.name());
    let input = Input {
        bytes,
        format: Some(format),
    };
    let _ = read_unguarded(&input, &LIMITS, Deadline::start(&LIMITS));
}

fn normalizer(target: &str, text: &str) {
    match target {
        "date" => {
            let _ = normalize::parse_date(text);
        }
        "money" => {
            // A label may follow a line feed: 「売上高（千円）」 changes the unit.
            let (raw, label) = text.split_once('\n').unwrap_or((text, ""));
            let _ = normalize::parse_money(text);
            let _ = normalize::parse_money_under_label(raw, Some(label));
        }
        "percent" => {
            let _ = normalize::parse_percent(text, false);
            let _ = normalize::parse_percent(text, true);
        }
        "number" => {
            let _ = normalize::parse_number(text, None, false);
            let _ = normalize::parse_number(text, Some("名"), true);
            let _ = normalize::parse_duration(text);
            let _ = normalize::numerals::kanji_to_digits(text);
        }
        "flags" => {
            let _ = normalize::parse_presence(text);
            let _ = normalize::parse_permission(text);
        }
        "choices" => {
            // Every choice field of the catalog, then every field through the dispatcher.
            let catalog = Catalog::builtin();
            for field in catalog.items.iter().flat_map(|item| item.fields.iter()) {
                if !field.choices.is_empty() {
                    let _ = normalize::parse_choices(text, &field.choices, &field.choice_aliases);
                }
                let _ = normalize::normalize(text, field, Some(&field.label));
            }
        }
        other => panic!("no fuzz target is called {other:?}"),
    }
}

fn is_zip(data: &[u8]) -> bool {
    data.starts_with(b"PK")
}

/// A stored (uncompressed) zip of `parts`.
pub fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buffer = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        if writer.start_file(*name, options).is_err() || writer.write_all(data).is_err() {
            break;
        }
    }
    let _ = writer.finish();
    buffer.into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;

/// An .xlsx around `data` (the sheet, then optionally `\0\0` and the shared strings).
pub fn xlsx_package(data: &[u8]) -> Vec<u8> {
    if is_zip(data) {
        return data.to_vec();
    }
    let (sheet, strings) = match data.windows(2).position(|w| w == b"\0\0") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (
            data,
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>No.</t></si><si><t>事業者名</t></si></sst>"#.as_bytes(),
        ),
    };
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        (
            "_rels/.rels",
            br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="申請書" sheetId="1" r:id="rId1"/></sheets></workbook>"#.as_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
    ])
}

/// A .docx around `data` (its `word/document.xml`).
pub fn docx_package(data: &[u8]) -> Vec<u8> {
    if is_zip(data) {
        return data.to_vec();
    }
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", data),
    ])
}

/// An .ods around `data` (its `content.xml`).
pub fn ods_package(data: &[u8]) -> Vec<u8> {
    if is_zip(data) {
        return data.to_vec();
    }
    package(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        (
            "META-INF/manifest.xml",
            br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
        ),
        ("content.xml", data),
    ])
}
