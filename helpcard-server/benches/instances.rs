//! Unwrap throughput and latency with 50 signed-in responders against the real server on
//! 127.0.0.1, in one process, one after another: SQLite, one instance; PostgreSQL, one
//! instance; PostgreSQL, two instances on one database (sessions alternating between them).
//! PostgreSQL is a throwaway cluster this benchmark starts (`scripts/postgres-cluster`, Debian's
//! `postgresql`, default durability: fsync on) on the same machine. Notices are off (no
//! addresses recorded for the card), as in `unwrap`'s first run. Prints each run and the ratios.
//! Loopback only; at most 60 s per run.
//!
//! Run: `cargo bench -p helpcard-server --bench instances` (HELPCARD_BENCH_REQUESTS per session,
//! default 200).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;
mod shared;

use common::Server;
use shared::{LIMITS, load, notices_off, per_session, print};

const SESSIONS: usize = 50;
const CARD: &str = "02-autism-teen";

fn main() {
    let (per_session, limits) = (per_session(), LIMITS);
    // Fifty responders, one session each (as many people at work, not one person fifty times:
    // each person's hourly allowance is counted under a lock on that person).
    let signed_in = |s: &Server| {
        (0..SESSIONS)
            .map(|i| {
                let name = format!("responder-{i}");
                let mut key = s.register(&s.invite(&name));
                s.sign_in(&mut key, &name)
            })
            .collect::<Vec<_>>()
    };

    let sqlite = {
        let s = Server::start_on("bench-sqlite", &limits, None).pooled();
        notices_off(&s);
        let cookies = signed_in(&s);
        load(&[&s], &cookies, &s.card(CARD), per_session)
    };
    print("SQLite, one instance", SESSIONS, &sqlite);

    let cluster = helpcard_db::scratch::Cluster::start("bench-pg", false);
    let one = {
        let url = helpcard_db::scratch::database_on(&cluster.url, "bench_one");
        let s = Server::start_on("bench-pg-one", &limits, Some(url)).pooled();
        notices_off(&s);
        let cookies = signed_in(&s);
        load(&[&s], &cookies, &s.card(CARD), per_session)
    };
    print("PostgreSQL, one instance", SESSIONS, &one);

    let two = {
        let url = helpcard_db::scratch::database_on(&cluster.url, "bench_two");
        let a = Server::start_on("bench-pg-two", &limits, Some(url)).pooled();
        let b = a.second_instance(&limits).pooled();
        notices_off(&a);
        let cookies = signed_in(&a);
        load(&[&a, &b], &cookies, &a.card(CARD), per_session)
    };
    print("PostgreSQL, two instances", SESSIONS, &two);
    drop(cluster);

    println!(
        "throughput against SQLite, one instance: PostgreSQL one instance {:.2}, two instances {:.2}; p99 {:.2} and {:.2}",
        one.per_second / sqlite.per_second,
        two.per_second / sqlite.per_second,
        one.p99.as_secs_f64() / sqlite.p99.as_secs_f64(),
        two.p99.as_secs_f64() / sqlite.p99.as_secs_f64(),
    );
}
