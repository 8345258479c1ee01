//! The data bit stream to bytes (ISO/IEC 18004:2015 §7.4): numeric, alphanumeric and byte
//! segments, ECI designators (UTF-8 or ASCII only), the terminator.
//!
//! Byte segments are returned as their bytes, unconverted; a Kanji segment, a structured-append
//! header or an ECI for another character set makes the stream unreadable here (another engine
//! then gets its turn), so this reader never returns text it would have to guess the charset of.

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

/// Bits of the character count of `mode` (numeric, alphanumeric, byte) in `version`.
fn count_bits(mode: u32, version: u8) -> usize {
    let band = match version {
        1..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    match mode {
        1 => [10, 12, 14][band],
        2 => [9, 11, 13][band],
        _ => [8, 16, 16][band],
    }
}

/// The bytes the data codewords carry, or `None` for a stream this reader does not take.
pub(super) fn decode(data: &[u8], version: u8) -> Option<Vec<u8>> {
    let mut bits = Bits { data, at: 0 };
    let mut out = Vec::new();
    loop {
        if bits.left() < 4 {
            return Some(out);
        }
        match bits.take(4)? {
            0 => return Some(out),
            1 => {
                let mut n = bits.take(count_bits(1, version))? as usize;
                while n > 0 {
                    let (width, digits) = match n {
                        1 => (4, 1),
                        2 => (7, 2),
                        _ => (10, 3),
                    };
                    let v = bits.take(width)?;
                    if v >= 10u32.pow(digits) {
                        return None;
                    }
                    out.extend(format!("{v:0width$}", width = digits as usize).bytes());
                    n -= digits as usize;
                }
            }
            2 => {
                let mut n = bits.take(count_bits(2, version))? as usize;
                while n > 0 {
                    if n == 1 {
                        out.push(*ALPHANUMERIC.get(bits.take(6)? as usize)?);
                        break;
                    }
                    let v = bits.take(11)? as usize;
                    out.push(*ALPHANUMERIC.get(v / 45)?);
                    out.push(*ALPHANUMERIC.get(v % 45)?);
                    n -= 2;
                }
            }
            4 => {
                let n = bits.take(count_bits(4, version))?;
                for _ in 0..n {
                    out.push(bits.take(8)? as u8);
                }
            }
            7 => {
                // ECI designator: 1, 2 or 3 bytes. Only UTF-8 (26) and ASCII (27; 3 is
                // ISO 8859-1, the same for ASCII bytes, but not for others) pass.
                let first = bits.take(8)?;
                let value = if first & 0x80 == 0 {
                    first
                } else if first & 0xC0 == 0x80 {
                    (first & 0x3F) << 8 | bits.take(8)?
                } else {
                    (first & 0x1F) << 16 | bits.take(16)?
                };
                if value != 26 && value != 27 {
                    return None;
                }
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
    fn numeric_alphanumeric_byte_and_eci() {
        // "HTTPS://" alphanumeric (8), "#" byte, "0123" numeric, terminator.
        let mut fields = vec![(2, 4), (8, 9)];
        for pair in b"HTTPS://".chunks(2) {
            let i = |c: u8| ALPHANUMERIC.iter().position(|&a| a == c).unwrap() as u32;
            fields.push((i(pair[0]) * 45 + i(pair[1]), 11));
        }
        fields.extend([(7, 4), (26, 8), (4, 4), (1, 8), (b'#'.into(), 8)]);
        fields.extend([(1, 4), (4, 10), (12, 10), (3, 4), (0, 4)]);
        assert_eq!(decode(&pack(&fields), 5).unwrap(), b"HTTPS://#0123");
        // A Kanji segment, or an ECI for Shift JIS, is left to other engines.
        assert_eq!(decode(&pack(&[(8, 4), (1, 8), (0, 13)]), 5), None);
        assert_eq!(decode(&pack(&[(7, 4), (20, 8), (0, 4)]), 5), None);
        // A count running past the end.
        assert_eq!(decode(&pack(&[(4, 4), (200, 8), (0, 8)]), 5), None);
    }
}
