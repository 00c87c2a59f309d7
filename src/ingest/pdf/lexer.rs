//! A forgiving tokenizer for content streams and CMaps.
//!
//! It yields operators with their operands and never fails: bytes it cannot make sense
//! of are skipped, so one damaged operator does not lose the rest of a page. Inline
//! images (`BI … ID … EI`) are stepped over. Nesting of arrays and dictionaries is
//! bounded.
//!
//! An operator's operands are small copyable values; their bytes (names, strings), the
//! items of their arrays and the entries of their dictionaries are kept in buffers of
//! [`Operands`] that are reused from one operator to the next: a page has tens of
//! thousands of operands, and an owned value each cost an allocation and a free for
//! every text run's array and long string, and a copy for every number.

use std::ops::Range;

/// Where an operand's bytes, items or entries are in its [`Operands`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of(range: Range<usize>) -> Span {
        // The lexer's input is a content stream or a CMap, bounded well below 4 GiB by
        // the reader's limits; a longer one is cut rather than wrapped.
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(range.start),
            end: clamp(range.end),
        }
    }

    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One operand of an operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    Number(f32),
    /// A name's bytes ([`Operands::bytes`]).
    Name(Span),
    /// A literal or hexadecimal string, as bytes ([`Operands::bytes`]).
    String(Span),
    /// [`Operands::items`].
    Array(Span),
    /// A dictionary (a marked-content property list): its entries, keyed by name
    /// ([`Operands::entries`]).
    Dictionary(Span),
    Bool(bool),
    Null,
}

impl Operand {
    pub fn number(&self) -> Option<f32> {
        match self {
            Operand::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }
}

/// The operands of one operator, in order (through `Deref`), and what they point into.
#[derive(Debug, Default)]
pub struct Operands {
    list: Vec<Operand>,
    bytes: Vec<u8>,
    items: Vec<Operand>,
    entries: Vec<(Span, Operand)>,
    /// Items and entries of the arrays and dictionaries still open, innermost last:
    /// an array's items are moved to `items` together when it closes, so a nested
    /// array's do not interleave with them.
    open_items: Vec<Operand>,
    open_entries: Vec<(Span, Operand)>,
}

impl Operands {
    pub fn bytes(&self, span: Span) -> &[u8] {
        self.bytes.get(span.range()).unwrap_or_default()
    }

    pub fn items(&self, span: Span) -> &[Operand] {
        self.items.get(span.range()).unwrap_or_default()
    }

    pub fn entries(&self, span: Span) -> &[(Span, Operand)] {
        self.entries.get(span.range()).unwrap_or_default()
    }

    fn clear(&mut self) {
        self.list.clear();
        self.bytes.clear();
        self.items.clear();
        self.entries.clear();
        self.open_items.clear();
        self.open_entries.clear();
    }
}

impl std::ops::Deref for Operands {
    type Target = [Operand];

    fn deref(&self) -> &[Operand] {
        &self.list
    }
}

const MAX_DEPTH: usize = 32;
/// Entries kept of one dictionary in a content stream.
const MAX_ENTRIES: usize = 64;

pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    max_operands: usize,
}

pub(super) fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

pub(super) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

pub(super) fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// What the lexer found next.
enum Token<'a> {
    Operand(Operand),
    Keyword(&'a [u8]),
    ArrayEnd,
    DictEnd,
    /// A byte that starts nothing; skipped.
    Junk,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self::with_operand_limit(data, 1 << 16)
    }

    /// A lexer that keeps at most `max_operands` operands of one operator (more are
    /// dropped: no operator read here needs that many, except in a CMap).
    pub fn with_operand_limit(data: &'a [u8], max_operands: usize) -> Self {
        Lexer {
            data,
            pos: 0,
            max_operands,
        }
    }

    /// The next operator and its operands (left in `operands`, cleared first). `None` at
    /// the end of the data.
    pub fn next_operation(&mut self, operands: &mut Operands) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            self.skip_white();
            if self.at_number()? {
                if let Some(n) = self.number()
                    && operands.list.len() < self.max_operands
                {
                    operands.list.push(Operand::Number(n));
                }
                continue;
            }
            match self.token(0, operands)? {
                Token::Operand(operand) => {
                    // A stream with millions of operands and no operator is hostile.
                    if operands.list.len() < self.max_operands {
                        operands.list.push(operand);
                    }
                }
                Token::Keyword(b"BI") => {
                    self.skip_inline_image(operands);
                    operands.clear();
                }
                Token::Keyword(keyword) => return Some(keyword),
                Token::ArrayEnd | Token::DictEnd | Token::Junk => {}
            }
        }
    }

    /// Whether a number starts here (`None` at the end). Numbers are most operands:
    /// the loops read them straight into their lists, since a number handed back
    /// inside a token is copied through memory in a way that stalls the processor.
    fn at_number(&self) -> Option<bool> {
        let &b = self.data.get(self.pos)?;
        Some(matches!(b, b'+' | b'-' | b'.' | b'0'..=b'9'))
    }

    fn skip_white(&mut self) {
        while let Some(&b) = self.data.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token; the bytes, items and entries of an operand go to `out`.
    fn token(&mut self, depth: usize, out: &mut Operands) -> Option<Token<'a>> {
        self.skip_white();
        let &b = self.data.get(self.pos)?;
        Some(match b {
            b'/' => {
                self.pos += 1;
                Token::Operand(Operand::Name(self.name(&mut out.bytes)))
            }
            b'(' => {
                self.pos += 1;
                Token::Operand(Operand::String(self.literal_string(&mut out.bytes)))
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::Operand(Operand::Dictionary(self.dictionary(depth, out)))
            }
            b'<' => {
                self.pos += 1;
                Token::Operand(Operand::String(self.hex_string(&mut out.bytes)))
            }
            b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictEnd
            }
            b'[' => {
                self.pos += 1;
                Token::Operand(Operand::Array(self.array(depth, out)))
            }
            b']' => {
                self.pos += 1;
                Token::ArrayEnd
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => match self.number() {
                Some(n) => Token::Operand(Operand::Number(n)),
                None => Token::Junk,
            },
            _ if is_regular(b) => {
                let start = self.pos;
                while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
                    self.pos += 1;
                }
                match &self.data[start..self.pos] {
                    b"true" => Token::Operand(Operand::Bool(true)),
                    b"false" => Token::Operand(Operand::Bool(false)),
                    b"null" => Token::Operand(Operand::Null),
                    keyword => Token::Keyword(keyword),
                }
            }
            _ => {
                self.pos += 1;
                Token::Junk
            }
        })
    }

    fn name(&mut self, bytes: &mut Vec<u8>) -> Span {
        let start = bytes.len();
        while let Some(&b) = self.data.get(self.pos) {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if b == b'#'
                && let (Some(h), Some(l)) = (
                    self.data.get(self.pos).copied().and_then(hex_value),
                    self.data.get(self.pos + 1).copied().and_then(hex_value),
                )
            {
                bytes.push(h << 4 | l);
                self.pos += 2;
            } else {
                bytes.push(b);
            }
        }
        Span::of(start..bytes.len())
    }

    fn number(&mut self) -> Option<f32> {
        const INVERSE_POWERS: [f64; 8] = [1.0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7];
        let data = &self.data[self.pos..];
        // Lenient: "--5" or "1.2.3" happen; keep the sign and the first number in it
        // (the digits after the signs, up to a second dot or a sign), and step over
        // the rest of the run of signs, digits and dots. One pass: numbers are most of
        // a content stream. Up to seven digits (most coordinates and sizes) are read
        // without the general parser, and without a division: their quotient by the
        // power of ten is at least 2^-48 (relatively) away from any midpoint of two
        // f32s unless it is an f32, and a product by the inverse power in f64 is within
        // 2^-52 of it, so it rounds to the nearest f32 as the quotient would.
        let negative = data.first() == Some(&b'-');
        let start = data.iter().take_while(|c| matches!(c, b'+' | b'-')).count();
        let mut end = start;
        let (mut mantissa, mut count, mut scale, mut seen_dot) = (0u32, 0usize, 0usize, false);
        while let Some(&c) = data.get(end) {
            match c {
                b'0'..=b'9' => {
                    count += 1;
                    if count <= 7 {
                        mantissa = mantissa * 10 + u32::from(c - b'0');
                        scale += usize::from(seen_dot);
                    }
                }
                b'.' if !seen_dot => seen_dot = true,
                _ => break,
            }
            end += 1;
        }
        let mut run = end;
        while data
            .get(run)
            .is_some_and(|c| matches!(c, b'+' | b'-' | b'.' | b'0'..=b'9'))
        {
            run += 1;
        }
        self.pos += run;
        let value: f32 = if count <= 7 {
            (f64::from(mantissa) * INVERSE_POWERS[scale]) as f32
        } else {
            std::str::from_utf8(&data[start..end]).ok()?.parse().ok()?
        };
        Some(if negative { -value } else { value })
    }

    fn literal_string(&mut self, out: &mut Vec<u8>) -> Span {
        let start = out.len();
        let mut depth = 1usize;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xff) as u8);
                        }
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    if self.data.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
        Span::of(start..out.len())
    }

    /// Steps over a literal string, keeping nothing of it.
    fn skip_literal_string(&mut self, out: &mut Vec<u8>) {
        let len = out.len();
        self.literal_string(out);
        out.truncate(len);
    }

    fn hex_string(&mut self, out: &mut Vec<u8>) -> Span {
        let start = out.len();
        let mut high: Option<u8> = None;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let Some(v) = hex_value(b) else { continue };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Span::of(start..out.len())
    }

    fn array(&mut self, depth: usize, out: &mut Operands) -> Span {
        if depth >= MAX_DEPTH {
            self.skip_to_array_end(&mut out.bytes);
            return Span::of(out.items.len()..out.items.len());
        }
        let open = out.open_items.len();
        loop {
            self.skip_white();
            if self.at_number() == Some(true) {
                if let Some(n) = self.number() {
                    out.open_items.push(Operand::Number(n));
                }
                continue;
            }
            let before = self.pos;
            match self.token(depth + 1, out) {
                None | Some(Token::ArrayEnd) => break,
                Some(Token::Operand(operand)) => out.open_items.push(operand),
                // A keyword inside an array ends it (a missing `]`): give it back.
                Some(Token::Keyword(_)) => {
                    self.pos = before;
                    break;
                }
                Some(Token::DictEnd | Token::Junk) => {}
            }
        }
        let start = out.items.len();
        out.items.extend(out.open_items.drain(open..));
        Span::of(start..out.items.len())
    }

    fn skip_to_array_end(&mut self, scratch: &mut Vec<u8>) {
        let mut depth = 1usize;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                b'(' => self.skip_literal_string(scratch),
                _ => {}
            }
        }
    }

    /// A dictionary's entries up to its `>>` (a value that is not a name's pair is
    /// dropped).
    fn dictionary(&mut self, depth: usize, out: &mut Operands) -> Span {
        if depth >= MAX_DEPTH {
            // Too deep: skip bytes to the matching `>>`.
            let mut level = 1usize;
            while self.pos < self.data.len() {
                if self.data[self.pos..].starts_with(b"<<") {
                    level += 1;
                    self.pos += 2;
                } else if self.data[self.pos..].starts_with(b">>") {
                    level -= 1;
                    self.pos += 2;
                    if level == 0 {
                        break;
                    }
                } else if self.data[self.pos] == b'(' {
                    self.pos += 1;
                    self.skip_literal_string(&mut out.bytes);
                } else {
                    self.pos += 1;
                }
            }
            return Span::of(out.entries.len()..out.entries.len());
        }
        let open = out.open_entries.len();
        let mut key: Option<Span> = None;
        loop {
            let before = self.pos;
            match self.token(depth + 1, out) {
                None | Some(Token::DictEnd) => break,
                // A keyword inside a dictionary ends it (a missing `>>`): give it back.
                Some(Token::Keyword(_)) => {
                    self.pos = before;
                    break;
                }
                Some(Token::Operand(operand)) => match key.take() {
                    Some(name) => {
                        if out.open_entries.len() - open < MAX_ENTRIES {
                            out.open_entries.push((name, operand));
                        }
                    }
                    None => {
                        if let Operand::Name(name) = operand {
                            key = Some(name);
                        }
                    }
                },
                _ => {}
            }
        }
        let start = out.entries.len();
        out.entries.extend(out.open_entries.drain(open..));
        Span::of(start..out.entries.len())
    }

    /// Skips an inline image: its dictionary up to `ID`, then the data up to an `EI`
    /// that stands between white space (or the end).
    fn skip_inline_image(&mut self, scratch: &mut Operands) {
        loop {
            match self.token(0, scratch) {
                None => return,
                Some(Token::Keyword(b"ID")) => break,
                Some(Token::Keyword(b"EI")) => return,
                _ => {}
            }
        }
        // One white-space byte separates ID from the data.
        self.pos += 1;
        let data = self.data;
        let mut i = self.pos;
        while i + 2 <= data.len() {
            if &data[i..i + 2] == b"EI"
                && (i == 0 || is_white(data[i - 1]))
                && data.get(i + 2).is_none_or(|&c| is_white(c))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = data.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// An operand written back as PDF syntax (strings in hex), for comparing.
    fn render(operands: &Operands, operand: &Operand) -> String {
        match *operand {
            Operand::Number(n) => n.to_string(),
            Operand::Name(span) => format!("/{}", String::from_utf8_lossy(operands.bytes(span))),
            Operand::String(span) => {
                operands
                    .bytes(span)
                    .iter()
                    .fold("<".to_string(), |mut hex, b| {
                        let _ = write!(hex, "{b:02x}");
                        hex
                    })
                    + ">"
            }
            Operand::Array(span) => {
                let items: Vec<String> = operands
                    .items(span)
                    .iter()
                    .map(|item| render(operands, item))
                    .collect();
                format!("[{}]", items.join(" "))
            }
            Operand::Dictionary(span) => {
                let entries: Vec<String> = operands
                    .entries(span)
                    .iter()
                    .map(|(key, value)| {
                        let key = String::from_utf8_lossy(operands.bytes(*key));
                        format!("/{key} {}", render(operands, value))
                    })
                    .collect();
                format!("<<{}>>", entries.join(" "))
            }
            Operand::Bool(b) => b.to_string(),
            Operand::Null => "null".to_string(),
        }
    }

    /// Every operator with its operands written back.
    fn all(data: &[u8]) -> Vec<(String, String)> {
        let mut lexer = Lexer::new(data);
        let mut operands = Operands::default();
        let mut out = Vec::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            let written: Vec<String> = operands.iter().map(|o| render(&operands, o)).collect();
            out.push((String::from_utf8_lossy(op).into_owned(), written.join(" ")));
        }
        out
    }

    #[test]
    fn operators_with_operands() {
        let ops = all(b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm [(a\\(b\\)) -250 <00410042>] TJ ET");
        let expected = [
            ("BT", ""),
            ("Tf", "/F1 12"),
            ("Tm", "1 0 0 1 72.5 -0.5"),
            ("TJ", "[<61286229> -250 <00410042>]"),
            ("ET", ""),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(o, a)| (o.to_string(), a.to_string()))
            .collect();
        assert_eq!(ops, expected);
    }

    #[test]
    fn inline_images_and_junk_are_skipped() {
        let ops = all(b"q BI /W 2 /H 1 /CS /G /BPC 8 ID \x00EI\xff EI Q ) (x) Tj %c\n/N#20a BDC");
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, vec!["q", "Q", "Tj", "BDC"]);
        assert_eq!(ops[3].1, "/N a");
    }

    #[test]
    fn property_lists_keep_their_entries() {
        let ops = all(b"/Span <</MCID 0 /ActualText <FEFF3000> /Lang (ja) /Odd>> BDC");
        assert_eq!(
            ops[0].1,
            "/Span <</MCID 0 /ActualText <feff3000> /Lang <6a61>>>"
        );
    }

    #[test]
    fn nested_arrays_and_dictionaries_keep_their_own_items() {
        let ops = all(b"[1 [2 [3] 4] (five)] <</A [6 7] /B <</C 8>> /D 9>> 10 x");
        assert_eq!(
            ops[0].1,
            "[1 [2 [3] 4] <66697665>] <</A [6 7] /B <</C 8>> /D 9>> 10"
        );
    }

    #[test]
    fn malformed_numbers_keep_their_sign_and_first_number() {
        let mut lexer = Lexer::new(b"--5 1.2.3 +-.5 . - 3- Td");
        let mut operands = Operands::default();
        assert_eq!(lexer.next_operation(&mut operands), Some(&b"Td"[..]));
        let numbers: Vec<Option<f32>> = operands.iter().map(Operand::number).collect();
        assert_eq!(numbers, [-5.0, 1.2, 0.5, 0.0, 0.0, 3.0].map(Some));
    }

    fn number(digits: &str) -> Option<f32> {
        Lexer::new(digits.as_bytes()).number()
    }

    #[test]
    fn numbers_read_as_the_general_parser_reads_them() {
        for digits in [
            "0",
            "1",
            "72.5",
            "841.89",
            ".5",
            "5.",
            "9999999",
            "0.000001",
            "1234.567",
            "12345678",
            "0.12345678",
            "123456.789",
        ] {
            let parsed: f32 = digits.parse().unwrap();
            assert_eq!(number(digits), Some(parsed), "{digits}");
        }
        assert_eq!(number(""), Some(0.0));
    }

    #[test]
    fn seven_digits_at_every_scale_read_as_the_general_parser_reads_them() {
        for scale in 0..=7 {
            for mantissa in (0..10_000_000u32).step_by(9_973).chain([9_999_999]) {
                let text = format!("{mantissa:0>8}");
                let digits = format!("{}.{}", &text[..8 - scale], &text[8 - scale..]);
                let parsed: f32 = digits.parse().unwrap();
                assert_eq!(
                    number(&digits[1..]).map(f32::to_bits),
                    Some(parsed.to_bits()),
                    "{digits}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_decimal_is_the_nearest_f32(whole in 0u32..100_000_000, dot in 0usize..9) {
            let text = whole.to_string();
            let at = dot.min(text.len());
            let digits = format!("{}.{}", &text[..at], &text[at..]);
            let parsed: f32 = digits.parse().unwrap();
            proptest::prop_assert_eq!(number(&digits).map(f32::to_bits), Some(parsed.to_bits()));
        }
    }

    #[test]
    fn octal_escapes_and_odd_hex() {
        let ops = all(b"(\\101\\0611) <414> Tj");
        assert_eq!(ops[0].1, "<413131> <4140>");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut data = vec![b'['; 10_000];
        data.extend(vec![b']'; 10_000]);
        data.extend_from_slice(b" Tj <<<<<<>>>>>> (ok) Tj");
        let ops = all(&data);
        assert!(ops.iter().any(|(o, a)| o == "Tj" && a.ends_with("<6f6b>")));
    }
}
