//! `--headless`: one JSON line per event on standard output, for facility systems and tests.
//!
//! ```text
//! {"event":"source","state":"running","source":"…"}   (also stalled, failed, unavailable)
//! {"event":"lists","ok":false,"problems":["…"]}
//! {"event":"card","status":"verified","card_id":"…","private":"shown","headline":"…"}
//! {"event":"opened","card_id":"…","reason":"facility_support"}   (with --reason)
//! {"event":"end","frames":52,"cards":13}
//! {"event":"forward","sent":14,"through":14}   (with `service`; or "error":"…")
//! ```
//!
//! A facility system that shows a card's private part gives the reason it does so
//! (`--reason`): each card whose private part was decrypted is then recorded as opened for
//! that reason (`private_open`), as a responder's tap on the screen would record it. Without
//! it nothing is opened: the private part is decrypted to check it and dropped.

use std::io::Write;

use helpcard_core::reason::Given;
use helpcard_core::view::PrivateState;
use serde_json::json;

use crate::pipeline::{self, Update};
use crate::{Kiosk, capture, lists};

fn print(line: &serde_json::Value) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Runs until a file source ends (a camera runs until the process is stopped); a card whose
/// private part is decrypted is recorded as opened for `reason` when one is given.
pub fn run(kiosk: Kiosk, reason: Option<Given>) -> Result<(), String> {
    let Kiosk {
        shared,
        opener,
        refresh,
        startup_lists,
        forward,
        options,
    } = kiosk;
    let forward_round = |f: &crate::forward::Forwarder| {
        print(&match f.round() {
            Ok(done) => json!({ "event": "forward", "sent": done.sent, "through": done.through }),
            Err(e) => json!({ "event": "forward", "error": e }),
        });
    };
    let last_round = forward.map(|(forwarder, every)| {
        let shared_forwarder = std::sync::Arc::new(forwarder);
        let background = shared_forwarder.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(every);
                forward_round(&background);
            }
        });
        shared_forwarder
    });
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
            Update::Card(scanned) => {
                print(&json!(scanned.event));
                if let (Some(reason), Ok(card), PrivateState::Shown) =
                    (&reason, &scanned.opened, scanned.event.private)
                {
                    let card_id = card.card_id.to_hex();
                    let recorded = shared.scanner().record_card(
                        "private_open",
                        (&card_id, &card.issuer),
                        "granted",
                        &reason.detail(),
                    );
                    match recorded {
                        Ok(()) => print(&json!({
                            "event": "opened", "card_id": card_id, "reason": reason.reason.code(),
                        })),
                        Err(e) => {
                            result = Err(e.to_string());
                            return false;
                        }
                    }
                }
            }
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
    if let Some(forwarder) = &last_round {
        forward_round(forwarder);
    }
    result
}
