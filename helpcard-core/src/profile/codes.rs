//! Typed vocabulary codes. In files they are written as the vocabulary key (`"speak-slowly"`);
//! a bare number is accepted too, so a profile holding a code from a newer vocabulary
//! round-trips.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocab::{Category, Code};

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $cat:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, zeroize::Zeroize)]
        pub struct $name(pub u16);

        impl $name {
            /// The vocabulary category.
            pub const CATEGORY: Category = $cat;

            /// The code for a vocabulary key.
            pub fn from_key(key: &str) -> Option<$name> {
                Self::CATEGORY.by_key(key).map(|e| $name(e.code))
            }
        }

        impl From<$name> for Code {
            fn from(c: $name) -> Code {
                Code { category: $name::CATEGORY, value: c.0 }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match Code::from(*self).entry() {
                    Some(e) => s.serialize_str(e.key),
                    None => s.serialize_u16(self.0),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                d.deserialize_any(CodeVisitor(Self::CATEGORY)).map($name)
            }
        }
    };
}

code_type!(
    /// A help request or support need.
    HelpCode, Category::Help);
code_type!(
    /// A disability or condition.
    ConditionCode, Category::Condition);
code_type!(
    /// A medical-care need.
    MedicalCareCode, Category::MedicalCare);
code_type!(
    /// A contact's relation to the holder.
    RelationCode, Category::Relation);

struct CodeVisitor(Category);

impl serde::de::Visitor<'_> for CodeVisitor {
    type Value = u16;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} vocabulary key such as \"{}\"",
            self.0.name(),
            self.0.entries()[0].key
        )
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<u16, E> {
        self.0.by_key(key).map(|e| e.code).ok_or_else(|| {
            E::custom(format!(
                "unknown {} code \"{key}\" (known: {})",
                self.0.name(),
                self.0
                    .entries()
                    .iter()
                    .map(|e| e.key)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u16, E> {
        u16::try_from(n)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| E::custom(format!("{} code {n} out of range 1..=65535", self.0.name())))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u16, E> {
        u64::try_from(n)
            .map_err(|_| E::custom(format!("{} code {n} out of range 1..=65535", self.0.name())))
            .and_then(|n| self.visit_u64(n))
    }
}
