//! Report: results rendered for people and programs. Rendering only; nothing here
//! looks inside a file or decides a finding.

pub mod csv;
pub mod html;

use crate::pipeline::Outcome;
use std::io::{self, Write};

/// Writes one result as a JSON line.
pub fn write_jsonl(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    serde_json::to_writer(&mut *out, outcome).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes all results as one JSON array.
pub fn write_json(out: &mut dyn Write, outcomes: &[Outcome]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, outcomes).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
