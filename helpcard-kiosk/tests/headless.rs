//! The kiosk end to end in headless mode, through the real binary: the demo's sample frames,
//! a configured kiosk reading a Y4M video made from issued cards, the audit log it leaves, and
//! `verify-audit` catching an edited or deleted row.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use helpcard_core::date::UnixTime;
use helpcard_core::demo::DemoSet;
use helpcard_core::keys::{Protection, Role};
use helpcard_core::qrtext;
use helpcard_core::testing::StreamRng;
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("helpcard-kiosk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn kiosk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_helpcard-kiosk"))
        .args(args)
        .env("HELPCARD_PASSPHRASE", "unused")
        .output()
        .unwrap()
}

fn events(out: &std::process::Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn cards(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .filter(|e| e["event"] == "card")
        .map(|e| {
            (
                e["status"].as_str().unwrap().to_owned(),
                e["private"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A file the test can tamper with, as someone with the kiosk's disk could.
fn tamper(path: &Path, sql: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS events_append_only_update; DROP TRIGGER IF EXISTS events_append_only_delete;",
    )
    .unwrap();
    c.execute_batch(sql).unwrap();
}

#[test]
fn the_demo_gives_every_verdict_once_and_an_audit_that_catches_tampering() {
    let d = dir("demo");
    let data = d.join("data");
    let out = kiosk(&["--demo", "--headless", "--data", data.to_str().unwrap()]);
    let ev = events(&out);
    let seen = cards(&ev);
    // Every card was held up for three frames and is reported once.
    assert_eq!(ev.last().unwrap()["frames"], 52);
    let verified = seen
        .iter()
        .filter(|c| *c == &("verified".into(), "shown".into()))
        .count();
    assert_eq!(verified, 8, "{seen:?}");
    for expected in [
        ("expired", "refused"),
        ("revoked", "refused"),
        ("tampered", "refused"),
        ("unknown_issuer", "refused"),
        ("verified_with_warning", "unavailable"),
    ] {
        assert!(
            seen.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} missing from {seen:?}"
        );
    }
    assert_eq!(seen.len(), 13);

    let audit = data.join("kiosk-audit.sqlite");
    let checkpoints = data.join("checkpoints");
    // The key recorded at setup; `audit-key` reads it and never makes one.
    let key = kiosk(&["audit-key", data.join("kiosk-device.key").to_str().unwrap()]);
    assert!(key.status.success());
    let key = String::from_utf8(key.stdout).unwrap().trim().to_owned();
    assert_eq!(key.len(), 64);
    let missing = data.join("none.key");
    assert_eq!(
        kiosk(&["audit-key", missing.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert!(!missing.exists());
    let verify = |args: &[&str]| {
        kiosk(
            &[
                &[
                    "verify-audit",
                    audit.to_str().unwrap(),
                    "--checkpoint-key",
                    key.as_str(),
                ],
                args,
            ]
            .concat(),
        )
    };
    // Another device's key does not vouch for this log's checkpoints.
    let other = "11".repeat(32);
    let forged = kiosk(&[
        "verify-audit",
        audit.to_str().unwrap(),
        "--checkpoint-key",
        &other,
        "--checkpoints",
        checkpoints.to_str().unwrap(),
    ]);
    assert_eq!(forged.status.code(), Some(2));
    let ok = verify(&["--checkpoints", checkpoints.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("13 rows"));
    // The rows hold verdicts and card ids, never what the cards say.
    let rows = rusqlite::Connection::open(&audit)
        .unwrap()
        .query_row(
            "SELECT group_concat(result || ' ' || detail, ';') FROM events",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap();
    assert!(rows.contains("verified status=ok private=shown"), "{rows}");
    assert!(!rows.contains("田中"), "{rows}");

    tamper(
        &audit,
        "UPDATE events SET result = 'verified' WHERE seq = 10",
    );
    let bad = verify(&[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("row 10"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    tamper(&audit, "DELETE FROM events WHERE seq = 4");
    let bad = verify(&[]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("row 4 is missing"));
}

/// Frames of `texts`, each held for `hold` frames, as a 4:2:0 Y4M file.
fn write_y4m(path: &Path, texts: &[String], hold: usize) {
    let (w, h) = (640usize, 480usize);
    let mut out = format!("YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for t in texts {
        let (side, px) = helpcard_qr::card_symbol(t).unwrap().to_luma(2);
        let mut y = vec![180u8; w * h];
        for r in 0..side {
            for c in 0..side {
                y[(r + 20) * w + c + 20] = if px[r * side + c] == 0 { 30 } else { 220 };
            }
        }
        for _ in 0..hold {
            out.extend_from_slice(b"FRAME\n");
            out.extend_from_slice(&y);
            out.extend(std::iter::repeat_n(128u8, 2 * (w / 2) * (h / 2)));
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_configured_kiosk_reads_a_y4m_video_and_stays_locked_without_a_key() {
    let d = dir("config");
    let now = UnixTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    let set = DemoSet::new(now, &mut StreamRng::from_seed(11)).unwrap();
    std::fs::write(
        d.join("root.pub.json"),
        set.world.root.verifying_key().to_file(Role::Root),
    )
    .unwrap();
    std::fs::write(d.join("trust.cbor"), &set.world.trust_list_bytes).unwrap();
    std::fs::write(d.join("revoked.cbor"), &set.revocation_list).unwrap();
    let key = set
        .world
        .responder
        .to_file(Protection::InsecurePlaintext, &mut StreamRng::from_seed(1))
        .unwrap();
    std::fs::write(d.join("responder.key.json"), key).unwrap();
    let texts: Vec<String> = ["01-deaf-adult", "revoked", "02-autism-teen"]
        .iter()
        .map(|n| {
            let c = set.cards.iter().find(|c| c.name == *n).unwrap();
            qrtext::encode(qrtext::DEFAULT_PREFIX, &c.bytes).unwrap()
        })
        .collect();
    write_y4m(&d.join("video.y4m"), &texts, 4);
    let config = |key: &str| {
        format!(
            "kiosk_id = \"test-kiosk\"\nroot = \"root.pub.json\"\ntrust = \"trust.cbor\"\n\
             revocations = [\"revoked.cbor\"]\n{key}audit = \"audit.sqlite\"\n\
             device_key = \"device.key\"\nsource = \"y4m:{}\"\nlanguage = \"en\"\n",
            d.join("video.y4m").display()
        )
    };
    std::fs::write(
        d.join("unlocked.toml"),
        config("responder_key = \"responder.key.json\"\n"),
    )
    .unwrap();
    std::fs::write(d.join("locked.toml"), config("")).unwrap();

    let unlocked = events(&kiosk(&[
        "--config",
        d.join("unlocked.toml").to_str().unwrap(),
        "--headless",
    ]));
    assert_eq!(
        cards(&unlocked),
        [
            ("verified".into(), "shown".into()),
            ("revoked".into(), "refused".into()),
            ("verified".into(), "shown".into())
        ]
    );
    assert_eq!(
        unlocked[0]["source"],
        format!("{} (640x480)", d.join("video.y4m").display())
    );
    assert_eq!(unlocked.last().unwrap()["frames"], 12);
    let card = unlocked.iter().find(|e| e["event"] == "card").unwrap();
    assert_eq!(card["headline"], "Verified help card");

    // Without the responder key the kiosk still verifies and says the private part is locked.
    let locked = events(&kiosk(&[
        "--config",
        d.join("locked.toml").to_str().unwrap(),
        "--headless",
    ]));
    assert_eq!(cards(&locked)[0], ("verified".into(), "locked".into()));

    // The holder paused access to 02's private part: the issuer's next list says so, and the
    // kiosk, holding the key, shows the card verified with its private part unavailable.
    let teen = set
        .cards
        .iter()
        .find(|c| c.name == "02-autism-teen")
        .unwrap();
    let lost = set.cards.iter().find(|c| c.name == "revoked").unwrap();
    let paused = helpcard_core::trust::RevocationList {
        issuer: "musashino".into(),
        counter: 1_000,
        issued_at: now,
        next_update: UnixTime(now.0 + 7 * 86_400),
        revoked: vec![helpcard_core::card::claimed_id(&lost.bytes).unwrap().0],
        revoked_before: None,
        paused: vec![helpcard_core::card::claimed_id(&teen.bytes).unwrap().0],
    }
    .sign(&set.world.issuer);
    std::fs::write(d.join("paused.cbor"), paused).unwrap();
    std::fs::write(
        d.join("paused.toml"),
        config("responder_key = \"responder.key.json\"\n")
            .replace("revoked.cbor", "paused.cbor")
            .replace("audit.sqlite", "paused-audit.sqlite"),
    )
    .unwrap();
    let out = kiosk(&[
        "--config",
        d.join("paused.toml").to_str().unwrap(),
        "--headless",
    ]);
    assert_eq!(
        cards(&events(&out)),
        [
            ("verified".into(), "shown".into()),
            ("revoked".into(), "refused".into()),
            // The notice that its private part is paused is the warning.
            ("verified_with_warning".into(), "unavailable".into())
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A configuration error names the key.
    std::fs::write(
        d.join("typo.toml"),
        config("").replace("kiosk_id", "kiosk_name"),
    )
    .unwrap();
    let out = kiosk(&[
        "--config",
        d.join("typo.toml").to_str().unwrap(),
        "--headless",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kiosk_name"), "{err}");
    // A missing source file is named too.
    let out = kiosk(&[
        "--config",
        d.join("locked.toml").to_str().unwrap(),
        "--headless",
        "--source",
        "y4m:/nonexistent.y4m",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.y4m"));
}
