use super::*;
use helpcard_core::testing::{DEMO_EPOCH, DemoWorld};
use helpcard_core::vocab::Lang;
use rusqlite::Connection;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("helpcard-registry-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn record(id: u8, holder: &str, issuer_id: &str, kid: &str) -> Record {
    Record {
        card_id: CardId([id; 8]),
        holder_ref: holder.into(),
        issuer_id: issuer_id.into(),
        issuer_kid: kid.into(),
        issued_at: UnixTime(1_000),
        expires_at: UnixTime(2_000),
        notify: Vec::new(),
    }
}

/// A new registry in a SQLite file and, when a test server is named
/// (`HELPCARD_TEST_POSTGRES`), one in a fresh PostgreSQL database.
fn registries(name: &str) -> Vec<Registry> {
    let mut out = vec![Registry::open(&dir(name).join("r.sqlite")).unwrap()];
    if let Some(url) = helpcard_db::scratch::database(&format!("registry_{name}")) {
        let db = Database::postgres(&url, 2).unwrap();
        out.push(Registry::on(db, Path::new("postgres")).unwrap());
    }
    out
}

/// New registries (see [`registries`]) holding card 0101… of case-1, issued under key `k1`.
fn with_one_card(name: &str) -> Vec<Registry> {
    let mut out = registries(name);
    for r in &mut out {
        let card = record(1, "case-1", "musashino", "k1");
        r.record(&[card], None, UnixTime(10)).unwrap();
    }
    out
}

#[test]
fn a_new_registry_is_owner_only_and_versioned_and_a_newer_one_is_refused() {
    let d = dir("open");
    let path = d.join("r.sqlite");
    drop(Registry::open(&path).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SQLITE.len() as i64);
    conn.pragma_update(None, "user_version", SQLITE.len() as i64 + 1)
        .unwrap();
    drop(conn);
    let refused = Registry::open(&path).err().unwrap();
    assert!(refused.to_string().contains("newer"), "{refused}");
}

#[test]
fn a_registry_from_before_versions_is_taken_up_with_its_cards() {
    let d = dir("legacy");
    let path = d.join("r.sqlite");
    // The schema registries had before it was versioned, with a card in it.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(SQLITE[0]).unwrap();
    conn.execute(
        "INSERT INTO cards (card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status)
         VALUES ('0101010101010101', 'case-1', 'musashino', 'k', 1, 2, 'active')",
        [],
    )
    .unwrap();
    drop(conn);
    let registry = Registry::open(&path).unwrap();
    assert_eq!(registry.cards(None).unwrap().len(), 1);
}

#[test]
fn records_are_all_or_none_and_revocation_is_once() {
    for mut r in with_one_card("record") {
        // The second card repeats the first's id: neither of the two is recorded.
        let twice = [
            record(2, "case-2", "musashino", "k1"),
            record(1, "case-3", "musashino", "k1"),
        ];
        assert!(r.record(&twice, None, UnixTime(10)).is_err());
        assert_eq!(r.cards(None).unwrap().len(), 1);
        // One issuer key, one issuer id.
        let other = r.record(
            &[record(4, "case-4", "Musashino", "k1")],
            None,
            UnixTime(10),
        );
        assert!(
            matches!(other, Err(OfficeError::IssuerIdConflict { .. })),
            "{other:?}"
        );

        let id = CardId([1; 8]).to_hex();
        r.revoke(&id, "lost", UnixTime(20)).unwrap();
        assert!(matches!(
            r.revoke(&id, "lost", UnixTime(21)),
            Err(OfficeError::AlreadyRevoked(_))
        ));
        assert!(matches!(
            r.revoke(&CardId([9; 8]).to_hex(), "lost", UnixTime(21)),
            Err(OfficeError::NotRegistered(_))
        ));
        assert!(matches!(
            r.revoke("not-hex", "lost", UnixTime(21)),
            Err(OfficeError::BadCardId(_))
        ));
        let card = r.card(&id.to_uppercase()).unwrap();
        assert_eq!(
            (card.status.as_str(), card.reason.as_str(), card.revoked_at),
            ("revoked", "lost", Some(UnixTime(20)))
        );
    }
}

#[test]
fn a_replacement_revokes_the_old_card_in_the_same_transaction() {
    for mut r in with_one_card("replace") {
        let old = CardId([1; 8]).to_hex();
        r.record(
            &[record(2, "case-1", "musashino", "k1")],
            Some(&old),
            UnixTime(30),
        )
        .unwrap();
        let card = r.card(&old).unwrap();
        assert_eq!(card.reason, "replaced");
        assert_eq!(card.replaced_by, CardId([2; 8]).to_hex());
        // Replacing a card that is not there records nothing.
        let missing = r.record(
            &[record(3, "case-1", "musashino", "k1")],
            Some("ffffffffffffffff"),
            UnixTime(40),
        );
        assert!(matches!(
            missing,
            Err(OfficeError::ReplacedNotRegistered(_))
        ));
        assert!(r.card(&CardId([3; 8]).to_hex()).is_err());
        assert_eq!(r.cards(Some("case-1")).unwrap().len(), 2);
    }
}

#[test]
fn publish_counts_up_keeps_the_latest_floor_and_spends_no_counter_on_a_failed_delivery() {
    let world = DemoWorld::new(1);
    let kid = world.issuer.key_id().to_hex();
    for mut r in registries("publish") {
        r.record(
            &[record(1, "case-1", "musashino", &kid)],
            None,
            UnixTime(10),
        )
        .unwrap();
        // A card recorded under a mistyped issuer id is still this key's card.
        r.record(
            &[record(2, "case-2", "musashino", &kid)],
            None,
            UnixTime(10),
        )
        .unwrap();
        r.revoke(&CardId([1; 8]).to_hex(), "lost", UnixTime(20))
            .unwrap();
        let now = UnixTime(DEMO_EPOCH.0 + 60 * 86_400);
        let failed = r.publish(&world.issuer, "musashino", 7, None, None, now, |_| {
            Err(OfficeError::Pdf("delivery".into()))
        });
        assert!(failed.is_err());
        let floor = UnixTime(DEMO_EPOCH.0 + 30 * 86_400).date();
        let first = r
            .publish(
                &world.issuer,
                "musashino",
                7,
                Some(floor),
                None,
                now,
                |_| Ok(()),
            )
            .unwrap();
        assert_eq!(
            (first.counter, first.revoked),
            (1, 1),
            "the failed one used no counter"
        );
        let second = r
            .publish(&world.issuer, "musashino", 7, None, None, now, |_| Ok(()))
            .unwrap();
        assert_eq!(second.counter, 2);
        // After a list served elsewhere (counter 9): the next is 10.
        let served = RevocationFloor {
            counter: 9,
            revoked_before: None,
        };
        let third = r
            .publish(
                &world.issuer,
                "musashino",
                7,
                None,
                Some(&served),
                now,
                |_| Ok(()),
            )
            .unwrap();
        assert_eq!(third.counter, 10);
        let trust = world.trust_store(now);
        let list = RevocationList::verify(&second.bytes, &trust).unwrap();
        assert_eq!(
            list.revoked_before,
            Some(UnixTime(floor.days() as u64 * 86_400)),
            "every later list repeats the latest floor"
        );
        assert_eq!(list.revoked, vec![CardId([1; 8])]);
        // The latest list is kept, for every instance of the key service to read.
        assert_eq!(r.latest_lists().unwrap(), vec![third.bytes.clone()]);
    }
}

#[test]
fn who_is_told_is_kept_with_the_card_and_an_address_is_checked() {
    for mut r in registries("notify") {
        let mut card = record(7, "case-7", "musashino", "k1");
        card.notify = vec![
            NotifyTo::parse(" family@example.jp ", Lang::EasyJa).unwrap(),
            NotifyTo::parse("holder@example.jp", Lang::Ja).unwrap(),
        ];
        r.record(&[card], None, UnixTime(10)).unwrap();
        let told = r.notify_to(&CardId([7; 8]).to_hex()).unwrap();
        assert_eq!(told.len(), 2);
        assert_eq!(
            (told[0].address.as_str(), told[0].lang),
            ("family@example.jp", Lang::EasyJa)
        );
        assert!(r.notify_to(&CardId([8; 8]).to_hex()).unwrap().is_empty());
        for bad in [
            "",
            "family",
            "a@b",
            "a b@example.jp",
            "a@@example.jp",
            "a@example.",
            "@example.jp",
        ] {
            assert!(NotifyTo::parse(bad, Lang::Ja).is_err(), "{bad}");
        }
    }
}

#[test]
fn a_paused_card_is_on_the_next_list_until_resumed_and_a_revoked_one_cannot_be_paused() {
    let world = DemoWorld::new(1);
    let kid = world.issuer.key_id().to_hex();
    for mut r in registries("pause") {
        r.record(
            &[
                record(1, "case-1", "musashino", &kid),
                record(2, "case-2", "musashino", &kid),
            ],
            None,
            UnixTime(10),
        )
        .unwrap();
        let now = UnixTime(DEMO_EPOCH.0 + 60 * 86_400);
        let trust = world.trust_store(now);
        let publish = |r: &mut Registry| {
            let p = r
                .publish(&world.issuer, "musashino", 7, None, None, now, |_| Ok(()))
                .unwrap();
            (p.paused, RevocationList::verify(&p.bytes, &trust).unwrap())
        };
        let one = CardId([1; 8]).to_hex();
        r.set_paused(&one, true, UnixTime(20)).unwrap();
        r.set_paused(&one, true, UnixTime(30)).unwrap();
        assert_eq!(
            r.card(&one).unwrap().paused_at,
            Some(UnixTime(20)),
            "first time kept"
        );
        let (n, list) = publish(&mut r);
        assert_eq!((n, list.paused.as_slice()), (1, &[CardId([1; 8])][..]));
        assert!(list.revoked.is_empty(), "paused is not revoked");
        r.set_paused(&one, false, UnixTime(40)).unwrap();
        assert_eq!(r.card(&one).unwrap().paused_at, None);
        let (n, list) = publish(&mut r);
        assert_eq!((n, list.paused.len()), (0, 0), "resumed");
        // A revoked card is not paused (and a paused one that is revoked leaves the paused list).
        let two = CardId([2; 8]).to_hex();
        r.set_paused(&two, true, UnixTime(50)).unwrap();
        r.revoke(&two, "lost", UnixTime(60)).unwrap();
        let (n, list) = publish(&mut r);
        assert_eq!((n, list.revoked), (0, vec![CardId([2; 8])]));
        assert!(matches!(
            r.set_paused(&two, true, UnixTime(70)),
            Err(OfficeError::AlreadyRevoked(_))
        ));
        assert!(matches!(
            r.set_paused("0909090909090909", true, UnixTime(70)),
            Err(OfficeError::NotRegistered(_))
        ));
    }
}
