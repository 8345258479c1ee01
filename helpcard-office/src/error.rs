//! What can go wrong in the office's work, said where it is made: each error has its words in
//! Japanese, English and やさしい日本語 ([`OfficeError::message`]), for staff at a terminal or at
//! the issuing desk; `Display` is the English one, for logs.

use std::path::PathBuf;

use helpcard_core::trust::CardId;
use helpcard_core::vocab::Lang;

/// Why the office's work could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// The registry refused (damaged, full, not a database, unreachable).
    #[error("{}: registry error ({source})", path.display())]
    Registry {
        /// The registry file (or the PostgreSQL database, without its password).
        path: PathBuf,
        /// What the database said.
        source: helpcard_db::DbError,
    },
    /// Another process holds the registry.
    #[error("{}: the registry is locked by another process; try again shortly", path.display())]
    RegistryBusy {
        /// The registry file.
        path: PathBuf,
    },
    /// No such card in the registry.
    #[error("{0}: is not in the registry")]
    NotRegistered(String),
    /// The card was revoked before.
    #[error("{0}: is already revoked")]
    AlreadyRevoked(CardId),
    /// Not 16 hex digits.
    #[error("{0}: a card id is 16 hex digits")]
    BadCardId(String),
    /// The card a new one replaces is not registered.
    #[error("{0}: the card to replace is not in the registry")]
    ReplacedNotRegistered(String),
    /// An issuer key speaks for one issuer id, and its cards are registered under another.
    #[error(
        "--issuer-id {given}: this issuer key's cards are registered under issuer id \"{registered}\" (key {kid})"
    )]
    IssuerIdConflict {
        /// The id given now.
        given: String,
        /// The id registered before.
        registered: String,
        /// The key.
        kid: String,
    },
    /// The card's QR code would be too fine to print and scan.
    #[error(
        "the QR code would be version {version} > {}; shorten the private part's texts",
        crate::issue::MAX_VERSION
    )]
    TooLarge {
        /// Its version at level M.
        version: u8,
    },
    /// The QR text's URL prefix cannot be used (it holds `#`, or is not printable ASCII).
    #[error("--prefix: {0}")]
    Prefix(String),
    /// The profile could not become a card.
    #[error("{0}")]
    Issue(#[from] helpcard_core::error::IssueError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A card file is never replaced.
    #[error("{}: already exists (a card file is never replaced; choose another name)", .0.display())]
    FileExists(PathBuf),
    /// The font is missing or not a TrueType/OpenType font.
    #[error("{}: not a TrueType/OpenType font ({detail})", path.display())]
    Font {
        /// The font file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// The PDF could not be written (the font could not be subset).
    #[error("PDF: {0}")]
    Pdf(String),
    /// A profile table (CSV) could not be read.
    #[error("the table cannot be read: {0}")]
    Table(String),
    /// Not an e-mail address.
    #[error("{0}: not an e-mail address")]
    BadAddress(String),
    /// A profile table names a column no profile has.
    #[error("unknown column \"{0}\"")]
    UnknownColumn(String),
}

/// A registry's database error, its place named (`in_registry`) where the
/// registry's methods return.
impl From<helpcard_db::DbError> for OfficeError {
    fn from(source: helpcard_db::DbError) -> OfficeError {
        if source.is_busy() {
            OfficeError::RegistryBusy {
                path: PathBuf::new(),
            }
        } else {
            OfficeError::Registry {
                path: PathBuf::new(),
                source,
            }
        }
    }
}

impl OfficeError {
    /// The error as its reader reads it: Japanese and やさしい日本語 without the system's English
    /// detail (a file's trouble is named by its kind), English as `Display`, detail included.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let easy = lang == Lang::EasyJa;
        let pick = |ja: String, easy_words: String| if easy { easy_words } else { ja };
        match self {
            OfficeError::Registry { path, .. } => pick(
                format!(
                    "{}: 登録簿を使えません（壊れているか、登録簿のファイルではありません）",
                    path.display()
                ),
                format!("{}: とうろくぼが つかえません", path.display()),
            ),
            OfficeError::RegistryBusy { path } => pick(
                format!(
                    "{}: 登録簿が他の処理で使用中です。しばらくして再実行してください",
                    path.display()
                ),
                format!(
                    "{}: とうろくぼを ほかで つかって います。すこし まって もう いちど",
                    path.display()
                ),
            ),
            OfficeError::NotRegistered(id) => pick(
                format!("{id}: 登録簿にありません"),
                format!("{id}: とうろくぼに ありません"),
            ),
            OfficeError::AlreadyRevoked(id) => pick(
                format!("{id}: すでに失効しています"),
                format!("{id}: もう つかえなく なって います"),
            ),
            OfficeError::BadCardId(id) => pick(
                format!("{id}: カード番号は16桁の16進数です"),
                format!("{id}: カードの ばんごうは 16けたです"),
            ),
            OfficeError::ReplacedNotRegistered(id) => pick(
                format!("{id}: 置き換えるカードが登録簿にありません"),
                format!("{id}: とりかえる カードが とうろくぼに ありません"),
            ),
            OfficeError::IssuerIdConflict {
                given,
                registered,
                kid,
            } => pick(
                format!(
                    "--issuer-id {given}: この発行者鍵のカードは、登録簿では別の発行者名「{registered}」で登録されています（鍵 {kid}）"
                ),
                format!(
                    "--issuer-id {given}: この かぎの カードは \"{registered}\" で とうろく されて います（かぎ {kid}）"
                ),
            ),
            OfficeError::TooLarge { version } => pick(
                format!(
                    "QR バージョンが大きすぎます: {version} > {}。非公開情報の文章を短くしてください",
                    crate::issue::MAX_VERSION
                ),
                format!(
                    "QR コードが おおきすぎます（{version}）。ひみつの じょうほうの ぶんを みじかく して ください"
                ),
            ),
            OfficeError::Prefix(_) => pick(
                "--prefix: URL の接頭辞には # を含まない半角の文字だけが使えます".to_owned(),
                "--prefix: URL の はじめの ぶぶんが つかえません".to_owned(),
            ),
            OfficeError::Issue(e) => e.message(lang),
            OfficeError::File { path, source } => {
                use std::io::ErrorKind::*;
                let (ja, easy_words) = match source.kind() {
                    NotFound => (
                        "ファイルまたはフォルダーがありません",
                        "ファイルが ありません",
                    ),
                    PermissionDenied => (
                        "読み書きの権限がありません",
                        "ファイルを つかう けんりが ありません",
                    ),
                    AlreadyExists => ("すでにあります", "もう あります"),
                    StorageFull => ("ディスクがいっぱいです", "ディスクが いっぱいです"),
                    _ => (
                        "ファイルを読み書きできません",
                        "ファイルを よめません・かけません",
                    ),
                };
                pick(
                    format!("{}: {ja}", path.display()),
                    format!("{}: {easy_words}", path.display()),
                )
            }
            OfficeError::FileExists(path) => pick(
                format!(
                    "{}: すでにあります（カードのファイルは上書きしません。別の名前にしてください）",
                    path.display()
                ),
                format!(
                    "{}: もう あります。べつの なまえに して ください",
                    path.display()
                ),
            ),
            OfficeError::Font { path, .. } => pick(
                format!(
                    "{}: TrueType/OpenType フォントではありません",
                    path.display()
                ),
                format!("{}: つかえる フォントでは ありません", path.display()),
            ),
            OfficeError::Pdf(_) => pick(
                "PDF を作れません（フォントを埋め込めません）".to_owned(),
                "PDF を つくれません".to_owned(),
            ),
            OfficeError::Table(_) => pick(
                "表（CSV）を読めません。文字コード（UTF-8）と区切りを確かめてください".to_owned(),
                "ひょう（CSV）が よめません".to_owned(),
            ),
            OfficeError::BadAddress(a) => pick(
                format!("{a}: メールアドレスの形ではありません"),
                format!("{a}: メールの あてさきでは ありません"),
            ),
            OfficeError::UnknownColumn(name) => pick(
                format!("不明な列名 \"{name}\""),
                format!("しらない れつの なまえ \"{name}\""),
            ),
        }
    }

    /// True when the error is about the card's contents (too large, refused by the format),
    /// not about files or the registry: the CLI's exit code 3.
    pub fn is_about_the_profile(&self) -> bool {
        matches!(
            self,
            OfficeError::TooLarge { .. }
                | OfficeError::Issue(_)
                | OfficeError::UnknownColumn(_)
                | OfficeError::BadAddress(_)
        )
    }

    /// Names the registry at `path` in an error of its database (see the `From` below).
    pub(crate) fn in_registry(self, path: &std::path::Path) -> OfficeError {
        match self {
            OfficeError::Registry { path: p, source } if p.as_os_str().is_empty() => {
                OfficeError::Registry {
                    path: path.to_owned(),
                    source,
                }
            }
            OfficeError::RegistryBusy { path: p } if p.as_os_str().is_empty() => {
                OfficeError::RegistryBusy {
                    path: path.to_owned(),
                }
            }
            other => other,
        }
    }

    /// Names `path` in an I/O error.
    pub fn file(path: &std::path::Path) -> impl Fn(std::io::Error) -> OfficeError + '_ {
        move |source| OfficeError::File {
            path: path.to_owned(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error in each language, and only in it: the Japanese words carry no English apart
    /// from names (options, formats, the file's own name) and codes.
    #[test]
    fn every_error_speaks_the_readers_language() {
        let path = PathBuf::from("/台帳/登録簿");
        let io = |kind| std::io::Error::from(kind);
        let errors = [
            OfficeError::Registry {
                path: path.clone(),
                source: helpcard_db::DbError::Unavailable("test".into()),
            },
            OfficeError::RegistryBusy { path: path.clone() },
            OfficeError::NotRegistered("0123".into()),
            OfficeError::AlreadyRevoked(CardId([1; 8])),
            OfficeError::BadCardId("７".into()),
            OfficeError::ReplacedNotRegistered("0123".into()),
            OfficeError::IssuerIdConflict {
                given: "武蔵野".into(),
                registered: "むさしの".into(),
                kid: "0a0b".into(),
            },
            OfficeError::TooLarge { version: 27 },
            OfficeError::Prefix("no".into()),
            OfficeError::Issue(helpcard_core::error::IssueError::BadValidity),
            OfficeError::File {
                path: path.clone(),
                source: io(std::io::ErrorKind::NotFound),
            },
            OfficeError::File {
                path: path.clone(),
                source: io(std::io::ErrorKind::Other),
            },
            OfficeError::FileExists(path.clone()),
            OfficeError::Font {
                path: path.clone(),
                detail: "bad table".into(),
            },
            OfficeError::Pdf("subset failed".into()),
            OfficeError::Table("bad quote".into()),
            OfficeError::BadAddress("家族".into()),
            OfficeError::UnknownColumn("名前".into()),
        ];
        let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}');
        for e in &errors {
            for lang in [Lang::Ja, Lang::EasyJa] {
                let text = e.message(lang);
                let mut rest = text.clone();
                for name in [
                    "--issuer-id",
                    "--prefix",
                    "TrueType/OpenType",
                    "PDF",
                    "QR",
                    "URL",
                    "CSV",
                    "UTF-8",
                    "0a0b",
                    "0101010101010101",
                ] {
                    rest = rest.replace(name, "");
                }
                assert!(
                    !rest.chars().any(|c| c.is_ascii_alphabetic()),
                    "{lang:?}: {text}"
                );
                assert!(text.chars().any(japanese), "{lang:?}: {text}");
            }
            let en = e.message(Lang::En);
            assert_eq!(en, e.to_string());
            let without_path = en
                .replace("/台帳/登録簿", "")
                .replace("武蔵野", "")
                .replace("むさしの", "")
                .replace("名前", "")
                .replace("家族", "");
            assert!(!without_path.chars().any(japanese), "{en}");
        }
    }
}
