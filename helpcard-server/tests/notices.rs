//! Notices of openings against the real service and a local SMTP sink on 127.0.0.1: one per
//! address with who, when and why and nothing the card says; delayed, not lost, while the relay
//! is down; sent after a crash between the answer and the send; never twice.
#![allow(clippy::unwrap_used)]

mod common;

use common::Server;
use common::smtp::Sink;
use serde_json::json;

fn args(smtp: &str) -> Vec<&str> {
    vec![
        "--smtp",
        smtp,
        "--notice-every-secs",
        "1",
        "--notice-retry-secs",
        "1",
        "--organisation",
        "demo=武蔵野消防署",
        "--notice-contact",
        "武蔵野市 障害者福祉課 0422-60-1234",
    ]
}

#[test]
fn each_address_gets_one_notice_with_who_when_and_why_and_nothing_the_card_says() {
    let sink = Sink::start();
    let url = sink.url();
    let s = Server::start("notices", &args(&url));
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let (status, body) = s.unwrap_because(
        Some(&cookie),
        &s.card("02-autism-teen"),
        json!({ "code": "emergency_transport" }),
    );
    assert_eq!(status, 200, "{body}");
    let got = sink.wait_for(2, 20);
    assert_eq!(got.len(), 2, "{got:?}");
    let mut to: Vec<&str> = got.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["family@example.jp", "holder@example.jp"]);
    for m in &got {
        assert!(
            m.subject.contains("ヘルプカードが開かれました"),
            "{}",
            m.subject
        );
        for needle in [
            "武蔵野消防署",
            "応答者",
            "救急搬送",
            "日本時間",
            "0422-60-1234",
        ] {
            assert!(m.text.contains(needle), "{needle}: {}", m.text);
        }
        for private in common::private_texts("02-autism-teen") {
            assert!(!m.text.contains(&private), "{private} in a notice");
        }
        assert!(
            !m.text.contains("demo-responder"),
            "the person's name is not in it"
        );
    }
    // None twice.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(sink.received.lock().unwrap().len(), 2);
    // The operator sees the outbox on /healthz.
    let health: serde_json::Value = serde_json::from_slice(&s.get("/healthz").1).unwrap();
    assert_eq!(
        health["notices"],
        json!({ "waiting": 0, "sent": 2 }),
        "{health}"
    );
}

#[test]
fn a_relay_that_is_down_delays_notices_and_a_crash_loses_none() {
    // A port with nothing listening: the relay is down.
    let down = Sink::start();
    let port = down.port;
    let received = down.stop();
    let url = format!("smtp://127.0.0.1:{port}");
    let s = Server::start("notices-down", &args(&url));
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let (status, _) = s.unwrap_card(Some(&cookie), &s.card("01-deaf-adult"));
    assert_eq!(status, 200);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(received.lock().unwrap().is_empty());
    let health: serde_json::Value = serde_json::from_slice(&s.get("/healthz").1).unwrap();
    assert_eq!(health["notices"]["waiting"], 2, "{health}");
    // Killed without a goodbye after the answer: the notices are in the outbox.
    let s = s.crash_and_restart();
    let (status, _) = s.unwrap_card(Some(&cookie), &s.card("02-autism-teen"));
    assert_eq!(status, 200);
    // The relay comes back: every notice arrives, once.
    let sink = Sink::on(port, received);
    let got = sink.wait_for(4, 30);
    assert_eq!(got.len(), 4, "{got:?}");
    std::thread::sleep(std::time::Duration::from_secs(3));
    let ids: std::collections::BTreeSet<String> = sink
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|m| format!("{} {}", m.message_id, m.to))
        .collect();
    assert_eq!(ids.len(), 4, "none twice");
    assert_eq!(sink.received.lock().unwrap().len(), 4);
}
