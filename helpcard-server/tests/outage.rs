//! PostgreSQL stopped and started again under load (the throwaway cluster `scripts/test-all`
//! starts, named by `HELPCARD_TEST_POSTGRES` and `HELPCARD_TEST_POSTGRES_DIR`): the service
//! answers 503 `unavailable` while the database is down — never a panic, never a 500 — its
//! readiness says so, and it serves fully again by itself when the database is back. Alone in
//! its test binary, because it stops the server every other PostgreSQL test uses.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Server;
use serde_json::{Value, json};

fn cluster(action: &str, dir: &str) {
    assert!(
        helpcard_db::scratch::control(action, dir),
        "postgres-cluster {action}"
    );
}

/// Polls `check` every 100 ms for at most `secs`.
fn within(secs: u64, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn ready(s: &Server) -> (u16, Value) {
    let (status, body, _) = s.get("/readyz");
    (status, serde_json::from_slice(&body).unwrap())
}

#[test]
fn the_service_answers_503_while_postgresql_is_down_and_recovers_by_itself() {
    let (Ok(_), Ok(dir)) = (
        std::env::var(helpcard_db::scratch::ENV),
        std::env::var("HELPCARD_TEST_POSTGRES_DIR"),
    ) else {
        eprintln!("HELPCARD_TEST_POSTGRES(_DIR) is not set: PostgreSQL test skipped");
        return;
    };
    let mut s = Server::start("outage", &["--rate-limit", "100000"]);
    assert_eq!(
        ready(&s),
        (200, json!({ "status": "ready", "database": "postgresql" }))
    );
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let card = s.card("02-autism-teen");

    // A responder opening the card every 50 ms, throughout.
    let statuses = Arc::new(Mutex::new(BTreeMap::<u16, usize>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (base, origin, cookie, card) = (
            s.base.clone(),
            s.origin.clone(),
            cookie.clone(),
            card.clone(),
        );
        let (statuses, stop) = (statuses.clone(), stop.clone());
        std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_idle_connections(0)
                .timeout_global(Some(Duration::from_secs(30)))
                .build()
                .into();
            let mut granted = 0;
            while !stop.load(Ordering::SeqCst) {
                let status = agent
                    .post(format!("{base}/api/unwrap"))
                    .header("Origin", &origin)
                    .header("Cookie", &cookie)
                    .send_json(json!({ "card": card, "reason": { "code": "welfare_check" } }))
                    .unwrap()
                    .status()
                    .as_u16();
                granted += usize::from(status == 200);
                *statuses.lock().unwrap().entry(status).or_default() += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            granted
        })
    };
    let count = |status: u16| statuses.lock().unwrap().get(&status).copied().unwrap_or(0);
    assert!(
        within(20, || count(200) >= 5),
        "no openings before the outage"
    );

    cluster("pause", &dir);
    assert!(
        within(20, || count(503) >= 5),
        "no 503 while the database is down: {statuses:?}"
    );
    let (status, body) = ready(&s);
    assert_eq!(
        (status, body["status"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    let health: Value = serde_json::from_slice(&s.get("/healthz").1).unwrap();
    assert_eq!(health["database"], "unreachable");
    assert!(s.child.try_wait().unwrap().is_none(), "the service died");

    cluster("resume", &dir);
    assert!(
        within(30, || ready(&s).0 == 200),
        "not ready after the database came back"
    );
    let served_before = count(200);
    assert!(
        within(20, || count(200) >= served_before + 5),
        "no openings after: {statuses:?}"
    );
    stop.store(true, Ordering::SeqCst);
    let granted = load.join().unwrap();

    // Only answers and 503s: nothing failed, nothing panicked.
    let seen = statuses.lock().unwrap().clone();
    assert_eq!(
        seen.keys().copied().collect::<Vec<_>>(),
        [200, 503],
        "{seen:?}"
    );
    // Every opening answered is in the log, which still verifies; the same session goes on.
    let rows = s.audit_rows();
    let logged = rows
        .iter()
        .filter(|r| r.event.kind == "unwrap" && r.event.result == "granted")
        .count();
    assert_eq!(logged, granted);
    assert_eq!(s.unwrap_card(Some(&cookie), &card).0, 200);
    s.stop();
}
