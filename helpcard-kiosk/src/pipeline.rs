//! The scan worker: frames from the capture supervisor in, card events out.
//!
//! ```text
//! camera / files ──▶ capture supervisor ──(1 frame)──▶ scan worker ──▶ screen or JSON lines
//!                    (watchdog, reopen)                (fast reader,    (Update)
//!                                                       open, audit row)
//!                                                        │      ▲ text
//!                                        a frame now and ▼      │
//!                                        then ──▶ thorough reader (own thread)
//! ```
//!
//! The fast path reads every frame in a few milliseconds. When it finds nothing, a frame is
//! handed, at most every `thorough_every` and only if the thorough reader is free,
//! to the reader's slower passes on a thread of their own: they reach cards further away
//! without holding up the fast path, so a card held close is still shown from the frame that
//! brought it.
//!
//! The scanner sits behind a mutex that the worker holds for one frame at a time, so the
//! screen can lock or unlock the shift and the list refresher can swap lists between frames.

use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use helpcard_qr::{Effort, LumaFrame};

use crate::capture::{CameraState, Captured};
use crate::scan::{self, Scanned, Scanner};

/// What the worker reports.
pub enum Update {
    /// A card was seen (and is in the audit log).
    Card(Box<Scanned>),
    /// The camera's state changed.
    Camera(CameraState),
    /// A file source ended: frames read, cards seen, and the source's error if it failed.
    End {
        /// Frames scanned.
        frames: u64,
        /// Cards reported.
        cards: u64,
        /// Why the source stopped early.
        error: Option<String>,
    },
    /// The audit log refused a row: the kiosk stops rather than show an unrecorded card.
    Stopped(String),
}

/// What the worker and the screen share.
pub struct Shared {
    /// The scanner, one frame at a time.
    pub scanner: Mutex<Scanner>,
    /// The newest frame, for the screen's camera preview.
    pub preview: Mutex<Option<Arc<LumaFrame>>>,
}

impl Shared {
    /// Shares `scanner`.
    pub fn new(scanner: Scanner) -> Arc<Shared> {
        Arc::new(Shared {
            scanner: Mutex::new(scanner),
            preview: Mutex::new(None),
        })
    }

    /// The scanner. A panic while another thread held it leaves it usable: its state is
    /// lists and a key, each replaced whole.
    pub fn scanner(&self) -> std::sync::MutexGuard<'_, Scanner> {
        self.scanner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs the worker until the source ends, the audit log fails, or `on` returns false, with
/// the thorough lane fed at most every `thorough_every` (`None`: no thorough lane). Returns
/// the frames scanned.
pub fn run(
    shared: &Shared,
    captured: Receiver<Captured>,
    thorough_every: Option<Duration>,
    mut on: impl FnMut(Update) -> bool,
) -> u64 {
    let (to_thorough, frames_in) = mpsc::sync_channel::<Arc<LumaFrame>>(1);
    let (texts_out, found) = mpsc::channel::<String>();
    let thorough_every = thorough_every.filter(|_| {
        std::thread::Builder::new()
            .name("thorough reader".into())
            .spawn(move || {
                for frame in frames_in {
                    if let Some(text) = scan::read(&frame, Effort::Thorough)
                        && texts_out.send(text).is_err()
                    {
                        return;
                    }
                }
            })
            .is_ok()
    });
    let mut last_thorough: Option<Instant> = None;
    let (mut frames, mut cards) = (0u64, 0u64);
    for message in captured {
        let update = match message {
            Captured::Frame(frame) => {
                frames += 1;
                let frame = Arc::new(frame);
                *shared
                    .preview
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(frame.clone());
                // A card the thorough reader found since the last frame, else this frame's.
                let text = found
                    .try_recv()
                    .ok()
                    .or_else(|| scan::read(&frame, Effort::Fast));
                if let (None, Some(every)) = (&text, thorough_every)
                    && last_thorough.is_none_or(|at| at.elapsed() >= every)
                    && !matches!(to_thorough.try_send(frame), Err(TrySendError::Full(_)))
                {
                    last_thorough = Some(Instant::now());
                }
                let mut scanner = shared.scanner();
                let result = match text {
                    Some(text) => scanner.process(text, crate::now()),
                    None => scanner.process_nothing(),
                };
                drop(scanner);
                match result {
                    Ok(None) => continue,
                    Ok(Some(scanned)) => {
                        cards += 1;
                        Update::Card(Box::new(scanned))
                    }
                    Err(e) => {
                        on(Update::Stopped(e.to_string()));
                        return frames;
                    }
                }
            }
            Captured::Camera(state) => Update::Camera(state),
            Captured::End(error) => {
                on(Update::End {
                    frames,
                    cards,
                    error: error.map(|e| e.to_string()),
                });
                return frames;
            }
        };
        if !on(update) {
            return frames;
        }
    }
    frames
}
