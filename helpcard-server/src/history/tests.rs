use helpcard_audit::{Event, Row};

use super::*;

/// A granted opening row at `at` (Unix seconds) by `who` of `card` for `reason`.
fn row(seq: u64, at: u64, who: &str, card: &str, reason: &str) -> Row {
    Row {
        seq,
        event: Event {
            at,
            kind: "unwrap".into(),
            actor: who.into(),
            card_id: Some(card.into()),
            issuer: None,
            result: "granted".into(),
            detail: format!("group=ems {reason}"),
        },
        prev: [0; 32],
        hash: [0; 32],
    }
}

/// 2026-12-01 at `h`:00 Japan time.
fn jst(h: u64) -> u64 {
    1_764_514_800 + h * 3600
}

#[test]
fn openings_are_the_granted_unwrap_rows_with_group_role_and_reason() {
    let mut refused = row(2, jst(10), "b", "c2", "reason=welfare_check");
    refused.event.result = "refused".into();
    let mut other_kind = row(3, jst(10), "b", "c2", "");
    other_kind.event.kind = "sign_in".into();
    let rows = [
        row(1, jst(10), "a", "c1", "reason=other: 近所の人から: 連絡"),
        refused,
        other_kind,
        row(4, jst(11), "gone", "c1", "reason=emergency_transport"),
    ];
    let got = openings(&rows, |p| (p == "a").then_some(Role::Responder));
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].group, "ems");
    assert_eq!(got[0].role, Some(Role::Responder));
    let reason = got[0].reason.clone().unwrap();
    assert_eq!(reason.reason, Reason::Other);
    assert_eq!(reason.text, "近所の人から: 連絡");
    assert_eq!(got[1].role, None);
    assert_eq!(
        got[1].reason.as_ref().map(|r| r.reason),
        Some(Reason::EmergencyTransport)
    );
}

#[test]
fn review_flags_other_reasons_night_openings_and_many_cards_an_hour() {
    let mut rows = vec![
        row(1, jst(10), "a", "c1", "reason=welfare_check"),
        row(2, jst(11), "a", "c1", "reason=other: 確認"),
        row(3, jst(23), "a", "c2", "reason=emergency_transport"),
    ];
    // Person b opens 4 cards within 50 minutes (over a limit of 3), then one more a day later.
    for i in 0..4 {
        rows.push(row(
            10 + i,
            jst(13) + i * 1000,
            "b",
            &format!("d{i}"),
            "reason=facility_support",
        ));
    }
    rows.push(row(20, jst(37), "b", "d9", "reason=facility_support"));
    // Person c opens one card 5 times in an hour: one card, not many.
    for i in 0..5 {
        rows.push(row(
            30 + i,
            jst(14) + i * 60,
            "c",
            "e1",
            "reason=welfare_check",
        ));
    }
    let got = review(
        &openings(&rows, |_| None),
        ReviewRules {
            hours: Some((8 * 3600, 19 * 3600)),
            per_hour: 3,
        },
    );
    let seen: Vec<(u64, Vec<Flag>)> = got.iter().map(|(o, f)| (o.seq, f.clone())).collect();
    assert_eq!(
        seen,
        vec![
            (2, vec![Flag::OtherReason]),
            (3, vec![Flag::OutsideHours]),
            (10, vec![Flag::ManyCards]),
            (11, vec![Flag::ManyCards]),
            (12, vec![Flag::ManyCards]),
            (13, vec![Flag::ManyCards]),
        ]
    );
    // Hours across midnight (a night shift 20:00 to 06:00): 10:00 is outside.
    let night = review(
        &openings(&rows[..1], |_| None),
        ReviewRules {
            hours: Some((20 * 3600, 6 * 3600)),
            per_hour: 3,
        },
    );
    assert_eq!(night[0].1, vec![Flag::OutsideHours]);
}

#[test]
fn the_history_pdf_is_made_with_the_bundled_font() {
    let rows = [row(1, jst(10), "a", "c1", "reason=emergency_transport")];
    let config = NoticeConfig {
        contact: String::new(),
        organisations: [("ems".to_owned(), "武蔵野消防署".to_owned())].into(),
    };
    let font = helpcard_office::pdf::load_font(None).unwrap();
    let pdf = history_pdf(
        &["c1".into()],
        &openings(&rows, |_| Some(Role::Responder)),
        &config,
        jst(12),
        Lang::Ja,
        &font,
    )
    .unwrap();
    // Its words are checked through poppler in tests/history.rs.
    assert!(pdf.starts_with(b"%PDF"));
}
