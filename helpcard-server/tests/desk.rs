//! The issuing desk against the real service on 127.0.0.1: roles, the issuer key, consent,
//! issue and the card's files, what the card then holds, a lost card revoked and reissued, the
//! renewal queue, a batch with a bad row. (The page itself is driven in Chromium by
//! helpcard-server/tests/desk.mjs.)
#![allow(clippy::unwrap_used)]

mod common;

use common::{Server, unix_now};
use helpcard_core::card;
use helpcard_core::cose::ContentKey;
use helpcard_core::date::UnixTime;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::keys::{Role, VerifyingKey};
use helpcard_core::profile::Profile;
use helpcard_core::trust::{Revocations, TrustStore};
use serde_json::{Value, json};

/// The service's own lists, as a scanner fetches them.
fn scanner(s: &Server) -> (TrustStore, Revocations) {
    let now = UnixTime(unix_now());
    let root = String::from_utf8(s.get("/lists/root.pub.json").1).unwrap();
    let mut trust = TrustStore::new(vec![VerifyingKey::from_file(&root, Role::Root).unwrap()]);
    trust.load(&s.get("/lists/trust.cbor").1, now).unwrap();
    let mut revocations = Revocations::new();
    revocations
        .load(&s.get("/lists/revocations/musashino.cbor").1, &trust, now)
        .unwrap();
    (trust, revocations)
}

/// A reference profile as the desk's form sends it.
fn form(name: &str, holder: &str, placements: Value) -> Value {
    let text = REFERENCE_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    let profile = Profile::load_toml(text, UnixTime(unix_now()).date()).unwrap();
    json!({
        "holder_ref": holder,
        "profile": serde_json::to_value(&profile).unwrap(),
        "placements": placements,
    })
}

fn get(s: &Server, path: &str, cookie: &str) -> (u16, Value) {
    let (status, body, _) = s.get_with(path, &[("Cookie", cookie)]);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn clerk(s: &Server) -> String {
    let mut key = s.register(&s.desk_invite);
    s.sign_in(&mut key, "demo-clerk")
}

#[test]
fn a_responder_and_a_stranger_are_kept_out() {
    let s = Server::start("desk-roles", &[]);
    let mut key = s.register(&s.invite);
    let responder = s.sign_in(&mut key, "demo-responder");
    for path in [
        "/api/desk/me",
        "/api/desk/cards",
        "/api/desk/renewals",
        "/api/desk/vocab?q=a",
    ] {
        let (status, body) = get(&s, path, &responder);
        assert_eq!(
            (status, body["error"].as_str()),
            (403, Some("role_refused")),
            "{path}"
        );
        assert_eq!(get(&s, path, "").0, 401, "signed out: {path}");
    }
    let (status, body, _) = s.post(
        "/api/desk/measure",
        &form("01-deaf-adult", "case-1", json!({})),
        Some(&responder),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("role_refused"))
    );
    assert_eq!(s.get_with("/desk/", &[("Cookie", &responder)]).0, 403);
    // Signed out: the page, which asks for a passkey.
    let (status, page, _) = s.get("/desk/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("signin-form"));
    // Another site's page cannot issue.
    let clerk = clerk(&s);
    let (status, body, _) = s.post_from(
        "https://evil.example",
        "/api/desk/issue",
        &json!({}),
        Some(&clerk),
    );
    assert_eq!((status, body["error"].as_str()), (403, Some("bad_origin")));
}

#[test]
fn a_card_is_issued_only_with_the_key_unlocked_and_consent_and_holds_what_was_placed() {
    let s = Server::start("desk-issue", &[]);
    let clerk = clerk(&s);
    let (_, me) = get(&s, "/api/desk/me", &clerk);
    assert_eq!(
        (me["role"].as_str(), me["key"]["state"].as_str()),
        (Some("admin"), Some("locked"))
    );
    let cards_before = get(&s, "/api/desk/cards", &clerk).1["cards"]
        .as_array()
        .unwrap()
        .len();
    // The help requests on the public part, the blood type left off.
    let placed = form(
        "04-wheelchair-medcare",
        "case-0042",
        json!({ "help": "public", "blood_type": "off" }),
    );
    let mut told = placed.clone();
    told["notify"] = json!(["family@example.jp"]);
    let request = json!({ "form": told, "consent": { "by": "holder" } });
    // Locked: refused, nothing signed or registered.
    let (status, body, _) = s.post("/api/desk/issue", &request, Some(&clerk));
    assert_eq!(
        (status, body["error"].as_str()),
        (423, Some("issuer_key_locked"))
    );
    let (status, body, _) = s.post(
        "/api/desk/key/unlock",
        &json!({ "passphrase": "wrong" }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("wrong_passphrase"))
    );
    let (status, body, _) = s.post(
        "/api/desk/key/unlock",
        &json!({ "passphrase": "demo-desk" }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["key"]["state"].as_str()),
        (200, Some("unlocked"))
    );
    // A bad notice address is named, and nothing signed.
    let mut bad = placed.clone();
    bad["notify"] = json!(["family"]);
    let (status, body, _) = s.post(
        "/api/desk/issue",
        &json!({ "form": bad, "consent": { "by": "holder" } }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["problems"][0]["field"].as_str()),
        (422, Some("notify"))
    );
    // No consent: refused.
    let (status, body, _) = s.post(
        "/api/desk/issue",
        &json!({ "form": placed, "consent": { "by": "" } }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("consent_missing"))
    );
    assert_eq!(
        get(&s, "/api/desk/cards", &clerk).1["cards"]
            .as_array()
            .unwrap()
            .len(),
        cards_before,
        "nothing registered by a refusal"
    );
    // The meter measures what is issued.
    let (status, meter, _) = s.post("/api/desk/measure", &placed, Some(&clerk));
    assert_eq!(status, 200, "{meter}");
    let (status, issued, _) = s.post("/api/desk/issue", &request, Some(&clerk));
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["version"], meter["version"]);
    let card_id = issued["card_id"].as_str().unwrap();
    let file = |name: &str| {
        s.get_with(
            &format!(
                "/api/desk/handout/{}/{name}",
                issued["handout"].as_str().unwrap()
            ),
            &[("Cookie", &clerk)],
        )
    };
    let (status, pdf, headers) = file("card.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(card_id)
    );
    assert!(file("holder.pdf").1.starts_with(b"%PDF-"));
    let phone = file("phone.png").1;
    assert!(phone.starts_with(b"\x89PNG\r\n\x1a\n"));
    let text = String::from_utf8(file("card.txt").1).unwrap();
    // Someone else's session gets nothing of it.
    let mut key = s.register(&s.invite);
    let responder = s.sign_in(&mut key, "demo-responder");
    assert_eq!(
        s.get_with(
            &format!(
                "/api/desk/handout/{}/card.pdf",
                issued["handout"].as_str().unwrap()
            ),
            &[("Cookie", &responder)]
        )
        .0,
        403
    );

    // Printed again, from its text or from the holder's lock-screen image; audited.
    let (status, again, _) = s.post("/api/desk/reprint", &json!({ "card": text }), Some(&clerk));
    assert_eq!(
        (status, again["card_id"].as_str()),
        (200, Some(card_id)),
        "{again}"
    );
    let (status, again) = s.post_bytes("/api/desk/reprint", &phone, "image/png", &clerk);
    assert_eq!(
        (status, again["card_id"].as_str()),
        (200, Some(card_id)),
        "{again}"
    );
    let (status, refused) = s.post_bytes("/api/desk/reprint", b"not an image", "image/png", &clerk);
    assert_eq!(
        (status, refused["error"].as_str()),
        (422, Some("no_card_found"))
    );

    // Who is told of openings is kept with the card.
    let (_, detail) = get(&s, &format!("/api/desk/cards/{card_id}"), &clerk);
    assert_eq!(
        detail["notify"],
        json!([{ "address": "family@example.jp", "lang": "ja" }])
    );

    // A scanner verifies it; a responder opens exactly what was placed.
    let (trust, revocations) = scanner(&s);
    let now = UnixTime(unix_now());
    let mut opened = card::open_text(&text, &trust, now, None, Some(&revocations)).unwrap();
    assert_eq!(opened.card_id.to_hex(), card_id);
    assert!(!opened.public.help.is_empty(), "help on the public part");
    let (status, key) = s.unwrap_card(Some(&responder), &text);
    assert_eq!(status, 200, "{key}");
    let content: [u8; 32] = hex::decode(key["content_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    opened
        .decrypt_with_content_key(&ContentKey::from_bytes(content))
        .unwrap();
    let card::PrivateOutcome::Decrypted(private) = &opened.private else {
        panic!("not decrypted")
    };
    assert_eq!(private.blood_type, None, "left off");
    assert!(!private.name.is_empty());

    // Every step is in the audit log, which verifies.
    let kinds: Vec<String> = s
        .audit_rows()
        .into_iter()
        .filter(|r| r.event.card_id.as_deref() == Some(card_id))
        .map(|r| r.event.kind)
        .collect();
    assert_eq!(
        kinds[..3],
        ["desk_consent", "desk_issue", "desk_print"],
        "{kinds:?}"
    );
    let keys: Vec<(String, String)> = s
        .audit_rows()
        .into_iter()
        .filter(|r| r.event.kind == "key_unlock")
        .map(|r| (r.event.result, r.event.actor))
        .collect();
    assert_eq!(
        keys,
        [
            ("refused".to_owned(), "demo-clerk".to_owned()),
            ("granted".to_owned(), "demo-clerk".to_owned())
        ]
    );
    assert!(s.verify_audit(&[]).status.success());
}

#[test]
fn a_lost_card_is_revoked_at_once_and_reissued() {
    let s = Server::start("desk-lost", &[]);
    let clerk = clerk(&s);
    s.post(
        "/api/desk/key/unlock",
        &json!({ "passphrase": "demo-desk" }),
        Some(&clerk),
    );
    let request = json!({ "form": form("02-autism-teen", "case-7", json!({})), "consent": { "by": "guardian" } });
    let (_, first, _) = s.post("/api/desk/issue", &request, Some(&clerk));
    let old = first["card_id"].as_str().unwrap().to_owned();
    let old_text = String::from_utf8(
        s.get_with(
            &format!(
                "/api/desk/handout/{}/card.txt",
                first["handout"].as_str().unwrap()
            ),
            &[("Cookie", &clerk)],
        )
        .1,
    )
    .unwrap();
    // The demo's revoked card stays revoked in the desk's lists.
    let served_before = scanner(&s).1;
    // Lost: revoked, and the list the service serves says so at once.
    let (status, body, _) = s.post(
        &format!("/api/desk/cards/{old}/revoke"),
        &json!({ "reason": "lost" }),
        Some(&clerk),
    );
    assert_eq!(status, 200, "{body}");
    let (trust, revocations) = scanner(&s);
    assert!(
        revocations.floors()["musashino"].counter > served_before.floors()["musashino"].counter
    );
    let now = UnixTime(unix_now());
    assert_eq!(
        card::open_text(&old_text, &trust, now, None, Some(&revocations)).err(),
        Some(helpcard_core::error::OpenError::Revoked)
    );
    assert_eq!(
        card::open_text(&s.card("revoked"), &trust, now, None, Some(&revocations)).err(),
        Some(helpcard_core::error::OpenError::Revoked),
        "the demo's revoked card is still revoked"
    );
    let (status, body, _) = s.post(
        &format!("/api/desk/cards/{old}/revoke"),
        &json!({ "reason": "lost" }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("already_revoked"))
    );
    // The key service refuses the old card's content key.
    let mut key = s.register(&s.invite);
    let responder = s.sign_in(&mut key, "demo-responder");
    assert_eq!(s.unwrap_card(Some(&responder), &old_text).0, 409);
    // Nor is it printed again.
    let (status, body, _) = s.post(
        "/api/desk/reprint",
        &json!({ "card": old_text }),
        Some(&clerk),
    );
    assert_eq!((status, body["error"].as_str()), (409, Some("revoked")));
    // Reissued: the new card opens; the list shows the old one revoked, with its history.
    let (status, second, _) = s.post("/api/desk/issue", &request, Some(&clerk));
    assert_eq!(status, 200, "{second}");
    let (_, cards) = get(&s, "/api/desk/cards?q=case-7", &clerk);
    let statuses: Vec<&str> = cards["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["valid", "revoked"]);
    let (_, detail) = get(&s, &format!("/api/desk/cards/{old}"), &clerk);
    let history: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert!(history.contains(&"desk_revoke"), "{history:?}");
    // Replacing a card in the same step: the old one is marked replaced.
    let replace = json!({ "form": form("02-autism-teen", "case-7", json!({})), "consent": { "by": "holder" }, "replaces": second["card_id"] });
    let (status, third, _) = s.post("/api/desk/issue", &replace, Some(&clerk));
    assert_eq!(status, 200, "{third}");
    let (_, detail) = get(
        &s,
        &format!("/api/desk/cards/{}", second["card_id"].as_str().unwrap()),
        &clerk,
    );
    assert_eq!(detail["replaced_by"], third["card_id"]);
}

#[test]
fn renewals_export_and_a_batch_with_a_bad_row_issues_nothing() {
    let s = Server::start("desk-batch", &[]);
    let clerk = clerk(&s);
    let (status, csv, headers) =
        s.get_with("/api/desk/renewals.csv?days=4000", &[("Cookie", &clerk)]);
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("\u{feff}card_id,holder_ref,issued,expires\r\n"));
    assert!(csv.contains("\"demo-01-deaf-adult\""), "{csv}");
    s.post(
        "/api/desk/key/unlock",
        &json!({ "passphrase": "demo-desk" }),
        Some(&clerk),
    );
    let table = "holder_ref,help,message,name,contact1_name,contact1_phone\n\
                 case-b1,writing,筆談でお願いします,山田 花子,山田 太郎,090-1111-2222\n\
                 case-b2,writing,,佐藤 一,佐藤 二,not-a-phone\n";
    let before = get(&s, "/api/desk/cards", &clerk).1["cards"]
        .as_array()
        .unwrap()
        .len();
    let (status, body, _) = s.post(
        "/api/desk/batch?by=holder",
        &json!({ "csv": table }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("form_invalid"))
    );
    let rows = body["rows"].as_array().unwrap();
    assert!(rows[0]["problems"].is_null());
    assert!(
        rows[1]["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("private.contacts[0].phone")
    );
    let after = get(&s, "/api/desk/cards", &clerk).1["cards"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "nothing issued");
    let fixed = table.replace("not-a-phone", "090-3333-4444");
    let (status, body, _) = s.post(
        "/api/desk/batch?by=holder&layout=single",
        &json!({ "csv": fixed }),
        Some(&clerk),
    );
    assert_eq!((status, body["issued"].as_u64()), (200, Some(2)), "{body}");
    let (status, sheets, _) = s.get_with(
        &format!(
            "/api/desk/handout/{}/sheets.pdf",
            body["handout"].as_str().unwrap()
        ),
        &[("Cookie", &clerk)],
    );
    assert!(status == 200 && sheets.starts_with(b"%PDF-"));
    // A need the vocabulary has no code for is counted.
    s.post(
        "/api/desk/miss",
        &json!({ "need": "補聴器の電池" }),
        Some(&clerk),
    );
    s.post(
        "/api/desk/miss",
        &json!({ "need": "補聴器の電池" }),
        Some(&clerk),
    );
    let (_, misses) = get(&s, "/api/desk/misses", &clerk);
    assert_eq!(
        misses["misses"][0],
        json!({ "need": "補聴器の電池", "count": 2 })
    );
    // The vocabulary is searched in every language.
    for q in ["筆談", "WRITING", "かいて つたえて"] {
        let (_, found) = get(&s, &format!("/api/desk/vocab?q={}", urlencode(q)), &clerk);
        assert!(
            found["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["key"] == "writing"),
            "{q}"
        );
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn a_paused_card_keeps_its_public_part_and_the_service_and_scanners_refuse_its_private_part() {
    let s = Server::start("desk-pause", &[]);
    let mut key = s.register(&s.invite);
    let responder = s.sign_in(&mut key, "demo-responder");
    let text = s.card("02-autism-teen");
    let (status, body) = s.unwrap_card(Some(&responder), &text);
    assert_eq!(status, 200, "{body}");
    let id = body["card_id"].as_str().unwrap().to_owned();
    let clerk = clerk(&s);
    let pause = |paused: bool| {
        let (status, body, _) = s.post(
            &format!("/api/desk/cards/{id}/pause"),
            &json!({ "paused": paused }),
            Some(&clerk),
        );
        (status, body)
    };
    // The key locked: nothing changes.
    assert_ne!(pause(true).0, 200);
    assert_eq!(s.unwrap_card(Some(&responder), &text).0, 200);
    s.post(
        "/api/desk/key/unlock",
        &json!({ "passphrase": "demo-desk" }),
        Some(&clerk),
    );
    let (status, body) = pause(true);
    assert_eq!(status, 200, "{body}");
    // The key service refuses at once, and says the card itself stands.
    let (status, body) = s.unwrap_card(Some(&responder), &text);
    assert_eq!(
        (status, body["error"].as_str(), body["verdict"].as_str()),
        (409, Some("paused"), Some("verified")),
        "{body}"
    );
    let refused = s
        .audit_rows()
        .into_iter()
        .rev()
        .find(|r| r.event.kind == "unwrap")
        .unwrap();
    assert_eq!(
        (
            refused.event.result.as_str(),
            refused.event.card_id.as_deref()
        ),
        ("refused", Some(id.as_str()))
    );
    // Scanners learn it from the list they fetch: verified, the private part paused.
    let (trust, revocations) = scanner(&s);
    let opened = card::open_text(
        &text,
        &trust,
        UnixTime(unix_now()),
        None,
        Some(&revocations),
    )
    .unwrap();
    assert_eq!(
        opened.private,
        card::PrivateOutcome::Failed(helpcard_core::error::OpenError::Paused)
    );
    assert!(get(&s, &format!("/api/desk/cards/{id}"), &clerk).1["paused"].is_string());
    // Resumed: it opens again. A revoked card cannot be paused.
    assert_eq!(pause(false).0, 200);
    assert_eq!(s.unwrap_card(Some(&responder), &text).0, 200);
    let revoked = card::claimed_id(&helpcard_core::qrtext::decode(&s.card("revoked")).unwrap())
        .unwrap()
        .0
        .to_hex();
    let (status, body, _) = s.post(
        &format!("/api/desk/cards/{revoked}/pause"),
        &json!({ "paused": true }),
        Some(&clerk),
    );
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("already_revoked"))
    );
}
