//! The key service end to end over HTTP on 127.0.0.1: invite → passkey registration → sign-in
//! → unwrap → decrypt locally, every refusal with its status and audit row, and a server killed
//! mid-stream losing no acknowledged audit event.
#![allow(clippy::unwrap_used)]

mod common;

use common::Server;
use helpcard_core::card;
use helpcard_core::cose::ContentKey;
use helpcard_core::date::UnixTime;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::keys::{Role, VerifyingKey};
use helpcard_core::profile::Profile;
use helpcard_core::qrtext;
use helpcard_core::trust::TrustStore;
use serde_json::json;
use webauthn_authenticator_rs::WebauthnAuthenticator;

fn now() -> UnixTime {
    UnixTime(helpcard_server::http::now())
}

/// The demo trust store, as a browser gets it: the list from the service, the pinned root.
fn trust(s: &Server) -> TrustStore {
    let root = std::fs::read_to_string(s.data.join("demo-root.public.json")).unwrap();
    let mut t = TrustStore::new(vec![VerifyingKey::from_file(&root, Role::Root).unwrap()]);
    let (status, list, headers) = s.get("/lists/trust.cbor");
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/cbor");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    t.load(&list, now()).unwrap();
    t
}

#[test]
fn a_responder_opens_a_card_through_the_service_and_decrypts_it_locally() {
    let s = Server::start("flow", &[]);
    let mut key = s.register(&s.invite);
    // The invite is single-use.
    let (status, body, _) = s.post("/api/register/start", &json!({ "invite": s.invite }), None);
    assert_eq!(
        (status, body["error"].as_str()),
        (410, Some("invite_invalid"))
    );
    let cookie = s.sign_in(&mut key, "demo-responder");

    let url = s.card("02-autism-teen");
    // No reason, or "other" without its words: refused, and audited with the card.
    for reason in [
        json!(null),
        json!({ "code": "curious" }),
        json!({ "code": "other", "text": "" }),
    ] {
        let (status, body) = s.unwrap_because(Some(&cookie), &url, reason);
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("reason_missing"))
        );
    }
    let (status, answer) = s.unwrap_because(
        Some(&cookie),
        &url,
        json!({ "code": "other", "text": "警察からの照会" }),
    );
    assert_eq!(status, 200, "{answer}");
    let key_hex = answer["content_key"].as_str().unwrap();
    assert_eq!(key_hex.len(), 64);
    // The browser's side: verify offline, then decrypt with the content key alone.
    let bytes = qrtext::decode(&url).unwrap();
    let mut opened = card::open(&bytes, &trust(&s), now(), None, None).unwrap();
    assert_eq!(opened.card_id.to_hex(), answer["card_id"]);
    let key: [u8; 32] = hex::decode(key_hex).unwrap().try_into().unwrap();
    opened
        .decrypt_with_content_key(&ContentKey::from_bytes(key))
        .unwrap();
    let card::PrivateOutcome::Decrypted(private) = &opened.private else {
        panic!("not decrypted");
    };
    let expected = Profile::from_toml(REFERENCE_PROFILES[1].1)
        .unwrap()
        .private
        .unwrap();
    assert_eq!(**private, expected);

    // Who opened this card: the disclosure report.
    let out = s.admin(&["audit", "card", &opened.card_id.to_hex()]);
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("demo-responder\tgranted"), "{report}");
    assert!(report.contains("reason=other: 警察からの照会"), "{report}");
    assert_eq!(report.matches("reason_missing").count(), 3, "{report}");
    // The audit log holds the opening but nothing the card says.
    let stored: Vec<Vec<u8>> = match &s.database {
        None => ["audit.sqlite", "audit.sqlite-wal"]
            .iter()
            .map(|f| std::fs::read(s.data.join(f)).unwrap_or_default())
            .collect(),
        // Every row of the log and its outbox, as PostgreSQL writes them out.
        Some(url) => helpcard_db::Database::postgres(url, 1)
            .unwrap()
            .read(|tx| {
                tx.query(
                    "SELECT e::text FROM events e UNION ALL SELECT o::text FROM outbox o",
                    &[],
                )
            })
            .unwrap()
            .iter()
            .map(|r| r.get::<String>(0).unwrap().into_bytes())
            .collect(),
    };
    assert!(stored.iter().map(Vec::len).sum::<usize>() > 1000);
    for needle in [expected.name.as_bytes(), key_hex.as_bytes()] {
        assert!(
            !stored
                .iter()
                .any(|b| b.windows(needle.len()).any(|w| w == needle))
        );
    }
    let out = s.verify_audit(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Sign out: the cookie no longer works.
    let (status, _, _) = s.post("/api/signout", &json!({}), Some(&cookie));
    assert_eq!(status, 204);
    assert_eq!(s.unwrap_card(Some(&cookie), &url).0, 401);
}

#[test]
fn every_refusal_has_its_status_and_its_audit_row() {
    let s = Server::start("refusals", &["--rate-limit", "8"]);
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let ok = s.card("01-deaf-adult");
    let cases = [
        (None, ok.clone(), 401, "no_session"),
        (Some(cookie.as_str()), s.card("revoked"), 409, "revoked"),
        (Some(cookie.as_str()), s.card("expired"), 409, "expired"),
        (
            Some(cookie.as_str()),
            s.card("tampered"),
            422,
            "bad_signature",
        ),
        (
            Some(cookie.as_str()),
            s.card("foreign-issuer"),
            422,
            "unknown_issuer",
        ),
        (
            Some(cookie.as_str()),
            s.card("other-group"),
            403,
            "other_group",
        ),
        (
            Some(cookie.as_str()),
            "HTTPS://X/S#12345".into(),
            422,
            "qr_bad_digit_count",
        ),
        (
            Some("__Host-hc_session=forged"),
            ok.clone(),
            401,
            "no_session",
        ),
    ];
    for (cookie, card, status, code) in &cases {
        let (got, body) = s.unwrap_card(*cookie, card);
        assert_eq!(
            (got, body["error"].as_str()),
            (*status, Some(*code)),
            "{body}"
        );
    }
    // Another site's page cannot use a responder's session.
    let (status, body, _) = s.post_from(
        "http://evil.example",
        "/api/unwrap",
        &json!({ "card": ok }),
        Some(&cookie),
    );
    assert_eq!((status, body["error"].as_str()), (403, Some("bad_origin")));
    // Bodies are bounded.
    let big = json!({ "card": "1".repeat(64 * 1024) });
    assert_eq!(s.post("/api/unwrap", &big, Some(&cookie)).0, 413);
    // The hourly allowance: 8 here, 6 used by the refusals above that reached the card.
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(s.unwrap_card(Some(&cookie), &ok).0);
    }
    assert_eq!(codes, [200, 200, 429, 429]);

    // A revoked person is refused at once, with the session they still hold.
    let out = s.admin(&["revoke-person", "demo-responder"]);
    assert!(out.status.success());
    let (status, body) = s.unwrap_card(Some(&cookie), &ok);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("person_revoked"))
    );
    // Their sign-in starts as anyone's does (the answer does not tell who is a responder),
    // and cannot finish: the challenge names no credential of theirs.
    let (status, start, _) = s.post(
        "/api/signin/start",
        &json!({ "name": "demo-responder" }),
        None,
    );
    assert_eq!(status, 200, "{start}");
    let options = serde_json::from_value(start["options"].clone()).unwrap();
    assert!(
        key.do_authentication(common::url(&s.origin), options)
            .is_err()
    );

    // Every refusal that reached a person left a row naming the card it was about (where the
    // card gave one), and the log verifies.
    let mut s = s;
    s.stop();
    let rows = s.audit_rows();
    let refused: Vec<(&str, Option<&str>)> = rows
        .iter()
        .filter(|r| r.event.kind == "unwrap" && r.event.result == "refused")
        .map(|r| (r.event.detail.as_str(), r.event.card_id.as_deref()))
        .collect();
    for code in [
        "revoked",
        "expired",
        "bad_signature",
        "unknown_issuer",
        "other_group",
        "rate_limited",
    ] {
        assert!(
            refused.iter().any(|(c, card)| *c == code && card.is_some()),
            "{code} not audited with its card: {refused:?}"
        );
    }
    assert!(refused.iter().any(|(c, _)| *c == "person_revoked"));
    // Refusals of requests without a session are counted into one row, not a row each.
    let tallies: Vec<&str> = rows
        .iter()
        .filter(|r| r.event.kind == "refusals")
        .map(|r| r.event.detail.as_str())
        .collect();
    assert_eq!(
        tallies,
        ["bad_origin=1 no_session=1 session_ended=1 too_large=1"],
        "{rows:#?}"
    );
    assert!(rows.iter().any(|r| r.event.kind == "revoke_person"));
    assert!(s.verify_audit(&[]).status.success());
}

#[test]
fn an_idle_session_ends() {
    let s = Server::start("idle", &["--idle-minutes", "0"]);
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (status, body) = s.unwrap_card(Some(&cookie), &s.card("01-deaf-adult"));
    assert_eq!((status, body["error"].as_str()), (401, Some("no_session")));
}

#[test]
fn pages_and_lists_carry_the_security_headers() {
    let www = std::env::temp_dir().join(format!("helpcard-www-headers-{}", std::process::id()));
    std::fs::create_dir_all(www.join("pkg")).unwrap();
    for (file, body) in [
        ("index.html", "<!doctype html><title>helpcard</title>"),
        ("sw.js", "self.addEventListener('fetch', () => {});"),
        ("style.css", "body { margin: 0 }"),
        ("pkg/m.wasm", "\0asm\x01\0\0\0"),
    ] {
        std::fs::write(www.join(file), body).unwrap();
    }
    let s = Server::start("headers", &["--www", www.to_str().unwrap()]);
    // Pages and scripts (documents and workers): the page's policy; data: the strictest.
    for (path, page) in [
        ("/S/", true),
        ("/S/sw.js", true),
        ("/desk/", true),
        ("/S/pkg/m.wasm", false),
        ("/S/style.css", false),
        ("/lists/trust.cbor", false),
        ("/lists/root.pub.json", false),
        ("/healthz", false),
        ("/lists/revocations/musashino.cbor", false),
    ] {
        let (status, _, h) = s.get(path);
        assert_eq!(status, 200, "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        if page {
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
                "{path}: {csp}"
            );
            assert_eq!(
                h["permissions-policy"],
                "camera=(self), microphone=(), geolocation=()"
            );
            assert_eq!(h["cross-origin-opener-policy"], "same-origin");
        } else {
            assert_eq!(csp, "default-src 'none'; frame-ancestors 'none'", "{path}");
        }
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
    }
    // A page revalidated (304, no content type) keeps the page's policy in the browser's cache.
    let etag = s.get("/S/").2["etag"].to_str().unwrap().to_owned();
    let (status, _, h) = s.get_with("/S/", &[("if-none-match", &etag)]);
    assert_eq!(status, 304);
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("wasm-unsafe-eval")
    );
    assert_eq!(s.get("/lists/revocations/nobody.cbor").0, 404);
    std::fs::remove_dir_all(&www).unwrap();
}

#[test]
fn the_scanner_files_are_sent_compressed_and_revalidated_without_a_body() {
    use std::io::Read;
    let www = std::env::temp_dir().join(format!("helpcard-www-{}", std::process::id()));
    std::fs::create_dir_all(www.join("pkg")).unwrap();
    let script: String = (0..4000).map(|i| format!("const v{i} = {i};\n")).collect();
    std::fs::write(
        www.join("index.html"),
        "<!doctype html><title>helpcard</title>",
    )
    .unwrap();
    std::fs::write(www.join("pkg/app.js"), &script).unwrap();
    std::fs::write(www.join("card.png"), script.as_bytes()).unwrap();
    let s = Server::start("www", &["--www", www.to_str().unwrap()]);

    // Brotli first where the browser takes it (over HTTPS every current one does).
    let (status, body, hb) = s.get_with("/S/pkg/app.js", &[("accept-encoding", "gzip, br")]);
    assert_eq!(status, 200);
    assert_eq!(hb["content-encoding"], "br");
    let mut unpacked = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, script.as_bytes());

    let gzip = [("accept-encoding", "gzip, deflate")];
    let (status, body, h) = s.get_with("/S/pkg/app.js", &gzip);
    assert_eq!(status, 200);
    assert_eq!(h["content-encoding"], "gzip");
    assert_eq!(h["vary"], "accept-encoding");
    assert!(
        body.len() * 2 < script.len(),
        "{} of {}",
        body.len(),
        script.len()
    );
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, script);

    // A browser that does not take gzip gets the file as it is, under another entity tag.
    let (status, plain, h2) = s.get("/S/pkg/app.js");
    assert_eq!(status, 200);
    assert!(h2.get("content-encoding").is_none());
    assert_eq!(plain, script.as_bytes());
    assert_ne!(h["etag"], h2["etag"]);
    assert_ne!(h["etag"], hb["etag"]);

    // Revalidation: 304 with no body, the security headers still on.
    let etag = h["etag"].to_str().unwrap();
    let (status, body, h3) = s.get_with("/S/pkg/app.js", &[gzip[0], ("if-none-match", etag)]);
    assert_eq!((status, body.len()), (304, 0));
    assert_eq!(h3["x-content-type-options"], "nosniff");
    // The identity form's tag does not revalidate the gzip form.
    let other = h2["etag"].to_str().unwrap();
    assert_eq!(
        s.get_with("/S/pkg/app.js", &[gzip[0], ("if-none-match", other)])
            .0,
        200
    );

    // Images are already compressed: sent as they are.
    let (status, body, h) = s.get_with("/S/card.png", &gzip);
    assert_eq!((status, body.len()), (200, script.len()));
    assert!(h.get("content-encoding").is_none());
    assert_eq!(
        s.get_with("/S/", &gzip).2["content-type"],
        "text/html; charset=utf-8"
    );
    let _ = std::fs::remove_dir_all(&www);
}

#[test]
fn a_killed_server_loses_no_acknowledged_audit_event() {
    let mut s = Server::start("killed", &["--rate-limit", "1000"]);
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let card = s.card("03-epilepsy-child");
    let mut acknowledged = 0;
    for _ in 0..40 {
        assert_eq!(s.unwrap_card(Some(&cookie), &card).0, 200);
        acknowledged += 1;
    }
    s.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    s.child.wait().unwrap();
    let out = s.verify_audit(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // register + sign-in + every acknowledged unwrap.
    let rows = s.audit_rows();
    let granted = rows
        .iter()
        .filter(|r| r.event.kind == "unwrap" && r.event.result == "granted")
        .count();
    assert_eq!(granted, acknowledged, "{} rows", rows.len());
}
