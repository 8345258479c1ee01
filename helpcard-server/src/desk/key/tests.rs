use super::*;
use helpcard_core::keys::Protection;
use rand_core::OsRng;

fn sealed() -> (String, KeyId) {
    let key = SigningKey::generate(&mut OsRng);
    let file = key
        .to_file(
            Role::Issuer,
            Protection::Passphrase("correct horse"),
            &mut OsRng,
        )
        .unwrap();
    (file, key.key_id())
}

#[test]
fn only_a_sealed_key_is_taken_and_it_unlocks_with_its_passphrase() {
    let plain = SigningKey::generate(&mut OsRng)
        .to_file(Role::Issuer, Protection::InsecurePlaintext, &mut OsRng)
        .unwrap();
    assert!(IssuerKey::new(plain, 600, None).is_err());
    let (file, kid) = sealed();
    let key = IssuerKey::new(file, 600, None).unwrap();
    assert_eq!(key.kid(), kid);
    assert_eq!(key.state(1000), KeyState::Locked);
    assert!(
        key.with(1000, |_| ()).is_none(),
        "nothing signs while locked"
    );
    assert!(matches!(
        key.unlock("wrong", 1000),
        Err(KeyError::WrongPassphrase)
    ));
    key.unlock("correct horse", 1000).unwrap();
    assert_eq!(key.with(1000, |k| k.key_id()), Some(kid));
    assert!(key.lock());
    assert_eq!(key.state(1001), KeyState::Locked);
}

#[test]
fn it_locks_when_idle_and_at_the_hour() {
    let (file, _) = sealed();
    // Re-locks at 18:00 Japan time (09:00 UTC) and after 10 minutes unused.
    let key = IssuerKey::new(file, 600, Some(18 * 3600)).unwrap();
    let morning = 1_790_035_200; // 2026-09-22 00:00 UTC, 09:00 in Japan
    key.unlock("correct horse", morning).unwrap();
    key.with(morning + 500, |_| ()).unwrap();
    assert!(matches!(
        key.state(morning + 1000),
        KeyState::Unlocked { .. }
    ));
    assert_eq!(key.lock_if_due(morning + 500 + 600), Some(Locked::Idle));
    key.unlock("correct horse", morning).unwrap();
    // Used every five minutes all day: never idle.
    for i in 1..=96 {
        key.with(morning + i * 300, |_| ()).unwrap();
    }
    match key.state(morning + 8 * 3600) {
        KeyState::Unlocked { until, .. } => assert!(until <= morning + 9 * 3600),
        KeyState::Locked => panic!("locked before the hour"),
    }
    assert_eq!(key.lock_if_due(morning + 9 * 3600), Some(Locked::Hour));
    assert_eq!(key.state(morning + 9 * 3600), KeyState::Locked);
}
