//! Two instances of the key service on one PostgreSQL database (`HELPCARD_TEST_POSTGRES`, the
//! throwaway cluster `scripts/test-all` starts), as an operator runs them behind one reverse
//! proxy: a session made on one works on the other; the hourly allowance is counted once across
//! both; the audit log stays one chain that verifies; every notice is sent once; and when one
//! instance is killed under load, every opening it acknowledged has its audit row and the other
//! keeps answering. Without a named server these tests say so and do nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Server;
use common::smtp::Sink;
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

const ORIGIN: &str = "http://localhost:8443";

/// Instance A (`--demo`, which writes the keys and lists B reads) with `extra` arguments, or
/// `None` without a PostgreSQL server.
fn first(name: &str, extra: &[&str]) -> Option<Server> {
    if std::env::var(helpcard_db::scratch::ENV).is_err() {
        eprintln!(
            "{} is not set: PostgreSQL test skipped",
            helpcard_db::scratch::ENV
        );
        return None;
    }
    let mut args = vec!["--origin", ORIGIN];
    args.extend_from_slice(extra);
    Some(Server::start(name, &args))
}

/// A person invited on `s`, with a passkey, signed in: their session cookie.
fn responder(s: &Server, name: &str) -> String {
    let invite = s.invite(name);
    let mut key = s.register(&invite);
    s.sign_in(&mut key, name)
}

/// An unwrap that tells a refused connection (an instance that is gone) from an answer.
fn try_unwrap(base: &str, cookie: &str, card: &str) -> Option<u16> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    agent
        .post(format!("{base}/api/unwrap"))
        .header("Origin", ORIGIN)
        .header("Cookie", cookie)
        .send_json(json!({ "card": card, "reason": { "code": "welfare_check" } }))
        .ok()
        .map(|r| r.status().as_u16())
}

fn health(s: &Server) -> Value {
    serde_json::from_slice(&s.get("/healthz").1).unwrap()
}

#[test]
fn a_session_an_allowance_a_chain_and_the_notices_are_shared_by_two_instances() {
    let sink = Sink::start();
    let smtp = sink.url();
    let notices = [
        "--smtp",
        smtp.as_str(),
        "--notice-every-secs",
        "1",
        "--rate-limit",
        "6",
    ];
    let Some(a) = first("two_instances", &notices) else {
        return;
    };
    let b = a.second_instance(&notices);
    let card = a.card("02-autism-teen");

    // Signed in on A; the same session opens a card on B and is known to B.
    let cookie = responder(&a, "responder-1");
    let (status, body) = b.unwrap_card(Some(&cookie), &card);
    assert_eq!(status, 200, "{body}");

    // The allowance (6 an hour) is counted once across both: 5 more, alternating, then each
    // instance refuses.
    for i in 0..5 {
        let on = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            on.unwrap_card(Some(&cookie), &card).0,
            200,
            "opening {}",
            i + 2
        );
    }
    for on in [&a, &b] {
        let (status, body) = on.unwrap_card(Some(&cookie), &card);
        assert_eq!(
            (status, body["error"].as_str()),
            (429, Some("rate_limited"))
        );
    }

    // Three more responders opening at once on both instances.
    let threads: Vec<_> = (0..3)
        .map(|p| {
            let cookie = responder(&a, &format!("responder-{}", p + 2));
            let (ba, bb, card) = (a.base.clone(), b.base.clone(), card.clone());
            std::thread::spawn(move || {
                (0..6)
                    .filter(|i| {
                        let base = if i % 2 == 0 { &ba } else { &bb };
                        try_unwrap(base, &cookie, &card) == Some(200)
                    })
                    .count()
            })
        })
        .collect();
    let opened: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(opened, 18);

    // One chain, in the order the database took the rows, with every opening in it.
    let rows = a.audit_rows();
    let granted = rows
        .iter()
        .filter(|r| r.event.kind == "unwrap" && r.event.result == "granted")
        .count();
    assert_eq!(granted, 6 + 18);
    let out = a.verify_audit(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Two notices per opening (the holder and family), each sent once, by either sender.
    let got = sink.wait_for(48, 60);
    assert_eq!(got.len(), 48);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        sink.received.lock().unwrap().len(),
        48,
        "a notice sent twice"
    );
    for s in [&a, &b] {
        assert_eq!(health(s)["notices"], json!({ "waiting": 0, "sent": 48 }));
        assert_eq!(health(s)["database"], "reachable");
    }
}

#[test]
fn a_sign_in_started_on_one_finishes_on_the_other_and_the_sign_in_limit_is_counted_once() {
    let Some(a) = first("two_instances_signin", &["--sign-in-rate", "12"]) else {
        return;
    };
    let b = a.second_instance(&["--sign-in-rate", "12"]);
    // Registration started on A, finished on B; sign-in started on B, finished on A.
    let invite = a.invite("roaming");
    let mut authenticator = SoftPasskey::new(true);
    let (status, start, _) = a.post("/api/register/start", &json!({ "invite": invite }), None);
    assert_eq!(status, 200, "{start}");
    let credential = authenticator
        .do_registration(
            common::url(ORIGIN),
            serde_json::from_value(start["options"].clone()).unwrap(),
        )
        .unwrap();
    let (status, done, _) = b.post(
        "/api/register/finish",
        &json!({ "ceremony": start["ceremony"], "credential": credential }),
        None,
    );
    assert_eq!(status, 201, "{done}");
    let (status, start, _) = b.post("/api/signin/start", &json!({ "name": "roaming" }), None);
    assert_eq!(status, 200, "{start}");
    let credential = authenticator
        .do_authentication(
            common::url(ORIGIN),
            serde_json::from_value(start["options"].clone()).unwrap(),
        )
        .unwrap();
    let finish = json!({ "ceremony": start["ceremony"], "credential": credential });
    let (status, done, cookie) = a.post("/api/signin/finish", &finish, None);
    assert_eq!(status, 200, "{done}");
    // Finished once: the same ceremony on B is gone.
    let (status, again, _) = b.post("/api/signin/finish", &finish, None);
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("ceremony_unknown"))
    );
    let cookie = cookie.unwrap();
    let cookie = cookie.split(';').next().unwrap();
    assert_eq!(
        b.unwrap_card(Some(cookie), &a.card("02-autism-teen")).0,
        200
    );

    // 12 requests without a session a minute from one address (5 of the burst used above:
    // two starts, three finishes), counted once across both instances: of 20 more,
    // alternating, 7 pass (8 if a token refilled meanwhile), not 7 on each.
    let statuses: Vec<u16> = (0..20)
        .map(|i| {
            let on = if i % 2 == 0 { &a } else { &b };
            on.post("/api/signin/start", &json!({ "name": "roaming" }), None)
                .0
        })
        .collect();
    let passed = statuses.iter().filter(|s| **s == 200).count();
    assert!((7..=8).contains(&passed), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[18..],
        [429, 429],
        "both instances refuse: {statuses:?}"
    );
}

#[test]
fn a_revocation_published_through_one_instance_reaches_the_other_by_the_database() {
    let reload = ["--lists-reload-secs", "1", "--rate-limit", "1000"];
    let Some(a) = first("published_list", &reload) else {
        return;
    };
    // B on a copy of A's data directory: A's desk writes its list file where B never looks.
    let elsewhere = a.data.with_extension("elsewhere");
    let b = a.second_instance_elsewhere(elsewhere, &reload);
    let cookie = responder(&a, "responder-1");
    let card = a.card("05-blind-elder");
    let (status, opened) = b.unwrap_card(Some(&cookie), &card);
    assert_eq!(status, 200, "{opened}");

    // The card reported lost at A's desk.
    let mut key = a.register(&a.desk_invite);
    let clerk = a.sign_in(&mut key, "demo-clerk");
    let unlock = json!({ "passphrase": "demo-desk" });
    assert_eq!(a.post("/api/desk/key/unlock", &unlock, Some(&clerk)).0, 200);
    let id = opened["card_id"].as_str().unwrap();
    let (status, body, _) = a.post(
        &format!("/api/desk/cards/{id}/revoke"),
        &json!({ "reason": "lost" }),
        Some(&clerk),
    );
    assert_eq!(status, 200, "{body}");

    // B takes the list from the database at its next reading and refuses the card.
    let deadline = Instant::now() + Duration::from_secs(20);
    let refused = loop {
        let (status, body) = b.unwrap_card(Some(&cookie), &card);
        if status != 200 || Instant::now() > deadline {
            break (status, body);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        (refused.0, refused.1["error"].as_str()),
        (409, Some("revoked")),
        "{}",
        refused.1
    );
    let served = b.get("/lists/revocations/musashino.cbor").1;
    assert_eq!(
        served,
        a.get("/lists/revocations/musashino.cbor").1,
        "B serves A's new list"
    );
    let health = health(&b);
    assert_eq!(health["status"], "ok", "{health}");
}

#[test]
fn an_instance_killed_under_load_loses_no_acknowledged_opening_and_the_other_answers() {
    let Some(a) = first("killed_instance", &["--rate-limit", "1000"]) else {
        return;
    };
    let mut b = a.second_instance(&["--rate-limit", "1000"]);
    let card = a.card("05-blind-elder");
    // Four responders, each opening on A and B in turn, at most 60 times, for at most 60 s.
    let people: Vec<(String, String)> = (0..4)
        .map(|p| {
            let name = format!("load-{p}");
            let cookie = responder(&a, &name);
            (name, cookie)
        })
        .collect();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let a_gone = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads: Vec<_> = people
        .iter()
        .cloned()
        .map(|(name, cookie)| {
            let (ba, bb, card) = (a.base.clone(), b.base.clone(), card.clone());
            let (acknowledged, a_gone) = (acknowledged.clone(), a_gone.clone());
            std::thread::spawn(move || {
                let mut on_b_after_kill = 0;
                for i in 0..60 {
                    if started.elapsed() > Duration::from_secs(60) {
                        break;
                    }
                    let (base, is_b) = if i % 2 == 0 {
                        (&ba, false)
                    } else {
                        (&bb, true)
                    };
                    let gone_before = a_gone.load(Ordering::SeqCst);
                    match try_unwrap(base, &cookie, &card) {
                        Some(200) => {
                            acknowledged.lock().unwrap().push(name.clone());
                            if is_b && gone_before {
                                on_b_after_kill += 1;
                            }
                        }
                        Some(other) => panic!("{name}: {other} from {base}"),
                        // A, killed: its connection refused or cut.
                        None => assert!(!is_b, "{name}: B did not answer"),
                    }
                }
                on_b_after_kill
            })
        })
        .collect();
    // Kill A (SIGKILL: no goodbye) once the load is under way.
    while acknowledged.lock().unwrap().len() < 60 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    a_gone.store(true, Ordering::SeqCst);
    let answered_after: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(
        answered_after >= 20,
        "B answered {answered_after} after A died"
    );

    // Every acknowledged opening has its row: per person, at least as many granted rows as
    // acknowledgements (a row may exist for an answer A never sent), and the chain verifies.
    let rows = b.audit_rows();
    let acknowledged = acknowledged.lock().unwrap().clone();
    for (name, _) in &people {
        let acked = acknowledged.iter().filter(|n| *n == name).count();
        let logged = rows
            .iter()
            .filter(|r| {
                r.event.actor == *name && r.event.kind == "unwrap" && r.event.result == "granted"
            })
            .count();
        assert!(
            logged >= acked && logged <= acked + 1,
            "{name}: {logged} rows, {acked} acknowledged"
        );
    }
    let out = b.verify_audit(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    b.stop();
}
