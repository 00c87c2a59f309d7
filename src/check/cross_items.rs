//! Contradictions between items, run from the table in `dictionaries/checks.toml`.
//!
//! Each family below is one kind of comparison; each row of the table applies it to
//! particular fields with the message a reviewer reads. All findings are `review`:
//! the guide names no contradiction as 非認定, but a careful reviewer asks about each.

use super::RuleDescription;
use crate::answers::{Answers, FieldResult};
use crate::catalog::Catalog;
use crate::findings::{Finding, Rule, Severity};
use crate::normalize::Value;
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const CHECKS_TOML: &str = include_str!("../../dictionaries/checks.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// The first date is not after the second.
    DateOrder,
    /// The first amount does not exceed the second.
    NotGreater,
    /// A percentage or number within `min`..=`max`.
    Range,
    /// Incidents that stopped the service leave the availability below 100%. The
    /// converse does not hold: planned maintenance lowers it with no incident.
    AvailabilityIncidents,
    /// A first field answered 「無し」 leaves the others without details.
    NoneThenDetails,
    /// 上場「無し」 names no market.
    UnlistedMarket,
    /// A 「有り」 in the first field requires a 「有り」 in the second.
    PresentImpliesPresent,
    /// Two fields asking the same thing answer alike.
    SamePresence,
    /// A count equals the number of entries described in another field.
    CountMatches,
    /// Two fields name the same countries.
    CountriesAgree,
}

impl Family {
    fn arity(self) -> std::ops::RangeInclusive<usize> {
        match self {
            Family::Range | Family::UnlistedMarket => 1..=1,
            Family::NoneThenDetails => 2..=8,
            _ => 2..=2,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrossCheck {
    pub id: String,
    pub family: Family,
    /// "item.field" references.
    pub fields: Vec<String>,
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrossChecks {
    #[serde(rename = "check")]
    checks: Vec<CrossCheck>,
}

fn field_ref(text: &str) -> Option<(u32, u32)> {
    let (item, field) = text.split_once('.')?;
    Some((item.parse().ok()?, field.parse().ok()?))
}

impl CrossChecks {
    /// The table embedded in the binary.
    pub fn builtin() -> &'static CrossChecks {
        static CHECKS: OnceLock<CrossChecks> = OnceLock::new();
        CHECKS.get_or_init(|| {
            // Part of the source tree and validated by the tests: failing here is a
            // build defect, not an input error.
            CrossChecks::from_toml(CHECKS_TOML, crate::catalog::Catalog::builtin())
                .expect("the embedded checks table is valid")
        })
    }

    /// Parses the table and checks every row against the catalog.
    pub fn from_toml(text: &str, catalog: &Catalog) -> Result<CrossChecks, String> {
        let table: CrossChecks = toml::from_str(text).map_err(|e| e.to_string())?;
        for check in &table.checks {
            if !check.family.arity().contains(&check.fields.len()) {
                return Err(format!(
                    "{}: wrong number of fields for {:?}",
                    check.id, check.family
                ));
            }
            for reference in &check.fields {
                let (item, field) = field_ref(reference)
                    .ok_or_else(|| format!("{}: bad field {reference}", check.id))?;
                if catalog.item(item).and_then(|i| i.field(field)).is_none() {
                    return Err(format!("{}: no field {reference} in the catalog", check.id));
                }
            }
        }
        Ok(table)
    }

    pub fn describe(&self) -> Vec<RuleDescription> {
        self.checks
            .iter()
            .map(|c| RuleDescription {
                code: c.id.clone(),
                rule: Rule::Contradiction,
                severity: c.severity,
                items: {
                    let mut items: Vec<u32> = Vec::new();
                    for (item, _) in c.fields.iter().filter_map(|f| field_ref(f)) {
                        if !items.contains(&item) {
                            items.push(item);
                        }
                    }
                    items
                },
                description: c.message.clone(),
            })
            .collect()
    }
}

pub fn check(
    answers: &Answers,
    _catalog: &Catalog,
    table: &CrossChecks,
    findings: &mut Vec<Finding>,
) {
    for row in &table.checks {
        let refs: Vec<(u32, u32)> = row.fields.iter().filter_map(|f| field_ref(f)).collect();
        let got: Vec<Option<&FieldResult>> = refs
            .iter()
            .map(|(item, field)| answers.get(*item, *field))
            .collect();
        let Some(&(first_item, first_field)) = refs.first() else {
            continue;
        };
        let contradicts = match row.family {
            Family::DateOrder => match (date_of(got[0]), date_of(got[1])) {
                (Some(earlier), Some(later)) => is_after(earlier, later),
                _ => false,
            },
            Family::NotGreater => match (yen_of(got[0]), yen_of(got[1])) {
                (Some(part), Some(whole)) => part > whole,
                _ => false,
            },
            Family::Range => number_of(got[0]).is_some_and(|n| {
                row.min.is_some_and(|min| n < min) || row.max.is_some_and(|max| n > max)
            }),
            Family::AvailabilityIncidents => {
                match (number_of(got[0]), got[1].map(|a| incidents(&a.raw))) {
                    (Some(availability), Some(Some(count))) => availability >= 100.0 && count > 0,
                    _ => false,
                }
            }
            Family::NoneThenDetails => {
                presence_of(got[0]) == Some(false)
                    && got[1..].iter().flatten().any(|a| !says_nothing(&a.raw))
            }
            Family::UnlistedMarket => {
                presence_of(got[0]) == Some(false) && got[0].is_some_and(|a| names_a_market(&a.raw))
            }
            Family::PresentImpliesPresent => {
                presence_of(got[0]) == Some(true) && presence_of(got[1]) == Some(false)
            }
            Family::SamePresence => match (presence_of(got[0]), presence_of(got[1])) {
                (Some(a), Some(b)) => a != b,
                _ => false,
            },
            Family::CountMatches => match (number_of(got[0]), got[1]) {
                (Some(count), Some(described)) => !describes(&described.raw, count),
                _ => false,
            },
            Family::CountriesAgree => match (
                got[0].map(|a| countries(&a.raw)),
                got[1].map(|a| countries(&a.raw)),
            ) {
                (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => a != b,
                _ => false,
            },
        };
        if !contradicts {
            continue;
        }
        let quoted = got.iter().flatten().next().copied();
        findings.push(Finding {
            item: Some(first_item),
            field: Some(first_field),
            rule: Rule::Contradiction,
            code: row.id.clone(),
            severity: row.severity,
            related: refs
                .iter()
                .map(|(item, _)| *item)
                .filter(|item| *item != first_item)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            message: row.message.clone(),
            quote: Some(
                got.iter()
                    .zip(&row.fields)
                    .filter_map(|(a, name)| a.map(|a| format!("[{name}] {}", a.raw)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            at: quoted.map(|a| a.at.clone()),
        });
    }
}

pub(super) fn date_of(answer: Option<&FieldResult>) -> Option<&str> {
    match &answer?.value {
        Value::Date { date } => Some(date),
        _ => None,
    }
}

/// Whether `earlier` is after `later`, comparing only as precisely as both are written
/// (2015 is not after 2015-04-01).
pub(super) fn is_after(earlier: &str, later: &str) -> bool {
    let common = earlier.len().min(later.len());
    earlier[..common] > later[..common]
}

fn yen_of(answer: Option<&FieldResult>) -> Option<i64> {
    match answer?.value {
        Value::Money { yen, .. } => Some(yen),
        _ => None,
    }
}

pub(super) fn number_of(answer: Option<&FieldResult>) -> Option<f64> {
    match &answer?.value {
        Value::Percent { percent, .. } => Some(percent.as_f64()),
        Value::Number { number, .. } => Some(number.as_f64()),
        _ => None,
    }
}

pub(super) fn presence_of(answer: Option<&FieldResult>) -> Option<bool> {
    match answer?.value {
        Value::Presence { present } => Some(present),
        _ => None,
    }
}

/// 「無し」, 「該当なし」, a dash: an answer that describes nothing.
fn says_nothing(raw: &str) -> bool {
    // 「該当なし（推奨機器なし）」, 「機器の提供なし」: an answer that itself says there is
    // none describes nothing.
    super::is_blank(raw) || crate::normalize::parse_presence(raw) == Ok(false)
}

/// The number of incidents an answer reports: 0 for 「無し」 or 「0件」, n for 「n件」.
fn incidents(raw: &str) -> Option<u32> {
    let text = crate::text::nfkc(raw);
    if let Some(position) = text.find('件') {
        let digits: String = text[..position]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return digits.parse().ok();
    }
    let folded = fold(raw);
    ["無し", "なし", "無", "ありません", "該当なし"]
        .iter()
        .any(|w| folded.starts_with(&fold(w)))
        .then_some(0)
}

fn names_a_market(raw: &str) -> bool {
    let text = fold(raw);
    [
        "東証",
        "東京証券取引所",
        "プライム",
        "スタンダード",
        "グロース",
        "マザーズ",
        "jasdaq",
        "名証",
        "札証",
        "福証",
        "nasdaq",
        "nyse",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Whether an answer describes `count` entries (data centres); an empty one describes
/// any number.
fn describes(raw: &str, count: f64) -> bool {
    let entries = data_centres(raw);
    entries.is_empty() || entries.len() as f64 == count
}

/// The entries (data centres) an answer lists: one per line, or, all on one line,
/// separated by 「、」 or 「／」. A single line is one entry when it names one centre,
/// whatever punctuation it has.
pub(super) fn data_centres(raw: &str) -> Vec<String> {
    let lines: Vec<&str> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [only] => entries_on_one_line(only),
        [head, rows @ ..] if is_table_header(head, rows) => {
            rows.iter().map(|l| l.to_string()).collect()
        }
        _ => lines.into_iter().map(str::to_string).collect(),
    }
}

/// Whether the first line of a table flattened into an answer (cells apart by a tab
/// or a full-width space, as many on every line) is its header: no figure in it, one
/// in every line below (「データセンター名　所在地　面積」 over 「…センター　福岡県　800㎡」).
fn is_table_header(head: &str, rows: &[&str]) -> bool {
    let cells = |line: &str| {
        line.split(['\t', '\u{3000}'])
            .filter(|c| !c.trim().is_empty())
            .count()
    };
    let has_figure = |line: &str| {
        line.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    let width = cells(head);
    width >= 2
        && !has_figure(head)
        && rows
            .iter()
            .all(|row| cells(row) == width && has_figure(row))
}

/// The data centres a list on one line names: 「長野DC：A、千葉DC：B、さいたまDC：C」 is
/// three; 「東京都内のデータセンター、Tier3相当」 and 「東京DC（江東区、2005年開設）」
/// one, since a part that names no centre describes the one before it, and a bracket's
/// 、 separates nothing.
fn entries_on_one_line(line: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    for c in crate::text::nfkc(line).chars() {
        match c {
            '(' | '【' | '「' | '[' => depth += 1,
            ')' | '】' | '」' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(c, '、' | ',' | '/') {
            parts.push(String::new());
        } else if let Some(part) = parts.last_mut() {
            part.push(c.to_ascii_uppercase());
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    let names_a_centre = |p: &String| {
        ["センター", "DC", "拠点", "サイト"]
            .iter()
            .any(|w| p.contains(w))
    };
    if parts.iter().any(names_a_centre) {
        parts.retain(names_a_centre);
    }
    parts
}

/// The countries an answer names; Japan also by 国内 or a 地域ブロック.
fn countries(raw: &str) -> BTreeSet<&'static str> {
    const COUNTRIES: &[(&str, &[&str])] = &[
        (
            "日本",
            &[
                "日本",
                "国内",
                "北海道",
                "東北",
                "関東",
                "北陸",
                "東海",
                "甲信越",
                "近畿",
                "関西",
                "中国地方",
                "四国",
                "九州",
                "沖縄",
            ],
        ),
        ("米国", &["米国", "アメリカ", "usa", "u.s."]),
        ("シンガポール", &["シンガポール", "singapore"]),
        ("韓国", &["韓国"]),
        ("中国", &["中華人民共和国", "中国（", "中国大陸"]),
        ("台湾", &["台湾"]),
        ("香港", &["香港"]),
        ("英国", &["英国", "イギリス"]),
        ("ドイツ", &["ドイツ"]),
        ("アイルランド", &["アイルランド"]),
        ("オーストラリア", &["オーストラリア"]),
    ];
    let text = fold(raw);
    COUNTRIES
        .iter()
        .filter(|(_, words)| words.iter().any(|w| text.contains(&fold(w))))
        .map(|(name, _)| *name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_valid() {
        assert!(!CrossChecks::builtin().checks.is_empty());
        let broken = CHECKS_TOML.replacen("\"3.1\"", "\"3.9\"", 1);
        assert!(CrossChecks::from_toml(&broken, Catalog::builtin()).is_err());
    }

    #[test]
    fn helpers() {
        assert!(is_after("2016-04-01", "2015"));
        assert!(!is_after("2015", "2015-04-01"));
        assert_eq!(incidents("1件（2023年11月14日 ストレージ障害）"), Some(1));
        assert_eq!(incidents("無し"), Some(0));
        assert_eq!(incidents("0件"), Some(0));
        assert!(describes("A：東日本DC\nB：西日本DC", 2.0));
        assert!(describes("東日本DC、西日本DC", 2.0));
        assert!(describes("東京都内のデータセンター、Tier3相当", 1.0));
        assert!(!describes("A：東日本DC\nB：西日本DC", 1.0));
        assert!(!describes("東日本DC", 2.0));
        assert!(!describes(
            "長野データセンター：A、千葉データセンター：B、さいたまDC：C",
            1.0
        ));
        assert!(describes(
            "長野データセンター：A、千葉データセンター：B、さいたまDC：C",
            3.0
        ));
        assert!(describes("東京DC（江東区、2005年開設）", 1.0));
        // A table of centres flattened into the answer, under its header line.
        let table = "データセンター名\t所在地\t面積\n北九州センター\t福岡県\t800㎡\n金沢DC\t石川県\t9,800㎡";
        assert!(describes(table, 2.0));
        // A first line with a figure, or lines of other widths, are entries.
        assert!(describes("東京DC\t2005年開設\n大阪DC\t2010年開設", 2.0));
        assert!(describes("センター名\t所在地\n東京DC", 2.0));
        assert_eq!(
            countries("日本（A：関東、B：近畿）")
                .into_iter()
                .collect::<Vec<_>>(),
            ["日本"]
        );
        assert_eq!(countries("日本、米国").len(), 2);
        assert!(names_a_market("無し（東証グロース上場予定）"));
    }
}
