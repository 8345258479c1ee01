//! The profile's CBOR layout on the card.
//!
//! Maps with small integer keys (one byte each), vocabulary codes as integers, dates as days
//! since 1970-01-01, empty fields omitted. Unknown keys are rejected: a new field means a new
//! format version, while a new vocabulary code does not.
//!
//! ```text
//! public  = { ? 1: [+ help], ? 2: message }
//! private = { 1: name, ? 2: kana, ? 3: birth-days, ? 4: blood, ? 5: [+ condition],
//!             ? 6: [+ support], ? 7: how-to-help, ? 8: avoid, ? 9: [+ medication],
//!             ? 10: [* allergy], ? 11: [+ medical-care], ? 12: medical-care-notes,
//!             ? 13: place, ? 14: [+ contact], ? 15: place, ? 16: notes, ? 17: language }
//! place   = { 1: name, ? 2: phone }
//! contact = { 1: name, ? 2: relation, 3: phone, ? 4: true }
//! ```

use ciborium::Value;

use crate::packed::{Field, Kind};

use super::{
    BloodType, CardLang, ConditionCode, Contact, HelpCode, MedicalCareCode, Place, PrivatePart,
    PublicPart, RelationCode,
};
use crate::cbor::{self, CborError, int_map};
use crate::date::Date;

type Fields = Vec<(i64, Value)>;

const fn required(key: i64, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: true,
    }
}

const fn optional(key: i64, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: false,
    }
}

/// The public part's layout, for [`crate::packed`].
pub const PUBLIC_SCHEMA: &[Field] = &[
    optional(1, Kind::List(&Kind::Uint)),
    optional(2, Kind::Text),
];

const PLACE: &[Field] = &[required(1, Kind::Text), optional(2, Kind::Text)];

const CONTACT: &[Field] = &[
    required(1, Kind::Text),
    optional(2, Kind::Uint),
    required(3, Kind::Text),
    optional(4, Kind::True),
];

/// The private part's layout, for [`crate::packed`].
pub const PRIVATE_SCHEMA: &[Field] = &[
    required(1, Kind::Text),
    optional(2, Kind::Text),
    optional(3, Kind::Int),
    optional(4, Kind::Uint),
    optional(5, Kind::List(&Kind::Uint)),
    optional(6, Kind::List(&Kind::Uint)),
    optional(7, Kind::Text),
    optional(8, Kind::Text),
    optional(9, Kind::List(&Kind::Text)),
    optional(10, Kind::List(&Kind::Text)),
    optional(11, Kind::List(&Kind::Uint)),
    optional(12, Kind::Text),
    optional(13, Kind::Map(PLACE)),
    optional(14, Kind::List(&Kind::Map(CONTACT))),
    optional(15, Kind::Map(PLACE)),
    optional(16, Kind::Text),
    optional(17, Kind::Uint),
];

fn put_text(m: &mut Fields, key: i64, s: &str) {
    if !s.is_empty() {
        m.push((key, Value::Text(s.to_owned())));
    }
}

fn put_codes(m: &mut Fields, key: i64, codes: impl ExactSizeIterator<Item = u16>) {
    if codes.len() > 0 {
        m.push((key, Value::Array(codes.map(Value::from).collect())));
    }
}

fn texts(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::Text(s.clone())).collect())
}

pub(super) fn public_to_cbor(p: &PublicPart) -> Value {
    let mut m = Fields::new();
    put_codes(&mut m, 1, p.help.iter().map(|c| c.0));
    put_text(&mut m, 2, &p.message);
    int_map(m)
}

pub(super) fn private_to_cbor(p: &PrivatePart) -> Value {
    let mut m = Fields::new();
    m.push((1, Value::Text(p.name.clone())));
    put_text(&mut m, 2, &p.name_kana);
    if let Some(d) = p.birth_date {
        m.push((3, Value::from(d.days())));
    }
    if let Some(b) = p.blood_type {
        m.push((4, Value::from(b.code())));
    }
    put_codes(&mut m, 5, p.conditions.iter().map(|c| c.0));
    put_codes(&mut m, 6, p.support.iter().map(|c| c.0));
    put_text(&mut m, 7, &p.how_to_help);
    put_text(&mut m, 8, &p.avoid);
    if !p.medications.is_empty() {
        m.push((9, texts(&p.medications)));
    }
    if let Some(a) = &p.allergies {
        m.push((10, texts(a)));
    }
    put_codes(&mut m, 11, p.medical_care.iter().map(|c| c.0));
    put_text(&mut m, 12, &p.medical_care_notes);
    if let Some(h) = &p.hospital {
        m.push((13, place_to_cbor(h)));
    }
    if !p.contacts.is_empty() {
        m.push((
            14,
            Value::Array(p.contacts.iter().map(contact_to_cbor).collect()),
        ));
    }
    if let Some(o) = &p.support_office {
        m.push((15, place_to_cbor(o)));
    }
    put_text(&mut m, 16, &p.notes);
    if p.language != CardLang::Ja {
        m.push((17, Value::from(p.language as u8)));
    }
    int_map(m)
}

fn place_to_cbor(p: &Place) -> Value {
    let mut m = vec![(1, Value::Text(p.name.clone()))];
    put_text(&mut m, 2, &p.phone);
    int_map(m)
}

fn contact_to_cbor(c: &Contact) -> Value {
    let mut m = vec![
        (1, Value::Text(c.name.clone())),
        (3, Value::Text(c.phone.clone())),
    ];
    if let Some(r) = c.relation {
        m.push((2, Value::from(r.0)));
    }
    if c.sms_only {
        m.push((4, Value::Bool(true)));
    }
    int_map(m)
}

pub(super) fn public_from_cbor(value: Value) -> Result<PublicPart, CborError> {
    let mut p = PublicPart::default();
    for (k, v) in cbor::as_int_map(value, "public part")? {
        match k {
            1 => {
                p.help = nonempty(codes(v, "public.help")?, "public.help")?
                    .into_iter()
                    .map(HelpCode)
                    .collect()
            }
            2 => p.message = nonempty_text(v, "public.message")?,
            _ => return Err(CborError::Structure("unknown key in public part")),
        }
    }
    Ok(p)
}

pub(super) fn private_from_cbor(value: Value) -> Result<PrivatePart, CborError> {
    let mut p = PrivatePart::default();
    let mut has_name = false;
    for (k, v) in cbor::as_int_map(value, "private part")? {
        match k {
            1 => {
                p.name = cbor::text(v, "private.name")?;
                has_name = true;
            }
            2 => p.name_kana = nonempty_text(v, "private.name_kana")?,
            3 => {
                let days = i32::try_from(cbor::int(&v, "private.birth_date")?)
                    .map_err(|_| CborError::Structure("private.birth_date"))?;
                p.birth_date = Some(Date::from_days(days));
            }
            4 => {
                p.blood_type = Some(
                    BloodType::from_code(cbor::uint(&v, "private.blood_type")?)
                        .ok_or(CborError::Structure("private.blood_type"))?,
                )
            }
            5 => {
                p.conditions = nonempty(codes(v, "private.conditions")?, "private.conditions")?
                    .into_iter()
                    .map(ConditionCode)
                    .collect()
            }
            6 => {
                p.support = nonempty(codes(v, "private.support")?, "private.support")?
                    .into_iter()
                    .map(HelpCode)
                    .collect()
            }
            7 => p.how_to_help = nonempty_text(v, "private.how_to_help")?,
            8 => p.avoid = nonempty_text(v, "private.avoid")?,
            9 => {
                p.medications =
                    nonempty(text_list(v, "private.medications")?, "private.medications")?
            }
            10 => p.allergies = Some(text_list(v, "private.allergies")?),
            11 => {
                p.medical_care =
                    nonempty(codes(v, "private.medical_care")?, "private.medical_care")?
                        .into_iter()
                        .map(MedicalCareCode)
                        .collect()
            }
            12 => p.medical_care_notes = nonempty_text(v, "private.medical_care_notes")?,
            13 => p.hospital = Some(place_from_cbor(v, "private.hospital")?),
            14 => {
                let items = nonempty(cbor::array(v, "private.contacts")?, "private.contacts")?;
                p.contacts = items
                    .into_iter()
                    .map(contact_from_cbor)
                    .collect::<Result<_, _>>()?;
            }
            15 => p.support_office = Some(place_from_cbor(v, "private.support_office")?),
            16 => p.notes = nonempty_text(v, "private.notes")?,
            17 => {
                p.language = match cbor::uint(&v, "private.language")? {
                    1 => CardLang::En,
                    2 => CardLang::EasyJa,
                    // 0 is the default and therefore never written.
                    _ => return Err(CborError::Structure("private.language")),
                }
            }
            _ => return Err(CborError::Structure("unknown key in private part")),
        }
    }
    if !has_name {
        return Err(CborError::Structure("private.name missing"));
    }
    Ok(p)
}

fn place_from_cbor(value: Value, what: &'static str) -> Result<Place, CborError> {
    let mut p = Place::default();
    let mut has_name = false;
    for (k, v) in cbor::as_int_map(value, what)? {
        match k {
            1 => {
                p.name = cbor::text(v, what)?;
                has_name = true;
            }
            2 => p.phone = nonempty_text(v, what)?,
            _ => return Err(CborError::Structure(what)),
        }
    }
    if has_name {
        Ok(p)
    } else {
        Err(CborError::Structure(what))
    }
}

fn contact_from_cbor(value: Value) -> Result<Contact, CborError> {
    const WHAT: &str = "private.contacts[]";
    let mut c = Contact::default();
    let (mut has_name, mut has_phone) = (false, false);
    for (k, v) in cbor::as_int_map(value, WHAT)? {
        match k {
            1 => {
                c.name = cbor::text(v, WHAT)?;
                has_name = true;
            }
            2 => c.relation = Some(RelationCode(code(&v, WHAT)?)),
            3 => {
                c.phone = cbor::text(v, WHAT)?;
                has_phone = true;
            }
            // `false` is the default and therefore never written.
            4 if v == Value::Bool(true) => c.sms_only = true,
            _ => return Err(CborError::Structure(WHAT)),
        }
    }
    if has_name && has_phone {
        Ok(c)
    } else {
        Err(CborError::Structure(WHAT))
    }
}

fn code(v: &Value, what: &'static str) -> Result<u16, CborError> {
    u16::try_from(cbor::uint(v, what)?)
        .ok()
        .filter(|c| *c > 0)
        .ok_or(CborError::Structure(what))
}

fn codes(v: Value, what: &'static str) -> Result<Vec<u16>, CborError> {
    cbor::array(v, what)?
        .iter()
        .map(|c| code(c, what))
        .collect()
}

fn text_list(v: Value, what: &'static str) -> Result<Vec<String>, CborError> {
    cbor::array(v, what)?
        .into_iter()
        .map(|s| cbor::text(s, what))
        .collect()
}

/// Empty values are never written, so reading one means a non-deterministic encoder.
fn nonempty_text(v: Value, what: &'static str) -> Result<String, CborError> {
    let s = cbor::text(v, what)?;
    if s.is_empty() {
        Err(CborError::NonCanonical)
    } else {
        Ok(s)
    }
}

fn nonempty<T>(v: Vec<T>, _what: &'static str) -> Result<Vec<T>, CborError> {
    if v.is_empty() {
        Err(CborError::NonCanonical)
    } else {
        Ok(v)
    }
}
