use qrcode::{Color, EcLevel, QrCode, Version};

use super::read;

/// A symbol as grey pixels: `ppm` pixels per module, a 4-module quiet zone, ink 40 on 210.
fn render(code: &QrCode, ppm: usize) -> (usize, Vec<u8>) {
    let n = code.width();
    let side = (n + 8) * ppm;
    let colors = code.to_colors();
    let mut px = vec![210u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (r, c) = ((y / ppm).wrapping_sub(4), (x / ppm).wrapping_sub(4));
            if r < n && c < n && colors[r * n + c] == Color::Dark {
                px[y * side + x] = 40;
            }
        }
    }
    (side, px)
}

/// `src` (square, `side` wide) seen by a camera: scaled by `scale`, turned by `deg`, placed in
/// a `w`×`h` frame, blurred by a 3×3 kernel `blur` times, with deterministic noise.
fn camera(
    src: &[u8],
    side: usize,
    scale: f64,
    deg: f64,
    (w, h): (usize, usize),
    blur: usize,
) -> Vec<u8> {
    let (sin, cos) = deg.to_radians().sin_cos();
    let mut out = vec![200u8; w * h];
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    for y in 0..h {
        for x in 0..w {
            // Average 4×4 subsamples of the source under this pixel.
            let mut sum = 0.0;
            for sy in 0..4 {
                for sx in 0..4 {
                    let (dx, dy) = (
                        x as f64 + (sx as f64 + 0.5) / 4.0 - cx,
                        y as f64 + (sy as f64 + 0.5) / 4.0 - cy,
                    );
                    let (u, v) = (
                        (cos * dx + sin * dy) / scale,
                        (-sin * dx + cos * dy) / scale,
                    );
                    let (u, v) = (u + side as f64 / 2.0, v + side as f64 / 2.0);
                    sum += if u >= 0.0 && v >= 0.0 && (u as usize) < side && (v as usize) < side {
                        f64::from(src[v as usize * side + u as usize])
                    } else {
                        200.0
                    };
                }
            }
            out[y * w + x] = (sum / 16.0) as u8;
        }
    }
    for _ in 0..blur {
        let copy = out.clone();
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let mut s = 0u32;
                for dy in 0..3 {
                    for dx in 0..3 {
                        s += u32::from(copy[(y + dy - 1) * w + x + dx - 1])
                            * [1, 2, 1][dy]
                            * [1, 2, 1][dx];
                    }
                }
                out[y * w + x] = (s / 16) as u8;
            }
        }
    }
    let mut seed = 99u32;
    for p in &mut out {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *p = (i32::from(*p) + (seed >> 16) as i32 % 9 - 4).clamp(0, 255) as u8;
    }
    out
}

fn text(n: usize) -> String {
    format!(
        "HTTPS://HELP.EXAMPLE/S/#{}",
        "0123456789".repeat(n / 10 + 1)[..n].to_owned()
    )
}

#[test]
fn reads_every_level_and_many_versions_at_three_pixels_per_module() {
    for version in [1i16, 2, 6, 7, 10, 16, 17, 25, 40] {
        for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
            let payload = text(8 + version as usize * 6);
            let Ok(code) =
                QrCode::with_version(payload.as_bytes(), Version::Normal(version), level)
            else {
                continue;
            };
            let (side, px) = render(&code, 3);
            let found = read(side, side, &px, false);
            assert_eq!(found, vec![payload], "version {version}, {level:?}");
        }
    }
}

#[test]
fn reads_a_card_code_turned_and_blurred_at_two_pixels_per_module() {
    let payload = text(250);
    let code = QrCode::with_version(payload.as_bytes(), Version::Normal(16), EcLevel::M).unwrap();
    let (side, px) = render(&code, 8);
    for (scale, deg, blur) in [
        (2.2 / 8.0, 10.0, 1),
        (2.0 / 8.0, -7.0, 0),
        (2.6 / 8.0, 30.0, 1),
    ] {
        let frame = camera(&px, side, scale, deg, (320, 320), blur);
        assert_eq!(
            read(320, 320, &frame, true),
            vec![payload.clone()],
            "{scale} {deg} {blur}"
        );
    }
}

#[test]
fn reads_light_on_dark_and_mirrored_codes() {
    let payload = text(60);
    let code = QrCode::with_version(payload.as_bytes(), Version::Normal(5), EcLevel::M).unwrap();
    let (side, px) = render(&code, 3);
    let inverted: Vec<u8> = px.iter().map(|&p| 255 - p).collect();
    assert_eq!(read(side, side, &inverted, false), vec![payload.clone()]);
    // The fast path (live frames) looks for dark-on-light codes only.
    assert!(read(side, side, &inverted, true).is_empty());
    let mirrored: Vec<u8> = (0..side * side)
        .map(|i| px[i / side * side + side - 1 - i % side])
        .collect();
    assert_eq!(read(side, side, &mirrored, true), vec![payload]);
}

#[test]
fn corrects_damaged_modules() {
    let payload = text(120);
    let code = QrCode::with_version(payload.as_bytes(), Version::Normal(8), EcLevel::M).unwrap();
    let (side, mut px) = render(&code, 4);
    // A stain over a band of data modules (well within level M's 15 %).
    for y in side / 2..side / 2 + 8 {
        for x in side / 3..side / 3 + 24 {
            px[y * side + x] = 255 - px[y * side + x];
        }
    }
    assert_eq!(read(side, side, &px, false), vec![payload]);
}

#[test]
fn finds_nothing_in_noise_or_flat_images_and_never_panics() {
    let mut seed = 1u32;
    for (w, h) in [(21, 21), (64, 48), (640, 480), (1, 1), (30, 2000)] {
        let noise: Vec<u8> = (0..w * h)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        assert!(read(w, h, &noise, false).is_empty());
        assert!(read(w, h, &vec![0; w * h], false).is_empty());
        assert!(read(w, h, &vec![255; w * h], false).is_empty());
    }
    // A wrong buffer length.
    assert!(read(100, 100, &[0; 10], false).is_empty());
}

/// A loop for `perf` over a frame like the browser benchmark's (640×480, 2 px/module):
/// `cargo test --release -p helpcard-qr --lib grid::tests::profile_loop -- --ignored --nocapture`.
#[test]
#[ignore]
fn profile_loop() {
    let payload = text(250);
    let code = QrCode::with_version(payload.as_bytes(), Version::Normal(16), EcLevel::M).unwrap();
    let (side, px) = render(&code, 2);
    let (w, h) = (640, 480);
    let mut frame = vec![185u8; w * h];
    for y in 0..side {
        for x in 0..side {
            frame[(y + (h - side) / 2) * w + x + (w - side) / 2] = px[y * side + x];
        }
    }
    let t = std::time::Instant::now();
    for _ in 0..500 {
        assert_eq!(read(w, h, &frame, true).len(), 1);
    }
    eprintln!("{:.2} ms", t.elapsed().as_secs_f64() * 2.0);
}
