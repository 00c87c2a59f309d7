//! A forgiving tokenizer for content streams and CMaps.
//!
//! It yields operators with their operands and never fails: bytes it cannot make sense
//! of are skipped, so one damaged operator does not lose the rest of a page. Inline
//! images (`BI … ID … EI`) are stepped over. Nesting of arrays and dictionaries is
//! bounded.

/// A name's or a string's bytes: most (font names, the glyph codes of a text run)
/// are short enough to be kept in place, which spares a content stream an allocation
/// and a free for nearly every one of them.
pub type Bytes = smallvec::SmallVec<[u8; 16]>;

/// One operand of an operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Number(f32),
    Name(Bytes),
    /// A literal or hexadecimal string, as bytes.
    String(Bytes),
    Array(Vec<Operand>),
    /// A dictionary (a marked-content property list): its entries, keyed by name.
    Dictionary(Vec<(Bytes, Operand)>),
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

/// Digits with at most one dot, at most seven digits in all (most coordinates and
/// sizes), as the nearest f32, without the general parser: the digits and the power of
/// ten are exact in f32, so one division rounds correctly (Clinger's fast path). A lone
/// dot or nothing is 0.
fn short_decimal(digits: &[u8]) -> Option<f32> {
    const POWERS: [f32; 8] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7];
    let (mut mantissa, mut count, mut scale, mut seen_dot) = (0u32, 0usize, 0usize, false);
    for &c in digits {
        if c == b'.' {
            seen_dot = true;
            continue;
        }
        count += 1;
        if count > 7 {
            return None;
        }
        mantissa = mantissa * 10 + u32::from(c - b'0');
        scale += usize::from(seen_dot);
    }
    Some(mantissa as f32 / POWERS[scale])
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
    pub fn next_operation(&mut self, operands: &mut Vec<Operand>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            let token = self.token(0)?;
            match token {
                Token::Operand(operand) => {
                    // A stream with millions of operands and no operator is hostile.
                    if operands.len() < self.max_operands {
                        operands.push(operand);
                    }
                }
                Token::Keyword(b"BI") => {
                    self.skip_inline_image();
                    operands.clear();
                }
                Token::Keyword(keyword) => return Some(keyword),
                Token::ArrayEnd | Token::DictEnd | Token::Junk => {}
            }
        }
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

    fn token(&mut self, depth: usize) -> Option<Token<'a>> {
        self.skip_white();
        let &b = self.data.get(self.pos)?;
        Some(match b {
            b'/' => {
                self.pos += 1;
                Token::Operand(Operand::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Token::Operand(Operand::String(self.literal_string()))
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::Operand(Operand::Dictionary(self.dictionary(depth)))
            }
            b'<' => {
                self.pos += 1;
                Token::Operand(Operand::String(self.hex_string()))
            }
            b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictEnd
            }
            b'[' => {
                self.pos += 1;
                Token::Operand(Operand::Array(self.array(depth)))
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

    fn name(&mut self) -> Bytes {
        let mut name = Bytes::new();
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
                name.push(h << 4 | l);
                self.pos += 2;
            } else {
                name.push(b);
            }
        }
        name
    }

    fn number(&mut self) -> Option<f32> {
        let data = &self.data[self.pos..];
        // Lenient: "--5" or "1.2.3" happen; keep the sign and the first number in it
        // (the digits after the signs, up to a second dot or a sign), and step over
        // the rest of the run of signs, digits and dots. One pass: numbers are most of
        // a content stream.
        let negative = data.first() == Some(&b'-');
        let start = data.iter().take_while(|c| matches!(c, b'+' | b'-')).count();
        let mut end = start;
        let mut seen_dot = false;
        while let Some(&c) = data.get(end) {
            match c {
                b'0'..=b'9' => {}
                b'.' if !seen_dot => seen_dot = true,
                _ => break,
            }
            end += 1;
        }
        let digits = &data[start..end];
        let run = end
            + data[end..]
                .iter()
                .take_while(|c| matches!(c, b'+' | b'-' | b'.' | b'0'..=b'9'))
                .count();
        self.pos += run;
        let value: f32 = match short_decimal(digits) {
            Some(value) => value,
            None => std::str::from_utf8(digits).ok()?.parse().ok()?,
        };
        Some(if negative { -value } else { value })
    }

    fn literal_string(&mut self) -> Bytes {
        let mut out = Bytes::new();
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
        out
    }

    fn hex_string(&mut self) -> Bytes {
        let mut out = Bytes::new();
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
        out
    }

    fn array(&mut self, depth: usize) -> Vec<Operand> {
        let mut items = Vec::new();
        if depth >= MAX_DEPTH {
            self.skip_to_array_end();
            return items;
        }
        loop {
            let before = self.pos;
            match self.token(depth + 1) {
                None | Some(Token::ArrayEnd) => break,
                Some(Token::Operand(operand)) => items.push(operand),
                // A keyword inside an array ends it (a missing `]`): give it back.
                Some(Token::Keyword(_)) => {
                    self.pos = before;
                    break;
                }
                Some(Token::DictEnd | Token::Junk) => {}
            }
        }
        items
    }

    fn skip_to_array_end(&mut self) {
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
                b'(' => {
                    self.literal_string();
                }
                _ => {}
            }
        }
    }

    /// A dictionary's entries up to its `>>` (a value that is not a name's pair is
    /// dropped).
    fn dictionary(&mut self, depth: usize) -> Vec<(Bytes, Operand)> {
        let mut entries = Vec::new();
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
                        return entries;
                    }
                } else if self.data[self.pos] == b'(' {
                    self.pos += 1;
                    self.literal_string();
                } else {
                    self.pos += 1;
                }
            }
            return entries;
        }
        let mut key: Option<Bytes> = None;
        loop {
            let before = self.pos;
            match self.token(depth + 1) {
                None | Some(Token::DictEnd) => break,
                // A keyword inside a dictionary ends it (a missing `>>`): give it back.
                Some(Token::Keyword(_)) => {
                    self.pos = before;
                    break;
                }
                Some(Token::Operand(operand)) => match key.take() {
                    Some(name) => {
                        if entries.len() < MAX_ENTRIES {
                            entries.push((name, operand));
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
        entries
    }

    /// Skips an inline image: its dictionary up to `ID`, then the data up to an `EI`
    /// that stands between white space (or the end).
    fn skip_inline_image(&mut self) {
        loop {
            match self.token(0) {
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

    fn all(data: &[u8]) -> Vec<(String, Vec<Operand>)> {
        let mut lexer = Lexer::new(data);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lexer.next_operation(&mut operands) {
            out.push((String::from_utf8_lossy(op).into_owned(), operands.clone()));
        }
        out
    }

    #[test]
    fn operators_with_operands() {
        let ops = all(b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm [(a\\(b\\)) -250 <00410042>] TJ ET");
        assert_eq!(ops[0].0, "BT");
        assert_eq!(
            ops[1].1,
            vec![
                Operand::Name(Bytes::from_slice(b"F1")),
                Operand::Number(12.0)
            ]
        );
        assert_eq!(ops[2].1[5], Operand::Number(-0.5));
        assert_eq!(
            ops[3].1,
            vec![Operand::Array(vec![
                Operand::String(Bytes::from_slice(b"a(b)")),
                Operand::Number(-250.0),
                Operand::String(Bytes::from_slice(&[0, 0x41, 0, 0x42])),
            ])]
        );
        assert_eq!(ops[4].0, "ET");
    }

    #[test]
    fn inline_images_and_junk_are_skipped() {
        let ops = all(b"q BI /W 2 /H 1 /CS /G /BPC 8 ID \x00EI\xff EI Q ) (x) Tj %c\n/N#20a BDC");
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, vec!["q", "Q", "Tj", "BDC"]);
        assert_eq!(ops[3].1, vec![Operand::Name(Bytes::from_slice(b"N a"))]);
    }

    #[test]
    fn property_lists_keep_their_entries() {
        let ops = all(b"/Span <</MCID 0 /ActualText <FEFF3000> /Lang (ja) /Odd>> BDC");
        assert_eq!(
            ops[0].1[1],
            Operand::Dictionary(vec![
                (Bytes::from_slice(b"MCID"), Operand::Number(0.0)),
                (
                    Bytes::from_slice(b"ActualText"),
                    Operand::String(Bytes::from_slice(&[0xfe, 0xff, 0x30, 0]))
                ),
                (
                    Bytes::from_slice(b"Lang"),
                    Operand::String(Bytes::from_slice(b"ja"))
                ),
            ])
        );
    }

    #[test]
    fn malformed_numbers_keep_their_sign_and_first_number() {
        let ops = all(b"--5 1.2.3 +-.5 . - 3- Td");
        let numbers = [-5.0, 1.2, 0.5, 0.0, 0.0, 3.0].map(Operand::Number);
        assert_eq!(ops[0].1, numbers);
    }

    #[test]
    fn short_numbers_read_as_the_general_parser_reads_them() {
        for digits in [
            "0", "1", "72.5", "841.89", ".5", "5.", "9999999", "0.000001", "1234.567",
        ] {
            let parsed: f32 = digits.parse().unwrap();
            assert_eq!(short_decimal(digits.as_bytes()), Some(parsed), "{digits}");
        }
        assert_eq!(short_decimal(b"12345678"), None);
        assert_eq!(short_decimal(b""), Some(0.0));
    }

    proptest::proptest! {
        #[test]
        fn any_short_decimal_is_the_nearest_f32(whole in 0u32..10_000_000, dot in 0usize..8) {
            let text = whole.to_string();
            let at = dot.min(text.len());
            let digits = format!("{}.{}", &text[..at], &text[at..]);
            let parsed: f32 = digits.parse().unwrap();
            proptest::prop_assert_eq!(short_decimal(digits.as_bytes()).map(f32::to_bits), Some(parsed.to_bits()));
        }
    }

    #[test]
    fn octal_escapes_and_odd_hex() {
        let ops = all(b"(\\101\\0611) <414> Tj");
        assert_eq!(ops[0].1[0], Operand::String(Bytes::from_slice(b"A11")));
        assert_eq!(
            ops[0].1[1],
            Operand::String(Bytes::from_slice(&[0x41, 0x40]))
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut data = vec![b'['; 10_000];
        data.extend(vec![b']'; 10_000]);
        data.extend_from_slice(b" Tj <<<<<<>>>>>> (ok) Tj");
        let ops = all(&data);
        assert!(ops.iter().any(
            |(o, a)| o == "Tj" && a.last() == Some(&Operand::String(Bytes::from_slice(b"ok")))
        ));
    }
}
