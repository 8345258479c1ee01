//! Synthetic benchmark images made from our own card codes: 720p camera frames (empty and with
//! a card) and "card photos" with perspective, rotation, blur, glare, fading and JPEG. All
//! deterministic (fixed seeds), written as files so the peer decodes exactly the same pixels.

use std::path::{Path, PathBuf};

use helpcard_core::qrtext;
use helpcard_qr::{self as qr, EcLevel};

/// (name, file, expected text or `None` for an empty frame)
pub type Sample = (String, PathBuf, Option<String>);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// QR text of a card-sized payload that needs exactly `version` at ECC M.
fn text_for_version(version: u8, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut len = 10;
    loop {
        let payload: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &payload).expect("prefix");
        if qr::min_version(&text, EcLevel::M).expect("fits") >= version {
            return text;
        }
        len += 1;
    }
}

/// A grayscale canvas.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<f64>,
}

impl Canvas {
    /// A room-like background: a gradient, a few soft-edged objects, fine texture.
    fn scene(w: usize, h: usize, rng: &mut Rng) -> Canvas {
        let mut px = vec![0.0; w * h];
        let rects: Vec<(f64, f64, f64, f64, f64)> = (0..12)
            .map(|_| {
                (
                    rng.unit() * w as f64,
                    rng.unit() * h as f64,
                    40.0 + rng.unit() * 300.0,
                    30.0 + rng.unit() * 200.0,
                    40.0 + rng.unit() * 180.0,
                )
            })
            .collect();
        for y in 0..h {
            for x in 0..w {
                let mut v = 90.0 + 80.0 * (x as f64 / w as f64) + 30.0 * (y as f64 / h as f64);
                for &(rx, ry, rw, rh, l) in &rects {
                    if (x as f64) > rx
                        && (x as f64) < rx + rw
                        && (y as f64) > ry
                        && (y as f64) < ry + rh
                    {
                        v = l;
                    }
                }
                px[y * w + x] = v;
            }
        }
        Canvas { w, h, px }
    }

    /// Draws `symbol` (with a 4-module quiet zone) into the quadrilateral `corners` (clockwise
    /// from top-left), black `ink`, white `paper`, 3×3 supersampled.
    fn draw(&mut self, symbol: &qr::Symbol, corners: [(f64, f64); 4], ink: f64, paper: f64) {
        let n = symbol.width as f64 + 8.0;
        let hmat = homography(corners);
        let inv = invert(hmat);
        let (minx, maxx) = bounds(corners.iter().map(|c| c.0), self.w);
        let (miny, maxy) = bounds(corners.iter().map(|c| c.1), self.h);
        for y in miny..maxy {
            for x in minx..maxx {
                let mut sum = 0.0;
                let mut inside = 0;
                for sy in 0..3 {
                    for sx in 0..3 {
                        let (u, v) = apply(
                            inv,
                            x as f64 + (sx as f64 + 0.5) / 3.0,
                            y as f64 + (sy as f64 + 0.5) / 3.0,
                        );
                        if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
                            continue;
                        }
                        inside += 1;
                        let (mx, my) = ((u * n) as i64 - 4, (v * n) as i64 - 4);
                        let dark = mx >= 0
                            && my >= 0
                            && (mx as usize) < symbol.width
                            && (my as usize) < symbol.width
                            && symbol.modules[my as usize * symbol.width + mx as usize];
                        sum += if dark { ink } else { paper };
                    }
                }
                if inside > 0 {
                    let i = y * self.w + x;
                    self.px[i] = (sum + self.px[i] * f64::from(9 - inside)) / 9.0;
                }
            }
        }
    }

    fn blur(&mut self, sigma: f64) {
        if sigma <= 0.0 {
            return;
        }
        let r = (sigma * 3.0).ceil() as i64;
        let k: Vec<f64> = (-r..=r)
            .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
            .collect();
        let ks: f64 = k.iter().sum();
        for pass in 0..2 {
            let src = self.px.clone();
            for y in 0..self.h {
                for x in 0..self.w {
                    let mut acc = 0.0;
                    for (j, kv) in k.iter().enumerate() {
                        let d = j as i64 - r;
                        let (xx, yy) = if pass == 0 {
                            (x as i64 + d, y as i64)
                        } else {
                            (x as i64, y as i64 + d)
                        };
                        let xx = xx.clamp(0, self.w as i64 - 1) as usize;
                        let yy = yy.clamp(0, self.h as i64 - 1) as usize;
                        acc += kv * src[yy * self.w + xx];
                    }
                    self.px[y * self.w + x] = acc / ks;
                }
            }
        }
    }

    fn noise(&mut self, sigma: f64, rng: &mut Rng) {
        self.px.iter_mut().for_each(|p| *p += sigma * rng.gauss());
    }

    /// A bright elliptical highlight (reflection on a laminated card).
    fn glare(&mut self, cx: f64, cy: f64, radius: f64, strength: f64) {
        for y in 0..self.h {
            for x in 0..self.w {
                let d = ((x as f64 - cx).powi(2) + (y as f64 - cy).powi(2) * 2.0).sqrt() / radius;
                self.px[y * self.w + x] += strength * (-d * d).exp();
            }
        }
    }

    fn save(&self, path: &Path) -> std::io::Result<()> {
        let bytes: Vec<u8> = self
            .px
            .iter()
            .map(|p| p.round().clamp(0.0, 255.0) as u8)
            .collect();
        let img = image::GrayImage::from_raw(self.w as u32, self.h as u32, bytes).expect("size");
        img.save(path).map_err(std::io::Error::other)
    }
}

fn bounds(values: impl Iterator<Item = f64>, limit: usize) -> (usize, usize) {
    let v: Vec<f64> = values.collect();
    let lo = v
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .floor()
        .max(0.0) as usize;
    let hi = v
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil()
        .max(0.0) as usize;
    (lo.min(limit), (hi + 1).min(limit))
}

type Mat = [[f64; 3]; 3];

/// The homography taking the unit square (0,0),(1,0),(1,1),(0,1) to `q`.
fn homography(q: [(f64, f64); 4]) -> Mat {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ]
}

fn invert(m: Mat) -> Mat {
    let [[a, b, c], [d, e, f], [g, h, i]] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    [
        [
            (e * i - f * h) / det,
            (c * h - b * i) / det,
            (b * f - c * e) / det,
        ],
        [
            (f * g - d * i) / det,
            (a * i - c * g) / det,
            (c * d - a * f) / det,
        ],
        [
            (d * h - e * g) / det,
            (b * g - a * h) / det,
            (a * e - b * d) / det,
        ],
    ]
}

fn apply(m: Mat, x: f64, y: f64) -> (f64, f64) {
    let w = m[2][0] * x + m[2][1] * y + m[2][2];
    (
        (m[0][0] * x + m[0][1] * y + m[0][2]) / w,
        (m[1][0] * x + m[1][1] * y + m[1][2]) / w,
    )
}

/// A square of side `size` centred at (cx, cy), rotated by `deg`, with `tilt` perspective
/// (fraction by which the right edge shrinks).
fn quad(cx: f64, cy: f64, size: f64, deg: f64, tilt: f64) -> [(f64, f64); 4] {
    let (s, c) = deg.to_radians().sin_cos();
    let half = size / 2.0;
    let pts = [
        (-half, -half),
        (half, -half * (1.0 - tilt)),
        (half, half * (1.0 - tilt)),
        (-half, half),
    ];
    pts.map(|(x, y)| (cx + x * c - y * s, cy + x * s + y * c))
}

/// 1280×720 frames: two empty scenes and cards with version-15 and version-20 codes at the
/// pixel sizes a webcam sees when a card is held up (about 3 and 2.6 pixels per module).
pub fn camera_frames(dir: &Path) -> std::io::Result<Vec<Sample>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (i, name) in ["empty-room", "empty-desk"].iter().enumerate() {
        let mut rng = Rng(100 + i as u64);
        let mut c = Canvas::scene(1280, 720, &mut rng);
        c.blur(1.0);
        c.noise(4.0, &mut rng);
        let path = dir.join(format!("{name}.png"));
        c.save(&path)?;
        out.push((name.to_string(), path, None));
    }
    for (version, px_per_module, deg, tilt) in [(15u8, 3.0, 4.0, 0.04), (20, 2.6, -6.0, 0.06)] {
        let mut rng = Rng(200 + u64::from(version));
        let text = text_for_version(version, u64::from(version));
        let symbol = qr::symbol(&text, EcLevel::M).expect("symbol");
        let size = (symbol.width as f64 + 8.0) * px_per_module;
        let mut c = Canvas::scene(1280, 720, &mut rng);
        c.draw(&symbol, quad(700.0, 380.0, size, deg, tilt), 35.0, 215.0);
        c.blur(0.8);
        c.noise(4.0, &mut rng);
        let name = format!("card-v{version}");
        let path = dir.join(format!("{name}.png"));
        c.save(&path)?;
        out.push((name, path, Some(text)));
    }
    Ok(out)
}

/// 640×480 photos of card codes under six kinds of distortion, four severities each.
pub fn card_photos(dir: &Path) -> std::io::Result<Vec<Sample>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    let kinds = ["perspective", "rotation", "blur", "glare", "faded", "jpeg"];
    for (k, kind) in kinds.iter().enumerate() {
        for level in 0..4 {
            let seed = (k * 10 + level) as u64;
            let mut rng = Rng(1000 + seed);
            let version = [15u8, 17, 20, 22][level];
            let text = text_for_version(version, 50 + seed);
            let symbol = qr::symbol(&text, EcLevel::M).expect("symbol");
            let l = level as f64;
            let mut c = Canvas::scene(640, 480, &mut rng);
            let size = (symbol.width as f64 + 8.0) * 3.2;
            let (mut deg, mut tilt, mut blur, mut ink, mut paper) = (3.0, 0.02, 0.7, 30.0, 220.0);
            match *kind {
                "perspective" => tilt = 0.12 + 0.08 * l,
                "rotation" => deg = 20.0 + 22.0 * l,
                "blur" => blur = 1.1 + 0.35 * l,
                "faded" => (ink, paper) = (110.0 + 15.0 * l, 200.0),
                _ => {}
            }
            c.draw(&symbol, quad(320.0, 240.0, size, deg, tilt), ink, paper);
            if *kind == "glare" {
                c.glare(300.0 + 20.0 * l, 220.0, 60.0 + 20.0 * l, 90.0 + 25.0 * l);
            }
            c.blur(blur);
            c.noise(3.0, &mut rng);
            let name = format!("{kind}/{level}-v{version}");
            let path = if *kind == "jpeg" {
                let p = dir.join(format!("{kind}-{level}.jpg"));
                let bytes: Vec<u8> =
                    c.px.iter()
                        .map(|p| p.round().clamp(0.0, 255.0) as u8)
                        .collect();
                let img = image::GrayImage::from_raw(640, 480, bytes).expect("size");
                let mut file = std::fs::File::create(&p)?;
                let quality = [60u8, 40, 25, 15][level];
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, quality)
                    .encode_image(&img)
                    .map_err(std::io::Error::other)?;
                p
            } else {
                let p = dir.join(format!("{kind}-{level}.png"));
                c.save(&p)?;
                p
            };
            out.push((name, path, Some(text)));
        }
    }
    Ok(out)
}

/// A webcam for the read-range sweep: 70° horizontal field of view, f = 3.6 mm at f/2.
pub struct Camera {
    /// How the tables name it.
    pub name: &'static str,
    /// Frame width in pixels.
    pub width: usize,
    /// Frame height in pixels.
    pub height: usize,
    /// Fixed focus distance in mm; `None`: autofocus (focused on the card, ±4 %).
    pub focus_mm: Option<f64>,
}

const FOCAL_MM: f64 = 3.6;
const F_NUMBER: f64 = 2.0;
/// tan(35°): half the horizontal field of view.
const TAN_HALF_FOV: f64 = 0.700_207_5;

impl Camera {
    /// Sensor pixel pitch in mm (the sensor's width spans the field of view at the focal length).
    fn pitch_mm(&self) -> f64 {
        2.0 * FOCAL_MM * TAN_HALF_FOV / self.width as f64
    }

    /// Pixels per mm of card at `distance_mm` (thin lens: magnification f / (s − f)).
    pub fn px_per_mm(&self, distance_mm: f64) -> f64 {
        FOCAL_MM / (distance_mm - FOCAL_MM) / self.pitch_mm()
    }

    /// Defocus blur as a Gaussian sigma in pixels for a card at `distance_mm` when the lens is
    /// focused at `focus_mm`: the thin-lens blur circle c = A · |s − s_f| / s · f / (s_f − f)
    /// with aperture A = f/N, taken as a disc (sigma = c / 4), over the lens and demosaicing
    /// blur of a webcam (0.55 px).
    fn blur_px(&self, distance_mm: f64, focus_mm: f64) -> f64 {
        let aperture = FOCAL_MM / F_NUMBER;
        let circle = aperture * (distance_mm - focus_mm).abs() / distance_mm * FOCAL_MM
            / (focus_mm - FOCAL_MM);
        let defocus = circle / self.pitch_mm() / 4.0;
        (0.55f64.powi(2) + defocus.powi(2)).sqrt()
    }
}

/// One frame of the read-range sweep, written as a JPEG (quality 80, as a webcam's MJPEG): the
/// symbol printed `side_mm` wide with its quiet zone, held `distance_mm` from `camera`, at a
/// random place, turn (±12°) and tilt (up to 10 %), in a room with a lighting gradient,
/// defocus, sensor noise.
pub fn range_frame(
    path: &Path,
    camera: &Camera,
    symbol: &qr::Symbol,
    side_mm: f64,
    distance_mm: f64,
    seed: u64,
) -> std::io::Result<()> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let (w, h) = (camera.width, camera.height);
    let mut c = Canvas::scene(w, h, &mut rng);
    let size = side_mm * camera.px_per_mm(distance_mm);
    let (cx, cy) = (
        w as f64 * (0.4 + 0.2 * rng.unit()),
        h as f64 * (0.4 + 0.2 * rng.unit()),
    );
    let (deg, tilt) = (24.0 * rng.unit() - 12.0, 0.1 * rng.unit());
    let exposure = 0.8 + 0.2 * rng.unit();
    c.draw(
        symbol,
        quad(cx, cy, size, deg, tilt),
        35.0 * exposure,
        215.0 * exposure,
    );
    for y in 0..h {
        for x in 0..w {
            c.px[y * w + x] *= 1.0 - 0.25 * x as f64 / w as f64 - 0.1 * y as f64 / h as f64;
        }
    }
    let focus = camera
        .focus_mm
        .unwrap_or(distance_mm * (1.0 + 0.04 * rng.gauss()));
    c.blur(camera.blur_px(distance_mm, focus));
    c.noise(3.0 + 2.0 * rng.unit(), &mut rng);
    let bytes: Vec<u8> =
        c.px.iter()
            .map(|p| p.round().clamp(0.0, 255.0) as u8)
            .collect();
    let img = image::GrayImage::from_raw(w as u32, h as u32, bytes).expect("size");
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 80)
        .encode_image(&img)
        .map_err(std::io::Error::other)
}

/// A card-sized QR text that needs exactly `version` at ECC M, and its symbol.
pub fn card_of_version(version: u8) -> (String, qr::Symbol) {
    let text = text_for_version(version, 900 + u64::from(version));
    let symbol = qr::symbol(&text, EcLevel::M).expect("symbol");
    (text, symbol)
}
