//! The key service's defences from the security review (issue 21), each against the real
//! server on 127.0.0.1: responder groups, an audit chain anchored off the host, clients without
//! a session, sessions and cookies, sign-in that does not tell who is a responder, invites, the
//! hourly allowance across a restart, and the HTTP edges.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Office, Server};
use helpcard_core::card;
use helpcard_core::date::UnixTime;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::profile::Profile;
use helpcard_core::qrtext;
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn each_group_opens_only_the_cards_of_the_keys_it_is_given() {
    let office = Office::new("groups", 1);
    let welfare = office.set.world.responder.key_id().to_hex();
    let ems = office.extra_responders[0].key_id().to_hex();

    // Two keys and no mapping: the service refuses to start.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_helpcard-server"))
        .args(office.args())
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(std::env::temp_dir().join(format!("helpcard-groups-nomap-{}", std::process::id())))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no --group"), "{}", stderr(&out));

    let mut args = office.args();
    args.extend([
        "--group".into(),
        format!("welfare={welfare}"),
        "--group".into(),
        format!("ems={ems}"),
    ]);
    let s = Server::with_args("groups", args);
    let invite = s.admin(&["invite", "--name", "ems-1", "--group", "ems"]);
    let code = String::from_utf8(invite.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.trim().strip_prefix("code: ").map(str::to_owned))
        .unwrap();
    let mut key = s.register(&code);
    let cookie = s.sign_in(&mut key, "ems-1");

    // A card for the welfare group's key: refused to the ambulance crew, and audited.
    let welfare_card = office.card("04-wheelchair-medcare");
    let (status, body) = s.unwrap_card(Some(&cookie), &welfare_card);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("group_not_allowed")),
        "{body}"
    );
    // A card for the ambulance crews' key opens.
    let profile = Profile::from_toml(REFERENCE_PROFILES[0].1).unwrap();
    let now = UnixTime(common::unix_now());
    let ems_card = card::issue(
        &profile,
        &office.set.world.issuer,
        Some(&office.extra_responders[0].public_key()),
        card::Validity {
            issued_at: UnixTime(now.0 - 60),
            expires_at: UnixTime(now.0 + 86_400),
        },
        &mut rand_core::OsRng,
    )
    .unwrap();
    let text = qrtext::encode("HTTPS://HELPCARD.EXAMPLE/S/", &ems_card.bytes).unwrap();
    assert_eq!(s.unwrap_card(Some(&cookie), &text).0, 200);

    let mut s = s;
    s.stop();
    let id = office.card_id("04-wheelchair-medcare").to_hex();
    assert!(s.audit_rows().iter().any(|r| {
        r.event.detail == "group_not_allowed" && r.event.card_id.as_deref() == Some(id.as_str())
    }));
}

#[test]
fn the_audit_chain_survives_someone_who_can_rewrite_the_data_directory() {
    let anchor = std::env::temp_dir().join(format!("helpcard-anchor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&anchor);
    let mut s = Server::start_on_sqlite(
        "anchor",
        &[
            "--audit-anchor",
            anchor.to_str().unwrap(),
            "--checkpoint-secs",
            "1",
        ],
    );
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    for _ in 0..3 {
        assert_eq!(
            s.unwrap_card(Some(&cookie), &s.card("01-deaf-adult")).0,
            200
        );
    }
    // The timer checkpoints the rows within a second or two.
    let deadline = Instant::now() + Duration::from_secs(20);
    while helpcard_audit::read_exported(&anchor)
        .unwrap()
        .iter()
        .all(|c| c.count < 5)
    {
        assert!(Instant::now() < deadline, "no checkpoint exported");
        std::thread::sleep(Duration::from_millis(200));
    }
    s.stop();
    let anchored = |s: &Server| s.verify_audit(&["--anchor", anchor.to_str().unwrap()]);
    let out = anchored(&s);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains(" 0 rows after the last exported checkpoint"),
        "{report}"
    );

    // `verify` never uses or makes a key of its own: without the pinned key it refuses.
    let key_file = s.data.join("audit-device.key");
    let saved_key = std::fs::read(&key_file).unwrap();
    std::fs::remove_file(&key_file).unwrap();
    let out = s.admin(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--checkpoint-key"),
        "{}",
        stderr(&out)
    );
    assert!(!key_file.exists(), "verify created a key");
    std::fs::write(&key_file, &saved_key).unwrap();
    let pristine = std::fs::read(s.data.join("audit.sqlite")).unwrap();
    let restore = |s: &Server| {
        std::fs::write(s.data.join("audit.sqlite"), &pristine).unwrap();
        let _ = std::fs::remove_file(s.data.join("audit.sqlite-wal"));
        let _ = std::fs::remove_file(s.data.join("audit.sqlite-shm"));
        let _ = std::fs::remove_dir_all(s.data.join("checkpoints"));
    };

    // 1. Rows cut off the end (with the stored checkpoints dropped to match).
    let db = rusqlite::Connection::open(s.data.join("audit.sqlite")).unwrap();
    db.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER events_append_only_delete; DROP TRIGGER checkpoints_append_only_delete;
         DELETE FROM events WHERE seq > 3; DELETE FROM checkpoints;",
    )
    .unwrap();
    drop(db);
    let out = anchored(&s);
    assert_eq!(out.status.code(), Some(2), "truncation passed");
    assert!(stderr(&out).contains("deleted"), "{}", stderr(&out));
    restore(&s);

    // 2. Who opened a card rewritten, the chain recomputed and re-signed with the key beside
    //    the log (as someone with the data directory can).
    let rows = s.audit_rows();
    let db = rusqlite::Connection::open(s.data.join("audit.sqlite")).unwrap();
    db.execute_batch(
        "DROP TRIGGER events_append_only_update; DROP TRIGGER checkpoints_append_only_delete;
         DELETE FROM checkpoints;",
    )
    .unwrap();
    let mut prev = helpcard_audit::GENESIS;
    for mut r in rows {
        if r.event.kind == "unwrap" {
            r.event.actor = "someone-else".into();
        }
        let h = r.event.hash(r.seq, &prev);
        db.execute(
            "UPDATE events SET actor = ?1, prev = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![r.event.actor, prev.as_slice(), h.as_slice(), r.seq as i64],
        )
        .unwrap();
        prev = h;
    }
    drop(db);
    let device = helpcard_audit::DeviceKey::load(&key_file).unwrap();
    helpcard_audit::AuditLog::open(
        &s.data.join("audit.sqlite"),
        device,
        helpcard_audit::CheckpointPolicy::none(),
    )
    .unwrap()
    .checkpoint(common::unix_now())
    .unwrap();
    assert!(
        s.verify_audit(&["--anchor", "/nonexistent"])
            .status
            .success(),
        "without the anchor the rewrite cannot be told"
    );
    let out = anchored(&s);
    assert_eq!(out.status.code(), Some(2), "a rewritten chain passed");
    assert!(stderr(&out).contains("rewritten"), "{}", stderr(&out));
    restore(&s);

    // 3. The whole log replaced by a fresh one.
    std::fs::remove_file(s.data.join("audit.sqlite")).unwrap();
    let mut fresh = helpcard_audit::AuditLog::open(
        &s.data.join("audit.sqlite"),
        helpcard_audit::DeviceKey::load(&key_file).unwrap(),
        helpcard_audit::CheckpointPolicy::none(),
    )
    .unwrap();
    fresh
        .append(&helpcard_audit::Event {
            at: common::unix_now(),
            kind: "sign_in".into(),
            actor: "nobody".into(),
            result: "granted".into(),
            ..Default::default()
        })
        .unwrap();
    fresh.checkpoint(common::unix_now()).unwrap();
    drop(fresh);
    let out = anchored(&s);
    assert_eq!(out.status.code(), Some(2), "a replaced log passed");
}

/// Opens `n` connections that send half a request line and stop.
fn half_sent(base: &str, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut c = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
            c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            c.set_read_timeout(Some(Duration::from_millis(100)))
                .unwrap();
            c
        })
        .collect()
}

#[test]
fn half_sent_requests_are_cut_off_and_connections_are_bounded() {
    let s = Server::start(
        "slowloris",
        &["--request-secs", "2", "--max-connections", "50"],
    );
    let base = s.base.clone();
    // 60 connections: 50 served at once, 10 waiting to be accepted; each gets 2 s for its
    // headers. Before the fix 200 of them were still open after 45 s.
    let mut open = half_sent(&base, 60);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !open.is_empty() {
        assert!(
            Instant::now() < deadline,
            "{} half-sent requests still open after 30 s",
            open.len()
        );
        open.retain_mut(|c| {
            let mut buf = [0u8; 512];
            match c.read(&mut buf) {
                Ok(0) => false,
                // A 408 answer, then the close.
                Ok(_) => true,
                Err(e) => matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
            }
        });
    }
    // The service still answers.
    assert_eq!(s.get("/healthz").0, 200);

    // A body that never finishes: refused after its time, as JSON, and counted.
    let mut c = TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    write!(
        c,
        "POST /api/signin/start HTTP/1.1\r\nHost: x\r\nOrigin: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"na",
        s.origin
    )
    .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"too_slow\""), "{answer}");
}

#[test]
fn a_chunked_body_over_the_limit_gets_a_json_refusal_and_is_counted() {
    let mut s = Server::start("chunked", &[]);
    let mut c = TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
    write!(
        c,
        "POST /api/signin/start HTTP/1.1\r\nHost: x\r\nOrigin: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        s.origin
    )
    .unwrap();
    // The service answers as soon as the limit is passed and closes: a later write may find the
    // connection gone (a broken pipe), which is the point, so write errors are not failures.
    let chunk = vec![b'1'; 8192];
    let mut body = Vec::new();
    for _ in 0..4 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let _ = c.write_all(&body);
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"error\":\"too_large\""), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    s.stop();
    assert!(
        s.audit_rows()
            .iter()
            .any(|r| r.event.kind == "refusals" && r.event.detail.contains("too_large=1"))
    );
}

#[test]
fn unauthenticated_floods_are_limited_and_cost_one_audit_row() {
    let mut s = Server::start("flood", &["--sign-in-rate", "20"]);
    // Sign-in starts from one address: its burst, then 429.
    let mut codes = Vec::new();
    for i in 0..40 {
        let (status, _, _) = s.post(
            "/api/signin/start",
            &json!({ "name": format!("n{i}") }),
            None,
        );
        codes.push(status);
    }
    let ok = codes.iter().filter(|&&c| c == 200).count();
    assert!((20..=21).contains(&ok), "{codes:?}");
    assert!(codes.ends_with(&[429, 429, 429]), "{codes:?}");
    // The same address through a proxy the service was not told about is the same address.
    let (status, body, _) = s.post("/api/register/start", &json!({ "invite": "x" }), None);
    assert_eq!((status, body["error"].as_str()), (429, Some("slow_down")));
    // 300 refusals without a session: one audit row, not 300.
    for _ in 0..300 {
        let (status, _, _) = s.post_from(
            "http://evil.example",
            "/api/unwrap",
            &json!({ "card": "x" }),
            None,
        );
        assert_eq!(status, 403);
    }
    s.stop();
    let rows = s.audit_rows();
    let tallies: Vec<&str> = rows
        .iter()
        .filter(|r| r.event.kind == "refusals")
        .map(|r| r.event.detail.as_str())
        .collect();
    assert_eq!(tallies.len(), 1, "{tallies:?}");
    assert!(tallies[0].contains("bad_origin=300"), "{tallies:?}");
    assert!(tallies[0].contains("slow_down="), "{tallies:?}");
    assert!(rows.len() < 10, "{} rows", rows.len());
}

#[test]
fn a_proxy_named_at_start_passes_on_the_client_address() {
    let s = Server::start("proxy", &["--sign-in-rate", "2", "--proxy", "127.0.0.1"]);
    let post = |client: &str| {
        let mut c = TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
        let body = r#"{"name":"x"}"#;
        write!(
            c,
            "POST /api/signin/start HTTP/1.1\r\nHost: x\r\nOrigin: {}\r\nX-Forwarded-For: 203.0.113.9, {client}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            s.origin,
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = c.read_to_string(&mut answer);
        answer[9..12].to_owned()
    };
    assert_eq!(
        [
            post("198.51.100.1"),
            post("198.51.100.1"),
            post("198.51.100.1")
        ],
        ["200", "200", "429"]
    );
    assert_eq!(
        post("198.51.100.2"),
        "200",
        "another client has its own allowance"
    );
}

#[test]
fn sessions_end_after_their_lifetime_and_two_cookies_are_refused() {
    let s = Server::start("sessions", &["--session-hours", "0.0005"]);
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let card = s.card("01-deaf-adult");
    // Every API answer is no-store; pages are not.
    let (_, _, h) = s.get("/api/me");
    assert_eq!(h["cache-control"], "no-store");
    let (status, body) = s.unwrap_card(Some(&format!("{cookie}; {cookie}")), &card);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("two_sessions"))
    );
    assert_eq!(s.unwrap_card(Some(&cookie), &card).0, 200);
    // 1.8 s of lifetime: busy or not, the session ends.
    let deadline = Instant::now() + Duration::from_secs(4);
    while Instant::now() < deadline {
        let (status, _) = s.unwrap_card(Some(&cookie), &card);
        if status == 401 {
            return;
        }
        assert_eq!(status, 200);
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("the session outlived its lifetime");
}

#[test]
fn hsts_is_sent_when_the_service_is_reached_over_https() {
    let s = Server::start("hsts", &["--origin", "https://helpcard.city.example"]);
    let (_, _, h) = s.get("/S/");
    assert_eq!(
        h["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    let plain = Server::start("no-hsts", &[]);
    assert!(
        plain
            .get("/S/")
            .2
            .get("strict-transport-security")
            .is_none()
    );
}

#[test]
fn sign_in_does_not_tell_who_is_a_responder() {
    let s = Server::start("enumerate", &[]);
    let mut key = s.register(&s.invite);
    let start = |name: &str| -> Value {
        let (status, body, _) = s.post("/api/signin/start", &json!({ "name": name }), None);
        assert_eq!(status, 200, "{body}");
        body
    };
    let real = start("demo-responder");
    let unknown = start("nobody-here");
    // The same fields, the same kinds of values.
    let shape = |v: &Value| -> Vec<String> {
        let mut keys = Vec::new();
        fn walk(v: &Value, path: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => m
                    .iter()
                    .for_each(|(k, v)| walk(v, format!("{path}.{k}"), out)),
                Value::Array(a) => a
                    .iter()
                    .take(1)
                    .for_each(|v| walk(v, format!("{path}[]"), out)),
                Value::String(_) => out.push(format!("{path}: text")),
                other => out.push(format!("{path}: {other}")),
            }
        }
        walk(&v["options"], String::new(), &mut keys);
        keys.retain(|k| !k.contains("challenge"));
        keys
    };
    assert_eq!(shape(&real), shape(&unknown));
    // An unknown name's credentials are the same every time, as a real person's are.
    let ids = |v: &Value| v["options"]["publicKey"]["allowCredentials"].clone();
    assert_eq!(ids(&unknown), ids(&start("nobody-here")));
    assert_ne!(ids(&unknown), ids(&start("someone-else")));
    // And its ceremony fails as a wrong passkey does.
    let options = serde_json::from_value(unknown["options"].clone()).unwrap();
    assert!(
        key.do_authentication(common::url(&s.origin), options)
            .is_err()
    );
    let (status, body, _) = s.post(
        "/api/signin/finish",
        &json!({ "ceremony": unknown["ceremony"], "credential": {
            "id": "AAAA", "rawId": "AAAA", "type": "public-key", "extensions": {},
            "response": { "authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA", "userHandle": null } } }),
        None,
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("passkey_refused"))
    );
}

#[test]
fn an_unused_invite_can_be_withdrawn_and_a_group_does_not_change_by_invite() {
    let s = Server::start("invites", &[]);
    let code = s.invite("helper-1");
    let out = s.admin(&["withdraw-invite", "helper-1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (status, body, _) = s.post("/api/register/start", &json!({ "invite": code }), None);
    assert_eq!(
        (status, body["error"].as_str()),
        (410, Some("invite_invalid"))
    );
    assert_eq!(
        s.admin(&["withdraw-invite", "helper-1"]).status.code(),
        Some(1)
    );

    // A registered person: a second invite in their group adds a passkey; in another group it
    // is refused with the reason (it used to keep the old group silently).
    s.register(&s.invite);
    let out = s.admin(&["invite", "--name", "demo-responder", "--group", "ems"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("already in group demo"),
        "{}",
        stderr(&out)
    );
    assert!(
        s.admin(&["invite", "--name", "demo-responder", "--group", "demo"])
            .status
            .success()
    );
}

#[test]
fn the_hourly_allowance_survives_a_restart() {
    let s = Server::start("allowance", &["--rate-limit", "3"]);
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    for _ in 0..3 {
        assert_eq!(
            s.unwrap_card(Some(&cookie), &s.card("01-deaf-adult")).0,
            200
        );
    }
    let s = s.restart();
    let cookie = s.sign_in(&mut key, "demo-responder");
    let (status, body) = s.unwrap_card(Some(&cookie), &s.card("01-deaf-adult"));
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited"))
    );
}
