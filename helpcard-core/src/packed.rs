//! A card part on the wire: its CBOR structure with every text left empty, followed by all the
//! texts in one [`text`] stream, in the order they appear in the CBOR.
//!
//! ```text
//! packed = structure (deterministic CBOR; every text string is "") ‖ text stream
//! ```
//!
//! Keeping the structure in CBOR keeps it readable by any CBOR tool and its rules (integer
//! keys, deterministic order) unchanged; moving the texts into one stream lets the text model
//! use what came before (a surname repeats in the contacts) and pays the coder's end-of-stream
//! cost once per part instead of once per field.

use ciborium::Value;

use crate::cbor::{self, CborError};
use crate::text::{self, TextError};

/// Why a packed part was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnpackError {
    /// The structure is not deterministic CBOR, or has a non-empty text.
    #[error("the card part's structure is malformed: {0}")]
    Structure(CborError),
    /// The text stream is damaged or not canonical.
    #[error(transparent)]
    Text(TextError),
}

/// Packs a CBOR item: the structure with texts emptied, then the text stream.
pub fn pack(value: &Value) -> Result<Vec<u8>, TextError> {
    let mut structure = value.clone();
    let mut texts = Vec::new();
    visit_texts(&mut structure, &mut |t| texts.push(std::mem::take(t)));
    let mut out = cbor::encode(&structure);
    out.extend(text::encode(&texts)?);
    Ok(out)
}

/// Unpacks what [`pack`] wrote, returning the item with its texts in place.
pub fn unpack(bytes: &[u8]) -> Result<Value, UnpackError> {
    let (mut value, stream) = cbor::decode_strict_prefix(bytes).map_err(UnpackError::Structure)?;
    let mut count = 0;
    let mut filled = true;
    visit_texts(&mut value, &mut |t| {
        count += 1;
        filled &= t.is_empty();
    });
    if !filled {
        return Err(UnpackError::Structure(CborError::NonCanonical));
    }
    let mut texts = text::decode(stream, count)
        .map_err(UnpackError::Text)?
        .into_iter();
    visit_texts(&mut value, &mut |t| *t = texts.next().unwrap_or_default());
    Ok(value)
}

/// Calls `f` on every text string, depth first in encoding order.
fn visit_texts(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::Text(t) => f(t),
        Value::Array(items) => items.iter_mut().for_each(|v| visit_texts(v, f)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            visit_texts(k, f);
            visit_texts(v, f);
        }),
        Value::Tag(_, inner) => visit_texts(inner, f),
        _ => {}
    }
}

#[cfg(test)]
#[path = "packed_tests.rs"]
mod tests;
