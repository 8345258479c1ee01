use ciborium::Value;

use super::*;
use crate::cbor::int_map;

fn sample() -> Value {
    int_map(vec![
        (1, Value::Text("佐藤 健太".into())),
        (3, Value::from(14804)),
        (
            14,
            Value::Array(vec![int_map(vec![
                (1, Value::Text("佐藤 由美".into())),
                (3, Value::Text("090-1111-2222".into())),
            ])]),
        ),
    ])
}

#[test]
fn packing_round_trips_and_keeps_the_structure_in_cbor() {
    let packed = pack(&sample()).unwrap();
    assert_eq!(unpack(&packed).unwrap(), sample());
    let (structure, stream) = cbor::decode_strict_prefix(&packed).unwrap();
    assert_eq!(
        structure,
        int_map(vec![
            (1, Value::Text(String::new())),
            (3, Value::from(14804)),
            (
                14,
                Value::Array(vec![int_map(vec![
                    (1, Value::Text(String::new())),
                    (3, Value::Text(String::new())),
                ])])
            ),
        ])
    );
    assert_eq!(
        text::decode(stream, 3).unwrap(),
        ["佐藤 健太", "佐藤 由美", "090-1111-2222"]
    );
}

#[test]
fn a_part_without_texts_is_just_its_cbor() {
    let value = int_map(vec![(1, Value::Array(vec![Value::from(3)]))]);
    assert_eq!(pack(&value).unwrap(), cbor::encode(&value));
    assert_eq!(unpack(&cbor::encode(&value)).unwrap(), value);
}

#[test]
fn texts_left_in_the_structure_are_refused() {
    // Plain CBOR with its texts inline is the v1 layout, not a packed part.
    let plain = cbor::encode(&sample());
    assert!(matches!(unpack(&plain), Err(UnpackError::Structure(_))));
}

#[test]
fn damage_is_an_error() {
    let packed = pack(&sample()).unwrap();
    assert!(matches!(
        unpack(&packed[..3]),
        Err(UnpackError::Structure(_))
    ));
    let mut extra = packed.clone();
    extra.push(0);
    assert_eq!(unpack(&extra), Err(UnpackError::Text(TextError::Malformed)));
}
