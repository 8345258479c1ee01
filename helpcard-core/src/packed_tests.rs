use ciborium::Value;

use super::*;
use crate::cbor::{self, int_map};
use crate::profile::{PRIVATE_SCHEMA, PUBLIC_SCHEMA};

fn sample() -> Value {
    int_map(vec![
        (1, Value::Text("佐藤 健太".into())),
        (3, Value::from(-14804)),
        (5, Value::Array(vec![Value::from(5), Value::from(300)])),
        (
            14,
            Value::Array(vec![int_map(vec![
                (1, Value::Text("佐藤 由美".into())),
                (2, Value::from(1)),
                (3, Value::Text("090-1111-2222".into())),
                (4, Value::Bool(true)),
            ])]),
        ),
    ])
}

#[test]
fn packing_round_trips_to_the_same_cbor() {
    let packed = pack(&sample(), PRIVATE_SCHEMA).unwrap();
    let value = unpack(&packed, PRIVATE_SCHEMA).unwrap();
    assert_eq!(value, sample());
    assert_eq!(cbor::encode(&value), cbor::encode(&sample()));
    assert!(
        packed.len() * 3 < cbor::encode(&sample()).len() * 2,
        "{} bytes of {}",
        packed.len(),
        cbor::encode(&sample()).len()
    );
}

#[test]
fn an_empty_public_part_is_two_flags() {
    let empty = Value::Map(vec![]);
    let packed = pack(&empty, PUBLIC_SCHEMA).unwrap();
    assert_eq!(packed.len(), 1);
    assert_eq!(unpack(&packed, PUBLIC_SCHEMA).unwrap(), empty);
}

#[test]
fn values_outside_the_schema_are_refused() {
    for bad in [
        int_map(vec![(99, Value::from(1))]),
        int_map(vec![(2, Value::Text("kana only".into()))]),
        int_map(vec![(1, Value::from(1))]),
        int_map(vec![(1, Value::Text("x".into())), (3, Value::Float(1.0))]),
        Value::Array(vec![]),
    ] {
        assert!(
            matches!(pack(&bad, PRIVATE_SCHEMA), Err(PackError::Schema(_))),
            "{bad:?}"
        );
    }
    let many = Value::Array(vec![Value::from(1); crate::text::MAX_COUNT + 1]);
    assert_eq!(
        pack(&int_map(vec![(1, many)]), PUBLIC_SCHEMA),
        Err(PackError::Text(TextError::TooLong(
            crate::text::MAX_COUNT + 1
        )))
    );
}

#[test]
fn only_the_packers_own_output_is_accepted() {
    let packed = pack(&sample(), PRIVATE_SCHEMA).unwrap();
    let mut extra = packed.clone();
    extra.push(0);
    assert_eq!(
        unpack(&extra, PRIVATE_SCHEMA),
        Err(PackError::Text(TextError::Malformed))
    );
    for n in 0..packed.len() {
        if let Ok(v) = unpack(&packed[..n], PRIVATE_SCHEMA) {
            assert_ne!(v, sample(), "cut to {n} bytes");
        }
    }
}
