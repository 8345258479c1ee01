//! Every message a reader sees, in every language: refusals of the key service, card, key and
//! list errors, verdicts and the view's labels. A Japanese reader never meets an English
//! sentence (no Latin letters apart from names and codes), an English reader never meets
//! Japanese.

use super::*;
use crate::date::UnixTime;
use crate::keys::{KeyError, KeyId, Role};
use crate::trust::ListError;
use crate::view::{Labels, Verdict};

/// Names and codes a message may carry in any language.
const NAMES: [&str; 4] = ["helpcard", "00000000", "QR", "ID"];

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}')
}

/// Checks the three words of one message.
fn check(what: &str, ja: &str, en: &str, easy: &str) {
    for (lang, text) in [("ja", ja), ("easy-ja", easy)] {
        assert!(!text.trim().is_empty(), "{what}: no {lang} words");
        let mut rest = text.to_owned();
        for name in NAMES {
            rest = rest.replace(name, "");
        }
        assert!(
            !rest.chars().any(|c| c.is_ascii_alphabetic()),
            "{what}: Latin letters in the {lang} words: {text}"
        );
        assert!(
            text.chars().any(is_japanese),
            "{what}: {lang} is not Japanese: {text}"
        );
    }
    assert!(!en.trim().is_empty(), "{what}: no English words");
    assert!(
        !en.chars().any(is_japanese),
        "{what}: Japanese in the English words: {en}"
    );
    assert_ne!(ja, en, "{what}: the Japanese words are the English ones");
}

fn check_with(what: &str, message: impl Fn(Lang) -> String) {
    check(
        what,
        &message(Lang::Ja),
        &message(Lang::En),
        &message(Lang::EasyJa),
    );
}

#[test]
fn every_refusal_has_its_words_and_a_code_that_reads_back() {
    for r in Refusal::ALL {
        assert_eq!(Refusal::from_code(r.code()), Some(r));
        check_with(r.code(), |l| r.message(l).to_owned());
        assert_eq!(words(r.code(), Lang::En), r.message(Lang::En));
    }
    assert_eq!(
        Refusal::from_code("revoked"),
        None,
        "a card's code is not a refusal"
    );
}

#[test]
fn every_card_error_code_reads_back_and_has_its_words() {
    for e in OpenError::kinds() {
        let code = e.code();
        let back = OpenError::from_code(code).expect(code);
        assert_eq!(back.code(), code);
        check_with(code, |l| e.message(l));
        assert_eq!(words(code, Lang::Ja), e.message(Lang::Ja));
    }
}

#[test]
fn an_unknown_code_is_named_in_the_readers_language() {
    assert_eq!(
        words("from_a_newer_service", Lang::Ja),
        "鍵サービスが断りました（コード from_a_newer_service）。"
    );
    assert!(words("x", Lang::En).starts_with("The key service refused"));
}

#[test]
fn every_key_list_and_issue_error_has_its_words() {
    let kid = KeyId([0; crate::keys::KEY_ID_LEN]);
    let keys = [
        KeyError::Malformed("expected value at line 1".into()),
        KeyError::UnsupportedVersion(9),
        KeyError::WrongRole {
            expected: Role::Issuer,
            found: Role::Root,
        },
        KeyError::WrongKind {
            expected: "private",
            found: "public",
        },
        KeyError::PassphraseRequired,
        KeyError::WrongPassphrase,
        KeyError::Inconsistent,
    ];
    for e in &keys {
        check_with(e.code(), |l| e.message(l));
    }
    let lists = [
        ListError::Malformed(OpenError::BadCbor),
        ListError::WrongType("trust list"),
        ListError::UnknownSigner(kid),
        ListError::Tampered,
        ListError::Expired(UnixTime(0)),
        ListError::Older { held: 3, got: 2 },
        ListError::DuplicateKey(kid),
        ListError::SignerNotValid(kid),
        ListError::Unbounded,
    ];
    for e in &lists {
        // The list numbers are numbers, not words.
        check_with(e.code(), |l| e.message(l));
    }
    let issues = [
        crate::error::IssueError::NoResponderKey,
        crate::error::IssueError::BadResponderKey,
        crate::error::IssueError::BadValidity,
        crate::error::IssueError::Pack(crate::packed::PackError::Schema("x")),
    ];
    for e in &issues {
        check_with(&format!("{e:?}"), |l| e.message(l));
    }
}

#[test]
fn every_verdict_and_label_has_its_words() {
    for v in Verdict::ALL {
        check_with(v.code(), |l| v.headline(l).to_owned());
        check_with(v.code(), |l| v.advice(l).to_owned());
    }
    let [ja, en, easy] = [Lang::Ja, Lang::En, Lang::EasyJa].map(|l| {
        serde_json::to_value(Labels::of(l))
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    });
    assert_eq!(ja.len(), 15);
    for (key, value) in &ja {
        let word = |m: &serde_json::Map<String, serde_json::Value>| {
            m[key].as_str().unwrap_or_default().to_owned()
        };
        let en_word = word(&en);
        // The card's name is the same word in both Japanese forms; English has its own.
        if key == "title" {
            assert_eq!(en_word, "Help card");
        }
        check(
            key,
            value.as_str().unwrap_or_default(),
            &en_word,
            &word(&easy),
        );
    }
}

#[test]
fn language_codes_read_back() {
    for l in Lang::ALL {
        assert_eq!(Lang::from_code(l.code()), Some(l));
    }
    assert_eq!(Lang::from_code("easy-ja"), Some(Lang::EasyJa));
    assert_eq!(Lang::from_code("fr"), None);
    assert_eq!(Lang::from_code("JA"), None);
}
