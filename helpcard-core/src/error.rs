//! Why a card could not be opened. Each variant is one outcome in the test vectors
//! ([`OpenError::code`] is the vector's `expect.outcome`), and its message says what probably
//! happened, for the person holding the scanner.

use crate::cbor::CborError;
use crate::date::UnixTime;
use crate::keys::KeyId;
use crate::qrtext::QrTextError;
use crate::vocab::Lang;

/// Why a card (or its private part) could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The scanned text is not help-card QR text, or was damaged.
    #[error("not a readable help-card code: {0}")]
    QrText(QrTextError),
    /// A card format version this build does not read.
    #[error("card format version {0} is not supported (update the scanner)")]
    UnknownVersion(u64),
    /// Made in the pre-release format (2): only demo cards were; the holder needs a new card.
    #[error(
        "made by a pre-release version of helpcard: the holder should ask the office for a new card"
    )]
    PreRelease,
    /// Not CBOR, or cut short.
    #[error("the card data is damaged or cut short")]
    BadCbor,
    /// Extra bytes after the card.
    #[error("extra data after the card (damaged or altered)")]
    TrailingBytes,
    /// A map repeats a key: a sign of a crafted card.
    #[error("the card repeats a field (crafted or altered card)")]
    DuplicateKey,
    /// Not in deterministic CBOR: no honest issuer writes this.
    #[error("the card is not in canonical form (crafted or altered card)")]
    NonCanonical,
    /// Well-formed, but a field is missing or of the wrong type.
    #[error("the card's structure is wrong: {0}")]
    BadStructure(&'static str),
    /// A cryptographic algorithm other than the format's.
    #[error(
        "unsupported algorithm {0} (only Ed25519, ECDH-ES+HKDF-256 with X25519, ChaCha20/Poly1305)"
    )]
    UnsupportedAlgorithm(i64),
    /// A header marked critical that this build does not understand.
    #[error("the card requires a feature this scanner does not know (critical header)")]
    UnknownCriticalHeader,
    /// A key id, IV, key or signature of the wrong length.
    #[error("a key, IV or signature has the wrong length: {0}")]
    BadLength(&'static str),
    /// The signing key is not on the trust list.
    #[error("issued by an unknown key {0} (not on the trust list, or the trust list is old)")]
    UnknownIssuer(KeyId),
    /// The issuer's key was not valid when the card says it was issued.
    #[error("the issuer's key was not valid at the card's issue time")]
    IssuerKeyNotValid,
    /// The signature does not verify.
    #[error("the signature does not verify: the card was altered or forged")]
    BadSignature,
    /// Issued in the future (or the scanner's clock is wrong).
    #[error("the card is not valid yet (issued {0:?}; check this device's clock)")]
    NotYetValid(UnixTime),
    /// Past its expiry.
    #[error("the card expired at {0:?}; the holder needs a new card")]
    Expired(UnixTime),
    /// On the issuer's revocation list (lost or replaced card).
    #[error("the card was revoked (lost or replaced); do not rely on it")]
    Revoked,
    /// The holder, with the office, paused responders' access to the private part (the
    /// issuer's revocation list says so); the public part stands.
    #[error("the holder has paused access to the private part; the public part stands")]
    Paused,
    /// None of the responder keys given is the one the card is encrypted to.
    #[error("the private part is encrypted to responder key {0}, which this device does not hold")]
    NoMatchingResponderKey(KeyId),
    /// The key agreement produced an all-zero secret: a crafted ephemeral key.
    #[error("the card's encryption key is invalid (all-zero shared secret; crafted card)")]
    AllZeroSharedSecret,
    /// Authentication of the encrypted part failed.
    #[error("the private part could not be decrypted (altered card or wrong key)")]
    DecryptionFailed,
    /// A part's text stream does not decode (or is not in its one canonical coding).
    #[error("the {0} is damaged: its text coding does not decode")]
    BadText(&'static str),
    /// The decrypted or public profile is malformed.
    #[error("the profile on the card is malformed: {0}")]
    BadProfile(&'static str),
    /// A private part was asked for, but the card carries none.
    #[error("the card has no private part")]
    NoPrivatePart,
}

impl OpenError {
    /// The stable outcome code used by the test vectors and in JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            OpenError::QrText(e) => match e {
                QrTextError::MissingFragment => "qr_missing_fragment",
                QrTextError::NotDigits => "qr_not_digits",
                QrTextError::BadDigitCount(_) => "qr_bad_digit_count",
                QrTextError::ChunkOutOfRange => "qr_chunk_out_of_range",
                QrTextError::UnknownVersion(_) => "unknown_version",
                QrTextError::BadPrefix => "qr_bad_prefix",
            },
            OpenError::UnknownVersion(_) => "unknown_version",
            OpenError::PreRelease => "pre_release",
            OpenError::BadCbor => "bad_cbor",
            OpenError::TrailingBytes => "trailing_bytes",
            OpenError::DuplicateKey => "duplicate_key",
            OpenError::NonCanonical => "non_canonical",
            OpenError::BadStructure(_) => "bad_structure",
            OpenError::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            OpenError::UnknownCriticalHeader => "unknown_critical_header",
            OpenError::BadLength(_) => "bad_length",
            OpenError::UnknownIssuer(_) => "unknown_issuer",
            OpenError::IssuerKeyNotValid => "issuer_key_not_valid",
            OpenError::BadSignature => "bad_signature",
            OpenError::NotYetValid(_) => "not_yet_valid",
            OpenError::Expired(_) => "expired",
            OpenError::Revoked => "revoked",
            OpenError::Paused => "paused",
            OpenError::NoMatchingResponderKey(_) => "no_matching_responder_key",
            OpenError::AllZeroSharedSecret => "all_zero_shared_secret",
            OpenError::DecryptionFailed => "decryption_failed",
            OpenError::BadText(_) => "bad_text",
            OpenError::BadProfile(_) => "bad_profile",
            OpenError::NoPrivatePart => "no_private_part",
        }
    }
}

impl OpenError {
    /// One error of each code, with placeholder details: what [`OpenError::from_code`] picks
    /// from. (A QR text of an unknown version has the code `unknown_version`, as the card's.)
    pub(crate) fn kinds() -> [OpenError; 28] {
        let kid = KeyId([0; crate::keys::KEY_ID_LEN]);
        [
            OpenError::QrText(QrTextError::MissingFragment),
            OpenError::QrText(QrTextError::NotDigits),
            OpenError::QrText(QrTextError::BadDigitCount(0)),
            OpenError::QrText(QrTextError::ChunkOutOfRange),
            OpenError::QrText(QrTextError::BadPrefix),
            OpenError::UnknownVersion(0),
            OpenError::PreRelease,
            OpenError::BadCbor,
            OpenError::TrailingBytes,
            OpenError::DuplicateKey,
            OpenError::NonCanonical,
            OpenError::BadStructure(""),
            OpenError::UnsupportedAlgorithm(0),
            OpenError::UnknownCriticalHeader,
            OpenError::BadLength(""),
            OpenError::UnknownIssuer(kid),
            OpenError::IssuerKeyNotValid,
            OpenError::BadSignature,
            OpenError::NotYetValid(UnixTime(0)),
            OpenError::Expired(UnixTime(0)),
            OpenError::Revoked,
            OpenError::Paused,
            OpenError::NoMatchingResponderKey(kid),
            OpenError::AllZeroSharedSecret,
            OpenError::DecryptionFailed,
            OpenError::BadText(""),
            OpenError::BadProfile(""),
            OpenError::NoPrivatePart,
        ]
    }

    /// An error of this [`OpenError::code`], its details left out: for a client that received
    /// only the code (from the key service, say) and wants its [`OpenError::message`], which
    /// does not depend on them.
    pub fn from_code(code: &str) -> Option<OpenError> {
        OpenError::kinds().into_iter().find(|e| e.code() == code)
    }
}

impl OpenError {
    /// What happened, in `lang`, for the person holding the scanner: the same facts as the
    /// English `Display` message, said in each language rather than translated word by word.
    pub fn message(&self, lang: Lang) -> String {
        let (ja, en, easy): (&str, &str, &str) = match self {
            OpenError::QrText(_) | OpenError::BadCbor => (
                "コードが読み取れないか、一部が欠けています。もう一度読み取ってください。",
                "The code could not be read completely. Scan it again.",
                "うまく よめませんでした。もう いちど よんで ください。",
            ),
            OpenError::UnknownVersion(_) => (
                "新しい形式のカードです。読み取りアプリを更新してください。",
                "This card uses a newer format. Update the scanner.",
                "あたらしい カードです。アプリを あたらしく して ください。",
            ),
            OpenError::PreRelease => (
                "試作版で作られたカードです。本人は発行窓口で新しいカードを作ってもらってください。",
                "Made by a pre-release version: the holder should ask the office for a new card.",
                "ためしに つくった カードです。まどぐちで あたらしい カードを もらって ください。",
            ),
            OpenError::TrailingBytes
            | OpenError::DuplicateKey
            | OpenError::NonCanonical
            | OpenError::BadStructure(_)
            | OpenError::BadLength(_)
            | OpenError::BadText(_)
            | OpenError::BadProfile(_) => (
                "カードのデータが正しい形ではありません。作り変えられた可能性があります。",
                "The card's data is not in the form an issuer writes: it may have been altered.",
                "カードの なかみが おかしいです。だれかが かえた かもしれません。",
            ),
            OpenError::UnsupportedAlgorithm(_) | OpenError::UnknownCriticalHeader => (
                "このカードは、この読み取りアプリが知らない方式を使っています。",
                "The card uses a method this scanner does not know.",
                "この アプリでは よめない カードです。",
            ),
            OpenError::UnknownIssuer(_) => (
                "発行元が信頼リストにありません。正規の発行元のカードか確認できません。",
                "The issuer is not on the trust list: this card cannot be confirmed as genuine.",
                "だれが つくった カードか たしかめられません。",
            ),
            OpenError::IssuerKeyNotValid => (
                "発行時に発行元の鍵が有効ではありませんでした。",
                "The issuer's key was not valid when this card was issued.",
                "カードを つくった ときの かぎが ただしく ありません。",
            ),
            OpenError::BadSignature => (
                "署名が一致しません。カードが書き換えられたか、偽造されています。",
                "The signature does not match: the card was altered or forged.",
                "この カードは かえられて います。しんじないで ください。",
            ),
            OpenError::NotYetValid(_) => (
                "カードの有効期間がまだ始まっていません。この端末の時計を確認してください。",
                "The card is not valid yet. Check this device's clock.",
                "カードは まだ つかえません。とけいを みて ください。",
            ),
            OpenError::Expired(_) => (
                "有効期限が切れています。本人は新しいカードが必要です。",
                "The card has expired. The holder needs a new card.",
                "カードの きげんが おわって います。",
            ),
            OpenError::Revoked => (
                "このカードは失効しています（紛失または再発行）。内容を頼りにしないでください。",
                "This card was revoked (lost or replaced). Do not rely on it.",
                "この カードは もう つかえません。",
            ),
            OpenError::Paused => (
                "本人の希望により、支援の詳細（非公開情報）は今は見られません。公開部分の内容に従って支援してください。",
                "At the holder's wish, the support details (private part) cannot be opened for now. Help as the public part says.",
                "ほんにんの きぼうで、いまは くわしい ことは みられません。カードに かいて ある ことを みて たすけて ください。",
            ),
            OpenError::NoMatchingResponderKey(_) => (
                "非公開情報は、この端末が持たない応答者キーで暗号化されています。",
                "The private part is encrypted to a responder key this device does not hold.",
                "ひみつの じょうほうは この きかいでは よめません。",
            ),
            OpenError::AllZeroSharedSecret | OpenError::DecryptionFailed => (
                "非公開情報を復号できませんでした（書き換えられたカードか、鍵の違い）。",
                "The private part could not be decrypted (an altered card, or the wrong key).",
                "ひみつの じょうほうを よめませんでした。",
            ),
            OpenError::NoPrivatePart => (
                "このカードに非公開情報はありません。",
                "This card has no private part.",
                "この カードに ひみつの じょうほうは ありません。",
            ),
        };
        match lang {
            Lang::En => en,
            Lang::EasyJa => easy,
            _ => ja,
        }
        .to_owned()
    }
}

impl From<CborError> for OpenError {
    fn from(e: CborError) -> OpenError {
        match e {
            CborError::Malformed => OpenError::BadCbor,
            CborError::TrailingBytes => OpenError::TrailingBytes,
            CborError::DuplicateKey => OpenError::DuplicateKey,
            CborError::NonCanonical => OpenError::NonCanonical,
            CborError::Structure(what) => OpenError::BadStructure(what),
        }
    }
}

impl From<QrTextError> for OpenError {
    fn from(e: QrTextError) -> OpenError {
        OpenError::QrText(e)
    }
}

/// Why a card could not be issued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The profile has a private part but no responder key was given to encrypt it to.
    #[error("the profile has a private part, but no responder key was given")]
    NoResponderKey,
    /// The responder public key is of small order (a broken or hostile key).
    #[error("the responder public key is invalid (small order)")]
    BadResponderKey,
    /// Expiry not after issue time.
    #[error("the card would expire before it is issued")]
    BadValidity,
    /// The profile cannot be packed: texts or lists longer than a card can hold.
    #[error("{0}")]
    Pack(crate::packed::PackError),
}

impl IssueError {
    /// What happened, in `lang`, for the office's staff.
    pub fn message(&self, lang: Lang) -> String {
        let (ja, easy) = match self {
            _ if lang == Lang::En => return self.to_string(),
            IssueError::NoResponderKey => (
                "プロフィールに支援の詳細（非公開情報）がありますが、暗号化する応答者の公開鍵が指定されていません。",
                "ひみつの じょうほうを まもる かぎが ありません。",
            ),
            IssueError::BadResponderKey => (
                "応答者の公開鍵が正しくありません（壊れた鍵か、不正な鍵です）。",
                "たすける ひとの かぎが ただしく ありません。",
            ),
            IssueError::BadValidity => (
                "有効期限が発行日より前になります。",
                "きげんが おかしいです。",
            ),
            IssueError::Pack(_) => (
                "プロフィールをカードの形にできません（文章が長すぎるか、形が正しくありません）。",
                "カードに いれられません。ぶんを みじかく して ください。",
            ),
        };
        lang.pick(ja, "", easy).to_owned()
    }
}
