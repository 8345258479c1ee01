//! The characters of a code's text: one decision for every engine's output.
//!
//! ISO/IEC 18004 §7.4.5 gives byte segments no character set of their own: an ECI designator
//! (§7.4.2) names one, and without it readers guess. Most Japanese codes carry Shift_JIS bytes
//! with no ECI; most others UTF-8. The rule here is zxing-cpp's: the character set an ECI names;
//! without an ECI, UTF-8 if the bytes are valid UTF-8, else Shift_JIS if they are valid Shift_JIS,
//! else ISO-8859-1 (which every byte sequence is). Kanji-mode segments are Shift_JIS and
//! Hanzi-mode segments (GB/T 18284) GB 2312 by definition. Our grid reader hands its segments here ([`text`]); rqrr's payload bytes and
//! rxing's results come here too (`read`), so the same symbol gives the same text whichever
//! engine read it.
//!
//! Shift_JIS and the other ECI character sets need the `charsets` feature (`encoding_rs`, on by
//! default); without it (the browser's reader, which reads only help cards: ASCII) such bytes
//! are read as ISO-8859-1 and Kanji as U+FFFD.

/// A segment's contribution to a code's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// Numeric or alphanumeric characters (ASCII).
    Ascii(Vec<u8>),
    /// A byte segment, with the ECI in force (none before the first ECI designator).
    Bytes {
        /// The segment's bytes.
        bytes: Vec<u8>,
        /// The ECI assignment number in force.
        eci: Option<u32>,
    },
    /// A Kanji segment as its Shift_JIS bytes.
    Kanji(Vec<u8>),
    /// A Hanzi segment (GB/T 18284, mode 13) as its GB 2312 bytes.
    Hanzi(Vec<u8>),
}

/// The text of a code's segments.
pub(crate) fn text(parts: &[Part]) -> String {
    // Byte segments without an ECI are decided together (with the ASCII around them, which
    // reads alike in all three candidates): a two-byte character may span two segments.
    let unmarked: Vec<u8> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Ascii(b)
            | Part::Bytes {
                bytes: b,
                eci: None,
            } => Some(b.as_slice()),
            _ => None,
        })
        .flatten()
        .copied()
        .collect();
    let guessed = Charset::guess(&unmarked);
    let mut out = String::new();
    let mut run: Vec<u8> = Vec::new();
    for part in parts {
        match part {
            Part::Ascii(b)
            | Part::Bytes {
                bytes: b,
                eci: None,
            } => run.extend_from_slice(b),
            Part::Bytes {
                bytes,
                eci: Some(eci),
            } => {
                out.push_str(&guessed.decode(&std::mem::take(&mut run)));
                out.push_str(&Charset::of_eci(*eci).unwrap_or(guessed).decode(bytes));
            }
            Part::Kanji(sjis) => {
                out.push_str(&guessed.decode(&std::mem::take(&mut run)));
                out.push_str(&Charset::ShiftJis.decode(sjis));
            }
            Part::Hanzi(gb) => {
                out.push_str(&guessed.decode(&std::mem::take(&mut run)));
                out.push_str(&Charset::Gb2312.decode(gb));
            }
        }
    }
    out.push_str(&guessed.decode(&run));
    out
}

/// The text of a code's payload bytes when no ECI says what they are (rqrr's output; an rxing
/// result without an ECI).
#[cfg(any(feature = "rxing", feature = "rqrr", test))]
pub(crate) fn guess(bytes: &[u8]) -> String {
    Charset::guess(bytes).decode(bytes)
}

/// Whether `text` is what some reader's own guess made of `bytes` when no ECI said what they
/// are: their reading as UTF-8, Shift_JIS or ISO-8859-1 (another engine's rule may pick another
/// of the three than [`guess`]; a text with Kanji or Hanzi segments among the bytes is none of
/// them).
#[cfg(feature = "rxing")]
pub(crate) fn is_a_guess_of(text: &str, bytes: &[u8]) -> bool {
    [Charset::Utf8, Charset::ShiftJis, Charset::Latin1]
        .iter()
        .any(|c| c.strict(bytes).is_some_and(|t| t == text))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Charset {
    Utf8,
    Latin1,
    Ascii,
    ShiftJis,
    /// GB 2312 (read as GB 18030, its superset), which Hanzi segments hold.
    Gb2312,
    /// Another character set `encoding_rs` has (ISO 8859 parts, Windows code pages, Big5,
    /// GB 18030, EUC-KR, UTF-16BE).
    #[cfg(feature = "charsets")]
    Other(&'static encoding_rs::Encoding),
}

impl Charset {
    fn guess(bytes: &[u8]) -> Charset {
        if std::str::from_utf8(bytes).is_ok() {
            Charset::Utf8
        } else if cfg!(feature = "charsets") && Charset::ShiftJis.strict(bytes).is_some() {
            Charset::ShiftJis
        } else {
            Charset::Latin1
        }
    }

    /// The character set of an ECI assignment number (the AIM ECI register as zxing-cpp reads
    /// it); `None` for one not known here.
    fn of_eci(eci: u32) -> Option<Charset> {
        Some(match eci {
            // 0 and 2 are Code Page 437, which encoding_rs lacks: its ASCII half is the same.
            0..=3 => Charset::Latin1,
            20 => Charset::ShiftJis,
            26 => Charset::Utf8,
            27 | 170 => Charset::Ascii,
            #[cfg(feature = "charsets")]
            4..=18 | 21..=25 | 28..=30 | 32 => {
                use encoding_rs as e;
                Charset::Other(match eci {
                    4 => e::ISO_8859_2,
                    5 => e::ISO_8859_3,
                    6 => e::ISO_8859_4,
                    7 => e::ISO_8859_5,
                    8 => e::ISO_8859_6,
                    9 => e::ISO_8859_7,
                    10 => e::ISO_8859_8,
                    11 => e::WINDOWS_1254,
                    12 => e::ISO_8859_10,
                    13 => e::WINDOWS_874,
                    15 => e::ISO_8859_13,
                    16 => e::ISO_8859_14,
                    17 => e::ISO_8859_15,
                    18 => e::ISO_8859_16,
                    21 => e::WINDOWS_1250,
                    22 => e::WINDOWS_1251,
                    23 => e::WINDOWS_1252,
                    24 => e::WINDOWS_1256,
                    25 => e::UTF_16BE,
                    28 => e::BIG5,
                    29 | 32 => e::GB18030,
                    30 => e::EUC_KR,
                    _ => return None,
                })
            }
            _ => return None,
        })
    }

    /// The bytes as this character set, `None` if they are not valid in it.
    fn strict(self, bytes: &[u8]) -> Option<String> {
        match self {
            Charset::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
            Charset::Latin1 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
            Charset::Ascii => bytes
                .is_ascii()
                .then(|| String::from_utf8_lossy(bytes).into_owned()),
            #[cfg(feature = "charsets")]
            Charset::ShiftJis => encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| t.into_owned()),
            #[cfg(feature = "charsets")]
            Charset::Gb2312 => encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| t.into_owned()),
            #[cfg(not(feature = "charsets"))]
            Charset::ShiftJis | Charset::Gb2312 => None,
            #[cfg(feature = "charsets")]
            Charset::Other(e) => e
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| t.into_owned()),
        }
    }

    /// The bytes as this character set; bytes it cannot take are read as ISO-8859-1 (Kanji as
    /// U+FFFD without `charsets`), so nothing is dropped.
    fn decode(self, bytes: &[u8]) -> String {
        if bytes.is_empty() {
            return String::new();
        }
        match (self.strict(bytes), self) {
            (Some(text), _) => text,
            (None, Charset::ShiftJis | Charset::Gb2312) if !cfg!(feature = "charsets") => {
                "\u{fffd}".repeat(bytes.len() / 2)
            }
            (None, _) => Charset::Latin1.decode(bytes),
        }
    }
}

#[cfg(test)]
mod tests;
