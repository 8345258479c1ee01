use super::*;
use rusqlite::Connection;

/// A store on SQLite in a fresh file and, when a test server is named
/// (`HELPCARD_TEST_POSTGRES`), one on PostgreSQL in a fresh database; each with a way to open a
/// second handle on the same data (another instance of the service).
fn stores(name: &str) -> Vec<(Store, Box<dyn Fn() -> Store>)> {
    let dir = std::env::temp_dir().join(format!("helpcard-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("people.sqlite");
    let mut out: Vec<(Store, Box<dyn Fn() -> Store>)> = vec![(
        Store::open(&path).unwrap(),
        Box::new(move || Store::open(&path).unwrap()),
    )];
    if let Some(url) = helpcard_db::scratch::database(name) {
        let again = url.clone();
        out.push((
            Store::on(Database::postgres(&url, 4).unwrap()).unwrap(),
            Box::new(move || Store::on(Database::postgres(&again, 4).unwrap()).unwrap()),
        ));
    }
    out
}

/// A person put in directly (sign-in is tested through the service).
fn person(store: &Store, name: &str) -> Person {
    store
        .database()
        .write(|tx| {
            tx.execute(
                "INSERT INTO people (uuid, name, grp, role, active, created) VALUES (?1, ?2, 'welfare', 'responder', 1, 1)",
                &[Uuid::new_v4().to_string().into(), name.into()],
            )
        })
        .unwrap();
    store.person(name).unwrap().unwrap()
}

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
    for (store, _) in stores("invite") {
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
    conn.pragma_update(None, "user_version", MIGRATIONS.sqlite.len() as i64 + 1)
        .unwrap();
    drop(conn);
    assert!(matches!(Store::open(&path), Err(StoreError::Newer(_))));
}

#[test]
fn needs_without_a_code_are_counted() {
    for (store, _) in stores("misses") {
        for need in ["補聴器の電池", " 補聴器の電池 ", "Guide dog", ""] {
            store.count_miss(need, 5).unwrap();
        }
        assert_eq!(
            store.misses().unwrap(),
            vec![("補聴器の電池".to_owned(), 2), ("guide dog".to_owned(), 1)]
        );
    }
}

#[test]
fn an_allowance_is_counted_once_across_instances() {
    for (store, another) in stores("allowance") {
        let who = person(&store, "busy");
        // Two instances, three threads each, all asking for more than the allowance at once.
        let instances = [std::sync::Arc::new(store), std::sync::Arc::new(another())];
        let threads: Vec<_> = (0..6)
            .map(|i| {
                let (store, who) = (instances[i % 2].clone(), who.clone());
                std::thread::spawn(move || {
                    (0..20)
                        .filter(|_| store.take_allowance(&who, 5000, 25).unwrap())
                        .count()
                })
            })
            .collect();
        let taken: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(taken, 25);
        // An hour later it is there again.
        assert!(instances[1].take_allowance(&who, 5000 + 3601, 25).unwrap());
        // The hour's old counts are forgotten; the new one stays.
        instances[0].forget_idle(5000 + 3601, 300).unwrap();
        let kept: u64 = instances[0]
            .database()
            .read(|tx| tx.query_one("SELECT COUNT(*) FROM allowance", &[])?.get(0))
            .unwrap();
        assert_eq!(kept, 1);
    }
}

#[test]
fn a_session_made_by_one_instance_is_known_to_another() {
    for (store, another) in stores("session") {
        let who = person(&store, "responder");
        let token = store.create_session(&who, 100).unwrap();
        let other = another();
        assert_eq!(
            other.session(&token, 110, 900, 86_400).unwrap(),
            SessionState::Active(who.clone())
        );
        assert!(store.revoke_person("responder", 120).unwrap());
        assert!(matches!(
            other.session(&token, 130, 900, 86_400).unwrap(),
            SessionState::Revoked(_)
        ));
        assert_eq!(
            store.session("not-a-token", 130, 900, 86_400).unwrap(),
            SessionState::None
        );
        // The decoy key is one for all instances.
        assert_eq!(
            *store.secret("decoy").unwrap(),
            *other.secret("decoy").unwrap()
        );
    }
}

#[test]
fn a_bucket_and_a_ceremony_are_shared_by_instances() {
    for (store, another) in stores("shared") {
        let other = another();
        // A burst of 3, refilling one a second: the two instances take 3 between them.
        let taken = (0..6)
            .filter(|i| {
                let s = if i % 2 == 0 { &store } else { &other };
                s.take_token("address 192.0.2.1", 1.0, 3.0, 10_000).unwrap()
            })
            .count();
        assert_eq!(taken, 3);
        assert!(
            !store
                .take_token("address 192.0.2.1", 1.0, 3.0, 10_500)
                .unwrap()
        );
        assert!(
            other
                .take_token("address 192.0.2.1", 1.0, 3.0, 11_000)
                .unwrap()
        );
        assert!(
            store
                .take_token("address 192.0.2.2", 1.0, 3.0, 11_000)
                .unwrap()
        );
        // Started on one, finished on the other, once; an old one is gone.
        assert!(store.put_ceremony("c1", "{}", 100, 10, 300).unwrap());
        assert_eq!(
            other.take_ceremony("c1", 101, 300).unwrap().as_deref(),
            Some("{}")
        );
        assert_eq!(store.take_ceremony("c1", 102, 300).unwrap(), None);
        assert!(store.put_ceremony("c2", "{}", 100, 10, 300).unwrap());
        assert_eq!(other.take_ceremony("c2", 400, 300).unwrap(), None);
        // At most `cap` at once.
        assert!(store.put_ceremony("c3", "{}", 500, 1, 300).unwrap());
        assert!(!other.put_ceremony("c4", "{}", 501, 1, 300).unwrap());
        // Idle buckets and expired ceremonies are forgotten.
        store.forget_idle(10_000, 300).unwrap();
        let left: u64 = store
            .database()
            .read(|tx| {
                tx.query_one(
                    "SELECT (SELECT COUNT(*) FROM buckets) + (SELECT COUNT(*) FROM ceremonies)",
                    &[],
                )?
                .get(0)
            })
            .unwrap();
        assert_eq!(left, 0);
    }
}
