//! Finder-pattern candidates: a local threshold (8×8-pixel blocks, each against the mean of
//! the 5×5 blocks around it, as zxing's hybrid binarizer), rows scanned for dark–light–dark–
//! light–dark runs in the ratio 1:1:3:1:1, each hit checked along its column and its row again,
//! nearby hits merged.

use super::geometry::{Point, distance};

const BLOCK: usize = 8;
/// Below this range of grey levels a block is taken as flat.
const FLAT: u8 = 24;

/// A dark/light view of a grey image: a pixel is dark at or below its block's threshold.
pub(super) struct Binary<'a> {
    pub(super) width: usize,
    pub(super) height: usize,
    pixels: &'a [u8],
    /// The threshold of each block, row-major, `blocks` per row.
    threshold: Vec<u8>,
    blocks: usize,
}

/// Binarizes against local block means.
pub(super) fn binarize(width: usize, height: usize, pixels: &[u8]) -> Binary<'_> {
    let (bw, bh) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    // Sum, darkest and lightest pixel of each block: columns are folded over a block's rows
    // first (whole rows at a time, which vectorises), then each block's columns.
    let mut sum = vec![0u32; bw * bh];
    let mut lo = vec![255u8; bw * bh];
    let mut hi = vec![0u8; bw * bh];
    let (mut col_sum, mut col_lo, mut col_hi) =
        (vec![0u16; width], vec![255u8; width], vec![0u8; width]);
    for (by, rows) in pixels.chunks(width * BLOCK).enumerate() {
        col_sum.fill(0);
        col_lo.fill(255);
        col_hi.fill(0);
        for row in rows.chunks_exact(width) {
            for (((s, l), h), &p) in col_sum
                .iter_mut()
                .zip(&mut col_lo)
                .zip(&mut col_hi)
                .zip(row)
            {
                *s += u16::from(p);
                *l = (*l).min(p);
                *h = (*h).max(p);
            }
        }
        for (bx, ((s, l), h)) in col_sum
            .chunks(BLOCK)
            .zip(col_lo.chunks(BLOCK))
            .zip(col_hi.chunks(BLOCK))
            .enumerate()
        {
            let i = by * bw + bx;
            sum[i] = s.iter().map(|&v| u32::from(v)).sum();
            lo[i] = l.iter().copied().min().unwrap_or(255);
            hi[i] = h.iter().copied().max().unwrap_or(0);
        }
    }
    let mut level = vec![0u32; bw * bh];
    for by in 0..bh {
        let rows = (height - by * BLOCK).min(BLOCK);
        for bx in 0..bw {
            let cols = (width - bx * BLOCK).min(BLOCK);
            let i = by * bw + bx;
            let mut mean = sum[i] / (rows * cols) as u32;
            if hi[i] - lo[i] <= FLAT {
                // A flat block: light unless its neighbours say it lies in a dark area.
                mean = u32::from(lo[i]) / 2;
                if bx > 0 && by > 0 {
                    let near = (level[i - bw] + 2 * level[i - 1] + level[i - bw - 1]) / 4;
                    if u32::from(lo[i]) < near {
                        mean = near;
                    }
                }
            }
            level[i] = mean;
        }
    }
    // Each block's threshold: the mean level of the 5×5 blocks around it (moved inside the
    // image at the edges).
    let mut threshold = vec![0u8; bw * bh];
    for by in 0..bh {
        let cy = by.clamp(2.min(bh - 1), bh.saturating_sub(3).max(2.min(bh - 1)));
        for bx in 0..bw {
            let cx = bx.clamp(2.min(bw - 1), bw.saturating_sub(3).max(2.min(bw - 1)));
            let (mut total, mut n) = (0u32, 0u32);
            for y in cy.saturating_sub(2)..(cy + 3).min(bh) {
                for &l in &level[y * bw + cx.saturating_sub(2)..y * bw + (cx + 3).min(bw)] {
                    total += l;
                    n += 1;
                }
            }
            threshold[by * bw + bx] = (total / n).min(255) as u8;
        }
    }
    Binary {
        width,
        height,
        pixels,
        threshold,
        blocks: bw,
    }
}

/// A finder pattern found in the image.
#[derive(Clone, Copy, Debug)]
pub(super) struct Finder {
    pub(super) centre: Point,
    /// Estimated module size in pixels.
    pub(super) module: f64,
    /// How many scan hits merged into it.
    pub(super) hits: u32,
}

/// Whether five runs are in the ratio 1:1:3:1:1, within half a module (and a pixel, for
/// codes of two pixels per module or less).
fn is_finder(runs: [usize; 5]) -> bool {
    let total: usize = runs.iter().sum();
    if total < 7 {
        return false;
    }
    let m = total as f64 / 7.0;
    let slack = m * 0.5 + 0.75;
    runs.iter()
        .zip([1.0, 1.0, 3.0, 1.0, 1.0])
        .all(|(&r, k)| (r as f64 - k * m).abs() <= slack * if k > 1.0 { 1.6 } else { 1.0 })
}

impl Binary<'_> {
    /// The local threshold at a pixel (clamped into the image).
    pub(super) fn threshold_at(&self, (x, y): Point) -> f64 {
        let bx = (x.max(0.0) as usize).min(self.width - 1) / BLOCK;
        let by = (y.max(0.0) as usize).min(self.height - 1) / BLOCK;
        f64::from(self.threshold[by * self.blocks + bx])
    }

    fn at(&self, x: usize, y: usize) -> bool {
        self.pixels[y * self.width + x] <= self.threshold[y / BLOCK * self.blocks + x / BLOCK]
    }

    /// The runs of one row: (start, length, dark).
    fn runs(&self, y: usize, out: &mut Vec<(usize, usize, bool)>) {
        out.clear();
        let row = &self.pixels[y * self.width..(y + 1) * self.width];
        let thresholds = &self.threshold[y / BLOCK * self.blocks..(y / BLOCK + 1) * self.blocks];
        let (mut start, mut colour) = (0, row[0] <= thresholds[0]);
        for (b, (chunk, &t)) in row.chunks(BLOCK).zip(thresholds).enumerate() {
            for (i, &p) in chunk.iter().enumerate() {
                let dark = p <= t;
                if dark != colour {
                    let x = b * BLOCK + i;
                    out.push((start, x - start, colour));
                    (start, colour) = (x, dark);
                }
            }
        }
        out.push((start, self.width - start, colour));
    }

    /// The five runs through (x, y) along (dx, dy), and the centre of the middle run along
    /// that line (as an offset in steps from (x, y)); `None` if they are not 1:1:3:1:1 or run
    /// off the image.
    fn cross(
        &self,
        x: usize,
        y: usize,
        dx: isize,
        dy: isize,
        limit: usize,
    ) -> Option<([usize; 5], f64)> {
        if !self.at(x, y) {
            return None;
        }
        let step = |s: isize| -> Option<bool> {
            let (nx, ny) = (x as isize + dx * s, y as isize + dy * s);
            (nx >= 0 && ny >= 0 && (nx as usize) < self.width && (ny as usize) < self.height)
                .then(|| self.at(nx as usize, ny as usize))
        };
        // Backwards: centre run, light, dark.
        let mut back = [0usize; 3];
        let mut s = 0isize;
        for (i, want) in [true, false, true].into_iter().enumerate() {
            while step(-s).is_some_and(|d| d == want) && back[i] <= limit {
                back[i] += 1;
                s += 1;
            }
            if back[i] == 0 || back[i] > limit {
                return None;
            }
        }
        let mut fwd = [0usize; 3];
        let mut s = 1isize;
        for (i, want) in [true, false, true].into_iter().enumerate() {
            while step(s).is_some_and(|d| d == want) && fwd[i] <= limit {
                fwd[i] += 1;
                s += 1;
            }
            if (i > 0 && fwd[i] == 0) || fwd[i] > limit {
                return None;
            }
        }
        let runs = [back[2], back[1], back[0] + fwd[0], fwd[1], fwd[2]];
        if !is_finder(runs) {
            return None;
        }
        // The middle run spans [-(back[0]-1), fwd[0]] in steps; its centre:
        let centre = (fwd[0] as f64 - (back[0] as f64 - 1.0)) / 2.0;
        Some((runs, centre))
    }
}

/// Finder candidates, most hits first.
pub(super) fn find(image: &Binary<'_>, row_step: usize) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let mut runs = Vec::new();
    for y in (row_step / 2..image.height).step_by(row_step.max(1)) {
        image.runs(y, &mut runs);
        for w in runs.windows(5) {
            if !w[0].2 {
                continue;
            }
            let lens = [w[0].1, w[1].1, w[2].1, w[3].1, w[4].1];
            if !is_finder(lens) {
                continue;
            }
            let total: usize = lens.iter().sum();
            let x = w[2].0 + w[2].1 / 2;
            if let Some(f) = confirm(image, x, y, total) {
                merge(&mut found, f);
            }
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    found
}

/// Checks a row hit along its column, then along the row through the column's centre.
fn confirm(image: &Binary<'_>, x: usize, y: usize, total: usize) -> Option<Finder> {
    let limit = total;
    let (vruns, vc) = image.cross(x, y, 0, 1, limit)?;
    let vtotal: usize = vruns.iter().sum();
    if 2 * vtotal.abs_diff(total) > total {
        return None;
    }
    let cy = (y as f64 + vc)
        .round()
        .clamp(0.0, (image.height - 1) as f64) as usize;
    let (hruns, hc) = image.cross(x, cy, 1, 0, limit)?;
    let htotal: usize = hruns.iter().sum();
    let cx = x as f64 + hc;
    Some(Finder {
        centre: (cx + 0.5, y as f64 + vc + 0.5),
        module: (htotal + vtotal) as f64 / 14.0,
        hits: 1,
    })
}

fn merge(found: &mut Vec<Finder>, f: Finder) {
    for g in found.iter_mut() {
        let d = distance(g.centre, f.centre);
        if d < 2.0 * g.module.max(f.module) && (g.module / f.module).max(f.module / g.module) < 1.6
        {
            let n = f64::from(g.hits);
            g.centre = (
                (g.centre.0 * n + f.centre.0) / (n + 1.0),
                (g.centre.1 * n + f.centre.1) / (n + 1.0),
            );
            g.module = (g.module * n + f.module) / (n + 1.0);
            g.hits += 1;
            return;
        }
    }
    found.push(f);
}
