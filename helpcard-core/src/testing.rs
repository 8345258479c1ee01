//! Deterministic randomness for test vectors and reproducible examples. Never for real cards.

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

/// Yields a recorded byte stream first (so a test vector can list the exact random bytes an
/// issuance consumed), then SHA-256(seed ‖ counter) blocks.
#[derive(Clone, Debug)]
pub struct StreamRng {
    recorded: Vec<u8>,
    position: usize,
    seed: u64,
    counter: u64,
    block: Vec<u8>,
}

impl StreamRng {
    /// A stream derived only from `seed`.
    pub fn from_seed(seed: u64) -> StreamRng {
        StreamRng::from_bytes(Vec::new(), seed)
    }

    /// `recorded` first, then the stream of `seed`.
    pub fn from_bytes(recorded: Vec<u8>, seed: u64) -> StreamRng {
        StreamRng {
            recorded,
            position: 0,
            seed,
            counter: 0,
            block: Vec::new(),
        }
    }

    /// Bytes of the recorded stream consumed so far.
    pub fn consumed(&self) -> usize {
        self.position
    }

    fn next_byte(&mut self) -> u8 {
        if self.position < self.recorded.len() {
            self.position += 1;
            return self.recorded[self.position - 1];
        }
        if self.block.is_empty() {
            let digest = Sha256::new()
                .chain_update(self.seed.to_be_bytes())
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            self.counter += 1;
            self.block = digest.iter().rev().copied().collect();
        }
        self.block.pop().unwrap_or_default()
    }
}

impl RngCore for StreamRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.iter_mut().for_each(|b| *b = self.next_byte());
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// Deterministic by design: only for vectors and tests, where reproducibility is the point.
impl CryptoRng for StreamRng {}

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

    /// The secret bytes of the root, issuer and responder keys for `seed` (test keys only).
    pub fn secrets(seed: u64) -> [[u8; 32]; 3] {
        let mut rng = StreamRng::from_seed(seed);
        let mut secrets = [[0u8; 32]; 3];
        secrets.iter_mut().for_each(|s| rng.fill_bytes(s));
        secrets
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

    /// Issues `profile` with these keys (private part to the responder key, compressed when
    /// smaller): the one call benchmarks, size reports and demos need.
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
