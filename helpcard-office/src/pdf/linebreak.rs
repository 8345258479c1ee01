//! Where a card's text may break across lines, as a person would break it in print.
//!
//! - English and other spaced scripts: the Unicode line-breaking algorithm (UAX #14), so a
//!   line never ends inside a word ("swe|ating" cannot happen).
//! - Japanese: UAX #14 alone allows a break between almost any two characters ("救急|車を");
//!   a break between two Japanese characters is kept only at a phrase boundary found by
//!   BudouX's Japanese model (the model Google uses for the same purpose in Chrome and Search),
//!   so phrases such as 救急車を or 5分以上 stay whole.
//! - 禁則 (kinsoku): UAX #14 already keeps closing brackets, 。、 and small kana off the start of
//!   a line and opening brackets off its end.
//!
//! A single phrase wider than the line is broken between characters as a last resort (still
//! observing kinsoku).

use unicode_linebreak::{BreakOpportunity, linebreaks};

/// Japanese and Chinese characters (kana, CJK ideographs, fullwidth forms), between which
/// only phrase boundaries count.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3000..=0x30FF     // CJK punctuation, hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0xFF00..=0xFFEF   // half- and fullwidth forms
        | 0x20000..=0x3FFFF // supplementary ideographs
    )
}

/// Byte offsets (after 0, before `text.len()`) where a new line may begin.
pub fn break_points(text: &str) -> Vec<usize> {
    let mut phrase_ends = std::collections::HashSet::new();
    let mut at = 0;
    for phrase in budoux::parse(budoux::models::default_japanese_model(), text) {
        at += phrase.len();
        phrase_ends.insert(at);
    }
    linebreaks(text)
        .filter(|(i, kind)| *kind == BreakOpportunity::Allowed && *i > 0 && *i < text.len())
        .map(|(i, _)| i)
        .filter(|&i| {
            let before = text[..i].chars().next_back();
            let after = text[i..].chars().next();
            let both_cjk = before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
            !both_cjk || phrase_ends.contains(&i)
        })
        .collect()
}

/// `text` cut at its [`break_points`]: each piece ends where a line may end.
pub fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for p in break_points(text).into_iter().chain([text.len()]) {
        if p > start {
            out.push(&text[start..p]);
            start = p;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        segments(text)
    }

    #[test]
    fn english_breaks_only_between_words() {
        let s = pieces("If I am confused or sweating, give me sugar.");
        assert!(s.contains(&"sweating, "), "{s:?}");
        assert!(
            s.iter().all(|p| p.ends_with(' ') || p.ends_with('.')),
            "{s:?}"
        );
    }

    #[test]
    fn japanese_breaks_at_phrases_not_inside_words() {
        let text = "てんかんがあります。発作が5分以上続いたら救急車を呼んでください。";
        let s = pieces(text);
        assert_eq!(s.concat(), text);
        assert!(s.iter().any(|p| p.contains("救急車")), "{s:?}");
        assert!(
            !s.iter().any(|p| p.ends_with("救急") || p.ends_with('救')),
            "{s:?}"
        );
        // Kinsoku: no piece starts with closing punctuation.
        assert!(
            !s.iter().any(|p| p.starts_with(['。', '、', '」'])),
            "{s:?}"
        );
    }

    #[test]
    fn mixed_script_keeps_latin_words_whole() {
        let s = pieces("ADHDがあります。Please write it down for me.");
        assert!(
            s.iter()
                .all(|p| !p.ends_with("AD") && !p.ends_with("Pleas")),
            "{s:?}"
        );
        assert!(s.iter().any(|p| p.starts_with("Please")), "{s:?}");
    }
}
