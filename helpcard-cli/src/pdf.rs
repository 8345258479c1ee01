//! Printable PDFs: a help card at true ID-1 size (85.6 × 54 mm), A4 sheets of cards with crop
//! marks, and the holder's copy (what the card contains, in plain language).
//!
//! Three layouts ([`Layout`]). *Single*: one face with the QR code at 32 mm beside the text.
//! *Duplex* (the default): the front carries the help mark and the words at full width, the
//! back the QR code alone at 50 mm (0.54–0.56 mm modules at versions 16–17): a kiosk's webcam
//! reads it from further away (helpcard-kiosk's README has the numbers). *Folded*: both faces
//! on one side of a 85.6 × 108 mm piece, the back turned 180° so that it is upright once
//! folded along the dashed line (the folded ヘルプカード format).
//!
//! Japanese text uses an embedded TrueType font (the bundled BIZ UDGothic by default), subset to the glyphs
//! used, as a Type0/CIDFontType2 font with Identity-H encoding and a ToUnicode map, so the text
//! is selectable and searchable. The QR code, with its 4-module quiet zone, is a 1-bit image
//! with one pixel per module and interpolation off: exact squares at any print resolution.

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

use crate::fail::Fail;
use crate::lang::Lang;

const PT_PER_MM: f32 = 72.0 / 25.4;
/// Characters that never start a line (the fallback for a phrase wider than a line).
const NO_LINE_START: &str =
    "、。，．）」』】〕！？・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ々ヽヾゝゞ,.)!?:;";
/// ID-1 card size (ISO/IEC 7810).
pub const CARD_W: f32 = 85.6;
/// ID-1 card height.
pub const CARD_H: f32 = 54.0;
const A4_W: f32 = 210.0;
const A4_H: f32 = 297.0;

/// Baseline-to-baseline distance in mm for text of `size` points (1.33 × the size).
fn line_height(size: f32) -> f32 {
    size * 2.8 / 6.0
}

fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// The font for PDFs: `path` (`--font`), else the file `HELPCARD_FONT` names, else the bundled
/// BIZ UDGothic ([`helpcard_font`]). A file is checked to be a font before it is used.
pub fn load_font(path: Option<&Path>, lang: Lang) -> Result<Cow<'static, [u8]>, Fail> {
    let Some(path) = path
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("HELPCARD_FONT").map(PathBuf::from))
    else {
        return Ok(Cow::Borrowed(helpcard_font::BIZ_UD_GOTHIC));
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        Fail::general(format!(
            "{}: {} ({e})",
            path.display(),
            lang.t("フォントファイルを読めません", "cannot read the font file")
        ))
    })?;
    FontRef::from_index(&bytes, 0).map_err(|e| {
        Fail::general(format!(
            "{}: {} ({e})",
            path.display(),
            lang.t(
                "TrueType/OpenType フォントではありません",
                "not a TrueType/OpenType font"
            )
        ))
    })?;
    Ok(Cow::Owned(bytes))
}

/// What goes on the front of a card.
pub struct CardFace<'a> {
    /// "ヘルプカード" or "Help card".
    pub title: &'a str,
    /// Help request labels, most important first.
    pub help: Vec<String>,
    /// The public message.
    pub message: &'a str,
    /// Issuer display name.
    pub issuer: &'a str,
    /// Card id line.
    pub card_id: String,
    /// Expiry line.
    pub expires: String,
    /// The QR symbol.
    pub symbol: &'a Symbol,
    /// The back's words beside the QR code (duplex and folded layouts).
    pub back_note: &'a str,
}

/// How a card is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// One face: the QR code at 32 mm beside the text.
    Single,
    /// Two faces, for duplex printing: the QR code alone on the back at 50 mm.
    #[default]
    Duplex,
    /// Both faces on one piece, folded in the middle.
    Folded,
}

impl Layout {
    /// The height of one printed piece in mm: a card, or two for the folded layout.
    fn piece_height(self) -> f32 {
        match self {
            Layout::Folded => 2.0 * CARD_H,
            Layout::Single | Layout::Duplex => CARD_H,
        }
    }

    /// The printed width of the QR code with its quiet zone, in mm.
    pub fn qr_mm(self) -> f32 {
        match self {
            Layout::Single => 32.0,
            Layout::Duplex | Layout::Folded => 50.0,
        }
    }
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
    pub fn new(font: &'f [u8]) -> Result<Document<'f>, Fail> {
        let face = FontRef::from_index(font, 0).map_err(|e| Fail::general(format!("font: {e}")))?;
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
    fn text(&mut self, content: &mut Content, text: &str, x: f32, y: f32, size: f32) {
        let encoded = self.encode(text);
        content
            .begin_text()
            .set_font(Name(b"F1"), size)
            .next_line(pt(x), pt(y))
            .show(Str(&encoded))
            .end_text();
    }

    /// Splits `text` into lines no wider than `width` mm at `size` points, breaking where
    /// print would ([`crate::linebreak`]: between English words, at Japanese phrase
    /// boundaries, observing 禁則). Only a phrase wider than the line itself is broken between
    /// characters; a single character is never left alone on the last line if the line before
    /// can give it company.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for piece in crate::linebreak::segments(paragraph) {
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

    /// Draws a card's front with its bottom-left corner at (x, y) mm: the help mark, the
    /// words, and (single layout) the QR code at the right.
    fn front(
        &mut self,
        content: &mut Content,
        images: &mut Vec<usize>,
        face: &CardFace<'_>,
        (x, y): (f32, f32),
        with_qr: bool,
    ) {
        outline(content, x, y);
        let (_, my) = self.help_mark(content, x, y);
        let qr_size = if with_qr {
            let size = Layout::Single.qr_mm();
            self.symbol(
                content,
                images,
                face.symbol,
                x + CARD_W - size - 2.5,
                y,
                size,
            );
            size + 4.0
        } else {
            3.0
        };
        // Text column between the mark and the QR code (or the card's edge).
        let (tx, tw) = (x + 18.5, CARD_W - 18.5 - qr_size);
        let mut ty = y + CARD_H - 7.0;
        self.text(content, face.title, tx, ty, 10.0);
        ty -= 4.8;
        for label in &face.help {
            for (i, line) in self.wrap(label, 6.2, tw - 2.2).into_iter().enumerate() {
                if ty < y + 14.0 {
                    break;
                }
                if i == 0 {
                    self.text(content, "・", tx, ty, 6.2);
                }
                self.text(content, &line, tx + 2.2, ty, 6.2);
                ty -= 2.9;
            }
        }
        // The message runs below the help mark, across the text column and the mark's width,
        // a step smaller when it would not fit at 6 pt.
        ty = ty.min(my - 3.2);
        let bottom = y + 14.0;
        let (size, lines) = self.fit(
            face.message,
            &[6.0, 5.4, 4.8],
            tw + 15.5,
            (ty - bottom).max(0.0),
        );
        for line in lines {
            if ty < bottom {
                break;
            }
            self.text(content, &line, x + 3.0, ty, size);
            ty -= line_height(size);
        }
        // Issuer, card id and expiry along the bottom left.
        for (i, line) in [face.issuer, &face.card_id, &face.expires]
            .iter()
            .enumerate()
        {
            self.text(content, line, x + 3.0, y + 9.5 - i as f32 * 3.0, 5.5);
        }
    }

    /// Draws a card's back with its bottom-left corner at (x, y) mm: the QR code alone at
    /// [`Layout::Duplex`]'s size on the right, and beside it a small help mark, the note and
    /// the card id (to match a back to its front).
    fn back(
        &mut self,
        content: &mut Content,
        images: &mut Vec<usize>,
        face: &CardFace<'_>,
        (x, y): (f32, f32),
    ) {
        outline(content, x, y);
        let size = Layout::Duplex.qr_mm();
        self.symbol(
            content,
            images,
            face.symbol,
            x + CARD_W - size - 2.0,
            y,
            size,
        );
        self.help_mark(content, x, y);
        let width = CARD_W - size - 2.0 - 5.0;
        let (note, lines) = self.fit(face.back_note, &[6.0, 5.4, 4.8], width, 16.0);
        let mut ty = y + CARD_H - 25.0;
        for line in lines {
            self.text(content, &line, x + 3.0, ty, note);
            ty -= line_height(note);
        }
        for (i, line) in self.wrap(&face.card_id, 5.0, width).iter().enumerate() {
            self.text(content, line, x + 3.0, y + 6.0 - i as f32 * 2.6, 5.0);
        }
    }

    /// The help mark area at a face's top left: red with a white cross and heart, as on
    /// Tokyo's ヘルプマーク. Returns its bottom-left corner.
    fn help_mark(&mut self, content: &mut Content, x: f32, y: f32) -> (f32, f32) {
        let (mx, my, mw, mh) = (x + 3.0, y + CARD_H - 21.0, 13.0, 18.0);
        content
            .set_fill_rgb(0.86, 0.08, 0.15)
            .rect(pt(mx), pt(my), pt(mw), pt(mh))
            .fill_nonzero();
        content.set_fill_gray(1.0);
        content
            .rect(pt(mx + 5.0), pt(my + 10.5), pt(3.0), pt(6.0))
            .fill_nonzero();
        content
            .rect(pt(mx + 3.5), pt(my + 12.0), pt(6.0), pt(3.0))
            .fill_nonzero();
        self.text(content, "♥", mx + 3.2, my + 2.2, 20.0);
        content.set_fill_gray(0.0);
        (mx, my)
    }

    /// The QR code, `size` mm square with its quiet zone inside, at x, vertically centred on a
    /// card whose bottom is at y.
    fn symbol(
        &mut self,
        content: &mut Content,
        images: &mut Vec<usize>,
        symbol: &Symbol,
        x: f32,
        y: f32,
        size: f32,
    ) {
        let image = self.add_symbol(symbol);
        images.push(image);
        let qy = y + (CARD_H - size) / 2.0;
        content
            .save_state()
            .transform([pt(size), 0.0, 0.0, pt(size), pt(x), pt(qy)]);
        content
            .x_object(Name(format!("Q{image}").as_bytes()))
            .restore_state();
    }

    /// The card at true size: one page (single), the front and the back (duplex), or one
    /// 85.6 × 108 mm page to fold (folded).
    pub fn card_pages(&mut self, face: &CardFace<'_>, layout: Layout) {
        let (mut content, mut images) = (Content::new(), Vec::new());
        match layout {
            Layout::Single => self.front(&mut content, &mut images, face, (0.0, 0.0), true),
            Layout::Duplex => {
                self.front(&mut content, &mut images, face, (0.0, 0.0), false);
                self.push_page(CARD_W, CARD_H, &mut content, &mut images);
                self.back(&mut content, &mut images, face, (0.0, 0.0));
            }
            Layout::Folded => self.folded(&mut content, &mut images, face, (0.0, 0.0)),
        }
        self.push_page(CARD_W, layout.piece_height(), &mut content, &mut images);
    }

    /// A folded card with its bottom-left corner at (x, y): the front on the top half, the
    /// back on the bottom half turned 180°, a dashed fold line between.
    fn folded(
        &mut self,
        content: &mut Content,
        images: &mut Vec<usize>,
        face: &CardFace<'_>,
        (x, y): (f32, f32),
    ) {
        self.front(content, images, face, (x, y + CARD_H), false);
        content
            .save_state()
            .transform([-1.0, 0.0, 0.0, -1.0, pt(x + CARD_W), pt(y + CARD_H)]);
        self.back(content, images, face, (0.0, 0.0));
        content.restore_state();
        content
            .set_stroke_gray(0.5)
            .set_line_width(0.3)
            .set_dash_pattern([pt(2.0), pt(1.5)], 0.0)
            .move_to(pt(x), pt(y + CARD_H))
            .line_to(pt(x + CARD_W), pt(y + CARD_H))
            .stroke()
            .set_dash_pattern([], 0.0);
    }

    /// Ends the page drawn so far in `content` (showing `images`) and starts the next.
    fn push_page(
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

    /// A4 sheets with crop marks at every card corner. Single: ten cards a sheet (2 × 5).
    /// Duplex: ten fronts, then their backs on the next page, columns swapped so that each back
    /// lands behind its front when printed on both sides (flip on the long edge), with
    /// registration marks at the same places on both pages. Folded: four pieces a sheet
    /// (2 × 2), each folded along its dashed line.
    pub fn sheets(&mut self, faces: &[CardFace<'_>], layout: Layout) {
        let rows = if layout == Layout::Folded { 2 } else { 5 };
        let piece_h = layout.piece_height();
        let (x0, y0) = (
            (A4_W - 2.0 * CARD_W) / 2.0,
            (A4_H - rows as f32 * piece_h) / 2.0,
        );
        let at = |i: usize| {
            let (col, row) = (i % 2, i / 2);
            (
                x0 + col as f32 * CARD_W,
                A4_H - y0 - (row as f32 + 1.0) * piece_h,
            )
        };
        let (mut content, mut images) = (Content::new(), Vec::new());
        for chunk in faces.chunks(2 * rows) {
            for (i, face) in chunk.iter().enumerate() {
                match layout {
                    Layout::Single => self.front(&mut content, &mut images, face, at(i), true),
                    Layout::Duplex => self.front(&mut content, &mut images, face, at(i), false),
                    Layout::Folded => self.folded(&mut content, &mut images, face, at(i)),
                }
            }
            crop_marks(&mut content, x0, y0, rows, piece_h);
            if layout == Layout::Duplex {
                registration_marks(&mut content, y0);
                self.push_page(A4_W, A4_H, &mut content, &mut images);
                for (i, face) in chunk.iter().enumerate() {
                    self.back(&mut content, &mut images, face, at(i ^ 1));
                }
                crop_marks(&mut content, x0, y0, rows, piece_h);
                registration_marks(&mut content, y0);
            }
            self.push_page(A4_W, A4_H, &mut content, &mut images);
        }
    }

    /// An A4 page of headed lines (the holder's copy), continuing on new pages as needed.
    pub fn text_pages(&mut self, title: &str, lines: &[(String, String)]) {
        let (left, width, size) = (20.0, A4_W - 40.0, 10.0);
        let mut content = Content::new();
        let mut y = A4_H - 25.0;
        self.text(&mut content, title, left, y, 14.0);
        y -= 10.0;
        for (heading, body) in lines {
            let wrapped = self.wrap(body, size, width - 45.0);
            if y - wrapped.len() as f32 * 5.0 < 20.0 {
                self.push_page(A4_W, A4_H, &mut content, &mut Vec::new());
                y = A4_H - 25.0;
            }
            self.text(&mut content, heading, left, y, size);
            for line in wrapped {
                self.text(&mut content, &line, left + 45.0, y, size);
                y -= 5.0;
            }
            y -= 1.5;
        }
        self.push_page(A4_W, A4_H, &mut content, &mut Vec::new());
    }

    /// The PDF bytes: pages, then the font subset with its metrics and ToUnicode map.
    pub fn finish(self) -> Result<Vec<u8>, Fail> {
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
            .map_err(|e| Fail::general(format!("font subset: {e}")))?;
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

/// A card's outline (light grey, for cutting and as the card's edge on screen).
fn outline(content: &mut Content, x: f32, y: f32) {
    content
        .set_stroke_gray(0.75)
        .set_line_width(0.3)
        .rect(pt(x), pt(y), pt(CARD_W), pt(CARD_H))
        .stroke();
}

/// Crop marks at the corners of a 2 × `rows` grid of pieces `piece_h` mm high, outside them.
fn crop_marks(content: &mut Content, x0: f32, y0: f32, rows: usize, piece_h: f32) {
    content.set_stroke_gray(0.0).set_line_width(0.25);
    let xs = [x0, x0 + CARD_W, x0 + 2.0 * CARD_W];
    let ys: Vec<f32> = (0..=rows).map(|i| A4_H - y0 - i as f32 * piece_h).collect();
    for &y in &ys {
        content
            .move_to(pt(x0 - 8.0), pt(y))
            .line_to(pt(x0 - 2.0), pt(y));
        content
            .move_to(pt(xs[2] + 2.0), pt(y))
            .line_to(pt(xs[2] + 8.0), pt(y));
    }
    for &x in &xs {
        content
            .move_to(pt(x), pt(ys[0] + 2.0))
            .line_to(pt(x), pt(ys[0] + 8.0));
        content
            .move_to(pt(x), pt(ys[rows] - 2.0))
            .line_to(pt(x), pt(ys[rows] - 8.0));
    }
    content.stroke();
}

/// Registration targets (a circle and a cross) above and below the grid on the page's centre
/// line, and at the middle of its left and right margins: places that map onto each other when
/// a sheet is turned over on its long edge, so a duplex print can be checked against light.
fn registration_marks(content: &mut Content, y0: f32) {
    let targets = [
        (A4_W / 2.0, A4_H - y0 / 2.0),
        (A4_W / 2.0, y0 / 2.0),
        (6.0, A4_H / 2.0),
        (A4_W - 6.0, A4_H / 2.0),
    ];
    content.set_stroke_gray(0.0).set_line_width(0.2);
    for (x, y) in targets {
        content
            .move_to(pt(x - 3.0), pt(y))
            .line_to(pt(x + 3.0), pt(y))
            .move_to(pt(x), pt(y - 3.0))
            .line_to(pt(x), pt(y + 3.0));
        // A circle of radius 2 mm from four Bézier arcs.
        let (r, k) = (pt(2.0), pt(2.0) * 0.552_284_8);
        let (cx, cy) = (pt(x), pt(y));
        content
            .move_to(cx + r, cy)
            .cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r)
            .cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy)
            .cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r)
            .cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    }
    content.stroke();
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod wrap_tests {
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
