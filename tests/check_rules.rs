//! The checker on a real application: the clean fixture passes, and each defect
//! planted in it is found at the right item with the right rule.

use kaiji::answers::{Answers, FieldResult, ItemResult};
use kaiji::catalog::Catalog;
use kaiji::check::{self, CrossChecks};
use kaiji::findings::{Finding, Rule, Severity, Verdict};
use kaiji::model::Location;
use kaiji::normalize::Value;
use kaiji::pipeline::{self, Outcome, Setup, Stages};
use std::path::Path;

fn clean_application() -> Vec<ItemResult> {
    let shown = "fixtures/spreadsheets/official-layout.xlsx";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(shown);
    match pipeline::process(&path, shown, &Setup::builtin(Stages::Extract)) {
        Outcome::Document(document) => document.items,
        Outcome::Error(error) => panic!("fixture not read: {error:?}"),
    }
}

/// Writes `raw` as the answer to `item`.`field` (typed as the pipeline would), or
/// removes the answer when `raw` is `None`.
fn answer(items: &mut Vec<ItemResult>, item: u32, field: u32, raw: Option<&str>) {
    let catalog = Catalog::builtin();
    let entry = match items.iter().position(|i| i.number == item) {
        Some(position) => &mut items[position],
        None => {
            let title = catalog
                .item(item)
                .map(|i| i.title.clone())
                .unwrap_or_default();
            items.push(ItemResult {
                number: item,
                title,
                fields: Vec::new(),
            });
            items.last_mut().unwrap()
        }
    };
    entry.fields.retain(|f| f.index != field);
    if let Some(raw) = raw {
        let catalog_field = catalog
            .item(item)
            .and_then(|i| i.field(field))
            .expect("a catalog field");
        let at = Location::Cell {
            sheet: "申請書".into(),
            row: 0,
            col: 3,
        };
        let catalog_item = catalog.item(item).expect("a catalog item");
        let (value, centres) = pipeline::type_answer(
            catalog_item,
            catalog_field,
            (raw, &at),
            None,
            &mut Vec::new(),
        );
        entry.fields.push(FieldResult {
            index: field,
            raw: raw.to_string(),
            value,
            at,
            confidence: 1.0,
            matched_label: None,
            centres,
        });
    }
}

fn findings(items: &[ItemResult]) -> Vec<Finding> {
    check::check(
        &Answers::new(items),
        Catalog::builtin(),
        CrossChecks::builtin(),
    )
}

#[test]
fn the_clean_application_passes() {
    let items = clean_application();
    let found = findings(&items);
    let worth_a_look: Vec<&Finding> = found
        .iter()
        .filter(|f| f.severity >= Severity::Review)
        .collect();
    assert!(worth_a_look.is_empty(), "{worth_a_look:#?}");
    assert_eq!(Verdict::of(&found), Verdict::Pass);
}

/// (item, field, new answer or None to erase, expected item, expected rule, expected severity)
type Planted = (u32, u32, Option<&'static str>, u32, Rule, Severity);

const PLANTED: &[Planted] = &[
    (9, 1, None, 9, Rule::Missing, Severity::Reject),
    (2, 2, Some("－"), 2, Rule::Missing, Severity::Reject),
    (128, 2, None, 128, Rule::Missing, Severity::Reject),
    (
        29,
        1,
        Some("無し"),
        29,
        Rule::BelowThreshold,
        Severity::Reject,
    ),
    (
        87,
        3,
        Some("否"),
        87,
        Rule::BelowThreshold,
        Severity::Reject,
    ),
    (
        127,
        1,
        Some("なし"),
        127,
        Rule::BelowThreshold,
        Severity::Reject,
    ),
    (
        130,
        1,
        Some("事前告知は行わない"),
        130,
        Rule::BelowThreshold,
        Severity::Reject,
    ),
    (
        131,
        1,
        Some("無し"),
        131,
        Rule::BelowThreshold,
        Severity::Reject,
    ),
    (
        5,
        1,
        Some(
            "IoTクラウドプラットフォームの提供、データセンターの運営、システムインテグレーション、IoT機器の販売・保守、ネットワーク構築、セキュリティ運用監視、コンサルティング、教育研修サービス、ソフトウェア開発受託、その他これらに付帯する一切の事業を営んでいます。",
        ),
        5,
        Rule::Invalid,
        Severity::Review,
    ),
    (
        1,
        1,
        Some("令和6年6月1日"),
        1,
        Rule::Invalid,
        Severity::Review,
    ),
    (117, 1, Some("④"), 117, Rule::Invalid, Severity::Review),
    (117, 1, Some("①②"), 117, Rule::Invalid, Severity::Review),
    (16, 1, Some("①⑤"), 16, Rule::Invalid, Severity::Review),
    (
        79,
        1,
        Some("SSAE16取得済み"),
        79,
        Rule::Invalid,
        Severity::Review,
    ),
    (
        3,
        1,
        Some("2020年1月1日"),
        3,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        10,
        1,
        Some("30,000,000,000円（2024年3月期）"),
        10,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        12,
        1,
        Some("120%（2024年3月期）"),
        12,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        15,
        1,
        Some("無し（東証スタンダード市場）"),
        15,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        23,
        1,
        Some("無し（個人情報保護規程 第3条）"),
        23,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        93,
        1,
        Some("3拠点"),
        93,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        92,
        1,
        Some("米国"),
        92,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        77,
        2,
        Some("100%"),
        77,
        Rule::Contradiction,
        Severity::Review,
    ),
    (22, 1, Some("有り"), 22, Rule::Missing, Severity::Review),
    (
        62,
        1,
        Some("無し"),
        62,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        17,
        1,
        Some("無し"),
        15,
        Rule::Contradiction,
        Severity::Review,
    ),
    (
        86,
        3,
        Some("無し"),
        86,
        Rule::Contradiction,
        Severity::Review,
    ),
];

#[test]
fn each_planted_defect_is_found_where_it_was_planted() {
    let clean = clean_application();
    let mut missed = Vec::new();
    for &(item, field, raw, expected_item, rule, severity) in PLANTED {
        let mut items = clean.clone();
        answer(&mut items, item, field, raw);
        let found = findings(&items);
        let hit = found
            .iter()
            .any(|f| f.item == Some(expected_item) && f.rule == rule && f.severity == severity);
        if !hit {
            missed.push(format!("{item}.{field} = {raw:?}: expected {rule:?}/{severity:?} at {expected_item}, got {found:#?}"));
        }
        let noise: Vec<&Finding> = found
            .iter()
            .filter(|f| {
                f.severity >= Severity::Review
                    && f.item != Some(expected_item)
                    && !f.related.contains(&expected_item)
            })
            .collect();
        if !noise.is_empty() {
            missed.push(format!(
                "{item}.{field} = {raw:?}: unrelated findings {noise:#?}"
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}

#[test]
fn the_individual_applicants_exemption_is_not_a_blank() {
    let mut items = clean_application();
    answer(&mut items, 11, 1, Some("個人事業であるため回答できない"));
    let found = findings(&items);
    assert!(
        !found
            .iter()
            .any(|f| f.item == Some(11) && f.severity == Severity::Reject),
        "{found:#?}"
    );
}

#[test]
fn a_failure_notice_exception_goes_to_a_reviewer() {
    let mut items = clean_application();
    answer(
        &mut items,
        131,
        1,
        Some("無し（利用者への影響が無い障害のため）"),
    );
    let found = findings(&items);
    assert!(
        found
            .iter()
            .any(|f| f.item == Some(131) && f.severity == Severity::Review),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.item == Some(131) && f.severity == Severity::Reject)
    );
}

/// Every finding names a unit of the registry, with the unit's rule and severity: over
/// the planted defects here and over every fixture read and checked.
#[test]
fn every_finding_carries_a_code_the_registry_lists() {
    let registry = check::rules(Catalog::builtin(), CrossChecks::builtin());
    let mut codes: Vec<&str> = registry.iter().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    let unique = codes.len();
    codes.dedup();
    assert_eq!(codes.len(), unique, "a code listed twice");

    // The planted defects, and the case that fires each unit (FIRES).
    let clean = clean_application();
    let mut found: Vec<Finding> = Vec::new();
    for &(item, field, raw, ..) in PLANTED {
        let mut items = clean.clone();
        answer(&mut items, item, field, raw);
        found.extend(findings(&items));
    }
    for (_, plants) in FIRES {
        let mut items = clean.clone();
        plants(&mut items);
        found.extend(findings(&items));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for shown in [
        "fixtures/spreadsheets/official-layout.xlsx",
        "fixtures/spreadsheets/split-sheets.ods",
        "fixtures/word/guide-layout.docx",
        "fixtures/pdf/guide-layout-lo.pdf",
        "fixtures/legacy/retyped-two-column.docx",
        "fixtures/README.md",
    ] {
        if let Outcome::Document(document) =
            pipeline::process(&root.join(shown), shown, &Setup::builtin(Stages::Check))
        {
            found.extend(document.findings);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for finding in &found {
        let unit = registry.iter().find(|r| r.code == finding.code);
        let unit = unit.unwrap_or_else(|| panic!("{} is not in the registry", finding.code));
        assert_eq!(
            (unit.rule, unit.severity),
            (finding.rule, finding.severity),
            "{finding:#?}"
        );
        seen.insert(finding.code.clone());
    }
    // The scenarios above reach most of the registry: a unit no case reaches is named.
    assert!(seen.len() >= 12, "only {seen:?} reached");
}

/// The README's rule table is the registry's, as `kaiji rules --format markdown` writes it.
#[test]
fn the_readme_lists_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let table = check::rules_markdown(&check::rules(Catalog::builtin(), CrossChecks::builtin()));
    let block = readme
        .split("<!-- rules:begin -->\n")
        .nth(1)
        .and_then(|rest| rest.split("<!-- rules:end -->").next())
        .expect("the README's rules block");
    assert!(
        block == table,
        "the README's rule table is stale: replace it with `kaiji rules --format markdown`"
    );
}

/// For every unit `check` runs, answers that make it fire on the clean application; the
/// clean application itself must not fire it. A unit added without a case here fails.
type Plant = fn(&mut Vec<ItemResult>);

const FIRES: &[(&str, Plant)] = &[
    ("required-missing", |items| plant(items, &[(9, 1, None)])),
    ("individual-exemption", |items| {
        plant(items, &[(11, 1, Some("個人事業であるため回答できない"))])
    }),
    ("guide-condition", |items| {
        plant(items, &[(29, 1, Some("無し"))])
    }),
    ("failure-notice-exception", |items| {
        plant(
            items,
            &[(131, 1, Some("無し（利用者への影響が無い障害のため）"))],
        )
    }),
    ("no-contact-point", |items| {
        plant(items, &[(127, 1, Some("なし"))])
    }),
    ("contact-point-unclear", |items| {
        plant(items, &[(127, 1, Some("営業部"))])
    }),
    ("no-maintenance-notice", |items| {
        plant(items, &[(130, 1, Some("事前告知は行わない"))])
    }),
    ("length-limit", |items| {
        plant(items, &[(5, 1, Some(LONG_TEXT))])
    }),
    ("western-year", |items| {
        plant(items, &[(3, 1, Some("平成21年4月1日"))])
    }),
    ("choice-range", |items| plant(items, &[(16, 1, Some("①⑤"))])),
    ("certification-in-place-of-content", |items| {
        plant(items, &[(79, 1, Some("18号監査（SSAE16）取得済み"))])
    }),
    ("language", |items| {
        // Every written answer in English.
        for item in items.iter_mut() {
            for field in item
                .fields
                .iter_mut()
                .filter(|f| matches!(f.value, Value::Text))
            {
                field.raw = "Provided as described in the service agreement".to_string();
            }
        }
    }),
    ("present-without-detail", |items| {
        plant(items, &[(29, 1, Some("有り"))])
    }),
    ("absent-with-detail", |items| {
        plant(items, &[(32, 1, Some("無し（文書名：販売管理規程）"))])
    }),
    ("founded-before-service-start", |items| {
        plant(items, &[(35, 1, Some("2001年4月1日"))])
    }),
    ("founded-before-disclosure-date", |items| {
        plant(items, &[(3, 1, Some("2025年4月1日"))])
    }),
    ("service-start-before-disclosure-date", |items| {
        plant(items, &[(35, 1, Some("2025年10月1日"))])
    }),
    ("data-center-start-before-disclosure-date", |items| {
        plant(items, &[(112, 1, Some("2026年"))])
    }),
    ("profit-within-sales", |items| {
        plant(items, &[(10, 1, Some("98,765,432千円（2024年3月期）"))])
    }),
    ("equity-ratio-range", |items| {
        plant(items, &[(12, 1, Some("148.6%（2024年3月期）"))])
    }),
    ("availability-target-range", |items| {
        plant(items, &[(77, 1, Some("199.95%"))])
    }),
    ("availability-actual-range", |items| {
        plant(items, &[(77, 2, Some("100.5%"))])
    }),
    ("availability-versus-incidents", |items| {
        plant(items, &[(77, 2, Some("100%"))])
    }),
    ("no-devices-but-described", |items| {
        plant(items, &[(62, 1, Some("無し"))])
    }),
    ("no-recommended-devices-but-described", |items| {
        plant(items, &[(75, 1, Some("無し"))])
    }),
    ("no-recommended-gateways-but-described", |items| {
        plant(items, &[(76, 2, Some("データの集約とプロトコル変換"))])
    }),
    ("unlisted-but-market-named", |items| {
        plant(
            items,
            &[(15, 1, Some("無し（東京証券取引所 スタンダード市場）"))],
        )
    }),
    ("listed-company-publishes-results", |items| {
        plant(items, &[(17, 1, Some("無し"))])
    }),
    ("return-of-data-stated-twice", |items| {
        plant(items, &[(86, 3, Some("無し"))])
    }),
    ("data-center-count-versus-names", |items| {
        plant(items, &[(93, 1, Some("3拠点"))])
    }),
    ("data-location-versus-data-center-countries", |items| {
        plant(items, &[(92, 1, Some("米国"))])
    }),
];

fn plant(items: &mut Vec<ItemResult>, answers: &[(u32, u32, Option<&str>)]) {
    for &(item, field, raw) in answers {
        answer(items, item, field, raw);
    }
}

const LONG_TEXT: &str = "IoTデバイスの開発・販売、IoTクラウドプラットフォームの提供、データ分析サービス、システムインテグレーション、ネットワーク構築・運用・保守、データセンター事業、コンサルティング、人材育成支援、その他これらに付帯する一切の事業";

#[test]
fn every_rule_fires_where_it_should_and_not_on_the_clean_application() {
    let registry = check::rules(Catalog::builtin(), CrossChecks::builtin());
    // The rules of reading and of renewals are tried elsewhere (the latter below).
    let reading: Vec<String> = check::reading::describe()
        .into_iter()
        .chain(check::renewal_rules(Catalog::builtin()))
        .map(|r| r.code)
        .collect();
    let clean = clean_application();
    let clean_codes: Vec<String> = findings(&clean).into_iter().map(|f| f.code).collect();
    let mut problems = Vec::new();
    for rule in registry.iter().filter(|r| !reading.contains(&r.code)) {
        let Some((_, plants)) = FIRES.iter().find(|(code, _)| *code == rule.code) else {
            problems.push(format!("{}: no case makes it fire", rule.code));
            continue;
        };
        if clean_codes.contains(&rule.code) {
            problems.push(format!("{}: fires on the clean application", rule.code));
        }
        let mut items = clean.clone();
        plants(&mut items);
        let found = findings(&items);
        if !found.iter().any(|f| f.code == rule.code) {
            let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
            problems.push(format!("{}: did not fire (found {codes:?})", rule.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The clean application two years on, as a renewal should be: dated anew, with the
/// financial data of a newer 決算期.
fn renewed(previous: &[ItemResult]) -> Vec<ItemResult> {
    let mut items = previous.to_vec();
    plant(
        &mut items,
        &[
            (1, 1, Some("2026/6/1")),
            (9, 1, Some("19,102,000千円（2026年3月期）")),
            (10, 1, Some("1,610,000千円（2026年3月期）")),
            (11, 1, Some("2,500,000千円（2026年3月期末）")),
            (12, 1, Some("49.2%（2026年3月期）")),
            (13, 1, Some("0.7倍（2026年3月期）")),
        ],
    );
    items
}

/// For each renewal rule, what makes the clean renewal raise it.
const RENEWAL_FIRES: &[(&str, Plant)] = &[
    ("disclosure-date-not-later", |items| {
        plant(items, &[(1, 1, Some("2024/6/1"))])
    }),
    ("financial-period-unchanged", |items| {
        plant(items, &[(9, 1, Some("19,102,000千円（2024年3月期）"))])
    }),
    ("financial-figure-carried-over", |items| {
        plant(items, &[(12, 1, Some("48.6%（2026年3月期）"))])
    }),
    ("measure-withdrawn", |items| {
        plant(items, &[(95, 1, Some("無し"))])
    }),
    ("required-answer-dropped", |items| {
        plant(items, &[(34, 1, None)])
    }),
    ("availability-actual-down", |items| {
        plant(items, &[(77, 2, Some("99.9%（2025年4月～2026年3月）"))])
    }),
    ("count-moved-by-half", |items| {
        plant(items, &[(91, 1, Some("約700社（2026年3月末時点）"))])
    }),
    ("data-centers-changed", |items| {
        plant(
            items,
            &[
                (93, 1, Some("3拠点")),
                (
                    111,
                    1,
                    Some(
                        "ソラリンク東日本データセンター：Aセンター\nソラリンク西日本データセンター：Bセンター\nソラリンク九州データセンター：Cセンター",
                    ),
                ),
            ],
        )
    }),
];

#[test]
fn every_renewal_rule_fires_where_planted_and_nowhere_else() {
    let catalog = Catalog::builtin();
    let previous = clean_application();
    let renewal = renewed(&previous);
    let codes = |current: &[ItemResult]| -> Vec<String> {
        check::renewal(&Answers::new(&previous), &Answers::new(current), catalog)
            .into_iter()
            .map(|f| f.code)
            .collect()
    };
    assert_eq!(codes(&renewal), Vec::<String>::new(), "the clean renewal");
    let mut problems = Vec::new();
    for rule in check::renewal_rules(catalog) {
        let Some((_, plants)) = RENEWAL_FIRES.iter().find(|(code, _)| *code == rule.code) else {
            problems.push(format!("{}: no case makes it fire", rule.code));
            continue;
        };
        let mut items = renewal.clone();
        plants(&mut items);
        let found = codes(&items);
        if found != [rule.code.clone()] {
            problems.push(format!("{}: found {found:?}", rule.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_placeholder_or_boxes_left_unticked_are_a_blank_not_an_unreadable_answer() {
    let catalog = Catalog::builtin();
    let at = Location::Cell {
        sheet: "申請書".into(),
        row: 0,
        col: 3,
    };
    // A web form's placeholder for a count, no box ticked for a presence, a dash.
    for (item, field, raw) in [(91, 1, "（未入力）"), (29, 1, "□有　□無"), (125, 2, "－")]
    {
        let catalog_item = catalog.item(item).expect("a catalog item");
        let catalog_field = catalog_item.field(field).expect("a catalog field");
        let mut found = Vec::new();
        pipeline::type_answer(catalog_item, catalog_field, (raw, &at), None, &mut found);
        assert!(found.is_empty(), "{raw}: {found:#?}");
    }
    // Left so in a required field, it is reported missing.
    let mut items = clean_application();
    answer(&mut items, 29, 1, Some("□有　□無"));
    let found = findings(&items);
    assert!(
        found
            .iter()
            .any(|f| f.code == "required-missing" && f.item == Some(29)),
        "{found:#?}"
    );
}
