//! Properties of the reader: no image makes it fail or panic, and every card symbol it renders
//! reads back to the same text.
#![allow(clippy::unwrap_used)]

use helpcard_core::qrtext;
use helpcard_qr::{Effort, LumaImage, card_symbol, find_card_text, read};
use proptest::prelude::*;

/// xorshift noise, or blocks of it (the shapes a decoder's finder-pattern search trips on).
fn pixels(w: usize, h: usize, seed: u64, block: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut noise = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 56) as u8
    };
    let cells: Vec<u8> = (0..w.div_ceil(block) * h.div_ceil(block))
        .map(|_| noise())
        .collect();
    let per_row = w.div_ceil(block);
    (0..w * h)
        .map(|i| {
            let (px, py) = (i % w, i / w);
            let v = cells[(py / block) * per_row + px / block];
            if block > 1 {
                if v > 127 { 255 } else { 0 }
            } else {
                v
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_images_never_fail(w in 1usize..90, h in 1usize..90, seed in any::<u64>(), block in 1usize..6) {
        let px = pixels(w, h, seed, block);
        let image = LumaImage::new(w, h, &px).unwrap();
        prop_assert!(read(&image, Effort::Thorough).is_ok());
        prop_assert!(read(&image, Effort::Fast).is_ok());
    }

    #[test]
    fn card_symbols_read_back(payload in proptest::collection::vec(any::<u8>(), 1..300), ppm in 2usize..5) {
        let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &payload).unwrap();
        let (side, px) = card_symbol(&text).unwrap().to_luma(ppm);
        let image = LumaImage::new(side, side, &px).unwrap();
        prop_assert_eq!(find_card_text(&image, Effort::Fast).unwrap(), Some(text));
    }
}
