//! QR text: `PREFIX#` + format-version digit + the payload as decimal digits.
//!
//! Every 7 payload bytes become 17 digits (a big-endian 56-bit number, zero-padded); a shorter
//! last chunk of n bytes has a fixed width: 1→3, 2→5, 3→8, 4→10, 5→13, 6→15 digits. The
//! digits land in one QR numeric segment (10 bits per 3 digits), within 1.2 % of raw binary,
//! and survive every string API a scanner puts them through, which raw bytes do not. The
//! prefix makes a phone's stock camera open the web scanner; the payload sits in the URL
//! fragment, which browsers never send to a server. Decoding ignores the prefix entirely: it
//! is not trusted for anything.

/// The format version written as the first digit after `#`.
pub const FORMAT_VERSION: u8 = 1;

/// Prefix used when the issuer does not configure one.
pub const DEFAULT_PREFIX: &str = "HTTPS://HELPCARD.EXAMPLE/S";

/// Digits for a last chunk of 0..=7 bytes.
const WIDTH: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];

/// Why QR text could not be turned back into payload bytes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrTextError {
    /// No `#` separates a prefix from the payload: not a help-card code.
    #[error("no '#' in the text: this is not a help-card code")]
    MissingFragment,
    /// The fragment has characters other than digits.
    #[error("the payload contains a character that is not a digit")]
    NotDigits,
    /// The payload's length is not one a help card can have: the code was cut short.
    #[error("the payload has {0} digits, which no help card has (cut short?)")]
    BadDigitCount(usize),
    /// A chunk's value does not fit its byte count.
    #[error("a chunk of digits is out of range (damaged code)")]
    ChunkOutOfRange,
    /// The format version digit is one this build does not read.
    #[error("card format version {0} is not supported by this version (update the scanner)")]
    UnknownVersion(u8),
    /// The prefix cannot be used: it holds `#` or characters outside printable ASCII.
    #[error("the URL prefix must be printable ASCII without '#'")]
    BadPrefix,
}

/// Encodes payload bytes as QR text under `prefix` (upper-cased, so it fits QR alphanumeric
/// mode where it can).
pub fn encode(prefix: &str, payload: &[u8]) -> Result<String, QrTextError> {
    if !prefix.bytes().all(|b| b.is_ascii_graphic() && b != b'#') {
        return Err(QrTextError::BadPrefix);
    }
    let mut out = String::with_capacity(prefix.len() + 2 + payload.len() * 17 / 7 + 17);
    out.push_str(&prefix.to_ascii_uppercase());
    out.push('#');
    out.push(char::from(b'0' + FORMAT_VERSION));
    for chunk in payload.chunks(7) {
        let value = chunk.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b));
        out.push_str(&format!("{value:0width$}", width = WIDTH[chunk.len()]));
    }
    Ok(out)
}

/// Decodes QR text to payload bytes. Any prefix is accepted, in any case.
pub fn decode(text: &str) -> Result<Vec<u8>, QrTextError> {
    let (_, fragment) = text.split_once('#').ok_or(QrTextError::MissingFragment)?;
    let digits = fragment.as_bytes();
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(QrTextError::NotDigits);
    }
    let (&version, digits) = digits.split_first().ok_or(QrTextError::BadDigitCount(0))?;
    let version = version - b'0';
    if version != FORMAT_VERSION {
        return Err(QrTextError::UnknownVersion(version));
    }
    let last_width = digits.len() % 17;
    let last_len = WIDTH
        .iter()
        .position(|w| *w == last_width)
        .ok_or(QrTextError::BadDigitCount(digits.len()))?;
    let mut out = Vec::with_capacity(digits.len() / 17 * 7 + last_len);
    for chunk in digits.chunks(17) {
        let n = if chunk.len() == 17 { 7 } else { last_len };
        // At most 17 digits: fits u64 (10^17 < 2^64).
        let value = chunk.iter().fold(0u64, |v, d| v * 10 + u64::from(d - b'0'));
        if n < 8 && value >> (8 * n) != 0 {
            return Err(QrTextError::ChunkOutOfRange);
        }
        out.extend_from_slice(&value.to_be_bytes()[8 - n..]);
    }
    Ok(out)
}

/// The parts of QR text and the QR mode each belongs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segments<'a> {
    /// Prefix without `#`: alphanumeric mode if every character allows it, else byte mode.
    pub prefix: &'a str,
    /// The `#`, which QR alphanumeric mode lacks: one byte-mode character.
    pub separator: &'a str,
    /// Version digit and payload digits: numeric mode.
    pub digits: &'a str,
}

/// Splits QR text into its segments, or `None` if it has no `#`.
pub fn segments(text: &str) -> Option<Segments<'_>> {
    let i = text.find('#')?;
    Some(Segments {
        prefix: &text[..i],
        separator: &text[i..=i],
        digits: &text[i + 1..],
    })
}

#[cfg(test)]
#[path = "qrtext_tests.rs"]
mod tests;
