//! The key service fails closed on its lists (issue 21, item 1): it reads the list files again
//! while running (on a schedule and on SIGHUP), enforces and serves what it accepted, refuses a
//! rollback, and gives no content key for a card whose issuer has no current list.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Office, Server};
use serde_json::Value;

/// A responder signed in to a service over `office`'s files.
fn signed_in(name: &str, office: &Office, extra: &[&str]) -> (Server, String) {
    let mut args = office.args();
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let s = Server::with_args(name, args);
    let invite = s.invite("responder-1");
    let mut key = s.register(&invite);
    let cookie = s.sign_in(&mut key, "responder-1");
    (s, cookie)
}

fn health(s: &Server) -> Value {
    let (status, body, _) = s.get("/healthz");
    assert_eq!(status, 200);
    serde_json::from_slice(&body).unwrap()
}

/// Waits (at most 20 s) until `done` holds: the service reads its files on its own schedule.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within 20 s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_card_revoked_while_the_service_runs_is_refused_and_the_new_list_served() {
    let mut office = Office::new("revoke-live", 0);
    let (s, cookie) = signed_in("revoke-live", &office, &["--lists-reload-secs", "3600"]);
    let card = office.card("01-deaf-adult");
    assert_eq!(s.unwrap_card(Some(&cookie), &card).0, 200);
    let before = s.get("/lists/revocations/musashino.cbor").1;

    // The office publishes a list revoking the card; the operator sends SIGHUP.
    let list = office.publish(
        "musashino.cbor",
        vec![office.card_id("01-deaf-adult")],
        86_400 * 30,
    );
    s.signal("-HUP");
    eventually("the new list served", || {
        s.get("/lists/revocations/musashino.cbor").1 == list
    });
    assert_ne!(before, list);
    let (status, body) = s.unwrap_card(Some(&cookie), &card);
    assert_eq!((status, body["error"].as_str()), (409, Some("revoked")));
    assert_eq!(health(&s)["lists"]["revocations"][0]["number"], 2);

    // An older list put back is refused; the newer one stays in force and is served.
    std::fs::write(
        office.dir.join("revocations/musashino.cbor"),
        &office.set.revocation_list,
    )
    .unwrap();
    s.signal("-HUP");
    eventually("the rollback reported", || {
        health(&s)["lists"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().contains("list_older"))
    });
    assert_eq!(s.get("/lists/revocations/musashino.cbor").1, list);
    assert_eq!(s.unwrap_card(Some(&cookie), &card).0, 409);
    assert_eq!(health(&s)["status"], "warning");
}

#[test]
fn lists_are_read_again_on_a_schedule_and_a_rollback_is_refused_after_a_restart() {
    let mut office = Office::new("schedule", 0);
    let (s, cookie) = signed_in("schedule", &office, &["--lists-reload-secs", "1"]);
    let card = office.card("02-autism-teen");
    assert_eq!(s.unwrap_card(Some(&cookie), &card).0, 200);
    office.publish(
        "musashino.cbor",
        vec![office.card_id("02-autism-teen")],
        86_400 * 30,
    );
    eventually("the schedule picks the list up", || {
        s.unwrap_card(Some(&cookie), &card).0 == 409
    });
    // Stopped, the old list put back, started again: the remembered counter refuses it.
    std::fs::write(
        office.dir.join("revocations/musashino.cbor"),
        &office.set.revocation_list,
    )
    .unwrap();
    let s = s.restart();
    let h = health(&s);
    assert_eq!(h["lists"]["issuers_without_list"][0], "musashino", "{h}");
    assert_eq!(h["status"], "failing");
    assert!(
        h["lists"]["problems"][0]
            .as_str()
            .unwrap()
            .contains("list_older"),
        "{h}"
    );
}

#[test]
fn no_content_key_without_a_current_list_for_the_cards_issuer() {
    let mut office = Office::new("fail-closed", 0);
    std::fs::remove_file(office.dir.join("revocations/musashino.cbor")).unwrap();
    let (s, cookie) = signed_in("fail-closed", &office, &["--lists-reload-secs", "1"]);
    let h = health(&s);
    assert_eq!(h["status"], "failing");
    assert_eq!(h["lists"]["issuers_without_list"][0], "musashino");
    let card = office.card("03-epilepsy-child");
    let (status, body) = s.unwrap_card(Some(&cookie), &card);
    assert_eq!(
        (status, body["error"].as_str(), body["issuer"].as_str()),
        (503, Some("no_current_list"), Some("musashino")),
        "{body}"
    );
    assert_eq!(s.get("/lists/revocations/musashino.cbor").0, 404);

    // A list due in 3 s: accepted and served, reported as due within a day, then out of date,
    // and from then on the card is refused again.
    office.publish("musashino.cbor", vec![], 3);
    eventually("the short list accepted", || {
        s.unwrap_card(Some(&cookie), &card).0 == 200
    });
    assert_eq!(health(&s)["lists"]["revocations"][0]["state"], "due_soon");
    assert_eq!(health(&s)["status"], "warning");
    eventually("the list out of date", || {
        health(&s)["lists"]["revocations"][0]["state"] == "out_of_date"
    });
    let (status, body) = s.unwrap_card(Some(&cookie), &card);
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("list_out_of_date"))
    );
    assert_eq!(health(&s)["status"], "failing");

    // Both refusals are audited with the card.
    let mut s = s;
    s.stop();
    let id = office.card_id("03-epilepsy-child").to_hex();
    let mut refused: Vec<String> = s
        .audit_rows()
        .into_iter()
        .filter(|r| r.event.card_id.as_deref() == Some(id.as_str()))
        .filter(|r| r.event.result == "refused")
        .map(|r| r.event.detail)
        .collect();
    refused.dedup();
    assert_eq!(refused, ["no_current_list", "list_out_of_date"]);
}
