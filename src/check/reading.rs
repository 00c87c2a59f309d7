//! How the application was read: answers that could not be typed, answers that say two
//! things, and what the locator could not place. Raised while the answers are read, so
//! `extract` reports them too; listed here so that `kaiji rules` holds every code.

use super::{RuleDescription, RuleUnit};
use crate::catalog::{Field, Item};
use crate::findings::{Finding, Rule, Severity};
use crate::model::Location;

/// An answer that should be typed (a date, an amount, 有り／無し …) and cannot be read.
/// It stays text; kaiji never guesses a value.
///
/// **Why:** the guide asks each such field in a form (「西暦」, 「何日・何か月前か」,
/// 「有り／無し」); an answer a program cannot read may be one a reviewer misreads too.
/// **Example:** item 9 answered 「非公開」.
pub const UNREADABLE_ANSWER: RuleUnit = RuleUnit {
    code: "unreadable-answer",
    rule: Rule::Invalid,
    severity: Severity::Review,
    description: "型のある記述内容（日付、金額、有り／無し、選択肢 等）が読み取れない。値は推測せず text のまま残す。",
};

/// A 有り／無し answer that says both (「有り（ただし休日は対応していない）」) or is only
/// planned (「有り（2025年度導入予定）」).
///
/// **Why:** 「対策や措置を実施していない場合、「無し」と記述」: a measure half in place,
/// or planned, is for a reviewer to weigh.
/// **Example:** 「無し（一部の拠点では実施している）」.
pub const SAYS_BOTH: RuleUnit = RuleUnit {
    code: "says-both",
    rule: Rule::Contradiction,
    severity: Severity::Review,
    description: "有り／無しの回答が、有るとも無い（または予定）とも述べている。",
};

/// One field answered twice, differently; the first answer is kept.
///
/// **Why:** an application answers each 記述内容 once; which one holds is the
/// applicant's to say.
/// **Example:** item 69 field 2 written on two pages with different text.
pub const CONFLICTING_ANSWERS: RuleUnit = RuleUnit {
    code: "conflicting-answers",
    rule: Rule::Contradiction,
    severity: Severity::Review,
    description: "同じ記述内容が2か所に異なる内容で記入されている（先の記入を採用）。",
};

/// A 記述内容 number the item does not have.
///
/// **Why:** the form's numbering is the guide's; a field beyond it may be misnumbered.
/// **Example:** 【記述内容4】 under item 2, which has two.
pub const UNKNOWN_FIELD: RuleUnit = RuleUnit {
    code: "unknown-field",
    rule: Rule::Unrecognized,
    severity: Severity::Review,
    description: "審査対象項目に無い記述内容の番号が記入されている。",
};

/// An item number whose title names another item; the title was believed.
///
/// **Why:** the guide's items are known by number and title together; where they
/// disagree the answer may sit under the wrong item.
/// **Example:** 通番96 titled 「時刻同期」 (item 78's title).
pub const NUMBER_RENAMED: RuleUnit = RuleUnit {
    code: "number-renamed",
    rule: Rule::Unrecognized,
    severity: Severity::Review,
    description: "通番と表題が別の項目を指している（表題の項目として読んだ）。",
};

/// An answer whose label names no field of the catalog with enough confidence.
///
/// **Why:** an answer kaiji cannot place is not dropped: a reviewer places it.
/// **Example:** 「その他の取組」 with an answer, in a re-typed form.
pub const UNRECOGNIZED_LABEL: RuleUnit = RuleUnit {
    code: "unrecognized-label",
    rule: Rule::Unrecognized,
    severity: Severity::Review,
    description: "回答のラベルを審査対象項目に対応付けられない（最も近い候補を示す）。",
};

/// A document in which no item of the form was found.
///
/// **Why:** the application is to be made on the guide's form; a file with none of its
/// items is another document, or a form kaiji cannot read.
/// **Example:** a certificate attached beside the application.
pub const NO_ITEMS: RuleUnit = RuleUnit {
    code: "no-items",
    rule: Rule::Unrecognized,
    severity: Severity::Review,
    description: "申請書の審査対象項目が一つも見つからない。",
};

/// An answer that cannot be read as its field's type; `centre` names the data centre
/// whose part it is.
pub fn unreadable(
    item: &Item,
    field: &Field,
    part: &str,
    centre: Option<&str>,
    expected: &str,
    answer: (&str, &Location),
) -> Finding {
    let whose = centre.map_or(String::new(), |c| format!("の{c}"));
    let message = format!(
        "{}（{}）の記述内容{}{whose}「{}」を読み取れません。{}の形で記入されているか確認してください。",
        item.title,
        item.number,
        field.index,
        crate::text::excerpt(part, crate::text::QUOTE_CHARS),
        expected
    );
    quoting(
        UNREADABLE_ANSWER.finding(Some(item.number), Some(field.index), None, message),
        answer,
    )
}

/// A presence answer that says both that the measure is there and that it is not.
pub fn says_both(item: &Item, field: &Field, answer: (&str, &Location)) -> Finding {
    let message = format!(
        "{}（{}）の記述内容{}「{}」は、有るとも無い（または予定）とも述べています。どちらか確認してください。",
        item.title,
        item.number,
        field.index,
        crate::text::excerpt(answer.0, crate::text::QUOTE_CHARS)
    );
    quoting(
        SAYS_BOTH.finding(Some(item.number), Some(field.index), None, message),
        answer,
    )
}

/// The same field answered twice, differently; `kept` is the answer kept (the first).
pub fn conflicting_answers(item: &Item, field: u32, kept: &str) -> Finding {
    let message = format!(
        "{}（{}）の記述内容{field}が2か所に異なる内容で記入されています（先に記入された「{}」を採用）。",
        item.title,
        item.number,
        crate::text::excerpt(kept, crate::text::QUOTE_CHARS)
    );
    CONFLICTING_ANSWERS.finding(Some(item.number), Some(field), None, message)
}

/// An answer under a 記述内容 number the item does not have.
pub fn unknown_field(item: &Item, field: u32, answer: &str) -> Finding {
    let message = format!(
        "{}（{}）に記述内容{field}はありません（「{}」）。",
        item.title,
        item.number,
        crate::text::excerpt(answer, crate::text::QUOTE_CHARS)
    );
    UNKNOWN_FIELD.finding(Some(item.number), Some(field), None, message)
}

/// Heading number `number` carrying the title of `item`, as which it was read.
pub fn number_renamed(number: u32, item: &Item) -> Finding {
    let message = format!(
        "通番{number}の見出しの表題は項目{}（{}）のものです。項目{}として読みました。",
        item.number, item.title, item.number
    );
    NUMBER_RENAMED.finding(Some(item.number), None, None, message)
}

/// An answer whose label names no field; `nearest` is the closest field, with the
/// confidence it reached.
pub fn unrecognized_label(
    region: &str,
    label: &str,
    answer: &str,
    nearest: Option<(&Item, u32)>,
    confidence: f64,
) -> Finding {
    let guess = nearest.map_or(String::new(), |(item, field)| {
        format!(
            "（最も近い候補：項目{}「{}」の記述内容{field}、確からしさ{confidence:.2}）",
            item.number, item.title
        )
    });
    let message = format!(
        "{region}の「{}」の回答「{}」を審査対象項目に対応付けられません{guess}。確認してください。",
        crate::text::excerpt(label, crate::text::QUOTE_CHARS),
        crate::text::excerpt(answer, crate::text::QUOTE_CHARS)
    );
    UNRECOGNIZED_LABEL.finding(None, None, None, message)
}

/// The finding for a document without any of the form's items.
pub fn no_items() -> Finding {
    NO_ITEMS.finding(
        None,
        None,
        None,
        "申請書の審査対象項目が一つも見つかりません。申請書の様式か確認してください。".to_string(),
    )
}

fn quoting(mut finding: Finding, (raw, at): (&str, &Location)) -> Finding {
    finding.quote = Some(raw.to_string());
    finding.at = Some(at.clone());
    finding
}

pub fn describe() -> Vec<RuleDescription> {
    [
        UNREADABLE_ANSWER,
        SAYS_BOTH,
        CONFLICTING_ANSWERS,
        UNKNOWN_FIELD,
        NUMBER_RENAMED,
        UNRECOGNIZED_LABEL,
        NO_ITEMS,
    ]
    .iter()
    .map(|unit| unit.describe(Vec::new()))
    .collect()
}
