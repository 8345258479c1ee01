#![no_main]
//! Packed parts and text streams: never panic; whatever unpacks packs back to the same bytes
//! (one meaning, one encoding).

use helpcard_core::{packed, profile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A packed part on a card is at most a few hundred bytes; longer inputs only slow the
    // fuzzer (11 exec/s uncapped) without reaching new code.
    if data.len() > 1024 {
        return;
    }
    for schema in [profile::PUBLIC_SCHEMA, profile::PRIVATE_SCHEMA] {
        if let Ok(value) = packed::unpack(data, schema) {
            assert_eq!(packed::pack(&value, schema).expect("decoded parts repack"), data);
        }
    }
});
