//! Ingest: a file on disk becomes a [`Document`].
//!
//! The format is decided by the file's content ([`sniff`]), the extension only breaks
//! ties. Each format has its own module; adding one is a new file and a line in
//! [`read_bytes`]. Nothing here knows about items or rules.

mod docx;
mod numfmt;
mod ods_display;
mod pdf;
pub mod sniff;
mod spreadsheet;
mod xls_formats;

use crate::model::Document;
use serde::Serialize;
use std::path::Path;

pub use sniff::Format;

/// Limits that keep one hostile file from exhausting the machine.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Most non-empty cells read from one workbook.
    pub max_cells: u64,
    /// Largest XML part inflated from a zip package, in bytes.
    pub max_xml_bytes: u64,
    /// Most pages read from one PDF.
    pub max_pages: u32,
    /// Largest decoded content of one PDF page (its content streams and the forms it
    /// draws), in bytes.
    pub max_stream_bytes: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 256 * 1024 * 1024,
        max_cells: 2_000_000,
        max_xml_bytes: 512 * 1024 * 1024,
        max_pages: 5000,
        max_stream_bytes: 64 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Why a file could not be turned into a document: the contract's error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    Unsupported,
    Unreadable,
    Encrypted,
    TooLarge,
    NoText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestError {
    pub kind: ErrorKind,
    pub message: String,
}

impl IngestError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        IngestError {
            kind,
            message: message.into(),
        }
    }
}

impl ErrorKind {
    /// The contract's name for the kind (`too-large`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Unreadable => "unreadable",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::NoText => "no-text",
        }
    }
}

impl std::fmt::Display for IngestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for IngestError {}

/// A file read from disk, before parsing.
pub struct Input {
    pub bytes: Vec<u8>,
    pub format: Option<Format>,
}

/// Reads a file and decides its format, refusing files over the size limit before
/// reading them.
pub fn load(path: &Path, limits: &Limits) -> Result<Input, IngestError> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| IngestError::new(ErrorKind::Unreadable, format!("cannot open: {e}")))?;
    if metadata.len() > limits.max_file_bytes {
        return Err(IngestError::new(
            ErrorKind::TooLarge,
            format!(
                "the file is {} bytes; the limit (max_file_bytes) is {}",
                metadata.len(),
                limits.max_file_bytes
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| IngestError::new(ErrorKind::Unreadable, format!("cannot read: {e}")))?;
    if bytes.is_empty() {
        return Err(IngestError::new(ErrorKind::Unreadable, "the file is empty"));
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = match sniff::sniff(&bytes, extension) {
        sniff::Sniffed::Format(format) => Some(format),
        sniff::Sniffed::Unknown => None,
        sniff::Sniffed::Damaged => {
            return Err(IngestError::new(
                ErrorKind::Unreadable,
                "a damaged zip container (truncated or corrupt)",
            ));
        }
    };
    Ok(Input { bytes, format })
}

/// Parses a loaded file into the document model.
pub fn read_bytes(input: &Input, limits: &Limits) -> Result<Document, IngestError> {
    match input.format {
        Some(format @ (Format::Xlsx | Format::Xlsm | Format::Xls | Format::Ods)) => {
            spreadsheet::read(&input.bytes, format, limits)
        }
        Some(Format::Docx) => docx::read(&input.bytes, limits),
        Some(Format::Pdf) => pdf::read(&input.bytes, limits),
        Some(Format::EncryptedOffice) => Err(IngestError::new(
            ErrorKind::Encrypted,
            "the file is a password-protected Office document",
        )),
        Some(other) => Err(IngestError::new(
            ErrorKind::Unsupported,
            format!("{} input is not supported yet", other.name()),
        )),
        None => Err(IngestError::new(
            ErrorKind::Unsupported,
            "not a spreadsheet, Word document or PDF (judged by content)",
        )),
    }
}
