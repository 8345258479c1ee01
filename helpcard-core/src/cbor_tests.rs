use super::*;

#[test]
fn accepts_deterministic_items() {
    let v = int_map(vec![
        (2, Value::from("b")),
        (1, Value::from(-1)),
        (-1, Value::Bytes(vec![0; 3])),
    ]);
    let bytes = encode(&v);
    assert_eq!(bytes[1], 0x01, "key 1 sorts first");
    assert_eq!(decode_strict(&bytes), Ok(v));
}

#[test]
fn rejects_trailing_bytes() {
    assert_eq!(decode_strict(&[0x01, 0x00]), Err(CborError::TrailingBytes));
}

#[test]
fn rejects_truncated_and_garbage() {
    assert_eq!(decode_strict(&[0x82, 0x01]), Err(CborError::Malformed));
    assert_eq!(decode_strict(&[]), Err(CborError::Malformed));
    assert_eq!(decode_strict(&[0xff]), Err(CborError::Malformed));
}

#[test]
fn rejects_long_form_integers_and_indefinite_lengths() {
    // 1 encoded in two bytes.
    assert_eq!(decode_strict(&[0x18, 0x01]), Err(CborError::NonCanonical));
    // Indefinite-length array [1].
    assert_eq!(
        decode_strict(&[0x9f, 0x01, 0xff]),
        Err(CborError::NonCanonical)
    );
}

#[test]
fn rejects_duplicate_and_unsorted_keys() {
    assert_eq!(
        decode_strict(&[0xa2, 0x01, 0x00, 0x01, 0x00]),
        Err(CborError::DuplicateKey)
    );
    assert_eq!(
        decode_strict(&[0xa2, 0x02, 0x00, 0x01, 0x00]),
        Err(CborError::NonCanonical)
    );
    // Unsorted with a duplicate further on is reported as a duplicate.
    assert_eq!(
        decode_strict(&[0xa3, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00]),
        Err(CborError::DuplicateKey)
    );
    // Nested maps are checked too.
    assert_eq!(
        decode_strict(&[0x81, 0xa2, 0x01, 0x00, 0x01, 0x00]),
        Err(CborError::DuplicateKey)
    );
}

#[test]
fn rejects_deep_nesting() {
    let deep = vec![0x81; 100]
        .into_iter()
        .chain([0x00])
        .collect::<Vec<u8>>();
    assert_eq!(decode_strict(&deep), Err(CborError::Malformed));
}
