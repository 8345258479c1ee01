//! QR symbols for help cards.
//!
//! - [`symbol()`](fn@symbol), [`min_version`]: the smallest version for a card's QR text at an error-correction level, and the
//!   rule every issued card follows ([`card_symbol`]: the smallest version at M, then the highest
//!   level that still fits it);
//! - [`Symbol`] rendering: a grayscale matrix, PNG (feature `png`) and SVG at true size, each with
//!   the quiet zone ISO/IEC 18004 requires;
//! - [`read`](fn@read): every code in a grayscale image, as text: our own grid reader, built for
//!   codes at the edge of a camera's reach, then engines chosen by benchmark (features `rxing`
//!   and `rqrr`), each call panic-isolated, every engine's characters decided by one rule
//!   (`charset`: Japanese codes' Shift_JIS reads as Japanese); [`find_card_text`] picks the
//!   help-card code among them;
//! - [`size::SizeReport`]: where an issued card's bytes go and which version each level needs.
//!
//! The format crate, `helpcard-core`, knows the QR *text* (`helpcard_core::qrtext`); this crate
//! turns that text into a symbol and back, so scanners that never draw a symbol and issuers that
//! never read one each take only the part they need.
//!
//! ```
//! use helpcard_qr::{Effort, LumaImage, card_symbol, find_card_text};
//!
//! let text = helpcard_core::qrtext::encode(helpcard_core::qrtext::DEFAULT_PREFIX, &[7; 40])?;
//! let symbol = card_symbol(&text)?;
//! let (side, pixels) = symbol.to_luma(3);
//! let image = LumaImage::new(side, side, &pixels)?;
//! assert_eq!(find_card_text(&image, Effort::Fast)?, Some(text));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod charset;
mod encode;
#[cfg(feature = "image-files")]
mod file;
mod grid;
mod layout;
mod read;
mod reed_solomon;
mod render;
pub mod size;
mod symbol;

#[cfg(feature = "image-files")]
pub use file::{ImageFileError, LumaFrame, decode_luma};
pub use read::{
    Effort, LumaImage, MAX_PIXELS, MAX_SIDE, Pass, ReadError, find_card_text,
    hide_engine_panic_messages, read, read_with,
};
pub use render::QUIET_ZONE;
pub use symbol::{EcLevel, QrError, Symbol, best_ec_level, card_symbol, min_version, symbol};
