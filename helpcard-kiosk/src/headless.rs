//! `--headless`: one JSON line per event on standard output, for facility systems and tests.
//!
//! ```text
//! {"event":"source","state":"running","source":"…"}   (also stalled, failed, unavailable)
//! {"event":"lists","ok":false,"problems":["…"]}
//! {"event":"card","status":"verified","card_id":"…","private":"shown","headline":"…"}
//! {"event":"end","frames":52,"cards":13}
//! ```

use std::io::Write;

use serde_json::json;

use crate::pipeline::{self, Update};
use crate::{Kiosk, capture, lists};

fn print(line: &serde_json::Value) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Runs until a file source ends (a camera runs until the process is stopped).
pub fn run(kiosk: Kiosk) -> Result<(), String> {
    let Kiosk {
        shared,
        opener,
        refresh,
        startup_lists,
        options,
    } = kiosk;
    if !startup_lists.ok() {
        print(&json!({ "event": "lists", "ok": false, "problems": startup_lists.problems }));
    }
    if let Some(r) = refresh {
        lists::refresh_every(shared.clone(), r.source, r.every, r.state, |status| {
            print(&json!({ "event": "lists", "ok": status.ok(), "problems": status.problems }));
            true
        });
    }
    crate::shift::relock_timer(shared.clone(), std::time::Duration::from_secs(1));
    let captured = capture::spawn(opener, options.watchdog);
    let mut result = Ok(());
    pipeline::run(&shared, captured, options.thorough_every, |update| {
        match update {
            Update::Card(scanned) => print(&json!(scanned.event)),
            Update::Camera(state) => {
                let mut line = json!(state);
                line["event"] = json!("source");
                print(&line);
            }
            Update::End {
                frames,
                cards,
                error,
            } => {
                if let Some(message) = error {
                    print(&json!({ "event": "source_error", "message": message }));
                }
                print(&json!({ "event": "end", "frames": frames, "cards": cards }));
            }
            Update::Stopped(e) => result = Err(e),
        }
        true
    });
    result
}
