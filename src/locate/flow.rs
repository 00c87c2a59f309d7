//! Locating answers in a flow of paragraphs: the guide-like layout of Word documents
//! and of PDFs made from them.
//!
//! ```text
//! ① 事業者名（2：必須開示項目）          ← a heading with the item number
//! 【記述内容1】 事業者の正式名称（商号）  ← a field label
//! 株式会社サンプル                       ← the answer, one or more paragraphs
//! 【記述内容2】 法人番号
//! 1234567890123
//! ```
//!
//! A heading carries a strong cue (the number with its category, No.2, 通番2) or a
//! number confirmed by the item's title (「2. 事業者名」); a bare number is an answer
//! here, never a heading. Section headings, notes and the guide's 【説明】 end an answer.
//!
//! Many forms write a label without its marker: 「事業者の正式名称（商号）」, 「法人番号：」,
//! or 「法人番号：1234」 with the answer after the colon. Such a paragraph is a label only
//! when it reads as one of the item's labels almost word for word (or ends with a
//! colon) and names a field not yet answered, so that an answer quoting a label's
//! words stays an answer.

use super::assemble::ItemAnswers;
use super::cues::{self, Strength};
use super::matching::{
    Vocabulary, is_example_mark, is_form_note, is_form_title, is_remark_mark, opens_explanation,
};
use super::weights::{
    BARE_LABEL, ENUMERATED_LABEL, TITLE_AT_EDGE, TITLE_NAMES_ITEM, WRAPPED_HEADING_TAIL,
};
use super::{Collector, OpenItem};
use crate::model::{Block, Region, Row};
use crate::text::fold;
use std::borrow::Cow;

pub(super) fn locate_flow(
    region: &Region,
    vocabulary: &Vocabulary,
    inherited: Option<OpenItem>,
    collector: &mut Collector,
) {
    let catalog = vocabulary.catalog;
    let mut confirmed = inherited.as_ref().is_some_and(|open| open.confirmed);
    // Whether the open item was asked as a question, its answer after 「A.」.
    let mut questionnaire = false;
    // Inside the guide's explanation (【説明】) or a note: not an answer until the next
    // label or heading.
    let mut in_explanation = false;
    let mut order = FieldOrder::default();
    let mut numbering = Numbering {
        offset: 0,
        last: inherited.as_ref().map(|open| open.number),
    };
    let mut answers: Option<ItemAnswers> = None;
    if let Some(open) = inherited
        && let Some(item) = catalog.item(open.number)
    {
        collector.inherit(&open);
        let mut resumed = ItemAnswers::new(item, open.confidence);
        order = FieldOrder {
            labelled: open
                .awaiting
                .as_ref()
                .map_or(open.highest, |(index, _)| *index),
            answered: open.answered && open.awaiting.is_none(),
            explained: false,
        };
        // Text before the next label of an item already answered is no answer of its.
        in_explanation = order.answered;
        resumed.resume(open.answered, open.highest, open.awaiting);
        answers = Some(resumed);
    }
    // A row the form marks as its example (「記入例 | 株式会社〇〇」) is no applicant's.
    let example = |row: &&Row| row.blocks.len() > 1 && is_example_mark(&fold(&row.blocks[0].text));
    let blocks: Vec<Cow<Block>> = region
        .rows
        .iter()
        .filter(|row| !example(row))
        .flat_map(numbered_line)
        .flat_map(heading_apart)
        .filter(|block| !block.text.trim().is_empty())
        .collect();
    // A heading wrapped within its bracket: 「…の事前告知（必須開示項目／一定の要件を考慮すべ」
    // and 「き項目）」 on the next line.
    let mut heading_open = false;
    for (k, block) in blocks.iter().enumerate() {
        let folded = fold(&block.text);
        if folded.is_empty() || is_form_title(&folded) {
            continue;
        }
        if std::mem::take(&mut heading_open) && closes_bracket(&folded) {
            continue;
        }
        // 「(1) 代表者氏名」, 「１）事業者の資本金」: a field of the open item in the form's
        // own enumeration, which reads like an item number but names the field its
        // words name.
        let cue = cues::item_cue(&folded);
        if let Some(current) = answers.as_mut()
            && let Some(index) = cue
                .as_ref()
                .and_then(|cue| enumerated_label(cue, current.number(), vocabulary))
                .filter(|&index| order.accepts(index))
        {
            // Its answer on the same line after a mark, where a paragraph joined them.
            let (label, answer) = cues::label_then_answer(&block.text)
                .map_or((block.text.as_str(), None), |(label, answer)| {
                    (label, Some((answer, &block.at)))
                });
            current.labelled(index, label, answer, collector);
            in_explanation = false;
            order.labelled(index);
            order.answered |= answer.is_some();
            continue;
        }
        let cue = cue.map(|cue| numbering.item_cue(cue, &folded, vocabulary));
        if let Some(cue) = cue.filter(|cue| {
            cue.strength == Strength::Strong
                || (!cue.rest.is_empty()
                    && vocabulary.title_reaches(&cue.rest, cue.number, TITLE_NAMES_ITEM))
        }) {
            let title = vocabulary.check_title(&cue, std::iter::empty());
            let (number, confidence) = collector.item_number(&cue, title, Some(&block.at));
            numbering.last = Some(number);
            confirmed = title.confirmed;
            // 「Q2-2.」 names a field of the item it may already be in.
            let same_item = answers.as_ref().is_some_and(|a| a.number() == number);
            if !(same_item && cue.field.is_some()) {
                if let Some(previous) = answers.take() {
                    previous.finish(collector);
                }
                answers = catalog
                    .item(number)
                    .map(|item| ItemAnswers::new(item, confidence));
                order = FieldOrder::default();
            }
            in_explanation = false;
            heading_open = cues::leaves_bracket_open(&folded);
            questionnaire = cue.question;
            if let (Some(field), Some(current)) = (cue.field, answers.as_mut()) {
                current.labelled(field, &block.text, None, collector);
                order.labelled(field);
            }
            continue;
        }
        let Some(current) = answers.as_mut() else {
            continue;
        };
        if vocabulary.is_section(&folded) {
            if let Some(previous) = answers.take() {
                previous.finish(collector);
            }
            continue;
        }
        // 「備考」 alone: the form's remark row, left blank.
        if is_form_note(&folded) || is_remark_mark(&folded) {
            in_explanation |= opens_explanation(&folded);
            order.explained = true;
            continue;
        }
        let body = cues::answer_body(&block.text, questionnaire);
        if body.len() != block.text.len() {
            current.unlabelled(body, &block.at, collector);
            in_explanation = false;
            order.answered = true;
            continue;
        }
        let number = current.number();
        let pieces = cues::marked_pieces(&block.text, &|body| {
            vocabulary.label_wording_at_start(body, number)
        });
        if !pieces.is_empty() {
            for piece in pieces {
                // 「【記述内容】」 and the field's wording below it in one cell: a label, its
                // answer not given.
                let answer = (!piece.answer.is_empty()
                    && !vocabulary.is_label_wording(&fold(piece.answer), current.number()))
                .then_some((piece.answer, &block.at));
                if let Some(index) = vocabulary.label_index(&fold(piece.label), current.number()) {
                    current.labelled(index, piece.label, answer, collector);
                    order.labelled(index);
                    order.answered |= answer.is_some();
                }
            }
            in_explanation = false;
            continue;
        }
        if cues::field_marker(&folded).is_some() {
            if let Some(index) = vocabulary.label_index(&folded, current.number()) {
                current.labelled(index, &block.text, None, collector);
                in_explanation = false;
                order.labelled(index);
            }
            continue;
        }
        // 「Q. 法人番号（必須）」: a question names its field, and its answer follows after
        // 「A.」.
        if let Some(words) = cues::question_label(&block.text) {
            questionnaire = true;
            // Marked as a question, it is a label whatever it scores, as one closed by
            // its colon is (`label_match` keeps its own threshold).
            let words = fold(words);
            if let Some(index) = vocabulary
                .label_match(&words, current.number())
                .map(|(index, _)| index)
                .or_else(|| vocabulary.label_opening(&words, current.number()))
                .or_else(|| vocabulary.shares_label_opening(&words, current.number()))
                .filter(|&index| order.accepts(index))
            {
                current.labelled(index, &block.text, None, collector);
                in_explanation = false;
                order.labelled(index);
                continue;
            }
        }
        // A label cut short is told from an answer naming the first thing a label lists
        // by what follows it: an answer after its mark (「回答：」, 「→」), or the end of
        // the region (the answer in a box of its own below).
        let answer_follows = || {
            blocks.get(k + 1).is_none_or(|next| {
                cues::answer_body(&next.text, questionnaire).len() != next.text.len()
            })
        };
        let cut_short = || {
            let words = cues::strip_heading_marks(&folded);
            let opening = || vocabulary.label_opening(words, current.number());
            // A bullet marks a label as an answer mark marks its answer (「▼ 法人番号」).
            // So does an answer following it, for the guide's wording with its choices
            // written out (「該当する…状況を、①会計監査人による会計監査、…」 | 「→ ①、④」).
            if folded.starts_with(cues::BULLETS) || answer_follows() {
                opening().or_else(|| vocabulary.shares_label_opening(words, current.number()))
            } else {
                None
            }
        };
        if let Some(index) = bare_label(&folded, current.number(), vocabulary)
            .or_else(cut_short)
            .filter(|&index| order.accepts(index))
        {
            current.labelled(index, &block.text, None, collector);
            in_explanation = false;
            order.labelled(index);
            continue;
        }
        if let Some((index, label, answer)) =
            inline_label(&block.text, current.number(), vocabulary)
                .filter(|&(index, _, _)| order.accepts(index))
        {
            current.labelled(index, label, Some((answer, &block.at)), collector);
            in_explanation = false;
            order.labelled(index);
            order.answered = true;
            continue;
        }
        // The rest of a label its line could not hold (「…責任者名・役」 | 「職」) is no
        // answer.
        if let Some((index, label)) = current.awaiting()
            && vocabulary.completes_label(&label, &block.text, current.number(), index)
        {
            current.label_goes_on(&block.text);
            continue;
        }
        if !in_explanation {
            current.unlabelled(&block.text, &block.at, collector);
            order.answered = true;
        }
    }
    if let Some(last) = answers {
        collector.open_item = Some(OpenItem {
            number: last.number(),
            confidence: last.confidence(),
            confirmed,
            answered: !last.is_unanswered(),
            highest: last.highest(),
            awaiting: last.awaiting(),
            in_table: false,
        });
        last.finish(collector);
    }
}

/// A row's blocks, read as lines of text; a list number printed apart from its line
/// (「1.」 | 「開示情報の日付」, a tab after a one-digit number) is read with it.
fn numbered_line(row: &Row) -> Vec<Cow<'_, Block>> {
    let bare_number =
        |block: &Block| cues::item_cue(&fold(&block.text)).is_some_and(|cue| cue.rest.is_empty());
    match row.blocks.as_slice() {
        [number, line, rest @ ..] if bare_number(number) && !bare_number(line) => {
            let joined = number.with_text(format!(
                "{} {}",
                number.text.trim_end(),
                line.text.trim_start()
            ));
            std::iter::once(Cow::Owned(joined))
                .chain(rest.iter().map(Cow::Borrowed))
                .collect()
        }
        blocks => blocks.iter().map(Cow::Borrowed).collect(),
    }
}

/// A box that holds an item's heading and its fields (「項目番号：2　項目名：事業者名\n
/// 記述内容1（…）：…」): the heading line read apart from the fields below it.
fn heading_apart(block: Cow<'_, Block>) -> Vec<Cow<'_, Block>> {
    let Some((first, rest)) = block.text.split_once('\n') else {
        return vec![block];
    };
    let heading = cues::item_cue(&fold(first)).is_some_and(|cue| cue.strength == Strength::Strong);
    if !heading || cues::marked_pieces(rest, &|_| None).is_empty() {
        return vec![block];
    }
    vec![
        Cow::Owned(block.with_text(first.to_string())),
        Cow::Owned(block.with_text(rest.to_string())),
    ]
}

/// Whether a line is the short rest of a bracket the line before left open.
fn closes_bracket(folded: &str) -> bool {
    folded.chars().count() <= WRAPPED_HEADING_TAIL
        && folded
            .find(')')
            .is_some_and(|close| !folded[..close].contains('('))
}

/// The field a paragraph names when it is nothing but a label of item `number` written
/// without its marker: the catalog's wording or close to it, or (ending with a colon,
/// 「法人番号：」, 「正式名称（商号）：」) anything `label_match` takes for a label.
fn bare_label(folded: &str, number: u32, vocabulary: &Vocabulary) -> Option<u32> {
    let (text, least) = match folded.strip_suffix(':') {
        // `label_match` keeps its own, lower, threshold.
        Some(text) => (text, 0.0),
        None => (folded, BARE_LABEL),
    };
    vocabulary
        .label_match(text, number)
        .filter(|&(_, score)| score >= least)
        .map(|(index, _)| index)
}

/// The field a paragraph's cue names when it enumerates it in the form's own numbering,
/// 「(2) 法人番号」, 「１）事業者の資本金」: the number names a field of item `number`, and
/// the words are drawn from that field's wording, whole or cut short.
fn enumerated_label(cue: &cues::ItemCue, number: u32, vocabulary: &Vocabulary) -> Option<u32> {
    // 「1センター」 is a count, the answer to item 93: a field's number is a list's.
    if cue.strength != Strength::Weak || cue.field.is_some() || !cue.listed {
        return None;
    }
    // One word at least: 「(1)(4)」 picks choices.
    if cue.rest.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return None;
    }
    // 「1. 開示情報の日付」 under item 1 is its heading written again, not its field.
    let drawn = vocabulary.drawn_from_label(&cue.rest, number, cue.number);
    let drawn =
        drawn >= ENUMERATED_LABEL && !vocabulary.title_reaches(&cue.rest, cue.number, drawn);
    // 「1) 該当する財務監査・財務データの状況を、①会計監査人による…」: the guide's
    // wording with its choices written out.
    (drawn || vocabulary.shares_label_opening(&cue.rest, number) == Some(cue.number))
        .then_some(cue.number)
}

/// 「法人番号：1234」: a label of item `number` close to the catalog's wording, a colon and
/// the answer. Gives the field, the label and the answer as written. Answers hold colons
/// of their own (「文書名：…」), hence the strict match on what precedes it.
fn inline_label<'t>(
    text: &'t str,
    number: u32,
    vocabulary: &Vocabulary,
) -> Option<(u32, &'t str, &'t str)> {
    let (label, answer) = text.split_once([':', '：'])?;
    let answer = answer.trim();
    if answer.is_empty() {
        return None;
    }
    let (index, score) = vocabulary.label_match(&fold(label), number)?;
    (score >= BARE_LABEL).then_some((index, label, answer))
}

/// How the form counts its items. Word's outline numbering restarts at each chapter by
/// default, so that 「1. サービス名称」 heads item 34: the numbers run from the chapter's
/// first item, `offset` below the guide's.
struct Numbering {
    offset: u32,
    /// The last item headed, whether or not a section heading closed it since.
    last: Option<u32>,
}

impl Numbering {
    /// The cue with the guide's item number, where its title says the form counts from a
    /// chapter's start: it names item `number + offset`, or the item after the open one
    /// (a chapter's first item, which sets the offset). A number its title confirms, a
    /// strong cue and a field's cue are left as written.
    fn item_cue(
        &mut self,
        mut cue: cues::ItemCue,
        folded: &str,
        vocabulary: &Vocabulary,
    ) -> cues::ItemCue {
        let names = |number: u32| vocabulary.title_reaches(&cue.rest, number, TITLE_NAMES_ITEM);
        if cue.strength == Strength::Strong || cue.field.is_some() || cue.rest.is_empty() {
            return cue;
        }
        // The count in force first: 「52. サービス（事業）変更・終了時の事前告知」 in a
        // chapter counted from 34 is item 85, though its first word recalls item 52's
        // 「その他サービス」.
        let shifted = cue.number + self.offset;
        if self.offset > 0 && names(shifted) {
            cue.number = shifted;
            return cue;
        }
        if names(cue.number) {
            return cue;
        }
        if let Some(next) = self.last.map(|last| last + 1)
            && cue.number < next
            // The guide's sub-sections named like an item (「（2）所属団体」 above item 19)
            // start no count.
            && !vocabulary.is_section(folded)
            // A new count is set by the title itself, not by words alike: 「(1) 死活監視
            // （機器等）の有無」 is a field of item 94, not item 95 「障害監視（機器等）」.
            && vocabulary.title_reaches(&cue.rest, next, TITLE_AT_EDGE)
        {
            self.offset = next - cue.number;
            cue.number = next;
        }
        cue
    }
}

/// Where the current item's fields stand, to tell a label written without its marker
/// from an answer that quotes one.
#[derive(Default)]
struct FieldOrder {
    /// The field last labelled (0 before any label).
    labelled: u32,
    /// Whether an answer came after that label.
    answered: bool,
    /// Whether the guide's explanation or a note came after that label.
    explained: bool,
}

impl FieldOrder {
    /// Labels come in field order: a label names a later field, or repeats the one just
    /// given before its answer, after the guide's 【説明】 between them. Text naming an
    /// earlier field, or the field being answered, is part of the answer; so is text
    /// right under its label that reads like it (「システム基盤サービス、…」, the choices
    /// item 38's label lists, all chosen).
    fn accepts(&self, index: u32) -> bool {
        index > self.labelled || (index == self.labelled && !self.answered && self.explained)
    }

    fn labelled(&mut self, index: u32) {
        self.labelled = index;
        self.answered = false;
        self.explained = false;
    }
}

#[cfg(test)]
mod tests {
    use crate::locate::untimed as locate;
    use crate::model::{Document, Location};

    fn paragraphs(lines: &[&str]) -> Document {
        Document {
            regions: vec![crate::locate::tests::paragraphs(1, lines)],
        }
    }

    fn answers(document: &Document) -> Vec<(u32, u32, String, Location)> {
        locate(document)
            .items
            .into_iter()
            .flat_map(|item| {
                item.fields
                    .into_iter()
                    .map(move |f| (item.number, f.index, f.raw, f.at))
            })
            .collect()
    }

    /// (item, field, raw) of each answer.
    fn raws(found: &[(u32, u32, String, Location)]) -> Vec<(u32, u32, &str)> {
        found
            .iter()
            .map(|(n, i, raw, _)| (*n, *i, raw.as_str()))
            .collect()
    }

    #[test]
    fn questions_name_their_fields_and_answers_follow_their_mark() {
        // A web form's export: 【N】 headings, each field asked as a question.
        let document = paragraphs(&[
            "【2】事業者名",
            "Q. 事業者の正式名称（商号）（必須）",
            "A：株式会社春日電算",
            "Q. 法人番号（必須）",
            "A：6746103528961",
            "【No.16】財務監査・財務データの状況",
            "質問：該当する財務監査・財務データの状況を、①会計監査人による会計監査、②会計参与による計算書類等の作成、③「中小企業会計要領」の適用に関するチェックリストの活用、④監査役による監査、⑤いずれでもない より選択",
            "A. ④監査役による監査",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (2, 1, "株式会社春日電算"),
                (2, 2, "6746103528961"),
                (16, 1, "④監査役による監査")
            ]
        );
    }

    #[test]
    fn an_item_boxed_with_its_heading_and_fields() {
        // One box an item: its number, title and flag on the first line, then a line a
        // field, the label in brackets after a bare marker (a cell, or a PDF's block).
        let document = paragraphs(&[
            "■事業所・事業",
            "項目番号：2　項目名：事業者名　区分：必須\n記述内容1（事業者の正式名称（商号））：株式会社春日電算\n★記述内容2（法人番号）：6746103528961",
            "項目番号：3　項目名：設立年月日　区分：必須\n記述内容（事業者の設立年月日（西暦））：1997年8月22日",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (2, 1, "株式会社春日電算"),
                (2, 2, "6746103528961"),
                (3, 1, "1997年8月22日")
            ]
        );
    }

    #[test]
    fn an_answer_right_under_its_label_that_reads_like_it_is_the_answer() {
        // Every service type item 38's label lists, chosen: it reads as the label, but
        // comes right under it, with no explanation between.
        let document = paragraphs(&[
            "⑤ サービスの基本タイプ（38：必須開示項目）",
            "【記述内容】 システム基盤サービス、開発・実行基盤サービス、アプリ基盤サービス、ハード基盤サービス、ネットワーク基盤サービスの中から該当タイプを選択（複数選択可）。",
            "システム基盤サービス、開発・実行基盤サービス、アプリ基盤サービス、ハード基盤サービス、ネットワーク基盤サービス",
            "【説明】 未記入の場合は非認定となります。",
        ]);
        let found = answers(&document);
        assert_eq!(
            raws(&found),
            [(
                38,
                1,
                "システム基盤サービス、開発・実行基盤サービス、アプリ基盤サービス、ハード基盤サービス、ネットワーク基盤サービス"
            )]
        );
    }

    #[test]
    fn a_memo_numbering_its_items_and_fields_in_its_own_way() {
        let document = paragraphs(&[
            "問2　事業者名（必須）",
            "（説明）貴社の登記上の正式な社名と法人番号を記述してください。",
            "(1) 事業者の正式名称",
            "回答：株式会社サンプル",
            "(2) 法人番号",
            "→ 1234567890123",
            "問11　資本金（必須）",
            // Cut short at its bracket, enumerated all the same.
            "１）事業者の資本金",
            "→ 300百万円",
            "問16　財務監査・財務データの状況（選択）",
            "(1) 該当する財務監査・財務データの状況を",
            // An answer picking choices as the form numbers them is no label.
            "(1)(4)",
            // The heading written again with the sub-section's numbering.
            "（１）開示情報の日付",
            "1. 開示情報の日付",
            "開示情報の年月日（西暦）",
            "問89　解約時違約金（選択）",
            // Cut short at its comma, without number: a label, since its answer follows.
            "解約時違約金",
            "回答：無し",
            "問6　代表者（必須）",
            "(1) 代表者氏名",
            "→",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (2, 1, "株式会社サンプル"),
                (2, 2, "1234567890123"),
                (11, 1, "300百万円"),
                (16, 1, "(1)(4)"),
                (89, 1, "無し"),
            ]
        );
    }

    #[test]
    fn an_answer_naming_what_its_label_lists_first_stays_an_answer() {
        // No label line: the answer opens like the label, but no answer follows it.
        let document = paragraphs(&[
            "問38　サービスの基本タイプ（必須）",
            "システム基盤サービス",
            "問39　サービスのカスタマイズ範囲（選択）",
            "利用者が管理画面から変更可能",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (38, 1, "システム基盤サービス"),
                (39, 1, "利用者が管理画面から変更可能"),
            ]
        );
    }

    #[test]
    fn answers_in_one_cell_boxes_under_their_labels() {
        use crate::locate::tests::paragraphs as numbered;
        let boxed = |paragraph: u32, text: &str| crate::model::Region {
            name: format!("表{paragraph}"),
            rows: numbered(paragraph, &[text]).rows,
        };
        let document = Document {
            regions: vec![
                numbered(1, &["2. 事業者名【必須】", "(1) 事業者の正式名称（商号）"]),
                boxed(3, "株式会社サンプル"),
                numbered(4, &["(2) 法人番号"]),
                boxed(5, "1234567890123"),
                numbered(6, &["3. 設立年月日【必須】", "事業者の設立年月日"]),
                boxed(8, "2009年4月1日"),
                // Text after an answered item is not its answer until a label of it.
                numbered(9, &["以上"]),
            ],
        };
        assert_eq!(
            raws(&answers(&document)),
            [
                (2, 1, "株式会社サンプル"),
                (2, 2, "1234567890123"),
                (3, 1, "2009年4月1日"),
            ]
        );
    }

    #[test]
    fn a_bullet_marks_a_label_and_a_one_line_note_skips_one_line() {
        let document = paragraphs(&[
            "No.6　代表者（必須開示項目）",
            "▼ 代表者氏名",
            "記入例：代表取締役社長　〇〇 〇〇",
            "代表取締役 山田太郎",
            "▼ 代表者経歴（生年月日、学歴、業務履歴、資格等）",
            "1970年生。",
            "No.117　給電ルート（必須開示項目）",
            "▼ 給電ルート（系統）について、①異なる変電所から給電ルートで2ルート以上確保、②同一変電所から複数の給電ルートを確保",
            "※いずれかを選択してください。",
            "②",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (6, 1, "代表取締役 山田太郎"),
                (6, 2, "1970年生。"),
                (117, 1, "②"),
            ]
        );
    }

    #[test]
    fn a_list_number_printed_apart_from_its_line_is_read_with_it() {
        use crate::model::{Block, Row};
        let block = |text: &str| Block {
            text: text.to_string(),
            column: 0,
            column_span: 1,
            at: Location::Page { page: 1 },
        };
        let texts = |row: &Row| -> Vec<String> {
            super::numbered_line(row)
                .iter()
                .map(|b| b.text.clone())
                .collect()
        };
        let heading = Row {
            blocks: vec![block("1."), block("開示情報の日付")],
        };
        assert_eq!(texts(&heading), ["1. 開示情報の日付"]);
        // Two figures side by side are two answers' lines, not a number and its line.
        let figures = Row {
            blocks: vec![block("1"), block("2")],
        };
        assert_eq!(texts(&figures), ["1", "2"]);
    }

    #[test]
    fn guide_like_paragraphs() {
        let document = paragraphs(&[
            "２．２ 事業所・事業",
            "（１）事業所等の概要",
            "① 事業者名（2：必須開示項目）",
            "【記述内容1】 事業者の正式名称（商号）",
            "株式会社サンプル",
            "【記述内容2】 法人番号",
            "１２３４５６７８９０１２３",
            "② 設立年月日（3：必須開示項目）",
            "【記述内容】 事業者の設立年月日（西暦）",
            "【説明】 貴社の設立年月日を西暦で記述してください。",
            "【記述内容】 事業者の設立年月日（西暦）",
            "2009年4月1日",
            "（２）事業の概要",
            "① 主な事業の概要（5: 必須開示項目）",
            "【記述内容】 事業者の主な事業の概要",
            "IoTプラットフォームの提供。",
            "データセンターの運営。",
            "※ 100字以内",
        ]);
        let found = answers(&document);
        let short = raws(&found);
        assert_eq!(
            short,
            [
                (2, 1, "株式会社サンプル"),
                (2, 2, "１２３４５６７８９０１２３"),
                (3, 1, "2009年4月1日"),
                (5, 1, "IoTプラットフォームの提供。\nデータセンターの運営。"),
            ]
        );
        assert_eq!(found[0].3, Location::Paragraph { paragraph: 5 });
    }

    #[test]
    fn labels_without_their_marker() {
        let document = paragraphs(&[
            "① 事業者名（2：必須開示項目）",
            "事業者の正式名称（商号）",
            "株式会社サンプル",
            "法人番号：",
            "１２３４５６７８９０１２３",
            "② 設立年月日（3：必須開示項目）",
            "事業者の設立年月日（西暦）：2009年4月1日",
            // The label opens with the item's alias 正社員数: still a label.
            "③ 従業員数（8：必須開示項目）",
            "正社員数（単独ベース）",
            "120名",
            "① 情報セキュリティに関する組織体制の状況（22：必須開示項目）",
            "情報セキュリティに関する責任者の有無と、「有り」の場合は責任者名・役職",
            "有り（CISO 鈴木）",
            "情報セキュリティに関する組織体制の有無",
            "有り",
            // Its own field's label inside an answer is part of the answer.
            "情報セキュリティに関する組織体制の有無：委員会を設置",
            "① サービスの基本タイプ（38：必須開示項目）",
            "システム基盤サービス、開発・実行基盤サービス、アプリ基盤サービス、ハード基盤サービス、ネットワーク基盤サービスの中から該当タイプを選択（複数選択可）。",
            // Worded much like the label, but an answer.
            "システム基盤サービス、開発・実行基盤サービス、ハード基盤サービス、ネットワーク基盤サービス",
        ]);
        let found = answers(&document);
        let short = raws(&found);
        assert_eq!(
            short,
            [
                (2, 1, "株式会社サンプル"),
                (2, 2, "１２３４５６７８９０１２３"),
                (3, 1, "2009年4月1日"),
                (8, 1, "120名"),
                (22, 1, "有り（CISO 鈴木）"),
                (
                    22,
                    2,
                    "有り\n情報セキュリティに関する組織体制の有無：委員会を設置"
                ),
                (
                    38,
                    1,
                    "システム基盤サービス、開発・実行基盤サービス、ハード基盤サービス、ネットワーク基盤サービス"
                ),
            ]
        );
        assert_eq!(found[0].3, Location::Paragraph { paragraph: 3 });
        // The answer after the colon is where its label is.
        assert_eq!(found[2].3, Location::Paragraph { paragraph: 7 });
    }

    #[test]
    fn a_heading_whose_title_names_another_item_is_read_as_that_item() {
        let document = paragraphs(&[
            "② 時刻同期（78：必須開示項目）",
            "【記述内容】システムの時刻同期方法",
            "NTP",
        ]);
        let located = locate(&document);
        assert_eq!(located.items.first().map(|i| i.number), Some(96));
        assert_eq!(located.items[0].fields[0].confidence, 0.8);
        assert_eq!(located.notes.len(), 1);
    }

    #[test]
    fn a_bare_number_paragraph_is_an_answer_not_a_heading() {
        let document = paragraphs(&[
            "② 使用データセンター（93：必須開示項目）",
            "【記述内容】使用データセンターの数",
            "2",
            "以上",
        ]);
        let short: Vec<(u32, u32, String)> = answers(&document)
            .into_iter()
            .map(|(n, i, raw, _)| (n, i, raw))
            .collect();
        assert_eq!(short, [(93, 1, "2\n以上".to_string())]);
    }

    #[test]
    fn items_numbered_from_each_chapters_start() {
        // Word's outline numbering, restarted at each chapter: the titles say which item.
        let document = paragraphs(&[
            "2. 「事業者」に関わる項目",
            "1. 開示情報の日付",
            "(1) 開示情報の年月日（西暦）",
            "2025年4月1日",
            "33. IaaS・PaaSの苦情対応に関する規程等の整備",
            "【記述内容2】",
            "有り（利用約款）",
            "第3章 「サービス」に関わる項目",
            "1. サービス名称",
            "【記述内容】",
            "サンプルクラウド",
            "2. サービス開始時期",
            "【記述内容】",
            "2019年4月",
            // Its first word recalls item 52's 「その他サービス」; the count in force wins.
            "52. サービス（事業）変更・終了時の事前告知",
            "【記述内容】",
            "3ヶ月前までに電子メールで通知",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (1, 1, "2025年4月1日"),
                (33, 2, "有り（利用約款）"),
                (34, 1, "サンプルクラウド"),
                (35, 1, "2019年4月"),
                (85, 1, "3ヶ月前までに電子メールで通知"),
            ]
        );
    }

    #[test]
    fn a_number_that_names_no_item_by_its_title_is_not_shifted() {
        // 「1. 株式会社サンプル」 names nothing: an answer, not item 3 counted anew.
        let document = paragraphs(&["2. 事業者名", "【記述内容1】", "1. 株式会社サンプル"]);
        assert_eq!(raws(&answers(&document)), [(2, 1, "1. 株式会社サンプル")]);
    }

    #[test]
    fn a_heading_wrapped_within_its_bracket_and_a_label_with_its_choices() {
        let document = paragraphs(&[
            "16. 財務監査・財務データの状況【選択】",
            // The guide's wording with its choices written out, in the form's numbering.
            "1) 該当する財務監査・財務データの状況を、①会計監査人による会計監査、②会計参与による計算書類等の作成",
            "④",
            "130)メンテナンス等の一時的サービス停止時の事前告知（必須開示項目／一定の要件を考慮すべ",
            "き項目）",
            "【記述内容1】 利用者への告知時期（1ヵ月前、3ヵ月前、6ヵ月前、12ヵ月前等の単位で記述）",
            "2週間前",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [(16, 1, "④"), (130, 1, "2週間前")]
        );
    }

    #[test]
    fn a_label_with_its_choices_written_out_before_a_marked_answer() {
        let document = paragraphs(&[
            "16. 財務監査・財務データの状況【選択】",
            "該当する財務監査・財務データの状況を、①会計監査人による会計監査、②会計参与による計算書類等の作成、④監査役による監査",
            "→ 会計監査人による会計監査、監査役による監査",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [(16, 1, "会計監査人による会計監査、監査役による監査")]
        );
    }

    #[test]
    fn a_count_after_its_heading_is_no_enumerated_label() {
        // 「1センター」 reads like 「(1) センター」, a label cut short, but has no list
        // number's punctuation.
        let document = paragraphs(&[
            "93. 使用データセンター",
            "1センター",
            "94. 死活監視（機器等）",
            "(1) 死活監視の有無",
            "有り",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [(93, 1, "1センター"), (94, 1, "有り")]
        );
        // Words that only recall the next item's title (95 「障害監視（機器等）」) start
        // no count from a chapter's start: the line stays with item 94.
        let alike = paragraphs(&["94. 死活監視（機器等）", "(1) 監視（機器等）の有無", "有り"]);
        assert!(answers(&alike).iter().all(|(item, ..)| *item == 94));
    }

    #[test]
    fn a_sub_section_named_like_an_item_starts_no_count() {
        // 「（2）所属団体」 names item 19 as well; read as item 19 counted from 2 it would
        // shift every heading after it (48 + 17: item 65 「ソフトウェア」).
        let document = paragraphs(&[
            "18. 株主構成",
            "【記述内容】",
            "株式会社サンプル 60%",
            "（2）所属団体",
            "19. 所属団体",
            "【記述内容】",
            "一般社団法人サンプル協会",
            "48. ソフトウェア開発環境支援サービス",
            "【記述内容】",
            "コンテナ実行環境",
        ]);
        assert_eq!(
            raws(&answers(&document)),
            [
                (18, 1, "株式会社サンプル 60%"),
                (19, 1, "一般社団法人サンプル協会"),
                (48, 1, "コンテナ実行環境"),
            ]
        );
    }

    #[test]
    fn a_marker_and_its_wording_in_one_cell_and_a_blank_remark_are_no_answers() {
        let document = paragraphs(&[
            "８３　受賞・表彰歴　【選択】",
            "【記述内容】\nIaaS・PaaSサービスに関連する各種アワード等の受賞歴",
            "備考",
            "８４　SLA（サービスレベル・アグリーメント）　【必須】",
            "【記述内容】\n当該サービスに係る SLA が契約書に添付されているか否か",
            "有り",
        ]);
        assert_eq!(raws(&answers(&document)), [(84, 1, "有り")]);
    }
}
