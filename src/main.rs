//! The `kaiji` command line (see the contract in the README).

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use kaiji::batch::{self, Batch, Format};
use kaiji::catalog::Catalog;
use kaiji::check::{self, CrossChecks};
use kaiji::findings::Verdict;
use kaiji::ingest::Limits;
use kaiji::inputs::Shard;
use kaiji::pipeline::Stages;
use kaiji::renewal::{self, Renewal};
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

/// jemalloc rather than glibc's malloc: reading a document makes and drops many small
/// strings and vectors, and glibc's bins and consolidation were a tenth of a PDF's wall
/// clock. jemalloc keeps peak RSS close to glibc's (mimalloc, tried twice, nearly doubled
/// it); `bench/README.md` has the figures. It does not build for MSVC.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "kaiji",
    version,
    about = "IoTクラウドサービス（IaaS・PaaS）情報開示認定の申請書を読み取り、事前審査する",
    override_usage = "kaiji <コマンド> [オプション]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 使い方を表示する
    #[arg(short, long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 版を表示する
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// 申請書ごとに、各項目の回答を見つけて値の種類ごとに読み取る
    #[command(override_usage = "kaiji extract [オプション] PATH...")]
    Extract {
        /// ファイルまたはフォルダ（フォルダは中を順にたどる）
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// 結果の形式：jsonl、json、csv［既定：jsonl。標準出力が端末なら申請書ごとに 1 行］
        #[arg(long, value_enum)]
        format: Option<ExtractFormat>,
        /// 結果を標準出力ではなくこのファイルに書く
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// 回答を読み取り、申請書ごとにガイドの規則で点検する
    #[command(override_usage = "kaiji check [オプション] PATH...")]
    Check {
        /// ファイルまたはフォルダ（フォルダは中を順にたどる）
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// 結果の形式：jsonl、json［既定：jsonl。標準出力が端末なら申請書ごとに 1 行］
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// 結果を標準出力ではなくこのファイルに書く
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// バッチ全体の事前審査レポート（HTML 1 ファイル）も書く
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
        /// すべての指摘を表計算ソフト向けの CSV にも書く
        #[arg(long, value_name = "FILE.csv")]
        findings_csv: Option<PathBuf>,
        /// いずれかの申請書の判定がこれ（reject＝非認定の可能性、review＝要確認）以下なら終了ステータス 4 で終える
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// 旧様式（旧版、ASP・SaaS 時代の様式、打ち直した様式）をラベルの文言で読み取り、回答を今の項目番号で書く
    #[command(override_usage = "kaiji migrate [オプション] PATH...")]
    Migrate {
        /// ファイルまたはフォルダ（フォルダは中を順にたどる）
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// 結果の形式：jsonl、json［既定：jsonl。標準出力が端末なら申請書ごとに 1 行］
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// 結果を標準出力ではなくこのファイルに書く
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// 更新申請を前回の申請と比べ、変わった回答と更新申請の規則の指摘を申請書の組ごとに書く
    #[command(override_usage = "kaiji diff [オプション] 前回 今回")]
    Diff {
        /// 前回（認定済み）の申請書：ファイルまたはフォルダ
        #[arg(value_name = "前回")]
        previous: PathBuf,
        /// 今回（更新申請）の申請書：ファイルまたはフォルダ。フォルダどうしなら、事業者名とサービス名称、次にファイル名（拡張子を除く）で組にする
        #[arg(value_name = "今回")]
        current: PathBuf,
        /// 結果の形式：jsonl、json［既定：jsonl。標準出力が端末なら組ごとに 1 行］
        #[arg(long, value_enum)]
        format: Option<CheckFormat>,
        /// 結果を標準出力ではなくこのファイルに書く
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 今回の申請書の事前審査レポート（HTML 1 ファイル、前回との差分つき）も書く
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
        /// いずれかの組の判定がこれ（reject＝非認定の可能性、review＝要確認）以下なら終了ステータス 4 で終える
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// 読み取りと点検のもとになる項目カタログを表示する
    #[command(override_usage = "kaiji catalog [オプション]")]
    Catalog {
        /// 形式：json［既定］
        #[arg(long, value_enum, default_value_t = JsonOnly::Json)]
        format: JsonOnly,
    },
    /// 点検で使う規則をすべて表示する
    #[command(override_usage = "kaiji rules [オプション]")]
    Rules {
        /// 形式：json［既定］、markdown（README の表）
        #[arg(long, value_enum, default_value_t = RulesFormat::Json)]
        format: RulesFormat,
    },
    /// コマンドの使い方を表示する（kaiji help check）
    #[command(override_usage = "kaiji help [コマンド]")]
    Help {
        /// 使い方を表示するコマンド
        #[arg(value_name = "コマンド")]
        command: Option<String>,
    },
}

/// How a batch runs: in parallel, and over which part of its inputs.
#[derive(Args)]
struct RunArgs {
    /// 入力の N 分の K 番目だけを処理する：入力の一覧（整列順）を連続した範囲に分けるので、同じ PATH を与えた N 個のワーカーが一つずつ受け持ち、その出力を K の順につなぐと一度に処理したときとバイト単位で同じになる
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// 同時に処理するファイルの数［既定：コアごとに 1］
    #[arg(short, long, value_name = "N", value_parser = jobs)]
    jobs: Option<NonZeroUsize>,
    /// 最後の要約（判定ごとの申請書の数、種類ごとの読み取れないファイル、時間）を、標準エラーが端末でなくても出す
    #[arg(long)]
    summary: bool,
    /// 1 ファイルにかけてよい上限を設定する（例：`--limit max_cells=500000`、`--limit max_time_per_file=10`。繰り返し可。環境変数 KAIJI_MAX_… より優先）
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
        let mut limits = Limits::from_env().unwrap_or_else(|e| usage(&e));
        for setting in &self.limit {
            let Some((name, value)) = setting.split_once('=') else {
                usage(&format!(
                    "`--limit {setting}`：NAME=VALUE の形で指定してください（例：max_cells=500000）"
                ))
            };
            if let Err(e) = limits.set(name.trim(), value) {
                usage(&format!("`--limit {setting}`：{e}"));
            }
        }
        limits
    }
}

/// `--jobs N`: a count of at least one (0 would run nothing).
fn jobs(text: &str) -> Result<NonZeroUsize, String> {
    text.trim()
        .parse::<NonZeroUsize>()
        .map_err(|_| "1 以上の整数を指定してください（省略するとコアごとに 1）".to_string())
}

/// The command line as clap parses it, with everything clap writes itself for people in
/// Japanese: the help's headings and template, and no English defaults or value lists
/// (each option's own text names them).
fn cli() -> clap::Command {
    let template = "{about-with-newline}\n使い方：{usage}\n\n{all-args}{after-help}";
    let japanese = |command: clap::Command| {
        command
            .help_template(template)
            .subcommand_help_heading("コマンド")
            .subcommand_value_name("コマンド")
            .disable_help_flag(true)
            .mut_args(|arg| {
                let heading = if arg.is_positional() {
                    "引数"
                } else {
                    "オプション"
                };
                let values = arg.get_action().takes_values();
                arg.help_heading(heading)
                    .hide_possible_values(values)
                    .hide_default_value(values)
            })
    };
    japanese(Cli::command()).mut_subcommands(japanese)
}

/// A usage error of ours: on stderr, exit 2.
fn usage(message: &str) -> ! {
    eprintln!("kaiji: {message}");
    std::process::exit(USAGE.into())
}

/// clap's own parse errors in Japanese, naming the argument and the value at fault.
fn parse_error(error: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let get = |kind| error.get(kind).map_or(String::new(), ToString::to_string);
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    // `--jobs <N>` as the person typed it: `--jobs`.
    let arg = arg.split(' ').next().unwrap_or_default();
    let message = match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} に値を指定してください"),
        ErrorKind::InvalidValue => format!(
            "{arg} の値「{value}」は使えません：指定できる値は {} です",
            get(ContextKind::ValidValue).replace(", ", "、")
        ),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(error).map_or(String::new(), ToString::to_string);
            format!("{arg} の値「{value}」は使えません：{why}")
        }
        ErrorKind::UnknownArgument => format!("{arg} というオプションはありません"),
        ErrorKind::InvalidSubcommand => format!(
            "{} というコマンドはありません",
            get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => format!("{arg} を指定してください"),
        ErrorKind::MissingSubcommand => "コマンドを指定してください".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "{arg} と {} は同時に指定できません",
            get(ContextKind::PriorArg)
        ),
        ErrorKind::NoEquals => format!("{arg} には = で値を付けてください"),
        ErrorKind::TooManyValues => format!("{arg}：値 {value} は余分です"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg}：値の数が違います")
        }
        ErrorKind::InvalidUtf8 => "引数が UTF-8 ではありません".to_string(),
        _ => "引数が正しくありません".to_string(),
    };
    format!("{message}（使い方：kaiji --help）")
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
    let cli = match cli().try_get_matches() {
        Ok(matches) => Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit()),
        // The help and the version, which clap prints as they are.
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            e.exit()
        }
        Err(e) => usage(&parse_error(&e)),
    };
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
        Command::Diff {
            previous,
            current,
            format,
            output,
            report,
            fail_on,
            run: how,
        } => {
            if how.shard.is_some() {
                usage(
                    "kaiji diff は前回と今回のすべての申請書を組にするので、--shard は使えません",
                );
            }
            let renewal = Renewal {
                previous,
                current,
                format: chosen(format.map(Format::from), output.as_deref()),
                output,
                report,
                jobs: how.jobs(),
                limits: how.limits(),
            };
            diff(&renewal, fail_on, &how)
        }
        Command::Catalog {
            format: JsonOnly::Json,
        } => print_json(Catalog::builtin()),
        Command::Help { command } => print_help(command.as_deref()),
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
            eprintln!("kaiji: 結果を書き出せませんでした（詳細：{error}）");
            ExitCode::from(OUTPUT_FAILED)
        }
    }
}

/// Runs a batch; the exit status follows the contract.
fn run(batch: &Batch, fail_on: Option<FailOn>, how: &RunArgs) -> io::Result<ExitCode> {
    if batch.shard.is_some() && batch.format == Format::Json {
        // Arrays do not concatenate; JSON lines and CSV do.
        usage(
            "--shard はつなげる部分を書くので、`--format json` ではなく `--format jsonl`\
             （または `csv`）を指定してください",
        );
    }
    let summary = match ran(batch::run(batch))? {
        Ok(summary) => summary,
        Err(usage) => return Ok(usage),
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
    Ok(exit_code(fail_on, summary.worst, summary.errors))
}

/// A run's summary, or the usage error's exit status once the error is shown; a failure
/// to write the output is the caller's error.
fn ran<T>(result: Result<T, batch::Failure>) -> io::Result<Result<T, ExitCode>> {
    match result {
        Ok(summary) => Ok(Ok(summary)),
        Err(batch::Failure::Usage(message)) => {
            eprintln!("kaiji: {message}");
            Ok(Err(ExitCode::from(USAGE)))
        }
        Err(batch::Failure::Output(error)) => Err(error),
    }
}

/// Runs a diff; the exit status follows the contract, as for a batch.
fn diff(renewal: &Renewal, fail_on: Option<FailOn>, how: &RunArgs) -> io::Result<ExitCode> {
    let summary = match ran(renewal::run(renewal))? {
        Ok(summary) => summary,
        Err(usage) => return Ok(usage),
    };
    if how.summary || io::stderr().is_terminal() {
        eprintln!("kaiji: {summary}");
        if let Some(report) = &renewal.report {
            eprintln!(
                "kaiji: 事前審査レポートを書き出しました：{}",
                report.display()
            );
        }
    }
    Ok(exit_code(fail_on, summary.worst, summary.errors))
}

/// The contract's exit status: 4 when `--fail-on` is met, else 1 when some input could
/// not be read, else 0.
fn exit_code(fail_on: Option<FailOn>, worst: Verdict, errors: usize) -> ExitCode {
    let failed_on = match fail_on {
        Some(FailOn::Reject) => worst == Verdict::Reject,
        Some(FailOn::Review) => worst >= Verdict::Review,
        None => false,
    };
    if failed_on {
        ExitCode::from(FAILED_ON)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
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

/// `kaiji help [COMMAND]`: the help of the command named, or of kaiji.
fn print_help(name: Option<&str>) -> io::Result<ExitCode> {
    let mut command = cli();
    // Built, so that each command's help lists the global options too.
    command.build();
    match name {
        None => command.print_help()?,
        Some(name) => match command.find_subcommand_mut(name) {
            Some(sub) => sub.print_help()?,
            None => usage(&format!(
                "{name} というコマンドはありません（使い方：kaiji --help）"
            )),
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(value: &impl serde::Serialize) -> io::Result<ExitCode> {
    let mut stdout = io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value).map_err(io::Error::other)?;
    writeln!(stdout)?;
    Ok(ExitCode::SUCCESS)
}
