//! QR reader benchmarks, ours against zxing-cpp in the same run.
//!
//! ```sh
//! cargo bench -p helpcard-qr --bench qr            # all three tables
//! cargo bench -p helpcard-qr --bench qr -- photos  # one table: photos | frames | cards
//! cargo bench -p helpcard-qr --bench qr -- range   # the read-range sweep (not in the default run)
//! cargo bench -p helpcard-qr --bench qr -- write   # writing card symbols, ours and the qrcode crate's
//! ```
//!
//! The peer runs from a virtualenv under `target/bench-venv` (zxing-cpp pinned in
//! `scripts/bench-requirements.txt`), created on first use. Photos come from
//! `../shared/datasets/qr-photos` (or `HELPCARD_QR_PHOTOS`).

// A benchmark binary prints its results.
#![allow(clippy::print_stdout, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use helpcard_qr::{self as qr, EcLevel, Effort, LumaImage};

mod synth;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load_luma(path: &Path) -> (usize, usize, Vec<u8>) {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_luma8();
    (img.width() as usize, img.height() as usize, img.into_raw())
}

fn venv_python() -> PathBuf {
    let venv = workspace().join("target/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not create {}", venv.display());
    }
    let req = workspace().join("scripts/bench-requirements.txt");
    let ok = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&req)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "could not install the peer (zxing-cpp)");
    python
}

/// Runs zxing-cpp on `paths`; returns path -> (texts, seconds per read if timed).
fn peer(mode: &[&str], paths: &[PathBuf]) -> BTreeMap<PathBuf, (Vec<String>, Option<f64>)> {
    let out = Command::new(venv_python())
        .arg(workspace().join("scripts/zxing_peer.py"))
        .args(mode)
        .args(paths)
        .output()
        .expect("run zxing-cpp peer");
    assert!(
        out.status.success(),
        "peer failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("peer JSON");
            let texts = v["texts"]
                .as_array()
                .expect("texts")
                .iter()
                .map(|t| t.as_str().unwrap_or("").to_owned())
                .collect();
            (
                PathBuf::from(v["path"].as_str().expect("path")),
                (texts, v["seconds_per_read"].as_f64()),
            )
        })
        .collect()
}

fn photo_list() -> (PathBuf, Vec<(String, PathBuf, String)>) {
    let dir = std::env::var_os("HELPCARD_QR_PHOTOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/datasets/qr-photos"));
    let mut images: Vec<(String, PathBuf, String)> = Vec::new();
    for set in 1..=6 {
        let set_dir = dir.join(format!("qrcode-{set}"));
        let Ok(entries) = std::fs::read_dir(&set_dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "png") {
                let expected =
                    std::fs::read_to_string(p.with_extension("txt")).expect("expected text");
                images.push((format!("qrcode-{set}"), p, expected));
            }
        }
    }
    images.sort_by(|a, b| a.1.cmp(&b.1));
    assert!(!images.is_empty(), "no photos under {}", dir.display());
    (dir, images)
}

/// Each reader pass alone on the photos: how many it reads, and which photos it adds to the
/// default pipeline. This is how the passes in `qr::read` were chosen.
fn levers() {
    use helpcard_qr::Pass;
    let (dir, images) = photo_list();
    let loaded: Vec<_> = images
        .iter()
        .map(|(_, p, e)| (p.clone(), load_luma(p), e.clone()))
        .collect();
    let ok = |passes: &[Pass]| -> Vec<bool> {
        loaded
            .iter()
            .map(|(_, (w, h, px), e)| {
                qr::read_with(&LumaImage::new(*w, *h, px).expect("image"), passes)
                    .expect("read")
                    .iter()
                    .any(|c| c == e)
            })
            .collect()
    };
    let baseline = ok(&[Pass::Rxing(false), Pass::Rxing(true), Pass::Rqrr]);
    println!(
        "\n## reader levers on the photos (alone; and photos added to rxing+rqrr = {})\n",
        baseline.iter().filter(|b| **b).count()
    );
    println!("| pass | reads alone | adds |");
    println!("|---|---:|---|");
    let candidates = [
        Pass::Grid(false),
        Pass::RxingCpp(false),
        Pass::RxingCpp(true),
        Pass::Rxing(false),
        Pass::Rxing(true),
        Pass::RxingGlobal,
        Pass::Rqrr,
        Pass::Scaled(2.0),
        Pass::Scaled(0.5),
        Pass::Scaled(0.75),
        Pass::Scaled(1.5),
        Pass::ScaledRqrr(2.0),
        Pass::ScaledRqrr(0.5),
        Pass::Sharpened,
        Pass::LocalMean(3),
    ];
    for pass in candidates {
        let r = ok(&[pass]);
        let adds: Vec<String> = r
            .iter()
            .zip(&baseline)
            .zip(&loaded)
            .filter(|((a, b), _)| **a && !**b)
            .map(|(_, (p, _, _))| p.strip_prefix(&dir).unwrap_or(p).display().to_string())
            .collect();
        println!(
            "| {pass:?} | {} | {} |",
            r.iter().filter(|b| **b).count(),
            adds.join(", ")
        );
    }
}

fn photos() {
    let (dir, images) = photo_list();
    let paths: Vec<PathBuf> = images.iter().map(|i| i.1.clone()).collect();
    let theirs = peer(&["photos"], &paths);
    let mut table: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let (mut only_peer, mut only_ours) = (Vec::new(), Vec::new());
    let start = Instant::now();
    for (set, path, expected) in &images {
        let (w, h, px) = load_luma(path);
        let ours =
            qr::read(&LumaImage::new(w, h, &px).expect("image"), Effort::Thorough).expect("read");
        let ours_ok = ours.iter().any(|c| c == expected);
        let peer_ok = theirs
            .get(path)
            .is_some_and(|(t, _)| t.iter().any(|t| t == expected));
        let row = table.entry(set.clone()).or_default();
        row[0] += 1;
        row[1] += usize::from(ours_ok);
        row[2] += usize::from(peer_ok);
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        if peer_ok && !ours_ok {
            only_peer.push(name);
        } else if ours_ok && !peer_ok {
            only_ours.push(name);
        }
    }
    let elapsed = start.elapsed();
    println!("\n## photos: exact text match ({} images)\n", images.len());
    println!("| set | images | helpcard | zxing-cpp 3.1.1 |");
    println!("|---|---:|---:|---:|");
    let mut total = [0; 3];
    for (set, row) in &table {
        println!("| {set} | {} | {} | {} |", row[0], row[1], row[2]);
        (0..3).for_each(|i| total[i] += row[i]);
    }
    println!(
        "| **total** | {} | **{}** | **{}** |",
        total[0], total[1], total[2]
    );
    println!(
        "\nonly zxing-cpp reads: {}",
        if only_peer.is_empty() {
            "-".into()
        } else {
            only_peer.join(", ")
        }
    );
    println!(
        "only helpcard reads: {}",
        if only_ours.is_empty() {
            "-".into()
        } else {
            only_ours.join(", ")
        }
    );
    println!(
        "helpcard time for all photos: {:.2} s (decoding and PNG loading, one core)",
        elapsed.as_secs_f64()
    );
}

/// Times `read` on each frame (ours, `effort`) and zxing-cpp; prints one row per frame.
fn timing_table(
    title: &str,
    frames: &[(String, PathBuf, Option<String>)],
    effort: Effort,
    repeat: usize,
) {
    let paths: Vec<PathBuf> = frames.iter().map(|f| f.1.clone()).collect();
    let theirs = peer(&["time", &repeat.to_string()], &paths);
    println!("\n## {title}\n");
    println!(
        "| frame | helpcard ms | helpcard fps | read | zxing-cpp ms | zxing-cpp fps | read | speed ratio |"
    );
    println!("|---|---:|---:|:-:|---:|---:|:-:|---:|");
    for (name, path, expected) in frames {
        let (w, h, px) = load_luma(path);
        let img = LumaImage::new(w, h, &px).expect("frame");
        let ours_found = qr::read(&img, effort).expect("read");
        let start = Instant::now();
        for _ in 0..repeat {
            std::hint::black_box(qr::read(&img, effort).expect("read"));
        }
        let ours = start.elapsed().as_secs_f64() / repeat as f64;
        let (peer_texts, peer_secs) = theirs.get(path).cloned().unwrap_or_default();
        let peer_secs = peer_secs.unwrap_or(f64::NAN);
        let mark = |ok: bool| if ok { "✓" } else { "✗" };
        let (ours_ok, peer_ok) = match expected {
            Some(e) => (
                ours_found.iter().any(|c| c == e),
                peer_texts.iter().any(|t| t == e),
            ),
            None => (ours_found.is_empty(), peer_texts.is_empty()),
        };
        println!(
            "| {name} | {:.2} | {:.0} | {} | {:.2} | {:.0} | {} | {:.2}× |",
            ours * 1e3,
            1.0 / ours,
            mark(ours_ok),
            peer_secs * 1e3,
            1.0 / peer_secs,
            mark(peer_ok),
            peer_secs / ours
        );
    }
    println!(
        "\nspeed ratio = zxing-cpp time / helpcard time (above 1: helpcard is faster). {repeat} reads per frame."
    );
}

fn frames() {
    let dir = workspace().join("target/bench-frames");
    let frames = synth::camera_frames(&dir).expect("write frames");
    timing_table(
        "frames: 1280×720 grayscale, Effort::Fast (kiosk path)",
        &frames,
        Effort::Fast,
        20,
    );
    timing_table(
        "frames: 1280×720 grayscale, Effort::Thorough",
        &frames,
        Effort::Thorough,
        5,
    );
}

fn cards() {
    let dir = workspace().join("target/bench-cards");
    let photos = synth::card_photos(&dir).expect("write card photos");
    let paths: Vec<PathBuf> = photos.iter().map(|p| p.1.clone()).collect();
    let theirs = peer(&["photos"], &paths);
    let (mut ours_n, mut peer_n) = (0, 0);
    let mut rows = Vec::new();
    for (name, path, expected) in &photos {
        let expected = expected.as_deref().expect("card photos have a code");
        let (w, h, px) = load_luma(path);
        let ours =
            qr::read(&LumaImage::new(w, h, &px).expect("image"), Effort::Thorough).expect("read");
        let ours_ok = ours.iter().any(|c| c == expected);
        let peer_ok = theirs
            .get(path)
            .is_some_and(|(t, _)| t.iter().any(|t| t == expected));
        ours_n += usize::from(ours_ok);
        peer_n += usize::from(peer_ok);
        rows.push((name.clone(), ours_ok, peer_ok));
    }
    println!("\n## synthetic card photos ({} images)\n", photos.len());
    let mut by_kind: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for (name, o, p) in &rows {
        let kind = name.split('/').next().unwrap_or(name).to_owned();
        let r = by_kind.entry(kind).or_default();
        r[0] += 1;
        r[1] += usize::from(*o);
        r[2] += usize::from(*p);
    }
    println!("| distortion | images | helpcard | zxing-cpp |");
    println!("|---|---:|---:|---:|");
    for (k, r) in &by_kind {
        println!("| {k} | {} | {} | {} |", r[0], r[1], r[2]);
    }
    println!(
        "| **total** | {} | **{ours_n}** | **{peer_n}** |",
        photos.len()
    );
}

/// The read-range sweep: distance × card × camera, 20 simulated frames a point
/// (`HELPCARD_RANGE_FRAMES` to change), ours (fast path, as the kiosk runs it) and zxing-cpp on
/// the same JPEG files. Prints reads per point and, per card and camera, the largest distance
/// with at least 90 % of frames read.
fn range() {
    let frames: usize = std::env::var("HELPCARD_RANGE_FRAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let cameras = [
        synth::Camera {
            name: "720p autofocus",
            width: 1280,
            height: 720,
            focus_mm: None,
        },
        synth::Camera {
            name: "1080p autofocus",
            width: 1920,
            height: 1080,
            focus_mm: None,
        },
        synth::Camera {
            name: "720p fixed focus (40 cm)",
            width: 1280,
            height: 720,
            focus_mm: Some(400.0),
        },
    ];
    // Printed width with the quiet zone: today's single-sided card, and the back of a duplex
    // or folded card.
    let prints = [("single, 32 mm", 32.0), ("duplex back, 50 mm", 50.0)];
    let versions = [15u8, 17];
    let distances = [
        100.0, 125.0, 150.0, 175.0, 200.0, 250.0, 300.0, 350.0, 400.0,
    ];
    let root = workspace().join("target/bench-range");
    let _ = std::fs::remove_dir_all(&root);
    // Every point's frames, generated on two threads.
    let mut jobs = Vec::new();
    for (c, camera) in cameras.iter().enumerate() {
        for (p, (_, side)) in prints.iter().enumerate() {
            for &version in &versions {
                for (d, &distance) in distances.iter().enumerate() {
                    let dir = root.join(format!("c{c}-p{p}-v{version}-d{d}"));
                    for i in 0..frames {
                        jobs.push((
                            (c, p, version, d),
                            (camera, *side, distance),
                            dir.join(format!("{i}.jpg")),
                            (c * 1000 + d * 100 + i) as u64,
                        ));
                    }
                }
            }
        }
    }
    let symbols: BTreeMap<u8, (String, qr::Symbol)> = versions
        .iter()
        .map(|&v| (v, synth::card_of_version(v)))
        .collect();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for part in jobs.chunks(jobs.len().div_ceil(2)) {
            let symbols = &symbols;
            scope.spawn(move || {
                for ((_, _, version, _), (camera, side, distance), path, seed) in part {
                    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
                    synth::range_frame(path, camera, &symbols[version].1, *side, *distance, *seed)
                        .expect("frame");
                }
            });
        }
    });
    eprintln!(
        "{} frames generated in {:.0} s",
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
    let paths: Vec<PathBuf> = jobs.iter().map(|j| j.2.clone()).collect();
    let theirs = peer(&["photos"], &paths);
    let mut ours_time = 0.0;
    // (camera, print, version, distance) -> reads (fast, thorough, zxing-cpp)
    type Point = (usize, usize, u8, usize);
    let mut counts: BTreeMap<Point, (usize, usize, usize)> = BTreeMap::new();
    let mut thorough_time: BTreeMap<&str, f64> = BTreeMap::new();
    for (point, (camera, ..), path, _) in &jobs {
        let expected = &symbols[&point.2].0;
        let (w, h, px) = load_luma(path);
        let image = LumaImage::new(w, h, &px).expect("image");
        let start = Instant::now();
        let fast = qr::read(&image, Effort::Fast).expect("read");
        ours_time += start.elapsed().as_secs_f64();
        let start = Instant::now();
        let thorough = qr::read(&image, Effort::Thorough).expect("read");
        *thorough_time.entry(camera.name).or_default() += start.elapsed().as_secs_f64();
        let entry = counts.entry(*point).or_default();
        entry.0 += usize::from(fast.iter().any(|t| t == expected));
        entry.1 += usize::from(thorough.iter().any(|t| t == expected));
        entry.2 += usize::from(
            theirs
                .get(path)
                .is_some_and(|(t, _)| t.iter().any(|t| t == expected)),
        );
    }
    println!(
        "\n## read range: {frames} frames per point, reads ours fast path / ours thorough / zxing-cpp\n"
    );
    print!("| camera | card | v |");
    for d in &distances {
        print!(" {:.1} cm |", d / 10.0);
    }
    println!(" ≥90 % up to: fast | thorough | zxing-cpp |");
    println!(
        "|---|---|---|{}---|---|---|",
        "---|".repeat(distances.len())
    );
    let need = (frames * 9).div_ceil(10);
    for (c, camera) in cameras.iter().enumerate() {
        for (p, (print_name, side)) in prints.iter().enumerate() {
            for &version in &versions {
                let module = side / (symbols[&version].1.width as f64 + 8.0);
                print!(
                    "| {} | {print_name} ({module:.2} mm/module) | {version} |",
                    camera.name
                );
                let mut max = [None; 3];
                for (d, distance) in distances.iter().enumerate() {
                    let (f, t, z) = counts[&(c, p, version, d)];
                    print!(" {f}/{t}/{z} |");
                    for (m, n) in max.iter_mut().zip([f, t, z]) {
                        if n >= need {
                            *m = Some(distance / 10.0);
                        }
                    }
                }
                let show = |m: Option<f64>| m.map_or("never".to_owned(), |m| format!("{m:.1} cm"));
                println!(" {} | {} | {} |", show(max[0]), show(max[1]), show(max[2]));
            }
        }
    }
    let per_camera = (jobs.len() / cameras.len()) as f64;
    for (name, secs) in &thorough_time {
        println!(
            "\nThorough: {:.1} ms per frame on average, {name}.",
            1e3 * secs / per_camera
        );
    }
    println!(
        "\nOurs: {:.1} ms per frame on average (fast path, all frame sizes). Pixels per module at 20 cm: 720p {:.2} (32 mm) / {:.2} (50 mm), 1080p {:.2} / {:.2} at version 16.",
        1e3 * ours_time / jobs.len() as f64,
        32.0 / 89.0 * cameras[0].px_per_mm(200.0),
        50.0 / 89.0 * cameras[0].px_per_mm(200.0),
        32.0 / 89.0 * cameras[1].px_per_mm(200.0),
        50.0 / 89.0 * cameras[1].px_per_mm(200.0),
    );
}

/// Writing the symbols of the reference profiles' cards: ours (`card_symbol`) against the
/// `qrcode` crate's `QrCode::with_bits` for the same segments (what `card_symbol` called before
/// it wrote its own), in one run, the same symbols.
fn write() {
    use helpcard_core::card::Validity;
    use helpcard_core::date::UnixTime;
    use helpcard_core::profile::Profile;
    use helpcard_core::testing::{DEMO_EPOCH, DemoWorld, REFERENCE_PROFILES, StreamRng};
    let world = DemoWorld::new(1);
    let validity = Validity {
        issued_at: DEMO_EPOCH,
        expires_at: UnixTime(DEMO_EPOCH.0 + 86_400),
    };
    println!("\n## writing card symbols (one core)\n");
    println!("| card | version | helpcard µs | qrcode µs | speed ratio |");
    println!("|---|---:|---:|---:|---:|");
    let (mut ours_total, mut theirs_total) = (0.0, 0.0);
    for (name, toml) in REFERENCE_PROFILES {
        let profile = Profile::from_toml(toml).expect("profile");
        let card = world
            .issue(&profile, validity, &mut StreamRng::from_seed(1))
            .expect("issue");
        let text =
            helpcard_core::qrtext::encode(helpcard_core::qrtext::DEFAULT_PREFIX, &card.bytes)
                .expect("text");
        let symbol = qr::card_symbol(&text).expect("symbol");
        let seg = helpcard_core::qrtext::segments(&text).expect("segments");
        let level = match symbol.ec_level {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        };
        let theirs = || {
            let mut b = qrcode::bits::Bits::new(qrcode::Version::Normal(i16::from(symbol.version)));
            b.push_alphanumeric_data(seg.prefix.as_bytes())
                .expect("prefix");
            b.push_byte_data(seg.separator.as_bytes())
                .expect("separator");
            b.push_numeric_data(seg.digits.as_bytes()).expect("digits");
            b.push_terminator(level).expect("fits");
            qrcode::QrCode::with_bits(b, level).expect("symbol")
        };
        let same = theirs()
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .eq(symbol.modules.iter().copied());
        assert!(same, "{name}: the symbols differ");
        let time = |f: &mut dyn FnMut(), n: usize| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_secs_f64() / n as f64
        };
        let ours = time(
            &mut || drop(std::hint::black_box(qr::card_symbol(&text))),
            200,
        );
        let theirs = time(&mut || drop(std::hint::black_box(theirs())), 50);
        ours_total += ours;
        theirs_total += theirs;
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.1}× |",
            symbol.version,
            ours * 1e6,
            theirs * 1e6,
            theirs / ours
        );
    }
    println!(
        "| **all** | | **{:.0}** | **{:.0}** | **{:.1}×** |",
        ours_total * 1e6,
        theirs_total * 1e6,
        theirs_total / ours_total
    );
    println!(
        "\nhelpcard: card_symbol (version and level chosen, data, error correction, eight masks scored); qrcode: with_bits at the same version and level. Same symbols, module for module."
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |t: &str| args.is_empty() || args.iter().any(|a| a == t);
    if args.iter().any(|a| a == "levers") {
        levers();
        return;
    }
    if args.iter().any(|a| a == "range") {
        range();
        return;
    }
    if args.iter().any(|a| a == "write") {
        write();
        return;
    }
    if want("photos") {
        photos();
    }
    if want("frames") {
        frames();
    }
    if want("cards") {
        cards();
    }
}
