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
    let want: Vec<Vec<u8>> = texts.iter().map(|t| t.as_bytes().to_vec()).collect();
    assert_eq!(all, want);
    let first = read(&image, Effort::Fast).unwrap();
    assert_eq!(first.len(), 1);
    assert!(want.contains(&first[0]));
}

#[cfg(feature = "png")]
#[test]
fn rendered_symbols_read_back() {
    let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &[0xab; 300]).unwrap();
    let s = symbol(&text, EcLevel::M).unwrap();
    let (side, px) = s.to_luma(3);
    assert_eq!(side, (s.width + 8) * 3);
    let found = read(&LumaImage::new(side, side, &px).unwrap(), Effort::Fast).unwrap();
    assert_eq!(found, vec![text.as_bytes().to_vec()]);
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
    assert_eq!(found, vec![text.as_bytes().to_vec()]);
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
        Vec::<Vec<u8>>::new()
    );
    let tiny = [0u8; 1];
    assert_eq!(
        read(&LumaImage::new(1, 1, &tiny).unwrap(), Effort::Thorough).unwrap(),
        Vec::<Vec<u8>>::new()
    );
}
