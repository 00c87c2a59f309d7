//! A batch: every input file through the pipeline, results written as they come, the
//! batch-wide outputs (JSON array, report, findings CSV) at the end, and a progress bar
//! on stderr when it is a terminal.

use crate::findings::Verdict;
use crate::inputs;
use crate::output::AtomicFile;
use crate::pipeline::{self, Outcome, Setup, Stages};
use crate::report;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, Write};
use std::path::PathBuf;

/// How the per-document results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Json,
    Csv,
}

/// What to do with a batch.
#[derive(Debug, Clone)]
pub struct Batch {
    pub paths: Vec<PathBuf>,
    pub stages: Stages,
    pub format: Format,
    /// Results to this file instead of stdout.
    pub output: Option<PathBuf>,
    /// The HTML pre-screening report for the whole batch.
    pub report: Option<PathBuf>,
    /// Every finding as CSV.
    pub findings_csv: Option<PathBuf>,
}

/// What a batch found, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    /// Inputs that could not be processed.
    pub errors: usize,
    /// The worst verdict of any document.
    pub worst: Verdict,
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

/// Runs a batch and writes its outputs.
pub fn run(batch: &Batch) -> io::Result<Summary> {
    let (format, setup) = (batch.format, Setup::builtin(batch.stages));
    let files = inputs::collect(&batch.paths);
    let progress = ProgressBar::new(files.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} 件  {per_sec}  残り {eta}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut sink = Sink::open(batch.output.clone())?;
    if format == Format::Csv {
        report::csv::write_answers_header(sink.writer())?;
    }
    // Kept only for the outputs that need the whole batch at once.
    let keep_all = format == Format::Json || batch.report.is_some() || batch.findings_csv.is_some();
    let mut collected: Vec<Outcome> = Vec::new();
    let mut errors = 0usize;
    let mut worst = Verdict::Pass;
    for file in &files {
        let shown = file.to_string_lossy();
        let outcome = pipeline::process(file, &shown, &setup);
        match &outcome {
            Outcome::Error(e) => {
                errors += 1;
                progress.set_message(format!("読めないファイル {errors} 件"));
                progress.suspend(|| eprintln!("kaiji: {}: {}", e.source.path, e.error));
            }
            Outcome::Document(d) => worst = worst.max(d.verdict),
        }
        match format {
            Format::Jsonl => report::write_jsonl(sink.writer(), &outcome)?,
            Format::Csv => report::csv::write_answers(sink.writer(), &outcome)?,
            Format::Json => {}
        }
        if keep_all {
            collected.push(outcome);
        }
        progress.inc(1);
    }
    if format == Format::Json {
        report::write_json(sink.writer(), &collected)?;
    }
    sink.finish()?;
    if let Some(path) = &batch.findings_csv {
        let mut file = AtomicFile::create(path)?;
        report::csv::write_findings(&mut file, &collected, setup.catalog)?;
        file.commit()?;
    }
    if let Some(path) = &batch.report {
        let mut file = AtomicFile::create(path)?;
        report::html::write_html(&mut file, &collected, setup.catalog)?;
        file.commit()?;
    }
    progress.finish_and_clear();
    Ok(Summary {
        documents: files.len() - errors,
        errors,
        worst,
    })
}
