//! The card on the holder's phone: a PNG sized for a phone's lock screen (1170 × 2532, an
//! iPhone's), with the help mark, the help requests in large type and the card's QR code, so
//! the card is there when the paper one is not. The clock's part of the screen (the top) is
//! left empty.
//!
//! Text is drawn from the bundled font's outlines (skrifa) by a small rasteriser: edges
//! flattened to lines, filled by the non-zero rule with four sub-rows a pixel and exact
//! coverage across each span. Lines break where the printed card breaks them (the PDF writer's
//! [`Document::wrap`]), at 10 pixels a millimetre.

use helpcard_qr::Symbol;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};

use crate::error::OfficeError;
use crate::layout::CardFace;
use crate::pdf::Document;

/// The image's size in pixels.
pub const WIDTH: usize = 1170;
/// The image's height in pixels.
pub const HEIGHT: usize = 2532;
/// Pixels a millimetre of the layout.
const PX_MM: f32 = 10.0;
const RED: [u8; 3] = [0xdc, 0x14, 0x26];
const BLACK: [u8; 3] = [0, 0, 0];
const WHITE: [u8; 3] = [255, 255, 255];

/// An RGB picture being drawn.
struct Canvas {
    pixels: Vec<u8>,
}

/// A glyph's outline as line segments, in pixels (y down).
#[derive(Default)]
struct Edges {
    lines: Vec<[f32; 4]>,
    start: (f32, f32),
    at: (f32, f32),
    origin: (f32, f32),
}

impl Edges {
    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (self.origin.0 + x, self.origin.1 - y)
    }

    fn segment(&mut self, to: (f32, f32)) {
        let from = self.at;
        if from != to {
            self.lines.push([from.0, from.1, to.0, to.1]);
        }
        self.at = to;
    }
}

impl OutlinePen for Edges {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.start = self.point(x, y);
        self.at = self.start;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.point(x, y);
        self.segment(p);
    }

    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        let (a, c, b) = (self.at, self.point(cx, cy), self.point(x, y));
        for i in 1..=8 {
            let t = i as f32 / 8.0;
            let u = 1.0 - t;
            self.segment((
                u * u * a.0 + 2.0 * u * t * c.0 + t * t * b.0,
                u * u * a.1 + 2.0 * u * t * c.1 + t * t * b.1,
            ));
        }
    }

    fn curve_to(&mut self, c0x: f32, c0y: f32, c1x: f32, c1y: f32, x: f32, y: f32) {
        let (a, c0, c1, b) = (
            self.at,
            self.point(c0x, c0y),
            self.point(c1x, c1y),
            self.point(x, y),
        );
        for i in 1..=12 {
            let t = i as f32 / 12.0;
            let u = 1.0 - t;
            let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.segment((
                w0 * a.0 + w1 * c0.0 + w2 * c1.0 + w3 * b.0,
                w0 * a.1 + w1 * c0.1 + w2 * c1.1 + w3 * b.1,
            ));
        }
    }

    fn close(&mut self) {
        let start = self.start;
        self.segment(start);
    }
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            pixels: vec![255; WIDTH * HEIGHT * 3],
        }
    }

    /// Mixes `colour` into pixel (x, y) by `coverage` (0–1).
    fn blend(&mut self, x: usize, y: usize, colour: [u8; 3], coverage: f32) {
        if x >= WIDTH || y >= HEIGHT || coverage <= 0.0 {
            return;
        }
        let c = coverage.min(1.0);
        let at = (y * WIDTH + x) * 3;
        for (i, v) in colour.iter().enumerate() {
            let old = f32::from(self.pixels[at + i]);
            self.pixels[at + i] = (old + (f32::from(*v) - old) * c).round() as u8;
        }
    }

    /// A rectangle in millimetres.
    fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), colour: [u8; 3]) {
        let px = |v: f32| (v * PX_MM).round().max(0.0) as usize;
        for row in px(y)..px(y + h).min(HEIGHT) {
            for col in px(x)..px(x + w).min(WIDTH) {
                self.blend(col, row, colour, 1.0);
            }
        }
    }

    /// Fills `edges` by the non-zero rule.
    fn fill(&mut self, edges: &Edges, colour: [u8; 3]) {
        const SUB: usize = 4;
        if edges.lines.is_empty() {
            return;
        }
        let (mut top, mut bottom, mut left, mut right) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for l in &edges.lines {
            top = top.min(l[1]).min(l[3]);
            bottom = bottom.max(l[1]).max(l[3]);
            left = left.min(l[0]).min(l[2]);
            right = right.max(l[0]).max(l[2]);
        }
        let (top, bottom) = (
            top.floor().max(0.0) as usize,
            (bottom.ceil() as usize).min(HEIGHT),
        );
        let (left, right) = (
            left.floor().max(0.0) as usize,
            (right.ceil() as usize).min(WIDTH),
        );
        let mut coverage = vec![0f32; WIDTH];
        let mut crossings: Vec<(f32, i32)> = Vec::new();
        for row in top..bottom {
            coverage[left..right].iter_mut().for_each(|c| *c = 0.0);
            for sub in 0..SUB {
                let y = row as f32 + (sub as f32 + 0.5) / SUB as f32;
                crossings.clear();
                for l in &edges.lines {
                    let (y0, y1) = (l[1], l[3]);
                    if (y0 <= y && y < y1) || (y1 <= y && y < y0) {
                        let x = l[0] + (y - y0) / (y1 - y0) * (l[2] - l[0]);
                        crossings.push((x, if y1 > y0 { 1 } else { -1 }));
                    }
                }
                crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut winding = 0;
                for pair in crossings.windows(2) {
                    winding += pair[0].1;
                    if winding != 0 {
                        span(&mut coverage, pair[0].0, pair[1].0, 1.0 / SUB as f32);
                    }
                }
            }
            for (x, c) in coverage.iter().enumerate().take(right).skip(left) {
                self.blend(x, row, colour, *c);
            }
        }
    }

    /// One line of text at (x, baseline) mm, `size` points (as the card's PDF sizes it).
    fn text(&mut self, font: &FontRef<'_>, text: &str, (x, baseline): (f32, f32), size: f32) {
        let px = size * 25.4 / 72.0 * PX_MM;
        let charmap = font.charmap();
        let glyphs = font.outline_glyphs();
        let metrics = font.glyph_metrics(Size::new(px), LocationRef::default());
        let mut pen_x = x * PX_MM;
        for c in text.chars() {
            let id = charmap.map(c).unwrap_or(GlyphId::NOTDEF);
            if let Some(glyph) = glyphs.get(id) {
                let mut edges = Edges {
                    origin: (pen_x, baseline * PX_MM),
                    ..Edges::default()
                };
                let settings = DrawSettings::unhinted(Size::new(px), LocationRef::default());
                if glyph.draw(settings, &mut edges).is_ok() {
                    edges.close();
                    self.fill(&edges, BLACK);
                }
            }
            pen_x += metrics.advance_width(id).unwrap_or(0.0);
        }
    }

    /// The QR symbol with its quiet zone, `module` pixels a module, its top-left at (x, y) px.
    fn symbol(&mut self, symbol: &Symbol, (x, y): (usize, usize), module: usize) {
        let n = symbol.size_with_quiet_zone();
        for row in 0..n * module {
            for col in 0..n * module {
                let dark = symbol.is_dark(col / module, row / module);
                self.blend(x + col, y + row, if dark { BLACK } else { WHITE }, 1.0);
            }
        }
    }

    fn png(&self) -> Result<Vec<u8>, OfficeError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder
            .write_header()
            .map_err(|e| OfficeError::Pdf(e.to_string()))?;
        writer
            .write_image_data(&self.pixels)
            .map_err(|e| OfficeError::Pdf(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| OfficeError::Pdf(e.to_string()))?;
        Ok(out)
    }
}

/// Adds `weight` × the part of each pixel that [x0, x1) covers.
fn span(coverage: &mut [f32], x0: f32, x1: f32, weight: f32) {
    let (x0, x1) = (x0.max(0.0), x1.min(WIDTH as f32));
    if x1 <= x0 {
        return;
    }
    let (first, last) = (x0.floor() as usize, (x1.ceil() as usize).min(WIDTH));
    for (x, c) in coverage.iter_mut().enumerate().take(last).skip(first) {
        let overlap = (x1.min(x as f32 + 1.0) - x0.max(x as f32)).max(0.0);
        *c += overlap * weight;
    }
}

/// The lock-screen image of a card: `doc` sets the lines (its font and line breaks), `font` is
/// the same font's bytes.
pub fn image(doc: &Document<'_>, font: &[u8], face: &CardFace<'_>) -> Result<Vec<u8>, OfficeError> {
    let font = FontRef::from_index(font, 0).map_err(|e| OfficeError::Pdf(e.to_string()))?;
    let mut canvas = Canvas::new();
    let width = WIDTH as f32 / PX_MM;
    // Below the clock: the help mark, and the card's name beside it.
    let top = 64.0;
    canvas.rect(
        (0.0, top - 6.0, width, 253.2 - top + 6.0),
        [0xfd, 0xf1, 0xf2],
    );
    canvas.rect((8.0, top, 22.0, 30.0), RED);
    canvas.rect((17.0, top + 4.5, 4.0, 9.0), WHITE);
    canvas.rect((14.5, top + 7.0, 9.0, 4.0), WHITE);
    canvas.text(&font, face.title, (36.0, top + 14.0), 28.0);
    // The help requests, large.
    let mut y = top + 44.0;
    for help in &face.help {
        for (i, line) in doc.wrap(help, 26.0, width - 24.0).into_iter().enumerate() {
            if y > top + 80.0 {
                break;
            }
            if i == 0 {
                canvas.text(&font, "・", (8.0, y), 26.0);
            }
            canvas.text(&font, &line, (16.0, y), 26.0);
            y += 11.5;
        }
    }
    // The QR code, as large as the screen leaves room for.
    let modules = face.symbol.size_with_quiet_zone();
    let module = (WIDTH * 6 / 10) / modules;
    let side = module * modules;
    let qr_top = ((top + 88.0) * PX_MM) as usize;
    canvas.symbol(face.symbol, ((WIDTH - side) / 2, qr_top), module);
    let below = (qr_top + side) as f32 / PX_MM + 8.0;
    for (i, line) in [face.issuer, &face.card_id, &face.expires]
        .iter()
        .enumerate()
    {
        canvas.text(&font, line, (8.0, below + i as f32 * 6.0), 12.0);
    }
    canvas.png()
}

#[cfg(test)]
#[path = "phone_tests.rs"]
mod tests;
