//! Unwrap throughput and latency against the real server on 127.0.0.1: 50 signed-in sessions,
//! one thread each, a bounded number of requests (and at most 60 s per run). Prints requests/s
//! and p50/p99 latency twice, in the same process: with the card's notices off (no addresses
//! recorded for it) and on (two addresses, each opening writing two notices to the outbox while
//! the sender hands them to a local SMTP sink). Then the time from an opening's answer to its
//! notices reaching the sink, for 40 openings one after another.
//! Loopback only.
//!
//! Run: `cargo bench -p helpcard-server --bench unwrap` (HELPCARD_BENCH_REQUESTS per session,
//! default 200).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;
mod shared;

use std::time::{Duration, Instant};

use common::Server;
use common::smtp::Sink;
use shared::{LIMITS, load, notices_off, per_session, print};

const SESSIONS: usize = 50;
const CARD: &str = "02-autism-teen";

fn signed_in(s: &Server) -> Vec<String> {
    let mut key = s.register(&s.invite);
    (0..SESSIONS)
        .map(|_| s.sign_in(&mut key, "demo-responder"))
        .collect()
}

fn main() {
    let (per_session, limits) = (per_session(), LIMITS);

    // Notices off: nobody is told about this card.
    let off = {
        let s = Server::start("bench-off", &limits).pooled();
        notices_off(&s);
        let cookies = signed_in(&s);
        load(&[&s], &cookies, &s.card(CARD), per_session)
    };
    print("notices off", SESSIONS, &off);

    // Notices on, sent to a local sink.
    let sink = Sink::start();
    let url = sink.url();
    let mut args = limits.to_vec();
    args.extend(["--smtp", &url]);
    let s = Server::start("bench-on", &args).pooled();
    let cookies = signed_in(&s);

    // From an opening's answer to both its notices at the sink, one opening at a time.
    let card = s.card(CARD);
    let mut delays = Vec::new();
    for _ in 0..40 {
        let before = sink.received.lock().unwrap().len();
        assert_eq!(s.unwrap_card(Some(&cookies[0]), &card).0, 200);
        let answered = Instant::now();
        while sink.received.lock().unwrap().len() < before + 2 {
            assert!(answered.elapsed() < Duration::from_secs(60), "no notice");
            std::thread::sleep(Duration::from_millis(5));
        }
        delays.push(answered.elapsed());
    }
    delays.sort();
    println!(
        "notice: opening to sink (both addresses), 40 openings: p50 {:.2} s, p95 {:.2} s, max {:.2} s",
        delays[20].as_secs_f64(),
        delays[37].as_secs_f64(),
        delays[39].as_secs_f64(),
    );

    let on = load(&[&s], &cookies, &s.card(CARD), per_session);
    print("notices on", SESSIONS, &on);
    println!(
        "notices on / off: throughput {:.2}, p99 {:.2}",
        on.per_second / off.per_second,
        on.p99.as_secs_f64() / off.p99.as_secs_f64(),
    );
    let (waiting, sent) = (
        sink.received.lock().unwrap().len(),
        2 * (on.requests + 4 + 40),
    );
    println!("notices at the sink when the run ended: {waiting} of {sent}");
}
