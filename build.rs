//! Unpacks the Japanese dictionary (`dictionaries/ipadic/ipadic-utf8.zip`) into the
//! build's output folder, from where `src/tokenize.rs` embeds its files as they are:
//! lindera reads them in place, as its own dictionary crates do, where unpacking them at
//! start-up cost every process about 0.1 s and 47 MB of heap.

use std::error::Error;
use std::path::PathBuf;
use std::{env, fs, io};

const DICTIONARY: &str = "dictionaries/ipadic/ipadic-utf8.zip";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed={DICTIONARY}");
    let out = PathBuf::from(env::var("OUT_DIR")?).join("ipadic");
    fs::create_dir_all(&out)?;
    let mut archive = zip::ZipArchive::new(fs::File::open(DICTIONARY)?)?;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        let name = entry
            .enclosed_name()
            .ok_or_else(|| format!("{DICTIONARY}: an entry named outside the archive"))?;
        io::copy(&mut entry, &mut fs::File::create(out.join(name))?)?;
    }
    Ok(())
}
