//! Word documents (.docx): the body of `word/document.xml`.
//!
//! The body is read in document order. Each run of body paragraphs becomes a region
//! 「本文」 with one row per non-empty paragraph (numbered over all body paragraphs,
//! empty ones included); each top-level table becomes a region 「表N」 with one row per
//! table row and one block per non-empty cell, placed at its grid column.
//!
//! What a reader sees is what counts: runs are joined, tabs and breaks become `\t` and
//! `\n`, ruby readings, deleted text, field instructions, the fallback copy of a text box
//! and the placeholder of an empty content control are left out. A text box belongs to
//! the paragraph that anchors it; a table nested in a cell is part of that cell's text
//! (cells joined by `\t`, rows by `\n`). Automatic list numbers, which are not in
//! `document.xml`, are drawn before their paragraph's text as Word draws them
//! (`word_lists`).

use super::word_lists::{ListRef, Lists};
use super::{Deadline, ErrorKind, IngestError, Limits, Ticker};
use crate::model::{Block, Document, Location, Region, Row};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::{NsReader, XmlVersion};
use std::io::{Cursor, Read};

const DOCUMENT_PART: &str = "word/document.xml";
/// Where Word keeps list definitions, and the paragraph styles that number with them.
const NUMBERING_PART: &str = "word/numbering.xml";
const STYLES_PART: &str = "word/styles.xml";
/// WordprocessingML, transitional and strict.
const WORD_NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MARKUP_COMPATIBILITY: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

pub fn read(bytes: &[u8], limits: &Limits, deadline: Deadline) -> Result<Document, IngestError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("Word 文書として読めません（詳細：{e}）")))?;
    let xml = part_xml(&mut archive, DOCUMENT_PART, limits.max_xml_bytes)?;
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(&xml);
    // The list parts only add numbers: one that does not read leaves them out.
    let optional =
        |archive: &mut zip::ZipArchive<_>, name| part_xml(archive, name, limits.max_xml_bytes).ok();
    let numbering = optional(&mut archive, NUMBERING_PART);
    let styles = numbering
        .as_ref()
        .and_then(|_| optional(&mut archive, STYLES_PART))
        .map(|styles| Lists::used_styles(xml, &styles));
    Walker {
        max_depth: limits.max_xml_depth as usize,
        lists: Lists::read(numbering.as_deref(), styles.as_deref()),
        ..Walker::default()
    }
    .run(xml, deadline)
}

/// A part of the package inflated, refused above `max_xml_bytes`.
fn part_xml(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max_xml_bytes: u64,
) -> Result<String, IngestError> {
    let entry = archive
        .by_name(name)
        .map_err(|e| unreadable(format!("{name} を開けません（詳細：{e}）")))?;
    let mut xml = Vec::new();
    entry
        .take(max_xml_bytes.saturating_add(1))
        .read_to_end(&mut xml)
        .map_err(|e| unreadable(format!("{name} を展開できません（詳細：{e}）")))?;
    if xml.len() as u64 > max_xml_bytes {
        return Err(IngestError::new(
            ErrorKind::TooLarge,
            format!("{name} を展開すると {max_xml_bytes} バイトを超えます（max_xml_bytes）"),
        ));
    }
    String::from_utf8(xml)
        .map_err(|e| unreadable(format!("{name} が UTF-8 ではありません（詳細：{e}）")))
}

fn unreadable(message: impl Into<String>) -> IngestError {
    IngestError::new(ErrorKind::Unreadable, message)
}

/// The elements the walker acts on; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paragraph,
    Run,
    Text,
    Tab,
    Break,
    RubyText,
    DeletedText,
    Deleted,
    MovedFrom,
    FieldInstruction,
    FieldChar,
    Table,
    TableRow,
    TableRowProperties,
    GridBefore,
    Cell,
    CellProperties,
    GridSpan,
    VerticalMerge,
    TextBox,
    Alternate,
    Choice,
    Fallback,
    ContentControl,
    Placeholder,
    ContentControlContent,
    ParagraphProperties,
    ParagraphStyle,
    ListProperties,
    ListLevel,
    ListInstance,
    Other,
}

/// What an element is, by its local name and, only where that name is one read here,
/// its namespace (most elements of a document are formatting no reader looks at, and
/// resolving a prefix searches the document's many declarations).
fn kind_of<'r>(local: &str, namespace: impl FnOnce() -> ResolveResult<'r>) -> Kind {
    let (word, compatibility) = (word_kind(local), compatibility_kind(local));
    if word == Kind::Other && compatibility == Kind::Other {
        return Kind::Other;
    }
    let ResolveResult::Bound(Namespace(namespace)) = namespace() else {
        return Kind::Other;
    };
    if WORD_NAMESPACES.contains(&namespace) {
        word
    } else if namespace == MARKUP_COMPATIBILITY {
        compatibility
    } else {
        Kind::Other
    }
}

/// The kind of a WordprocessingML element by its local name.
fn word_kind(local: &str) -> Kind {
    match local {
        "p" => Kind::Paragraph,
        "r" => Kind::Run,
        "t" => Kind::Text,
        "tab" | "ptab" => Kind::Tab,
        "br" | "cr" => Kind::Break,
        "rt" => Kind::RubyText,
        "delText" | "delInstrText" => Kind::DeletedText,
        "del" => Kind::Deleted,
        "moveFrom" => Kind::MovedFrom,
        "instrText" => Kind::FieldInstruction,
        "fldChar" => Kind::FieldChar,
        "tbl" => Kind::Table,
        "tr" => Kind::TableRow,
        "trPr" => Kind::TableRowProperties,
        "gridBefore" => Kind::GridBefore,
        "tc" => Kind::Cell,
        "tcPr" => Kind::CellProperties,
        "gridSpan" => Kind::GridSpan,
        "vMerge" => Kind::VerticalMerge,
        "txbxContent" => Kind::TextBox,
        "sdt" => Kind::ContentControl,
        "showingPlcHdr" => Kind::Placeholder,
        "sdtContent" => Kind::ContentControlContent,
        "pPr" => Kind::ParagraphProperties,
        "pStyle" => Kind::ParagraphStyle,
        "numPr" => Kind::ListProperties,
        "ilvl" => Kind::ListLevel,
        "numId" => Kind::ListInstance,
        _ => Kind::Other,
    }
}

/// The kind of a markup-compatibility element by its local name.
fn compatibility_kind(local: &str) -> Kind {
    match local {
        "AlternateContent" => Kind::Alternate,
        "Choice" => Kind::Choice,
        "Fallback" => Kind::Fallback,
        _ => Kind::Other,
    }
}

/// An open element.
#[derive(Debug)]
struct Frame {
    kind: Kind,
    /// It opened a context (paragraph, cell, table, text box) to close with it.
    context: bool,
    /// Text inside it is not shown (deleted runs, a content control's placeholder).
    suppresses: bool,
    /// `mc:AlternateContent`: one choice has been read, the rest are copies.
    choice_read: bool,
    /// `w:sdt`: the control shows its placeholder, not an answer.
    placeholder: bool,
}

impl Frame {
    fn new(kind: Kind) -> Self {
        Frame {
            kind,
            context: false,
            suppresses: false,
            choice_read: false,
            placeholder: false,
        }
    }
}

/// Where text is being gathered.
#[derive(Debug)]
enum Context {
    Paragraph {
        text: String,
        /// The body paragraph number; `None` inside cells and text boxes.
        body: Option<u32>,
        /// A text box was just added as a line of its own: the next text starts a new line.
        line_pending: bool,
        /// The list its properties put it in, if any.
        list: ListRef,
    },
    Cell {
        parts: Vec<String>,
        span: u32,
        /// A vertically merged cell continuing the one above: empty.
        continued: bool,
    },
    Table(Table),
    TextBox {
        parts: Vec<String>,
    },
}

#[derive(Debug, Default)]
struct Table {
    /// 1-based number of a top-level table; `None` for a table nested in a cell.
    number: Option<u32>,
    row: u32,
    /// The grid column of the next cell in the current row.
    column: u32,
    rows: Vec<Row>,
    current: Row,
    /// The cell texts of a nested table.
    nested: Vec<Vec<String>>,
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    /// Depth of the element whose whole content is skipped.
    skip_from: Option<usize>,
    /// Open elements that suppress text.
    suppressed: usize,
    /// Complex fields open around the current position: has each reached its result?
    fields: Vec<bool>,
    contexts: Vec<Context>,
    document: Document,
    body: Vec<Row>,
    paragraphs: u32,
    tables: u32,
    /// Deepest element nesting accepted (`max_xml_depth`); Word stays far below it.
    max_depth: usize,
    lists: Lists,
}

impl Walker {
    fn run(mut self, xml: &str, deadline: Deadline) -> Result<Document, IngestError> {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().expand_empty_elements = true;
        let mut ticker = Ticker::new(deadline);
        loop {
            ticker.tick()?;
            let event = reader.read_event().map_err(|e| {
                unreadable(format!(
                    "{DOCUMENT_PART} が整形式の XML ではありません（詳細：{e}）"
                ))
            })?;
            match event {
                Event::Start(e) => {
                    let kind = kind_of(e.local_name().as_ref(), || {
                        reader.resolver().resolve_element(e.name()).0
                    });
                    self.start(kind, &e)?;
                }
                Event::End(_) => self.end()?,
                Event::Text(text) if self.in_text() => self.push_text(&text.xml10_content()),
                Event::CData(text) if self.in_text() => self.push_text(&text.xml10_content()),
                Event::GeneralRef(reference) => {
                    let c = resolve_reference(&reference)?;
                    if self.in_text() {
                        self.push_text(c.encode_utf8(&mut [0; 4]));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.stack.is_empty() {
            return Err(unreadable(format!(
                "{DOCUMENT_PART} が閉じていない要素の中で終わっています"
            )));
        }
        self.flush_body();
        Ok(self.document)
    }

    fn start(&mut self, kind: Kind, element: &BytesStart) -> Result<(), IngestError> {
        if self.stack.len() >= self.max_depth {
            return Err(IngestError::new(
                ErrorKind::TooLarge,
                format!(
                    "{DOCUMENT_PART} の要素の入れ子が {} 段を超えています（max_xml_depth）",
                    self.max_depth
                ),
            ));
        }
        let mut frame = Frame::new(kind);
        if self.skip_from.is_some() {
            self.stack.push(frame);
            return Ok(());
        }
        let parent = self.stack.last().map(|f| f.kind);
        match kind {
            Kind::RubyText | Kind::DeletedText | Kind::FieldInstruction => self.skip(),
            Kind::Choice => match self.stack.last_mut() {
                Some(alternate) if alternate.kind == Kind::Alternate => {
                    if alternate.choice_read {
                        self.skip();
                    } else {
                        alternate.choice_read = true;
                    }
                }
                _ => {}
            },
            Kind::Fallback
                if self
                    .stack
                    .last()
                    .is_some_and(|f| f.kind == Kind::Alternate && f.choice_read) =>
            {
                self.skip()
            }
            Kind::Deleted | Kind::MovedFrom => frame.suppresses = true,
            Kind::Placeholder => {
                if let Some(control) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| f.kind == Kind::ContentControl)
                {
                    control.placeholder = true;
                }
            }
            Kind::ContentControlContent => {
                frame.suppresses = self
                    .stack
                    .iter()
                    .rev()
                    .find(|f| f.kind == Kind::ContentControl)
                    .is_some_and(|f| f.placeholder);
            }
            Kind::FieldChar => match attribute(element, "fldCharType")?.as_deref() {
                Some("begin") => self.fields.push(false),
                Some("separate") => {
                    if let Some(in_result) = self.fields.last_mut() {
                        *in_result = true;
                    }
                }
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            Kind::Tab if parent == Some(Kind::Run) => self.push_text("\t"),
            Kind::Break if parent == Some(Kind::Run) => self.push_text("\n"),
            Kind::Paragraph => {
                let body = if self.contexts.is_empty() {
                    self.paragraphs += 1;
                    Some(self.paragraphs)
                } else {
                    None
                };
                self.contexts.push(Context::Paragraph {
                    text: String::new(),
                    body,
                    line_pending: false,
                    list: ListRef::default(),
                });
                frame.context = true;
            }
            // The paragraph's own properties (not those of a tracked change, a run, a
            // style): its style and its place in a list.
            Kind::ParagraphStyle | Kind::ListLevel | Kind::ListInstance => {
                let parents: &[Kind] = match kind {
                    Kind::ParagraphStyle => &[Kind::ParagraphProperties, Kind::Paragraph],
                    _ => &[
                        Kind::ListProperties,
                        Kind::ParagraphProperties,
                        Kind::Paragraph,
                    ],
                };
                let own = self
                    .stack
                    .iter()
                    .rev()
                    .map(|f| f.kind)
                    .take(parents.len())
                    .eq(parents.iter().copied());
                if own && let Some(Context::Paragraph { list, .. }) = self.contexts.last_mut() {
                    match kind {
                        Kind::ParagraphStyle => list.style = attribute(element, "val")?,
                        Kind::ListLevel => list.level = number_attribute(element)?,
                        _ => list.instance = number_attribute(element)?,
                    }
                }
            }
            Kind::Table => {
                let number = if self.contexts.is_empty() {
                    self.flush_body();
                    self.tables += 1;
                    Some(self.tables)
                } else {
                    None
                };
                self.contexts.push(Context::Table(Table {
                    number,
                    ..Table::default()
                }));
                frame.context = true;
            }
            Kind::TableRow => {
                if let Some(Context::Table(table)) = self.contexts.last_mut() {
                    table.row += 1;
                    table.column = 0;
                    table.current = Row::default();
                    table.nested.push(Vec::new());
                }
            }
            Kind::GridBefore if parent == Some(Kind::TableRowProperties) => {
                if let Some(Context::Table(table)) = self.contexts.last_mut() {
                    table.column = number_attribute(element)?.unwrap_or(0);
                }
            }
            Kind::Cell => {
                self.contexts.push(Context::Cell {
                    parts: Vec::new(),
                    span: 1,
                    continued: false,
                });
                frame.context = true;
            }
            Kind::GridSpan if parent == Some(Kind::CellProperties) => {
                let value = number_attribute(element)?;
                if let Some(Context::Cell { span, .. }) = self.contexts.last_mut() {
                    *span = value.unwrap_or(1).max(1);
                }
            }
            Kind::VerticalMerge if parent == Some(Kind::CellProperties) => {
                let value = attribute(element, "val")?;
                if let Some(Context::Cell { continued, .. }) = self.contexts.last_mut() {
                    *continued = value.as_deref() != Some("restart");
                }
            }
            Kind::TextBox => {
                self.contexts.push(Context::TextBox { parts: Vec::new() });
                frame.context = true;
            }
            _ => {}
        }
        if frame.suppresses {
            self.suppressed += 1;
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Skips the content of the element about to be pushed.
    fn skip(&mut self) {
        self.skip_from = Some(self.stack.len());
    }

    fn end(&mut self) -> Result<(), IngestError> {
        let Some(frame) = self.stack.pop() else {
            return Err(unreadable(format!(
                "{DOCUMENT_PART} が開いていない要素を閉じています"
            )));
        };
        if let Some(depth) = self.skip_from {
            if depth == self.stack.len() {
                self.skip_from = None;
            }
            return Ok(());
        }
        if frame.suppresses {
            self.suppressed = self.suppressed.saturating_sub(1);
        }
        if frame.kind == Kind::TableRow {
            self.end_row();
        }
        if frame.context {
            self.close_context();
        }
        Ok(())
    }

    fn end_row(&mut self) {
        if let Some(Context::Table(table)) = self.contexts.last_mut()
            && table.number.is_some()
            && !table.current.blocks.is_empty()
        {
            table.rows.push(std::mem::take(&mut table.current));
        }
    }

    fn close_context(&mut self) {
        let Some(context) = self.contexts.pop() else {
            return;
        };
        match context {
            Context::Paragraph {
                mut text,
                body,
                list,
                ..
            } => {
                // Counted whether the paragraph holds text or not, as Word counts it.
                if let Some(number) = self.lists.heading_number(&list)
                    && !text.trim().is_empty()
                {
                    text = format!("{number} {text}");
                }
                match body {
                    Some(paragraph) => {
                        if !text.trim().is_empty() {
                            self.body.push(Row {
                                blocks: vec![Block {
                                    text,
                                    column: 0,
                                    column_span: 1,
                                    at: Location::Paragraph { paragraph },
                                }],
                            });
                        }
                    }
                    None => self.add_part(text),
                }
            }
            Context::Cell {
                parts,
                span,
                continued,
            } => {
                let text = parts.join("\n");
                let Some(Context::Table(table)) = self.contexts.last_mut() else {
                    return;
                };
                match table.number {
                    Some(number) => {
                        if !continued && !text.trim().is_empty() {
                            table.current.blocks.push(Block {
                                text,
                                column: table.column,
                                column_span: span,
                                at: Location::TableCell {
                                    table: number,
                                    row: table.row,
                                    col: table.column.saturating_add(1),
                                },
                            });
                        }
                        table.column = table.column.saturating_add(span);
                    }
                    None => {
                        if table.nested.is_empty() {
                            table.nested.push(Vec::new());
                        }
                        if let Some(row) = table.nested.last_mut() {
                            row.push(text);
                        }
                    }
                }
            }
            Context::Table(table) => match table.number {
                Some(number) => self.document.regions.push(Region {
                    name: format!("表{number}"),
                    rows: table.rows,
                }),
                None => {
                    let text = table
                        .nested
                        .iter()
                        .map(|row| row.join("\t"))
                        .collect::<Vec<_>>()
                        .join("\n");
                    self.add_part(text);
                }
            },
            Context::TextBox { parts } => {
                let text = parts.join("\n");
                if text.is_empty() {
                    return;
                }
                let anchor = self.contexts.iter_mut().rev().find_map(|c| match c {
                    Context::Paragraph {
                        text, line_pending, ..
                    } => Some((text, line_pending)),
                    _ => None,
                });
                match anchor {
                    Some((anchor, line_pending)) => {
                        if !anchor.is_empty() && !anchor.ends_with('\n') {
                            anchor.push('\n');
                        }
                        anchor.push_str(&text);
                        *line_pending = true;
                    }
                    None => self.add_part(text),
                }
            }
        }
    }

    /// Gives the text of a closed paragraph or nested table to what contains it.
    fn add_part(&mut self, part: String) {
        match self.contexts.last_mut() {
            Some(Context::Cell { parts, .. } | Context::TextBox { parts }) => parts.push(part),
            Some(Context::Paragraph { text, .. }) => text.push_str(&part),
            Some(Context::Table(_)) | None => {}
        }
    }

    /// Inside a `w:t` whose text is shown.
    fn in_text(&self) -> bool {
        self.stack.last().is_some_and(|f| f.kind == Kind::Text)
    }

    fn push_text(&mut self, s: &str) {
        if self.skip_from.is_some() || self.suppressed > 0 || !self.fields.iter().all(|r| *r) {
            return;
        }
        if let Some(Context::Paragraph {
            text, line_pending, ..
        }) = self.contexts.last_mut()
        {
            if *line_pending && !s.is_empty() {
                text.push('\n');
                *line_pending = false;
            }
            text.push_str(s);
        }
    }

    fn flush_body(&mut self) {
        if !self.body.is_empty() {
            self.document.regions.push(Region {
                name: "本文".to_string(),
                rows: std::mem::take(&mut self.body),
            });
        }
    }
}

/// The character of `&name;` or `&#n;`: the five predefined entities and numeric
/// references (a package declares no others).
fn resolve_reference(reference: &BytesRef) -> Result<char, IngestError> {
    let bad = |detail: String| unreadable(format!("{DOCUMENT_PART}：{detail}"));
    if let Some(c) = reference.resolve_char_ref().map_err(|e| {
        bad(format!(
            "文字参照 &{}; が正しくありません（詳細：{e}）",
            &**reference
        ))
    })? {
        return Ok(c);
    }
    match &**reference {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(bad(format!("知らない実体参照 &{other}; があります"))),
    }
}

/// The value of the attribute with local name `name`.
pub(super) fn attribute(element: &BytesStart, name: &str) -> Result<Option<String>, IngestError> {
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| {
            unreadable(format!(
                "{DOCUMENT_PART}：属性が正しくありません（詳細：{e}）"
            ))
        })?;
        if attribute.key.local_name().as_ref() == name {
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| {
                    unreadable(format!(
                        "{DOCUMENT_PART}：属性の値が正しくありません（詳細：{e}）"
                    ))
                })?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// `w:val` as a count; `None` when missing or not a number.
fn number_attribute(element: &BytesStart) -> Result<Option<u32>, IngestError> {
    Ok(attribute(element, "val")?.and_then(|v| v.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const NAMESPACES: &str = concat!(
        r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
        r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
        r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
        r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
        r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
        r#"xmlns:v="urn:schemas-microsoft-com:vml""#,
    );

    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buffer = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (name, content) in parts {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    }

    fn docx(body: &str) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}</w:body></w:document>"#
        );
        package(&[(DOCUMENT_PART, xml.as_bytes())])
    }

    fn read(bytes: &[u8], limits: &Limits) -> Result<Document, IngestError> {
        super::read(bytes, limits, Deadline::start(limits))
    }

    fn read_body(body: &str) -> Document {
        read(&docx(body), &Limits::default()).unwrap()
    }

    /// (text, column, span, location)
    type Seen = (String, u32, u32, Location);

    /// (region name, its blocks)
    fn summary(document: &Document) -> Vec<(String, Vec<Seen>)> {
        document
            .regions
            .iter()
            .map(|region| {
                let blocks = region
                    .rows
                    .iter()
                    .flat_map(|row| row.blocks.iter())
                    .map(|b| (b.text.clone(), b.column, b.column_span, b.at.clone()))
                    .collect();
                (region.name.clone(), blocks)
            })
            .collect()
    }

    /// The texts of all blocks, in order.
    fn texts(document: &Document) -> Vec<String> {
        summary(document)
            .into_iter()
            .flat_map(|(_, blocks)| blocks.into_iter().map(|b| b.0))
            .collect()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn at_paragraph(paragraph: u32) -> Location {
        Location::Paragraph { paragraph }
    }

    fn at_cell(table: u32, row: u32, col: u32) -> Location {
        Location::TableCell { table, row, col }
    }

    #[test]
    fn headings_numbered_by_word_carry_their_numbers() {
        let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
        let numbering = format!(
            r#"<w:numbering {w}><w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="第%1章"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
            </w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
        );
        let styles = format!(
            r#"<w:styles {w}><w:style w:type="paragraph" w:styleId="Heading2"><w:pPr><w:numPr>
            <w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
        );
        let numbered = |level: u32, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let body = [
            numbered(0, "「事業者」に関わる項目"),
            numbered(1, "開示情報の日付"),
            p("2024年6月1日"),
            r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>事業者名</w:t></w:r></w:p>"#
                .to_string(),
            // A tracked change's old properties are not the paragraph's.
            r#"<w:p><w:pPr><w:pPrChange><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:pPrChange></w:pPr><w:r><w:t>株式会社サンプル</w:t></w:r></w:p>"#
                .to_string(),
        ]
        .concat();
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}</w:body></w:document>"#
        );
        let bytes = package(&[
            (DOCUMENT_PART, xml.as_bytes()),
            (NUMBERING_PART, numbering.as_bytes()),
            (STYLES_PART, styles.as_bytes()),
        ]);
        let document = read(&bytes, &Limits::default()).unwrap();
        assert_eq!(
            texts(&document),
            [
                "「事業者」に関わる項目",
                "1. 開示情報の日付",
                "2024年6月1日",
                "2. 事業者名",
                "株式会社サンプル"
            ]
        );
    }

    #[test]
    fn runs_are_joined_and_empty_paragraphs_are_counted() {
        let body = concat!(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="840"/></w:tabs></w:pPr>"#,
            "<w:r><w:t>事業</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>者名</w:t></w:r></w:p>",
            "<w:p/>",
            "<w:p><w:r><w:t xml:space=\"preserve\">   </w:t></w:r></w:p>",
            "<w:p><w:r><w:t>A</w:t><w:tab/><w:t>B</w:t><w:br/><w:t>C</w:t><w:cr/><w:t>D</w:t></w:r></w:p>",
        );
        let document = read_body(body);
        assert_eq!(
            summary(&document),
            vec![(
                "本文".to_string(),
                vec![
                    ("事業者名".to_string(), 0, 1, at_paragraph(1)),
                    ("A\tB\nC\nD".to_string(), 0, 1, at_paragraph(4)),
                ]
            )]
        );
        assert!(
            document.regions[0]
                .rows
                .iter()
                .all(|row| row.blocks.len() == 1)
        );
    }

    #[test]
    fn entities_and_character_references_are_resolved() {
        let document = read_body(&p("A&amp;B &lt;C&gt; &quot;D&apos; &#x3042;&#12356;"));
        assert_eq!(texts(&document), vec!["A&B <C> \"D' あい"]);
    }

    #[test]
    fn regions_follow_document_order() {
        let table = |text: &str| format!("<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>", p(text));
        let body = [
            p("前"),
            p("文"),
            table("一"),
            table("二"),
            "<w:p/>".to_string(),
            p("後"),
        ]
        .concat();
        assert_eq!(
            summary(&read_body(&body)),
            vec![
                (
                    "本文".to_string(),
                    vec![
                        ("前".to_string(), 0, 1, at_paragraph(1)),
                        ("文".to_string(), 0, 1, at_paragraph(2)),
                    ]
                ),
                (
                    "表1".to_string(),
                    vec![("一".to_string(), 0, 1, at_cell(1, 1, 1))]
                ),
                (
                    "表2".to_string(),
                    vec![("二".to_string(), 0, 1, at_cell(2, 1, 1))]
                ),
                (
                    "本文".to_string(),
                    vec![("後".to_string(), 0, 1, at_paragraph(4))]
                ),
            ]
        );
    }

    #[test]
    fn table_cells_sit_at_their_grid_columns() {
        let body = format!(
            concat!(
                "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>",
                // header row
                "<w:tr><w:tc>{h1}</w:tc><w:tc>{h2}</w:tc><w:tc>{h3}</w:tc><w:tc>{h4}</w:tc></w:tr>",
                // a title spanning two grid columns, then an empty cell, then two paragraphs
                r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr>{t}</w:tc>"#,
                "<w:tc><w:p/></w:tc><w:tc>{a}{b}</w:tc></w:tr>",
                // the continuation of the merged title holds nothing
                r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge/></w:tcPr>{t}</w:tc>"#,
                "<w:tc>{l}</w:tc><w:tc>{x}</w:tc></w:tr>",
                // a row starting after one grid column; a row of empty cells gives no row
                r#"<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:vMerge w:val="continue"/></w:tcPr><w:p/></w:tc><w:tc>{y}</w:tc></w:tr>"#,
                "<w:tr><w:tc><w:p/></w:tc></w:tr>",
                "</w:tbl>"
            ),
            h1 = p("通番"),
            h2 = p("審査対象項目"),
            h3 = p("記述内容"),
            h4 = p("申請内容"),
            t = p("事業者名"),
            a = p("一行目"),
            b = p("二行目"),
            l = p("法人番号"),
            x = p("8010401098765"),
            y = p("右"),
        );
        let document = read_body(&body);
        let region = &document.regions[0];
        assert_eq!(region.name, "表1");
        assert_eq!(region.rows.len(), 4);
        assert_eq!(
            summary(&document)[0].1,
            vec![
                ("通番".to_string(), 0, 1, at_cell(1, 1, 1)),
                ("審査対象項目".to_string(), 1, 1, at_cell(1, 1, 2)),
                ("記述内容".to_string(), 2, 1, at_cell(1, 1, 3)),
                ("申請内容".to_string(), 3, 1, at_cell(1, 1, 4)),
                ("事業者名".to_string(), 0, 2, at_cell(1, 2, 1)),
                ("一行目\n二行目".to_string(), 3, 1, at_cell(1, 2, 4)),
                ("法人番号".to_string(), 2, 1, at_cell(1, 3, 3)),
                ("8010401098765".to_string(), 3, 1, at_cell(1, 3, 4)),
                ("右".to_string(), 2, 1, at_cell(1, 4, 3)),
            ]
        );
    }

    #[test]
    fn a_nested_table_becomes_part_of_its_cell() {
        let inner = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>",
            p("A"),
            p("B"),
            p("C")
        );
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}{inner}<w:p/></w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            p("データセンター"),
            p("隣")
        );
        assert_eq!(
            summary(&read_body(&body)),
            vec![(
                "表1".to_string(),
                vec![
                    (
                        "データセンター\nA\tB\nC\t\n".to_string(),
                        0,
                        1,
                        at_cell(1, 1, 1)
                    ),
                    ("隣".to_string(), 1, 1, at_cell(1, 1, 2)),
                ]
            )]
        );
    }

    #[test]
    fn ruby_readings_are_left_out() {
        let body = concat!(
            "<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>かぶしき</w:t></w:r></w:rt>",
            "<w:rubyBase><w:r><w:t>株式</w:t></w:r></w:rubyBase></w:ruby></w:r>",
            "<w:r><w:t>会社</w:t></w:r></w:p>"
        );
        assert_eq!(texts(&read_body(body)), vec!["株式会社"]);
    }

    #[test]
    fn deleted_text_is_left_out_and_inserted_text_kept() {
        let body = concat!(
            "<w:p><w:r><w:t>有り（</w:t></w:r>",
            r#"<w:del w:id="1" w:author="x"><w:r><w:delText>旧</w:delText></w:r></w:del>"#,
            r#"<w:ins w:id="2" w:author="x"><w:r><w:t>新</w:t></w:r></w:ins>"#,
            r#"<w:moveFrom w:id="3" w:author="x"><w:r><w:t>移動元</w:t></w:r></w:moveFrom>"#,
            "<w:r><w:t>）</w:t></w:r></w:p>"
        );
        assert_eq!(texts(&read_body(body)), vec!["有り（新）"]);
    }

    #[test]
    fn a_text_box_is_read_once_in_its_anchor_paragraph() {
        let body = format!(
            concat!(
                "<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent>",
                r#"<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>"#,
                "<w:txbxContent>{one}{two}</w:txbxContent>",
                "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>",
                "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{one}{two}</w:txbxContent>",
                "</v:textbox></v:shape></w:pict></mc:Fallback>",
                "</mc:AlternateContent></w:r><w:r><w:t>後</w:t></w:r></w:p>",
                "{next}"
            ),
            one = p("箱の一行目"),
            two = p("箱の二行目"),
            next = p("次"),
        );
        assert_eq!(
            summary(&read_body(&body)),
            vec![(
                "本文".to_string(),
                vec![
                    (
                        "前\n箱の一行目\n箱の二行目\n後".to_string(),
                        0,
                        1,
                        at_paragraph(1)
                    ),
                    ("次".to_string(), 0, 1, at_paragraph(2)),
                ]
            )]
        );
    }

    #[test]
    fn a_fallback_alone_is_read() {
        let body = format!(
            "<w:p><w:r><mc:AlternateContent><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
            p("旧形式の箱")
        );
        assert_eq!(texts(&read_body(&body)), vec!["旧形式の箱"]);
    }

    #[test]
    fn content_controls_are_read_but_placeholders_are_not() {
        let body = concat!(
            // inline control with an answer
            r#"<w:p><w:r><w:t>回答：</w:t></w:r><w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr>"#,
            "<w:sdtContent><w:r><w:t>有り</w:t></w:r></w:sdtContent></w:sdt></w:p>",
            // inline control still showing its placeholder
            "<w:p><w:r><w:t>回答：</w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>",
            "<w:sdtContent><w:r><w:t>ここをクリックして入力</w:t></w:r></w:sdtContent></w:sdt></w:p>",
            // block-level controls: their paragraphs are body paragraphs
            "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>",
            "<w:p><w:r><w:t>テキストを入力してください。</w:t></w:r></w:p></w:sdtContent></w:sdt>",
            "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>答え</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        );
        assert_eq!(
            summary(&read_body(body)),
            vec![(
                "本文".to_string(),
                vec![
                    ("回答：有り".to_string(), 0, 1, at_paragraph(1)),
                    ("回答：".to_string(), 0, 1, at_paragraph(2)),
                    ("答え".to_string(), 0, 1, at_paragraph(4)),
                ]
            )]
        );
    }

    #[test]
    fn fields_show_their_result_only() {
        let body = concat!(
            r#"<w:p><w:fldSimple w:instr=" DATE \@ &quot;yyyy/M/d&quot; "><w:r><w:t>2024/6/1</w:t></w:r></w:fldSimple></w:p>"#,
            r#"<w:p><w:r><w:t>申請日：</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
            r#"<w:r><w:instrText xml:space="preserve"> DATE </w:instrText></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2024年</w:t></w:r>"#,
            r#"<w:r><w:t>6月1日</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
            r#"<w:r><w:t>。</w:t></w:r></w:p>"#,
            // a field without a result shows nothing; nested fields in the instruction neither
            r#"<w:p><w:r><w:t>X</w:t><w:fldChar w:fldCharType="begin"/></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="begin"/><w:instrText>REF a</w:instrText>"#,
            r#"<w:fldChar w:fldCharType="separate"/><w:t>内側</w:t><w:fldChar w:fldCharType="end"/></w:r>"#,
            r#"<w:r><w:fldChar w:fldCharType="end"/><w:t>Y</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            texts(&read_body(body)),
            vec!["2024/6/1", "申請日：2024年6月1日。", "XY"]
        );
    }

    #[test]
    fn any_namespace_prefix_is_understood() {
        let xml = concat!(
            r#"<x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
            "<x:body><x:p><x:r><x:t>別の接頭辞</x:t></x:r></x:p>",
            // A `t` of another namespace is no text of the document's; a default
            // namespace declared on an element binds its unprefixed children.
            r#"<x:p><x:r><o:t xmlns:o="urn:other">読まない</o:t></x:r></x:p>"#,
            r#"<p xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><r><t>既定の名前空間</t></r></p>"#,
            "</x:body></x:document>"
        );
        let document = read(
            &package(&[(DOCUMENT_PART, xml.as_bytes())]),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(texts(&document), vec!["別の接頭辞", "既定の名前空間"]);
    }

    #[test]
    fn the_inflated_size_is_capped() {
        let bytes = docx(&p(&"あ".repeat(1000)));
        let limits = Limits {
            max_xml_bytes: 1000,
            ..Limits::default()
        };
        let error = read(&bytes, &limits).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TooLarge);
        assert!(error.message.contains("max_xml_bytes"), "{error}");
        assert!(read(&bytes, &Limits::default()).is_ok());
    }

    #[test]
    fn the_nesting_depth_is_capped() {
        let deep = |n: usize| format!("{}{}", "<w:sdt>".repeat(n), "</w:sdt>".repeat(n));
        let error = read(&docx(&deep(300)), &Limits::default()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TooLarge);
        assert!(error.message.contains("depth"), "{error}");
        assert!(read(&docx(&deep(200)), &Limits::default()).is_ok());
    }

    #[test]
    fn malformed_packages_are_unreadable() {
        let cases = [
            docx("<w:p><w:r><w:t>閉じていない</w:r></w:p>"),
            docx("<w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p>"),
            docx("<w:p><w:r><w:t>&#0;</w:t></w:r></w:p>"),
            package(&[(DOCUMENT_PART, b"<w:document><w:body><w:p>")]),
            package(&[(DOCUMENT_PART, b"<w:document>\xff</w:document>")]),
            package(&[("word/other.xml", b"<x/>")]),
            b"PK\x03\x04 not really a zip".to_vec(),
        ];
        for bytes in cases {
            let error = read(&bytes, &Limits::default()).unwrap_err();
            assert_eq!(error.kind, ErrorKind::Unreadable, "{error}");
            assert!(!error.message.is_empty());
        }
        let empty_body = read(&docx(""), &Limits::default()).unwrap();
        assert!(empty_body.regions.is_empty());
    }

    #[test]
    fn word_input_is_dispatched_by_format() {
        let input = super::super::Input {
            bytes: docx(&p("本文")),
            format: Some(super::super::Format::Docx),
        };
        let document = super::super::read_bytes(&input, &Limits::default()).unwrap();
        assert_eq!(texts(&document), vec!["本文"]);
    }
}
