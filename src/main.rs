//! The `kaiji` command line (see the contract in the README).

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use kaiji::batch::{self, Batch, Format};
use kaiji::catalog::Catalog;
use kaiji::check::{self, CrossChecks};
use kaiji::findings::Verdict;
use kaiji::ingest::Limits;
use kaiji::inputs::Shard;
use kaiji::pipeline::Stages;
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
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
        /// [default: jsonl; one line per application when stdout is a terminal]
        #[arg(long, value_enum)]
        format: Option<ExtractFormat>,
        /// Write the results to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Extract, then check each application against the guide's rules.
    Check {
        /// Files or directories (walked recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// [default: jsonl; one line per application when stdout is a terminal]
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
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
        #[command(flatten)]
        run: RunArgs,
    },
    /// Read legacy forms (older editions, ASP・SaaS-era layouts, re-typed forms) by what
    /// their labels say, and write their answers under today's item numbers.
    Migrate {
        /// Files or directories (walked recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// [default: jsonl; one line per application when stdout is a terminal]
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// Write the results to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Print the item catalog the tool works from.
    Catalog {
        #[arg(long, value_enum, default_value_t = JsonOnly::Json)]
        format: JsonOnly,
    },
    /// Print every rule the checker runs.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Json)]
        format: RulesFormat,
    },
}

/// How a batch runs: in parallel, and over which part of its inputs.
#[derive(Args)]
struct RunArgs {
    /// Take only part K of N of the inputs: contiguous ranges of the input list (in its
    /// sorted order), so that N workers given the same PATHs each take one part, and
    /// their outputs concatenated in part order equal one run's, byte for byte.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Files processed at once [default: one per core].
    #[arg(short, long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Print the summary at the end (documents by verdict, errors by kind, time) on stderr
    /// even when it is not a terminal.
    #[arg(long)]
    summary: bool,
    /// Set a limit on what one file may cost, e.g. `--limit max_cells=500000` or
    /// `--limit max_time_per_file=10` (repeatable; over the KAIJI_MAX_… environment).
    #[arg(long, value_name = "NAME=VALUE")]
    limit: Vec<String>,
}

impl RunArgs {
    fn jobs(&self) -> usize {
        self.jobs.map_or(0, NonZeroUsize::get)
    }

    /// The limits: the defaults, then the environment's, then `--limit`'s. One that does
    /// not parse is a usage error naming it, never a silent default.
    fn limits(&self) -> Limits {
        let usage = |message: String| -> ! {
            Cli::command()
                .error(clap::error::ErrorKind::InvalidValue, message)
                .exit()
        };
        let mut limits = Limits::from_env().unwrap_or_else(|e| usage(e));
        for setting in &self.limit {
            let Some((name, value)) = setting.split_once('=') else {
                usage(format!("--limit {setting}: expected NAME=VALUE"))
            };
            if let Err(e) = limits.set(name.trim(), value) {
                usage(format!("--limit {setting}: {e}"));
            }
        }
        limits
    }
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

impl From<ExtractFormat> for Format {
    fn from(format: ExtractFormat) -> Format {
        match format {
            ExtractFormat::Jsonl => Format::Jsonl,
            ExtractFormat::Json => Format::Json,
            ExtractFormat::Csv => Format::Csv,
        }
    }
}

impl From<CheckFormat> for Format {
    fn from(format: CheckFormat) -> Format {
        match format {
            CheckFormat::Jsonl => Format::Jsonl,
            CheckFormat::Json => Format::Json,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum JsonOnly {
    Json,
}

/// `kaiji rules`: the registry as JSON, or as the README's table.
#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Reject,
    Review,
}

/// Exit status when `--fail-on` is met (the contract's 4).
const FAILED_ON: u8 = 4;
/// Exit status of a usage error (clap's, and the contract's 2).
const USAGE: u8 = 2;
/// Exit status when an output could not be written: distinct from 1 (some input could
/// not be read, the results are complete), since the results are then missing.
const OUTPUT_FAILED: u8 = 3;
/// Exit status after SIGINT or SIGTERM (128 + SIGINT, as shells report it).
const INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // An interrupted run leaves no temporary behind; its destinations keep what they had.
    let _ = ctrlc::set_handler(|| {
        kaiji::output::remove_temporaries();
        std::process::exit(INTERRUPTED);
    });
    let result = match cli.command {
        Command::Extract {
            paths,
            format,
            output,
            run: how,
        } => {
            let batch = Batch {
                paths,
                stages: Stages::Extract,
                format: chosen(format.map(Format::from), output.as_deref()),
                output,
                report: None,
                findings_csv: None,
                jobs: how.jobs(),
                shard: how.shard,
                limits: how.limits(),
            };
            run(&batch, None, &how)
        }
        Command::Check {
            paths,
            format,
            output,
            report,
            findings_csv,
            fail_on,
            run: how,
        } => run(
            &Batch {
                paths,
                stages: Stages::Check,
                format: chosen(format.map(Format::from), output.as_deref()),
                output,
                report,
                findings_csv,
                jobs: how.jobs(),
                shard: how.shard,
                limits: how.limits(),
            },
            fail_on,
            &how,
        ),
        Command::Migrate {
            paths,
            format,
            output,
            run: how,
        } => {
            let batch = Batch {
                paths,
                stages: Stages::Migrate,
                format: chosen(format.map(Format::from), output.as_deref()),
                output,
                report: None,
                findings_csv: None,
                jobs: how.jobs(),
                shard: how.shard,
                limits: how.limits(),
            };
            run(&batch, None, &how)
        }
        Command::Catalog {
            format: JsonOnly::Json,
        } => print_json(Catalog::builtin()),
        Command::Rules { format } => {
            let rules = check::rules(Catalog::builtin(), CrossChecks::builtin());
            match format {
                RulesFormat::Json => print_json(&rules),
                RulesFormat::Markdown => io::stdout()
                    .write_all(check::rules_markdown(&rules).as_bytes())
                    .map(|()| ExitCode::SUCCESS),
            }
        }
    };
    match result {
        Ok(code) => code,
        // The reader of our output went away (`kaiji … | head`): nothing left to do.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kaiji: {error}");
            ExitCode::from(OUTPUT_FAILED)
        }
    }
}

/// Runs a batch; the exit status follows the contract.
fn run(batch: &Batch, fail_on: Option<FailOn>, how: &RunArgs) -> io::Result<ExitCode> {
    if batch.shard.is_some() && batch.format == Format::Json {
        // Arrays do not concatenate; JSON lines and CSV do.
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--shard writes parts to concatenate: use --format jsonl (or csv), not json",
            )
            .exit();
    }
    let summary = match batch::run(batch) {
        Ok(summary) => summary,
        Err(batch::Failure::Usage(message)) => {
            eprintln!("kaiji: {message}");
            return Ok(ExitCode::from(USAGE));
        }
        Err(batch::Failure::Output(error)) => return Err(error),
    };
    if how.summary || io::stderr().is_terminal() {
        match batch.shard {
            Some(shard) => eprintln!("kaiji: シャード {shard}: {summary}"),
            None => eprintln!("kaiji: {summary}"),
        }
        if let Some(report) = &batch.report {
            eprintln!(
                "kaiji: 事前審査レポートを書き出しました：{}",
                report.display()
            );
        }
    }
    let failed_on = match fail_on {
        Some(FailOn::Reject) => summary.worst == Verdict::Reject,
        Some(FailOn::Review) => summary.worst >= Verdict::Review,
        None => false,
    };
    Ok(if failed_on {
        ExitCode::from(FAILED_ON)
    } else if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The results' format: as asked; otherwise JSON lines, or for a person at a terminal
/// (stdout a terminal, no `-o`) one line per application, as ripgrep does.
fn chosen(format: Option<Format>, output: Option<&std::path::Path>) -> Format {
    match format {
        Some(format) => format,
        None if output.is_none() && io::stdout().is_terminal() => Format::Human,
        None => Format::Jsonl,
    }
}

fn print_json(value: &impl serde::Serialize) -> io::Result<ExitCode> {
    let mut stdout = io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value).map_err(io::Error::other)?;
    writeln!(stdout)?;
    Ok(ExitCode::SUCCESS)
}
