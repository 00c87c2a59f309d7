//! PDF through lopdf, with our own content-stream walk.
//!
//! lopdf parses the file (and decrypts it when the empty user password opens it); the
//! text is not taken from its `extract_text`, which has no positions, skips Form
//! XObjects and misreads some Type0 fonts. Instead every page's content is walked
//! ([`content`]) with fonts decoded once per document ([`fonts`], [`cmap`]), and the
//! positioned text is laid out into rows and blocks ([`layout`]).
//!
//! The whole document is one region, "PDF", its rows in reading order page by page;
//! every block is at `Location::Page`. A document with no text at all is `no-text`
//! (a scan); one whose text cannot be decoded is refused rather than read as garbage.

mod census;
mod cmap;
mod content;
mod encodings;
mod fonts;
mod inflate;
mod layout;
mod lexer;
mod sheet_cells;

use super::{Deadline, ErrorKind, IngestError, Limits, TextBudget};
use crate::model::{Document, Region, Row};
use lopdf::xref::XrefRecovery;

/// Above this share of undecodable or implausible characters the text is refused.
const MAX_BAD_SHARE: f64 = 0.2;

pub fn read(bytes: &[u8], limits: &Limits, deadline: Deadline) -> Result<Document, IngestError> {
    census::check(bytes, limits, deadline)?;
    let options = lopdf::LoadOptions {
        max_decompressed_size: usize::try_from(limits.max_stream_bytes).ok(),
        ..Default::default()
    };
    let pdf = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "PDF のストリームを展開すると {} バイトを超えます（max_stream_bytes）",
                    limits.max_stream_bytes
                ),
            )
        }
        lopdf::Error::InvalidPassword => {
            IngestError::new(ErrorKind::Encrypted, "PDF がパスワードで保護されています")
        }
        other if has_encrypt_entry(bytes) => IngestError::new(
            ErrorKind::Encrypted,
            format!("PDF が暗号化されていて、パスワードなしでは開けません（詳細：{other}）"),
        ),
        other => IngestError::new(
            ErrorKind::Unreadable,
            format!("PDF として読めません（詳細：{other}）"),
        ),
    })?;
    // lopdf decrypts on load when the empty user password opens the file; an /Encrypt
    // entry left in the trailer means it did not.
    if pdf.is_encrypted() {
        return Err(IngestError::new(
            ErrorKind::Encrypted,
            "PDF がパスワードで保護されています（空のパスワードでは開けません）",
        ));
    }
    deadline.check()?;
    let pages = pdf.get_pages();
    if pages.is_empty() {
        return Err(IngestError::new(
            ErrorKind::Unreadable,
            "PDF にページがありません（ページツリーの破損）",
        ));
    }
    if pages.len() > limits.max_pages as usize {
        return Err(IngestError::new(
            ErrorKind::TooLarge,
            format!(
                "PDF が {} ページあり、上限（max_pages）の {} を超えています",
                pages.len(),
                limits.max_pages
            ),
        ));
    }

    let mut cache = content::Cache::default();
    let mut text = TextBudget::new(limits);
    let mut laid_out = Vec::with_capacity(pages.len());
    let (mut glyphs, mut undecodable) = (0usize, 0usize);
    let mut damaged_pages = 0usize;
    let mut bad_fonts: Vec<(String, &'static str)> = Vec::new();
    for (&number, &page) in &pages {
        deadline.check()?;
        let page_content = content::walk_page(
            &pdf,
            page,
            &mut cache,
            limits.max_stream_bytes,
            &mut text,
            deadline,
        )?;
        glyphs += page_content.glyphs;
        undecodable += page_content.undecodable;
        damaged_pages += usize::from(page_content.damaged);
        for font in &page_content.undecodable_fonts {
            if !bad_fonts.iter().any(|(n, _)| *n == font.0) {
                bad_fonts.push(font.clone());
            }
        }
        laid_out.push(layout::page_rows(number, page_content));
    }
    let fonts_named = || {
        bad_fonts
            .iter()
            .take(3)
            .map(|(name, why)| format!("{name}（{why}）"))
            .collect::<Vec<_>>()
            .join("、")
    };
    // No text from a damaged file says nothing of its text layer: no-text is for a
    // file that was read whole.
    let damage = if matches!(pdf.xref_recovery, Some(XrefRecovery::Reconstructed)) {
        Some("相互参照表を作り直す必要がありました".to_string())
    } else if damaged_pages > 0 {
        Some(format!(
            "{} ページ中 {damaged_pages} ページの内容が欠けているか、展開できません",
            pages.len()
        ))
    } else {
        None
    };
    if glyphs == 0
        && let Some(damage) = damage
    {
        return Err(IngestError::new(
            ErrorKind::Unreadable,
            format!("PDF が壊れていて（{damage}）、文字を読み取れませんでした"),
        ));
    }
    if glyphs == 0 {
        return Err(IngestError::new(
            ErrorKind::NoText,
            "どのページにも文字の層がありません（スキャンした PDF？）",
        ));
    }
    if undecodable == glyphs {
        return Err(IngestError::new(
            ErrorKind::NoText,
            format!(
                "PDF の文字を復号できません：{}。使える文字の層がありません",
                fonts_named()
            ),
        ));
    }
    if undecodable as f64 > MAX_BAD_SHARE * glyphs as f64 {
        return Err(IngestError::new(
            ErrorKind::Unreadable,
            format!(
                "{glyphs} 文字中 {undecodable} 文字を復号できません：{}",
                fonts_named()
            ),
        ));
    }

    let rows = without_prompts(layout::number_columns(
        laid_out,
        keeps_latin_words_whole(&pdf),
    ));
    let (mut chars, mut implausible) = (0usize, 0usize);
    for block in rows.iter().flat_map(|r| r.blocks.iter()) {
        for c in block.text.chars().filter(|c| !c.is_whitespace()) {
            chars += 1;
            if is_implausible(c) {
                implausible += 1;
            }
        }
    }
    if implausible as f64 > MAX_BAD_SHARE * chars as f64 {
        return Err(IngestError::new(
            ErrorKind::Unreadable,
            format!(
                "PDF の文字が意味をなしません（{chars} 文字中 {implausible} 文字が置換文字、\
                 私用領域の文字または制御文字です）"
            ),
        ));
    }
    Ok(Document {
        regions: vec![Region {
            name: "PDF".to_string(),
            rows,
        }],
    })
}

/// What Word prints in a content control left empty, in place of an answer: its prompt
/// (in grey, which the text does not keep). The .docx reader leaves the placeholder out;
/// printed, it is text like any other.
const WORD_PROMPTS: [&str; 10] = [
    "ここをクリックしてテキストを入力してください。",
    "ここをクリックまたはタップしてテキストを入力してください。",
    "ここをクリックして日付を入力してください。",
    "ここをクリックまたはタップして日付を入力してください。",
    "アイテムを選択してください。",
    "Click here to enter text.",
    "Click or tap here to enter text.",
    "Click here to enter a date.",
    "Click or tap to enter a date.",
    "Choose an item.",
];

/// What every one of [`WORD_PROMPTS`] opens with: a block without any holds none.
const PROMPT_OPENINGS: [&str; 4] = ["ここをクリック", "アイテムを", "Click", "Choose"];

/// The rows without Word's prompts: a line that is one (or a prompt wrapped over two
/// lines) is left out of its block, and a block left empty out of its row.
fn without_prompts(rows: Vec<Row>) -> Vec<Row> {
    // Lines that, spaces aside, make one of the prompts.
    let is_prompt = |lines: &[&str]| {
        let shown = || {
            lines
                .iter()
                .flat_map(|line| line.chars())
                .filter(|c| !c.is_whitespace())
        };
        shown().next().is_some()
            && WORD_PROMPTS
                .iter()
                .any(|prompt| prompt.chars().filter(|c| !c.is_whitespace()).eq(shown()))
    };
    rows.into_iter()
        .filter_map(|mut row| {
            for block in &mut row.blocks {
                if !PROMPT_OPENINGS.iter().any(|p| block.text.contains(p)) {
                    continue;
                }
                let lines: Vec<&str> = block.text.lines().collect();
                let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
                let mut k = 0;
                while k < lines.len() {
                    if is_prompt(&lines[k..=k]) {
                        k += 1;
                    } else if k + 1 < lines.len() && is_prompt(&lines[k..=k + 1]) {
                        k += 2;
                    } else {
                        kept.push(lines[k]);
                        k += 1;
                    }
                }
                block.text = kept.join("\n");
            }
            row.blocks.retain(|b| !b.text.trim().is_empty());
            (!row.blocks.is_empty()).then_some(row)
        })
        .collect()
}

/// A character no real text is made of: the replacement character, private use,
/// controls, noncharacters.
fn is_implausible(c: char) -> bool {
    let u = c as u32;
    c == '\u{fffd}'
        || (0xe000..=0xf8ff).contains(&u)
        || u >= 0xf0000
        || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xfdd0..=0xfdef).contains(&u)
        || (u & 0xfffe) == 0xfffe
}

/// Whether the file's trailer names an /Encrypt dictionary.
fn has_encrypt_entry(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}

/// Whether the writer breaks Latin text only at spaces, as office suites do (a word
/// longer than the line aside): then two Latin words on either side of a line break
/// had a space between them. Other writers (fpdf2, reportlab in CJK mode) break
/// anywhere, as in Japanese text. Known from the document's /Producer and /Creator.
fn keeps_latin_words_whole(pdf: &lopdf::Document) -> bool {
    let info = pdf.trailer.get(b"Info").ok().and_then(|info| match info {
        lopdf::Object::Reference(id) => pdf.get_dictionary(*id).ok(),
        lopdf::Object::Dictionary(dictionary) => Some(dictionary),
        _ => None,
    });
    let Some(info) = info else {
        return false;
    };
    [b"Producer".as_slice(), b"Creator".as_slice()]
        .iter()
        .filter_map(|key| info.get(key).ok())
        .filter_map(|name| lopdf::decode_text_string(name).ok())
        .map(|name| name.to_lowercase())
        .any(|name| {
            ["libreoffice", "openoffice", "microsoft", "word"]
                .iter()
                .any(|suite| name.contains(suite))
        })
}

#[cfg(test)]
mod tests;
