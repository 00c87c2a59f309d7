//! `kaiji diff`: renewal applications against the applications before them.
//!
//! Both sides are read by the batch's workers in one pass (the previous applications as
//! `extract` reads them, the renewals as `check` does, for the report), so that a diff
//! costs about what checking both sides costs. The applications are then paired by
//! identity (`diff::pairing`), each pair compared (`diff::pair`), and the objects
//! written in the order of the current side, the withdrawn applications last.

use crate::batch::{self, Failure, Format};
use crate::diff::{self, PairResult, Pairing, pairing};
use crate::findings::Verdict;
use crate::ingest::Limits;
use crate::inputs::Input;
use crate::pipeline::{Outcome, Setup, Stages};
use crate::report;
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to compare, and where the results go.
#[derive(Debug, Clone)]
pub struct Renewal {
    /// The previously certified applications: a file or a folder.
    pub previous: PathBuf,
    /// The renewals: a file or a folder.
    pub current: PathBuf,
    /// `Jsonl`, `Json`, or `Human` for a person at a terminal.
    pub format: Format,
    pub output: Option<PathBuf>,
    /// The pre-screening report of the renewals, with what changed.
    pub report: Option<PathBuf>,
    /// Files processed at once; 0 for one per core.
    pub jobs: usize,
    pub limits: Limits,
}

/// What a diff found: for the exit status and the summary at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Applications paired with a previous one.
    pub pairs: usize,
    /// Of those, the pairs with an answer added, removed or changed.
    pub changed: usize,
    pub new: usize,
    pub withdrawn: usize,
    /// Inputs that could not be read.
    pub errors: usize,
    /// Files found in the folders that are no application, left out of the pairing.
    pub set_aside: usize,
    /// The worst verdict of any pair.
    pub worst: Verdict,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    /// 「組 12 件（変更あり 10・変更なし 2）、新規 1 件、取り下げ 1 件、読み取れないファイル 0 件（3.2 秒）」
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "前回と今回の組 {} 件（変更あり {}・変更なし {}）、新規 {} 件、取り下げ {} 件、読み取れないファイル {} 件",
            self.pairs,
            self.changed,
            self.pairs - self.changed,
            self.new,
            self.withdrawn,
            self.errors
        )?;
        if self.set_aside > 0 {
            write!(f, "、申請書以外 {} 件", self.set_aside)?;
        }
        write!(f, "（{:.1} 秒）", self.elapsed.as_secs_f64())
    }
}

/// One side's applications: their inputs and results, without the files that are no
/// application.
struct Side {
    inputs: Vec<Input>,
    outcomes: Vec<Outcome>,
}

/// Runs a diff and writes its outputs.
pub fn run(renewal: &Renewal) -> Result<Summary, Failure> {
    let started = Instant::now();
    let destinations: Vec<(&'static str, &std::path::Path)> = [
        ("-o", renewal.output.as_deref()),
        ("--report", renewal.report.as_deref()),
    ]
    .into_iter()
    .filter_map(|(option, path)| Some((option, path?)))
    .collect();
    let previous =
        batch::inputs_apart_from_outputs(std::slice::from_ref(&renewal.previous), &destinations)?;
    let current =
        batch::inputs_apart_from_outputs(std::slice::from_ref(&renewal.current), &destinations)?;
    let mut sink = match &renewal.output {
        Some(path) => Some(batch::create("-o", path)?),
        None => None,
    };
    let report_file = renewal
        .report
        .as_deref()
        .map(|path| batch::create("--report", path))
        .transpose()?;
    let setup = |stages| Setup {
        limits: &renewal.limits,
        ..Setup::builtin(stages)
    };
    let work: Vec<(Input, Setup)> = previous
        .iter()
        .map(|input| (input.clone(), setup(Stages::Extract)))
        .chain(
            current
                .iter()
                .map(|input| (input.clone(), setup(Stages::Check))),
        )
        .collect();
    let mut outcomes = batch::read_all(&work, renewal.jobs)?;
    let current_outcomes = outcomes.split_off(previous.len());
    let mut set_aside = 0;
    let mut side = |inputs: Vec<Input>, outcomes: Vec<Outcome>| {
        let (inputs, outcomes): (Vec<Input>, Vec<Outcome>) = inputs
            .into_iter()
            .zip(outcomes)
            .filter(|(input, outcome)| {
                let no_application = !input.named
                    && matches!(outcome, Outcome::Error(e) if e.error.kind.is_no_application());
                set_aside += usize::from(no_application);
                !no_application
            })
            .unzip();
        Side { inputs, outcomes }
    };
    let previous = side(previous, outcomes);
    let current = side(current, current_outcomes);
    let catalog = setup(Stages::Check).catalog();
    let results = pairs(&previous, &current, catalog);

    let mut summary = Summary {
        pairs: 0,
        changed: 0,
        new: 0,
        withdrawn: 0,
        errors: previous
            .outcomes
            .iter()
            .chain(&current.outcomes)
            .filter(|o| matches!(o, Outcome::Error(_)))
            .count(),
        set_aside,
        worst: Verdict::Pass,
        elapsed: Duration::ZERO,
    };
    for (result, _) in &results {
        match result.pairing {
            Pairing::New => summary.new += 1,
            Pairing::Withdrawn => summary.withdrawn += 1,
            _ => {
                summary.pairs += 1;
                let counts = result.counts;
                if counts.added + counts.removed + counts.changed > 0 {
                    summary.changed += 1;
                }
            }
        }
        if let Some(verdict) = result.verdict {
            summary.worst = summary.worst.max(verdict);
        }
    }

    let mut stdout = io::BufWriter::new(io::stdout());
    let out: &mut dyn Write = match &mut sink {
        Some(file) => file,
        None => &mut stdout,
    };
    match renewal.format {
        Format::Json => {
            let objects: Vec<&PairResult> = results.iter().map(|(r, _)| r).collect();
            serde_json::to_writer_pretty(&mut *out, &objects).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
        Format::Human => {
            for (result, _) in &results {
                report::terminal::write_pair_line(out, result)?;
            }
        }
        Format::Jsonl | Format::Csv => {
            for (result, _) in &results {
                serde_json::to_writer(&mut *out, result).map_err(io::Error::other)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    if let Some(file) = sink {
        file.commit()?;
    }
    if let Some(mut file) = report_file {
        let pages: Vec<(&Outcome, &PairResult)> = results
            .iter()
            .map(|(result, shown)| (*shown, result))
            .collect();
        report::html::write_renewal_html(&mut file, &pages, catalog)?;
        file.commit()?;
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Every pair's object, with the result its page in the report shows (the renewal, or
/// the withdrawn application): the pairs and the new applications in the order of the
/// current side, then the withdrawn in the order of the previous side.
fn pairs<'a>(
    previous: &'a Side,
    current: &'a Side,
    catalog: &crate::catalog::Catalog,
) -> Vec<(PairResult, &'a Outcome)> {
    let given = |side: &Side| side.inputs.len() == 1 && side.inputs.iter().all(|i| i.named);
    let found = if given(previous) && given(current) {
        pairing::Pairs {
            pairs: vec![(0, 0, pairing::PairedBy::Given)],
            ..pairing::Pairs::default()
        }
    } else {
        let identities = |side: &Side| -> Vec<pairing::Identity> {
            side.inputs
                .iter()
                .zip(&side.outcomes)
                .map(|(input, outcome)| pairing::Identity::of(outcome, &input.path))
                .collect()
        };
        pairing::pair(&identities(previous), &identities(current))
    };
    let mut by_current: Vec<(usize, PairResult, &Outcome)> = Vec::new();
    for &(p, c, by) in &found.pairs {
        let (before, after) = (&previous.outcomes[p], &current.outcomes[c]);
        by_current.push((
            c,
            diff::pair(Some(before), Some(after), by.into(), catalog),
            after,
        ));
    }
    for &c in &found.new {
        let after = &current.outcomes[c];
        by_current.push((
            c,
            diff::pair(None, Some(after), Pairing::New, catalog),
            after,
        ));
    }
    by_current.sort_by_key(|(c, _, _)| *c);
    let mut results: Vec<(PairResult, &Outcome)> =
        by_current.into_iter().map(|(_, r, o)| (r, o)).collect();
    for &p in &found.withdrawn {
        let before = &previous.outcomes[p];
        results.push((
            diff::pair(Some(before), None, Pairing::Withdrawn, catalog),
            before,
        ));
    }
    results
}
