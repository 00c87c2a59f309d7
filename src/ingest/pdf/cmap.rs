//! CMaps: embedded ones (ToUnicode, or a Type0 font's /Encoding stream) parsed from
//! their PostScript-like text, and the predefined Japanese and Unicode ones decoded
//! by rule.

use super::encodings;
use super::lexer::{Lexer, Operand, Operands};
use std::collections::BTreeMap;

/// A range of codes of one byte length: each byte lies within its own bounds.
#[derive(Debug, Clone)]
struct CodeRange {
    len: usize,
    low: [u8; 4],
    high: [u8; 4],
}

/// How bytes are cut into codes.
#[derive(Debug, Clone, Default)]
pub struct Codespace {
    ranges: Vec<CodeRange>,
}

impl Codespace {
    pub fn fixed(len: usize) -> Self {
        Codespace {
            ranges: vec![CodeRange {
                len,
                low: [0; 4],
                high: [0xff; 4],
            }],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The length of the code that starts `bytes` (at least 1 when `bytes` is not empty).
    pub fn code_len(&self, bytes: &[u8]) -> usize {
        let Some(&first) = bytes.first() else {
            return 1;
        };
        for range in &self.ranges {
            if range.len <= bytes.len()
                && (0..range.len).all(|i| range.low[i] <= bytes[i] && bytes[i] <= range.high[i])
            {
                return range.len;
            }
        }
        // No range matches: a reader takes as many bytes as the shortest range whose
        // first byte fits, else the shortest code.
        let by_first = self
            .ranges
            .iter()
            .filter(|r| r.low[0] <= first && first <= r.high[0])
            .map(|r| r.len)
            .min();
        let shortest = self.ranges.iter().map(|r| r.len).min();
        by_first
            .or(shortest)
            .unwrap_or(1)
            .clamp(1, bytes.len().max(1))
    }
}

/// The big-endian value of a code.
pub fn code_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

#[derive(Debug, Clone)]
enum RangeTarget {
    /// UTF-16 units of the first code's text; the last unit rises with the code.
    Base(Vec<u16>),
    /// One text per code.
    List(Vec<Box<str>>),
}

/// Codes below this are kept in a table indexed by the code (at most 64 KiB a CMap).
const TABLE_CODES: u32 = 4096;

/// The texts of single codes (`bfchar`), looked up for nearly every glyph drawn: in a
/// table indexed by the code where the codes are small (a subset font numbers its
/// glyphs from 1), in a B-tree otherwise (fewer steps than hashing the code).
#[derive(Debug, Clone)]
enum CodeTexts {
    Table(Vec<Option<Box<str>>>),
    Tree(BTreeMap<u32, Box<str>>),
}

impl Default for CodeTexts {
    fn default() -> Self {
        CodeTexts::Tree(BTreeMap::new())
    }
}

impl CodeTexts {
    fn of(tree: BTreeMap<u32, Box<str>>) -> CodeTexts {
        match tree.last_key_value() {
            Some((&last, _)) if last < TABLE_CODES => {
                let mut table = vec![None; last as usize + 1];
                for (code, text) in tree {
                    table[code as usize] = Some(text);
                }
                CodeTexts::Table(table)
            }
            _ => CodeTexts::Tree(tree),
        }
    }

    fn get(&self, code: u32) -> Option<&str> {
        match self {
            CodeTexts::Table(table) => table.get(code as usize)?.as_deref(),
            CodeTexts::Tree(tree) => tree.get(&code).map(|text| &**text),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            // Made of a tree with at least one code.
            CodeTexts::Table(_) => false,
            CodeTexts::Tree(tree) => tree.is_empty(),
        }
    }
}

/// An embedded CMap.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    pub codespace: Codespace,
    chars: CodeTexts,
    /// (first, last, target), sorted by first.
    ranges: Vec<(u32, u32, RangeTarget)>,
    cid_chars: BTreeMap<u32, u32>,
    /// (first, last, first cid), sorted by first.
    cid_ranges: Vec<(u32, u32, u32)>,
    /// The predefined CMap this one builds on (`usecmap`).
    pub base: Option<String>,
}

fn utf16_text(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or('\u{fffd}'))
        .collect()
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [h, l] => u16::from_be_bytes([*h, *l]),
            [b] => u16::from(*b),
            _ => 0,
        })
        .collect()
}

fn target_text(operands: &Operands, operand: &Operand) -> Option<Box<str>> {
    match *operand {
        Operand::String(bytes) => {
            Some(utf16_text(&utf16_units(operands.bytes(bytes))).into_boxed_str())
        }
        Operand::Name(name) => {
            let name = String::from_utf8_lossy(operands.bytes(name));
            glyph_char(&name).map(|c| c.to_string().into_boxed_str())
        }
        _ => None,
    }
}

/// Most mappings one CMap may hold; a larger one is hostile.
const MAX_ENTRIES: usize = 1 << 20;

impl CMap {
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut lexer = Lexer::with_operand_limit(data, MAX_ENTRIES);
        let mut operands = Operands::default();
        let mut entries = 0usize;
        let mut chars = BTreeMap::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            match op {
                b"endcodespacerange" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Operand::String(low), Operand::String(high)] = *pair
                            && let (low, high) = (operands.bytes(low), operands.bytes(high))
                            && (1..=4).contains(&low.len())
                            && low.len() == high.len()
                        {
                            let mut range = CodeRange {
                                len: low.len(),
                                low: [0; 4],
                                high: [0; 4],
                            };
                            range.low[..low.len()].copy_from_slice(low);
                            range.high[..high.len()].copy_from_slice(high);
                            cmap.codespace.ranges.push(range);
                        }
                    }
                }
                b"endbfchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let (Operand::String(code), Some(text)) =
                            (pair[0], target_text(&operands, &pair[1]))
                            && entries < MAX_ENTRIES
                        {
                            entries += 1;
                            chars.insert(code_value(operands.bytes(code)), text);
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in operands.chunks_exact(3) {
                        let [Operand::String(low), Operand::String(high), target] = *triple else {
                            continue;
                        };
                        let (low, high) = (
                            code_value(operands.bytes(low)),
                            code_value(operands.bytes(high)),
                        );
                        if high < low || entries >= MAX_ENTRIES {
                            continue;
                        }
                        let target = match target {
                            Operand::String(bytes) if !operands.bytes(bytes).is_empty() => {
                                RangeTarget::Base(utf16_units(operands.bytes(bytes)))
                            }
                            Operand::Array(items) => RangeTarget::List(
                                operands
                                    .items(items)
                                    .iter()
                                    .map(|i| target_text(&operands, i).unwrap_or_default())
                                    .collect(),
                            ),
                            _ => continue,
                        };
                        entries += 1;
                        cmap.ranges.push((low, high, target));
                    }
                }
                b"endcidchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let (Operand::String(code), Some(cid)) = (pair[0], pair[1].number())
                            && entries < MAX_ENTRIES
                        {
                            entries += 1;
                            let code = code_value(operands.bytes(code));
                            cmap.cid_chars.insert(code, cid.max(0.0) as u32);
                        }
                    }
                }
                b"endcidrange" => {
                    for triple in operands.chunks_exact(3) {
                        if let (Operand::String(low), Operand::String(high), Some(cid)) =
                            (triple[0], triple[1], triple[2].number())
                        {
                            let (low, high) = (
                                code_value(operands.bytes(low)),
                                code_value(operands.bytes(high)),
                            );
                            if low <= high && entries < MAX_ENTRIES {
                                entries += 1;
                                cmap.cid_ranges.push((low, high, cid.max(0.0) as u32));
                            }
                        }
                    }
                }
                b"usecmap" => {
                    if let Some(&Operand::Name(name)) = operands.last() {
                        let name = operands.bytes(name);
                        cmap.base = Some(String::from_utf8_lossy(name).into_owned());
                    }
                }
                _ => {}
            }
        }
        cmap.chars = CodeTexts::of(chars);
        cmap.ranges.sort_by_key(|r| r.0);
        cmap.cid_ranges.sort_by_key(|r| r.0);
        cmap
    }

    pub fn has_unicode(&self) -> bool {
        !self.chars.is_empty() || !self.ranges.is_empty()
    }

    /// Appends the text of `code` to `out`; false when the CMap does not map it.
    pub fn unicode(&self, code: u32, out: &mut String) -> bool {
        if let Some(text) = self.chars.get(code) {
            out.push_str(text);
            return true;
        }
        // The last range starting at or before the code; overlapping ranges are rare,
        // so a few steps back cover them.
        let end = self.ranges.partition_point(|r| r.0 <= code);
        for (low, high, target) in self.ranges[..end].iter().rev().take(8) {
            if code > *high {
                continue;
            }
            let offset = code - low;
            match target {
                RangeTarget::Base(units) => {
                    let mut units = units.clone();
                    if let Some(last) = units.last_mut() {
                        *last = last.wrapping_add(offset as u16);
                    }
                    out.push_str(&utf16_text(&units));
                }
                RangeTarget::List(items) => match items.get(offset as usize) {
                    Some(text) => out.push_str(text),
                    None => return false,
                },
            }
            return true;
        }
        false
    }

    /// The CID of `code` under an encoding CMap.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(cid) = self.cid_chars.get(&code) {
            return Some(*cid);
        }
        let end = self.cid_ranges.partition_point(|r| r.0 <= code);
        self.cid_ranges[..end]
            .iter()
            .rev()
            .take(8)
            .find(|r| code <= r.1)
            .map(|(low, _, cid)| cid + (code - low))
    }
}

/// A character for a glyph name: the Adobe Glyph List, `uniXXXX`, `uXXXX[XX]`, with
/// suffixes (`a.sc`) dropped and ligature names (`f_f_i`) spelled out as their first
/// component only when they are not listed.
pub fn glyph_char(name: &str) -> Option<char> {
    let base = name.split('.').next().unwrap_or(name);
    if let Ok(i) = encodings::GLYPH_NAMES.binary_search_by(|(n, _)| (*n).cmp(base)) {
        return Some(encodings::GLYPH_NAMES[i].1);
    }
    let hex = |s: &str| u32::from_str_radix(s, 16).ok().and_then(char::from_u32);
    if let Some(rest) = base.strip_prefix("uni")
        && rest.len() == 4
        && rest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return hex(rest);
    }
    if let Some(rest) = base.strip_prefix('u')
        && (4..=6).contains(&rest.len())
        && rest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return hex(rest);
    }
    None
}

/// The text of a glyph name; ligatures (`f_i`, `uni00660069`) give several characters.
pub fn glyph_text(name: &str, out: &mut String) -> bool {
    if let Some(c) = glyph_char(name) {
        out.push(c);
        return true;
    }
    let base = name.split('.').next().unwrap_or(name);
    if let Some(rest) = base.strip_prefix("uni")
        && rest.len().is_multiple_of(4)
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_hexdigit())
    {
        let units: Vec<u16> = (0..rest.len() / 4)
            .filter_map(|i| u16::from_str_radix(&rest[i * 4..i * 4 + 4], 16).ok())
            .collect();
        out.push_str(&utf16_text(&units));
        return true;
    }
    if base.contains('_') {
        let mut text = String::new();
        if base.split('_').all(|part| glyph_text(part, &mut text)) {
            out.push_str(&text);
            return true;
        }
    }
    false
}

/// How a predefined CMap's codes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredefinedKind {
    /// Identity-H/V: two-byte CIDs, no text without a ToUnicode map.
    Identity,
    Ucs2,
    Utf16,
    Utf8,
    Utf32,
    ShiftJis,
    EucJp,
    /// ISO-2022-JP's two-byte JIS X 0208 codes (the `H` and `V` CMaps).
    Jis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predefined {
    pub kind: PredefinedKind,
    pub vertical: bool,
    /// ASCII maps to the half-width CIDs (231–325) rather than the proportional ones.
    halfwidth_ascii: bool,
}

/// Identity-H: what a Type0 font without a usable /Encoding is read as.
pub const IDENTITY_H: Predefined = Predefined {
    kind: PredefinedKind::Identity,
    vertical: false,
    halfwidth_ascii: false,
};

impl Predefined {
    /// The predefined CMap of this name, when its codes can be read.
    pub fn named(name: &str) -> Option<Predefined> {
        let vertical = name.ends_with("-V") || name == "V";
        let kind = if name.starts_with("Identity-") {
            PredefinedKind::Identity
        } else if name.starts_with("Uni") && name.contains("UCS2") {
            PredefinedKind::Ucs2
        } else if name.starts_with("Uni") && name.contains("UTF16") {
            PredefinedKind::Utf16
        } else if name.starts_with("Uni") && name.contains("UTF8") {
            PredefinedKind::Utf8
        } else if name.starts_with("Uni") && name.contains("UTF32") {
            PredefinedKind::Utf32
        } else if name.contains("RKSJ") {
            PredefinedKind::ShiftJis
        } else if name == "EUC-H" || name == "EUC-V" {
            PredefinedKind::EucJp
        } else if name == "H" || name == "V" {
            PredefinedKind::Jis
        } else {
            return None;
        };
        let halfwidth_ascii = name.contains("HW")
            || matches!(
                kind,
                PredefinedKind::ShiftJis | PredefinedKind::EucJp | PredefinedKind::Jis
            ) && !name.contains("90msp");
        Some(Predefined {
            kind,
            vertical,
            halfwidth_ascii,
        })
    }

    /// The length of the code starting `bytes` (not empty).
    pub fn code_len(&self, bytes: &[u8]) -> usize {
        let Some(&b) = bytes.first() else {
            return 1;
        };
        let len = match self.kind {
            PredefinedKind::Identity | PredefinedKind::Ucs2 | PredefinedKind::Jis => 2,
            PredefinedKind::Utf16 => {
                if (0xd8..=0xdb).contains(&b) {
                    4
                } else {
                    2
                }
            }
            PredefinedKind::Utf8 => match b {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            },
            PredefinedKind::Utf32 => 4,
            PredefinedKind::ShiftJis => match b {
                0x81..=0x9f | 0xe0..=0xfc => 2,
                _ => 1,
            },
            PredefinedKind::EucJp => match b {
                0x8e | 0xa1..=0xfe => 2,
                0x8f => 3,
                _ => 1,
            },
        };
        len.min(bytes.len())
    }

    /// Appends the text of one code; false when it cannot be decoded.
    pub fn unicode(&self, code: &[u8], out: &mut String) -> bool {
        let decoded: Option<String> = match self.kind {
            PredefinedKind::Identity => None,
            PredefinedKind::Ucs2 | PredefinedKind::Utf16 => {
                let units = utf16_units(code);
                let text: String = char::decode_utf16(units).filter_map(Result::ok).collect();
                (!text.is_empty()).then_some(text)
            }
            PredefinedKind::Utf8 => std::str::from_utf8(code).ok().map(str::to_string),
            PredefinedKind::Utf32 => char::from_u32(code_value(code)).map(String::from),
            PredefinedKind::ShiftJis => decode_with(encoding_rs::SHIFT_JIS, code),
            PredefinedKind::EucJp => decode_with(encoding_rs::EUC_JP, code),
            PredefinedKind::Jis => {
                let euc: Vec<u8> = code.iter().map(|b| b | 0x80).collect();
                decode_with(encoding_rs::EUC_JP, &euc)
            }
        };
        match decoded {
            Some(text) if !text.is_empty() => {
                out.push_str(&text);
                true
            }
            _ => false,
        }
    }

    /// The CID of a code where it matters for widths and can be told without the
    /// CMap's tables: Identity codes, and the half-width and proportional ASCII and
    /// katakana of Adobe-Japan1. `None` means "use the font's default width".
    pub fn cid(&self, code: &[u8]) -> Option<u32> {
        let value = code_value(code);
        let ascii = |c: u32| -> Option<u32> {
            if (0x20..=0x7e).contains(&c) {
                Some(if self.halfwidth_ascii {
                    231 + (c - 0x20)
                } else {
                    1 + (c - 0x20)
                })
            } else {
                None
            }
        };
        match self.kind {
            PredefinedKind::Identity => Some(value),
            PredefinedKind::Ucs2 | PredefinedKind::Utf16 | PredefinedKind::Utf32 => match value {
                0xff61..=0xff9f => Some(327 + (value - 0xff61)),
                _ => ascii(value),
            },
            PredefinedKind::Utf8 => ascii(value),
            PredefinedKind::ShiftJis if code.len() == 1 => match value {
                0xa1..=0xdf => Some(327 + (value - 0xa1)),
                _ => ascii(value),
            },
            PredefinedKind::EucJp if code.len() == 1 => ascii(value),
            PredefinedKind::EucJp if code.first() == Some(&0x8e) => {
                let kana = value & 0xff;
                (0xa1..=0xdf)
                    .contains(&kana)
                    .then_some(327 + (kana.saturating_sub(0xa1)))
            }
            _ => None,
        }
    }

    /// Whether a code is a half-width character (for a width when the font gives none).
    pub fn is_halfwidth(&self, code: &[u8]) -> bool {
        match self.kind {
            PredefinedKind::Ucs2 | PredefinedKind::Utf16 | PredefinedKind::Utf32 => {
                let v = code_value(code);
                v < 0x7f || (0xff61..=0xff9f).contains(&v)
            }
            PredefinedKind::Utf8 | PredefinedKind::ShiftJis => code.len() == 1,
            PredefinedKind::EucJp => code.len() == 1 || code.first() == Some(&0x8e),
            PredefinedKind::Identity | PredefinedKind::Jis => false,
        }
    }
}

fn decode_with(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0010> <D83DDE00> endbfchar
3 beginbfrange
<0020> <0022> <3042>
<0030> <0031> [<6F22> <5B57>]
<0040> <0040> <00660069>
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    fn text(cmap: &CMap, code: u32) -> Option<String> {
        let mut out = String::new();
        cmap.unicode(code, &mut out).then_some(out)
    }

    #[test]
    fn bfchar_and_bfrange_in_both_forms() {
        let cmap = CMap::parse(TO_UNICODE);
        assert_eq!(text(&cmap, 3).as_deref(), Some(" "));
        assert_eq!(text(&cmap, 0x10).as_deref(), Some("😀"));
        assert_eq!(text(&cmap, 0x20).as_deref(), Some("あ"));
        assert_eq!(text(&cmap, 0x22).as_deref(), Some("い"));
        assert_eq!(text(&cmap, 0x23), None);
        assert_eq!(text(&cmap, 0x30).as_deref(), Some("漢"));
        assert_eq!(text(&cmap, 0x31).as_deref(), Some("字"));
        assert_eq!(text(&cmap, 0x40).as_deref(), Some("fi"));
        assert_eq!(cmap.codespace.code_len(&[0, 3]), 2);
    }

    #[test]
    fn small_and_large_codes_read_alike() {
        let small =
            CMap::parse(b"3 beginbfchar <0001> <3042> <0005> <3044> <0001> <3046> endbfchar");
        assert!(matches!(small.chars, CodeTexts::Table(_)));
        // A later entry for a code replaces an earlier one.
        assert_eq!(text(&small, 1).as_deref(), Some("う"));
        assert_eq!(text(&small, 5).as_deref(), Some("い"));
        assert_eq!(text(&small, 2), None);
        assert_eq!(text(&small, 6), None);
        assert_eq!(text(&small, 0x1_0000), None);
        let large = CMap::parse(b"2 beginbfchar <0001> <3042> <FFFF> <3044> endbfchar");
        assert!(matches!(large.chars, CodeTexts::Tree(_)));
        assert_eq!(text(&large, 1).as_deref(), Some("あ"));
        assert_eq!(text(&large, 0xffff).as_deref(), Some("い"));
        assert_eq!(text(&large, 2), None);
        assert!(small.has_unicode() && large.has_unicode());
        assert!(!CMap::parse(b"0 beginbfchar endbfchar").has_unicode());
    }

    #[test]
    fn encoding_cmaps_give_cids() {
        let cmap = CMap::parse(
            b"/Adobe-Japan1-UCS2 usecmap 2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
1 begincidrange <8140> <817E> 633 endcidrange 1 begincidchar <20> 1 endcidchar",
        );
        assert_eq!(cmap.codespace.code_len(&[0x41, 0x81]), 1);
        assert_eq!(cmap.codespace.code_len(&[0x81, 0x41]), 2);
        assert_eq!(cmap.cid(0x8141), Some(634));
        assert_eq!(cmap.cid(0x20), Some(1));
        assert_eq!(cmap.base.as_deref(), Some("Adobe-Japan1-UCS2"));
    }

    #[test]
    fn predefined_japanese_cmaps() {
        let decode = |name: &str, bytes: &[u8]| {
            let cmap = Predefined::named(name).unwrap();
            let mut out = String::new();
            let mut i = 0;
            while i < bytes.len() {
                let len = cmap.code_len(&bytes[i..]);
                assert!(cmap.unicode(&bytes[i..i + len], &mut out));
                i += len;
            }
            out
        };
        assert_eq!(decode("UniJIS-UCS2-H", &[0x65, 0xe5, 0, 0x41]), "日A");
        assert_eq!(
            decode("UniJIS-UTF16-H", &[0xd8, 0x40, 0xdc, 0x0b, 0x30, 0x42]),
            "𠀋あ"
        );
        assert_eq!(decode("90ms-RKSJ-H", &[0x93, 0xfa, 0x41, 0xb1]), "日Aｱ");
        assert_eq!(decode("EUC-H", &[0xc6, 0xfc, 0x41]), "日A");
        assert_eq!(decode("H", &[0x46, 0x7c]), "日");
        assert!(Predefined::named("GBK-EUC-H").is_none());
        assert_eq!(
            Predefined::named("UniJIS-UCS2-H").unwrap().cid(&[0, 0x41]),
            Some(34)
        );
    }

    #[test]
    fn glyph_names() {
        let mut out = String::new();
        for name in [
            "A",
            "yen",
            "uni3042",
            "u1F600",
            "f_i",
            "a.sc",
            "uni00660069",
        ] {
            assert!(glyph_text(name, &mut out), "{name}");
        }
        assert_eq!(out, "A¥あ😀fiafi");
        assert!(!glyph_text("g123", &mut out));
    }
}
