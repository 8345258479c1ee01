//! A card part on the wire ("packed"): the part's CBOR value written field by field into one
//! [`text`](crate::text) stream, following the part's schema (the layout in [`crate::profile`]'s wire
//! module).
//!
//! ```text
//! for each field of the schema, in key order:
//!     optional field: 1 flag (present?)          required field: nothing
//!     text  → the characters through the text model, then its end symbol
//!     uint  → LEB128 bytes, 8 even bits each     int → zigzag, then as uint
//!     list  → count (Elias gamma of n + 1), then the items
//!     map   → its own fields, recursively        true → nothing (presence says it)
//! ```
//!
//! Integer keys, map and array headers and the placeholders a CBOR structure needs cost
//! ≈ 40 bytes on a typical private part; here the schema carries them and a field costs a
//! flag. Unpacking rebuilds the very CBOR value (deterministic, keys in order), which the
//! profile layer then reads as before; only what [`pack`] writes is accepted back.

use ciborium::Value;

use crate::text::{Reader, TextError, Writer};

/// What one field holds.
#[derive(Debug)]
pub enum Kind {
    /// A text string.
    Text,
    /// An unsigned integer.
    Uint,
    /// A signed integer.
    Int,
    /// `true` (the field's presence is the value).
    True,
    /// An array of one kind.
    List(&'static Kind),
    /// A map with integer keys.
    Map(&'static [Field]),
}

/// One field of a map: integer key, kind, and whether it must be present.
#[derive(Debug)]
pub struct Field {
    /// Map key.
    pub key: i64,
    /// Value kind.
    pub kind: Kind,
    /// Required fields cost no presence flag.
    pub required: bool,
}

/// Why a packed part was refused, or a value could not be packed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// The value does not follow the schema (a key, type or required field is wrong).
    #[error("the part does not follow its schema: {0}")]
    Schema(&'static str),
    /// The stream is damaged, not canonical, or too long.
    #[error(transparent)]
    Text(#[from] TextError),
}

/// Packs a CBOR map following `schema`.
pub fn pack(value: &Value, schema: &'static [Field]) -> Result<Vec<u8>, PackError> {
    let mut w = Writer::default();
    write_map(&mut w, value, schema)?;
    Ok(w.finish())
}

/// Unpacks what [`pack`] wrote with the same schema.
pub fn unpack(bytes: &[u8], schema: &'static [Field]) -> Result<Value, PackError> {
    let mut reader = Reader::new(bytes);
    let value = read_map(&mut reader, schema)?;
    // One meaning, one encoding: only the packer's own output is accepted.
    reader.finish()?;
    Ok(value)
}

fn write_map(w: &mut Writer, value: &Value, schema: &'static [Field]) -> Result<(), PackError> {
    let Value::Map(entries) = value else {
        return Err(PackError::Schema("a map was expected"));
    };
    let key_of = |k: &Value| k.as_integer().and_then(|i| i64::try_from(i).ok());
    if entries
        .iter()
        .any(|(k, _)| !schema.iter().any(|f| key_of(k) == Some(f.key)))
    {
        return Err(PackError::Schema("a key the schema does not have"));
    }
    for field in schema {
        let found = entries.iter().find(|(k, _)| key_of(k) == Some(field.key));
        match (found, field.required) {
            (None, true) => return Err(PackError::Schema("a required field is missing")),
            (None, false) => w.flag(false),
            (Some((_, v)), required) => {
                if !required {
                    w.flag(true);
                }
                write_value(w, v, &field.kind)?;
            }
        }
    }
    Ok(())
}

fn write_value(w: &mut Writer, value: &Value, kind: &'static Kind) -> Result<(), PackError> {
    let wrong = || PackError::Schema("a value of the wrong type");
    match (kind, value) {
        (Kind::Text, Value::Text(t)) => w.text(t)?,
        (Kind::Uint, Value::Integer(i)) => w.uint(u64::try_from(*i).map_err(|_| wrong())?),
        (Kind::Int, Value::Integer(i)) => {
            let i = i64::try_from(*i).map_err(|_| wrong())?;
            w.uint(((i << 1) ^ (i >> 63)) as u64);
        }
        (Kind::True, Value::Bool(true)) => {}
        (Kind::List(item), Value::Array(items)) => {
            w.count(items.len())?;
            for v in items {
                write_value(w, v, item)?;
            }
        }
        (Kind::Map(fields), v @ Value::Map(_)) => write_map(w, v, fields)?,
        _ => return Err(wrong()),
    }
    Ok(())
}

fn read_map(r: &mut Reader, schema: &'static [Field]) -> Result<Value, PackError> {
    let mut entries = Vec::new();
    for field in schema {
        if field.required || r.flag() {
            entries.push((Value::from(field.key), read_value(r, &field.kind)?));
        }
    }
    Ok(Value::Map(entries))
}

fn read_value(r: &mut Reader, kind: &'static Kind) -> Result<Value, PackError> {
    Ok(match kind {
        Kind::Text => Value::Text(r.text()?),
        Kind::Uint => Value::from(r.uint()?),
        Kind::Int => {
            let z = r.uint()?;
            Value::from((z >> 1) as i64 ^ -((z & 1) as i64))
        }
        Kind::True => Value::Bool(true),
        Kind::List(item) => Value::Array(
            (0..r.count()?)
                .map(|_| read_value(r, item))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Map(fields) => read_map(r, fields)?,
    })
}

#[cfg(test)]
#[path = "packed_tests.rs"]
mod tests;
