//! The `kaiji` command line (see the contract in the README).

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use kaiji::catalog::Catalog;
use kaiji::ingest::Limits;
use kaiji::output::AtomicFile;
use kaiji::pipeline::{self, Outcome};
use kaiji::{inputs, report};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kaiji",
    version,
    about = "IoTクラウドサービス（IaaS・PaaS）情報開示認定の申請書を読み取り、事前審査する"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find and normalize the answer to every item of each application.
    Extract {
        /// Files or directories (walked recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Jsonl)]
        format: ExtractFormat,
        /// Write the results to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print the item catalog the tool works from.
    Catalog {
        #[arg(long, value_enum, default_value_t = CatalogFormat::Json)]
        format: CatalogFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExtractFormat {
    Jsonl,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogFormat {
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract {
            paths,
            format,
            output,
        } => extract(&paths, format, output),
        Command::Catalog {
            format: CatalogFormat::Json,
        } => print_catalog(),
    };
    match result {
        Ok(code) => code,
        // The reader of our output went away (`kaiji … | head`): nothing left to do.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kaiji: {error}");
            ExitCode::from(1)
        }
    }
}

fn print_catalog() -> io::Result<ExitCode> {
    let mut stdout = io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, Catalog::builtin()).map_err(io::Error::other)?;
    writeln!(stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Where results are written: stdout or a file committed at the end.
enum Sink {
    Stdout(io::BufWriter<io::Stdout>),
    File(AtomicFile),
}

impl Sink {
    fn open(output: Option<PathBuf>) -> io::Result<Sink> {
        Ok(match output {
            Some(path) => Sink::File(AtomicFile::create(&path)?),
            None => Sink::Stdout(io::BufWriter::new(io::stdout())),
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File(f) => f,
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush(),
            Sink::File(f) => f.commit(),
        }
    }
}

fn extract(
    paths: &[PathBuf],
    format: ExtractFormat,
    output: Option<PathBuf>,
) -> io::Result<ExitCode> {
    let catalog = Catalog::builtin();
    let limits = Limits::default();
    let files = inputs::collect(paths);
    let progress = ProgressBar::new(files.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} 件  {per_sec}  残り {eta}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut sink = Sink::open(output)?;
    if let ExtractFormat::Csv = format {
        report::csv::write_answers_header(sink.writer())?;
    }
    let mut collected: Vec<Outcome> = Vec::new();
    let mut errors = 0usize;
    for file in &files {
        let shown = file.to_string_lossy();
        let outcome = pipeline::process(file, &shown, catalog, &limits);
        if let Outcome::Error(e) = &outcome {
            errors += 1;
            progress.set_message(format!("読めないファイル {errors} 件"));
            progress.suspend(|| eprintln!("kaiji: {}: {}", e.source.path, e.error));
        }
        match format {
            ExtractFormat::Jsonl => report::write_jsonl(sink.writer(), &outcome)?,
            ExtractFormat::Csv => report::csv::write_answers(sink.writer(), &outcome)?,
            ExtractFormat::Json => collected.push(outcome),
        }
        progress.inc(1);
    }
    if let ExtractFormat::Json = format {
        report::write_json(sink.writer(), &collected)?;
    }
    sink.finish()?;
    progress.finish_and_clear();
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
