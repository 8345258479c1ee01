//! Our own QR reader, built for codes at the edge of a camera's reach (1.5–3 pixels per
//! module), where a reader that samples a binarized image loses modules to blur and rounding.
//!
//! 1. Finder patterns from a local-threshold image ([`finder`]); each triple that can be a
//!    symbol's three corners is tried, most likely first.
//! 2. The symbol's size from the finders' spacing, confirmed by the version information where
//!    the version has it (several sizes are tried around the estimate).
//! 3. A map from module to pixel: an affine map from the finders, then a homography through the
//!    bottom-right alignment pattern, then a least-squares homography through every alignment
//!    pattern found where the last map put it ([`geometry`]). Patterns are found by matching
//!    their grey-level template, not by thresholded runs.
//! 4. Every module's grey level sampled at its centre and judged against the local threshold;
//!    if the codewords do not correct, again with neighbouring modules' blur taken out.
//! 5. Format information, unmasking, codewords, Reed–Solomon ([`reed_solomon`]), segments
//!    ([`segments`]).
//!
//! No step can panic on any image: indices are checked, sizes come from tables.

mod finder;
mod geometry;
mod segments;

use crate::{layout, reed_solomon};

use finder::{Binary, Finder};
use geometry::{Point, Transform, distance, module_centre};

/// The grey-level image being read.
struct Gray<'a> {
    width: usize,
    height: usize,
    pixels: &'a [u8],
}

impl Gray<'_> {
    /// Bilinear sample at a pixel-space point (pixel (x, y) covers [x, x+1] × [y, y+1]);
    /// `None` outside the image.
    fn sample(&self, (x, y): Point) -> Option<f64> {
        let (x, y) = (x - 0.5, y - 0.5);
        if !(x >= 0.0 && y >= 0.0) {
            return None;
        }
        let (x0, y0) = (x as usize, y as usize);
        if x0 + 1 >= self.width || y0 + 1 >= self.height {
            return None;
        }
        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
        let p = |x: usize, y: usize| f64::from(self.pixels[y * self.width + x]);
        let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
        let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
        Some(top * (1.0 - fy) + bottom * fy)
    }

    /// Mean grey level of the points `at + i·u + j·v` for the given offsets.
    fn mean(&self, at: Point, (u, v): (Point, Point), offsets: &[(i32, i32)]) -> Option<f64> {
        let mut sum = 0.0;
        for &(i, j) in offsets {
            let (i, j) = (f64::from(i), f64::from(j));
            sum += self.sample((at.0 + i * u.0 + j * v.0, at.1 + i * u.1 + j * v.1))?;
        }
        Some(sum / offsets.len() as f64)
    }
}

/// Offsets (in modules) whose Chebyshev distance from the centre is `d`.
fn ring(d: i32) -> Vec<(i32, i32)> {
    if d == 0 {
        return vec![(0, 0)];
    }
    (-d..=d)
        .flat_map(|i| (-d..=d).map(move |j| (i, j)))
        .filter(|&(i, j)| i.abs().max(j.abs()) == d)
        .collect()
}

/// The rings of module offsets a pattern template compares.
struct Rings {
    r0: Vec<(i32, i32)>,
    r1: Vec<(i32, i32)>,
    r2: Vec<(i32, i32)>,
    r3: Vec<(i32, i32)>,
}

impl Rings {
    fn new() -> Rings {
        Rings {
            r0: ring(0),
            r1: ring(1),
            r2: ring(2),
            r3: ring(3),
        }
    }

    /// How much an alignment pattern (dark centre, light ring, dark ring) sits at `at`.
    fn alignment(&self, gray: &Gray<'_>, at: Point, uv: (Point, Point)) -> Option<f64> {
        let light = gray.mean(at, uv, &self.r1)?;
        let dark = (gray.mean(at, uv, &self.r0)? + gray.mean(at, uv, &self.r2)?) / 2.0;
        Some(light - dark)
    }

    /// How much a finder pattern (dark 3×3 core, light ring, dark ring) sits at `at`.
    fn finder(&self, gray: &Gray<'_>, at: Point, uv: (Point, Point)) -> Option<f64> {
        let core = (gray.mean(at, uv, &self.r0)? + 8.0 * gray.mean(at, uv, &self.r1)?) / 9.0;
        let light = gray.mean(at, uv, &self.r2)?;
        let outer = gray.mean(at, uv, &self.r3)?;
        Some(light - (core + outer) / 2.0)
    }
}

/// The best match of a template within `radius` modules of `predicted` (a coarse grid, then
/// a finer one around the best), weighted towards the prediction; with its score.
fn search(
    predicted: Point,
    uv: (Point, Point),
    radius: f64,
    score: impl Fn(Point) -> Option<f64>,
) -> Option<(Point, f64)> {
    let module = (distance(uv.0, (0.0, 0.0)) + distance(uv.1, (0.0, 0.0))) / 2.0;
    let reach = radius * module;
    let mut step = (module / 3.0).max(0.5);
    let mut best: Option<(Point, f64, f64)> = None;
    let n = (reach / step).ceil() as i32;
    for i in -n..=n {
        for j in -n..=n {
            let (dx, dy) = (f64::from(i) * step, f64::from(j) * step);
            let d2 = (dx * dx + dy * dy) / (reach * reach).max(f64::MIN_POSITIVE);
            if d2 > 1.0 {
                continue;
            }
            let p = (predicted.0 + dx, predicted.1 + dy);
            if let Some(s) = score(p) {
                let weighted = s * (1.0 - 0.5 * d2);
                if best.is_none_or(|b| weighted > b.2) {
                    best = Some((p, s, weighted));
                }
            }
        }
    }
    let (mut p, mut s, _) = best?;
    for _ in 0..4 {
        step /= 2.0;
        let centre = p;
        for (i, j) in ring(1) {
            let q = (
                centre.0 + f64::from(i) * step,
                centre.1 + f64::from(j) * step,
            );
            if let Some(t) = score(q)
                && t > s
            {
                (p, s) = (q, t);
            }
        }
    }
    Some((p, s))
}

/// Reads the QR codes in a grey image: the first code's bytes (`first_only`, for live frames),
/// or every code's, then looking for light-on-dark codes too if there was none.
pub(crate) fn read(width: usize, height: usize, pixels: &[u8], first_only: bool) -> Vec<String> {
    if width < 21 || height < 21 || pixels.len() != width * height {
        return Vec::new();
    }
    let found = read_dark_on_light(width, height, pixels, first_only);
    if !found.is_empty() || first_only {
        return found;
    }
    let inverted: Vec<u8> = pixels.iter().map(|&p| 255 - p).collect();
    read_dark_on_light(width, height, &inverted, false)
}

/// Most symbol sizes tried for one finder triple.
const MAX_SIDES: usize = 6;

fn read_dark_on_light(width: usize, height: usize, pixels: &[u8], first_only: bool) -> Vec<String> {
    let gray = Gray {
        width,
        height,
        pixels,
    };
    let binary = finder::binarize(width, height, pixels);
    // Live frames: every other row (a finder's 3-module core is still crossed by two rows at
    // 1.5 pixels per module); files: every row.
    let mut finders = finder::find(&binary, if first_only { 2 } else { 1 });
    finders.truncate(12);
    let rings = Rings::new();
    let mut out = Vec::new();
    let mut used = vec![false; finders.len()];
    // A live frame gets a bounded number of attempts (the next frame is another chance); a
    // file gets them all.
    let triples_limit = if first_only { 10 } else { 30 };
    for [a, b, c] in triples(&finders).into_iter().take(triples_limit) {
        if used[a] || used[b] || used[c] {
            continue;
        }
        let reader = Symbol {
            gray: &gray,
            binary: &binary,
            rings: &rings,
            thorough: !first_only,
        };
        if let Some(bytes) = reader.read([finders[a], finders[b], finders[c]]) {
            out.push(bytes);
            if first_only {
                break;
            }
            used[a] = true;
            used[b] = true;
            used[c] = true;
        }
    }
    out
}

/// Triples of finder indices (top-left, top-right, bottom-left) that can be one symbol's
/// corners, most likely first.
fn triples(finders: &[Finder]) -> Vec<[usize; 3]> {
    let mut scored = Vec::new();
    let n = finders.len();
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                let [p, q, r] = [finders[a], finders[b], finders[c]];
                let modules = [p.module, q.module, r.module];
                let (lo, hi) = modules
                    .iter()
                    .fold((f64::MAX, 0.0f64), |(l, h), &m| (l.min(m), h.max(m)));
                if hi > 1.6 * lo {
                    continue;
                }
                let d = |x: Finder, y: Finder| distance(x.centre, y.centre);
                // The corner is opposite the longest side.
                let sides = [(d(q, r), a, b, c), (d(p, r), b, a, c), (d(p, q), c, a, b)];
                let &(_, corner, i, j) = sides
                    .iter()
                    .max_by(|x, y| x.0.total_cmp(&y.0))
                    .unwrap_or(&sides[0]);
                let (o, s, t) = (finders[corner], finders[i], finders[j]);
                let (ds, dt) = (d(o, s), d(o, t));
                let module = (lo + hi) / 2.0;
                if ds.min(dt) < 12.0 * module || ds.max(dt) > 1.5 * ds.min(dt) {
                    continue;
                }
                let (sx, sy) = (s.centre.0 - o.centre.0, s.centre.1 - o.centre.1);
                let (tx, ty) = (t.centre.0 - o.centre.0, t.centre.1 - o.centre.1);
                let cos = (sx * tx + sy * ty) / (ds * dt);
                if cos.abs() > 0.4 {
                    continue;
                }
                // Top-right follows top-left clockwise (y grows downwards).
                let cross = sx * ty - sy * tx;
                let (tr, bl) = if cross > 0.0 { (i, j) } else { (j, i) };
                // A symbol's three finders have one module size, a right angle and equal sides.
                let score = f64::from(p.hits.min(20) + q.hits.min(20) + r.hits.min(20))
                    * (1.0 - cos.abs())
                    * (ds.min(dt) / ds.max(dt))
                    * (lo / hi);
                scored.push((score, [corner, tr, bl]));
            }
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0));
    scored.into_iter().map(|(_, t)| t).take(30).collect()
}

/// One symbol being read from its three finder patterns.
struct Symbol<'a> {
    gray: &'a Gray<'a>,
    binary: &'a Binary<'a>,
    rings: &'a Rings,
    /// Files, not live frames: the slower tries too (a locally refined grid).
    thorough: bool,
}

impl Symbol<'_> {
    fn read(&self, [tl, tr, bl]: [Finder; 3]) -> Option<String> {
        let module = (tl.module + tr.module + bl.module) / 3.0;
        let spacing = (distance(tl.centre, tr.centre) + distance(tl.centre, bl.centre)) / 2.0;
        let estimate = spacing / module + 7.0;
        // Sizes 4k+1 near the estimate, tried in the order their timing patterns agree.
        let corners = [tl.centre, tr.centre, bl.centre];
        let mut sides: Vec<(f64, usize)> = (21..=177usize)
            .step_by(4)
            .filter(|&n| (n as f64 - estimate).abs() <= 10.0)
            .filter_map(|n| {
                let affine = Transform::fit(&finder_pairs(corners, n), false, n as f64)?;
                let agree = self.timing(&affine, n)?;
                Some((agree, n))
            })
            .collect();
        sides.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut queue: std::collections::VecDeque<usize> =
            sides.into_iter().map(|(_, n)| n).collect();
        let mut tried = Vec::new();
        while let Some(side) = queue.pop_front() {
            if tried.contains(&side) || tried.len() >= MAX_SIDES {
                continue;
            }
            tried.push(side);
            let version = layout::version_of_side(side)?;
            let corners = self.refine_finders(corners, side);
            let affine = Transform::fit(&finder_pairs(corners, side), false, side as f64)?;
            if version >= 7 {
                match self.read_version(&affine, side) {
                    Some(v) if v == version => {}
                    Some(v) => {
                        queue.push_front(layout::side(v));
                        continue;
                    }
                    None => continue,
                }
            }
            let map = self.fit_grid(affine, corners, version);
            if let Some(bytes) = self.decode(&map, version) {
                return Some(bytes);
            }
        }
        None
    }

    /// The share of the two timing patterns' modules (row 6 and column 6 between the finders)
    /// that alternate as they should under `map` for a symbol of `side` modules. Each module is
    /// judged against its two neighbours, which holds when blur has flattened the pattern.
    fn timing(&self, map: &Transform, side: usize) -> Option<f64> {
        let mut agree = 0;
        for line in [false, true] {
            let at = |i: usize| {
                let (c, r) = if line { (6, i) } else { (i, 6) };
                self.gray.sample(map.map(module_centre(r, c)))
            };
            let samples = (7..side - 7).map(at).collect::<Option<Vec<f64>>>()?;
            for (k, w) in samples.windows(3).enumerate() {
                let dark = w[1] < (w[0] + w[2]) / 2.0;
                agree += usize::from(dark == ((k + 8) % 2 == 0));
            }
        }
        Some(agree as f64 / (2 * (side - 16)) as f64)
    }

    /// Finder centres moved to where the grey-level template fits best (within a module).
    fn refine_finders(&self, centres: [Point; 3], side: usize) -> [Point; 3] {
        let Some(affine) = Transform::fit(&finder_pairs(centres, side), false, side as f64) else {
            return centres;
        };
        let modules = finder_modules(side);
        let mut out = centres;
        for (o, (c, m)) in out.iter_mut().zip(centres.into_iter().zip(modules)) {
            let uv = affine.module_vectors(m);
            if let Some((p, _)) = search(c, uv, 1.0, |p| self.rings.finder(self.gray, p, uv)) {
                *o = p;
            }
        }
        out
    }

    /// The contrast of the top-left finder pattern (light ring minus dark core), in grey levels.
    fn contrast(&self, map: &Transform) -> f64 {
        let at = map.map((3.5, 3.5));
        let uv = map.module_vectors((3.5, 3.5));
        self.rings.finder(self.gray, at, uv).unwrap_or(0.0).max(1.0)
    }

    /// Reads the version information next to the top-right and bottom-left finders.
    fn read_version(&self, map: &Transform, side: usize) -> Option<u8> {
        let mut copies = [0u32; 2];
        for i in 0..18 {
            for (copy, (r, c)) in copies.iter_mut().zip(layout::version_positions(side, i)) {
                let p = map.map(module_centre(r, c));
                let dark = self.gray.sample(p)? < self.binary.threshold_at(p);
                *copy |= u32::from(dark) << i;
            }
        }
        copies
            .iter()
            .filter_map(|&c| layout::decode_version(c))
            .min_by_key(|&(_, d)| d)
            .map(|(v, _)| v)
    }

    /// From the finders' affine map to a homography through every alignment pattern found.
    fn fit_grid(&self, affine: Transform, corners: [Point; 3], version: u8) -> Transform {
        let side = layout::side(version);
        let centres = layout::alignment_centres(version);
        let Some(&last) = centres.last() else {
            return affine;
        };
        let contrast = self.contrast(&affine);
        let mut pairs = finder_pairs(corners, side);
        // The bottom-right pattern, searched widely: the affine map ignores perspective.
        let at = module_centre(last.0, last.1);
        let predicted = affine.map(at);
        let uv = affine.module_vectors(at);
        let score = |p| self.rings.alignment(self.gray, p, uv);
        // Near the prediction first, taken only on a clear match (partial matches in the data
        // around it score up to about half the contrast); otherwise the wide search.
        let found = search(predicted, uv, 2.5, score)
            .filter(|&(_, s)| s > 0.7 * contrast)
            .or_else(|| search(predicted, uv, 3.0 + side as f64 / 16.0, score));
        let mut map = affine;
        if let Some((p, s)) = found
            && s > 0.25 * contrast
        {
            pairs.push((at, p));
            if let Some(h) = Transform::fit(&pairs, true, side as f64) {
                map = h;
            }
        }
        // Every other pattern near where the map now puts it; then each again, only refined,
        // where the map fitted to them puts it.
        for radius in [1.0, 0.0] {
            let mut all = finder_pairs(corners, side);
            for &(r, c) in &centres {
                let at = module_centre(r, c);
                let uv = map.module_vectors(at);
                if let Some((p, s)) = search(map.map(at), uv, radius, |p| {
                    self.rings.alignment(self.gray, p, uv)
                }) && s > 0.25 * contrast
                {
                    all.push((at, p));
                }
            }
            if all.len() >= 4
                && let Some(h) = Transform::fit(&all, true, side as f64)
            {
                map = h;
            }
        }
        map
    }

    /// Samples every module and decodes; a second time with blur from neighbours taken out.
    fn decode(&self, map: &Transform, version: u8) -> Option<String> {
        let side = layout::side(version);
        let mut grey = vec![0.0f64; side * side];
        let mut threshold = vec![0.0f64; side * side];
        for r in 0..side {
            for c in 0..side {
                let p = map.map(module_centre(r, c));
                grey[r * side + c] = self.gray.sample(p)?;
                threshold[r * side + c] = self.binary.threshold_at(p);
            }
        }
        let function = layout::function_modules(version);
        let plain: Vec<bool> = grey.iter().zip(&threshold).map(|(g, t)| g < t).collect();
        if let Some(bytes) = decode_either_way(&plain, version, &function) {
            return Some(bytes);
        }
        // Blur spreads each module into its neighbours: push every sample away from the mean
        // of its four neighbours.
        let sharpened: Vec<bool> = (0..side * side)
            .map(|i| {
                let (r, c) = (i / side, i % side);
                let (sum, n) = [(0, 1), (2, 1), (1, 0), (1, 2)]
                    .iter()
                    .filter_map(|&(dr, dc)| {
                        let (rr, cc) = ((r + dr).checked_sub(1)?, (c + dc).checked_sub(1)?);
                        (rr < side && cc < side).then(|| grey[rr * side + cc])
                    })
                    .fold((0.0, 0usize), |(s, n), g| (s + g, n + 1));
                let mean = sum / n.max(1) as f64;
                grey[i] + 0.6 * (grey[i] - mean) < threshold[i]
            })
            .collect();
        if let Some(bytes) = decode_either_way(&sharpened, version, &function) {
            return Some(bytes);
        }
        if !self.thorough || !formats_agree(&plain, side) {
            return None;
        }
        [0.1, 0.1125].into_iter().find_map(|step| {
            decode_either_way(&self.refined(map, version, step)?, version, &function)
        })
    }

    /// Modules sampled on a grid bent to the image: a code on a curved surface (fabric, a
    /// bottle) leaves the plane the map assumes, and modules drift from their predicted
    /// centres by a fraction of a module, differently across the symbol. The symbol is cut
    /// into tiles of about 5×5 modules; in each, the offset (nine steps of `step` modules each
    /// way) that puts the samples furthest from their thresholds — centred on modules, not on
    /// their edges — is taken; each module then moves by its tile neighbours' offsets,
    /// weighted by distance. Which photos it rescues depends on the step (0.1 of a module:
    /// qrcode-4/06, 30, 32; 0.1125: 05, 06), so `decode` tries both; it runs only where both
    /// format copies agree (a symbol was found), which keeps empty frames about as fast.
    fn refined(&self, map: &Transform, version: u8, step: f64) -> Option<Vec<bool>> {
        const TILE: usize = 5;
        let side = layout::side(version);
        let tiles = side.div_ceil(TILE);
        let module = |r: usize, c: usize| {
            let at = module_centre(r, c);
            (map.map(at), map.module_vectors(at))
        };
        let steps: Vec<f64> = (-4..=4).map(|k| f64::from(k) * step).collect();
        let mut offsets = vec![(0.0, 0.0); tiles * tiles];
        for tr in 0..tiles {
            for tc in 0..tiles {
                let mut best = (f64::MIN, (0.0, 0.0));
                for &du in &steps {
                    for &dv in &steps {
                        let mut contrast = 0.0;
                        for r in tr * TILE..((tr + 1) * TILE).min(side) {
                            for c in tc * TILE..((tc + 1) * TILE).min(side) {
                                let (p, (u, v)) = module(r, c);
                                let q = (p.0 + du * u.0 + dv * v.0, p.1 + du * u.1 + dv * v.1);
                                if let Some(g) = self.gray.sample(q) {
                                    contrast += (g - self.binary.threshold_at(q)).abs();
                                }
                            }
                        }
                        if contrast > best.0 {
                            best = (contrast, (du, dv));
                        }
                    }
                }
                offsets[tr * tiles + tc] = best.1;
            }
        }
        let mut out = vec![false; side * side];
        for r in 0..side {
            for c in 0..side {
                // Inverse-distance weights over the tile centres around the module.
                let (mut su, mut sv, mut sw) = (0.0, 0.0, 0.0);
                for tr in 0..tiles {
                    for tc in 0..tiles {
                        let (cr, cc) = (
                            (tr * TILE) as f64 + TILE as f64 / 2.0,
                            (tc * TILE) as f64 + TILE as f64 / 2.0,
                        );
                        let d2 = (cr - r as f64).powi(2) + (cc - c as f64).powi(2);
                        let w = 1.0 / (d2 + 4.0).powi(2);
                        let (du, dv) = offsets[tr * tiles + tc];
                        (su, sv, sw) = (su + w * du, sv + w * dv, sw + w);
                    }
                }
                let (du, dv) = (su / sw, sv / sw);
                let (p, (u, v)) = module(r, c);
                let q = (p.0 + du * u.0 + dv * v.0, p.1 + du * u.1 + dv * v.1);
                out[r * side + c] = self.gray.sample(q)? < self.binary.threshold_at(q);
            }
        }
        Some(out)
    }
}

/// The text of a symbol's corrected data codewords at error-correction level `level` (`L`,
/// `M`, `Q`, `H`, or the format information's two bits as rxing's Java port gives them: 1, 0, 3,
/// 2), as another engine hands them over: the version is the one whose symbols hold that many
/// data codewords at that level (capacity grows with the version, so it is unique).
#[cfg(feature = "rxing")]
pub(crate) fn text_of_codewords(data: &[u8], level: &str) -> Option<String> {
    let level = match level {
        "L" | "1" => layout::EcLevel::L,
        "M" | "0" => layout::EcLevel::M,
        "Q" | "3" => layout::EcLevel::Q,
        "H" | "2" => layout::EcLevel::H,
        _ => return None,
    };
    let version =
        (1..=40u8).find(|&v| layout::blocks(v, level).data.iter().sum::<usize>() == data.len())?;
    segments::decode(data, version).map(|parts| crate::charset::text(&parts))
}

/// Module-space centres of the three finder patterns (top-left, top-right, bottom-left).
fn finder_modules(side: usize) -> [Point; 3] {
    let far = side as f64 - 3.5;
    [(3.5, 3.5), (far, 3.5), (3.5, far)]
}

fn finder_pairs(centres: [Point; 3], side: usize) -> Vec<(Point, Point)> {
    finder_modules(side).into_iter().zip(centres).collect()
}

/// Decodes a matrix of modules as seen, or transposed: a mirrored symbol (printed through the
/// paper, or seen in a mirror) has its finders where an upright one has them, with the top-right
/// and bottom-left ones swapped.
fn decode_either_way(dark: &[bool], version: u8, function: &[bool]) -> Option<String> {
    decode_modules(dark, version, function).or_else(|| {
        let side = layout::side(version);
        let transposed: Vec<bool> = (0..side * side)
            .map(|i| dark[(i % side) * side + i / side])
            .collect();
        decode_modules(&transposed, version, function)
    })
}

/// The two copies of the format information as sampled.
fn format_copies(dark: &[bool], side: usize) -> [u16; 2] {
    let bit = |(r, c): (usize, usize)| u16::from(dark[r * side + c]);
    let mut copies = [0u16; 2];
    for i in 0..15 {
        let [a, b] = layout::format_positions(side, i);
        copies[0] |= bit(a) << i;
        copies[1] |= bit(b) << i;
    }
    copies
}

/// Whether both copies of the format information read as the same format: a symbol found,
/// its data not yet readable (worth a slower try; a random 15 bits are within three errors
/// of some format more often than not, two copies agree far less often).
fn formats_agree(dark: &[bool], side: usize) -> bool {
    let [a, b] = format_copies(dark, side);
    let one = |c: u16| layout::decode_format([c, c]);
    one(a).is_some() && one(a) == one(b)
}

/// Decodes a matrix of modules (true = dark; `function` marks the version's function
/// patterns): format, unmasking, codewords, error correction, segments.
fn decode_modules(dark: &[bool], version: u8, function: &[bool]) -> Option<String> {
    let side = layout::side(version);
    let format = layout::decode_format(format_copies(dark, side))?;
    let blocks = layout::blocks(version, format.level);
    let mut codewords = vec![0u8; blocks.total];
    let mut i = 0;
    let mut right = side - 1;
    while right >= 1 {
        if right == 6 {
            right = 5;
        }
        let upward = (right + 1) & 2 == 0;
        for vert in 0..side {
            let r = if upward { side - 1 - vert } else { vert };
            for c in [right, right - 1] {
                if function[r * side + c] || i >= blocks.total * 8 {
                    continue;
                }
                let value = dark[r * side + c] ^ layout::masked(format.mask, r, c);
                codewords[i / 8] |= u8::from(value) << (7 - i % 8);
                i += 1;
            }
        }
        if right < 2 {
            break;
        }
        right -= 2;
    }
    let mut data = Vec::new();
    for (mut block, &len) in layout::deinterleave(&codewords, &blocks)
        .into_iter()
        .zip(&blocks.data)
    {
        reed_solomon::correct(&mut block, blocks.ecc)?;
        data.extend_from_slice(&block[..len]);
    }
    segments::decode(&data, version).map(|parts| crate::charset::text(&parts))
}

#[cfg(test)]
mod tests;
