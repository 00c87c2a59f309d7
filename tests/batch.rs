//! Batches: parallel workers still write results in input order, broken files are
//! reported without stopping the rest, and `--shard K/N` parts concatenate into exactly
//! the output of one run.

mod common;

use common::kaiji;

use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    common::scratch("batch", name)
}

/// Applications in three formats (kept few: the suite runs unoptimized).
const GOOD: [&str; 3] = [
    "fixtures/spreadsheets/official-layout.xlsx",
    "fixtures/spreadsheets/split-sheets.ods",
    "fixtures/word/table-layout.docx",
];

/// A batch of `copies` × the good fixtures, interleaved with four broken files each
/// (which take no time, so that under parallelism they finish long before the documents
/// around them).
fn mixed_batch(name: &str, copies: usize) -> PathBuf {
    let dir = scratch(name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let official = std::fs::read(root.join(GOOD[0])).unwrap();
    for copy in 0..copies {
        let sub = dir.join(format!("part-{copy}"));
        std::fs::create_dir_all(&sub).unwrap();
        for (i, good) in GOOD.iter().enumerate() {
            let file = Path::new(good).file_name().unwrap().to_string_lossy();
            std::fs::copy(root.join(good), sub.join(format!("{i}a {file}"))).unwrap();
        }
        std::fs::write(sub.join("0b plain.xlsx"), "plain text named .xlsx").unwrap();
        std::fs::write(
            sub.join("2b truncated.xlsx"),
            &official[..official.len() / 3],
        )
        .unwrap();
        std::fs::write(sub.join("1b empty.ods"), b"").unwrap();
        std::fs::write(sub.join("2c notes.txt"), "not an application").unwrap();
    }
    dir
}

fn paths_of(jsonl: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(jsonl)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
            value["source"]["path"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn parallel_workers_write_in_input_order() {
    let dir = mixed_batch("order", 2);
    let dir_arg = dir.to_str().unwrap();
    let one = kaiji(&["extract", dir_arg, "--jobs", "1"]);
    let many = kaiji(&["extract", dir_arg, "--jobs", "4"]);
    assert_eq!(one.status.code(), Some(1), "some inputs are broken");
    assert_eq!(many.status.code(), Some(1));
    assert!(
        one.stdout == many.stdout,
        "the same bytes whatever the number of workers"
    );
    let paths = paths_of(&many.stdout);
    assert_eq!(paths.len(), 2 * (GOOD.len() + 4));
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "results in sorted input order");
    // The broken files are reported on stderr, in input order too.
    assert_eq!(one.stderr, many.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_batch_with_broken_files_writes_every_other_result() {
    let dir = mixed_batch("broken", 1);
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let (results, report, findings) = (
        out.join("results.jsonl"),
        out.join("report.html"),
        out.join("findings.csv"),
    );
    let output = kaiji(&[
        "check",
        dir.join("part-0").to_str().unwrap(),
        "-o",
        results.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--findings-csv",
        findings.to_str().unwrap(),
        "--summary",
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "some input could not be read"
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&results)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), GOOD.len() + 4, "one result per input");
    let errors: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l.get("error").is_some())
        .map(|l| {
            let path = l["source"]["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap();
            (name, l["error"]["kind"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("0b plain.xlsx", "unsupported"),
            ("1b empty.ods", "unreadable"),
            ("2b truncated.xlsx", "unreadable"),
            ("2c notes.txt", "unsupported"),
        ]
    );
    for line in lines.iter().filter(|l| l.get("error").is_none()) {
        assert_eq!(line["form"]["matched_by"], "item-numbers", "{line}");
        assert!(line["verdict"].is_string());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    for name in ["2b truncated.xlsx", "1b empty.ods"] {
        assert!(stderr.contains(name), "{name} reported: {stderr}");
    }
    // Files of the folder that are no application have their results, and are no failure.
    assert!(!stderr.contains("0b plain.xlsx"), "{stderr}");
    assert!(
        stderr.contains("7 件を") && stderr.contains("申請書 3 件"),
        "{stderr}"
    );
    assert!(
        stderr.contains("読み取れないファイル 2 件（破損・読み取り不能 2）、申請書以外 2 件"),
        "{stderr}"
    );
    // The batch-wide outputs cover every input, errors included.
    let html = std::fs::read_to_string(&report).unwrap();
    for name in [
        "0b plain.xlsx",
        "1a split-sheets.ods",
        "2a table-layout.docx",
    ] {
        assert!(html.contains(name), "{name} in the report");
    }
    let csv = std::fs::read_to_string(&findings).unwrap();
    assert!(csv.starts_with("\u{feff}ファイル,判定,"));
    assert!(csv.contains("2b truncated.xlsx,error,,,,unreadable"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_array_matches_the_json_lines() {
    let dir = mixed_batch("json", 1);
    let dir_arg = dir.to_str().unwrap();
    let lines = kaiji(&["check", dir_arg]);
    let array = kaiji(&["check", dir_arg, "--format", "json", "--jobs", "3"]);
    let serial = kaiji(&["check", dir_arg, "--format", "json", "--jobs", "1"]);
    assert_eq!(array.stdout, serial.stdout);
    let parsed: Vec<serde_json::Value> = serde_json::from_slice(&array.stdout).unwrap();
    let from_lines: Vec<serde_json::Value> = String::from_utf8_lossy(&lines.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed, from_lines);
    let empty = scratch("json-empty");
    let none = kaiji(&["extract", empty.to_str().unwrap(), "--format", "json"]);
    assert_eq!(none.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&none.stdout), "[]\n");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn shards_concatenated_equal_one_run_byte_for_byte() {
    let dir = mixed_batch("shards", 1);
    let dir_arg = dir.to_str().unwrap();
    let inputs = GOOD.len() + 4;
    let cases: [(&str, &str, &[usize]); 3] = [
        // More shards than inputs leaves some shards empty; still exact.
        ("extract", "jsonl", &[1, 3, inputs + 2]),
        ("extract", "csv", &[3]),
        ("check", "jsonl", &[4]),
    ];
    for (command, format, counts) in cases {
        let single = kaiji(&[command, dir_arg, "--format", format]);
        assert!(!single.stdout.is_empty());
        for &count in counts {
            let mut joined = Vec::new();
            for index in 1..=count {
                let shard = format!("{index}/{count}");
                let part = kaiji(&[command, dir_arg, "--format", format, "--shard", &shard]);
                assert!(
                    matches!(part.status.code(), Some(0 | 1)),
                    "{shard}: {part:?}"
                );
                joined.extend_from_slice(&part.stdout);
            }
            assert!(
                joined == single.stdout,
                "{command} --format {format}: {count} shards concatenated differ from one run"
            );
        }
    }
    // The findings CSV concatenates the same way (its header only in the first part).
    let out = scratch("shards-out");
    let findings = |name: &str, shard: Option<&str>| {
        let file = out.join(name);
        let mut args = vec!["check", dir_arg, "-o", "/dev/null", "--findings-csv"];
        args.push(file.to_str().unwrap());
        if let Some(shard) = shard {
            args.extend(["--shard", shard]);
        }
        kaiji(&args);
        std::fs::read(&file).unwrap()
    };
    let whole = findings("all.csv", None);
    let parts = [
        findings("1.csv", Some("1/3")),
        findings("2.csv", Some("2/3")),
        findings("3.csv", Some("3/3")),
    ]
    .concat();
    assert!(parts == whole, "findings CSV parts concatenated");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn shard_and_jobs_are_checked_as_usage() {
    for bad in [
        vec!["--shard", "0/2"],
        vec!["--shard", "3/2"],
        vec!["--shard", "1/0"],
        vec!["--shard", "two"],
        vec!["--jobs", "0"],
        vec!["--shard", "1/2", "--format", "json"],
    ] {
        let mut args = vec!["extract", GOOD[0]];
        args.extend(&bad);
        let output = kaiji(&args);
        assert_eq!(output.status.code(), Some(2), "{bad:?} is a usage error");
        assert!(output.stdout.is_empty());
    }
}

/// Same bytes in, same bytes out: every fixture, run three times with different numbers
/// of workers, gives byte-identical results and findings (no tie broken by hashing or
/// by which worker finished first).
#[test]
fn every_fixture_gives_the_same_bytes_on_every_run() {
    let runs: Vec<Vec<u8>> = ["1", "2", "3"]
        .iter()
        .map(|jobs| {
            let output = kaiji(&["check", "fixtures", "--jobs", jobs]);
            assert!(!output.stdout.is_empty());
            output.stdout
        })
        .collect();
    assert!(runs[0] == runs[1] && runs[1] == runs[2]);
}
