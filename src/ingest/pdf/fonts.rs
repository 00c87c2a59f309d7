//! Fonts: how a shown string's bytes become codes, each code's advance width, and its
//! text.
//!
//! Text comes from the font's ToUnicode map first. Without one (or for a code it
//! leaves out), a simple font falls back to its /Encoding (a base encoding with
//! /Differences, glyph names through the Adobe Glyph List), and a Type0 font with a
//! predefined Japanese or Unicode CMap decodes the code itself (UCS-2, UTF-16,
//! Shift_JIS, EUC-JP). A code none of these covers is reported as undecodable, never
//! guessed: an Identity-H font with no ToUnicode has no readable text.

use super::cmap::{
    CMap, Codespace, IDENTITY_H, Predefined, PredefinedKind, code_value, glyph_text,
};
use super::encodings;
use super::inflate::Inflater;
use super::lexer::{Lexer, Operand, Operands};
use lopdf::{Dictionary, Document, Object};

/// Follows references (a bounded number of times).
pub fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

pub fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, dict.get(key).ok()?)
}

pub fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn number(doc: &Document, object: &Object) -> Option<f32> {
    match resolve(doc, object)? {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn name_entry<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn array<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Vec<Object>> {
    match get(doc, dict, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

/// How a shown string's bytes are cut into codes.
enum Codes {
    OneByte,
    Predefined(Predefined),
    /// An embedded CMap (a Type0 font's /Encoding stream), possibly over a predefined one.
    Embedded(CMap, Option<Predefined>),
}

/// Where text comes from when the ToUnicode map does not give it.
enum Fallback {
    /// A simple font's encoding: one character per code, `'\0'` where undefined.
    Simple(Box<[Option<Box<str>>; 256]>),
    Predefined(Predefined),
    None,
}

enum Widths {
    Simple {
        first: u32,
        widths: Vec<f32>,
        missing: f32,
    },
    Cid {
        /// (first cid, last cid, width), sorted.
        ranges: Vec<(u32, u32, f32)>,
        default: f32,
    },
}

/// What one code of a shown string is.
pub struct Glyph {
    /// Bytes the code takes.
    pub len: usize,
    /// Advance in text space for a font size of 1.
    pub advance: f32,
    /// A single-byte code 32: word spacing applies.
    pub word_space: bool,
    /// False when the code's text could not be decoded (nothing was appended).
    pub decoded: bool,
}

pub struct Font {
    /// The /BaseFont, for messages.
    pub name: String,
    codes: Codes,
    to_unicode: Option<CMap>,
    fallback: Fallback,
    widths: Widths,
    pub vertical: bool,
    /// Glyph space to text space: 1/1000, or a Type 3 font's /FontMatrix.
    scale: f32,
    /// Why codes without a ToUnicode entry cannot be read, for messages.
    pub why_undecodable: &'static str,
}

/// Most bytes read from one embedded CMap.
const MAX_CMAP_BYTES: usize = 16 * 1024 * 1024;

fn cmap_stream(doc: &Document, object: &Object, inflater: &mut Inflater) -> Option<CMap> {
    match resolve(doc, object)? {
        Object::Stream(stream) => {
            let data = inflater.plain_content(stream, MAX_CMAP_BYTES).ok()?;
            Some(CMap::parse(&data))
        }
        _ => None,
    }
}

/// The font name without a subset tag (`ABCDEF+`).
fn base_name(name: &str) -> &str {
    match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

impl Font {
    /// The font of a font dictionary; its streams inflated by `inflater`.
    pub fn load(doc: &Document, dict: &Dictionary, inflater: &mut Inflater) -> Font {
        let name = name_entry(doc, dict, b"BaseFont")
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| "(unnamed font)".to_string());
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| cmap_stream(doc, o, inflater))
            .filter(CMap::has_unicode);
        match name_of_subtype(doc, dict) {
            Some(b"Type0") => Self::load_type0(doc, dict, name, to_unicode, inflater),
            subtype => {
                let type3 = subtype == Some(b"Type3");
                Self::load_simple(doc, dict, name, to_unicode, type3, inflater)
            }
        }
    }

    fn load_type0(
        doc: &Document,
        dict: &Dictionary,
        name: String,
        to_unicode: Option<CMap>,
        inflater: &mut Inflater,
    ) -> Font {
        let descendant = array(doc, dict, b"DescendantFonts")
            .and_then(|a| a.first())
            .and_then(|o| match resolve(doc, o)? {
                Object::Dictionary(d) => Some(d),
                _ => None,
            });
        let (codes, why) = match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => {
                let cmap_name = String::from_utf8_lossy(n);
                match Predefined::named(&cmap_name) {
                    Some(p) if p.kind == PredefinedKind::Identity => (
                        Codes::Predefined(p),
                        "ToUnicode の対応表がない Identity-H/V のフォント",
                    ),
                    Some(p) => (Codes::Predefined(p), ""),
                    None => (
                        Codes::Predefined(IDENTITY_H),
                        "対応していない定義済み CMap の Type0 フォント",
                    ),
                }
            }
            Some(Object::Stream(_)) => {
                let cmap = dict
                    .get(b"Encoding")
                    .ok()
                    .and_then(|o| cmap_stream(doc, o, inflater))
                    .unwrap_or_default();
                let base = cmap.base.as_deref().and_then(Predefined::named);
                (
                    Codes::Embedded(cmap, base),
                    "CMap を埋め込み、ToUnicode の対応表がない Type0 フォント",
                )
            }
            _ => (
                Codes::Predefined(IDENTITY_H),
                "符号化も ToUnicode の対応表もない Type0 フォント",
            ),
        };
        let fallback = match &codes {
            Codes::Predefined(p) if p.kind != PredefinedKind::Identity => Fallback::Predefined(*p),
            Codes::Embedded(_, Some(p)) if p.kind != PredefinedKind::Identity => {
                Fallback::Predefined(*p)
            }
            _ => Fallback::None,
        };
        let vertical = match &codes {
            Codes::Predefined(p) | Codes::Embedded(_, Some(p)) => p.vertical,
            _ => false,
        };
        let widths = match descendant {
            Some(cid_font) => cid_widths(doc, cid_font),
            None => Widths::Cid {
                ranges: Vec::new(),
                default: 1000.0,
            },
        };
        Font {
            name,
            codes,
            to_unicode,
            fallback,
            widths,
            vertical,
            scale: 0.001,
            why_undecodable: why,
        }
    }

    fn load_simple(
        doc: &Document,
        dict: &Dictionary,
        name: String,
        to_unicode: Option<CMap>,
        type3: bool,
        inflater: &mut Inflater,
    ) -> Font {
        let descriptor = get_dict(doc, dict, b"FontDescriptor");
        let missing = descriptor
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|o| number(doc, o))
            .unwrap_or(0.0);
        let scale = if type3 {
            array(doc, dict, b"FontMatrix")
                .and_then(|m| m.first())
                .and_then(|o| number(doc, o))
                .map(f32::abs)
                .filter(|s| *s > 0.0 && *s < 10.0)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let widths = match array(doc, dict, b"Widths") {
            Some(list) => Widths::Simple {
                first: get(doc, dict, b"FirstChar")
                    .and_then(|o| number(doc, o))
                    .map_or(0, |n| n.clamp(0.0, 255.0) as u32),
                widths: list
                    .iter()
                    .take(256)
                    .map(|o| number(doc, o).unwrap_or(missing))
                    .collect(),
                missing,
            },
            None => standard_widths(base_name(&name)),
        };

        // The encoding: a name, or a dictionary of /BaseEncoding and /Differences.
        let encoding = get(doc, dict, b"Encoding");
        let symbolic = descriptor
            .and_then(|d| d.get(b"Flags").ok())
            .and_then(|o| number(doc, o))
            .is_some_and(|f| (f as i64) & 4 != 0);
        let truetype = name_of_subtype(doc, dict) == Some(b"TrueType");
        let base_of = |n: &[u8]| -> Option<&'static [char; 256]> {
            match n {
                b"WinAnsiEncoding" => Some(&encodings::WIN_ANSI),
                b"MacRomanEncoding" => Some(&encodings::MAC_ROMAN),
                b"StandardEncoding" => Some(&encodings::STANDARD),
                _ => None,
            }
        };
        let (base, differences) = match encoding {
            Some(Object::Name(n)) => (base_of(n), None),
            Some(Object::Dictionary(d)) => (
                name_entry(doc, d, b"BaseEncoding").and_then(base_of),
                array(doc, d, b"Differences"),
            ),
            _ => (None, None),
        };
        let has_encoding = encoding.is_some();
        let mut table: Box<[Option<Box<str>>; 256]> = Box::new(std::array::from_fn(|_| None));
        let mut fill = |chars: &[char; 256]| {
            for (code, c) in chars.iter().enumerate() {
                if *c != '\0' {
                    table[code] = Some(c.to_string().into_boxed_str());
                }
            }
        };
        // Without a /BaseEncoding, an embedded Type 1 font's own encoding is the base
        // (TeX's math fonts put the period at 58); failing that, the standard ones.
        let builtin = if base.is_none() && !type3 {
            descriptor.and_then(|d| builtin_encoding(doc, d, inflater))
        } else {
            None
        };
        match (base, builtin) {
            (Some(base), _) => fill(base),
            (None, Some(names)) => {
                for (code, name) in names.into_iter().enumerate() {
                    if let Some(name) = name {
                        let mut text = String::new();
                        if glyph_text(&name, &mut text) {
                            table[code] = Some(text.into_boxed_str());
                        }
                    }
                }
            }
            // With a ToUnicode map and no /Encoding, the font's own encoding is in force
            // and unknown: codes the map leaves out stay undecodable.
            (None, None) if to_unicode.is_some() && !has_encoding => {}
            (None, None) if type3 => {}
            (None, None) if truetype && !symbolic => fill(&encodings::WIN_ANSI),
            (None, None) => fill(&encodings::STANDARD),
        }
        if let Some(differences) = differences {
            let mut code: usize = 0;
            for item in differences {
                match resolve(doc, item) {
                    Some(Object::Integer(i)) => code = (*i).clamp(0, 255) as usize,
                    Some(Object::Name(glyph)) => {
                        if code < 256 {
                            let mut text = String::new();
                            table[code] = glyph_text(&String::from_utf8_lossy(glyph), &mut text)
                                .then(|| text.into_boxed_str());
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
        Font {
            name,
            codes: Codes::OneByte,
            to_unicode,
            fallback: Fallback::Simple(table),
            widths,
            vertical: false,
            scale,
            why_undecodable: "一部の符号に文字を与えない符号化の単純フォント",
        }
    }

    /// Reads the code at the start of `bytes` (not empty), appending its text to `out`.
    pub fn glyph(&self, bytes: &[u8], out: &mut String) -> Glyph {
        let len = match &self.codes {
            Codes::OneByte => 1,
            Codes::Predefined(p) => p.code_len(bytes),
            Codes::Embedded(cmap, base) => {
                if !cmap.codespace.is_empty() {
                    cmap.codespace.code_len(bytes)
                } else if let Some(p) = base {
                    p.code_len(bytes)
                } else {
                    Codespace::fixed(2).code_len(bytes)
                }
            }
        };
        let len = len.clamp(1, bytes.len());
        let code_bytes = &bytes[..len];
        let code = code_value(code_bytes);
        let decoded = self
            .to_unicode
            .as_ref()
            .is_some_and(|m| m.unicode(code, out))
            || match &self.fallback {
                Fallback::Simple(table) => match table.get(code as usize) {
                    Some(Some(text)) => {
                        out.push_str(text);
                        true
                    }
                    _ => false,
                },
                Fallback::Predefined(p) => p.unicode(code_bytes, out),
                Fallback::None => false,
            };
        let width = match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(*missing),
            Widths::Cid { ranges, default } => {
                let cid = match &self.codes {
                    Codes::OneByte => Some(code),
                    Codes::Predefined(p) => p.cid(code_bytes),
                    Codes::Embedded(cmap, base) => cmap
                        .cid(code)
                        .or_else(|| base.and_then(|p| p.cid(code_bytes))),
                };
                let listed = cid.and_then(|cid| {
                    let end = ranges.partition_point(|r| r.0 <= cid);
                    ranges[..end]
                        .iter()
                        .rev()
                        .take(4)
                        .find(|r| cid <= r.1)
                        .map(|r| r.2)
                });
                match (listed, &self.codes) {
                    (Some(w), _) => w,
                    (None, Codes::Predefined(p)) if p.is_halfwidth(code_bytes) => 500.0,
                    _ => *default,
                }
            }
        };
        Glyph {
            len,
            advance: if self.vertical {
                1.0
            } else {
                width * self.scale
            },
            word_space: len == 1 && code == 32,
            decoded,
        }
    }
}

fn name_of_subtype<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<&'a [u8]> {
    name_entry(doc, dict, b"Subtype")
}

/// Most bytes of a Type 1 font program read for its encoding (the clear-text part).
const MAX_FONT_HEADER: usize = 256 * 1024;

/// The built-in encoding of an embedded Type 1 font: the `dup <code> /<name> put`
/// entries of its clear-text part (before `eexec`).
fn builtin_encoding(
    doc: &Document,
    descriptor: &Dictionary,
    inflater: &mut Inflater,
) -> Option<Vec<Option<String>>> {
    let Some(Object::Stream(program)) = get(doc, descriptor, b"FontFile") else {
        return None;
    };
    let clear_len = program
        .dict
        .get(b"Length1")
        .ok()
        .and_then(|o| number(doc, o))
        .map_or(MAX_FONT_HEADER, |n| n.max(0.0) as usize)
        .min(MAX_FONT_HEADER);
    // Only the clear text is inflated: the encrypted glyphs after it are most of it.
    let data = match inflater.prefix(program, clear_len) {
        Some(data) => data,
        None => program
            .get_plain_content_with_limit(
                MAX_FONT_HEADER.max(program.content.len() * 4).min(64 << 20),
            )
            .ok()?,
    };
    let clear = &data[..clear_len.min(data.len())];
    let mut names: Vec<Option<String>> = vec![None; 256];
    let mut found = false;
    let mut lexer = Lexer::new(clear);
    let mut operands = Operands::default();
    while let Some(op) = lexer.next_operation(&mut operands) {
        match op {
            b"eexec" => break,
            b"put" => {
                if let [.., Operand::Number(code), Operand::Name(name)] = *operands
                    && (0.0..256.0).contains(&code)
                {
                    let name = operands.bytes(name);
                    names[code as usize] = Some(String::from_utf8_lossy(name).into_owned());
                    found = true;
                }
            }
            _ => {}
        }
    }
    found.then_some(names)
}

/// /W and /DW of a CIDFont.
fn cid_widths(doc: &Document, cid_font: &Dictionary) -> Widths {
    let default = get(doc, cid_font, b"DW")
        .and_then(|o| number(doc, o))
        .unwrap_or(1000.0);
    let mut ranges = Vec::new();
    if let Some(w) = array(doc, cid_font, b"W") {
        let mut i = 0;
        while i < w.len() && ranges.len() < 1 << 20 {
            let Some(first) = number(doc, &w[i]) else {
                i += 1;
                continue;
            };
            let first = first.max(0.0) as u32;
            match w.get(i + 1).and_then(|o| resolve(doc, o)) {
                Some(Object::Array(list)) => {
                    for (k, width) in list.iter().enumerate() {
                        if let Some(width) = number(doc, width) {
                            let cid = first.saturating_add(k as u32);
                            ranges.push((cid, cid, width));
                        }
                    }
                    i += 2;
                }
                Some(last) => {
                    let last = number(doc, last).map_or(first, |l| l.max(0.0) as u32);
                    if let Some(width) = w.get(i + 2).and_then(|o| number(doc, o))
                        && last >= first
                    {
                        ranges.push((first, last, width));
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }
    ranges.sort_by_key(|r| r.0);
    Widths::Cid { ranges, default }
}

/// Widths for a simple font that lists none: the standard 14 fonts' metrics for ASCII.
fn standard_widths(name: &str) -> Widths {
    let lower = name.to_ascii_lowercase();
    let table: Option<&[u16; 95]> = if lower.contains("courier") {
        None
    } else if lower.contains("times") {
        Some(if lower.contains("bold") {
            &encodings::TIMES_BOLD
        } else {
            &encodings::TIMES_ROMAN
        })
    } else if lower.contains("bold") {
        Some(&encodings::HELVETICA_BOLD)
    } else {
        Some(&encodings::HELVETICA)
    };
    match table {
        Some(table) => Widths::Simple {
            first: 32,
            widths: table.iter().map(|w| f32::from(*w)).collect(),
            missing: 500.0,
        },
        None => Widths::Simple {
            first: 0,
            widths: Vec::new(),
            missing: 600.0,
        },
    }
}
