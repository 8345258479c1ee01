#![no_main]
//! Trust-list and revocation-list parsing on arbitrary bytes: never panics.

use std::sync::OnceLock;

use helpcard_core::date::UnixTime;
use helpcard_core::keys::VerifyingKey;
use helpcard_core::testing::DemoWorld;
use helpcard_core::trust::{Revocations, TrustList, TrustStore};
use libfuzzer_sys::fuzz_target;

fn world() -> &'static (TrustStore, VerifyingKey) {
    static W: OnceLock<(TrustStore, VerifyingKey)> = OnceLock::new();
    W.get_or_init(|| {
        let w = DemoWorld::from_secrets(&DemoWorld::secrets(2026));
        (w.trust_store(UnixTime(1_772_409_600)), w.root.verifying_key())
    })
}

fuzz_target!(|data: &[u8]| {
    let (trust, root) = world();
    let now = UnixTime(1_772_409_600);
    let _ = TrustList::verify(data, &[*root]);
    let _ = trust.clone().load(data, now);
    let _ = Revocations::new().load(data, trust, now);
});
