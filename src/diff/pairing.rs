//! Which previous application a renewal renews.
//!
//! Applications are paired by identity, most telling first: 事業者名 (item 2) together
//! with サービス名称 (item 34), then the file name without its extension. (The guide's
//! form carries no 認定番号; its catalog has no such item, so no form can be paired by
//! one.) A key pairs only where exactly one application on each side has it, so no
//! application is paired twice; what no key pairs is new or withdrawn, never dropped.

use crate::pipeline::Outcome;
use crate::text::fold;
use std::collections::BTreeMap;
use std::path::Path;

/// How a pair was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairedBy {
    /// Two files named on the command line: a pair as given.
    Given,
    Names,
    FileName,
}

/// What identifies one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// 事業者名 and サービス名称 folded (width, case, spaces), when both are answered.
    names: Option<(String, String)>,
    /// The file name without its extension.
    stem: String,
}

impl Identity {
    pub fn of(outcome: &Outcome, path: &Path) -> Identity {
        let names = match outcome {
            Outcome::Document(d) => match d.names().map(|n| n.map(fold)) {
                [Some(company), Some(service)] if !company.is_empty() && !service.is_empty() => {
                    Some((company, service))
                }
                _ => None,
            },
            Outcome::Error(_) => None,
        };
        let stem = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        Identity { names, stem }
    }
}

impl Identity {
    /// What pairs it `by` that key, if it has one.
    fn key(&self, by: PairedBy) -> Option<String> {
        match by {
            PairedBy::Names => self
                .names
                .as_ref()
                .map(|(company, service)| format!("{company}\u{0}{service}")),
            PairedBy::FileName => Some(self.stem.clone()).filter(|s| !s.is_empty()),
            PairedBy::Given => None,
        }
    }
}

/// The pairs, as (previous, current) positions, and the applications with no partner.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pairs {
    pub pairs: Vec<(usize, usize, PairedBy)>,
    /// Previous applications with no current one.
    pub withdrawn: Vec<usize>,
    /// Current applications with no previous one.
    pub new: Vec<usize>,
}

/// Pairs the applications of two folders; every position of either side appears
/// exactly once in the result. Pairs come in the order of the current side.
pub fn pair(previous: &[Identity], current: &[Identity]) -> Pairs {
    let mut partner_of_current: Vec<Option<(usize, PairedBy)>> = vec![None; current.len()];
    let mut taken = vec![false; previous.len()];
    for by in [PairedBy::Names, PairedBy::FileName] {
        let key = |identity: &Identity| identity.key(by);
        let unique = |identities: &[Identity], left: &dyn Fn(usize) -> bool| {
            let mut seen: BTreeMap<String, Option<usize>> = BTreeMap::new();
            for (index, identity) in identities.iter().enumerate().filter(|(i, _)| left(*i)) {
                if let Some(k) = key(identity) {
                    seen.entry(k)
                        .and_modify(|only| *only = None)
                        .or_insert(Some(index));
                }
            }
            seen
        };
        let before = unique(previous, &|i| !taken[i]);
        let after = unique(current, &|i| partner_of_current[i].is_none());
        for (k, only) in after {
            if let (Some(c), Some(Some(p))) = (only, before.get(&k)) {
                partner_of_current[c] = Some((*p, by));
                taken[*p] = true;
            }
        }
    }
    let mut pairs = Pairs::default();
    for (c, partner) in partner_of_current.into_iter().enumerate() {
        match partner {
            Some((p, by)) => pairs.pairs.push((p, c, by)),
            None => pairs.new.push(c),
        }
    }
    pairs.withdrawn = (0..previous.len()).filter(|p| !taken[*p]).collect();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(names: Option<(&str, &str)>, stem: &str) -> Identity {
        Identity {
            names: names.map(|(a, b)| (fold(a), fold(b))),
            stem: stem.to_string(),
        }
    }

    #[test]
    fn names_pair_before_file_names_and_no_one_twice() {
        let previous = [
            id(Some(("株式会社A", "Aクラウド")), "2023-a"),
            id(Some(("株式会社B", "Bクラウド")), "b"),
            id(None, "c"),
            id(Some(("株式会社D", "D")), "d"),
        ];
        let current = [
            id(Some(("株式会社Ｂ", "B クラウド")), "renewal-b"),
            id(Some(("株式会社A", "Aクラウド")), "2025-a"),
            id(Some(("株式会社C", "C")), "c"),
            id(Some(("株式会社E", "E")), "e"),
        ];
        let pairs = pair(&previous, &current);
        assert_eq!(
            pairs.pairs,
            [
                (1, 0, PairedBy::Names),
                (0, 1, PairedBy::Names),
                (2, 2, PairedBy::FileName),
            ]
        );
        assert_eq!(pairs.withdrawn, [3]);
        assert_eq!(pairs.new, [3]);
    }

    #[test]
    fn a_key_two_applications_share_pairs_neither_by_it() {
        // Two services of one operator under one name: paired by file name instead.
        let previous = [id(Some(("A社", "S")), "x"), id(Some(("A社", "S")), "y")];
        let current = [id(Some(("A社", "S")), "y"), id(Some(("A社", "S")), "z")];
        let pairs = pair(&previous, &current);
        assert_eq!(pairs.pairs, [(1, 0, PairedBy::FileName)]);
        assert_eq!((pairs.withdrawn, pairs.new), (vec![0], vec![1]));
    }

    #[test]
    fn every_application_appears_exactly_once() {
        // Many applications, some sharing names or file names, some with neither.
        let make = |n: usize, salt: usize| -> Vec<Identity> {
            (0..n)
                .map(|i| {
                    let names = (i % 7 != 0)
                        .then(|| (format!("社{}", (i * salt) % 40), format!("S{}", i % 3)));
                    Identity {
                        names,
                        stem: format!("f{}", (i * 3 + salt) % 50),
                    }
                })
                .collect()
        };
        let (previous, current) = (make(300, 1), make(300, 2));
        let pairs = pair(&previous, &current);
        let mut seen_previous = vec![0; previous.len()];
        let mut seen_current = vec![0; current.len()];
        for &(p, c, _) in &pairs.pairs {
            seen_previous[p] += 1;
            seen_current[c] += 1;
        }
        for &p in &pairs.withdrawn {
            seen_previous[p] += 1;
        }
        for &c in &pairs.new {
            seen_current[c] += 1;
        }
        assert!(seen_previous.iter().chain(&seen_current).all(|n| *n == 1));
    }
}
