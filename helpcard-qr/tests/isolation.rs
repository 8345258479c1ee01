//! An engine panic found by the `qr_read` fuzz target (rqrr 0.11: "rotated perspective can't
//! fail", `identify/grid.rs`) stays inside the reader: `read` returns, and the panic is one the
//! reader caught. On wasm32 such a panic would abort the page, which is why the browser build
//! leaves rqrr out (`default-features = false, features = ["rxing", "wasm"]`).
//!
//! The input is the fuzz target's form: a width byte (width - 1), then the pixels.
#![cfg(feature = "rqrr")]
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use helpcard_qr::{Effort, LumaImage, read};

#[test]
fn an_rqrr_panic_is_caught_and_the_image_reads_as_empty() {
    let data = include_bytes!("data/rqrr-panic.bin");
    let width = usize::from(data[0] % 128) + 1;
    let height = (data.len() - 1) / width;
    let image = LumaImage::new(width, height, &data[1..1 + width * height]).unwrap();

    let engine_panics = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&engine_panics);
    std::panic::set_hook(Box::new(move |info| {
        if info.location().is_some_and(|l| l.file().contains("/rqrr-")) {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }));
    let found = read(&image, Effort::Thorough);
    let _ = std::panic::take_hook();
    assert!(found.is_ok(), "{found:?}");
    assert!(
        engine_panics.load(Ordering::SeqCst) > 0,
        "the input no longer makes rqrr panic: the test would prove nothing"
    );
}
