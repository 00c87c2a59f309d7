//! Choices among a field's numbered options: ①③, 1,3, or the option's own words.

use super::Invalid;
use crate::text::{circled_number, circled_value, fold};

pub fn parse_choices(
    raw: &str,
    options: &[String],
    aliases: &[String],
) -> Result<Vec<u32>, Invalid> {
    let expected = || {
        Invalid::expected(format!(
            "選択肢の番号（①〜{}）",
            circled_number(options.len() as u32)
        ))
    };
    // Check boxes, or options marked on their lines: only the ticked options are chosen.
    let ticked = crate::text::ticked_parts(raw)
        .or_else(|| crate::text::marked_lines(raw))
        .map(|parts| parts.join("\n"));
    let raw = ticked.as_deref().unwrap_or(raw);
    let text = fold(raw);
    let mut chosen: Vec<u32> = Vec::new();
    // Circled numbers: NFKC turns ① into 1, so read them from the raw text.
    for c in raw.chars() {
        if let Some(n) = circled_value(c) {
            chosen.push(n);
        }
    }
    if chosen.is_empty() {
        let digits_only = text
            .chars()
            .all(|c| c.is_ascii_digit() || ",、・/と及びand()[]".contains(c));
        if digits_only {
            chosen = text
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            // A number that is no option (「2024」) is no choice.
            if chosen.iter().any(|&n| n == 0 || n as usize > options.len()) {
                return Err(expected());
            }
        }
    }
    if chosen.is_empty() {
        for (i, option) in options.iter().enumerate() {
            let alias = aliases.get(i).map(|a| fold(a));
            if text.contains(&fold(option)) || alias.is_some_and(|a| text.contains(&a)) {
                chosen.push(i as u32 + 1);
            }
        }
    }
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.is_empty() {
        Err(expected())
    } else {
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<String> {
        [
            "システム基盤サービス",
            "開発・実行基盤サービス",
            "アプリ基盤サービス",
            "ハード基盤サービス",
            "ネットワーク基盤サービス",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn ticked_boxes_are_the_choices() {
        let o = options();
        assert_eq!(
            parse_choices(
                "■①システム基盤サービス\n□②開発・実行基盤サービス\n■④ハード基盤サービス",
                &o,
                &[]
            ),
            Ok(vec![1, 4])
        );
        assert_eq!(
            parse_choices("☑ アプリ基盤サービス　☐ ハード基盤サービス", &o, &[]),
            Ok(vec![3])
        );
        // Boxes and none ticked: no choice made.
        assert!(parse_choices("□①　□②　□③", &o, &[]).is_err());
        // No boxes drawn: the options marked with 「レ」 or 「○」 on their lines.
        assert_eq!(
            parse_choices(
                "レシステム基盤サービス\n開発・実行基盤サービス\n○ハード基盤サービス",
                &o,
                &[]
            ),
            Ok(vec![1, 4])
        );
    }

    #[test]
    fn choice_spellings() {
        let o = options();
        assert_eq!(parse_choices("①", &o, &[]), Ok(vec![1]));
        assert_eq!(parse_choices("①③", &o, &[]), Ok(vec![1, 3]));
        assert_eq!(
            parse_choices("① システム基盤サービス、③ アプリ基盤サービス", &o, &[]),
            Ok(vec![1, 3])
        );
        assert_eq!(parse_choices("1,3", &o, &[]), Ok(vec![1, 3]));
        assert_eq!(parse_choices("１、４", &o, &[]), Ok(vec![1, 4]));
        assert_eq!(parse_choices("ハード基盤サービス", &o, &[]), Ok(vec![4]));
        assert_eq!(parse_choices("2", &o, &[]), Ok(vec![2]));
        assert_eq!(parse_choices("(1)(4)", &o, &[]), Ok(vec![1, 4]));
        assert_eq!(parse_choices("（３） （３）", &o, &[]), Ok(vec![3]));
        assert!(parse_choices("(6)", &o, &[]).is_err());
        assert!(parse_choices("その他", &o, &[]).is_err());
    }
}
