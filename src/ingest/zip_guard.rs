//! Zip bombs refused before anything is inflated.
//!
//! An .xlsx, .docx or .ods is a zip package, and what calamine and the zip reader do
//! with it is bounded by what its central directory declares: the zip reader stops
//! every entry at its declared uncompressed size (a lying size gives a read error, not
//! more bytes). So the declared sizes are checked here, once, against the limits:
//! the number of entries (read from the end-of-central-directory record, before the
//! directory itself is parsed), each entry's size, their sum, and the compression
//! ratio of the large ones.

use super::sniff::rfind;
use super::{ErrorKind, IngestError, Limits};
use std::io::{Cursor, Read};

const EOCD: &[u8] = b"PK\x05\x06";
const ZIP64_LOCATOR: &[u8] = b"PK\x06\x07";
const ZIP64_EOCD: &[u8] = b"PK\x06\x06";
/// Entries smaller than this are never a bomb, whatever their ratio.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// Checks a zip package's declared shape against the limits. A package too damaged to
/// tell is let through: the readers report it as unreadable.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), IngestError> {
    if let Some(entries) = declared_entries(bytes)
        && entries > limits.max_zip_entries
    {
        return Err(too_large(format!(
            "zip パッケージの中身が {entries} 個あり、上限（max_zip_entries）の {} を超えています",
            limits.max_zip_entries
        )));
    }
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if archive.len() as u64 > limits.max_zip_entries {
        return Err(too_large(format!(
            "zip パッケージの中身が {} 個あり、上限（max_zip_entries）の {} を超えています",
            archive.len(),
            limits.max_zip_entries
        )));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let size = entry.size();
        if size > limits.max_xml_bytes {
            return Err(too_large(format!(
                "部品 {name} を展開すると {size} バイトになり、上限（max_xml_bytes）の {} を超えます",
                limits.max_xml_bytes
            )));
        }
        total = total.saturating_add(size);
        if total > limits.max_inflated_bytes {
            return Err(too_large(format!(
                "zip パッケージを展開すると {} バイトを超えます（max_inflated_bytes）",
                limits.max_inflated_bytes
            )));
        }
        let ratio = size / entry.compressed_size().max(1);
        if size > RATIO_FLOOR && ratio > limits.max_zip_ratio {
            return Err(too_large(format!(
                "部品 {name} は {ratio} 倍に展開されます（{} バイトから {size} バイトへ）。\
                 上限（max_zip_ratio）は {} 倍です",
                entry.compressed_size(),
                limits.max_zip_ratio
            )));
        }
    }
    Ok(())
}

fn too_large(message: String) -> IngestError {
    IngestError::new(ErrorKind::TooLarge, message)
}

/// The entry count in the end-of-central-directory record (its zip64 form when the
/// record says so), without parsing the directory.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    // The record is 22 bytes plus a comment of at most 65535.
    let from = bytes.len().saturating_sub(22 + 65535);
    let at = from + rfind(&bytes[from..], EOCD)?;
    let record = bytes.get(at..at + 22)?;
    let entries = u64::from(u16::from_le_bytes([record[10], record[11]]));
    if entries != 0xFFFF {
        return Some(entries);
    }
    // Zip64: a locator right before the record points at the zip64 record.
    let locator = bytes.get(at.checked_sub(20)?..at)?;
    if !locator.starts_with(ZIP64_LOCATOR) {
        return Some(entries);
    }
    let offset = usize::try_from(u64::from_le_bytes(locator[8..16].try_into().ok()?)).ok()?;
    let record = bytes.get(offset..offset.checked_add(56)?)?;
    if !record.starts_with(ZIP64_EOCD) {
        return Some(entries);
    }
    Some(u64::from_le_bytes(record[32..40].try_into().ok()?))
}

/// An entry of a package inflated, cut at `max_xml_bytes` (what the reader that wants
/// it makes of a part cut short is its own affair); `None` if it does not inflate.
pub(super) fn inflated(entry: impl Read, limits: &Limits) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    entry
        .take(limits.max_xml_bytes)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn package(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            for (name, data) in entries {
                writer
                    .start_file(*name, SimpleFileOptions::default())
                    .unwrap();
                writer.write_all(data).unwrap();
            }
            writer.finish().unwrap();
        }
        buffer.into_inner()
    }

    #[test]
    fn too_many_entries_are_refused_from_the_end_record() {
        let entries: Vec<(String, Vec<u8>)> =
            (0..20).map(|i| (format!("f{i}"), Vec::new())).collect();
        let entries: Vec<(&str, Vec<u8>)> = entries
            .iter()
            .map(|(n, d)| (n.as_str(), d.clone()))
            .collect();
        let bytes = package(&entries);
        assert_eq!(declared_entries(&bytes), Some(20));
        let limits = Limits {
            max_zip_entries: 10,
            ..Limits::DEFAULT
        };
        let error = check(&bytes, &limits).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TooLarge);
        assert!(error.message.contains("max_zip_entries"));
        assert!(check(&bytes, &Limits::DEFAULT).is_ok());
    }

    #[test]
    fn sizes_and_ratios_are_checked() {
        let bytes = package(&[("a.xml", vec![b' '; 4 << 20])]);
        let limits = Limits {
            max_xml_bytes: 1 << 20,
            ..Limits::DEFAULT
        };
        assert!(
            check(&bytes, &limits)
                .unwrap_err()
                .message
                .contains("max_xml_bytes")
        );
        let limits = Limits {
            max_inflated_bytes: 1 << 20,
            ..Limits::DEFAULT
        };
        assert!(
            check(&bytes, &limits)
                .unwrap_err()
                .message
                .contains("max_inflated_bytes")
        );
        // Four MiB of spaces deflate about a thousand times.
        assert!(
            check(&bytes, &Limits::DEFAULT)
                .unwrap_err()
                .message
                .contains("max_zip_ratio")
        );
    }

    #[test]
    fn a_lying_size_does_not_inflate_further() {
        use std::io::Read;
        let mut bytes = package(&[("a.xml", vec![b'x'; 100_000])]);
        // Declare 1,000 bytes in the central directory (offset 24 of its header).
        let at = rfind(&bytes, b"PK\x01\x02").unwrap();
        bytes[at + 24..at + 28].copy_from_slice(&1000u32.to_le_bytes());
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut out = Vec::new();
        let result = archive.by_name("a.xml").unwrap().read_to_end(&mut out);
        assert!(result.is_err() || out.len() <= 1001, "{}", out.len());
    }
}
