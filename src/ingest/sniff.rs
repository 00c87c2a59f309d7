//! Deciding a file's format from its content.
//!
//! Applicants rename files, mail clients strip extensions, and a PDF saved as `.xlsx`
//! must still be read as a PDF. The extension is used only where the content cannot
//! tell (an xlsx and an xlsm differ by one content type).

use std::io::{Cursor, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xls,
    Ods,
    Docx,
    Pdf,
    /// A legacy binary Word document (.doc): recognized, not read.
    Doc,
    /// An OOXML file wrapped in an encrypted compound file (a password-protected
    /// workbook or document).
    EncryptedOffice,
}

impl Format {
    /// The name used in the output's `source.format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Doc => "doc",
            Format::EncryptedOffice => "encrypted-office",
        }
    }
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// What the content of a file says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Format(Format),
    /// A container kaiji reads, too damaged to tell more (a truncated zip).
    Damaged,
    /// None of the formats kaiji reads.
    Unknown,
}

/// Whether `bytes` start as a zip package does.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
}

/// The format of `bytes`.
pub fn sniff(bytes: &[u8], extension: &str) -> Sniffed {
    // A container's signature at offset 0 decides before a PDF header anywhere in the
    // first kilobyte: a workbook may hold "%PDF-" in an entry's name or data.
    if bytes.starts_with(OLE_MAGIC) {
        return Sniffed::Format(sniff_compound_file(bytes));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return sniff_zip(bytes, extension);
    }
    // PDF readers accept junk before the header, within the first kilobyte.
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Sniffed::Format(Format::Pdf);
    }
    Sniffed::Unknown
}

/// A compound (OLE) file holds an .xls, a .doc, or an encrypted OOXML package; its
/// directory names its streams in UTF-16LE.
fn sniff_compound_file(bytes: &[u8]) -> Format {
    let has_stream = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        find(bytes, &utf16).is_some()
    };
    if has_stream("EncryptedPackage") {
        Format::EncryptedOffice
    } else if has_stream("WordDocument") {
        Format::Doc
    } else {
        Format::Xls
    }
}

fn sniff_zip(bytes: &[u8], extension: &str) -> Sniffed {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Sniffed::Damaged;
    };
    if let Ok(mut entry) = archive.by_name("mimetype") {
        let mut mimetype = Vec::new();
        // The mimetype entry is a few dozen bytes; read no more than that.
        let _ = (&mut entry).take(128).read_to_end(&mut mimetype);
        if mimetype.starts_with(ODS_MIMETYPE) {
            return Sniffed::Format(Format::Ods);
        }
        return Sniffed::Unknown;
    }
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |wanted: &str| names.iter().any(|n| n == wanted);
    if has("word/document.xml") {
        return Sniffed::Format(Format::Docx);
    }
    if names.iter().any(|n| n.starts_with("xl/workbook.")) {
        let macro_enabled = has("xl/vbaProject.bin") || extension.eq_ignore_ascii_case("xlsm");
        return Sniffed::Format(if macro_enabled {
            Format::Xlsm
        } else {
            Format::Xlsx
        });
    }
    Sniffed::Unknown
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// Where `needle` last occurs in `haystack`.
pub(crate) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_is_recognized_whatever_the_extension() {
        assert_eq!(
            sniff(b"%PDF-1.7\n...", "xlsx"),
            Sniffed::Format(Format::Pdf)
        );
    }

    #[test]
    fn a_container_signature_decides_before_a_pdf_header_in_its_first_kilobyte() {
        assert_eq!(
            sniff(b"junk\r\n%PDF-1.4\n...", "bin"),
            Sniffed::Format(Format::Pdf)
        );
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend(b"%PDF-1.4");
        ole.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&ole, "xls"), Sniffed::Format(Format::Xls));
        assert_eq!(sniff(b"PK\x03\x04%PDF-1.4", "xlsx"), Sniffed::Damaged);
    }

    #[test]
    fn plain_text_is_not_a_supported_format() {
        assert_eq!(sniff("申請書です".as_bytes(), "xlsx"), Sniffed::Unknown);
        assert_eq!(sniff(b"", "pdf"), Sniffed::Unknown);
        assert_eq!(sniff(b"PK\x03\x04truncated", "xlsx"), Sniffed::Damaged);
    }

    #[test]
    fn compound_files_are_told_apart_by_their_streams() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            sniff(&bytes, "xlsx"),
            Sniffed::Format(Format::EncryptedOffice)
        );
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&bytes, "bin"), Sniffed::Format(Format::Xls));
    }

    #[test]
    fn a_zip_that_is_no_office_file_is_not_supported() {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            writer
                .start_file("readme.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut writer, b"hello").unwrap();
            writer.finish().unwrap();
        }
        assert_eq!(sniff(buffer.get_ref(), "docx"), Sniffed::Unknown);
    }
}
