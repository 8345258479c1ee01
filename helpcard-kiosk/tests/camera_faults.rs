//! Camera faults through the whole pipeline: a camera that stalls, one that fails mid-stream,
//! and one that is missing at first are reopened by the watchdog, and every card shown before
//! and after is an audit row that verifies.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use helpcard_core::demo::DemoSet;
use helpcard_core::qrtext;
use helpcard_core::testing::StreamRng;
use helpcard_kiosk::capture::{self, CameraState, Watchdog};
use helpcard_kiosk::pipeline::{self, Shared, Update};
use helpcard_kiosk::source::{FrameSource, SourceError};
use helpcard_qr::LumaFrame;

/// One opening of the test camera: these frames, then a stall or a failure.
struct Session {
    frames: Vec<LumaFrame>,
    then_stall: bool,
}

impl FrameSource for Session {
    fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
        if self.frames.is_empty() {
            if self.then_stall {
                // A V4L2 read that never returns: only the watchdog gets the kiosk out.
                std::thread::sleep(Duration::from_secs(3600));
            }
            return Err(SourceError::Io("VIDIOC_DQBUF: No such device".into()));
        }
        std::thread::sleep(Duration::from_millis(30));
        Ok(Some(self.frames.remove(0)))
    }
    fn describe(&self) -> String {
        "test camera".into()
    }
    fn live(&self) -> bool {
        true
    }
}

#[test]
fn a_stalling_failing_and_missing_camera_is_reopened_without_losing_an_audit_row() {
    let now = helpcard_kiosk::now();
    let set = DemoSet::new(now, &mut StreamRng::from_seed(11)).unwrap();
    let texts: Vec<String> = set.cards[..3]
        .iter()
        .map(|c| qrtext::encode(qrtext::DEFAULT_PREFIX, &c.bytes).unwrap())
        .collect();
    let dir = std::env::temp_dir().join(format!("helpcard-kiosk-faults-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let shared = Shared::new(helpcard_kiosk::demo::scanner(set, &dir, "fault-kiosk").unwrap());

    // Opening 1: card 0, then the camera stalls. Opening 2: the camera is missing. Opening 3:
    // card 1, then it fails (unplugged). Opening 4: card 2, then it stalls for good.
    let opens = Arc::new(AtomicUsize::new(0));
    let count = opens.clone();
    let opener: capture::Opener = Arc::new(move || {
        let n = count.fetch_add(1, Ordering::SeqCst);
        let card = |i: usize| {
            let mut frames = vec![helpcard_kiosk::demo::frame(Some(&texts[i])); 3];
            frames.push(helpcard_kiosk::demo::frame(None));
            frames
        };
        let session = match n {
            0 => (card(0), true),
            1 => {
                return Err(SourceError::Io(
                    "camera 0: No such file or directory".into(),
                ));
            }
            2 => (card(1), false),
            _ => (card(2), true),
        };
        Ok(Box::new(Session {
            frames: session.0,
            then_stall: session.1,
        }) as Box<dyn FrameSource>)
    });
    let captured = capture::spawn(
        opener,
        Watchdog {
            stall: Duration::from_millis(700),
            retry: Duration::from_millis(50),
        },
    );
    let mut seen = Vec::new();
    pipeline::run(
        &shared,
        captured,
        Some(Duration::from_millis(500)),
        |update| {
            seen.push(match update {
                Update::Card(s) => format!("card {}", s.event.status),
                Update::Camera(CameraState::Running { .. }) => "running".into(),
                Update::Camera(CameraState::Stalled { .. }) => "stalled".into(),
                Update::Camera(CameraState::Failed { message }) => format!("failed: {message}"),
                Update::Camera(CameraState::Unavailable { .. }) => "unavailable".into(),
                Update::End { .. } => "end".into(),
                Update::Stopped(e) => format!("stopped: {e}"),
            });
            seen.iter().filter(|s| s.starts_with("card")).count() < 3
        },
    );
    assert_eq!(
        seen,
        [
            "running",
            "card verified",
            "stalled",
            "unavailable",
            "running",
            "card verified",
            "failed: VIDIOC_DQBUF: No such device",
            "running",
            "card verified",
        ]
    );
    drop(shared);
    let key = helpcard_audit::DeviceKey::load(&dir.join("kiosk-device.key"))
        .unwrap()
        .public();
    let report = helpcard_audit::verify(&dir.join("kiosk-audit.sqlite"), &key, &[]).unwrap();
    assert_eq!(report.rows, 3, "{report}");
}
