#![no_main]
//! `open` on arbitrary bytes, with a trust store, responder key and revocation lists: never
//! panics. Seeds: the test vectors' cards (see fuzz/README.md).

use std::sync::OnceLock;

use helpcard_core::card::{self, ResponderKeys};
use helpcard_core::date::UnixTime;
use helpcard_core::keys::ResponderKey;
use helpcard_core::testing::DemoWorld;
use helpcard_core::trust::{Revocations, TrustStore};
use libfuzzer_sys::fuzz_target;

struct Env {
    trust: TrustStore,
    keys: ResponderKeys,
    revocations: Revocations,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        // The test vectors' keys, so vector cards make good seeds.
        let secrets = DemoWorld::secrets(2026);
        let world = DemoWorld::from_secrets(&secrets);
        let now = UnixTime(1_772_409_600);
        Env {
            trust: world.trust_store(now),
            keys: ResponderKeys::new(vec![ResponderKey::from_secret_bytes(&secrets[2])]),
            revocations: Revocations::new(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let e = env();
    let now = UnixTime(1_772_409_600);
    let _ = card::open(data, &e.trust, now, Some(&e.keys), Some(&e.revocations));
    let _ = card::open(data, &e.trust, now, None, None);
});
