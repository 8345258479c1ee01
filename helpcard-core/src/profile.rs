//! The help-card profile: what the holder wants known, split into a public part (readable by
//! anyone who scans the card) and a private part (readable only by authorised responders).
//!
//! Profiles are written by issuing staff as TOML or JSON ([`Profile::from_toml`],
//! [`Profile::from_json`]); [`Profile::validate`] then names every field that is wrong. On the
//! card a profile travels as deterministic CBOR with small integer keys and vocabulary codes
//! ([`PublicPart::to_cbor`], [`PrivatePart::to_cbor`]); empty fields are left out.

use std::fmt;

use ciborium::Value;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::cbor::CborError;
use crate::date::Date;
use crate::vocab::{Code, Lang};

mod codes;
mod validate;
mod wire;

pub use codes::{ConditionCode, HelpCode, MedicalCareCode, RelationCode};
pub use validate::{FieldError, Problem, unsafe_for_display};
pub use wire::{PRIVATE_SCHEMA, PUBLIC_SCHEMA};

/// A whole profile as entered by the issuing office.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// What anyone scanning the card may read.
    pub public: PublicPart,
    /// What only authorised responders may read; a card may have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<PrivatePart>,
}

/// The public part: coded help requests and a short message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPart {
    /// Help requests, most important first.
    #[serde(default)]
    pub help: Vec<HelpCode>,
    /// A short free-text message to a passer-by.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The private part: special-care personal data under APPI, encrypted on the card. `Debug`
/// prints no field (a stray `{:?}` in a log must not leak it); wiped from memory on drop (a
/// responder's phone or a kiosk forgets a card when it is hidden).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
pub struct PrivatePart {
    /// Holder's name.
    pub name: String,
    /// Reading of the name in kana.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_kana: String,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    /// ABO and Rh blood type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blood_type: Option<BloodType>,
    /// Disabilities and conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionCode>,
    /// Support needs (same vocabulary as public help requests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub support: Vec<HelpCode>,
    /// How to help, in the holder's or family's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub how_to_help: String,
    /// What to avoid.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avoid: String,
    /// Medications, one per entry (name, dose, timing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medications: Vec<String>,
    /// Allergies. `Some(empty)` means "none known", which differs from "not recorded" (`None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allergies: Option<Vec<String>>,
    /// Medical-care needs (医療的ケア).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medical_care: Vec<MedicalCareCode>,
    /// Notes on medical care.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub medical_care_notes: String,
    /// Hospital or clinic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hospital: Option<Place>,
    /// People to call, most important first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Support office or case worker's office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_office: Option<Place>,
    /// Anything else.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The language the holder reads the card in.
    #[serde(default, skip_serializing_if = "CardLang::is_default")]
    #[zeroize(skip)]
    pub language: CardLang,
}

/// A person to contact. `Debug` prints no field.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Relation to the holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<RelationCode>,
    /// Phone number.
    pub phone: String,
    /// Reach by text message only (e.g. a deaf contact).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sms_only: bool,
}

/// A hospital or office. `Debug` prints no field.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Name.
    pub name: String,
    /// Phone number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

/// ABO blood group with Rh factor (or Rh unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Zeroize)]
pub struct BloodType {
    /// Index into [`BloodType::NAMES`]; the CBOR code is index + 1.
    index: u8,
}

impl BloodType {
    /// Accepted spellings, in code order.
    pub const NAMES: [&'static str; 12] = [
        "A+", "A-", "B+", "B-", "O+", "O-", "AB+", "AB-", "A", "B", "O", "AB",
    ];

    /// Parses `A+`, `AB-`, `O` (Rh unknown), ...
    pub fn parse(s: &str) -> Option<BloodType> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| BloodType { index: i as u8 })
    }

    fn code(self) -> u64 {
        u64::from(self.index) + 1
    }

    fn from_code(code: u64) -> Option<BloodType> {
        (1..=Self::NAMES.len() as u64)
            .contains(&code)
            .then(|| BloodType {
                index: (code - 1) as u8,
            })
    }
}

impl fmt::Display for BloodType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::NAMES[usize::from(self.index)])
    }
}

impl Serialize for BloodType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BloodType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<BloodType, D::Error> {
        let s = String::deserialize(d)?;
        BloodType::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown blood type \"{s}\" (use one of {})",
                BloodType::NAMES.join(", ")
            ))
        })
    }
}

/// The language a card is printed and read in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardLang {
    /// Japanese.
    #[default]
    Ja,
    /// English.
    En,
    /// やさしい日本語.
    EasyJa,
}

impl CardLang {
    fn is_default(&self) -> bool {
        *self == CardLang::Ja
    }

    /// The vocabulary language for labels.
    pub fn vocab_lang(self) -> Lang {
        match self {
            CardLang::Ja => Lang::Ja,
            CardLang::En => Lang::En,
            CardLang::EasyJa => Lang::EasyJa,
        }
    }
}

/// Why a profile file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// The file is not valid TOML or JSON for the schema; `path` names the field.
    #[error("{path}: {message}")]
    Syntax {
        /// Dotted path of the field, e.g. `private.contacts[1].phone` (empty for the whole file).
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The file parsed, but some fields break the rules.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
}

impl Profile {
    /// The card's language: its private part's (`language`), Japanese without one. What its
    /// holder's copy and the notices to its holder are written in.
    pub fn lang(&self) -> Lang {
        self.private
            .as_ref()
            .map(|p| p.language)
            .unwrap_or_default()
            .vocab_lang()
    }

    /// Parses a profile from TOML text (syntax and schema only; call [`Profile::validate`]).
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        // toml's Display quotes the offending line of the file, which may be a medicine or a
        // phone number: report the line number and the parser's words instead.
        let de = toml::Deserializer::parse(text).map_err(|e| ProfileError::Syntax {
            path: String::new(),
            message: match e.span() {
                Some(span) => format!(
                    "line {}: {}",
                    text[..span.start.min(text.len())].matches('\n').count() + 1,
                    e.message().trim_end()
                ),
                None => e.message().trim_end().to_owned(),
            },
        })?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let message = redact(&path, e.into_inner().message());
            ProfileError::Syntax { path, message }
        })
    }

    /// Parses a profile from JSON text (syntax and schema only; call [`Profile::validate`]).
    pub fn from_json(text: &str) -> Result<Profile, ProfileError> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let message = redact(&path, &e.into_inner().to_string());
            ProfileError::Syntax { path, message }
        })
    }

    /// Checks every field against the rules; `today` bounds the birth date.
    pub fn validate(&self, today: Date) -> Result<(), ProfileError> {
        let errors = validate::profile(self, today);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ProfileError::Invalid(errors))
        }
    }

    /// Parses TOML and validates it.
    pub fn load_toml(text: &str, today: Date) -> Result<Profile, ProfileError> {
        let p = Profile::from_toml(text)?;
        p.validate(today)?;
        Ok(p)
    }
}

impl PublicPart {
    /// Deterministic CBOR for the card.
    pub fn to_cbor(&self) -> Value {
        wire::public_to_cbor(self)
    }

    /// Reads the public part from card CBOR.
    pub fn from_cbor(value: Value) -> Result<PublicPart, CborError> {
        wire::public_from_cbor(value)
    }
}

impl PrivatePart {
    /// Deterministic CBOR for the card.
    pub fn to_cbor(&self) -> Value {
        wire::private_to_cbor(self)
    }

    /// Reads the private part from card CBOR.
    pub fn from_cbor(value: Value) -> Result<PrivatePart, CborError> {
        wire::private_from_cbor(value)
    }
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { <private> }"))
            }
        }
    )*};
}
redacted_debug!(PrivatePart, Contact, Place);

/// A parser's message about a private field, with every quoted value replaced by `"…"`: serde
/// quotes the value it refused (`invalid type: string "090-…"`), and errors are printed on
/// terminals and in logs.
fn redact(path: &str, message: &str) -> String {
    if !path.starts_with("private") {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('"' | '`', false) => {
                quoted = true;
                out.push_str("\"…");
            }
            ('"' | '`', true) => {
                quoted = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

/// Renders a list of codes as labels.
pub fn labels<C: Into<Code> + Copy>(codes: &[C], lang: Lang) -> Vec<String> {
    codes.iter().map(|c| (*c).into().label(lang)).collect()
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
