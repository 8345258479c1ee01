//! Writing a symbol (ISO/IEC 18004:2015 §7): the data bits, their error correction, the
//! codewords placed in the module matrix, the mask of the lowest penalty (§7.8.3), function
//! patterns, format and version information.
//!
//! The symbols are module for module the `qrcode` crate's for the same segments (its penalty
//! rules included, where they differ from the standard's in small ways; the tests compare the
//! two), written many times faster: `qrcode` scores the eight masks through a boxed closure per
//! module and window, which took two thirds of a 10,000-card batch's CPU time; here each mask is
//! scored on rows and columns of bits (`penalty`).

use crate::layout::{self, EcLevel};
use crate::reed_solomon;

mod penalty;

/// Bits appended most significant first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bits {
    bytes: Vec<u8>,
    len: usize,
}

impl Bits {
    /// The number of bits written.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends the low `n` bits (at most 32) of `value`, filling the last byte first.
    pub(crate) fn push(&mut self, value: u32, n: usize) {
        let mut left = n;
        while left > 0 {
            let used = self.len % 8;
            if used == 0 {
                self.bytes.push(0);
            }
            let take = (8 - used).min(left);
            let chunk = (value >> (left - take)) & ((1 << take) - 1);
            if let Some(last) = self.bytes.last_mut() {
                *last |= (chunk as u8) << (8 - used - take);
            }
            self.len += take;
            left -= take;
        }
    }

    /// The data codewords of a symbol of `capacity` data codewords: the terminator (up to four
    /// zero bits), zero bits to the byte boundary, then the pad codewords 0xEC 0x11 by turns
    /// (§7.4.9, §7.4.10); `None` when the bits do not fit.
    pub(crate) fn finish(mut self, capacity: usize) -> Option<Vec<u8>> {
        let room = (capacity * 8).checked_sub(self.len)?;
        self.push(0, room.min(4));
        self.bytes.truncate(self.len.div_ceil(8));
        let pads = [0xEC, 0x11].into_iter().cycle();
        let missing = capacity - self.bytes.len();
        self.bytes.extend(pads.take(missing));
        Some(self.bytes)
    }
}

/// The data codewords of `version` and `level` as placed in the symbol: split into blocks, each
/// followed by its error-correction codewords, interleaved (§7.5, §7.6).
fn codewords(data: &[u8], version: u8, level: EcLevel) -> Vec<u8> {
    let layout = layout::blocks(version, level);
    let generator = reed_solomon::generator(layout.ecc);
    let mut blocks = Vec::with_capacity(layout.data.len());
    let mut rest = data;
    for &len in &layout.data {
        let (block, tail) = rest.split_at(len.min(rest.len()));
        blocks.push((block, reed_solomon::encode(block, &generator)));
        rest = tail;
    }
    let mut out = Vec::with_capacity(layout.total);
    let longest = layout.data.iter().copied().max().unwrap_or(0);
    for i in 0..longest {
        out.extend(blocks.iter().filter_map(|(d, _)| d.get(i)));
    }
    for i in 0..layout.ecc {
        out.extend(blocks.iter().map(|(_, e)| e[i]));
    }
    out
}

/// Light or dark, and whether the module is a function pattern (never masked).
const DARK: u8 = 1;

/// The module matrix (row-major, `true` = dark) of the data codewords `data` (exactly the
/// capacity of `version` at `level`), masked with the pattern of the lowest penalty.
pub(crate) fn matrix(data: &[u8], version: u8, level: EcLevel) -> Vec<bool> {
    let n = layout::side(version);
    let function = layout::function_modules(version);
    let mut base = vec![0u8; n * n];
    draw_function_patterns(&mut base, version);
    place(&mut base, &function, &codewords(data, version, level), n);
    let masking = penalty::Masking::new(&base, &function, n);
    // The first of equal scores, as `qrcode` takes it.
    let mask = (0..8u8)
        .min_by_key(|&mask| masking.score(mask, level))
        .unwrap_or(0);
    let mut out = vec![0u8; n * n];
    apply_mask(&mut out, &base, &function, n, mask);
    draw_format(&mut out, n, level, mask);
    out.iter().map(|&m| m == DARK).collect()
}

/// `base` with mask pattern `mask` (§7.8.2, [`layout::masked`]) applied to every module that is
/// not a function pattern. The patterns' remainders (row and column mod 3, column div 3) are
/// counted along, not divided for each module.
fn apply_mask(out: &mut [u8], base: &[u8], function: &[bool], n: usize, mask: u8) {
    let mut r3 = 0;
    for r in 0..n {
        let (mut c3, mut c_div3) = (0, 0);
        for c in 0..n {
            let i = r * n + c;
            // (r·c) mod 3 from the remainders: 0 when either is 0, else 1·1, 1·2, 2·2 = 1, 2, 1.
            let rc3 = if r3 == 0 || c3 == 0 {
                0
            } else if r3 == c3 {
                1
            } else {
                2
            };
            let inverted = match mask {
                0 => (r + c) & 1 == 0,
                1 => r & 1 == 0,
                2 => c3 == 0,
                3 => (r3 + c3) % 3 == 0,
                4 => ((r >> 1) + c_div3) & 1 == 0,
                5 => r & c & 1 == 0 && rc3 == 0,
                6 => ((r & c & 1) + rc3) & 1 == 0,
                _ => (((r + c) & 1) + rc3) & 1 == 0,
            };
            out[i] = if function[i] {
                base[i]
            } else {
                base[i] ^ u8::from(inverted)
            };
            c3 += 1;
            if c3 == 3 {
                c3 = 0;
                c_div3 += 1;
            }
        }
        r3 = if r3 == 2 { 0 } else { r3 + 1 };
    }
}

/// Finder patterns and their separators, timing patterns, alignment patterns, the dark module
/// and the version information; the format information is drawn per mask.
fn draw_function_patterns(m: &mut [u8], version: u8) {
    let n = layout::side(version);
    let mut set = |r: usize, c: usize, dark: bool| m[r * n + c] = u8::from(dark);
    for (top, left) in [(0, 0), (0, n - 7), (n - 7, 0)] {
        for r in 0..7 {
            for c in 0..7 {
                let ring = r.min(c).min(6 - r).min(6 - c);
                set(top + r, left + c, ring != 1);
            }
        }
    }
    for i in 8..n - 8 {
        set(6, i, i % 2 == 0);
        set(i, 6, i % 2 == 0);
    }
    for (r, c) in layout::alignment_centres(version) {
        for dr in 0..5 {
            for dc in 0..5 {
                let ring = dr.min(dc).min(4 - dr).min(4 - dc);
                set(r + dr - 2, c + dc - 2, ring != 1);
            }
        }
    }
    set(n - 8, 8, true);
    if version >= 7 {
        let code = layout::version_code(version);
        for i in 0..18 {
            for (r, c) in layout::version_positions(n, i) {
                set(r, c, code >> i & 1 == 1);
            }
        }
    }
}

/// Both copies of the format information of `level` and `mask`.
fn draw_format(m: &mut [u8], n: usize, level: EcLevel, mask: u8) {
    let code = layout::format_code(level.format_bits() << 3 | u16::from(mask));
    for i in 0..15 {
        for (r, c) in layout::format_positions(n, i) {
            m[r * n + c] = u8::from(code >> i & 1 == 1);
        }
    }
}

/// The codewords' bits in the two-module-wide columns, upwards and downwards from the right
/// (§7.7.3), skipping function modules; modules left over (remainder bits) stay light.
fn place(m: &mut [u8], function: &[bool], codewords: &[u8], n: usize) {
    let bits = codewords.len() * 8;
    let mut i = 0;
    let mut right = n - 1;
    loop {
        if right == 6 {
            right = 5;
        }
        let upward = (right + 1) & 2 == 0;
        for vert in 0..n {
            let r = if upward { n - 1 - vert } else { vert };
            for c in [right, right - 1] {
                if function[r * n + c] || i >= bits {
                    continue;
                }
                m[r * n + c] = codewords[i / 8] >> (7 - i % 8) & 1;
                i += 1;
            }
        }
        if right < 2 {
            break;
        }
        right -= 2;
    }
}

#[cfg(test)]
mod tests;
