use super::*;
use crate::date::Date;
use crate::testing::{DEMO_EPOCH, DemoWorld, StreamRng};
use crate::trust::RevocationList;

const DAY: u64 = 86_400;

fn profile(name: &str) -> Profile {
    let text = crate::testing::REFERENCE_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("known profile")
        .1;
    Profile::load_toml(text, Date::from_ymd(2026, 11, 25).expect("date")).expect("valid profile")
}

fn validity() -> Validity {
    Validity {
        issued_at: UnixTime(DEMO_EPOCH.0 + 30 * DAY),
        expires_at: UnixTime(DEMO_EPOCH.0 + 5 * 365 * DAY),
    }
}

fn now() -> UnixTime {
    UnixTime(DEMO_EPOCH.0 + 60 * DAY)
}

fn issue_demo(w: &DemoWorld, p: &Profile) -> Issued {
    issue(
        p,
        &w.issuer,
        Some(&w.responder.public_key()),
        validity(),
        &mut StreamRng::from_seed(1),
    )
    .expect("issue")
}

#[test]
fn issue_then_open_round_trips_every_reference_profile() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(now());
    let keys = ResponderKeys::new(vec![
        ResponderKey::from_secret_bytes(&[0; 32]),
        clone_key(&w.responder),
    ]);
    for (name, _) in crate::testing::REFERENCE_PROFILES {
        let p = profile(name);
        let card = issue_demo(&w, &p);
        let opened = open(&card.bytes, &trust, now(), Some(&keys), None).expect(name);
        assert_eq!(opened.public, p.public, "{name}");
        assert_eq!(
            opened.private,
            PrivateOutcome::Decrypted(Box::new(p.private.clone().unwrap())),
            "{name}"
        );
        assert_eq!(opened.card_id, card.card_id);
        assert_eq!(opened.issuer, "musashino");
        assert_eq!(opened.revocation, RevocationStatus::NotChecked);
        let locked = open(&card.bytes, &trust, now(), None, None).expect(name);
        assert_eq!(locked.private, PrivateOutcome::Locked);
    }
}

fn clone_key(k: &ResponderKey) -> ResponderKey {
    let file = k
        .to_file(
            crate::keys::Protection::InsecurePlaintext,
            &mut StreamRng::from_seed(0),
        )
        .unwrap();
    ResponderKey::from_file(&file, None).unwrap()
}

#[test]
fn both_parts_are_packed_and_much_smaller_than_their_cbor() {
    let w = DemoWorld::new(1);
    let (mut cbor_total, mut packed_total) = (0, 0);
    for (name, _) in crate::testing::REFERENCE_PROFILES {
        let card = issue_demo(&w, &profile(name));
        let private_cbor = card.private_cbor.as_ref().unwrap();
        let plaintext = card.plaintext.as_ref().unwrap();
        assert_eq!(
            packed::unpack(plaintext, PRIVATE_SCHEMA).unwrap(),
            cbor::decode_strict(private_cbor).unwrap()
        );
        assert_eq!(
            packed::unpack(&card.public_packed, PUBLIC_SCHEMA).unwrap(),
            cbor::decode_strict(&card.public_cbor).unwrap()
        );
        assert!(plaintext.len() < private_cbor.len(), "{name}");
        assert!(card.public_packed.len() < card.public_cbor.len(), "{name}");
        cbor_total += private_cbor.len() + card.public_cbor.len();
        packed_total += plaintext.len() + card.public_packed.len();
    }
    assert!(
        packed_total * 10 < cbor_total * 6,
        "{packed_total} of {cbor_total}"
    );
}

#[test]
fn texts_too_long_for_any_card_are_refused_when_issuing() {
    let w = DemoWorld::new(1);
    let mut p = profile("01-deaf-adult");
    p.private.as_mut().unwrap().notes = "あ".repeat(crate::text::MAX_SYMBOLS);
    let err = issue(
        &p,
        &w.issuer,
        Some(&w.responder.public_key()),
        validity(),
        &mut StreamRng::from_seed(1),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        IssueError::Pack(PackError::Text(crate::text::TextError::TooLong(_)))
    ));
}

#[test]
fn issuing_is_deterministic_for_a_given_rng() {
    let w = DemoWorld::new(1);
    let p = profile("02-autism-teen");
    assert_eq!(issue_demo(&w, &p).bytes, issue_demo(&w, &p).bytes);
}

#[test]
fn time_checks() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(now());
    let card = issue_demo(&w, &profile("01-deaf-adult"));
    let v = validity();
    assert_eq!(
        open(&card.bytes, &trust, v.expires_at, None, None).unwrap_err(),
        OpenError::Expired(v.expires_at)
    );
    let early = UnixTime(v.issued_at.0 - CLOCK_SKEW - 1);
    assert_eq!(
        open(&card.bytes, &trust, early, None, None).unwrap_err(),
        OpenError::NotYetValid(v.issued_at)
    );
    assert!(
        open(
            &card.bytes,
            &trust,
            UnixTime(v.issued_at.0 - CLOCK_SKEW),
            None,
            None
        )
        .is_ok()
    );
}

#[test]
fn revocation_by_id_and_by_time() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(now());
    let card = issue_demo(&w, &profile("01-deaf-adult"));
    let mut list = RevocationList {
        issuer: "musashino".into(),
        counter: 1,
        issued_at: now(),
        next_update: UnixTime(now().0 + 30 * DAY),
        revoked: vec![crate::trust::CardId([9; 8])],
        revoked_before: None,
        paused: Vec::new(),
    };
    let mut revs = Revocations::new();
    revs.load(&list.sign(&w.issuer), &trust, now()).unwrap();
    let ok = open(&card.bytes, &trust, now(), None, Some(&revs)).unwrap();
    assert_eq!(ok.revocation, RevocationStatus::NotRevoked { counter: 1 });
    list.counter = 2;
    list.revoked.push(card.card_id);
    revs.load(&list.sign(&w.issuer), &trust, now()).unwrap();
    assert_eq!(
        open(&card.bytes, &trust, now(), None, Some(&revs)).unwrap_err(),
        OpenError::Revoked
    );
    list.counter = 3;
    list.revoked.clear();
    list.revoked_before = Some(UnixTime(validity().issued_at.0 + 1));
    revs.load(&list.sign(&w.issuer), &trust, now()).unwrap();
    assert_eq!(
        open(&card.bytes, &trust, now(), None, Some(&revs)).unwrap_err(),
        OpenError::Revoked
    );
    // A later list with an earlier "revoked before" time does not un-revoke: the latest time
    // held carries forward.
    list.counter = 4;
    list.revoked_before = Some(validity().issued_at);
    revs.load(&list.sign(&w.issuer), &trust, now()).unwrap();
    assert_eq!(
        open(&card.bytes, &trust, now(), None, Some(&revs)).unwrap_err(),
        OpenError::Revoked
    );
    // The same list on its own: the card was issued at, not before, that time.
    let mut fresh = Revocations::new();
    fresh.load(&list.sign(&w.issuer), &trust, now()).unwrap();
    assert!(open(&card.bytes, &trust, now(), None, Some(&fresh)).is_ok());
}

#[test]
fn a_remembered_revoked_before_time_holds_with_no_list_held() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(now());
    let card = issue_demo(&w, &profile("01-deaf-adult"));
    let floor = |revoked_before: Option<u64>| {
        Revocations::with_floors(std::collections::HashMap::from([(
            "musashino".to_owned(),
            crate::trust::RevocationFloor {
                counter: 5,
                revoked_before,
            },
        )]))
    };
    // A scanner restarted without a current list (expired, or unreachable) remembers the time.
    let remembered = floor(Some(validity().issued_at.0 + 1));
    assert!(remembered.get("musashino").is_none());
    assert_eq!(
        open(&card.bytes, &trust, now(), None, Some(&remembered)).unwrap_err(),
        OpenError::Revoked
    );
    // A card issued at or after the time, or a floor with a counter only, is not revoked by it.
    for revs in [floor(Some(validity().issued_at.0)), floor(None)] {
        let opened = open(&card.bytes, &trust, now(), None, Some(&revs)).unwrap();
        assert_eq!(opened.revocation, RevocationStatus::NoListForIssuer);
    }
}

#[test]
fn wrong_responder_key_keeps_public_part() {
    let w = DemoWorld::new(1);
    let other = DemoWorld::new(2);
    let trust = w.trust_store(now());
    let card = issue_demo(&w, &profile("02-autism-teen"));
    let keys = ResponderKeys::new(vec![clone_key(&other.responder)]);
    let opened = open(&card.bytes, &trust, now(), Some(&keys), None).unwrap();
    assert_eq!(
        opened.private,
        PrivateOutcome::Failed(OpenError::NoMatchingResponderKey(w.responder.key_id()))
    );
    assert_eq!(opened.public, profile("02-autism-teen").public);
}

#[test]
fn unknown_issuer_and_forged_signature() {
    let w = DemoWorld::new(1);
    let other = DemoWorld::new(2);
    let card = issue_demo(&other, &profile("01-deaf-adult"));
    let trust = w.trust_store(now());
    assert_eq!(
        open(&card.bytes, &trust, now(), None, None).unwrap_err(),
        OpenError::UnknownIssuer(other.issuer.key_id())
    );
    let mut bytes = issue_demo(&w, &profile("01-deaf-adult")).bytes;
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    assert_eq!(
        open(&bytes, &trust, now(), None, None).unwrap_err(),
        OpenError::BadSignature
    );
}

#[test]
fn issue_refuses_bad_inputs() {
    let w = DemoWorld::new(1);
    let p = profile("01-deaf-adult");
    let bad = Validity {
        issued_at: now(),
        expires_at: now(),
    };
    let r = issue(
        &p,
        &w.issuer,
        Some(&w.responder.public_key()),
        bad,
        &mut StreamRng::from_seed(1),
    );
    assert!(matches!(r, Err(IssueError::BadValidity)));
    let r = issue(
        &p,
        &w.issuer,
        None,
        validity(),
        &mut StreamRng::from_seed(1),
    );
    assert!(matches!(r, Err(IssueError::NoResponderKey)));
    let small_order = ResponderPublicKey::from_bytes([0; 32]);
    let r = issue(
        &p,
        &w.issuer,
        Some(&small_order),
        validity(),
        &mut StreamRng::from_seed(1),
    );
    assert!(matches!(r, Err(IssueError::BadResponderKey)));
}

#[test]
fn open_text_reads_the_qr_text_and_seal_forgets_only_the_private_part() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(now());
    let p = profile(crate::testing::REFERENCE_PROFILES[0].0);
    let card = issue_demo(&w, &p);
    let text = crate::qrtext::encode(crate::qrtext::DEFAULT_PREFIX, &card.bytes).expect("text");
    let mut opened = open_text(&text, &trust, now(), None, None).expect("opens");
    assert_eq!(opened.card_id, card.card_id);
    assert_eq!(opened.private, PrivateOutcome::Locked);
    assert_eq!(
        open_text("https://example.org/no-fragment", &trust, now(), None, None).err(),
        Some(OpenError::QrText(
            crate::qrtext::QrTextError::MissingFragment
        ))
    );

    let keys = ResponderKeys::new(vec![clone_key(&w.responder)]);
    let key = opened.content_key(&keys).expect("content key");
    opened.decrypt_with_content_key(&key).expect("decrypts");
    assert!(matches!(opened.private, PrivateOutcome::Decrypted(_)));
    opened.seal();
    assert_eq!(opened.private, PrivateOutcome::Locked);
    assert_eq!(opened.public, p.public, "the public part stays");
    opened.decrypt_with_content_key(&key).expect("opens again");
    assert!(matches!(opened.private, PrivateOutcome::Decrypted(_)));
}
