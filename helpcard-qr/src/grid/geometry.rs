//! The map from module coordinates (column, row; module (r, c) spans [c, c+1] × [r, r+1]) to
//! image pixels: an affine map from three points, a homography from four or more, fitted by
//! least squares in normalised coordinates.

/// A point, in pixels or in modules.
pub(super) type Point = (f64, f64);

/// The Euclidean distance between two points.
pub(super) fn distance(a: Point, b: Point) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The module-space centre of module (row, column).
pub(super) fn module_centre(row: usize, col: usize) -> Point {
    (col as f64 + 0.5, row as f64 + 0.5)
}

/// Module coordinates → image pixels.
#[derive(Clone, Debug)]
pub(super) struct Transform {
    /// Homography in normalised coordinates (h₈ = 1).
    h: [f64; 8],
    /// Module coordinates are divided by this.
    module_scale: f64,
    /// Image coordinates are `centre + scale · normalised`.
    centre: Point,
    scale: f64,
}

impl Transform {
    /// The best-fitting map for `pairs` of (module point, image point): affine when
    /// `projective` is false (three pairs determine it), a homography otherwise (four or more).
    /// `None` when the points are degenerate.
    pub(super) fn fit(pairs: &[(Point, Point)], projective: bool, side: f64) -> Option<Transform> {
        let n = pairs.len() as f64;
        let centre = pairs
            .iter()
            .fold((0.0, 0.0), |a, (_, p)| (a.0 + p.0 / n, a.1 + p.1 / n));
        let scale = pairs.iter().map(|&(_, p)| distance(p, centre)).sum::<f64>() / n;
        if scale <= 0.0 || !scale.is_finite() {
            return None;
        }
        let unknowns = if projective { 8 } else { 6 };
        // Normal equations AᵀA h = Aᵀb.
        let mut ata = [[0.0f64; 8]; 8];
        let mut atb = [0.0f64; 8];
        for &((mx, my), (px, py)) in pairs {
            let (x, y) = (mx / side, my / side);
            let (u, v) = ((px - centre.0) / scale, (py - centre.1) / scale);
            let rows = [
                ([x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u], u),
                ([0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v], v),
            ];
            for (row, b) in rows {
                for i in 0..unknowns {
                    for j in 0..unknowns {
                        ata[i][j] += row[i] * row[j];
                    }
                    atb[i] += row[i] * b;
                }
            }
        }
        let solution = solve(&mut ata, &mut atb, unknowns)?;
        let mut h = [0.0; 8];
        h[..unknowns].copy_from_slice(&solution[..unknowns]);
        Some(Transform {
            h,
            module_scale: side,
            centre,
            scale,
        })
    }

    /// The image point of a module-space point.
    pub(super) fn map(&self, (mx, my): Point) -> Point {
        let (x, y) = (mx / self.module_scale, my / self.module_scale);
        let h = &self.h;
        let w = h[6] * x + h[7] * y + 1.0;
        let u = (h[0] * x + h[1] * y + h[2]) / w;
        let v = (h[3] * x + h[4] * y + h[5]) / w;
        (
            self.centre.0 + self.scale * u,
            self.centre.1 + self.scale * v,
        )
    }

    /// The image displacement of one module along the columns and along the rows, at `at`.
    pub(super) fn module_vectors(&self, at: Point) -> (Point, Point) {
        let d = |a: Point, b: Point| (b.0 - a.0, b.1 - a.1);
        let u = d(self.map((at.0 - 0.5, at.1)), self.map((at.0 + 0.5, at.1)));
        let v = d(self.map((at.0, at.1 - 0.5)), self.map((at.0, at.1 + 0.5)));
        (u, v)
    }
}

/// Gaussian elimination with partial pivoting on the top-left `n`×`n` block.
fn solve(a: &mut [[f64; 8]; 8], b: &mut [f64; 8], n: usize) -> Option<[f64; 8]> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (x, p) in a[row][col..n].iter_mut().zip(&pivot_row[col..n]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 8];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_homography_through_four_points_maps_them_and_an_affine_through_three() {
        let pairs = [
            ((3.5, 3.5), (100.0, 120.0)),
            ((77.5, 3.5), (260.0, 110.0)),
            ((3.5, 77.5), (95.0, 290.0)),
            ((74.5, 74.5), (250.0, 270.0)),
        ];
        let h = Transform::fit(&pairs, true, 81.0).unwrap();
        for (m, p) in pairs {
            let q = h.map(m);
            assert!(
                (q.0 - p.0).abs() < 1e-6 && (q.1 - p.1).abs() < 1e-6,
                "{q:?} {p:?}"
            );
        }
        let a = Transform::fit(&pairs[..3], false, 81.0).unwrap();
        for (m, p) in &pairs[..3] {
            let q = a.map(*m);
            assert!((q.0 - p.0).abs() < 1e-6 && (q.1 - p.1).abs() < 1e-6);
        }
        assert!(Transform::fit(&[((0.0, 0.0), (1.0, 1.0)); 4], true, 21.0).is_none());
    }
}
