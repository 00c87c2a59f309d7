//! Builds lindera's IPADIC system dictionary from the UTF-8 IPADIC source and packs it
//! into one deterministic zip, the file kaiji embeds.
//!
//! ```text
//! kaiji-build-dictionary SOURCE_DIR METADATA_JSON OUT_ZIP
//! ```
//!
//! `SOURCE_DIR` holds the IPADIC `*.csv` and `*.def` files converted to UTF-8;
//! `METADATA_JSON` is the `metadata.json` of the lindera-ipadic crate of the same
//! version as lindera-dictionary. Every entry of the zip has the same timestamp and the
//! entries are in name order, so the same inputs give the same bytes.

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use std::error::Error;
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [source, metadata, out] = args.as_slice() else {
        return Err("usage: kaiji-build-dictionary SOURCE_DIR METADATA_JSON OUT_ZIP".into());
    };
    let metadata = Metadata::load(&fs::read(metadata)?)?;
    let built = out.with_extension("build");
    if built.exists() {
        fs::remove_dir_all(&built)?;
    }
    let started = Instant::now();
    DictionaryBuilder::new(metadata).build_dictionary(source, &built)?;
    let build_time = started.elapsed();

    let mut names: Vec<PathBuf> = fs::read_dir(&built)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(fs::File::create(out)?);
    let mut unpacked = 0u64;
    for path in &names {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("file name")?;
        let bytes = fs::read(path)?;
        unpacked += bytes.len() as u64;
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    zip.finish()?;
    fs::remove_dir_all(&built)?;
    eprintln!(
        "built in {:.1} s: {} files, {:.1} MB unpacked, {:.1} MB packed in {}",
        build_time.as_secs_f64(),
        names.len(),
        unpacked as f64 / 1e6,
        fs::metadata(out)?.len() as f64 / 1e6,
        out.display()
    );
    Ok(())
}
