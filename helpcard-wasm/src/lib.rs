//! The browser scanner's Rust half: every byte of a card is parsed, verified and decrypted here;
//! the JavaScript in `www/` only moves camera frames, DOM, storage, WebAuthn and fetch.
//!
//! The crate builds into two modules (`build.sh`), each with only what its page needs:
//!
//! - [`Scanner`] (feature `view`, the page's module): the pinned root, the trust list, revocation lists (signature-checked, rollback
//!   refused, floors the page keeps in IndexedDB), opening a card to its
//!   [`helpcard_core::view::CardView`] JSON, and decrypting the private part with the content key
//!   the key service returned. No responder key ever reaches the browser.
//! - `read_qr_rgba` and `read_qr` (feature `reader`, the camera worker's module): the
//!   help-card text in an RGBA or grayscale camera frame (the reader's fast path: our own grid
//!   reader, without rxing or rqrr). The worker hands the text to the page, which opens it, so
//!   this module carries no card format, text model or crypto; a passer-by arriving from a phone
//!   camera never downloads it.
//!
//! A panic aborts the module on wasm32 (there is no unwinding): the reader is built from our own
//! grid reader alone, which the `qr_read` fuzz target exercises, and the worker re-instantiates
//! the module if one ever happens.

#[cfg(feature = "view")]
mod scanner;
#[cfg(feature = "view")]
pub use scanner::{Scanner, labels, reasons, refusal_words};

/// The help-card text in a grayscale frame (`width × height` luma bytes), or `undefined`.
#[cfg(feature = "reader")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn read_qr(width: u32, height: u32, luma: &[u8]) -> Option<String> {
    let image = helpcard_qr::LumaImage::new(width as usize, height as usize, luma).ok()?;
    helpcard_qr::find_card_text(&image, helpcard_qr::Effort::Fast)
        .ok()
        .flatten()
}

/// The help-card text in an RGBA frame (a canvas's `ImageData`), or `undefined`. The luma
/// conversion happens here: in WASM it costs a fraction of what a JavaScript loop does.
#[cfg(feature = "reader")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn read_qr_rgba(width: u32, height: u32, rgba: &[u8]) -> Option<String> {
    // ITU-R BT.601 luma with integer weights.
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8)
        .collect();
    read_qr(width, height, &luma)
}
