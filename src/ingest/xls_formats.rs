//! Number formats of the numeric cells of an .xls (BIFF8) workbook.
//!
//! calamine reads .xls values but exposes no number formats, so a date shown as
//! 「2009/04/01」 or a rate shown as 「99.95%」 would come out as 2009/4/1 or 0.9995.
//! This walks the BIFF records itself: the globals substream gives the format codes
//! (FORMAT), the cell formats (XF) and the sheets (BOUNDSHEET); each sheet substream
//! gives the XF index of every numeric cell. Anything unexpected ends the walk.

use super::{Deadline, ErrorKind, IngestError, Limits, TextBudget, Ticker};
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// (sheet name, row, col) (0-based, absolute) → number format code, for every numeric
/// cell of an .xls (BIFF8) workbook. No entry means General.
pub type CellFormats = HashMap<(String, u32, u32), String>;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
/// BOF version of BIFF8, the only layout parsed here.
const BIFF8: u16 = 0x0600;
const DIMENSIONS: u16 = 0x0200;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const LABELSST: u16 = 0x00FD;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
/// A formula's string result.
const STRING: u16 = 0x0207;

/// Reads the number formats of an .xls workbook; any problem gives an empty map
/// (the cells are then rendered as General). Only running out of time is an error.
pub fn read(bytes: &[u8], deadline: Deadline) -> Result<CellFormats, IngestError> {
    match workbook_stream(bytes) {
        Some(stream) => walk(&stream, deadline),
        None => Ok(CellFormats::new()),
    }
}

/// Refuses, before calamine lays them out, a workbook whose sheets span more than
/// `max_cells` cells in all (calamine makes one rectangle per sheet, and reserves one
/// for each DIMENSIONS record), whose string cells come to more than `max_text_bytes`
/// (calamine copies a shared string into every cell showing it), and one whose sheets
/// overlap in the stream (calamine walks each sheet's records from its offset: a
/// thousand sheets at one offset walk the stream a thousand times).
pub fn check_extent(
    bytes: &[u8],
    limits: &Limits,
    deadline: Deadline,
    text: &mut TextBudget,
) -> Result<(), IngestError> {
    let Some(stream) = workbook_stream(bytes) else {
        return Ok(());
    };
    let mut ticker = Ticker::new(deadline);
    let mut offsets = Vec::new();
    let mut shared: Vec<u32> = Vec::new();
    let mut sst: Option<Vec<&[u8]>> = None;
    for (typ, body) in Records::at(&stream, 0) {
        ticker.tick()?;
        match (typ, sst.as_mut()) {
            (CONTINUE, Some(parts)) => {
                parts.push(body);
                continue;
            }
            (_, Some(parts)) => {
                shared = shared_string_lengths(parts, limits, &mut ticker)?;
                sst = None;
            }
            (SST, None) => sst = Some(vec![body]),
            _ => {}
        }
        if typ == BOUNDSHEET
            && let Some(offset) = body
                .get(0..4)
                .and_then(|b| usize::try_from(u32::from_le_bytes(b.try_into().ok()?)).ok())
        {
            offsets.push(offset);
        }
        if typ == EOF {
            break;
        }
    }
    if let Some(parts) = sst {
        shared = shared_string_lengths(&parts, limits, &mut ticker)?;
    }
    let mut walked: u64 = 0;
    let allowed = 2 * stream.len() as u64 + (1 << 20);
    let mut spanned: u64 = 0;
    for offset in offsets {
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        let mut reserved: u64 = 0;
        let mut depth = 0usize;
        let mut seen_bof = false;
        for (typ, body) in Records::at(&stream, offset) {
            ticker.tick()?;
            walked += body.len() as u64 + 4;
            if walked > allowed {
                return Err(IngestError::new(
                    ErrorKind::Unreadable,
                    "ブックのシートがストリームの中で重なっています（破損）",
                ));
            }
            if depth > 0 {
                match typ {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                EOF => break,
                DIMENSIONS => reserved = reserved.max(dimensions_area(body)),
                LABELSST => {
                    let isst = body.get(6..10).and_then(|b| b.try_into().ok());
                    let len = isst
                        .and_then(|b| shared.get(u32::from_le_bytes(b) as usize))
                        .copied()
                        .unwrap_or(0);
                    text.charge(u64::from(len), 1)?;
                }
                LABEL | RSTRING | STRING => {
                    // The string follows the cell's row, column and format (LABEL,
                    // RSTRING) or starts the record (STRING): cch u16, flags u8.
                    let at = if typ == STRING { 0 } else { 6 };
                    if let (Some(cch), Some(&flags)) = (u16_at(body, at), body.get(at + 2)) {
                        text.charge(u64::from(utf8_bound(cch, flags)), 1)?;
                    }
                }
                _ => {
                    for (row, col) in cell_positions(typ, body) {
                        let (row, col) = (u32::from(row), u32::from(col));
                        bounds = Some(match bounds {
                            None => (row, row, col, col),
                            Some((r0, r1, c0, c1)) => {
                                (r0.min(row), r1.max(row), c0.min(col), c1.max(col))
                            }
                        });
                    }
                }
            }
        }
        let laid_out = bounds.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        });
        spanned = spanned.saturating_add(laid_out.max(reserved));
        if spanned > limits.max_cells {
            return Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "シートの範囲が {spanned} セル以上あり（使われている範囲の行 × 列）、\
                     上限（max_cells）の {} を超えています",
                    limits.max_cells
                ),
            ));
        }
    }
    Ok(())
}

/// The most UTF-8 bytes `cch` characters take: compressed ones (Latin-1) at most
/// two, UTF-16 ones at most three.
fn utf8_bound(cch: u16, flags: u8) -> u32 {
    u32::from(cch) * if flags & 1 != 0 { 3 } else { 2 }
}

/// The text length (a [`utf8_bound`]) of each string of a shared string table (SST,
/// then its CONTINUE records), read as calamine reads them: each string's header
/// within one record, its characters across records (each continuation starting with
/// a flags byte), then its formatting runs and extended data. A table of more strings
/// than a workbook has cells is refused, as for an .xlsx.
fn shared_string_lengths(
    parts: &[&[u8]],
    limits: &Limits,
    ticker: &mut Ticker,
) -> Result<Vec<u32>, IngestError> {
    let mut lengths = Vec::new();
    let mut part = 0;
    let mut pos = 8; // cstTotal, cstUnique
    loop {
        ticker.tick()?;
        while parts.get(part).is_some_and(|p| pos >= p.len()) {
            part += 1;
            pos = 0;
        }
        let Some(data) = parts.get(part) else { break };
        let (Some(cch), Some(&flags)) = (u16_at(data, pos), data.get(pos + 2)) else {
            break;
        };
        pos += 3;
        let runs = if flags & 0x8 != 0 {
            let runs = u16_at(data, pos).map_or(0, usize::from);
            pos += 2;
            runs
        } else {
            0
        };
        let ext = if flags & 0x4 != 0 {
            let ext = data
                .get(pos..pos + 4)
                .and_then(|b| b.try_into().ok())
                .map_or(0, |b| u32::from_le_bytes(b) as usize);
            pos += 4;
            ext
        } else {
            0
        };
        if lengths.len() as u64 >= limits.max_cells {
            return Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "共有文字列の表に {} を超える文字列があります。ブックの空でないセルは\
                     それ以下です（max_cells）",
                    limits.max_cells
                ),
            ));
        }
        lengths.push(utf8_bound(cch, flags));
        // The characters, continued in later records under their own flags byte.
        let (mut left, mut width) = (usize::from(cch), 1 + usize::from(flags & 1));
        while left > 0 {
            let Some(data) = parts.get(part) else { break };
            if pos >= data.len() {
                part += 1;
                let Some(&flags) = parts.get(part).and_then(|p| p.first()) else {
                    break;
                };
                width = 1 + usize::from(flags & 1);
                pos = 1;
                continue;
            }
            let take = left.min((data.len() - pos) / width).max(1);
            pos += take * width;
            left -= take;
        }
        // Formatting runs and extended data, four bytes a run, across records.
        let mut skip = runs * 4 + ext;
        while skip > 0 {
            let Some(data) = parts.get(part) else { break };
            let step = skip.min(data.len().saturating_sub(pos));
            if step == 0 {
                part += 1;
                pos = 0;
                continue;
            }
            pos += step;
            skip -= step;
        }
    }
    Ok(lengths)
}

/// The cells calamine reserves for a DIMENSIONS record, computed as it does (its
/// subtractions wrap on a corrupt record, so this saturates to "too many").
fn dimensions_area(body: &[u8]) -> u64 {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(body.get(at..at + 4)?.try_into().ok()?))
    };
    let (first_row, last_row, first_col, last_col) = match body.len() {
        10 => (
            u16_at(body, 0).map(u32::from),
            u16_at(body, 2).map(u32::from),
            u16_at(body, 4).map(u32::from),
            u16_at(body, 6).map(u32::from),
        ),
        14 | 16 => (
            u32_at(0),
            u32_at(4),
            u16_at(body, 8).map(u32::from),
            u16_at(body, 10).map(u32::from),
        ),
        _ => return 0,
    };
    let (Some(rf), Some(rl), Some(cf), Some(cl)) = (first_row, last_row, first_col, last_col)
    else {
        return 0;
    };
    let cf = if 0xFF < cf || cl < cf { 0 } else { cf };
    if rl == 0 || cl == 0 {
        return 1;
    }
    let rows = u64::from(rl - 1)
        .checked_sub(u64::from(rf))
        .map_or(u64::MAX, |r| r + 1);
    let cols = u64::from(cl - 1)
        .checked_sub(u64::from(cf))
        .map_or(u64::MAX, |c| c + 1);
    rows.saturating_mul(cols)
}

/// The (row, col) of every cell a value record holds.
fn cell_positions(typ: u16, body: &[u8]) -> Vec<(u16, u16)> {
    let at = || u16_at(body, 0).zip(u16_at(body, 2));
    match typ {
        NUMBER | RK | FORMULA | LABEL | RSTRING | BOOLERR | LABELSST => at().into_iter().collect(),
        MULRK => {
            let (Some(row), Some(first_col)) = (u16_at(body, 0), u16_at(body, 2)) else {
                return Vec::new();
            };
            let entries = body.len().saturating_sub(6) / 6;
            if entries == 0 {
                return Vec::new();
            }
            let last = u16::try_from(entries - 1)
                .ok()
                .and_then(|n| first_col.checked_add(n))
                .unwrap_or(u16::MAX);
            vec![(row, first_col), (row, last)]
        }
        _ => Vec::new(),
    }
}

/// The workbook stream of the compound file, at most as long as the file itself.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name))?;
    let stream = file.open_stream(name).ok()?;
    let mut data = Vec::new();
    stream
        .take(bytes.len() as u64)
        .read_to_end(&mut data)
        .ok()?;
    Some(data)
}

/// Walks a BIFF8 workbook stream: globals first, then each sheet's substream.
fn walk(stream: &[u8], deadline: Deadline) -> Result<CellFormats, IngestError> {
    let mut cells = CellFormats::new();
    let mut ticker = Ticker::new(deadline);
    let is_biff8 = Records::at(stream, 0)
        .next()
        .is_some_and(|(typ, body)| typ == BOF && u16_at(body, 0) == Some(BIFF8));
    if !is_biff8 {
        return Ok(cells);
    }
    let mut custom: HashMap<u16, String> = HashMap::new();
    let mut xf_formats: Vec<u16> = Vec::new();
    let mut sheets: Vec<(usize, String)> = Vec::new();
    for (typ, body) in substream(stream, 0) {
        ticker.tick()?;
        match typ {
            FORMAT => {
                if let Some((ifmt, code)) = parse_format(body) {
                    custom.insert(ifmt, code);
                }
            }
            // A short XF still takes its index, so later ones keep theirs.
            XF => xf_formats.push(u16_at(body, 2).unwrap_or(0)),
            BOUNDSHEET => {
                if let Some(sheet) = parse_boundsheet(body) {
                    sheets.push(sheet);
                }
            }
            _ => {}
        }
    }
    let code_of = |ixfe: u16| -> Option<&str> {
        let ifmt = *xf_formats.get(usize::from(ixfe))?;
        custom
            .get(&ifmt)
            .map(String::as_str)
            .or_else(|| builtin(ifmt))
            .filter(|code| !code.eq_ignore_ascii_case("general"))
    };
    for (offset, name) in sheets {
        for (typ, body) in substream(stream, offset) {
            ticker.tick()?;
            numeric_cells(typ, body, |row, col, ixfe| {
                if let Some(code) = code_of(ixfe) {
                    cells.insert(
                        (name.clone(), u32::from(row), u32::from(col)),
                        code.to_string(),
                    );
                }
            });
        }
    }
    Ok(cells)
}

/// BIFF records (type, data) from an offset until the data runs out or a record
/// claims more bytes than remain.
struct Records<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Records<'a> {
    fn at(data: &'a [u8], pos: usize) -> Self {
        Records { data, pos }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos.checked_add(4)?;
        let header = self.data.get(self.pos..start)?;
        let typ = u16::from_le_bytes([*header.first()?, *header.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*header.get(2)?, *header.get(3)?]));
        let end = start.checked_add(len)?;
        let body = self.data.get(start..end)?;
        self.pos = end;
        Some((typ, body))
    }
}

/// The records of the substream whose BOF is at `offset`, up to its EOF; nested
/// substreams (embedded charts) are skipped. Nothing if `offset` holds no BOF.
fn substream(data: &[u8], offset: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut depth = 0u32;
    Records::at(data, offset)
        .map(move |(typ, body)| {
            match typ {
                BOF => depth += 1,
                EOF => depth = depth.saturating_sub(1),
                _ => {}
            }
            (depth, typ, body)
        })
        .take_while(|&(depth, _, _)| depth > 0)
        .filter(|&(depth, typ, _)| depth == 1 && typ != BOF)
        .map(|(_, typ, body)| (typ, body))
}

/// Calls `f(row, col, ixfe)` for each numeric cell a record holds.
fn numeric_cells(typ: u16, body: &[u8], mut f: impl FnMut(u16, u16, u16)) {
    let cell = || Some((u16_at(body, 0)?, u16_at(body, 2)?, u16_at(body, 4)?));
    match typ {
        NUMBER | RK => {
            if let Some((row, col, ixfe)) = cell() {
                f(row, col, ixfe);
            }
        }
        // A cached result whose last two bytes are 0xFFFF is a string, boolean,
        // error or empty; anything else is a number.
        FORMULA => {
            if let Some((row, col, ixfe)) = cell()
                && body
                    .get(12..14)
                    .is_some_and(|marker| marker != [0xFF, 0xFF])
            {
                f(row, col, ixfe);
            }
        }
        // row, first col, then [ixfe u16, rk u32] per cell, then last col.
        MULRK => {
            let (Some(row), Some(first_col)) = (u16_at(body, 0), u16_at(body, 2)) else {
                return;
            };
            let entries = body
                .get(4..body.len().saturating_sub(2))
                .unwrap_or_default();
            for (i, entry) in entries.chunks_exact(6).enumerate() {
                let col = u16::try_from(i).ok().and_then(|i| first_col.checked_add(i));
                if let (Some(col), Some(ixfe)) = (col, u16_at(entry, 0)) {
                    f(row, col, ixfe);
                }
            }
        }
        _ => {}
    }
}

/// FORMAT: ifmt, then an XLUnicodeString (cch u16, flags u8, chars).
fn parse_format(body: &[u8]) -> Option<(u16, String)> {
    let ifmt = u16_at(body, 0)?;
    let cch = usize::from(u16_at(body, 2)?);
    let flags = *body.get(4)?;
    Some((ifmt, unicode_chars(body.get(5..)?, cch, flags & 1 != 0)?))
}

/// BOUNDSHEET: BOF offset u32, visibility u8, type u8, then a ShortXLUnicodeString
/// (cch u8, flags u8, chars).
fn parse_boundsheet(body: &[u8]) -> Option<(usize, String)> {
    let offset = usize::try_from(u32::from_le_bytes(body.get(0..4)?.try_into().ok()?)).ok()?;
    let cch = usize::from(*body.get(6)?);
    let flags = *body.get(7)?;
    Some((offset, unicode_chars(body.get(8..)?, cch, flags & 1 != 0)?))
}

/// `cch` characters, UTF-16LE or compressed (Latin-1, one byte each).
fn unicode_chars(data: &[u8], cch: usize, utf16: bool) -> Option<String> {
    if utf16 {
        let bytes = data.get(..cch.checked_mul(2)?)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(data.get(..cch)?.iter().map(|&b| char::from(b)).collect())
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*bytes.first()?, *bytes.get(1)?]))
}

/// The built-in format codes (ifmt < 164) as a Japanese-locale Excel shows them.
/// FORMAT records, when present, take precedence.
fn builtin(ifmt: u16) -> Option<&'static str> {
    const GENGO_DATE: &str = "[$-411]ge.m.d";
    const GENGO_DATE_LONG: &str = "[$-411]ggge\"年\"m\"月\"d\"日\"";
    const YEAR_MONTH: &str = "yyyy\"年\"m\"月\"";
    const MONTH_DAY: &str = "m\"月\"d\"日\"";
    Some(match ifmt {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 => "¥#,##0;¥-#,##0",
        6 => "¥#,##0;[Red]¥-#,##0",
        7 => "¥#,##0.00;¥-#,##0.00",
        8 => "¥#,##0.00;[Red]¥-#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "yyyy/m/d",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "yyyy/m/d h:mm",
        27 | 36 | 50 | 57 => GENGO_DATE,
        28 | 29 | 51 | 54 | 58 => GENGO_DATE_LONG,
        30 => "m/d/yy",
        31 => "yyyy\"年\"m\"月\"d\"日\"",
        32 => "h\"時\"mm\"分\"",
        33 => "h\"時\"mm\"分\"ss\"秒\"",
        34 | 52 | 55 => YEAR_MONTH,
        35 | 53 | 56 => MONTH_DAY,
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::numfmt::{self, DateTime};
    use super::*;

    fn deadline() -> Deadline {
        Deadline::start(&Limits::DEFAULT)
    }

    fn record(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((body.len() as u16).to_le_bytes());
        out.extend(body);
        out
    }

    fn bof(dt: u16) -> Vec<u8> {
        let mut body = BIFF8.to_le_bytes().to_vec();
        body.extend(dt.to_le_bytes());
        body.extend([0; 12]);
        record(BOF, &body)
    }

    fn cell(typ: u16, row: u16, col: u16, ixfe: u16, tail: &[u8]) -> Vec<u8> {
        let mut body = [row, col, ixfe]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>();
        body.extend(tail);
        record(typ, &body)
    }

    fn xf(ifmt: u16) -> Vec<u8> {
        let mut body = vec![0, 0];
        body.extend(ifmt.to_le_bytes());
        body.extend([0; 16]);
        record(XF, &body)
    }

    fn format(ifmt: u16, code: &str, utf16: bool) -> Vec<u8> {
        let mut body = ifmt.to_le_bytes().to_vec();
        if utf16 {
            let units: Vec<u16> = code.encode_utf16().collect();
            body.extend((units.len() as u16).to_le_bytes());
            body.push(1);
            body.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        } else {
            body.extend((code.len() as u16).to_le_bytes());
            body.push(0);
            body.extend(code.as_bytes());
        }
        record(FORMAT, &body)
    }

    fn boundsheet(offset: u32, name: &str) -> Vec<u8> {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut body = offset.to_le_bytes().to_vec();
        body.extend([0, 0, units.len() as u8, 1]);
        body.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(BOUNDSHEET, &body)
    }

    /// A workbook stream with one sheet 「開示項目」 holding the given cell records.
    /// XF 0 is General, 1 the custom "yyyy/mm/dd", 2 built-in 10 (0.00%), 3 a custom
    /// UTF-16 format.
    fn workbook(sheet_records: &[Vec<u8>]) -> Vec<u8> {
        let globals_without_sheet = [
            bof(0x0005),
            format(164, "yyyy/mm/dd", false),
            format(165, "#,##0\"円\"", true),
            xf(0),
            xf(164),
            xf(10),
            xf(165),
            record(0x003C, b"ignored"),
        ]
        .concat();
        let sheet_len = boundsheet(0, "開示項目").len() + record(EOF, &[]).len();
        let offset = (globals_without_sheet.len() + sheet_len) as u32;
        let mut stream = [
            globals_without_sheet,
            boundsheet(offset, "開示項目"),
            record(EOF, &[]),
        ]
        .concat();
        stream.extend(bof(0x0010));
        for r in sheet_records {
            stream.extend(r);
        }
        stream.extend(record(EOF, &[]));
        stream
    }

    fn get(cells: &CellFormats, row: u32, col: u32) -> Option<&str> {
        cells
            .get(&("開示項目".to_string(), row, col))
            .map(String::as_str)
    }

    #[test]
    fn maps_numeric_cells_to_their_format_codes() {
        let mut mulrk = [4u16, 1]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>();
        for ixfe in [2u16, 0, 3] {
            mulrk.extend(ixfe.to_le_bytes());
            mulrk.extend([0; 4]);
        }
        mulrk.extend(3u16.to_le_bytes());
        let numeric_result = 1.5f64.to_le_bytes();
        let string_result = [0, 0, 0, 0, 0, 0, 0xFF, 0xFF];
        let stream = workbook(&[
            cell(NUMBER, 7, 3, 1, &0.0f64.to_le_bytes()),
            cell(RK, 99, 3, 2, &[0; 4]),
            record(MULRK, &mulrk),
            cell(
                FORMULA,
                5,
                0,
                3,
                &[numeric_result.as_slice(), &[0; 6]].concat(),
            ),
            cell(
                FORMULA,
                5,
                1,
                3,
                &[string_result.as_slice(), &[0; 6]].concat(),
            ),
            cell(NUMBER, 6, 0, 0, &0.0f64.to_le_bytes()),
            cell(NUMBER, 6, 1, 42, &0.0f64.to_le_bytes()),
        ]);
        let cells = walk(&stream, deadline()).unwrap();
        assert_eq!(get(&cells, 7, 3), Some("yyyy/mm/dd"));
        assert_eq!(get(&cells, 99, 3), Some("0.00%"));
        assert_eq!(get(&cells, 4, 1), Some("0.00%"));
        assert_eq!(get(&cells, 4, 2), None, "General is left out");
        assert_eq!(get(&cells, 4, 3), Some("#,##0\"円\""));
        assert_eq!(get(&cells, 5, 0), Some("#,##0\"円\""));
        assert_eq!(
            get(&cells, 5, 1),
            None,
            "a string formula result is not numeric"
        );
        assert_eq!(get(&cells, 6, 0), None);
        assert_eq!(get(&cells, 6, 1), None, "an unknown XF index is General");
        assert_eq!(cells.len(), 5);
    }

    #[test]
    fn stops_at_the_sheet_eof_and_skips_embedded_substreams() {
        let stream = workbook(&[
            cell(NUMBER, 0, 0, 1, &[0; 8]),
            bof(0x0020),
            cell(NUMBER, 1, 0, 1, &[0; 8]),
            record(EOF, &[]),
            cell(NUMBER, 2, 0, 1, &[0; 8]),
            record(EOF, &[]),
            cell(NUMBER, 3, 0, 1, &[0; 8]),
        ]);
        let cells = walk(&stream, deadline()).unwrap();
        let mut rows: Vec<u32> = cells.keys().map(|(_, row, _)| *row).collect();
        rows.sort();
        assert_eq!(rows, [0, 2]);
    }

    #[test]
    fn hostile_input_gives_what_was_read_so_far_or_nothing() {
        let stream = workbook(&[
            cell(NUMBER, 0, 0, 1, &[0; 8]),
            cell(NUMBER, 1, 0, 1, &[0; 8]),
        ]);
        for cut in 0..stream.len() {
            let cells = walk(&stream[..cut], deadline()).unwrap();
            assert!(cells.len() <= 2);
        }
        // A record claiming more data than the stream holds ends the walk.
        let mut lying = workbook(&[cell(NUMBER, 0, 0, 1, &[0; 8])]);
        lying.truncate(lying.len() - 4);
        lying.extend([0x03, 0x02, 0xFF, 0xFF, 1, 0]);
        assert_eq!(walk(&lying, deadline()).unwrap().len(), 1);
        // Short records, a sheet offset past the end, garbage.
        let short = [
            bof(0x0005),
            record(XF, &[1]),
            record(FORMAT, &[164, 0, 9]),
            boundsheet(u32::MAX, "x"),
        ]
        .concat();
        assert!(walk(&short, deadline()).unwrap().is_empty());
        assert!(read(b"not a compound file", deadline()).unwrap().is_empty());
        assert!(read(&[], deadline()).unwrap().is_empty());
        // Not BIFF8.
        let mut biff5 = workbook(&[cell(NUMBER, 0, 0, 1, &[0; 8])]);
        biff5[4..6].copy_from_slice(&0x0500u16.to_le_bytes());
        assert!(walk(&biff5, deadline()).unwrap().is_empty());
    }

    #[test]
    fn reads_the_legacy_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/spreadsheets/legacy-numbered.xls"
        );
        let bytes = std::fs::read(path).expect("fixture");
        let cells = read(&bytes, deadline()).unwrap();
        let sheet = "開示項目".to_string();
        // Item 77.1 at D100: 0.9995 shown as 99.95%.
        let percent = cells
            .get(&(sheet.clone(), 99, 3))
            .expect("D100 has a format");
        assert!(percent.contains('%'), "{percent}");
        assert_eq!(numfmt::format_number(0.9995, Some(percent)), "99.95%");
        // Item 3.1 at D8: 2009-04-01 shown as 2009/04/01.
        let date = cells.get(&(sheet, 7, 3)).expect("D8 has a format");
        let value = DateTime {
            date: (2009, 4, 1),
            hour: 0,
            minute: 0,
            second: 0,
        };
        assert_eq!(numfmt::format_date(value, Some(date)), "2009/04/01");
    }
}
