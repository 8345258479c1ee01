//! The screen's own words (its controls, the camera, the shift), in Japanese, English and
//! やさしい日本語. The card's words, and the names of its parts, come from `helpcard_core::view`
//! ([`Labels`](helpcard_core::view::Labels)) in the same language.

use helpcard_core::vocab::Lang;

/// A piece of the screen's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    /// The scanning screen's instruction.
    HoldCard,
    /// The camera stalled and is being reopened.
    CameraStalled,
    /// The camera failed and is being reopened.
    CameraFailed,
    /// No camera: retrying.
    CameraMissing,
    /// The shift is locked.
    Locked,
    /// The shift is unlocked.
    Unlocked,
    /// Unlock button.
    Unlock,
    /// Lock button.
    Lock,
    /// The passphrase field.
    Passphrase,
    /// Hide the private part now.
    HideNow,
    /// "Hides in N s" (N follows).
    HidesIn,
    /// What unlocks a card's private part here (after the view's "locked" note).
    UnlockToShow,
    /// Back to scanning.
    NextCard,
    /// Before the private part shows: why it is opened.
    ChooseReason,
    /// The words of an "other" reason.
    OtherReason,
    /// The lists could not be updated.
    ListsProblem,
    /// The audit log failed: the kiosk stopped.
    AuditStopped,
    /// The camera preview's description.
    Preview,
    /// A file source ended.
    SourceEnded,
}

/// `word` in `lang`.
pub fn say(word: Word, lang: Lang) -> &'static str {
    use Word::*;
    let [ja, en, easy] = match word {
        HoldCard => [
            "ヘルプカードをカメラにかざしてください",
            "Hold the help card up to the camera",
            "ヘルプカードを カメラに みせて ください",
        ],
        CameraStalled => [
            "カメラの映像が止まりました。つなぎ直しています…",
            "The camera stopped sending pictures. Reconnecting…",
            "カメラが とまりました。いま なおして います",
        ],
        CameraFailed => [
            "カメラに問題が起きました。つなぎ直しています…",
            "The camera failed. Reconnecting…",
            "カメラが こわれたかも しれません。いま なおして います",
        ],
        CameraMissing => [
            "カメラが見つかりません。ケーブルを確かめてください。再試行しています…",
            "No camera found. Check its cable. Retrying…",
            "カメラが ありません。ケーブルを みて ください",
        ],
        Locked => [
            "施錠中: 支援の詳細は表示されません",
            "Locked: support details are not shown",
            "かぎが かかって います",
        ],
        Unlocked => [
            "解錠中: 支援の詳細を表示します",
            "Unlocked: support details are shown",
            "かぎが あいて います",
        ],
        Unlock => ["解錠する", "Unlock", "かぎを あける"],
        Lock => ["施錠する", "Lock", "かぎを しめる"],
        Passphrase => ["パスフレーズ", "Passphrase", "あいことば"],
        HideNow => ["今すぐ隠す", "Hide now", "いま かくす"],
        HidesIn => ["隠れるまで (秒)", "Hides in (s)", "かくれるまで (びょう)"],
        UnlockToShow => [
            "表示するには解錠してください。",
            "Unlock the kiosk to show them.",
            "かぎを あけると みられます。",
        ],
        NextCard => ["次のカード", "Next card", "つぎの カード"],
        ChooseReason => [
            "開く理由を選んでください（記録され、本人に知らされます）",
            "Choose why you open it (recorded, and the holder is told)",
            "ひらく りゆうを えらんで ください",
        ],
        OtherReason => ["その他の理由", "Other reason", "そのほかの りゆう"],
        ListsProblem => [
            "リストを更新できません。前回のリストを使っています",
            "The lists could not be updated; the last good ones are in use",
            "リストが あたらしく なりません",
        ],
        AuditStopped => [
            "記録 (監査ログ) に書き込めないため停止しました。管理者に連絡してください",
            "Stopped: the audit log cannot be written. Call the administrator",
            "きろくが できないので とまりました。せきにんしゃを よんで ください",
        ],
        Preview => ["カメラの映像", "Camera view", "カメラの えいぞう"],
        SourceEnded => [
            "映像の終わりです",
            "The video has ended",
            "えいぞうが おわりました",
        ],
    };
    lang.pick(ja, en, easy)
}

/// The language switch's names, each in its own language.
pub const LANGUAGES: [(Lang, &str); 3] = [
    (Lang::Ja, "日本語"),
    (Lang::En, "English"),
    (Lang::EasyJa, "やさしい にほんご"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word in three languages; no Latin letters in the Japanese ones, no Japanese in the
    /// English ones.
    #[test]
    fn every_word_is_in_each_language_and_only_in_it() {
        use Word::*;
        let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}');
        for word in [
            HoldCard,
            CameraStalled,
            CameraFailed,
            CameraMissing,
            Locked,
            Unlocked,
            Unlock,
            Lock,
            Passphrase,
            HideNow,
            HidesIn,
            UnlockToShow,
            NextCard,
            ChooseReason,
            OtherReason,
            ListsProblem,
            AuditStopped,
            Preview,
            SourceEnded,
        ] {
            for lang in [Lang::Ja, Lang::EasyJa] {
                let text = say(word, lang);
                assert!(text.chars().any(japanese), "{word:?} {lang:?}: {text}");
                assert!(
                    !text.chars().any(|c| c.is_ascii_alphabetic()),
                    "{word:?}: {text}"
                );
            }
            let en = say(word, Lang::En);
            assert!(
                !en.is_empty() && !en.chars().any(japanese),
                "{word:?}: {en}"
            );
        }
    }
}
