#![no_main]
//! A kiosk's forwarded rows as the key service reads them (`POST /api/kiosk/rows`): the batch
//! parsed, its signature and hashes checked, on arbitrary bytes: never panics.

use helpcard_audit::{Batch, DeviceKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let public = DeviceKey::from_bytes(&[9; 32]).public();
    if let Ok(batch) = Batch::parse(data) {
        let signature = "00".repeat(64);
        let _ = batch.verify(data, &signature, &public);
    }
});
