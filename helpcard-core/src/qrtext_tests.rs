use super::*;

#[test]
fn round_trips_every_length() {
    for len in 0..40 {
        let payload: Vec<u8> = (0..len).map(|i| (i * 37 + 255) as u8).collect();
        let text = encode("https://x.example/s", &payload).unwrap();
        assert!(text.starts_with("HTTPS://X.EXAMPLE/S#1"));
        assert_eq!(decode(&text), Ok(payload), "len {len}");
    }
}

#[test]
fn seven_bytes_make_seventeen_digits() {
    let text = encode("P", &[0xff; 7]).unwrap();
    assert_eq!(text, "P#172057594037927935");
    assert_eq!(encode("P", &[0, 1]).unwrap(), "P#100001");
    assert_eq!(encode("P", &[]).unwrap(), "P#1");
}

#[test]
fn accepts_any_prefix_in_any_case() {
    let payload = vec![1, 2, 3, 4, 5, 6, 7, 8];
    let text = encode("HTTPS://A/", &payload).unwrap();
    let fragment = text.split_once('#').unwrap().1;
    assert_eq!(
        decode(&format!("https://other.host/path#{fragment}")),
        Ok(payload.clone())
    );
    assert_eq!(decode(&format!("#{fragment}")), Ok(payload));
}

#[test]
fn rejects_malformed_text() {
    assert_eq!(decode("HTTPS://A/1234"), Err(QrTextError::MissingFragment));
    assert_eq!(decode("A#1"), Ok(vec![]));
    assert_eq!(decode("A#"), Err(QrTextError::BadDigitCount(0)));
    assert_eq!(decode("A#11"), Err(QrTextError::BadDigitCount(1)));
    assert_eq!(decode("A#1123a"), Err(QrTextError::NotDigits));
    assert_eq!(decode("A#2123"), Err(QrTextError::UnknownVersion(2)));
    assert_eq!(decode("A#1256"), Err(QrTextError::ChunkOutOfRange));
    assert_eq!(
        decode("A#199999999999999999"),
        Err(QrTextError::ChunkOutOfRange)
    );
    assert_eq!(encode("A#B", &[1]), Err(QrTextError::BadPrefix));
}

#[test]
fn splits_segments() {
    let s = segments("HTTPS://A/S#1000").unwrap();
    assert_eq!(
        (s.prefix, s.separator, s.digits),
        ("HTTPS://A/S", "#", "1000")
    );
}
