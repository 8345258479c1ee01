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

impl From<EcLevel> for qrcode::EcLevel {
    fn from(level: EcLevel) -> qrcode::EcLevel {
        match level {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        }
    }
}

/// The `qrcode` crate's symbol for the same segments (what `symbol` returned before it wrote
/// its own): the oracle for the writer.
fn qrcode_symbol(text: &str, version: u8, level: EcLevel) -> Option<Vec<bool>> {
    use qrcode::bits::Bits as QBits;
    let ec = qrcode::EcLevel::from(level);
    let seg = qrtext::segments(text)?;
    let attempt = |alnum: bool| -> Option<QBits> {
        let mut b = QBits::new(qrcode::Version::Normal(i16::from(version)));
        if alnum {
            if !seg.prefix.is_empty() {
                b.push_alphanumeric_data(seg.prefix.as_bytes()).ok()?;
            }
            b.push_byte_data(seg.separator.as_bytes()).ok()?;
        } else {
            b.push_byte_data(&text.as_bytes()[..seg.prefix.len() + 1])
                .ok()?;
        }
        b.push_numeric_data(seg.digits.as_bytes()).ok()?;
        b.push_terminator(ec).ok()?;
        Some(b)
    };
    let alnum_ok = seg.prefix.bytes().all(|c| ALPHANUMERIC.contains(&c));
    // As `symbol` chose before: the shorter by `len`, which counts the padding, so the first
    // that fits.
    let bits = [alnum_ok.then(|| attempt(true)).flatten(), attempt(false)]
        .into_iter()
        .flatten()
        .min_by_key(QBits::len)?;
    let code = qrcode::QrCode::with_bits(bits, ec).ok()?;
    Some(
        code.to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect(),
    )
}

/// Module for module the symbols `qrcode` wrote, across versions 1–40, every level, upper-case
/// (alphanumeric) and lower-case (byte) prefixes and every payload length class.
#[test]
fn the_writer_gives_qrcodes_symbols_module_for_module() {
    let mut seed = 11u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let mut versions = std::collections::BTreeSet::new();
    for i in 0..100 {
        let len = 1 + next() % 1200;
        let payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let prefix = [
            "HTTPS://HELPCARD.EXAMPLE/S/",
            "https://kiosk.test/s/",
            "",
            "P",
        ][i % 4];
        let Ok(text) = qrtext::encode(prefix, &payload) else {
            continue;
        };
        for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            let Ok(ours) = symbol(&text, level) else {
                continue;
            };
            versions.insert(ours.version);
            let theirs = qrcode_symbol(&text, ours.version, level).unwrap();
            assert!(
                ours.modules == theirs,
                "version {} {level:?}, {len} bytes, prefix {prefix:?}",
                ours.version
            );
            // And no smaller version holds it for qrcode either.
            if ours.version > 1 {
                assert!(qrcode_symbol(&text, ours.version - 1, level).is_none());
            }
        }
    }
    assert!(versions.len() >= 30, "versions covered: {versions:?}");
}
