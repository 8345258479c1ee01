//! Scoring the eight masks (§7.8.3) as `qrcode` 0.14 scores them, on rows and columns of bits.
//!
//! A symbol's row or column is a [`Line`] of at most 177 modules; each rule is a handful of
//! word operations per line instead of a pass over every module: runs of five or more of one
//! colour, 2×2 blocks of one colour, the 1:1:3:1:1 pattern with four light modules beside it,
//! and the share of dark modules.

use std::ops::{BitAnd, BitOr, BitXor, Not};

use crate::layout::{self, EcLevel};

/// Light modules of padding at each end of a line: outside the symbol counts as light.
const PAD: usize = 4;
const WORDS: usize = 3;

/// The modules of one row or column, padded: bit `PAD + i` is module `i`, 1 = dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Line([u64; WORDS]);

impl Line {
    /// Bits `from..to` set.
    fn ones(from: usize, to: usize) -> Line {
        let mut l = Line::default();
        for i in from..to {
            l.0[i / 64] |= 1 << (i % 64);
        }
        l
    }

    /// Marks module `i` dark.
    pub(super) fn set(&mut self, i: usize) {
        let b = i + PAD;
        self.0[b / 64] |= 1 << (b % 64);
    }

    /// Marks module `i` light.
    fn clear(&mut self, i: usize) {
        let b = i + PAD;
        self.0[b / 64] &= !(1 << (b % 64));
    }

    /// Bit `j` of the result is bit `j + k` of the line (0 < k < 64).
    fn down(self, k: usize) -> Line {
        let w = self.0;
        let mut out = [0u64; WORDS];
        for i in 0..WORDS {
            out[i] = w[i] >> k | w.get(i + 1).map_or(0, |next| next << (64 - k));
        }
        Line(out)
    }

    /// Bit `j` of the result is bit `j − k` of the line (0 < k < 64).
    fn up(self, k: usize) -> Line {
        let w = self.0;
        let mut out = [0u64; WORDS];
        for i in 0..WORDS {
            out[i] = w[i] << k | if i > 0 { w[i - 1] >> (64 - k) } else { 0 };
        }
        Line(out)
    }

    fn count(self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
}

impl BitAnd for Line {
    type Output = Line;
    fn bitand(self, o: Line) -> Line {
        Line(std::array::from_fn(|i| self.0[i] & o.0[i]))
    }
}

impl BitOr for Line {
    type Output = Line;
    fn bitor(self, o: Line) -> Line {
        Line(std::array::from_fn(|i| self.0[i] | o.0[i]))
    }
}

impl BitXor for Line {
    type Output = Line;
    fn bitxor(self, o: Line) -> Line {
        Line(std::array::from_fn(|i| self.0[i] ^ o.0[i]))
    }
}

impl Not for Line {
    type Output = Line;
    fn not(self) -> Line {
        Line(self.0.map(|w| !w))
    }
}

/// The penalty of runs and of finder-like patterns in lines of `n` modules.
fn line_penalties(lines: &[Line], n: usize) -> u32 {
    let width = Line::ones(0, n + 2 * PAD);
    let pairs = Line::ones(PAD, PAD + n - 1);
    let mut score = 0;
    for &dark in lines {
        // Runs: "the same as the next" marks a run of L modules with L − 1 bits; four in a row
        // mark each start of five. A run of L ≥ 5 scores L − 2 = (L − 4) + 2: the marks of four,
        // and two for each run.
        let same = !(dark ^ dark.down(1)) & pairs;
        let four = same & same.down(1) & same.down(2) & same.down(3);
        score += four.count() + 2 * (four & !four.up(1)).count();
        // Dark, light, dark, dark, dark, light, dark starting at bit p, with four light modules
        // before it or after it.
        let light = !dark & width;
        let pattern = dark
            & light.down(1)
            & dark.down(2)
            & dark.down(3)
            & dark.down(4)
            & light.down(5)
            & dark.down(6);
        let before = light.up(1) & light.up(2) & light.up(3) & light.up(4);
        let after = light.down(7) & light.down(8) & light.down(9) & light.down(10);
        score += 40 * (pattern & (before | after)).count();
    }
    score
}

/// The rows and columns of a matrix of `n` modules (row-major, 1 = dark).
pub(super) fn lines(m: &[u8], n: usize) -> (Vec<Line>, Vec<Line>) {
    let mut rows = vec![Line::default(); n];
    let mut cols = vec![Line::default(); n];
    for r in 0..n {
        for c in 0..n {
            if m[r * n + c] != 0 {
                rows[r].set(c);
                cols[c].set(r);
            }
        }
    }
    (rows, cols)
}

/// What every mask of one symbol shares: its rows and columns before masking, which of their
/// modules are function patterns, and where the format information goes.
pub(super) struct Masking {
    n: usize,
    rows: Vec<Line>,
    cols: Vec<Line>,
    function_rows: Vec<Line>,
    function_cols: Vec<Line>,
}

impl Masking {
    /// `base` (row-major, 1 = dark; function patterns drawn, data placed) and its function
    /// modules.
    pub(super) fn new(base: &[u8], function: &[bool], n: usize) -> Masking {
        let (rows, cols) = lines(base, n);
        let f: Vec<u8> = function.iter().map(|&f| u8::from(f)).collect();
        let (function_rows, function_cols) = lines(&f, n);
        Masking {
            n,
            rows,
            cols,
            function_rows,
            function_cols,
        }
    }

    /// The penalty of mask `mask` with the format information of `level`.
    pub(super) fn score(&self, mask: u8, level: EcLevel) -> u32 {
        let n = self.n;
        // A mask's rows repeat every 12 rows, its columns every 12 columns (it depends on the
        // index modulo 2, 3 and 4 and on the other index modulo 2, 3 and 6).
        let pattern = |across: bool| -> Vec<Line> {
            (0..12.min(n))
                .map(|i| {
                    let mut l = Line::default();
                    for j in 0..n {
                        let (r, c) = if across { (i, j) } else { (j, i) };
                        if layout::masked(mask, r, c) {
                            l.set(j);
                        }
                    }
                    l
                })
                .collect()
        };
        let (row_pattern, col_pattern) = (pattern(true), pattern(false));
        let masked = |lines: &[Line], function: &[Line], pattern: &[Line]| -> Vec<Line> {
            lines
                .iter()
                .zip(function)
                .enumerate()
                .map(|(i, (&l, &f))| l ^ (pattern[i % 12] & !f))
                .collect()
        };
        let mut rows = masked(&self.rows, &self.function_rows, &row_pattern);
        let mut cols = masked(&self.cols, &self.function_cols, &col_pattern);
        let code = layout::format_code(level.format_bits() << 3 | u16::from(mask));
        for i in 0..15 {
            for (r, c) in layout::format_positions(n, i) {
                if code >> i & 1 == 1 {
                    rows[r].set(c);
                    cols[c].set(r);
                } else {
                    rows[r].clear(c);
                    cols[c].clear(r);
                }
            }
        }
        let mut score = line_penalties(&rows, n) + line_penalties(&cols, n);
        let pairs = Line::ones(PAD, PAD + n - 1);
        for pair in rows.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            score += 3 * (!(a ^ a.down(1)) & !(b ^ b.down(1)) & !(a ^ b) & pairs).count();
        }
        let dark: usize = rows.iter().map(|l| l.count() as usize).sum();
        score + (dark * 200 / (n * n)).abs_diff(100) as u32
    }
}
