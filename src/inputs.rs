//! The inputs of a batch: files and directories as given, walked recursively, in a
//! deterministic order. Nothing is skipped silently: a path that cannot be listed or
//! opened still becomes an input, and its result says why.

use std::path::{Path, PathBuf};

/// Every file under the given paths, directories walked recursively (symbolic links to
/// directories are not followed, so a link cycle cannot trap the walk), each
/// directory's entries sorted by name.
pub fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        walk(path, &mut files);
    }
    files
}

fn walk(path: &Path, files: &mut Vec<PathBuf>) {
    let is_directory = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if !is_directory {
        files.push(path.to_path_buf());
        return;
    }
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let mut children: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for child in children {
                walk(&child, files);
            }
        }
        // An unlistable directory is reported as an input that cannot be read.
        Err(_) => files.push(path.to_path_buf()),
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
        std::fs::remove_dir_all(&root).unwrap();
    }
}
