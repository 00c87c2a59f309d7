//! Walking a page's content streams: where every piece of text is drawn, and the
//! straight lines and rectangles that may be a table's ruling.
//!
//! The walker tracks the graphics state (q/Q, cm), the text state (BT/ET, Tf, Td,
//! TD, Tm, T*, TL, Tc, Tw, Tz, Ts) and the text matrix through Tj, TJ, ' and ", with
//! each code's advance from the font's widths, so every glyph gets its position in
//! page space. Form XObjects are followed with their /Matrix. Text is collected as
//! runs: glyphs that follow each other on one baseline with no gap, cut at spaces.

use super::fonts::{self, Font, get, get_dict, number};
use super::inflate::Inflater;
use super::lexer::{Lexer, Operand, Operands};
use crate::ingest::{Deadline, ErrorKind, IngestError, TextBudget, Ticker};
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use std::collections::HashMap;
use std::rc::Rc;

/// An affine matrix [a b c d e f]: (x, y) → (a·x + c·y + e, b·x + d·y + f).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix([f32; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `other` (`self × other` in the PDF's row-vector convention).
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn is_finite(&self) -> bool {
        self.0.iter().all(|v| v.is_finite())
    }
}

/// Text drawn on one baseline without a gap, in page space (y up).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x0: f32,
    pub x1: f32,
    /// The baseline.
    pub y: f32,
    /// The font size in page space.
    pub size: f32,
    pub text: String,
    /// The width of the run's first unit a line breaker keeps whole: a word of
    /// Latin text, or one ideographic character with the punctuation that may not
    /// start a line after it.
    pub first_unit: f32,
    /// The width of the first glyph.
    pub first_glyph: f32,
    /// A space was drawn right before / after the run on its line.
    pub space_before: bool,
    pub space_after: bool,
    /// The right edge of the clip the run was drawn in, if any.
    pub clip_right: Option<f32>,
}

/// A closing bracket or stop that the next glyph of its run follows: such a glyph may
/// end a full line past the edge of its cell, over the rule, and the next cell's text
/// then joins the run (Chromium hangs 「代表者（代表者氏名）」's 「）」 over the rule and
/// sets 「宮崎」 from under it, or sets 「…電子メール等）」 a point past the rule and
/// 「TEL：…」 right after). Whether a rule lies between is the page layout's to tell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hang {
    /// The run (its index in the page's runs), and the byte of its text where the next
    /// glyph starts.
    pub run: usize,
    pub at: usize,
    /// Where the hanging glyph starts, and the next glyph, and how wide that one is.
    pub hung_x0: f32,
    pub next_x0: f32,
    pub next_width: f32,
}

/// A straight axis-aligned line drawn on the page (a stroke, or the edge of a fill).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    /// y of a horizontal rule, x of a vertical one.
    pub at: f32,
    pub from: f32,
    pub to: f32,
}

/// A space glyph drawn on the page (writers may draw spaces apart from the text
/// around them, and in any order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Space {
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
}

/// What one page draws.
#[derive(Debug, Default)]
pub struct PageContent {
    pub runs: Vec<Run>,
    /// Where a run may hold two cells' text, in the order of the runs.
    pub hangs: Vec<Hang>,
    pub rules: Vec<Rule>,
    pub spaces: Vec<Space>,
    /// Glyphs shown (spaces excluded), and those whose text could not be decoded.
    pub glyphs: usize,
    pub undecodable: usize,
    /// The fonts that had undecodable glyphs, with why.
    pub undecodable_fonts: Vec<(String, &'static str)>,
    /// A content stream of the page is missing or does not decode.
    pub damaged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    /// A font dictionary written directly into a resource dictionary, by address.
    Direct(usize),
}

/// What is decoded once per document: fonts and Form XObject contents; and the
/// decompressor its streams share.
#[derive(Default)]
pub struct Cache {
    fonts: HashMap<FontKey, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    inflater: Inflater,
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// Tz / 100.
    scale: f32,
    leading: f32,
    rise: f32,
    /// The fill colour is white (fills of it are invisible on paper).
    white_fill: bool,
    /// The right edge of the clipping rectangles set so far (writers clip a cell's
    /// text to the cell when it would run into its neighbour).
    clip_right: Option<f32>,
    /// Their bottom and top: a table row split by a page break is drawn whole on both
    /// pages, each clipped to its part (LibreOffice), and what is clipped away is not
    /// on that page.
    clip_band: Option<(f32, f32)>,
}

impl GraphicsState {
    fn new(ctm: Matrix) -> Self {
        GraphicsState {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            white_fill: false,
            clip_right: None,
            clip_band: None,
        }
    }
}

/// A run being built.
struct OpenRun {
    run: Run,
    /// The first unit is still growing; `last` is its last character.
    unit_open: bool,
    last: char,
    /// Where the last glyph starts.
    last_x0: f32,
}

const MAX_STACK: usize = 256;
const MAX_FORM_DEPTH: usize = 16;
/// Font names whose font one content stream remembers (past them, each is looked up).
const NAMES_REMEMBERED: usize = 64;
const MAX_RULES: usize = 200_000;
/// Bytes a new run's text is given room for (about twenty characters of Japanese).
const RUN_TEXT: usize = 64;
/// Where a glyph's middle stands above its baseline, in ems (CJK glyphs sit from about
/// -0.12 to 0.88), and how far outside its clip (points) the middle may stand and the
/// glyph still count as drawn: a split row's lines are clipped whole, several points
/// apart, while a cell's own clip is never tighter than its text.
const CLIP_MIDDLE: f32 = 0.38;
const CLIP_SLACK: f32 = 1.0;

struct Walker<'a> {
    doc: &'a Document,
    cache: &'a mut Cache,
    out: PageContent,
    gs: GraphicsState,
    stack: Vec<GraphicsState>,
    /// `q` operators beyond MAX_STACK, whose `Q` must be ignored too.
    ignored_saves: usize,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<(f32, f32, f32, f32)>,
    /// Rectangles of the current path, for telling thin ones (drawn lines) apart.
    rects: Vec<[f32; 4]>,
    /// The current path is to clip (`W`, `W*` before it is ended).
    clipping: bool,
    current: (f32, f32),
    start: (f32, f32),
    open: Option<OpenRun>,
    /// Where the last space drawn ended: (baseline, x).
    last_space: Option<(f32, f32)>,
    /// Open marked-content sequences, innermost last: whether each carries an
    /// /ActualText (the text its glyphs stand for).
    marked: Vec<bool>,
    /// The /ActualText of the innermost sequence that has one, until its first glyph
    /// is shown; the sequence's other glyphs add no text.
    actual_text: Option<String>,
    forms: Vec<ObjectId>,
    /// Content bytes still allowed on this page (the page and every form it draws).
    budget: u64,
    limit: u64,
    page_area: f32,
    text: String,
    /// The document's text so far: a ToUnicode CMap may map one code to millions of
    /// characters.
    produced: &'a mut TextBudget,
    /// Checks the time limit as operators are interpreted.
    ticker: Ticker,
}

/// Walks one page. `budget` bounds the content interpreted (the page's streams and
/// every drawing of a form), `produced` the text.
pub fn walk_page(
    doc: &Document,
    page: ObjectId,
    cache: &mut Cache,
    budget: u64,
    produced: &mut TextBudget,
    deadline: Deadline,
) -> Result<PageContent, IngestError> {
    let too_large = || {
        IngestError::new(
            ErrorKind::TooLarge,
            format!("ページの内容が {budget} バイトを超えています（max_stream_bytes）"),
        )
    };
    let limit = usize::try_from(budget).unwrap_or(usize::MAX);
    // lopdf's `get_page_content` skips a content stream that is missing and keeps the
    // raw bytes of one that does not decode, saying nothing: the page is then damaged.
    let mut content = Vec::new();
    let mut damaged = false;
    for id in doc.get_page_contents(page) {
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            damaged = true;
            continue;
        };
        let remaining = limit.saturating_sub(content.len());
        if let Some(data) = cache.inflater.inflate(stream, remaining) {
            // Most pages have one stream: its data becomes the content, not a copy.
            if content.is_empty() {
                content = data;
            } else {
                content.extend_from_slice(&data);
            }
            content.push(b'\n');
            continue;
        }
        match stream.decompressed_content_with_limit(remaining) {
            Ok(data) => content.extend_from_slice(&data),
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => return Err(too_large()),
            Err(_) if stream.content.len() <= remaining => {
                damaged = true;
                content.extend_from_slice(&stream.content);
            }
            Err(_) => return Err(too_large()),
        }
        content.push(b'\n');
    }
    let page_dict = doc.get_dictionary(page).ok();
    let (ctm, area) = page_dict.map_or((Matrix::IDENTITY, 0.0), |p| page_space(doc, p));
    let mut walker = Walker {
        doc,
        cache,
        out: PageContent {
            damaged,
            ..PageContent::default()
        },
        gs: GraphicsState::new(ctm),
        stack: Vec::new(),
        ignored_saves: 0,
        tm: Matrix::IDENTITY,
        tlm: Matrix::IDENTITY,
        path: Vec::new(),
        rects: Vec::new(),
        clipping: false,
        current: (0.0, 0.0),
        start: (0.0, 0.0),
        open: None,
        last_space: None,
        marked: Vec::new(),
        actual_text: None,
        forms: Vec::new(),
        budget,
        limit: budget,
        page_area: area,
        text: String::new(),
        produced,
        ticker: Ticker::new(deadline),
    };
    walker.charge(content.len())?;
    let resources = page_resources(doc, page);
    walker.run(&content, &resources)?;
    walker.close_run();
    Ok(walker.out)
}

/// The matrix from default user space to an upright page (its /Rotate applied, the
/// crop box's corner at the origin), and the page's area.
fn page_space(doc: &Document, page: &Dictionary) -> (Matrix, f32) {
    // /MediaBox, /CropBox and /Rotate are inherited through the page tree.
    let mut node = Some(page);
    let mut media: Option<[f32; 4]> = None;
    let mut crop: Option<[f32; 4]> = None;
    let mut rotate: Option<i64> = None;
    for _ in 0..32 {
        let Some(dict) = node else { break };
        let rect = |key: &[u8]| -> Option<[f32; 4]> {
            let Some(Object::Array(a)) = get(doc, dict, key) else {
                return None;
            };
            let v: Vec<f32> = a.iter().filter_map(|o| number(doc, o)).collect();
            (v.len() == 4).then(|| {
                [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ]
            })
        };
        media = media.or_else(|| rect(b"MediaBox"));
        crop = crop.or_else(|| rect(b"CropBox"));
        if rotate.is_none()
            && let Some(Object::Integer(r)) = get(doc, dict, b"Rotate")
        {
            rotate = Some(*r);
        }
        node = get_dict(doc, dict, b"Parent");
    }
    let [x0, y0, x1, y1] = crop.or(media).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let (w, h) = (x1 - x0, y1 - y0);
    let shift = Matrix::translate(-x0, -y0);
    let turn = match rotate.unwrap_or(0).rem_euclid(360) {
        90 => Matrix([0.0, -1.0, 1.0, 0.0, 0.0, w]),
        180 => Matrix([-1.0, 0.0, 0.0, -1.0, w, h]),
        270 => Matrix([0.0, 1.0, -1.0, 0.0, h, 0.0]),
        _ => Matrix::IDENTITY,
    };
    (shift.then(&turn), (w * h).abs())
}

/// The page's resource dictionaries, nearest first: its own, then those inherited
/// through the page tree (a looping /Parent chain ends at the first repeat).
fn page_resources(doc: &Document, page: ObjectId) -> Vec<&Dictionary> {
    let mut found = Vec::new();
    let mut seen = vec![page];
    let mut node = doc.get_dictionary(page).ok();
    while let Some(dict) = node {
        if let Some(resources) = get_dict(doc, dict, b"Resources") {
            found.push(resources);
        }
        node = match dict.get(b"Parent") {
            Ok(Object::Reference(id)) if !seen.contains(id) && seen.len() < 64 => {
                seen.push(*id);
                doc.get_dictionary(*id).ok()
            }
            _ => None,
        };
    }
    found
}

/// East Asian wide characters (the writer spaces them from Latin text by itself).
pub(super) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115f | 0x2e80..=0x303e | 0x3041..=0x33ff | 0x3400..=0x4dbf
        | 0x4e00..=0x9fff | 0xa000..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f | 0xff00..=0xff60 | 0xffe0..=0xffe6 | 0x20000..=0x3fffd)
}

/// Characters a Japanese line may not start with (kinsoku): closing brackets and
/// punctuation, small kana, the prolonged sound mark.
fn is_no_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '］'
            | '｝'
            | 'ー'
            | '々'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | ','
            | '.'
            | ')'
            | ']'
            | '}'
            | '%'
            | '％'
            | ':'
            | ';'
            | '!'
            | '?'
    )
}

/// Characters a line may not end with: opening brackets.
fn is_no_end(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '【' | '〔' | '〈' | '《' | '［' | '｛' | '(' | '[' | '{' | '＜' | '<'
    )
}

/// Closing brackets and the ideographic comma and full stop.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '、' | '。' | '，' | '．' | '）' | '」' | '』' | '】' | '〕' | '〉' | '》' | '］' | '｝'
    )
}

/// Whether a line breaker may break between `a` and `b` (spaces aside): next to an
/// ideographic character, unless an opening bracket precedes or a character that may
/// not start a line follows; nor between closing punctuation and a Latin word, nor
/// between a Latin word and the bracket that opens after it (「LPWA（LoRaWAN）」 stays
/// whole in LibreOffice).
fn may_break(a: char, b: char) -> bool {
    let next_to_ideograph = is_wide(a) || is_wide(b);
    let closing_before_latin = is_closing(a) && !is_wide(b);
    let latin_before_opening = a.is_ascii_alphanumeric() && is_no_end(b);
    next_to_ideograph
        && !is_no_end(a)
        && !is_no_start(b)
        && !closing_before_latin
        && !latin_before_opening
}

/// The last `K` operands, if every one of them is a number.
fn numbers<const K: usize>(operands: &[Operand]) -> Option<[f32; K]> {
    let start = operands.len().checked_sub(K)?;
    let mut values = [0.0; K];
    for (value, operand) in values.iter_mut().zip(&operands[start..]) {
        *value = operand.number()?;
    }
    Some(values)
}

fn operand_matrix(operands: &[Operand]) -> Option<Matrix> {
    let m = Matrix(numbers::<6>(operands)?);
    m.is_finite().then_some(m)
}

impl Walker<'_> {
    fn charge(&mut self, bytes: usize) -> Result<(), IngestError> {
        match self.budget.checked_sub(bytes as u64) {
            Some(rest) => {
                self.budget = rest;
                Ok(())
            }
            None => Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "ページの内容（描くフォームを含む）が {} バイトを超えています（max_stream_bytes）",
                    self.limit
                ),
            )),
        }
    }

    fn run(&mut self, content: &[u8], resources: &[&Dictionary]) -> Result<(), IngestError> {
        let mut lexer = Lexer::new(content);
        let mut operands = Operands::default();
        // The fonts this content's names stand for: it switches fonts every few glyphs,
        // and each look-up goes through the resource dictionaries.
        let mut named: Vec<(Vec<u8>, Option<Rc<Font>>)> = Vec::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            self.ticker.tick()?;
            let n = |i: usize| -> Option<f32> {
                // Operands counted from the end: the last `count` belong to the operator.
                operands.get(i).and_then(Operand::number)
            };
            let last = |k: usize| -> Option<&[Operand]> {
                operands
                    .len()
                    .checked_sub(k)
                    .map(|start| &operands[start..])
            };
            match op {
                b"q" => {
                    if self.stack.len() < MAX_STACK {
                        self.stack.push(self.gs.clone());
                    } else {
                        self.ignored_saves += 1;
                    }
                }
                b"Q" => {
                    if self.ignored_saves > 0 {
                        self.ignored_saves -= 1;
                    } else if let Some(gs) = self.stack.pop() {
                        self.gs = gs;
                    }
                }
                b"cm" => {
                    if let Some(m) = operand_matrix(&operands) {
                        let ctm = m.then(&self.gs.ctm);
                        if ctm.is_finite() {
                            self.gs.ctm = ctm;
                        }
                    }
                }
                b"BT" => {
                    self.tm = Matrix::IDENTITY;
                    self.tlm = Matrix::IDENTITY;
                }
                b"ET" => {}
                b"Tf" => {
                    if let Some(size) = last(1).and_then(|o| o[0].number()) {
                        self.gs.size = size;
                    }
                    if let Some(&Operand::Name(name)) = last(2).map(|o| &o[0]) {
                        let name = operands.bytes(name);
                        self.gs.font = match named.iter().find(|(n, _)| n == name) {
                            Some((_, font)) => font.clone(),
                            None => {
                                let font = self.font(resources, name);
                                if named.len() < NAMES_REMEMBERED {
                                    named.push((name.to_vec(), font.clone()));
                                }
                                font
                            }
                        };
                    }
                }
                b"Tc" => {
                    if let Some(v) = numbers::<1>(&operands) {
                        self.gs.char_spacing = v[0];
                    }
                }
                b"Tw" => {
                    if let Some(v) = numbers::<1>(&operands) {
                        self.gs.word_spacing = v[0];
                    }
                }
                b"Tz" => {
                    if let Some(v) = numbers::<1>(&operands) {
                        self.gs.scale = v[0] / 100.0;
                    }
                }
                b"TL" => {
                    if let Some(v) = numbers::<1>(&operands) {
                        self.gs.leading = v[0];
                    }
                }
                b"Ts" => {
                    if let Some(v) = numbers::<1>(&operands) {
                        self.gs.rise = v[0];
                    }
                }
                b"Td" => {
                    if let Some(v) = numbers::<2>(&operands) {
                        self.move_line(v[0], v[1]);
                    }
                }
                b"TD" => {
                    if let Some(v) = numbers::<2>(&operands) {
                        self.gs.leading = -v[1];
                        self.move_line(v[0], v[1]);
                    }
                }
                b"Tm" => {
                    if let Some(m) = operand_matrix(&operands) {
                        self.tm = m;
                        self.tlm = m;
                    }
                }
                b"T*" => self.move_line(0.0, -self.gs.leading),
                b"Tj" => {
                    if let Some(&Operand::String(s)) = operands.last() {
                        self.show(operands.bytes(s))?;
                    }
                }
                b"'" => {
                    self.move_line(0.0, -self.gs.leading);
                    if let Some(&Operand::String(s)) = operands.last() {
                        self.show(operands.bytes(s))?;
                    }
                }
                b"\"" => {
                    if let (Some(aw), Some(ac)) = (
                        n(operands.len().wrapping_sub(3)),
                        n(operands.len().wrapping_sub(2)),
                    ) {
                        self.gs.word_spacing = aw;
                        self.gs.char_spacing = ac;
                    }
                    self.move_line(0.0, -self.gs.leading);
                    if let Some(&Operand::String(s)) = operands.last() {
                        self.show(operands.bytes(s))?;
                    }
                }
                b"TJ" => {
                    if let Some(&Operand::Array(items)) = operands.last() {
                        for item in operands.items(items) {
                            match *item {
                                Operand::String(s) => self.show(operands.bytes(s))?,
                                Operand::Number(adjust) if adjust.is_finite() => {
                                    let shift = -adjust / 1000.0 * self.gs.size;
                                    let vertical =
                                        self.gs.font.as_ref().is_some_and(|f| f.vertical);
                                    self.tm = if vertical {
                                        Matrix::translate(0.0, shift).then(&self.tm)
                                    } else {
                                        Matrix::translate(shift * self.gs.scale, 0.0).then(&self.tm)
                                    };
                                }
                                _ => {}
                            }
                        }
                    }
                }
                // Paths.
                b"m" => {
                    if let Some(v) = numbers::<2>(&operands) {
                        let p = self.gs.ctm.apply(v[0], v[1]);
                        self.current = p;
                        self.start = p;
                    }
                }
                b"l" => {
                    if let Some(v) = numbers::<2>(&operands) {
                        let p = self.gs.ctm.apply(v[0], v[1]);
                        self.segment(self.current, p);
                        self.current = p;
                    }
                }
                b"c" => {
                    if let Some(v) = numbers::<6>(&operands) {
                        self.current = self.gs.ctm.apply(v[4], v[5]);
                    }
                }
                b"v" | b"y" => {
                    if let Some(v) = numbers::<4>(&operands) {
                        self.current = self.gs.ctm.apply(v[2], v[3]);
                    }
                }
                b"h" => {
                    self.segment(self.current, self.start);
                    self.current = self.start;
                }
                b"re" => {
                    if let Some(v) = numbers::<4>(&operands) {
                        let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                        let corners = [
                            self.gs.ctm.apply(x, y),
                            self.gs.ctm.apply(x + w, y),
                            self.gs.ctm.apply(x + w, y + h),
                            self.gs.ctm.apply(x, y + h),
                        ];
                        let xs = corners.map(|c| c.0);
                        let ys = corners.map(|c| c.1);
                        let min = |a: [f32; 4]| a.iter().copied().fold(f32::INFINITY, f32::min);
                        let max = |a: [f32; 4]| a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                        let axis_aligned = (corners[0].1 - corners[1].1).abs() < 0.5
                            || (corners[0].0 - corners[1].0).abs() < 0.5;
                        if axis_aligned {
                            self.rects.push([min(xs), min(ys), max(xs), max(ys)]);
                        }
                        self.current = corners[0];
                        self.start = corners[0];
                    }
                }
                b"S" | b"s" => self.paint(false, op == b"s"),
                b"f" | b"F" | b"f*" => self.paint(true, false),
                b"B" | b"B*" => self.paint(false, false),
                b"b" | b"b*" => self.paint(false, true),
                b"W" | b"W*" => self.clipping = true,
                b"n" => {
                    if std::mem::take(&mut self.clipping) && self.rects.len() == 1 {
                        let [_, bottom, right, top] = self.rects[0];
                        self.gs.clip_right =
                            Some(self.gs.clip_right.map_or(right, |r| r.min(right)));
                        self.gs.clip_band = Some(
                            self.gs
                                .clip_band
                                .map_or((bottom, top), |(b, t)| (b.max(bottom), t.min(top))),
                        );
                    }
                    self.path.clear();
                    self.rects.clear();
                }
                // Fill colour, to leave out invisible white fills.
                b"g" => self.gs.white_fill = numbers::<1>(&operands).is_some_and(|v| v[0] >= 0.99),
                b"rg" => {
                    self.gs.white_fill =
                        numbers::<3>(&operands).is_some_and(|v| v.iter().all(|c| *c >= 0.99))
                }
                b"k" => {
                    self.gs.white_fill =
                        numbers::<4>(&operands).is_some_and(|v| v.iter().all(|c| *c <= 0.01))
                }
                b"sc" | b"scn" => {
                    let v: Vec<f32> = operands.iter().filter_map(Operand::number).collect();
                    self.gs.white_fill = match v.len() {
                        1 | 3 => v.iter().all(|c| *c >= 0.99),
                        4 => v.iter().all(|c| *c <= 0.01),
                        _ => false,
                    };
                }
                b"cs" => self.gs.white_fill = false,
                b"Do" => {
                    if let Some(&Operand::Name(name)) = operands.last() {
                        self.draw_form(resources, operands.bytes(name))?;
                    }
                }
                b"BMC" => self.begin_marked(None),
                b"BDC" => {
                    let actual = match operands.last() {
                        Some(&Operand::Dictionary(entries)) => operands
                            .entries(entries)
                            .iter()
                            .find(|(key, _)| operands.bytes(*key) == b"ActualText")
                            .and_then(|(_, value)| match *value {
                                Operand::String(bytes) => {
                                    lopdf::decode_text_string(&Object::String(
                                        operands.bytes(bytes).to_vec(),
                                        StringFormat::Literal,
                                    ))
                                    .ok()
                                }
                                _ => None,
                            }),
                        _ => None,
                    };
                    self.begin_marked(actual);
                }
                b"EMC" if self.marked.pop() == Some(true) => self.actual_text = None,
                _ => {}
            }
        }
        Ok(())
    }

    fn begin_marked(&mut self, actual: Option<String>) {
        if self.marked.len() >= MAX_STACK {
            return;
        }
        self.marked.push(actual.is_some());
        if actual.is_some() {
            self.actual_text = actual;
        }
    }

    /// Inside a sequence with an /ActualText.
    fn in_actual_text(&self) -> bool {
        self.marked.iter().any(|has| *has)
    }

    fn move_line(&mut self, tx: f32, ty: f32) {
        self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
        self.tm = self.tlm;
    }

    fn font(&mut self, resources: &[&Dictionary], name: &[u8]) -> Option<Rc<Font>> {
        let doc = self.doc;
        for res in resources {
            let Some(fonts) = get_dict(doc, res, b"Font") else {
                continue;
            };
            let Ok(entry) = fonts.get(name) else {
                continue;
            };
            let (key, dict) = match entry {
                Object::Reference(id) => match fonts::resolve(doc, entry) {
                    Some(Object::Dictionary(d)) => (FontKey::Object(*id), d),
                    _ => continue,
                },
                Object::Dictionary(d) => (FontKey::Direct(d as *const Dictionary as usize), d),
                _ => continue,
            };
            let font = self
                .cache
                .fonts
                .entry(key)
                .or_insert_with(|| Rc::new(Font::load(doc, dict, &mut self.cache.inflater)));
            return Some(Rc::clone(font));
        }
        None
    }

    fn show(&mut self, bytes: &[u8]) -> Result<(), IngestError> {
        let Some(font) = self.gs.font.clone() else {
            return Ok(());
        };
        let size = self.gs.size;
        // From glyph to glyph only the text matrix's translation moves: the glyphs'
        // size and direction on the page are the string's.
        let linear = self.tm.then(&self.gs.ctm);
        let page_size = (linear.0[2].hypot(linear.0[3]) * size).abs();
        let horizontal = !font.vertical
            && linear.0[0] > 0.0
            && linear.0[1].abs() <= 0.05 * linear.0[0]
            && linear.0[2].abs() <= 0.05 * linear.0[3].abs();
        let mut i = 0;
        while i < bytes.len() {
            self.text.clear();
            let mut glyph = font.glyph(&bytes[i..], &mut self.text);
            i += glyph.len;
            // Within an /ActualText the writer says what the glyphs mean: its text
            // goes with the first glyph, the others only advance.
            let replaced = self.in_actual_text();
            if replaced {
                self.text.clear();
                self.text.extend(self.actual_text.take());
                glyph.decoded = true;
            }
            self.produced.charge(self.text.len() as u64, 1)?;
            let trm = self.tm.then(&self.gs.ctm);
            let (x, y_base) = trm.apply(0.0, 0.0);
            if !(x.is_finite() && y_base.is_finite()) {
                // Drawn at no real place (a degenerate or overflowing matrix).
                self.close_run();
                continue;
            }
            // A line clipped away (its middle outside the clip) is not on this page.
            let middle = y_base + CLIP_MIDDLE * page_size;
            let clipped = horizontal
                && self.gs.clip_band.is_some_and(|(bottom, top)| {
                    middle < bottom - CLIP_SLACK || middle > top + CLIP_SLACK
                });
            let spacing = self.gs.char_spacing
                + if glyph.word_space {
                    self.gs.word_spacing
                } else {
                    0.0
                };
            let (tx, ty) = if font.vertical {
                (0.0, -(glyph.advance * size) + spacing)
            } else {
                ((glyph.advance * size + spacing) * self.gs.scale, 0.0)
            };
            let (x_end, _) = trm.apply(tx, ty);
            self.tm = Matrix::translate(tx, ty).then(&self.tm);
            if clipped {
                self.close_run();
                continue;
            }

            // Spaces separate runs; an ideographic space (U+3000) is text.
            let blank = glyph.decoded
                && self
                    .text
                    .chars()
                    .all(|c| c.is_whitespace() && c != '\u{3000}');
            if replaced && self.text.is_empty() {
                if let Some(open) = self.open.as_mut() {
                    open.run.x1 = open.run.x1.max(x_end);
                }
                continue;
            }
            if blank {
                if self.out.spaces.len() < MAX_RULES {
                    self.out.spaces.push(Space {
                        x0: x.min(x_end),
                        x1: x.max(x_end),
                        y: y_base,
                    });
                }
                if let Some(open) = self.open.as_mut()
                    && (open.run.y - y_base).abs() <= 0.05 * page_size.max(1.0)
                {
                    open.run.space_after = true;
                }
                self.close_run();
                self.last_space = Some((y_base, x_end));
                continue;
            }
            let space_before = self.last_space.take().is_some_and(|(y, end)| {
                (y - y_base).abs() <= 0.05 * page_size.max(1.0)
                    && (x - end).abs() <= 0.5 * page_size.max(1.0)
            });
            self.out.glyphs += 1;
            if !glyph.decoded {
                self.out.undecodable += 1;
                if !self
                    .out
                    .undecodable_fonts
                    .iter()
                    .any(|(n, _)| *n == font.name)
                {
                    self.out
                        .undecodable_fonts
                        .push((font.name.clone(), font.why_undecodable));
                }
                self.text.push('\u{fffd}');
            }
            if self.text.is_empty() {
                continue;
            }
            // An ideographic space takes a full em in the writer's layout, whatever
            // glyph a fallback font draws for it: a line ending in one reaches that far.
            let width = if horizontal && self.text == "\u{3000}" {
                (x_end - x).max(page_size)
            } else {
                (x_end - x).max(0.0)
            };
            let first = self.text.chars().next().unwrap_or(' ');
            let last = self.text.chars().last().unwrap_or(' ');
            let joins = horizontal
                && self.open.as_ref().is_some_and(|o| {
                    o.run.clip_right == self.gs.clip_right
                        && (o.run.y - y_base).abs() <= 0.05 * page_size.max(1.0)
                        && (o.run.size - page_size).abs() <= 0.2 * page_size.max(1.0)
                        && x >= o.run.x1 - 0.5 * page_size
                        && x <= o.run.x1 + 0.1 * page_size
                });
            if joins && let Some(open) = self.open.as_mut() {
                if is_closing(open.last) {
                    self.out.hangs.push(Hang {
                        run: self.out.runs.len(),
                        at: open.run.text.len(),
                        hung_x0: open.last_x0,
                        next_x0: x,
                        next_width: width,
                    });
                }
                open.last_x0 = x;
                open.run.text.push_str(&self.text);
                open.run.x1 = open.run.x1.max(x + width);
                if open.unit_open {
                    if may_break(open.last, first) {
                        open.unit_open = false;
                    } else {
                        open.run.first_unit = x + width - open.run.x0;
                    }
                }
                open.last = last;
                continue;
            }
            self.close_run();
            self.open = Some(OpenRun {
                run: Run {
                    x0: x,
                    x1: x + width,
                    y: y_base,
                    size: page_size,
                    text: {
                        // Room for a line's worth: the run grows glyph by glyph.
                        let mut text = String::with_capacity(self.text.len().max(RUN_TEXT));
                        text.push_str(&self.text);
                        text
                    },
                    first_unit: width,
                    first_glyph: width,
                    space_before,
                    space_after: false,
                    clip_right: self.gs.clip_right,
                },
                unit_open: horizontal,
                last,
                last_x0: x,
            });
            if !horizontal {
                self.close_run();
            }
        }
        Ok(())
    }

    fn close_run(&mut self) {
        if let Some(open) = self.open.take() {
            self.out.runs.push(open.run);
        }
    }

    fn segment(&mut self, a: (f32, f32), b: (f32, f32)) {
        if self.path.len() < MAX_RULES {
            self.path.push((a.0, a.1, b.0, b.1));
        }
    }

    fn paint(&mut self, fill: bool, close: bool) {
        if close {
            self.segment(self.current, self.start);
        }
        // The buffers go back emptied: a page paints a path for nearly every rule.
        let mut path = std::mem::take(&mut self.path);
        let mut rects = std::mem::take(&mut self.rects);
        let invisible = fill && self.gs.white_fill;
        if !invisible && self.out.rules.len() < MAX_RULES {
            self.add_rules(&path, &rects, fill);
        }
        path.clear();
        rects.clear();
        self.path = path;
        self.rects = rects;
    }

    /// The rules a painted path draws: its segments, and its rectangles' edges (a thin
    /// rectangle is one line).
    fn add_rules(&mut self, path: &[(f32, f32, f32, f32)], rects: &[[f32; 4]], fill: bool) {
        for &(x0, y0, x1, y1) in path {
            self.add_rule(x0, y0, x1, y1);
        }
        for &[x0, y0, x1, y1] in rects {
            let (w, h) = (x1 - x0, y1 - y0);
            // A fill covering most of the page is a background, not ruling.
            if fill && w * h > 0.5 * self.page_area && self.page_area > 0.0 {
                continue;
            }
            if h <= 2.5 && w > h {
                let y = (y0 + y1) / 2.0;
                self.add_rule(x0, y, x1, y);
            } else if w <= 2.5 {
                let x = (x0 + x1) / 2.0;
                self.add_rule(x, y0, x, y1);
            } else {
                self.add_rule(x0, y0, x1, y0);
                self.add_rule(x0, y1, x1, y1);
                self.add_rule(x0, y0, x0, y1);
                self.add_rule(x1, y0, x1, y1);
            }
        }
    }

    fn add_rule(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        if self.out.rules.len() >= MAX_RULES || ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            return;
        }
        let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
        if dy <= 0.5 && dx >= 1.0 {
            self.out.rules.push(Rule {
                horizontal: true,
                at: (y0 + y1) / 2.0,
                from: x0.min(x1),
                to: x0.max(x1),
            });
        } else if dx <= 0.5 && dy >= 1.0 {
            self.out.rules.push(Rule {
                horizontal: false,
                at: (x0 + x1) / 2.0,
                from: y0.min(y1),
                to: y0.max(y1),
            });
        }
    }

    fn draw_form(&mut self, resources: &[&Dictionary], name: &[u8]) -> Result<(), IngestError> {
        let doc = self.doc;
        let mut found: Option<ObjectId> = None;
        for res in resources {
            if let Some(xobjects) = get_dict(doc, res, b"XObject")
                && let Ok(Object::Reference(id)) = xobjects.get(name)
            {
                found = Some(*id);
                break;
            }
        }
        let Some(id) = found else { return Ok(()) };
        if self.forms.contains(&id) || self.forms.len() >= MAX_FORM_DEPTH {
            return Ok(());
        }
        let Ok(Object::Stream(stream)) = doc.get_object(id) else {
            return Ok(());
        };
        if !matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Form") {
            return Ok(());
        }
        let content = match self.cache.forms.get(&id) {
            Some(content) => Rc::clone(content),
            None => {
                let limit = usize::try_from(self.budget).unwrap_or(usize::MAX);
                let data = match self.cache.inflater.plain_content(stream, limit) {
                    Ok(data) => data,
                    Err(lopdf::Error::Decompress(
                        lopdf::DecompressError::MemoryLimitExceeded { .. },
                    )) => {
                        return self.charge(usize::MAX);
                    }
                    Err(_) => Vec::new(),
                };
                let data = Rc::new(data);
                self.cache.forms.insert(id, Rc::clone(&data));
                data
            }
        };
        self.charge(content.len())?;
        let matrix = match stream.dict.get(b"Matrix") {
            Ok(Object::Array(a)) if a.len() == 6 => {
                let v: Vec<f32> = a.iter().filter_map(|o| number(doc, o)).collect();
                v.try_into().ok().map(Matrix).filter(Matrix::is_finite)
            }
            _ => None,
        }
        .unwrap_or(Matrix::IDENTITY);
        let form_resources: Vec<&Dictionary> = match get_dict(doc, &stream.dict, b"Resources") {
            Some(own) => std::iter::once(own)
                .chain(resources.iter().copied())
                .collect(),
            None => resources.to_vec(),
        };
        self.close_run();
        let saved = (self.gs.clone(), self.tm, self.tlm, self.stack.len());
        self.gs.ctm = matrix.then(&self.gs.ctm);
        self.forms.push(id);
        let result = self.run(&content, &form_resources);
        self.forms.pop();
        self.close_run();
        self.stack.truncate(saved.3);
        (self.gs, self.tm, self.tlm) = (saved.0, saved.1, saved.2);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_as_a_japanese_line_breaker_allows_them() {
        assert!(may_break('日', '本'));
        assert!(may_break('S', 'に'), "between Latin and Japanese");
        assert!(!may_break('（', '日'), "after an opening bracket");
        assert!(!may_break('日', '）'), "before a closing one");
        assert!(
            !may_break('、', 'L'),
            "closing punctuation before a Latin word"
        );
        assert!(!may_break('A', '（'), "a Latin word before its bracket");
        assert!(!may_break('a', 'b'), "inside a Latin word");
    }
}
