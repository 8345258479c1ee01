use super::*;
use crate::testing::{DEMO_EPOCH, DemoWorld};

fn at(days: u64) -> UnixTime {
    UnixTime(DEMO_EPOCH.0 + days * 86_400)
}

#[test]
fn trust_list_round_trips() {
    let w = DemoWorld::new(1);
    let list = TrustList::verify(&w.trust_list_bytes, &[w.root.verifying_key()]).unwrap();
    assert_eq!(list, w.trust_list);
}

#[test]
fn trust_list_rejects_tampering_wrong_root_expiry_and_rollback() {
    let w = DemoWorld::new(1);
    let mut bytes = w.trust_list_bytes.clone();
    let i = bytes.len() - 70; // inside the payload, before the signature
    bytes[i] ^= 0x01;
    let mut store = TrustStore::new(vec![w.root.verifying_key()]);
    assert!(matches!(
        store.load(&bytes, at(1)),
        Err(ListError::Tampered | ListError::Malformed(_))
    ));
    let other = DemoWorld::new(2);
    let mut wrong = TrustStore::new(vec![other.root.verifying_key()]);
    assert_eq!(
        wrong.load(&w.trust_list_bytes, at(1)),
        Err(ListError::UnknownSigner(w.root.key_id()))
    );
    assert_eq!(
        store.load(&w.trust_list_bytes, at(800)),
        Err(ListError::Expired(w.trust_list.next_update))
    );
    let mut newer = w.trust_list.clone();
    newer.sequence = 2;
    store.load(&newer.sign(&w.root), at(1)).unwrap();
    assert_eq!(
        store.load(&w.trust_list_bytes, at(1)),
        Err(ListError::Older { held: 2, got: 1 })
    );
    assert_eq!(store.load(&newer.sign(&w.root), at(1)), Ok(()));
}

#[test]
fn lists_are_not_interchangeable() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(at(1));
    let rev = RevocationList {
        issuer: "musashino".into(),
        counter: 1,
        issued_at: at(1),
        next_update: at(30),
        revoked: vec![],
        revoked_before: None,
        paused: Vec::new(),
    };
    let rev_bytes = rev.sign(&w.issuer);
    assert_eq!(
        TrustList::verify(&rev_bytes, &[w.issuer.verifying_key()]),
        Err(ListError::WrongType("trust list"))
    );
    assert_eq!(
        RevocationList::verify(&w.trust_list_bytes, &trust),
        Err(ListError::WrongType("revocation list"))
    );
    // An issuer may not speak for another issuer.
    let mut foreign = rev.clone();
    foreign.issuer = "kokubunji".into();
    assert_eq!(
        RevocationList::verify(&foreign.sign(&w.issuer), &trust),
        Err(ListError::UnknownSigner(w.issuer.key_id()))
    );
    let mut revs = Revocations::new();
    revs.load(&rev_bytes, &trust, at(2)).unwrap();
    assert_eq!(
        revs.load(&rev_bytes, &trust, at(31)),
        Err(ListError::Expired(at(30)))
    );
}

#[test]
fn revocation_list_sorted_and_searchable_at_city_scale() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(at(1));
    let revoked: Vec<CardId> = (0u64..100_000)
        .map(|i| {
            CardId(
                (i * 7_919)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .to_be_bytes(),
            )
        })
        .collect();
    let list = RevocationList {
        issuer: "musashino".into(),
        counter: 1,
        issued_at: at(1),
        next_update: at(30),
        revoked: revoked.clone(),
        revoked_before: None,
        paused: Vec::new(),
    };
    let bytes = list.sign(&w.issuer);
    assert!(bytes.len() < 1_000_000, "{} bytes", bytes.len());
    let back = RevocationList::verify(&bytes, &trust).unwrap();
    assert!(back.revokes(revoked[12_345], at(1)));
    assert!(!back.revokes(CardId([0xfe; 8]), at(1)));
}

#[test]
fn remembered_floors_refuse_rollback_and_carry_revoked_before() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(at(1));
    let list = |counter: u64, revoked_before: Option<UnixTime>| {
        RevocationList {
            issuer: "musashino".into(),
            counter,
            issued_at: at(1),
            next_update: at(30),
            revoked: vec![],
            revoked_before,
            paused: Vec::new(),
        }
        .sign(&w.issuer)
    };
    // Day one: a list that revokes every card issued before day 1 (a leaked issuer key).
    let mut first = Revocations::new();
    first.load(&list(5, Some(at(1))), &trust, at(2)).unwrap();
    let floors = first.floors().clone();
    assert_eq!(
        floors["musashino"],
        RevocationFloor {
            counter: 5,
            revoked_before: Some(at(1).0)
        }
    );
    // After a restart: an older list is refused even though nothing is held in memory...
    let mut again = Revocations::with_floors(floors.clone());
    assert_eq!(
        again.load(&list(4, None), &trust, at(2)),
        Err(ListError::Older { held: 5, got: 4 })
    );
    // ...and a newer list that forgot the "revoked before" time still carries it.
    again.load(&list(6, None), &trust, at(2)).unwrap();
    let held = again.get("musashino").unwrap();
    assert_eq!(held.revoked_before, Some(at(1)));
    assert!(held.revokes(CardId([1; 8]), at(0)));
    assert_eq!(again.floors()["musashino"].counter, 6);
}

#[test]
fn a_revocation_list_must_be_bounded_and_signed_by_a_current_key() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(at(1));
    let mut list = RevocationList {
        issuer: "musashino".into(),
        counter: 1,
        issued_at: at(1),
        next_update: at(400),
        revoked: vec![],
        revoked_before: None,
        paused: Vec::new(),
    };
    assert_eq!(
        RevocationList::verify(&list.sign(&w.issuer), &trust),
        Err(ListError::Unbounded)
    );
    list.next_update = at(1);
    assert_eq!(
        RevocationList::verify(&list.sign(&w.issuer), &trust),
        Err(ListError::Unbounded)
    );
    // The demo issuer key's window starts at the demo epoch: a list dated before it is not
    // the key's to sign.
    list.issued_at = UnixTime(DEMO_EPOCH.0 - 86_400);
    list.next_update = at(10);
    assert_eq!(
        RevocationList::verify(&list.sign(&w.issuer), &trust),
        Err(ListError::SignerNotValid(w.issuer.key_id()))
    );
}

#[test]
fn a_trust_list_needs_a_sequence_a_bounded_lifetime_and_forward_windows() {
    let w = DemoWorld::new(1);
    let roots = [w.root.verifying_key()];
    let check = |edit: &dyn Fn(&mut TrustList)| {
        let mut list = w.trust_list.clone();
        edit(&mut list);
        TrustList::verify(&list.sign(&w.root), &roots)
    };
    assert!(check(&|_| {}).is_ok());
    assert!(matches!(
        check(&|l| l.sequence = 0),
        Err(ListError::Malformed(_))
    ));
    assert_eq!(
        check(&|l| l.next_update = UnixTime(253_402_214_400)),
        Err(ListError::Unbounded)
    );
    assert_eq!(
        check(&|l| l.next_update = l.issued_at),
        Err(ListError::Unbounded)
    );
    assert!(matches!(
        check(&|l| l.issuers[0].entry.not_after = l.issuers[0].entry.not_before),
        Err(ListError::Malformed(_))
    ));
}

#[test]
fn a_list_pauses_cards_in_one_encoding() {
    let w = DemoWorld::new(1);
    let trust = w.trust_store(at(1));
    let list = RevocationList {
        issuer: "musashino".into(),
        counter: 1,
        issued_at: at(1),
        next_update: at(30),
        revoked: vec![CardId([1; 8])],
        revoked_before: None,
        paused: vec![CardId([9; 8]), CardId([3; 8])],
    };
    let back = RevocationList::verify(&list.sign(&w.issuer), &trust).unwrap();
    assert_eq!(back.paused, vec![CardId([3; 8]), CardId([9; 8])]);
    assert!(back.pauses(CardId([9; 8])) && !back.pauses(CardId([1; 8])));
    assert!(
        !back.revokes(CardId([9; 8]), at(1)),
        "paused is not revoked"
    );
    // No key 8 without a paused card: the empty list has one encoding (none).
    let none = RevocationList {
        paused: Vec::new(),
        ..list.clone()
    };
    let payload = |extra: Option<Value>, order: &[CardId]| {
        let mut m = vec![
            (1, Value::from(1)),
            (2, Value::Text("musashino".into())),
            (3, Value::from(1u64)),
            (4, Value::from(at(1).0)),
            (5, Value::from(at(30).0)),
            (6, Value::Array(vec![])),
        ];
        if let Some(v) = extra {
            m.push((8, v));
        } else if !order.is_empty() {
            m.push((
                8,
                Value::Array(order.iter().map(|c| Value::Bytes(c.0.to_vec())).collect()),
            ));
        }
        cose::sign1(
            &w.issuer,
            Some(REVOCATION_LIST_TYPE),
            cbor::encode(&int_map(m)),
        )
    };
    assert!(RevocationList::verify(&none.sign(&w.issuer), &trust).is_ok());
    for (what, bytes) in [
        ("empty", payload(Some(Value::Array(vec![])), &[])),
        ("unsorted", payload(None, &[CardId([9; 8]), CardId([3; 8])])),
        ("repeated", payload(None, &[CardId([3; 8]), CardId([3; 8])])),
        (
            "short id",
            payload(Some(Value::Array(vec![Value::Bytes(vec![1; 7])])), &[]),
        ),
    ] {
        assert!(
            RevocationList::verify(&bytes, &trust).is_err(),
            "{what} paused list accepted"
        );
    }
}
