//! The key service's refusals: the stable codes of its JSON answers (`{"error": CODE, ...}`)
//! and their words, so that every client says them in its reader's language. The service sends
//! codes; the web page (through the WASM module), the kiosk and the CLI choose the words.
//!
//! A refusal about the card itself carries the card's [`OpenError::code`] as its `error` (and
//! the [`Verdict`](crate::view::Verdict) as `verdict`); [`words`] covers both kinds.

use crate::error::OpenError;
use crate::vocab::Lang;

/// Why the key service refused a request (apart from refusing the card itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// The request is not what the endpoint takes.
    BadRequest,
    /// The request body is too large.
    TooLarge,
    /// The request arrived too slowly.
    TooSlow,
    /// No such file or list.
    NotFound,
    /// The request came from another site's page.
    BadOrigin,
    /// Too many requests without a session from this address or overall.
    SlowDown,
    /// Too many sign-ins under way.
    Busy,
    /// Not signed in, or the session ended.
    NoSession,
    /// Two session cookies.
    TwoSessions,
    /// The person's access was withdrawn.
    PersonRevoked,
    /// The sign-in or registration took too long, or was finished twice.
    CeremonyUnknown,
    /// The invite code is wrong, used or withdrawn.
    InviteInvalid,
    /// The passkey was not accepted.
    PasskeyRefused,
    /// Too many cards opened in the last hour.
    RateLimited,
    /// The person's group may not open cards of this responder key.
    GroupNotAllowed,
    /// The card is for another group's responders.
    OtherGroup,
    /// The service holds no revocation list for the card's issuer.
    NoCurrentList,
    /// The service's revocation list for the card's issuer is out of date.
    ListOutOfDate,
    /// The service failed.
    Internal,
    /// The service cannot reach its database just now (it recovers by itself): try again.
    Unavailable,
    /// The person's role may not do this (a responder at the issuing desk, an issuer at an
    /// admin's task).
    RoleRefused,
    /// This service runs no issuing desk.
    NoDesk,
    /// The issuer key is locked: an admin unlocks it for the day.
    IssuerKeyLocked,
    /// The issuer key's passphrase is wrong.
    WrongPassphrase,
    /// The form has problems (each named with its field).
    FormInvalid,
    /// The card would be too large to print and scan.
    CardTooLarge,
    /// Nobody confirmed what goes on the card.
    ConsentMissing,
    /// No such card in the registry.
    NotRegistered,
    /// The card was revoked before.
    AlreadyRevoked,
    /// No help card's QR code was found in the picture.
    NoCardFound,
    /// An opening without a reason (or an "other" without its words).
    ReasonMissing,
    /// Rows from a kiosk the service has not enrolled (or withdrew), or not signed by its key.
    KioskNotEnrolled,
    /// A kiosk's rows out of order: the service says which row it needs next.
    RowsOutOfOrder,
}

impl Refusal {
    /// Every refusal.
    pub const ALL: [Refusal; 33] = [
        Refusal::BadRequest,
        Refusal::TooLarge,
        Refusal::TooSlow,
        Refusal::NotFound,
        Refusal::BadOrigin,
        Refusal::SlowDown,
        Refusal::Busy,
        Refusal::NoSession,
        Refusal::TwoSessions,
        Refusal::PersonRevoked,
        Refusal::CeremonyUnknown,
        Refusal::InviteInvalid,
        Refusal::PasskeyRefused,
        Refusal::RateLimited,
        Refusal::GroupNotAllowed,
        Refusal::OtherGroup,
        Refusal::NoCurrentList,
        Refusal::ListOutOfDate,
        Refusal::Internal,
        Refusal::Unavailable,
        Refusal::RoleRefused,
        Refusal::NoDesk,
        Refusal::IssuerKeyLocked,
        Refusal::WrongPassphrase,
        Refusal::FormInvalid,
        Refusal::CardTooLarge,
        Refusal::ConsentMissing,
        Refusal::NotRegistered,
        Refusal::AlreadyRevoked,
        Refusal::NoCardFound,
        Refusal::ReasonMissing,
        Refusal::KioskNotEnrolled,
        Refusal::RowsOutOfOrder,
    ];

    /// The stable code (the answer's `error`).
    pub fn code(self) -> &'static str {
        match self {
            Refusal::BadRequest => "bad_request",
            Refusal::TooLarge => "too_large",
            Refusal::TooSlow => "too_slow",
            Refusal::NotFound => "not_found",
            Refusal::BadOrigin => "bad_origin",
            Refusal::SlowDown => "slow_down",
            Refusal::Busy => "busy",
            Refusal::NoSession => "no_session",
            Refusal::TwoSessions => "two_sessions",
            Refusal::PersonRevoked => "person_revoked",
            Refusal::CeremonyUnknown => "ceremony_unknown",
            Refusal::InviteInvalid => "invite_invalid",
            Refusal::PasskeyRefused => "passkey_refused",
            Refusal::RateLimited => "rate_limited",
            Refusal::GroupNotAllowed => "group_not_allowed",
            Refusal::OtherGroup => "other_group",
            Refusal::NoCurrentList => "no_current_list",
            Refusal::ListOutOfDate => "list_out_of_date",
            Refusal::Internal => "internal",
            Refusal::Unavailable => "unavailable",
            Refusal::RoleRefused => "role_refused",
            Refusal::NoDesk => "no_desk",
            Refusal::IssuerKeyLocked => "issuer_key_locked",
            Refusal::WrongPassphrase => "wrong_passphrase",
            Refusal::FormInvalid => "form_invalid",
            Refusal::CardTooLarge => "card_too_large",
            Refusal::ConsentMissing => "consent_missing",
            Refusal::NotRegistered => "not_registered",
            Refusal::AlreadyRevoked => "already_revoked",
            Refusal::NoCardFound => "no_card_found",
            Refusal::ReasonMissing => "reason_missing",
            Refusal::KioskNotEnrolled => "kiosk_not_enrolled",
            Refusal::RowsOutOfOrder => "rows_out_of_order",
        }
    }

    /// The refusal of a code; `None` for any other text.
    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What happened and what to do, in `lang`, for the responder at the page.
    pub fn message(self, lang: Lang) -> &'static str {
        let [ja, en, easy] = match self {
            Refusal::BadRequest => [
                "要求の形が正しくありません。ページを読み込み直してください。",
                "The request was not in the form the service takes. Reload the page.",
                "うまく いきませんでした。ページを よみこみ なおして ください。",
            ],
            Refusal::TooLarge => [
                "送った内容が大きすぎます。",
                "What was sent is too large.",
                "おくった ものが おおきすぎます。",
            ],
            Refusal::TooSlow => [
                "通信が遅すぎて受け取れませんでした。電波のよい場所でもう一度試してください。",
                "The request arrived too slowly. Try again where the connection is better.",
                "つうしんが おそすぎました。もう いちど して ください。",
            ],
            Refusal::NotFound => ["見つかりません。", "Not found.", "みつかりません。"],
            Refusal::BadOrigin => [
                "別のサイトのページからの要求は受け付けません。",
                "Requests from another site's page are refused.",
                "ほかの ページからは つかえません。",
            ],
            Refusal::SlowDown => [
                "要求が多すぎます。少し待ってからもう一度試してください。",
                "Too many requests. Wait a little, then try again.",
                "すこし まってから もう いちど して ください。",
            ],
            Refusal::Busy => [
                "サインイン中の人が多すぎます。1分ほど待ってからもう一度試してください。",
                "Too many sign-ins are under way. Try again in a minute.",
                "いま こんで います。すこし まって ください。",
            ],
            Refusal::NoSession => [
                "サインインしていないか、時間が経って終了しました。パスキーでサインインしてください。",
                "You are not signed in, or your session ended. Sign in with your passkey.",
                "もう いちど パスキーで はいって ください。",
            ],
            Refusal::TwoSessions => [
                "サインインの情報が二重になっています。サインアウトしてからもう一度サインインしてください。",
                "Two sign-ins were sent at once. Sign out, then sign in again.",
                "いちど でて、もう いちど はいって ください。",
            ],
            Refusal::PersonRevoked => [
                "支援の詳細を開く権限は取り消されました。",
                "Your access to support details has been withdrawn.",
                "あなたは もう くわしい ことを みられません。",
            ],
            Refusal::CeremonyUnknown => [
                "時間がかかりすぎたか、すでに終わった手続きです。最初からやり直してください。",
                "This took too long, or was already finished. Start again.",
                "じかんが たちました。はじめから やりなおして ください。",
            ],
            Refusal::InviteInvalid => [
                "招待コードが違うか、使用済みか、取り消されています。発行窓口に確認してください。",
                "The invite code is wrong, used or withdrawn. Ask the issuing office.",
                "しょうたい コードが つかえません。まどぐちに きいて ください。",
            ],
            Refusal::PasskeyRefused => [
                "パスキーを確認できませんでした。もう一度試してください。",
                "The passkey was not accepted. Try again.",
                "パスキーが つかえませんでした。もう いちど して ください。",
            ],
            Refusal::RateLimited => [
                "この1時間に開いたカードが上限に達しました。しばらく待つか、発行窓口に連絡してください。",
                "You have opened the most cards allowed in an hour. Wait, or call the issuing office.",
                "たくさん ひらいたので、しばらく まって ください。",
            ],
            Refusal::GroupNotAllowed => [
                "あなたのグループはこのカードの支援の詳細を開けません。",
                "Your group may not open this card's support details.",
                "あなたの グループは この カードを ひらけません。",
            ],
            Refusal::OtherGroup => [
                "このカードは別のグループの応答者向けです。",
                "This card is for another group's responders.",
                "この カードは ほかの グループの ための ものです。",
            ],
            Refusal::NoCurrentList => [
                "鍵サービスにこの発行者の失効リストがないため、支援の詳細を開けません。発行窓口に連絡してください。",
                "The key service holds no revocation list for this issuer, so it opens none of its cards. Call the issuing office.",
                "いまは ひらけません。まどぐちに れんらく して ください。",
            ],
            Refusal::ListOutOfDate => [
                "鍵サービスの失効リストが古いため、支援の詳細を開けません。発行窓口に連絡してください。",
                "The key service's revocation list is out of date, so it opens none of this issuer's cards. Call the issuing office.",
                "いまは ひらけません。まどぐちに れんらく して ください。",
            ],
            Refusal::Internal => [
                "鍵サービスに問題が起きました。しばらくしてからもう一度試してください。",
                "The key service failed. Try again later.",
                "うまく いきませんでした。あとで もう いちど して ください。",
            ],
            Refusal::Unavailable => [
                "鍵サービスが一時的に使えません。1分ほど待ってからもう一度試してください。",
                "The key service is briefly unavailable. Try again in a minute.",
                "いまは つかえません。すこし まってから もう いちど して ください。",
            ],
            Refusal::RoleRefused => [
                "この操作はあなたの役割ではできません。",
                "Your role may not do this.",
                "あなたは これを できません。",
            ],
            Refusal::NoDesk => [
                "この鍵サービスには発行窓口がありません。",
                "This key service runs no issuing desk.",
                "ここでは カードを つくれません。",
            ],
            Refusal::IssuerKeyLocked => [
                "発行者の鍵がロックされています。発行するには管理者が鍵を解錠してください。",
                "The issuer key is locked. An admin must unlock it before cards can be issued.",
                "いまは カードを つくれません。せきにんしゃに たのんで ください。",
            ],
            Refusal::WrongPassphrase => [
                "パスフレーズが違います。",
                "Wrong passphrase.",
                "あいことばが ちがいます。",
            ],
            Refusal::FormInvalid => [
                "入力に誤りがあります。印の付いた項目を直してください。",
                "The form has problems. Correct the marked fields.",
                "なおす ところが あります。",
            ],
            Refusal::CardTooLarge => [
                "カードに入りきりません。支援の詳細の文章を短くしてください。",
                "The card would be too large. Shorten the support details' texts.",
                "ながすぎます。ぶんを みじかく して ください。",
            ],
            Refusal::ConsentMissing => [
                "カードの内容を本人（または家族・代理人）が確認したことを記録してください。",
                "Record that the holder (or family, or a representative) confirmed what goes on the card.",
                "ほんにんが たしかめた ことを きろく して ください。",
            ],
            Refusal::NotRegistered => [
                "このカードは登録簿にありません。",
                "This card is not in the registry.",
                "この カードは ありません。",
            ],
            Refusal::AlreadyRevoked => [
                "このカードはすでに失効しています。",
                "This card is already revoked.",
                "この カードは もう つかえません。",
            ],
            Refusal::ReasonMissing => [
                "支援の詳細を開く理由を選んでください（「その他」は内容を短く書いてください）。",
                "Choose why you open the support details (for \"Other\", say why in a few words).",
                "ひらく りゆうを えらんで ください。",
            ],
            Refusal::KioskNotEnrolled => [
                "この端末は鍵サービスに登録されていないか、登録の鍵で署名されていません。管理者に登録を頼んでください。",
                "This kiosk is not enrolled at the key service, or did not sign with its enrolled key. Ask an admin to enroll it.",
                "この きかいは とうろく されて いません。せきにんしゃに たのんで ください。",
            ],
            Refusal::RowsOutOfOrder => [
                "記録の順番が合いません。端末は指定された行から送り直します。",
                "The rows are out of order: the kiosk sends again from the row the service names.",
                "じゅんばんが ちがいます。もう いちど おくります。",
            ],
            Refusal::NoCardFound => [
                "画像にヘルプカードの QR コードが見つかりません。カードやスマートフォンの画面をまっすぐ写してください。",
                "No help card's QR code was found in the picture. Take it straight on, the whole code in view.",
                "QR コードが みつかりません。まっすぐ うつして ください。",
            ],
        };
        lang.pick(ja, en, easy)
    }
}

/// The words for a key service's answer `error`: a [`Refusal`]'s, or the card's
/// ([`OpenError::message`]), or, for a code this build does not know (a newer service), a
/// sentence naming it.
pub fn words(error: &str, lang: Lang) -> String {
    if let Some(r) = Refusal::from_code(error) {
        return r.message(lang).to_owned();
    }
    if let Some(e) = OpenError::from_code(error) {
        return e.message(lang);
    }
    lang.pick(
        format!("鍵サービスが断りました（コード {error}）。"),
        format!("The key service refused (code {error})."),
        format!("ことわられました（{error}）。"),
    )
}

#[cfg(test)]
#[path = "refusal_tests.rs"]
mod tests;
