//! The `kaiji` command line (see the contract in the README).

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use kaiji::catalog::Catalog;
use kaiji::check::{self, CrossChecks};
use kaiji::findings::Verdict;
use kaiji::output::AtomicFile;
use kaiji::pipeline::{self, Outcome, Setup, Stages};
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
    /// Extract, then check each application against the guide's rules.
    Check {
        /// Files or directories (walked recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Jsonl)]
        format: CheckFormat,
        /// Write the results to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Also write the pre-screening report for the whole batch (one HTML file).
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
        /// Also write every finding as CSV, for spreadsheets.
        #[arg(long, value_name = "FILE.csv")]
        findings_csv: Option<PathBuf>,
        /// Exit 4 when any document's verdict is this bad or worse.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Print the item catalog the tool works from.
    Catalog {
        #[arg(long, value_enum, default_value_t = JsonOnly::Json)]
        format: JsonOnly,
    },
    /// Print every rule the checker runs.
    Rules {
        #[arg(long, value_enum, default_value_t = JsonOnly::Json)]
        format: JsonOnly,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    Jsonl,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Jsonl,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum JsonOnly {
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Reject,
    Review,
}

/// Exit status when `--fail-on` is met (the contract's 4).
const FAILED_ON: u8 = 4;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract {
            paths,
            format,
            output,
        } => {
            let format = match format {
                ExtractFormat::Jsonl => Format::Jsonl,
                ExtractFormat::Json => Format::Json,
                ExtractFormat::Csv => Format::Csv,
            };
            run(&paths, Stages::Extract, format, output, &Extras::default())
        }
        Command::Check {
            paths,
            format,
            output,
            report,
            findings_csv,
            fail_on,
        } => {
            let format = match format {
                CheckFormat::Jsonl => Format::Jsonl,
                CheckFormat::Json => Format::Json,
            };
            run(
                &paths,
                Stages::Check,
                format,
                output,
                &Extras {
                    report,
                    findings_csv,
                    fail_on,
                },
            )
        }
        Command::Catalog {
            format: JsonOnly::Json,
        } => print_json(Catalog::builtin()),
        Command::Rules {
            format: JsonOnly::Json,
        } => print_json(&check::rules(Catalog::builtin(), CrossChecks::builtin())),
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

fn print_json(value: &impl serde::Serialize) -> io::Result<ExitCode> {
    let mut stdout = io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value).map_err(io::Error::other)?;
    writeln!(stdout)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Json,
    Csv,
}

/// The batch-wide outputs of `kaiji check`.
#[derive(Default)]
struct Extras {
    report: Option<PathBuf>,
    findings_csv: Option<PathBuf>,
    fail_on: Option<FailOn>,
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

fn run(
    paths: &[PathBuf],
    stages: Stages,
    format: Format,
    output: Option<PathBuf>,
    extras: &Extras,
) -> io::Result<ExitCode> {
    let setup = Setup::builtin(stages);
    let files = inputs::collect(paths);
    let progress = ProgressBar::new(files.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} 件  {per_sec}  残り {eta}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut sink = Sink::open(output)?;
    if format == Format::Csv {
        report::csv::write_answers_header(sink.writer())?;
    }
    // Kept only for the outputs that need the whole batch at once.
    let keep_all =
        format == Format::Json || extras.report.is_some() || extras.findings_csv.is_some();
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
    if let Some(path) = &extras.findings_csv {
        let mut file = AtomicFile::create(path)?;
        report::csv::write_findings(&mut file, &collected, setup.catalog)?;
        file.commit()?;
    }
    if let Some(path) = &extras.report {
        let mut file = AtomicFile::create(path)?;
        report::html::write_html(&mut file, &collected, setup.catalog)?;
        file.commit()?;
    }
    progress.finish_and_clear();
    let failed_on = match extras.fail_on {
        Some(FailOn::Reject) => worst == Verdict::Reject,
        Some(FailOn::Review) => worst >= Verdict::Review,
        None => false,
    };
    Ok(if failed_on {
        ExitCode::from(FAILED_ON)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
