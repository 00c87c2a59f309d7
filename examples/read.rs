//! Prints the document model kaiji reads from each file: its regions, and each row's
//! blocks with their column and place. For finding out why an answer was missed.
//!
//!     cargo run --release --example read -- FILE...

use kaiji::ingest::{self, Limits};
use kaiji::report::csv::location_text;
use std::path::Path;

fn main() {
    let limits = Limits::default();
    for path in std::env::args().skip(1) {
        println!("# {path}");
        let document = ingest::load(Path::new(&path), &limits)
            .and_then(|input| ingest::read_bytes(&input, &limits));
        match document {
            Err(error) => println!("error: {}: {}", error.kind.name(), error.message),
            Ok(document) => {
                for region in &document.regions {
                    println!("## {}", region.name);
                    for row in &region.rows {
                        let blocks: Vec<String> = row
                            .blocks
                            .iter()
                            .map(|b| {
                                format!(
                                    "[{}+{} {}] {:?}",
                                    b.column,
                                    b.column_span,
                                    location_text(&b.at),
                                    b.text
                                )
                            })
                            .collect();
                        println!("{}", blocks.join("  "));
                    }
                }
            }
        }
    }
}
