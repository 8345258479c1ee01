//! Where everything sits in a QR symbol of a given version (ISO/IEC 18004:2015 §6 and Annex C,
//! D, E): function patterns, format and version information, the codeword order, the blocks.
//! Shared by the reader (`grid`) and the writer (`encode`).

/// Error-correction codewords per block and number of blocks, by version (1–40) and level
/// (L, M, Q, H), ISO/IEC 18004:2015 Table 9.
const BLOCKS: [[(u8, u8); 4]; 40] = [
    [(7, 1), (10, 1), (13, 1), (17, 1)],
    [(10, 1), (16, 1), (22, 1), (28, 1)],
    [(15, 1), (26, 1), (18, 2), (22, 2)],
    [(20, 1), (18, 2), (26, 2), (16, 4)],
    [(26, 1), (24, 2), (18, 4), (22, 4)],
    [(18, 2), (16, 4), (24, 4), (28, 4)],
    [(20, 2), (18, 4), (18, 6), (26, 5)],
    [(24, 2), (22, 4), (22, 6), (26, 6)],
    [(30, 2), (22, 5), (20, 8), (24, 8)],
    [(18, 4), (26, 5), (24, 8), (28, 8)],
    [(20, 4), (30, 5), (28, 8), (24, 11)],
    [(24, 4), (22, 8), (26, 10), (28, 11)],
    [(26, 4), (22, 9), (24, 12), (22, 16)],
    [(30, 4), (24, 9), (20, 16), (24, 16)],
    [(22, 6), (24, 10), (30, 12), (24, 18)],
    [(24, 6), (28, 10), (24, 17), (30, 16)],
    [(28, 6), (28, 11), (28, 16), (28, 19)],
    [(30, 6), (26, 13), (28, 18), (28, 21)],
    [(28, 7), (26, 14), (26, 21), (26, 25)],
    [(28, 8), (26, 16), (30, 20), (28, 25)],
    [(28, 8), (26, 17), (28, 23), (30, 25)],
    [(28, 9), (28, 17), (30, 23), (24, 34)],
    [(30, 9), (28, 18), (30, 25), (30, 30)],
    [(30, 10), (28, 20), (30, 27), (30, 32)],
    [(26, 12), (28, 21), (30, 29), (30, 35)],
    [(28, 12), (28, 23), (28, 34), (30, 37)],
    [(30, 12), (28, 25), (30, 34), (30, 40)],
    [(30, 13), (28, 26), (30, 35), (30, 42)],
    [(30, 14), (28, 28), (30, 38), (30, 45)],
    [(30, 15), (28, 29), (30, 40), (30, 48)],
    [(30, 16), (28, 31), (30, 43), (30, 51)],
    [(30, 17), (28, 33), (30, 45), (30, 54)],
    [(30, 18), (28, 35), (30, 48), (30, 57)],
    [(30, 19), (28, 37), (30, 51), (30, 60)],
    [(30, 19), (28, 38), (30, 53), (30, 63)],
    [(30, 20), (28, 40), (30, 56), (30, 66)],
    [(30, 21), (28, 43), (30, 59), (30, 70)],
    [(30, 22), (28, 45), (30, 62), (30, 74)],
    [(30, 24), (28, 47), (30, 65), (30, 77)],
    [(30, 25), (28, 49), (30, 68), (30, 81)],
];

/// Modules per side of a version.
pub(crate) fn side(version: u8) -> usize {
    17 + 4 * usize::from(version)
}

/// The version of a side length, if it is one.
pub(crate) fn version_of_side(side: usize) -> Option<u8> {
    ((21..=177).contains(&side) && side % 4 == 1).then(|| ((side - 17) / 4) as u8)
}

/// Centres (row or column index) of the alignment patterns (Annex E).
pub(crate) fn alignment_positions(version: u8) -> Vec<usize> {
    if version == 1 {
        return Vec::new();
    }
    let v = usize::from(version);
    let count = v / 7 + 2;
    let step = (v * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
    let last = side(version) - 7;
    let mut out = vec![6];
    out.extend((1..count).map(|i| last - (count - 1 - i) * step));
    out
}

/// The centres of every alignment pattern (row, column), leaving out the three that would
/// overlap a finder pattern.
pub(crate) fn alignment_centres(version: u8) -> Vec<(usize, usize)> {
    let pos = alignment_positions(version);
    let last = pos.len().saturating_sub(1);
    let mut out = Vec::new();
    for (i, &r) in pos.iter().enumerate() {
        for (j, &c) in pos.iter().enumerate() {
            let corner =
                (i == 0 || i == last) && (j == 0 || j == last) && !(i == last && j == last);
            if !corner {
                out.push((r, c));
            }
        }
    }
    out
}

/// A QR error-correction level (ISO/IEC 18004:2015 §5.3.7): the share of codewords that can
/// be restored, about 7, 15, 25 or 30 %. Ordered from least to most redundant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EcLevel {
    /// About 7 %.
    L,
    /// About 15 % (help cards use at least M).
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

impl EcLevel {
    fn from_format_bits(bits: u16) -> EcLevel {
        match bits & 3 {
            1 => EcLevel::L,
            0 => EcLevel::M,
            3 => EcLevel::Q,
            _ => EcLevel::H,
        }
    }

    /// The level's two bits in the format information (L 01, M 00, Q 11, H 10).
    pub(crate) fn format_bits(self) -> u16 {
        match self {
            EcLevel::L => 1,
            EcLevel::M => 0,
            EcLevel::Q => 3,
            EcLevel::H => 2,
        }
    }
}

/// The decoded format information: level and mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Format {
    pub(crate) level: EcLevel,
    pub(crate) mask: u8,
}

/// The 15-bit format code of 5 data bits (level, mask): BCH(15,5) remainder, then XOR 0x5412
/// (§7.9).
pub(crate) fn format_code(data: u16) -> u16 {
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    ((data << 10) | (rem & 0x3FF)) ^ 0x5412
}

/// The 18-bit version code: BCH(18,6) (§7.10).
pub(crate) fn version_code(version: u8) -> u32 {
    let data = u32::from(version);
    let mut rem = data;
    for _ in 0..12 {
        rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
    }
    (data << 12) | (rem & 0xFFF)
}

/// The format whose code is nearest the read bits, if within 3 bit errors (the code's
/// minimum distance is 7). Both copies are given; the nearer decides.
pub(crate) fn decode_format(copies: [u16; 2]) -> Option<Format> {
    let (distance, data) = (0u16..32)
        .flat_map(|data| {
            let code = format_code(data);
            copies.map(|c| ((c ^ code).count_ones(), data))
        })
        .min()?;
    (distance <= 3).then(|| Format {
        level: EcLevel::from_format_bits(data >> 3),
        mask: (data & 7) as u8,
    })
}

/// The version whose code is nearest the read bits, if within 3 bit errors, and the distance.
pub(crate) fn decode_version(bits: u32) -> Option<(u8, u32)> {
    (7u8..=40)
        .map(|v| ((bits ^ version_code(v)).count_ones(), v))
        .min()
        .filter(|&(d, _)| d <= 3)
        .map(|(d, v)| (v, d))
}

/// Module (row, column) of bit `i` (0 = least significant) of the two format copies.
pub(crate) fn format_positions(side: usize, i: usize) -> [(usize, usize); 2] {
    let first = match i {
        0..=5 => (i, 8),
        6 => (7, 8),
        7 => (8, 8),
        8 => (8, 7),
        _ => (8, 14 - i),
    };
    let second = if i < 8 {
        (8, side - 1 - i)
    } else {
        (side - 15 + i, 8)
    };
    [first, second]
}

/// Module (row, column) of bit `i` of the two version copies (top right, bottom left).
pub(crate) fn version_positions(side: usize, i: usize) -> [(usize, usize); 2] {
    let (a, b) = (side - 11 + i % 3, i / 3);
    [(b, a), (a, b)]
}

/// Whether the mask pattern inverts module (row, column) (§7.8.2).
pub(crate) fn masked(mask: u8, row: usize, col: usize) -> bool {
    let (x, y) = (col, row);
    match mask {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3) % 2 == 0,
        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
    }
}

/// Which modules are function patterns (finders with separators, timing, alignment, format
/// and version areas, the dark module), row-major.
pub(crate) fn function_modules(version: u8) -> Vec<bool> {
    let n = side(version);
    let mut f = vec![false; n * n];
    let mut set = |r: usize, c: usize| f[r * n + c] = true;
    for i in 0..n {
        set(6, i);
        set(i, 6);
    }
    for r in 0..9 {
        for c in 0..9 {
            set(r, c);
        }
    }
    for r in 0..9 {
        for c in n - 8..n {
            set(r, c);
        }
    }
    for r in n - 8..n {
        for c in 0..9 {
            set(r, c);
        }
    }
    for (r, c) in alignment_centres(version) {
        for dr in 0..5 {
            for dc in 0..5 {
                set(r + dr - 2, c + dc - 2);
            }
        }
    }
    if version >= 7 {
        for i in 0..18 {
            for (r, c) in version_positions(n, i) {
                set(r, c);
            }
        }
    }
    f
}

/// The codewords of a symbol as blocks: `(data codewords, error-correction codewords)` per
/// block, in block order, and the count of all codewords.
pub(crate) struct Blocks {
    pub(crate) ecc: usize,
    /// Data codewords of each block (short blocks first).
    pub(crate) data: Vec<usize>,
    pub(crate) total: usize,
}

/// Codewords (whole bytes) in a symbol: data modules / 8 (§7.1, Table 1).
fn raw_codewords(version: u8) -> usize {
    let v = usize::from(version);
    let mut modules = (16 * v + 128) * v + 64;
    if v >= 2 {
        let align = v / 7 + 2;
        modules -= (25 * align - 10) * align - 55;
        if v >= 7 {
            modules -= 36;
        }
    }
    modules / 8
}

pub(crate) fn blocks(version: u8, level: EcLevel) -> Blocks {
    let (ecc, count) = BLOCKS[usize::from(version) - 1][level as usize];
    let (ecc, count) = (usize::from(ecc), usize::from(count));
    let total = raw_codewords(version);
    let short = count - total % count;
    let short_len = total / count - ecc;
    let data = (0..count)
        .map(|i| short_len + usize::from(i >= short))
        .collect();
    Blocks { ecc, data, total }
}

/// Splits the codewords as read in symbol order into blocks (data then error correction),
/// undoing the interleaving of §7.6.
pub(crate) fn deinterleave(codewords: &[u8], layout: &Blocks) -> Vec<Vec<u8>> {
    let mut blocks: Vec<Vec<u8>> = layout
        .data
        .iter()
        .map(|&d| Vec::with_capacity(d + layout.ecc))
        .collect();
    let mut next = codewords.iter().copied();
    let longest = layout.data.iter().copied().max().unwrap_or(0);
    for i in 0..longest {
        for (b, &d) in blocks.iter_mut().zip(&layout.data) {
            if i < d {
                b.extend(next.next());
            }
        }
    }
    for _ in 0..layout.ecc {
        for b in &mut blocks {
            b.extend(next.next());
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_standard_where_it_is_easy_to_check() {
        assert_eq!(alignment_positions(16), [6, 26, 50, 74]);
        assert_eq!(alignment_positions(32), [6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_positions(2), [6, 18]);
        assert_eq!(raw_codewords(1), 26);
        assert_eq!(raw_codewords(16), 733);
        assert_eq!(raw_codewords(40), 3706);
        // Format code of level M, mask 0 (data 00000) is the mask pattern itself.
        assert_eq!(format_code(0), 0x5412);
        assert_eq!(version_code(7), 0x07C94);
        let b = blocks(16, EcLevel::M);
        assert_eq!(
            (b.ecc, b.data.len(), b.data.iter().sum::<usize>()),
            (28, 10, 733 - 280)
        );
        for v in 1..=40u8 {
            let f = function_modules(v);
            let n = side(v);
            let data_modules = f.iter().filter(|&&x| !x).count();
            assert_eq!(data_modules / 8, raw_codewords(v), "version {v}");
            assert!(data_modules >= n);
        }
    }
}
