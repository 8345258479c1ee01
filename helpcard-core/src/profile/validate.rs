//! Rules a profile must meet before it is issued. Every broken rule is reported, each with the
//! field's path, so staff can fix a profile in one pass.

use std::fmt;

use super::{Contact, Place, Profile};
use crate::date::Date;
use crate::vocab::{Code, Lang};

/// Limits chosen so a full card still fits a small QR code; see the size report.
const MAX_MESSAGE: usize = 120;
const MAX_NAME: usize = 40;
const MAX_TEXT: usize = 400;
const MAX_ITEM: usize = 60;
const MAX_CODES: usize = 12;
const MAX_ITEMS: usize = 10;
const MAX_CONTACTS: usize = 5;

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, e.g. `private.contacts[0].phone`.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Required and empty.
    Empty,
    /// Longer than `max` characters.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// More than `max` entries.
    TooMany {
        /// The limit.
        max: usize,
    },
    /// Contains control characters or text-direction marks (line breaks are allowed in long
    /// texts only).
    ControlCharacter,
    /// Not a phone number: digits, with optional `+` at the start, `-`, spaces and brackets.
    BadPhone,
    /// Contains characters that are not kana.
    NotKana,
    /// A date after today.
    FutureDate,
    /// A date before 1900.
    TooOld,
    /// The same code twice.
    DuplicateCode(u16),
    /// A code this vocabulary does not know; issuing needs known codes.
    UnknownCode(u16),
}

impl Problem {
    /// The problem in the staff's language.
    pub fn message(&self, lang: Lang) -> String {
        let ja = !matches!(lang, Lang::En);
        match (self, ja) {
            (Problem::Empty, true) => "入力が必要です".into(),
            (Problem::Empty, false) => "is required".into(),
            (Problem::TooLong { max }, true) => format!("{max}文字以内にしてください"),
            (Problem::TooLong { max }, false) => format!("must be at most {max} characters"),
            (Problem::TooMany { max }, true) => format!("{max}件以内にしてください"),
            (Problem::TooMany { max }, false) => format!("must have at most {max} entries"),
            (Problem::ControlCharacter, true) => {
                "改行・制御文字・文字の向きを変える記号は使えません".into()
            }
            (Problem::ControlCharacter, false) => {
                "must not contain line breaks, control characters or text-direction marks".into()
            }
            (Problem::BadPhone, true) => {
                "電話番号は数字・ハイフン・先頭の + だけで入力してください".into()
            }
            (Problem::BadPhone, false) => {
                "is not a phone number (digits, hyphens, spaces, brackets, leading +)".into()
            }
            (Problem::NotKana, true) => "ひらがなかカタカナで入力してください".into(),
            (Problem::NotKana, false) => "must be written in hiragana or katakana".into(),
            (Problem::FutureDate, true) => "未来の日付です".into(),
            (Problem::FutureDate, false) => "is in the future".into(),
            (Problem::TooOld, true) => "1900年より前の日付です".into(),
            (Problem::TooOld, false) => "is before 1900".into(),
            (Problem::DuplicateCode(c), true) => format!("コード {c} が重複しています"),
            (Problem::DuplicateCode(c), false) => format!("lists code {c} twice"),
            (Problem::UnknownCode(c), true) => format!("コード {c} は語彙にありません"),
            (Problem::UnknownCode(c), false) => format!("code {c} is not in the vocabulary"),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem.message(Lang::En))
    }
}

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, problem: Problem) {
        self.errors.push(FieldError {
            field: field.into(),
            problem,
        });
    }

    fn text(&mut self, field: &str, s: &str, max: usize, multiline: bool) {
        if s.chars().count() > max {
            self.fail(field, Problem::TooLong { max });
        }
        if s.chars()
            .any(|c| unsafe_for_display(c) && !(multiline && c == '\n'))
        {
            self.fail(field, Problem::ControlCharacter);
        }
    }

    fn required(&mut self, field: &str, s: &str, max: usize) {
        if s.trim().is_empty() {
            self.fail(field, Problem::Empty);
        }
        self.text(field, s, max, false);
    }

    fn codes<C: Into<Code> + Copy>(&mut self, field: &str, codes: &[C]) {
        if codes.len() > MAX_CODES {
            self.fail(field, Problem::TooMany { max: MAX_CODES });
        }
        for (i, c) in codes.iter().enumerate() {
            let code: Code = (*c).into();
            if code.entry().is_none() {
                self.fail(format!("{field}[{i}]"), Problem::UnknownCode(code.value));
            }
            if codes[..i].iter().any(|d| (*d).into() == code) {
                self.fail(format!("{field}[{i}]"), Problem::DuplicateCode(code.value));
            }
        }
    }

    fn items(&mut self, field: &str, items: &[String]) {
        if items.len() > MAX_ITEMS {
            self.fail(field, Problem::TooMany { max: MAX_ITEMS });
        }
        for (i, s) in items.iter().enumerate() {
            self.required(&format!("{field}[{i}]"), s, MAX_ITEM);
        }
    }

    fn phone(&mut self, field: &str, phone: &str) {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || "-() ".contains(c) || (c == '+' && i == 0));
        if !allowed || !(3..=15).contains(&digits) {
            self.fail(field, Problem::BadPhone);
        }
    }

    fn place(&mut self, field: &str, p: &Place) {
        self.required(&format!("{field}.name"), &p.name, MAX_NAME);
        if !p.phone.is_empty() {
            self.phone(&format!("{field}.phone"), &p.phone);
        }
    }

    fn contact(&mut self, field: &str, c: &Contact) {
        self.required(&format!("{field}.name"), &c.name, MAX_NAME);
        self.phone(&format!("{field}.phone"), &c.phone);
        if let Some(r) = c.relation {
            self.codes(&format!("{field}.relation"), &[r]);
        }
    }
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | ' ' | '\u{3000}')
}

pub(super) fn profile(p: &Profile, today: Date) -> Vec<FieldError> {
    let mut ck = Checker { errors: Vec::new() };
    ck.codes("public.help", &p.public.help);
    ck.text("public.message", &p.public.message, MAX_MESSAGE, false);
    if let Some(q) = &p.private {
        ck.required("private.name", &q.name, MAX_NAME);
        ck.text("private.name_kana", &q.name_kana, MAX_NAME, false);
        if !q.name_kana.chars().all(is_kana) {
            ck.fail("private.name_kana", Problem::NotKana);
        }
        if let Some(d) = q.birth_date {
            if d > today {
                ck.fail("private.birth_date", Problem::FutureDate);
            } else if d.ymd().0 < 1900 {
                ck.fail("private.birth_date", Problem::TooOld);
            }
        }
        ck.codes("private.conditions", &q.conditions);
        ck.codes("private.support", &q.support);
        ck.codes("private.medical_care", &q.medical_care);
        for (field, text) in [
            ("private.how_to_help", &q.how_to_help),
            ("private.avoid", &q.avoid),
            ("private.medical_care_notes", &q.medical_care_notes),
            ("private.notes", &q.notes),
        ] {
            ck.text(field, text, MAX_TEXT, true);
        }
        ck.items("private.medications", &q.medications);
        if let Some(a) = &q.allergies {
            ck.items("private.allergies", a);
        }
        if let Some(h) = &q.hospital {
            ck.place("private.hospital", h);
        }
        if q.contacts.len() > MAX_CONTACTS {
            ck.fail("private.contacts", Problem::TooMany { max: MAX_CONTACTS });
        }
        for (i, c) in q.contacts.iter().enumerate() {
            ck.contact(&format!("private.contacts[{i}]"), c);
        }
        if let Some(o) = &q.support_office {
            ck.place("private.support_office", o);
        }
    }
    ck.errors
}

/// True for characters that change how text around them is shown rather than being shown: C0
/// and C1 controls (terminal escape sequences start with them) and the Unicode bidirectional
/// controls (U+202E turns "090-1234" into "4321-090" on screen). Refused in profiles, escaped
/// by front ends when they print card or registry text.
pub fn unsafe_for_display(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
