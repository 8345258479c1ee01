//! The real window under Xvfb (X11, OpenGL on Mesa's llvmpipe): the demo kiosk shows its first
//! card and saves a screenshot of the result screen, which must carry the verified banner.
//! With `HELPCARD_SCREENSHOTS=docs` the screenshot is kept as `docs/kiosk-result.png`.
//!
//! Needs `Xvfb` (Debian's `xvfb`, which `scripts/test-all` installs).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private X display: the first free number from 140 on.
fn xvfb() -> (Xvfb, String) {
    let n = (140..240)
        .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .unwrap();
    let display = format!(":{n}");
    let child = Command::new("Xvfb")
        .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is needed for the window test: apt-get install xvfb (scripts/test-all does)");
    let socket = format!("/tmp/.X11-unix/X{n}");
    let start = Instant::now();
    while !Path::new(&socket).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "Xvfb did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (Xvfb(child), display)
}

#[test]
fn the_demo_window_shows_a_verified_card_in_japanese() {
    let (_x, display) = xvfb();
    let dir = std::env::temp_dir().join(format!("helpcard-kiosk-window-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join("kiosk-result.png");
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpcard-kiosk"))
        .args(["--demo", "--windowed", "--data"])
        .arg(dir.join("data"))
        .arg("--screenshot")
        .arg(&shot)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the kiosk window did not close after its screenshot");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");

    let image = image::open(&shot).unwrap().to_rgb8();
    assert!(
        image.width() >= 1000 && image.height() >= 600,
        "{:?}",
        image.dimensions()
    );
    // The verified banner's green, over a good part of the top of the screen.
    let green = image.pixels().filter(|p| p.0 == [0x1b, 0x7f, 0x3b]).count();
    assert!(green > 50_000, "verified banner pixels: {green}");
    // Dark text on the light background (the help asked for, the support details).
    let ink = image
        .pixels()
        .filter(|p| p.0.iter().all(|&c| c < 60))
        .count();
    assert!(ink > 5_000, "text pixels: {ink}");

    if std::env::var("HELPCARD_SCREENSHOTS").as_deref() == Ok("docs") {
        let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/kiosk-result.png");
        std::fs::copy(&shot, docs).unwrap();
    }
}
