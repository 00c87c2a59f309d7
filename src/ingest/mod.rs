//! Ingest: a file on disk becomes a [`Document`].
//!
//! The format is decided by the file's content ([`sniff`]), the extension only breaks
//! ties. Each format has its own module; adding one is a new file and a line in
//! [`read_bytes`]. Nothing here knows about items or rules.

mod compound;
mod docx;
#[doc(hidden)]
pub mod fuzzing;
mod numfmt;
mod ods_display;
mod pdf;
pub mod sniff;
mod spreadsheet;
mod word_lists;
mod xls_formats;
mod xlsx_merges;
mod zip_guard;

use crate::model::Document;
use serde::Serialize;
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::{Duration, Instant};

pub use sniff::Format;

/// Limits that keep one hostile file from exhausting the machine. Exceeding any of them
/// gives an error of kind `too-large` whose message names the limit (`max_cells`, …).
///
/// Each can be set from the environment ([`Limits::from_env`]: `KAIJI_MAX_CELLS=5000000`)
/// or by name ([`Limits::set`]: `max_cells`, `5000000`). Sizes take an optional binary
/// suffix (`64K`, `256M`, `1G`), the time limit seconds (`30`, `2.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest input file accepted, in bytes (`max_file_bytes`).
    pub max_file_bytes: u64,
    /// Most entries in a zip package (.xlsx, .xlsm, .docx, .ods), read from its central
    /// directory before anything is inflated (`max_zip_entries`).
    pub max_zip_entries: u64,
    /// Most bytes a zip package inflates to, all entries together, as its central
    /// directory declares them (`max_inflated_bytes`). The zip reader stops any entry at
    /// its declared size, so a lying size cannot inflate further.
    pub max_inflated_bytes: u64,
    /// Largest single part (entry) of a zip package, inflated, in bytes (`max_xml_bytes`).
    pub max_xml_bytes: u64,
    /// Highest compression ratio of an entry that inflates beyond 1 MiB
    /// (`max_zip_ratio`): a zip bomb, not a document.
    pub max_zip_ratio: u64,
    /// Deepest element nesting in the XML that kaiji walks itself (`max_xml_depth`).
    pub max_xml_depth: u32,
    /// Most cells read from one workbook (`max_cells`): its non-empty cells, counted
    /// as they are read; for .xls and .ods, which are laid out as whole rectangles,
    /// also the rows × columns their sheets span, counted before they are laid out.
    /// An .xlsx may hold at most 8 × `max_cells` cell elements, empty ones included.
    pub max_cells: u64,
    /// Most pages read from one PDF (`max_pages`).
    pub max_pages: u32,
    /// Largest decoded content of one PDF page (its content streams and the forms it
    /// draws), and of any one stream of the file, in bytes (`max_stream_bytes`).
    pub max_stream_bytes: u64,
    /// Most objects a PDF's structure holds (numbers, names, strings, arrays and
    /// dictionaries, each element counted), its object streams included
    /// (`max_pdf_objects`). Counted in the bytes before lopdf parses them: lopdf holds
    /// every object of the file at once, at about a hundred bytes each, so an array of
    /// forty million zeros in an 80 MB file would take four gigabytes.
    pub max_pdf_objects: u64,
    /// Most bytes of text read from one file (`max_text_bytes`), counted where text is
    /// multiplied, before it is: a shared string times the cells that show it, a cell
    /// times its repeats, a number format's output, a PDF glyph's text after its
    /// ToUnicode CMap.
    pub max_text_bytes: u64,
    /// Longest time spent reading one file (`max_time_per_file`), checked as the
    /// readers go; past it the file is `too-large`.
    pub max_time_per_file: Duration,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 256 * 1024 * 1024,
        max_zip_entries: 10_000,
        max_inflated_bytes: 1024 * 1024 * 1024,
        max_xml_bytes: 256 * 1024 * 1024,
        max_zip_ratio: 500,
        max_xml_depth: 256,
        max_cells: 2_000_000,
        max_pages: 5000,
        max_stream_bytes: 64 * 1024 * 1024,
        // A thousand-page tagged PDF holds a few million; lopdf's copy of eight
        // million takes about a gigabyte.
        max_pdf_objects: 8_000_000,
        // A form's text is kilobytes; a 5,000-page PDF or two million cells of
        // figures are some tens of megabytes.
        max_text_bytes: 64 * 1024 * 1024,
        max_time_per_file: Duration::from_secs(60),
    };

    /// The limits' names, as [`Limits::set`] and the error messages spell them.
    pub const NAMES: [&'static str; 12] = [
        "max_file_bytes",
        "max_zip_entries",
        "max_inflated_bytes",
        "max_xml_bytes",
        "max_zip_ratio",
        "max_xml_depth",
        "max_cells",
        "max_pages",
        "max_stream_bytes",
        "max_pdf_objects",
        "max_text_bytes",
        "max_time_per_file",
    ];

    /// The default limits, each overridden by the environment variable of its name in
    /// capitals (`KAIJI_MAX_CELLS`, `KAIJI_MAX_TIME_PER_FILE`, …) when that is set.
    /// A value that does not parse, or a `KAIJI_MAX_…` that names no limit, is an error
    /// naming the variable: a tightened limit is never silently undone.
    pub fn from_env() -> Result<Limits, String> {
        let mut vars = Vec::new();
        for (key, value) in std::env::vars_os() {
            let Some(key) = key.to_str().filter(|k| k.starts_with("KAIJI_")) else {
                continue;
            };
            let value = value
                .into_string()
                .map_err(|_| format!("{key}：値が UTF-8 ではありません"))?;
            vars.push((key.to_string(), value));
        }
        Limits::from_vars(vars)
    }

    /// [`Limits::from_env`] over the given variables.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Limits, String> {
        let mut limits = Limits::DEFAULT;
        for (key, value) in vars {
            let Some(name) = key.strip_prefix("KAIJI_") else {
                continue;
            };
            let name = name.to_ascii_lowercase();
            if name.starts_with("max_") {
                limits
                    .set(&name, &value)
                    .map_err(|e| format!("{key}：{e}"))?;
            }
        }
        Ok(limits)
    }

    /// Sets the limit called `name` (`max_cells`) from its text (`5000000`, `256M`,
    /// `2.5` seconds for `max_time_per_file`).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        let size = || {
            parse_size(value).ok_or_else(|| {
                format!("{value:?} は大きさとして読めません（例：5000000、64K、256M、1G）")
            })
        };
        let small = |n: u64| u32::try_from(n).map_err(|_| format!("{value:?} は大きすぎます"));
        match name {
            "max_file_bytes" => self.max_file_bytes = size()?,
            "max_zip_entries" => self.max_zip_entries = size()?,
            "max_inflated_bytes" => self.max_inflated_bytes = size()?,
            "max_xml_bytes" => self.max_xml_bytes = size()?,
            "max_zip_ratio" => self.max_zip_ratio = size()?,
            "max_xml_depth" => self.max_xml_depth = small(size()?)?,
            "max_cells" => self.max_cells = size()?,
            "max_pages" => self.max_pages = small(size()?)?,
            "max_stream_bytes" => self.max_stream_bytes = size()?,
            "max_pdf_objects" => self.max_pdf_objects = size()?,
            "max_text_bytes" => self.max_text_bytes = size()?,
            "max_time_per_file" => {
                let seconds: f64 = value
                    .strip_suffix('s')
                    .unwrap_or(value)
                    .parse()
                    .map_err(|_| seconds_expected(value))?;
                self.max_time_per_file =
                    Duration::try_from_secs_f64(seconds).map_err(|_| seconds_expected(value))?;
            }
            _ => {
                return Err(format!(
                    "{name:?} という上限はありません（上限：{}）",
                    Limits::NAMES.join(", ")
                ));
            }
        }
        Ok(())
    }
}

fn seconds_expected(value: &str) -> String {
    format!("{value:?} は秒数として読めません（例：30、2.5）")
}

/// `1234`, `64K`, `256M`, `1G` (binary multiples; `KiB`, `MB` … are read alike).
fn parse_size(text: &str) -> Option<u64> {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(text.len());
    let number: u64 = text[..digits_end].replace('_', "").parse().ok()?;
    let unit = text[digits_end..].trim().to_ascii_lowercase();
    let shift = match unit.trim_end_matches('b').trim_end_matches('i') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return None,
    };
    number.checked_mul(1u64 << shift)
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// When the time for reading one file runs out; readers call [`Deadline::check`] in
/// their loops.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<Instant>,
    limit: Duration,
}

impl Deadline {
    /// From now, `limits.max_time_per_file`.
    pub fn start(limits: &Limits) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(limits.max_time_per_file),
            limit: limits.max_time_per_file,
        }
    }

    /// Whether time is up: `too-large` naming `max_time_per_file`.
    pub fn check(&self) -> Result<(), IngestError> {
        match self.at {
            Some(at) if Instant::now() >= at => Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "読み取りに {:.1} 秒を超えてかかっています（max_time_per_file）",
                    self.limit.as_secs_f64()
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// A [`Deadline`] checked every `EVERY` calls, for tight loops.
pub(crate) struct Ticker {
    deadline: Deadline,
    count: u32,
}

impl Ticker {
    const EVERY: u32 = 4096;

    pub(crate) fn new(deadline: Deadline) -> Ticker {
        Ticker { deadline, count: 0 }
    }

    pub(crate) fn tick(&mut self) -> Result<(), IngestError> {
        self.count += 1;
        if self.count >= Ticker::EVERY {
            self.count = 0;
            self.deadline.check()?;
        }
        Ok(())
    }
}

/// The text a reader has produced from one file, against `max_text_bytes`. Readers
/// charge a text before they make it wherever the file can multiply it.
pub(crate) struct TextBudget {
    max: u64,
    used: u64,
}

impl TextBudget {
    pub(crate) fn new(limits: &Limits) -> TextBudget {
        TextBudget {
            max: limits.max_text_bytes,
            used: 0,
        }
    }

    /// `count` copies of `len` bytes more (a shared string and the cells showing it).
    pub(crate) fn charge(&mut self, len: u64, count: u64) -> Result<(), IngestError> {
        self.used = self.used.saturating_add(len.saturating_mul(count));
        if self.used > self.max {
            return Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "ファイルの文字が {} バイトを超えています（max_text_bytes。繰り返し\
                     表示される文字は表示ごとに数えます）",
                    self.max
                ),
            ));
        }
        Ok(())
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
    /// A readable document found in a folder that holds no item of the form (an
    /// attachment, a README): decided by the batch, which knows how the file was found,
    /// not by the readers.
    NotAnApplication,
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
    /// Every kind, in the order summaries and reports list them.
    pub const ALL: [ErrorKind; 6] = [
        ErrorKind::Unsupported,
        ErrorKind::Unreadable,
        ErrorKind::Encrypted,
        ErrorKind::TooLarge,
        ErrorKind::NoText,
        ErrorKind::NotAnApplication,
    ];

    /// Whether the kind says the file is no application at all (a text, an image, an
    /// attachment) rather than an application that could not be read.
    pub fn is_no_application(self) -> bool {
        matches!(self, ErrorKind::Unsupported | ErrorKind::NotAnApplication)
    }

    /// The contract's name for the kind (`too-large`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Unreadable => "unreadable",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::NoText => "no-text",
            ErrorKind::NotAnApplication => "not-an-application",
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

impl Input {
    /// Decides the format of a file's bytes (`extension` only breaks ties), refusing an
    /// empty file, and a zip package over the limits before anything is inflated.
    pub fn from_bytes(
        bytes: Vec<u8>,
        extension: &str,
        limits: &Limits,
    ) -> Result<Input, IngestError> {
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(file_too_large(bytes.len() as u64, limits));
        }
        if bytes.is_empty() {
            return Err(IngestError::new(ErrorKind::Unreadable, "ファイルが空です"));
        }
        if sniff::is_zip(&bytes) {
            zip_guard::check(&bytes, limits)?;
        }
        let format = match sniff::sniff(&bytes, extension) {
            sniff::Sniffed::Format(format) => Some(format),
            sniff::Sniffed::Unknown => None,
            sniff::Sniffed::Damaged => {
                return Err(IngestError::new(
                    ErrorKind::Unreadable,
                    "zip の入れ物が壊れています（途中で切れているか破損）",
                ));
            }
        };
        Ok(Input { bytes, format })
    }
}

fn file_too_large(size: u64, limits: &Limits) -> IngestError {
    IngestError::new(
        ErrorKind::TooLarge,
        format!(
            "ファイルが {size} バイトあり、上限（max_file_bytes）の {} を超えています",
            limits.max_file_bytes
        ),
    )
}

/// Reads a file and decides its format, refusing files over the size limit before
/// reading them. The file is only ever opened for reading.
pub fn load(path: &Path, limits: &Limits) -> Result<Input, IngestError> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| IngestError::new(ErrorKind::Unreadable, format!("開けません（詳細：{e}）")))?;
    if !metadata.is_file() {
        return Err(IngestError::new(
            ErrorKind::Unreadable,
            "通常のファイルではありません（フォルダ、デバイスまたはパイプ）",
        ));
    }
    if metadata.len() > limits.max_file_bytes {
        return Err(file_too_large(metadata.len(), limits));
    }
    // Read at most one byte past the limit: the file may grow after `metadata`.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(limits.max_file_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
        })
        .map_err(|e| IngestError::new(ErrorKind::Unreadable, format!("読めません（詳細：{e}）")))?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    Input::from_bytes(bytes, extension, limits)
}

/// Parses a loaded file into the document model, within `limits` (the time limit runs
/// from this call). A reader that panics on a file it cannot handle gives `unreadable`
/// rather than ending the batch.
pub fn read_bytes(input: &Input, limits: &Limits) -> Result<Document, IngestError> {
    let deadline = Deadline::start(limits);
    match std::panic::catch_unwind(AssertUnwindSafe(|| read_unguarded(input, limits, deadline))) {
        Ok(result) => result,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(IngestError::new(
                ErrorKind::Unreadable,
                format!("読み取りに失敗しました（読み取り処理の内部エラー。詳細：{why}）"),
            ))
        }
    }
}

/// [`read_bytes`] without its guard against panics: what the fuzz targets call, so that
/// a panic is found rather than hidden.
#[doc(hidden)]
pub fn read_unguarded(
    input: &Input,
    limits: &Limits,
    deadline: Deadline,
) -> Result<Document, IngestError> {
    if matches!(
        input.format,
        Some(Format::Xlsx | Format::Xlsm | Format::Ods | Format::Docx)
    ) {
        zip_guard::check(&input.bytes, limits)?;
    }
    match input.format {
        Some(format @ (Format::Xlsx | Format::Xlsm | Format::Xls | Format::Ods)) => {
            spreadsheet::read(&input.bytes, format, limits, deadline)
        }
        Some(Format::Docx) => docx::read(&input.bytes, limits, deadline),
        Some(Format::Pdf) => pdf::read(&input.bytes, limits, deadline),
        Some(Format::EncryptedOffice) => Err(IngestError::new(
            ErrorKind::Encrypted,
            "パスワードで保護された Office 文書です",
        )),
        Some(other) => Err(IngestError::new(
            ErrorKind::Unsupported,
            format!("{} 形式にはまだ対応していません", other.name()),
        )),
        None => Err(IngestError::new(
            ErrorKind::Unsupported,
            "表計算のブック、Word 文書、PDF のいずれでもありません（中身で判断）",
        )),
    }
}
