//! The holder's opening history (`audit card ID --pdf`, read back through poppler) and the
//! admin's review of openings worth a second look (`audit review`), against a real service's
//! audit log.
#![allow(clippy::unwrap_used)]

mod common;

use common::Server;
use serde_json::json;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_holder_gets_every_opening_printed_and_the_admin_sees_what_to_look_at() {
    let mut s = Server::start("history", &[]);
    let mut key = s.register(&s.invite);
    let cookie = s.sign_in(&mut key, "demo-responder");
    let open = |card: &str, reason: serde_json::Value| {
        let (status, body) = s.unwrap_because(Some(&cookie), &s.card(card), reason);
        assert_eq!(status, 200, "{body}");
        body["card_id"].as_str().unwrap().to_owned()
    };
    let teen = open("02-autism-teen", json!({ "code": "emergency_transport" }));
    open(
        "02-autism-teen",
        json!({ "code": "other", "text": "家族から頼まれた" }),
    );
    let deaf = open("01-deaf-adult", json!({ "code": "welfare_check" }));
    s.stop();

    // The holder's history: both openings of their card, none of another's, no card contents.
    let pdf = s.data.join("history.pdf");
    let out = s.admin(&[
        "audit",
        "card",
        &teen,
        "--pdf",
        pdf.to_str().unwrap(),
        "--organisation",
        "demo=武蔵野消防署",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("2 opening(s) of 1 card(s)"),
        "{out:?}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils): scripts/test-all installs it");
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "ヘルプカードが開かれた記録",
        "武蔵野消防署（応答者）",
        "救急搬送",
        "その他（家族から頼まれた）",
        "ウェブ（鍵サービス）",
        "ヘルプカードが みられた きろく",
        "たすける ひと",
        &teen,
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(!text.contains(&deaf), "another card's opening");
    assert!(!text.contains("demo-responder"), "a person's name");
    for private in common::private_texts("02-autism-teen") {
        assert!(!text.contains(&private), "{private} in the history");
    }
    // Printing it is on the record.
    let rows = s.audit_rows();
    assert!(rows.iter().any(|r| r.event.kind == "history_printed"
        && r.event.detail == format!("cards={teen} openings=2")));

    // Review: the その他 opening, and with a limit of 1 card an hour all three openings; with
    // hours that cover the whole day and a high limit, only the その他 one.
    let review = |args: &[&str]| {
        let mut all = vec!["audit", "review"];
        all.extend(args);
        let out = s.admin(&all);
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let lines = review(&["--hours", "none", "--per-hour", "1"]);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines.iter().all(|l| l.contains("many_cards")), "{lines:?}");
    let lines = review(&["--hours", "00:00-23:59", "--per-hour", "5"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("reason=other: 家族から頼まれた"));
    assert!(lines[0].ends_with("other_reason"), "{lines:?}");
    // Bad hours are refused in words.
    let out = s.admin(&["audit", "review", "--hours", "8-19"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--hours 8-19"));
}

#[test]
fn the_desk_prints_a_holders_history_and_shows_admins_the_review() {
    let s = Server::start("history-desk", &["--organisation", "demo=武蔵野消防署"]);
    let mut key = s.register(&s.invite);
    let responder = s.sign_in(&mut key, "demo-responder");
    let (status, body) = s.unwrap_because(
        Some(&responder),
        &s.card("02-autism-teen"),
        json!({ "code": "other", "text": "近所の人から連絡" }),
    );
    assert_eq!(status, 200, "{body}");
    let card = body["card_id"].as_str().unwrap().to_owned();
    let mut key = s.register(&s.desk_invite);
    let admin = s.sign_in(&mut key, "demo-clerk");
    // An issuer (office staff): the history, but not the review.
    let out = s.admin(&[
        "invite", "--name", "clerk-2", "--group", "office", "--role", "issuer",
    ]);
    assert!(out.status.success(), "{out:?}");
    let code = stdout(&out)
        .lines()
        .find_map(|l| l.trim().strip_prefix("code: ").map(str::to_owned))
        .unwrap();
    let mut key = s.register(&code);
    let issuer = s.sign_in(&mut key, "clerk-2");

    let pdf_path = format!("/api/desk/cards/{card}/openings.pdf");
    let (status, pdf, headers) = s.get_with(&pdf_path, &[("Cookie", &issuer)]);
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    let file = s.data.join("desk-history.pdf");
    std::fs::write(&file, pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "武蔵野消防署",
        "その他（近所の人から連絡）",
        "みられた きろく",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    assert!(
        s.audit_rows()
            .iter()
            .any(|r| r.event.kind == "history_printed" && r.event.actor == "clerk-2")
    );

    let review = |cookie: &str| {
        let (status, body, _) = s.get_with("/api/desk/review", &[("Cookie", cookie)]);
        (
            status,
            serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
        )
    };
    let (status, body) = review(&admin);
    assert_eq!(status, 200, "{body}");
    let flagged = body["openings"].as_array().unwrap();
    assert_eq!(flagged.len(), 1, "{body}");
    assert_eq!(flagged[0]["card_id"], card.as_str());
    assert_eq!(flagged[0]["reason"]["text"], "近所の人から連絡");
    assert!(
        flagged[0]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("other_reason"))
    );
    for (cookie, who) in [(&issuer, "issuer"), (&responder, "responder")] {
        let (status, body) = review(cookie);
        assert_eq!(
            (status, body["error"].as_str()),
            (403, Some("role_refused")),
            "{who}"
        );
    }
    let (status, _, _) = s.get_with(&pdf_path, &[("Cookie", &responder)]);
    assert_eq!(status, 403, "a responder cannot print a history");
}
