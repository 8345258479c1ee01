//! helpcard-core
#![forbid(unsafe_code)]

pub mod card;
pub mod cbor;
pub mod cose;
pub mod date;
pub mod error;
pub mod keys;
pub mod profile;
pub mod qr;
pub mod qrtext;
pub mod testing;
pub mod trust;
pub mod vocab;
