//! The load both key-service benchmarks put on the real server: signed-in sessions opening one
//! card at once, one thread each, and what they measured.

use std::time::{Duration, Instant};

use crate::common::Server;

/// Limits high enough that the load is never refused.
pub const LIMITS: [&str; 4] = ["--rate-limit", "100000000", "--sign-in-rate", "100000"];

/// Openings per session: `HELPCARD_BENCH_REQUESTS`, default 200.
pub fn per_session() -> usize {
    std::env::var("HELPCARD_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// The card's notice addresses removed, in whichever database holds the registry.
pub fn notices_off(s: &Server) {
    let db = match &s.database {
        Some(url) => helpcard_db::Database::postgres(url, 1).unwrap(),
        None => helpcard_db::Database::sqlite(&s.data.join("registry.sqlite")).unwrap(),
    };
    db.write(|tx| tx.execute("DELETE FROM notify", &[]))
        .unwrap();
}

/// What a run measured.
pub struct Run {
    pub requests: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// `per_session` openings of `card` from each session at once (at most 60 s), session `i` on
/// instance `i % n`; four openings first, unmeasured.
pub fn load(instances: &[&Server], cookies: &[String], card: &str, per_session: usize) -> Run {
    let on = |i: usize| instances[i % instances.len()];
    for (i, c) in cookies.iter().enumerate().take(4) {
        assert_eq!(on(i).unwrap_card(Some(c), card).0, 200);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = cookies
            .iter()
            .enumerate()
            .map(|(i, cookie)| {
                let s = on(i);
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

/// One line per run.
pub fn print(label: &str, sessions: usize, r: &Run) {
    println!(
        "unwrap, {label}: {} requests from {sessions} sessions: {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        r.requests,
        r.per_second,
        r.p50.as_secs_f64() * 1e3,
        r.p99.as_secs_f64() * 1e3,
        r.max.as_secs_f64() * 1e3,
    );
}
