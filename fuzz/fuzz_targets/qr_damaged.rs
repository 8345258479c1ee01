#![no_main]
//! The grid reader on real symbols with damaged modules: random images seldom hold three
//! finder patterns, so `qr_read` rarely reaches the reader's later stages (format and version
//! information, codeword extraction, Reed–Solomon, segments). Here a card-like symbol is drawn
//! at 2 pixels per module and the input flips modules and shifts grey levels: the reader must
//! return the payload or nothing, never panic, never something else.
//!
//! Input: one byte choosing the payload length (and so the version), then pairs of bytes, each
//! a module to flip (row, column, modulo the symbol's side).

use helpcard_qr::{EcLevel, Effort, LumaImage, read, symbol};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&len, flips)) = data.split_first() else {
        return;
    };
    let text = format!("HTTPS://H.EXAMPLE/S/#{}", "7".repeat(usize::from(len) * 2));
    let Ok(symbol) = symbol(&text, EcLevel::M) else {
        return;
    };
    let (side, mut pixels) = symbol.to_luma(2);
    let modules = side / 2;
    for pair in flips.chunks_exact(2).take(400) {
        let (r, c) = (usize::from(pair[0]) % modules, usize::from(pair[1]) % modules);
        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let p = &mut pixels[(2 * r + dy) * side + 2 * c + dx];
            *p = 255 - *p;
        }
    }
    let image = LumaImage::new(side, side, &pixels).expect("a symbol's size is within the limits");
    for code in read(&image, Effort::Fast).expect("a valid image") {
        assert_eq!(code, text, "the reader returned another payload");
    }
});
