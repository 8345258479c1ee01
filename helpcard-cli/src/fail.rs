//! A failed command: the message (already in the user's language) and the exit code.

/// Exit code for usage, file and other errors.
pub const GENERAL: u8 = 1;
/// Exit code when a card is rejected.
pub const REJECTED: u8 = 2;
/// Exit code for an invalid or too-large profile.
pub const PROFILE: u8 = 3;
/// Exit code when a key cannot be unlocked.
pub const KEY: u8 = 4;

/// Why a command failed.
#[derive(Debug)]
pub struct Fail {
    /// What to tell the user.
    pub message: String,
    /// Process exit code.
    pub code: u8,
}

impl Fail {
    /// A general failure (exit 1).
    pub fn general(message: impl Into<String>) -> Fail {
        Fail {
            message: message.into(),
            code: GENERAL,
        }
    }

    /// A failure with a specific exit code.
    pub fn with_code(code: u8, message: impl Into<String>) -> Fail {
        Fail {
            message: message.into(),
            code,
        }
    }
}

impl Fail {
    /// The office library's error in the reader's words: exit 3 when it is about the card's
    /// contents (too large, refused by the format), 1 otherwise.
    pub fn office(e: helpcard_office::OfficeError, lang: crate::lang::Lang) -> Fail {
        let code = if e.is_about_the_profile() {
            PROFILE
        } else {
            GENERAL
        };
        Fail::with_code(code, e.message(lang.vocab()))
    }
}

impl From<String> for Fail {
    fn from(message: String) -> Fail {
        Fail::general(message)
    }
}

/// Reads a file, naming it in the error.
pub fn read(path: &std::path::Path, lang: crate::lang::Lang) -> Result<Vec<u8>, Fail> {
    std::fs::read(path).map_err(|e| {
        Fail::general(format!(
            "{}: {} ({e})",
            path.display(),
            lang.t("ファイルを読めません", "cannot read the file")
        ))
    })
}

/// Reads a UTF-8 text file, naming it in the error.
pub fn read_text(path: &std::path::Path, lang: crate::lang::Lang) -> Result<String, Fail> {
    String::from_utf8(read(path, lang)?).map_err(|_| {
        Fail::general(format!(
            "{}: {}",
            path.display(),
            lang.t("UTF-8 のテキストではありません", "is not UTF-8 text")
        ))
    })
}

/// Writes a file, naming it in the error.
pub fn write(path: &std::path::Path, bytes: &[u8], lang: crate::lang::Lang) -> Result<(), Fail> {
    std::fs::write(path, bytes).map_err(|e| {
        Fail::general(format!(
            "{}: {} ({e})",
            path.display(),
            lang.t("ファイルを書けません", "cannot write the file")
        ))
    })
}
