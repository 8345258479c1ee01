//! The kiosk's speed, measured (numbers, not assertions):
//!
//! 1. **frame-to-result** on 720p frames of each demo card held 15, 20 and 25 cm from a 720p
//!    webcam (70° horizontal field of view), with today's 0.36 mm modules and the 0.5 mm
//!    modules of a 42 mm symbol; optics blur, a lighting gradient and sensor noise. Time of
//!    one `Scanner::scan` (read, verify, open, audit row), p50 / p95 / max, and reads.
//! 2. **frames to show**: a 30 fps live source through the real capture thread and scan
//!    worker; how many frame periods from the card's first frame to its event.
//! 3. **idle CPU**: 10 s of card-less 30 fps frames through the pipeline, with the thorough
//!    lane twice a second and without it; process CPU time over wall time (% of one core).
//! 4. **camera formats**: an MJPEG and a YUYV frame to luma, at 720p and 1080p.
//! 5. **soak**: N frames (default 10,000; `-- --soak 100000`) from a looping Y4M file
//!    through the pipeline, resident memory at 10 %, 50 % and 100 %.
//!
//! `cargo bench -p helpcard-kiosk --bench frames [-- --soak N]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helpcard_core::demo::DemoSet;
use helpcard_core::qrtext;
use helpcard_core::testing::StreamRng;
use helpcard_kiosk::capture::{self, Watchdog};
use helpcard_kiosk::pipeline::{self, Shared, Update};
use helpcard_kiosk::source::{FrameSource, SourceError, Y4m};
use helpcard_qr::LumaFrame;

const W: usize = 1280;
const H: usize = 720;
/// tan(35°): half of a 70° horizontal field of view.
const TAN_HALF_FOV: f64 = 0.700_207_5;

fn main() {
    let soak: u64 = std::env::args()
        .skip_while(|a| a != "--soak")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("helpcard-kiosk-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let now = helpcard_kiosk::now();
    let set = DemoSet::new(now, &mut StreamRng::from_seed(5)).expect("demo set");
    let texts: Vec<(String, String)> = set
        .cards
        .iter()
        .filter(|c| c.opens)
        .map(|c| {
            let t = qrtext::encode(qrtext::DEFAULT_PREFIX, &c.bytes).expect("qr text");
            (c.name.clone(), t)
        })
        .collect();
    let shared = Shared::new(helpcard_kiosk::demo::scanner(set, &dir, "bench").expect("scanner"));
    shared.scanner().dedupe = Duration::ZERO;

    println!("# 1. frame-to-result, 1280x720, one Scanner::scan per frame (read, open, audit row)");
    println!("module  distance  px/module  reads   p50 ms   p95 ms   max ms");
    let mut reading_frame = None;
    for module_mm in [0.36, 0.5] {
        for distance_mm in [150.0, 200.0, 250.0] {
            let px_per_module = module_mm * W as f64 / (2.0 * distance_mm * TAN_HALF_FOV);
            let mut times = Vec::new();
            let mut reads = 0;
            for (i, (_, text)) in texts.iter().enumerate() {
                let frame = camera_frame(Some(text), px_per_module, i as u64);
                let mut read = false;
                for _ in 0..3 {
                    let start = Instant::now();
                    let seen = shared.scanner().scan(&frame, now).expect("audit");
                    times.push(start.elapsed());
                    read |= seen.is_some();
                    reads += usize::from(seen.is_some());
                }
                if read && seen_at(module_mm, distance_mm) && reading_frame.is_none() {
                    reading_frame = Some(frame);
                }
            }
            times.sort();
            println!(
                "{module_mm:.2} mm  {:>4.0} cm  {px_per_module:>9.2}  {reads:>2}/{:<3} {:>7.1}  {:>7.1}  {:>7.1}",
                distance_mm / 10.0,
                times.len(),
                ms(times[times.len() / 2]),
                ms(times[times.len() * 95 / 100]),
                ms(times[times.len() - 1]),
            );
        }
    }

    println!(
        "\n# 2. frames from the card's first frame to its event (live 30 fps source, real pipeline)"
    );
    shared.scanner().dedupe = Duration::from_secs(5);
    let card = reading_frame.unwrap_or_else(|| camera_frame(Some(&texts[0].1), 3.0, 0));
    let latencies = frames_to_show(&shared, card, 8);
    let frames: Vec<u64> = latencies
        .iter()
        .map(|d| (d.as_secs_f64() * 30.0).ceil() as u64)
        .collect();
    println!(
        "latency ms: {:?}\nframe periods (33.3 ms): {frames:?}  (max {})",
        latencies.iter().map(|d| ms(*d).round()).collect::<Vec<_>>(),
        frames.iter().max().unwrap_or(&0)
    );

    println!("\n# 3. idle scanning: 10 s of card-less 1280x720 frames at 30 fps");
    for (lane, every) in [
        ("thorough lane twice a second", thorough()),
        ("fast path only", None),
    ] {
        let (cpu, frames) = idle_cpu(&shared, Duration::from_secs(10), every);
        println!("{lane}: CPU {cpu:.1} % of one core, {frames} frames scanned");
    }

    println!("\n# 4. camera formats to luma (one 1280x720 and one 1920x1080 frame, best of 20)");
    for (w, h) in [(1280usize, 720usize), (1920, 1080)] {
        let frame = camera_frame(Some(&texts[0].1), 3.0, 3);
        let grey = image::GrayImage::from_fn(w as u32, h as u32, |x, y| {
            image::Luma([frame.pixels[(y as usize % H) * W + x as usize % W]])
        });
        let rgb = image::DynamicImage::ImageLuma8(grey).to_rgb8();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .encode_image(&rgb)
            .expect("jpeg");
        let yuyv: Vec<u8> = rgb.pixels().flat_map(|p| [p.0[0], 128]).collect();
        let best = |f: &dyn Fn()| {
            (0..20)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        use helpcard_kiosk::camera::luma;
        use nokhwa::utils::FrameFormat;
        let mjpeg = best(&|| drop(luma(FrameFormat::MJPEG, w, h, &jpeg)));
        let yuv = best(&|| drop(luma(FrameFormat::YUYV, w, h, &yuyv)));
        println!(
            "{w}x{h}: MJPEG ({} KB) to luma {:.2} ms, YUYV to luma {:.2} ms",
            jpeg.len() / 1024,
            ms(mjpeg),
            ms(yuv)
        );
    }

    println!("\n# 5. soak: {soak} frames from a looping Y4M file (every frame scanned)");
    let video = dir.join("soak.y4m");
    write_y4m(&video, &texts[0].1);
    soak_memory(&shared, &video, soak);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The 15 cm frames with today's modules are the nearest a responder holds the card.
fn seen_at(module_mm: f64, distance_mm: f64) -> bool {
    module_mm < 0.4 && distance_mm < 160.0
}

/// The kiosk's default thorough lane.
fn thorough() -> Option<Duration> {
    helpcard_kiosk::Options::default().thorough_every
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A camera's view of the card: the symbol at `px_per_module` on white card stock in the
/// middle of a grey scene, optics blur (3x3 binomial), a lighting gradient, sensor noise.
/// `None`: the same scene without a card.
fn camera_frame(text: Option<&str>, px_per_module: f64, seed: u64) -> LumaFrame {
    let mut pixels = vec![0u8; W * H];
    let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut noise = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        // Sum of four uniforms: roughly normal, sigma about 4 grey levels.
        (0..4)
            .map(|i| ((rng >> (16 * i)) & 0xff) as f64)
            .sum::<f64>()
            / 4.0
            / 255.0
            * 28.0
            - 14.0
    };
    let symbol = text.map(|t| helpcard_qr::card_symbol(t).expect("symbol"));
    let (side, modules, module_px) = match &symbol {
        Some(s) => {
            let (side, px) = s.to_luma(8);
            (side, px, side as f64 / 8.0 * px_per_module)
        }
        None => (0, Vec::new(), 0.0),
    };
    // The card (white stock) is 1.6x the symbol; the symbol sits in its middle.
    let card = module_px * 1.6;
    let (cx, cy) = (W as f64 / 2.0, H as f64 / 2.0);
    let mut sharp = vec![0f64; W * H];
    for y in 0..H {
        for x in 0..W {
            let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
            // A dim office scene: a wall gradient and a desk edge.
            let mut v = 95.0 + 40.0 * fx / W as f64 + if fy > 0.8 * H as f64 { -30.0 } else { 0.0 };
            if (fx - cx).abs() < card / 2.0 && (fy - cy).abs() < card / 2.0 {
                v = 205.0;
                let (u, w) = (
                    (fx - cx + module_px / 2.0) / module_px * side as f64,
                    (fy - cy + module_px / 2.0) / module_px * side as f64,
                );
                if u >= 0.0 && w >= 0.0 && (u as usize) < side && (w as usize) < side {
                    v = if modules[w as usize * side + u as usize] == 0 {
                        45.0
                    } else {
                        205.0
                    };
                }
            }
            // Light falls off towards the right and bottom.
            sharp[y * W + x] = v * (1.0 - 0.18 * fx / W as f64 - 0.1 * fy / H as f64);
        }
    }
    for y in 0..H {
        for x in 0..W {
            let at = |dx: isize, dy: isize| {
                let xx = (x as isize + dx).clamp(0, W as isize - 1) as usize;
                let yy = (y as isize + dy).clamp(0, H as isize - 1) as usize;
                sharp[yy * W + xx]
            };
            let blurred = (4.0 * at(0, 0)
                + 2.0 * (at(-1, 0) + at(1, 0) + at(0, -1) + at(0, 1))
                + at(-1, -1)
                + at(1, -1)
                + at(-1, 1)
                + at(1, 1))
                / 16.0;
            pixels[y * W + x] = (blurred + noise()).clamp(0.0, 255.0) as u8;
        }
    }
    LumaFrame {
        width: W,
        height: H,
        pixels,
    }
}

/// A live 30 fps source: `blank` frames, then the card, noting when the card first went out.
struct Presenter {
    blank: LumaFrame,
    card: LumaFrame,
    frame: u64,
    next_at: Instant,
    shown_at: Arc<Mutex<Vec<Instant>>>,
    /// The source ends here (the watchdog reports it, which ends a run no card ends).
    until: Instant,
}

impl FrameSource for Presenter {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        let now = Instant::now();
        if now >= self.until {
            return Ok(None);
        }
        if self.next_at > now {
            std::thread::sleep(self.next_at - now);
        }
        self.next_at += Duration::from_micros(33_333);
        self.frame += 1;
        // 6 s per cycle (beyond the 5 s re-read time): 3 s without the card, 3 s with it.
        let phase = self.frame % 180;
        if phase == 90 {
            self.shown_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(Instant::now());
        }
        Ok(Some(if phase >= 90 {
            self.card.clone()
        } else {
            self.blank.clone()
        }))
    }
    fn describe(&self) -> String {
        "presenter".into()
    }
    fn live(&self) -> bool {
        true
    }
}

fn frames_to_show(shared: &Shared, card: LumaFrame, times: usize) -> Vec<Duration> {
    let shown_at = Arc::new(Mutex::new(Vec::new()));
    let noted = shown_at.clone();
    let blank = camera_frame(None, 0.0, 99);
    let (b, c) = (blank.clone(), card.clone());
    // Six seconds a cycle, and one to spare.
    let until = Instant::now() + Duration::from_secs(6 * times as u64 + 1);
    let opener: capture::Opener = Arc::new(move || {
        Ok(Box::new(Presenter {
            blank: b.clone(),
            card: c.clone(),
            frame: 0,
            next_at: Instant::now(),
            shown_at: noted.clone(),
            until,
        }) as Box<dyn FrameSource>)
    });
    let mut latencies = Vec::new();
    pipeline::run(
        shared,
        capture::spawn(opener, Watchdog::default()),
        thorough(),
        |update| match update {
            Update::Card(_) => {
                let at = Instant::now();
                if let Some(shown) = shown_at.lock().map(|v| v.last().copied()).ok().flatten() {
                    latencies.push(at - shown);
                }
                latencies.len() < times
            }
            // The source's end: a card that is never read ends the run after its cycles.
            Update::Camera(capture::CameraState::Failed { .. }) => false,
            _ => true,
        },
    );
    latencies
}

/// Process CPU time (user + system) from /proc/self/stat, in clock ticks of 10 ms.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Fields 14 and 15 (utime, stime), counted after the ")" from field 3.
    Duration::from_millis(10 * (ticks(11) + ticks(12)))
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A live source that ends at `until` (the watchdog then reports it failed, which ends the
/// measurement).
struct Until {
    inner: helpcard_kiosk::source::Slideshow,
    until: Instant,
}

impl FrameSource for Until {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        if Instant::now() >= self.until {
            return Ok(None);
        }
        self.inner.next_frame()
    }
    fn describe(&self) -> String {
        "idle scenes".into()
    }
    fn live(&self) -> bool {
        true
    }
}

/// The real pipeline (fast reader on every frame, and the thorough reader on its own thread
/// at `thorough_every`) over card-less scenes at 30 fps.
fn idle_cpu(shared: &Shared, run_for: Duration, thorough_every: Option<Duration>) -> (f64, u64) {
    let scenes: Vec<LumaFrame> = (0..4).map(|i| camera_frame(None, 0.0, 1000 + i)).collect();
    let until = Instant::now() + run_for;
    let opener: capture::Opener = Arc::new(move || {
        let slides = scenes.iter().map(|f| (f.clone(), 1)).collect();
        Ok(Box::new(Until {
            inner: helpcard_kiosk::source::Slideshow::new(slides, 30),
            until,
        }) as Box<dyn FrameSource>)
    });
    let (start, cpu0) = (Instant::now(), cpu_time());
    let captured = capture::spawn(opener, Watchdog::default());
    let frames = pipeline::run(shared, captured, thorough_every, |u| {
        !matches!(u, Update::Camera(capture::CameraState::Failed { .. }))
    });
    let elapsed = start.elapsed();
    let cpu = cpu_time() - cpu0;
    (100.0 * cpu.as_secs_f64() / elapsed.as_secs_f64(), frames)
}

/// A Y4M video: one second without a card, one second with it (30 frames each).
fn write_y4m(path: &Path, text: &str) {
    let blank = camera_frame(None, 0.0, 7);
    let card = camera_frame(Some(text), 3.0, 7);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("y4m"));
    let _ = writeln!(out, "YUV4MPEG2 W{W} H{H} F30:1 Ip A1:1 Cmono");
    for frame in std::iter::repeat_n(&blank, 30).chain(std::iter::repeat_n(&card, 30)) {
        let _ = out.write_all(b"FRAME\n");
        let _ = out.write_all(&frame.pixels);
    }
}

/// The Y4M file read again and again, `left` frames in all, noting resident memory at
/// the frames in `marks`.
struct Looped {
    path: PathBuf,
    video: Y4m,
    read: u64,
    left: u64,
    marks: Vec<u64>,
    rss: Arc<Mutex<Vec<(u64, u64)>>>,
}

impl FrameSource for Looped {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        if self.left == 0 {
            return Ok(None);
        }
        if self.marks.contains(&self.read) {
            let mut rss = self
                .rss
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            rss.push((self.read, rss_kib()));
        }
        self.left -= 1;
        self.read += 1;
        match self.video.next_frame()? {
            Some(f) => Ok(Some(f)),
            None => {
                self.video = Y4m::open(&self.path)?;
                self.video.next_frame()
            }
        }
    }
    fn describe(&self) -> String {
        format!("{} (looped)", self.path.display())
    }
}

fn soak_memory(shared: &Shared, video: &Path, frames: u64) {
    let path = video.to_path_buf();
    let rss = Arc::new(Mutex::new(Vec::new()));
    let noted = rss.clone();
    let opener: capture::Opener = Arc::new(move || {
        Ok(Box::new(Looped {
            video: Y4m::open(&path)?,
            path: path.clone(),
            read: 0,
            left: frames,
            marks: vec![frames / 100, frames / 10, frames / 2, frames - 1],
            rss: noted.clone(),
        }) as Box<dyn FrameSource>)
    });
    let start = Instant::now();
    let (mut done, mut cards) = (0u64, 0u64);
    pipeline::run(
        shared,
        capture::spawn(opener, Watchdog::default()),
        thorough(),
        |update| {
            match update {
                Update::Card(_) => cards += 1,
                Update::End { frames, .. } => done = frames,
                _ => {}
            }
            true
        },
    );
    let elapsed = start.elapsed();
    println!(
        "{done} frames in {:.0} s ({:.2} ms/frame), {cards} card events",
        elapsed.as_secs_f64(),
        ms(elapsed) / done.max(1) as f64,
    );
    for (frame, kib) in rss
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
    {
        println!(
            "  RSS after {frame:>7} frames: {:.1} MiB",
            *kib as f64 / 1024.0
        );
    }
}
