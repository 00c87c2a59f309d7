//! Prints the document model kaiji reads from each file: its regions, and each row's
//! blocks with their column and place. For finding out why an answer was missed.
//!
//!     cargo run --release --example read -- FILE...

use kaiji::ingest::{self, Limits};
use kaiji::model::Location;
use std::path::Path;

fn place(at: &Location) -> String {
    match at {
        Location::Cell { sheet, row, col } => {
            format!("{sheet}!{}", Location::cell_address(*row, *col))
        }
        Location::Paragraph { paragraph } => format!("¶{paragraph}"),
        Location::TableCell { table, row, col } => format!("t{table} r{row} c{col}"),
        Location::Page { page } => format!("p{page}"),
    }
}

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
                                    place(&b.at),
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
