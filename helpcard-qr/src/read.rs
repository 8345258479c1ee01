//! Reading QR codes from a grayscale image: every code found, as bytes.
//!
//! Our own grid reader ([`crate::grid`]) goes first on both paths: on the simulated read-range
//! sweep (`cargo bench -p helpcard-qr --bench qr -- range`) it reads card codes at 1.5–2.5
//! pixels per module at least as often as zxing-cpp, where rxing's port falls behind. Where it
//! finds nothing, the thorough path tries the engines the photo benchmark chose (`-- levers`):
//! rxing's port of zxing-cpp's reader, rxing's Java-port reader, rqrr (a quirc port), and passes
//! with other preprocessing. rxing and rqrr are cargo features; without them the grid reader is
//! both paths (the browser's build).
//!
//! Each engine call is panic-isolated (rqrr has asserted on real photos), so a bad frame yields
//! no codes instead of a crash. On `wasm32-unknown-unknown` panics abort (there is no unwinding),
//! so isolation cannot hold there: the fuzz target `qr_read` (`fuzz/`) looks for panics on
//! arbitrary small images, and the browser build carries only the grid reader, whose every index
//! is checked.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

#[cfg(feature = "rxing")]
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
#[cfg(feature = "rxing")]
use rxing::multi::MultipleBarcodeReader;
#[cfg(feature = "rxing")]
use rxing::qrcode::QRCodeReader;
#[cfg(feature = "rxing")]
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, ImmutableReader, Luma8Source, Reader};

use helpcard_core::qrtext;

/// Largest image accepted: 8192 × 8192 pixels (a 64 MP photo), far above any camera frame.
pub const MAX_PIXELS: usize = 8192 * 8192;
/// Largest side accepted.
pub const MAX_SIDE: usize = 16_384;

/// An 8-bit grayscale image, row-major, no padding.
#[derive(Clone, Copy, Debug)]
pub struct LumaImage<'a> {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` luma values.
    pub pixels: &'a [u8],
}

/// Why an image could not be scanned at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Width or height is zero.
    #[error("the image is empty (zero width or height)")]
    Empty,
    /// Larger than [`MAX_PIXELS`] or [`MAX_SIDE`].
    #[error(
        "the image is too large ({width}×{height}); the limit is {MAX_SIDE} per side and 64 megapixels"
    )]
    TooLarge {
        /// Width.
        width: usize,
        /// Height.
        height: usize,
    },
    /// The pixel buffer does not hold `width * height` bytes.
    #[error("the pixel buffer has {got} bytes, but {width}×{height} needs {}", width * height)]
    BadLength {
        /// Width.
        width: usize,
        /// Height.
        height: usize,
        /// Bytes given.
        got: usize,
    },
}

/// How hard to look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Effort {
    /// One pass (the zxing-cpp port), stopping at the first code: for live camera frames,
    /// where a card is held up alone and the next frame is another chance.
    Fast,
    /// Every pass until something is found: for photos and files.
    #[default]
    Thorough,
}

impl<'a> LumaImage<'a> {
    /// Checks the dimensions against the buffer and the limits.
    pub fn new(width: usize, height: usize, pixels: &'a [u8]) -> Result<LumaImage<'a>, ReadError> {
        if width == 0 || height == 0 {
            return Err(ReadError::Empty);
        }
        if width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS {
            return Err(ReadError::TooLarge { width, height });
        }
        if pixels.len() != width * height {
            return Err(ReadError::BadLength {
                width,
                height,
                got: pixels.len(),
            });
        }
        Ok(LumaImage {
            width,
            height,
            pixels,
        })
    }
}

/// One decoding attempt: an engine on a (possibly transformed) image.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pass {
    /// Our own reader ([`crate::grid`]): grey-level templates and sampling on a grid fitted
    /// to every alignment pattern; `true` = stop at the first code.
    Grid(bool),
    /// rxing, hybrid (local) binarizer; `true` = try harder (rotations, inverted).
    #[cfg(feature = "rxing")]
    Rxing(bool),
    /// rxing, global-histogram binarizer, try harder.
    #[cfg(feature = "rxing")]
    RxingGlobal,
    /// rqrr (quirc's detector and its own thresholding).
    #[cfg(feature = "rqrr")]
    Rqrr,
    /// Resample by this factor (bilinear), then rxing try-harder.
    #[cfg(feature = "rxing")]
    Scaled(f32),
    /// Resample by this factor, then rqrr.
    #[cfg(feature = "rqrr")]
    ScaledRqrr(f32),
    /// Unsharp mask (radius 1, amount 1), then rxing try-harder.
    #[cfg(feature = "rxing")]
    Sharpened,
    /// Local-mean threshold over a (2r+1)² window, then rxing.
    #[cfg(feature = "rxing")]
    LocalMean(usize),
    /// rxing's port of zxing-cpp's QR reader (concentric finder patterns, sampling guided by
    /// every alignment pattern), hybrid binarizer; every code; `true` = try harder.
    #[cfg(feature = "rxing")]
    RxingCpp(bool),
    /// The same, stopping at the first code found.
    #[cfg(feature = "rxing")]
    RxingCppFirst,
}

/// The passes `read` runs, in order, until one finds a code. The fast path (live camera
/// frames; the next frame is another chance) is the grid reader alone: it reads the range
/// sweep's card frames at least as far as rxing's zxing-cpp port did on that path, and costs
/// less on empty frames. The thorough path adds the passes chosen by the photo benchmark
/// (`cargo bench -p helpcard-qr --bench qr -- levers`): on the 179 photos the grid reader
/// (with its refined grid) is first; rxing's port of zxing-cpp's reader, also trying harder
/// (a 1080p frame of the duplex back at 35 cm that only it reads, `-- range`), rqrr, the
/// global binarizer and resampling by 0.75, 1.5 and 2 each add photos the first misses, a 7×7
/// local-mean threshold helps blurred frames (`-- frames`).
const FAST: &[Pass] = &[Pass::Grid(true)];
const THOROUGH: &[Pass] = &[
    Pass::Grid(false),
    #[cfg(feature = "rxing")]
    Pass::RxingCpp(false),
    #[cfg(feature = "rxing")]
    Pass::RxingCpp(true),
    #[cfg(feature = "rxing")]
    Pass::Rxing(false),
    #[cfg(feature = "rqrr")]
    Pass::Rqrr,
    #[cfg(feature = "rxing")]
    Pass::RxingGlobal,
    #[cfg(feature = "rxing")]
    Pass::LocalMean(3),
    #[cfg(feature = "rxing")]
    Pass::Scaled(0.75),
    #[cfg(feature = "rxing")]
    Pass::Scaled(1.5),
    #[cfg(feature = "rxing")]
    Pass::Scaled(2.0),
    #[cfg(feature = "rxing")]
    Pass::Rxing(true),
    #[cfg(feature = "rqrr")]
    Pass::ScaledRqrr(2.0),
];

#[cfg(any(feature = "rxing", feature = "rqrr"))]
/// Upscaling passes are skipped above this many output pixels (a camera frame is 0.9 MP).
const MAX_RESAMPLED: f32 = 4_000_000.0;

/// Reads the QR codes in the image — every one with [`Effort::Thorough`], the first found with
/// [`Effort::Fast`] — and returns each one's text, its byte segments' characters decided by one
/// rule whichever engine read it (`charset`: the ECI's set; else UTF-8, Shift_JIS, ISO-8859-1).
/// A help card's text is ASCII (a prefix and digits), exactly its payload. Duplicates found by
/// several passes are reported once.
pub fn read(image: &LumaImage<'_>, effort: Effort) -> Result<Vec<String>, ReadError> {
    read_with(
        image,
        match effort {
            Effort::Fast => FAST,
            Effort::Thorough => THOROUGH,
        },
    )
}

/// [`read`] with an explicit list of passes (for the benchmark's lever measurements).
#[doc(hidden)]
pub fn read_with(image: &LumaImage<'_>, passes: &[Pass]) -> Result<Vec<String>, ReadError> {
    let image = LumaImage::new(image.width, image.height, image.pixels)?;
    for pass in passes {
        let found = isolated(|| run(&image, *pass));
        if !found.is_empty() {
            return Ok(dedup(found));
        }
    }
    Ok(Vec::new())
}

fn run(image: &LumaImage<'_>, pass: Pass) -> Vec<String> {
    match pass {
        Pass::Grid(first) => crate::grid::read(image.width, image.height, image.pixels, first),
        #[cfg(feature = "rxing")]
        Pass::Rxing(harder) => rxing_pass(image, harder, false),
        #[cfg(feature = "rxing")]
        Pass::RxingCpp(harder) => rxing_cpp_pass(image, harder, false),
        #[cfg(feature = "rxing")]
        Pass::RxingCppFirst => rxing_cpp_pass(image, false, true),
        #[cfg(feature = "rxing")]
        Pass::RxingGlobal => rxing_pass(image, true, true),
        #[cfg(feature = "rqrr")]
        Pass::Rqrr => rqrr_pass(image),
        #[cfg(feature = "rxing")]
        Pass::Scaled(f) if too_large_to_resample(image, f) => Vec::new(),
        #[cfg(feature = "rxing")]
        Pass::Scaled(f) => with_pixels(resample(image, f), |i| rxing_pass(i, true, false)),
        #[cfg(feature = "rqrr")]
        Pass::ScaledRqrr(f) if too_large_to_resample(image, f) => Vec::new(),
        #[cfg(feature = "rqrr")]
        Pass::ScaledRqrr(f) => with_pixels(resample(image, f), rqrr_pass),
        #[cfg(feature = "rxing")]
        Pass::Sharpened => with_pixels(sharpen(image), |i| rxing_pass(i, true, false)),
        #[cfg(feature = "rxing")]
        Pass::LocalMean(r) => with_pixels(local_mean(image, r), |i| rxing_pass(i, false, true)),
    }
}

#[cfg(any(feature = "rxing", feature = "rqrr"))]
fn too_large_to_resample(image: &LumaImage<'_>, factor: f32) -> bool {
    (image.width * image.height) as f32 * factor * factor > MAX_RESAMPLED
}

#[cfg(any(feature = "rxing", feature = "rqrr"))]
fn with_pixels(
    (w, h, px): (usize, usize, Vec<u8>),
    f: impl FnOnce(&LumaImage<'_>) -> Vec<String>,
) -> Vec<String> {
    match LumaImage::new(w, h, &px) {
        Ok(img) => f(&img),
        Err(_) => Vec::new(),
    }
}

#[cfg(any(feature = "rxing", feature = "rqrr"))]
fn resample(image: &LumaImage<'_>, factor: f32) -> (usize, usize, Vec<u8>) {
    let (w, h) = (
        ((image.width as f32 * factor) as usize).max(1),
        ((image.height as f32 * factor) as usize).max(1),
    );
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let sy = ((y as f32 + 0.5) / factor - 0.5).clamp(0.0, (image.height - 1) as f32);
        let (y0, fy) = (sy as usize, sy.fract());
        let y1 = (y0 + 1).min(image.height - 1);
        for x in 0..w {
            let sx = ((x as f32 + 0.5) / factor - 0.5).clamp(0.0, (image.width - 1) as f32);
            let (x0, fx) = (sx as usize, sx.fract());
            let x1 = (x0 + 1).min(image.width - 1);
            let p = |x: usize, y: usize| f32::from(image.pixels[y * image.width + x]);
            let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
            let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
            out[y * w + x] = (top * (1.0 - fy) + bottom * fy).round() as u8;
        }
    }
    (w, h, out)
}

#[cfg(feature = "rxing")]
fn sharpen(image: &LumaImage<'_>) -> (usize, usize, Vec<u8>) {
    let (w, h) = (image.width, image.height);
    let mut out = image.pixels.to_vec();
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let p = |dx: usize, dy: usize| i32::from(image.pixels[(y + dy - 1) * w + x + dx - 1]);
            let blur = (p(0, 0)
                + 2 * p(1, 0)
                + p(2, 0)
                + 2 * p(0, 1)
                + 4 * p(1, 1)
                + 2 * p(2, 1)
                + p(0, 2)
                + 2 * p(1, 2)
                + p(2, 2))
                / 16;
            out[y * w + x] = (2 * p(1, 1) - blur).clamp(0, 255) as u8;
        }
    }
    (w, h, out)
}

#[cfg(feature = "rxing")]
/// Binarizes against the mean of a (2r+1)² window (an integral image makes it O(pixels)).
fn local_mean(image: &LumaImage<'_>, r: usize) -> (usize, usize, Vec<u8>) {
    let (w, h) = (image.width, image.height);
    let mut integral = vec![0u32; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row += u32::from(image.pixels[y * w + x]);
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let sum = integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0]
                - integral[y0 * (w + 1) + x1]
                - integral[y1 * (w + 1) + x0];
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            out[y * w + x] = if u32::from(image.pixels[y * w + x]) * n > sum {
                255
            } else {
                0
            };
        }
    }
    (w, h, out)
}

fn dedup(codes: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    codes
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect()
}

fn isolated(f: impl FnOnce() -> Vec<String>) -> Vec<String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_default()
}

#[cfg(feature = "rxing")]
fn hints(try_harder: bool) -> DecodeHints {
    DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(try_harder),
        AlsoInverted: Some(try_harder),
        ..DecodeHints::default()
    }
}

#[cfg(feature = "rxing")]
fn rxing_pass(image: &LumaImage<'_>, try_harder: bool, global: bool) -> Vec<String> {
    let Some(source) = luma_source(image) else {
        return Vec::new();
    };
    let h = hints(try_harder);
    if global {
        return decode_bitmap(
            &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)),
            &h,
        );
    }
    decode_bitmap(&mut BinaryBitmap::new(HybridBinarizer::new(source)), &h)
}

#[cfg(feature = "rxing")]
fn rxing_cpp_pass(image: &LumaImage<'_>, try_harder: bool, first_only: bool) -> Vec<String> {
    let Some(source) = luma_source(image) else {
        return Vec::new();
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let mut reader = rxing::qrcode::cpp_port::QrReader;
    let h = hints(try_harder);
    let found = if first_only {
        reader
            .immutable_decode_with_hints(&mut bitmap, &h)
            .map(|r| vec![r])
    } else {
        reader.decode_multiple_with_hints(&mut bitmap, &h)
    };
    found
        .map(|r| r.iter().map(|r| rxing_text(r, true)).collect())
        .unwrap_or_default()
}

#[cfg(feature = "rxing")]
/// Borrows the frame: no copy of the pixels on every pass.
fn luma_source<'a>(image: &LumaImage<'a>) -> Option<Luma8Source<'a>> {
    Luma8Source::new_with_slice(image.pixels, image.width as u32, image.height as u32).ok()
}

/// An rxing result's text, its characters decided by `charset` like every engine's. With an
/// ECI (the symbology identifier's modifier is even: ]Q2, ]Q4, ]Q6) rxing decoded each segment
/// in the set it names, and its text stands. Without one: the Java port's result carries the
/// corrected data codewords, which our own segment parser reads (its version follows from their
/// number at the result's error-correction level); the zxing-cpp port's carries the payload
/// bytes, and where its text is its own guess of them (not Kanji or Hanzi among them) our rule
/// decides instead.
#[cfg(feature = "rxing")]
fn rxing_text(r: &rxing::RXingResult, cpp_port: bool) -> String {
    use rxing::{RXingResultMetadataType as Key, RXingResultMetadataValue as Value};
    let metadata = r.getRXingResultMetadata();
    let with_eci = matches!(
        metadata.get(&Key::SYMBOLOGY_IDENTIFIER),
        Some(Value::SymbologyIdentifier(id)) if id.ends_with(['2', '4', '6'])
    );
    let (text, raw) = (r.getText(), r.getRawBytes());
    if with_eci {
        return text.to_owned();
    }
    if cpp_port {
        return if crate::charset::is_a_guess_of(text, raw) {
            crate::charset::guess(raw)
        } else {
            text.to_owned()
        };
    }
    let level = match metadata.get(&Key::ERROR_CORRECTION_LEVEL) {
        Some(Value::ErrorCorrectionLevel(l)) => l.clone(),
        _ => return text.to_owned(),
    };
    crate::grid::text_of_codewords(raw, &level).unwrap_or_else(|| text.to_owned())
}

#[cfg(feature = "rxing")]
fn decode_bitmap<B: rxing::Binarizer>(
    bitmap: &mut BinaryBitmap<B>,
    h: &DecodeHints,
) -> Vec<String> {
    let mut multi = rxing::multi::qrcode::QRCodeMultiReader::new();
    let mut out: Vec<String> = multi
        .decode_multiple_with_hints(bitmap, h)
        .map(|r| r.iter().map(|r| rxing_text(r, false)).collect())
        .unwrap_or_default();
    if out.is_empty()
        && let Ok(r) = QRCodeReader.decode_with_hints(bitmap, h)
    {
        out.push(rxing_text(&r, false));
    }
    out
}

/// rqrr's payload bytes (it passes over ECI designators), their characters decided by
/// `charset`: rqrr's own `decode` refuses any text that is not UTF-8.
#[cfg(feature = "rqrr")]
fn rqrr_pass(image: &LumaImage<'_>) -> Vec<String> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(image.width, image.height, |x, y| {
            image.pixels[y * image.width + x]
        });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let mut bytes = Vec::new();
            grid.decode_to(&mut bytes).ok()?;
            Some(crate::charset::guess(&bytes))
        })
        .collect()
}

/// The help-card text among the codes in an image: the first code whose text is QR text of this
/// format (a prefix, `#`, digits; see [`qrtext`]), so that a poster's URL code or a shop's code
/// beside the card is passed over. `None` when the image holds no such code.
pub fn find_card_text(image: &LumaImage<'_>, effort: Effort) -> Result<Option<String>, ReadError> {
    Ok(read(image, effort)?.into_iter().find(|text| {
        qrtext::segments(text)
            .is_some_and(|s| !s.digits.is_empty() && s.digits.bytes().all(|b| b.is_ascii_digit()))
    }))
}

/// The engines' internal assertions are caught by the reader (the image then simply has no
/// code), but the process's panic hook still prints them. A front end calls this once at start
/// to keep panics raised inside the engines' source off the user's screen; every other panic is
/// reported as before, and `HELPCARD_DEBUG` set in the environment shows them all.
pub fn hide_engine_panic_messages() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_engine = info
            .location()
            .is_some_and(|l| l.file().contains("/rqrr-") || l.file().contains("/rxing-"));
        if !in_engine || std::env::var_os("HELPCARD_DEBUG").is_some() {
            default(info);
        }
    }));
}

#[cfg(test)]
mod tests;
