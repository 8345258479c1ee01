#![no_main]
//! Packed parts and text streams: never panic; whatever unpacks packs back to the same bytes
//! (one meaning, one encoding).

use helpcard_core::packed;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = packed::unpack(data) {
        assert_eq!(packed::pack(&value).expect("decoded texts fit"), data);
    }
});
