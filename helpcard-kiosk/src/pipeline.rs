//! The scan worker: frames from the capture supervisor in, card events out.
//!
//! ```text
//! camera / files ──▶ capture supervisor ──(1 frame)──▶ scan worker ──▶ screen or JSON lines
//!                    (watchdog, reopen)                (reader, open,   (Update)
//!                                                       audit row)
//! ```
//!
//! The scanner sits behind a mutex that the worker holds for one frame at a time, so the
//! screen can lock or unlock the shift and the list refresher can swap lists between frames.

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, PoisonError};

use helpcard_qr::LumaFrame;

use crate::capture::{CameraState, Captured};
use crate::scan::{Scanned, Scanner};

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

/// Runs the worker until the source ends, the audit log fails, or `on` returns false.
pub fn run(shared: &Shared, captured: Receiver<Captured>, mut on: impl FnMut(Update) -> bool) {
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
                match shared.scanner().scan(&frame, crate::now()) {
                    Ok(None) => continue,
                    Ok(Some(scanned)) => {
                        cards += 1;
                        Update::Card(Box::new(scanned))
                    }
                    Err(e) => {
                        on(Update::Stopped(e.to_string()));
                        return;
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
                return;
            }
        };
        if !on(update) {
            return;
        }
    }
}
