//! Where results go: stdout, or a file that appears whole or not at all.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporaries not yet committed or removed, for [`remove_temporaries`].
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn forget(temporary: &Path) {
    let mut live = TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner());
    live.retain(|t| t != temporary);
}

/// Removes every temporary still being written: on SIGINT or SIGTERM, which end the
/// process before the writers' `Drop` can.
pub fn remove_temporaries() {
    let live = TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner());
    for temporary in live.iter() {
        let _ = std::fs::remove_file(temporary);
    }
}

/// A file written under a temporary name beside its destination and renamed into
/// place on [`AtomicFile::commit`], so an interrupted run leaves the previous result
/// (or none), never a torn one.
pub struct AtomicFile {
    /// The file written; `None` when the destination is written in place.
    temporary: Option<PathBuf>,
    destination: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(destination: &Path) -> io::Result<AtomicFile> {
        // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`) is written in place:
        // renaming over it would replace the device with a file.
        let special = std::fs::metadata(destination).is_ok_and(|m| !m.is_file());
        if special {
            let file = std::fs::OpenOptions::new().write(true).open(destination)?;
            return Ok(AtomicFile {
                temporary: None,
                destination: destination.to_path_buf(),
                writer: Some(BufWriter::new(file)),
            });
        }
        let name = destination
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary =
            destination.with_file_name(format!(".{name}.{}.partial", std::process::id()));
        let file = File::create(&temporary)?;
        TEMPORARIES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(temporary.clone());
        Ok(AtomicFile {
            temporary: Some(temporary),
            destination: destination.to_path_buf(),
            writer: Some(BufWriter::new(file)),
        })
    }

    pub fn commit(mut self) -> io::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            if self.temporary.is_some() {
                file.sync_all()?;
            }
        }
        match self.temporary.take() {
            Some(temporary) => {
                let renamed = std::fs::rename(&temporary, &self.destination);
                if renamed.is_err() {
                    let _ = std::fs::remove_file(&temporary);
                }
                forget(&temporary);
                renamed
            }
            None => Ok(()),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.writer.as_mut() {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.as_mut().map_or(Ok(()), |w| w.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: the partial file is removed, the destination left untouched.
        if let Some(temporary) = &self.temporary {
            let _ = std::fs::remove_file(temporary);
            forget(temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_file_leaves_the_previous_result() {
        let dir = std::env::temp_dir().join(format!("kaiji-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.jsonl");
        std::fs::write(&target, "previous").unwrap();
        {
            let mut file = AtomicFile::create(&target).unwrap();
            file.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"new").unwrap();
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_device_is_written_in_place_not_replaced() {
        let mut file = AtomicFile::create(Path::new("/dev/null")).unwrap();
        file.write_all(b"discarded").unwrap();
        file.commit().unwrap();
        let metadata = std::fs::metadata("/dev/null").unwrap();
        assert!(!metadata.is_file(), "/dev/null is still a device");
    }
}
