#![no_main]
//! `open` on arbitrary *claims*, signed with the vectors' issuer key: random bytes almost never
//! pass a signature, so `open_card` spends its time on the envelope; this target gets past the
//! signature into the claims, the packed public part and COSE_Encrypt. Never panics; whatever
//! opens must carry the claims it was given (same card id when the claims parse).
//!
//! Seeds: the vectors' `claims` stage (`fuzz/seed.sh`).

use std::sync::OnceLock;

use helpcard_core::card::{self, ResponderKeys};
use helpcard_core::cose;
use helpcard_core::date::UnixTime;
use helpcard_core::keys::ResponderKey;
use helpcard_core::testing::DemoWorld;
use helpcard_core::trust::TrustStore;
use libfuzzer_sys::fuzz_target;

struct Env {
    world: DemoWorld,
    trust: TrustStore,
    keys: ResponderKeys,
}

const NOW: UnixTime = UnixTime(1_772_409_600);

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let secrets = DemoWorld::secrets(2026);
        let world = DemoWorld::from_secrets(&secrets);
        Env {
            trust: world.trust_store(NOW),
            keys: ResponderKeys::new(vec![ResponderKey::from_secret_bytes(&secrets[2])]),
            world,
        }
    })
}

fuzz_target!(|claims: &[u8]| {
    if claims.len() > 4096 {
        return;
    }
    let e = env();
    let card = cose::sign1(&e.world.issuer, None, claims.to_vec());
    if let Ok(mut opened) = card::open(&card, &e.trust, NOW, Some(&e.keys), None) {
        // The second step alone agrees with the one-step opening.
        if let Ok(key) = opened.content_key(&e.keys) {
            let _ = opened.decrypt_with_content_key(&key);
        }
    }
});
