#![no_main]
//! QR text decoding: never panics; whatever decodes re-encodes to the same digits.

use helpcard_core::qrtext;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(bytes) = qrtext::decode(text) {
        let again = qrtext::encode("P", &bytes).expect("valid prefix");
        let fragment = text.split_once('#').expect("decoded text has #").1;
        assert_eq!(again.split_once('#').expect("#").1, fragment, "decode/encode is a bijection");
    }
});
