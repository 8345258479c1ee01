use helpcard_core::qrtext;

use super::*;

#[test]
fn versions_grow_with_payload_and_level() {
    let small = qrtext::encode(qrtext::DEFAULT_PREFIX, &[7; 20]).unwrap();
    let large = qrtext::encode(qrtext::DEFAULT_PREFIX, &[7; 400]).unwrap();
    let (s, l) = (
        min_version(&small, EcLevel::M).unwrap(),
        min_version(&large, EcLevel::M).unwrap(),
    );
    assert!(s < l, "{s} < {l}");
    assert!(min_version(&large, EcLevel::L).unwrap() <= l);
    assert!(min_version(&large, EcLevel::H).unwrap() > l);
    let huge = qrtext::encode("P", &[7; 3000]).unwrap();
    assert_eq!(min_version(&huge, EcLevel::M), Err(QrError::TooLong));
    assert_eq!(
        min_version("no fragment", EcLevel::M),
        Err(QrError::NotQrText)
    );
}

#[test]
fn symbol_has_the_version_width() {
    let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &[1, 2, 3]).unwrap();
    let s = symbol(&text, EcLevel::M).unwrap();
    assert_eq!(s.width, 17 + 4 * usize::from(s.version));
    assert_eq!(s.modules.len(), s.width * s.width);
    for n in [3, 100, 384] {
        let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &vec![7; n]).unwrap();
        let (v, ec) = best_ec_level(&text, EcLevel::M).unwrap();
        assert_eq!(v, min_version(&text, EcLevel::M).unwrap(), "{n} bytes");
        assert!(ec >= EcLevel::M);
        // The chosen level fits the version; the next one up does not.
        assert_eq!(min_version(&text, ec).unwrap(), v);
        for higher in [EcLevel::Q, EcLevel::H].into_iter().filter(|l| *l > ec) {
            assert!(
                min_version(&text, higher).unwrap() > v,
                "{n} bytes at {higher:?}"
            );
        }
    }
}

#[test]
fn lower_case_prefix_uses_byte_mode() {
    let lower = format!("https://x/#1{}", "0".repeat(30));
    assert!(min_version(&lower, EcLevel::M).is_ok());
}
