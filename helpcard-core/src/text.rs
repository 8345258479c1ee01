//! The text coding: the strings of one card part, compressed with a static model of help-card
//! language (Japanese and English character statistics) and an arithmetic coder.
//!
//! UTF-8 spends 3 bytes on every kana and kanji; DEFLATE finds too few repeats in 200
//! characters to help much. This coding predicts each character from the two before it, using
//! statistics built once from public word-frequency data and the vocabulary labels
//! (`scripts/build-text-model.py`, model file `text/ja-2.model`, part of the format), and from
//! the characters already coded in the same part (names and phone numbers repeat). On the
//! texts of the eight reference profiles it takes about 36 % of the UTF-8 size; see the
//! manual's format section.
//!
//! A part's strings are coded one after another into one stream, each followed by an end
//! symbol. A character outside the model's alphabet is an escape symbol followed by its code
//! point (21 bits). The coding is exact: [`decode`] returns the very strings given to
//! [`encode`], and accepts only the stream `encode` produces for them.
//!
//! ```
//! use helpcard_core::text;
//! let stream = text::encode(&["筆談でお願いします", "090-1234-5678"])?;
//! let utf8 = "筆談でお願いします".len() + "090-1234-5678".len();
//! assert!(stream.len() * 3 < utf8 * 2, "{} bytes instead of {utf8}", stream.len());
//! assert_eq!(text::decode(&stream, 2)?, ["筆談でお願いします", "090-1234-5678"]);
//! # Ok::<(), text::TextError>(())
//! ```

mod arith;
mod compact;
mod model;

use std::sync::OnceLock;

use arith::{Decoder, Encoder};
use compact::Compact;
use model::{END, ESCAPE, Model, Seen};

/// Most symbols (characters plus one end per string) in one part. A card holds at most about
/// 3 000 bytes, and decoding must stay bounded when a crafted stream codes long runs cheaply.
pub const MAX_SYMBOLS: usize = 4096;

/// Most items in one list of a card part.
pub const MAX_COUNT: usize = 126;

/// Code points after an escape are coded uniformly in `[0, 0x110000)`.
const CODE_POINTS: u64 = 0x11_0000;

/// Why a text stream was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// The texts have more than [`MAX_SYMBOLS`] characters, or a list more than
    /// [`MAX_COUNT`] items.
    #[error(
        "too long for a card ({0} characters or items; at most {MAX_SYMBOLS} characters, {MAX_COUNT} items per list)"
    )]
    TooLong(usize),
    /// The stream does not decode to valid text, or is not the stream the coder writes.
    #[error("the text coding is damaged or altered")]
    Malformed,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // `ja-2.model` packed by kind (see `compact`); a test checks it reads to the same model.
        Compact::new(include_bytes!("text/ja-2.compact"))
            .and_then(|mut numbers| Model::read(&mut numbers))
            .expect("the built-in text model parses")
    })
}

/// Writes texts and small structural symbols (flags, counts, integers) into one arithmetic-
/// coded stream; texts share the model's memory of what this stream already said.
pub struct Writer {
    model: &'static Model,
    seen: Seen,
    out: Encoder,
    symbols: usize,
}

impl Default for Writer {
    fn default() -> Writer {
        let model = model();
        Writer {
            model,
            seen: Seen::new(model),
            out: Encoder::new(),
            symbols: 0,
        }
    }
}

impl Writer {
    /// One bit, both values equally likely.
    pub fn flag(&mut self, bit: bool) {
        self.out.encode(2, u64::from(bit), 1);
    }

    /// A count up to [`MAX_COUNT`]: Elias gamma code of `n + 1` (1 bit for 0, 3 for 1–2, …).
    pub fn count(&mut self, n: usize) -> Result<(), TextError> {
        if n > MAX_COUNT {
            return Err(TextError::TooLong(n));
        }
        let m = n as u64 + 1;
        let bits = 63 - m.leading_zeros();
        for _ in 0..bits {
            self.flag(false);
        }
        self.flag(true);
        for i in (0..bits).rev() {
            self.flag(m >> i & 1 == 1);
        }
        Ok(())
    }

    /// An unsigned integer: LEB128 bytes, each coded as 8 even bits.
    pub fn uint(&mut self, mut v: u64) {
        loop {
            let byte = v & 0x7F;
            v >>= 7;
            self.out.encode(256, byte | if v > 0 { 0x80 } else { 0 }, 1);
            if v == 0 {
                return;
            }
        }
    }

    /// One string, predicted by the text model, followed by the end symbol.
    pub fn text(&mut self, text: &str) -> Result<(), TextError> {
        self.symbols += text.chars().count() + 1;
        if self.symbols > MAX_SYMBOLS {
            return Err(TextError::TooLong(self.symbols));
        }
        let (mut p2, mut p1) = (END, END);
        for c in text.chars().map(Some).chain([None]) {
            let symbol = c.map_or(END, |c| self.model.symbol(c));
            let dist = self.model.distribution(p2, p1, &self.seen);
            let (low, width) = dist.interval(symbol);
            self.out.encode(dist.total, low, width);
            if symbol == ESCAPE {
                let cp = u64::from(c.map_or(0, u32::from));
                self.out.encode(CODE_POINTS, cp, 1);
            }
            self.seen.add(p1, symbol);
            (p2, p1) = (p1, symbol);
        }
        Ok(())
    }

    /// The stream: the coder's bits, its final 1 bit, no trailing zero bytes.
    pub fn finish(self) -> Vec<u8> {
        self.out.finish()
    }
}

/// Reads back what a [`Writer`] wrote, symbol by symbol, in the same order.
pub struct Reader<'a> {
    model: &'static Model,
    seen: Seen,
    input: Decoder<'a>,
    symbols: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `stream`.
    pub fn new(stream: &'a [u8]) -> Reader<'a> {
        let model = model();
        Reader {
            model,
            seen: Seen::new(model),
            input: Decoder::new(stream),
            symbols: 0,
        }
    }

    fn take(&mut self, total: u64) -> u64 {
        let v = self.input.target(total);
        self.input.consume(total, v, 1);
        v
    }

    /// See [`Writer::flag`].
    pub fn flag(&mut self) -> bool {
        self.take(2) == 1
    }

    /// See [`Writer::count`].
    pub fn count(&mut self) -> Result<usize, TextError> {
        let mut bits = 0;
        while !self.flag() {
            bits += 1;
            if bits > MAX_COUNT.ilog2() {
                return Err(TextError::Malformed);
            }
        }
        let mut m = 1u64;
        for _ in 0..bits {
            m = m << 1 | u64::from(self.flag());
        }
        let n = (m - 1) as usize;
        if n > MAX_COUNT {
            return Err(TextError::Malformed);
        }
        Ok(n)
    }

    /// See [`Writer::uint`].
    pub fn uint(&mut self) -> Result<u64, TextError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(256);
            if byte == 0 && shift > 0 {
                // A final zero byte: not the shortest encoding.
                return Err(TextError::Malformed);
            }
            v |= (byte & 0x7F)
                .checked_shl(shift)
                .filter(|x| x >> shift == byte & 0x7F)
                .ok_or(TextError::Malformed)?;
            if byte < 0x80 {
                return Ok(v);
            }
        }
        Err(TextError::Malformed)
    }

    /// See [`Writer::text`].
    pub fn text(&mut self) -> Result<String, TextError> {
        let (mut p2, mut p1) = (END, END);
        let mut text = String::new();
        loop {
            self.symbols += 1;
            if self.symbols > MAX_SYMBOLS {
                return Err(TextError::Malformed);
            }
            let dist = self.model.distribution(p2, p1, &self.seen);
            let symbol = dist.find(self.input.target(dist.total));
            let (low, width) = dist.interval(symbol);
            self.input.consume(dist.total, low, width);
            match symbol {
                END => {}
                ESCAPE => {
                    let cp = self.take(CODE_POINTS);
                    let c = u32::try_from(cp)
                        .ok()
                        .and_then(char::from_u32)
                        .filter(|c| self.model.symbol(*c) == ESCAPE)
                        .ok_or(TextError::Malformed)?;
                    text.push(c);
                }
                s => text.push(self.model.char(s)),
            }
            self.seen.add(p1, symbol);
            (p2, p1) = (p1, symbol);
            if symbol == END {
                return Ok(text);
            }
        }
    }

    /// Ends reading: only the writer's own output for what was read is accepted (one meaning,
    /// one encoding: nothing after the end, no escaped character the alphabet has, no
    /// zero-padded integer).
    pub fn finish(self) -> Result<(), TextError> {
        if self.input.finish_matches_input() {
            Ok(())
        } else {
            Err(TextError::Malformed)
        }
    }
}

/// Codes `texts` into one stream (empty when there are no texts).
pub fn encode<S: AsRef<str>>(texts: &[S]) -> Result<Vec<u8>, TextError> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Writer::default();
    for t in texts {
        w.text(t.as_ref())?;
    }
    Ok(w.finish())
}

/// Decodes `count` strings from a stream written by [`encode`].
pub fn decode(stream: &[u8], count: usize) -> Result<Vec<String>, TextError> {
    if count == 0 {
        return if stream.is_empty() {
            Ok(Vec::new())
        } else {
            Err(TextError::Malformed)
        };
    }
    let mut r = Reader::new(stream);
    let texts = (0..count.min(MAX_SYMBOLS))
        .map(|_| r.text())
        .collect::<Result<Vec<_>, _>>()?;
    if texts.len() != count {
        return Err(TextError::Malformed);
    }
    r.finish()?;
    Ok(texts)
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
