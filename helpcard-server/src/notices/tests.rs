use super::*;

#[test]
fn a_notice_says_who_when_and_why_in_the_readers_language_and_nothing_else() {
    let config = NoticeConfig {
        contact: "武蔵野市 障害者福祉課 0422-60-1234".into(),
        organisations: [("ems".to_owned(), "武蔵野消防署".to_owned())].into(),
    };
    let to = [
        NotifyTo::parse("holder@example.jp", Lang::Ja).unwrap(),
        NotifyTo::parse("family@example.jp", Lang::En).unwrap(),
    ];
    let reason = Given::parse("emergency_transport", "").unwrap();
    // 2026-12-05 10:43 UTC is 19:43 in Japan.
    let at = 1_796_467_380;
    let m = messages(
        &config,
        &to,
        "0123456789abcdef",
        Opener::Person {
            group: "ems",
            role: Some(Role::Responder),
        },
        &reason,
        at,
    );
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].to, "holder@example.jp");
    for needle in [
        "武蔵野消防署",
        "応答者",
        "救急搬送",
        "2026年12月5日 19:43",
        "0422-60-1234",
        "やさしい にほんご",
        "きゅうきゅうしゃで はこぶ",
    ] {
        assert!(m[0].body.contains(needle), "{needle}: {}", m[0].body);
    }
    assert!(
        m[1].body.contains("Emergency transport") && m[1].subject.starts_with("Your help card")
    );
    // The person's name is not the holder's business; the organisation and role are.
    assert!(!m[0].body.contains("山田"));
    assert_eq!(
        (backoff(30, 0), backoff(30, 1), backoff(30, 20)),
        (30, 60, 3600)
    );
}
