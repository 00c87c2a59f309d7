//! Counting a PDF's objects in its bytes, before lopdf parses them.
//!
//! lopdf parses every object of the file into memory when it loads it, about a hundred
//! bytes an object whatever its text: `[0 0 0 …]` costs fifty times its size, and an
//! object stream compressed a thousand to one fifty thousand times. So the tokens that
//! become objects are counted first, against `max_pdf_objects`: those of the file
//! outside stream data, and those of each object stream, inflated. A token is counted
//! once whatever it becomes (`1 0 R` counts three), which only errs high.
//!
//! Stream data is skipped to its `endstream`, unless an indirect object's header
//! (`12 0 obj`) appears in it first: the cross-reference may point there, and lopdf
//! would parse what follows, so the count resumes there too.

use super::lexer::{Lexer, Operand, Operands, is_regular, is_white};
use crate::ingest::sniff::find;
use crate::ingest::{Deadline, ErrorKind, IngestError, Limits, Ticker};
use lopdf::{Dictionary, Object, Stream};

/// Refuses a PDF that would hold more than `max_pdf_objects` objects.
pub fn check(bytes: &[u8], limits: &Limits, deadline: Deadline) -> Result<(), IngestError> {
    let mut census = Census {
        limits,
        count: 0,
        ticker: Ticker::new(deadline),
    };
    census.scan(bytes, true)
}

struct Census<'a> {
    limits: &'a Limits,
    count: u64,
    ticker: Ticker,
}

impl Census<'_> {
    fn token(&mut self) -> Result<(), IngestError> {
        self.count += 1;
        if self.count > self.limits.max_pdf_objects {
            return Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "PDF のオブジェクトが {} 個を超えています（max_pdf_objects）",
                    self.limits.max_pdf_objects
                ),
            ));
        }
        self.ticker.tick()
    }

    /// Counts the tokens of `data`; with `streams`, the data of its streams is
    /// stepped over and its object streams counted inflated.
    fn scan(&mut self, data: &[u8], streams: bool) -> Result<(), IngestError> {
        let mut pos = 0;
        // Where the last indirect object began (`obj`), for the stream's dictionary.
        let mut object_start = 0;
        while let Some(&b) = data.get(pos) {
            match b {
                _ if is_white(b) => pos += 1,
                b'%' => {
                    while data.get(pos).is_some_and(|&c| c != b'\n' && c != b'\r') {
                        pos += 1;
                    }
                }
                b'(' => {
                    self.token()?;
                    pos = literal_string_end(data, pos + 1);
                }
                b'<' if data.get(pos + 1) == Some(&b'<') => {
                    self.token()?;
                    pos += 2;
                }
                b'<' => {
                    self.token()?;
                    pos += data[pos..]
                        .iter()
                        .position(|&c| c == b'>')
                        .map_or(data.len() - pos, |i| i + 1);
                }
                b'/' => {
                    self.token()?;
                    pos += 1;
                    while data.get(pos).is_some_and(|&c| is_regular(c)) {
                        pos += 1;
                    }
                }
                b'[' => {
                    self.token()?;
                    pos += 1;
                }
                _ if is_regular(b) => {
                    let start = pos;
                    while data.get(pos).is_some_and(|&c| is_regular(c)) {
                        pos += 1;
                    }
                    match &data[start..pos] {
                        b"obj" => object_start = pos,
                        b"stream" if streams => {
                            pos = self.stream(data, object_start, pos)?;
                            continue;
                        }
                        _ => {}
                    }
                    self.token()?;
                }
                _ => pos += 1,
            }
        }
        Ok(())
    }

    /// Steps over the data of the stream whose keyword ends at `keyword_end` (its
    /// dictionary after `object_start`), counting it if it is an object stream; gives
    /// where the count goes on.
    fn stream(
        &mut self,
        data: &[u8],
        object_start: usize,
        keyword_end: usize,
    ) -> Result<usize, IngestError> {
        let mut start = keyword_end;
        if data.get(start) == Some(&b'\r') {
            start += 1;
        }
        if data.get(start) == Some(&b'\n') {
            start += 1;
        }
        let rest = &data[start..];
        let end = find(rest, b"endstream").unwrap_or(rest.len());
        let header = object_header(&rest[..end]);
        let dictionary = stream_dictionary(&data[object_start.min(keyword_end)..keyword_end]);
        if let Some(dict) = dictionary.filter(|d| d.has_type(b"ObjStm")) {
            let length = match dict.get(b"Length") {
                Ok(Object::Integer(n)) => usize::try_from(*n).ok().filter(|&n| n <= end),
                _ => None,
            };
            let stream = Stream::new(dict, rest[..length.unwrap_or(end)].to_vec());
            let limit = usize::try_from(self.limits.max_stream_bytes).unwrap_or(usize::MAX);
            // One that does not inflate is left to lopdf, which fails on it alike
            // (or, in an encrypted file, decrypts it first: see the README's limits).
            if let Ok(objects) = stream.decompressed_content_with_limit(limit) {
                self.scan(&objects, false)?;
            }
        }
        Ok(start + header.unwrap_or(end))
    }
}

/// Where a literal string that opened before `pos` ends (past its closing paren).
fn literal_string_end(data: &[u8], mut pos: usize) -> usize {
    let mut depth = 1usize;
    while let Some(&b) = data.get(pos) {
        pos += 1;
        match b {
            b'\\' => pos += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    pos.min(data.len())
}

/// The start of the first indirect object header (`12 0 obj`) in `data`.
fn object_header(data: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = find(&data[from..], b"obj").map(|i| from + i) {
        from = at + 3;
        if data.get(at + 3).is_some_and(|&c| is_regular(c)) {
            continue;
        }
        // Backwards: white, digits (generation), white, digits (number).
        let mut i = at;
        let mut fields = 0;
        while fields < 2 {
            let white_end = i;
            while i > 0 && is_white(data[i - 1]) {
                i -= 1;
            }
            let digits_end = i;
            while i > 0 && data[i - 1].is_ascii_digit() {
                i -= 1;
            }
            if white_end == digits_end || digits_end == i {
                break;
            }
            fields += 1;
        }
        if fields == 2 && (i == 0 || !is_regular(data[i - 1])) {
            return Some(i);
        }
    }
    None
}

/// The dictionary of a stream, from the text between `obj` and `stream`, as lopdf
/// needs it to inflate the data (its filters and their parameters).
fn stream_dictionary(text: &[u8]) -> Option<Dictionary> {
    let mut lexer = Lexer::new(text);
    let mut operands = Operands::default();
    lexer.next_operation(&mut operands);
    match object(&operands, operands.last()?) {
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

fn object(operands: &Operands, operand: &Operand) -> Object {
    match *operand {
        Operand::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Object::Integer(n as i64),
        Operand::Number(n) => Object::Real(n),
        Operand::Name(name) => Object::Name(operands.bytes(name).to_vec()),
        Operand::String(bytes) => Object::string_literal(operands.bytes(bytes).to_vec()),
        Operand::Array(items) => Object::Array(
            operands
                .items(items)
                .iter()
                .map(|item| object(operands, item))
                .collect(),
        ),
        Operand::Dictionary(entries) => {
            let mut dict = Dictionary::new();
            for (key, value) in operands.entries(entries) {
                dict.set(operands.bytes(*key).to_vec(), object(operands, value));
            }
            Object::Dictionary(dict)
        }
        Operand::Bool(b) => Object::Boolean(b),
        Operand::Null => Object::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(bytes: &[u8]) -> u64 {
        let limits = Limits {
            max_pdf_objects: u64::MAX,
            ..Limits::DEFAULT
        };
        let mut census = Census {
            limits: &limits,
            count: 0,
            ticker: Ticker::new(Deadline::start(&limits)),
        };
        census.scan(bytes, true).unwrap();
        census.count
    }

    #[test]
    fn counts_tokens_outside_stream_data() {
        assert_eq!(count(b"1 0 obj [0 1 (a) <00> /N << /K 2 >>] endobj"), 13);
        assert_eq!(count(b"% [0 0 0]\n(a (b) \\) [0 0])"), 1);
        let stream = b"1 0 obj << /Length 5 >> stream\n[0 0]\nendstream endobj";
        assert_eq!(count(stream), 8);
    }

    #[test]
    fn an_object_hidden_in_stream_data_is_counted() {
        let stream = b"1 0 obj << >> stream\n 2 0 obj [0 0 0] endobj\nendstream endobj";
        assert_eq!(count(stream), 14);
        assert_eq!(object_header(b"x12 0 obj"), None);
        assert_eq!(object_header(b"> 12 0\nobj"), Some(2));
        assert_eq!(object_header(b"0 objx"), None);
    }
}
