//! The inputs of a batch: files and directories as given, walked recursively, in a
//! deterministic order. Nothing is skipped silently: a path that cannot be listed or
//! opened still becomes an input, and its result says why.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

/// Every file under the given paths, directories walked recursively (symbolic links to
/// directories are not followed, so a link cycle cannot trap the walk), each
/// directory's entries sorted by name.
pub fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    walk(paths).collect()
}

/// The files of [`collect`], in the same order, found as they are asked for: the walk
/// holds the entries of the directories it is in, never the whole list.
pub fn walk(paths: &[PathBuf]) -> Walk {
    let roots = paths
        .iter()
        .rev()
        .map(|path| {
            let is_directory = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
            (path.clone(), is_directory)
        })
        .collect();
    Walk {
        pending: vec![roots],
    }
}

/// See [`walk`].
pub struct Walk {
    /// Per directory entered (innermost last), the entries still to visit, each with
    /// whether it is a directory, in reverse order.
    pending: Vec<Vec<(PathBuf, bool)>>,
}

impl Iterator for Walk {
    type Item = PathBuf;

    fn next(&mut self) -> Option<PathBuf> {
        loop {
            let level = self.pending.last_mut()?;
            let Some((path, is_directory)) = level.pop() else {
                self.pending.pop();
                continue;
            };
            if !is_directory {
                return Some(path);
            }
            match std::fs::read_dir(&path) {
                Ok(entries) => {
                    // The entry's own type, as `symlink_metadata` gives it: links are not
                    // followed.
                    let mut children: Vec<(PathBuf, bool)> = entries
                        .filter_map(Result::ok)
                        .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
                        .collect();
                    children.sort_unstable_by(|a, b| b.0.cmp(&a.0));
                    self.pending.push(children);
                }
                // An unlistable directory is reported as an input that cannot be read.
                Err(_) => return Some(path),
            }
        }
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
        let invalid = || format!("`{text}` is not a shard K/N with 1 ≤ K ≤ N (e.g. 1/4)");
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

    #[test]
    fn directories_are_walked_in_sorted_order() {
        let root = std::env::temp_dir().join(format!("kaiji-inputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("b/z.xlsx"), b"").unwrap();
        std::fs::write(root.join("a.pdf"), b"").unwrap();
        std::fs::write(root.join("c 申請書.docx"), b"").unwrap();
        let files = collect(std::slice::from_ref(&root));
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
        let walked: Vec<PathBuf> = walk(&given).collect();
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
