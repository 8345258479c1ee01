//! A kiosk's openings reach the key service: the real `helpcard-kiosk` binary (headless, on
//! pictures of the demo's cards, with the demo's group key) opens cards while the service is
//! unreachable, then forwards its audit rows: refused until an admin enrolls it, then every row
//! once (again and again, with its mark lost too), the holder's notices sent to a local SMTP
//! sink, and the kiosk's own log still verifying.
//!
//! The kiosk binary is its sibling in the target directory (`cargo test --workspace` builds
//! both before any test runs).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Server;
use common::smtp::Sink;

fn kiosk_binary() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_helpcard-server")).with_file_name("helpcard-kiosk");
    assert!(
        path.exists(),
        "{} is missing: build it first (cargo build -p helpcard-kiosk; cargo test --workspace does)",
        path.display()
    );
    path
}

fn kiosk(args: &[&str]) -> Output {
    Command::new(kiosk_binary())
        .args(args)
        .env("HELPCARD_PASSPHRASE", "demo-kiosk")
        .output()
        .unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn a_kiosks_openings_reach_the_service_once_and_the_holder_is_told() {
    let sink = Sink::start();
    let url = sink.url();
    let s = Server::start(
        "kiosk-forward",
        &[
            "--smtp",
            &url,
            "--notice-every-secs",
            "1",
            "--organisation",
            "demo=武蔵野市 福祉センター",
        ],
    );
    let k = s.data.join("kiosk");
    std::fs::create_dir_all(k.join("frames")).unwrap();
    let device = helpcard_audit::DeviceKey::from_bytes(&[9; 32]);
    std::fs::write(k.join("device.key"), hex::encode([9u8; 32])).unwrap();
    for (i, name) in ["01-deaf-adult", "02-autism-teen"].iter().enumerate() {
        let symbol = helpcard_qr::card_symbol(&s.card(name)).unwrap();
        std::fs::write(k.join(format!("frames/{i}.png")), symbol.to_png(4, None)).unwrap();
    }
    // Nothing listens here: the service is unreachable while the kiosk works.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down_url = format!("http://127.0.0.1:{}", down.local_addr().unwrap().port());
    drop(down);
    let config = |service: &str| {
        let d = s.data.display();
        let text = format!(
            "kiosk_id = \"test-kiosk\"\nroot = \"{d}/demo-root.public.json\"\n\
             trust = \"{d}/lists/trust.cbor\"\nrevocations = [\"{d}/lists/revocations/musashino.cbor\"]\n\
             responder_key = \"{d}/demo-responder.key.json\"\nstate_dir = \"state\"\n\
             audit = \"audit.sqlite\"\ndevice_key = \"device.key\"\nsource = \"dir:{}/frames\"\n\
             service = \"{service}\"\nlanguage = \"en\"\n",
            k.display()
        );
        std::fs::write(k.join("kiosk.toml"), text).unwrap();
        k.join("kiosk.toml").display().to_string()
    };
    let path = config(&down_url);
    let out = kiosk(&[
        "--config",
        &path,
        "--headless",
        "--reason",
        "facility_support",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = lines(&out);
    let opened: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "opened")
        .map(|e| e["card_id"].as_str().unwrap())
        .collect();
    assert_eq!(opened.len(), 2, "{events:?}");
    let last = events.last().unwrap();
    assert!(
        last["event"] == "forward" && last["error"].is_string(),
        "{last}"
    );
    let kiosk_rows = helpcard_audit::rows_after(&k.join("audit.sqlite"), 0, 1000).unwrap();

    // The service is back, but the kiosk is not enrolled: refused, and that is audited.
    let path = config(&s.base);
    let out = kiosk(&["forward", "--config", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("403"),
        "{out:?}"
    );
    assert!(s.audit_rows().iter().any(|r| r.event.kind == "kiosk_rows"
        && r.event.actor == "kiosk:test-kiosk"
        && r.event.result == "refused"));

    // Enrolled: every row arrives, once.
    let out = s.admin(&[
        "enroll-kiosk",
        "--id",
        "test-kiosk",
        "--key",
        &hex::encode(device.public()),
        "--group",
        "demo",
    ]);
    assert!(out.status.success(), "{out:?}");
    let forwarded = |want: &str| {
        let out = kiosk(&["forward", "--config", &path]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(said.contains(want), "{said}");
    };
    forwarded(&format!("forwarded {} rows", kiosk_rows.len()));
    let mirrored = || -> Vec<helpcard_audit::Row> {
        s.audit_rows()
            .into_iter()
            .filter(|r| r.event.actor == "kiosk:test-kiosk" && r.event.kind != "kiosk_rows")
            .collect()
    };
    let held = mirrored();
    assert_eq!(held.len(), kiosk_rows.len());
    let openings: Vec<&helpcard_audit::Row> = held
        .iter()
        .filter(|r| r.event.kind == "kiosk_private_open")
        .collect();
    assert_eq!(openings.len(), 2);
    assert!(
        openings[0]
            .event
            .detail
            .contains("group=demo reason=facility_support")
    );
    // Again, and again with the kiosk's mark lost: nothing twice.
    forwarded("forwarded 0 rows");
    std::fs::remove_file(k.join("state/forwarded")).unwrap();
    forwarded(&format!("the service holds rows 1 to {}", kiosk_rows.len()));
    assert_eq!(mirrored().len(), kiosk_rows.len());

    // The holder's people are told of each kiosk opening: two cards, two addresses each.
    let got = sink.wait_for(4, 30);
    assert_eq!(got.len(), 4, "{got:?}");
    for m in &got {
        for needle in [
            "武蔵野市 福祉センター",
            "施設の端末 test-kiosk",
            "施設での支援",
        ] {
            assert!(m.text.contains(needle), "{needle}: {}", m.text);
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sink.received.lock().unwrap().len(), 4, "none twice");

    // The holder's opening history names the kiosk.
    let pdf = k.join("history.pdf");
    let out = s.admin(&[
        "audit",
        "card",
        opened[1],
        "--pdf",
        pdf.to_str().unwrap(),
        "--organisation",
        "demo=武蔵野市 福祉センター",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("施設の端末 test-kiosk"), "{text}");

    // The kiosk's own log still verifies against its key.
    let out = kiosk(&[
        "verify-audit",
        k.join("audit.sqlite").to_str().unwrap(),
        "--checkpoint-key",
        &hex::encode(device.public()),
    ]);
    assert!(out.status.success(), "{out:?}");
}
