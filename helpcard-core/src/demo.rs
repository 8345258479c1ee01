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

impl DemoWorld {
    /// Fresh random keys (from `rng`) for a live demo at `now`: key windows from two years
    /// before `now` (so an already-expired demo card can exist) to ten years after, a trust
    /// list issued `now` and due for update a year later.
    pub fn fresh(now: crate::date::UnixTime, rng: &mut impl rand_core::CryptoRngCore) -> DemoWorld {
        use crate::date::UnixTime;
        let mut secrets = zeroize::Zeroizing::new([[0u8; 32]; 3]);
        secrets.iter_mut().for_each(|s| rng.fill_bytes(s));
        let mut world = DemoWorld::from_secrets(&secrets);
        let year = 365 * 86_400;
        let (from, to) = (
            UnixTime(now.0.saturating_sub(2 * year)),
            UnixTime(now.0 + 10 * year),
        );
        for e in &mut world.trust_list.issuers {
            (e.entry.not_before, e.entry.not_after) = (from, to);
        }
        for e in &mut world.trust_list.responders {
            (e.not_before, e.not_after) = (from, to);
        }
        world.trust_list.issued_at = now;
        world.trust_list.next_update = UnixTime(now.0 + year);
        world.trust_list_bytes = world.trust_list.sign(&world.root);
        world
    }
}

/// One card of a [`DemoSet`] and the verdict a scanner should give it.
pub struct DemoCard {
    /// Short name: a reference profile's, or `expired`, `revoked`, `tampered`,
    /// `foreign-issuer`, `other-group`.
    pub name: String,
    /// The card bytes.
    pub bytes: Vec<u8>,
    /// The verdict code a scanner holding the set's trust and revocation lists gives it
    /// (`helpcard_core::view::Verdict::code`).
    pub verdict: &'static str,
    /// Whether this service's responder key opens its private part.
    pub opens: bool,
}

/// Everything a front end's `--demo` needs: a fresh [`DemoWorld`], its revocation list, and a
/// card per reference profile plus one of every kind a scanner must refuse or flag.
pub struct DemoSet {
    /// Keys and the signed trust list.
    pub world: DemoWorld,
    /// The issuer's signed revocation list (revokes the `revoked` card).
    pub revocation_list: Vec<u8>,
    /// The cards.
    pub cards: Vec<DemoCard>,
}

impl DemoSet {
    /// What a scanner of this set holds at `now`: the trust store (demo root pinned, trust list
    /// loaded) and the revocation list loaded.
    pub fn lists(
        &self,
        now: crate::date::UnixTime,
    ) -> Result<(crate::trust::TrustStore, crate::trust::Revocations), crate::trust::ListError>
    {
        let trust = self.world.trust_store(now);
        let mut revocations = crate::trust::Revocations::new();
        revocations.load(&self.revocation_list, &trust, now)?;
        Ok((trust, revocations))
    }

    /// A demo set for `now`, every key and card from `rng`.
    pub fn new(
        now: crate::date::UnixTime,
        rng: &mut impl rand_core::CryptoRngCore,
    ) -> Result<DemoSet, crate::error::IssueError> {
        use crate::card::Validity;
        use crate::date::UnixTime;
        use crate::profile::Profile;
        let world = DemoWorld::fresh(now, rng);
        let day = 86_400;
        let current = Validity {
            issued_at: UnixTime(now.0.saturating_sub(60)),
            expires_at: UnixTime(now.0 + 3 * 365 * day),
        };
        let profile = |name: &str| {
            let text = REFERENCE_PROFILES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, t)| t);
            Profile::from_toml(text).unwrap_or_default()
        };
        let mut cards = Vec::new();
        for (name, text) in REFERENCE_PROFILES {
            let p = Profile::from_toml(text).unwrap_or_default();
            cards.push(DemoCard {
                name: (*name).to_owned(),
                bytes: world.issue(&p, current, rng)?.bytes,
                verdict: "verified",
                opens: true,
            });
        }
        let expired = Validity {
            issued_at: UnixTime(now.0.saturating_sub(400 * day)),
            expires_at: UnixTime(now.0.saturating_sub(day)),
        };
        cards.push(DemoCard {
            name: "expired".into(),
            bytes: world.issue(&profile("05-blind-elder"), expired, rng)?.bytes,
            verdict: "expired",
            opens: false,
        });
        let revoked = world.issue(&profile("06-schizophrenia"), current, rng)?;
        cards.push(DemoCard {
            name: "revoked".into(),
            bytes: revoked.bytes,
            verdict: "revoked",
            opens: false,
        });
        let mut tampered = world.issue(&profile("01-deaf-adult"), current, rng)?.bytes;
        let last = tampered.len() - 1;
        tampered[last] ^= 0x01; // in the signature
        cards.push(DemoCard {
            name: "tampered".into(),
            bytes: tampered,
            verdict: "tampered",
            opens: false,
        });
        let stranger = DemoWorld::fresh(now, rng);
        cards.push(DemoCard {
            name: "foreign-issuer".into(),
            bytes: stranger
                .issue(&profile("02-autism-teen"), current, rng)?
                .bytes,
            verdict: "unknown_issuer",
            opens: false,
        });
        let other_group = crate::card::issue(
            &profile("04-wheelchair-medcare"),
            &world.issuer,
            Some(&stranger.responder.public_key()),
            current,
            rng,
        )?;
        cards.push(DemoCard {
            name: "other-group".into(),
            bytes: other_group.bytes,
            verdict: "verified",
            opens: false,
        });
        let revocation_list = crate::trust::RevocationList {
            issuer: "musashino".into(),
            counter: 1,
            issued_at: now,
            next_update: UnixTime(now.0 + 30 * day),
            revoked: vec![revoked.card_id],
            revoked_before: None,
            paused: Vec::new(),
        }
        .sign(&world.issuer);
        Ok(DemoSet {
            world,
            revocation_list,
            cards,
        })
    }
}
