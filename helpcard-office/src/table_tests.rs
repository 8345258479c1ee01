use super::*;

fn today() -> Date {
    Date::from_ymd(2026, 12, 5).unwrap()
}

#[test]
fn rows_become_profiles_and_a_bad_row_names_its_line_and_field() {
    let table = "\u{feff}holder_ref,help,message,name,contact1_name,contact1_phone,allergies,notify\n\
                 case-1,writing;sign-language,筆談でお願いします,田中 美咲,田中 一郎,090-1111-2222,なし,a@example.jp; b@example.jp\n\
                 case-2,writing,,山田,佐藤,not-a-phone,,family\n\
                 ,writing,,,,,,\n";
    let rows = read(table.as_bytes(), today(), Lang::En).unwrap();
    assert_eq!(rows.len(), 3);
    let first = rows[0].profile.as_ref().unwrap();
    assert_eq!(rows[0].holder, "case-1");
    assert_eq!(first.public.help.len(), 2);
    let private = first.private.as_ref().unwrap();
    assert_eq!(private.contacts[0].phone, "090-1111-2222");
    assert_eq!(private.allergies, Some(Vec::new()), "なし: none known");
    let bad = rows[1].profile.as_ref().err().unwrap();
    assert_eq!(rows[1].line, 3);
    assert!(bad[0].starts_with("private.contacts[0].phone"), "{bad:?}");
    assert!(bad[1].starts_with("notify: family"), "{bad:?}");
    let told: Vec<&str> = rows[0].notify.iter().map(|n| n.address.as_str()).collect();
    assert_eq!(told, ["a@example.jp", "b@example.jp"]);
    assert_eq!(rows[2].holder, "row4");
}

#[test]
fn an_unknown_column_refuses_the_table() {
    let e = read(b"holder_ref,nmae\ncase-1,x\n", today(), Lang::En)
        .err()
        .unwrap();
    assert!(matches!(e, OfficeError::UnknownColumn(ref c) if c == "nmae"));
    assert!(is_known_column("contact5_relation"));
    assert!(!is_known_column("contact6_name"));
}
