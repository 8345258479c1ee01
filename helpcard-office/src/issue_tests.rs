use super::*;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::testing::{DEMO_EPOCH, DemoWorld, StreamRng};

use crate::files::Access;

fn now() -> UnixTime {
    UnixTime(DEMO_EPOCH.0 + 60 * 86_400)
}

fn profile(i: usize) -> Profile {
    Profile::load_toml(REFERENCE_PROFILES[i].1, now().date()).unwrap()
}

fn issuing<'a>(world: &'a DemoWorld, responder: &'a ResponderPublicKey) -> Issuing<'a> {
    Issuing {
        key: &world.issuer,
        issuer_id: "musashino",
        responder: Some(responder),
        prefix: qrtext::DEFAULT_PREFIX,
        validity: validity(now(), 3),
    }
}

#[test]
fn a_signed_card_opens_and_its_symbol_holds_its_text() {
    let world = DemoWorld::new(1);
    let responder = world.responder.public_key();
    let signed = issuing(&world, &responder)
        .sign(&profile(0), "case-1", &mut StreamRng::from_seed(2))
        .unwrap();
    let opened =
        card::open_text(&signed.text, &world.trust_store(now()), now(), None, None).unwrap();
    assert_eq!(opened.card_id, signed.card_id());
    assert_eq!(signed.record.holder_ref, "case-1");
    assert_eq!(signed.record.issuer_kid, world.issuer.key_id().to_hex());
    assert_eq!(signed.record.expires_at, UnixTime(now().0 + 3 * YEAR));
    assert!(signed.symbol.version <= MAX_VERSION);
    assert_eq!(
        helpcard_qr::card_symbol(&signed.text).unwrap().version,
        signed.symbol.version
    );
}

#[test]
fn one_version_rule_refuses_a_card_too_fine_to_print() {
    let world = DemoWorld::new(1);
    let responder = world.responder.public_key();
    let mut p = profile(0);
    // Long texts of kanji that do not compress: valid, too much for a printable code.
    let long: String = (0..399u32)
        .filter_map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000))
        .collect();
    if let Some(private) = p.private.as_mut() {
        private.notes = long.clone();
        private.how_to_help = long.clone();
        private.avoid = long;
    }
    let refused = issuing(&world, &responder).sign(&p, "case-2", &mut StreamRng::from_seed(3));
    match refused {
        Err(OfficeError::TooLarge { version }) => assert!(version > MAX_VERSION),
        other => panic!("{:?}", other.map(|s| s.symbol.version)),
    }
    // A profile with a private part and no responder key: the format's refusal, said for staff.
    let no_key = Issuing {
        responder: None,
        ..issuing(&world, &responder)
    }
    .sign(&profile(0), "case-3", &mut StreamRng::from_seed(4));
    let e = no_key.err().unwrap();
    assert!(e.is_about_the_profile());
    assert!(
        e.message(helpcard_core::vocab::Lang::Ja)
            .contains("応答者の公開鍵")
    );
}

#[test]
fn register_links_files_only_after_the_commit_and_none_when_it_fails() {
    let d = std::env::temp_dir().join(format!("helpcard-issue-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let world = DemoWorld::new(1);
    let responder = world.responder.public_key();
    let signed = issuing(&world, &responder)
        .sign(&profile(1), "case-1", &mut StreamRng::from_seed(5))
        .unwrap();
    let mut registry = Registry::open(&d.join("r.sqlite")).unwrap();
    let staged = |name: &str| {
        let mut files = Staged::default();
        files
            .add(d.join(name), signed.text.as_bytes(), Access::Public)
            .unwrap();
        files
    };
    let linked = register(
        &mut registry,
        vec![(signed.record.clone(), staged("a.txt"))],
        None,
        now(),
    )
    .unwrap();
    assert!(linked[0].1.is_ok());
    assert_eq!(
        std::fs::read_to_string(d.join("a.txt")).unwrap(),
        signed.text
    );
    // The same card again: the registry refuses, and its file never appears.
    let again = register(
        &mut registry,
        vec![(signed.record.clone(), staged("b.txt"))],
        None,
        now(),
    );
    assert!(again.is_err());
    assert!(!d.join("b.txt").exists());
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
}
