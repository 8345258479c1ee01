//! The help-card kiosk for welfare facilities: a PC with a USB webcam and a screen. A card held
//! up to the camera is verified and shown in large text; during an unlocked shift its private
//! part too, for a limited time; every card is an audit row.
//!
//! ```text
//! camera (nokhwa) / files ─▶ capture (watchdog) ─▶ scan worker ─▶ screen (egui) or JSON lines
//!                                                      │
//!                              lists refresher ────────┤  audit log (helpcard-audit)
//!                              shift lock ─────────────┘
//! ```
//!
//! The binary is a thin room over these modules; see `helpcard-kiosk --help`.

#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

use helpcard_core::date::UnixTime;

pub mod camera;
pub mod capture;
pub mod config;
pub mod demo;
pub mod forward;
pub mod gui;
pub mod headless;
pub mod lists;
pub mod pipeline;
pub mod scan;
pub mod shift;
pub mod source;

/// A kiosk ready to run: the scanner, its source, its list refresh and its screen options.
pub struct Kiosk {
    /// The scanner, shared by the scan worker, the screen and the list refresh.
    pub shared: Arc<pipeline::Shared>,
    /// Opens (and reopens) the frame source.
    pub opener: capture::Opener,
    /// Where and how often the lists are fetched again (`None`: never).
    pub refresh: Option<Refresh>,
    /// How the lists loaded at start went (problems are shown and printed).
    pub startup_lists: lists::ListsStatus,
    /// Where the audit rows are forwarded, and how often (`None`: they stay here).
    pub forward: Option<(forward::Forwarder, Duration)>,
    /// Screen and watchdog options.
    pub options: Options,
}

/// The lists' schedule.
pub struct Refresh {
    /// Where they come from.
    pub source: lists::ListSource,
    /// How often.
    pub every: Duration,
    /// Where the last good ones are kept.
    pub state: Option<lists::State>,
}

/// Screen and watchdog options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The private part clears after this long (and when no one touches the screen).
    pub private_for: Duration,
    /// Full screen (a kiosk) or a window (a desk, the tests).
    pub fullscreen: bool,
    /// The capture watchdog.
    pub watchdog: capture::Watchdog,
    /// When the fast reader finds nothing, a frame goes to the thorough reader at most this
    /// often (`None`: never). See [`pipeline`].
    pub thorough_every: Option<Duration>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            private_for: Duration::from_secs(30),
            fullscreen: true,
            watchdog: capture::Watchdog::default(),
            thorough_every: Some(Duration::from_millis(500)),
        }
    }
}

/// The kiosk's one clock.
pub fn now() -> UnixTime {
    UnixTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}
