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

use std::time::{Duration, Instant};

use common::Server;
use common::smtp::Sink;

const SESSIONS: usize = 50;
const CARD: &str = "02-autism-teen";

struct Run {
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn signed_in(s: &Server) -> Vec<String> {
    let mut key = s.register(&s.invite);
    (0..SESSIONS)
        .map(|_| s.sign_in(&mut key, "demo-responder"))
        .collect()
}

/// `per_session` openings from each session at once.
fn load(s: &Server, cookies: &[String], per_session: usize) -> Run {
    let card = s.card(CARD);
    for c in cookies.iter().take(5) {
        assert_eq!(s.unwrap_card(Some(c), &card).0, 200);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = cookies
            .iter()
            .map(|cookie| {
                let card = &card;
                scope.spawn(move || {
                    let mut own = Vec::with_capacity(per_session);
                    for _ in 0..per_session {
                        if Instant::now() > deadline {
                            break;
                        }
                        let t = Instant::now();
                        let (status, _) = s.unwrap_card(Some(cookie), card);
                        assert_eq!(status, 200);
                        own.push(t.elapsed());
                    }
                    own
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    Run {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
        max: latencies[latencies.len() - 1],
    }
}

fn print(label: &str, r: &Run) {
    println!(
        "unwrap, {label}: {} requests from {SESSIONS} sessions: {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        r.requests,
        r.per_second,
        r.p50.as_secs_f64() * 1e3,
        r.p99.as_secs_f64() * 1e3,
        r.max.as_secs_f64() * 1e3,
    );
}

fn main() {
    let per_session: usize = std::env::var("HELPCARD_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let limits = ["--rate-limit", "100000000", "--sign-in-rate", "100000"];

    // Notices off: nobody is told about this card.
    let off = {
        let s = Server::start("bench-off", &limits).pooled();
        let registry = rusqlite::Connection::open(s.data.join("registry.sqlite")).unwrap();
        registry.execute("DELETE FROM notify", []).unwrap();
        let cookies = signed_in(&s);
        load(&s, &cookies, per_session)
    };
    print("notices off", &off);

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

    let on = load(&s, &cookies, per_session);
    print("notices on", &on);
    println!(
        "notices on / off: throughput {:.2}, p99 {:.2}",
        on.per_second / off.per_second,
        on.p99.as_secs_f64() / off.p99.as_secs_f64(),
    );
    let (waiting, sent) = (
        sink.received.lock().unwrap().len(),
        2 * (on.requests + 5 + 40),
    );
    println!("notices at the sink when the run ended: {waiting} of {sent}");
}
