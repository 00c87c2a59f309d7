//! kaiji's PDF text against poppler's: for every fixture PDF, the characters kaiji
//! extracts on each page (all block texts) are those `pdftotext` extracts, one for one,
//! whitespace aside. `pdftotext -layout` is used: it keeps every character of every
//! line (the default mode drops the hyphen of a word broken across lines, `SL-` +
//! `VIB100` becoming `SLVIB100`). Reading order differs between the two (kaiji joins
//! the lines of a table cell, pdftotext interleaves the columns line by line), so each
//! page is compared as a multiset of characters: nothing lost, nothing invented,
//! nothing decoded differently. pdftotext reads text a page clips away, kaiji does not:
//! the few such texts of the fixtures are listed (`CLIPPED_AWAY`). kaiji leaves out the
//! page's printed number (「3 / 18」) and a running head after its first printing (one
//! line opening most pages), and reads a table row a page break split where it starts:
//! what it has more of on a page, it has less of on the pages after.

use kaiji::ingest::{self, Limits};
use kaiji::model::Location;
use kaiji::text::{fold, printed_page_number};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(pdfs(&path));
        } else if path.extension().is_some_and(|e| e == "pdf") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Non-whitespace characters with their counts.
fn census(text: &str) -> BTreeMap<char, i64> {
    let mut counts = BTreeMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_insert(0) += 1;
    }
    counts
}

/// Text a page draws but clips away, which pdftotext reads and no one sees (a rendering
/// of the page shows the cell empty): LibreOffice prints the number and title of a cell
/// merged across a page break again atop the next page, clipped to nothing there.
/// (fixture, page, text).
const CLIPPED_AWAY: &[(&str, usize, &str)] = &[
    (
        "pdf/official-layout-lo.pdf",
        3,
        "33 IaaS・PaaSの苦情対応に関する規程等の整備",
    ),
    ("pdf/official-layout-lo.pdf", 5, "62 機器"),
    ("pdf/official-layout-lo.pdf", 6, "77 サービス稼働設定値"),
    ("pdf/official-layout-lo.pdf", 7, "87 情報の返却・削除・廃棄"),
];

/// What one side has more of than the other, as "c×n" items.
fn surplus(a: &BTreeMap<char, i64>, b: &BTreeMap<char, i64>) -> String {
    let items: Vec<String> = a
        .iter()
        .filter_map(|(c, n)| {
            let extra = n - b.get(c).copied().unwrap_or(0);
            (extra > 0).then(|| format!("{c:?}×{extra}"))
        })
        .take(40)
        .collect();
    items.join(" ")
}

#[test]
fn kaiji_extracts_the_same_characters_as_pdftotext() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!(
            "SKIPPED: pdftotext (poppler-utils) is not installed, so kaiji's PDF text cannot \
             be compared with it; install poppler-utils to run this test"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let files = pdfs(&root);
    assert!(
        !files.is_empty(),
        "no fixture PDFs under {}",
        root.display()
    );
    let mut problems = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let output = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(output.status.success(), "pdftotext failed on {name}");
        let poppler = String::from_utf8(output.stdout).expect("UTF-8 from pdftotext");
        // pdftotext ends every page with a form feed.
        let poppler_pages: Vec<&str> = poppler.split('\u{c}').collect();

        let limits = Limits::default();
        let input = ingest::load(path, &limits).expect("loads");
        let document = ingest::read_bytes(&input, &limits)
            .unwrap_or_else(|e| panic!("kaiji cannot read {name}: {e}"));
        let mut kaiji_pages: BTreeMap<u32, String> = BTreeMap::new();
        for block in document
            .regions
            .iter()
            .flat_map(|r| &r.rows)
            .flat_map(|r| &r.blocks)
        {
            let Location::Page { page } = block.at else {
                panic!("{name}: a block not located by page: {:?}", block.at);
            };
            kaiji_pages.entry(page).or_default().push_str(&block.text);
        }
        let pages = poppler_pages
            .iter()
            .rposition(|p| !p.trim().is_empty())
            .map_or(0, |i| i + 1)
            .max(kaiji_pages.keys().last().copied().unwrap_or(0) as usize);
        // A running head: the line that opens three pages or more, and half of them.
        let mut opening: BTreeMap<String, usize> = BTreeMap::new();
        for text in &poppler_pages {
            if let Some(first) = text.lines().map(fold).find(|l| !l.is_empty()) {
                *opening.entry(first).or_insert(0) += 1;
            }
        }
        let running_head = opening
            .into_iter()
            .find(|(_, count)| *count >= 3 && 2 * count >= poppler_pages.len() - 1)
            .map(|(line, _)| line);
        let mut head_printed = false;
        // What kaiji has read ahead of pdftotext so far: the rest of rows it joined
        // across a page break, which pdftotext reads on the next page.
        let mut ahead: BTreeMap<char, i64> = BTreeMap::new();
        for page in 1..=pages {
            let our_page = kaiji_pages.get(&(page as u32)).map_or("", String::as_str);
            let ours = census(our_page);
            let our_text = fold(our_page);
            let poppler_text: String = poppler_pages
                .get(page - 1)
                .copied()
                .unwrap_or("")
                .lines()
                .filter(|line| printed_page_number(&fold(line.trim())) != Some(page as u32))
                .filter(|line| {
                    let line = fold(line);
                    let head = running_head.as_deref() == Some(line.as_str());
                    // Dropped where kaiji took the line for a running head (a table's
                    // header printed again is kept).
                    !(head
                        && std::mem::replace(&mut head_printed, true)
                        && !our_text.contains(&line))
                })
                .collect();
            let mut theirs = census(&poppler_text);
            for (_, _, text) in CLIPPED_AWAY
                .iter()
                .filter(|(file, on, _)| *file == name && *on == page)
            {
                for (c, n) in census(text) {
                    *theirs.entry(c).or_insert(0) -= n;
                }
                theirs.retain(|_, n| *n != 0);
            }
            for (c, n) in &ours {
                *ahead.entry(*c).or_insert(0) += n;
            }
            for (c, n) in &theirs {
                *ahead.entry(*c).or_insert(0) -= n;
            }
            ahead.retain(|_, n| *n != 0);
            let behind: BTreeMap<char, i64> = ahead
                .iter()
                .filter(|(_, n)| **n < 0)
                .map(|(c, n)| (*c, -n))
                .collect();
            if !behind.is_empty() || (page == pages && !ahead.is_empty()) {
                problems.push(format!(
                    "{name} page {page}: only kaiji has [{}]; only pdftotext has [{}]",
                    surplus(&ours, &theirs),
                    surplus(&theirs, &ours)
                ));
                ahead.clear();
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} pages differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
