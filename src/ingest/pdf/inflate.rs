//! Inflating a document's streams with one decompressor.
//!
//! Nearly every stream of a PDF is compressed by /FlateDecode alone. Through lopdf each
//! is inflated by a new decompressor (its state allocated and zeroed) into a buffer
//! that grows by copying; a document's hundreds of content streams, CMaps and font
//! programs are inflated here by one decompressor, reset between streams. Anything
//! else (another filter, a predictor, damaged data, a stream past its limit) is left
//! to lopdf, which decodes it as it always did: the bytes are the same either way.

use flate2::{Decompress, FlushDecompress, Status};
use lopdf::{Object, Stream};

/// Bytes the output is first given per byte of input (content streams inflate about
/// four to six times).
const FIRST_GROWTH: usize = 4;
const FIRST_ROOM: usize = 1024;

pub struct Inflater {
    state: Decompress,
}

impl Default for Inflater {
    fn default() -> Self {
        Inflater {
            state: Decompress::new(true),
        }
    }
}

impl Inflater {
    /// The data of a stream compressed by /FlateDecode alone, if it inflates whole
    /// within `limit` bytes; `None` otherwise (the caller decodes it through lopdf).
    pub fn inflate(&mut self, stream: &Stream, limit: usize) -> Option<Vec<u8>> {
        self.run(stream, limit, true)
    }

    /// A stream's data as lopdf's `get_plain_content_with_limit` gives it (its errors
    /// included), inflated here where it can be.
    pub fn plain_content(&mut self, stream: &Stream, limit: usize) -> lopdf::Result<Vec<u8>> {
        match self.inflate(stream, limit) {
            Some(data) => Ok(data),
            None => stream.get_plain_content_with_limit(limit),
        }
    }

    /// The first `len` bytes a stream compressed by /FlateDecode alone inflates to (all
    /// of them if fewer); `None` for another filter or damaged data.
    pub fn prefix(&mut self, stream: &Stream, len: usize) -> Option<Vec<u8>> {
        self.run(stream, len, false)
    }

    /// Inflates up to `limit` bytes; `whole`: only a stream that ends within them.
    fn run(&mut self, stream: &Stream, limit: usize, whole: bool) -> Option<Vec<u8>> {
        if !flate_only(stream) {
            return None;
        }
        self.state.reset(true);
        let input = stream.content.as_slice();
        let mut out = Vec::with_capacity(
            input
                .len()
                .saturating_mul(FIRST_GROWTH)
                .max(FIRST_ROOM)
                .min(limit),
        );
        loop {
            let (read, written) = (self.state.total_in(), self.state.total_out());
            let rest = input.get(usize::try_from(read).ok()?..)?;
            let status = self
                .state
                .decompress_vec(rest, &mut out, FlushDecompress::Finish)
                .ok()?;
            if status == Status::StreamEnd {
                return Some(out);
            }
            if out.len() == out.capacity() {
                if out.len() >= limit {
                    return (!whole).then_some(out);
                }
                let room = out.len().max(FIRST_ROOM).min(limit - out.len());
                out.reserve_exact(room);
            } else if self.state.total_in() == read && self.state.total_out() == written {
                // No progress with room to write: the data ends before the stream does.
                return None;
            }
        }
    }
}

/// Whether a stream's only filter is /FlateDecode, without parameters.
fn flate_only(stream: &Stream) -> bool {
    let flate = |object: &Object| matches!(object, Object::Name(name) if name == b"FlateDecode");
    let filter = match stream.dict.get(b"Filter") {
        Ok(Object::Array(filters)) => matches!(filters.as_slice(), [only] if flate(only)),
        Ok(filter) => flate(filter),
        Err(_) => false,
    };
    filter && stream.dict.get(b"DecodeParms").is_err()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::ZlibEncoder};
    use lopdf::{Dictionary, dictionary};
    use std::io::Write;

    fn stream(data: &[u8], dict: Dictionary) -> Stream {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        Stream::new(dict, encoder.finish().unwrap())
    }

    fn page_content() -> Vec<u8> {
        (0..5_000)
            .flat_map(|i| format!("BT /F1 10 Tf {i} 700 Td <0102> Tj ET\n").into_bytes())
            .collect()
    }

    #[test]
    fn a_flate_stream_inflates_as_lopdf_inflates_it() {
        let data = page_content();
        let s = stream(&data, dictionary! { "Filter" => "FlateDecode" });
        let mut inflater = Inflater::default();
        assert_eq!(inflater.inflate(&s, 1 << 24).as_deref(), Some(&data[..]));
        assert_eq!(s.decompressed_content_with_limit(1 << 24).unwrap(), data);
        // The decompressor is reset between streams.
        let other = stream(
            b"q Q",
            dictionary! { "Filter" => vec![Object::Name(b"FlateDecode".to_vec())] },
        );
        assert_eq!(inflater.inflate(&other, 100).as_deref(), Some(&b"q Q"[..]));
    }

    #[test]
    fn a_stream_past_its_limit_is_left_to_lopdf() {
        let data = page_content();
        let s = stream(&data, dictionary! { "Filter" => "FlateDecode" });
        assert_eq!(Inflater::default().inflate(&s, data.len() - 1), None);
        assert_eq!(
            Inflater::default().inflate(&s, data.len()).map(|d| d.len()),
            Some(data.len())
        );
        assert_eq!(
            Inflater::default().prefix(&s, 10).as_deref(),
            Some(&data[..10])
        );
    }

    #[test]
    fn other_filters_parameters_and_damage_are_left_to_lopdf() {
        let data = page_content();
        let mut inflater = Inflater::default();
        let predicted = stream(
            &data,
            dictionary! { "Filter" => "FlateDecode", "DecodeParms" => dictionary! { "Predictor" => 12 } },
        );
        assert_eq!(inflater.inflate(&predicted, 1 << 24), None);
        let chained = stream(
            &data,
            dictionary! { "Filter" => vec![Object::Name(b"ASCIIHexDecode".to_vec()), Object::Name(b"FlateDecode".to_vec())] },
        );
        assert_eq!(inflater.inflate(&chained, 1 << 24), None);
        let mut cut = stream(&data, dictionary! { "Filter" => "FlateDecode" });
        cut.content.truncate(cut.content.len() / 2);
        assert_eq!(inflater.inflate(&cut, 1 << 24), None);
        let mut garbled = stream(&data, dictionary! { "Filter" => "FlateDecode" });
        garbled.content[0] = 0;
        assert_eq!(inflater.inflate(&garbled, 1 << 24), None);
    }
}
