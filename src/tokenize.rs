//! Japanese tokenization: lindera with the IPADIC system dictionary and kaiji's domain
//! user dictionary, both embedded in the binary.
//!
//! - The system dictionary is `dictionaries/ipadic/ipadic-utf8.zip`: Debian's
//!   mecab-ipadic source converted to UTF-8 and built with lindera's own builder (see
//!   `tools/build-dictionary/build.sh`). `build.rs` unpacks it and its files are embedded
//!   as they are: lindera reads them in place, nothing is copied at start-up.
//! - The user dictionary is `dictionaries/userdict.csv` (IPADIC's 13-column format):
//!   the guide's vocabulary that IPADIC splits badly (非認定, 死活監視, IaaS・PaaS …).
//!
//! Text is NFKC-folded before it is segmented (full-width digits and letters otherwise
//! split one character a token), and each token carries its base form folded to one
//! kana spelling, so that labels can be compared word by word whatever their
//! conjugation, width or kana. Once loaded, tokenizing is a pure function.

use crate::text::nfkc;
use lindera::dictionary::{Dictionary, DictionaryBuilder, Lattice, UserDictionary};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::dictionary::character_definition::CharacterDefinition;
use lindera_dictionary::dictionary::connection_cost_matrix::ConnectionCostMatrix;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::prefix_dictionary::PrefixDictionary;
use lindera_dictionary::dictionary::unknown_dictionary::UnknownDictionary;
use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

/// A file of the system dictionary, as `build.rs` unpacked it.
macro_rules! dictionary_file {
    ($name:literal) => {{
        static FILE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ipadic/", $name));
        FILE
    }};
}
static USER_DICTIONARY: &str = include_str!("../dictionaries/userdict.csv");

/// A word's grammatical role, as far as label matching cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pos {
    /// A noun or a word the dictionary does not know (an acronym, a product name).
    Noun,
    /// A suffix noun: 数 in 役員数, 率 in 稼働率, 者 in 事業者.
    Suffix,
    /// A prefix: 非, 未, 再, 各.
    Prefix,
    Verb,
    Adjective,
    Adverb,
    /// A number written in digits or kanji numerals.
    Number,
    /// Particles, auxiliaries, conjunctions, symbols, dependent nouns (こと, ため).
    Function,
}

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word as written (after NFKC).
    pub surface: String,
    /// The dictionary form, kana folded (see [`fold_kana`]): 「行っ」 → 「行う」,
    /// 「あり」 → 「アル」.
    pub base: String,
    pub pos: Pos,
    /// The dictionary's own part-of-speech fields, joined with `,` (名詞,サ変接続).
    pub tag: String,
}

impl Token {
    /// What two spellings of one word share: the kanji of the base form when it has
    /// any (「問合せ」 and 「問い合わせ」 → 「問合」, 「有り」 → 「有」), else the folded
    /// base form (「アリ」).
    pub fn key(&self) -> String {
        key_of(self.base.clone())
    }

    /// Whether the word carries meaning of its own (nouns, verbs, adjectives, prefixes,
    /// suffixes), as opposed to particles, auxiliaries, symbols and numbers.
    pub fn is_content(&self) -> bool {
        carries_meaning(self.pos, &self.base)
    }
}

impl Pos {
    /// Whether a word of this part of speech may carry meaning of its own: all but
    /// numbers and function words (a verb only if it is no light verb).
    fn may_carry_meaning(self) -> bool {
        !matches!(self, Pos::Number | Pos::Function)
    }
}

/// [`Token::is_content`] of a word's part of speech and folded base form.
fn carries_meaning(pos: Pos, base: &str) -> bool {
    pos.may_carry_meaning() && !(pos == Pos::Verb && LIGHT_VERBS.contains(&base))
}

/// Verbs that say little on their own: 「する」 of サ変 nouns, 「ある」, 「いる」 ….
const LIGHT_VERBS: &[&str] = &[
    "スル",
    "アル",
    "イル",
    "ナル",
    "デキル",
    "レル",
    "ラレル",
    "セル",
    "サセル",
    "オル",
    "クル",
    "イウ",
    "言ウ",
    "行ウ",
    "オコナウ",
    "下サル",
    "クダサル",
    "有ル",
    "居ル",
    "為ル",
];

/// The tokenizer: lindera's segmenter over the embedded dictionaries.
pub struct Tokenizer {
    segmenter: Segmenter,
}

/// The process-wide tokenizer, loaded on first use.
pub fn tokenizer() -> &'static Tokenizer {
    static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| match Tokenizer::load() {
        Ok(tokenizer) => tokenizer,
        // The dictionaries are compiled into the binary and loaded by the tests: a
        // failure here is a broken build, not a property of the input.
        Err(error) => panic!("the embedded Japanese dictionary does not load: {error}"),
    })
}

impl Tokenizer {
    /// Loads the embedded system dictionary and builds the user dictionary.
    pub fn load() -> Result<Tokenizer, String> {
        let dictionary = system_dictionary()?;
        let user = user_dictionary(&dictionary.metadata)?;
        Ok(Tokenizer {
            segmenter: Segmenter::new(Mode::Normal, dictionary, Some(user)),
        })
    }

    /// The words of `text`, NFKC-folded first; whitespace separates words and is dropped.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        self.each_word(text, |surface, details| {
            tokens.push(make_token(surface.to_string(), details));
        });
        tokens
    }

    /// Calls `f` with each word of `text` (NFKC-folded first, whitespace dropped): its
    /// surface and the dictionary's first seven fields (part of speech, conjugation,
    /// base form), as borrowed from the segmenter.
    fn each_word(&self, text: &str, mut f: impl FnMut(&str, &[&str])) {
        thread_local! {
            // The lattice is reused from call to call: most calls are short labels.
            static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
        }
        let normalized = nfkc(text);
        LATTICE.with_borrow_mut(|lattice| {
            let Ok(mut raw) = self
                .segmenter
                .segment_with_lattice(Cow::Borrowed(normalized.as_str()), lattice)
            else {
                return;
            };
            for t in raw.iter_mut().filter(|t| !t.surface.trim().is_empty()) {
                let surface = t.surface.clone();
                let (mut details, mut count) = ([""; 7], 0);
                for (slot, detail) in details.iter_mut().zip(t.details_iter()) {
                    *slot = detail;
                    count += 1;
                }
                f(&surface, &details[..count]);
            }
        })
    }

    /// How many words lindera finds in `text` (NFKC first), without building
    /// [`Token`]s: the segmenter's own share of [`Tokenizer::tokens`], for measuring.
    pub fn word_count(&self, text: &str) -> usize {
        let normalized = nfkc(text);
        self.segmenter
            .segment(Cow::Borrowed(normalized.as_str()))
            .map_or(0, |tokens| tokens.len())
    }

    /// The content words of `text` as keys (see [`Token::key`]), in order: the
    /// [`Token`]s that are [`Token::is_content`], without making the others, nor any
    /// token's surface and tag (the label matcher reads every label so).
    pub fn content_words(&self, text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        self.each_word(text, |surface, details| {
            let field = |i: usize| detail_field(details, i);
            let pos = pos_of(field(0), field(1), surface);
            // The base form is made only for the words that may need it.
            if !pos.may_carry_meaning() {
                return;
            }
            let base = folded_base(field(6).unwrap_or(surface));
            if carries_meaning(pos, &base) {
                keys.push(key_of(base));
            }
        });
        keys
    }
}

/// The `i`th of a word's dictionary fields, if it says something (not empty, not `*`).
fn detail_field<'d>(details: &[&'d str], i: usize) -> Option<&'d str> {
    details
        .get(i)
        .copied()
        .filter(|s| !s.is_empty() && *s != "*")
}

/// A base form lowercased and kana-folded in one pass (folding no kana changes its case).
fn folded_base(base: &str) -> String {
    base.chars()
        .flat_map(char::to_lowercase)
        .map(fold_kana_char)
        .collect()
}

/// What two spellings of one word share (see [`Token::key`]), from its folded base form.
fn key_of(base: String) -> String {
    if base.chars().any(is_kanji) {
        base.chars().filter(|c| is_kanji(*c)).collect()
    } else {
        base
    }
}

fn make_token(surface: String, details: &[&str]) -> Token {
    let field = |i: usize| detail_field(details, i);
    let mut tag = String::new();
    for (i, detail) in details.iter().take(4).filter(|s| **s != "*").enumerate() {
        if i > 0 {
            tag.push(',');
        }
        tag.push_str(detail);
    }
    let pos = pos_of(field(0), field(1), &surface);
    let base = folded_base(field(6).unwrap_or(&surface));
    Token {
        surface,
        base,
        pos,
        tag,
    }
}

fn pos_of(major: Option<&str>, minor: Option<&str>, surface: &str) -> Pos {
    // IPADIC reads unknown symbols as サ変 nouns: 「(」 and 「・」 are no words.
    if !surface.chars().any(char::is_alphanumeric) {
        return Pos::Function;
    }
    match (major, minor) {
        (Some("名詞"), Some("数")) if surface.chars().all(is_numeral) => Pos::Number,
        (Some("名詞"), Some("数")) => Pos::Suffix,
        (Some("名詞"), Some("接尾")) => Pos::Suffix,
        (Some("名詞"), Some("非自立" | "代名詞" | "特殊")) => Pos::Function,
        (Some("名詞"), _) => Pos::Noun,
        (Some("接頭詞"), _) => Pos::Prefix,
        (Some("動詞"), Some("自立")) => Pos::Verb,
        (Some("動詞"), _) => Pos::Function,
        (Some("形容詞"), Some("自立")) => Pos::Adjective,
        (Some("形容詞"), _) => Pos::Function,
        (Some("副詞"), _) => Pos::Adverb,
        (Some("助詞" | "助動詞" | "接続詞" | "記号" | "フィラー" | "感動詞" | "連体詞"), _) => {
            Pos::Function
        }
        // Unknown words: a run of letters or kanji is a noun, anything else a symbol.
        _ if surface.chars().all(is_numeral) => Pos::Number,
        _ => Pos::Noun,
    }
}

/// CJK ideographs and the iteration mark 々.
pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々')
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ".,一二三四五六七八九十百千万億兆〇".contains(c)
}

/// One kana spelling: hiragana become katakana, 「ヵ」「ヶ」 become 「カ」「ケ」,
/// ASCII is lowercased. 「あり」, 「アリ」 and 「ｱﾘ」 (after NFKC) fold alike.
pub fn fold_kana(text: &str) -> String {
    text.chars().map(fold_kana_char).collect()
}

fn fold_kana_char(c: char) -> char {
    match c {
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        'ゝ' => 'ヽ',
        'ゞ' => 'ヾ',
        _ => c.to_ascii_lowercase(),
    }
}

/// The system dictionary, read in place from the embedded files.
fn system_dictionary() -> Result<Dictionary, String> {
    let lindera_error = |e: lindera_dictionary::error::LinderaError| e.to_string();
    let metadata = Metadata::load(dictionary_file!("metadata.json")).map_err(lindera_error)?;
    metadata.validate_format_version().map_err(lindera_error)?;
    let prefix_dictionary = PrefixDictionary::load(
        dictionary_file!("dict.trie"),
        dictionary_file!("dict.valsidx"),
        dictionary_file!("dict.vals"),
        dictionary_file!("dict.wordsidx"),
        dictionary_file!("dict.words"),
    )
    .map_err(lindera_error)?;
    // Aligned, so that lindera reads the costs in place rather than copying them.
    let matrix: &'static [u8] =
        lindera_dictionary::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/ipadic/matrix.mtx"));
    let connection_cost_matrix = ConnectionCostMatrix::load(matrix).map_err(lindera_error)?;
    let character_definition =
        CharacterDefinition::load(dictionary_file!("char_def.bin")).map_err(lindera_error)?;
    let unknown_dictionary =
        UnknownDictionary::load(dictionary_file!("unk.bin")).map_err(lindera_error)?;
    Ok(Dictionary {
        prefix_dictionary: Arc::new(prefix_dictionary),
        connection_cost_matrix: Arc::new(connection_cost_matrix),
        character_definition: Arc::new(character_definition),
        unknown_dictionary: Arc::new(unknown_dictionary),
        metadata: Arc::new(metadata),
    })
}

/// The domain user dictionary, built from the embedded CSV (comment lines start with #).
fn user_dictionary(metadata: &Metadata) -> Result<UserDictionary, String> {
    let rows: String = USER_DICTIONARY
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    DictionaryBuilder::new(metadata.clone())
        .build_user_dict_from_reader(rows.as_bytes())
        .map_err(|e| format!("user dictionary: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenizer().content_words(text)
    }

    #[test]
    fn kana_folds_to_one_spelling() {
        assert_eq!(fold_kana("あり"), "アリ");
        assert_eq!(fold_kana("1ヶ月"), "1ケ月");
        assert_eq!(fold_kana("IaaS"), "iaas");
    }

    #[test]
    fn labels_become_content_words() {
        assert_eq!(
            words("事業者の正式名称（商号）"),
            ["事業", "者", "正式", "名称", "商号"]
        );
        assert_eq!(words("代表者氏名"), ["代表", "者", "氏名"]);
        // Full-width letters and digits are folded before segmenting.
        assert_eq!(words("ＳＬＡの有無"), ["sla", "有無"]);
        assert_eq!(words("従業員数（正社員）"), ["従業", "員", "数", "正社員"]);
        // Okurigana variants share their key.
        assert_eq!(words("問合せ窓口"), words("問い合わせ窓口"));
    }

    #[test]
    fn content_words_are_the_content_tokens_keys() {
        for text in [
            "事業者の正式名称（商号）",
            "サービスを実施していない場合はその旨を記述",
            "問い合わせ窓口の営業日・時間",
            "ＳＬＡの有無と、「有り」の場合は稼働率の目標値",
            "IaaS・PaaSの名称 1,200社 あり ナシ 行っている",
            "ｻｰﾋﾞｽ開始時期（西暦）",
        ] {
            let keys: Vec<String> = tokenizer()
                .tokens(text)
                .into_iter()
                .filter(Token::is_content)
                .map(|t| t.key())
                .collect();
            assert_eq!(tokenizer().content_words(text), keys, "{text}");
        }
    }

    #[test]
    fn the_domain_vocabulary_stays_whole() {
        for word in ["非認定", "稼働率", "死活監視", "記述内容"] {
            assert_eq!(words(word), [word], "{word}");
        }
        assert_eq!(words("IaaS・PaaSの名称"), ["iaas・paas", "名称"]);
    }

    #[test]
    #[ignore]
    fn show() {
        let text = std::env::var("KAIJI_TOKENS").unwrap_or_default();
        for line in text.split('|') {
            let shown: Vec<String> = tokenizer()
                .tokens(line)
                .into_iter()
                .map(|t| {
                    format!(
                        "{}[{}{}{}]",
                        t.surface,
                        t.base,
                        if t.is_content() { "" } else { "-" },
                        t.tag
                    )
                })
                .collect();
            println!("{line}\n  {}", shown.join(" "));
        }
    }

    #[test]
    fn conjugated_verbs_have_their_dictionary_form() {
        let tokens = tokenizer().tokens("実施していない");
        assert_eq!(tokens[0].base, "実施");
        assert!(tokens.iter().any(|t| t.base == "ナイ"));
    }
}
