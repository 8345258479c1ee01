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
    let code = store.create_invite("helper", "welfare", 1000).unwrap();
    let typed = code.to_ascii_lowercase().replace('-', "");
    assert_eq!(
        store.invite(&typed, 1001).unwrap(),
        Some(("helper".to_owned(), "welfare".to_owned()))
    );
    assert_eq!(store.invite(&typed, 1000 + INVITE_SECS).unwrap(), None);
    assert!(matches!(
        store.create_invite("helper", "ems", 1002),
        Err(InviteError::OtherGroup(g)) if g == "welfare"
    ));
    assert_eq!(store.withdraw_invites("helper", 1003).unwrap(), 1);
    assert_eq!(store.invite(&code, 1004).unwrap(), None);
}
