use super::*;
use crate::card::{self, ResponderKeys, Validity};
use crate::date::Date;
use crate::keys::ResponderKey;
use crate::profile::Profile;
use crate::testing::{DEMO_EPOCH, DemoWorld, REFERENCE_PROFILES, StreamRng};
use crate::trust::{CardId, RevocationList, Revocations};

const DAY: u64 = 86_400;

fn profile(name: &str) -> Profile {
    let text = REFERENCE_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    Profile::load_toml(text, Date::from_ymd(2026, 11, 25).unwrap()).unwrap()
}

/// A card issued a day after the demo epoch, valid for 30 days, and "now" a week in.
fn card(w: &DemoWorld, name: &str) -> Vec<u8> {
    let validity = Validity {
        issued_at: UnixTime(DEMO_EPOCH.0 + DAY),
        expires_at: UnixTime(DEMO_EPOCH.0 + 31 * DAY),
    };
    w.issue(&profile(name), validity, &mut StreamRng::from_seed(7))
        .unwrap()
        .bytes
}

fn now() -> UnixTime {
    UnixTime(DEMO_EPOCH.0 + 8 * DAY)
}

/// A current revocation list for the demo issuer revoking `revoked`.
fn revocations(w: &DemoWorld, revoked: Vec<CardId>) -> Revocations {
    let list = RevocationList {
        issuer: "musashino".into(),
        counter: 1,
        issued_at: now(),
        next_update: UnixTime(now().0 + 30 * DAY),
        revoked,
        revoked_before: None,
        paused: Vec::new(),
    };
    let mut revs = Revocations::new();
    revs.load(&list.sign(&w.issuer), &w.trust_store(now()), now())
        .unwrap();
    revs
}

fn responder(seed: u64) -> ResponderKeys {
    ResponderKeys::new(vec![ResponderKey::from_secret_bytes(
        &DemoWorld::secrets(seed)[2],
    )])
}

fn view(
    w: &DemoWorld,
    bytes: &[u8],
    keys: bool,
    revs: Option<&Revocations>,
    at: UnixTime,
    lang: Lang,
) -> CardView {
    let keys = keys.then(|| responder(1));
    CardView::new(
        &card::open(bytes, &w.trust_store(at), at, keys.as_ref(), revs),
        lang,
    )
}

#[test]
fn a_fully_opened_card_is_verified_with_every_section_grouped() {
    let w = DemoWorld::new(1);
    let bytes = card(&w, "02-autism-teen");
    let revs = revocations(&w, vec![]);
    let v = view(&w, &bytes, true, Some(&revs), now(), Lang::Ja);
    assert_eq!(v.verdict, Verdict::Verified, "{:?}", v.notices);
    assert_eq!(v.status, "ok");
    assert!(v.warnings.is_empty());
    let facts = v.card.as_ref().unwrap();
    assert_eq!(facts.revoked, Some(false));
    assert_eq!(facts.valid_until, "2026年1月31日");
    let ids: Vec<&str> = v.private_sections.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "person", "talk", "helps", "avoid", "medical", "contacts", "office"
        ]
    );
    let contacts = &v.private_sections[5];
    assert_eq!(contacts.title, "連絡先");
    assert_eq!(contacts.items.len(), 2);
    assert!(
        contacts.items[0].value.contains("(母)"),
        "{:?}",
        contacts.items
    );
    let help: Vec<&str> = v
        .public
        .as_ref()
        .unwrap()
        .help
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    assert_eq!(help[0], "ゆっくり話してください");
}

#[test]
fn json_keeps_the_documented_open_fields() {
    let w = DemoWorld::new(1);
    let bytes = card(&w, "02-autism-teen");
    let json = serde_json::to_value(view(&w, &bytes, true, None, now(), Lang::En)).unwrap();
    for field in [
        "status",
        "card_id",
        "issuer",
        "issuer_name",
        "issued_at",
        "expires_at",
        "revoked",
        "warnings",
        "public",
        "private",
    ] {
        assert!(json.get(field).is_some(), "{field} missing: {json}");
    }
    assert_eq!(json["status"], "ok");
    assert_eq!(json["verdict"], "verified_with_warning");
    assert_eq!(json["issued_at"], "2026-01-02T00:00:00Z");
    assert_eq!(json["revoked"], serde_json::Value::Null);
    assert_eq!(
        json["warnings"],
        serde_json::json!(["revocation_not_checked"])
    );
    assert_eq!(json["public"]["help"][0]["key"], "speak-slowly");
    assert_eq!(json["private"]["name"], "佐藤 健太");
    assert_eq!(json["private_sections"][0]["title"], "About the person");

    let locked = serde_json::to_value(view(&w, &bytes, false, None, now(), Lang::En)).unwrap();
    assert_eq!(locked["private"], "locked");
    assert_eq!(locked["private_sections"], serde_json::json!([]));
    let public_only = card(&w, "05-blind-elder");
    let opened = card::open(&public_only, &w.trust_store(now()), now(), None, None).unwrap();
    if matches!(opened.private, PrivateOutcome::Absent) {
        let j = serde_json::to_value(CardView::opened(&opened, Lang::En)).unwrap();
        assert_eq!(j["private"], serde_json::Value::Null);
    }
}

#[test]
fn refusals_fall_into_their_verdicts() {
    let w = DemoWorld::new(1);
    let bytes = card(&w, "01-deaf-adult");
    let id = card::open(&bytes, &w.trust_store(now()), now(), None, None)
        .unwrap()
        .card_id;

    let expired = view(
        &w,
        &bytes,
        false,
        None,
        UnixTime(DEMO_EPOCH.0 + 40 * DAY),
        Lang::Ja,
    );
    assert_eq!(
        (expired.verdict, expired.status),
        (Verdict::Expired, "expired")
    );
    let early = view(&w, &bytes, false, None, DEMO_EPOCH, Lang::Ja);
    assert_eq!(
        (early.verdict, early.status),
        (Verdict::Expired, "not_yet_valid")
    );

    let revs = revocations(&w, vec![id]);
    let revoked = view(&w, &bytes, false, Some(&revs), now(), Lang::Ja);
    assert_eq!(
        (revoked.verdict, revoked.status),
        (Verdict::Revoked, "revoked")
    );

    let stranger = DemoWorld::new(2);
    let foreign = view(&stranger, &bytes, false, None, now(), Lang::Ja);
    assert_eq!(foreign.verdict, Verdict::UnknownIssuer);

    let mut altered = bytes.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let tampered = view(&w, &altered, false, None, now(), Lang::Ja);
    assert_eq!(
        (tampered.verdict, tampered.status),
        (Verdict::Tampered, "bad_signature")
    );

    let cut = view(&w, &bytes[..bytes.len() / 2], false, None, now(), Lang::Ja);
    assert_eq!(cut.verdict, Verdict::Unreadable);

    for refused in [&expired, &revoked, &foreign, &tampered, &cut] {
        assert!(refused.card.is_none() && refused.public.is_none() && refused.private.is_none());
        assert!(!refused.verdict.is_verified());
        let json = serde_json::to_value(refused).unwrap();
        assert_eq!(json["status"], refused.status);
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[test]
fn a_private_part_for_another_group_is_a_warning_not_a_refusal() {
    let w = DemoWorld::new(1);
    let bytes = card(&w, "04-wheelchair-medcare");
    let opened = card::open(
        &bytes,
        &w.trust_store(now()),
        now(),
        Some(&responder(2)),
        None,
    )
    .unwrap();
    let v = CardView::opened(&opened, Lang::EasyJa);
    assert_eq!(v.verdict, Verdict::VerifiedWithWarning);
    assert!(v.warnings.contains(&"private_part_unavailable"), "{v:?}");
    assert!(matches!(
        v.private,
        Some(PrivateView::Failed {
            code: "no_matching_responder_key",
            ..
        })
    ));
}

#[test]
fn every_verdict_speaks_every_language_in_its_own_words() {
    let mut codes = std::collections::HashSet::new();
    for v in Verdict::ALL {
        assert!(codes.insert(v.code()));
        let [ja, en, easy] =
            [Lang::Ja, Lang::En, Lang::EasyJa].map(|l| (v.headline(l), v.advice(l)));
        assert!(ja != en && ja != easy && en != easy, "{v:?}");
        // Japanese text is not English wrapped in Japanese: no Latin words in it.
        for text in [ja.0, ja.1, easy.0, easy.1] {
            assert!(
                !text.chars().any(|c| c.is_ascii_alphabetic()),
                "{v:?}: {text}"
            );
        }
        assert!(en.0.is_ascii() && en.1.is_ascii(), "{v:?}");
    }
    assert_eq!(codes.len(), 8);
}

#[test]
fn error_messages_exist_in_every_language() {
    let errors = [
        OpenError::BadSignature,
        OpenError::Revoked,
        OpenError::Expired(DEMO_EPOCH),
        OpenError::BadCbor,
        OpenError::NoPrivatePart,
        OpenError::DecryptionFailed,
    ];
    for e in errors {
        let [ja, en, easy] = [Lang::Ja, Lang::En, Lang::EasyJa].map(|l| e.message(l));
        assert!(!ja.chars().any(|c| c.is_ascii_alphabetic()), "{e:?}: {ja}");
        assert!(en.is_ascii() && !en.is_empty(), "{e:?}");
        assert_ne!(ja, easy, "{e:?}");
    }
}

#[test]
fn dates_are_written_as_each_reader_writes_them() {
    let d = Date::from_ymd(2029, 11, 28).unwrap();
    assert_eq!(date_text(d, Lang::Ja), "2029年11月28日");
    assert_eq!(date_text(d, Lang::En), "2029-11-28");
    assert_eq!(date_text(d, Lang::EasyJa), "2029ねん11がつ28にち");
    assert_eq!(
        UnixTime(DEMO_EPOCH.0 + 3661).to_iso8601(),
        "2026-01-01T01:01:01Z"
    );
    // A card expiring at midnight is valid until the day before.
    assert_eq!(
        last_valid_day(UnixTime(DEMO_EPOCH.0 + DAY)),
        DEMO_EPOCH.date()
    );
}

#[test]
fn codes_from_a_newer_vocabulary_show_as_unknown_not_refused() {
    let w = DemoWorld::new(1);
    let mut p = profile("01-deaf-adult");
    p.public.help.push(crate::profile::HelpCode(900));
    let validity = Validity {
        issued_at: UnixTime(DEMO_EPOCH.0 + DAY),
        expires_at: UnixTime(DEMO_EPOCH.0 + 31 * DAY),
    };
    let bytes = w
        .issue(&p, validity, &mut StreamRng::from_seed(3))
        .unwrap()
        .bytes;
    let v = view(&w, &bytes, false, None, now(), Lang::Ja);
    assert!(v.verdict.is_verified());
    let last = v.public.unwrap().help.pop().unwrap();
    assert_eq!(
        (last.code, last.key, last.label.as_str()),
        (900, None, "不明なコード 900")
    );
}

#[test]
fn direction_marks_and_controls_in_card_text_are_shown_not_obeyed() {
    assert_eq!(shown("電話 \u{202e}4321-090"), "電話 \\u{202e}4321-090");
    assert_eq!(shown("\u{1b}[2J赤\u{2066}"), "\\u{001b}[2J赤\\u{2066}");
    // Line breaks are the one control a multi-line field may hold.
    assert_eq!(shown("一行目\n二行目"), "一行目\n二行目");
    // A card is signed by an issuer, not checked by the screen: even a private part that an
    // issuer should have refused reaches the page escaped.
    let mut part = profile("02-autism-teen").private.unwrap();
    part.notes = "090-\u{202e}1234".into();
    let sections = private_sections(&part, Lang::Ja);
    let notes = sections.iter().find(|s| s.id == "notes").unwrap();
    assert_eq!(notes.items[0].value, "090-\\u{202e}1234");
}

#[test]
fn a_card_says_how_old_its_details_are_and_past_a_year_that_they_may_have_changed() {
    let w = DemoWorld::new(1);
    let issued = UnixTime(DEMO_EPOCH.0 + DAY);
    let validity = Validity {
        issued_at: issued,
        expires_at: UnixTime(issued.0 + 3 * 365 * DAY),
    };
    let bytes = w
        .issue(
            &profile("03-epilepsy-child"),
            validity,
            &mut StreamRng::from_seed(9),
        )
        .unwrap()
        .bytes;
    let fresh = view(
        &w,
        &bytes,
        false,
        None,
        UnixTime(issued.0 + 60 * DAY),
        Lang::Ja,
    );
    let facts = fresh.card.unwrap();
    assert_eq!(facts.written, date_text(issued.date(), Lang::Ja));
    assert_eq!(facts.age_note, None);
    assert_eq!(fresh.labels.written, "内容を書いた日");
    let old = view(
        &w,
        &bytes,
        false,
        None,
        UnixTime(issued.0 + 396 * DAY),
        Lang::Ja,
    );
    assert_eq!(old.verdict, fresh.verdict, "age is a note, not a verdict");
    let note = old.card.unwrap().age_note.unwrap();
    assert!(
        note.contains("13か月前") && note.contains("変わっているかもしれません"),
        "{note}"
    );
    let easy = view(
        &w,
        &bytes,
        false,
        None,
        UnixTime(issued.0 + 396 * DAY),
        Lang::EasyJa,
    );
    assert!(
        easy.card
            .unwrap()
            .age_note
            .unwrap()
            .contains("かわって いるかも")
    );
    let english = view(
        &w,
        &bytes,
        false,
        None,
        UnixTime(issued.0 + 396 * DAY),
        Lang::En,
    );
    let json = serde_json::to_value(&english).unwrap();
    assert!(json["age_note"].as_str().unwrap().contains("months ago"));
}

#[test]
fn a_pre_release_card_has_its_own_verdict_and_says_to_ask_for_a_new_card() {
    let refused: Result<crate::card::Opened, OpenError> = Err(OpenError::PreRelease);
    let v = CardView::new(&refused, Lang::Ja);
    assert_eq!((v.verdict, v.status), (Verdict::PreRelease, "pre_release"));
    assert!(v.headline.contains("試作版"), "{}", v.headline);
    assert!(
        v.message
            .as_deref()
            .unwrap_or_default()
            .contains("新しいカード")
    );
    let en = CardView::new(&refused, Lang::En);
    assert!(
        en.message
            .as_deref()
            .unwrap_or_default()
            .contains("new card")
    );
}
