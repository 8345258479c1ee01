//! Image files (PNG, JPEG) to a grayscale frame, refusing before decoding anything too large.

use std::io::Cursor;

use image::{ImageError, ImageReader, Limits};

use crate::read::{LumaImage, MAX_PIXELS, MAX_SIDE, ReadError};

/// A decoded grayscale image that owns its pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LumaFrame {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` luma values, row-major.
    pub pixels: Vec<u8>,
}

impl LumaFrame {
    /// The frame as the reader takes it.
    pub fn image(&self) -> Result<LumaImage<'_>, ReadError> {
        LumaImage::new(self.width, self.height, &self.pixels)
    }
}

/// Why an image file could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageFileError {
    /// Neither PNG nor JPEG (judged by the content, not the file name).
    #[error("not a PNG or JPEG image")]
    Unsupported,
    /// The header declares more pixels than the reader accepts; nothing was decoded.
    #[error(
        "the image is too large ({width}×{height}); the limit is {MAX_SIDE} per side and 64 megapixels"
    )]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Damaged or cut short.
    #[error("the image is damaged: {0}")]
    Corrupt(String),
}

/// Decodes PNG or JPEG bytes to grayscale. The format is decided by the content; the declared
/// size is checked against [`MAX_SIDE`] and [`MAX_PIXELS`] before a single pixel is decoded,
/// and the decoder's allocations are capped as well (a 389 KB PNG declaring 20000×20000 pixels
/// used to cost 788 MB before it was refused).
pub fn decode_luma(bytes: &[u8]) -> Result<LumaFrame, ImageFileError> {
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ImageFileError::Corrupt(e.to_string()))
    };
    if reader()?.format().is_none() {
        return Err(ImageFileError::Unsupported);
    }
    let (width, height) = reader()?.into_dimensions().map_err(classify)?;
    let (w, h) = (width as usize, height as usize);
    if w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(ImageFileError::TooLarge { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE as u32);
    limits.max_image_height = Some(MAX_SIDE as u32);
    // The decoded RGB(A) image plus the decoder's own buffers.
    limits.max_alloc = Some(5 * MAX_PIXELS as u64);
    let mut r = reader()?;
    r.limits(limits);
    let luma = r.decode().map_err(classify)?.to_luma8();
    Ok(LumaFrame {
        width: luma.width() as usize,
        height: luma.height() as usize,
        pixels: luma.into_raw(),
    })
}

fn classify(e: ImageError) -> ImageFileError {
    match e {
        ImageError::Unsupported(_) => ImageFileError::Unsupported,
        other => ImageFileError::Corrupt(other.to_string()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A PNG declaring `w`×`h` grayscale pixels with no pixel data (an empty IDAT, then IEND).
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let crc = crc32(&ihdr);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc.to_be_bytes());
        for chunk in [&b"IDAT"[..], b"IEND"] {
            png.extend_from_slice(&0u32.to_be_bytes());
            png.extend_from_slice(chunk);
            png.extend_from_slice(&crc32(chunk).to_be_bytes());
        }
        png
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_huge_declared_size_is_refused_from_the_header() {
        let got = decode_luma(&png_header(20_000, 20_000));
        assert!(
            matches!(got, Err(ImageFileError::TooLarge { .. })),
            "{got:?}"
        );
        assert!(matches!(
            decode_luma(&png_header(20_000, 20_000)),
            Err(ImageFileError::TooLarge {
                width: 20_000,
                height: 20_000
            })
        ));
        assert!(matches!(
            decode_luma(&png_header(100, 100)),
            Err(ImageFileError::Corrupt(_))
        ));
    }

    #[test]
    fn the_format_comes_from_the_content() {
        assert!(matches!(
            decode_luma(b"GIF89a not supported"),
            Err(ImageFileError::Unsupported)
        ));
        assert!(matches!(decode_luma(b""), Err(ImageFileError::Unsupported)));
        let text =
            helpcard_core::qrtext::encode(helpcard_core::qrtext::DEFAULT_PREFIX, &[1; 20]).unwrap();
        let png = crate::card_symbol(&text).unwrap().to_png(3, None);
        let frame = decode_luma(&png).unwrap();
        assert_eq!(
            crate::find_card_text(&frame.image().unwrap(), crate::Effort::Fast).unwrap(),
            Some(text)
        );
    }
}
