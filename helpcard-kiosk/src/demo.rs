//! `--demo`: demo keys and lists, and camera-like frames made from the demo cards: each card
//! code drawn at about 3 pixels per module in a 1280×720 frame. Headless, each card is held up
//! for three frames (a tenth of a second at 30 fps); on the screen, a looping 30 fps "camera"
//! holds each card long enough to read it.

use std::path::Path;

use std::sync::Arc;
use std::time::Duration;

use helpcard_audit::{AuditLog, CheckpointPolicy, DeviceKey};
use helpcard_core::card::ResponderKeys;
use helpcard_core::demo::DemoSet;
use helpcard_core::qrtext;
use helpcard_qr::LumaFrame;
use rand_core::OsRng;

use crate::capture::Opener;
use crate::pipeline::Shared;
use crate::scan::Scanner;
use crate::shift::Shift;
use crate::source::{FrameSource, Frames, Slideshow};
use crate::{Kiosk, Options};

const W: usize = 1280;
const H: usize = 720;

/// A 1280×720 frame with the code for `text` in the middle, or blank.
pub fn frame(text: Option<&str>) -> LumaFrame {
    let mut pixels = vec![200u8; W * H];
    if let Some(symbol) = text.and_then(|t| helpcard_qr::card_symbol(t).ok()) {
        let (side, px) = symbol.to_luma(3);
        let (x0, y0) = ((W - side.min(W)) / 2, (H - side.min(H)) / 2);
        for y in 0..side.min(H) {
            for x in 0..side.min(W) {
                // Paper is not pure white nor ink pure black in a camera.
                pixels[(y0 + y) * W + x0 + x] = if px[y * side + x] == 0 { 40 } else { 215 };
            }
        }
    }
    LumaFrame {
        width: W,
        height: H,
        pixels,
    }
}

/// A scanner for a demo set as of now: its lists, its responder key unlocked for a shift, and
/// an audit log in `data` (`kiosk-audit.sqlite`, checkpoints in `checkpoints/`).
pub fn scanner(set: DemoSet, data: &Path, kiosk_id: &str) -> Result<Scanner, String> {
    let (trust, revocations) = set.lists(crate::now()).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(data).map_err(|e| format!("{}: {e}", data.display()))?;
    let key =
        DeviceKey::load_or_create(&data.join("kiosk-device.key")).map_err(|e| e.to_string())?;
    let audit = AuditLog::open(
        &data.join("kiosk-audit.sqlite"),
        key,
        CheckpointPolicy {
            export_dir: Some(data.join("checkpoints")),
            ..CheckpointPolicy::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let keys = ResponderKeys::new(vec![set.world.responder]);
    let shift = Shift::unlocked(keys, None, Duration::from_secs(30 * 60));
    Ok(Scanner::new(
        trust,
        revocations,
        shift,
        kiosk_id.into(),
        audit,
    ))
}

/// How the demo's frames arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// Every card for three frames, then a blank frame, once, as fast as they are read.
    Once,
    /// A looping camera at 30 fps: each card held up for `seconds`, then two blank seconds.
    Camera {
        /// How long each card is held up.
        seconds: usize,
    },
}

/// The demo kiosk (responder key unlocked) and its frames. The audit log lives in `data`.
pub fn setup(data: &Path, pace: Pace) -> Result<Kiosk, String> {
    let now = crate::now();
    let set = DemoSet::new(now, &mut OsRng).map_err(|e| e.to_string())?;
    let mut cards = Vec::new();
    for card in &set.cards {
        let text =
            qrtext::encode(qrtext::DEFAULT_PREFIX, &card.bytes).map_err(|e| e.to_string())?;
        cards.push(frame(Some(&text)));
    }
    let opener: Opener = match pace {
        Pace::Once => {
            let mut frames = Vec::new();
            for card in cards {
                frames.extend([card.clone(), card.clone(), card]);
                frames.push(frame(None));
            }
            Arc::new(move || {
                Ok(Box::new(Frames::new("demo frames", frames.clone())) as Box<dyn FrameSource>)
            })
        }
        Pace::Camera { seconds } => {
            let mut slides = Vec::new();
            for card in cards {
                slides.push((card, 30 * seconds));
                slides.push((frame(None), 60));
            }
            Arc::new(move || {
                Ok(Box::new(Slideshow::new(slides.clone(), 30)) as Box<dyn FrameSource>)
            })
        }
    };
    Ok(Kiosk {
        shared: Shared::new(scanner(set, data, "demo-kiosk")?),
        opener,
        refresh: None,
        startup_lists: crate::lists::ListsStatus::default(),
        forward: None,
        options: Options::default(),
    })
}
