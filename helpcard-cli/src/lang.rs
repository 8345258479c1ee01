//! The language of the tool's messages and output.

use clap::ValueEnum;

/// Output language.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum Lang {
    /// 日本語
    Ja,
    /// English
    En,
}

impl Lang {
    /// The vocabulary labels for this language.
    pub fn vocab(self) -> helpcard_core::vocab::Lang {
        if self == Lang::Ja {
            helpcard_core::vocab::Lang::Ja
        } else {
            helpcard_core::vocab::Lang::En
        }
    }

    /// Picks the message in this language.
    pub fn t<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        if self == Lang::Ja { ja } else { en }
    }
}
