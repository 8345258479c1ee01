use super::*;
use crate::keys::SigningKey;

fn header(entries: Vec<(i64, Value)>) -> Value {
    Value::Bytes(cbor::encode(&cbor::int_map(entries)))
}

#[test]
fn sign1_round_trip_and_tamper() {
    let key = SigningKey::from_secret_bytes(&[3; 32]);
    let bytes = sign1(&key, Some("t/1"), b"payload".to_vec());
    let signed = Signed::parse(&bytes).unwrap();
    assert_eq!(signed.kid, key.key_id());
    assert_eq!(signed.content_type.as_deref(), Some("t/1"));
    assert_eq!(signed.payload, b"payload");
    assert_eq!(signed.verify(&key.verifying_key()), Ok(()));
    let other = SigningKey::from_secret_bytes(&[4; 32]);
    assert_eq!(
        signed.verify(&other.verifying_key()),
        Err(OpenError::BadSignature)
    );
}

#[test]
fn protected_header_checks() {
    assert_eq!(
        check_protected(&header(vec![(1, Value::from(-19))]), -19),
        Ok(())
    );
    assert_eq!(
        check_protected(&header(vec![(1, Value::from(-8))]), -19),
        Err(OpenError::UnsupportedAlgorithm(-8))
    );
    assert!(matches!(
        check_protected(&header(vec![]), -19),
        Err(OpenError::BadStructure(_))
    ));
    let crit = |labels: Vec<Value>| header(vec![(1, Value::from(-19)), (2, Value::Array(labels))]);
    // Critical and present: fine. Critical and absent (no kid in this header): refused.
    let with_kid = header(vec![
        (1, Value::from(-19)),
        (2, Value::Array(vec![Value::from(4)])),
        (4, Value::Bytes(vec![1, 2, 3, 4])),
    ]);
    assert_eq!(check_protected(&with_kid, -19), Ok(()));
    assert_eq!(
        check_protected(&crit(vec![Value::from(4)]), -19),
        Err(OpenError::UnknownCriticalHeader)
    );
    assert_eq!(
        check_protected(&crit(vec![Value::from(99)]), -19),
        Err(OpenError::UnknownCriticalHeader)
    );
    assert_eq!(
        check_protected(&crit(vec![Value::from("x")]), -19),
        Err(OpenError::UnknownCriticalHeader)
    );
    assert!(matches!(
        check_protected(&crit(vec![]), -19),
        Err(OpenError::BadStructure(_))
    ));
    // Duplicate labels inside the protected bstr get their own error.
    assert_eq!(
        check_protected(&Value::Bytes(vec![0xa2, 0x01, 0x32, 0x01, 0x32]), -19),
        Err(OpenError::DuplicateKey)
    );
}

/// "secret" encrypted to a fixed responder key, bound to card id "card-1".
fn encrypted_secret() -> (ResponderKey, Value) {
    let responder = ResponderKey::from_secret_bytes(&[5; 32]);
    let random = EncryptRandom {
        ephemeral_secret: Zeroizing::new([6; 32]),
    };
    let value = encrypt(b"secret", &responder.public_key(), b"card-1", &random).unwrap();
    (responder, value)
}

#[test]
fn encrypt_decrypt_binds_external_aad() {
    let (responder, value) = encrypted_secret();
    let parsed = Encrypted::parse(value.clone()).unwrap();
    assert_eq!(parsed.recipient_kid, responder.key_id());
    assert_eq!(
        parsed.decrypt(&responder, b"card-1").unwrap().as_slice(),
        b"secret"
    );
    assert_eq!(
        parsed.decrypt(&responder, b"card-2").unwrap_err(),
        OpenError::DecryptionFailed
    );
    let other = ResponderKey::from_secret_bytes(&[8; 32]);
    assert_eq!(
        parsed.decrypt(&other, b"card-1").unwrap_err(),
        OpenError::DecryptionFailed
    );
}

#[test]
fn only_the_formats_partial_iv_is_accepted() {
    let (_, value) = encrypted_secret();
    let Value::Array(items) = &value else {
        panic!("COSE_Encrypt is an array")
    };
    assert_eq!(
        items[1],
        Value::Map(vec![(Value::from(6), Value::Bytes(vec![0]))])
    );
    for unprotected in [
        vec![(Value::from(5), Value::Bytes(vec![0; 12]))],
        vec![(Value::from(6), Value::Bytes(vec![1]))],
        vec![(Value::from(6), Value::Bytes(vec![0, 0]))],
        vec![],
    ] {
        let mut items = items.clone();
        items[1] = Value::Map(unprotected);
        assert!(matches!(
            Encrypted::parse(Value::Array(items)),
            Err(OpenError::BadLength(_))
        ));
    }
}
