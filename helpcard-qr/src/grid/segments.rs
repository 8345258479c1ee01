//! The data bit stream to segments (ISO/IEC 18004:2015 §7.4): numeric, alphanumeric, byte
//! and Kanji segments (and GB/T 18284's Hanzi), ECI designators, structured-append headers and FNC1 indicators, the
//! terminator. Which characters a byte segment holds is decided in one place for every engine
//! (`crate::charset`).

use crate::charset::Part;

const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

struct Bits<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    fn left(&self) -> usize {
        self.data.len() * 8 - self.at
    }

    fn take(&mut self, n: usize) -> Option<u32> {
        if n > self.left() {
            return None;
        }
        let mut v = 0u32;
        for _ in 0..n {
            let bit = self.data[self.at / 8] >> (7 - self.at % 8) & 1;
            v = v << 1 | u32::from(bit);
            self.at += 1;
        }
        Some(v)
    }
}

/// Bits of the character count of `mode` (numeric 1, alphanumeric 2, byte 4, Kanji 8) in
/// `version`.
fn count_bits(mode: u32, version: u8) -> usize {
    let band = match version {
        1..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    match mode {
        1 => [10, 12, 14][band],
        2 => [9, 11, 13][band],
        8 => [8, 10, 12][band],
        _ => [8, 16, 16][band],
    }
}

/// The segments the data codewords carry, or `None` for a stream that does not parse (another
/// engine then gets its turn).
pub(super) fn decode(data: &[u8], version: u8) -> Option<Vec<Part>> {
    let mut bits = Bits { data, at: 0 };
    let mut out = Vec::new();
    let mut eci = None;
    loop {
        if bits.left() < 4 {
            return Some(out);
        }
        match bits.take(4)? {
            0 => return Some(out),
            1 => {
                let mut digits = Vec::new();
                let mut n = bits.take(count_bits(1, version))? as usize;
                while n > 0 {
                    let (width, count) = match n {
                        1 => (4, 1),
                        2 => (7, 2),
                        _ => (10, 3),
                    };
                    let v = bits.take(width)?;
                    if v >= 10u32.pow(count) {
                        return None;
                    }
                    digits.extend(format!("{v:0width$}", width = count as usize).bytes());
                    n -= count as usize;
                }
                out.push(Part::Ascii(digits));
            }
            2 => {
                let mut chars = Vec::new();
                let mut n = bits.take(count_bits(2, version))? as usize;
                while n > 0 {
                    if n == 1 {
                        chars.push(*ALPHANUMERIC.get(bits.take(6)? as usize)?);
                        break;
                    }
                    let v = bits.take(11)? as usize;
                    chars.push(*ALPHANUMERIC.get(v / 45)?);
                    chars.push(*ALPHANUMERIC.get(v % 45)?);
                    n -= 2;
                }
                out.push(Part::Ascii(chars));
            }
            4 => {
                let n = bits.take(count_bits(4, version))?;
                let bytes = (0..n)
                    .map(|_| bits.take(8).map(|b| b as u8))
                    .collect::<Option<Vec<u8>>>()?;
                out.push(Part::Bytes { bytes, eci });
            }
            8 => {
                // 13 bits a character: the Shift_JIS code minus 0x8140 (or 0xC140), its high
                // byte times 0xC0 plus its low byte (§7.4.6).
                let n = bits.take(count_bits(8, version))?;
                let mut sjis = Vec::with_capacity(2 * n as usize);
                for _ in 0..n {
                    let v = bits.take(13)?;
                    let packed = ((v / 0xC0) << 8) | (v % 0xC0);
                    let code = if packed + 0x8140 <= 0x9FFC {
                        packed + 0x8140
                    } else {
                        packed + 0xC140
                    };
                    sjis.extend_from_slice(&[(code >> 8) as u8, code as u8]);
                }
                out.push(Part::Kanji(sjis));
            }
            7 => {
                // ECI designator: 1, 2 or 3 bytes; in force for the segments after it.
                let first = bits.take(8)?;
                eci = Some(if first & 0x80 == 0 {
                    first
                } else if first & 0xC0 == 0x80 {
                    (first & 0x3F) << 8 | bits.take(8)?
                } else if first & 0xE0 == 0xC0 {
                    (first & 0x1F) << 16 | bits.take(16)?
                } else {
                    return None;
                });
            }
            13 => {
                // Hanzi (GB/T 18284): a subset indicator (1: GB 2312), then 13 bits a character,
                // its GB 2312 code minus 0xA1A1 (or 0xA6A1) packed as 0x60 × high + low.
                if bits.take(4)? != 1 {
                    return None;
                }
                let n = bits.take(count_bits(8, version))?;
                let mut gb = Vec::with_capacity(2 * n as usize);
                for _ in 0..n {
                    let v = bits.take(13)?;
                    let packed = ((v / 0x60) << 8) | (v % 0x60);
                    let code = packed + if packed < 0x0A00 { 0xA1A1 } else { 0xA6A1 };
                    gb.extend_from_slice(&[(code >> 8) as u8, code as u8]);
                }
                out.push(Part::Hanzi(gb));
            }
            // Structured append (symbol index, count, parity): this symbol's own text is read.
            3 => {
                bits.take(16)?;
            }
            // FNC1 in first position; in second position, with its application indicator.
            5 => {}
            9 => {
                bits.take(8)?;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(fields: &[(u32, usize)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at = 0;
        for &(v, n) in fields {
            for i in (0..n).rev() {
                if at % 8 == 0 {
                    out.push(0);
                }
                let bit = (v >> i & 1) as u8;
                *out.last_mut().unwrap() |= bit << (7 - at % 8);
                at += 1;
            }
        }
        out
    }

    #[test]
    fn numeric_alphanumeric_byte_kanji_and_eci() {
        // "HTTPS://" alphanumeric (8), ECI 26, "#" byte, "0123" numeric, terminator.
        let mut fields = vec![(2, 4), (8, 9)];
        for pair in b"HTTPS://".chunks(2) {
            let i = |c: u8| ALPHANUMERIC.iter().position(|&a| a == c).unwrap() as u32;
            fields.push((i(pair[0]) * 45 + i(pair[1]), 11));
        }
        fields.extend([(7, 4), (26, 8), (4, 4), (1, 8), (b'#'.into(), 8)]);
        fields.extend([(1, 4), (4, 10), (12, 10), (3, 4), (0, 4)]);
        assert_eq!(
            decode(&pack(&fields), 5).unwrap(),
            [
                Part::Ascii(b"HTTPS://".to_vec()),
                Part::Bytes {
                    bytes: b"#".to_vec(),
                    eci: Some(26)
                },
                Part::Ascii(b"0123".to_vec())
            ]
        );
        // Kanji: 点 (0x935F) and 茗 (0xE4AA), the standard's own examples (§7.4.6).
        let kanji = decode(
            &pack(&[(8, 4), (2, 8), (0x0D9F, 13), (0x1AAA, 13), (0, 4)]),
            5,
        );
        assert_eq!(kanji.unwrap(), [Part::Kanji(vec![0x93, 0x5F, 0xE4, 0xAA])]);
        // A structured-append header is passed over.
        let appended = decode(&pack(&[(3, 4), (0x1234, 16), (4, 4), (1, 8), (0x41, 8)]), 5);
        assert_eq!(
            appended.unwrap(),
            [Part::Bytes {
                bytes: b"A".to_vec(),
                eci: None
            }]
        );
        // A count running past the end; an unknown mode.
        assert_eq!(decode(&pack(&[(4, 4), (200, 8), (0, 8)]), 5), None);
        assert_eq!(decode(&pack(&[(6, 4), (0, 8)]), 5), None);
    }
}
