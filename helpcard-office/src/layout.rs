//! What is printed, and where: a help card at true ID-1 size (85.6 × 54 mm), A4 sheets of cards
//! with crop marks, and the holder's copy (what the card contains, in plain language), drawn
//! with [`crate::pdf`].
//!
//! Three layouts ([`Layout`]). *Single*: one face with the QR code at 32 mm beside the text.
//! *Duplex* (the default): the front carries the help mark and the words at full width, the
//! back the QR code alone at 50 mm (0.54–0.56 mm modules at versions 16–17): a kiosk's webcam
//! reads it from further away (helpcard-kiosk's README has the numbers). *Folded*: both faces
//! on one side of a 85.6 × 108 mm piece, the back turned 180° so that it is upright once
//! folded along the dashed line (the folded ヘルプカード format).
//!
//! A card is printed in its holder's language (the profile's), which may differ from the
//! staff's.

use helpcard_core::date::UnixTime;
use helpcard_core::profile::{Profile, labels};
use helpcard_core::trust::CardId;
use helpcard_core::view::private_sections;
use helpcard_core::vocab::Lang;
use helpcard_qr::Symbol;
use pdf_writer::Content;

use crate::pdf::{A4_H, A4_W, Document, line_height, pt};

/// ID-1 card width (ISO/IEC 7810), mm.
pub const CARD_W: f32 = 85.6;
/// ID-1 card height, mm.
pub const CARD_H: f32 = 54.0;
/// The help mark's bottom edge on a face, mm above the card's bottom (its top-left corner
/// holds the 13 × 18 mm mark).
pub const HELP_MARK_BOTTOM: f32 = CARD_H - 21.0;

/// One line of text where it prints on a card: its left end and baseline in mm from the card's
/// bottom-left corner, its size in points.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Run {
    /// The words.
    pub text: String,
    /// Left end, mm.
    pub x: f32,
    /// Baseline, mm above the card's bottom.
    pub y: f32,
    /// Size, points.
    pub size: f32,
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

    /// A QR module's width in mm at `version` (its code is 17 + 4 × version modules and a
    /// 4-module quiet zone on each side, across [`Layout::qr_mm`]).
    pub fn module_mm(self, version: u8) -> f32 {
        self.qr_mm() / (25 + 4 * u32::from(version)) as f32
    }

    /// How far a kiosk's autofocus webcam reads the code at `version`, in cm (1080p, 720p):
    /// the reader needs about 2 pixels a module, which the read-range sweep puts at 70 and 52
    /// times the module's width in mm (helpcard-kiosk's README), rounded down to 2.5 cm. A
    /// phone reads further.
    pub fn reach_cm(self, version: u8) -> (f32, f32) {
        let m = self.module_mm(version);
        let step = |k: f32| (k * m / 2.5).floor() * 2.5;
        (step(70.0), step(52.0))
    }

    /// The printed width of the QR code with its quiet zone, in mm.
    pub fn qr_mm(self) -> f32 {
        match self {
            Layout::Single => 32.0,
            Layout::Duplex | Layout::Folded => 50.0,
        }
    }
}

/// The card's words: Japanese (also for a card in やさしい日本語, whose vocabulary labels are
/// its own) or English.
fn t(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    lang.pick(ja, en, ja)
}

/// The card's faces, in the holder's language.
pub fn face<'a>(
    profile: &'a Profile,
    symbol: &'a Symbol,
    issuer: &'a str,
    card_id: CardId,
    expires: UnixTime,
) -> CardFace<'a> {
    let lang = profile.lang();
    CardFace {
        title: t(lang, "ヘルプカード", "Help card"),
        help: labels(&profile.public.help, lang),
        message: &profile.public.message,
        issuer,
        card_id: format!("{} {card_id}", t(lang, "カード番号", "Card")),
        expires: format!("{} {}", t(lang, "有効期限", "Valid until"), expires.date()),
        symbol,
        back_note: t(
            lang,
            "支援する方へ: この QR コードを読み取ると、手助けの内容が表示されます。",
            "To help me: scan this QR code to see what help I need.",
        ),
    }
}

/// The holder's copy: every field on the card, public and private, in plain words, so the
/// holder knows what their card says (APPI: the right to know what is held about them); in the
/// card's language.
pub fn holder_copy(
    profile: &Profile,
    issuer: &str,
    card_id: CardId,
    expires: UnixTime,
) -> (String, Vec<(String, String)>) {
    holder_copy_in(profile, issuer, card_id, expires, profile.lang())
}

/// The holder's copy in `lang` (the desk adds one in やさしい日本語 to a card in Japanese).
pub fn holder_copy_in(
    profile: &Profile,
    issuer: &str,
    card_id: CardId,
    expires: UnixTime,
    lang: Lang,
) -> (String, Vec<(String, String)>) {
    let w =
        |ja: &'static str, en: &'static str, easy: &'static str| lang.pick(ja, en, easy).to_owned();
    let mut lines = vec![
        (
            w(
                "このカードについて",
                "About this card",
                "この カードの こと",
            ),
            w(
                "カードの QR コードには次の内容が入っています。「公開」の内容はだれでも読めます。「非公開」の内容は暗号化されていて、登録された支援者（応答者）だけが読めます。内容を直したいとき、カードをなくしたときは発行窓口に連絡してください。",
                "The QR code on your card holds what is listed here. The public part can be read by anyone. The private part is encrypted: only registered responders can read it. To correct it, or if you lose the card, contact the issuing office.",
                "カードの QR コードには ここに かいて ある ことが はいって います。「だれでも みられる」ことは だれでも よめます。「たすける ひとだけ」の ことは、とうろく した たすける ひとだけが よめます。なおしたい とき、カードを なくした ときは まどぐちに れんらく して ください。",
            ),
        ),
        (w("発行", "Issued by", "だした ところ"), issuer.to_owned()),
        (
            w("カード番号", "Card id", "カードの ばんごう"),
            card_id.to_hex(),
        ),
        (
            w("有効期限", "Valid until", "つかえる きげん"),
            expires.date().to_string(),
        ),
        (
            w(
                "【公開】お願い",
                "[Public] Help",
                "【だれでも みられる】おねがい",
            ),
            labels(&profile.public.help, lang).join(&w("、", ", ", "、")),
        ),
        (
            w(
                "【公開】メッセージ",
                "[Public] Message",
                "【だれでも みられる】メッセージ",
            ),
            profile.public.message.clone(),
        ),
    ];
    if let Some(p) = &profile.private {
        let prefix = w("【非公開】", "[Private] ", "【たすける ひとだけ】");
        for section in private_sections(p, lang) {
            lines.extend(section.items.into_iter().map(|mut item| {
                (
                    format!("{prefix}{}", item.label),
                    std::mem::take(&mut item.value),
                )
            }));
        }
    }
    lines.retain(|(_, v)| !v.is_empty());
    (
        w(
            "ヘルプカードの内容（ご本人控え）",
            "What your help card contains (holder's copy)",
            "ヘルプカードに かいて ある こと（ほんにんの ひかえ）",
        ),
        lines,
    )
}

impl Document<'_> {
    /// Draws a card's front with its bottom-left corner at (x, y) mm: the help mark, the
    /// words ([`Document::front_words`]), and (single layout) the QR code at the right.
    fn front(
        &mut self,
        content: &mut Content,
        images: &mut Vec<usize>,
        face: &CardFace<'_>,
        (x, y): (f32, f32),
        with_qr: bool,
    ) {
        outline(content, x, y);
        self.help_mark(content, x, y);
        if with_qr {
            let size = Layout::Single.qr_mm();
            let at = (x + CARD_W - size - 2.5, centred(y, size));
            self.symbol(content, images, face.symbol, at, size);
        }
        for run in self.front_words(face, with_qr) {
            self.text(content, &run.text, x + run.x, y + run.y, run.size);
        }
    }

    /// The words on a card's front, each line where it prints: what [`Document::card_pages`]
    /// draws, and what a screen shows as the card's preview (same font, same line breaks).
    pub fn front_words(&self, face: &CardFace<'_>, with_qr: bool) -> Vec<Run> {
        let mut runs = Vec::new();
        let mut put = |text: &str, x: f32, y: f32, size: f32| {
            runs.push(Run {
                text: text.to_owned(),
                x,
                y,
                size,
            })
        };
        let qr_size = if with_qr {
            Layout::Single.qr_mm() + 4.0
        } else {
            3.0
        };
        // Text column between the mark and the QR code (or the card's edge).
        let (tx, tw) = (18.5, CARD_W - 18.5 - qr_size);
        let mut ty = CARD_H - 7.0;
        put(face.title, tx, ty, 10.0);
        ty -= 4.8;
        for label in &face.help {
            for (i, line) in self.wrap(label, 6.2, tw - 2.2).into_iter().enumerate() {
                if ty < 14.0 {
                    break;
                }
                if i == 0 {
                    put("・", tx, ty, 6.2);
                }
                put(&line, tx + 2.2, ty, 6.2);
                ty -= 2.9;
            }
        }
        // The message runs below the help mark, across the text column and the mark's width,
        // a step smaller when it would not fit at 6 pt.
        ty = ty.min(HELP_MARK_BOTTOM - 3.2);
        let bottom = 14.0;
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
            put(&line, 3.0, ty, size);
            ty -= line_height(size);
        }
        // Issuer, card id and expiry along the bottom left.
        for (i, line) in [face.issuer, &face.card_id, &face.expires]
            .iter()
            .enumerate()
        {
            put(line, 3.0, 9.5 - i as f32 * 3.0, 5.5);
        }
        runs
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
        let at = (x + CARD_W - size - 2.0, centred(y, size));
        self.symbol(content, images, face.symbol, at, size);
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
    /// Tokyo's ヘルプマーク.
    fn help_mark(&mut self, content: &mut Content, x: f32, y: f32) {
        let (mx, my, mw, mh) = (x + 3.0, y + HELP_MARK_BOTTOM, 13.0, 18.0);
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
}

/// Where something `size` mm high stands to be centred on a card whose bottom is at `y`.
fn centred(y: f32, size: f32) -> f32 {
    y + (CARD_H - size) / 2.0
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
#[path = "layout_tests.rs"]
mod tests;
