//! Minimal PDFs built with lopdf's writer, one feature each.

use super::*;
use crate::ingest::Deadline;
use crate::model::{Block, Location};
use lopdf::{Dictionary, Object, Stream, StringFormat, dictionary};

fn read(bytes: &[u8], limits: &Limits) -> Result<Document, IngestError> {
    super::read(bytes, limits, Deadline::start(limits))
}

/// A document whose pages have the given contents, with fonts (and other resources)
/// made by `resources` once for all pages.
fn pdf_with(
    contents: &[&[u8]],
    resources: impl FnOnce(&mut lopdf::Document) -> Dictionary,
) -> lopdf::Document {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let resources = resources(&mut doc);
    let resources_id = doc.add_object(resources);
    let mut kids = Vec::new();
    for content in contents {
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc
}

fn save(doc: &mut lopdf::Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("saved");
    bytes
}

/// Resources with Helvetica (no /Widths: the standard metrics apply) as /F1.
fn helvetica(doc: &mut lopdf::Document) -> Dictionary {
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    dictionary! { "Font" => dictionary! { "F1" => font } }
}

fn cmap_stream(doc: &mut lopdf::Document, text: &str) -> Object {
    Object::Reference(doc.add_object(Stream::new(dictionary! {}, text.as_bytes().to_vec())))
}

/// A Type0 font over a CIDFontType2 with /DW 1000, with the given /Encoding and
/// optional ToUnicode CMap.
fn type0(doc: &mut lopdf::Document, encoding: &str, to_unicode: Option<&str>) -> Dictionary {
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "TestGothic",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Japan1"),
            "Supplement" => 6,
        },
        "DW" => 1000,
        "W" => vec![1.into(), vec![250.into(), 333.into()].into(), 34.into(), 40.into(), 600.into()],
    });
    let mut font = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "TestGothic",
        "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
        "DescendantFonts" => vec![descendant.into()],
    };
    if let Some(cmap) = to_unicode {
        font.set("ToUnicode", cmap_stream(doc, cmap));
    }
    let font_id = doc.add_object(font);
    dictionary! { "Font" => dictionary! { "F1" => font_id } }
}

fn page_runs(bytes: &[u8], page: u32) -> content::PageContent {
    let pdf = lopdf::Document::load_mem(bytes).expect("loads");
    let pages = pdf.get_pages();
    let mut cache = content::Cache::default();
    content::walk_page(
        &pdf,
        pages[&page],
        &mut cache,
        1 << 20,
        &mut TextBudget::new(&Limits::DEFAULT),
        Deadline::start(&Limits::DEFAULT),
    )
    .expect("walks")
}

fn texts(document: &Document) -> Vec<Vec<String>> {
    document.regions[0]
        .rows
        .iter()
        .map(|r| r.blocks.iter().map(|b| b.text.clone()).collect())
        .collect()
}

fn read_default(bytes: &[u8]) -> Result<Document, IngestError> {
    read(bytes, &Limits::default())
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.01
}

#[test]
fn tj_spacing_and_positions() {
    // Helvetica: A=667 B=667 C=722 D=722 space=278. Size 10.
    let content = b"BT /F1 10 Tf 72 700 Td [(AB) -1000 (CD)] TJ \
        2 Tc 0 -20 Td (AB) Tj 0 Tc \
        10 Tw 0 -20 Td (A B) Tj 0 Tw \
        50 Tz 0 -20 Td (AB) Tj 100 Tz \
        14 TL T* (C) ' 3 1 (D) \" ET";
    let mut doc = pdf_with(&[content], helvetica);
    let c = page_runs(&save(&mut doc), 1);
    let runs: Vec<(&str, f32, f32, f32)> = c
        .runs
        .iter()
        .map(|r| (r.text.as_str(), r.x0, r.x1, r.y))
        .collect();
    // TJ: AB, then a 10 pt gap (1000/1000 of the size), then CD.
    assert_eq!(runs[0].0, "AB");
    assert!(close(runs[0].1, 72.0) && close(runs[0].2, 72.0 + 13.34) && close(runs[0].3, 700.0));
    assert_eq!(runs[1].0, "CD");
    assert!(close(runs[1].1, 72.0 + 13.34 + 10.0), "{runs:?}");
    assert!(close(runs[1].2, 72.0 + 13.34 + 10.0 + 14.44));
    // Tc: 2 pt after each glyph.
    assert_eq!(runs[2].0, "AB");
    assert!(close(runs[2].3, 680.0) && close(runs[2].2 - runs[2].1, 2.0 * (6.67 + 2.0)));
    // Tw widens the space: "A", then "B" after 2.78 + 10.
    assert_eq!((runs[3].0, runs[4].0), ("A", "B"));
    assert!(close(runs[4].1, 72.0 + 6.67 + 2.78 + 10.0), "{runs:?}");
    assert!(c.runs[3].space_after && c.runs[3].text == "A");
    // Tz 50: half as wide.
    assert!(close(runs[5].2 - runs[5].1, 6.67) && close(runs[5].3, 640.0));
    // T* and ' move by the leading; " sets word and character spacing first.
    assert!(runs[6].0 == "C" && close(runs[6].3, 612.0) && close(runs[6].1, 72.0));
    assert!(runs[7].0 == "D" && close(runs[7].3, 598.0));

    // In the model: the 10 pt gap (one character) splits the first line into blocks.
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(texts(&document)[0], vec!["AB", "CD"]);
    // A space widened by Tw to more than a character separates blocks too.
    assert_eq!(texts(&document)[2], vec!["A", "B"]);
    assert_eq!(texts(&document)[1], vec!["AB"]);
    assert!(
        document.regions[0]
            .rows
            .iter()
            .flat_map(|r| &r.blocks)
            .all(|b| b.at == Location::Page { page: 1 })
    );
}

#[test]
fn to_unicode_bfrange_and_cid_widths() {
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfrange <0001> <0002> <30A2> <0022> <0023> [<65E5> <672C>] endbfrange\n\
        1 beginbfchar <0030> <D83DDE00> endbfchar\n\
        endcmap end end";
    let content = b"BT /F1 10 Tf 100 500 Td <000100020022002300220030> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "Identity-H", Some(cmap)));
    let bytes = save(&mut doc);
    let c = page_runs(&bytes, 1);
    assert_eq!(c.runs.len(), 1);
    assert_eq!(c.runs[0].text, "アィ日本日😀");
    // CIDs 1 and 2 are 250 and 333 wide (/W), 34 and 35 600, 48 the default 1000.
    let width = c.runs[0].x1 - c.runs[0].x0;
    assert!(close(width, 2.5 + 3.33 + 6.0 + 6.0 + 6.0 + 10.0), "{width}");
    assert_eq!(c.undecodable, 0);
    assert_eq!(
        texts(&read_default(&bytes).expect("reads")),
        vec![vec!["アィ日本日😀"]]
    );
}

#[test]
fn an_ideographic_space_reaches_a_full_em() {
    // A fallback font draws U+3000 a quarter em wide (CID 1, /W 250); the writer laid
    // it out a full em wide, so a line ending in it reaches that far.
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0001> <3000> <0030> <65E5> endbfchar\n\
        endcmap end end";
    let content = b"BT /F1 10 Tf 100 500 Td <00300001> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "Identity-H", Some(cmap)));
    let c = page_runs(&save(&mut doc), 1);
    assert_eq!(c.runs.len(), 1);
    assert_eq!(c.runs[0].text, "日\u{3000}");
    let width = c.runs[0].x1 - c.runs[0].x0;
    assert!(close(width, 20.0), "{width}");
}

#[test]
fn win_ansi_with_differences() {
    let content = b"BT /F1 12 Tf 72 700 Td (AB\x80\x93x\xe9) Tj ET";
    let mut doc = pdf_with(&[content], |d| {
        let font = d.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
            "FirstChar" => 65, "Widths" => vec![500.into(), 500.into()],
            "Encoding" => dictionary! {
                "Type" => "Encoding",
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![
                    65.into(), Object::Name(b"uni3042".to_vec()), Object::Name(b"yen".to_vec()),
                    120.into(), Object::Name(b"f_i".to_vec()),
                ],
            },
        });
        dictionary! { "Font" => dictionary! { "F1" => font } }
    });
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(texts(&document), vec![vec!["あ¥€“fié"]]);
}

#[test]
fn predefined_unijis_ucs2_without_to_unicode() {
    // 日本 A (UCS-2 codes), as reportlab writes with UnicodeCIDFont.
    let content = b"BT /F1 10 Tf 100 500 Td <65E5672C00200041> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "UniJIS-UCS2-H", None));
    let bytes = save(&mut doc);
    let c = page_runs(&bytes, 1);
    let text: Vec<&str> = c.runs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(text, vec!["日本", "A"]);
    // Two full-width glyphs, then the space (CID 1: 250) and A (CID 34: 600).
    assert!(close(c.runs[0].x1, 120.0) && close(c.runs[1].x0, 122.5));
    assert!(close(c.runs[1].x1, 128.5));
    assert_eq!(
        texts(&read_default(&bytes).expect("reads")),
        vec![vec!["日本 A"]]
    );

    // Shift_JIS through 90ms-RKSJ-H: 日本 then a single-byte A.
    let content = b"BT /F1 10 Tf 100 500 Td <93FA967B41> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "90ms-RKSJ-H", None));
    assert_eq!(
        texts(&read_default(&save(&mut doc)).expect("reads")),
        vec![vec!["日本A"]]
    );

    // EUC-JP through EUC-H.
    let content = b"BT /F1 10 Tf 100 500 Td <C6FCCBDC> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "EUC-H", None));
    assert_eq!(
        texts(&read_default(&save(&mut doc)).expect("reads")),
        vec![vec!["日本"]]
    );
}

#[test]
fn embedded_encoding_cmap_takes_to_unicode_first() {
    // A Type0 font whose /Encoding is an embedded CMap (one-byte codes to CIDs): the
    // text comes from ToUnicode, the widths from the CIDs the CMap gives.
    let encoding = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <00> <FF> endcodespacerange\n\
        1 begincidrange <41> <43> 1 endcidrange\n\
        endcmap end end";
    let to_unicode = "1 begincodespacerange <00> <FF> endcodespacerange\n\
        1 beginbfrange <41> <43> <FF21> endbfrange";
    let content = b"BT /F1 10 Tf 100 500 Td (ABC) Tj ET";
    let mut doc = pdf_with(&[content], |d| {
        let mut resources = type0(d, "Identity-H", Some(to_unicode));
        let encoding = cmap_stream(d, encoding);
        if let Ok(Object::Dictionary(fonts)) = resources.get_mut(b"Font")
            && let Ok(Object::Reference(id)) = fonts.get(b"F1")
            && let Ok(Object::Dictionary(font)) = d.get_object_mut(*id)
        {
            font.set("Encoding", encoding);
        }
        resources
    });
    let c = page_runs(&save(&mut doc), 1);
    assert_eq!(c.runs[0].text, "ＡＢＣ");
    // CIDs 1, 2, 3: 250, 333 (/W) and the default 1000.
    assert!(close(c.runs[0].x1 - c.runs[0].x0, 2.5 + 3.33 + 10.0));
}

#[test]
fn identity_h_without_to_unicode_is_not_read_as_garbage() {
    let content = b"BT /F1 10 Tf 100 500 Td <0F3A0B21> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "Identity-H", None));
    let error = read_default(&save(&mut doc)).expect_err("undecodable");
    assert_eq!(error.kind, ErrorKind::NoText);
    assert!(error.message.contains("TestGothic"), "{}", error.message);
    assert!(error.message.contains("Identity-H"), "{}", error.message);
}

#[test]
fn text_decoding_to_private_use_characters_is_refused() {
    let cmap = "1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        1 beginbfrange <0001> <0010> <E000> endbfrange";
    let content = b"BT /F1 10 Tf 100 500 Td <0001000200030004> Tj ET";
    let mut doc = pdf_with(&[content], |d| type0(d, "Identity-H", Some(cmap)));
    let error = read_default(&save(&mut doc)).expect_err("garbage");
    assert_eq!(error.kind, ErrorKind::Unreadable);
    assert!(
        error.message.contains("意味をなしません"),
        "{}",
        error.message
    );
}

#[test]
fn form_xobjects_are_followed_with_their_matrix() {
    let page = b"q 1 0 0 1 100 200 cm /Fm1 Do Q BT /F1 10 Tf 72 100 Td (Page) Tj ET";
    let mut doc = pdf_with(&[page], |d| {
        let fonts = helvetica(d);
        let font_dict = fonts.clone();
        let inner_id = d.new_object_id();
        let outer = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 500.into(), 500.into()],
                "Matrix" => vec![2.into(), 0.into(), 0.into(), 2.into(), 10.into(), 10.into()],
                "Resources" => dictionary! {
                    "Font" => font_dict.get(b"Font").cloned().unwrap_or(Object::Null),
                    "XObject" => dictionary! { "Fm2" => inner_id, "Self" => inner_id },
                },
            },
            b"BT /F1 10 Tf 0 0 Td (Form) Tj ET /Fm2 Do".to_vec(),
        );
        let outer_id = d.add_object(outer);
        // The inner form draws itself and the outer one: a cycle, which must end.
        let inner = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 500.into(), 500.into()],
                "Resources" => dictionary! {
                    "Font" => font_dict.get(b"Font").cloned().unwrap_or(Object::Null),
                    "XObject" => dictionary! { "Fm1" => outer_id, "Me" => inner_id },
                },
            },
            b"BT /F1 5 Tf 0 20 Td (Inner) Tj ET /Me Do /Fm1 Do".to_vec(),
        );
        d.objects.insert(inner_id, Object::Stream(inner));
        let mut resources = fonts;
        resources.set("XObject", dictionary! { "Fm1" => outer_id });
        resources
    });
    let c = page_runs(&save(&mut doc), 1);
    let found: Vec<(&str, f32, f32, f32)> = c
        .runs
        .iter()
        .map(|r| (r.text.as_str(), r.x0, r.y, r.size))
        .collect();
    // Form: its matrix (×2, +10) then the page's cm (+100, +200).
    assert_eq!(found[0].0, "Form");
    assert!(close(found[0].1, 110.0) && close(found[0].2, 210.0) && close(found[0].3, 20.0));
    // The inner form inside the outer one: (0, 20) × 2 + 10 → (10, 50) → (110, 250).
    assert_eq!(found[1].0, "Inner");
    assert!(close(found[1].1, 110.0) && close(found[1].2, 250.0) && close(found[1].3, 10.0));
    assert_eq!(found[2].0, "Page");
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn a_page_without_text_is_no_text() {
    let mut doc = pdf_with(&[b"0 0 1 rg 10 10 100 100 re f", b"q Q"], helvetica);
    let error = read_default(&save(&mut doc)).expect_err("no text");
    assert_eq!(error.kind, ErrorKind::NoText);
}

fn encrypted(user_password: &str) -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 700 Td (Secret text) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let id = Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner-secret",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .expect("encryption state");
    doc.encrypt(&state).expect("encrypts");
    let bytes = save(&mut doc);
    assert!(
        !bytes.windows(6).any(|w| w == b"Secret"),
        "really encrypted"
    );
    bytes
}

#[test]
fn encrypted_with_an_empty_user_password_is_read() {
    let document = read_default(&encrypted("")).expect("opens with the empty password");
    assert_eq!(texts(&document), vec![vec!["Secret text"]]);
}

#[test]
fn encrypted_with_a_user_password_is_encrypted() {
    let error = read_default(&encrypted("letmein")).expect_err("needs a password");
    assert_eq!(error.kind, ErrorKind::Encrypted);
}

#[test]
fn damaged_files_are_unreadable() {
    for bytes in [
        &b"%PDF-1.7\n1 0 obj << /Type /Catalog"[..],
        b"%PDF-1.4\n%%EOF",
    ] {
        let error = read_default(bytes).expect_err("damaged");
        assert_eq!(error.kind, ErrorKind::Unreadable, "{error}");
    }
    let mut doc = pdf_with(&[b"BT /F1 12 Tf 72 700 Td (Fine) Tj ET"], helvetica);
    let bytes = save(&mut doc);
    let error = read_default(&bytes[..bytes.len() / 3]).expect_err("truncated");
    assert!(
        matches!(error.kind, ErrorKind::Unreadable | ErrorKind::NoText),
        "{error}"
    );
}

#[test]
fn limits_give_too_large() {
    let page: &[u8] = b"BT /F1 12 Tf 72 700 Td (Page) Tj ET";
    let mut doc = pdf_with(&[page, page, page], helvetica);
    let bytes = save(&mut doc);
    let limits = Limits {
        max_pages: 2,
        ..Limits::default()
    };
    let error = read(&bytes, &limits).expect_err("too many pages");
    assert_eq!(error.kind, ErrorKind::TooLarge);
    assert!(error.message.contains("max_pages"));
    let limits = Limits {
        max_stream_bytes: 20,
        ..Limits::default()
    };
    let error = read(&bytes, &limits).expect_err("content too large");
    assert_eq!(error.kind, ErrorKind::TooLarge);
    assert!(
        error.message.contains("max_stream_bytes"),
        "{}",
        error.message
    );
}

#[test]
fn hostile_content_does_not_hang_or_panic() {
    let mut content = Vec::new();
    content.extend_from_slice(&b"q ".repeat(10_000));
    content.extend_from_slice(&b"Q ".repeat(20_000));
    content.extend_from_slice(b"BT /F1 12 Tf 1e38 1e38 Td (Far) Tj /Nope 3 Tf (x) Tj 99999999999999999999999999999999999999999 0 Td ");
    content.extend_from_slice(b"[(a) 1e30 (b)] TJ 0 0 0 0 0 0 Tm (z) Tj ) ] >> ET ");
    content.extend_from_slice(b"BT /F1 12 Tf 72 700 Td (Kept) Tj ET /Missing Do");
    let mut doc = pdf_with(&[&content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads what it can");
    assert!(texts(&document).iter().flatten().any(|t| t == "Kept"));
}

/// A ruled table: cell borders as lines, a header, a wrapped answer and one with an
/// explicit line break, a number right-aligned.
fn ruled_table() -> Vec<u8> {
    let mut content = String::from("0.5 w\n");
    // Columns at 50, 80, 200, 400; rows at 700, 680, 640, 600.
    for x in [50, 80, 200, 400] {
        content += &format!("{x} 600 m {x} 700 l S\n");
    }
    for y in [700, 680, 640, 600] {
        content += &format!("50 {y} m 400 {y} l S\n");
    }
    content += &text(52.0, 686.0, "No");
    content += &text(82.0, 686.0, "Item");
    content += &text(202.0, 686.0, "Answer");
    content += &text(70.0, 626.0, "1");
    content += &text(82.0, 626.0, "Name");
    // Wrapped: "ABCDEFGHIJ" + "KLMNOPQRST" fill the 200..400 cell (Helvetica ~6.67
    // per capital): the first line reaches close to the right rule.
    content += &text(202.0, 626.0, "ABCDEFGHIJKLMNOPQRSTUVWXYZAB");
    content += &text(202.0, 614.0, "CDE");
    content += &text(70.0, 666.0, "2");
    content += &text(202.0, 666.0, "Line one");
    content += &text(202.0, 654.0, "Line two");
    content.into_bytes()
}

#[test]
fn ruled_cells_give_columns_and_join_wrapped_lines() {
    let mut doc = pdf_with(&[&ruled_table()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    let rows: Vec<Vec<(String, u32)>> = document.regions[0]
        .rows
        .iter()
        .map(|r| {
            r.blocks
                .iter()
                .map(|b: &Block| (b.text.clone(), b.column))
                .collect()
        })
        .collect();
    let row = |items: &[(&str, u32)]| -> Vec<(String, u32)> {
        items.iter().map(|(t, c)| (t.to_string(), *c)).collect()
    };
    assert_eq!(
        rows,
        vec![
            row(&[("No", 1), ("Item", 2), ("Answer", 3)]),
            row(&[("2", 1), ("Line one\nLine two", 3)]),
            row(&[
                ("1", 1),
                ("Name", 2),
                ("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDE", 3)
            ]),
        ]
    );
}

#[test]
fn without_ruling_left_edges_make_columns() {
    let content = b"BT /F1 10 Tf 40 700 Td (No) Tj 60 0 Td (Item) Tj 200 0 Td (Answer) Tj ET \
        BT /F1 10 Tf 42 680 Td (1) Tj 60 0 Td (Name) Tj 200 0 Td (Acme) Tj ET \
        BT /F1 10 Tf 302 668 Td (second line) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    let rows: Vec<Vec<(String, u32)>> = document.regions[0]
        .rows
        .iter()
        .map(|r| {
            r.blocks
                .iter()
                .map(|b| (b.text.clone(), b.column))
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            vec![("No".into(), 1), ("Item".into(), 2), ("Answer".into(), 3)],
            vec![("1".into(), 1), ("Name".into(), 2), ("Acme".into(), 3)],
            vec![("second line".into(), 3)],
        ]
    );
}

#[test]
fn pages_keep_their_numbers_and_order() {
    let mut doc = pdf_with(
        &[
            b"BT /F1 10 Tf 72 100 Td (bottom) Tj 0 600 Td (top) Tj ET",
            b"BT /F1 10 Tf 72 700 Td (next) Tj ET",
        ],
        helvetica,
    );
    let document = read_default(&save(&mut doc)).expect("reads");
    let found: Vec<(String, Location)> = document.regions[0]
        .rows
        .iter()
        .flat_map(|r| r.blocks.iter().map(|b| (b.text.clone(), b.at.clone())))
        .collect();
    assert_eq!(
        found,
        vec![
            ("top".into(), Location::Page { page: 1 }),
            ("bottom".into(), Location::Page { page: 1 }),
            ("next".into(), Location::Page { page: 2 }),
        ]
    );
    assert_eq!(document.regions[0].name, "PDF");
}

#[test]
fn a_printed_page_number_is_no_text_of_the_page() {
    let mut doc = pdf_with(
        &[
            b"BT /F1 10 Tf 72 700 Td (7) Tj 60 0 Td (3 persons) Tj 0 -650 Td (1 / 2) Tj ET",
            b"BT /F1 10 Tf 72 800 Td (- 2 -) Tj 0 -100 Td (8) Tj 60 0 Td (120) Tj \
              0 -20 Td (1 / 2) Tj ET",
        ],
        helvetica,
    );
    let document = read_default(&save(&mut doc)).expect("reads");
    // Page 1's 「1 / 2」 and page 2's 「- 2 -」 go; 「1 / 2」 on page 2 is not its number.
    assert_eq!(
        texts(&document),
        vec![
            vec!["7".to_string(), "3 persons".to_string()],
            vec!["8".to_string(), "120".to_string()],
            vec!["1 / 2".to_string()],
        ]
    );
}

#[test]
fn cyclic_page_trees_and_resources_end() {
    let mut doc = pdf_with(&[b"BT /F1 12 Tf 72 700 Td (Loop) Tj ET"], helvetica);
    // The page tree lists itself among its kids; the page's parent chain loops.
    let root = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|p| p.as_reference().ok())
        .expect("pages");
    if let Ok(Object::Dictionary(pages)) = doc.get_object_mut(root)
        && let Ok(Object::Array(kids)) = pages.get_mut(b"Kids")
    {
        kids.push(Object::Reference(root));
        pages.set("Parent", Object::Reference(root));
    }
    let result = read_default(&save(&mut doc));
    match result {
        Ok(document) => assert!(texts(&document).iter().flatten().any(|t| t == "Loop")),
        Err(error) => assert_eq!(error.kind, ErrorKind::Unreadable, "{error}"),
    }
}

#[test]
fn actual_text_replaces_the_glyphs_it_spans() {
    // Glyph A stands for an ideographic space, "BC" for the single letter X; a space
    // drawn through an /ActualText of U+0020 separates.
    let content = b"BT /F1 10 Tf 72 700 Td /Span <</ActualText <FEFF3000>>> BDC (A) Tj EMC \
        (D) Tj /Span <</MCID 3 /ActualText (X)>> BDC (BC) Tj EMC \
        /Span <</ActualText <FEFF0020>>> BDC (E) Tj EMC (F) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(texts(&document), vec![vec!["\u{3000}DX F"]]);
}

#[test]
fn spaces_drawn_apart_and_gaps_between_scripts() {
    // A writer that draws the text of a line in two pieces and its space on its own,
    // out of order; and one that sets Latin text a fifth of an em from Japanese
    // (autospacing), which is no space.
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0001> <65E5> <0002> <672C> endbfchar\n\
        endcmap end end";
    let content = b"BT /F2 10 Tf 100 700 Td (Ab) Tj ET \
        BT /F2 10 Tf 150 700 Td ( ) Tj ET \
        BT /F2 10 Tf 115 700 Td (cd) Tj ET \
        BT /F2 10 Tf 100 650 Td (IoT) Tj ET \
        BT /F1 10 Tf 118.3 650 Td <00010002> Tj ET";
    let mut doc = pdf_with(&[content], |d| {
        let mut resources = type0(d, "Identity-H", Some(cmap));
        let helvetica = d.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        if let Ok(Object::Dictionary(fonts)) = resources.get_mut(b"Font") {
            fonts.set("F2", helvetica);
        }
        resources
    });
    let document = read_default(&save(&mut doc)).expect("reads");
    // "Ab" ends at 112.8, "cd" starts at 115 (a gap of a fifth of an em, with the
    // space drawn there); "IoT" ends at 116.3, 日本 starts 2 pt later.
    assert_eq!(texts(&document), vec![vec!["Ab cd"], vec!["IoT日本"]]);
}

/// A two-column ruled table on two pages; the second row is split by the page break
/// (its answer wraps from the first page onto the second).
/// The rules of a two-column table (50–80, 80–200 pt) with rows between the given
/// heights, top to bottom.
fn two_column_frame(rows: &[i32]) -> String {
    let mut c = String::from("0.5 w\n");
    let (top, bottom) = (rows[0], rows[rows.len() - 1]);
    for x in [50, 80, 200] {
        c += &format!("{x} {bottom} m {x} {top} l S\n");
    }
    for y in rows {
        c += &format!("50 {y} m 200 {y} l S\n");
    }
    c
}

/// Drawing `s` at (x, y) in 10 pt Helvetica.
fn text(x: f32, y: f32, s: &str) -> String {
    format!("BT /F1 10 Tf {x} {y} Td ({s}) Tj ET\n")
}

fn table_split_across_pages() -> [Vec<u8>; 2] {
    let mut first = two_column_frame(&[700, 680, 100]);
    first += &text(52.0, 686.0, "1");
    first += &text(82.0, 686.0, "Short answer");
    first += &text(52.0, 666.0, "2");
    // 115.5 pt of capitals: the line ends 2.5 pt before the cell's inner edge.
    first += &text(82.0, 666.0, "ABCDEFGHIJKLMNOPQ");
    first += &text(82.0, 654.0, "ABCDEFGHIJKLMNOPQ");
    let mut second = two_column_frame(&[700, 670, 650]);
    second += &text(82.0, 686.0, "RSTUV");
    second += &text(82.0, 674.0, "Next line");
    second += &text(52.0, 656.0, "3");
    second += &text(82.0, 656.0, "Third");
    [first.into_bytes(), second.into_bytes()]
}

#[test]
fn a_row_split_by_a_page_break_is_joined() {
    let [first, second] = table_split_across_pages();
    let mut doc = pdf_with(&[&first, &second], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["1", "Short answer"],
            vec!["2", "ABCDEFGHIJKLMNOPQABCDEFGHIJKLMNOPQRSTUV\nNext line"],
            vec!["3", "Third"],
        ]
    );
}

/// The rules of a three-column table (50–80, 80–140, 140–260 pt) with rows between
/// the given heights, top to bottom.
fn three_column_frame(rows: &[i32]) -> String {
    let mut c = String::from("0.5 w\n");
    let (top, bottom) = (rows[0], rows[rows.len() - 1]);
    for x in [50, 80, 140, 260] {
        c += &format!("{x} {bottom} m {x} {top} l S\n");
    }
    for y in rows {
        c += &format!("50 {y} m 260 {y} l S\n");
    }
    c
}

#[test]
fn a_merged_cell_printed_again_over_the_repeated_header_is_dropped() {
    // The header is printed atop each page; the item's number and title, merged down
    // rows that go on past the break, are printed again over it on the next page.
    let header = |c: &mut String| {
        *c += &text(52.0, 686.0, "No.");
        *c += &text(82.0, 686.0, "Item");
        *c += &text(142.0, 686.0, "Answer");
    };
    let mut first = three_column_frame(&[700, 680, 660, 640, 620, 600]);
    header(&mut first);
    // Answers that fill their column (to 255 pt) show where its lines end.
    for (y, number, item) in [
        (666.0, "1", "Alpha"),
        (646.0, "2", "Beta"),
        (626.0, "3", "Gamma"),
    ] {
        first += &text(52.0, y, number);
        first += &text(82.0, y, item);
        first += &text(142.0, y, "ABCDEFGHIJKLMNOP");
    }
    first += &text(52.0, 606.0, "4");
    first += &text(82.0, 606.0, "Delta");
    first += &text(142.0, 606.0, "first");
    let mut second = three_column_frame(&[700, 680, 660]);
    header(&mut second);
    second += &text(52.0, 682.0, "4");
    second += &text(82.0, 686.0, "Delta");
    second += &text(142.0, 666.0, "second");
    let mut doc = pdf_with(&[first.as_bytes(), second.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["No.", "Item", "Answer"],
            vec!["1", "Alpha", "ABCDEFGHIJKLMNOP"],
            vec!["2", "Beta", "ABCDEFGHIJKLMNOP"],
            vec!["3", "Gamma", "ABCDEFGHIJKLMNOP"],
            vec!["4", "Delta", "first"],
            vec!["second"],
        ]
    );
}

/// A line of free text at the left margin (72 pt), at height `y`.
fn free_line(y: i32, s: &str) -> String {
    format!("BT /F1 10 Tf 72 {y} Td ({s}) Tj ET\n")
}

/// A line of capitals filling a 300 pt column to within a character of its margin.
const FULL_LINE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRS";

/// A paragraph of three full lines and a short last one, from 700 pt down to 664 pt.
fn wrapped_paragraph() -> String {
    [700, 688, 676]
        .into_iter()
        .map(|y| free_line(y, FULL_LINE))
        .chain([free_line(664, "End.")])
        .collect()
}

#[test]
fn wrapped_paragraph_lines_are_joined() {
    // Lines filling a 300 pt column (each ends within a character of the margin),
    // the paragraph's last line, then a heading set further apart.
    let full = FULL_LINE;
    let mut content = wrapped_paragraph();
    content += &free_line(630, full);
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec![format!("{full}{full}{full}End.")],
            vec![full.to_string()]
        ]
    );
}

#[test]
fn a_list_entry_after_a_full_line_opens_a_paragraph() {
    // A question filling the column to a closing bracket, then its answer opening with
    // an enumerator: two paragraphs, though the question's line reaches the margin.
    let full = FULL_LINE;
    let question = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQR)";
    let mut content = wrapped_paragraph();
    content += &free_line(630, &question.replace(')', "\\)"));
    content += &free_line(618, "A. Yes");
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec![format!("{full}{full}{full}End.")],
            vec![question.to_string()],
            vec!["A. Yes".to_string()]
        ]
    );
}

#[test]
fn cells_of_a_sheet_without_rules_stay_apart() {
    // A label clipped to its cell ends right where the answer beside it starts; a
    // number aligned right ends a hair before the answer column, which starts text
    // set apart on three lines.
    let content =
        b"q 40 690 116 20 re W n BT /F1 10 Tf 42 700 Td (Label text running much longer) Tj ET Q \
        BT /F1 10 Tf 162 700 Td (Answer one) Tj ET \
        BT /F1 10 Tf 152.44 680 Td (6) Tj ET BT /F1 10 Tf 160 680 Td (Answer two) Tj ET \
        BT /F1 10 Tf 42 660 Td (Title) Tj ET BT /F1 10 Tf 160 660 Td (Answer three) Tj ET \
        BT /F1 10 Tf 42 640 Td (Title) Tj ET BT /F1 10 Tf 160 640 Td (Answer four) Tj ET \
        BT /F1 10 Tf 42 620 Td (Title) Tj ET BT /F1 10 Tf 160 620 Td (Answer five) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["Label text running much longer", "Answer one"],
            vec!["6", "Answer two"],
            vec!["Title", "Answer three"],
            vec!["Title", "Answer four"],
            vec!["Title", "Answer five"],
        ]
    );
}

#[test]
fn lines_of_a_sheet_cell_printed_upwards_join_their_row() {
    // Without rules, a cell of three lines prints upwards from its row's baseline:
    // its first two lines come alone above the row. The heading above is set apart.
    let content = b"BT /F1 10 Tf 42 730 Td (Heading) Tj ET \
        BT /F1 10 Tf 160 712 Td (Line one) Tj ET \
        BT /F1 10 Tf 160 700 Td (Line two) Tj ET \
        BT /F1 10 Tf 42 688 Td (Label) Tj ET BT /F1 10 Tf 160 688 Td (Line three) Tj ET \
        BT /F1 10 Tf 42 670 Td (Other) Tj ET BT /F1 10 Tf 160 670 Td (Answer) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["Heading"],
            vec!["Label", "Line one\nLine two\nLine three"],
            vec!["Other", "Answer"],
        ]
    );
}

#[test]
fn a_number_touching_the_answer_column_is_a_column_of_its_own() {
    // The item numbers, aligned right in a narrow column, end a hair before the
    // answers; nothing else is set apart at the answer column, but lines start there.
    let content =
        b"BT /F1 10 Tf 152.44 700 Td (1) Tj ET BT /F1 10 Tf 159.3 700 Td (Answer one) Tj ET \
        BT /F1 10 Tf 159.3 680 Td (More of one) Tj ET \
        BT /F1 10 Tf 152.44 660 Td (2) Tj ET BT /F1 10 Tf 159.3 660 Td (Answer two) Tj ET \
        BT /F1 10 Tf 159.3 640 Td (More of two) Tj ET \
        BT /F1 10 Tf 159.3 620 Td (Still more) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["1", "Answer one"],
            vec!["More of one"],
            vec!["2", "Answer two"],
            vec!["More of two"],
            vec!["Still more"],
        ]
    );
    let columns: Vec<Vec<u32>> = document.regions[0]
        .rows
        .iter()
        .map(|row| row.blocks.iter().map(|b| b.column).collect())
        .collect();
    assert!(columns[0][0] < columns[0][1], "{columns:?}");
    assert_eq!(columns[0][1], columns[1][0], "{columns:?}");
}

/// Content drawing a sheet's cells of two lines at `x`, printed upwards (「First k」
/// 12 pt above 「Last k」) with a label at 300 on their last line, one per baseline.
fn two_line_cells(x: i32, baselines: &[i32]) -> String {
    baselines
        .iter()
        .enumerate()
        .map(|(k, y)| {
            format!(
                "BT /F1 10 Tf {x} {} Td (First {k}) Tj ET \
                 BT /F1 10 Tf {x} {y} Td (Last {k}) Tj ET BT /F1 10 Tf 300 {y} Td (Label) Tj ET\n",
                y + 12
            )
        })
        .collect()
}

#[test]
fn lines_above_a_row_opening_cell_join_it_only_at_the_line_pitch() {
    // The answers open their rows (the first column holds only headings). Cells of
    // two lines set the line pitch (12 pt); a line 15 pt above an answer is a row of
    // its own. In the first column, where rows are set at the line pitch too, a line
    // numbered like a heading stays a row of its own.
    let mut content = String::from("BT /F1 10 Tf 42 760 Td (Heading) Tj ET\n");
    content += &two_line_cells(160, &[740, 700, 660, 620]);
    content += "BT /F1 10 Tf 160 595 Td (A row apart) Tj ET \
        BT /F1 10 Tf 160 580 Td (Answer) Tj ET BT /F1 10 Tf 300 580 Td (Label) Tj ET \
        BT /F1 10 Tf 42 568 Td (\\(2\\) Section) Tj ET \
        BT /F1 10 Tf 42 556 Td (Opening) Tj ET BT /F1 10 Tf 300 556 Td (Label) Tj ET";
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    let texts = texts(&document);
    assert_eq!(texts[1], vec!["First 0\nLast 0", "Label"]);
    assert_eq!(texts[4], vec!["First 3\nLast 3", "Label"]);
    assert_eq!(texts[5], vec!["A row apart"]);
    assert_eq!(texts[6], vec!["Answer", "Label"]);
    assert_eq!(texts[7], vec!["(2) Section"]);
    assert_eq!(texts[8], vec!["Opening", "Label"]);
}

#[test]
fn cells_of_the_first_column_take_their_lines_where_rows_are_set_apart() {
    // Answers in the sheet's first column, rows 16 pt apart, cells' lines 12 pt: a
    // line 12 pt above a row is its cell's, a line 16 pt above is a row.
    let mut content = String::new();
    for (k, y) in [780, 764, 748, 732, 716].iter().enumerate() {
        content += &format!(
            "BT /F1 10 Tf 42 {y} Td (Plain {k}) Tj ET BT /F1 10 Tf 300 {y} Td (Label) Tj ET\n"
        );
    }
    content += &two_line_cells(42, &[686, 656, 626, 596]);
    content += "BT /F1 10 Tf 42 578 Td (Section) Tj ET \
        BT /F1 10 Tf 42 562 Td (Answer) Tj ET BT /F1 10 Tf 300 562 Td (Label) Tj ET \
        BT /F1 10 Tf 42 544 Td (\\(3\\) Part) Tj ET \
        BT /F1 10 Tf 42 532 Td (Closing) Tj ET BT /F1 10 Tf 300 532 Td (Label) Tj ET";
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    let texts = texts(&document);
    assert_eq!(texts[5], vec!["First 0\nLast 0", "Label"]);
    assert_eq!(texts[8], vec!["First 3\nLast 3", "Label"]);
    assert_eq!(texts[9], vec!["Section"]);
    assert_eq!(texts[10], vec!["Answer", "Label"]);
    // A line numbered like a heading stays apart even at the line pitch.
    assert_eq!(texts[11], vec!["(3) Part"]);
    assert_eq!(texts[12], vec!["Closing", "Label"]);
}

#[test]
fn a_line_wrapped_before_a_long_word_is_joined() {
    // The second line ends well short of the margin: the long word after it (wider
    // than the room left) went to the next line.
    let line = |y: i32, s: &str| format!("BT /F1 10 Tf 72 {y} Td ({s}) Tj ET\n");
    let full = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRS";
    let mut content = String::new();
    content += &line(712, full);
    content += &line(700, full);
    content += &line(688, full);
    content += &line(676, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG");
    content += &line(664, "WWWWWWWWWWWWWWWWWWWW end.");
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![vec![format!(
            "{full}{full}{full}ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG WWWWWWWWWWWWWWWWWWWW end."
        )]]
    );
}

/// A ruled cell whose first line ends one Latin word before the margin, written by
/// `producer` (a UTF-16 text string, as LibreOffice writes it), if any.
fn latin_wrap(producer: Option<&str>) -> Vec<u8> {
    let mut content = String::from("0.5 w\n");
    for x in [50, 200, 400] {
        content += &format!("{x} 600 m {x} 700 l S\n");
    }
    for y in [700, 600] {
        content += &format!("50 {y} m 400 {y} l S\n");
    }
    // 「A…W Ubuntu」 ends at 393.7: the 「S」 of 「Server」 would not fit before 398.
    content += "BT /F1 10 Tf 52 686 Td (Name) Tj ET\n";
    content += "BT /F1 10 Tf 202 686 Td (ABCDEFGHIJKLMNOPQRSTUVW Ubuntu) Tj ET\n";
    content += "BT /F1 10 Tf 202 674 Td (Server) Tj ET\n";
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    if let Some(producer) = producer {
        let mut utf16 = vec![0xfe, 0xff];
        utf16.extend(producer.encode_utf16().flat_map(u16::to_be_bytes));
        let info = doc.add_object(dictionary! {
            "Producer" => Object::String(utf16, StringFormat::Hexadecimal),
        });
        doc.trailer.set("Info", info);
    }
    save(&mut doc)
}

#[test]
fn office_suites_break_latin_text_only_at_spaces() {
    let answer = |bytes: &[u8]| texts(&read_default(bytes).expect("reads"))[0][1].clone();
    assert_eq!(
        answer(&latin_wrap(Some("LibreOffice 7.4"))),
        "ABCDEFGHIJKLMNOPQRSTUVW Ubuntu Server"
    );
    // A writer that breaks anywhere (fpdf2, reportlab) may have split one word.
    assert_eq!(
        answer(&latin_wrap(None)),
        "ABCDEFGHIJKLMNOPQRSTUVW UbuntuServer"
    );
}

#[test]
fn print_titles_repeated_atop_pages_are_read_once() {
    let page = |rows: &[&str]| {
        let mut content = String::from("BT /F1 10 Tf 42 800 Td (Form title) Tj ET\n");
        content += "BT /F1 10 Tf 42 786 Td (Applicant: Acme) Tj ET\n";
        for (k, row) in rows.iter().enumerate() {
            let y = 700 - 20 * k as i32;
            content += &format!(
                "BT /F1 10 Tf 42 {y} Td (Item) Tj ET BT /F1 10 Tf 160 {y} Td ({row}) Tj ET\n"
            );
        }
        content.into_bytes()
    };
    let (first, second) = (page(&["One", "Two"]), page(&["Three"]));
    let mut doc = pdf_with(&[&first, &second], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["Form title"],
            vec!["Applicant: Acme"],
            vec!["Item", "One"],
            vec!["Item", "Two"],
            vec!["Item", "Three"],
        ]
    );
}

#[test]
fn a_running_head_atop_most_pages_is_read_once() {
    let page = |head: &str, row: &str| {
        format!(
            "BT /F1 10 Tf 42 800 Td ({head}) Tj ET BT /F1 10 Tf 42 700 Td (Item) Tj ET \
             BT /F1 10 Tf 160 700 Td ({row}) Tj ET"
        )
        .into_bytes()
    };
    let read = |pages: &[Vec<u8>]| {
        let pages: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let mut doc = pdf_with(&pages, helvetica);
        texts(&read_default(&save(&mut doc)).expect("reads"))
    };
    // One row opening three pages at one height: the company's name on every page.
    let pages: Vec<Vec<u8>> = ["One", "Two", "Three"]
        .iter()
        .map(|row| page("Acme Inc.", row))
        .collect();
    assert_eq!(
        read(&pages),
        vec![
            vec!["Acme Inc."],
            vec!["Item", "One"],
            vec!["Item", "Two"],
            vec!["Item", "Three"],
        ]
    );
    // A line that happens to open two pages is text like any other.
    let pages = vec![page("Notes", "One"), page("Notes", "Two")];
    assert_eq!(
        read(&pages),
        vec![
            vec!["Notes"],
            vec!["Item", "One"],
            vec!["Notes"],
            vec!["Item", "Two"],
        ]
    );
}

#[test]
fn a_running_foot_closing_most_pages_is_not_read() {
    // A portal's print page: a notice and the page's URL with its number close every
    // page; the answer above stays whole. A line that closes two pages is text.
    let page = |row: &str, foot: &[String]| {
        let mut content =
            format!("BT /F1 10 Tf 42 700 Td (Item) Tj ET BT /F1 10 Tf 160 700 Td ({row}) Tj ET");
        for (line, y) in foot.iter().zip([60, 45]) {
            content.push_str(&format!(" BT /F1 8 Tf 42 {y} Td ({line}) Tj ET"));
        }
        content.into_bytes()
    };
    let read = |pages: &[Vec<u8>]| {
        let pages: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let mut doc = pdf_with(&pages, helvetica);
        texts(&read_default(&save(&mut doc)).expect("reads"))
    };
    let pages: Vec<Vec<u8>> = ["One", "Two", "Three"]
        .iter()
        .zip(1..)
        .map(|(row, n)| page(row, &["(c) 2024 Portal".into(), format!("Page {n}")]))
        .collect();
    assert_eq!(
        read(&pages),
        vec![
            vec!["Item", "One"],
            vec!["Item", "Two"],
            vec!["Item", "Three"]
        ]
    );
    let pages = vec![
        page("One", &["Notes".into()]),
        page("Two", &["Notes".into()]),
    ];
    assert_eq!(
        read(&pages),
        vec![
            vec!["Item", "One"],
            vec!["Notes"],
            vec!["Item", "Two"],
            vec!["Notes"],
        ]
    );
}

#[test]
fn a_column_whose_cells_open_their_lines_still_splits_text_touching_it() {
    // The answer column starts text set apart once (its header) and opens three
    // lines; a number aligned right against it is its own cell, while a heading whose
    // words a drawn space separates stays whole.
    let content = b"BT /F1 10 Tf 42 700 Td (No) Tj ET BT /F1 10 Tf 152 700 Td (Answer) Tj ET \
        BT /F1 10 Tf 144.44 680 Td (2) Tj ET BT /F1 10 Tf 152 680 Td (Alpha) Tj ET \
        BT /F1 10 Tf 152 668 Td (Beta) Tj ET \
        BT /F1 10 Tf 152 656 Td (Gamma) Tj ET \
        BT /F1 10 Tf 131.43 630 Td (\\(12\\) Delta) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    let rows = texts(&document);
    assert_eq!(rows[1], vec!["2", "Alpha"]);
    assert_eq!(rows[4], vec!["(12) Delta"]);
}

#[test]
fn a_figure_aligned_right_is_in_the_column_it_stands_in() {
    // A sheet printed without rules: answers start at 200, but the typed figures
    // (a date, a count) are aligned right and start inside the answer column, at no
    // edge of the page. The item numbers, aligned right under their heading, keep
    // their own column.
    let content = b"BT /F1 10 Tf 42 720 Td (No) Tj ET BT /F1 10 Tf 80 720 Td (Item) Tj ET \
        BT /F1 10 Tf 200 720 Td (Answer) Tj ET \
        BT /F1 10 Tf 52 700 Td (1) Tj ET BT /F1 10 Tf 80 700 Td (Name) Tj ET \
        BT /F1 10 Tf 200 700 Td (An answer long enough to span the column) Tj ET \
        BT /F1 10 Tf 52 680 Td (2) Tj ET BT /F1 10 Tf 80 680 Td (Date) Tj ET \
        BT /F1 10 Tf 330 680 Td (2024/6/1) Tj ET \
        BT /F1 10 Tf 52 660 Td (3) Tj ET BT /F1 10 Tf 80 660 Td (Count) Tj ET \
        BT /F1 10 Tf 345 660 Td (1,284) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    let columns: Vec<Vec<(u32, &str)>> = document.regions[0]
        .rows
        .iter()
        .map(|row| {
            row.blocks
                .iter()
                .map(|b| (b.column, b.text.as_str()))
                .collect()
        })
        .collect();
    let answer_column = columns[0][2].0;
    assert_eq!(columns[2][2], (answer_column, "2024/6/1"), "{columns:?}");
    assert_eq!(columns[3][2], (answer_column, "1,284"), "{columns:?}");
    assert!(columns[1][0].0 < columns[1][1].0, "{columns:?}");
}

#[test]
fn a_row_split_before_a_long_word_is_joined() {
    // The page ends after a line that stops well short of the cell's edge, because
    // the word that follows on the next page is too long for the room left.
    // The answers above show where the column's lines wrap (about 190 pt).
    let mut first = two_column_frame(&[700, 650, 100]);
    first += &text(52.0, 690.0, "1");
    for (k, y) in [690.0, 678.0, 666.0, 654.0].into_iter().enumerate() {
        first += &text(82.0, y, &format!("Line {k} of a long answer"));
    }
    first += &text(52.0, 636.0, "2");
    first += &text(82.0, 636.0, "ABCDEFGHIJ");
    let mut second = two_column_frame(&[700, 670, 650]);
    second += &text(82.0, 686.0, "KLMNOPQRSTUVWXY");
    second += &text(52.0, 656.0, "3");
    second += &text(82.0, 656.0, "Third");
    let mut doc = pdf_with(&[first.as_bytes(), second.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec![
                "1",
                "Line 0 of a long answer Line 1 of a long answer Line 2 of a long answer \
                 Line 3 of a long answer"
            ],
            vec!["2", "ABCDEFGHIJ KLMNOPQRSTUVWXY"],
            vec!["3", "Third"],
        ]
    );
}

#[test]
fn text_clipped_away_is_not_on_the_page() {
    // LibreOffice draws a table row a page break splits whole on both pages, each
    // clipped to its part: a line outside the clip is the other page's.
    let mut content = String::from("q 40 676 300 30 re W n\n");
    content += &text(52.0, 686.0, "Shown");
    content += &text(52.0, 660.0, "Clipped");
    content += "Q\n";
    content += &text(52.0, 640.0, "Outside any clip");
    let page = content.into_bytes();
    let mut doc = pdf_with(&[&page], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![vec!["Shown"], vec!["Outside any clip"]]
    );
}

#[test]
fn a_bracket_hung_over_a_cells_rule_ends_that_cell() {
    // Chromium hangs a closing bracket that ends a full line past the cell's edge, over
    // the rule, and sets the next cell's text from under it or right after it: 「日本）」
    // fills the cell from 72 to 102 over the rule at 100, and the next cell's 「日本」
    // starts at 101.5, or at 102.5. Where no rule passes under the bracket (a writer
    // compressing punctuation, or one cell), the text after it is the same cell's.
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        3 beginbfchar <0003> <65E5> <0004> <672C> <0005> <FF09> endbfchar\n\
        endcmap end end";
    let ruled = |columns: &[u32], shift: i32| {
        let text = format!("BT /F1 10 Tf 72 500 Td [<000300040005> {shift} <00030004>] TJ ET\n");
        let mut content = String::from("0.5 w\n");
        for x in columns {
            content += &format!("{x} 490 m {x} 520 l S\n");
        }
        for y in [490, 520] {
            content += &format!("50 {y} m 200 {y} l S\n");
        }
        content + &text
    };
    for (columns, shift, expected) in [
        (&[50, 100, 200][..], 50, vec![vec!["日本）", "日本"]]),
        (&[50, 100, 200][..], -50, vec![vec!["日本）", "日本"]]),
        (&[50, 200][..], 50, vec![vec!["日本）日本"]]),
        (&[50, 200][..], -50, vec![vec!["日本）日本"]]),
    ] {
        let content = ruled(columns, shift);
        let mut doc = pdf_with(&[content.as_bytes()], |d| {
            type0(d, "Identity-H", Some(cmap))
        });
        let document = read_default(&save(&mut doc)).expect("reads");
        assert_eq!(
            texts(&document),
            expected,
            "columns {columns:?}, shift {shift}"
        );
    }
}

#[test]
fn a_raised_footnote_mark_stays_with_the_word_it_marks_and_its_note_is_no_text() {
    // 「Acme*」 at 10 pt and its footnote's number at 6 pt, raised 4 pt, right after it;
    // a line below, a list numbered like the mark and a small number set apart above
    // nothing stay as they are. The note at the page's foot, its number and then its
    // words in a smaller size, is read no more.
    let content = b"BT /F1 10 Tf 42 700 Td (Acme*) Tj ET BT /F1 6 Tf 68.5 704 Td (1) Tj ET \
        BT /F1 10 Tf 42 680 Td (Next line) Tj ET \
        BT /F1 10 Tf 42 660 Td (1. Listed) Tj ET \
        BT /F1 6 Tf 300 640 Td (2) Tj ET BT /F1 10 Tf 42 620 Td (Far below) Tj ET \
        BT /F1 10 Tf 42 100 Td (1) Tj ET BT /F1 8 Tf 52 100 Td (A note on Acme.) Tj ET";
    let mut doc = pdf_with(&[content], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        vec![
            vec!["Acme*1"],
            vec!["Next line"],
            vec!["1. Listed"],
            vec!["2"],
            vec!["Far below"]
        ]
    );
}

#[test]
fn words_prompt_is_no_answer_wherever_it_stands() {
    let row = |texts: &[&str]| Row {
        blocks: texts
            .iter()
            .map(|text| Block {
                text: text.to_string(),
                column: 0,
                column_span: 1,
                at: Location::Page { page: 1 },
            })
            .collect(),
    };
    let rows = without_prompts(vec![
        // A drop-down's choice above its detail control, left empty.
        row(&[
            "役員数",
            "有\nここをクリックしてテキストを入力してください。",
        ]),
        // A prompt wrapped over two lines, alone in its cell.
        row(&["ここをクリックまたはタップしてテキストを入力してく\nださい。"]),
        // An answer that speaks of clicking is an answer.
        row(&["ここをクリックして申請画面を開く手順を案内する。"]),
    ]);
    let texts: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.blocks.iter().map(|b| b.text.as_str()).collect())
        .collect();
    assert_eq!(
        texts,
        [
            vec!["役員数", "有"],
            vec!["ここをクリックして申請画面を開く手順を案内する。"]
        ]
    );
}

#[test]
fn every_prompt_opens_with_one_of_the_openings_looked_for() {
    for prompt in WORD_PROMPTS {
        assert!(
            PROMPT_OPENINGS
                .iter()
                .any(|opening| prompt.starts_with(opening)),
            "{prompt}"
        );
    }
}

/// A box ruled on its own, as a form drawn on a grid of narrow cells borders it.
fn ruled_box(left: i32, bottom: i32, right: i32, top: i32) -> String {
    format!(
        "{left} {bottom} m {left} {top} l S\n{right} {bottom} m {right} {top} l S\n\
         {left} {bottom} m {right} {bottom} l S\n{left} {top} m {right} {top} l S\n"
    )
}

#[test]
fn text_beside_ruled_boxes_is_their_rows() {
    // The label and each part of the date ruled as boxes of their own; the units
    // between them, unruled, sit a little lower on the line.
    let mut content = String::from("0.5 w\n");
    content += &ruled_box(50, 610, 150, 630);
    content += &ruled_box(160, 610, 200, 630);
    content += &ruled_box(215, 610, 235, 630);
    content += &text(52.0, 616.0, "Date");
    content += &text(162.0, 616.0, "2025");
    content += &text(203.0, 615.0, "Y");
    content += &text(217.0, 616.0, "8");
    content += &text(238.0, 615.0, "M");
    // Text below the boxes is a row of its own.
    content += &text(52.0, 580.0, "Below");
    let mut doc = pdf_with(&[content.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        [vec!["Date", "2025", "Y", "8", "M"], vec!["Below"]]
    );
}

#[test]
fn a_wide_sheet_printed_in_strips_is_read_row_by_row() {
    // Rows as tall as their answers: the first page prints the labels, the second the
    // answers of the same rows at the same heights, in a column of its own; the last
    // answer is blank.
    let rows = [(700, 680), (680, 640), (640, 610), (610, 590)];
    let mut labels = String::from("0.5 w\n");
    let mut answers = String::from("0.5 w\n");
    for (top, bottom) in rows {
        labels += &ruled_box(50, bottom, 80, top);
        labels += &ruled_box(80, bottom, 300, top);
        answers += &ruled_box(50, bottom, 400, top);
    }
    for ((top, _), (no, item)) in rows.iter().zip([
        ("No", "Item"),
        ("1", "Name"),
        ("2", "Address"),
        ("3", "Phone"),
    ]) {
        labels += &text(52.0, *top as f32 - 14.0, no);
        labels += &text(82.0, *top as f32 - 14.0, item);
    }
    for ((top, _), answer) in rows.iter().zip(["Answer", "Sample Inc.", "Tokyo"]) {
        answers += &text(52.0, *top as f32 - 14.0, answer);
    }
    let mut doc = pdf_with(&[labels.as_bytes(), answers.as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert_eq!(
        texts(&document),
        [
            vec!["No", "Item", "Answer"],
            vec!["1", "Name", "Sample Inc."],
            vec!["2", "Address", "Tokyo"],
            vec!["3", "Phone"],
        ]
    );
}

#[test]
fn the_next_page_of_one_table_is_no_strip() {
    // The same columns at the same heights on both pages: the table goes on.
    let rows = [(700, 680), (680, 640), (640, 610), (610, 590)];
    let mut pages = [String::from("0.5 w\n"), String::from("0.5 w\n")];
    for (page, words) in pages
        .iter_mut()
        .zip([["A", "B", "C", "D"], ["E", "F", "G", "H"]])
    {
        for ((top, bottom), word) in rows.iter().zip(words) {
            *page += &ruled_box(50, *bottom, 300, *top);
            *page += &text(52.0, *top as f32 - 14.0, word);
        }
    }
    let mut doc = pdf_with(&[pages[0].as_bytes(), pages[1].as_bytes()], helvetica);
    let document = read_default(&save(&mut doc)).expect("reads");
    assert!(texts(&document).iter().all(|row| row.len() == 1));
}
