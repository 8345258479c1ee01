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

use std::path::Path;
use std::process::Command;

use common::Server;
use shared::{load, print};

const SESSIONS: usize = 50;
const CARD: &str = "02-autism-teen";

/// A throwaway PostgreSQL cluster, stopped and removed when dropped.
struct Cluster {
    dir: String,
    url: String,
}

impl Cluster {
    fn start() -> Cluster {
        let dir = std::env::temp_dir().join(format!("helpcard-bench-pg-{}", std::process::id()));
        let dir = dir.to_str().unwrap().to_owned();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = Command::new(script())
            .args(["start", &dir, &port.to_string()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        Cluster { dir, url }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script()).args(["stop", &self.dir]).status();
    }
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres-cluster")
}

/// The card's notice addresses removed, in whichever database holds the registry.
fn notices_off(s: &Server) {
    let db = match &s.database {
        Some(url) => helpcard_db::Database::postgres(url, 1).unwrap(),
        None => helpcard_db::Database::sqlite(&s.data.join("registry.sqlite")).unwrap(),
    };
    db.write(|tx| tx.execute("DELETE FROM notify", &[]))
        .unwrap();
}

fn main() {
    let per_session: usize = std::env::var("HELPCARD_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let limits = ["--rate-limit", "100000000", "--sign-in-rate", "100000"];
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

    let cluster = Cluster::start();
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
