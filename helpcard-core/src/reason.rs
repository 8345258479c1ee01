//! Why a responder opens a card's private part. Every opening gives one (the key service refuses
//! an unwrap without it; the kiosk asks with one tap before it shows the part); the audit row and
//! the holder's notice say it.

use crate::vocab::Lang;

/// The reasons a responder chooses from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// 救急搬送: taking the person to hospital.
    EmergencyTransport,
    /// 安否確認: checking the person is safe.
    WelfareCheck,
    /// 施設での支援: support at a facility.
    FacilitySupport,
    /// その他, with a short text.
    Other,
}

/// Longest text of an "other" reason, in characters.
pub const MAX_TEXT: usize = 100;

impl Reason {
    /// Every reason, in the order a screen offers them.
    pub const ALL: [Reason; 4] = [
        Reason::EmergencyTransport,
        Reason::WelfareCheck,
        Reason::FacilitySupport,
        Reason::Other,
    ];

    /// The stable code (`emergency_transport`, `welfare_check`, `facility_support`, `other`).
    pub fn code(self) -> &'static str {
        match self {
            Reason::EmergencyTransport => "emergency_transport",
            Reason::WelfareCheck => "welfare_check",
            Reason::FacilitySupport => "facility_support",
            Reason::Other => "other",
        }
    }

    /// The reason of a code.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Its words in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Reason::EmergencyTransport => lang.pick(
                "救急搬送",
                "Emergency transport",
                "きゅうきゅうしゃで はこぶ",
            ),
            Reason::WelfareCheck => lang.pick("安否確認", "Welfare check", "ぶじか たしかめる"),
            Reason::FacilitySupport => {
                lang.pick("施設での支援", "Support at a facility", "しせつで たすける")
            }
            Reason::Other => lang.pick("その他", "Other", "そのほか"),
        }
    }
}

/// A reason as a responder gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    /// Which.
    pub reason: Reason,
    /// For [`Reason::Other`], what it was (1 to [`MAX_TEXT`] characters, no control
    /// characters); empty otherwise.
    pub text: String,
}

/// Why a reason was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReasonError {
    /// No reason, or a code this build does not know.
    #[error("a reason is needed: emergency_transport, welfare_check, facility_support or other")]
    Missing,
    /// "Other" without its text, or with a text too long or with control characters.
    #[error("a reason of \"other\" needs a short text (at most 100 characters)")]
    BadText,
}

impl Given {
    /// The reason of `code` with `text` (only "other" takes a text).
    pub fn parse(code: &str, text: &str) -> Result<Given, ReasonError> {
        let reason = Reason::from_code(code).ok_or(ReasonError::Missing)?;
        let text = text.trim();
        if reason != Reason::Other {
            return Ok(Given {
                reason,
                text: String::new(),
            });
        }
        let n = text.chars().count();
        if n == 0 || n > MAX_TEXT || text.chars().any(crate::profile::unsafe_for_display) {
            return Err(ReasonError::BadText);
        }
        Ok(Given {
            reason,
            text: text.to_owned(),
        })
    }

    /// As an audit row's detail says it: `reason=CODE`, with `: TEXT` for "other".
    pub fn detail(&self) -> String {
        if self.text.is_empty() {
            format!("reason={}", self.reason.code())
        } else {
            format!("reason={}: {}", self.reason.code(), self.text)
        }
    }

    /// The reason an audit row's detail records (the part from `reason=` on, as
    /// [`Given::detail`] wrote it); `None` for a row without one.
    pub fn from_detail(detail: &str) -> Option<Given> {
        let (_, rest) = detail.split_once("reason=")?;
        let (code, text) = rest.split_once(": ").unwrap_or((rest.trim(), ""));
        Given::parse(code, text).ok()
    }

    /// Its words in `lang` (the text of "other" after its label).
    pub fn words(&self, lang: Lang) -> String {
        if self.text.is_empty() {
            self.reason.label(lang).to_owned()
        } else {
            format!("{}（{}）", self.reason.label(lang), self.text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_of_four_and_other_needs_its_words() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
            for lang in Lang::ALL {
                assert!(!r.label(lang).is_empty());
            }
        }
        for (code, text) in [("welfare_check", ""), ("other", "近所の人: 連絡なし")] {
            let g = Given::parse(code, text).unwrap();
            let row = format!("group=welfare {}", g.detail());
            assert_eq!(Given::from_detail(&row), Some(g));
        }
        assert_eq!(Given::from_detail("group=welfare"), None);
        let g = Given::parse("welfare_check", "ignored").unwrap();
        assert_eq!(
            (g.detail(), g.words(Lang::Ja)),
            ("reason=welfare_check".into(), "安否確認".into())
        );
        assert_eq!(Given::parse("", ""), Err(ReasonError::Missing));
        assert_eq!(Given::parse("curious", ""), Err(ReasonError::Missing));
        assert_eq!(Given::parse("other", "  "), Err(ReasonError::BadText));
        assert_eq!(
            Given::parse("other", &"x".repeat(101)),
            Err(ReasonError::BadText)
        );
        assert_eq!(
            Given::parse("other", "a\u{202e}b"),
            Err(ReasonError::BadText)
        );
        let other = Given::parse("other", " 警察からの照会 ").unwrap();
        assert_eq!(other.detail(), "reason=other: 警察からの照会");
        assert_eq!(other.words(Lang::En), "Other（警察からの照会）");
    }
}
