//! Deterministic CBOR (RFC 8949 §4.2.1) encoding and strict decoding.
//!
//! Every CBOR item the format reads goes through [`decode_strict`]: one item, nothing after it,
//! shortest-form integers and lengths, definite lengths, map keys unique and in bytewise order of
//! their encodings. A byte string that decodes under these rules has exactly one encoding, so a
//! signature covers exactly one meaning.

use ciborium::Value;

/// Deepest nesting the format ever uses is 6; anything deeper is an attack on the stack.
const MAX_DEPTH: usize = 16;

/// Why a CBOR item was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CborError {
    /// Not well-formed CBOR, truncated, or nested too deeply.
    #[error("malformed CBOR (truncated or not CBOR at all)")]
    Malformed,
    /// Bytes follow the single top-level item.
    #[error("trailing bytes after the CBOR item")]
    TrailingBytes,
    /// A map repeats a key.
    #[error("duplicate map key")]
    DuplicateKey,
    /// Valid CBOR but not in deterministic form (long-form integers, indefinite lengths,
    /// unsorted map keys).
    #[error("CBOR not in deterministic encoding")]
    NonCanonical,
    /// Well-formed CBOR with the wrong shape: a missing field, a wrong type, an unknown key.
    #[error("unexpected CBOR structure: {0}")]
    Structure(&'static str),
}

/// Decodes exactly one deterministic CBOR item.
pub fn decode_strict(bytes: &[u8]) -> Result<Value, CborError> {
    match decode_strict_prefix(bytes)? {
        (value, []) => Ok(value),
        _ => Err(CborError::TrailingBytes),
    }
}

/// Decodes one deterministic CBOR item at the start of `bytes`; returns it and what follows.
pub fn decode_strict_prefix(bytes: &[u8]) -> Result<(Value, &[u8]), CborError> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, MAX_DEPTH)
        .map_err(|_| CborError::Malformed)?;
    check_maps(&value)?;
    if encode(&value) != bytes[..bytes.len() - rest.len()] {
        return Err(CborError::NonCanonical);
    }
    Ok((value, rest))
}

/// Encodes a value; our values always serialise.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing a `Value` into a `Vec` cannot fail.
    ciborium::ser::into_writer(value, &mut out).expect("CBOR encoding into memory");
    out
}

/// Rejects duplicate keys (their own error, as the test vectors require) and unsorted keys.
fn check_maps(value: &Value) -> Result<(), CborError> {
    match value {
        Value::Map(entries) => {
            let mut previous: Option<Vec<u8>> = None;
            for (k, v) in entries {
                let key = encode(k);
                if let Some(p) = &previous {
                    if *p == key {
                        return Err(CborError::DuplicateKey);
                    }
                    if *p > key {
                        // A duplicate may still come later; report it in preference.
                        let mut keys: Vec<Vec<u8>> =
                            entries.iter().map(|(k, _)| encode(k)).collect();
                        keys.sort();
                        keys.dedup();
                        return Err(if keys.len() < entries.len() {
                            CborError::DuplicateKey
                        } else {
                            CborError::NonCanonical
                        });
                    }
                }
                check_maps(k)?;
                check_maps(v)?;
                previous = Some(key);
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(check_maps),
        Value::Tag(_, inner) => check_maps(inner),
        _ => Ok(()),
    }
}

/// Builds a map from integer keys, sorting them into deterministic order.
pub fn int_map(mut entries: Vec<(i64, Value)>) -> Value {
    entries.sort_by_key(|(k, _)| encode(&Value::from(*k)));
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect(),
    )
}

/// Reads a map with integer keys into `(key, value)` pairs; other key types are an error.
pub fn as_int_map(value: Value, what: &'static str) -> Result<Vec<(i64, Value)>, CborError> {
    match value {
        Value::Map(entries) => entries
            .into_iter()
            .map(|(k, v)| Ok((int(&k, what)?, v)))
            .collect(),
        _ => Err(CborError::Structure(what)),
    }
}

/// An integer that fits in `i64`.
pub fn int(value: &Value, what: &'static str) -> Result<i64, CborError> {
    match value {
        Value::Integer(i) => i64::try_from(*i).map_err(|_| CborError::Structure(what)),
        _ => Err(CborError::Structure(what)),
    }
}

/// An unsigned integer that fits in `u64`.
pub fn uint(value: &Value, what: &'static str) -> Result<u64, CborError> {
    match value {
        Value::Integer(i) => u64::try_from(*i).map_err(|_| CborError::Structure(what)),
        _ => Err(CborError::Structure(what)),
    }
}

/// A text string.
pub fn text(value: Value, what: &'static str) -> Result<String, CborError> {
    match value {
        Value::Text(s) => Ok(s),
        _ => Err(CborError::Structure(what)),
    }
}

/// A byte string.
pub fn bytes(value: Value, what: &'static str) -> Result<Vec<u8>, CborError> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(CborError::Structure(what)),
    }
}

/// An array.
pub fn array(value: Value, what: &'static str) -> Result<Vec<Value>, CborError> {
    match value {
        Value::Array(a) => Ok(a),
        _ => Err(CborError::Structure(what)),
    }
}

#[cfg(test)]
#[path = "cbor_tests.rs"]
mod tests;
