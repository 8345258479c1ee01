use super::*;

fn bytes(b: &[u8]) -> Part {
    Part::Bytes {
        bytes: b.to_vec(),
        eci: None,
    }
}

#[test]
fn without_an_eci_utf8_then_shift_jis_then_latin1() {
    assert_eq!(guess("ヘルプ".as_bytes()), "ヘルプ");
    // "Google モバイル" as Shift_JIS, as photo qrcode-2/10 carries it: not UTF-8.
    let sjis = b"Google \x83\x82\x83o\x83C\x83\x8b";
    assert_eq!(guess(sjis), "Google モバイル");
    // Neither: every byte is an ISO-8859-1 character.
    assert_eq!(guess(b"caf\xe9 \xff"), "café ÿ");
    assert_eq!(guess(b"HTTPS://X/S#0123"), "HTTPS://X/S#0123");
}

#[test]
fn segments_are_decided_together_and_an_eci_decides_its_own() {
    // A Shift_JIS character split across two byte segments still reads.
    let parts = [
        Part::Ascii(b"ID ".to_vec()),
        bytes(b"\x83"),
        bytes(b"\x82 "),
        Part::Kanji(b"\x93\xfa".to_vec()),
    ];
    assert_eq!(text(&parts), "ID モ 日");
    // An ECI names the set of the bytes after it; the bytes before it are guessed.
    let parts = [
        bytes(b"\xe3\x83\x98"),
        Part::Bytes {
            bytes: b"\xe9".to_vec(),
            eci: Some(3),
        },
        Part::Bytes {
            bytes: "ル".as_bytes().to_vec(),
            eci: Some(26),
        },
        Part::Bytes {
            bytes: b"\x83v".to_vec(),
            eci: Some(20),
        },
    ];
    assert_eq!(text(&parts), "ヘéルプ");
    // Bytes that are not valid in the set their ECI names are kept as ISO-8859-1.
    let bad = [Part::Bytes {
        bytes: b"\xff\xfe".to_vec(),
        eci: Some(26),
    }];
    assert_eq!(text(&bad), "ÿþ");
}
