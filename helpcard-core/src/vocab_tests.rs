use super::*;

const ALL: [Category; 4] = [
    Category::Help,
    Category::Condition,
    Category::MedicalCare,
    Category::Relation,
];

#[test]
fn codes_are_sorted_unique_and_keys_unique() {
    for cat in ALL {
        let entries = cat.entries();
        for pair in entries.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{cat:?} codes out of order at {}",
                pair[1].code
            );
        }
        for e in entries {
            assert_eq!(
                cat.by_key(e.key).map(|x| x.code),
                Some(e.code),
                "{cat:?} key {} not unique",
                e.key
            );
            assert!(e.code > 0, "code 0 is reserved");
            assert!(
                e.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            );
            assert!(!e.ja.is_empty() && !e.en.is_empty() && !e.easy_ja.is_empty());
        }
    }
}

#[test]
fn lookup_finds_known_codes_and_labels_unknown_ones() {
    let code = Code {
        category: Category::Help,
        value: 3,
    };
    assert_eq!(code.label(Lang::Ja), "筆談でお願いします");
    assert_eq!(code.label(Lang::En), "Please communicate in writing");
    let unknown = Code {
        category: Category::Help,
        value: 999,
    };
    assert_eq!(unknown.entry(), None);
    assert_eq!(unknown.label(Lang::En), "unknown code 999");
    assert_eq!(unknown.label(Lang::Ja), "不明なコード 999");
}
