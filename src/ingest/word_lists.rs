//! Word's automatic list numbers: the 「1.」, 「(2)」 a reader sees before a numbered
//! heading or label, which are not in the paragraph's text but drawn by Word from
//! `word/numbering.xml` (and from the numbering a paragraph style carries in
//! `word/styles.xml`).
//!
//! Numbers are counted as Word counts them: per list definition (`w:abstractNum`), so
//! that two list instances of one definition continue each other; an instance's
//! `w:startOverride` restarts a level where that instance is first used; a level
//! restarts below a higher level that moves on. Bullets and levels that draw nothing
//! add no text: an answer's bullet is no part of it. A part that does not read gives no
//! numbers, never an error: the text itself is still there.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, HashSet};

/// Word's levels: 0–8.
const LEVELS: usize = 9;

/// How a level writes its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Decimal,
    DecimalFullWidth,
    Circled,
    UpperLetter,
    LowerLetter,
    UpperRoman,
    LowerRoman,
    /// Bullets, `none`: nothing a reader would take for a number.
    Hidden,
}

impl Format {
    fn of(value: &str) -> Format {
        match value {
            "decimalFullWidth" | "decimalFullWidth2" => Format::DecimalFullWidth,
            "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => Format::Circled,
            "upperLetter" => Format::UpperLetter,
            "lowerLetter" => Format::LowerLetter,
            "upperRoman" => Format::UpperRoman,
            "lowerRoman" => Format::LowerRoman,
            "bullet" | "none" => Format::Hidden,
            _ => Format::Decimal,
        }
    }

    fn write(self, n: u32) -> String {
        match self {
            Format::Decimal | Format::Hidden => n.to_string(),
            Format::DecimalFullWidth => n
                .to_string()
                .chars()
                .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32))
                .collect(),
            Format::Circled => match n {
                1..=20 => crate::text::circled_number(n).to_string(),
                _ => n.to_string(),
            },
            Format::UpperLetter | Format::LowerLetter => {
                let base = if self == Format::UpperLetter {
                    'A'
                } else {
                    'a'
                };
                // A … Z, AA … ZZ, as Word repeats the letter.
                let letter = char::from_u32(base as u32 + (n.max(1) - 1) % 26).unwrap_or(base);
                std::iter::repeat_n(letter, ((n.max(1) - 1) / 26 + 1) as usize).collect()
            }
            Format::UpperRoman => roman(n),
            Format::LowerRoman => roman(n).to_lowercase(),
        }
    }
}

fn roman(mut n: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut text = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            text.push_str(numeral);
            n -= value;
        }
    }
    text
}

#[derive(Debug, Clone)]
struct Level {
    start: u32,
    format: Format,
    /// 「%1.」, 「(%2)」: `%k` stands for level k's number.
    text: String,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            format: Format::Decimal,
            text: String::new(),
        }
    }
}

#[derive(Debug, Default)]
struct Instance {
    definition: u32,
    starts: [Option<u32>; LEVELS],
}

/// The list numbers of one document, counted as its paragraphs are read.
#[derive(Debug, Default)]
pub(super) struct Lists {
    definitions: HashMap<u32, [Option<Level>; LEVELS]>,
    instances: HashMap<u32, Instance>,
    /// Paragraph style → the list instance and level it numbers with.
    styles: HashMap<String, (u32, usize)>,
    /// Paragraph styles that are headings (an outline level of their own).
    headings: HashSet<String>,
    /// Per list definition, the last number drawn at each level.
    counters: HashMap<u32, [Option<u32>; LEVELS]>,
    /// Instances whose start overrides have been applied.
    started: HashSet<u32>,
}

/// What a paragraph's properties say of its numbering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ListRef {
    pub style: Option<String>,
    pub instance: Option<u32>,
    pub level: Option<u32>,
}

impl Lists {
    /// The lists of a document from its numbering and styles parts, either absent.
    pub fn read(numbering: Option<&str>, styles: Option<&str>) -> Lists {
        let mut lists = Lists::default();
        if let Some(xml) = numbering {
            lists.read_numbering(xml);
        }
        if let Some(xml) = styles {
            lists.read_styles(xml);
        }
        lists
    }

    /// The styles the document's paragraphs use, cut out of the styles part: Word's
    /// styles part runs to hundreds of kilobytes of styles no paragraph uses, and only
    /// the used ones can number a paragraph.
    pub fn used_styles(document: &str, styles: &str) -> String {
        let mut used: Vec<&str> = document
            .match_indices("pStyle")
            .filter_map(|(at, _)| {
                let element = &document[at..];
                let element = &element[..element.find('>')?];
                let value = &element[element.find("val=\"")? + 5..];
                Some(&value[..value.find('"')?])
            })
            .collect();
        used.sort_unstable();
        used.dedup();
        let mut kept = String::new();
        for id in used {
            let Some(at) = styles.find(&format!("styleId=\"{id}\"")) else {
                continue;
            };
            let start = styles[..at].rfind('<').unwrap_or(at);
            let end = styles[at..]
                .find("style>")
                .map_or(styles.len(), |e| at + e + "style>".len());
            kept.push_str(&styles[start..end]);
        }
        kept
    }

    fn read_numbering(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        // (definition, level) being read; (instance, level) of an override.
        let mut definition: Option<u32> = None;
        let mut level: Option<usize> = None;
        let mut instance: Option<u32> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let (element, empty) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(e)) => {
                    match e.local_name().into_inner() {
                        "abstractNum" => definition = None,
                        "lvl" => level = None,
                        "num" => instance = None,
                        "lvlOverride" => override_level = None,
                        _ => {}
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            let value = || value_of(&element, "val");
            match element.local_name().into_inner() {
                "abstractNum" if !empty => {
                    definition = value_of(&element, "abstractNumId").and_then(|v| v.parse().ok());
                }
                "lvl" if !empty && definition.is_some() && instance.is_none() => {
                    level = value_of(&element, "ilvl")
                        .and_then(|v| v.parse().ok())
                        .filter(|l| *l < LEVELS);
                    if let (Some(d), Some(l)) = (definition, level) {
                        self.definitions.entry(d).or_default()[l] = Some(Level::default());
                    }
                }
                "start" | "numFmt" | "lvlText" => {
                    let (Some(d), Some(l)) = (definition, level) else {
                        continue;
                    };
                    let Some(target) = self
                        .definitions
                        .get_mut(&d)
                        .and_then(|levels| levels[l].as_mut())
                    else {
                        continue;
                    };
                    match element.local_name().into_inner() {
                        "start" => target.start = value().and_then(|v| v.parse().ok()).unwrap_or(1),
                        "numFmt" => target.format = Format::of(&value().unwrap_or_default()),
                        _ => target.text = value().unwrap_or_default(),
                    }
                }
                "num" if !empty => {
                    instance = value_of(&element, "numId").and_then(|v| v.parse().ok());
                }
                "abstractNumId" => {
                    if let Some(i) = instance {
                        let definition = value().and_then(|v| v.parse().ok()).unwrap_or(0);
                        self.instances.entry(i).or_default().definition = definition;
                    }
                }
                "lvlOverride" if !empty => {
                    override_level = value_of(&element, "ilvl")
                        .and_then(|v| v.parse().ok())
                        .filter(|l| *l < LEVELS);
                }
                "startOverride" => {
                    if let (Some(i), Some(l)) = (instance, override_level) {
                        let start = value().and_then(|v| v.parse().ok());
                        self.instances.entry(i).or_default().starts[l] = start;
                    }
                }
                _ => {}
            }
        }
    }

    fn read_styles(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        let mut style: Option<String> = None;
        let mut numbered: (Option<u32>, usize) = (None, 0);
        loop {
            let element = match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => e,
                Ok(Event::End(e)) => {
                    if e.local_name().into_inner() == "style"
                        && let (Some(id), (Some(instance), level)) = (style.take(), numbered)
                    {
                        self.styles.insert(id, (instance, level));
                    }
                    if e.local_name().into_inner() == "style" {
                        numbered = (None, 0);
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            match element.local_name().into_inner() {
                "style" => {
                    style = value_of(&element, "styleId");
                    numbered = (None, 0);
                    if let Some(id) = style.as_ref().filter(|id| {
                        let id = id.to_lowercase();
                        id.starts_with("heading") || id.contains("見出し")
                    }) {
                        self.headings.insert(id.clone());
                    }
                }
                "outlineLvl" => {
                    if let Some(id) = &style {
                        self.headings.insert(id.clone());
                    }
                }
                "numId" if style.is_some() => {
                    numbered.0 = value_of(&element, "val").and_then(|v| v.parse().ok());
                }
                "ilvl" if style.is_some() => {
                    numbered.1 = value_of(&element, "val")
                        .and_then(|v| v.parse().ok())
                        .filter(|l: &usize| *l < LEVELS)
                        .unwrap_or(0);
                }
                _ => {}
            }
        }
    }

    /// The number Word draws before the next paragraph numbered as `list` says, counted
    /// as drawn, where it numbers a heading: a paragraph of a heading style, or one a
    /// level below the top of its list (chapters, then items). None for a paragraph in
    /// no list, a bullet, a level that draws none, and the top level of a plain list,
    /// whose numbers an answer's lines carry and which are no part of what it says.
    pub fn heading_number(&mut self, list: &ListRef) -> Option<String> {
        let heading = list
            .style
            .as_ref()
            .is_some_and(|s| self.headings.contains(s));
        let (number, level) = self.next(list)?;
        (heading || level > 0).then_some(number)
    }

    /// The number drawn and its level; see [`Lists::heading_number`].
    fn next(&mut self, list: &ListRef) -> Option<(String, usize)> {
        let by_style = list
            .style
            .as_ref()
            .and_then(|s| self.styles.get(s))
            .copied();
        let instance = list.instance.or(by_style.map(|s| s.0))?;
        // numId 0 takes a paragraph out of the list its style puts it in.
        if instance == 0 {
            return None;
        }
        let level = list
            .level
            .map(|l| l as usize)
            .or(by_style.map(|s| s.1))
            .unwrap_or(0)
            .min(LEVELS - 1);
        let own = self.instances.get(&instance)?;
        let levels = self.definitions.get(&own.definition)?;
        let counters = self.counters.entry(own.definition).or_default();
        if self.started.insert(instance) {
            for (l, start) in own.starts.iter().enumerate() {
                if let Some(start) = start {
                    counters[l] = Some(start.saturating_sub(1));
                }
            }
        }
        let this = levels[level].clone().unwrap_or_default();
        counters[level] = Some(counters[level].map_or(this.start, |n| n.saturating_add(1)));
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        if this.format == Format::Hidden || this.text.is_empty() {
            return None;
        }
        let mut text = this.text.clone();
        for (l, slot) in levels.iter().enumerate().take(level + 1) {
            let placeholder = format!("%{}", l + 1);
            if text.contains(&placeholder) {
                let shape = slot.clone().unwrap_or_default();
                let n = counters[l].unwrap_or(shape.start);
                text = text.replace(&placeholder, &shape.format.write(n));
            }
        }
        Some((text, level))
    }
}

/// An attribute's value; a part that does not read gives none (see the module's note).
fn value_of(element: &BytesStart, name: &str) -> Option<String> {
    super::docx::attribute(element, name).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
        <w:abstractNum w:abstractNumId="1">
          <w:lvl w:ilvl="0"><w:start w:val="2"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%1．"/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
          <w:lvl w:ilvl="2"><w:numFmt w:val="decimal"/><w:lvlText w:val="(%3)"/></w:lvl>
        </w:abstractNum>
        <w:abstractNum w:abstractNumId="2">
          <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="・"/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
        <w:num w:numId="6"><w:abstractNumId w:val="1"/>
          <w:lvlOverride w:ilvl="1"><w:startOverride w:val="34"/></w:lvlOverride></w:num>
        <w:num w:numId="7"><w:abstractNumId w:val="2"/></w:num>
      </w:numbering>"#;

    const STYLES: &str = r#"<w:styles xmlns:w="w">
        <w:style w:type="paragraph" w:styleId="Heading2"><w:pPr><w:numPr>
          <w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
        <w:style w:type="paragraph" w:styleId="Normal"/>
      </w:styles>"#;

    impl Lists {
        fn number(&mut self, list: &ListRef) -> Option<String> {
            self.next(list).map(|(number, _)| number)
        }
    }

    #[test]
    fn only_headings_carry_their_numbers_into_the_text() {
        let mut lists = Lists::read(Some(NUMBERING), Some(STYLES));
        // The top level of a plain list: an answer's numbered lines.
        assert_eq!(lists.heading_number(&direct(5, 0)), None);
        assert_eq!(lists.heading_number(&direct(5, 1)).as_deref(), Some("1."));
        let heading = ListRef {
            style: Some("Heading2".into()),
            ..ListRef::default()
        };
        assert_eq!(lists.heading_number(&heading).as_deref(), Some("2."));
    }

    fn direct(instance: u32, level: u32) -> ListRef {
        ListRef {
            style: None,
            instance: Some(instance),
            level: Some(level),
        }
    }

    #[test]
    fn numbers_are_counted_as_word_draws_them() {
        let mut lists = Lists::read(Some(NUMBERING), Some(STYLES));
        let heading = ListRef {
            style: Some("Heading2".into()),
            ..ListRef::default()
        };
        assert_eq!(lists.number(&direct(5, 0)).as_deref(), Some("２．"));
        assert_eq!(lists.number(&heading).as_deref(), Some("1."));
        assert_eq!(lists.number(&direct(5, 2)).as_deref(), Some("(1)"));
        assert_eq!(lists.number(&direct(5, 2)).as_deref(), Some("(2)"));
        assert_eq!(lists.number(&heading).as_deref(), Some("2."));
        // A deeper level restarts under a higher one that moves on.
        assert_eq!(lists.number(&direct(5, 2)).as_deref(), Some("(1)"));
        assert_eq!(lists.number(&direct(5, 0)).as_deref(), Some("３．"));
        assert_eq!(lists.number(&heading).as_deref(), Some("1."));
        // Another instance of the definition continues it, but for its override.
        assert_eq!(lists.number(&direct(6, 1)).as_deref(), Some("34."));
        assert_eq!(lists.number(&direct(6, 1)).as_deref(), Some("35."));
        assert_eq!(lists.number(&heading).as_deref(), Some("36."));
    }

    #[test]
    fn bullets_and_paragraphs_outside_a_list_draw_nothing() {
        let mut lists = Lists::read(Some(NUMBERING), Some(STYLES));
        assert_eq!(lists.number(&direct(7, 0)), None);
        assert_eq!(lists.number(&ListRef::default()), None);
        let taken_out = ListRef {
            style: Some("Heading2".into()),
            instance: Some(0),
            level: None,
        };
        assert_eq!(lists.number(&taken_out), None);
        assert_eq!(lists.number(&direct(99, 0)), None);
        // Nothing read, nothing drawn.
        let mut broken = Lists::read(Some("<w:numbering><w:abstractNum"), None);
        assert_eq!(broken.number(&direct(5, 0)), None);
    }

    #[test]
    fn only_the_styles_paragraphs_use_are_read() {
        let document = r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr></w:p>"#;
        let kept = Lists::used_styles(document, STYLES);
        assert!(
            kept.starts_with("<w:style") && kept.ends_with("</w:style>"),
            "{kept}"
        );
        assert!(
            kept.contains("Heading2") && !kept.contains("Normal"),
            "{kept}"
        );
        let mut lists = Lists::read(Some(NUMBERING), Some(&kept));
        let heading = ListRef {
            style: Some("Heading2".into()),
            ..ListRef::default()
        };
        assert_eq!(lists.heading_number(&heading).as_deref(), Some("1."));
    }

    #[test]
    fn number_formats() {
        assert_eq!(Format::Circled.write(3), "③");
        assert_eq!(Format::UpperLetter.write(28), "BB");
        assert_eq!(Format::LowerRoman.write(14), "xiv");
        assert_eq!(Format::DecimalFullWidth.write(12), "１２");
    }
}
