//! Tokenizer throughput and the cost of the embedded dictionary. Ignored by `cargo test`
//! (it times things); run it in release:
//!
//! ```text
//! cargo test --release --test tokenize_bench -- --ignored --nocapture
//! ```

use kaiji::tokenize::{Tokenizer, tokenizer};
use std::time::Instant;

/// Japanese text of the kind kaiji tokenizes: the catalog's titles and labels, and the
/// answers of a filled-in application.
fn corpus() -> String {
    let catalog = kaiji::catalog::Catalog::builtin();
    let mut text = String::new();
    for item in &catalog.items {
        text.push_str(&item.title);
        text.push('\n');
        for field in &item.fields {
            text.push_str(&field.label);
            text.push('\n');
        }
        for sentence in &item.reject_if {
            text.push_str(sentence);
            text.push('\n');
        }
    }
    text
}

#[test]
#[ignore]
fn tokenizer_throughput() {
    let started = Instant::now();
    let fresh = Tokenizer::load().expect("the embedded dictionary loads");
    let load = started.elapsed();
    drop(fresh);

    let lines: Vec<String> = corpus().lines().map(str::to_string).collect();
    let chars: usize = lines.iter().map(|l| l.chars().count()).sum();
    let shared = tokenizer();
    // Warm up, then time several passes over every line (one call per label, as the
    // matcher makes them).
    let mut tokens = 0usize;
    for line in &lines {
        tokens += shared.tokens(line).len();
    }
    let passes = 20;
    let started = Instant::now();
    for _ in 0..passes {
        for line in &lines {
            tokens += shared.tokens(line).len();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_second = (chars * passes) as f64 / elapsed;
    // The same text as one long string.
    let whole = lines.join("\n");
    let started = Instant::now();
    for _ in 0..passes {
        tokens += shared.tokens(&whole).len();
    }
    let long_per_second = (chars * passes) as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    for _ in 0..passes {
        tokens += shared.word_count(&whole);
    }
    let segment_per_second = (chars * passes) as f64 / started.elapsed().as_secs_f64();
    let zip = std::fs::metadata(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/dictionaries/ipadic/ipadic-utf8.zip"
    ))
    .map(|m| m.len())
    .unwrap_or(0);
    println!(
        "dictionary: {:.1} MB embedded (zip), loaded in {:.0} ms",
        zip as f64 / 1e6,
        load.as_secs_f64() * 1e3
    );
    println!(
        "tokenize: {chars} chars in {} lines x {passes} passes: {:.2} M chars/s ({tokens} tokens)",
        lines.len(),
        per_second / 1e6
    );
    println!(
        "tokenize: the same as one text: {:.2} M chars/s",
        long_per_second / 1e6
    );
    println!(
        "segment only (lindera, no kaiji tokens): {:.2} M chars/s",
        segment_per_second / 1e6
    );
    assert!(per_second > 0.0);
}
