#![no_main]
//! The QR reader on arbitrary small images: it must return, never panic. libFuzzer's panic hook
//! aborts on every panic, including those the reader catches around each engine call, so this
//! target also finds engine panics that the reader's isolation hides on native builds but that
//! would abort the page on wasm32 (where nothing unwinds).
//!
//! Input: one byte of width (1–128), then the pixels row by row; a partial last row is dropped.

use helpcard_qr::{Effort, LumaImage, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&w, pixels)) = data.split_first() else {
        return;
    };
    let width = usize::from(w % 128) + 1;
    let height = (pixels.len() / width).min(128);
    if height == 0 {
        return;
    }
    let pixels = &pixels[..width * height];
    let image = LumaImage::new(width, height, pixels).expect("dimensions within the limits");
    let _ = read(&image, Effort::Fast);
    let _ = read(&image, Effort::Thorough);
});
