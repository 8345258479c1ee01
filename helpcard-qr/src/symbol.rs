//! Building a symbol from QR text with explicit segments (alphanumeric prefix, one byte-mode
//! `#`, numeric digits) at the smallest version for an error-correction level, and the rule for
//! a card's version and level.

use qrcode::bits::Bits;
use qrcode::{Color, QrCode, Version};

pub use qrcode::EcLevel;

use helpcard_core::qrtext;

/// Characters of QR alphanumeric mode.
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A QR symbol as a module matrix (no quiet zone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// QR version, 1–40.
    pub version: u8,
    /// Error-correction level.
    pub ec_level: EcLevel,
    /// Modules per side.
    pub width: usize,
    /// Row-major, `true` = dark.
    pub modules: Vec<bool>,
}

/// Why a symbol could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text is not QR text (no `#`).
    #[error("not help-card QR text")]
    NotQrText,
    /// The text does not fit version 40 at this level.
    #[error("too much data for any QR version at this error-correction level")]
    TooLong,
}

/// The data bits of `text` for `version`: the shorter of (alphanumeric prefix + byte `#`) and
/// (byte prefix and `#`), then the digits in numeric mode.
fn bits(text: &str, version: u8, ec_level: EcLevel) -> Result<Bits, QrError> {
    let seg = qrtext::segments(text).ok_or(QrError::NotQrText)?;
    let attempt = |alnum_prefix: bool| -> Option<Bits> {
        let mut b = Bits::new(Version::Normal(i16::from(version)));
        if alnum_prefix {
            if !seg.prefix.is_empty() {
                b.push_alphanumeric_data(seg.prefix.as_bytes()).ok()?;
            }
            b.push_byte_data(seg.separator.as_bytes()).ok()?;
        } else {
            let head = &text.as_bytes()[..seg.prefix.len() + 1];
            b.push_byte_data(head).ok()?;
        }
        b.push_numeric_data(seg.digits.as_bytes()).ok()?;
        b.push_terminator(ec_level).ok()?;
        Some(b)
    };
    let alnum_ok = seg.prefix.bytes().all(|c| ALPHANUMERIC.contains(&c));
    let candidates = [alnum_ok.then(|| attempt(true)).flatten(), attempt(false)];
    candidates
        .into_iter()
        .flatten()
        .min_by_key(Bits::len)
        .ok_or(QrError::TooLong)
}

/// The smallest version (1–40) holding `text` at `ec_level`.
pub fn min_version(text: &str, ec_level: EcLevel) -> Result<u8, QrError> {
    qrtext::segments(text).ok_or(QrError::NotQrText)?;
    // Capacity grows with the version, so the smallest fitting version is a binary search.
    if bits(text, 40, ec_level).is_err() {
        return Err(QrError::TooLong);
    }
    let (mut lo, mut hi) = (1u8, 40u8);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if bits(text, mid, ec_level).is_ok() {
            hi = mid
        } else {
            lo = mid + 1
        }
    }
    Ok(lo)
}

/// The symbol for `text` at the smallest version for `ec_level`.
pub fn symbol(text: &str, ec_level: EcLevel) -> Result<Symbol, QrError> {
    let version = min_version(text, ec_level)?;
    let code = QrCode::with_bits(bits(text, version, ec_level)?, ec_level)
        .map_err(|_| QrError::TooLong)?;
    Ok(Symbol {
        version,
        ec_level,
        width: code.width(),
        modules: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

/// The version and level a card gets: the smallest version at level `floor`, then the highest
/// level that still fits that version (more redundancy for free). Cards use `floor` M.
pub fn best_ec_level(text: &str, floor: EcLevel) -> Result<(u8, EcLevel), QrError> {
    let version = min_version(text, floor)?;
    let level = [EcLevel::H, EcLevel::Q, EcLevel::M]
        .into_iter()
        .filter(|ec| *ec > floor)
        .find(|ec| bits(text, version, *ec).is_ok())
        .unwrap_or(floor);
    Ok((version, level))
}

/// The symbol a card gets: [`best_ec_level`] with floor M.
pub fn card_symbol(text: &str) -> Result<Symbol, QrError> {
    let (_, ec) = best_ec_level(text, EcLevel::M)?;
    symbol(text, ec)
}

#[cfg(test)]
mod tests;
