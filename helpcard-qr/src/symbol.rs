//! Building a symbol from QR text with explicit segments (alphanumeric prefix, one byte-mode
//! `#`, numeric digits) at the smallest version for an error-correction level, and the rule for
//! a card's version and level.

use helpcard_core::qrtext;

use crate::encode::{self, Bits};
use crate::layout;
pub use crate::layout::EcLevel;

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

/// The count field's width (§7.4.2, Table 3) of a mode (numeric 1, alphanumeric 2, byte 4) in
/// a band of versions (1–9, 10–26, 27–40).
fn count_width(mode: u32, band: usize) -> usize {
    match mode {
        1 => [10, 12, 14][band],
        2 => [9, 11, 13][band],
        _ => [8, 16, 16][band],
    }
}

/// The band of a version: what the count fields' widths depend on.
fn band(version: u8) -> usize {
    match version {
        1..=9 => 0,
        10..=26 => 1,
        _ => 2,
    }
}

/// A segment's mode indicator and character count, or `None` when the count does not fit the
/// band's count field.
fn header(bits: &mut Bits, mode: u32, count: usize, band: usize) -> Option<()> {
    let width = count_width(mode, band);
    if count >= 1 << width {
        return None;
    }
    bits.push(mode, 4);
    bits.push(count as u32, width);
    Some(())
}

fn alphanumeric(bits: &mut Bits, text: &[u8], band: usize) -> Option<()> {
    header(bits, 2, text.len(), band)?;
    let index = |c: u8| ALPHANUMERIC.iter().position(|&a| a == c).map(|i| i as u32);
    for pair in text.chunks(2) {
        match pair {
            [a, b] => bits.push(index(*a)? * 45 + index(*b)?, 11),
            [a] => bits.push(index(*a)?, 6),
            _ => {}
        }
    }
    Some(())
}

fn byte(bits: &mut Bits, data: &[u8], band: usize) -> Option<()> {
    header(bits, 4, data.len(), band)?;
    data.iter().for_each(|&b| bits.push(u32::from(b), 8));
    Some(())
}

fn numeric(bits: &mut Bits, digits: &[u8], band: usize) -> Option<()> {
    header(bits, 1, digits.len(), band)?;
    for group in digits.chunks(3) {
        let value = group
            .iter()
            .fold(0, |v, d| v * 10 + u32::from(d.wrapping_sub(b'0')));
        bits.push(value, [0, 4, 7, 10][group.len()]);
    }
    Some(())
}

/// A card text's segments as bits, for each band of versions: an alphanumeric prefix and a
/// byte-mode `#` (when the prefix is alphanumeric), else prefix and `#` in byte mode; then the
/// digits in numeric mode. The bits depend on the version only through the count fields'
/// widths, so three encodings answer every question about every version.
struct Plan {
    /// Per band: the candidates in the order they are preferred.
    bands: [Vec<Bits>; 3],
}

impl Plan {
    fn new(text: &str) -> Result<Plan, QrError> {
        let seg = qrtext::segments(text).ok_or(QrError::NotQrText)?;
        let alnum_ok = seg.prefix.bytes().all(|c| ALPHANUMERIC.contains(&c));
        let candidates = |band: usize| -> Vec<Bits> {
            let attempt = |alnum_prefix: bool| -> Option<Bits> {
                let mut b = Bits::default();
                if alnum_prefix {
                    if !seg.prefix.is_empty() {
                        alphanumeric(&mut b, seg.prefix.as_bytes(), band)?;
                    }
                    byte(&mut b, seg.separator.as_bytes(), band)?;
                } else {
                    byte(&mut b, &text.as_bytes()[..seg.prefix.len() + 1], band)?;
                }
                numeric(&mut b, seg.digits.as_bytes(), band)?;
                Some(b)
            };
            [alnum_ok.then(|| attempt(true)).flatten(), attempt(false)]
                .into_iter()
                .flatten()
                .collect()
        };
        Ok(Plan {
            bands: [candidates(0), candidates(1), candidates(2)],
        })
    }

    /// The bits that go into `version` at `level`: the first candidate that fits. (The first
    /// that fits, not the shorter: the symbols cards were printed with.)
    fn fitting(&self, version: u8, level: EcLevel) -> Option<&Bits> {
        let capacity: usize = layout::blocks(version, level).data.iter().sum();
        self.bands[band(version)]
            .iter()
            .find(|b| b.len() <= capacity * 8)
    }

    /// The smallest version (1–40) that holds the text at `level`.
    fn min_version(&self, level: EcLevel) -> Result<u8, QrError> {
        (1..=40u8)
            .find(|&v| self.fitting(v, level).is_some())
            .ok_or(QrError::TooLong)
    }

    /// The symbol of `version` at `level`.
    fn symbol(&self, version: u8, level: EcLevel) -> Result<Symbol, QrError> {
        let capacity = layout::blocks(version, level).data.iter().sum();
        let data = self
            .fitting(version, level)
            .and_then(|b| b.clone().finish(capacity))
            .ok_or(QrError::TooLong)?;
        Ok(Symbol {
            version,
            ec_level: level,
            width: layout::side(version),
            modules: encode::matrix(&data, version, level),
        })
    }

    /// See [`best_ec_level`].
    fn best_ec_level(&self, floor: EcLevel) -> Result<(u8, EcLevel), QrError> {
        let version = self.min_version(floor)?;
        let level = [EcLevel::H, EcLevel::Q, EcLevel::M]
            .into_iter()
            .filter(|ec| *ec > floor)
            .find(|ec| self.fitting(version, *ec).is_some())
            .unwrap_or(floor);
        Ok((version, level))
    }
}

/// The smallest version (1–40) holding `text` at `ec_level`.
pub fn min_version(text: &str, ec_level: EcLevel) -> Result<u8, QrError> {
    Plan::new(text)?.min_version(ec_level)
}

/// The symbol for `text` at the smallest version for `ec_level`.
pub fn symbol(text: &str, ec_level: EcLevel) -> Result<Symbol, QrError> {
    let plan = Plan::new(text)?;
    plan.symbol(plan.min_version(ec_level)?, ec_level)
}

/// The version and level a card gets: the smallest version at level `floor`, then the highest
/// level that still fits that version (more redundancy for free). Cards use `floor` M.
pub fn best_ec_level(text: &str, floor: EcLevel) -> Result<(u8, EcLevel), QrError> {
    Plan::new(text)?.best_ec_level(floor)
}

/// The symbol a card gets: [`best_ec_level`] with floor M.
pub fn card_symbol(text: &str) -> Result<Symbol, QrError> {
    let plan = Plan::new(text)?;
    let (version, level) = plan.best_ec_level(EcLevel::M)?;
    plan.symbol(version, level)
}

#[cfg(test)]
mod tests;
