//! The text coding: the strings of one card part, compressed with a static model of help-card
//! language (Japanese and English character statistics) and an arithmetic coder.
//!
//! UTF-8 spends 3 bytes on every kana and kanji; DEFLATE finds too few repeats in 200
//! characters to help much. This coding predicts each character from the two before it, using
//! statistics built once from public word-frequency data (`scripts/build-text-model.py`, model
//! file `text/ja-1.model`, part of the format), and from the characters already coded in the
//! same part (names and phone numbers repeat). Measured on the reference profiles it takes a
//! little under half of the UTF-8 size; see the manual's format section.
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
mod model;

use std::sync::OnceLock;

use arith::{Decoder, Encoder};
use model::{END, ESCAPE, Model, Seen};

/// Most symbols (characters plus one end per string) in one part. A card holds at most about
/// 3 000 bytes, and decoding must stay bounded when a crafted stream codes long runs cheaply.
pub const MAX_SYMBOLS: usize = 4096;

/// Code points after an escape are coded uniformly in `[0, 0x110000)`.
const CODE_POINTS: u64 = 0x11_0000;

/// Why a text stream was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// The texts have more than [`MAX_SYMBOLS`] characters.
    #[error("the texts are too long for a card ({0} characters, at most {MAX_SYMBOLS})")]
    TooLong(usize),
    /// The stream does not decode to valid text, or is not the stream the coder writes.
    #[error("the text coding is damaged or altered")]
    Malformed,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        Model::parse(include_bytes!("text/ja-1.model")).expect("the built-in text model parses")
    })
}

/// Codes `texts` into one stream (empty when there are no texts).
pub fn encode<S: AsRef<str>>(texts: &[S]) -> Result<Vec<u8>, TextError> {
    let symbols: usize = texts.iter().map(|t| t.as_ref().chars().count() + 1).sum();
    if symbols > MAX_SYMBOLS {
        return Err(TextError::TooLong(symbols));
    }
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let model = model();
    let mut seen = Seen::default();
    let mut out = Encoder::new();
    for text in texts {
        let (mut p2, mut p1) = (END, END);
        let chars = text.as_ref().chars().map(Some).chain([None]);
        for c in chars {
            let symbol = c.map_or(END, |c| model.symbol(c));
            let dist = model.distribution(p2, p1, &seen);
            let (low, width) = dist.interval(symbol);
            out.encode(dist.total, low, width);
            if symbol == ESCAPE {
                let cp = u64::from(c.map_or(0, u32::from));
                out.encode(CODE_POINTS, cp, 1);
            }
            seen.add(p1, symbol);
            (p2, p1) = (p1, symbol);
        }
    }
    Ok(out.finish())
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
    let model = model();
    let mut seen = Seen::default();
    let mut input = Decoder::new(stream);
    let mut texts = Vec::with_capacity(count.min(MAX_SYMBOLS));
    let mut symbols = 0;
    for _ in 0..count {
        let (mut p2, mut p1) = (END, END);
        let mut text = String::new();
        loop {
            symbols += 1;
            if symbols > MAX_SYMBOLS {
                return Err(TextError::Malformed);
            }
            let dist = model.distribution(p2, p1, &seen);
            let symbol = dist.find(input.target(dist.total));
            let (low, width) = dist.interval(symbol);
            input.consume(dist.total, low, width);
            match symbol {
                END => {}
                ESCAPE => {
                    let cp = input.target(CODE_POINTS);
                    input.consume(CODE_POINTS, cp, 1);
                    let c = u32::try_from(cp)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or(TextError::Malformed)?;
                    text.push(c);
                }
                s => text.push(model.char(s)),
            }
            seen.add(p1, symbol);
            (p2, p1) = (p1, symbol);
            if symbol == END {
                break;
            }
        }
        texts.push(text);
    }
    // One meaning, one encoding: anything but the coder's own output (an escaped character
    // the alphabet has, bits after the end) is refused.
    if encode(&texts)? != stream {
        return Err(TextError::Malformed);
    }
    Ok(texts)
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
