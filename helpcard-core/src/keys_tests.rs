use super::*;
use crate::testing::StreamRng;

const CHEAP: KdfCost = KdfCost {
    m_kib: 64,
    t: 1,
    p: 1,
};

fn rng() -> StreamRng {
    StreamRng::from_seed(7)
}

#[test]
fn key_ids_are_stable_and_type_separated() {
    let k = SigningKey::from_secret_bytes(&[1; 32]);
    let r = ResponderKey::from_secret_bytes(&[1; 32]);
    assert_eq!(k.key_id(), k.verifying_key().key_id());
    assert_ne!(k.key_id().0, r.key_id().0);
    assert_eq!(k.key_id().to_hex().len(), 2 * KEY_ID_LEN);
}

#[test]
fn passphrase_files_round_trip_and_reject_wrong_passphrase() {
    let k = SigningKey::generate(&mut rng());
    let file = k
        .to_file(
            Role::Issuer,
            Protection::PassphraseWithCost("正しい馬", CHEAP),
            &mut rng(),
        )
        .unwrap();
    assert!(
        !file.contains(&hex::encode(k.key.to_bytes())),
        "secret must not appear in the file"
    );
    let back = SigningKey::from_file(&file, Role::Issuer, Some("正しい馬")).unwrap();
    assert_eq!(back.verifying_key(), k.verifying_key());
    assert!(!back.is_insecure());
    assert!(matches!(
        SigningKey::from_file(&file, Role::Issuer, Some("wrong")),
        Err(KeyError::WrongPassphrase)
    ));
    assert!(matches!(
        SigningKey::from_file(&file, Role::Issuer, None),
        Err(KeyError::PassphraseRequired)
    ));
    assert!(matches!(
        SigningKey::from_file(&file, Role::Root, Some("正しい馬")),
        Err(KeyError::WrongRole {
            expected: Role::Root,
            found: Role::Issuer
        })
    ));
}

#[test]
fn a_file_asking_for_too_much_argon2_work_is_refused_before_deriving() {
    let k = ResponderKey::generate(&mut rng());
    let file = k
        .to_file(Protection::PassphraseWithCost("pw", CHEAP), &mut rng())
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&file).unwrap();
    for (field, value) in [("m_kib", 1024 * 1024), ("t", 16), ("p", 8)] {
        let mut hostile = v.clone();
        hostile["sealed"]["cost"][field] = value.into();
        let err = ResponderKey::from_file(&hostile.to_string(), Some("pw")).unwrap_err();
        assert!(err.to_string().contains("out of bounds"), "{field}: {err}");
    }
    v["sealed"]["cost"]["t"] = 6.into();
    assert!(
        !ResponderKey::from_file(&v.to_string(), Some("pw"))
            .unwrap_err()
            .to_string()
            .contains("out of bounds")
    );
}

#[test]
fn editing_the_header_of_a_sealed_file_breaks_it() {
    let k = ResponderKey::generate(&mut rng());
    let file = k
        .to_file(Protection::PassphraseWithCost("pw", CHEAP), &mut rng())
        .unwrap();
    let other = ResponderKey::generate(&mut StreamRng::from_seed(8)).public_key();
    let forged = file
        .replace(
            &hex::encode(k.public_key().to_bytes()),
            &hex::encode(other.to_bytes()),
        )
        .replace(&k.key_id().to_hex(), &other.key_id().to_hex());
    assert!(matches!(
        ResponderKey::from_file(&forged, Some("pw")),
        Err(KeyError::WrongPassphrase)
    ));
}

#[test]
fn insecure_files_are_marked_and_public_files_are_checked() {
    let k = ResponderKey::generate(&mut rng());
    let file = k
        .to_file(Protection::InsecurePlaintext, &mut rng())
        .unwrap();
    let back = ResponderKey::from_file(&file, None).unwrap();
    assert!(back.is_insecure());
    assert_eq!(back.public_key(), k.public_key());
    let public = k.public_key().to_file();
    assert_eq!(
        ResponderPublicKey::from_file(&public).unwrap(),
        k.public_key()
    );
    assert!(matches!(
        ResponderKey::from_file(&public, None),
        Err(KeyError::WrongKind { .. })
    ));
    let bad_kid = public.replace(&k.key_id().to_hex(), "0000000000000000");
    assert!(matches!(
        ResponderPublicKey::from_file(&bad_kid),
        Err(KeyError::Malformed(_))
    ));
    assert!(matches!(
        ResponderPublicKey::from_file("{"),
        Err(KeyError::Malformed(_))
    ));
}

#[test]
fn debug_never_shows_secrets() {
    let k = SigningKey::from_secret_bytes(&[0xab; 32]);
    let shown = format!("{k:?}");
    assert!(!shown.contains("abab"), "{shown}");
    assert!(shown.contains(&k.key_id().to_hex()));
}

#[test]
fn small_order_peer_keys_give_no_secret() {
    let k = ResponderKey::generate(&mut rng());
    assert!(k.agree(&[0; 32]).is_none());
    let mut one = [0; 32];
    one[0] = 1;
    assert!(k.agree(&one).is_none());
}
