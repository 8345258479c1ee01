//! Property tests: random profiles survive issue → open unchanged; arbitrary bytes and text
//! never make a decoder panic.
#![allow(clippy::unwrap_used)]

use helpcard_core::card::{self, PrivateOutcome, ResponderKeys, Validity};
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::ResponderKey;
use helpcard_core::profile::{
    BloodType, CardLang, ConditionCode, Contact, HelpCode, MedicalCareCode, Place, PrivatePart,
    Profile, PublicPart, RelationCode,
};
use helpcard_core::testing::{DEMO_EPOCH, DemoWorld, StreamRng};
use helpcard_core::trust::{Revocations, TrustList};
use helpcard_core::{cbor, qrtext, text};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Japanese, ASCII, emoji, a line break and characters the text model escapes.
    proptest::string::string_regex(
        "[あ-んア-ン一-龠a-zA-Z0-9 。、・ー\n😀\u{E000}-\u{E00F}𩸽]{0,40}",
    )
    .expect("regex")
}

fn codes<T: std::fmt::Debug>(f: fn(u16) -> T) -> impl Strategy<Value = Vec<T>> {
    proptest::collection::vec(1u16..=u16::MAX, 0..6)
        .prop_map(move |v| v.into_iter().map(f).collect())
}

fn place() -> impl Strategy<Value = Option<Place>> {
    proptest::option::of((text(), "[0-9-]{0,13}").prop_map(|(name, phone)| Place { name, phone }))
}

fn private() -> impl Strategy<Value = PrivatePart> {
    let contact = (
        text(),
        proptest::option::of(1u16..100),
        "[0-9+-]{1,15}",
        any::<bool>(),
    )
        .prop_map(|(name, relation, phone, sms_only)| Contact {
            name,
            relation: relation.map(RelationCode),
            phone,
            sms_only,
        });
    (
        (
            text(),
            text(),
            proptest::option::of(-30_000i32..30_000),
            proptest::option::of(0usize..12),
        ),
        (codes(ConditionCode), codes(HelpCode), text(), text()),
        (
            proptest::collection::vec(text(), 0..4),
            proptest::option::of(proptest::collection::vec(text(), 0..3)),
        ),
        (
            codes(MedicalCareCode),
            text(),
            place(),
            proptest::collection::vec(contact, 0..4),
        ),
        (place(), text(), 0u8..3),
    )
        .prop_map(|(a, b, c, d, e)| PrivatePart {
            name: a.0,
            name_kana: a.1,
            birth_date: a.2.map(Date::from_days),
            blood_type: a.3.and_then(|i| BloodType::parse(BloodType::NAMES[i])),
            conditions: b.0,
            support: b.1,
            how_to_help: b.2,
            avoid: b.3,
            medications: c.0.into_iter().filter(|s| !s.is_empty()).collect(),
            allergies: c.1,
            medical_care: d.0,
            medical_care_notes: d.1,
            hospital: d.2,
            contacts: d.3,
            support_office: e.0,
            notes: e.1,
            language: [CardLang::Ja, CardLang::En, CardLang::EasyJa][usize::from(e.2)],
        })
}

fn profile() -> impl Strategy<Value = Profile> {
    (codes(HelpCode), text(), proptest::option::of(private())).prop_map(
        |(help, message, private)| Profile {
            public: PublicPart { help, message },
            private,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_profiles_round_trip(p in profile(), seed in any::<u64>()) {
        let w = DemoWorld::new(3);
        let validity = Validity { issued_at: DEMO_EPOCH, expires_at: UnixTime(DEMO_EPOCH.0 + 86_400) };
        let issued = card::issue(&p, &w.issuer, Some(&w.responder.public_key()), validity, &mut StreamRng::from_seed(seed)).unwrap();
        let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &issued.bytes).unwrap();
        let bytes = qrtext::decode(&text).unwrap();
        let keys = ResponderKeys::new(vec![ResponderKey::from_secret_bytes(&DemoWorld::secrets(3)[2])]);
        let opened = card::open(&bytes, &w.trust_store(DEMO_EPOCH), DEMO_EPOCH, Some(&keys), None).unwrap();
        prop_assert_eq!(&opened.public, &p.public);
        match (&opened.private, &p.private) {
            (PrivateOutcome::Decrypted(got), Some(want)) => prop_assert_eq!(got.as_ref(), want),
            (PrivateOutcome::Absent, None) => {}
            (got, want) => prop_assert!(false, "private {:?} vs {:?}", got, want),
        }
    }

    #[test]
    fn any_unicode_texts_round_trip_through_the_text_coding(texts in proptest::collection::vec(any::<String>(), 0..5)) {
        let stream = text::encode(&texts).unwrap();
        prop_assert_eq!(text::decode(&stream, texts.len()).unwrap(), texts);
    }

    #[test]
    fn arbitrary_text_streams_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64), count in 0usize..4) {
        if let Ok(texts) = text::decode(&bytes, count) {
            prop_assert_eq!(text::encode(&texts).unwrap(), bytes);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let w = DemoWorld::new(3);
        let trust = w.trust_store(DEMO_EPOCH);
        let keys = ResponderKeys::new(vec![ResponderKey::from_secret_bytes(&[7; 32])]);
        let _ = card::open(&bytes, &trust, DEMO_EPOCH, Some(&keys), Some(&Revocations::new()));
        let _ = cbor::decode_strict(&bytes);
        let _ = TrustList::verify(&bytes, &[w.root.verifying_key()]);
        let _ = Revocations::new().load(&bytes, &trust, DEMO_EPOCH);
    }

    #[test]
    fn mutated_cards_never_panic_and_never_open_changed(index in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let w = DemoWorld::new(3);
        let p = Profile::from_toml(helpcard_core::testing::REFERENCE_PROFILES[1].1).unwrap();
        let validity = Validity { issued_at: DEMO_EPOCH, expires_at: UnixTime(DEMO_EPOCH.0 + 86_400) };
        let mut bytes = card::issue(&p, &w.issuer, Some(&w.responder.public_key()), validity, &mut StreamRng::from_seed(1)).unwrap().bytes;
        let i = index.index(bytes.len());
        bytes[i] ^= xor;
        let keys = ResponderKeys::new(vec![ResponderKey::from_secret_bytes(&DemoWorld::secrets(3)[2])]);
        // Any single-byte change must be caught: by the signature or by strict decoding.
        prop_assert!(card::open(&bytes, &w.trust_store(DEMO_EPOCH), DEMO_EPOCH, Some(&keys), None).is_err());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", digits in "[0-9]{0,120}") {
        let _ = qrtext::decode(&text);
        let _ = qrtext::decode(&format!("P#{digits}"));
        let _ = Profile::from_toml(&text);
        let _ = Profile::from_json(&text);
    }
}
