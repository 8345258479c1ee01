//! The screen driven through AccessKit (egui_kittest): what a screen reader finds on it, the
//! buttons, the private part's clearing, the language switch, the camera's state.
#![allow(clippy::unwrap_used)]

use std::cell::Cell;
use std::rc::Rc;

use super::*;
use crate::scan::CardEvent;
use crate::shift::UnlockError;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use helpcard_core::card::{self, ResponderKeys};
use helpcard_core::date::UnixTime;
use helpcard_core::demo::DemoSet;
use helpcard_core::testing::StreamRng;
use helpcard_core::view::PrivateState;

const NOW: UnixTime = UnixTime(1_790_000_000);

/// The demo set's cards opened as a kiosk would, with or without the responder key.
fn opened(name: &str, unlocked: bool) -> Box<Scanned> {
    let set = DemoSet::new(NOW, &mut StreamRng::from_seed(3)).unwrap();
    let (trust, revocations) = set.lists(NOW).unwrap();
    let card = set.cards.iter().find(|c| c.name == name).unwrap();
    let keys = ResponderKeys::new(vec![set.world.responder]);
    let opened = card::open(
        &card.bytes,
        &trust,
        NOW,
        unlocked.then_some(&keys),
        Some(&revocations),
    );
    Box::new(Scanned {
        event: CardEvent {
            event: "card",
            status: "",
            card_id: None,
            private: PrivateState::Shown,
            headline: "",
        },
        opened,
    })
}

/// A harness over a screen, with a clock the test moves.
fn harness(screen: Screen) -> (Harness<'static, Screen>, Rc<Cell<Instant>>) {
    let clock = Rc::new(Cell::new(Instant::now()));
    let time = clock.clone();
    let mut fonts = false;
    // The bundled face is installed on the first pass and used from the next: a glyph missing
    // from it would fail the test (egui_kittest's missing-glyph check).
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .build_ui_state(
            move |ui, screen: &mut Screen| {
                if std::mem::replace(&mut fonts, true) {
                    screen.show(ui, time.get());
                } else {
                    super::super::install_font(ui.ctx());
                }
            },
            screen,
        );
    h.run();
    (h, clock)
}

fn screen(unlocked: bool) -> Screen {
    Screen::new(Lang::Ja, Duration::from_secs(30), unlocked, true)
}

/// The responder taps `label` (a reason); the window records it (as `gui::App` does) and the
/// private part shows.
fn say_why(h: &mut Harness<'static, Screen>, label: &str) {
    assert!(
        !h.state().private_visible(),
        "nothing private before the reason"
    );
    h.get_by_label(label).click();
    h.run();
    let actions = h.state_mut().take_actions();
    let [Action::Open(card_id, _, given)] = &actions[..] else {
        panic!("{actions:?}")
    };
    assert_eq!(card_id.len(), 16);
    let given = given.clone();
    h.state_mut().opened_because(Some(given));
    h.run();
}

#[test]
fn a_verified_card_shows_help_and_support_details_until_hidden() {
    let (mut h, clock) = harness(screen(true));
    h.get_by_label("ヘルプカードをカメラにかざしてください");
    h.state_mut()
        .update(Update::Card(opened("01-deaf-adult", true)), clock.get());
    h.run();
    // The banner's icon and words, the help asked for, the private part grouped.
    h.get_by_label_contains("確認済みのヘルプカード");
    h.get_by_label("・筆談でお願いします");
    h.get_by_label("支援の詳細（応答者のみ）");
    // Nothing private until the responder says why.
    h.get_by_label_contains("開く理由を選んでください");
    assert!(h.query_by_label("田中 美咲（たなか みさき）").is_none());
    say_why(&mut h, "施設での支援");
    h.get_by_label("田中 美咲（たなか みさき）");
    assert!(h.state().private_visible());

    h.get_by_label("今すぐ隠す").click();
    h.run();
    assert!(!h.state().private_visible());
    assert!(h.query_by_label("田中 美咲（たなか みさき）").is_none());
    h.get_by_label_contains("支援の詳細は隠しました");
    // The public part stays.
    h.get_by_label("・筆談でお願いします");

    // "Next card" goes back to scanning.
    h.get_by_label("次のカード").click();
    h.run();
    h.get_by_label("ヘルプカードをカメラにかざしてください");
}

#[test]
fn the_private_part_clears_by_itself_when_no_one_touches_the_screen() {
    let (mut h, clock) = harness(screen(true));
    h.state_mut()
        .update(Update::Card(opened("03-epilepsy-child", true)), clock.get());
    h.run();
    say_why(&mut h, "救急搬送");
    assert!(h.state().private_visible());
    h.get_by_label_contains("隠れるまで");
    clock.set(clock.get() + Duration::from_secs(29));
    h.run();
    assert!(h.state().private_visible());
    clock.set(clock.get() + Duration::from_secs(2));
    h.run();
    assert!(!h.state().private_visible());
    h.get_by_label_contains("支援の詳細は隠しました");
    // And the result itself returns to scanning a minute after.
    clock.set(clock.get() + Duration::from_secs(60));
    h.run();
    h.get_by_label("ヘルプカードをカメラにかざしてください");
}

#[test]
fn the_language_switch_changes_every_word() {
    let (mut h, clock) = harness(screen(false));
    h.state_mut()
        .update(Update::Card(opened("01-deaf-adult", false)), clock.get());
    h.run();
    h.get_by_label_contains("このカードには支援の詳細があります");
    h.get_by_label("English").click();
    h.run();
    h.get_by_label_contains("Verified help card");
    h.get_by_label("Help this person needs");
    h.get_by_label_contains("Unlock the kiosk to show them");
    h.get_by_label("やさしい にほんご").click();
    h.run();
    h.get_by_label("この ひとに ひつような てだすけ");
    assert_eq!(h.state().lang, Lang::EasyJa);
}

#[test]
fn refused_cards_say_why_in_their_own_colour() {
    let (mut h, clock) = harness(screen(true));
    for (name, words) in [
        ("revoked", "失効"),
        ("tampered", "改ざん"),
        ("expired", "有効期間外"),
        ("foreign-issuer", "発行元"),
    ] {
        let scanned = opened(name, true);
        let verdict = CardView::new(&scanned.opened, Lang::Ja).verdict;
        h.state_mut().update(Update::Card(scanned), clock.get());
        h.run();
        let headline = verdict.headline(Lang::Ja);
        assert!(headline.contains(words), "{name}: {headline}");
        h.get_by_label(&format!("{}  {headline}", verdict_style(verdict).1));
        assert!(!h.state().private_visible(), "{name}");
    }
    let styles: std::collections::HashSet<_> =
        [Verdict::Verified, Verdict::Revoked, Verdict::Expired]
            .map(|v| verdict_style(v).0)
            .into();
    assert_eq!(styles.len(), 3);
}

#[test]
fn unlocking_asks_for_the_passphrase_and_locking_hides_the_private_part() {
    let (mut h, clock) = harness(screen(false));
    h.get_by_label("施錠中: 支援の詳細は表示されません");
    let field = h.get_by_label("パスフレーズ");
    field.focus();
    field.type_text("correct horse");
    h.run();
    h.get_by_label("解錠する").click();
    h.run();
    let actions = h.state_mut().take_actions();
    assert!(
        matches!(&actions[..], [Action::Unlock(p)] if p.as_str() == "correct horse"),
        "{actions:?}"
    );
    // The window unlocked the shift: a card now shows its private part; locking hides it.
    h.state_mut().shift(true, None);
    h.state_mut()
        .update(Update::Card(opened("02-autism-teen", true)), clock.get());
    h.run();
    say_why(&mut h, "安否確認");
    assert!(h.state().private_visible());
    h.get_by_label("施錠する").click();
    h.run();
    assert_eq!(h.state_mut().take_actions(), vec![Action::Lock]);
    h.state_mut().shift(false, None);
    h.run();
    assert!(!h.state().private_visible());
    // A wrong passphrase is said on screen.
    h.state_mut().shift(
        false,
        Some(UnlockError::Key(
            helpcard_core::keys::KeyError::WrongPassphrase,
        )),
    );
    h.run();
    h.get_by_label_contains("パスフレーズが違います");
    assert!(h.query_by_label_contains("wrong passphrase").is_none());
    // The language switch says it again in English, and only in English.
    h.get_by_label("English").click();
    h.run();
    h.get_by_label_contains("wrong passphrase");
    assert!(
        h.query_by_label_contains("パスフレーズが違います")
            .is_none()
    );
}

#[test]
fn camera_trouble_and_old_lists_are_shown() {
    let (mut h, clock) = harness(screen(false));
    h.state_mut().update(
        Update::Camera(CameraState::Stalled {
            source: "camera 0".into(),
        }),
        clock.get(),
    );
    h.run();
    h.get_by_label_contains("カメラの映像が止まりました");
    h.state_mut().update(
        Update::Camera(CameraState::Unavailable {
            message: "camera 0: No such file or directory".into(),
        }),
        clock.get(),
    );
    h.state_mut().lists(&["trust.cbor: expired".into()]);
    h.run();
    h.get_by_label_contains("カメラが見つかりません");
    h.get_by_label_contains("前回のリストを使っています");
    h.state_mut().lists(&[]);
    h.run();
    assert!(h.query_by_label_contains("前回のリスト").is_none());
}

#[test]
fn the_details_age_is_shown_and_past_a_year_that_they_may_have_changed() {
    let (mut h, clock) = harness(screen(false));
    h.state_mut()
        .update(Update::Card(opened("01-deaf-adult", false)), clock.get());
    h.run();
    h.get_by_label("内容を書いた日");
    assert!(h.query_by_label_contains("か月前").is_none());
    // The same card read 13 months after it was written.
    let mut old = opened("01-deaf-adult", false);
    if let Ok(o) = old.opened.as_mut() {
        o.checked_at = UnixTime(o.issued_at.0 + 396 * 86_400);
    }
    h.state_mut().update(Update::Card(old), clock.get());
    h.run();
    h.get_by_label_contains("13か月前に書かれました");
}
