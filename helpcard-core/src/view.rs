//! The opened card as every screen shows it: the kiosk, the browser scanner, the key service's
//! answers and `helpcard open`. A front end lays it out; it never decides on its own what a
//! result means or how to say it.
//!
//! - a [`Verdict`] — seven categories with stable codes, each with a headline and advice in
//!   Japanese, English and やさしい日本語 — instead of the 20-odd [`OpenError`] variants;
//! - the card's facts (id, issuer, validity), its warnings, the public part with labels;
//! - the private part grouped the way a responder reads it ([`Section`]): about the person, how
//!   to talk with them, what helps, what to avoid, medical, contacts, support office, notes.
//!
//! [`CardView`] serialises (serde) to the JSON that `helpcard open --json` prints: the fields
//! documented there (`status`, `message`, `card_id`, `issuer`, `issuer_name`, `issued_at`,
//! `expires_at`, `revoked`, `warnings`, `public`, `private`) keep their shape, and `verdict`,
//! `headline`, `advice`, `notices`, `private_sections`, `private_state` and `labels` (the
//! view's own words, [`Labels`]) are added for screens.

use serde::Serialize;

use crate::card::{Opened, PrivateOutcome, RevocationStatus, Warning};
use crate::date::{Date, UnixTime};
use crate::error::OpenError;
use crate::profile::{PrivatePart, labels};
use crate::vocab::{Code, Lang};

/// What a screen says first about a scanned card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// Signature verified, in date, not revoked, nothing to add.
    Verified,
    /// Verified, with something the reader should know (an out-of-date list, revocation not
    /// checked, a private part this device cannot open).
    VerifiedWithWarning,
    /// Outside its validity period: expired, or not valid yet (a device clock off).
    Expired,
    /// On the issuer's revocation list (lost or replaced).
    Revoked,
    /// Signed by a key not on the trust list, or not valid when the card was issued.
    UnknownIssuer,
    /// Altered, forged or crafted: the signature, structure or encryption does not hold.
    Tampered,
    /// Not a readable help card: damaged, cut short, or from a newer format.
    Unreadable,
    /// Made by a pre-release version (format 2): genuine once, no longer read; a new card is
    /// needed.
    PreRelease,
}

impl Verdict {
    /// Every verdict, in the order above.
    pub const ALL: [Verdict; 8] = [
        Verdict::Verified,
        Verdict::VerifiedWithWarning,
        Verdict::Expired,
        Verdict::Revoked,
        Verdict::UnknownIssuer,
        Verdict::Tampered,
        Verdict::Unreadable,
        Verdict::PreRelease,
    ];

    /// The stable code (`verified`, `verified_with_warning`, `expired`, `revoked`,
    /// `unknown_issuer`, `tampered`, `unreadable`, `pre_release`): for JSON, CSS classes and
    /// audit rows.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::VerifiedWithWarning => "verified_with_warning",
            Verdict::Expired => "expired",
            Verdict::Revoked => "revoked",
            Verdict::UnknownIssuer => "unknown_issuer",
            Verdict::Tampered => "tampered",
            Verdict::Unreadable => "unreadable",
            Verdict::PreRelease => "pre_release",
        }
    }

    /// The category of a card that could not be opened.
    pub fn of_error(e: &OpenError) -> Verdict {
        match e {
            OpenError::Expired(_) | OpenError::NotYetValid(_) => Verdict::Expired,
            OpenError::Revoked => Verdict::Revoked,
            OpenError::PreRelease => Verdict::PreRelease,
            OpenError::UnknownIssuer(_) | OpenError::IssuerKeyNotValid => Verdict::UnknownIssuer,
            OpenError::QrText(_) | OpenError::BadCbor | OpenError::UnknownVersion(_) => {
                Verdict::Unreadable
            }
            OpenError::UnsupportedAlgorithm(_) | OpenError::UnknownCriticalHeader => {
                Verdict::Unreadable
            }
            _ => Verdict::Tampered,
        }
    }

    /// True when the public part was verified and may be shown.
    pub fn is_verified(self) -> bool {
        matches!(self, Verdict::Verified | Verdict::VerifiedWithWarning)
    }

    /// The banner's words, a few at most.
    pub fn headline(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                Verdict::Verified => (
                    "確認済みのヘルプカード",
                    "Verified help card",
                    "ほんものの ヘルプカードです",
                ),
                Verdict::VerifiedWithWarning => (
                    "確認済み（注意があります）",
                    "Verified, with a warning",
                    "ほんものです（ちゅうい が あります）",
                ),
                Verdict::Expired => (
                    "有効期間外のカード",
                    "Card not in its valid period",
                    "きげんが ちがう カードです",
                ),
                Verdict::Revoked => (
                    "失効したカード",
                    "Revoked card",
                    "つかえなく なった カードです",
                ),
                Verdict::UnknownIssuer => (
                    "発行元を確認できません",
                    "Issuer not recognised",
                    "だれが つくったか わかりません",
                ),
                Verdict::Tampered => (
                    "改ざんされたカード",
                    "Altered or forged card",
                    "かえられた カードです",
                ),
                Verdict::Unreadable => (
                    "読み取れません",
                    "Cannot read this card",
                    "よめませんでした",
                ),
                Verdict::PreRelease => (
                    "試作版のカード",
                    "Pre-release card",
                    "ためしに つくった カードです",
                ),
            },
        )
    }

    /// What the reader should do now.
    pub fn advice(self, lang: Lang) -> &'static str {
        pick(
            lang,
            match self {
                Verdict::Verified => (
                    "発行元の署名を確認しました。書かれている支援をお願いします。",
                    "The issuer's signature checks out. Please give the help asked for.",
                    "かいてある ことを てつだって ください。",
                ),
                Verdict::VerifiedWithWarning => (
                    "発行元の署名を確認しました。下の注意もお読みください。",
                    "The issuer's signature checks out. Read the warning below too.",
                    "した の ちゅうい も よんで ください。",
                ),
                Verdict::Expired => (
                    "内容は古いかもしれません。本人や家族に確認してください。",
                    "What it says may be out of date. Check with the holder or their family.",
                    "ほんにんや かぞくに きいて ください。",
                ),
                Verdict::Revoked => (
                    "内容を頼りにせず、本人や家族に確認してください。",
                    "Do not rely on what it says: check with the holder or their family.",
                    "かいて ある ことを しんじないで、ほんにんや かぞくに きいて ください。",
                ),
                Verdict::UnknownIssuer | Verdict::Tampered => (
                    "内容を頼りにせず、本人や家族に確認してください。",
                    "Do not rely on what it says: check with the holder or their family.",
                    "かいて ある ことを しんじないで、ほんにんや かぞくに きいて ください。",
                ),
                Verdict::Unreadable => (
                    "カードをもう一度、明るい場所でまっすぐかざしてください。",
                    "Hold the card up again, straight and in good light.",
                    "もう いちど カードを まっすぐ みせて ください。",
                ),
                Verdict::PreRelease => (
                    "内容は読めません。本人や家族に確認し、発行窓口で新しいカードを作ってもらってください。",
                    "It can no longer be read: check with the holder or their family; the office makes a new card.",
                    "よめません。ほんにんや かぞくに きいて ください。まどぐちで あたらしい カードを もらって ください。",
                ),
            },
        )
    }
}

fn pick(lang: Lang, (ja, en, easy): (&'static str, &'static str, &'static str)) -> &'static str {
    lang.pick(ja, en, easy)
}

/// A date as a reader of `lang` writes it: 2029年11月28日, 2029-11-28, 2029ねん11がつ28にち.
pub fn date_text(date: Date, lang: Lang) -> String {
    let (y, m, d) = date.ymd();
    match lang {
        Lang::En => date.to_string(),
        Lang::EasyJa => format!("{y}ねん{m}がつ{d}にち"),
        _ => format!("{y}年{m}月{d}日"),
    }
}

/// One vocabulary item as shown: its number, its stable key (absent for a code from a newer
/// vocabulary) and its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The number on the card.
    pub code: u16,
    /// The key used in profile files.
    pub key: Option<&'static str>,
    /// The label in the view's language ("unknown code N" in that language if newer).
    pub label: String,
    /// The number the request asks a passer-by to call, for a call button: 119 where the holder
    /// asks for an ambulance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<&'static str>,
}

impl Label {
    fn new(code: impl Into<Code>, lang: Lang) -> Label {
        let code = code.into();
        let key = code.entry().map(|e| e.key);
        Label {
            code: code.value,
            key,
            label: code.label(lang),
            call: key.filter(|k| k.contains("ambulance")).map(|_| "119"),
        }
    }
}

/// The public part, labelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicView {
    /// What help the holder asks for, most important first.
    pub help: Vec<Label>,
    /// The holder's own message, as written.
    pub message: String,
}

/// A warning with its code and its words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// Stable code (`trust_list_out_of_date`, `revocation_list_out_of_date`,
    /// `revocation_not_checked`, `private_part_unavailable`).
    pub code: &'static str,
    /// What it means, in the view's language.
    pub message: String,
}

/// The card's facts, present when it was verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CardFacts {
    /// Card id, 16 hex digits.
    pub card_id: String,
    /// Issuer id from the trust list.
    pub issuer: String,
    /// Issuer's display name.
    pub issuer_name: String,
    /// Issue time, ISO 8601 UTC.
    pub issued_at: String,
    /// Expiry, ISO 8601 UTC.
    pub expires_at: String,
    /// Expiry date as the reader writes it.
    pub valid_until: String,
    /// When the card's details were written (its issue date), as the reader writes it.
    pub written: String,
    /// Past [`DETAILS_MAY_BE_OLD`]: that the details may have changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_note: Option<String>,
    /// `false` when checked against the issuer's list; `null` when no list covered it.
    pub revoked: Option<bool>,
}

/// After this long (a year, in seconds) a card's details may have changed: every view says so.
pub const DETAILS_MAY_BE_OLD: u64 = 365 * 86_400;

/// The note for details written on `issued_at`, read at `now`, when they are that old.
fn age_note(issued_at: UnixTime, now: UnixTime, lang: Lang) -> Option<String> {
    (now.0.saturating_sub(issued_at.0) > DETAILS_MAY_BE_OLD).then(|| {
        let months = now.0.saturating_sub(issued_at.0) / (30 * 86_400);
        lang.pick(
            format!("この内容は{months}か月前に書かれました。変わっているかもしれません。本人や家族に確かめてください。"),
            format!("These details were written {months} months ago and may have changed: check with the holder or their family."),
            format!("これは {months}かげつ まえに かいた ことです。かわって いるかも しれません。"),
        )
    })
}

/// What became of the private part. Serialises as the documented `private` field: `null`
/// (none on the card), `"locked"`, the part itself, or `{"error": code, "message": ...}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivateView {
    /// The card has no private part.
    Absent,
    /// The card has one, and this screen has no key for it.
    Locked,
    /// Decrypted.
    Shown(Box<PrivatePart>),
    /// Could not be opened (the public part stays verified).
    Failed {
        /// The error's code.
        code: &'static str,
        /// The error's words in the view's language.
        message: String,
    },
}

impl Serialize for PrivateView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            PrivateView::Absent => s.serialize_none(),
            PrivateView::Locked => s.serialize_str("locked"),
            PrivateView::Shown(part) => part.serialize(s),
            PrivateView::Failed { code, message } => {
                let mut map = s.serialize_map(Some(2))?;
                map.serialize_entry("error", code)?;
                map.serialize_entry("message", message)?;
                map.end()
            }
        }
    }
}

/// One group of the private part, as a responder reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable id: `person`, `talk`, `helps`, `avoid`, `medical`, `contacts`, `office`, `notes`.
    pub id: &'static str,
    /// The heading in the view's language.
    pub title: &'static str,
    /// Labelled lines; empty fields are left out, and so is a section with no lines.
    pub items: Vec<Item>,
}

/// One labelled line of a section. `Debug` shows the label only; the value is wiped from
/// memory on drop, as the private part it comes from is.
#[derive(Clone, PartialEq, Eq, Serialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct Item {
    /// The label in the view's language.
    #[zeroize(skip)]
    pub label: &'static str,
    /// The value: the holder's own words, or vocabulary labels joined.
    pub value: String,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Item {{ label: {:?}, value: <private> }}", self.label)
    }
}

/// The view's own words: what every screen calls the parts of a card, in one wording per
/// language. (The card's words are its texts and vocabulary labels; a screen's own controls,
/// such as a sign-in button, are the screen's.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Labels {
    /// The card's name: ヘルプカード.
    pub title: &'static str,
    /// The heading of the card's facts.
    pub card: &'static str,
    /// Who issued the card.
    pub issuer: &'static str,
    /// The card id.
    pub card_id: &'static str,
    /// The last day it is valid on.
    pub valid_until: &'static str,
    /// When its details were written.
    pub written: &'static str,
    /// The help the holder asks for (the public part's list).
    pub help: &'static str,
    /// The holder's message (the public part's text).
    pub message: &'static str,
    /// The private part's heading.
    pub private: &'static str,
    /// The card has a private part this screen cannot open yet.
    pub private_locked: &'static str,
    /// The private part was shown and is hidden again.
    pub private_hidden: &'static str,
    /// The card has no private part.
    pub private_absent: &'static str,
    /// Why a card was refused.
    pub reason: &'static str,
    /// The call button of a request for an ambulance (the number is 119).
    pub call: &'static str,
    /// Something to know beside the card.
    pub notice: &'static str,
}

impl Labels {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static Labels {
        lang.pick(&LABELS_JA, &LABELS_EN, &LABELS_EASY)
    }
}

const LABELS_JA: Labels = Labels {
    title: "ヘルプカード",
    card: "カード情報",
    issuer: "発行者",
    card_id: "カード番号",
    valid_until: "有効期限",
    written: "内容を書いた日",
    help: "この人に必要な手助け",
    message: "本人からのメッセージ",
    private: "支援の詳細（応答者のみ）",
    private_locked: "このカードには支援の詳細があります。登録された応答者だけが開けます。",
    private_hidden: "支援の詳細は隠しました。もう一度読み取ると表示します。",
    private_absent: "このカードに支援の詳細はありません。",
    reason: "理由",
    call: "119番に電話する（救急車）",
    notice: "注意",
};

const LABELS_EN: Labels = Labels {
    title: "Help card",
    card: "Card",
    issuer: "Issuer",
    card_id: "Card id",
    valid_until: "Valid until",
    written: "Details written",
    help: "Help this person needs",
    message: "Message from the holder",
    private: "Support details (responders only)",
    private_locked: "This card has support details. Only registered responders can open them.",
    private_hidden: "The support details are hidden. Scan the card again to show them.",
    private_absent: "This card has no support details.",
    reason: "Reason",
    call: "Call 119 (ambulance)",
    notice: "Note",
};

const LABELS_EASY: Labels = Labels {
    title: "ヘルプカード",
    card: "カードの こと",
    issuer: "だした ところ",
    card_id: "カードの ばんごう",
    valid_until: "つかえる きげん",
    written: "かいた ひ",
    help: "この ひとに ひつような てだすけ",
    message: "ほんにんからの メッセージ",
    private: "たすける ための くわしい こと",
    private_locked: "くわしい ことが あります。たすける ひとだけ みられます。",
    private_hidden: "くわしい ことは かくしました。もう いちど よみとって ください。",
    private_absent: "くわしい ことは ありません。",
    reason: "りゆう",
    call: "119に でんわ する（きゅうきゅうしゃ）",
    notice: "ちゅうい",
};

/// The private part's state in one word, for audit rows, events and CSS: `shown`, `locked`,
/// `absent`, `unavailable` (could not be opened; the public part stands) or `refused` (the
/// card itself was refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivateState {
    /// Decrypted and in the view.
    Shown,
    /// On the card; this screen has no key for it (or hid it again).
    Locked,
    /// Not on the card.
    Absent,
    /// On the card and could not be opened.
    Unavailable,
    /// The card was refused.
    Refused,
}

impl PrivateState {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            PrivateState::Shown => "shown",
            PrivateState::Locked => "locked",
            PrivateState::Absent => "absent",
            PrivateState::Unavailable => "unavailable",
            PrivateState::Refused => "refused",
        }
    }
}

/// An opened (or refused) card, ready to lay out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CardView {
    /// `ok`, or the refusal's code (the test vectors' outcome, e.g. `bad_signature`).
    pub status: &'static str,
    /// The category.
    pub verdict: Verdict,
    /// The verdict's banner words.
    pub headline: &'static str,
    /// The verdict's advice.
    pub advice: &'static str,
    /// Why it was refused, in the view's language (refusals only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Card id, issuer and validity (verified cards only).
    #[serde(flatten)]
    pub card: Option<CardFacts>,
    /// Warning codes, for machines.
    pub warnings: Vec<&'static str>,
    /// The same warnings in words.
    pub notices: Vec<Notice>,
    /// The public part (verified cards only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public: Option<PublicView>,
    /// The private part's state (verified cards only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<PrivateView>,
    /// The decrypted private part, grouped (empty unless decrypted).
    pub private_sections: Vec<Section>,
    /// The private part's state in one word.
    pub private_state: PrivateState,
    /// The view's own words, in its language.
    pub labels: &'static Labels,
}

impl CardView {
    /// The view of an opening's result, in `lang`.
    pub fn new(result: &Result<Opened, OpenError>, lang: Lang) -> CardView {
        match result {
            Ok(opened) => CardView::opened(opened, lang),
            Err(e) => CardView::refused(e, lang),
        }
    }

    /// The view of a refused card.
    pub fn refused(e: &OpenError, lang: Lang) -> CardView {
        let verdict = Verdict::of_error(e);
        CardView {
            status: e.code(),
            verdict,
            headline: verdict.headline(lang),
            advice: verdict.advice(lang),
            message: Some(e.message(lang)),
            card: None,
            warnings: Vec::new(),
            notices: Vec::new(),
            public: None,
            private: None,
            private_sections: Vec::new(),
            private_state: PrivateState::Refused,
            labels: Labels::of(lang),
        }
    }

    /// The view of a verified card.
    pub fn opened(o: &Opened, lang: Lang) -> CardView {
        let notices = notices(o, lang);
        let verdict = if notices.is_empty() {
            Verdict::Verified
        } else {
            Verdict::VerifiedWithWarning
        };
        let (private, private_sections, private_state) = match &o.private {
            PrivateOutcome::Absent => (PrivateView::Absent, Vec::new(), PrivateState::Absent),
            PrivateOutcome::Locked => (PrivateView::Locked, Vec::new(), PrivateState::Locked),
            PrivateOutcome::Decrypted(p) => (
                PrivateView::Shown(p.clone()),
                private_sections(p, lang),
                PrivateState::Shown,
            ),
            PrivateOutcome::Failed(e) => (
                PrivateView::Failed {
                    code: e.code(),
                    message: e.message(lang),
                },
                Vec::new(),
                PrivateState::Unavailable,
            ),
        };
        CardView {
            status: "ok",
            verdict,
            headline: verdict.headline(lang),
            advice: verdict.advice(lang),
            message: None,
            card: Some(CardFacts {
                card_id: o.card_id.to_hex(),
                issuer: o.issuer.clone(),
                issuer_name: shown(&o.issuer_name),
                issued_at: o.issued_at.to_iso8601(),
                expires_at: o.expires_at.to_iso8601(),
                valid_until: date_text(last_valid_day(o.expires_at), lang),
                written: date_text(o.issued_at.date(), lang),
                age_note: age_note(o.issued_at, o.checked_at, lang),
                revoked: match o.revocation {
                    RevocationStatus::NotRevoked { .. } => Some(false),
                    _ => None,
                },
            }),
            warnings: notices.iter().map(|n| n.code).collect(),
            notices,
            public: Some(PublicView {
                help: o.public.help.iter().map(|c| Label::new(*c, lang)).collect(),
                message: shown(&o.public.message),
            }),
            private: Some(private),
            private_sections,
            private_state,
            labels: Labels::of(lang),
        }
    }
}

/// The last day a card is valid on: expiry is an instant, and a card expiring at midnight is
/// not valid on the day that midnight starts.
fn last_valid_day(expires_at: UnixTime) -> Date {
    UnixTime(expires_at.0.saturating_sub(1)).date()
}

fn notices(o: &Opened, lang: Lang) -> Vec<Notice> {
    let mut out: Vec<Notice> = o
        .warnings
        .iter()
        .map(|w| match w {
            Warning::TrustListOutOfDate { next_update } => Notice {
                code: "trust_list_out_of_date",
                message: format!(
                    "{}{}",
                    pick(
                        lang,
                        (
                            "信頼リストが古くなっています（更新予定日 ",
                            "The trust list is out of date (due for update on ",
                            "しんらいリストが ふるいです（",
                        )
                    ),
                    date_text(next_update.date(), lang)
                ) + pick(
                    lang,
                    (
                        "）。発行元の鍵が取り消されていても分かりません。",
                        "); a withdrawn issuer key would not show.",
                        "）。",
                    ),
                ),
            },
            Warning::RevocationListOutOfDate { next_update } => Notice {
                code: "revocation_list_out_of_date",
                message: format!(
                    "{}{}",
                    pick(
                        lang,
                        (
                            "失効リストが古くなっています（更新予定日 ",
                            "The revocation list is out of date (due for update on ",
                            "しっこうリストが ふるいです（",
                        )
                    ),
                    date_text(next_update.date(), lang)
                ) + pick(
                    lang,
                    (
                        "）。最近の紛失は反映されていません。",
                        "); a recent loss may be missing.",
                        "）。",
                    ),
                ),
            },
        })
        .collect();
    if matches!(
        o.revocation,
        RevocationStatus::NotChecked | RevocationStatus::NoListForIssuer
    ) {
        out.push(Notice {
            code: "revocation_not_checked",
            message: pick(
                lang,
                (
                    "この発行元の失効リストがないため、紛失・再発行を確認していません。",
                    "No revocation list for this issuer: a lost or replaced card would not show.",
                    "なくした カードか どうか たしかめて いません。",
                ),
            )
            .to_owned(),
        });
    }
    if let PrivateOutcome::Failed(e) = &o.private {
        out.push(Notice {
            code: "private_part_unavailable",
            message: e.message(lang),
        });
    }
    out
}

/// A card's text as a screen may show it: every control character but the line break, and every
/// bidirectional control, written as `\u{…}` (SPEC.md §8). Issuers refuse them, but a card is
/// signed by an issuer, not checked by the screen: U+202E would show "090-1234" as "4321-090".
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && crate::profile::unsafe_for_display(c) {
            out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Section titles and item labels: (ja, en, やさしい日本語).
type Words = (&'static str, &'static str, &'static str);

/// The private part grouped the way a responder reads it (also the holder's copy of their card).
pub fn private_sections(p: &PrivatePart, lang: Lang) -> Vec<Section> {
    let mut out = Vec::new();
    let mut section = |id: &'static str, title: Words, items: Vec<(Words, String)>| {
        let items: Vec<Item> = items
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(label, value)| Item {
                label: pick(lang, label),
                value: shown(&value),
            })
            .collect();
        if !items.is_empty() {
            out.push(Section {
                id,
                title: pick(lang, title),
                items,
            });
        }
    };
    let list = |codes: Vec<String>| codes.join(if lang == Lang::En { ", " } else { "、" });
    let kana = if p.name_kana.is_empty() {
        String::new()
    } else {
        format!("（{}）", p.name_kana)
    };
    section(
        "person",
        ("ご本人", "About the person", "このひと"),
        vec![
            (("氏名", "Name", "なまえ"), format!("{}{kana}", p.name)),
            (
                ("生年月日", "Born", "うまれた ひ"),
                p.birth_date.map(|d| date_text(d, lang)).unwrap_or_default(),
            ),
        ],
    );
    section(
        "talk",
        ("伝え方・接し方", "How to talk with me", "はなしかた"),
        vec![(
            ("お願い", "Please", "おねがい"),
            list(labels(&p.support, lang)),
        )],
    );
    section(
        "helps",
        ("助けになること", "What helps", "たすかる こと"),
        vec![(
            ("対応方法", "How to help", "てつだいかた"),
            p.how_to_help.clone(),
        )],
    );
    section(
        "avoid",
        ("避けてほしいこと", "What to avoid", "しないで ほしい こと"),
        vec![(("避けること", "Avoid", "しないで"), p.avoid.clone())],
    );
    let allergies = match &p.allergies {
        None => String::new(),
        Some(a) if a.is_empty() => pick(lang, ("なし", "none known", "ない")).to_owned(),
        Some(a) => list(a.clone()),
    };
    section(
        "medical",
        ("医療", "Medical", "びょうき・くすり"),
        vec![
            (
                ("障害・疾患", "Conditions", "しょうがい・びょうき"),
                list(labels(&p.conditions, lang)),
            ),
            (
                ("血液型", "Blood type", "けつえきがた"),
                p.blood_type.map(|b| b.to_string()).unwrap_or_default(),
            ),
            (
                ("服薬", "Medications", "のんで いる くすり"),
                list(p.medications.clone()),
            ),
            (("アレルギー", "Allergies", "アレルギー"), allergies),
            (
                ("医療的ケア", "Medical care", "いりょうてき ケア"),
                list(labels(&p.medical_care, lang)),
            ),
            (
                ("医療メモ", "Medical notes", "いりょうの メモ"),
                p.medical_care_notes.clone(),
            ),
            (
                ("かかりつけ病院", "Hospital", "びょういん"),
                p.hospital
                    .as_ref()
                    .map(|h| format!("{} {}", h.name, h.phone))
                    .unwrap_or_default(),
            ),
        ],
    );
    section(
        "contacts",
        ("連絡先", "Contacts", "れんらくさき"),
        p.contacts
            .iter()
            .map(|c| {
                let relation = c
                    .relation
                    .map(|r| format!(" ({})", Code::from(r).label(lang)))
                    .unwrap_or_default();
                let sms = if c.sms_only {
                    pick(lang, ("（SMSのみ）", " (text only)", "（メッセージだけ）"))
                } else {
                    ""
                };
                (
                    ("連絡先", "Contact", "れんらくさき"),
                    format!("{}{relation} {}{sms}", c.name, c.phone),
                )
            })
            .collect(),
    );
    section(
        "office",
        ("相談支援事業所", "Support office", "そうだんする ところ"),
        vec![(
            ("事業所", "Office", "ところ"),
            p.support_office
                .as_ref()
                .map(|o| format!("{} {}", o.name, o.phone))
                .unwrap_or_default(),
        )],
    );
    section(
        "notes",
        ("その他", "Notes", "そのほか"),
        vec![(("メモ", "Notes", "メモ"), p.notes.clone())],
    );
    out
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
