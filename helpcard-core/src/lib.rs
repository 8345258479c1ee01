//! # helpcard-core
//!
//! Signed, encrypted payloads for Japanese help cards (ヘルプカード): one QR code carries a
//! **public part** anyone may read and a **private part** only authorised responders can
//! decrypt, offline. The format is standard COSE (RFC 9052): a COSE_Sign1 (Ed25519) over CWT
//! claims (RFC 8392) that hold the public part and a COSE_Encrypt (ECDH-ES + HKDF-256 with
//! X25519, ChaCha20/Poly1305). See [`manual`] for the design rationale.
//!
//! ```
//! use helpcard_core::card::{self, PrivateOutcome, ResponderKeys, Validity};
//! use helpcard_core::date::{Date, UnixTime};
//! use helpcard_core::keys::{ResponderKey, SigningKey};
//! use helpcard_core::profile::Profile;
//! use helpcard_core::trust::{IssuerEntry, KeyEntry, TrustList, TrustStore};
//! use helpcard_core::{qrtext, testing::StreamRng};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Real issuers use the operating system's RNG (rand_core::OsRng).
//! let mut rng = StreamRng::from_seed(42);
//! let root = SigningKey::generate(&mut rng);
//! let issuer = SigningKey::generate(&mut rng);
//! let responder = ResponderKey::generate(&mut rng);
//! let now = UnixTime(1_780_000_000);
//! let year = 365 * 86_400;
//!
//! // The root signs a trust list naming the issuer key and the responder group key.
//! let window = |name: &str| (name.to_owned(), UnixTime(now.0 - year), UnixTime(now.0 + 5 * year));
//! let (name, not_before, not_after) = window("武蔵野市 障害者福祉課");
//! let list = TrustList {
//!     sequence: 1,
//!     issued_at: now,
//!     next_update: UnixTime(now.0 + year),
//!     issuers: vec![IssuerEntry {
//!         issuer: "musashino".into(),
//!         entry: KeyEntry { key: issuer.verifying_key(), name, not_before, not_after },
//!     }],
//!     responders: vec![],
//! };
//! let mut trust = TrustStore::new(vec![root.verifying_key()]);
//! trust.load(&list.sign(&root), now)?;
//!
//! // The issuing office turns a profile into QR text.
//! let profile = Profile::load_toml(r#"
//!     [public]
//!     help = ["writing", "sign-language"]
//!     message = "耳が聞こえません。筆談でお願いします。"
//!     [private]
//!     name = "田中 美咲"
//!     conditions = ["hearing"]
//! "#, now.date())?;
//! let validity = Validity { issued_at: now, expires_at: UnixTime(now.0 + 3 * year) };
//! let issued = card::issue(&profile, &issuer, Some(&responder.public_key()), validity, &mut rng)?;
//! let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &issued.bytes)?;
//!
//! // A responder scans it: the public part verifies for anyone, the private part needs the key.
//! let bytes = qrtext::decode(&text)?;
//! let keys = ResponderKeys::new(vec![responder]);
//! let opened = card::open(&bytes, &trust, now, Some(&keys), None)?;
//! assert_eq!(opened.public.message, "耳が聞こえません。筆談でお願いします。");
//! let PrivateOutcome::Decrypted(private) = opened.private else { panic!("not decrypted") };
//! assert_eq!(private.name, "田中 美咲");
//! # Ok(())
//! # }
//! ```
//!
//! Data flows one way: [`profile`] → [`cbor`] → [`packed`] (texts through [`text`]) →
//! [`cose`] (encrypt, sign) → [`qrtext`] → a QR symbol (the `helpcard-qr` crate); and back
//! through [`card::open`]. The core never reads a clock, a file or the
//! network: time, bytes and randomness come in as arguments.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod card;
pub mod cbor;
pub mod cose;
pub mod date;
#[cfg(any(test, feature = "demo"))]
pub mod demo;
pub mod error;
pub mod keys;
pub mod manual;
pub mod packed;
pub mod profile;
pub mod qrtext;
pub mod reason;
pub mod refusal;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod trust;
pub mod view;
pub mod vocab;

/// The README's library example, compiled and run as a doctest.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
