//! The screen's own words, in Japanese, English and やさしい日本語. The card's words come from
//! `helpcard_core::view` in the same language.

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
    /// The private part's heading.
    PrivateTitle,
    /// Hide the private part now.
    HideNow,
    /// "Hides in N s" (N follows).
    HidesIn,
    /// The private part was hidden.
    PrivateHidden,
    /// The card has a private part, the kiosk is locked.
    PrivateLocked,
    /// Back to scanning.
    NextCard,
    /// The help the holder asks for.
    HelpTitle,
    /// The holder's message.
    MessageTitle,
    /// The card's facts.
    CardTitle,
    /// Issuer.
    Issuer,
    /// Card id.
    CardId,
    /// Valid until.
    ValidUntil,
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
        PrivateTitle => [
            "支援の詳細 (関係者のみ)",
            "Support details (responders only)",
            "たすける ための くわしい こと",
        ],
        HideNow => ["今すぐ隠す", "Hide now", "いま かくす"],
        HidesIn => ["隠れるまで (秒)", "Hides in (s)", "かくれるまで (びょう)"],
        PrivateHidden => [
            "支援の詳細は隠しました。もう一度カードをかざすと表示します。",
            "Support details are hidden. Hold the card up again to show them.",
            "くわしい ことは かくしました。もう いちど カードを みせて ください",
        ],
        PrivateLocked => [
            "このカードには支援の詳細があります。表示するには解錠してください。",
            "This card has support details. Unlock the kiosk to show them.",
            "くわしい ことが あります。かぎを あけると みられます",
        ],
        NextCard => ["次のカード", "Next card", "つぎの カード"],
        HelpTitle => [
            "この人に必要な手助け",
            "Help this person needs",
            "この ひとに ひつような てだすけ",
        ],
        MessageTitle => [
            "本人からのメッセージ",
            "Message from the holder",
            "ほんにんからの メッセージ",
        ],
        CardTitle => ["カード情報", "Card", "カードの こと"],
        Issuer => ["発行", "Issuer", "だした ところ"],
        CardId => ["カード番号", "Card id", "カードの ばんごう"],
        ValidUntil => ["有効期限", "Valid until", "つかえる きげん"],
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
    match lang {
        Lang::En => en,
        Lang::EasyJa => easy,
        _ => ja,
    }
}

/// The language switch's names, each in its own language.
pub const LANGUAGES: [(Lang, &str); 3] = [
    (Lang::Ja, "日本語"),
    (Lang::En, "English"),
    (Lang::EasyJa, "やさしい にほんご"),
];
