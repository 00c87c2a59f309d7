//! The item catalog: the guide's 133 items, their fields and rules, as data.
//!
//! The catalog lives in `dictionaries/catalog.toml` and is embedded in the binary, so
//! the tool needs no data files at run time. Everything the later stages know about an
//! item (its title, which fields are required, what kind of value a field holds, the
//! guide's 非認定 sentences) comes from here.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const CATALOG_TOML: &str = include_str!("../dictionaries/catalog.toml");

/// The number of 審査対象項目 in the guide.
pub const ITEM_COUNT: u32 = 133;

/// Read from TOML's `[[item]]` tables; written (`kaiji catalog`) with the plural keys of
/// the result objects (`items`, `fields`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    pub meta: Meta,
    #[serde(rename(deserialize = "decision"), default)]
    pub decisions: Vec<Decision>,
    #[serde(rename(deserialize = "item"))]
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub guide: String,
    #[serde(default)]
    pub edition: String,
    pub items: u32,
    /// The guide's chapter headings above its sections (「２．「事業者」に関わる項目」),
    /// which forms repeat as headings between items.
    #[serde(default)]
    pub chapters: Vec<String>,
}

/// How the catalog resolves one quirk of the guide.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    pub id: String,
    #[serde(default)]
    pub items: Vec<u32>,
    pub text: String,
}

/// What the heading's parentheses say about the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Required,
    Optional,
    /// Some fields required, some optional (items 6 and 114).
    Mixed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub number: u32,
    pub title: String,
    pub section: Vec<String>,
    pub category: Category,
    #[serde(default)]
    pub threshold: bool,
    #[serde(default)]
    pub per_data_center: bool,
    #[serde(default)]
    pub reject_if: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(rename(deserialize = "field"))]
    pub fields: Vec<Field>,
}

/// The kinds of normalized value of the contract's `value` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    Text,
    Date,
    Money,
    Percent,
    Number,
    Duration,
    Presence,
    Permission,
    Choice,
}

/// Whether a date answer names a day, a month or only a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Month,
    Year,
}

/// An answer that makes the application 非認定 even when filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RejectWhen {
    /// A presence answered 無し.
    Absent,
    /// A permission answered 否.
    Denied,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub index: u32,
    pub label: String,
    pub required: bool,
    pub kind: ValueKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<u32>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub western_year: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub with_period: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choice_aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_when: Option<RejectWhen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_because: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_when_present: Option<String>,
    /// The type of that detail where it has one: item 90 asks 「受付期限の有無、ある場合は
    /// その期限（何日・何か月前か）」, and 「30日前まで」 answers both at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_kind: Option<ValueKind>,
}

/// A catalog that does not hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid catalog: {}", self.0)
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// The catalog embedded in the binary.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded file is part of the source tree and validated by the test
            // suite, so failing here is a build defect, not an input error.
            Catalog::from_toml(CATALOG_TOML).expect("the embedded catalog is valid")
        })
    }

    /// Parses and validates a catalog.
    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = toml::from_str(text).map_err(|e| CatalogError(e.to_string()))?;
        catalog.validate()?;
        Ok(catalog)
    }

    fn validate(&self) -> Result<(), CatalogError> {
        if self.items.len() != ITEM_COUNT as usize || self.meta.items != ITEM_COUNT {
            return Err(CatalogError(format!(
                "expected {ITEM_COUNT} items, found {}",
                self.items.len()
            )));
        }
        for (position, item) in self.items.iter().enumerate() {
            let n = item.number;
            if n as usize != position + 1 {
                return Err(CatalogError(format!(
                    "item at position {} is numbered {n}",
                    position + 1
                )));
            }
            if item.fields.is_empty() {
                return Err(CatalogError(format!("item {n} has no field")));
            }
            for (i, field) in item.fields.iter().enumerate() {
                if field.index as usize != i + 1 {
                    return Err(CatalogError(format!(
                        "item {n}: field {} is numbered {}",
                        i + 1,
                        field.index
                    )));
                }
                if field.kind == ValueKind::Choice && field.choices.is_empty() {
                    return Err(CatalogError(format!(
                        "item {n}.{}: a choice with no options",
                        field.index
                    )));
                }
                let detail_ok = match field.detail_kind {
                    None => true,
                    Some(ValueKind::Duration) => field.kind == ValueKind::Presence,
                    Some(_) => false,
                };
                if !detail_ok {
                    return Err(CatalogError(format!(
                        "item {n}.{}: detail_kind is read only as a duration of a presence",
                        field.index
                    )));
                }
                if !field.choice_aliases.is_empty()
                    && field.choice_aliases.len() != field.choices.len()
                {
                    return Err(CatalogError(format!(
                        "item {n}.{}: choice aliases do not match the choices",
                        field.index
                    )));
                }
            }
            let required = item.fields.iter().filter(|f| f.required).count();
            let consistent = match item.category {
                Category::Required => required == item.fields.len(),
                Category::Optional => required == 0,
                Category::Mixed => required > 0 && required < item.fields.len(),
            };
            if !consistent {
                return Err(CatalogError(format!(
                    "item {n}: required flags disagree with its category"
                )));
            }
        }
        Ok(())
    }

    /// The item with this serial number (1–133).
    pub fn item(&self, number: u32) -> Option<&Item> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        self.items.get(index)
    }

    /// The numbers of the items that pass `test`, in order: the items a rule watches.
    pub fn numbers_where(&self, test: impl Fn(&Item) -> bool) -> Vec<u32> {
        self.items
            .iter()
            .filter(|i| test(i))
            .map(|i| i.number)
            .collect()
    }
}

impl Item {
    /// The field with this 記述内容 number.
    pub fn field(&self, index: u32) -> Option<&Field> {
        let position = usize::try_from(index).ok()?.checked_sub(1)?;
        self.fields.get(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads_with_every_item() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.items.len(), 133);
        assert_eq!(catalog.item(2).map(|i| i.title.as_str()), Some("事業者名"));
        assert!(catalog.item(0).is_none());
        assert!(catalog.item(134).is_none());
    }

    #[test]
    fn validation_rejects_a_gap_in_numbering() {
        let broken = CATALOG_TOML.replacen("number = 2\n", "number = 200\n", 1);
        assert!(Catalog::from_toml(&broken).is_err());
    }
}
