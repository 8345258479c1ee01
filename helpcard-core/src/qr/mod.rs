//! QR symbols: building them from QR text with explicit segments (alphanumeric prefix, one
//! byte-mode `#`, numeric digits) at the smallest version for an error-correction level;
//! rendering them (module matrix, PNG, SVG); and reading them back from grayscale images.

use qrcode::bits::Bits;
use qrcode::{Color, QrCode, Version};

pub use qrcode::EcLevel;

use crate::qrtext;

mod read;
mod render;

pub use read::{Effort, LumaImage, MAX_PIXELS, MAX_SIDE, Pass, ReadError, read, read_with};
pub use render::QUIET_ZONE;

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
mod tests {
    use super::*;

    #[test]
    fn versions_grow_with_payload_and_level() {
        let small = qrtext::encode(qrtext::DEFAULT_PREFIX, &[7; 20]).unwrap();
        let large = qrtext::encode(qrtext::DEFAULT_PREFIX, &[7; 400]).unwrap();
        let (s, l) = (
            min_version(&small, EcLevel::M).unwrap(),
            min_version(&large, EcLevel::M).unwrap(),
        );
        assert!(s < l, "{s} < {l}");
        assert!(min_version(&large, EcLevel::L).unwrap() <= l);
        assert!(min_version(&large, EcLevel::H).unwrap() > l);
        let huge = qrtext::encode("P", &[7; 3000]).unwrap();
        assert_eq!(min_version(&huge, EcLevel::M), Err(QrError::TooLong));
        assert_eq!(
            min_version("no fragment", EcLevel::M),
            Err(QrError::NotQrText)
        );
    }

    #[test]
    fn symbol_has_the_version_width() {
        let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &[1, 2, 3]).unwrap();
        let s = symbol(&text, EcLevel::M).unwrap();
        assert_eq!(s.width, 17 + 4 * usize::from(s.version));
        assert_eq!(s.modules.len(), s.width * s.width);
        for n in [3, 100, 384] {
            let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &vec![7; n]).unwrap();
            let (v, ec) = best_ec_level(&text, EcLevel::M).unwrap();
            assert_eq!(v, min_version(&text, EcLevel::M).unwrap(), "{n} bytes");
            assert!(ec >= EcLevel::M);
            // The chosen level fits the version; the next one up does not.
            assert_eq!(min_version(&text, ec).unwrap(), v);
            for higher in [EcLevel::Q, EcLevel::H].into_iter().filter(|l| *l > ec) {
                assert!(
                    min_version(&text, higher).unwrap() > v,
                    "{n} bytes at {higher:?}"
                );
            }
        }
    }

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

    #[test]
    fn lower_case_prefix_uses_byte_mode() {
        let lower = format!("https://x/#1{}", "0".repeat(30));
        assert!(min_version(&lower, EcLevel::M).is_ok());
    }
}
