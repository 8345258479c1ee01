//! Demo keys and the reference profiles, for `helpcard demo`, the kiosk's `--demo`, size
//! reports, benchmarks and tests (feature `demo`). The keys are derived from a public seed or
//! given by the caller, and every key file written from them is marked insecure: a card issued
//! with them proves nothing. Issuing randomness always comes from the caller (the operating
//! system's generator in every binary); the deterministic generator lives in `testing` alone.

use sha2::{Digest, Sha256};

/// A complete deterministic set of keys and lists: one root, one issuer (`musashino`), one
/// responder group, a signed trust list. Used by the test vectors, tests, benchmarks and the
/// CLI's demo.
pub struct DemoWorld {
    /// Root key (signs the trust list).
    pub root: crate::keys::SigningKey,
    /// Issuer key (signs cards and revocation lists).
    pub issuer: crate::keys::SigningKey,
    /// Responder group key (decrypts private parts).
    pub responder: crate::keys::ResponderKey,
    /// The trust list's contents.
    pub trust_list: crate::trust::TrustList,
    /// The trust list, signed by `root`.
    pub trust_list_bytes: Vec<u8>,
}

/// 2026-01-01T00:00:00Z: the demo keys are valid from here.
pub const DEMO_EPOCH: crate::date::UnixTime = crate::date::UnixTime(1_767_225_600);

impl DemoWorld {
    /// Keys derived from `seed`; valid for ten years from [`DEMO_EPOCH`]; the trust list is
    /// due for update after two years.
    pub fn new(seed: u64) -> DemoWorld {
        DemoWorld::from_secrets(&DemoWorld::secrets(seed))
    }

    /// The secret bytes of the root, issuer and responder keys for `seed` (test keys only):
    /// SHA-256(seed ‖ i) for i = 0, 1, 2, both as 8-byte big-endian integers — the first three
    /// blocks of `testing::StreamRng::from_seed(seed)`, which the test vectors record.
    pub fn secrets(seed: u64) -> [[u8; 32]; 3] {
        [0u64, 1, 2].map(|i| {
            Sha256::new()
                .chain_update(seed.to_be_bytes())
                .chain_update(i.to_be_bytes())
                .finalize()
                .into()
        })
    }

    /// The world with these root, issuer and responder secrets.
    pub fn from_secrets(secrets: &[[u8; 32]; 3]) -> DemoWorld {
        use crate::date::UnixTime;
        use crate::keys::{ResponderKey, SigningKey};
        use crate::trust::{IssuerEntry, KeyEntry, TrustList};
        let root = SigningKey::from_secret_bytes(&secrets[0]);
        let issuer = SigningKey::from_secret_bytes(&secrets[1]);
        let responder = ResponderKey::from_secret_bytes(&secrets[2]);
        let year = 365 * 86_400;
        let (from, to) = (DEMO_EPOCH, UnixTime(DEMO_EPOCH.0 + 10 * year));
        let trust_list = TrustList {
            sequence: 1,
            issued_at: from,
            next_update: UnixTime(DEMO_EPOCH.0 + 2 * year),
            issuers: vec![IssuerEntry {
                issuer: "musashino".into(),
                entry: KeyEntry {
                    key: issuer.verifying_key(),
                    name: "武蔵野市 障害者福祉課".into(),
                    not_before: from,
                    not_after: to,
                },
            }],
            responders: vec![KeyEntry {
                key: responder.public_key(),
                name: "武蔵野市 緊急対応グループ".into(),
                not_before: from,
                not_after: to,
            }],
        };
        let trust_list_bytes = trust_list.sign(&root);
        DemoWorld {
            root,
            issuer,
            responder,
            trust_list,
            trust_list_bytes,
        }
    }

    /// Issues `profile` with these keys (private part to the responder key): the one call
    /// benchmarks, size reports and demos need.
    pub fn issue(
        &self,
        profile: &crate::profile::Profile,
        validity: crate::card::Validity,
        rng: &mut impl rand_core::CryptoRngCore,
    ) -> Result<crate::card::Issued, crate::error::IssueError> {
        let responder = self.responder.public_key();
        crate::card::issue(profile, &self.issuer, Some(&responder), validity, rng)
    }

    /// A trust store pinning the root and holding the trust list, as of `now`.
    pub fn trust_store(&self, now: crate::date::UnixTime) -> crate::trust::TrustStore {
        let mut store = crate::trust::TrustStore::new(vec![self.root.verifying_key()]);
        store
            .load(&self.trust_list_bytes, now)
            .expect("the demo trust list is valid at now");
        store
    }
}

/// The reference profiles (`profiles/*.toml`): realistic contents of help cards, by name.
pub const REFERENCE_PROFILES: &[(&str, &str)] = &[
    (
        "01-deaf-adult",
        include_str!("../../profiles/01-deaf-adult.toml"),
    ),
    (
        "02-autism-teen",
        include_str!("../../profiles/02-autism-teen.toml"),
    ),
    (
        "03-epilepsy-child",
        include_str!("../../profiles/03-epilepsy-child.toml"),
    ),
    (
        "04-wheelchair-medcare",
        include_str!("../../profiles/04-wheelchair-medcare.toml"),
    ),
    (
        "05-blind-elder",
        include_str!("../../profiles/05-blind-elder.toml"),
    ),
    (
        "06-schizophrenia",
        include_str!("../../profiles/06-schizophrenia.toml"),
    ),
    (
        "07-brain-injury",
        include_str!("../../profiles/07-brain-injury.toml"),
    ),
    (
        "08-foreign-resident",
        include_str!("../../profiles/08-foreign-resident.toml"),
    ),
];

#[cfg(test)]
#[path = "demo_tests.rs"]
mod tests;
