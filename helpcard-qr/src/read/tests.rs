use helpcard_core::qrtext;

use super::*;
use crate::{EcLevel, symbol};

#[test]
fn thorough_reads_every_code_and_fast_the_first() {
    let texts: Vec<String> = [[1u8; 60], [2u8; 60]]
        .iter()
        .map(|p| qrtext::encode(qrtext::DEFAULT_PREFIX, p).unwrap())
        .collect();
    let symbols: Vec<(usize, Vec<u8>)> = texts
        .iter()
        .map(|t| symbol(t, EcLevel::M).unwrap().to_luma(4))
        .collect();
    // Side by side on one white image.
    let side = symbols[0].0;
    let (w, h) = (side * 2 + 40, side + 40);
    let mut px = vec![255u8; w * h];
    for (i, (s, pixels)) in symbols.iter().enumerate() {
        for y in 0..*s {
            let row = &pixels[y * s..(y + 1) * s];
            let at = (y + 20) * w + 20 + i * side;
            px[at..at + s].copy_from_slice(row);
        }
    }
    let image = LumaImage::new(w, h, &px).unwrap();
    let mut all = read(&image, Effort::Thorough).unwrap();
    all.sort();
    assert_eq!(all, texts);
    let first = read(&image, Effort::Fast).unwrap();
    assert_eq!(first.len(), 1);
    assert!(texts.contains(&first[0]));
}

#[cfg(feature = "png")]
#[test]
fn rendered_symbols_read_back() {
    let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &[0xab; 300]).unwrap();
    let s = symbol(&text, EcLevel::M).unwrap();
    let (side, px) = s.to_luma(3);
    assert_eq!(side, (s.width + 8) * 3);
    let found = read(&LumaImage::new(side, side, &px).unwrap(), Effort::Fast).unwrap();
    assert_eq!(found, vec![text.clone()]);
    // PNG: decode with the png crate and read again.
    let png_bytes = s.to_png(2, Some(600));
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.width as usize, (s.width + 8) * 2);
    let found = read(
        &LumaImage::new(info.width as usize, info.height as usize, &buf).unwrap(),
        Effort::Fast,
    )
    .unwrap();
    assert_eq!(found, vec![text.clone()]);
    let svg = s.to_svg(0.33);
    assert!(svg.contains(&format!("viewBox=\"0 0 {0} {0}\"", s.width + 8)));
    assert!(svg.contains(&format!("width=\"{:.3}mm\"", (s.width + 8) as f64 * 0.33)));
}

#[test]
fn reader_rejects_bad_images_and_survives_noise() {
    assert_eq!(LumaImage::new(0, 5, &[]).unwrap_err(), ReadError::Empty);
    assert!(matches!(
        LumaImage::new(3, 3, &[0; 8]),
        Err(ReadError::BadLength { .. })
    ));
    assert!(matches!(
        LumaImage::new(20_000, 1, &[]),
        Err(ReadError::TooLarge { .. })
    ));
    let mut x = 1u32;
    let noise: Vec<u8> = (0..200 * 150)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect();
    assert_eq!(
        read(&LumaImage::new(200, 150, &noise).unwrap(), Effort::Thorough).unwrap(),
        Vec::<String>::new()
    );
    let tiny = [0u8; 1];
    assert_eq!(
        read(&LumaImage::new(1, 1, &tiny).unwrap(), Effort::Thorough).unwrap(),
        Vec::<String>::new()
    );
}

/// A version-5 symbol whose data is one byte segment holding `payload` (no ECI), 4 pixels a
/// module.
fn byte_segment_symbol(payload: &[u8], level: EcLevel) -> (usize, Vec<u8>) {
    let version = qrcode::Version::Normal(5);
    let mut bits = qrcode::bits::Bits::new(version);
    bits.push_byte_data(payload).unwrap();
    bits.push_terminator(level.into()).unwrap();
    let code = qrcode::QrCode::with_bits(bits, level.into()).unwrap();
    let symbol = crate::Symbol {
        version: 5,
        ec_level: level,
        width: code.width(),
        modules: code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect(),
    };
    symbol.to_luma(4)
}

/// A code whose byte segment is Shift_JIS without an ECI, as most Japanese codes are (the
/// photos qrcode-2/10 and 17–27 carry such text): every engine's text is the same Japanese.
#[test]
fn shift_jis_bytes_without_an_eci_read_as_japanese_whichever_engine_reads_them() {
    // "Google モバイル\r\nhttp://google.jp" in Shift_JIS, as qrcode-2/10 holds it.
    let sjis = b"Google \x83\x82\x83o\x83C\x83\x8b\r\nhttp://google.jp";
    let (side, px) = byte_segment_symbol(sjis, EcLevel::M);
    let image = LumaImage::new(side, side, &px).unwrap();
    let want = "Google モバイル\r\nhttp://google.jp";
    assert_eq!(read(&image, Effort::Thorough).unwrap(), [want]);
    let mut passes = vec![Pass::Grid(false)];
    #[cfg(feature = "rxing")]
    passes.extend([Pass::RxingCpp(false), Pass::Rxing(false)]);
    #[cfg(feature = "rqrr")]
    passes.push(Pass::Rqrr);
    for pass in passes {
        assert_eq!(read_with(&image, &[pass]).unwrap(), [want], "{pass:?}");
    }
    // One half-width katakana between letters: zxing's Java heuristic (which rxing's own
    // decoders follow) calls it ISO-8859-1 ("xÀy"); the one rule here says Shift_JIS, as
    // zxing-cpp does, for every engine.
    for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
        let (side, px) = byte_segment_symbol(b"x\xc0y", level);
        let image = LumaImage::new(side, side, &px).unwrap();
        let mut passes = vec![Pass::Grid(false)];
        #[cfg(feature = "rxing")]
        passes.extend([Pass::RxingCpp(false), Pass::Rxing(false)]);
        #[cfg(feature = "rqrr")]
        passes.push(Pass::Rqrr);
        for pass in &passes {
            let text = read_with(&image, &[*pass]).unwrap();
            assert_eq!(text, ["xﾀy"], "{pass:?} {level:?}");
        }
    }
    // UTF-8 bytes stay UTF-8; bytes that are neither read as ISO-8859-1.
    for (bytes, want) in [
        ("ヘルプカード".as_bytes(), "ヘルプカード"),
        (&b"caf\xe9"[..], "café"),
    ] {
        let (side, px) = byte_segment_symbol(bytes, EcLevel::M);
        let found = read(&LumaImage::new(side, side, &px).unwrap(), Effort::Thorough).unwrap();
        assert_eq!(found, [want]);
    }
}
