use super::*;
use helpcard_core::keys::ResponderKey;
use serde_json::json;

fn today() -> Date {
    Date::from_ymd(2026, 12, 5).unwrap()
}

fn form(placements: Value) -> CardForm {
    serde_json::from_value(json!({
        "holder_ref": "case-0042",
        "profile": {
            "public": { "help": ["writing", "sign-language"], "message": "耳が聞こえません。" },
            "private": { "name": "田中 美咲", "how_to_help": "筆談でゆっくり。", "blood_type": "A+" }
        },
        "placements": placements,
    }))
    .unwrap()
}

#[test]
fn each_field_goes_where_the_holder_placed_it() {
    let p = form(json!({ "help": "responders", "message": "off", "blood_type": "off" }))
        .profile(today(), Lang::Ja)
        .unwrap();
    assert!(p.public.help.is_empty(), "help for responders only");
    assert!(p.public.message.is_empty());
    let private = p.private.unwrap();
    assert_eq!(
        private.support.len(),
        2,
        "moved to the private support list"
    );
    assert_eq!(private.blood_type, None);
    assert_eq!(private.name, "田中 美咲");
    // As a profile file would have it when nothing is placed.
    let plain = form(json!({})).profile(today(), Lang::Ja).unwrap();
    assert_eq!(plain.public.help.len(), 2);
}

#[test]
fn a_field_the_format_cannot_make_public_and_bad_fields_are_named() {
    let problems = form(json!({ "name": "public" }))
        .profile(today(), Lang::En)
        .unwrap_err();
    assert_eq!(problems[0].field, "name");
    let mut bad = form(json!({}));
    bad.holder_ref = " ".into();
    bad.profile["private"]["birth_date"] = json!("2999-01-01");
    let problems = bad.profile(today(), Lang::En).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["holder_ref", "private.birth_date"], "{problems:?}");
}

#[test]
fn the_meter_gives_the_version_the_reach_and_the_front_as_it_prints() {
    let p = form(json!({})).profile(today(), Lang::Ja).unwrap();
    let responder = ResponderKey::generate(&mut OsRng).public_key();
    let issuer = Issuer {
        responder: &responder,
        prefix: qrtext::DEFAULT_PREFIX,
        name: "武蔵野市",
    };
    let m = meter(
        &p,
        &issuer,
        Layout::Duplex,
        UnixTime(1_790_000_000),
        Lang::Ja,
    )
    .unwrap();
    assert!(m.fits && m.version <= MAX_VERSION);
    assert_eq!(m.reach_cm, Layout::Duplex.reach_cm(m.version));
    assert!(m.front.iter().any(|r| r.text == "耳が聞こえません。"));
    assert!(m.says.contains(&m.version.to_string()));
    // Long texts: too large, and the meter names the field to shorten.
    let long: String = (0..399u32)
        .filter_map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000))
        .collect();
    let mut big = form(json!({}));
    big.profile["private"]["how_to_help"] = json!(long.clone());
    big.profile["private"]["notes"] = json!(long[..300].to_owned());
    big.profile["private"]["avoid"] = json!(long[..600].to_owned());
    let p = big.profile(today(), Lang::Ja).unwrap();
    let m = meter(
        &p,
        &issuer,
        Layout::Duplex,
        UnixTime(1_790_000_000),
        Lang::En,
    )
    .unwrap();
    assert!(!m.fits, "version {}", m.version);
    assert_eq!(m.shorten.as_deref(), Some("how_to_help"));
    assert!(m.says.starts_with("Too large"));
}
