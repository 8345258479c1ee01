//! Unwrap throughput and latency against the real server on 127.0.0.1: 50 signed-in sessions,
//! one thread each, a bounded number of requests (and at most 60 s). Prints requests/s and
//! p50/p99 latency. Loopback only.
//!
//! Run: `cargo bench -p helpcard-server --bench unwrap` (HELPCARD_BENCH_REQUESTS per session,
//! default 200).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

fn main() {
    let sessions = 50;
    let per_session: usize = std::env::var("HELPCARD_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let s = common::Server::start(
        "bench",
        &["--rate-limit", "100000000", "--sign-in-rate", "100000"],
    )
    .pooled();
    let mut key = s.register(&s.invite);
    let cookies: Vec<String> = (0..sessions)
        .map(|_| s.sign_in(&mut key, "demo-responder"))
        .collect();
    let card = s.card("02-autism-teen");
    // Warm up.
    for c in cookies.iter().take(5) {
        assert_eq!(s.unwrap_card(Some(c), &card).0, 200);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = cookies
            .iter()
            .map(|cookie| {
                let (s, card) = (&s, &card);
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
    println!(
        "unwrap: {} requests from {sessions} sessions in {:.2} s: {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
    );
}
