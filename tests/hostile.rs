//! Hostile and broken input: every case gives its contract outcome (a result, or an
//! error of the kind it must be) with no panic, no abort and no hang, under a memory
//! cap; a batch mixing them with good files still writes every good result, names
//! every input exactly once, and writes no input.
//!
//! The hostile files are made here, in a scratch directory, from the fixtures and by
//! hand (zip and deflate streams are written byte by byte, so a file that inflates to
//! gigabytes costs a few megabytes and milliseconds to make). Each case runs the
//! `kaiji` binary under `ulimit -v` (address space) with a wall-clock limit.
//!
//! What a hostile batch does to its outputs and its input list (`-o` inside an input
//! folder or equal to an input, a file added mid-run, a killed run, formulas in CSV, bad
//! limits) is in `tests/cli.rs`.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kaiji::ingest::{self, ErrorKind, Limits};

/// Address space each kaiji process may use. A bomb that got through would need
/// gigabytes more; a good file needs a few hundred megabytes.
const MEMORY_CAP_KIB: u64 = 3 * 1024 * 1024;
/// Wall-clock time one case may take (a debug build, everything included).
const CASE_TIME: Duration = Duration::from_secs(60);
/// The limits the suite runs under: the defaults, but fewer cells (a debug build reads
/// a million-row sheet too slowly for a unit test) and less time per file.
const SUITE_ENV: [(&str, &str); 2] = [
    ("KAIJI_MAX_CELLS", "250000"),
    ("KAIJI_MAX_TIME_PER_FILE", "20"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A document result (items or not).
    Result,
    /// An error of this contract kind, with the named limit in its message if given.
    Error(&'static str, Option<&'static str>),
}

use Expect::{Error, Result as Doc};

struct Case {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn case(name: &str, bytes: Vec<u8>, expect: Expect) -> Case {
    Case {
        name: name.to_string(),
        bytes,
        expect,
    }
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(path),
    )
    .expect("fixture")
}

const XLSX: &str = "spreadsheets/official-layout.xlsx";
const XLS: &str = "spreadsheets/legacy-numbered.xls";
const ODS: &str = "spreadsheets/split-sheets.ods";
const DOCX: &str = "word/table-layout.docx";
const PDF: &str = "pdf/predefined-cmap.pdf";

// ---------------------------------------------------------------------------------
// Making files

/// Raw deflate of `len` zero bytes.
fn deflate_zeros(len: u64) -> Vec<u8> {
    deflate_repeat(b"", &[0], len, b"")
}

/// Raw deflate of `head`, `unit` `count` times, then `tail`: one fixed-Huffman block,
/// the repeats written as back-references of 258 bytes at the unit's distance (1 to 4
/// bytes, thirteen bits a reference).
fn deflate_repeat(head: &[u8], unit: &[u8], count: u64, tail: &[u8]) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, count: u32) {
            let reversed = (0..count).fold(0, |r, i| r | (((code >> i) & 1) << (count - 1 - i)));
            self.put(reversed, count);
        }
        fn literal(&mut self, byte: u8) {
            match byte {
                0..=143 => self.code(0x30 + u64::from(byte), 8),
                _ => self.code(0x190 + u64::from(byte - 144), 9),
            }
        }
        /// A length-258 match (code 285, 11000101) at distance `d` ≤ 4 (code d − 1).
        fn match_258(&mut self, d: usize) {
            self.code(0b1100_0101, 8);
            self.code(d as u64 - 1, 5);
        }
    }
    assert!((1..=4).contains(&unit.len()));
    let len = count * unit.len() as u64;
    let mut bits = Bits {
        out: Vec::with_capacity((len / 258 * 13 / 8 + 16) as usize + head.len() + tail.len()),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman
    head.iter().for_each(|&b| bits.literal(b));
    let mut left = len;
    if count > 0 {
        unit.iter().for_each(|&b| bits.literal(b));
        left -= unit.len() as u64;
    }
    let d = unit.len();
    let matches = left / 258;
    // After at most eight matches the writer is byte-aligned, and from there every
    // eight matches are the same thirteen bytes.
    let mut done = 0;
    while done < matches && bits.n != 0 {
        bits.match_258(d);
        done += 1;
    }
    let mut block = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    for _ in 0..8 {
        block.match_258(d);
    }
    let pattern = block.out;
    while done + 8 <= matches {
        bits.out.extend_from_slice(&pattern);
        done += 8;
    }
    while done < matches {
        bits.match_258(d);
        done += 1;
    }
    // The rest of the repeats, from where the matches left the unit.
    let written = len - left % 258;
    for i in written..len {
        bits.literal(unit[(i % d as u64) as usize]);
    }
    tail.iter().for_each(|&b| bits.literal(b));
    bits.code(0, 7); // end of block (256)
    bits.put(0, 7);
    bits.out
}

/// A zlib stream (for a PDF's /FlateDecode) of `len` zero bytes.
fn zlib_zeros(len: u64) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend(deflate_zeros(len));
    let (a, b) = (1u64, len % 65521);
    out.extend(((b << 16 | a) as u32).to_be_bytes());
    out
}

/// A zlib stream of what [`deflate_repeat`] makes.
fn zlib_repeat(head: &[u8], unit: &[u8], count: u64, tail: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend(deflate_repeat(head, unit, count, tail));
    let (mut a, mut b) = (1u32, 0u32);
    let mut add = |byte: &u8| {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    };
    head.iter().for_each(&mut add);
    (0..count).for_each(|_| unit.iter().for_each(&mut add));
    tail.iter().for_each(&mut add);
    out.extend((b << 16 | a).to_be_bytes());
    out
}

/// One entry of a hand-made zip: its name, method (0 stored, 8 deflate), data as
/// stored, and the uncompressed size and CRC to declare.
struct Entry {
    name: String,
    method: u16,
    data: Vec<u8>,
    size: u32,
    crc: u32,
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn stored(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.to_string(),
        method: 0,
        data: data.to_vec(),
        size: data.len() as u32,
        crc: crc32(data),
    }
}

/// A zip written byte by byte, entries as given (sizes may lie).
fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let header = |sig: &[u8], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(entry.method.to_le_bytes());
            h.extend([0, 0, 0x21, 0]); // time, date
            h.extend(entry.crc.to_le_bytes());
            h.extend((entry.data.len() as u32).to_le_bytes());
            h.extend(entry.size.to_le_bytes());
            h.extend((entry.name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0; 6]); // comment, disk, internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(entry.name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend(&entry.data);
        central.extend(header(b"PK\x01\x02", true));
    }
    let start = out.len() as u32;
    out.extend(&central);
    let count = entries.len().min(0xFFFF) as u16;
    out.extend(b"PK\x05\x06");
    out.extend([0; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The parts of a minimal .xlsx around `sheet`, with `extra` parts added.
fn xlsx_parts(sheet: Entry, strings: &[u8]) -> Vec<Entry> {
    let package = ingest::fuzzing::xlsx_package(b"");
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut data).unwrap();
        match name.as_str() {
            "xl/worksheets/sheet1.xml" => {}
            "xl/sharedStrings.xml" => parts.push(stored(&name, strings)),
            _ => parts.push(stored(&name, &data)),
        }
    }
    parts.push(sheet);
    parts
}

const SST: &[u8] = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>"#;

fn xlsx_with_sheet(xml: &str) -> Vec<u8> {
    zip(&xlsx_parts(
        stored("xl/worksheets/sheet1.xml", xml.as_bytes()),
        SST,
    ))
}

const SHEET_HEAD: &str =
    r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn docx_with(body: &str) -> Vec<u8> {
    ingest::fuzzing::docx_package(
        format!("<w:document {W}><w:body>{body}</w:body></w:document>").as_bytes(),
    )
}

const ODS_HEAD: &str = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S">"#;
const ODS_TAIL: &str =
    "</table:table></office:spreadsheet></office:body></office:document-content>";

fn ods_with(rows: &str) -> Vec<u8> {
    ingest::fuzzing::ods_package(format!("{ODS_HEAD}{rows}{ODS_TAIL}").as_bytes())
}

/// A PDF of `pages` pages sharing one content stream, made with lopdf; `edit` may
/// change the document before it is saved.
fn pdf(pages: usize, content: &[u8], edit: impl FnOnce(&mut lopdf::Document)) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let kids: Vec<Object> = (0..pages)
        .map(|_| {
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            })
            .into()
        })
        .collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    edit(&mut doc);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (No. 1 Hostile input) Tj ET";

fn truncated(bytes: Vec<u8>) -> Vec<u8> {
    bytes[..bytes.len() / 2].to_vec()
}

fn corrupted(mut bytes: Vec<u8>) -> Vec<u8> {
    let middle = bytes.len() / 2;
    for (i, byte) in bytes[middle..].iter_mut().take(512).enumerate() {
        *byte = (i as u8).wrapping_mul(37) ^ 0xA5;
    }
    bytes
}

/// `bytes` with the stored data of zip entry `name` overwritten.
fn corrupt_entry(mut bytes: Vec<u8>, name: &str) -> Vec<u8> {
    let mut at = 0;
    while let Some(found) = bytes[at..].windows(4).position(|w| w == b"PK\x03\x04") {
        let header = at + found;
        let u16_at = |i: usize| {
            usize::from(u16::from_le_bytes([
                bytes[header + i],
                bytes[header + i + 1],
            ]))
        };
        let (name_len, extra_len) = (u16_at(26), u16_at(28));
        let data = header + 30 + name_len + extra_len;
        if &bytes[header + 30..header + 30 + name_len] == name.as_bytes() {
            let end = (data + 512).min(bytes.len());
            for (i, byte) in bytes[data + 8..end].iter_mut().enumerate() {
                *byte = (i as u8).wrapping_mul(37) ^ 0xA5;
            }
            return bytes;
        }
        at = header + 4;
    }
    panic!("no entry {name}");
}

/// A password-protected Office file: a compound file holding EncryptionInfo and
/// EncryptedPackage streams, as Excel writes one.
fn password_protected() -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    file.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0x5A; 4096])
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

fn encrypted_pdf() -> Vec<u8> {
    pdf(1, TEXT, |doc| {
        let id = lopdf::Object::String(
            b"0123456789abcdef".to_vec(),
            lopdf::StringFormat::Hexadecimal,
        );
        doc.trailer.set("ID", vec![id.clone(), id]);
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: doc,
            owner_password: "owner",
            user_password: "secret",
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .unwrap();
        doc.encrypt(&state).unwrap();
    })
}

/// A PDF written by hand: `objects` numbered from 1, the first the catalog. With
/// `packed`, one more object follows them inside object stream `packed` (one of
/// `objects`), and the cross-reference is a stream.
fn hand_pdf(objects: &[Vec<u8>], packed: Option<u32>) -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let start = out.len();
    match packed {
        None => {
            out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
            for offset in &offsets {
                out.extend(format!("{offset:010} 00000 n \n").as_bytes());
            }
            out.extend(
                format!("trailer\n<< /Size {} /Root 1 0 R >>\n", objects.len() + 1).as_bytes(),
            );
        }
        Some(container) => {
            let xref_id = objects.len() + 2;
            let mut entries = vec![0u8, 0, 0, 0, 0, 0xFF, 0xFF];
            for offset in &offsets {
                entries.push(1);
                entries.extend((*offset as u32).to_be_bytes());
                entries.extend([0, 0]);
            }
            entries.push(2);
            entries.extend(container.to_be_bytes());
            entries.extend([0, 0]);
            entries.push(1);
            entries.extend((start as u32).to_be_bytes());
            entries.extend([0, 0]);
            out.extend(
                format!(
                    "{xref_id} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Root 1 0 R /Length {} >>\nstream\n",
                    xref_id + 1,
                    entries.len()
                )
                .as_bytes(),
            );
            out.extend(entries);
            out.extend(b"\nendstream\nendobj\n");
        }
    }
    out.extend(format!("startxref\n{start}\n%%EOF\n").as_bytes());
    out
}

/// A stream object: its dictionary entries, then its data.
fn pdf_stream(entries: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {entries} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

/// The objects of a one-page PDF drawing `content` in font F1 (object 4, Helvetica,
/// with `/ToUnicode 6 0 R` if `to_unicode`); object 6 on is the caller's.
fn one_page_objects(content: &[u8], to_unicode: bool) -> Vec<Vec<u8>> {
    let cmap = if to_unicode { "/ToUnicode 6 0 R" } else { "" };
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        format!("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding {cmap} >>").into_bytes(),
        pdf_stream("", content),
    ]
}

/// A PDF whose ToUnicode CMap maps "A" to two million characters, shown 500 times:
/// a few kilobytes that would make three gigabytes of text.
fn cmap_bomb() -> Vec<u8> {
    let head = b"/CIDInit /ProcSet findresource begin begincmap 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <";
    let cmap = zlib_repeat(head, b"3042", 2_000_000, b"> endbfchar endcmap end");
    let content = format!("BT /F1 12 Tf 72 700 Td ({}) Tj ET", "A".repeat(500));
    let mut objects = one_page_objects(content.as_bytes(), true);
    objects.push(pdf_stream("/Filter /FlateDecode", &cmap));
    hand_pdf(&objects, None)
}

/// A PDF holding one array of `count` zeros: written out, or inside a compressed
/// object stream.
fn pdf_array(count: u64, in_object_stream: bool) -> Vec<u8> {
    let mut objects = one_page_objects(TEXT, false);
    if in_object_stream {
        let data = zlib_repeat(b"7 0 [", b"0 ", count, b"]");
        objects.push(pdf_stream(
            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            &data,
        ));
        hand_pdf(&objects, Some(6))
    } else {
        let mut array = Vec::with_capacity(count as usize * 2 + 2);
        array.push(b'[');
        (0..count).for_each(|_| array.extend(b"0 "));
        array.push(b']');
        objects.push(array);
        hand_pdf(&objects, None)
    }
}

/// An .xls of one sheet whose `cells` rows all show one shared string of `chars`
/// characters.
fn xls_shared_string(chars: u16, cells: u16) -> Vec<u8> {
    let record = |typ: u16, body: &[u8]| {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((body.len() as u16).to_le_bytes());
        out.extend(body);
        out
    };
    let bof = |dt: u16| {
        let mut body = 0x0600u16.to_le_bytes().to_vec();
        body.extend(dt.to_le_bytes());
        body.extend([0; 12]);
        record(0x0809, &body)
    };
    let mut sst = 1u32.to_le_bytes().to_vec();
    sst.extend(1u32.to_le_bytes());
    sst.extend(chars.to_le_bytes());
    sst.push(0);
    sst.extend(std::iter::repeat_n(b'x', usize::from(chars)));
    let sheet_name = |offset: u32| {
        let mut body = offset.to_le_bytes().to_vec();
        body.extend([0, 0, 1, 0, b'S']);
        record(0x0085, &body)
    };
    let globals_len = bof(5).len() + record(0x00FC, &sst).len() + sheet_name(0).len() + 4;
    let mut stream = [
        bof(5),
        record(0x00FC, &sst),
        sheet_name(globals_len as u32),
        record(0x000A, &[]),
        bof(0x10),
    ]
    .concat();
    for row in 0..cells {
        let mut body = row.to_le_bytes().to_vec();
        body.extend([0, 0, 0x0F, 0]);
        body.extend(0u32.to_le_bytes());
        stream.extend(record(0x00FD, &body));
    }
    stream.extend(record(0x000A, &[]));
    // calamine reads version 3 compound files (512-byte sectors), as Excel writes them.
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// An .xlsx whose cells `A1:A{cells}` hold 1 under number format `code`.
fn xlsx_number_format(code: &str, cells: u32) -> Vec<u8> {
    let styles = format!(
        r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="{code}"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    let rows: String = (1..=cells)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" s="1"><v>1</v></c></row>"#))
        .collect();
    let mut parts = xlsx_parts(
        stored(
            "xl/worksheets/sheet1.xml",
            format!("{SHEET_HEAD}{rows}{SHEET_TAIL}").as_bytes(),
        ),
        SST,
    );
    parts.push(stored("xl/styles.xml", styles.as_bytes()));
    zip(&parts)
}

/// A page whose content stream is not in the file (as when lopdf could not parse it).
fn content_missing() -> Vec<u8> {
    let mut objects = one_page_objects(TEXT, false);
    objects[2] = String::from_utf8(objects[2].clone())
        .unwrap()
        .replace("/Contents 5 0 R", "/Contents 9 0 R")
        .into_bytes();
    hand_pdf(&objects, None)
}

/// An .xlsx whose first entry is named "%PDF-1.7 notes.txt" and holds "%PDF-1.7".
fn pdf_marker_xlsx() -> Vec<u8> {
    let sheet = format!(
        r#"{SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>No. 1 事業者名</t></is></c></row>{SHEET_TAIL}"#
    );
    let mut parts = vec![stored("%PDF-1.7 notes.txt", b"%PDF-1.7")];
    parts.extend(xlsx_parts(
        stored("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        SST,
    ));
    zip(&parts)
}

/// The sheet and shared strings of an .xlsx whose `cells` cells all show one shared
/// string of `len` bytes.
fn shared_string_xlsx(len: usize, cells: u32) -> (Vec<u8>, Vec<u8>) {
    let rows: String = (1..=cells)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let strings = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{cells}" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "x".repeat(len)
    );
    (
        format!("{SHEET_HEAD}{rows}{SHEET_TAIL}").into_bytes(),
        strings.into_bytes(),
    )
}

/// An ODS row of 64 KiB of text repeated over 16,384 columns, ten times.
fn text_repeated_rows() -> String {
    format!(
        r#"<table:table-row table:number-rows-repeated="10"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
        "x".repeat(64 << 10)
    )
}

/// An ODS cell of a hundred billion spaces.
const SPACES_REPEATED: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="99999999999"/></text:p></table:table-cell></table:table-row>"#;
/// ODS rows and columns repeated 2^32 + 1 times: 1 if read as 32 bits.
const ROWS_REPEATED_2_32: &str = r#"<table:table-row table:number-rows-repeated="4294967297"><table:table-cell table:number-columns-repeated="90" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#;
const COLUMNS_REPEATED_2_32: &str = r#"<table:table-row table:number-rows-repeated="5800"><table:table-cell table:number-columns-repeated="4294967297" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#;

/// An .xls whose first DIMENSIONS record claims four billion rows.
fn xls_with_lying_dimensions() -> Vec<u8> {
    let mut bytes = fixture(XLS);
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a DIMENSIONS record");
    bytes[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    bytes
}

/// A zip of `count` empty stored entries.
fn many_entries(count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * 100);
    let mut central = Vec::with_capacity(count * 60);
    for i in 0..count {
        let name = format!("{i:08}");
        let offset = out.len() as u32;
        out.extend(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
        out.extend([0; 12]);
        out.extend(8u16.to_le_bytes());
        out.extend([0, 0]);
        out.extend(name.as_bytes());
        central.extend(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
        central.extend([0; 12]);
        central.extend(8u16.to_le_bytes());
        central.extend([0; 12]);
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x06\x06");
    // Zip64 end record: size 44, versions, disks, then the counts and the directory.
    let zip64_at = start as u64 + central.len() as u64;
    out.extend(44u64.to_le_bytes());
    out.extend([45, 0, 45, 0]);
    out.extend([0; 8]);
    out.extend((count as u64).to_le_bytes());
    out.extend((count as u64).to_le_bytes());
    out.extend((central.len() as u64).to_le_bytes());
    out.extend(u64::from(start).to_le_bytes());
    out.extend(b"PK\x06\x07");
    out.extend(0u32.to_le_bytes());
    out.extend(zip64_at.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    out.extend(b"PK\x05\x06");
    out.extend([0; 4]);
    out.extend([0xFF; 4]);
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn million_rows() -> Vec<u8> {
    let mut xml = String::with_capacity(40 << 20);
    xml.push_str(SHEET_HEAD);
    for row in 1..=1_000_000u32 {
        xml.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>"#
        ));
    }
    xml.push_str(SHEET_TAIL);
    xlsx_with_sheet(&xml)
}

/// A sheet that is no form: `rows` rows of a label and an answer (inline strings), the
/// labels a few of the form's, numbered apart. Matching labels was cubic in the rows.
fn label_rows(rows: u32) -> Vec<u8> {
    const LABELS: [&str; 6] = [
        "従業員数",
        "資本金",
        "売上高",
        "サービス名称",
        "データセンターの所在地",
        "バックアップの頻度",
    ];
    let mut xml = String::from(SHEET_HEAD);
    for row in 1..=rows {
        let label = LABELS[row as usize % LABELS.len()];
        xml.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{label}（その{row}）</t></is></c><c r="B{row}" t="inlineStr"><is><t>回答{row}</t></is></c></row>"#
        ));
    }
    xml.push_str(SHEET_TAIL);
    xlsx_with_sheet(&xml)
}

/// Every case of the suite, with the outcome it must give.
fn cases() -> Vec<Case> {
    let gib = 1u64 << 30;
    let bomb = |gigabytes: u64| deflate_zeros(gigabytes * gib);
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let laughs = {
        let mut dtd = String::from(r#"<!DOCTYPE w:document [<!ENTITY lol0 "lol">"#);
        for i in 1..10 {
            dtd.push_str(&format!(
                r#"<!ENTITY lol{i} "{}">"#,
                format!("&lol{};", i - 1).repeat(10)
            ));
        }
        dtd.push(']');
        dtd.push('>');
        dtd
    };
    vec![
        // Truncated and corrupted files of every format.
        case("truncated.xlsx", truncated(fixture(XLSX)), Error("unreadable", None)),
        case("truncated.xls", truncated(fixture(XLS)), Error("unreadable", None)),
        case("truncated.ods", truncated(fixture(ODS)), Error("unreadable", None)),
        case("truncated.docx", truncated(fixture(DOCX)), Error("unreadable", None)),
        case("truncated.pdf", truncated(fixture(PDF)), Error("unreadable", None)),
        case(
            "corrupted.xlsx",
            corrupt_entry(fixture(XLSX), "xl/worksheets/sheet1.xml"),
            Error("unreadable", None),
        ),
        case("corrupted.xls", corrupted(fixture(XLS)), Error("unreadable", None)),
        case("corrupted.ods", corrupt_entry(fixture(ODS), "content.xml"), Error("unreadable", None)),
        case(
            "corrupted.docx",
            corrupt_entry(fixture(DOCX), "word/document.xml"),
            Error("unreadable", None),
        ),
        // The text layer is gone with the page's content stream: damaged, not a scan.
        case("corrupted.pdf", corrupted(fixture(PDF)), Error("unreadable", None)),
        case(
            "content-missing.pdf",
            content_missing(),
            Error("unreadable", None),
        ),
        // Read whole and without text: a scan.
        case("no-text.pdf", hand_pdf(&one_page_objects(b"0 0 m 100 100 l S", false), None), Error("no-text", None)),
        // A corrupt part kaiji does not read (here the styles) leaves the answers.
        case("corrupted-styles.docx", corrupt_entry(fixture(DOCX), "word/styles.xml"), Doc),
        // Wrong extensions: the content decides.
        case("a-pdf-named.xlsx", fixture(PDF), Doc),
        case("an-xlsx-named.pdf", fixture(XLSX), Doc),
        case("a-docx-named.txt", fixture(DOCX), Doc),
        case(
            "a-zip-not-a.docx",
            zip(&[stored("readme.txt", b"hello")]),
            Error("unsupported", None),
        ),
        case("plain-text.xlsx", "申請書です\n".as_bytes().to_vec(), Error("unsupported", None)),
        case("random.pdf", (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(), Error("unsupported", None)),
        // Empty files.
        case("empty.xlsx", Vec::new(), Error("unreadable", None)),
        case("empty.pdf", Vec::new(), Error("unreadable", None)),
        // Password-protected.
        case("password.xlsx", password_protected(), Error("encrypted", None)),
        case("encrypted.pdf", encrypted_pdf(), Error("encrypted", None)),
        // Zip bombs: a few megabytes that inflate to gigabytes, lying sizes, a million
        // entries.
        case(
            "bomb.docx",
            zip(&[Entry {
                name: "word/document.xml".into(),
                method: 8,
                data: bomb(2),
                size: (2 * gib) as u32,
                crc: 0,
            }]),
            Error("too-large", Some("max_xml_bytes")),
        ),
        case(
            "bomb.xlsx",
            zip(&xlsx_parts(
                Entry {
                    name: "xl/worksheets/sheet1.xml".into(),
                    method: 8,
                    data: bomb(2),
                    size: (2 * gib) as u32,
                    crc: 0,
                },
                SST,
            )),
            Error("too-large", Some("max_xml_bytes")),
        ),
        case(
            "bomb-lying-size.xlsx",
            zip(&xlsx_parts(
                Entry {
                    name: "xl/worksheets/sheet1.xml".into(),
                    method: 8,
                    data: bomb(2),
                    size: 100_000,
                    crc: 0,
                },
                SST,
            )),
            Error("unreadable", None),
        ),
        case(
            "bomb-lying-size.docx",
            zip(&[Entry {
                name: "word/document.xml".into(),
                method: 8,
                data: bomb(2),
                size: 100_000,
                crc: 0,
            }]),
            Error("unreadable", None),
        ),
        case(
            "bomb-many-parts.docx",
            zip(
                &(0..6)
                    .map(|i| Entry {
                        name: if i == 0 { "word/document.xml".into() } else { format!("word/media/{i}.bin") },
                        method: 8,
                        data: deflate_zeros(200 << 20),
                        size: 200 << 20,
                        crc: 0,
                    })
                    .collect::<Vec<_>>(),
            ),
            Error("too-large", Some("max_inflated_bytes")),
        ),
        case(
            "bomb-ratio.docx",
            zip(&[Entry {
                name: "word/document.xml".into(),
                method: 8,
                // Deflate's best is about 1032 to 1: 64 MiB from 64 KiB is a bomb.
                data: vec![0; 64 << 10],
                size: 64 << 20,
                crc: 0,
            }]),
            Error("too-large", Some("max_zip_ratio")),
        ),
        case("million-entries.xlsx", many_entries(1_000_000), Error("too-large", Some("max_zip_entries"))),
        // Sheets laid out whole: A1 and XFD1048576, a row repeated over the sheet.
        case(
            "corners.xlsx",
            xlsx_with_sheet(&format!(
                r#"{SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>{SHEET_TAIL}"#
            )),
            Doc,
        ),
        case(
            "dimension-lies.xlsx",
            xlsx_with_sheet(&format!(
                r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>{SHEET_TAIL}"#
            )),
            Doc,
        ),
        case(
            "shared-strings-count.xlsx",
            zip(&xlsx_parts(
                stored("xl/worksheets/sheet1.xml", format!("{SHEET_HEAD}{SHEET_TAIL}").as_bytes()),
                br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>"#,
            )),
            Error("too-large", Some("max_cells")),
        ),
        case(
            "repeated.ods",
            ods_with(
                r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#,
            ),
            Error("too-large", Some("max_cells")),
        ),
        case("dimensions.xls", xls_with_lying_dimensions(), Error("too-large", Some("max_cells"))),
        // XML: entity expansion, deep nesting, enormous attributes.
        case(
            "laughs.docx",
            ingest::fuzzing::docx_package(
                format!(r#"{laughs}<w:document {W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"#).as_bytes(),
            ),
            Error("unreadable", None),
        ),
        case(
            "laughs.xlsx",
            xlsx_with_sheet(&format!(
                r#"{laughs}{SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>{SHEET_TAIL}"#
            )),
            Error("unreadable", None),
        ),
        case(
            "deep.docx",
            docx_with(&deep("<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>", 100_000)),
            Error("too-large", Some("max_xml_depth")),
        ),
        case(
            "deep.ods",
            ods_with(&format!(
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell></table:table-row>"#,
                deep("<text:span>", "</text:span>", 100_000)
            )),
            Error("too-large", Some("max_xml_depth")),
        ),
        case(
            "deep.xlsx",
            xlsx_with_sheet(&format!(
                r#"{SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is>{}</is></c></row>{SHEET_TAIL}"#,
                deep("<r>", "</r>", 20_000)
            )),
            Doc,
        ),
        case(
            "huge-attribute.docx",
            docx_with(&format!(
                r#"<w:p w:rsidR="{}"><w:r><w:t>1. 事業者名</w:t></w:r></w:p>"#,
                "A".repeat(8 << 20)
            )),
            Doc,
        ),
        // PDFs: cycles, huge and endless streams, broken cross-references, pages.
        case(
            "cyclic-pages.pdf",
            pdf(1, TEXT, |doc| {
                let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
                let pages = doc.get_dictionary(root).unwrap().get(b"Pages").unwrap().as_reference().unwrap();
                let dict = doc.get_dictionary_mut(pages).unwrap();
                let mut kids = dict.get(b"Kids").unwrap().as_array().unwrap().clone();
                kids.push(lopdf::Object::Reference(pages));
                dict.set("Kids", kids);
            }),
            Doc,
        ),
        case(
            "cyclic-form.pdf",
            pdf(1, b"BT /F1 12 Tf 72 700 Td (No. 1 Hostile) Tj ET /X1 Do", |doc| {
                use lopdf::{Stream, dictionary};
                let form_id = doc.new_object_id();
                let form = Stream::new(
                    dictionary! {
                        "Type" => "XObject", "Subtype" => "Form",
                        "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                        "Resources" => dictionary! { "XObject" => dictionary! { "X1" => form_id } },
                    },
                    b"/X1 Do".to_vec(),
                );
                doc.objects.insert(form_id, lopdf::Object::Stream(form));
                let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
                let pages = doc.get_dictionary(root).unwrap().get(b"Pages").unwrap().as_reference().unwrap();
                let resources = doc.get_dictionary(pages).unwrap().get(b"Resources").unwrap().as_reference().unwrap();
                doc.get_dictionary_mut(resources)
                    .unwrap()
                    .set("XObject", dictionary! { "X1" => form_id });
            }),
            Doc,
        ),
        case(
            "huge-stream.pdf",
            pdf(1, TEXT, |doc| {
                use lopdf::{Stream, dictionary};
                let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
                let pages = doc.get_dictionary(root).unwrap().get(b"Pages").unwrap().as_reference().unwrap();
                let page = doc.get_dictionary(pages).unwrap().get(b"Kids").unwrap().as_array().unwrap()[0]
                    .as_reference()
                    .unwrap();
                let stream = doc.add_object(Stream::new(
                    dictionary! { "Filter" => "FlateDecode" },
                    zlib_zeros(1 << 30),
                ));
                doc.get_dictionary_mut(page).unwrap().set("Contents", stream);
            }),
            Error("too-large", Some("max_stream_bytes")),
        ),
        case(
            "endless-stream.pdf",
            {
                let mut bytes = pdf(1, TEXT, |_| {});
                let at = bytes.windows(6).position(|w| w == b"stream").unwrap();
                bytes.truncate(at + 7);
                bytes.extend(std::iter::repeat_n(b'q', 2 << 20));
                bytes
            },
            Error("unreadable", None),
        ),
        case(
            "broken-xref.pdf",
            {
                let bytes = pdf(2, TEXT, |_| {});
                let at = bytes.windows(4).rposition(|w| w == b"xref").unwrap();
                let mut broken = bytes[..at].to_vec();
                broken.extend(b"xref\n0 9\n0000000000 65535 f \n9999999999 00000 n \nrubbish\ntrailer\n<< /Size 3 >>\nstartxref\n999999\n%%EOF\n");
                broken
            },
            Doc,
        ),
        case("pages-5000.pdf", pdf(5000, TEXT, |_| {}), Doc),
        case("pages-5001.pdf", pdf(5001, TEXT, |_| {}), Error("too-large", Some("max_pages"))),
        case(
            "page-count-lies.pdf",
            pdf(1, TEXT, |doc| {
                let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
                let pages = doc.get_dictionary(root).unwrap().get(b"Pages").unwrap().as_reference().unwrap();
                doc.get_dictionary_mut(pages).unwrap().set("Count", 2_000_000_000i64);
            }),
            Doc,
        ),
        // Text multiplied: a CMap entry shown again and again, a shared string in
        // thousands of cells, a cell's text repeated across columns, a long literal
        // of a number format.
        case("cmap-bomb.pdf", cmap_bomb(), Error("too-large", Some("max_text_bytes"))),
        case(
            "shared-string-reused.xlsx",
            {
                let (sheet, strings) = shared_string_xlsx(1 << 20, 4000);
                zip(&xlsx_parts(stored("xl/worksheets/sheet1.xml", &sheet), &strings))
            },
            Error("too-large", Some("max_text_bytes")),
        ),
        case(
            "shared-string-reused.xls",
            xls_shared_string(32_000, 60_000),
            Error("too-large", Some("max_text_bytes")),
        ),
        case(
            "text-repeated.ods",
            ods_with(&text_repeated_rows()),
            Error("too-large", Some("max_text_bytes")),
        ),
        case(
            "spaces-repeated.ods",
            ods_with(SPACES_REPEATED),
            Error("too-large", Some("max_text_bytes")),
        ),
        case(
            "format-literal.xlsx",
            xlsx_number_format(&format!("0&quot;{}&quot;", "x".repeat(900 << 10)), 5000),
            Doc,
        ),
        // A number format of millions of digits: no hang.
        case("format-zeros.xlsx", xlsx_number_format(&"0".repeat(4_500_000), 1), Doc),
        // Repeats too large for 32 bits are too large, not one.
        case(
            "rows-repeated-2^32.ods",
            ods_with(ROWS_REPEATED_2_32),
            Error("too-large", Some("max_cells")),
        ),
        case(
            "columns-repeated-2^32.ods",
            ods_with(COLUMNS_REPEATED_2_32),
            Error("too-large", Some("max_cells")),
        ),
        // lopdf holds every object of a PDF: one array of millions of numbers.
        case("array-16M.pdf", pdf_array(16_000_000, false), Error("too-large", Some("max_pdf_objects"))),
        case(
            "object-stream-array-20M.pdf",
            pdf_array(20_000_000, true),
            Error("too-large", Some("max_pdf_objects")),
        ),
        // A valid workbook with "%PDF-" near its start is still a workbook.
        case(
            "pdf-marker-inside.xlsx",
            pdf_marker_xlsx(),
            Doc,
        ),
        // A million rows: refused once past max_cells (lowered for the suite, see
        // SUITE_ENV; under the default 2,000,000 it is read whole).
        case("rows-1000000.xlsx", million_rows(), Error("too-large", Some("max_cells"))),
        // Thousands of label rows: matched in time linear in them.
        case("label-rows-5000.xlsx", label_rows(5_000), Doc),
        // File names.
        case("申請書 2024\n最終版.xlsx", fixture(XLSX), Doc),
        case(" スペース 入り .pdf", fixture(PDF), Doc),
    ]
}

// ---------------------------------------------------------------------------------
// Running kaiji

fn scratch(name: &str) -> PathBuf {
    common::scratch("hostile", name)
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// `kaiji ARGS` under the memory cap, killed after `limit`.
fn kaiji(args: &[&Path], limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_CAP_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_kaiji"))
        .args(args)
        .envs(SUITE_ENV.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kaiji starts");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kaiji {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        status: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        elapsed: started.elapsed(),
    }
}

fn outcome(result: &serde_json::Value) -> (String, String) {
    match result.get("error") {
        Some(error) => (
            error["kind"].as_str().unwrap_or("?").to_string(),
            error["message"].as_str().unwrap_or("").to_string(),
        ),
        None => ("result".to_string(), String::new()),
    }
}

fn check(case: &Case, result: &serde_json::Value) -> std::result::Result<(), String> {
    let (kind, message) = outcome(result);
    match case.expect {
        Doc if kind == "result" => Ok(()),
        Error(want, limit) if kind == want && limit.is_none_or(|l| message.contains(l)) => Ok(()),
        _ => Err(format!(
            "{}: expected {:?}, got {kind} {message}",
            case.name.escape_debug(),
            case.expect
        )),
    }
}

fn write_cases(dir: &Path, cases: &[Case]) -> Vec<PathBuf> {
    cases
        .iter()
        .map(|case| {
            let path = dir.join(&case.name);
            std::fs::write(&path, &case.bytes).unwrap();
            path
        })
        .collect()
}

/// Each case alone: its outcome, within time and memory, with no panic.
#[test]
fn every_case_gives_its_outcome_within_time_and_memory() {
    let dir = scratch("each");
    let cases = cases();
    let paths = write_cases(&dir, &cases);
    let mut failures = Vec::new();
    let mut times = Vec::new();
    for (case, path) in cases.iter().zip(&paths) {
        let run = kaiji(&[Path::new("extract"), path], CASE_TIME);
        times.push(format!(
            "{:>6.2}s {}",
            run.elapsed.as_secs_f64(),
            case.name.escape_debug()
        ));
        let results: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        if run.stderr.contains("panicked") || !matches!(run.status, Some(0 | 1)) {
            failures.push(format!(
                "{}: exit {:?}, stderr {}",
                case.name.escape_debug(),
                run.status,
                run.stderr
            ));
            continue;
        }
        if results.len() != 1 {
            failures.push(format!(
                "{}: {} results",
                case.name.escape_debug(),
                results.len()
            ));
            continue;
        }
        assert_eq!(results[0]["source"]["path"], path.to_str().unwrap());
        if let Err(failure) = check(case, &results[0]) {
            failures.push(failure);
        }
    }
    eprintln!("{}", times.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The time limit holds while answers are matched, not only while the file is read.
#[test]
fn the_time_limit_holds_while_answers_are_matched() {
    let dir = scratch("deadline");
    let path = dir.join("label-rows-60000.xlsx");
    std::fs::write(&path, label_rows(60_000)).unwrap();
    let run = kaiji(
        &[
            Path::new("extract"),
            Path::new("--limit"),
            Path::new("max_time_per_file=1"),
            &path,
        ],
        CASE_TIME,
    );
    let result: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(result["error"]["kind"], "too-large", "{result}");
    assert!(
        result["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("max_time_per_file")),
        "{result}"
    );
    // The limit, and a margin for starting up and for the checks' granularity.
    assert!(run.elapsed < Duration::from_secs(6), "{:?}", run.elapsed);
    let _ = std::fs::remove_dir_all(&dir);
}

fn digest(paths: &[PathBuf]) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    paths
        .iter()
        .map(|p| {
            let meta = std::fs::metadata(p).unwrap();
            (
                p.clone(),
                (std::fs::read(p).unwrap(), meta.modified().unwrap()),
            )
        })
        .collect()
}

/// All the cases and the good fixtures in one batch: every input exactly once, every
/// good file read, no input written, the output file whole.
#[test]
fn a_mixed_batch_keeps_every_good_result_and_writes_no_input() {
    let dir = scratch("batch");
    let cases = cases();
    let mut paths = write_cases(&dir, &cases);
    let good = [XLSX, XLS, ODS, DOCX, PDF, "word/guide-layout.docx"];
    for (i, name) in good.iter().enumerate() {
        let path = dir.join(format!(
            "good-{i}-{}",
            Path::new(name).file_name().unwrap().to_str().unwrap()
        ));
        std::fs::write(&path, fixture(name)).unwrap();
        paths.push(path);
    }
    let before = digest(&paths);
    let out = dir.join("out").join("results.jsonl");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, "previous\n").unwrap();
    let mut args: Vec<&Path> = vec![Path::new("extract"), Path::new("-o"), &out];
    args.extend(paths.iter().map(PathBuf::as_path));
    let run = kaiji(&args, CASE_TIME * 10);
    assert_eq!(
        run.status,
        Some(1),
        "some inputs are unreadable: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    let results: Vec<serde_json::Value> = written
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    // Every input exactly once.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for result in &results {
        *seen
            .entry(result["source"]["path"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let mut expected: Vec<String> = paths
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), expected);
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    // Each case as alone; each good file read.
    let by_path: BTreeMap<&str, &serde_json::Value> = results
        .iter()
        .map(|r| (r["source"]["path"].as_str().unwrap(), r))
        .collect();
    for (case, path) in cases.iter().zip(&paths) {
        check(case, by_path[path.to_str().unwrap()]).unwrap();
    }
    for path in &paths[cases.len()..] {
        let result = by_path[path.to_str().unwrap()];
        assert!(result.get("error").is_none(), "{result}");
        assert!(
            result["items"]
                .as_array()
                .is_some_and(|items| !items.is_empty()),
            "{path:?}"
        );
    }
    // No input written; no partial output left beside the result.
    assert!(digest(&paths) == before, "an input was written");
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The limits are configurable from the environment and name themselves when hit.
#[test]
fn limits_come_from_the_environment_and_are_named() {
    let vars = |pairs: &[(&str, &str)]| {
        Limits::from_vars(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    };
    let limits = vars(&[
        ("KAIJI_MAX_CELLS", "5000"),
        ("KAIJI_MAX_XML_BYTES", "64M"),
        ("KAIJI_MAX_TIME_PER_FILE", "2.5"),
        ("KAIJI_OTHER", "ignored"),
    ])
    .unwrap();
    assert_eq!(limits.max_cells, 5000);
    assert_eq!(limits.max_xml_bytes, 64 << 20);
    assert_eq!(limits.max_time_per_file, Duration::from_millis(2500));
    assert_eq!(limits.max_pages, Limits::DEFAULT.max_pages);
    assert!(vars(&[("KAIJI_MAX_PAGES", "many")]).is_err());
    let mut limits = Limits::DEFAULT;
    assert!(limits.set("max_zip_entries", "1K").is_ok());
    assert_eq!(limits.max_zip_entries, 1024);
    assert!(limits.set("max_nothing", "1").is_err());

    // Through the binary: a sheet over a lowered max_cells.
    let dir = scratch("env");
    let path = dir.join("cells.xlsx");
    std::fs::write(&path, fixture(XLSX)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .arg("extract")
        .arg(&path)
        .env("KAIJI_MAX_CELLS", "100")
        .output()
        .unwrap();
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["error"]["kind"], "too-large");
    assert!(
        result["error"]["message"]
            .as_str()
            .unwrap()
            .contains("max_cells")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The time limit stops a reader that is still going.
#[test]
fn the_time_limit_gives_too_large_naming_it() {
    let input = ingest::Input::from_bytes(million_rows(), "xlsx", &Limits::DEFAULT).unwrap();
    let limits = Limits {
        max_time_per_file: Duration::from_millis(50),
        ..Limits::DEFAULT
    };
    let started = Instant::now();
    let error = ingest::read_bytes(&input, &limits).unwrap_err();
    assert_eq!(error.kind, ErrorKind::TooLarge);
    assert!(error.message.contains("max_time_per_file"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Writes the suite's files to `$KAIJI_HOSTILE_DIR` (by hand: `KAIJI_HOSTILE_DIR=/tmp/h
/// cargo test --test hostile -- --ignored`), to try them on a release build.
#[test]
#[ignore]
fn write_the_cases() {
    let dir = PathBuf::from(std::env::var("KAIJI_HOSTILE_DIR").expect("KAIJI_HOSTILE_DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    write_cases(&dir, &cases());
}

/// The suite's shapes of multiplied text, PDF objects and sniffing, as seeds of the
/// reader fuzz targets under `fuzz/seeds/TARGET/` (the zip formats' as their main XML
/// part, which the targets package), made small enough to keep while still over
/// `ingest::fuzzing::LIMITS`. `fuzz/seed.sh` copies them into the corpus and
/// `fuzz_regressions_do_not_crash` replays them. Rewritten by hand:
/// `cargo test --test hostile write_fuzz_seeds -- --ignored`.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let ods = |rows: &str| format!("{ODS_HEAD}{rows}{ODS_TAIL}").into_bytes();
    let (sheet, strings) = shared_string_xlsx(64 << 10, 300);
    let seeds: Vec<(&str, &str, Vec<u8>)> = vec![
        ("pdf", "cmap-bomb.pdf", cmap_bomb()),
        ("pdf", "object-stream-array.pdf", pdf_array(2_000_000, true)),
        ("pdf", "content-missing.pdf", content_missing()),
        (
            "xlsx",
            "shared-string-reused",
            [sheet, b"\0\0".to_vec(), strings].concat(),
        ),
        (
            "xlsx",
            "format-literal.xlsx",
            xlsx_number_format(&format!("0&quot;{}&quot;", "x".repeat(100 << 10)), 200),
        ),
        (
            "xlsx",
            "format-zeros.xlsx",
            xlsx_number_format(&"0".repeat(100_000), 1),
        ),
        ("xlsx", "pdf-marker-inside.xlsx", pdf_marker_xlsx()),
        (
            "xls",
            "shared-string-reused.xls",
            xls_shared_string(4000, 3000),
        ),
        ("ods", "text-repeated", ods(&text_repeated_rows())),
        ("ods", "spaces-repeated", ods(SPACES_REPEATED)),
        ("ods", "rows-repeated-2^32", ods(ROWS_REPEATED_2_32)),
        ("ods", "columns-repeated-2^32", ods(COLUMNS_REPEATED_2_32)),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, name, bytes) in seeds {
        std::fs::create_dir_all(root.join(target)).unwrap();
        std::fs::write(root.join(target).join(name), bytes).unwrap();
    }
}

/// Every crash the fuzzers found, kept under `fuzz/regressions/TARGET/`, and every
/// hostile seed under `fuzz/seeds/TARGET/`, replayed through the target's own code. The one panic allowed is an arithmetic overflow
/// inside a dependency in a debug build (calamine subtracts the corners of a reversed
/// range like `B2:A1`): release builds wrap there, and `ingest::read_bytes` turns any
/// panic into `unreadable` anyway.
#[test]
fn fuzz_regressions_do_not_crash() {
    use std::sync::{Arc, Mutex};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let last_panic: Arc<Mutex<Option<(String, String)>>> = Arc::default();
    let hook_panic = Arc::clone(&last_panic);
    std::panic::set_hook(Box::new(move |info| {
        let file = info
            .location()
            .map(|l| l.file().to_string())
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *hook_panic.lock().unwrap() = Some((file, message));
    }));
    let mut replayed = 0;
    let mut failures = Vec::new();
    let dirs = ingest::fuzzing::TARGETS
        .iter()
        .flat_map(|target| [root.join(target), seeds.join(target)].map(|dir| (*target, dir)));
    for (target, dir) in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| ingest::fuzzing::run(target, &bytes));
            if outcome.is_err() {
                let (file, message) = last_panic.lock().unwrap().take().unwrap_or_default();
                let dependency_overflow = cfg!(debug_assertions)
                    && file.contains("registry")
                    && message.contains("with overflow");
                if !dependency_overflow {
                    failures.push(format!("{path:?}: panicked at {file}: {message}"));
                }
            }
            if started.elapsed() > Duration::from_secs(30) {
                failures.push(format!("{path:?}: {:?}", started.elapsed()));
            }
            replayed += 1;
        }
    }
    let _ = std::panic::take_hook();
    eprintln!("{replayed} fuzz regressions replayed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
