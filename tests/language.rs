//! What a person reads is Japanese: the help, usage errors, the per-file error messages,
//! the summary and the CSV headers. Machine names (options, limit names, error kinds,
//! file names, code spans) may stay as they are; an English sentence may not.

mod common;

use common::kaiji;
use std::process::{Command, Output};

/// The first run of two or more ASCII words of letters in a row (`is not`, `cannot be
/// read`), after leaving out what may be English: `code spans`, a library's own words
/// quoted as 詳細, and kaiji command lines (`kaiji help check`).
fn english(text: &str) -> Option<String> {
    let mut kept = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (skip, close) = if rest.starts_with('`') {
            (1, "`")
        } else if rest.starts_with("詳細：") {
            ("詳細：".len(), "）")
        } else if rest.starts_with("kaiji ") {
            // A command line is lower-case words, options and placeholders.
            let end = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c == ' ' || c == '-'))
                .unwrap_or(rest.len());
            kept.push(' ');
            rest = &rest[end..];
            continue;
        } else {
            let c = rest.chars().next().unwrap();
            kept.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let body = &rest[skip..];
        let end = body.find(close).map_or(body.len(), |i| i + close.len());
        kept.push(' ');
        rest = &body[end..];
    }
    let words: Vec<&str> = kept
        .split(|c: char| c != ' ' && !c.is_ascii_alphabetic())
        .collect();
    // Each piece is letters and spaces: two words of two letters or more in a row.
    words.iter().find_map(|piece| {
        let letters: Vec<&str> = piece.split(' ').collect();
        letters
            .windows(2)
            .find(|pair| pair.iter().all(|w| w.len() >= 2))
            .map(|pair| pair.join(" "))
    })
}

fn assert_japanese(what: &str, text: &str) {
    if let Some(words) = english(text) {
        panic!("{what}: English 「{words}」 in:\n{text}");
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_detector_finds_english_and_allows_machine_names() {
    assert_eq!(english("the file is empty").as_deref(), Some("the file"));
    assert_eq!(
        english("unreadable: sheet 「申請書」 cannot be read").as_deref(),
        Some("cannot be")
    );
    for japanese in [
        "too-large: 空でないセルが 10 を超えています（max_cells）",
        "使い方：kaiji check [オプション] PATH...",
        "例：`--limit max_cells=500000`",
        "ブックとして読めません（詳細：Zip error: invalid Zip archive）",
        "Word 文書、PDF、Office 文書",
    ] {
        assert_eq!(english(japanese), None, "{japanese}");
    }
}

#[test]
fn help_is_japanese() {
    let commands = [
        "extract", "check", "migrate", "diff", "catalog", "rules", "help",
    ];
    for args in [vec!["--help"], vec!["-h"], vec!["help"]]
        .into_iter()
        .chain(commands.iter().map(|c| vec![*c, "--help"]))
        .chain(commands.iter().map(|c| vec!["help", *c]))
    {
        let output = kaiji(&args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("使い方："), "{args:?}: {help}");
        assert_japanese(&format!("kaiji {}", args.join(" ")), &help);
    }
}

#[test]
fn usage_errors_are_japanese() {
    let cases: &[&[&str]] = &[
        &[],
        &["extract"],
        &["no-such-command"],
        &["help", "no-such-command"],
        &["extract", "--bogus", "x"],
        &["extract", "--format", "xml", "x"],
        &["extract", "-j", "0", "x"],
        &["extract", "-j", "many", "x"],
        &["extract", "--shard", "5/4", "x"],
        &["extract", "--shard", "1/2", "--format", "json", "x"],
        &["extract", "--limit", "max_cells", "x"],
        &["extract", "--limit", "max_cells=lots", "x"],
        &["extract", "--limit", "max_pages=99999999999", "x"],
        &["extract", "--limit", "max_time_per_file=soon", "x"],
        &["extract", "--limit", "max_nothing=1", "x"],
        &["check", "--fail-on", "never", "x"],
        &["check", "x", "-o", "no/such/folder/out.jsonl"],
    ];
    for args in cases {
        let output = kaiji(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_japanese(&format!("{args:?}"), &stderr(&output));
    }
    let output = Command::new(env!("CARGO_BIN_EXE_kaiji"))
        .args(["extract", "fixtures/spreadsheets/official-layout.xlsx"])
        .env("KAIJI_MAX_CELLS", "many")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("KAIJI_MAX_CELLS"));
    assert_japanese("KAIJI_MAX_CELLS=many", &stderr(&output));
}

#[test]
fn jobs_zero_is_a_usage_error_that_says_so() {
    let output = kaiji(&["extract", "-j", "0", "x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--jobs"), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 以上"), "{}", stderr(&output));
}

/// Every error message of a batch over bad and hostile files, on stderr, in the JSON
/// results and in the findings CSV.
#[test]
fn file_errors_and_the_summary_are_japanese() {
    let dir = common::scratch("language", "bad-files");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    let mut compound = vec![0u8; 1024];
    compound[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let official = std::fs::read("fixtures/spreadsheets/official-layout.xlsx").unwrap();
    let bad = [
        write("empty.xlsx", b""),
        write("truncated.xlsx", &official[..official.len() / 2]),
        write("notes.txt", b"just some notes"),
        write(
            "broken.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        ),
        write("broken.xls", &compound),
        write("broken.docx", b"PK\x03\x04 not really a package"),
    ];
    let fixtures = [
        "fixtures/spreadsheets/official-layout.xlsx",
        "fixtures/spreadsheets/legacy-numbered.xls",
        "fixtures/spreadsheets/split-sheets.ods",
        "fixtures/word/guide-layout.docx",
        "fixtures/pdf/official-layout-lo.pdf",
    ];
    let limits = [
        "max_cells=10",
        "max_file_bytes=100",
        "max_zip_entries=2",
        "max_xml_bytes=1K",
        "max_inflated_bytes=10K",
        "max_xml_depth=3",
        "max_pages=0",
        "max_stream_bytes=100",
        "max_pdf_objects=10",
        "max_text_bytes=100",
        "max_time_per_file=0",
    ];
    let csv = dir.join("findings.csv");
    let mut runs = vec![(None, bad.iter().map(String::as_str).collect::<Vec<_>>())];
    runs.extend(limits.iter().map(|l| (Some(*l), fixtures.to_vec())));
    let mut messages = 0;
    for (limit, files) in runs {
        let mut args = vec![
            "check",
            "--summary",
            "--findings-csv",
            csv.to_str().unwrap(),
        ];
        if let Some(limit) = limit {
            args.extend(["--limit", limit]);
        }
        args.extend(&files);
        let output = kaiji(&args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{limit:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("件を"), "the summary");
        assert_japanese(&format!("stderr, {limit:?}"), &stderr(&output));
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let result: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(message) = result["error"]["message"].as_str() {
                messages += 1;
                assert_japanese(&format!("{limit:?}"), message);
                if let Some(limit) = limit {
                    let name = limit.split('=').next().unwrap();
                    let kind = &result["error"]["kind"];
                    assert!(kind != "too-large" || message.contains(name), "{message}");
                }
            }
        }
        let findings = std::fs::read_to_string(&csv).unwrap();
        assert_japanese(&format!("findings CSV, {limit:?}"), &findings);
    }
    assert!(messages >= 30, "{messages} error messages seen");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn csv_headers_are_japanese() {
    let output = kaiji(&[
        "extract",
        "--format",
        "csv",
        "fixtures/spreadsheets/official-layout.xlsx",
    ]);
    let csv = String::from_utf8(output.stdout).unwrap();
    let header = csv.lines().next().unwrap().trim_start_matches('\u{feff}');
    assert_eq!(
        header,
        "ファイル,形式,項目番号,項目名,記述内容,記入内容,値の種類,値,場所,確からしさ,エラー"
    );
}

#[test]
fn an_empty_folder_says_so() {
    let dir = common::scratch("language", "empty");
    let output = kaiji(&["extract", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "no input failed");
    assert!(output.stdout.is_empty());
    let said = stderr(&output);
    assert!(said.contains("入力ファイルがありません："), "{said}");
    assert!(said.contains(dir.to_str().unwrap()), "{said}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The report as a person reads it: its text, without markup, style or script.
#[test]
fn the_report_is_japanese() {
    let dir = common::scratch("language", "report");
    let report = dir.join("report.html");
    let output = kaiji(&[
        "check",
        "fixtures/spreadsheets",
        "fixtures/word",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(output.status.code().is_some_and(|c| c <= 1), "{output:?}");
    let html = std::fs::read_to_string(&report).unwrap();
    let body = &html[html.find("<body>").unwrap()..];
    let mut text = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let tag = &rest[open..];
        // A script's or code span's content is no prose.
        let skip_to = if tag.starts_with("<script") {
            "</script>"
        } else if tag.starts_with("<code") {
            "</code>"
        } else {
            ">"
        };
        rest = tag.find(skip_to).map_or("", |i| &tag[i + skip_to.len()..]);
    }
    assert_japanese("the report", &text);
    let _ = std::fs::remove_dir_all(&dir);
}
