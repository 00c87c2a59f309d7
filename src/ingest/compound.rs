//! The compound (OLE) file of an .xls, checked before calamine opens it.
//!
//! calamine's own compound-file reader indexes past its buffer when a sector lies
//! beyond the end of a short file, and follows a looping sector chain without end
//! (a directory chain that loops grows until memory runs out). So the chains it will
//! follow are walked here first: the DIFAT, the FAT sectors, the directory, the mini
//! FAT and mini stream, and the streams it reads (`Workbook` or `Book`, the two
//! property sets). A sector past the end of the file, a chain that loops, or more FAT
//! sectors than the file holds make the file `unreadable`. Anything calamine refuses
//! by itself (a bad signature or sector shift) is left to it.

use super::{ErrorKind, IngestError};

const MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;
/// The streams calamine reads from an .xls, first match by name (any case).
const STREAMS: [&str; 4] = [
    "Workbook",
    "Book",
    "\u{5}SummaryInformation",
    "\u{5}DocumentSummaryInformation",
];

pub fn check(bytes: &[u8]) -> Result<(), IngestError> {
    if bytes.len() < 512 || !bytes.starts_with(MAGIC) {
        return Ok(());
    }
    let size = match u16_at(bytes, 30) {
        9 => 512,
        12 => 4096,
        _ => return Ok(()),
    };
    if u16_at(bytes, 32) != 6 {
        return Ok(());
    }
    let file = File {
        bytes,
        size,
        count: bytes.len().saturating_sub(size).div_ceil(size),
    };

    // DIFAT: 109 entries in the header, then a chain of sectors whose last entry
    // points to the next.
    let mut difat: Vec<u32> = (0..109).map(|i| u32_at(bytes, 76 + 4 * i)).collect();
    let mut id = u32_at(bytes, 68);
    let mut steps = 0;
    while id < RESERVED_SECTORS {
        steps += 1;
        if steps > file.count + 1 {
            return damaged("DIFAT の連鎖が循環しています");
        }
        difat.extend(u32s(file.sector(id)?));
        id = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_sectors.len() > file.count {
        return damaged("FAT のセクタ数が実際より多く書かれています");
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * size / 4);
    for id in fat_sectors {
        fat.extend(u32s(file.sector(id)?));
    }

    let directory = file.chain(u32_at(bytes, 48), &fat, usize::MAX)?;
    let entries: Vec<(String, u32, usize)> = directory
        .chunks_exact(128)
        .map(|entry| {
            let units: Vec<u16> = entry[..64]
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .take_while(|&u| u != 0)
                .collect();
            let len = if size == 512 {
                u32_at(entry, 120) as usize
            } else {
                usize::try_from(u64::from_le_bytes(
                    entry[120..128].try_into().unwrap_or([0; 8]),
                ))
                .unwrap_or(usize::MAX)
            };
            (String::from_utf16_lossy(&units), u32_at(entry, 116), len)
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(());
    };

    let mini_fat_sectors = u32_at(bytes, 64) as usize;
    let (mini_fat, mini_stream_len) = if mini_fat_sectors > 0 {
        let mini_stream = file.chain(root.1, &fat, root.2)?;
        let mini_fat = file.chain(
            u32_at(bytes, 60),
            &fat,
            mini_fat_sectors.saturating_mul(size),
        )?;
        (u32s(&mini_fat).collect::<Vec<u32>>(), mini_stream.len())
    } else {
        (Vec::new(), 0)
    };
    let mini = MiniStream {
        count: mini_stream_len.div_ceil(64),
        fat: &mini_fat,
    };
    for name in STREAMS {
        let Some((_, start, len)) = entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        if *len < MINI_CUTOFF {
            mini.check_chain(*start, *len)?;
        } else {
            file.chain(*start, &fat, *len)?;
        }
    }
    Ok(())
}

fn damaged<T>(why: &str) -> Result<T, IngestError> {
    Err(IngestError::new(
        ErrorKind::Unreadable,
        format!("複合ファイルが壊れています：{why}"),
    ))
}

struct File<'a> {
    bytes: &'a [u8],
    size: usize,
    /// Sectors the file holds (the last may be short).
    count: usize,
}

impl File<'_> {
    /// Sector `id`, which starts one sector in (after the header).
    fn sector(&self, id: u32) -> Result<&[u8], IngestError> {
        let start = (id as usize).saturating_add(1).saturating_mul(self.size);
        if (id as usize) >= self.count || start >= self.bytes.len() {
            return damaged("セクタがファイルの終わりより後ろにあります");
        }
        Ok(&self.bytes[start..(start + self.size).min(self.bytes.len())])
    }

    /// The bytes of the chain from `start`, read as calamine does: until the end mark
    /// or `len` bytes.
    fn chain(&self, start: u32, fat: &[u32], len: usize) -> Result<Vec<u8>, IngestError> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.count {
                return damaged("セクタの連鎖が循環しています");
            }
            let sector = self.sector(id)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = match fat.get(id as usize) {
                Some(&next) => next,
                None => return damaged("セクタの連鎖が FAT の外に出ています"),
            };
        }
        Ok(out)
    }
}

struct MiniStream<'a> {
    /// Mini sectors (64 bytes) the mini stream holds.
    count: usize,
    fat: &'a [u32],
}

impl MiniStream<'_> {
    fn check_chain(&self, start: u32, len: usize) -> Result<(), IngestError> {
        let mut id = start;
        let mut read = 0usize;
        let mut steps = 0;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.count || (id as usize) >= self.count {
                return damaged(
                    "ミニストリームの連鎖が循環しているか、ミニストリームの外に出ています",
                );
            }
            read += 64;
            if read >= len {
                break;
            }
            id = match self.fat.get(id as usize) {
                Some(&next) => next,
                None => return damaged("ミニストリームの連鎖がミニ FAT の外に出ています"),
            };
        }
        Ok(())
    }
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    bytes
        .get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/spreadsheets/legacy-numbered.xls"
        ))
        .unwrap()
    }

    #[test]
    fn a_sound_file_passes_and_a_short_one_does_not() {
        let bytes = fixture();
        assert!(check(&bytes).is_ok());
        let error = check(&bytes[..bytes.len() / 2]).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unreadable);
    }

    #[test]
    fn a_looping_directory_chain_is_refused() {
        let mut bytes = fixture();
        let size = 512;
        let directory = u32_at(&bytes, 48) as usize;
        // Find the FAT entry of the first directory sector and point it at itself.
        let first_fat = u32_at(&bytes, 76) as usize;
        let entry = (first_fat + 1) * size + directory * 4;
        bytes[entry..entry + 4].copy_from_slice(&(directory as u32).to_le_bytes());
        let error = check(&bytes).unwrap_err();
        assert!(error.message.contains("循環"), "{error}");
    }
}
