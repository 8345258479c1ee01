//! The PDF writer: pages of text and QR codes in an embedded Japanese font. What goes where
//! on a card is [`crate::layout`]'s; this module sets type and writes the file.
//!
//! Japanese text uses an embedded TrueType font (the bundled BIZ UDGothic by default), subset to
//! the glyphs used, as a Type0/CIDFontType2 font with Identity-H encoding and a ToUnicode map,
//! so the text is selectable and searchable. A QR code, with its 4-module quiet zone, is a 1-bit
//! image with one pixel per module and interpolation off: exact squares at any print
//! resolution. Lines break where print would (UAX #14 with BudouX's Japanese phrases).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use helpcard_qr::Symbol;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::{GlyphMetrics, Metrics};
use skrifa::string::StringId;
use skrifa::{FontRef, GlyphId, MetadataProvider};
use subsetter::GlyphRemapper;

use crate::error::OfficeError;

mod linebreak;

const PT_PER_MM: f32 = 72.0 / 25.4;
/// Characters that never start a line (the fallback for a phrase wider than a line).
const NO_LINE_START: &str =
    "、。，．）」』】〕！？・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ々ヽヾゝゞ,.)!?:;";
/// A4 width in mm.
pub const A4_W: f32 = 210.0;
/// A4 height in mm.
pub const A4_H: f32 = 297.0;

/// Baseline-to-baseline distance in mm for text of `size` points (1.33 × the size).
pub fn line_height(size: f32) -> f32 {
    size * 2.8 / 6.0
}

/// Millimetres in PDF points.
pub fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// The font for PDFs: `path` (`--font`), else the file `HELPCARD_FONT` names, else the bundled
/// BIZ UDGothic ([`helpcard_font`]). A file is checked to be a font before it is used.
pub fn load_font(path: Option<&Path>) -> Result<Cow<'static, [u8]>, OfficeError> {
    let Some(path) = path
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("HELPCARD_FONT").map(PathBuf::from))
    else {
        return Ok(Cow::Borrowed(helpcard_font::BIZ_UD_GOTHIC));
    };
    let bytes = std::fs::read(&path).map_err(OfficeError::file(&path))?;
    FontRef::from_index(&bytes, 0).map_err(|e| OfficeError::Font {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    Ok(Cow::Owned(bytes))
}

/// A PDF being built: pages of drawing operations and the glyphs they use.
pub struct Document<'f> {
    charmap: skrifa::charmap::Charmap<'f>,
    advances: GlyphMetrics<'f>,
    /// Font-wide metrics in font units (unscaled).
    metrics: Metrics,
    /// The font's PostScript name (letters, digits and '-'), for the PDF's BaseFont.
    postscript_name: String,
    font: &'f [u8],
    remapper: GlyphRemapper,
    /// New glyph id → the character it shows (for ToUnicode) and its advance (font units).
    glyphs: BTreeMap<u16, (char, u16)>,
    pages: Vec<Page>,
    /// QR symbols as zlib-compressed 1-bit images: (side in modules, data).
    images: Vec<(usize, Vec<u8>)>,
}

/// One page: size in mm, drawing operations, and the QR images it shows.
struct Page {
    width: f32,
    height: f32,
    ops: Vec<u8>,
    images: Vec<usize>,
}

impl<'f> Document<'f> {
    /// An empty document using `font` (TrueType bytes).
    pub fn new(font: &'f [u8]) -> Result<Document<'f>, OfficeError> {
        let face = FontRef::from_index(font, 0).map_err(|e| OfficeError::Font {
            path: PathBuf::from("(font)"),
            detail: e.to_string(),
        })?;
        let mut remapper = GlyphRemapper::new();
        remapper.remap(0); // .notdef stays glyph 0
        Ok(Document {
            charmap: face.charmap(),
            advances: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            metrics: face.metrics(Size::unscaled(), LocationRef::default()),
            postscript_name: face
                .localized_strings(StringId::POSTSCRIPT_NAME)
                .english_or_first()
                .map(|name| {
                    name.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect()
                })
                .filter(|name: &String| !name.is_empty())
                .unwrap_or_else(|| "Font".to_owned()),
            font,
            remapper,
            glyphs: BTreeMap::new(),
            pages: Vec::new(),
            images: Vec::new(),
        })
    }

    fn units(&self) -> f32 {
        f32::from(self.metrics.units_per_em)
    }

    /// The glyph showing `c` (0, .notdef, when the font has none) and its advance in font units.
    fn glyph(&self, c: char) -> (u16, u16) {
        let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
        let advance = self.advances.advance_width(glyph).unwrap_or(0.0);
        // A TrueType font has at most 65,535 glyphs and unsigned 16-bit advances (hmtx).
        (
            u16::try_from(glyph.to_u32()).unwrap_or(0),
            advance.clamp(0.0, f32::from(u16::MAX)) as u16,
        )
    }

    /// Width of `text` in mm at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 / self.units() * size / PT_PER_MM
    }

    /// Encodes `text` as 2-byte glyph ids of the subset, recording what each shows.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (old, advance) = self.glyph(c);
            let new = self.remapper.remap(old);
            self.glyphs.entry(new).or_insert((c, advance));
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Draws one line of text with its baseline at (x, y) mm from the page's bottom left.
    pub fn text(&mut self, content: &mut Content, text: &str, x: f32, y: f32, size: f32) {
        let encoded = self.encode(text);
        content
            .begin_text()
            .set_font(Name(b"F1"), size)
            .next_line(pt(x), pt(y))
            .show(Str(&encoded))
            .end_text();
    }

    /// Splits `text` into lines no wider than `width` mm at `size` points, breaking where
    /// print would (the `linebreak` module: between English words, at Japanese phrase boundaries,
    /// observing 禁則). Only a phrase wider than the line itself is broken between characters;
    /// a single character is never left alone on the last line if the line before can give it
    /// company.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for piece in linebreak::segments(paragraph) {
                let candidate = format!("{line}{piece}");
                if self.width(candidate.trim_end(), size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(line.trim_end().to_owned());
                    line.clear();
                }
                let piece = piece.trim_start();
                if self.width(piece.trim_end(), size) <= width {
                    line.push_str(piece);
                } else {
                    // Wider than a whole line: break between characters, keeping kinsoku.
                    for c in piece.chars() {
                        line.push(c);
                        if self.width(line.trim_end(), size) > width
                            && line.chars().count() > 1
                            && !NO_LINE_START.contains(c)
                        {
                            line.pop();
                            lines.push(std::mem::take(&mut line));
                            line.push(c);
                        }
                    }
                }
            }
            let line = line.trim_end().to_owned();
            lines.push(line);
        }
        lines
    }

    /// The largest of `sizes` (points) at which `text` wrapped to `width` mm fits `height` mm
    /// between its first and last baselines, with its lines: the card shrinks its text a step
    /// before anything would be cut off. The smallest size's lines when none fits.
    pub fn fit(&self, text: &str, sizes: &[f32], width: f32, height: f32) -> (f32, Vec<String>) {
        let mut last = (0.0, Vec::new());
        for &size in sizes {
            let lines = self.wrap(text, size, width);
            if lines.len().saturating_sub(1) as f32 * line_height(size) <= height {
                return (size, lines);
            }
            last = (size, lines);
        }
        last
    }

    /// Shows a QR symbol `size` mm square (its quiet zone inside) with its bottom-left corner
    /// at (x, y) mm, and records it as one of `images` (the page's).
    pub fn symbol(
        &mut self,
        content: &mut Content,
        images: &mut Vec<usize>,
        symbol: &Symbol,
        (x, y): (f32, f32),
        size: f32,
    ) {
        let image = self.add_symbol(symbol);
        images.push(image);
        content
            .save_state()
            .transform([pt(size), 0.0, 0.0, pt(size), pt(x), pt(y)]);
        content
            .x_object(Name(format!("Q{image}").as_bytes()))
            .restore_state();
    }

    /// Ends the page drawn so far in `content` (showing `images`) and starts the next.
    pub fn push_page(
        &mut self,
        width: f32,
        height: f32,
        content: &mut Content,
        images: &mut Vec<usize>,
    ) {
        let done = std::mem::replace(content, Content::new());
        self.pages.push(Page {
            width,
            height,
            ops: done.finish().to_vec(),
            images: std::mem::take(images),
        });
    }

    /// Adds a symbol (with its quiet zone) as a 1-bit image, one pixel per module: exact
    /// squares at any print resolution, a few hundred bytes each.
    fn add_symbol(&mut self, symbol: &Symbol) -> usize {
        let n = symbol.size_with_quiet_zone();
        let row_bytes = n.div_ceil(8);
        let mut bits = vec![0u8; row_bytes * n];
        for y in 0..n {
            for x in 0..n {
                if !symbol.is_dark(x, y) {
                    bits[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        self.images
            .push((n, miniz_oxide::deflate::compress_to_vec_zlib(&bits, 6)));
        self.images.len() - 1
    }

    /// The PDF bytes: pages, then the font subset with its metrics and ToUnicode map.
    pub fn finish(self) -> Result<Vec<u8>, OfficeError> {
        let mut pdf = Pdf::new();
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let (catalog, tree, type0, cid, descriptor, file, cmap) = (
            alloc(),
            alloc(),
            alloc(),
            alloc(),
            alloc(),
            alloc(),
            alloc(),
        );
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (alloc(), alloc())).collect();
        let image_ids: Vec<Ref> = self.images.iter().map(|_| alloc()).collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().map(|p| p.0))
            .count(page_ids.len() as i32);
        for (page, (page_id, content)) in self.pages.iter().zip(&page_ids) {
            let mut p = pdf.page(*page_id);
            p.media_box(Rect::new(0.0, 0.0, pt(page.width), pt(page.height)))
                .parent(tree)
                .contents(*content);
            let mut resources = p.resources();
            resources.fonts().pair(Name(b"F1"), type0);
            let mut x_objects = resources.x_objects();
            for i in &page.images {
                x_objects.pair(Name(format!("Q{i}").as_bytes()), image_ids[*i]);
            }
            x_objects.finish();
            resources.finish();
            p.finish();
            pdf.stream(*content, &page.ops);
        }
        for ((side, data), id) in self.images.iter().zip(&image_ids) {
            let mut image = pdf.image_xobject(*id, data);
            image.filter(Filter::FlateDecode);
            image.width(*side as i32).height(*side as i32);
            image.color_space().device_gray();
            image.bits_per_component(1).interpolate(false);
        }
        // A subset font's name is a six-letter tag, '+', and the font's name (ISO 32000-1 9.6.4).
        let base_name = format!("HLPCRD+{}", self.postscript_name);
        let base = Name(base_name.as_bytes());
        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let scale = 1000.0 / self.units();
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system_info)
            .font_descriptor(descriptor);
        cid_font
            .cid_to_gid_map_predefined(Name(b"Identity"))
            .default_width(1000.0);
        {
            let mut widths = cid_font.widths();
            for (gid, (_, advance)) in &self.glyphs {
                widths.consecutive(*gid, [f32::from(*advance) * scale]);
            }
        }
        cid_font.finish();
        let m = &self.metrics;
        let bbox = m.bounds.unwrap_or_default();
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                bbox.x_min * scale,
                bbox.y_min * scale,
                bbox.x_max * scale,
                bbox.y_max * scale,
            ))
            .italic_angle(0.0)
            .ascent(m.ascent * scale)
            .descent(m.descent * scale)
            .cap_height(m.cap_height.unwrap_or(m.ascent) * scale)
            .stem_v(80.0)
            .font_file2(file);
        let subset = subsetter::subset(self.font, 0, &self.remapper)
            .map_err(|e| OfficeError::Pdf(format!("font subset: {e}")))?;
        pdf.stream(file, &subset);
        let mut unicode = UnicodeCmap::<u16>::new(Name(b"Adobe-Identity-UCS"), system_info);
        for (gid, (c, _)) in &self.glyphs {
            unicode.pair(*gid, *c);
        }
        pdf.cmap(cmap, &unicode.finish())
            .name(Name(b"Adobe-Identity-UCS"))
            .system_info(system_info);
        Ok(pdf.finish())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn doc() -> Document<'static> {
        Document::new(helpcard_font::BIZ_UD_GOTHIC).unwrap()
    }

    #[test]
    fn lines_break_between_words_and_phrases_and_fit_their_width() {
        let d = doc();
        for (text, width) in [
            (
                "I have type 1 diabetes. If I am confused or sweating, give me sugar or juice.",
                30.0,
            ),
            (
                "てんかんがあります。発作が5分以上続いたら救急車を呼んでください。",
                25.0,
            ),
            (
                "耳が聞こえません。Please write it down: 筆談でお願いします。",
                22.0,
            ),
        ] {
            for w in [width, width * 0.7, width * 1.3] {
                let lines = d.wrap(text, 6.0, w);
                assert_eq!(
                    lines.concat().replace(' ', ""),
                    text.replace(' ', ""),
                    "{lines:?}"
                );
                for l in &lines {
                    assert!(d.width(l, 6.0) <= w, "{l:?} wider than {w} mm");
                }
                // No word or phrase is split across two lines.
                for pair in lines.windows(2) {
                    let joined = format!("{}{}", pair[0], pair[1]);
                    for word in ["sweating", "diabetes", "confused", "救急車", "Please"] {
                        let split = joined.contains(word)
                            && !pair[0].contains(word)
                            && !pair[1].contains(word);
                        assert!(!split, "{word:?} split between {pair:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_phrase_wider_than_the_line_is_broken_and_long_text_shrinks_first() {
        let d = doc();
        let url = "https://example.jp/very/long/path/without/any/spaces/at/all";
        let lines = d.wrap(url, 6.0, 20.0);
        assert!(
            lines.len() > 1 && lines.iter().all(|l| d.width(l, 6.0) <= 20.0),
            "{lines:?}"
        );
        let long = "発作が起きたら横向きに寝かせて、時間を計ってください。".repeat(3);
        let (size, lines) = d.fit(&long, &[6.0, 5.4, 4.8], 45.0, 9.0);
        assert!(size < 6.0, "shrunk a step: {size}");
        assert!(
            (lines.len() - 1) as f32 * line_height(size) <= 9.0,
            "{lines:?}"
        );
        let (size, _) = d.fit("短い文です。", &[6.0, 5.4], 45.0, 9.0);
        assert_eq!(size, 6.0);
    }
}
