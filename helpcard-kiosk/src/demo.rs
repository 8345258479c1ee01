//! `--demo`: demo keys and lists, and camera-like frames made from the demo cards: each card
//! code drawn at about 3 pixels per module in a 1280×720 frame, held for three frames (as a
//! camera at 30 fps sees a card held up for a tenth of a second), then a blank frame.

use std::path::Path;

use helpcard_audit::{AuditLog, CheckpointPolicy, DeviceKey};
use helpcard_core::card::ResponderKeys;
use helpcard_core::demo::DemoSet;
use helpcard_core::qrtext;
use helpcard_qr::LumaFrame;
use rand_core::OsRng;

use crate::scan::Scanner;
use crate::source::{FrameSource, Frames};

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

/// The demo scanner (responder key unlocked) and its frames. The audit log lives in `data`.
pub fn setup(data: &Path) -> Result<(Scanner, Box<dyn FrameSource>), String> {
    let now = crate::now();
    let set = DemoSet::new(now, &mut OsRng).map_err(|e| e.to_string())?;
    let (trust, revocations) = set.lists(now).map_err(|e| e.to_string())?;
    let mut frames = Vec::new();
    for card in &set.cards {
        let text =
            qrtext::encode(qrtext::DEFAULT_PREFIX, &card.bytes).map_err(|e| e.to_string())?;
        for _ in 0..3 {
            frames.push(frame(Some(&text)));
        }
        frames.push(frame(None));
    }
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
    let scanner = Scanner::new(trust, revocations, Some(keys), "demo-kiosk".into(), audit);
    Ok((scanner, Box::new(Frames::new("demo frames", frames))))
}
