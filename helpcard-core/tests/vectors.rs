//! Runs every file in `test-vectors/v3/`: each has its own test, named after the file. Valid
//! vectors are re-issued from their inputs and every stage compared byte for byte; every vector
//! is opened from its QR text and the outcome compared with `expect.outcome`.
#![allow(clippy::unwrap_used)]

use helpcard_core::card::{
    self, PrivateOutcome, ResponderKeys, RevocationStatus, Validity, Warning,
};
use helpcard_core::cose::ContentKey;
use helpcard_core::date::UnixTime;
use helpcard_core::error::OpenError;
use helpcard_core::keys::{ResponderKey, SigningKey, VerifyingKey};
use helpcard_core::profile::Profile;
use helpcard_core::qrtext;
use helpcard_core::testing::StreamRng;
use helpcard_core::trust::{Revocations, TrustStore};
use serde_json::Value as Json;

#[path = "../examples/gen-vectors/cases.rs"]
#[allow(dead_code)]
mod cases;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors/v3");

fn load(name: &str) -> Json {
    let text = std::fs::read_to_string(format!("{DIR}/{name}.json"))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn hex_of(v: &Json, what: &str) -> Vec<u8> {
    hex::decode(
        v.as_str()
            .unwrap_or_else(|| panic!("{what} is not a string")),
    )
    .expect("hex")
}

fn key32(v: &Json, what: &str) -> [u8; 32] {
    hex_of(v, what).try_into().expect("32 bytes")
}

fn run(name: &str) {
    let v = load(name);
    assert_eq!(v["name"], name, "file name and vector name differ");
    let keys = &v["keys"];
    let now = UnixTime(v["now"].as_u64().expect("now"));
    let loaded_at = UnixTime(v["lists_loaded_at"].as_u64().expect("lists_loaded_at"));
    let root =
        VerifyingKey::from_bytes(&key32(&keys["root_public"], "root_public")).expect("root key");
    let mut trust = TrustStore::new(vec![root]);
    trust
        .load(&hex_of(&v["trust_list"], "trust_list"), loaded_at)
        .expect("vector trust list loads");
    // A list the scanner held before, then the list of the vector: a refusal of the latter is
    // the vector's outcome (`list_…`).
    let mut revocations = v["revocation_floors"].as_object().map(|floors| {
        Revocations::with_floors(
            serde_json::from_value(Json::Object(floors.clone())).expect("revocation floors"),
        )
    });
    let mut list_refusal = None;
    for field in ["revocation_list_held", "revocation_list"] {
        if let Some(r) = v[field].as_str() {
            let revs = revocations.get_or_insert_with(Revocations::new);
            if let Err(e) = revs.load(&hex::decode(r).expect("hex"), &trust, loaded_at) {
                assert_eq!(field, "revocation_list", "{name}: the held list must load");
                list_refusal = Some(e.code().to_owned());
            }
        }
    }
    let responder =
        ResponderKey::from_secret_bytes(&key32(&keys["responder_secret"], "responder_secret"));
    assert_eq!(
        hex::encode(responder.public_key().to_bytes()),
        keys["responder_public"]
    );
    let responder_keys = ResponderKeys::new(vec![responder]);
    let stages = &v["stages"];

    if let Some(issue) = v["issue"].as_object() {
        reissue_and_compare(name, issue, keys, stages);
    }

    let expect = &v["expect"];
    if let Some(refusal) = list_refusal {
        assert_eq!(
            refusal,
            expect["outcome"].as_str().expect("outcome"),
            "{name}"
        );
        return;
    }
    let outcome = match qrtext::decode(stages["qr_text"].as_str().expect("qr_text")) {
        Err(e) => OpenError::from(e).code().to_owned(),
        Ok(bytes) => {
            if let Some(sign1) = stages["cose_sign1"].as_str() {
                assert_eq!(
                    hex::encode(&bytes),
                    sign1,
                    "{name}: QR text does not decode to cose_sign1"
                );
            }
            let with_key = v["open_with_responder_key"]
                .as_bool()
                .expect("flag")
                .then_some(&responder_keys);
            match card::open(&bytes, &trust, now, with_key, revocations.as_ref()) {
                Err(e) => e.code().to_owned(),
                Ok(opened) => {
                    if expect["outcome"] == "ok" {
                        check_opened(name, &opened, expect);
                        if let Some(cek) = stages["content_key"].as_str() {
                            let locked =
                                card::open(&bytes, &trust, now, None, revocations.as_ref())
                                    .expect("opens without a key");
                            check_content_key_path(
                                name,
                                locked,
                                cek,
                                &responder_keys,
                                &v["issue"]["profile"]["private"],
                            );
                        }
                    } else {
                        assert_eq!(
                            expect["public_verified"], true,
                            "{name}: opened, but the vector expects rejection"
                        );
                    }
                    opened.outcome().to_owned()
                }
            }
        }
    };
    assert_eq!(
        outcome,
        expect["outcome"].as_str().expect("outcome"),
        "{name}"
    );
}

fn reissue_and_compare(
    name: &str,
    issue: &serde_json::Map<String, Json>,
    keys: &Json,
    stages: &Json,
) {
    let profile: Profile = serde_json::from_value(issue["profile"].clone()).expect("profile");
    let issuer = SigningKey::from_secret_bytes(&key32(&keys["issuer_secret"], "issuer_secret"));
    assert_eq!(issuer.key_id().to_hex(), keys["issuer_kid"]);
    let responder =
        ResponderKey::from_secret_bytes(&key32(&keys["responder_secret"], "responder_secret"));
    let validity = Validity {
        issued_at: UnixTime(issue["issued_at"].as_u64().expect("iat")),
        expires_at: UnixTime(issue["expires_at"].as_u64().expect("exp")),
    };
    assert_eq!(issue["text_model"], "ja-2", "{name}: text model");
    let stream = hex_of(&issue["rng_stream"], "rng_stream");
    let mut rng = StreamRng::from_bytes(stream.clone(), 0);
    let issued = card::issue(
        &profile,
        &issuer,
        Some(&responder.public_key()),
        validity,
        &mut rng,
    )
    .expect("issue");
    assert_eq!(rng.consumed(), stream.len(), "{name}: rng_stream length");
    let produced: [(&str, Option<&[u8]>); 7] = [
        ("public_cbor", Some(&issued.public_cbor)),
        ("public_packed", Some(&issued.public_packed)),
        (
            "private_cbor",
            issued.private_cbor.as_deref().map(Vec::as_slice),
        ),
        ("plaintext", issued.plaintext.as_deref().map(Vec::as_slice)),
        ("cose_encrypt", issued.encrypted.as_deref()),
        ("claims", Some(&issued.claims)),
        ("cose_sign1", Some(&issued.bytes)),
    ];
    for (stage, bytes) in produced {
        let hex = bytes.map_or(Json::Null, |b| Json::from(hex::encode(b)));
        assert_eq!(hex, stages[stage], "{name}: {stage}");
    }
    let prefix = issue["qr_prefix"].as_str().expect("prefix");
    assert_eq!(
        qrtext::encode(prefix, &issued.bytes).expect("prefix"),
        stages["qr_text"],
        "{name}: qr_text"
    );
}

/// The key-service path: verify without a key, derive the content key as the service would (it
/// must equal the vector's `content_key` stage), then decrypt with that key alone.
fn check_content_key_path(
    name: &str,
    mut locked: card::Opened,
    cek_hex: &str,
    keys: &ResponderKeys,
    issued_private: &Json,
) {
    assert!(matches!(locked.private, PrivateOutcome::Locked), "{name}");
    let recipient = locked.recipient().expect("a private part");
    assert!(keys.get(recipient.kid).is_some(), "{name}: recipient kid");
    let derived = locked.content_key(keys).expect("content key");
    assert_eq!(
        hex::encode(derived.as_bytes()),
        cek_hex,
        "{name}: content_key"
    );
    let received = ContentKey::from_bytes(key32(&Json::from(cek_hex), "content_key"));
    locked
        .decrypt_with_content_key(&received)
        .expect("decrypts with the content key");
    let PrivateOutcome::Decrypted(private) = &locked.private else {
        panic!("{name}: not decrypted");
    };
    assert_eq!(
        serde_json::to_value(private).expect("json"),
        *issued_private,
        "{name}: private part through the content key"
    );
    // One changed bit of the key: refused, and recorded as the private part's failure.
    let mut wrong = *received.as_bytes();
    wrong[0] ^= 1;
    assert_eq!(
        locked.decrypt_with_content_key(&ContentKey::from_bytes(wrong)),
        Err(OpenError::DecryptionFailed),
        "{name}"
    );
    assert_eq!(locked.outcome(), "decryption_failed", "{name}");
}

fn check_opened(name: &str, opened: &card::Opened, expect: &Json) {
    assert_eq!(
        opened.card_id.to_hex(),
        expect["card_id"],
        "{name}: card id"
    );
    assert_eq!(opened.issuer, expect["issuer"], "{name}: issuer");
    assert_eq!(
        Json::from(opened.issued_at.0),
        expect["issued_at"],
        "{name}: iat"
    );
    assert_eq!(
        Json::from(opened.expires_at.0),
        expect["expires_at"],
        "{name}: exp"
    );
    assert_eq!(
        serde_json::to_value(&opened.public).expect("json"),
        expect["public"],
        "{name}: public"
    );
    let private = match &opened.private {
        PrivateOutcome::Decrypted(p) => serde_json::to_value(p).expect("json"),
        PrivateOutcome::Locked => Json::from("locked"),
        PrivateOutcome::Absent => Json::from("absent"),
        PrivateOutcome::Failed(e) => panic!("{name}: private part failed: {e}"),
    };
    assert_eq!(private, expect["private"], "{name}: private");
    let revocation = match opened.revocation {
        RevocationStatus::NotChecked => Json::from("not_checked"),
        RevocationStatus::NoListForIssuer => Json::from("no_list_for_issuer"),
        RevocationStatus::NotRevoked { counter } => serde_json::json!({ "not_revoked": counter }),
    };
    assert_eq!(revocation, expect["revocation"], "{name}: revocation");
    let warnings: Vec<&str> = opened
        .warnings
        .iter()
        .map(|w| match w {
            Warning::TrustListOutOfDate { .. } => "trust_list_out_of_date",
            Warning::RevocationListOutOfDate { .. } => "revocation_list_out_of_date",
            _ => "other",
        })
        .collect();
    assert_eq!(
        serde_json::to_value(warnings).expect("json"),
        expect["warnings"],
        "{name}: warnings"
    );
}

macro_rules! vectors {
    ($($test:ident => $file:literal,)*) => {
        $( #[test] fn $test() { run($file); } )*

        /// Every file in the directory has a test above, and every test has its file.
        #[test]
        fn every_vector_file_is_tested() {
            let mut listed = vec![$($file),*];
            listed.sort_unstable();
            let mut found: Vec<String> = std::fs::read_dir(DIR)
                .expect("vector dir")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
                .collect();
            found.sort_unstable();
            assert_eq!(found, listed);
        }
    };
}

vectors! {
    valid_01_deaf_adult => "valid-01-deaf-adult",
    valid_02_autism_teen => "valid-02-autism-teen",
    valid_03_epilepsy_child => "valid-03-epilepsy-child",
    valid_04_wheelchair_medcare => "valid-04-wheelchair-medcare",
    valid_05_blind_elder => "valid-05-blind-elder",
    valid_06_schizophrenia => "valid-06-schizophrenia",
    valid_07_brain_injury => "valid-07-brain-injury",
    valid_08_foreign_resident => "valid-08-foreign-resident",
    valid_escaped_characters => "valid-escaped-characters",
    valid_last_second => "valid-last-second",
    valid_locked => "valid-locked",
    valid_other_card_paused => "valid-other-card-paused",
    valid_newer_vocabulary => "valid-newer-vocabulary",
    valid_not_revoked => "valid-not-revoked",
    valid_public_only => "valid-public-only",
    valid_revoked_before_earlier => "valid-revoked-before-earlier",
    fail_alg_eddsa => "fail-alg-eddsa",
    fail_all_zero_shared_secret => "fail-all-zero-shared-secret",
    fail_bad_private_profile => "fail-bad-private-profile",
    fail_claims_version_1 => "fail-claims-version-1",
    fail_crit_encrypt_partial_iv => "fail-crit-encrypt-partial-iv",
    fail_crit_label_absent => "fail-crit-label-absent",
    fail_duplicate_claim => "fail-duplicate-claim",
    fail_list_expired => "fail-list-expired",
    fail_list_older => "fail-list-older",
    fail_list_retired_signer => "fail-list-retired-signer",
    fail_list_unbounded => "fail-list-unbounded",
    fail_list_wrong_signer => "fail-list-wrong-signer",
    fail_expired => "fail-expired",
    fail_full_iv => "fail-full-iv",
    fail_issuer_key_not_yet_valid => "fail-issuer-key-not-yet-valid",
    fail_non_canonical_integer => "fail-non-canonical-integer",
    fail_not_yet_valid => "fail-not-yet-valid",
    fail_private_part_from_other_card => "fail-private-part-from-other-card",
    fail_private_text_not_canonical => "fail-private-text-not-canonical",
    fail_public_text_not_canonical => "fail-public-text-not-canonical",
    fail_qr_chunk_out_of_range => "fail-qr-chunk-out-of-range",
    fail_qr_digit_dropped => "fail-qr-digit-dropped",
    fail_qr_missing_fragment => "fail-qr-missing-fragment",
    fail_qr_not_digits => "fail-qr-not-digits",
    fail_qr_version_9 => "fail-qr-version-9",
    fail_paused => "fail-paused",
    fail_pre_release => "fail-pre-release",
    fail_revoked => "fail-revoked",
    fail_revoked_before => "fail-revoked-before",
    fail_revoked_before_remembered => "fail-revoked-before-remembered",
    fail_short_kid => "fail-short-kid",
    fail_tagged => "fail-tagged",
    fail_tampered_ciphertext => "fail-tampered-ciphertext",
    fail_tampered_public_part => "fail-tampered-public-part",
    fail_tampered_signature => "fail-tampered-signature",
    fail_trailing_bytes => "fail-trailing-bytes",
    fail_truncated => "fail-truncated",
    fail_unknown_critical_header => "fail-unknown-critical-header",
    fail_unknown_issuer => "fail-unknown-issuer",
    fail_wrong_responder_key => "fail-wrong-responder-key",
}

/// The committed files are exactly what the generator produces: they cannot drift from the code.
#[test]
fn committed_vectors_match_the_generator() {
    for v in cases::all() {
        let committed = load(&v.name);
        assert_eq!(
            committed, v.json,
            "{}: regenerate with `cargo run -p helpcard-core --example gen-vectors`",
            v.name
        );
    }
}
