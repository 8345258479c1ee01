//! The card view (`helpcard_core::view`) as plain text for the terminal.

use helpcard_core::profile::unsafe_for_display;
use helpcard_core::view::{CardView, PrivateView};

/// `s` with every control character and text-direction mark written as `\u{…}`: card texts
/// are signed by an issuer, not checked by this terminal, and an escape sequence in them must
/// not move the cursor, recolour the screen or reverse a phone number.
pub fn safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unsafe_for_display(c) {
            out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A cell of tab-separated output: [`safe`], and a leading `=`, `+`, `-` or `@` quoted with `'`
/// so a spreadsheet opening the file does not run it as a formula.
pub fn cell(s: &str) -> String {
    let s = safe(s);
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s
    }
}

/// The verdict first, then the card's facts, the public part and, if it was opened, the
/// private part in the view's sections: every word from the view, in its language.
pub fn card_view(v: &CardView) -> String {
    let words = v.labels;
    let mut out = format!("  [{}] {}\n", v.headline, v.advice);
    let mut line = |label: &str, value: &str| {
        if !value.is_empty() {
            out.push_str(&format!("  {label}: {}\n", safe(value)));
        }
    };
    if let Some(message) = &v.message {
        line(words.reason, message);
    }
    if let Some(card) = &v.card {
        line(words.issuer, &card.issuer_name);
        line(words.card_id, &card.card_id);
        line(words.valid_until, &card.valid_until);
        line(words.written, &card.written);
        if let Some(note) = &card.age_note {
            line(words.notice, note);
        }
    }
    for notice in &v.notices {
        line(words.notice, &notice.message);
    }
    if let Some(public) = &v.public {
        let help: Vec<&str> = public.help.iter().map(|l| l.label.as_str()).collect();
        line(words.help, &help.join(" / "));
        line(words.message, &public.message);
    }
    match &v.private {
        None | Some(PrivateView::Shown(_)) => {}
        Some(PrivateView::Absent) => line(words.private, words.private_absent),
        Some(PrivateView::Locked) => line(words.private, &format!("🔒 {}", words.private_locked)),
        Some(PrivateView::Failed { message, .. }) => line(words.private, message),
    }
    for section in &v.private_sections {
        out.push_str(&format!("  --- {} ---\n", section.title));
        for item in &section.items {
            out.push_str(&format!("  {}: {}\n", item.label, safe(&item.value)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_direction_marks_are_shown_not_obeyed() {
        assert_eq!(safe("\u{1b}[2J090"), "\\u{001b}[2J090");
        assert_eq!(safe("tel \u{202e}4321"), "tel \\u{202e}4321");
        assert_eq!(safe("筆談で"), "筆談で");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("case\t7"), "case\\u{0009}7");
    }
}
