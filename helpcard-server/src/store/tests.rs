use super::*;

#[test]
fn invite_codes_are_short_and_forgive_how_they_are_typed() {
    let code = invite_code();
    assert_eq!(code.len(), 19, "{code}");
    assert_eq!(code.matches('-').count(), 3);
    assert!(code.bytes().all(|b| b == b'-' || BASE32.contains(&b)));
    assert_ne!(code, invite_code());
    let typed = code.to_ascii_lowercase().replace('-', " ");
    assert_eq!(normal_code(&typed), normal_code(&code));
    // Letters base32 leaves out are read as the digits they look like.
    assert_eq!(normal_code("o1l-I0"), "01110");
}

#[test]
fn a_code_is_found_as_typed_and_used_once() {
    let dir = std::env::temp_dir().join(format!("helpcard-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir.join("people.sqlite")).unwrap();
    let code = store
        .create_invite("helper", "welfare", Role::Responder, 1000)
        .unwrap();
    let typed = code.to_ascii_lowercase().replace('-', "");
    assert_eq!(
        store.invite(&typed, 1001).unwrap(),
        Some(("helper".to_owned(), "welfare".to_owned()))
    );
    assert_eq!(store.invite(&typed, 1000 + INVITE_SECS).unwrap(), None);
    assert!(matches!(
        store.create_invite("helper", "ems", Role::Responder, 1002),
        Err(InviteError::OtherGroup(g)) if g == "welfare"
    ));
    assert_eq!(store.withdraw_invites("helper", 1003).unwrap(), 1);
    assert_eq!(store.invite(&code, 1004).unwrap(), None);
}

#[test]
fn a_role_comes_with_the_invite_and_an_old_database_is_taken_up() {
    let dir = std::env::temp_dir().join(format!("helpcard-store-role-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("people.sqlite");
    // A database from before roles, with a person in it.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(SCHEMA_1).unwrap();
    conn.execute(
        "INSERT INTO people (uuid, name, grp, active, created) VALUES (?1, 'old', 'welfare', 1, 1)",
        [Uuid::new_v4().to_string()],
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.person("old").unwrap().unwrap().role, Role::Responder);
    // A clerk's invite makes an issuer; the same name cannot come back as an admin.
    let code = store
        .create_invite("clerk", "office", Role::Issuer, 1000)
        .unwrap();
    assert!(store.invite(&code, 1001).unwrap().is_some());
    assert!(matches!(
        store.create_invite("clerk", "office", Role::Admin, 1002),
        Err(InviteError::OtherRole(r)) if r == "issuer"
    ));
    assert!(Role::Admin > Role::Issuer && Role::Issuer > Role::Responder);
    assert_eq!(Role::from_code("admin"), Some(Role::Admin));
    assert_eq!(Role::from_code("root"), None);
    // A database from a later version is refused, not rewritten.
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", VERSION + 1)
        .unwrap();
    drop(conn);
    assert!(matches!(Store::open(&path), Err(StoreError::Newer(_))));
}

#[test]
fn needs_without_a_code_are_counted() {
    let dir = std::env::temp_dir().join(format!("helpcard-store-miss-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir.join("people.sqlite")).unwrap();
    for need in ["補聴器の電池", " 補聴器の電池 ", "Guide dog", ""] {
        store.count_miss(need, 5).unwrap();
    }
    assert_eq!(
        store.misses().unwrap(),
        vec![("補聴器の電池".to_owned(), 2), ("guide dog".to_owned(), 1)]
    );
}
