//! Rendering a symbol for print and screen: PNG with an exact number of pixels per module, SVG
//! at a true physical size. Both include the 4-module quiet zone ISO/IEC 18004 requires.

use std::fmt::Write as _;

use crate::Symbol;

/// Modules of quiet zone on each side.
pub const QUIET_ZONE: usize = 4;

impl Symbol {
    /// Modules per side including the quiet zone.
    pub fn size_with_quiet_zone(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// True if the module at (x, y), counted from the outer edge of the quiet zone, is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        let (Some(x), Some(y)) = (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) else {
            return false;
        };
        x < self.width && y < self.width && self.modules[y * self.width + x]
    }

    /// An 8-bit grayscale image, `pixels_per_module` pixels per module (at least 1).
    pub fn to_luma(&self, pixels_per_module: usize) -> (usize, Vec<u8>) {
        let ppm = pixels_per_module.max(1);
        let side = self.size_with_quiet_zone() * ppm;
        let mut px = vec![255u8; side * side];
        for y in 0..side {
            for x in 0..side {
                if self.is_dark(x / ppm, y / ppm) {
                    px[y * side + x] = 0;
                }
            }
        }
        (side, px)
    }

    /// PNG bytes, `pixels_per_module` pixels per module; `dpi` is recorded (pHYs) so print
    /// software keeps the intended physical size.
    #[cfg(feature = "png")]
    pub fn to_png(&self, pixels_per_module: usize, dpi: Option<u32>) -> Vec<u8> {
        // 1-bit grayscale: an eighth of the bytes to compress, and exact black and white.
        let ppm = pixels_per_module.max(1);
        let modules = self.size_with_quiet_zone();
        let side = modules * ppm;
        let row_bytes = side.div_ceil(8);
        let mut packed = vec![0u8; row_bytes * side];
        // One pixel row per module row, repeated `ppm` times.
        for (module_row, rows) in packed.chunks_mut(row_bytes * ppm).enumerate() {
            let (first, rest) = rows.split_at_mut(row_bytes);
            for x in 0..side {
                if !self.is_dark(x / ppm, module_row) {
                    first[x / 8] |= 0x80 >> (x % 8);
                }
            }
            for copy in rest.chunks_mut(row_bytes) {
                copy.copy_from_slice(first);
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        if let Some(dpi) = dpi {
            let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
            encoder.set_pixel_dims(Some(png::PixelDimensions {
                xppu: per_metre,
                yppu: per_metre,
                unit: png::Unit::Meter,
            }));
        }
        // Writing into a Vec cannot fail, and the dimensions match the buffer.
        let mut writer = encoder.write_header().expect("PNG header into memory");
        writer
            .write_image_data(&packed)
            .expect("PNG data into memory");
        writer.finish().expect("PNG end into memory");
        out
    }

    /// SVG at a true size: each module `module_mm` millimetres. Dark modules are one path of
    /// row runs, so the file stays small and renders without hairline gaps.
    pub fn to_svg(&self, module_mm: f64) -> String {
        let n = self.size_with_quiet_zone();
        let size = n as f64 * module_mm;
        let mut path = String::new();
        for y in 0..n {
            let mut x = 0;
            while x < n {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < n && self.is_dark(x, y) {
                        x += 1;
                    }
                    let _ = write!(path, "M{start} {y}h{}v1h-{}z", x - start, x - start);
                } else {
                    x += 1;
                }
            }
        }
        format!(
            concat!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size:.3}mm\" height=\"{size:.3}mm\" ",
                "viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\">",
                "<rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>\n"
            ),
            size = size,
            n = n,
            path = path
        )
    }
}
