use super::*;
use crate::cbor;

fn today() -> Date {
    Date::from_ymd(2026, 11, 25).expect("valid date")
}

use crate::testing::REFERENCE_PROFILES;

fn reference_profiles() -> Vec<(&'static str, &'static str)> {
    REFERENCE_PROFILES.to_vec()
}

#[test]
fn reference_profiles_load_validate_and_round_trip() {
    for (name, text) in reference_profiles() {
        let p = Profile::load_toml(text, today()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let public =
            PublicPart::from_cbor(cbor::decode_strict(&cbor::encode(&p.public.to_cbor())).unwrap());
        assert_eq!(public.as_ref(), Ok(&p.public), "{name} public");
        let private = p
            .private
            .as_ref()
            .expect("reference profiles have a private part");
        let bytes = cbor::encode(&private.to_cbor());
        let back = PrivatePart::from_cbor(cbor::decode_strict(&bytes).unwrap());
        assert_eq!(back.as_ref(), Ok(private), "{name} private");
        // JSON round trip through serde as well.
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(Profile::from_json(&json).unwrap(), p, "{name} json");
    }
}

#[test]
fn codes_are_carried_as_numbers() {
    let p = Profile::from_toml(reference_profiles()[1].1).unwrap();
    assert_eq!(p.public.help, vec![HelpCode(1), HelpCode(8), HelpCode(7)]);
    assert_eq!(
        cbor::encode(&p.public.to_cbor())[..6],
        [0xa2, 0x01, 0x83, 0x01, 0x08, 0x07]
    );
}

#[test]
fn syntax_errors_name_the_field() {
    let text = r#"
[public]
help = ["speak-slowly", "shout-louder"]
"#;
    match Profile::from_toml(text) {
        Err(ProfileError::Syntax { path, message }) => {
            assert_eq!(path, "public.help[1]");
            assert!(
                message.contains("unknown help code \"shout-louder\""),
                "{message}"
            );
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let json = r#"{"public":{"help":[]},"private":{"name":"x","blood_type":"C+"}}"#;
    match Profile::from_json(json) {
        Err(ProfileError::Syntax { path, message }) => {
            assert_eq!(path, "private.blood_type");
            assert!(message.contains("unknown blood type"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    match Profile::from_toml("[public]\nhelp = []\nmesage = \"typo\"\n") {
        Err(ProfileError::Syntax { message, .. }) => {
            assert!(message.contains("mesage"), "{message}")
        }
        other => panic!("expected unknown field error, got {other:?}"),
    }
}

#[test]
fn validation_names_every_broken_field() {
    let text = r#"
[public]
help = ["writing", "writing", 999]

[private]
name = ""
name_kana = "Sato"
birth_date = "2030-01-01"

[[private.contacts]]
name = "母"
phone = "090-ABCD-1234"
"#;
    let p = Profile::from_toml(text).unwrap();
    let Err(ProfileError::Invalid(errors)) = p.validate(today()) else {
        panic!("expected validation errors");
    };
    let got: Vec<(String, Problem)> = errors.into_iter().map(|e| (e.field, e.problem)).collect();
    assert_eq!(
        got,
        vec![
            ("public.help[1]".into(), Problem::DuplicateCode(3)),
            ("public.help[2]".into(), Problem::UnknownCode(999)),
            ("private.name".into(), Problem::Empty),
            ("private.name_kana".into(), Problem::NotKana),
            ("private.birth_date".into(), Problem::FutureDate),
            ("private.contacts[0].phone".into(), Problem::BadPhone),
        ]
    );
}

#[test]
fn unknown_codes_decode_as_numbers_and_render_as_unknown() {
    let mut public = PublicPart {
        help: vec![HelpCode(1), HelpCode(4000)],
        message: String::new(),
    };
    let back = PublicPart::from_cbor(public.to_cbor()).unwrap();
    assert_eq!(back, public);
    assert_eq!(
        labels(&back.help, Lang::En),
        vec!["Please speak slowly", "unknown code 4000"]
    );
    public.help.clear();
    assert_eq!(cbor::encode(&public.to_cbor()), vec![0xa0]);
}

#[test]
fn decoding_rejects_unknown_keys_and_empty_values() {
    let bad = cbor::int_map(vec![(1, Value::Array(vec![])), (2, Value::from("x"))]);
    assert_eq!(PublicPart::from_cbor(bad), Err(CborError::NonCanonical));
    let bad = cbor::int_map(vec![(9, Value::from("x"))]);
    assert!(matches!(
        PublicPart::from_cbor(bad),
        Err(CborError::Structure(_))
    ));
    let no_name = cbor::int_map(vec![(2, Value::from("かな"))]);
    assert!(matches!(
        PrivatePart::from_cbor(no_name),
        Err(CborError::Structure(_))
    ));
}

#[test]
fn private_data_stays_out_of_debug_and_syntax_errors() {
    let text = "[public]\nhelp = [\"writing\"]\n[private]\nname = \"田中 美咲\"\nbirth_date = \"090-9999-8888\"\n";
    let err = Profile::from_toml(text).unwrap_err().to_string();
    assert!(err.contains("private.birth_date"), "{err}");
    assert!(!err.contains("090-9999-8888"), "{err}");
    // A TOML syntax error names the line, not its text.
    let broken = "[public]\nhelp = [\"writing\"]\n[private]\nname = \"田中 美咲\n";
    let err = Profile::from_toml(broken).unwrap_err().to_string();
    assert!(err.contains("line 4"), "{err}");
    assert!(!err.contains("田中"), "{err}");
    let json = r#"{"public": {"help": ["writing"]}, "private": {"name": 5150, "medications": "リスパダール"}}"#;
    let err = Profile::from_json(json).unwrap_err().to_string();
    assert!(
        !err.contains("リスパダール") && !err.contains("5150"),
        "{err}"
    );

    let p = Profile::from_toml("[public]\nhelp = [\"writing\"]\n[private]\nname = \"田中 美咲\"\n")
        .unwrap();
    let shown = format!("{p:?}");
    assert!(!shown.contains("田中"), "{shown}");
    assert!(shown.contains("PrivatePart { <private> }"), "{shown}");
}

#[test]
fn wiping_a_private_part_leaves_nothing_of_it() {
    use zeroize::Zeroize;
    // What drop does (ZeroizeOnDrop): every field, nested places and contacts included, must be
    // covered; a field left out would survive here. The language says nothing about the holder.
    for (name, text) in reference_profiles() {
        let mut private = Profile::load_toml(text, today()).unwrap().private.unwrap();
        assert!(private != PrivatePart::default(), "{name}");
        private.zeroize();
        private.language = CardLang::default();
        assert!(
            private == PrivatePart::default(),
            "{name}: {:?}",
            private.name
        );
    }
}

#[test]
fn direction_marks_and_escapes_are_refused_in_texts() {
    let mut p = Profile::from_toml("[public]\nhelp = [\"writing\"]\nmessage = \"x\"\n").unwrap();
    for text in ["電話 \u{202e}4321-090", "\u{1b}[31m赤", "a\u{2066}b"] {
        p.public.message = text.into();
        let err = p
            .validate(Date::from_ymd(2026, 11, 25).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("public.message"), "{text:?}: {err}");
    }
    p.public.message = "電話 090-1234".into();
    assert!(p.validate(Date::from_ymd(2026, 11, 25).unwrap()).is_ok());
}
