use super::*;

fn round_trip(texts: &[&str]) -> Vec<u8> {
    let stream = encode(texts).unwrap();
    assert_eq!(decode(&stream, texts.len()).unwrap(), texts, "{texts:?}");
    stream
}

#[test]
fn the_model_file_parses_and_covers_common_japanese() {
    let m = model();
    for c in "あいうアイウ漢字筆談お願い、。 0123456789abcXYZ-".chars() {
        assert_ne!(m.symbol(c), ESCAPE, "{c} should be in the alphabet");
    }
    assert_eq!(m.symbol('\u{E000}'), ESCAPE);
    assert_eq!(
        m.symbol('\u{29E3D}'),
        ESCAPE,
        "the escaped-characters vector relies on this"
    );
}

#[test]
fn japanese_help_card_text_takes_well_under_utf8() {
    let text = "てんかんがあります。発作が起きたら、まわりの危ない物をどけて見守ってください。";
    let stream = round_trip(&[text]);
    assert!(
        stream.len() * 2 < text.len(),
        "{} bytes for {} bytes of UTF-8",
        stream.len(),
        text.len()
    );
}

#[test]
fn round_trips_edge_cases() {
    assert!(round_trip(&[]).is_empty());
    round_trip(&[""]);
    round_trip(&["", "", "a"]);
    round_trip(&[
        "\u{E000}\u{1F600}\u{10FFFF}\u{0}\u{7F}𠮷野家",
        "tab\tnew\nline",
    ]);
    round_trip(&["佐藤 健太", "佐藤 由美", "090-1111-2222", "080-3333-4444"]);
    let long = "あ".repeat(MAX_SYMBOLS - 1);
    round_trip(&[long.as_str()]);
}

#[test]
fn repeated_text_is_cheaper_the_second_time() {
    let once = encode(&["むさしの相談支援センター"]).unwrap().len();
    let twice = encode(&["むさしの相談支援センター", "むさしの相談支援センター"])
        .unwrap()
        .len();
    assert!(twice < once * 3 / 2, "{once} then {twice}");
}

#[test]
fn too_long_is_an_error_not_a_truncation() {
    let long = "あ".repeat(MAX_SYMBOLS);
    assert_eq!(
        encode(&[long.as_str()]),
        Err(TextError::TooLong(MAX_SYMBOLS + 1))
    );
}

#[test]
fn only_the_coders_own_output_decodes() {
    let stream = encode(&["筆談でお願いします"]).unwrap();
    // A zero byte appended decodes to the same text, so it must be refused.
    assert_eq!(
        decode(&[&stream[..], &[0]].concat(), 1),
        Err(TextError::Malformed)
    );
    // Every non-empty text list codes to at least one byte (the final 1 bit).
    assert_eq!(decode(&[], 1), Err(TextError::Malformed));
    assert_eq!(decode(&stream, 0), Err(TextError::Malformed));
}

#[test]
fn damaged_streams_never_panic_and_never_decode_to_the_original() {
    let texts = ["自閉症があります。", "090-1111-2222"];
    let stream = encode(&texts).unwrap();
    // Every seventh bit: garbage decodes run to MAX_SYMBOLS, slow in debug builds.
    for i in (0..stream.len() * 8).step_by(7) {
        let mut damaged = stream.clone();
        damaged[i / 8] ^= 0x80 >> (i % 8);
        if let Ok(decoded) = decode(&damaged, 2) {
            assert_ne!(decoded, texts, "bit {i}");
            assert_eq!(encode(&decoded).unwrap(), damaged);
        }
    }
    for n in 0..stream.len() {
        if let Ok(decoded) = decode(&stream[..n], 2) {
            assert_ne!(decoded, texts, "cut to {n} bytes");
        }
    }
}

#[test]
fn crafted_streams_are_bounded() {
    // Any byte string decodes to at most MAX_SYMBOLS symbols or fails; it never runs away.
    for fill in [0x00u8, 0xFF, 0x55] {
        let stream = vec![fill; 64];
        if let Ok(texts) = decode(&stream, 3) {
            assert!(texts.iter().map(|t| t.chars().count() + 1).sum::<usize>() <= MAX_SYMBOLS);
        }
    }
}

#[test]
fn the_model_file_is_the_frozen_ja_1() {
    use sha2::{Digest, Sha256};
    // Cards issued with this model can only be read with exactly these bytes.
    assert_eq!(
        hex::encode(Sha256::digest(MODEL_FILE)),
        "556afd6ac7a5ec6e73b29b6365c54cde860098c6fbefc5fe8b8bc4e0f135a80e"
    );
}

const MODEL_FILE: &[u8] = include_bytes!("text/ja-2.model");
const COMPACT: &[u8] = include_bytes!("text/ja-2.compact");

fn read_compact(data: &[u8]) -> Option<Model> {
    Model::read(&mut Compact::new(data)?)
}

#[test]
fn the_compact_model_is_the_model_file_packed() {
    let written = compact::write(MODEL_FILE).unwrap();
    if std::env::var_os("HELPCARD_WRITE_MODEL").is_some() {
        // Regenerating: the next run (which embeds the new file) checks it.
        std::fs::write("src/text/ja-2.compact", &written).unwrap();
        return;
    }
    assert!(
        written == COMPACT,
        "text/ja-2.compact is not ja-2.model packed: HELPCARD_WRITE_MODEL=1 cargo test -p helpcard-core compact"
    );
    let model = Model::parse(MODEL_FILE).unwrap();
    assert!(read_compact(COMPACT).unwrap() == model);
    // The point of it: the same integers compress better (gzip, as a browser downloads them).
    let gzip = |data: &[u8]| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap().len()
    };
    assert!(
        gzip(COMPACT) * 10 < gzip(MODEL_FILE) * 9,
        "{} vs {}",
        gzip(COMPACT),
        gzip(MODEL_FILE)
    );
}

#[test]
fn a_damaged_compact_model_is_refused() {
    assert!(read_compact(&COMPACT[..COMPACT.len() - 1]).is_none());
    assert!(read_compact(&[COMPACT, &[0]].concat()).is_none());
    assert!(read_compact(&COMPACT[..COMPACT.len() / 2]).is_none());
    assert!(read_compact(b"HCTC1").is_none());
    assert!(read_compact(&MODEL_FILE[..1000]).is_none());
    // A weight changed reads, but not to the model.
    let mut altered = COMPACT.to_vec();
    altered[100] ^= 1;
    assert!(read_compact(&altered).is_none_or(|m| m != Model::parse(MODEL_FILE).unwrap()));
}

#[test]
fn an_escaped_character_the_alphabet_has_is_refused() {
    // Written by hand: escape, then the code point of 'あ' (which has its own symbol), then end.
    let m = model();
    let mut w = Writer::default();
    let dist = m.distribution(END, END, &w.seen);
    let (low, width) = dist.interval(ESCAPE);
    w.out.encode(dist.total, low, width);
    w.out.encode(CODE_POINTS, u64::from(u32::from('あ')), 1);
    w.seen.add(END, ESCAPE);
    let dist = m.distribution(END, ESCAPE, &w.seen);
    let (low, width) = dist.interval(END);
    w.out.encode(dist.total, low, width);
    assert_eq!(decode(&w.finish(), 1), Err(TextError::Malformed));
}

#[test]
fn a_zero_padded_integer_is_refused() {
    let mut w = Writer::default();
    w.out.encode(256, 0x85, 1); // 5, "continued" ...
    w.out.encode(256, 0x00, 1); // ... by a zero byte: 5 again, but not the shortest form.
    let stream = w.finish();
    let mut r = Reader::new(&stream);
    assert_eq!(r.uint(), Err(TextError::Malformed));
    let mut w = Writer::default();
    w.uint(5);
    let stream = w.finish();
    let mut r = Reader::new(&stream);
    assert_eq!(r.uint(), Ok(5));
    assert_eq!(r.finish(), Ok(()));
}
