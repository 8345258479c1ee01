//! The capture supervisor: opens a frame source, reads it on its own thread, and for a live
//! camera keeps a watchdog on it.
//!
//! A camera read can block for ever (nokhwa's V4L2 path has no timeout), so the reading thread
//! (which opens the source and owns it) is never the one that decides. The supervisor waits
//! for each frame with a deadline; when a camera stalls, fails or vanishes it says so ([`Captured::Camera`]), abandons that thread
//! (it ends by itself if its read ever returns) and opens the source again, retrying until a
//! camera is there. File sources are read to their end with every frame delivered.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread;
use std::time::Duration;

use helpcard_qr::LumaFrame;
use serde::Serialize;

use crate::source::{FrameSource, SourceError};

/// Opens (or reopens) the source. It is called on the reading thread, which then owns the
/// source: a camera handle need not be `Send`.
pub type Opener = Arc<dyn Fn() -> Result<Box<dyn FrameSource>, SourceError> + Send + Sync>;

/// What the supervisor hands the scan worker.
#[derive(Debug)]
pub enum Captured {
    /// A frame.
    Frame(LumaFrame),
    /// The camera's state changed.
    Camera(CameraState),
    /// A file source ended (or failed: the error).
    End(Option<SourceError>),
}

/// The source as the kiosk's screen and events report it (a file source is only ever
/// running).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CameraState {
    /// Frames are arriving.
    Running {
        /// The source, as it describes itself.
        source: String,
    },
    /// No frame within the watchdog's time: reopening.
    Stalled {
        /// The source.
        source: String,
    },
    /// The camera failed mid-stream: reopening.
    Failed {
        /// What it said.
        message: String,
    },
    /// No camera could be opened: retrying.
    Unavailable {
        /// What the open said.
        message: String,
    },
}

/// The watchdog's times.
#[derive(Clone, Copy, Debug)]
pub struct Watchdog {
    /// A live source with no frame for this long is reopened.
    pub stall: Duration,
    /// The wait before opening again after a failure.
    pub retry: Duration,
}

impl Default for Watchdog {
    /// Three seconds without a frame (90 frames at 30 fps; a camera's first frame after
    /// opening can take a second), one second between attempts.
    fn default() -> Watchdog {
        Watchdog {
            stall: Duration::from_secs(3),
            retry: Duration::from_secs(1),
        }
    }
}

/// Starts the supervisor; its messages arrive on the returned receiver, at most one frame
/// ahead of the scan worker (a live camera's frames are dropped while the worker is busy, so
/// the kiosk never lags behind the card in front of it). Dropping the receiver stops it.
pub fn spawn(opener: Opener, watchdog: Watchdog) -> Receiver<Captured> {
    let (tx, rx) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("capture supervisor".into())
        .spawn(move || supervise(&opener, watchdog, &tx))
        .map_err(|e| eprintln!("helpcard-kiosk: cannot start capture: {e}"))
        .ok();
    rx
}

/// What the reading thread tells the supervisor.
enum Read {
    Opened { source: String, live: bool },
    Frame(Result<Option<LumaFrame>, SourceError>),
}

fn supervise(opener: &Opener, watchdog: Watchdog, out: &SyncSender<Captured>) {
    loop {
        let state = match watch(opener, watchdog, out) {
            Some(state) => state,
            None => return,
        };
        if out.send(Captured::Camera(state)).is_err() {
            return;
        }
        thread::sleep(watchdog.retry);
    }
}

/// Opens the source on a reading thread and forwards its frames. A file source is read to its
/// end; a live one is watched. Returns why a live source must be reopened, or `None` when
/// the work is over (a file ended, or the worker has gone).
fn watch(opener: &Opener, watchdog: Watchdog, out: &SyncSender<Captured>) -> Option<CameraState> {
    let (tx, reads) = mpsc::sync_channel(1);
    let open = opener.clone();
    let reader = thread::Builder::new()
        .name("frame reader".into())
        .spawn(move || {
            let mut source = match open() {
                Ok(s) => s,
                Err(e) => return drop(tx.send(Read::Frame(Err(e)))),
            };
            let opened = Read::Opened {
                source: source.describe(),
                live: source.live(),
            };
            if tx.send(opened).is_err() {
                return;
            }
            loop {
                let frame = source.next_frame();
                let stop = !matches!(frame, Ok(Some(_)));
                if tx.send(Read::Frame(frame)).is_err() || stop {
                    return;
                }
            }
        });
    if let Err(e) = reader {
        return Some(CameraState::Failed {
            message: e.to_string(),
        });
    }
    // Opening a camera can hang as well as reading one.
    let (name, live) = match reads.recv_timeout(watchdog.stall) {
        Ok(Read::Opened { source, live }) => (source, live),
        Ok(Read::Frame(Err(e))) => {
            return Some(CameraState::Unavailable {
                message: e.to_string(),
            });
        }
        Ok(Read::Frame(Ok(_))) | Err(RecvTimeoutError::Disconnected) => {
            return Some(CameraState::Unavailable {
                message: "the source could not be opened".into(),
            });
        }
        Err(RecvTimeoutError::Timeout) => {
            return Some(CameraState::Unavailable {
                message: "opening the camera did not finish".into(),
            });
        }
    };
    out.send(Captured::Camera(CameraState::Running {
        source: name.clone(),
    }))
    .ok()?;
    if !live {
        for read in reads {
            let message = match read {
                Read::Frame(Ok(Some(frame))) => Captured::Frame(frame),
                Read::Frame(Ok(None)) | Read::Opened { .. } => Captured::End(None),
                Read::Frame(Err(e)) => Captured::End(Some(e)),
            };
            let end = matches!(message, Captured::End(_));
            if out.send(message).is_err() || end {
                return None;
            }
        }
        let _ = out.send(Captured::End(None));
        return None;
    }
    loop {
        match reads.recv_timeout(watchdog.stall) {
            Ok(Read::Frame(Ok(Some(frame)))) => match out.try_send(Captured::Frame(frame)) {
                Ok(()) | Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(_)) => return None,
            },
            Ok(Read::Frame(Ok(None)) | Read::Opened { .. }) => {
                return Some(CameraState::Failed {
                    message: format!("{name}: the stream ended"),
                });
            }
            Ok(Read::Frame(Err(e))) => {
                return Some(CameraState::Failed {
                    message: e.to_string(),
                });
            }
            Err(RecvTimeoutError::Timeout) => return Some(CameraState::Stalled { source: name }),
            // The reading thread panicked (a driver binding's assertion): reopen.
            Err(RecvTimeoutError::Disconnected) => {
                return Some(CameraState::Failed {
                    message: format!("{name}: the capture thread stopped"),
                });
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A camera that gives `frames` frames, then blocks (`stall`) or fails.
    struct Flaky {
        frames: usize,
        stall: bool,
    }

    impl FrameSource for Flaky {
        fn next_frame(&mut self) -> Result<Option<LumaFrame>, SourceError> {
            if self.frames == 0 {
                if self.stall {
                    thread::sleep(Duration::from_secs(3600));
                }
                return Err(SourceError::Io("unplugged".into()));
            }
            self.frames -= 1;
            thread::sleep(Duration::from_millis(2));
            Ok(Some(LumaFrame {
                width: 1,
                height: 1,
                pixels: vec![0],
            }))
        }
        fn describe(&self) -> String {
            "flaky camera".into()
        }
        fn live(&self) -> bool {
            true
        }
    }

    fn quick() -> Watchdog {
        Watchdog {
            stall: Duration::from_millis(200),
            retry: Duration::from_millis(10),
        }
    }

    #[test]
    fn a_missing_camera_is_reported_and_retried_until_it_appears() {
        let opens = Arc::new(AtomicUsize::new(0));
        let count = opens.clone();
        let rx = spawn(
            Arc::new(move || {
                if count.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(SourceError::Io(
                        "camera 0: No such file or directory".into(),
                    ))
                } else {
                    Ok(Box::new(Flaky {
                        frames: 1000,
                        stall: false,
                    }) as Box<dyn FrameSource>)
                }
            }),
            quick(),
        );
        for _ in 0..2 {
            let m = rx.recv().unwrap();
            assert!(
                matches!(&m, Captured::Camera(CameraState::Unavailable { message }) if message.contains("No such file")),
                "{m:?}"
            );
        }
        assert!(matches!(
            rx.recv().unwrap(),
            Captured::Camera(CameraState::Running { .. })
        ));
        assert!(matches!(rx.recv().unwrap(), Captured::Frame(_)));
        assert_eq!(opens.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_stalled_or_failed_camera_is_reopened() {
        let opens = Arc::new(AtomicUsize::new(0));
        let count = opens.clone();
        let rx = spawn(
            Arc::new(move || {
                let n = count.fetch_add(1, Ordering::SeqCst);
                Ok(Box::new(Flaky {
                    frames: 3,
                    stall: n == 0,
                }) as Box<dyn FrameSource>)
            }),
            quick(),
        );
        let mut states = Vec::new();
        let mut frames = 0;
        while states.len() < 5 {
            match rx.recv().unwrap() {
                Captured::Frame(_) => frames += 1,
                Captured::Camera(s) => states.push(s),
                Captured::End(e) => panic!("a camera does not end: {e:?}"),
            }
        }
        assert!(matches!(states[0], CameraState::Running { .. }));
        assert!(
            matches!(states[1], CameraState::Stalled { .. }),
            "{states:?}"
        );
        assert!(matches!(states[2], CameraState::Running { .. }));
        assert!(
            matches!(&states[3], CameraState::Failed { message } if message.contains("unplugged")),
            "{states:?}"
        );
        assert!(matches!(states[4], CameraState::Running { .. }));
        assert!(frames >= 2, "{frames}");
    }
}
