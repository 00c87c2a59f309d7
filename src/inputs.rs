//! The inputs of a batch: files and directories as given, walked recursively, taken
//! once in a deterministic order. Nothing is skipped silently: a path that cannot be
//! listed or opened still becomes an input, and its result says why. What is never an
//! input of a folder: hidden files and folders, Office lock files (`~$申請書.xlsx`),
//! and kaiji's own outputs and their temporaries.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Every file under the given paths, in the order given, directories walked
/// recursively with each directory's entries sorted by name. Symbolic links to
/// directories are followed, but no directory is walked twice, so a link cycle cannot
/// trap the walk and a folder reached twice gives its files once.
/// Hidden files, lock files and kaiji's temporaries found in a folder are left out; a
/// file named here is always an input.
pub fn collect(paths: &[PathBuf]) -> Vec<Input> {
    let mut walked = BTreeSet::new();
    let mut inputs = Vec::new();
    for path in paths {
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            walk_directory(path, &mut walked, &mut inputs);
        } else {
            inputs.push(Input {
                path: path.clone(),
                named: true,
            });
        }
    }
    inputs
}

/// One input of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Named on the command line rather than found in a folder: always meant as an
    /// application, whatever it turns out to be.
    pub named: bool,
}

/// The files of a folder, as inputs found rather than named.
fn walk_directory(directory: &Path, walked: &mut BTreeSet<PathBuf>, found: &mut Vec<Input>) {
    // Its real place: a directory reached twice (named twice, or linked into) is walked once.
    if let Ok(real) = directory.canonicalize()
        && !walked.insert(real)
    {
        return;
    }
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        // An unlistable directory is reported as an input that cannot be read.
        Err(_) => {
            found.push(Input {
                path: directory.to_path_buf(),
                named: false,
            });
            return;
        }
    };
    let mut children: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter(|e| !left_out(&e.file_name()))
        .map(|e| {
            let is_directory = match e.file_type() {
                Ok(t) if t.is_symlink() => std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()),
                Ok(t) => t.is_dir(),
                Err(_) => false,
            };
            (e.path(), is_directory)
        })
        .collect();
    children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (child, is_directory) in children {
        if is_directory {
            walk_directory(&child, walked, found);
        } else {
            found.push(Input {
                path: child,
                named: false,
            });
        }
    }
}

/// A name a folder holds that is no application: hidden (which covers kaiji's own
/// temporaries, `.NAME.PID.partial`) or an Office lock file.
fn left_out(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".") || name.starts_with("~$".as_bytes())
}

/// Where a path really is, for telling whether two paths name one file; a file that
/// does not exist yet is placed by its real parent directory.
pub fn identity(path: &Path) -> Option<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

/// A path as results show it (`source.path`): as it is when it is UTF-8; otherwise
/// each byte that is not UTF-8 as `\xNN`, and `\` as `\\`, so that two names never show
/// alike.
pub fn shown(path: &Path) -> std::borrow::Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes) {
            return text.into();
        }
        let mut text = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            text.push_str(&chunk.valid().replace('\\', "\\\\"));
            for byte in chunk.invalid() {
                let _ = write!(text, "\\x{byte:02X}");
            }
        }
        text.into()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy()
    }
}

/// Part `index` (1-based) of `count` of a batch, for `--shard K/N`: N workers of a batch
/// engine each take one part, and together they take every input exactly once.
///
/// The parts are contiguous ranges of the batch's input list (itself in a deterministic
/// order, see [`collect`]), as even as can be, so that the outputs of parts 1, 2, …, N
/// concatenated in that order are the output of one run over the whole batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// Part `index` of `count`; `None` unless 1 ≤ index ≤ count.
    pub fn new(index: usize, count: usize) -> Option<Shard> {
        (1..=count)
            .contains(&index)
            .then_some(Shard { index, count })
    }

    /// 1-based.
    pub fn index(self) -> usize {
        self.index
    }

    pub fn count(self) -> usize {
        self.count
    }

    pub fn is_first(self) -> bool {
        self.index == 1
    }

    /// The positions this part takes of a list of `len` inputs.
    pub fn range(self, len: usize) -> Range<usize> {
        let bound = |k: usize| (len as u128 * k as u128 / self.count as u128) as usize;
        bound(self.index - 1)..bound(self.index)
    }

    /// This part of the inputs, in their order.
    pub fn take(self, mut files: Vec<PathBuf>) -> Vec<PathBuf> {
        let range = self.range(files.len());
        files.truncate(range.end);
        files.drain(..range.start);
        files
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N`, e.g. `3/8`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let invalid = || "1 ≤ K ≤ N の K/N の形で指定してください（例：1/4）".to_string();
        let (k, n) = text.split_once('/').ok_or_else(invalid)?;
        let number = |s: &str| s.trim().parse::<usize>().map_err(|_| invalid());
        Shard::new(number(k)?, number(n)?).ok_or_else(invalid)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(given: &[PathBuf]) -> Vec<PathBuf> {
        collect(given).into_iter().map(|input| input.path).collect()
    }

    #[test]
    fn directories_are_walked_in_sorted_order() {
        let root = std::env::temp_dir().join(format!("kaiji-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("b/z.xlsx"), b"").unwrap();
        std::fs::write(root.join("a.pdf"), b"").unwrap();
        std::fs::write(root.join("c 申請書.docx"), b"").unwrap();
        let files = paths(std::slice::from_ref(&root));
        let names: Vec<String> = files
            .iter()
            .map(|f| {
                f.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.pdf", "b/z.xlsx", "c 申請書.docx"]);
        let given = [
            root.join("c 申請書.docx"),
            root.clone(),
            root.join("none.xlsx"),
        ];
        let walked = paths(&given);
        let expected: Vec<PathBuf> = std::iter::once(given[0].clone())
            .chain(files)
            .chain([given[2].clone()])
            .collect();
        assert_eq!(
            walked, expected,
            "paths in the order given, each directory sorted"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn names_that_are_not_utf8_show_apart() {
        use std::os::unix::ffi::OsStrExt;
        let name = |bytes: &[u8]| PathBuf::from(OsStr::from_bytes(bytes));
        assert_eq!(shown(&name(b"a/\xff.xlsx")), "a/\\xFF.xlsx");
        assert_eq!(shown(&name(b"a/\xfe\\.xlsx")), "a/\\xFE\\\\.xlsx");
        assert_ne!(shown(&name(b"\xff")), shown(&name(b"\xfe")));
        assert_eq!(shown(Path::new("申請書 1.xlsx")), "申請書 1.xlsx");
    }

    #[test]
    fn hidden_lock_and_temporary_files_of_a_folder_are_no_inputs() {
        let root = std::env::temp_dir().join(format!("kaiji-hidden-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "a.xlsx",
            "~$a.xlsx",
            ".DS_Store",
            ".out.jsonl.123.partial",
            ".git/HEAD",
        ] {
            std::fs::write(root.join(name), b"").unwrap();
        }
        assert_eq!(
            collect(std::slice::from_ref(&root)),
            [Input {
                path: root.join("a.xlsx"),
                named: false
            }]
        );
        // Named on the command line, it is an input.
        let named = root.join("~$a.xlsx");
        assert_eq!(
            collect(std::slice::from_ref(&named)),
            [Input {
                path: named,
                named: true
            }]
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_linked_folder_named_is_walked_and_a_link_cycle_is_walked_once() {
        let root = std::env::temp_dir().join(format!("kaiji-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("real/sub")).unwrap();
        std::fs::write(root.join("real/a.pdf"), b"").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        // A cycle: real/sub/up points back at real.
        std::os::unix::fs::symlink(root.join("real"), root.join("real/sub/up")).unwrap();
        let files = paths(&[root.join("link"), root.join("real")]);
        assert_eq!(files, [root.join("link/a.pdf")]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn shards_are_contiguous_even_and_cover_every_input_once() {
        for len in 0..40 {
            for count in 1..10 {
                let mut next = 0;
                for index in 1..=count {
                    let range = Shard::new(index, count).unwrap().range(len);
                    assert_eq!(range.start, next, "{index}/{count} of {len}");
                    assert!(range.len().abs_diff(len / count) <= 1);
                    next = range.end;
                }
                assert_eq!(next, len);
            }
        }
        let files: Vec<PathBuf> = (0..7).map(|i| PathBuf::from(format!("{i}.xlsx"))).collect();
        let joined: Vec<PathBuf> = (1..=3)
            .flat_map(|k| Shard::new(k, 3).unwrap().take(files.clone()))
            .collect();
        assert_eq!(joined, files);
    }

    #[test]
    fn shards_are_read_as_k_of_n() {
        assert_eq!("2/5".parse(), Ok(Shard::new(2, 5).unwrap()));
        assert_eq!("1/1".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/2", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
