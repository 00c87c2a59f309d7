//! A batch: every input file through the pipeline, in parallel, results written as they
//! finish but always in input order, and a progress bar on stderr when it is a terminal.
//!
//! Workers (a rayon pool of `jobs` threads) claim inputs in order and render each result
//! to bytes; the calling thread writes them in input order. A worker does not start an
//! input more than [`WINDOW_PER_JOB`] × jobs positions ahead of the next one to be
//! written, so memory is bounded by the files in flight, never by the batch. The
//! outputs that need the whole batch get only what they use: the findings CSV is
//! written row by row as results come, the HTML report keeps each document's source,
//! verdict and findings (not its answers), and a JSON array is written element by
//! element.

use crate::findings::Verdict;
use crate::ingest::{ErrorKind, IngestError, Limits};
use crate::inputs::{self, Input, Shard};
use crate::output::AtomicFile;
use crate::pipeline::{self, ErrorResult, Outcome, SCHEMA, Setup, Source, Stages};
use crate::report;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How the per-document results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Json,
    Csv,
    /// One line per input for a person at a terminal (see `report::terminal`).
    Human,
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
    /// Files processed at once; 0 for one per core.
    pub jobs: usize,
    /// Only this part of the inputs (`--shard K/N`). Parts after the first write no CSV
    /// header, so that the parts' outputs concatenated equal one run's.
    pub shard: Option<Shard>,
    /// What one file may cost.
    pub limits: Limits,
}

impl Batch {
    /// A batch of the given paths with every option at its default: JSON lines to stdout,
    /// one job per core, no report.
    pub fn new(paths: Vec<PathBuf>, stages: Stages) -> Batch {
        Batch {
            paths,
            stages,
            format: Format::Jsonl,
            output: None,
            report: None,
            findings_csv: None,
            jobs: 0,
            shard: None,
            limits: Limits::DEFAULT,
        }
    }
}

/// What a batch found: for the exit status and the summary at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Inputs taken (of this shard).
    pub files: usize,
    /// Inputs that gave a result.
    pub documents: usize,
    /// Inputs that could not be processed.
    pub errors: usize,
    /// Files found in folders that are no application (`unsupported` or
    /// `not-an-application`): each has its result, none is a failure.
    pub set_aside: usize,
    /// The worst verdict of any document.
    pub worst: Verdict,
    /// Documents by verdict.
    pub reject: usize,
    pub review: usize,
    pub pass: usize,
    /// Inputs that could not be processed, by kind (kinds with none left out).
    pub error_kinds: Vec<(ErrorKind, usize)>,
    /// Bytes of input read.
    pub bytes: u64,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    /// 「12 件を 0.8 秒で処理（15 件/秒、1.2 MB/秒）：申請書 10 件（非認定の可能性 2・要確認 5・
    /// 問題なし 3）、読み取れないファイル 1 件（破損・読み取り不能 1）、申請書以外 1 件」
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        let per_second = |n: f64| if seconds > 0.0 { n / seconds } else { 0.0 };
        write!(
            f,
            "{} 件を {seconds:.1} 秒で処理（{:.0} 件/秒、{:.1} MB/秒）：申請書 {} 件",
            self.files,
            per_second(self.files as f64),
            per_second(self.bytes as f64 / 1e6),
            self.documents,
        )?;
        // Only `check` gives verdicts.
        if self.reject + self.review + self.pass > 0 {
            let label = |verdict| report::verdict_label(verdict).0;
            write!(
                f,
                "（{} {}・{} {}・{} {}）",
                label(Verdict::Reject),
                self.reject,
                label(Verdict::Review),
                self.review,
                label(Verdict::Pass),
                self.pass
            )?;
        }
        write!(f, "、読み取れないファイル {} 件", self.errors)?;
        if !self.error_kinds.is_empty() {
            let kinds: Vec<String> = self
                .error_kinds
                .iter()
                .map(|(kind, n)| format!("{} {n}", report::error_kind_label(*kind)))
                .collect();
            write!(f, "（{}）", kinds.join("・"))?;
        }
        if self.set_aside > 0 {
            write!(f, "、申請書以外 {} 件", self.set_aside)?;
        }
        Ok(())
    }
}

/// How far a worker may run ahead of the writer, in inputs per job.
const WINDOW_PER_JOB: usize = 8;

/// Stack of each worker thread: as much as the main thread has, for deep documents.
const WORKER_STACK: usize = 8 << 20;

/// Where results are written: stdout or a file committed at the end.
enum Sink {
    Stdout(io::BufWriter<io::Stdout>),
    File(AtomicFile),
}

impl Sink {
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

/// One input, processed and rendered by a worker.
struct Done {
    /// What goes to the results: a JSON line, CSV rows, or one element of a JSON array.
    main: Vec<u8>,
    /// Its rows of the findings CSV.
    findings: Vec<u8>,
    /// What the HTML report needs of it.
    kept: Option<Outcome>,
    status: Status,
    bytes: u64,
}

/// What became of one input.
enum Status {
    /// A document, with its verdict where `check` gave one.
    Document(Option<Verdict>),
    /// It could not be processed: its kind, and the line for stderr.
    Failed(ErrorKind, String),
    /// A file found in a folder that is no application (plain text, an image, an
    /// attachment with no item of the form): its one result, but no failure.
    SetAside,
}

/// What the workers render, decided once for the batch.
struct Render<'a> {
    setup: Setup<'a>,
    format: Format,
    findings_csv: bool,
    report: bool,
    /// The BOM and header that the findings CSV writer puts before the rows.
    findings_header: Vec<u8>,
}

impl Render<'_> {
    fn one(&self, input: &Input) -> io::Result<Done> {
        let file = input.path.as_path();
        let outcome = outcome(input, &self.setup);
        let status = match &outcome {
            Outcome::Document(d) => Status::Document(d.verdict),
            Outcome::Error(e) if !input.named && e.error.kind.is_no_application() => {
                Status::SetAside
            }
            Outcome::Error(e) => Status::Failed(
                e.error.kind,
                report::terminal::escape_controls(&format!(
                    "kaiji: {}: {}",
                    e.source.path, e.error
                )),
            ),
        };
        let mut main = Vec::new();
        match self.format {
            Format::Jsonl => report::write_jsonl(&mut main, &outcome)?,
            Format::Csv => report::csv::write_answers(&mut main, &outcome)?,
            Format::Json => {
                let pretty = serde_json::to_vec_pretty(&outcome).map_err(io::Error::other)?;
                indent_element(&mut main, &pretty);
            }
            Format::Human => report::terminal::write_line(
                &mut main,
                &outcome,
                matches!(status, Status::SetAside),
            )?,
        }
        let mut findings = Vec::new();
        if self.findings_csv {
            report::csv::write_findings(
                &mut findings,
                std::slice::from_ref(&outcome),
                self.setup.catalog(),
            )?;
            findings.drain(..self.findings_header.len());
        }
        let bytes = std::fs::metadata(file).map_or(0, |m| m.len());
        let kept = self.report.then(|| slim(outcome));
        Ok(Done {
            main,
            findings,
            kept,
            status,
            bytes,
        })
    }
}

/// One input through the pipeline: its result, a panic of a stage reported like any
/// unreadable file, and a document found in a folder with no item of the form set aside.
fn outcome(input: &Input, setup: &Setup) -> Outcome {
    let file = input.path.as_path();
    let shown = inputs::shown(file);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pipeline::process(file, &shown, setup)
    }))
    .unwrap_or_else(|panic| internal_error(file, &shown, panic.as_ref()));
    if input.named {
        outcome
    } else {
        set_aside_if_no_application(outcome)
    }
}

/// Every input through the pipeline with its own setup (how far to take it), on `jobs`
/// workers (0 for one per core) of the same kind as a batch's; the results in input
/// order. For a command that needs every result before it writes any (`kaiji diff`
/// pairs them).
pub fn read_all(inputs: &[(Input, Setup)], jobs: usize) -> io::Result<Vec<Outcome>> {
    use rayon::prelude::*;
    Ok(worker_pool(jobs)?.install(|| {
        inputs
            .par_iter()
            .map(|(input, setup)| outcome(input, setup))
            .collect()
    }))
}

/// The workers: `jobs` threads (0 for one per core), each with a deep stack.
fn worker_pool(jobs: usize) -> io::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs_or_cores(jobs))
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("kaiji-worker-{i}"))
        .build()
        .map_err(io::Error::other)
}

/// `jobs`, or one per core for 0.
fn jobs_or_cores(jobs: usize) -> usize {
    match jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// A document found in a folder with no item of the form is no application (an
/// attachment, a README saved as .docx): `not-an-application`.
fn set_aside_if_no_application(outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Document(d) if d.items.is_empty() && d.unmapped.is_empty() => {
            Outcome::Error(ErrorResult {
                schema: SCHEMA,
                source: d.source,
                error: IngestError::new(
                    ErrorKind::NotAnApplication,
                    "様式の項目が一つもありません：申請書ではありません（添付資料？）",
                ),
            })
        }
        outcome => outcome,
    }
}

/// The result for a file on which a stage panicked: reported like any unreadable file,
/// so that one such file does not stop the batch.
fn internal_error(file: &Path, shown: &str, panic: &(dyn std::any::Any + Send)) -> Outcome {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Outcome::Error(ErrorResult {
        schema: SCHEMA,
        source: Source {
            path: shown.to_string(),
            format: file
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_lowercase(),
            sha256: None,
        },
        error: IngestError::new(
            ErrorKind::Unreadable,
            format!("kaiji がこのファイルで失敗しました（内部エラー。詳細：{what}）"),
        ),
    })
}

/// A result as the HTML report uses it: of its answers only those naming the
/// application and those of the items its findings are about (their context).
fn slim(outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Document(mut d) => {
            let flagged: std::collections::BTreeSet<u32> =
                d.findings.iter().filter_map(|f| f.item).collect();
            d.items.retain_mut(|item| {
                if !flagged.contains(&item.number) {
                    item.fields
                        .retain(|f| pipeline::NAMING_FIELDS.contains(&(item.number, f.index)));
                }
                !item.fields.is_empty()
            });
            d.unmapped = Vec::new();
            Outcome::Document(d)
        }
        error => error,
    }
}

/// `pretty` (one value pretty-printed) as an element of a pretty-printed array: every
/// line indented by two spaces. JSON strings hold no raw line break, so every line break
/// in `pretty` is the printer's.
fn indent_element(out: &mut Vec<u8>, pretty: &[u8]) {
    out.reserve(pretty.len() + pretty.len() / 8);
    for line in pretty.split(|&b| b == b'\n') {
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(b"  ");
        out.extend_from_slice(line);
    }
}

/// Which inputs a worker may start: those before `written` + `window`.
struct Window {
    written: Mutex<usize>,
    moved: Condvar,
    window: usize,
    stop: AtomicBool,
}

impl Window {
    /// Waits until input `index` may start; false when the batch is stopping.
    fn enter(&self, index: usize) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        while index >= *written + self.window && !self.stop.load(Ordering::Relaxed) {
            written = self.moved.wait(written).unwrap_or_else(|e| e.into_inner());
        }
        !self.stop.load(Ordering::Relaxed)
    }

    fn advance(&self, written: usize) {
        *self.written.lock().unwrap_or_else(|e| e.into_inner()) = written;
        self.moved.notify_all();
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _guard = self.written.lock().unwrap_or_else(|e| e.into_inner());
        self.moved.notify_all();
    }
}

/// The outputs, written in input order.
struct Writer {
    sink: Sink,
    format: Format,
    findings: Option<AtomicFile>,
    kept: Vec<Outcome>,
    written: usize,
    summary: Summary,
    progress: ProgressBar,
}

impl Writer {
    fn write(&mut self, done: Done) -> io::Result<()> {
        if self.format == Format::Json {
            let separator: &[u8] = if self.written == 0 { b"[\n" } else { b",\n" };
            self.sink.writer().write_all(separator)?;
        }
        if self.format == Format::Human {
            // Between the progress bar's redraws, and at once: a person is watching.
            let sink = &mut self.sink;
            self.progress.suspend(|| {
                sink.writer().write_all(&done.main)?;
                sink.writer().flush()
            })?;
        } else {
            self.sink.writer().write_all(&done.main)?;
        }
        if let Some(file) = &mut self.findings {
            file.write_all(&done.findings)?;
        }
        self.kept.extend(done.kept);
        let summary = &mut self.summary;
        summary.bytes += done.bytes;
        match done.status {
            Status::Document(verdict) => {
                summary.documents += 1;
                if let Some(verdict) = verdict {
                    summary.worst = summary.worst.max(verdict);
                    match verdict {
                        Verdict::Reject => summary.reject += 1,
                        Verdict::Review => summary.review += 1,
                        Verdict::Pass => summary.pass += 1,
                    }
                }
            }
            Status::Failed(kind, line) => {
                summary.errors += 1;
                match summary.error_kinds.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => summary.error_kinds.push((kind, 1)),
                }
                self.progress
                    .set_message(format!("読めないファイル {} 件", summary.errors));
                // The human lines already say it.
                if self.format != Format::Human {
                    self.progress.suspend(|| eprintln!("{line}"));
                }
            }
            Status::SetAside => summary.set_aside += 1,
        }
        self.written += 1;
        Ok(())
    }
}

/// Why a batch stopped short.
#[derive(Debug)]
pub enum Failure {
    /// The batch cannot run as asked (an output that cannot be created, an output that
    /// is one of the inputs): nothing was processed.
    Usage(String),
    /// An output could not be written while the batch ran.
    Output(io::Error),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) => f.write_str(message),
            Failure::Output(error) => write!(f, "結果を書き出せませんでした（詳細：{error}）"),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        Failure::Output(error)
    }
}

/// The batch's destinations, each with the option that names it.
fn destinations(batch: &Batch) -> Vec<(&'static str, &Path)> {
    [
        ("-o", batch.output.as_deref()),
        ("--report", batch.report.as_deref()),
        ("--findings-csv", batch.findings_csv.as_deref()),
    ]
    .into_iter()
    .filter_map(|(option, path)| Some((option, path?)))
    .collect()
}

/// The inputs, without the batch's own outputs; an output that is an application (or a
/// file named as an input) is a usage error, since writing it would destroy an input.
pub(crate) fn inputs_apart_from_outputs(
    paths: &[PathBuf],
    destinations: &[(&'static str, &Path)],
) -> Result<Vec<Input>, Failure> {
    let mut files = inputs::collect(paths);
    for &(option, destination) in destinations {
        let Some(place) = inputs::identity(destination) else {
            continue;
        };
        let mut failure = None;
        files.retain(|input| {
            let file = &input.path;
            let same = file.file_name() == destination.file_name()
                && inputs::identity(file).as_ref() == Some(&place);
            if same && (input.named || is_application(file)) {
                failure = Some(Failure::Usage(format!(
                    "`{option} {}`：入力の一つです。書き出すとその入力が置き換わってしまいます",
                    destination.display()
                )));
            }
            !same
        });
        if let Some(failure) = failure {
            return Err(failure);
        }
    }
    Ok(files)
}

/// Whether the file's content is a format kaiji reads (rather than a previous run's
/// results).
fn is_application(file: &Path) -> bool {
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    std::fs::read(file).is_ok_and(|bytes| {
        crate::ingest::sniff::sniff(&bytes, extension) != crate::ingest::sniff::Sniffed::Unknown
    })
}

/// An output file created before any work, so that a path that cannot be written stops
/// the batch at once, naming the option.
pub(crate) fn create(option: &str, path: &Path) -> Result<AtomicFile, Failure> {
    AtomicFile::create(path).map_err(|e| {
        Failure::Usage(format!(
            "`{option} {}`：書き出せません（詳細：{e}）",
            path.display()
        ))
    })
}

/// Runs a batch and writes its outputs.
pub fn run(batch: &Batch) -> Result<Summary, Failure> {
    let started = Instant::now();
    let setup = Setup {
        limits: &batch.limits,
        ..Setup::builtin(batch.stages)
    };
    // Taken once, before any work: a file added or removed while the batch runs
    // changes nothing.
    let all = inputs_apart_from_outputs(&batch.paths, &destinations(batch))?;
    if all.is_empty() {
        // Not an error (every input, of none, was processed), but never silence.
        let paths: Vec<String> = batch
            .paths
            .iter()
            .map(|p| inputs::shown(p).into_owned())
            .collect();
        eprintln!(
            "{}",
            report::terminal::escape_controls(&format!(
                "kaiji: 入力ファイルがありません：{}",
                paths.join("、")
            ))
        );
    }
    let range = batch
        .shard
        .map_or(0..all.len(), |shard| shard.range(all.len()));
    let files = all.into_iter().skip(range.start).take(range.len());
    let first_part = batch.shard.is_none_or(Shard::is_first);
    let jobs = jobs_or_cores(batch.jobs);
    let sink = match &batch.output {
        Some(path) => Sink::File(create("-o", path)?),
        None => Sink::Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout())),
    };
    let findings = batch
        .findings_csv
        .as_deref()
        .map(|path| create("--findings-csv", path))
        .transpose()?;
    let report_file = batch
        .report
        .as_deref()
        .map(|path| create("--report", path))
        .transpose()?;
    let progress = ProgressBar::new(range.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} 件  {rate}  残り {remaining}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |state: &ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{:.0} 件/秒", state.per_sec());
            })
            .with_key(
                "remaining",
                |state: &ProgressState, w: &mut dyn fmt::Write| {
                    let _ = w.write_str(&remaining(state.eta()));
                },
            ),
    );
    let mut findings_header = Vec::new();
    report::csv::write_findings(&mut findings_header, &[], setup.catalog())?;
    let render = Render {
        setup,
        format: batch.format,
        findings_csv: batch.findings_csv.is_some(),
        report: batch.report.is_some(),
        findings_header,
    };
    let mut writer = Writer {
        sink,
        format: batch.format,
        findings,
        kept: Vec::new(),
        written: 0,
        summary: Summary {
            files: 0,
            documents: 0,
            errors: 0,
            set_aside: 0,
            worst: Verdict::Pass,
            reject: 0,
            review: 0,
            pass: 0,
            error_kinds: Vec::new(),
            bytes: 0,
            elapsed: Duration::ZERO,
        },
        progress: progress.clone(),
    };
    if batch.format == Format::Csv && first_part {
        report::csv::write_answers_header(writer.sink.writer())?;
    }
    if let (Some(file), true) = (&mut writer.findings, first_part) {
        file.write_all(&render.findings_header)?;
    }

    process_in_order(files, jobs, &render, &mut writer)?;

    if batch.format == Format::Json {
        let end: &[u8] = if writer.written == 0 {
            b"[]\n"
        } else {
            b"\n]\n"
        };
        writer.sink.writer().write_all(end)?;
    }
    let Writer {
        sink,
        findings,
        kept,
        mut summary,
        ..
    } = writer;
    sink.finish()?;
    if let Some(file) = findings {
        file.commit()?;
    }
    if let Some(mut file) = report_file {
        report::html::write_html(&mut file, &kept, setup.catalog())?;
        file.commit()?;
    }
    progress.finish_and_clear();
    summary
        .error_kinds
        .sort_by_key(|(kind, _)| ErrorKind::ALL.iter().position(|k| k == kind));
    summary.files = summary.documents + summary.errors + summary.set_aside;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The time left as the progress bar shows it: 「45 秒」, 「3 分 20 秒」, 「2 時間 5 分」.
fn remaining(eta: Duration) -> String {
    let seconds = eta.as_secs();
    match seconds {
        0..60 => format!("{seconds} 秒"),
        60..3600 => format!("{} 分 {} 秒", seconds / 60, seconds % 60),
        _ => format!("{} 時間 {} 分", seconds / 3600, seconds % 3600 / 60),
    }
}

/// Every file through `render` on `jobs` workers, each result handed to `writer` in the
/// order of `files` as soon as it and all before it are done.
fn process_in_order(
    files: impl Iterator<Item = Input> + Send,
    jobs: usize,
    render: &Render,
    writer: &mut Writer,
) -> io::Result<()> {
    let pool = worker_pool(jobs)?;
    // The files, numbered, taken in order by whichever worker is free.
    let files = Mutex::new(files.enumerate());
    let claimed = AtomicUsize::new(0);
    let window = Window {
        written: Mutex::new(0),
        moved: Condvar::new(),
        window: WINDOW_PER_JOB * jobs,
        stop: AtomicBool::new(false),
    };
    let (sender, results) = mpsc::channel::<(usize, io::Result<Done>)>();
    pool.in_place_scope(|scope| {
        for _ in 0..jobs {
            let (sender, files, claimed, window) = (sender.clone(), &files, &claimed, &window);
            scope.spawn(move |_| {
                loop {
                    let next = files.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((index, file)) = next else {
                        break;
                    };
                    claimed.fetch_add(1, Ordering::Relaxed);
                    if !window.enter(index) {
                        break;
                    }
                    if sender.send((index, render.one(&file))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Results arrive in any order; each is written once all before it are.
        let mut waiting: BTreeMap<usize, io::Result<Done>> = BTreeMap::new();
        let outcome = (|| {
            for (index, done) in &results {
                writer.progress.inc(1);
                waiting.insert(index, done);
                while let Some(done) = waiting.remove(&writer.written) {
                    writer.write(done?)?;
                }
                window.advance(writer.written);
            }
            if writer.written < claimed.load(Ordering::Relaxed) {
                return Err(io::Error::other("処理の途中でワーカーが止まりました"));
            }
            Ok(())
        })();
        if outcome.is_err() {
            window.halt();
        }
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_elements_make_the_same_array_as_the_whole_batch() {
        let values = [
            serde_json::json!({"a": 1, "b": {"c": [1, 2], "d": "x\ny"}}),
            serde_json::json!({"e": [], "f": {}}),
            serde_json::json!("s"),
        ];
        for n in 0..=values.len() {
            let whole = serde_json::to_vec_pretty(&values[..n]).unwrap();
            let mut parts = Vec::new();
            for (i, value) in values[..n].iter().enumerate() {
                parts.extend_from_slice(if i == 0 { b"[\n" } else { b",\n" });
                let mut element = Vec::new();
                indent_element(&mut element, &serde_json::to_vec_pretty(value).unwrap());
                parts.extend_from_slice(&element);
            }
            parts.extend_from_slice(if n == 0 { b"[]" } else { b"\n]" });
            assert_eq!(
                String::from_utf8(parts).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn time_left_reads_in_japanese() {
        assert_eq!(remaining(Duration::from_secs(45)), "45 秒");
        assert_eq!(remaining(Duration::from_secs(200)), "3 分 20 秒");
        assert_eq!(remaining(Duration::from_secs(7500)), "2 時間 5 分");
    }

    #[test]
    fn summary_reads_as_one_line() {
        let summary = Summary {
            files: 11,
            documents: 8,
            errors: 2,
            set_aside: 1,
            worst: Verdict::Reject,
            reject: 1,
            review: 6,
            pass: 1,
            error_kinds: vec![(ErrorKind::Unsupported, 1), (ErrorKind::Unreadable, 1)],
            bytes: 2_000_000,
            elapsed: Duration::from_secs(2),
        };
        assert_eq!(
            summary.to_string(),
            "11 件を 2.0 秒で処理（6 件/秒、1.0 MB/秒）：申請書 8 件（非認定の可能性 1・要確認 6・\
             問題なし 1）、読み取れないファイル 2 件（対応していない形式 1・破損・読み取り不能 1）、\
             申請書以外 1 件"
        );
    }
}
